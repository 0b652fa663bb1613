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

from annotator.services.annotate import Editor, Span
from annotator.services.documents import load_text
from annotator.services.project import Project
from annotator.ui.document_view import DocumentView
from annotator.ui.tasks import BackgroundTask

PALETTE = ["#8ecae6", "#ffb703", "#b5e48c", "#f4a6c6", "#cdb4db", "#ffd6a5", "#a0c4ff", "#caffbf"]
POLICIES = ["majority", "unanimous", "min:2"]


class ItemList(QListWidget):
    """Open items, one line per proposer's version: Enter accepts it, x/Delete rejects the item,
    Shift+A accepts every open item of the document as its first proposer made it."""

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
        self.resize(1300, 800)
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
        right_layout.addWidget(
            QLabel(
                "Open items — Enter accepts this version, x rejects, e relabels, "
                "b takes the boundaries selected in the text, Shift+A accepts all:"
            )
        )
        right_layout.addWidget(self.items)
        for w in (self.queue, self.view, right):
            splitter.addWidget(w)
        splitter.setSizes([280, 650, 370])
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
        colors = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(names)} | {"gold": "#ffd60a"}
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
                entry = QListWidgetItem(f"{item.key}   ← {name}")
                entry.setData(Qt.ItemDataRole.UserRole, (item.key, name))
                self.items.addItem(entry)
        if self.items.count():
            self.items.setCurrentRow(0)
        self.items.setFocus()

    def _show_item(self, entry: QListWidgetItem | None, _previous=None) -> None:
        if entry is None:
            return
        key = entry.data(Qt.ItemDataRole.UserRole)[0]
        parts = key.split()
        if len(parts) >= 2 and "-" in parts[1]:
            start, end = (int(x) for x in parts[1].split("-"))
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

    def _selected(self) -> tuple[str, str] | None:
        """(item key, proposer) of the selected version, if any."""
        entry = self.items.currentItem()
        if entry is None or self.document_id is None:
            return None
        return entry.data(Qt.ItemDataRole.UserRole)

    def _accept_into_gold(self, key: str, name: str) -> tuple[Editor, Span]:
        """Accept ``name``'s version of entity item ``key``; the gold editor and the gold span."""
        from annotator.services.adjudication import decide

        gold_id = decide(self.project, self.document_id, key, accept_from=name, adjudicator=self.adjudicator)
        editor = Editor(self.project, "gold")
        return editor, next(s for s in editor.state(self.document_id).spans if s.id == gold_id)

    def accept_selected(self) -> None:
        from annotator.services.adjudication import decide

        selected = self._selected()
        if selected is None:
            return
        key, name = selected
        decide(self.project, self.document_id, key, accept_from=name, adjudicator=self.adjudicator)
        self._changed()

    def edit_selected(self, label: str | None = None) -> None:
        """Accept the selected entity version into gold with another label (edit in place)."""
        from annotator.services.annotate import Relabel, relabel_attributes

        selected = self._selected()
        if selected is None:
            return
        key, name = selected
        if not key.startswith("entity "):
            self.status.setText("Only entities can be edited here; accept or reject events and sentiment.")
            return
        if label is None:
            from PySide6.QtWidgets import QInputDialog

            labels = list(self.project.schema.assignable_entity_type_names)
            current = key.split()[2]
            label, ok = QInputDialog.getItem(
                self, "Edit", "Gold label:", labels, labels.index(current), False
            )
            if not ok:
                return
        editor, span = self._accept_into_gold(key, name)
        if span.label != label:
            attributes = relabel_attributes(self.project.schema, span, label)
            Relabel(self.document_id, span, label, attributes).apply(editor)
        self._changed()

    def reshape_selected(self, start: int | None = None, end: int | None = None) -> None:
        """Accept the selected entity version into gold with the boundaries selected in the document."""
        from annotator.services.annotate import Reshape

        selected = self._selected()
        if selected is None:
            return
        key, name = selected
        if not key.startswith("entity "):
            self.status.setText("Only entities can be reshaped here.")
            return
        if start is None or end is None:
            start, end = self.view.snapped_selection()
        if start == end:
            self.status.setText("Select the gold boundaries in the document first, then press b.")
            return
        editor, span = self._accept_into_gold(key, name)
        Reshape(self.document_id, span, start, end, self.view.text).apply(editor)
        self._changed()

    def reject_selected(self) -> None:
        from annotator.services.adjudication import reject

        selected = self._selected()
        if selected is None:
            return
        reject(self.project, self.document_id, selected[0], self.adjudicator)
        self._changed()

    def accept_all(self) -> None:
        from annotator.services.adjudication import decide, open_items

        if self.document_id is None:
            return
        for item in open_items(self.project, self.document_id, policy=self.policy.currentText()):
            decide(
                self.project,
                self.document_id,
                item.key,
                accept_from=sorted(item.versions)[0],
                adjudicator=self.adjudicator,
            )
        self._changed()

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
