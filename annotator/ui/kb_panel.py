"""Project → Knowledge base: the project's entries (filtered by text in any script and by label), the
mentions linked to the selected entry across the project (each with its document's title and a snippet;
Return opens the document with the entity selected), and merging duplicates (select two, ``m`` or Merge…:
the person chooses which one stays, the links of the other follow).

Keys: :data:`annotator.keymap.KB_KEYS`, context ``"kb panel"``. The window only says what was asked: it is
given callables that search, read an entry's mentions and merge (answering None when done or the one line
saying why not); the window wires them to :mod:`annotator.services.kb` and opens the documents.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.ui.fonts import document_font
from annotator.ui.kb_dialog import (
    DEBOUNCE_MS,
    Hit,
    Searcher,
    alias_line,
    kb_binding,
    key_hint,
    take_hits,
    tooltip,
)

COLUMNS = ("Name", "Label", "Parent", "Aliases")
ALL_LABELS = "All labels"
MENTIONS_TITLE = "Linked mentions across the project:"


class LinkedMention(Protocol):
    """One entity linked to an entry (``annotator.services.kb.KbMention`` has these)."""

    @property
    def document_id(self) -> int: ...
    @property
    def document_title(self) -> str: ...
    @property
    def snippet(self) -> str: ...
    @property
    def entity_id(self) -> str: ...
    @property
    def annotator(self) -> str: ...


def whole_start(snippet: str) -> str:
    """A snippet cut inside a character (a matra or virama without its consonant, ``ीसगढ़ के``) starts at
    its next word instead, after an ellipsis: a mark alone would be drawn on a dotted circle."""
    if not snippet or not (unicodedata.category(snippet[0]).startswith("M") or snippet[0] in "\u200c\u200d"):
        return snippet
    _cut, space, rest = snippet.partition(" ")
    return "…" + rest if space else snippet


def mention_line(mention: LinkedMention) -> str:
    """The document's title and who linked it, then the snippet around the mention on a line of its own."""
    who = f"  ({mention.annotator})" if mention.annotator else ""
    return f"{mention.document_title}{who}\n    {whole_start(mention.snippet)}"


class KbPanel(QDialog):
    """Project → Knowledge base (see the module). ``search(query, label)`` answers entries (label None: any);
    ``mentions(uuid)`` the entities linked to one; ``merge(keep_uuid, gone_uuid)`` None when merged, else
    why not. ``mentionOpened`` carries the mention to open."""

    mentionOpened = Signal(object)

    def __init__(
        self,
        labels: Sequence[str],
        search: Callable[[str, str | None], Sequence[Hit]],
        mentions: Callable[[str], Sequence[LinkedMention]],
        merge: Callable[[str, str], str | None],
        merge_refusal: str = "",
        mention_limit: int | None = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("Knowledge base")
        self._search, self._mentions, self._merge = search, mentions, merge
        self.merge_refusal = merge_refusal
        self.mention_limit = mention_limit  # most mentions ``mentions`` answers (said when reached)
        self.hits: list[Hit] = []
        self.shown_mentions: list[LinkedMention] = []
        self.merge_box: QMessageBox | None = None
        self.timer = QTimer(self)  # the filter is applied a moment after the last keystroke
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.refresh)
        self.searcher = Searcher(lambda asked: search(*asked), self)  # (filter, label), off the GUI thread
        self.searcher.found.connect(self._show_entries)
        self._keep = ""  # the entry to select again when the rows arrive
        self.listed: tuple[str, str | None] | None = None  # the (filter, label) the rows answer
        font = document_font(11.0)
        self.filter = QLineEdit()
        self.filter.setFont(font)
        self.filter.setPlaceholderText("Filter: a name or alias in any script (pahalgam, पहलगाम, LeT)")
        self.filter.textEdited.connect(lambda _t: self.timer.start())
        self.filter.returnPressed.connect(self._to_entries)
        self.label_box = QComboBox()
        self.label_box.addItems([ALL_LABELS, *labels])
        self.label_box.currentIndexChanged.connect(lambda _i: self.refresh())
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.label_box)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setFont(font)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        for col in range(len(COLUMNS)):
            mode = QHeaderView.ResizeMode.Stretch if col == 3 else QHeaderView.ResizeMode.ResizeToContents
            header.setSectionResizeMode(col, mode)
        self.table.currentCellChanged.connect(lambda row, _c, _pr, _pc: self._show_entry(row))
        self.table.installEventFilter(self)

        self.details = QLabel()
        self.details.setFont(font)
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.mention_list = QListWidget()
        self.mention_list.setFont(font)
        self.mention_list.setWordWrap(True)
        self.mention_list.itemActivated.connect(lambda _item: self.open_current_mention())
        self.mention_list.installEventFilter(self)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.details)
        self.mentions_title = QLabel(MENTIONS_TITLE)
        right_layout.addWidget(self.mentions_title)
        right_layout.addWidget(self.mention_list, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        self.merge_button = QPushButton("Merge…")
        self.merge_button.setToolTip("Merge the two selected entries: the links of the one that goes follow")
        self.merge_button.clicked.connect(self.ask_merge)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setFont(font)
        bottom = QHBoxLayout()
        bottom.addWidget(QLabel(key_hint("kb panel")))
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.merge_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        from annotator.ui.geometry import fit_to_screen

        fit_to_screen(self, 1100, 600)
        self.refresh()
        self.filter.setFocus()

    # ------------------------------------------------------------------ entries

    def label(self) -> str | None:
        text = self.label_box.currentText()
        return None if text == ALL_LABELS else text

    def refresh(self, keep: str = "") -> None:
        """List the entries the filter and label keep (``keep``: the entry's UUID to select again); the
        search runs off the GUI thread and the rows follow."""
        self.timer.stop()
        current = self.chosen()
        self._keep = keep or (current.uuid if current is not None else "")
        self.searcher.ask((self.filter.text().strip(), self.label()))

    def _show_entries(self, asked: tuple[str, str | None], result: object) -> None:
        if asked != (self.filter.text().strip(), self.label()):
            return  # the filter changed since: its own search follows
        hits = take_hits(result)
        if isinstance(hits, str):
            self.message.setText(hits)
            hits = []
        self.listed = asked
        self.hits = hits
        self.table.setRowCount(0)  # new rows, not items replaced one by one (each resizes the columns)
        self.table.setRowCount(len(self.hits))
        for row, hit in enumerate(self.hits):
            tip = tooltip(hit)
            for col, text in enumerate((hit.name, hit.label, hit.parent_name or "", alias_line(hit))):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                self.table.setItem(row, col, item)
        row = next((r for r, h in enumerate(self.hits) if h.uuid == self._keep), 0)
        if self.hits:
            self.table.setCurrentCell(row, 0)
            self._show_entry(row)  # also when the current row did not move but its entry did
        else:
            self._show_entry(-1)

    def rows(self) -> list[tuple[str, ...]]:
        def cell(row: int, col: int) -> str:
            item = self.table.item(row, col)
            return item.text() if item is not None else ""

        return [tuple(cell(r, c) for c in range(len(COLUMNS))) for r in range(self.table.rowCount())]

    def chosen(self) -> Hit | None:
        row = self.table.currentRow()
        return self.hits[row] if 0 <= row < len(self.hits) else None

    def selected(self) -> list[Hit]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.hits[r] for r in rows if r < len(self.hits)]

    def select_entries(self, entry_ids: Sequence[str]) -> None:
        """Select the rows of these entries (the first current)."""
        self.table.clearSelection()
        mode = self.table.selectionMode()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.MultiSelection)
        for entry_id in entry_ids:
            row = next((r for r, h in enumerate(self.hits) if h.uuid == entry_id), None)
            if row is not None:
                self.table.selectRow(row)
        self.table.setSelectionMode(mode)

    def _to_entries(self) -> None:
        self.refresh()
        self.table.setFocus()

    def _show_entry(self, row: int) -> None:
        hit = self.hits[row] if 0 <= row < len(self.hits) else None
        self.mention_list.clear()
        self.shown_mentions = []
        if hit is None:
            self.details.setText("No entry matches." if self.filter.text().strip() else "")
            return
        parts = [f"<b>{html.escape(hit.name)}</b> <span style='color:#777'>{html.escape(hit.label)}</span>"]
        parts.append(f"<span style='color:#777'>{html.escape(hit.id)}</span>")
        if hit.parent_name:
            parts.append(f"part of {html.escape(hit.parent_name)}")
        if hit.description:
            parts.append(html.escape(hit.description))
        if hit.aliases:
            parts.append("aliases: " + html.escape(", ".join(hit.aliases)))
        self.details.setText("<br>".join(parts))
        self.shown_mentions = list(self._mentions(hit.uuid))
        reached = self.mention_limit is not None and len(self.shown_mentions) >= self.mention_limit
        self.mentions_title.setText(
            f"Linked mentions across the project (the first {self.mention_limit}):"
            if reached
            else MENTIONS_TITLE
        )
        for mention in self.shown_mentions:
            item = QListWidgetItem(mention_line(mention))
            item.setToolTip(mention_line(mention))
            self.mention_list.addItem(item)
        if self.shown_mentions:
            self.mention_list.setCurrentRow(0)
        else:
            self.mention_list.addItem(QListWidgetItem("(no entity is linked to this entry yet)"))
            first = self.mention_list.item(0)
            if first is not None:
                first.setFlags(Qt.ItemFlag.NoItemFlags)

    def mention_rows(self) -> list[str]:
        return [mention_line(m) for m in self.shown_mentions]

    # ------------------------------------------------------------------ mentions

    def open_current_mention(self) -> None:
        row = self.mention_list.currentRow()
        if 0 <= row < len(self.shown_mentions):
            self.mentionOpened.emit(self.shown_mentions[row])

    # ------------------------------------------------------------------ merging

    def ask_merge(self) -> None:
        """The two selected entries: which one stays (its id, name and label), the other's links follow."""
        chosen = self.selected()
        if self.merge_refusal:
            self.message.setText(self.merge_refusal)
            return
        if len(chosen) != 2:
            self.message.setText("Select two entries to merge (Shift or Ctrl with the arrows or a click).")
            return
        first, second = chosen
        box = QMessageBox(self)
        box.setWindowTitle("Merge entries")
        box.setIcon(QMessageBox.Icon.Question)
        box.setText(
            f"Merge «{first.name}» ({first.label}, {first.id}) and «{second.name}» ({second.label}, "
            f"{second.id})?\nThe one that goes becomes an alias of the one that stays, and the "
            "entities linked to it are linked to the one that stays. This cannot be undone with Ctrl+Z."
        )
        box.setFont(document_font(11.0))
        keep_first = box.addButton(f"Keep «{first.name}»", QMessageBox.ButtonRole.AcceptRole)
        keep_second = box.addButton(f"Keep «{second.name}»", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(keep_first)
        self.merge_box = box

        def clicked(button: QAbstractButton) -> None:
            self.merge_box = None
            if button is keep_first:
                self.merge_now(first, second)
            elif button is keep_second:
                self.merge_now(second, first)

        box.buttonClicked.connect(clicked)
        box.open()

    def merge_now(self, keep: Hit, gone: Hit) -> None:
        refusal = self._merge(keep.uuid, gone.uuid)
        if refusal is not None:
            self.message.setText(refusal)
            return
        self.message.setText(f"«{gone.name}» merged into «{keep.name}»; its links follow.")
        self.refresh(keep=keep.uuid)

    def done(self, result: int) -> None:
        self.timer.stop()
        self.searcher.close()
        super().done(result)

    # ------------------------------------------------------------------ keys

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return super().eventFilter(watched, event)
        binding = kb_binding(event, "kb panel") if watched in (self.table, self.mention_list) else None
        if binding is not None and binding.action == "open_mention":
            if watched is self.mention_list:
                self.open_current_mention()
            elif self.shown_mentions:
                self.mention_list.setFocus()  # Return on an entry: to its mentions
            return True
        if binding is not None and binding.action == "merge_entries" and watched is self.table:
            self.ask_merge()
            return True
        return super().eventFilter(watched, event)


__all__ = ["COLUMNS", "KbPanel", "LinkedMention", "mention_line", "whole_start"]
