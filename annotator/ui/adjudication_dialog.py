"""Adjudication: the disagreement queue, every annotator's spans on the document, and the items still
open, resolved by keyboard into the gold set (annotator.services.adjudication). Every decision — an
acceptance, a rejection, an edit in place, a reopening, accept-all, a policy pass — is one step of the
dialog's undo stack (Ctrl+Z, Ctrl+Shift+Z, the Undo and Redo buttons): services.adjudication.GoldCommand
puts gold's rows back exactly."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QFont, QKeyEvent, QKeySequence, QTextCursor, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from annotator.agreement.adjudication import ItemKey
from annotator.errors import AnnotatorError
from annotator.services.adjudication import GoldCommand
from annotator.services.annotate import Span
from annotator.services.documents import load_text
from annotator.services.project import Project
from annotator.ui.adjudication_edits import GoldEdits
from annotator.ui.document_view import DocumentView
from annotator.ui.geometry import fit_to_screen
from annotator.ui.tasks import BackgroundTask

#: Annotators' colours: none near gold's yellow (GOLD_COLOR), which marks what is decided.
PALETTE = ["#8ecae6", "#e07a5f", "#b5e48c", "#f4a6c6", "#cdb4db", "#81b29a", "#a0c4ff", "#bdb2ff"]
GOLD_COLOR = "#ffd60a"
POLICIES = ["majority", "unanimous", "min:2"]

#: The keys of the items list, taken also while the document has the focus (after a selection there):
#: key -> the dialog's method. Shift+A is SHIFT_KEYS'.
KEYS = {
    Qt.Key.Key_Return: "accept_selected",
    Qt.Key.Key_Enter: "accept_selected",
    Qt.Key.Key_X: "reject_selected",
    Qt.Key.Key_Delete: "reject_selected",
    Qt.Key.Key_E: "edit_selected",
    Qt.Key.Key_B: "reshape_selected",
    Qt.Key.Key_R: "remove_argument",
    Qt.Key.Key_N: "add_argument",
    Qt.Key.Key_U: "reopen_selected",
}
SHIFT_KEYS = {Qt.Key.Key_A: "accept_all"}

#: Item data: (item key, proposer) of an open version; the keys of its dispute; a decision's item key.
VERSION, DISPUTE, DECISION = (
    Qt.ItemDataRole.UserRole,
    Qt.ItemDataRole.UserRole + 2,
    Qt.ItemDataRole.UserRole + 3,
)
#: The span (start, end) and who marked it ("gold" for a decision), to show it in the document.
SHOWN = Qt.ItemDataRole.UserRole + 4


class ItemList(QListWidget):
    """Open disputes, one line per proposer's version under a line naming the dispute when it has several
    (the values of one position, the boundary variants of one mention), then the decisions already made.
    Enter accepts a version, x/Delete rejects the dispute, Shift+A accepts every dispute with one version.
    Edits in place accept the version and change the gold copy: e (entity label or event type), b (entity
    boundaries from the text selection), r (leave an event argument out), n (add the selected text as an
    event argument). u on a decision takes it back, opening its dispute again (see :data:`KEYS`)."""

    def __init__(self, dialog: AdjudicationDialog):
        super().__init__()
        self.dialog = dialog

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.dialog.handle_key(event):
            super().keyPressEvent(event)


class DecisionStep(QUndoCommand):
    """One decision on the dialog's undo stack: undo reverts the service's :class:`GoldCommand`, redo
    applies it again. The decision is made before it is pushed (QUndoStack.push calls redo once); one that
    can no longer be taken back or made again (someone changed that gold since) says so and leaves the
    stack."""

    def __init__(self, command: GoldCommand, dialog: AdjudicationDialog):
        super().__init__(command.text)
        self.command, self.dialog = command, dialog
        self._applied = True

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self.dialog.replay(self, self.command.apply, "Redone")

    def undo(self) -> None:
        self.dialog.replay(self, self.command.revert, "Undone")


class AdjudicationDialog(GoldEdits):
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
        # every decision is one step: Ctrl+Z takes the last back, Ctrl+Shift+Z makes it again
        self.undo_stack = QUndoStack(self)
        self.undo_button = QPushButton("Undo")
        self.redo_button = QPushButton("Redo")
        self.undo_action = QAction("Undo", self)
        self.undo_action.setShortcuts(QKeySequence.StandardKey.Undo)
        self.redo_action = QAction("Redo", self)
        redo_keys = [*QKeySequence.keyBindings(QKeySequence.StandardKey.Redo), QKeySequence("Ctrl+Shift+Z")]
        self.redo_action.setShortcuts(list({k.toString(): k for k in redo_keys}.values()))
        for action, button, call in (
            (self.undo_action, self.undo_button, self.undo),
            (self.redo_action, self.redo_button, self.redo),
        ):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(call)
            button.clicked.connect(call)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay with the list
            self.addAction(action)
            controls.addWidget(button)
        self.undo_stack.indexChanged.connect(lambda _i: self._update_undo())
        layout.addLayout(controls)
        self.status = QLabel()
        layout.addWidget(self.status)
        splitter = QSplitter()
        self.queue = QListWidget()
        self.queue.currentItemChanged.connect(self._open_current)
        self.view = DocumentView()
        # keys pressed in the document (right after selecting there) act on the current version too
        self.view.hotkey.connect(self.handle_key)
        self.view.selectionChanged.connect(self._show_selection)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.items = ItemList(self)
        self.items.currentItemChanged.connect(self._show_item)
        right_layout.addWidget(self.legend)
        help_text = QLabel(
            "Open items — Enter accepts this version, x rejects the item, Shift+A accepts all that nothing "
            "contests. Edit in place: e relabels or retypes, b takes the boundaries you select in the text; "
            "on an event, r leaves an argument out, n adds the selected text as an argument. Decided items "
            "follow the open ones: u reopens one to change it."
        )
        help_text.setWordWrap(True)  # never widens the pane at the document's expense
        right_layout.addWidget(help_text)
        self.selection_note = QLabel()
        self.selection_note.setWordWrap(True)
        right_layout.addWidget(self.selection_note)
        right_layout.addWidget(self.items)
        for w in (self.queue, self.view, right):
            splitter.addWidget(w)
        splitter.setSizes([240, 620, 440])
        layout.addWidget(splitter, 1)
        self.task: BackgroundTask | None = None
        self._update_undo()
        self.refresh_queue()
        if pre_accept:
            self.apply_policy()  # what the policy agrees on is accepted before anyone looks

    # ------------------------------------------------------------------ queue and document

    def handle_key(self, event: QKeyEvent) -> bool:
        """Run the action of a key of :data:`KEYS` (from the list or the document); False for other keys."""
        mods = event.modifiers()
        if mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            return False
        table = SHIFT_KEYS if mods & Qt.KeyboardModifier.ShiftModifier else KEYS
        action = table.get(Qt.Key(event.key()))
        if action is None:
            return False
        getattr(self, action)()
        return True

    def _open_current(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        if item is not None:
            self.open_document(item.data(Qt.ItemDataRole.UserRole))

    def _show_selection(self) -> None:
        """Say what b and n would take: the text the person selected in the document."""
        start, end = self.view.snapped_selection()
        if start == end:
            self.selection_note.setText(
                "Nothing selected in the text: select the gold boundaries there for b."
            )
        else:
            self.selection_note.setText(f"Selected in the text: “{self.view.text[start:end]}” — b takes it.")

    def refresh_queue(self) -> None:
        from annotator.services.adjudication import decided_documents, disagreement_queue

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
        ids = [r[0] for r in rows]
        decided = [r for r in decided_documents(self.project) if r[0] not in ids]
        for doc_id, ext_id, title, n_decided in decided:  # to revisit
            item = QListWidgetItem(f"{title or ext_id}\nall decided · {n_decided} decision(s)")
            item.setData(Qt.ItemDataRole.UserRole, doc_id)
            item.setData(Qt.ItemDataRole.UserRole + 1, title or ext_id)
            self.queue.addItem(item)
            ids.append(doc_id)
        self.queue.blockSignals(False)
        self.status.setText(
            f"{len(rows)} document(s) with open items under “{self.policy.currentText()}”"
            + (f", {len(decided)} all decided (to revisit)." if decided else ".")
        )
        if current in ids:
            self.queue.setCurrentRow(ids.index(current))
        elif ids:
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
        self._show_selection()
        self.refresh_items()

    def refresh_items(self, current: str | None = None) -> None:
        """List the open disputes and the decisions; make the first version of the dispute holding
        ``current`` (an item key) the current row, else the first open version, else the first decision."""
        from annotator.services.adjudication import decisions, disputes, open_items

        self.items.clear()
        if self.document_id is None:
            return
        first = None
        for group in disputes(open_items(self.project, self.document_id, policy=self.policy.currentText())):
            keys = tuple(item.key for item in group)
            indent = ""
            if len(group) > 1:
                self._header(self._dispute_title(group))
                indent = "    "
            for item in group:
                for name in sorted(item.versions):
                    entry = QListWidgetItem(f"{indent}{self._describe(item.key)}   ← {name}")
                    entry.setToolTip(entry.text())  # a long frame is cut at the pane's edge
                    entry.setData(VERSION, (item.key, name))
                    entry.setData(DISPUTE, keys)
                    entry.setData(SHOWN, (*self._bounds(item.key), name))
                    self.items.addItem(entry)
                    if first is None or (current in keys and self.items.item(first).data(DISPUTE) != keys):
                        first = self.items.count() - 1
        made = decisions(self.project, self.document_id)
        if made:
            self._header("Decided — u reopens one to change it:")
        for decision in made:
            entry = QListWidgetItem(self._describe_decision(decision))
            entry.setToolTip(entry.text())
            entry.setData(DECISION, decision.key)
            entry.setData(SHOWN, (*self._bounds(decision.gold_key or decision.key), "gold"))
            self.items.addItem(entry)
            if first is None:
                first = self.items.count() - 1
        if first is not None:
            self.items.setCurrentRow(first)
        self.items.setFocus()

    def _header(self, text: str) -> None:
        """A line naming what follows; not selectable (the arrow keys pass over it)."""
        header = QListWidgetItem(text)
        header.setFlags(Qt.ItemFlag.NoItemFlags)
        header.setForeground(self.items.palette().text())  # readable, not greyed out as disabled
        header.setToolTip(text)
        font = QFont(self.items.font())
        font.setBold(True)
        header.setFont(font)
        self.items.addItem(header)

    def _dispute_title(self, group) -> str:
        spans = {self._bounds(item.key) for item in group}
        if group[0].layer == "entities" and len(spans) > 1:
            return f"One mention, {len(spans)} boundary variants — decide once:"
        what = {"entities": "labels of one span", "events": "frames of one trigger", "tone": "tones"}
        return f"{len(group)} {what.get(group[0].layer, 'polarities of one target')} — decide once:"

    @staticmethod
    def _bounds(key: str) -> tuple[int, int]:
        """The span an item key sits on (an entity, a trigger, a sentiment's target); (0, 0) for a tone."""
        return ItemKey.parse(key).bounds

    def _describe_decision(self, decision) -> str:
        who = f" · {decision.decided_by}"
        if decision.rule == "rejected":
            return f"✗ rejected  {self._describe(decision.key)}{who}"
        if decision.gold_key is None:
            return f"? {decision.rule}  {self._describe(decision.key)} (no longer in gold){who}"
        source = f" ← {', '.join(decision.proposed_by)}" if decision.proposed_by else ""
        if decision.rule == "edited":
            was = "" if decision.gold_key == decision.key else f" (was {self._describe(decision.key)})"
            return f"✎ edited  {self._describe(decision.gold_key)}{was}{source}{who}"
        return f"✓ accepted  {self._describe(decision.gold_key)}{source}{who}"

    def _describe(self, key: str) -> str:
        """The item key with the text it covers: ``entity 3-8 LOC “Delhi”``, an event with its fillers."""
        ident = ItemKey.parse(key)
        if ident.kind not in ("entity", "event"):
            return key
        head = f"{ident.kind} {ident.label} “{self.view.text[ident.start : ident.end]}”"  # not its offsets
        arguments = ", ".join(self._argument_text(a, offsets=False) for a in ident.arguments)
        return f"{head}: {arguments}" if arguments else head

    def _show_item(self, entry: QListWidgetItem | None, _previous=None) -> None:
        """Outline the version's span (an entity, an event's trigger, a sentiment's target) in the text and
        scroll to it, leaving the text selection alone: it is the person's, for b and n."""
        if entry is None or entry.data(SHOWN) is None:
            return
        start, end, name = entry.data(SHOWN)
        if start == end:
            return
        own = next((s.id for s in self.view.spans() if (s.start, s.end, s.label) == (start, end, name)), "")
        self.view.select_span(own, ensure_visible=False)
        cursor = QTextCursor(self.view.document())
        cursor.setPosition(self.view.offsets.to_qt(start))
        rect, viewport = self.view.cursorRect(cursor), self.view.viewport().rect()
        if not viewport.contains(rect):
            bar = self.view.verticalScrollBar()
            bar.setValue(bar.value() + rect.center().y() - viewport.height() // 2)

    # ------------------------------------------------------------------ decisions

    def _changed(self, current: str | None = None) -> None:
        """After a decision: redraw the document with its gold and list what is open and decided (the
        document stays, to revisit, when nothing is left open)."""
        if self.on_change is not None:
            self.on_change()
        if self.document_id is not None:
            self.open_document(self.document_id)
            if current is not None:
                self.refresh_items(current)
        disputes = {
            self.items.item(i).data(DISPUTE)
            for i in range(self.items.count())
            if self.items.item(i).data(DISPUTE) is not None
        }
        if not disputes:
            self.refresh_queue()  # this document now listed as all decided
            self.status.setText("Every item of this document is decided: u on a decision reopens it.")
            return
        entry = self.queue.currentItem()  # this document's count, without rescanning every document
        if entry is not None and entry.data(Qt.ItemDataRole.UserRole) == self.document_id:
            n_open = len({key for keys in disputes for key in keys})  # items, as the queue counts them
            entry.setText(f"{entry.data(Qt.ItemDataRole.UserRole + 1)}\n{n_open} open · decided in part")

    def _selected(self) -> tuple[str, str] | None:
        """(item key, proposer) of the selected open version, if any."""
        entry = self.items.currentItem()
        if entry is None or self.document_id is None:
            return None
        if entry.data(DECISION) is not None:
            self.status.setText("This item is decided: u reopens it, then decide it again.")
            return None
        return entry.data(VERSION)

    def _confirm(self, title: str, text: str) -> bool:
        """Ask a yes/no question; No is the default (Enter and Esc keep things as they are)."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        return box.exec() == QMessageBox.StandardButton.Yes

    # ------------------------------------------------------------------ undo

    def _decide(self, text: str, call: Callable[[], Any]) -> GoldCommand:
        """Make one decision (``call``: services calls on gold) as one step of the undo stack (none when it
        changed nothing); its errors are raised, with nothing of it left written."""
        command = GoldCommand(self.project, text, call)
        command.apply()
        if not command.empty:
            self.undo_stack.push(DecisionStep(command, self))
        return command

    def _busy(self) -> bool:
        return self.task is not None and not self.task.finished

    def _update_undo(self) -> None:
        if not shiboken6.isValid(self.undo_stack):
            return  # the dialog is closing: its stack says it is emptied as it goes
        stack, busy = self.undo_stack, self._busy()
        for action, button, can, text in (
            (self.undo_action, self.undo_button, stack.canUndo(), stack.undoText()),
            (self.redo_action, self.redo_button, stack.canRedo(), stack.redoText()),
        ):
            action.setEnabled(can and not busy)
            button.setEnabled(can and not busy)
            button.setToolTip(f"{action.text()} {text} ({action.shortcut().toString()})" if can else "")

    def undo(self) -> None:
        """Ctrl+Z: take back the last decision (rows exactly as before it)."""
        if self._busy():
            self.status.setText("Wait for the policy to be applied, then undo.")
        elif self.undo_stack.canUndo():
            self.undo_stack.undo()
        else:
            self.status.setText("Nothing to undo.")

    def redo(self) -> None:
        """Ctrl+Shift+Z: make the decision taken back again."""
        if self._busy():
            self.status.setText("Wait for the policy to be applied, then redo.")
        elif self.undo_stack.canRedo():
            self.undo_stack.redo()
        else:
            self.status.setText("Nothing to redo.")

    def replay(self, step: DecisionStep, call: Callable[[], list[int]], done: str) -> None:
        """Undo or redo ``step`` (``call``), then show the document it changed with what is open and
        decided there. A refusal (that gold changed since) is said, and the step leaves the stack."""
        try:
            documents = call()
        except AnnotatorError as exc:
            step.setObsolete(True)
            self.status.setText(f"{exc}; it leaves the undo history.")
            return
        if documents and self.document_id not in documents:
            self.document_id = documents[0]
        if self.on_change is not None:
            self.on_change()
        self.refresh_queue()
        self.status.setText(f"{done}: {step.text()}.")

    # ------------------------------------------------------------------ deciding

    def _apply(self, text: str, call: Callable[..., object], *args, **kwargs) -> bool:
        """Run a service's decision on the current document as one undo step; a gold span of the same label
        overlapping it is kept only when the person confirms; a refusal goes to the status line. True when
        something was decided."""
        from annotator.services.adjudication import OverlapError

        document_id = self.document_id
        if document_id is None:
            return False

        def step(**more: object) -> GoldCommand:
            return self._decide(text, lambda: call(self.project, document_id, *args, **kwargs, **more))

        try:
            try:
                step()
            except OverlapError as exc:
                if not self._confirm("Overlapping gold", f"The {exc}.\n\nKeep both spans in gold?"):
                    self.status.setText(f"Nothing changed: {exc}.")
                    return False
                step(allow_overlap=True)
        except AnnotatorError as exc:
            self.status.setText(str(exc))
            return False
        self._changed()
        return True

    def accept_selected(self) -> None:
        from annotator.services.adjudication import decide

        selected = self._selected()
        if selected is None:
            return
        key, name = selected
        self._apply(
            f"accept {self._describe(key)} ← {name}",
            decide,
            key,
            accept_from=name,
            adjudicator=self.adjudicator,
        )

    def reopen_selected(self) -> None:
        """u: take back the selected decision; its dispute is listed open again, its first version current."""
        from annotator.services.adjudication import reopen

        entry = self.items.currentItem()
        document_id = self.document_id
        if entry is None or document_id is None or entry.data(DECISION) is None:
            self.status.setText("Select a decided item (below the open ones) to reopen it.")
            return
        key = entry.data(DECISION)
        try:
            self._decide(f"reopen {self._describe(key)}", lambda: reopen(self.project, document_id, key))
        except AnnotatorError as exc:
            self.status.setText(str(exc))
            return
        self._changed(current=key)
        self.status.setText(f"Reopened {self._describe(key)}: decide it again.")

    def reject_selected(self) -> None:
        from annotator.services.adjudication import reject

        selected = self._selected()
        entry, document_id = self.items.currentItem(), self.document_id
        if selected is None or entry is None or document_id is None:
            return
        keys = list(entry.data(DISPUTE))  # decided once: every version of the dispute, one step

        def reject_all() -> None:
            for key in keys:
                reject(self.project, document_id, key, self.adjudicator)

        try:
            self._decide(f"reject {self._describe(selected[0])}", reject_all)
        except AnnotatorError as exc:
            self.status.setText(str(exc))
            return
        self._changed()

    def accept_all(self) -> None:
        """Shift+A: every uncontested open item; versions that exclude each other stay for a person."""
        from annotator.services.adjudication import accept_uncontested

        document_id, policy = self.document_id, self.policy.currentText()
        if document_id is None:
            return
        try:
            command = self._decide(
                "accept all uncontested",
                lambda: accept_uncontested(
                    self.project, document_id, policy=policy, adjudicator=self.adjudicator
                ),
            )
        except AnnotatorError as exc:
            self.status.setText(str(exc))
            return
        accepted, contested = command.result
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

        def work(progress, cancel) -> GoldCommand:  # in the background: one step for every document
            command = GoldCommand(
                project,
                f"apply the {policy} policy",
                lambda: auto_adjudicate(project, policy, progress=progress, cancel=cancel),
            )
            command.apply()
            return command

        self.task = BackgroundTask("Applying the policy", work, self)

        def done(command: GoldCommand) -> None:
            if not command.empty:
                self.undo_stack.push(DecisionStep(command, self))
            self._update_undo()
            self.status.setText(command.result.summary())
            self.refresh_queue()
            if self.document_id is not None:
                self.open_document(self.document_id)

        def failed(exc: BaseException) -> None:
            self._update_undo()
            self.status.setText(f"Failed: {exc}")

        self.task.done.connect(done)
        self.task.error.connect(failed)
        self.task.start()
        self._update_undo()
        return self.task
