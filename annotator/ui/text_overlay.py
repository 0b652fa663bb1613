"""The Qt side of what the document view draws over its text: where a range of it lies in a
``QTextDocument``'s layout, the labels' font, and painting a :class:`~annotator.ui.drawing_geometry.Drawing`.

Where things go is decided in :mod:`annotator.ui.drawing_geometry` from plain rectangles; this module
reads those rectangles from Qt's text layout and paints the result. Positions here are Qt's (UTF-16 code
units); the view converts stored offsets first.
"""

from __future__ import annotations

import math
import re
from typing import cast

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPainter,
    QPen,
    QPixmap,
    QTextBlock,
    QTextDocument,
    QTextLine,
)

from annotator.ui.drawing_geometry import (
    ARC_LANE,
    OUTLINE_REACH,
    Arc,
    FlagBox,
    Label,
    Line,
    Outline,
    trigger_line,
    underline,
)

#: the labels' font, its metrics, a label's height and the baseline's distance from a label's top
LabelFont = tuple[QFont, QFontMetricsF, float, float]


def span_lines(document: QTextDocument, qt_start: int, qt_end: int, offset: QPointF) -> list[Line]:
    """The glyphs' own boxes of ``[qt_start, qt_end)`` line by line (from the first character's advance to
    the last one's, the line's height), moved by ``offset`` (document → viewport coordinates), each with
    its line's ceiling: the bottom of the line above (of the page's top margin for the first line).
    Between the two lies the gap where labels and arcs go.

    In a paragraph with right-to-left text (Urdu, or an English quote inside Urdu) a range's characters
    need not lie side by side on the line: its part in each direction run is a box of its own, from the
    extents Qt gives the range's glyph runs (:func:`_visual_pieces`), ordered as the paragraph reads (the
    first box holds the range's start); a line of left-to-right text only takes the two edges'
    ``cursorToX``, as before."""
    lines: list[Line] = []
    block = document.findBlock(qt_start)
    while block.isValid() and block.position() < qt_end:
        layout = block.layout()
        origin = layout.position() + offset  # the block's layout sits at this document position
        bstart = block.position()
        s = max(qt_start, bstart) - bstart
        e = min(qt_end, bstart + block.length() - 1) - bstart
        bidi = _has_rtl(block)
        rtl = bidi and block.textDirection() == Qt.LayoutDirection.RightToLeft
        first = layout.lineForTextPosition(s)
        for i in range(first.lineNumber() if first.isValid() else 0, layout.lineCount()):
            line = layout.lineAt(i)
            ls, le = line.textStart(), line.textStart() + line.textLength()
            if ls >= e:
                break
            if s >= le:
                continue
            a, b = max(s, ls), min(e, le)
            pieces = _visual_pieces(line, a, b, rtl) if bidi else None
            if not pieces:
                x1, x2 = _cursor_x(line, a), _cursor_x(line, b)
                pieces = [(min(x1, x2), max(x1, x2))]
            top = origin.y() + line.y()
            if i > 0:
                above = layout.lineAt(i - 1)
                ceiling = origin.y() + above.y() + above.height()
            else:
                ceiling = _block_ceiling(block, offset)
            for x1, x2 in pieces:
                lines.append(
                    (
                        QRectF(QPointF(origin.x() + x1, top), QPointF(origin.x() + x2, top + line.height())),
                        min(ceiling, top),
                    )
                )
        block = block.next()
    return lines


#: right-to-left characters (Hebrew, Arabic, Syriac, Thaana, N'Ko … and their presentation forms)
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]")


def _has_rtl(block: QTextBlock) -> bool:
    """Whether the paragraph holds right-to-left text (then its lines may mix directions)."""
    text = block.text()
    return not text.isascii() and _RTL.search(text) is not None


def _visual_pieces(line: QTextLine, start: int, end: int, rtl: bool) -> list[tuple[float, float]]:
    """Where the characters ``[start, end)`` (positions in the block) lie on ``line``, as x extents in the
    layout's coordinates: one per direction run, overlapping or touching ones merged, ordered as the
    paragraph reads (right to left when ``rtl``). Qt gives each glyph run of the range the extent of the
    range's characters in it (what it highlights for a selection)."""
    extents = sorted(
        (r.left(), r.right())
        for r in (run.boundingRect() for run in line.glyphRuns(start, end - start))
        if r.width() > 0
    )
    merged: list[tuple[float, float]] = []
    for x1, x2 in extents:
        if merged and x1 <= merged[-1][1] + 0.5:
            merged[-1] = (merged[-1][0], max(merged[-1][1], x2))
        else:
            merged.append((x1, x2))
    return merged[::-1] if rtl else merged


def _cursor_x(line: QTextLine, position: int) -> float:
    # PySide6's stubs type QTextLine.cursorToX as returning object; it returns (x, position)
    x, _position = cast(tuple[float, int], line.cursorToX(position))
    return x


def _block_ceiling(block: QTextBlock, offset: QPointF) -> float:
    """The bottom of the last line before ``block`` (the top of the page for the first block)."""
    above = block.previous()
    if above.isValid() and above.layout().lineCount():
        layout = above.layout()
        line = layout.lineAt(layout.lineCount() - 1)
        return layout.position().y() + offset.y() + line.y() + line.height()
    return offset.y()


def label_font(text_font: QFont, line_height_percent: float) -> LabelFont:
    """The font of role names, event types, relation names, badges and the suggestion hint, sized so that
    one row of them fits the gap the line height (``line_height_percent`` of the text font's) leaves
    between two lines, below the arcs' lane; with its metrics, a label's height (the ink of ascenders and
    descenders) and its baseline in it."""
    gap = QFontMetricsF(text_font).height() * (line_height_percent - 100) / 100
    font = QFont(text_font)
    font.setFamilies([QGuiApplication.font().family(), *text_font.families()])
    font.setBold(False)
    px = max(7, int(gap))
    while True:
        font.setPixelSize(px)
        ink = QFontMetricsF(font).tightBoundingRect("bdfhklpqyjg_")
        if px <= 7 or ink.height() + 1 <= gap - ARC_LANE - OUTLINE_REACH:
            break
        px -= 1
    return font, QFontMetricsF(font), ink.height() + 1, -ink.top() + 0.5


def paint_span_marks(
    painter: QPainter, rects: list[QRectF], color: QColor, depth: int, line_w: float
) -> None:
    """A span's glyph boxes tinted in its label's colour (lighter when nested), with an underline along
    their bottom, higher for deeper nesting, so that nested and overlapping spans stay distinct."""
    fill = QColor(color)
    fill.setAlpha(110 if depth == 0 else 80)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
    for r in rects:
        painter.fillRect(r, fill)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
    bar = QColor(color).darker(160)
    for r in rects:
        painter.fillRect(underline(r, depth, line_w), bar)


def paint_trigger_lines(painter: QPainter, rects: list[QRectF], color: QColor) -> None:
    """A trigger that is not the active one: a quiet dotted underline inside its glyph boxes."""
    painter.setPen(QPen(color, 1.5, Qt.PenStyle.DotLine))
    for r in rects:
        painter.drawLine(*trigger_line(r))


def paint_flags(painter: QPainter, flags: list[FlagBox], text_font: QFont, ink: QColor) -> None:
    """A flag no font here can draw (its two characters are transparent in the document): its letters
    in a small box, 🇮🇳 → IN."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    font = QFont(text_font)
    font.setBold(True)
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


#: suggestions' outlines already drawn once, each as a small picture (see :func:`_outline_tile`)
_tiles: dict[tuple[float, float, float, float, int, float, int], QPixmap] = {}
#: at most this many kept (a few megabytes)
MAX_TILES = 2048
#: outlines drawn once already: the second time, a picture is made of it
_seen: set[tuple[float, float, float, float, int, float, int]] = set()


def _outline_tile(o: Outline, stroke: QRectF) -> tuple[QPixmap, int, int] | None:
    """A suggestion's outline (square, not antialiased, opaque) drawn once into a small transparent
    picture, and where that goes: the same pixels as drawing it in place (a shift by whole pixels draws
    the same pixels), for a fraction of the time of Qt's dashed stroke, which a page of hundreds of
    suggestions spends on every repaint. None where it cannot stand in for the stroke."""
    x0, y0 = math.floor(stroke.x()) - 2, math.floor(stroke.y()) - 2
    key = (
        stroke.x() - x0,
        stroke.y() - y0,
        stroke.width(),
        stroke.height(),
        o.color.rgba(),
        o.pen_width,
        o.style.value,
    )
    tile = _tiles.get(key)
    if tile is None:
        if key not in _seen:  # drawn once: scrolling shows each outline once, a label repaints it again
            if len(_seen) >= 8 * MAX_TILES:
                _seen.clear()
            _seen.add(key)
            return None
        if len(_tiles) >= MAX_TILES:
            _tiles.clear()
        w = math.ceil(key[0] + key[2] + o.pen_width) + 3
        h = math.ceil(key[1] + key[3] + o.pen_width) + 3
        tile = QPixmap(w, h)
        tile.fill(Qt.GlobalColor.transparent)
        p = QPainter(tile)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(o.color, o.pen_width, o.style))
        p.drawRect(QRectF(key[0], key[1], key[2], key[3]))
        p.end()
        _tiles[key] = tile
    return tile, x0, y0


def paint_outlines(painter: QPainter, outlines: list[Outline]) -> None:
    painter.setBrush(Qt.BrushStyle.NoBrush)
    pen_key = None
    # the suggestions' outlines as pictures drawn once (where the painter's pixels are the view's)
    device = painter.device()
    tiles = device is not None and device.devicePixelRatioF() == 1.0 and painter.transform().isIdentity()
    for o in outlines:
        if tiles and o.kind == "suggestion" and not o.radius and o.color.alpha() == 255:
            stroke = o.stroke
            found = _outline_tile(o, stroke)
            if found is not None:
                painter.drawPixmap(found[1], found[2], found[0])
                continue
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


def paint_arcs(painter: QPainter, arcs: list[Arc]) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    color = QColor("#6a1b9a")
    for arc in arcs:
        painter.setPen(QPen(color, 1.4))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(arc.path)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawEllipse(arc.end, 2.5, 2.5)


def paint_labels(painter: QPainter, labels: list[Label], fonts: LabelFont, base: QColor) -> None:
    """Labels on a background of their own (``base``, nearly opaque); badges as discs; the focused
    suggestion's hint as a tag in its label's colour."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    font, metrics, _height, ascent = fonts
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


__all__ = [
    "LabelFont",
    "label_font",
    "paint_arcs",
    "paint_flags",
    "paint_labels",
    "paint_outlines",
    "paint_span_marks",
    "paint_trigger_lines",
    "span_lines",
]
