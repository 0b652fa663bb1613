"""Adjudication: the disagreement queue, every annotator's spans on the document, and the items still
open, resolved by keyboard into the gold set (annotator.services.adjudication)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from annotator.services.annotate import Span
from annotator.services.documents import load_text
from annotator.services.project import Project
from annotator.ui.document_view import DocumentView
from annotator.ui.geometry import fit_to_screen
from annotator.ui.tasks import BackgroundTask

#: Annotators' colours: none near gold's yellow (GOLD_COLOR), which marks what is decided.
PALETTE = ["#8ecae6", "#e07a5f", "#b5e48c", "#f4a6c6", "#cdb4db", "#81b29a", "#a0c4ff", "#bdb2ff"]
GOLD_COLOR = "#ffd60a"
POLICIES = ["majority", "unanimous", "min:2"]


def _argument(argument: str) -> tuple[str, int, int]:
    """``ROLE=S-E`` of an event item key as (role, start, end)."""
    role, bounds = argument.split("=")
    start, end = (int(x) for x in bounds.split("-"))
    return role, start, end


class ItemList(QListWidget):
    """Open items, one line per proposer's version: Enter accepts it, x/Delete rejects the item,
    Shift+A accepts every open item of the document as its first proposer made it. Edits in place accept
    the version and change the gold copy: e (entity label or event type), b (entity boundaries from the
    text selection), r (leave an event argument out), n (add the selected text as an event argument)."""

    def __init__(self, dialog: AdjudicationDialog):
        super().__init__()
        self.dialog = dialog

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.dialog.accept_selected()
        elif key in (Qt.Key.Key_X, Qt.Key.Key_Delete):
            self.dialog.reject_selected()
        elif key == Qt.Key.Key_A and event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            self.dialog.accept_all()
        elif key == Qt.Key.Key_E:
            self.dialog.edit_selected()
        elif key == Qt.Key.Key_B:
            self.dialog.reshape_selected()
        elif key == Qt.Key.Key_R:
            self.dialog.remove_argument()
        elif key == Qt.Key.Key_N:
            self.dialog.add_argument()
        else:
            super().keyPressEvent(event)


class AdjudicationDialog(QDialog):
    def __init__(
        self,
        project: Project,
        adjudicator: str,
        parent=None,
        on_change: Callable[[], None] | None = None,
        pre_accept: bool = True,
    ):
        super().__init__(parent)
        self.setWindowTitle(f"Adjudication — {adjudicator}")
        fit_to_screen(self, 1300, 800)
        self.project, self.adjudicator, self.on_change = project, adjudicator, on_change
        self.document_id: int | None = None
        layout = QVBoxLayout(self)
        controls = QHBoxLayout()
        self.policy = QComboBox()
        self.policy.addItems(POLICIES)
        self.policy.currentIndexChanged.connect(lambda _i: self.refresh_queue())
        self.apply_button = QPushButton("Apply policy to all documents")
        self.apply_button.clicked.connect(self.apply_policy)
        self.layer = QComboBox()
        self.layer.addItems(["all layers", "entities", "events", "tone", "sentiment"])
        self.layer.currentIndexChanged.connect(lambda _i: self.refresh_queue())
        self.label = QComboBox()
        self.label.addItems(
            ["all labels", *project.schema.entity_type_names, *project.schema.event_type_names]
        )
        self.label.currentIndexChanged.connect(lambda _i: self.refresh_queue())
        controls.addWidget(QLabel("Policy:"))
        controls.addWidget(self.policy)
        controls.addWidget(QLabel("Queue:"))
        controls.addWidget(self.layer)
        controls.addWidget(self.label)
        controls.addWidget(self.apply_button)
        controls.addStretch(1)
        layout.addLayout(controls)
        self.status = QLabel()
        layout.addWidget(self.status)
        splitter = QSplitter()
        self.queue = QListWidget()
        self.queue.currentItemChanged.connect(
            lambda item, _prev: item and self.open_document(item.data(Qt.ItemDataRole.UserRole))
        )
        self.view = DocumentView()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.items = ItemList(self)
        self.items.currentItemChanged.connect(self._show_item)
        right_layout.addWidget(self.legend)
        help_text = QLabel(
            "Open items — Enter accepts this version, x rejects, Shift+A accepts all. Edit in place: "
            "e relabels or retypes, b takes the boundaries selected in the text; on an event, "
            "r leaves an argument out, n adds the selected text as an argument:"
        )
        help_text.setWordWrap(True)  # never widens the pane at the document's expense
        right_layout.addWidget(help_text)
        right_layout.addWidget(self.items)
        for w in (self.queue, self.view, right):
            splitter.addWidget(w)
        splitter.setSizes([240, 620, 440])
        layout.addWidget(splitter, 1)
        self.task: BackgroundTask | None = None
        self.refresh_queue()
        if pre_accept:
            self.apply_policy()  # what the policy agrees on is accepted before anyone looks

    # ------------------------------------------------------------------ queue and document

    def refresh_queue(self) -> None:
        from annotator.services.adjudication import disagreement_queue

        current = self.document_id
        self.queue.blockSignals(True)
        self.queue.clear()
        layer = None if self.layer.currentIndex() == 0 else self.layer.currentText()
        label = None if self.label.currentIndex() == 0 else self.label.currentText()
        rows = disagreement_queue(self.project, policy=self.policy.currentText(), layer=layer, label=label)
        for doc_id, ext_id, title, n_open, score in rows:
            item = QListWidgetItem(f"{title or ext_id}\n{n_open} open · {score:.0%} disputed")
            item.setData(Qt.ItemDataRole.UserRole, doc_id)
            item.setData(Qt.ItemDataRole.UserRole + 1, title or ext_id)
            self.queue.addItem(item)
        self.queue.blockSignals(False)
        self.status.setText(f"{len(rows)} document(s) with open items under “{self.policy.currentText()}”.")
        ids = [r[0] for r in rows]
        if current in ids:
            self.queue.setCurrentRow(ids.index(current))
        elif rows:
            self.queue.setCurrentRow(0)
        else:
            self.document_id = None
            self.items.clear()

    def open_document(self, document_id: int) -> None:
        self.document_id = document_id
        doc = load_text(self.project, document_id)
        if self.view.text != doc.text:
            self.view.set_document(doc.text)
        from annotator.services.adjudication import proposals

        marked = proposals(self.project, document_id)
        names = sorted({name for *_span, name in marked.entities if name != "gold"})
        colors = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)} | {"gold": GOLD_COLOR}
        self.view.set_label_colors(colors)
        # each span "labelled" with its annotator, so colours tell who proposed what; gold in yellow
        self.view.set_spans([Span(*row) for row in marked.entities], marked.polarities)
        # every annotator's event triggers (dotted, in the annotator's colour); arguments show in the list
        self.view.set_event_colors(colors)
        self.view.set_frames(marked.triggers, "", [], [])
        self.legend.setText(
            "  ".join(
                f"<span style='background:{colors[n]}'>&nbsp;{n}&nbsp;</span>" for n in [*names, "gold"]
            )
        )
        self.refresh_items()

    def refresh_items(self) -> None:
        from annotator.services.adjudication import open_items

        self.items.clear()
        if self.document_id is None:
            return
        for item in open_items(self.project, self.document_id, policy=self.policy.currentText()):
            for name in sorted(item.versions):
                entry = QListWidgetItem(f"{self._describe(item.key)}   ← {name}")
                entry.setToolTip(item.key)  # where it is, in code points
                entry.setToolTip(entry.text())  # a long frame is cut at the pane's edge
                entry.setData(Qt.ItemDataRole.UserRole, (item.key, name))
                self.items.addItem(entry)
        if self.items.count():
            self.items.setCurrentRow(0)
        self.items.setFocus()

    def _describe(self, key: str) -> str:
        """The item key with the text it covers: ``entity 3-8 LOC “Delhi”``, an event with its fillers."""
        parts = key.split()
        if parts[0] not in ("entity", "event"):
            return key
        start, end = (int(x) for x in parts[1].split("-"))
        head = f"{parts[0]} {parts[2]} “{self.view.text[start:end]}”"  # the text, not its offsets
        arguments = ", ".join(self._argument_text(a).rsplit(" [", 1)[0] for a in parts[3:])
        return f"{head}: {arguments}" if arguments else head

    def _show_item(self, entry: QListWidgetItem | None, _previous=None) -> None:
        """Select the item's span (an entity, an event's trigger, a sentiment's target) in the text."""
        if entry is None:
            return
        parts = entry.data(Qt.ItemDataRole.UserRole)[0].split()
        bounds = {"entity": 1, "event": 1, "sentiment": 2}.get(parts[0])
        if bounds is not None:
            start, end = (int(x) for x in parts[bounds].split("-"))
            self.view.select_range(start, end)
            self.view.ensureCursorVisible()

    # ------------------------------------------------------------------ decisions

    def _changed(self) -> None:
        """After a decision: redraw the document with its gold; when nothing is left open, move on."""
        if self.on_change is not None:
            self.on_change()
        if self.document_id is not None:
            self.open_document(self.document_id)
        if not self.items.count():
            self.refresh_queue()
            return
        entry = self.queue.currentItem()  # this document's count, without rescanning every document
        if entry is not None and entry.data(Qt.ItemDataRole.UserRole) == self.document_id:
            n_open = len(
                {self.items.item(i).data(Qt.ItemDataRole.UserRole)[0] for i in range(self.items.count())}
            )
            entry.setText(f"{entry.data(Qt.ItemDataRole.UserRole + 1)}\n{n_open} open · decided in part")

    def _selected(self) -> tuple[str, str] | None:
        """(item key, proposer) of the selected version, if any."""
        entry = self.items.currentItem()
        if entry is None or self.document_id is None:
            return None
        return entry.data(Qt.ItemDataRole.UserRole)

    def accept_selected(self) -> None:
        from annotator.services.adjudication import decide

        selected = self._selected()
        if selected is None:
            return
        key, name = selected
        decide(self.project, self.document_id, key, accept_from=name, adjudicator=self.adjudicator)
        self._changed()

    def _choose(self, title: str, prompt: str, options: list[str], current: int = 0) -> str | None:
        from PySide6.QtWidgets import QInputDialog

        choice, ok = QInputDialog.getItem(self, title, prompt, options, current, False)
        return choice if ok else None

    def _edit(self, edit: Callable[..., object], key: str, name: str, **changes) -> None:
        """Accept ``name``'s version of ``key`` and change it in gold (``edit``: a service's edit-in-place
        call); a refusal goes to the status line."""
        from annotator.errors import AnnotatorError

        try:
            edit(
                self.project, self.document_id, key, accept_from=name, adjudicator=self.adjudicator, **changes
            )
        except AnnotatorError as exc:
            self.status.setText(str(exc))
            return
        self._changed()

    def edit_selected(self, label: str | None = None) -> None:
        """Accept the selected version into gold with another entity label or event type (edit in place)."""
        from annotator.services.adjudication import edit_gold_entity, edit_gold_event

        selected = self._selected()
        if selected is None:
            return
        key, name = selected
        kind, _span, current = key.split()[:3]
        if kind not in ("entity", "event"):
            self.status.setText("Tone and sentiment have no parts to edit: accept or reject them.")
            return
        schema = self.project.schema
        names = list(
            schema.assignable_entity_type_names
            if kind == "entity"
            else [t for t in schema.event_type_names if not schema.event_type(t).abstract]
        )
        if label is None:
            label = self._choose(
                "Edit",
                f"Gold {'label' if kind == 'entity' else 'type'}:",
                names,
                names.index(current) if current in names else 0,
            )
            if label is None:
                return
        if kind == "entity":
            self._edit(edit_gold_entity, key, name, label=label)
        else:
            self._edit(edit_gold_event, key, name, event_type=label)

    def reshape_selected(self, start: int | None = None, end: int | None = None) -> None:
        """Accept the selected entity version into gold with the boundaries selected in the document."""
        from annotator.services.adjudication import edit_gold_entity

        selected = self._selected()
        if selected is None:
            return
        key, name = selected
        if not key.startswith("entity "):
            self.status.setText("Only entities can be reshaped here; n adds an argument to an event.")
            return
        if start is None or end is None:
            start, end = self.view.snapped_selection()
        if start == end:
            self.status.setText("Select the gold boundaries in the document first, then press b.")
            return
        self._edit(edit_gold_entity, key, name, bounds=(start, end))

    def remove_argument(self, argument: str | None = None) -> None:
        """Accept the selected event frame into gold without one of its arguments (``ROLE=S-E``)."""
        from annotator.services.adjudication import edit_gold_event

        selected = self._selected()
        if selected is None or not selected[0].startswith("event "):
            self.status.setText("Select an event frame to remove one of its arguments.")
            return
        key, name = selected
        arguments = key.split()[3:]
        if not arguments:
            self.status.setText("This frame has no arguments.")
            return
        if argument is None:
            shown = [self._argument_text(a) for a in arguments]
            choice = self._choose("Remove argument", "Argument to leave out of gold:", shown)
            if choice is None:
                return
            argument = arguments[shown.index(choice)]
        self._edit(edit_gold_event, key, name, remove=[_argument(argument)])

    def add_argument(self, role: str | None = None, label: str | None = None) -> None:
        """Accept the selected event frame into gold with one more argument: the text selected in the
        document, in a role chosen from the event type's roles."""
        from annotator.services.adjudication import edit_gold_event

        selected = self._selected()
        if selected is None or not selected[0].startswith("event "):
            self.status.setText("Select an event frame, then text in the document, then press n.")
            return
        key, name = selected
        start, end = self.view.snapped_selection()
        if start == end:
            self.status.setText("Select the argument's text in the document first, then press n.")
            return
        schema = self.project.schema
        event_type = schema.event_type(key.split()[2])
        if role is None:
            role = self._choose(
                "Add argument", f"Role of “{self.view.text[start:end]}”:", list(event_type.role_names)
            )
            if role is None:
                return
        if label is None:
            labels = list(schema.role_entity_labels(event_type.name, role))
            if len(labels) > 1:
                label = self._choose(
                    "Add argument", f"Label of the new {role} (if it is not one yet):", labels
                )
                if label is None:
                    return
        self._edit(edit_gold_event, key, name, add=[(role, start, end, label)])

    def _argument_text(self, argument: str) -> str:
        role, start, end = _argument(argument)
        return f"{role} = “{self.view.text[start:end]}” [{start}-{end})"

    def reject_selected(self) -> None:
        from annotator.services.adjudication import reject

        selected = self._selected()
        if selected is None:
            return
        reject(self.project, self.document_id, selected[0], self.adjudicator)
        self._changed()

    def accept_all(self) -> None:
        """Shift+A: every uncontested open item; versions that exclude each other stay for a person."""
        from annotator.services.adjudication import accept_uncontested

        if self.document_id is None:
            return
        accepted, contested = accept_uncontested(
            self.project, self.document_id, policy=self.policy.currentText(), adjudicator=self.adjudicator
        )
        self._changed()
        left = len({item.position for item in contested})
        self.status.setText(
            f"{accepted} item(s) accepted"
            + (
                f"; {len(contested)} left open at {left} place(s) where versions conflict — decide them"
                if left
                else ""
            )
        )

    def apply_policy(self) -> BackgroundTask:
        from annotator.services.adjudication import auto_adjudicate

        if self.task is not None and not self.task.finished:
            return self.task  # one pass at a time
        project, policy = self.project, self.policy.currentText()
        self.task = BackgroundTask(
            "Applying the policy",
            lambda progress, cancel: auto_adjudicate(project, policy, progress=progress, cancel=cancel),
            self,
        )

        def done(report) -> None:
            self.status.setText(report.summary())
            self.refresh_queue()
            if self.document_id is not None:
                self.open_document(self.document_id)

        self.task.done.connect(done)
        self.task.error.connect(lambda exc: self.status.setText(f"Failed: {exc}"))
        self.task.start()
        return self.task
