"""The document view's drawing: which of its marks are visible, where they go (through
:mod:`annotator.ui.drawing_geometry`) and painting them (through :mod:`annotator.ui.text_overlay`), with the
caches that keep a repaint cheap (line boxes kept until the layout changes, visible ranges remembered per
paint). :class:`~annotator.ui.document_view.DocumentView` derives from :class:`ViewPainting`; the state both
use is declared here once, typed, and made in the view's ``__init__``."""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QTextEdit

from annotator.services.annotate import Span
from annotator.ui import text_overlay as overlay
from annotator.ui.drawing_geometry import Drawing, Layout, Line
from annotator.ui.fonts import DOCUMENT_LINE_HEIGHT_PERCENT
from annotator.ui.offsets import OffsetConverter
from annotator.ui.text_overlay import LabelFont

#: The badge of a targeted sentiment's polarity: its symbol and colour.
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


class ViewPainting(QTextEdit):
    """Drawing of the document view (see the module doc)."""

    _rect_cache: dict[tuple[int, int], list[Line]]
    _range_memo: dict[tuple, tuple[int, int]]
    _cache_generation: int
    _offsets: OffsetConverter
    _text: str
    _spans: list[_Painted]
    _suggestion_colors: dict[tuple[str, str], QColor]
    _starts: list[int]
    _max_len: int
    _colors: dict[str, QColor]
    _polarities: dict[str, str]
    _selected_id: str
    _triggers: list[tuple[str, str, int, int]]
    _event_colors: dict[str, QColor]
    _active_event: str
    _active_args: list[tuple[int, int, str]]
    _arcs: list[tuple[int, int, int, int, str]]
    _marked_id: str
    _suggestions: list[tuple[str, str, str, int, int, int, int]]
    _current_suggestion: str
    _suggestion_starts: list[int]
    _suggestion_max: int
    _label_font_cache: tuple[str, LabelFont] | None
    _flags: list[tuple[int, int, str]]

    if TYPE_CHECKING:  # the view's own

        def ensure_laid_out(self, qt_pos: int) -> None: ...

    # ------------------------------------------------------------------ geometry

    def glyph_rects(self, start: int, end: int) -> list[QRectF]:
        """The glyphs' own boxes of ``[start, end)`` (code points), line by line, in viewport coordinates:
        from the first character's advance to the last one's, the line's height."""
        return self._span_rects(*self._offsets.span_to_qt(start, end))

    def label_font(self) -> LabelFont:
        """The font of role names, event types, relation names, badges and the suggestion hint, sized so that
        one row of them fits the gap between two lines below the arcs' lane (see
        :func:`~annotator.ui.text_overlay.label_font`), kept until the text's font changes."""
        key = self.font().key()
        if self._label_font_cache is None or self._label_font_cache[0] != key:
            self._label_font_cache = (key, overlay.label_font(self.font(), DOCUMENT_LINE_HEIGHT_PERCENT))
        return self._label_font_cache[1]

    def drawing(self, rect: QRect | None = None) -> Drawing:
        """What :meth:`paintEvent` draws over the text in ``rect`` (default: the whole viewport), in viewport
        coordinates: outlines inside their glyphs' boxes, labels and badges laid out in the gap above their
        line without overlapping, relation arcs inside the gaps between lines, flags' letter boxes. Which
        spans are drawn how is decided here; where, by :class:`~annotator.ui.drawing_geometry.Layout`."""
        rect = QRect(self.viewport().rect()) if rect is None else QRect(rect)
        # a line's labels live in the gap above it and an arc may reach a line just outside: lay out a
        # line more on both sides, so that a strip repainted on scrolling gets the same layout as the page
        reach = int(QFontMetricsF(self.font()).height() * DOCUMENT_LINE_HEIGHT_PERCENT / 100) + 2
        painted, rect = rect, rect.adjusted(0, -reach, 0, reach)
        first, last = self._visible_range(rect)
        _font, metrics, label_h, _ascent = self.label_font()
        layout = Layout(label_h, metrics.horizontalAdvance)

        # flags no font here can draw: their letters in a box, over the (hidden) missing-glyph boxes
        if self._flags:
            fm = QFontMetricsF(self.font())
            for qs, qe, letters in self._flags:
                if qe > first and qs < last:
                    for box in self._span_rects(qs, qe)[:1]:
                        layout.flag(box, letters, fm.ascent(), fm.capHeight())

        for qs, qe, role in self._active_args:  # first: outside every other outline of their glyphs
            if qe > first and qs < last:
                layout.role(self._span_lines(qs, qe), role, self._rtl_at(qs, qe))
        for eid, etype, qs, qe in self._triggers:
            if eid == self._active_event and qe > first and qs < last:
                color = self._event_colors.get(etype, QColor("#555555"))
                layout.trigger(self._span_lines(qs, qe), eid, etype, color, self._rtl_at(qs, qe))
        if self._marked_id:
            marked = next((p for p in self._spans if p.span.id == self._marked_id), None)
            if marked is not None and marked.qt_end > first and marked.qt_start < last:
                layout.marked(self._span_lines(marked.qt_start, marked.qt_end), marked.span.id)
        for p in self._visible_spans(first, last):
            selected = p.span.id == self._selected_id
            mark = self._polarities.get(p.span.id)
            if not (selected or mark):
                continue
            lines = self._span_lines(p.qt_start, p.qt_end)
            if selected:
                layout.selected(lines, p.span.id)
            if mark and lines:
                symbol, mark_color = POLARITY_MARKS.get(mark, (mark[:1], QColor("#000000")))
                layout.badge(lines, symbol, mark_color, p.span.id, self._rtl_at(p.qt_start, p.qt_end))
        if self._suggestions:
            # outlines only where painted (a page can hold hundreds); the focused one, with its hint among
            # the labels, wherever the labels are laid out
            s_first, s_last = self._suggestion_range(painted)
            lo = bisect_left(self._suggestion_starts, s_first - self._suggestion_max)
            hi = bisect_left(self._suggestion_starts, s_last)
            shown = [x for x in self._suggestions[lo:hi] if x[4] > s_first]
            focused = (
                next((x for x in self._suggestions if x[0] == self._current_suggestion), None)
                if self._current_suggestion
                else None
            )
            if focused is not None and focused not in shown and focused[4] > first and focused[3] < last:
                shown.append(focused)
            offset = self._offset()
            outline_colors = self._suggestion_colors  # (a page can hold hundreds of suggestions)
            for sid, label, kind, qs, qe, _s, _e in shown:
                found = outline_colors.get((kind, label))
                if found is None:
                    colors = self._event_colors if kind == "event" else self._colors
                    found = outline_colors[(kind, label)] = colors.get(label, QColor("#607d8b")).darker(150)
                lines = self._suggestion_lines(qs, qe, offset)
                focused_here = sid == self._current_suggestion
                rtl = focused_here and self._rtl_at(qs, qe)
                layout.suggestion(lines, sid, label, found, focused_here, rtl)
        if self._arcs:
            page_left, page_width = self._offset().x(), self.document().size().width()
            margin = self.document().documentMargin()
            for fs, fe, ts, te, rtype in self._arcs:
                # only arcs whose two ends are on screen: laying out far-away blocks to reach an end that
                # cannot be seen would cost a full layout pass (both spans are listed in the panel anyway)
                if not (first <= fs and fe <= last and first <= ts and te <= last):
                    continue
                a, b = self._span_lines(fs, fe), self._span_lines(ts, te)
                if a and b:
                    layout.relation(rtype, a[0], b[0], page_left, page_width, margin)
        # labels clear of the page margins too, where arcs between lines run
        margin = self.document().documentMargin() / 2 + 2
        return layout.finish(margin, self.viewport().width() - margin)

    # ------------------------------------------------------------------ painting

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not (self._spans or self._triggers or self._suggestions or self._flags):
            return
        drawing = self.drawing(event.rect())
        painter = QPainter(self.viewport())
        try:
            if drawing.flags:
                overlay.paint_flags(painter, drawing.flags, self.font(), self.palette().text().color())
            if self._spans:
                self._paint_spans(painter, event.rect())
            if self._triggers:
                self._paint_trigger_lines(painter, event.rect())
            overlay.paint_outlines(painter, drawing.outlines)
            # arcs over the labels: only their ends come down through a row of labels, thin lines
            overlay.paint_labels(painter, drawing.labels, self.label_font(), self.palette().base().color())
            overlay.paint_arcs(painter, drawing.arcs)
        finally:
            painter.end()

    def _paint_trigger_lines(self, painter: QPainter, rect: QRect) -> None:
        """Quiet dotted underlines for every trigger but the active one (boxed, see :meth:`drawing`), inside
        the trigger's glyph box."""
        first, last = self._visible_range(rect)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for eid, etype, qs, qe in self._triggers:
            if eid == self._active_event or qe <= first or qs >= last:
                continue
            color = self._event_colors.get(etype, QColor("#555555"))
            overlay.paint_trigger_lines(painter, self._span_rects(qs, qe), color)

    def _rtl_at(self, qt_start: int, qt_end: int | None = None) -> bool:
        """Whether the range starting at a Qt position reads right to left: its first letter is Urdu (a
        right-to-left letter); a range without letters goes the way its paragraph does (Qt decides that
        from the paragraph's text)."""
        cp = self._offsets.to_cp(qt_start)
        end = self._offsets.to_cp(qt_end) if qt_end is not None else cp + 64
        for char in self._text[cp : min(end, cp + 64)]:
            kind = unicodedata.bidirectional(char)
            if kind in ("R", "AL"):
                return True
            if kind == "L":
                return False
        block = self.document().findBlock(qt_start)
        return block.isValid() and block.textDirection() == Qt.LayoutDirection.RightToLeft

    def _offset(self) -> QPointF:
        """Document coordinates → viewport coordinates."""
        return QPointF(-self.horizontalScrollBar().value(), -self.verticalScrollBar().value())

    def _visible_range(self, rect) -> tuple[int, int]:
        """The Qt positions of the blocks that ``rect`` (viewport coordinates) shows, from the first one's
        start to the last one's end; the last few answers are kept while nothing scrolls or changes (one
        paint asks two or three times)."""
        return self._memo("blocks", rect, self._find_visible_range)

    def _memo(self, kind: str, rect, find) -> tuple[int, int]:
        key = (
            kind,
            rect.x(),
            rect.y(),
            rect.width(),
            rect.height(),
            self.horizontalScrollBar().value(),
            self.verticalScrollBar().value(),
            self.viewport().width(),
            self.document().characterCount(),
            self._cache_generation,
        )
        found = self._range_memo.get(key)
        if found is None:
            if len(self._range_memo) > 16:
                self._range_memo.clear()
            found = self._range_memo[key] = find(rect)
        return found

    def _find_visible_range(self, rect) -> tuple[int, int]:
        doc = self.document()
        first_block = doc.findBlock(self.cursorForPosition(rect.topLeft()).position())
        last_block = doc.findBlock(self.cursorForPosition(rect.bottomRight()).position())
        return first_block.position(), last_block.position() + last_block.length()

    def _suggestion_range(self, rect) -> tuple[int, int]:
        """The exact positions in view (not whole blocks: one paragraph can hold hundreds of suggestions)."""
        return self._memo("positions", rect, self._find_suggestion_range)

    def _find_suggestion_range(self, rect) -> tuple[int, int]:
        first = self.cursorForPosition(QPoint(0, rect.top())).position()
        last = self.cursorForPosition(QPoint(self.viewport().width(), rect.bottom())).position() + 1
        return first, last

    def _visible_spans(self, first: int, last: int) -> list[_Painted]:
        lo = bisect_left(self._starts, first - self._max_len)
        hi = bisect_left(self._starts, last)
        return [p for p in self._spans[lo:hi] if p.qt_end > first]

    def _paint_spans(self, painter: QPainter, rect: QRect) -> None:
        """Each span's glyph box tinted in its label's colour, with an underline per span along its bottom."""
        visible = self._visible_spans(*self._visible_range(rect))
        if not visible:
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        line_w = max(2.0, self.fontMetrics().height() / 10)
        for p in visible:
            color = self._colors.get(p.span.label, QColor("#cccccc"))
            overlay.paint_span_marks(painter, self._span_rects(p.qt_start, p.qt_end), color, p.depth, line_w)

    def _suggestion_lines(self, qs: int, qe: int, offset: QPointF | None = None) -> list[Line]:
        """:meth:`_span_lines` of a suggestion (a page of a dense document can hold hundreds of them)."""
        return self._span_lines(qs, qe, offset)

    def _document_lines(self, qt_start: int, qt_end: int) -> list[Line]:
        """:func:`~annotator.ui.text_overlay.span_lines` in document coordinates, kept until the layout
        changes (a range whose blocks are not laid out yet is not kept)."""
        found = self._rect_cache.get((qt_start, qt_end))
        if found is None:
            self.geometry_calls += 1
            doc = self.document()
            last = doc.findBlock(max(qt_start, qt_end - 1))
            if last.isValid() and last.layout().lineCount() == 0:
                self.ensure_laid_out(qt_end)  # Qt lays out a new document a part at a time
            found = overlay.span_lines(doc, qt_start, qt_end, QPointF(0, 0))
            if found:
                self._rect_cache[(qt_start, qt_end)] = found
        return found

    #: how many ranges' line boxes were read from Qt's layout (not from the cache): what tests count
    geometry_calls = 0

    def _layout_changed(self) -> None:
        """Lines are laid out anew (document, font, width): what was kept of their geometry goes."""
        self._rect_cache.clear()
        self._range_memo.clear()
        self._cache_generation += 1

    def resizeEvent(self, event) -> None:
        self._layout_changed()  # lines wrap anew
        super().resizeEvent(event)

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._layout_changed()
        super().changeEvent(event)

    def _span_rects(self, qt_start: int, qt_end: int, offset: QPointF | None = None) -> list[QRectF]:
        """Rectangles covering [qt_start, qt_end) line by line, in viewport coordinates (or relative to
        ``offset``): the glyphs' own boxes, from the first character's advance to the last one's."""
        return [r for r, _ceiling in self._span_lines(qt_start, qt_end, offset)]

    def _span_lines(self, qt_start: int, qt_end: int, offset: QPointF | None = None) -> list[Line]:
        """:meth:`_span_rects` with, for each, its line's ceiling: the bottom of the line above (of the
        page's top margin for the first line). Between the two lies the gap where labels and arcs go."""
        offset = self._offset() if offset is None else offset
        dx, dy = offset.x(), offset.y()
        return [(r.translated(dx, dy), ceiling + dy) for r, ceiling in self._document_lines(qt_start, qt_end)]
