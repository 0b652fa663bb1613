"""The document view: read-only Devanagari/Latin text with label highlights painted per visible block.

Spans are not ExtraSelections or char formats: the view keeps them sorted (an interval index) and paints,
after Qt has drawn the text, only the spans that touch the visible blocks. Opening a document therefore
costs little more than Qt's own layout, and adding a span repaints only the viewport.

What is drawn over the text (outlines, badges, role and relation labels, arcs, the focused suggestion's
tag, flags as letters) is computed first, by :meth:`DocumentView.drawing`, then painted: outlines stay
within their span's own glyph boxes, labels share one row in the gap above their line without overlapping,
arcs run in a lane at the top of that gap.

Offsets: the model (storage) counts code points; Qt counts UTF-16 units. Conversions go through
:class:`annotator.ui.offsets.OffsetConverter` only.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextOption,
)
from PySide6.QtWidgets import QTextEdit, QToolTip

from annotator.services.annotate import Span
from annotator.text.segment import Segmenter
from annotator.ui.fonts import DOCUMENT_LINE_HEIGHT_PERCENT, document_font, flag_sequences, renders_flag
from annotator.ui.offsets import OffsetConverter

POLARITY_MARKS = {
    "NEG": ("−", QColor("#c62828")),
    "NEU": ("•", QColor("#616161")),
    "POS": ("+", QColor("#2e7d32")),
}


@dataclass(frozen=True, slots=True)
class _Painted:
    span: Span
    qt_start: int
    qt_end: int
    depth: int  # nesting depth: 0 outermost


# ---------------------------------------------------------------------------------------------- geometry
# What is drawn over the text, computed before it is painted (DocumentView.drawing) so that it can be
# checked: outlines stay inside their glyphs' own boxes, labels and badges sit in the gap the line height
# leaves above a line without covering one another, relation arcs run inside those gaps.


@dataclass(slots=True)
class Outline:
    """A box around a span's glyphs. ``rect`` lies within the glyphs' own box sideways (the advance of the
    span's characters) and reaches ``DocumentView.OUTLINE_REACH`` into the gaps above and below the line;
    the stroke stays inside ``rect``: nothing of it reaches a neighbouring character."""

    kind: str  # "selected", "trigger", "role", "marked", "suggestion", "focused-suggestion"
    owner: str
    rect: QRectF
    pen_width: float
    color: QColor
    style: Qt.PenStyle = Qt.PenStyle.SolidLine
    radius: float = 0.0

    @property
    def stroke(self) -> QRectF:
        """Where the pen's centre runs: half a pen inside ``rect``."""
        half = self.pen_width / 2
        return self.rect.adjusted(half, half, -half, -half)


@dataclass(slots=True)
class Label:
    """A role name, event type, relation name, polarity badge or the focused suggestion's hint."""

    kind: str  # "hint", "badge", "event", "role", "relation"
    text: str
    rect: QRectF
    color: QColor
    owner: str


@dataclass(slots=True)
class Arc:
    """A relation arc; ``ceiling`` is the bottom of the glyphs of the line above its highest point."""

    kind: str
    path: QPainterPath
    end: QPointF
    ceiling: float


@dataclass(slots=True)
class FlagBox:
    """A flag no font here can draw, shown as its letters in a box (🇮🇳 → IN)."""

    rect: QRectF
    letters: str


@dataclass(slots=True)
class Drawing:
    outlines: list[Outline] = field(default_factory=list)
    labels: list[Label] = field(default_factory=list)
    arcs: list[Arc] = field(default_factory=list)
    flags: list[FlagBox] = field(default_factory=list)
    dropped: int = 0  # labels that found no room in their row


@dataclass(slots=True)
class _ArcRoute:
    path: QPainterPath
    end: QPointF
    ceiling: float
    label_line: tuple[QRectF, float]
    label_x: float
    drops: list[tuple[float, float]]  # (line top, x) where it comes down to a span


@dataclass(slots=True)
class _Want:
    priority: int
    order: int
    top: float  # the line's top; the label goes between its ceiling and it
    ceiling: float
    x: float
    width: float
    kind: str
    text: str
    color: QColor
    owner: str


def place_labels(
    wanted: list[tuple[float, float]],
    left: float,
    right: float,
    spacing: float = 3.0,
    blocked: list[tuple[float, float]] | None = None,
    keep_near: list[bool] | None = None,
) -> list[float | None]:
    """Lay out one row of labels: each (preferred x, width), most important first, goes to the free place
    nearest its preferred x within ``[left, right]``, ``spacing`` apart from those placed before it and,
    where there is room, from the ``blocked`` intervals (where arcs come down); None where no place is
    left; labels marked in ``keep_near`` disregard ``blocked``. Qt-free."""
    eps = 1e-6

    def nearest(x_wanted: float, width: float, taken: list[tuple[float, float]]) -> float | None:
        candidates = [x_wanted, left, right - width]
        for lo, hi in taken:
            candidates += [hi + spacing, lo - spacing - width]
        best: float | None = None
        for x in candidates:
            x = min(max(x, left), right - width)
            if x < left - eps:
                continue  # wider than the row
            if any(x < hi + spacing - eps and lo < x + width + spacing - eps for lo, hi in taken):
                continue
            if best is None or abs(x - x_wanted) < abs(best - x_wanted):
                best = x
        return best

    placed: list[tuple[float, float]] = []
    blocked = list(blocked or [])
    result: list[float | None] = []
    for i, (x_wanted, width) in enumerate(wanted):
        near = bool(keep_near and keep_near[i])
        x = nearest(x_wanted, width, placed if near else placed + blocked)
        if x is None and blocked and not near:
            x = nearest(x_wanted, width, placed)  # rather over an arc's end than not at all
        result.append(x)
        if x is not None:
            placed.append((x, x + width))
    return result


class DocumentView(QTextEdit):
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

    def __init__(self, parent=None):
        super().__init__(parent)
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
        self._text = ""
        self._offsets = OffsetConverter("")
        self._segmenter = Segmenter("")
        self._spans: list[_Painted] = []
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
        self._rect_cache: dict[tuple[int, int], list[tuple[QRectF, float]]] = {}  # _suggestion_lines
        self._label_font_cache: tuple[str, QFont, QFontMetricsF, float, float] | None = None
        self._flags: list[tuple[int, int, str]] = []  # flags drawn as letters: qt range, letters

    # ------------------------------------------------------------------ content

    def set_label_colors(self, colors: dict[str, str]) -> None:
        self._colors = {label: QColor(color) for label, color in colors.items()}
        self.viewport().update()

    def set_document(self, text: str) -> None:
        self._text = text
        self._offsets = OffsetConverter(text)
        self._segmenter = Segmenter(text)
        self._selected_id = ""
        self.setPlainText(text)
        self._apply_margin()
        self._apply_line_height()
        self._hide_missing_flags()
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def _apply_margin(self) -> None:
        """Room above the first line for its role names and badges (as much as the gap between two lines),
        and beside the text for arcs between lines."""
        gap = QFontMetricsF(self.font()).height() * (DOCUMENT_LINE_HEIGHT_PERCENT - 100) / 100
        margin = max(16.0, float(int(gap) + 3))
        if self.document().documentMargin() != margin:
            self.document().setDocumentMargin(margin)

    def _apply_line_height(self) -> None:
        self._rect_cache.clear()  # a new layout (document or font)
        cursor = QTextCursor(self.document())
        cursor.select(QTextCursor.SelectionType.Document)
        fmt = QTextBlockFormat()
        fmt.setLineHeight(
            DOCUMENT_LINE_HEIGHT_PERCENT, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value
        )
        cursor.mergeBlockFormat(fmt)

    def _hide_missing_flags(self) -> None:
        """Flags that no font here can draw (Linux without an emoji font shows two missing-glyph boxes)
        are drawn transparent and painted over as their letters (🇮🇳 → IN). The text is not changed."""
        self._flags = []
        font = self.font()
        hidden = QTextCharFormat()
        hidden.setForeground(QBrush(Qt.GlobalColor.transparent))
        for start, end, letters in flag_sequences(self._text):
            if renders_flag(font, self._text[start:end]):
                continue
            qs, qe = self._offsets.span_to_qt(start, end)
            self._flags.append((qs, qe, letters))
            cursor = QTextCursor(self.document())
            cursor.setPosition(qs)
            cursor.setPosition(qe, QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(hidden)

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
        painted: list[_Painted] = []
        open_ends: list[int] = []  # ends of the spans enclosing the current one
        for span in ordered:
            while open_ends and open_ends[-1] <= span.start:
                open_ends.pop()
            qs, qe = self._offsets.span_to_qt(span.start, span.end)
            painted.append(_Painted(span, qs, qe, len(open_ends)))
            open_ends.append(span.end)
            open_ends.sort(reverse=True)
        self._spans = painted
        self._starts = [p.qt_start for p in painted]
        self._max_len = max((p.qt_end - p.qt_start for p in painted), default=0)
        self._polarities = dict(polarities or {})
        if self._selected_id and not any(p.span.id == self._selected_id for p in painted):
            self._selected_id = ""
        self.viewport().update()

    def set_event_colors(self, colors: dict[str, str]) -> None:
        self._event_colors = {name: QColor(color) for name, color in colors.items()}

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
        self._suggestions = [x for x in self._suggestions if x[0] not in ids]
        self._suggestion_starts = [x[3] for x in self._suggestions]
        if self._current_suggestion in ids:
            self._current_suggestion = ""
        self.viewport().update()

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
        cursor = self.textCursor()
        cursor.setPosition(found[2])
        self.setTextCursor(cursor)
        self.ensureCursorVisible()
        self._tabbed_event = event_id
        self.viewport().update()
        self.eventClicked.emit(event_id)

    def set_marked(self, span_id: str) -> None:
        self._marked_id = span_id
        self.viewport().update()

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
        self._rect_cache.clear()  # the lines are laid out anew
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
        start, end = self._segmenter.strip_span(start, end)
        if start == end:
            return start, end
        if not self.snap_to_tokens:
            return self._segmenter.snap(start, end, mode="grapheme")
        start, end = self._segmenter.snap(start, end, mode="token")
        return self._segmenter.trim_punctuation(start, end)  # no bracket, quote or danda at the edges

    def selected_span_id(self) -> str:
        return self._selected_id

    def select_span(self, span_id: str, *, ensure_visible: bool = True) -> None:
        self._selected_id = span_id
        self._tabbed_event = ""
        if span_id:
            self._current_suggestion = ""
        if span_id and ensure_visible:
            for p in self._spans:
                if p.span.id == span_id:
                    cursor = self.textCursor()
                    cursor.setPosition(p.qt_start)
                    self.setTextCursor(cursor)
                    self.ensureCursorVisible()
                    break
        self.viewport().update()
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

    # ------------------------------------------------------------------ geometry

    def glyph_rects(self, start: int, end: int) -> list[QRectF]:
        """The glyphs' own boxes of ``[start, end)`` (code points), line by line, in viewport coordinates:
        from the first character's advance to the last one's, the line's height."""
        return self._span_rects(*self._offsets.span_to_qt(start, end))

    #: the top of the gap between two lines, kept for relation arcs; labels go below it
    ARC_LANE = 2.0
    #: how far outlines reach above and below their glyphs' box, into the gap between lines (the tops of
    #: i-matras and the ends of u-matras come within a pixel of it); never sideways
    OUTLINE_REACH = 1.0

    def label_font(self) -> tuple[QFont, QFontMetricsF, float, float]:
        """The font of role names, event types, relation names, badges and the suggestion hint, sized so that
        one row of them fits the gap the line height leaves between two lines (below the arcs' lane); with
        its metrics, a label's height (the ink of ascenders and descenders) and its baseline in it."""
        key = self.font().key()
        if self._label_font_cache is None or self._label_font_cache[0] != key:
            gap = QFontMetricsF(self.font()).height() * (DOCUMENT_LINE_HEIGHT_PERCENT - 100) / 100
            font = QFont(self.font())
            font.setFamilies([QGuiApplication.font().family(), *self.font().families()])
            font.setBold(False)
            px = max(7, int(gap))
            while True:
                font.setPixelSize(px)
                ink = QFontMetricsF(font).tightBoundingRect("bdfhklpqyjg_")
                if px <= 7 or ink.height() + 1 <= gap - self.ARC_LANE - self.OUTLINE_REACH:
                    break
                px -= 1
            self._label_font_cache = (key, font, QFontMetricsF(font), ink.height() + 1, -ink.top() + 0.5)
        return self._label_font_cache[1:]

    def drawing(self, rect: QRect | None = None) -> Drawing:
        """What :meth:`paintEvent` draws over the text in ``rect`` (default: the whole viewport), in viewport
        coordinates: outlines inside their glyphs' boxes, labels and badges laid out in the gap above their
        line without overlapping, relation arcs inside the gaps between lines, flags' letter boxes."""
        rect = QRect(self.viewport().rect()) if rect is None else QRect(rect)
        # a line's labels live in the gap above it and an arc may reach a line just outside: lay out a
        # line more on both sides, so that a strip repainted on scrolling gets the same layout as the page
        reach = int(QFontMetricsF(self.font()).height() * DOCUMENT_LINE_HEIGHT_PERCENT / 100) + 2
        painted, rect = rect, rect.adjusted(0, -reach, 0, reach)
        first, last = self._visible_range(rect)
        _font, metrics, label_h, _ascent = self.label_font()
        pad = 2.0
        drawing = Drawing()
        wants: list[_Want] = []
        insets: dict[tuple[float, float, float], float] = {}
        blocked: dict[float, list[tuple[float, float]]] = {}

        def outline(kind, owner, lines, pen, color, style=Qt.PenStyle.SolidLine, radius=0.0) -> None:
            last = kind == "suggestion"  # drawn after the others: none goes inside it (and there are many)
            for box, _ceiling in lines:
                if insets:
                    key = (round(box.left(), 1), round(box.top(), 1), round(box.right(), 1))
                    inset = insets.get(key, 0.0)  # a second outline on the same glyphs goes inside the first
                else:
                    key, inset = None, 0.0
                if not last:
                    key = key or (round(box.left(), 1), round(box.top(), 1), round(box.right(), 1))
                    insets[key] = inset + pen + 0.5
                inner = box.adjusted(inset, inset, -inset, -inset) if inset else box
                if inner.width() < pen or inner.height() < pen:
                    inner = box
                inner = inner.adjusted(0, -self.OUTLINE_REACH, 0, self.OUTLINE_REACH)
                drawing.outlines.append(Outline(kind, owner, inner, pen, color, style, radius))

        def want(priority, line, x, width, kind, text, color, owner) -> None:
            box, ceiling = line
            wants.append(
                _Want(priority, len(wants), box.top(), ceiling, x, width, kind, text, QColor(color), owner)
            )

        def text_width(text: str) -> float:
            return metrics.horizontalAdvance(text) + 2 * pad

        # flags no font here can draw: their letters in a box, over the (hidden) missing-glyph boxes
        for qs, qe, letters in self._flags:
            if qe > first and qs < last:
                for box in self._span_rects(qs, qe)[:1]:
                    drawing.flags.append(FlagBox(self._flag_box(box), letters))

        # roles of the active event: outside every other outline of their glyphs
        for qs, qe, role in self._active_args:
            if qe <= first or qs >= last:
                continue
            lines = self._span_lines(qs, qe)
            outline("role", role, lines, 1.6, QColor("#37474f"), Qt.PenStyle.DashLine, 4.0)
            if lines:
                want(3, lines[0], lines[0][0].left(), text_width(role), "role", role, "#263238", "")
        for eid, etype, qs, qe in self._triggers:
            if eid != self._active_event or qe <= first or qs >= last:
                continue
            color = self._event_colors.get(etype, QColor("#555555"))
            lines = self._span_lines(qs, qe)
            outline("trigger", eid, lines, 2.2, color.darker(130))
            if lines:
                want(
                    2, lines[0], lines[0][0].left(), text_width(etype), "event", etype, color.darker(160), eid
                )
        if self._marked_id:
            marked = next((p for p in self._spans if p.span.id == self._marked_id), None)
            if marked is not None and marked.qt_end > first and marked.qt_start < last:
                lines = self._span_lines(marked.qt_start, marked.qt_end)
                outline("marked", marked.span.id, lines, 2.0, QColor("#6a1b9a"), Qt.PenStyle.DashDotLine)
        for p in self._visible_spans(first, last):
            selected = p.span.id == self._selected_id
            mark = self._polarities.get(p.span.id)
            if not (selected or mark):
                continue
            lines = self._span_lines(p.qt_start, p.qt_end)
            if selected:
                outline("selected", p.span.id, lines, 2.0, QColor("#1a237e"), radius=3.0)
            if mark and lines:
                symbol, mark_color = POLARITY_MARKS.get(mark, (mark[:1], QColor("#000000")))
                # over the end of the span, in the gap above its last line: it covers no character
                box = lines[-1][0]
                want(1, lines[-1], box.right() - label_h, label_h, "badge", symbol, mark_color, p.span.id)
        if self._suggestions:
            # outlines only where painted (a page can hold hundreds); the focused one, with its hint among
            # the labels, wherever the labels are laid out
            s_first, s_last = self._suggestion_range(painted)
            lo = bisect_left(self._suggestion_starts, s_first - self._suggestion_max)
            hi = bisect_left(self._suggestion_starts, s_last)
            shown = [x for x in self._suggestions[lo:hi] if x[4] > s_first]
            focused = next((x for x in self._suggestions if x[0] == self._current_suggestion), None)
            if focused is not None and focused not in shown and focused[4] > first and focused[3] < last:
                shown.append(focused)
            offset = self._offset()
            for sid, label, kind, qs, qe, _s, _e in shown:
                colors = self._event_colors if kind == "event" else self._colors
                color = colors.get(label, QColor("#607d8b")).darker(150)
                lines = self._suggestion_lines(qs, qe, offset)
                if sid == self._current_suggestion:
                    outline("focused-suggestion", sid, lines, 2.4, color)
                    if lines:
                        hint = f"{label}?  ↵ accept · ⌫ reject"
                        want(0, lines[0], lines[0][0].left(), text_width(hint), "hint", hint, color, sid)
                else:
                    outline("suggestion", sid, lines, 1.4, color, Qt.PenStyle.DashLine)
        for fs, fe, ts, te, rtype in self._arcs:
            # only arcs whose two ends are on screen: laying out far-away blocks to reach an end that
            # cannot be seen would cost a full layout pass (both spans are listed in the panel anyway)
            if not (first <= fs and fe <= last and first <= ts and te <= last):
                continue
            a, b = self._span_lines(fs, fe), self._span_lines(ts, te)
            if not a or not b:
                continue
            route = self._arc(a[0], b[0])
            drawing.arcs.append(Arc(rtype, route.path, route.end, route.ceiling))
            for top, x in route.drops:  # labels keep clear of where the arc comes down, where there is room
                blocked.setdefault(round(top, 2), []).append((x - 2.0, x + 2.0))
            width = text_width(rtype)
            want(4, route.label_line, route.label_x - width / 2, width, "relation", rtype, "#6a1b9a", "")

        # labels: one row in the gap above each line, the most important placed first, nearest to where
        # it belongs; none covers another (one with no room left in its row is not drawn)
        rows: dict[float, list[_Want]] = {}
        for w in sorted(wants, key=lambda w: (w.priority, w.order)):
            rows.setdefault(round(w.top, 2), []).append(w)
        # clear of the page margins too, where arcs between lines run
        margin = self.document().documentMargin() / 2 + 2
        left, right = margin, self.viewport().width() - margin
        for key, items in rows.items():
            xs = place_labels(
                [(w.x, w.width) for w in items],
                left,
                right,
                blocked=blocked.get(key),
                keep_near=[
                    w.kind in ("hint", "badge") for w in items
                ],  # by their span, over an arc if need be
            )
            for w, x in zip(items, xs, strict=True):
                if x is None:
                    drawing.dropped += 1
                    continue
                # just above the line and its outlines, under the arcs' lane
                y = max(
                    w.ceiling + min(self.ARC_LANE, w.top - w.ceiling - label_h),
                    w.top - label_h - self.OUTLINE_REACH,
                )
                drawing.labels.append(Label(w.kind, w.text, QRectF(x, y, w.width, label_h), w.color, w.owner))
        return drawing

    def _flag_box(self, glyphs: QRectF) -> QRectF:
        """The box a flag's letters are drawn in: the width of its two missing-glyph boxes, the height of a
        capital letter, on the baseline."""
        fm = QFontMetricsF(self.font())
        baseline = glyphs.top() + min(fm.ascent(), glyphs.height())
        height = min(glyphs.height(), fm.capHeight() * 1.5)
        return QRectF(glyphs.left() + 1, baseline - height + 1, max(2.0, glyphs.width() - 2), height)

    def _arc(self, a: tuple[QRectF, float], b: tuple[QRectF, float]) -> _ArcRoute:
        """A relation arc from the top of ``a``'s glyphs to the top of ``b``'s (their first lines), inside
        the gaps between lines: up from each end into the lane at the top of its line's gap (just under the
        line above), along it, and, between two lines, down the page margin, where no glyph is."""
        (ra, ca), (rb, cb) = a, b
        start = QPointF(ra.center().x(), ra.top())
        end = QPointF(rb.center().x(), rb.top())
        la = ca + min(self.ARC_LANE * 0.75, ra.top() - ca)
        lb = cb + min(self.ARC_LANE * 0.75, rb.top() - cb)
        drops = [(ra.top(), start.x()), (rb.top(), end.x())]
        if abs(ra.top() - rb.top()) < 0.5:  # one line
            points = [start, QPointF(start.x(), la), QPointF(end.x(), la), end]
            label = (a, (start.x() + end.x()) / 2)
        else:
            margin = self.document().documentMargin()
            offset = self._offset()
            width = self.document().size().width()
            if (start.x() + end.x()) / 2 < offset.x() + width / 2:
                xm = offset.x() + margin / 2
            else:
                xm = offset.x() + width - margin / 2
            points = [
                start,
                QPointF(start.x(), la),
                QPointF(xm, la),
                QPointF(xm, lb),
                QPointF(end.x(), lb),
                end,
            ]
            upper = a if ra.top() < rb.top() else b
            label = (upper, ((start.x() if upper is a else end.x()) + xm) / 2)
        path = QPainterPath(start)
        radius = 4.0
        for i in range(1, len(points) - 1):  # straight runs with rounded corners
            p, prev, nxt = points[i], points[i - 1], points[i + 1]
            path.lineTo(_towards(p, prev, min(radius, _distance(prev, p) / 2)))
            path.quadTo(p, _towards(p, nxt, min(radius, _distance(p, nxt) / 2)))
        path.lineTo(end)
        # its highest point lies in the lane of the upper line's gap
        return _ArcRoute(path, end, ca if ra.top() <= rb.top() else cb, label[0], label[1], drops)

    # ------------------------------------------------------------------ painting

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not (self._spans or self._triggers or self._suggestions or self._flags):
            return
        drawing = self.drawing(event.rect())
        painter = QPainter(self.viewport())
        try:
            if drawing.flags:
                self._paint_flags(painter, drawing.flags)
            if self._spans:
                self._paint_spans(painter, event.rect())
            if self._triggers:
                self._paint_trigger_lines(painter, event.rect())
            self._paint_outlines(painter, drawing.outlines)
            # arcs over the labels: only their ends come down through a row of labels, thin lines
            self._paint_labels(painter, drawing.labels)
            self._paint_arcs(painter, drawing.arcs)
        finally:
            painter.end()

    def _paint_flags(self, painter: QPainter, flags: list[FlagBox]) -> None:
        """A flag no font here can draw (its two characters are transparent in the document): its letters
        in a small box, 🇮🇳 → IN."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        font = QFont(self.font())
        font.setBold(True)
        ink = self.palette().text().color()
        for flag in flags:
            box = flag.rect
            px = max(6, int(box.height() * 0.8))
            font.setPixelSize(px)
            while px > 6 and QFontMetricsF(font).horizontalAdvance(flag.letters) > box.width() - 3:
                px -= 1
                font.setPixelSize(px)
            painter.setPen(QPen(ink, 1.0))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(box.adjusted(0.5, 0.5, -0.5, -0.5), 2, 2)
            painter.setFont(font)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, flag.letters)

    def _paint_outlines(self, painter: QPainter, outlines: list[Outline]) -> None:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        pen_key = None
        for o in outlines:
            key = (o.kind, o.color.rgba(), o.pen_width, o.style)
            if key != pen_key:  # a page can hold hundreds of suggestions: set the pen only when it changes
                pen_key = key
                # suggestions square and not antialiased, so that they do not slow scrolling
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, o.kind != "suggestion")
                painter.setPen(QPen(o.color, o.pen_width, o.style))
            if o.radius:
                painter.drawRoundedRect(o.stroke, o.radius, o.radius)
            else:
                painter.drawRect(o.stroke)

    def _paint_arcs(self, painter: QPainter, arcs: list[Arc]) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        color = QColor("#6a1b9a")
        for arc in arcs:
            painter.setPen(QPen(color, 1.4))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(arc.path)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawEllipse(arc.end, 2.5, 2.5)

    def _paint_labels(self, painter: QPainter, labels: list[Label]) -> None:
        """Labels on a background of their own; badges as discs; the focused suggestion's hint as a tag in
        its label's colour."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        font, metrics, _height, ascent = self.label_font()
        base = self.palette().base().color()
        for label in labels:
            r = label.rect
            if label.kind == "badge":
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(label.color)
                painter.drawEllipse(r)
                bold = QFont(font)
                bold.setBold(True)
                bold.setPixelSize(max(7, int(r.height())))
                painter.setFont(bold)
                painter.setPen(QColor("white"))
                painter.drawText(r, Qt.AlignmentFlag.AlignCenter, label.text)
                continue
            painter.setFont(font)
            if label.kind == "hint":  # a solid tag in the suggestion's colour, white letters
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(label.color)
                painter.drawRoundedRect(r, 2, 2)
            else:
                back = QColor(base)
                back.setAlpha(225)
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(back)
                painter.drawRect(r)
            painter.setPen(QColor("white") if label.kind == "hint" else label.color)
            x = r.left() + (r.width() - metrics.horizontalAdvance(label.text)) / 2
            painter.drawText(QPointF(x, r.top() + ascent), label.text)

    def _paint_trigger_lines(self, painter: QPainter, rect) -> None:
        """Quiet dotted underlines for every trigger but the active one (boxed, see :meth:`drawing`), inside
        the trigger's glyph box."""
        first, last = self._visible_range(rect)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for eid, etype, qs, qe in self._triggers:
            if eid == self._active_event or qe <= first or qs >= last:
                continue
            color = self._event_colors.get(etype, QColor("#555555"))
            painter.setPen(QPen(color, 1.5, Qt.PenStyle.DotLine))
            for r in self._span_rects(qs, qe):
                painter.drawLine(r.bottomLeft() + QPointF(0.75, -1), r.bottomRight() + QPointF(-0.75, -1))

    def _offset(self) -> QPointF:
        """Document coordinates → viewport coordinates."""
        return QPointF(-self.horizontalScrollBar().value(), -self.verticalScrollBar().value())

    def _visible_range(self, rect) -> tuple[int, int]:
        doc = self.document()
        first_block = doc.findBlock(self.cursorForPosition(rect.topLeft()).position())
        last_block = doc.findBlock(self.cursorForPosition(rect.bottomRight()).position())
        return first_block.position(), last_block.position() + last_block.length()

    def _suggestion_range(self, rect) -> tuple[int, int]:
        """The exact positions in view (not whole blocks: one paragraph can hold hundreds of suggestions)."""
        first = self.cursorForPosition(QPoint(0, rect.top())).position()
        last = self.cursorForPosition(QPoint(self.viewport().width(), rect.bottom())).position() + 1
        return first, last

    def _visible_spans(self, first: int, last: int) -> list[_Painted]:
        lo = bisect_left(self._starts, first - self._max_len)
        hi = bisect_left(self._starts, last)
        return [p for p in self._spans[lo:hi] if p.qt_end > first]

    def _paint_spans(self, painter: QPainter, rect) -> None:
        """Each span's glyph box tinted in its label's colour, with an underline per span inside it."""
        visible = self._visible_spans(*self._visible_range(rect))
        if not visible:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        line_w = max(2.0, self.fontMetrics().height() / 10)
        for p in visible:
            color = self._colors.get(p.span.label, QColor("#cccccc"))
            rects = self._span_rects(p.qt_start, p.qt_end)
            fill = QColor(color)
            fill.setAlpha(110 if p.depth == 0 else 80)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
            for r in rects:
                painter.fillRect(r, fill)
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
            # an underline per span, lower for deeper nesting, so nested and overlapping spans stay distinct
            bar = QColor(color).darker(160)
            for r in rects:
                y = r.bottom() - line_w * (p.depth + 0.5) - p.depth
                painter.fillRect(QRectF(r.left(), y, r.width(), line_w), bar)

    def _suggestion_lines(
        self, qs: int, qe: int, offset: QPointF | None = None
    ) -> list[tuple[QRectF, float]]:
        """:meth:`_span_lines` of a suggestion, kept in document coordinates until the layout changes
        (a page of a dense document can hold hundreds of suggestions; labelling repaints it each time)."""
        found = self._rect_cache.get((qs, qe))
        if found is None:
            found = self._rect_cache[(qs, qe)] = self._span_lines(qs, qe, QPointF(0, 0))
        offset = self._offset() if offset is None else offset
        return [(r.translated(offset), ceiling + offset.y()) for r, ceiling in found]

    def resizeEvent(self, event) -> None:
        self._rect_cache.clear()  # lines wrap anew
        super().resizeEvent(event)

    def _span_rects(self, qt_start: int, qt_end: int, offset: QPointF | None = None) -> list[QRectF]:
        """Rectangles covering [qt_start, qt_end) line by line, in viewport coordinates (or relative to
        ``offset``): the glyphs' own boxes, from the first character's advance to the last one's."""
        return [r for r, _ceiling in self._span_lines(qt_start, qt_end, offset)]

    def _span_lines(
        self, qt_start: int, qt_end: int, offset: QPointF | None = None
    ) -> list[tuple[QRectF, float]]:
        """:meth:`_span_rects` with, for each, its line's ceiling: the bottom of the line above (of the
        page's top margin for the first line). Between the two lies the gap where labels and arcs go."""
        lines: list[tuple[QRectF, float]] = []
        doc = self.document()
        block = doc.findBlock(qt_start)
        offset = self._offset() if offset is None else offset
        while block.isValid() and block.position() < qt_end:
            layout = block.layout()
            origin = layout.position() + offset  # the block's layout sits at this document position
            bstart = block.position()
            s = max(qt_start, bstart) - bstart
            e = min(qt_end, bstart + block.length() - 1) - bstart
            first = layout.lineForTextPosition(s)
            for i in range(first.lineNumber() if first.isValid() else 0, layout.lineCount()):
                line = layout.lineAt(i)
                ls, le = line.textStart(), line.textStart() + line.textLength()
                if ls >= e:
                    break
                if s >= le:
                    continue
                x1, _ = line.cursorToX(max(s, ls))
                x2, _ = line.cursorToX(min(e, le))
                if x2 < x1:  # right-to-left runs
                    x1, x2 = x2, x1
                top = origin.y() + line.y()
                if i > 0:
                    above = layout.lineAt(i - 1)
                    ceiling = origin.y() + above.y() + above.height()
                else:
                    ceiling = self._block_ceiling(block, offset)
                lines.append(
                    (
                        QRectF(QPointF(origin.x() + x1, top), QPointF(origin.x() + x2, top + line.height())),
                        min(ceiling, top),
                    )
                )
            block = block.next()
        return lines

    def _block_ceiling(self, block, offset: QPointF) -> float:
        """The bottom of the last line before ``block`` (the top of the page for the first block)."""
        above = block.previous()
        if above.isValid() and above.layout().lineCount():
            layout = above.layout()
            line = layout.lineAt(layout.lineCount() - 1)
            return layout.position().y() + offset.y() + line.y() + line.height()
        return offset.y()


def _distance(a: QPointF, b: QPointF) -> float:
    return ((a.x() - b.x()) ** 2 + (a.y() - b.y()) ** 2) ** 0.5


def _towards(p: QPointF, q: QPointF, length: float) -> QPointF:
    """The point ``length`` from ``p`` on the way to ``q``."""
    d = _distance(p, q)
    if d == 0:
        return QPointF(p)
    return QPointF(p.x() + (q.x() - p.x()) * length / d, p.y() + (q.y() - p.y()) * length / d)
