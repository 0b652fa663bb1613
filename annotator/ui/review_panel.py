"""The schema review queue: annotations of a split type waiting for a person's choice of their new type.

The workbench's panel lists the open document's queued annotations (keyboard: Up/Down select one, 1…N give
it one of its choices, Return keeps the type proposed); the project-wide list opens the document of an item.
The keys are declared in :data:`annotator.keymap.REVIEW_KEYS`; the choices are made by
:mod:`annotator.services.schema_change` (the window calls it)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.keymap import REVIEW_KEYS, KeyBinding
from annotator.services.schema_change import ReviewItem
from annotator.ui.fonts import document_font

#: Qt's named keys as annotator.keymap writes them (the review list's).
_NAMED = {
    Qt.Key.Key_Return: "Return",
    Qt.Key.Key_Enter: "Return",
    Qt.Key.Key_Up: "Up",
    Qt.Key.Key_Down: "Down",
}


def _binding(event: QKeyEvent) -> KeyBinding | None:
    chords = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    if event.modifiers() & (chords | Qt.KeyboardModifier.MetaModifier):
        return None
    name = _NAMED.get(Qt.Key(event.key())) or event.text()
    return next((b for b in REVIEW_KEYS if b.key == name), None)


def choices_line(item: ReviewItem) -> str:
    """``1 LOC · 2 GPE``: the digit that gives each choice, the proposed one marked."""
    return "   ".join(
        f"{n} {choice}" + (" ✓" if choice == item.label else "") for n, choice in enumerate(item.choices, 1)
    )


class _ReviewList(QListWidget):
    """The list: Up/Down as any list; a digit or Return is said to the panel."""

    picked = Signal(int)  # a choice's number, from 1
    confirmed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        binding = _binding(event)
        if binding is not None and binding.action == "pick_choice":
            self.picked.emit(int(binding.argument))
            return
        if binding is not None and binding.action == "confirm_proposal":
            self.confirmed.emit()
            return
        super().keyPressEvent(event)  # Up and Down (previous_item, next_item) move as in any list


class ReviewPanel(QWidget):
    """The open document's annotations of split types that wait for the person's choice."""

    itemSelected = Signal(object)  # the ReviewItem now current
    choicePicked = Signal(object, str)  # ReviewItem, the label chosen
    proposalConfirmed = Signal(object)  # ReviewItem whose proposed type is kept

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.list = _ReviewList()
        self.list.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.setFont(document_font(10.5))  # the surfaces as the text shows them
        self.list.currentRowChanged.connect(self._on_current)
        self.list.picked.connect(self._pick)
        self.list.confirmed.connect(self._confirm)
        layout.addWidget(self.list, 1)
        keys = QLabel("↑ ↓ select · 1…9 give the choice · Enter keeps the proposed type (✓)")
        keys.setWordWrap(True)
        keys.setStyleSheet("color: palette(mid)")
        layout.addWidget(keys)
        self.items: list[ReviewItem] = []
        self._updating = False

    def show_items(self, items: list[ReviewItem], current: str = "") -> None:
        """List ``items``; the one with id ``current`` (else the first) becomes current, without saying so."""
        self._updating = True
        self.items = list(items)
        self.list.clear()
        for item in self.items:
            row = QListWidgetItem(
                f"«{item.surface}»  {item.source_label} → {item.label}?\n"
                f"    {choices_line(item)}\n"
                f"    {item.reason}"
            )
            row.setData(Qt.ItemDataRole.UserRole, item.id)
            row.setToolTip(f"{item.external_id}, {item.annotator}: {item.start}–{item.end}")
            self.list.addItem(row)
        ids = [i.id for i in self.items]
        self.list.setCurrentRow(ids.index(current) if current in ids else 0 if ids else -1)
        n = len(self.items)
        self.heading.setText(
            f"{n} annotation{'s' if n != 1 else ''} here await{'s' if n == 1 else ''} a choice of the new "
            "schema's types"
            if n
            else "Nothing here awaits review."
        )
        self._updating = False

    def current(self) -> ReviewItem | None:
        row = self.list.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def focus_list(self) -> None:
        self.list.setFocus()
        if self.list.currentRow() < 0 and self.items:
            self.list.setCurrentRow(0)
        current = self.current()
        if current is not None:
            self.itemSelected.emit(current)

    def _on_current(self, _row: int) -> None:
        current = self.current()
        if not self._updating and current is not None:
            self.itemSelected.emit(current)

    def _pick(self, number: int) -> None:
        current = self.current()
        if current is not None and 1 <= number <= len(current.choices):
            self.choicePicked.emit(current, current.choices[number - 1])

    def _confirm(self) -> None:
        current = self.current()
        if current is not None:
            self.proposalConfirmed.emit(current)


class ReviewQueueDialog(QDialog):
    """Every queued annotation of the project (the person's own), by document; Enter opens one's document
    in the workbench, where the review panel takes it."""

    opened = Signal(object)  # the ReviewItem whose document to open

    def __init__(self, items: list[ReviewItem], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Schema review queue")
        self.items = list(items)
        layout = QVBoxLayout(self)
        documents = len({i.document_id for i in self.items})
        self.heading = QLabel(
            f"{len(self.items)} annotation(s) in {documents} document(s) await a choice of type; "
            "Enter opens the document."
            if self.items
            else "No annotation awaits review."
        )
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.list = QListWidget()
        self.list.setFont(document_font(10.5))
        for item in self.items:
            row = QListWidgetItem(
                f"{item.external_id}  «{item.surface}»  {item.source_label} → {item.label}?   "
                f"({' | '.join(item.choices)}; {item.reason})"
            )
            row.setData(Qt.ItemDataRole.UserRole, item.id)
            self.list.addItem(row)
        if self.items:
            self.list.setCurrentRow(0)
        self.list.itemActivated.connect(self._activated)
        layout.addWidget(self.list, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        from annotator.ui.geometry import fit_to_screen

        fit_to_screen(self, 760, 480)

    def _activated(self, row: QListWidgetItem) -> None:
        index = self.list.row(row)
        if 0 <= index < len(self.items):
            self.opened.emit(self.items[index])
