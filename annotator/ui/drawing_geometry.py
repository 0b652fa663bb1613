"""Where the document view draws over its text: outlines, labels and badges, relation arcs, flags' boxes.

Everything here takes rectangles, positions and widths and returns shapes; nothing reads a widget, a
document or a font (label widths come from a ``measure`` function given by the caller). The view
(:mod:`annotator.ui.document_view`) finds its spans' glyph boxes, feeds them to a :class:`Layout` and
paints the :class:`Drawing` it returns.

A span is given line by line (a :data:`Line` each): its glyph box on that line (from the first character's
advance to the last one's, the line's height) and the line's ceiling (the bottom of the line above, or
the top of the page). Where a line mixes directions (an English quote inside Urdu) a span may have more than
one box on a line; its boxes come in reading order, the first holding its start. A right-to-left span
(``rtl``) starts at its first box's right edge and ends at its last box's left edge: its name goes over its
start and its badge over its end, as for a left-to-right one.

Between a line's ceiling and its top lies the gap the line height leaves: arcs run in a lane at the top of
that gap, labels share one row below the lane without overlapping, outlines reach :data:`OUTLINE_REACH`
into it and never sideways.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainterPath

#: the top of the gap between two lines, kept for relation arcs; labels go below it
ARC_LANE = 2.0
#: how far outlines reach above and below their glyphs' box, into the gap between lines (the tops of
#: i-matras and the ends of u-matras come within a pixel of it); never sideways
OUTLINE_REACH = 1.0
#: the room left and right of a label's text on its background
LABEL_PAD = 2.0

#: a span's glyph box on one line, with that line's ceiling (the bottom of the line above)
Line = tuple[QRectF, float]


@dataclass(slots=True)
class Outline:
    """A box around a span's glyphs. ``rect`` lies within the glyphs' own box sideways (the advance of the
    span's characters) and reaches :data:`OUTLINE_REACH` into the gaps above and below the line; the
    stroke stays inside ``rect``: nothing of it reaches a neighbouring character."""

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
class ArcRoute:
    """Where a relation arc runs (``path``, ending at ``end``), the ceiling of its highest line, where its
    name goes (the line and the name's centre) and where it comes down to its spans."""

    path: QPainterPath
    end: QPointF
    ceiling: float
    label_line: Line
    label_x: float
    drops: list[tuple[float, float]]  # (line top, x) where it comes down to a span


@dataclass(slots=True)
class LabelWant:
    """A label asked for, before the rows are laid out."""

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


def start_x(lines: list[Line], width: float, rtl: bool = False) -> float:
    """Where a label ``width`` wide goes over the start of a span given by ``lines``: at the left edge of
    its first box, or, right to left, ending at that box's right edge."""
    box = lines[0][0]
    return box.right() - width if rtl else box.left()


def nesting_depths(ranges: list[tuple[int, int]]) -> list[int]:
    """How deep each of ``ranges`` (start, end), sorted by start and then longest first, is nested in the
    ones before it: 0 outermost. A span's underline goes one lane up per level (:func:`underline`)."""
    depths: list[int] = []
    open_ends: list[int] = []  # a heap of the ends of the ranges enclosing the current one
    for start, end in ranges:
        while open_ends and open_ends[0] <= start:
            heapq.heappop(open_ends)
        depths.append(len(open_ends))
        heapq.heappush(open_ends, end)
    return depths


def underline(box: QRectF, depth: int, width: float) -> QRectF:
    """A span's underline, ``width`` thick, along the bottom of its glyph box ``box``: centred on the
    box's bottom edge for an outermost span, higher by a line and a pixel for each level of nesting, so
    nested spans' lines stay apart."""
    y = box.bottom() - width * (depth + 0.5) - depth
    return QRectF(box.left(), y, box.width(), width)


def trigger_line(box: QRectF) -> tuple[QPointF, QPointF]:
    """The ends of an event trigger's dotted underline, inside its glyph box ``box``."""
    return box.bottomLeft() + QPointF(0.75, -1), box.bottomRight() + QPointF(-0.75, -1)


def flag_box(glyphs: QRectF, ascent: float, cap_height: float) -> QRectF:
    """The box a flag's letters are drawn in: the width of its two missing-glyph boxes (``glyphs``), the
    height of a capital letter, on the baseline (``ascent`` below the line's top)."""
    baseline = glyphs.top() + min(ascent, glyphs.height())
    height = min(glyphs.height(), cap_height * 1.5)
    return QRectF(glyphs.left() + 1, baseline - height + 1, max(2.0, glyphs.width() - 2), height)


def arc_route(a: Line, b: Line, page_left: float, page_width: float, margin: float) -> ArcRoute:
    """A relation arc from the top of ``a``'s glyphs to the top of ``b``'s (their first lines), inside the
    gaps between lines: up from each end into the lane at the top of its line's gap (just under the line
    above), along it, and, between two lines, down the page margin, where no glyph is. The page starts at
    ``page_left``, is ``page_width`` wide and has ``margin`` on both sides of the text."""
    (ra, ca), (rb, cb) = a, b
    start = QPointF(ra.center().x(), ra.top())
    end = QPointF(rb.center().x(), rb.top())
    la = ca + min(ARC_LANE * 0.75, ra.top() - ca)
    lb = cb + min(ARC_LANE * 0.75, rb.top() - cb)
    drops = [(ra.top(), start.x()), (rb.top(), end.x())]
    label: tuple[Line, float]
    if abs(ra.top() - rb.top()) < 0.5:  # one line
        points = [start, QPointF(start.x(), la), QPointF(end.x(), la), end]
        label = (a, (start.x() + end.x()) / 2)
    else:
        if (start.x() + end.x()) / 2 < page_left + page_width / 2:
            xm = page_left + margin / 2
        else:
            xm = page_left + page_width - margin / 2
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
    return ArcRoute(path, end, ca if ra.top() <= rb.top() else cb, label[0], label[1], drops)


class Layout:
    """Collects what is drawn over the text, then lays out the labels' rows: :meth:`finish` returns the
    :class:`Drawing`. ``label_height`` is the height of one label (and of a badge, which is round);
    ``measure`` gives the advance of a label's text in the labels' font."""

    def __init__(self, label_height: float, measure: Callable[[str], float]) -> None:
        self.label_height = label_height
        self._measure = measure
        self.drawing = Drawing()
        self._wants: list[LabelWant] = []
        # (left, top, right) of glyph boxes already outlined: how far in the next outline goes
        self._insets: dict[tuple[float, float, float], float] = {}
        # (line top, rounded): where arcs come down through that line's row of labels
        self._blocked: dict[float, list[tuple[float, float]]] = {}

    def text_width(self, text: str) -> float:
        """The width of a label showing ``text``, with its padding."""
        return self._measure(text) + 2 * LABEL_PAD

    def outline(
        self,
        kind: str,
        owner: str,
        lines: list[Line],
        pen: float,
        color: QColor,
        style: Qt.PenStyle = Qt.PenStyle.SolidLine,
        radius: float = 0.0,
    ) -> None:
        """An outline on each line of a span; a second outline on the same glyphs goes inside the first
        (suggestions, drawn after the others and many, make no room inside them)."""
        last = kind == "suggestion"
        insets = self._insets
        for box, _ceiling in lines:
            key: tuple[float, float, float] | None
            if insets:
                key = (round(box.left(), 1), round(box.top(), 1), round(box.right(), 1))
                inset = insets.get(key, 0.0)
            else:
                key, inset = None, 0.0
            if not last:
                key = key or (round(box.left(), 1), round(box.top(), 1), round(box.right(), 1))
                insets[key] = inset + pen + 0.5
            inner = box.adjusted(inset, inset, -inset, -inset) if inset else box
            if inner.width() < pen or inner.height() < pen:
                inner = box
            inner = inner.adjusted(0, -OUTLINE_REACH, 0, OUTLINE_REACH)
            self.drawing.outlines.append(Outline(kind, owner, inner, pen, color, style, radius))

    def label(
        self,
        priority: int,
        line: Line,
        x: float,
        width: float,
        kind: str,
        text: str,
        color: QColor | str,
        owner: str,
    ) -> None:
        """A label wanted at ``x`` in the gap above ``line``; the lower ``priority``, the sooner it is
        placed (and the nearer to where it wants to be)."""
        box, ceiling = line
        self._wants.append(
            LabelWant(
                priority, len(self._wants), box.top(), ceiling, x, width, kind, text, QColor(color), owner
            )
        )

    def role(self, lines: list[Line], role: str, rtl: bool = False) -> None:
        """An argument of the active event: a dashed rounded box (outside every other outline of its
        glyphs, so it is laid out first) and the role's name over its start."""
        self.outline("role", role, lines, 1.6, QColor("#37474f"), Qt.PenStyle.DashLine, 4.0)
        if lines:
            width = self.text_width(role)
            self.label(3, lines[0], start_x(lines, width, rtl), width, "role", role, "#263238", "")

    def trigger(
        self, lines: list[Line], event_id: str, event_type: str, color: QColor, rtl: bool = False
    ) -> None:
        """The active event's trigger: a box in its type's colour and the type's name over its start."""
        self.outline("trigger", event_id, lines, 2.2, color.darker(130))
        if lines:
            width = self.text_width(event_type)
            x = start_x(lines, width, rtl)
            self.label(2, lines[0], x, width, "event", event_type, color.darker(160), event_id)

    def marked(self, lines: list[Line], owner: str) -> None:
        """The span a relation is being drawn from: a dash-dotted box."""
        self.outline("marked", owner, lines, 2.0, QColor("#6a1b9a"), Qt.PenStyle.DashDotLine)

    def selected(self, lines: list[Line], owner: str) -> None:
        """The selected span: a solid rounded box."""
        self.outline("selected", owner, lines, 2.0, QColor("#1a237e"), radius=3.0)

    def suggestion(
        self, lines: list[Line], owner: str, label: str, color: QColor, focused: bool, rtl: bool = False
    ) -> None:
        """A suggestion: a thin dashed box, or, the focused one, a solid box and a tag saying what Enter and
        Backspace do, over its start."""
        if not focused:
            self.outline("suggestion", owner, lines, 1.4, color, Qt.PenStyle.DashLine)
            return
        self.outline("focused-suggestion", owner, lines, 2.4, color)
        if lines:
            hint = f"{label}?  ↵ accept · ⌫ reject"
            width = self.text_width(hint)
            self.label(0, lines[0], start_x(lines, width, rtl), width, "hint", hint, color, owner)

    def badge(self, lines: list[Line], symbol: str, color: QColor, owner: str, rtl: bool = False) -> None:
        """A polarity badge over the end of a span (its last box's right edge, or left edge for a
        right-to-left span), in the gap above that line: it covers no character."""
        box = lines[-1][0]
        h = self.label_height
        self.label(1, lines[-1], box.left() if rtl else box.right() - h, h, "badge", symbol, color, owner)

    def flag(self, glyphs: QRectF, letters: str, ascent: float, cap_height: float) -> None:
        self.drawing.flags.append(FlagBox(flag_box(glyphs, ascent, cap_height), letters))

    def relation(
        self, kind: str, a: Line, b: Line, page_left: float, page_width: float, margin: float
    ) -> None:
        """A relation's arc from ``a`` to ``b`` (see :func:`arc_route`) and its name over the arc; the
        other labels keep clear of where the arc comes down, where there is room."""
        route = arc_route(a, b, page_left, page_width, margin)
        self.drawing.arcs.append(Arc(kind, route.path, route.end, route.ceiling))
        for top, x in route.drops:
            self._blocked.setdefault(round(top, 2), []).append((x - 2.0, x + 2.0))
        width = self.text_width(kind)
        self.label(4, route.label_line, route.label_x - width / 2, width, "relation", kind, "#6a1b9a", "")

    def finish(self, left: float, right: float) -> Drawing:
        """Lay out the labels, one row in the gap above each line, within ``[left, right]``: the most
        important placed first, nearest to where it belongs; none covers another (one with no room left in
        its row is not drawn, but counted in ``dropped``)."""
        rows: dict[float, list[LabelWant]] = {}
        for w in sorted(self._wants, key=lambda w: (w.priority, w.order)):
            rows.setdefault(round(w.top, 2), []).append(w)
        label_h = self.label_height
        drawing = self.drawing
        for key, items in rows.items():
            xs = place_labels(
                [(w.x, w.width) for w in items],
                left,
                right,
                blocked=self._blocked.get(key),
                # by their span, over an arc if need be
                keep_near=[w.kind in ("hint", "badge") for w in items],
            )
            for w, x in zip(items, xs, strict=True):
                if x is None:
                    drawing.dropped += 1
                    continue
                # just above the line and its outlines, under the arcs' lane
                y = max(
                    w.ceiling + min(ARC_LANE, w.top - w.ceiling - label_h),
                    w.top - label_h - OUTLINE_REACH,
                )
                drawing.labels.append(Label(w.kind, w.text, QRectF(x, y, w.width, label_h), w.color, w.owner))
        return drawing


def _distance(a: QPointF, b: QPointF) -> float:
    return float(((a.x() - b.x()) ** 2 + (a.y() - b.y()) ** 2) ** 0.5)


def _towards(p: QPointF, q: QPointF, length: float) -> QPointF:
    """The point ``length`` from ``p`` on the way to ``q``."""
    d = _distance(p, q)
    if d == 0:
        return QPointF(p)
    return QPointF(p.x() + (q.x() - p.x()) * length / d, p.y() + (q.y() - p.y()) * length / d)


__all__ = [
    "ARC_LANE",
    "LABEL_PAD",
    "OUTLINE_REACH",
    "Arc",
    "ArcRoute",
    "Drawing",
    "FlagBox",
    "Label",
    "LabelWant",
    "Layout",
    "Line",
    "Outline",
    "arc_route",
    "flag_box",
    "nesting_depths",
    "place_labels",
    "start_x",
    "trigger_line",
    "underline",
]
