"""The drawing geometry on plain values (annotator.ui.drawing_geometry): no widget, no font, no text layout.

Lines are given as the view gives them: a span's glyph box on one line and that line's ceiling (the bottom
of the line above). Labels are measured by a stand-in: 6 px a character. What is checked is what a reader
sees: badges and labels do not cover one another nor any glyph, they sit in the gap above their line,
arcs start and end on their spans and run in the gaps, outlines stay on their own glyphs.
"""

from __future__ import annotations

import random
from itertools import combinations, pairwise

from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor

from annotator.ui.drawing_geometry import (
    ARC_LANE,
    OUTLINE_REACH,
    Layout,
    arc_route,
    flag_box,
    nesting_depths,
    trigger_line,
    underline,
)

# the view sizes its labels' font so that one fits below the arcs' lane: LABEL_H <= gap - ARC_LANE - REACH
LABEL_H = 7.0
RED = QColor("#c62828")
PAGE_LEFT, PAGE_WIDTH, MARGIN = 0.0, 600.0, 16.0  # text from x = 16 to 584

# three lines of text, 20 px high, a 10 px gap above each (the first one's gap is the page's top margin)
LINE_TOPS = (100.0, 130.0, 160.0)


def line(top: float, left: float, width: float) -> tuple[QRectF, float]:
    """A span's glyph box on the line at ``top``, with the line's ceiling."""
    return QRectF(left, top, width, 20.0), top - 10.0


def text_lines() -> list[QRectF]:
    """The glyph boxes of the whole lines."""
    return [QRectF(MARGIN, top, PAGE_WIDTH - 2 * MARGIN, 20.0) for top in LINE_TOPS]


def layout() -> Layout:
    return Layout(LABEL_H, lambda text: 6.0 * len(text))


def finish(lay: Layout):
    return lay.finish(MARGIN / 2 + 2, PAGE_WIDTH - MARGIN / 2 - 2)


def strictly_inside(box: QRectF, margin: float = 0.5) -> QRectF:
    return box.adjusted(margin, margin, -margin, -margin)


def on_top_edge(p: QPointF, box: QRectF) -> bool:
    return abs(p.y() - box.top()) < 1e-6 and box.left() <= p.x() <= box.right()


# ------------------------------------------------------------------ badges and labels


def test_badges_of_adjacent_spans_do_not_overlap():
    lay = layout()
    # three short spans side by side: each badge wants the end of its span, where the next one begins
    spans = [line(100, 100 + 10 * i, 10) for i in range(3)]
    for i, s in enumerate(spans):
        lay.badge([s], "−", RED, f"s{i}")
    drawing = finish(lay)
    assert drawing.dropped == 0
    assert [label.owner for label in drawing.labels] == ["s0", "s1", "s2"]
    for a, b in combinations(drawing.labels, 2):
        assert not a.rect.intersects(b.rect), (a.owner, a.rect, b.owner, b.rect)
    # the first is placed where it wants: over the end of its span
    first, box = drawing.labels[0].rect, spans[0][0]
    assert first.right() == box.right() and first.width() == first.height() == LABEL_H


def test_a_badge_sits_over_the_end_of_its_span_in_the_gap_above_it():
    lay = layout()
    s = line(130, 200, 60)
    lay.badge([line(100, 500, 70), s], "+", RED, "two-lines")  # the span's last line is the one that counts
    (badge,) = finish(lay).labels
    box, ceiling = s
    assert badge.kind == "badge" and badge.text == "+"
    assert box.left() <= badge.rect.left() and badge.rect.right() <= box.right()
    assert ceiling + ARC_LANE <= badge.rect.top() and badge.rect.bottom() <= box.top() - OUTLINE_REACH


def test_labels_never_overlap_nor_cover_a_line():
    rng = random.Random(13)
    lay = layout()
    wanted = 0
    for _ in range(60):
        top = rng.choice(LINE_TOPS)
        s = line(top, rng.uniform(20, 520), rng.uniform(8, 60))
        kind = rng.choice(["role", "trigger", "badge", "suggestion"])
        if kind == "role":
            lay.role([s], rng.choice(["victim", "attacker", "place"]))
        elif kind == "trigger":
            lay.trigger([s], "e", rng.choice(["ATTACK", "DIE"]), RED)
        elif kind == "badge":
            lay.badge([s], "−", RED, "b")
        else:
            lay.suggestion([s], "g", "PER", RED, focused=True)
        wanted += 1
    drawing = finish(lay)
    assert len(drawing.labels) + drawing.dropped == wanted
    assert len(drawing.labels) > 20  # most find a place
    for a, b in combinations(drawing.labels, 2):
        assert not a.rect.intersects(b.rect), (a.kind, a.rect, b.kind, b.rect)
    for label in drawing.labels:
        assert MARGIN / 2 + 2 <= label.rect.left() and label.rect.right() <= PAGE_WIDTH - MARGIN / 2 - 2
        for text in text_lines():
            assert not label.rect.intersects(text), (label.kind, label.rect, text)
        # in the gap above its own line, under the arcs' lane
        (top,) = [t for t in LINE_TOPS if t - 10 <= label.rect.top() < t]
        assert top - 10 + ARC_LANE <= label.rect.top() and label.rect.bottom() <= top - OUTLINE_REACH


def test_a_label_wants_to_be_over_the_start_of_its_span():
    lay = layout()
    s = line(130, 240, 80)
    lay.role([s], "victim")
    (label,) = finish(lay).labels
    assert label.kind == "role" and label.rect.left() == s[0].left()
    assert label.rect.width() == 6 * len("victim") + 4  # the text and its padding


def test_labels_keep_clear_of_where_an_arc_comes_down():
    lay = layout()
    a, b = line(100, 100, 40), line(100, 300, 40)  # the arc comes down at x = 120 and x = 320
    lay.role([line(100, 118, 30)], "victim")  # wants x = 118, right over the first drop
    lay.badge([line(100, 290, 38)], "+", RED, "p")  # a badge stays by its span even over the second
    lay.relation("MEMBER_OF", a, b, PAGE_LEFT, PAGE_WIDTH, MARGIN)
    drawing = finish(lay)
    role = next(label for label in drawing.labels if label.kind == "role")
    assert role.rect.right() < 118 or role.rect.left() > 122, role.rect
    badge = next(label for label in drawing.labels if label.kind == "badge")
    assert badge.rect.right() == 328  # the end of its span
    relation = next(label for label in drawing.labels if label.kind == "relation")
    assert relation.text == "MEMBER_OF"
    for x, y in combinations(drawing.labels, 2):
        assert not x.rect.intersects(y.rect)


# ------------------------------------------------------------------ relation arcs


def sample(path, n: int = 400) -> list[QPointF]:
    return [path.pointAtPercent(k / n) for k in range(n + 1)]


def test_an_arc_on_one_line_starts_and_ends_on_its_spans_and_stays_in_the_gap():
    a, b = line(130, 60, 40), line(130, 320, 60)
    route = arc_route(a, b, PAGE_LEFT, PAGE_WIDTH, MARGIN)
    start, end = route.path.pointAtPercent(0), route.path.pointAtPercent(1)
    assert on_top_edge(start, a[0]) and on_top_edge(end, b[0])
    assert route.end == end
    assert route.ceiling == a[1]
    for p in sample(route.path):
        assert a[1] <= p.y() <= 130, p  # between the line above and this line's glyphs
    # it runs in the lane at the top of the gap, above where the labels go
    assert route.path.boundingRect().top() < a[1] + ARC_LANE
    # its name goes over the middle of it, in the row above the line
    assert route.label_line == a and route.label_x == (a[0].center().x() + b[0].center().x()) / 2


def test_an_arc_between_lines_runs_down_the_margin_and_crosses_no_glyph():
    for a, b, side in (
        (line(100, 60, 40), line(160, 200, 50), "left"),
        (line(160, 500, 40), line(100, 420, 50), "right"),  # upwards, on the right half of the page
    ):
        route = arc_route(a, b, PAGE_LEFT, PAGE_WIDTH, MARGIN)
        start, end = route.path.pointAtPercent(0), route.path.pointAtPercent(1)
        assert on_top_edge(start, a[0]) and on_top_edge(end, b[0])
        points = sample(route.path)
        for p in points:
            for text in text_lines():
                assert not strictly_inside(text).contains(p), (side, p, text)
        xs = [p.x() for p in points]
        if side == "left":
            assert min(xs) == PAGE_LEFT + MARGIN / 2  # down the left margin, where no glyph is
        else:
            assert max(xs) == PAGE_LEFT + PAGE_WIDTH - MARGIN / 2
        # its highest point is in the lane of the upper line's gap
        upper = a if a[0].top() < b[0].top() else b
        assert route.ceiling == upper[1]
        assert upper[1] <= route.path.boundingRect().top() < upper[1] + ARC_LANE
        assert route.label_line == upper
        assert sorted(route.drops) == sorted([(a[0].top(), start.x()), (b[0].top(), end.x())])


def test_a_relation_is_an_arc_and_a_label_in_the_drawing():
    lay = layout()
    a, b = line(100, 60, 40), line(160, 200, 50)
    lay.relation("ALIAS_OF", a, b, PAGE_LEFT, PAGE_WIDTH, MARGIN)
    drawing = finish(lay)
    (arc,) = drawing.arcs
    assert arc.kind == "ALIAS_OF" and on_top_edge(arc.end, b[0])
    (label,) = drawing.labels
    assert label.kind == "relation" and a[1] <= label.rect.top() and label.rect.bottom() <= a[0].top()


# ------------------------------------------------------------------ outlines, underlines, flags


def test_outlines_stay_on_their_glyphs_and_a_second_goes_inside_the_first():
    lay = layout()
    s = line(130, 200, 60)
    lay.role([s], "victim")  # first: outermost
    lay.selected([s], "span")
    lay.suggestion([s], "g", "PER", RED, focused=False)
    lay.marked([s], "span")  # after a suggestion: suggestions make no room inside them
    role, selected, suggestion, marked = finish(lay).outlines
    box = s[0]
    for o in (role, selected, suggestion, marked):
        # never sideways past the glyphs; OUTLINE_REACH at most into the gaps above and below
        assert box.left() <= o.rect.left() and o.rect.right() <= box.right(), o.kind
        assert box.top() - OUTLINE_REACH <= o.rect.top() and o.rect.bottom() <= box.bottom() + OUTLINE_REACH
        half = o.pen_width / 2
        assert o.stroke.adjusted(-half, -half, half, half) == o.rect  # the pen stays inside the rect
    assert role.rect == box.adjusted(0, -OUTLINE_REACH, 0, OUTLINE_REACH)
    # the selection's stroke lies inside the role box's stroke, apart from it
    assert selected.rect.left() >= role.rect.left() + role.pen_width
    assert selected.rect.right() <= role.rect.right() - role.pen_width
    assert suggestion.rect.left() >= selected.rect.left() + selected.pen_width
    assert marked.rect == suggestion.rect  # the suggestion made no room


def test_nested_spans_underlines_stay_apart_inside_the_glyphs():
    assert nesting_depths([(0, 10), (0, 5), (2, 4), (6, 8), (10, 14), (12, 20)]) == [0, 1, 2, 1, 0, 1]
    box = QRectF(50, 100, 80, 20)
    bars = [underline(box, depth, 2.0) for depth in range(3)]
    for bar in bars:
        assert bar.left() == box.left() and bar.width() == box.width() and bar.height() == 2.0
        assert box.top() < bar.top() and bar.center().y() <= box.bottom()
    assert bars[0].center().y() == box.bottom()  # the outermost on the glyphs' bottom edge
    for outer, inner in pairwise(bars):
        assert inner.bottom() < outer.top()  # deeper ones higher, with a pixel between
    start, end = trigger_line(box)
    assert box.contains(start) and box.contains(end) and start.y() == end.y()


def test_a_flags_box_lies_within_its_two_characters():
    glyphs = QRectF(40, 100, 30, 20)
    box = flag_box(glyphs, ascent=16, cap_height=9)
    assert glyphs.contains(box)
    assert box.bottom() == 100 + 16 + 1  # on the baseline
    assert box.height() == 13.5
