"""The document view: read-only Devanagari/Latin text with label highlights painted per visible block.

Spans are not ExtraSelections or char formats: the view keeps them sorted (an interval index) and paints,
after Qt has drawn the text, only the spans that touch the visible blocks. Opening a document therefore
costs little more than Qt's own layout, and adding a span repaints only the viewport.

What is drawn over the text (outlines, badges, role and relation labels, arcs, the focused suggestion's
tag, flags as letters) is computed first, by :meth:`DocumentView.drawing`, then painted: outlines stay
within their span's own glyph boxes, labels share one row in the gap above their line without overlapping,
arcs run in a lane at the top of that gap. The view decides what is drawn and how (which spans, colours,
pens); where it goes is computed from plain rectangles in :mod:`annotator.ui.drawing_geometry`, and
:mod:`annotator.ui.text_overlay` reads those rectangles from Qt's text layout and paints the result. This
module keeps the widget: content, selection, keys and mouse, and the calls that paint.

Offsets: the model (storage) counts code points; Qt counts UTF-16 units. Conversions go through
:class:`annotator.ui.offsets.OffsetConverter` only.
"""

from __future__ import annotations

import time
from bisect import bisect_left, bisect_right
from typing import NamedTuple

from PySide6.QtCore import QEvent, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetricsF,
    QKeyEvent,
    QMouseEvent,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import QToolTip

from annotator.services.annotate import Span
from annotator.text.segment import Segmenter
from annotator.ui.drawing_geometry import Line, nesting_depths
from annotator.ui.drawing_geometry import place_labels as place_labels  # known to tests as the view's
from annotator.ui.fonts import DOCUMENT_LINE_HEIGHT_PERCENT, document_font, flags_in, renders_flag
from annotator.ui.offsets import OffsetConverter, converter_for
from annotator.ui.text_overlay import LabelFont
from annotator.ui.view_painting import ViewPainting, _Painted

#: a document longer than this (in characters) is laid out by Qt a part at a time from the event loop, so
#: that opening it does not block the window; a shorter one is laid out when it is set
LAZY_LAYOUT_CHARS = 300_000
#: the first part of a long text, in characters, given with the document: more than a large window shows
#: (its layout and first paint are part of the open's one long wait: 30,000 took about twice as long)
FIRST_PART_CHARS = 10_000
#: the next part's size; then they are sized to take about LOAD_STEP_SECONDS
LOAD_STEP_CHARS = 30_000
LOAD_STEP_SECONDS = 0.02


class PreparedText(NamedTuple):
    """What :meth:`DocumentView.set_document` works out from the whole text, made beforehand off the GUI
    thread (:func:`prepare_text`): for a 20 MB text holding one emoji, the offset converter's scan and the
    search for flags took 1.5 s."""

    offsets: OffsetConverter
    flags: list[tuple[int, int, str]]  # flag sequences (code points, letters), drawn by a font or not


def prepare_text(text: str) -> PreparedText:
    """:class:`PreparedText` of ``text`` (plain Python: may run in a worker thread)."""
    offsets = converter_for(text)
    return PreparedText(offsets, flags_in(text, offsets.is_identity))


def _cut(text: str, at: int) -> int:
    """Where a part of a long text that goes at least to ``at`` ends: the next line break (a paragraph is
    laid out again when text is added to it), or a space, or ``at``."""
    if at >= len(text):
        return len(text)
    for brk in ("\n", " "):
        found = text.find(brk, at, at + 20_000)
        if found >= 0:
            return found
    return at


class DocumentView(ViewPainting):
    """Shows one document and its spans; emits what the user asks for, changes nothing itself."""

    #: (start, end) in code points, already snapped, of a new selection (empty: none)
    selectionSnapped = Signal(int, int)
    #: a span was clicked or reached by Tab (its id, or "" for none)
    spanSelected = Signal(str)
    #: a key the view does not handle itself (hotkeys), with the text selection in code points
    hotkey = Signal(QKeyEvent)
    #: an event trigger was clicked (its id)
    eventClicked = Signal(str)
    #: Escape: selection and selected span cleared (the window also leaves the active event)
    escaped = Signal()
    #: a suggestion was reached by Tab or clicked (its id, or "" for none)
    suggestionSelected = Signal(str)
    #: while a long text comes into the view a part at a time: (characters in it, all of them), after
    #: each part
    layoutProgressed = Signal(int, int)

    def __init__(self, parent=None):
        super().__init__(parent)
        # glyph boxes of ranges drawn over (spans, triggers, arguments, suggestions) in document coordinates,
        # kept until the layout changes: a label or an event activated repaints the page, whose line boxes
        # are the same as before
        self._rect_cache: dict[tuple[int, int], list[Line]] = {}
        self._range_memo: dict[tuple, tuple[int, int]] = {}  # _visible_range, _suggestion_range
        self._cache_generation = 0  # counts the layout's changes
        self._text = ""
        self._loaded = 0  # how much of a long text is in the view (code points): it comes a part at a time
        self._step_chars = LOAD_STEP_CHARS
        self._loader = QTimer(self)
        self._loader.setInterval(0)
        self._loader.timeout.connect(self._load_step)
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        # lines break between words only: a word too long for the column scrolls rather than splitting its
        # characters (छत्तीसगढ़ over four lines)
        self.setWordWrapMode(QTextOption.WrapMode.WordWrap)
        self.setMouseTracking(True)
        self._zoom = 0.0
        self.setFont(document_font())
        self._offsets = OffsetConverter("")
        self._segmenter = Segmenter("")
        self._spans: list[_Painted] = []
        self._span_keys: set[tuple] = set()  # what is drawn of each span (see set_spans)
        self._suggestion_colors: dict[tuple[str, str], QColor] = {}  # outline colour of (kind, label)
        self._qt_ranges: dict[tuple[int, int], tuple[int, int]] = {}  # spans' Qt ranges in this document
        self._starts: list[int] = []  # qt_start of self._spans (sorted)
        self._max_len = 0
        self._colors: dict[str, QColor] = {}
        self._polarities: dict[str, str] = {}
        self._selected_id = ""
        self.snap_to_tokens = True
        # event frames: (id, type, qt_start, qt_end) of every event; the active one's arguments
        self._triggers: list[tuple[str, str, int, int]] = []
        self._event_colors: dict[str, QColor] = {}
        self._active_event = ""
        self._active_args: list[tuple[int, int, str]] = []  # qt range and role name
        self._arcs: list[tuple[int, int, int, int, str]] = []  # relation: from range, to range, type
        self._marked_id = ""
        # suggestions: (id, label, kind, qt_start, qt_end, start, end), in text order; the current one
        self._suggestions: list[tuple[str, str, str, int, int, int, int]] = []
        self._current_suggestion = ""
        self._advanced = False  # the current suggestion was chosen for the person after a decision
        self._tabbed_event = ""  # the trigger Tab last went to (while no span or suggestion is selected)
        self._suggestion_starts: list[int] = []
        self._suggestion_max = 0
        self._label_font_cache: tuple[str, LabelFont] | None = None
        self._flags: list[tuple[int, int, str]] = []  # flags drawn as letters: qt range, letters

    # ------------------------------------------------------------------ content

    def set_label_colors(self, colors: dict[str, str]) -> None:
        self._colors = {label: QColor(color) for label, color in colors.items()}
        self._suggestion_colors.clear()
        self.viewport().update()

    def set_document(self, text: str, prepared: PreparedText | None = None) -> None:
        """Show ``text``. A new ``QTextDocument`` gets the text, its line height and hidden flags before it
        has a layout (formatting a laid-out 20 MB text took seconds), replaces the old one and is laid out
        at once. A text longer than :data:`LAZY_LAYOUT_CHARS` is given to it a part at a time from the event
        loop instead, each part laid out as it comes (a few hundredths of a second each), so that the window
        never waits long for it: :attr:`layoutProgressed` tells how far it got, :meth:`loaded` whether all
        of it is there. Selecting or going to a place not there yet brings the text up to it at once.
        ``prepared``, made from the same text off the GUI thread, spares the passes over the whole text."""
        self._loader.stop()
        self._text = text
        self._offsets = prepared.offsets if prepared is not None else converter_for(text)
        self._qt_ranges = {}
        self._segmenter = Segmenter(text)
        self._selected_id = ""
        self._flags = self._missing_flags(prepared.flags if prepared is not None else None)
        old = self.document()
        doc = QTextDocument(self)
        doc.setUndoRedoEnabled(False)
        doc.setDefaultFont(old.defaultFont())
        doc.setDefaultTextOption(old.defaultTextOption())
        doc.setDocumentMargin(old.documentMargin())
        first = len(text) if len(text) <= LAZY_LAYOUT_CHARS else _cut(text, FIRST_PART_CHARS)
        doc.setPlainText(text[:first])
        self._apply_line_height(doc)
        self._hide_flags(doc, 0, first)
        self._loaded = first
        ours = old.parent() is self  # (the first one, Qt's own, goes with setDocument)
        self.setDocument(doc)
        if ours:
            old.deleteLater()  # a child of the view stays otherwise: every document opened, in memory
        self.setUndoRedoEnabled(False)
        self._apply_margin()
        self._layout_changed()
        if first < len(text):
            self._step_chars = LOAD_STEP_CHARS
            self._loader.start()
        else:
            self.ensure_laid_out(doc.characterCount())
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def loaded(self) -> bool:
        """Whether all of the text is in the view (a long one comes a part at a time)."""
        return self._loaded >= len(self._text)

    def loaded_chars(self) -> int:
        """How much of the text (code points from its start) is in the view."""
        return self._loaded

    def load_all(self) -> None:
        """Put the rest of a long text in the view now."""
        self._load_through(len(self._text))

    def _load_through(self, cp: int) -> None:
        """Put the text up to ``cp`` at least (up to the next line break) in the view now."""
        if cp <= self._loaded or self.loaded():
            return
        end = _cut(self._text, cp)
        doc = self.document()
        cursor = QTextCursor(doc)
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.beginEditBlock()
        cursor.insertText(self._text[self._loaded : end])  # new lines keep the line height of the last one
        cursor.endEditBlock()
        self._hide_flags(doc, self._loaded, end)
        self._loaded = end
        if self.loaded():
            self._loader.stop()
        self.layoutProgressed.emit(self._loaded, len(self._text))

    def _load_step(self) -> None:
        """One part of a long text, sized to take about :data:`LOAD_STEP_SECONDS`."""
        if self.loaded():
            self._loader.stop()
            return
        before, t = self._loaded, time.perf_counter()
        self._load_through(self._loaded + self._step_chars)
        elapsed = time.perf_counter() - t
        rate = (self._loaded - before) / max(elapsed, 1e-4)
        self._step_chars = int(min(200_000, max(5_000, rate * LOAD_STEP_SECONDS)))

    def _ensure_loaded(self, qt_pos: int) -> None:
        """Bring the text up to ``qt_pos`` into the view, if it is not there yet."""
        if not self.loaded():
            self._load_through(self._offsets.to_cp(min(max(0, qt_pos), self._offsets.qt_length)) + 1)

    def ensure_laid_out(self, qt_pos: int) -> None:
        """Have Qt lay out the text up to ``qt_pos`` now (it lays out a new document a part at a time)."""
        doc = self.document()
        block = doc.findBlock(min(max(0, qt_pos), max(0, doc.characterCount() - 1)))
        if block.isValid():
            doc.documentLayout().blockBoundingRect(block)

    def layout_done(self) -> bool:
        """Whether all of the text is in the view and laid out."""
        return self.loaded() and self.document().lastBlock().layout().lineCount() > 0

    def _apply_margin(self) -> None:
        """Room above the first line for its role names and badges (as much as the gap between two lines),
        and beside the text for arcs between lines."""
        gap = QFontMetricsF(self.font()).height() * (DOCUMENT_LINE_HEIGHT_PERCENT - 100) / 100
        margin = max(16.0, float(int(gap) + 3))
        if self.document().documentMargin() != margin:
            self.document().setDocumentMargin(margin)

    def _apply_line_height(self, document: QTextDocument | None = None) -> None:
        self._layout_changed()  # a new layout (document or font)
        cursor = QTextCursor(document or self.document())
        cursor.select(QTextCursor.SelectionType.Document)
        fmt = QTextBlockFormat()
        fmt.setLineHeight(
            DOCUMENT_LINE_HEIGHT_PERCENT, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value
        )
        cursor.mergeBlockFormat(fmt)

    def _missing_flags(self, found: list[tuple[int, int, str]] | None = None) -> list[tuple[int, int, str]]:
        """Flags that no font here can draw (Linux without an emoji font shows two missing-glyph boxes):
        their Qt range and letters. They are drawn transparent and painted over as their letters
        (🇮🇳 → IN); the text is not changed. ``found``: the text's flags, looked for already."""
        font = self.font()
        if found is None:
            found = flags_in(self._text, self._offsets.is_identity)
        return [
            (*self._offsets.span_to_qt(start, end), letters)
            for start, end, letters in found
            if not renders_flag(font, self._text[start:end])
        ]

    def _hide_flags(self, document: QTextDocument, start: int, end: int) -> None:
        """Make the missing flags in ``[start, end)`` (code points) transparent in ``document``."""
        lo, hi = self._offsets.span_to_qt(start, end)
        flags = self._flags  # in text order
        first, last = bisect_left(flags, (lo,)), bisect_left(flags, (hi,))
        if first == last:
            return
        hidden = QTextCharFormat()
        hidden.setForeground(QBrush(Qt.GlobalColor.transparent))
        cursor = QTextCursor(document)
        cursor.beginEditBlock()  # laid out again once, not once per flag
        for qs, qe, _letters in flags[first:last]:
            cursor.setPosition(qs)
            cursor.setPosition(qe, QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(hidden)
        cursor.endEditBlock()

    @property
    def text(self) -> str:
        return self._text

    @property
    def offsets(self) -> OffsetConverter:
        return self._offsets

    @property
    def segmenter(self) -> Segmenter:
        return self._segmenter

    def set_spans(self, spans: list[Span], polarities: dict[str, str] | None = None) -> None:
        ordered = sorted(spans, key=lambda s: (s.start, -s.end, s.label, s.id))
        depths = nesting_depths([(span.start, span.end) for span in ordered])
        if self._offsets.is_identity:
            painted = [_Painted(s, s.start, s.end, d) for s, d in zip(ordered, depths, strict=True)]
        else:
            # Qt ranges kept per document: a label changes one span of hundreds
            known, to_qt = self._qt_ranges, self._offsets.span_to_qt
            painted = []
            for span, depth in zip(ordered, depths, strict=True):
                qt = known.get((span.start, span.end))
                if qt is None:
                    qt = known[(span.start, span.end)] = to_qt(span.start, span.end)
                painted.append(_Painted(span, qt[0], qt[1], depth))
        polarities = dict(polarities or {})
        # what is drawn of a span: where, its label, nesting and polarity; only where that changed is
        # painted again (labelling one word repaints its lines, not the page)
        new = {
            (p.span.id, p.qt_start, p.qt_end, p.span.label, p.depth, polarities.get(p.span.id))
            for p in painted
        }
        changed = [(k[1], k[2]) for k in self._span_keys ^ new]
        self._span_keys = new
        self._spans = painted
        self._starts = [p.qt_start for p in painted]
        self._max_len = max((p.qt_end - p.qt_start for p in painted), default=0)
        self._polarities = polarities
        if self._selected_id and not any(p.span.id == self._selected_id for p in painted):
            self._selected_id = ""
        self._update_ranges(changed)

    #: more changed ranges than this: the whole viewport is painted again
    MAX_RANGES_UPDATED = 40

    def _update_ranges(self, ranges: list[tuple[int, int]]) -> None:
        """Have the lines of these Qt ranges painted again, across the viewport and a line above and below
        (labels share a row with their line's others; outlines and arcs reach into the gaps), or, for many
        ranges or ones not laid out, the whole viewport."""
        viewport = self.viewport()
        if len(ranges) > self.MAX_RANGES_UPDATED:
            viewport.update()
            return
        reach = int(QFontMetricsF(self.font()).height() * DOCUMENT_LINE_HEIGHT_PERCENT / 100) + 2
        width, height = viewport.width(), viewport.height()
        offset = self._offset()
        first, last = self._visible_range(viewport.rect())
        for qs, qe in ranges:
            if qe <= qs:
                qe = qs + 1
            if qe < first or qs > last:
                continue  # not on screen
            lines = self._document_lines(qs, qe) if qe <= self.document().characterCount() else []
            if not lines:
                viewport.update()
                return
            top = int(lines[0][1] + offset.y()) - reach
            bottom = int(lines[-1][0].bottom() + offset.y()) + reach + 1
            if bottom >= 0 and top <= height:
                viewport.update(QRect(0, top, width, bottom - top))

    def _span_ranges(self, ids: set[str]) -> list[tuple[int, int]]:
        ids = ids - {""}
        return [(p.qt_start, p.qt_end) for p in self._spans if p.span.id in ids] if ids else []

    def _suggestion_ranges(self, ids: set[str]) -> list[tuple[int, int]]:
        ids = ids - {""}
        return [(x[3], x[4]) for x in self._suggestions if x[0] in ids] if ids else []

    def set_event_colors(self, colors: dict[str, str]) -> None:
        self._event_colors = {name: QColor(color) for name, color in colors.items()}
        self._suggestion_colors.clear()

    def set_frames(
        self,
        triggers: list[tuple[str, str, int, int]],
        active: str,
        active_args: list[tuple[int, int, str]],
        arcs: list[tuple[int, int, int, int, str]],
    ) -> None:
        """Events (id, type, start, end in code points), the active event and its arguments (start, end,
        role), and relations as (from start, from end, to start, to end, type)."""
        to_qt = self._offsets.span_to_qt
        self._triggers = [(eid, etype, *to_qt(s, e)) for eid, etype, s, e in triggers]
        self._active_event = active
        self._active_args = [(*to_qt(s, e), role) for s, e, role in active_args]
        self._arcs = [(*to_qt(a, b), *to_qt(c, d), rtype) for a, b, c, d, rtype in arcs]
        self.viewport().update()

    def set_active_event(self, active: str, active_args: list[tuple[int, int, str]]) -> None:
        """Only the active event changed (its arguments in code points, with role names)."""
        to_qt = self._offsets.span_to_qt
        self._active_event = active
        self._active_args = [(*to_qt(s, e), role) for s, e, role in active_args]
        self.viewport().update()

    def set_suggestions(self, suggestions: list[tuple[str, int, int, str, str]]) -> None:
        """Open suggestions as (id, start, end, label, kind) in code points: drawn as dashed outlines."""
        to_qt = self._offsets.span_to_qt
        self._suggestions = sorted(
            (
                (sid, label, kind, *to_qt(start, end), start, end)
                for sid, start, end, label, kind in suggestions
            ),
            key=lambda x: (x[5], x[6], x[1]),
        )
        self._suggestion_starts = [x[3] for x in self._suggestions]  # qt starts, sorted: painting bisects
        self._suggestion_max = max((x[4] - x[3] for x in self._suggestions), default=0)
        if self._current_suggestion not in {x[0] for x in self._suggestions}:
            self._current_suggestion = ""
        self.viewport().update()

    def drop_suggestions(self, ids: set[str]) -> None:
        """No longer draw these suggestions (settled by a label); the others keep their place."""
        self._update_ranges(self._suggestion_ranges(ids))
        self._suggestions = [x for x in self._suggestions if x[0] not in ids]
        self._suggestion_starts = [x[3] for x in self._suggestions]
        if self._current_suggestion in ids:
            self._current_suggestion = ""

    def suggestion_ids(self) -> list[str]:
        return [x[0] for x in self._suggestions]

    def current_suggestion(self) -> str:
        return self._current_suggestion

    def suggestion_at(self, qt_pos: int) -> str:
        """The innermost (shortest) suggestion drawn at a Qt position, or ""."""
        hi = bisect_right(self._suggestion_starts, qt_pos)
        lo = bisect_left(self._suggestion_starts, qt_pos - self._suggestion_max)
        found = [x for x in self._suggestions[lo:hi] if x[3] <= qt_pos < x[4]]
        return min(found, key=lambda x: x[4] - x[3])[0] if found else ""

    def select_suggestion(self, suggestion_id: str, *, advanced: bool = False) -> None:
        """Make a suggestion the current one (Enter, Backspace act on it). ``advanced``: chosen for the
        person after a decision, so the next Tab stays on it instead of skipping past it."""
        self._advanced = advanced
        self._tabbed_event = ""
        self._current_suggestion = suggestion_id
        found = next((x for x in self._suggestions if x[0] == suggestion_id), None)
        if found is not None:
            self._selected_id = ""
            self._ensure_loaded(found[4])
            cursor = self.textCursor()
            cursor.setPosition(found[3])
            self.setTextCursor(cursor)
            self.ensureCursorVisible()
        self.viewport().update()
        self.suggestionSelected.emit(suggestion_id)

    def cycle_item(self, forward: bool = True) -> None:
        """The next (previous) span or suggestion in text order after the selected one, or after the
        cursor: what Tab reviews."""
        items = sorted(
            [(p.qt_start, p.qt_end, 0, p.span.id) for p in self._spans]
            + [(x[3], x[4], 1, x[0]) for x in self._suggestions]
            + [(qs, qe, 2, eid) for eid, _etype, qs, qe in self._triggers]  # event triggers: the frame too
        )
        if not items:
            return
        if self._advanced and self._current_suggestion and forward:
            self._advanced = False  # the decision already moved to this one: Tab confirms it
            self.select_suggestion(self._current_suggestion)
            return
        if self._selected_id:
            current = (0, self._selected_id)
        elif self._current_suggestion:
            current = (1, self._current_suggestion)
        else:
            current = (2, self._tabbed_event)
        keys = [(kind, item_id) for _s, _e, kind, item_id in items]
        if current[1] and current in keys:
            i = keys.index(current) + (1 if forward else -1)
        else:
            pos = self.textCursor().position()
            starts = [start for start, *_rest in items]
            i = bisect_left(starts, pos) if forward else bisect_left(starts, pos) - 1
        kind, item_id = keys[i % len(keys)]
        if kind == 0:
            self.select_span(item_id)
        elif kind == 1:
            self.select_suggestion(item_id)
        else:
            self.select_trigger(item_id)

    def select_trigger(self, event_id: str) -> None:
        """Tab on an event's trigger: the caret goes there and the event becomes the active one."""
        found = next((t for t in self._triggers if t[0] == event_id), None)
        if found is None:
            return
        self._selected_id, self._current_suggestion = "", ""
        self._ensure_loaded(found[3])
        cursor = self.textCursor()
        cursor.setPosition(found[2])
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        self._tabbed_event = event_id
        self.viewport().update()
        self.eventClicked.emit(event_id)

    def set_marked(self, span_id: str) -> None:
        if span_id != self._marked_id:
            self._update_ranges(self._span_ranges({span_id, self._marked_id}))
        self._marked_id = span_id

    def event_at(self, qt_pos: int) -> str:
        for eid, _etype, qs, qe in self._triggers:
            if qs <= qt_pos < qe:
                return eid
        return ""

    def spans(self) -> list[Span]:
        return [p.span for p in self._spans]

    # ------------------------------------------------------------------ zoom

    def zoom(self, steps: float) -> None:
        self._zoom = max(-6.0, min(24.0, self._zoom + steps))
        self._layout_changed()  # the lines are laid out anew
        self.setFont(document_font(13.0 + self._zoom))
        self._apply_margin()

    @property
    def zoom_level(self) -> float:
        return self._zoom

    def set_zoom(self, level: float) -> None:
        self._zoom = 0.0
        self.zoom(level)

    # ------------------------------------------------------------------ selection (code points)

    def selection(self) -> tuple[int, int]:
        """The text selection in code points (start == end when nothing is selected)."""
        c = self.textCursor()
        return self._offsets.span_to_cp(c.selectionStart(), c.selectionEnd())

    def select_range(self, start: int, end: int) -> None:
        qs, qe = self._offsets.span_to_qt(start, end)
        self._ensure_loaded(qe)
        cursor = self.textCursor()
        cursor.setPosition(qs)
        cursor.setPosition(qe, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def snapped_selection(self) -> tuple[int, int]:
        """The selection trimmed of surrounding white space and snapped to clusters (and, snapping to words,
        to whole tokens without punctuation-only tokens at its edges)."""
        start, end = self.selection()
        if start == end:
            return start, end
        segmenter, at = self._segmenter, 0
        if len(self._text) > LAZY_LAYOUT_CHARS:  # a long text: only the stretch around the selection
            segmenter, at = segmenter.around(start, end)
        start, end = segmenter.selection(start - at, end - at, to_tokens=self.snap_to_tokens)
        return start + at, end + at

    def selected_span_id(self) -> str:
        return self._selected_id

    def select_span(self, span_id: str, *, ensure_visible: bool = True) -> None:
        previous, suggestion = self._selected_id, self._current_suggestion
        self._selected_id = span_id
        self._tabbed_event = ""
        if span_id:
            self._current_suggestion = ""
        if span_id and ensure_visible:
            for p in self._spans:
                if p.span.id == span_id:
                    self._ensure_loaded(p.qt_end)
                    cursor = self.textCursor()
                    cursor.setPosition(p.qt_start)
                    self.setTextCursor(cursor)
                    self.ensureCursorVisible()
                    break
        self._update_ranges(self._span_ranges({span_id, previous}) + self._suggestion_ranges({suggestion}))
        self.spanSelected.emit(span_id)

    def spans_at(self, qt_pos: int) -> list[Span]:
        """Spans containing a Qt position, innermost first."""
        hi = bisect_right(self._starts, qt_pos)
        lo = bisect_left(self._starts, qt_pos - self._max_len)
        found = [p for p in self._spans[lo:hi] if p.qt_start <= qt_pos < p.qt_end]
        return [p.span for p in sorted(found, key=lambda p: -p.depth)]

    # ------------------------------------------------------------------ events

    def mousePressEvent(self, event: QMouseEvent) -> None:
        # a press inside the selection would start Qt's drag of the selected text (the text is read only,
        # so that can never be wanted): start a new selection there instead
        if event.button() == Qt.MouseButton.LeftButton and self.textCursor().hasSelection():
            pos = self.cursorForPosition(event.position().toPoint()).position()
            cursor = self.textCursor()
            if cursor.selectionStart() <= pos <= cursor.selectionEnd():
                cursor.setPosition(pos)
                self.setTextCursor(cursor)
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        start, end = self.selection()
        if start != end:
            s, e = self.snapped_selection()
            if (s, e) != (start, end) and s != e:
                self.select_range(s, e)
            self._selected_id = ""
            self.viewport().update()
            self.selectionSnapped.emit(s, e)
        else:
            pos = self.cursorForPosition(event.position().toPoint()).position()
            hits = self.spans_at(pos)
            if not hits and self.suggestion_at(pos):  # a click selects it, as Tab does
                self.select_suggestion(self.suggestion_at(pos))
                return
            if not hits and self.event_at(pos):
                self.eventClicked.emit(self.event_at(pos))
                return
            self.select_span(hits[0].id if hits else "", ensure_visible=False)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        super().mouseMoveEvent(event)
        if event.buttons():
            return
        hits = self.spans_at(self.cursorForPosition(event.position().toPoint()).position())
        if hits:
            QToolTip.showText(event.globalPosition().toPoint(), self.describe(hits), self.viewport())
        else:
            QToolTip.hideText()

    #: The reading aid's romanization (View → Romanization), used by the tooltips too.
    romanization = "iast"

    def describe(self, spans: list[Span]) -> str:
        """A tooltip: each span's label, text and romanization (in the chosen scheme), polarity, and the
        attributes that are set (confidence, note, counts…)."""
        from annotator.text import romanize

        lines = []
        for span in spans:
            surface = self._text[span.start : span.end]
            mark = self._polarities.get(span.id)
            lines.append(
                f"{span.label}: {surface} — {romanize(surface, self.romanization)}"
                + (f" [{mark}]" if mark else "")
            )
            for name, value in sorted((span.attributes or {}).items()):
                if value not in (None, "", False):
                    shown = " ".join(str(value).split())
                    lines.append(f"    {name}: {shown if len(shown) <= 80 else shown[:79] + '…'}")
        return "\n".join(lines)

    def event(self, event) -> bool:
        # Tab / Shift+Tab move to the next (previous) span or suggestion in the text, instead of moving
        # the focus to the next widget
        if event.type() == QEvent.Type.KeyPress and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            if not event.modifiers() & (
                Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
            ):
                forward = (
                    event.key() == Qt.Key.Key_Tab
                    and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
                )
                self.cycle_item(forward)
                return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        mods = event.modifiers()
        if key == Qt.Key.Key_Escape:
            cursor = self.textCursor()
            cursor.clearSelection()
            self.setTextCursor(cursor)
            self._current_suggestion = ""
            self.select_span("", ensure_visible=False)
            self.escaped.emit()
            return
        navigation = key in (
            Qt.Key.Key_Left,
            Qt.Key.Key_Right,
            Qt.Key.Key_Up,
            Qt.Key.Key_Down,
            Qt.Key.Key_Home,
            Qt.Key.Key_End,
            Qt.Key.Key_PageUp,
            Qt.Key.Key_PageDown,
        )
        if navigation or (mods & Qt.KeyboardModifier.ControlModifier and key in (Qt.Key.Key_C, Qt.Key.Key_A)):
            super().keyPressEvent(event)
            if navigation and self.textCursor().hasSelection():
                self._selected_id = ""
                self.viewport().update()
            return
        self.hotkey.emit(event)
