"""``i`` on an entity: a type-ahead over the project's knowledge base that links the entity to an entry.

Typing ``pahalgam``, ``पहलगाम`` or ``LeT`` lists the matching entries as you type (the search runs a short
moment after the last keystroke, on a worker thread, so typing never waits for it), each row with the
entry's name, label, the alias that matched, its parent and its other aliases; entries of the entity's own
label come first. The keys are :data:`annotator.keymap.KB_KEYS` (context ``"kb"``): Up/Down choose,
Return links, Ctrl+N adds an entry from the entity's text and label and links to it (when the project lets
this person edit the base; otherwise the one line saying why), Ctrl+Delete clears the link, Escape closes.

The dialog only asks: it is given a ``search(query)`` callable and the callables that link, add and clear,
each answering ``None`` when done or the one line saying why not (shown in the dialog, which stays open).
The window wires them to :mod:`annotator.services.kb` and runs the link through its undo stack.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import AnnotatorError
from annotator.keymap import KB_KEYS, KeyBinding
from annotator.ui.fonts import document_font

#: The columns of a row: what the entry is called, its type, the spelling the query matched, its parent,
#: its other spellings.
COLUMNS = ("Name", "Label", "Matched", "Parent", "Aliases")
#: How long after the last keystroke the search runs (ms): a fast typist's keystrokes are one search.
DEBOUNCE_MS = 60
#: Most aliases a row shows (the tooltip has them all).
SHOWN_ALIASES = 4


class Hit(Protocol):
    """What the dialog shows of one matching entry (``annotator.services.kb.KbHit`` has these)."""

    @property
    def uuid(self) -> str: ...  # the entry's identity
    @property
    def id(self) -> str: ...  # the canonical id an entity's link holds
    @property
    def name(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def matched(self) -> str: ...  # the alias (or name) the query matched
    @property
    def aliases(self) -> Sequence[str]: ...
    @property
    def parent_name(self) -> str | None: ...
    @property
    def description(self) -> str: ...


_NOTHING = object()


class Searcher(QObject):
    """Runs a search off the GUI thread, so that typing never waits for it (the knowledge base's index is
    built on the first search after the base changed: seconds on a large base). One worker thread; only
    the latest query asked while a search runs is searched next. ``found(query, hits)`` arrives on the GUI
    thread; ``hits`` is the exception when the search raised one."""

    found = Signal(object, object)

    def __init__(self, search: Callable[[Any], Sequence[Any]], parent: QObject | None = None):
        super().__init__(parent)
        self._search = search
        self._cond = threading.Condition()
        self._wanted: Any = _NOTHING
        self._generation = 0  # a thread runs while its generation is the current one
        self._running = False
        self.pending = 0  # asked and not arrived (GUI side)
        self.found.connect(self._arrived)

    def ask(self, query: Any) -> None:
        """Search for ``query`` next (instead of any query asked before that has not started)."""
        with self._cond:
            if self._wanted is _NOTHING:
                self.pending += 1
            self._wanted = query
            if not self._running:  # a daemon thread, not a QThread: a dialog deleted with its window
                self._running = True  # never aborts the process
                thread = threading.Thread(
                    target=self._loop, args=(self._generation,), name="kb-search", daemon=True
                )
                thread.start()
            self._cond.notify()

    def _arrived(self, _query: object, _hits: object) -> None:
        self.pending = max(self.pending - 1, 0)

    def close(self) -> None:
        """End the worker thread (after the search it is running); a later :meth:`ask` starts another."""
        with self._cond:
            self._generation += 1
            self._running = False
            if self._wanted is not _NOTHING:
                self.pending = max(self.pending - 1, 0)
            self._wanted = _NOTHING
            self._cond.notify_all()

    def _loop(self, generation: int) -> None:
        while True:
            with self._cond:
                while self._wanted is _NOTHING and generation == self._generation:
                    self._cond.wait()
                if generation != self._generation:
                    return
                query, self._wanted = self._wanted, _NOTHING
            try:
                result: object = list(self._search(query))
            except Exception as exc:  # shown (a user error) or raised on the GUI thread by the receiver
                result = exc
            try:
                self.found.emit(query, result)
            except RuntimeError:  # the dialog is gone
                return


def take_hits(result: object) -> list[Any] | str:
    """A search's hits, or the line saying why it failed (a user error); any other failure is raised here,
    on the GUI thread, for the window's error handler."""
    if isinstance(result, AnnotatorError):
        return str(result)
    if isinstance(result, BaseException):
        raise result
    return list(result)  # type: ignore[call-overload]


#: Qt's named keys as annotator.keymap writes them.
_NAMED = {
    Qt.Key.Key_Return: "Return",
    Qt.Key.Key_Enter: "Return",
    Qt.Key.Key_Up: "Up",
    Qt.Key.Key_Down: "Down",
    Qt.Key.Key_Escape: "Escape",
    Qt.Key.Key_Delete: "Delete",
}


def kb_binding(event: QKeyEvent, when: str) -> KeyBinding | None:
    """The :data:`KB_KEYS` binding of context ``when`` a key press means (``Ctrl+N``, ``Return``, ``m``…),
    if any."""
    mods = event.modifiers()
    if mods & (Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier):
        return None
    key = Qt.Key(event.key())
    if mods & Qt.KeyboardModifier.ControlModifier:
        name = "Ctrl+" + (_NAMED.get(key) or QKeySequence(key.value).toString())
    else:
        name = _NAMED.get(key) or event.text()
    return next((b for b in KB_KEYS if b.key == name and b.when == when), None)


def key_hint(when: str) -> str:
    """``↑ ↓ choose · Return link · …``: the keys of context ``when`` in one line, from KB_KEYS."""
    short = {
        "previous_entry": None,
        "next_entry": "↑ ↓ choose",
        "link_entry": "Enter link",
        "new_entry": "Ctrl+N new entry from this span",
        "clear_link": "Ctrl+Del clear link",
        "close": "Esc close",
        "open_mention": "Enter open",
        "merge_entries": "m merge two",
    }
    parts = [short.get(b.action, f"{b.key} {b.help}") for b in KB_KEYS if b.when == when]
    return "  ·  ".join(p for p in parts if p)


def alias_line(hit: Hit) -> str:
    """The entry's other spellings, a few of them: ``LeT, लश्कर-ए-तैयबा, … (+3)``."""
    others = [a for a in hit.aliases if a not in (hit.name, hit.matched)]
    line = ", ".join(others[:SHOWN_ALIASES])
    if len(others) > SHOWN_ALIASES:
        line += f", … (+{len(others) - SHOWN_ALIASES})"
    return line


def row_texts(hit: Hit) -> tuple[str, str, str, str, str]:
    """The cells of a hit's row, in :data:`COLUMNS` order (the matched alias only when it is not the
    name)."""
    matched = hit.matched if hit.matched and hit.matched != hit.name else ""
    return (hit.name, hit.label, matched, hit.parent_name or "", alias_line(hit))


def tooltip(hit: Hit) -> str:
    lines = [f"{hit.name} ({hit.label}) — {hit.id}"]
    if hit.parent_name:
        lines.append(f"part of {hit.parent_name}")
    if hit.description:
        lines.append(hit.description)
    if hit.aliases:
        lines.append("aliases: " + ", ".join(hit.aliases))
    return "\n".join(lines)


class KbLinkDialog(QDialog):
    """The type-ahead (see the module). ``search(query)`` answers the matching entries, best first;
    ``link(hit)``, ``link_typed("id | name")``, ``new_entry()`` and ``clear()`` answer None when done (the
    dialog closes) or the line saying why not. ``new_refusal`` is why this person may not add entries ("" when
    they may)."""

    def __init__(
        self,
        span_text: str,
        label: str,
        current: tuple[str | None, str | None],
        search: Callable[[str], Sequence[Hit]],
        link: Callable[[Hit], str | None],
        link_typed: Callable[[str], str | None],
        new_entry: Callable[[], str | None],
        clear: Callable[[], str | None],
        new_refusal: str = "",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setWindowTitle("Link to the knowledge base")
        self.label = label
        self._link, self._link_typed = link, link_typed
        self._new_entry, self._clear, self.new_refusal = new_entry, clear, new_refusal
        self.hits: list[Hit] = []
        self.searched = ""  # the query the rows answer
        font = document_font(11.0)
        what = QLabel(f"<b>{_escape(span_text)}</b>  <span style='color:#777'>{_escape(label)}</span>")
        what.setFont(font)
        now = f"Linked to {current[1] or current[0]} ({current[0]})" if current[0] else "Not linked yet."
        self.current = QLabel(now)
        self.current.setFont(font)
        self.query = QLineEdit(span_text)
        self.query.setFont(font)
        self.query.setPlaceholderText("Name or alias in any script: pahalgam, पहलगाम, LeT …")
        self.query.selectAll()  # typing replaces the entity's text
        self.query.textEdited.connect(self._schedule)
        self.query.installEventFilter(self)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setFont(font)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keys stay in the search box
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        for col in range(len(COLUMNS)):
            mode = QHeaderView.ResizeMode.Stretch if col == 4 else QHeaderView.ResizeMode.ResizeToContents
            header.setSectionResizeMode(col, mode)
        self.table.doubleClicked.connect(lambda _index: self.link_chosen())
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setFont(font)
        self.message.setStyleSheet("color: #b3261e")
        self.hint = QLabel(key_hint("kb"))
        self.hint.setStyleSheet("color: #555")
        layout = QVBoxLayout(self)
        layout.addWidget(what)
        layout.addWidget(self.current)
        layout.addWidget(self.query)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.hint)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DEBOUNCE_MS)
        self.timer.timeout.connect(self.search_now)
        self.searcher = Searcher(search, self)
        self.searcher.found.connect(self._show_hits)
        self._link_when_found = False  # Return pressed before the rows answered what was typed
        self.actions_by_name: dict[str, Callable[[], None]] = {
            "previous_entry": lambda: self.step_choice(-1),
            "next_entry": lambda: self.step_choice(1),
            "link_entry": self.link_chosen,
            "new_entry": self.new_from_span,
            "clear_link": self.clear_link,
            "close": self.reject,
        }
        from annotator.ui.geometry import fit_to_screen

        fit_to_screen(self, 820, 440)
        self.search_now()  # the entity's own text, at once
        self.query.setFocus()

    # ------------------------------------------------------------------ searching

    def _schedule(self, _text: str = "") -> None:
        self.timer.start()  # restarted by every keystroke: one search after the last

    def search_now(self) -> None:
        """Search for what the box holds (off the GUI thread); the rows follow when it answers."""
        self.timer.stop()
        query = self.query.text().strip()
        if query:
            self.searcher.ask(query)
        else:
            self._show_hits("", [])

    def _show_hits(self, query: str, result: object) -> None:
        """List the entries found for ``query`` (those of the entity's label first)."""
        if query != self.query.text().strip():
            return  # an answer to what was typed before: the newer search follows
        hits = take_hits(result)
        if isinstance(hits, str):
            self.message.setText(hits)
            hits = []
        hits.sort(key=lambda h: h.label != self.label)  # stable: the service's order within each group
        self.searched = query
        self.hits = hits
        self.table.setRowCount(0)  # new rows, not items replaced one by one (each resizes the columns)
        self.table.setRowCount(len(hits))
        for row, hit in enumerate(hits):
            tip = tooltip(hit)
            for col, text in enumerate(row_texts(hit)):
                item = QTableWidgetItem(text)
                item.setToolTip(tip)
                self.table.setItem(row, col, item)
        if hits:
            self.table.selectRow(0)
            self.message.clear()
        elif query and not isinstance(result, AnnotatorError):
            typed = "|" in query
            self.message.setText(
                "No entry matches. Enter links to the typed id | name."
                if typed
                else "No entry matches. Ctrl+N adds one from this span; or type id | name and press Enter."
            )
        if self._link_when_found:
            self._link_when_found = False
            self.link_chosen()

    def rows(self) -> list[tuple[str, ...]]:
        """What the table shows, row by row (the tests read it)."""

        def cell(row: int, col: int) -> str:
            item = self.table.item(row, col)
            return item.text() if item is not None else ""

        return [tuple(cell(r, c) for c in range(len(COLUMNS))) for r in range(self.table.rowCount())]

    def chosen(self) -> Hit | None:
        row = self.table.currentRow()
        return self.hits[row] if 0 <= row < len(self.hits) else None

    def step_choice(self, delta: int) -> None:
        if not self.hits:
            return
        row = min(max(self.table.currentRow() + delta, 0), len(self.hits) - 1)
        self.table.selectRow(row)
        item = self.table.item(row, 0)
        if item is not None:
            self.table.scrollToItem(item)

    # ------------------------------------------------------------------ deciding

    def _done(self, refusal: str | None) -> None:
        if refusal is None:
            self.accept()
        else:
            self.message.setText(refusal)

    def link_chosen(self) -> None:
        """Return: link to the chosen entry; with none listed, to a typed ``id | name``."""
        if self.timer.isActive() or self.query.text().strip() != self.searched:
            self._link_when_found = True  # Return right after typing: when the rows answer what was typed
            self.search_now()
            return
        hit = self.chosen()
        if hit is not None:
            self._done(self._link(hit))
        elif "|" in self.searched:
            self._done(self._link_typed(self.searched))
        elif self.searched:
            self.message.setText("No entry matches: Ctrl+N adds one from this span.")

    def new_from_span(self) -> None:
        """Ctrl+N: an entry from the entity's text and label, linked to it; or why not."""
        if self.new_refusal:
            self.message.setText(self.new_refusal)
            return
        self._done(self._new_entry())

    def clear_link(self) -> None:
        self._done(self._clear())

    def _dispatch(self, event: QKeyEvent) -> bool:
        """Carry out the KB_KEYS binding the key press means; whether there was one."""
        binding = kb_binding(event, "kb")
        if binding is None:
            if event.key() in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
                self.step_choice(-10 if event.key() == Qt.Key.Key_PageUp else 10)
                return True
            return False
        self.actions_by_name[binding.action]()
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # the search box has the focus: the dialog's keys are taken before the line edit sees them
        if watched is self.query and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if self._dispatch(event):
                return True
        return super().eventFilter(watched, event)

    def done(self, result: int) -> None:
        self.timer.stop()
        self.searcher.close()
        super().done(result)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._dispatch(event):
            super().keyPressEvent(event)


def _escape(text: str) -> str:
    import html

    return html.escape(text)


__all__ = [
    "COLUMNS",
    "DEBOUNCE_MS",
    "Hit",
    "KbLinkDialog",
    "Searcher",
    "alias_line",
    "kb_binding",
    "key_hint",
    "row_texts",
    "take_hits",
    "tooltip",
]
