"""What the document view draws over the text stays out of the text's way (issue 13, drawing).

Outlines and role boxes stay inside their span's own glyph boxes, badges and labels sit in the gap between
lines without covering one another or any character, relation arcs run inside those gaps, the focused
suggestion is marked clearly, and a flag no font here can draw shows its letters. Geometry is checked on
``DocumentView.drawing()`` and, where it matters, on the pixels painted.
"""

from __future__ import annotations

from itertools import combinations

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage

from annotator.services.annotate import Span
from annotator.ui import document_view as dv
from annotator.ui.document_view import DocumentView, place_labels
from annotator.ui.fonts import (
    document_font,
    flag_letters,
    flag_sequences,
    renders_flag,
    with_flag_letters,
)

TEXT = (
    "Pakistan’s army said 26 जवान were hit near (TRF) camp. भारतीय सेना ने कहा कि हमला हुआ।\n"
    "Second paragraph: लश्कर-ए-तैयबा का प्रवक्ता बोला, ISI की भूमिका पर सवाल उठे, war son."
)
COLORS = {"GPE": "#90caf9", "NUM": "#ffcc80", "ARMED_GROUP": "#ef9a9a", "ORG": "#ce93d8", "PER": "#a5d6a7"}


def at(word: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = TEXT.index(word, i + 1)
    return i, i + len(word)


def span(word: str, label: str, sid: str) -> Span:
    return Span(sid, *at(word), label)


SPANS = [
    span("Pakistan", "GPE", "pak"),
    span("26", "NUM", "num"),
    span("जवान", "PER", "jawan"),
    span("TRF", "ARMED_GROUP", "trf"),
    span("भारतीय सेना", "ORG", "army"),
    span("लश्कर-ए-तैयबा", "ARMED_GROUP", "let"),
    span("ISI", "ORG", "isi"),
]


@pytest.fixture
def view(qtbot):
    from annotator.ui.app import application

    application()
    v = DocumentView()
    qtbot.addWidget(v)
    v.resize(560, 380)
    v.set_label_colors(COLORS)
    v.set_event_colors({"ATTACK": "#e53935"})
    v.set_document(TEXT)
    v.show()
    qtbot.waitExposed(v)
    return v


def grab(view: DocumentView) -> QImage:
    view.viewport().repaint()
    return view.viewport().grab().toImage()


def changed_pixels(a: QImage, b: QImage) -> list[tuple[int, int]]:
    assert a.size() == b.size()
    return [
        (x, y)
        for y in range(a.height())
        for x in range(a.width())
        if a.pixelColor(x, y).rgb() != b.pixelColor(x, y).rgb()
    ]


def line_boxes(view: DocumentView) -> list[QRectF]:
    """The glyph box of every line of the document (the whole line's characters)."""
    return view.glyph_rects(0, len(TEXT))


def char_box(view: DocumentView, i: int) -> QRectF:
    (box,) = view.glyph_rects(i, i + 1)
    return box


def strictly_inside(box: QRectF, margin: float = 1.0) -> QRectF:
    """The box less ``margin`` all round: pixels there belong to it alone (not to the shared edge)."""
    return box.adjusted(margin, margin, -margin, -margin)


def setup_frame(view: DocumentView, *, select: bool = True) -> None:
    view.set_spans(SPANS, {"army": "NEG", "pak": "POS"})
    hit = at("hit")
    view.set_frames(
        [("e1", "ATTACK", *hit)],
        "e1",
        [(*at("जवान"), "victim"), (*at("TRF"), "attacker")],
        [(*at("लश्कर-ए-तैयबा"), *at("ISI"), "MEMBER_OF")],
    )
    if select:
        view.select_span("pak", ensure_visible=False)


# ------------------------------------------------------------------ outlines and role boxes


def test_outlines_and_role_boxes_stay_inside_their_glyphs(view):
    setup_frame(view)
    drawing = view.drawing()
    kinds = {o.kind for o in drawing.outlines}
    assert {"selected", "role", "trigger"} <= kinds
    neighbours = {
        "pak": [at("Pakistan")[1]],  # the ’ after Pakistan
        "victim": [at("जवान")[0] - 1],  # the space before जवान (and the digit before it, below)
        "attacker": [at("TRF")[0] - 1, at("TRF")[1]],  # the brackets around TRF
        "e1": [at("hit")[0] - 1, at("hit")[1]],
    }
    checked = 0
    for outline in drawing.outlines:
        for i in neighbours.get(outline.owner, []):
            box = char_box(view, i)
            assert not outline.rect.intersects(box), (outline.kind, TEXT[i], outline.rect, box)
            # the stroke's outer edge is the outline's rect: nothing of the pen reaches further
            assert (
                outline.stroke.adjusted(
                    -outline.pen_width / 2,
                    -outline.pen_width / 2,
                    outline.pen_width / 2,
                    outline.pen_width / 2,
                )
                == outline.rect
            )
            checked += 1
    assert checked == 6
    # the digit before जवान: the victim's role box on जवान does not reach it
    digit = char_box(view, at("26")[1] - 1)
    assert not any(o.rect.intersects(digit) for o in drawing.outlines if o.owner == "victim")


def test_outlines_paint_nothing_on_their_neighbours(view):
    """Pixels: the selected span's outline, the role boxes and the trigger box change nothing in the box of
    the character next to them (’ after Pakistan, the brackets around TRF, the space before जवान)."""
    view.set_spans(SPANS, {})
    plain = grab(view)
    setup_frame(view)
    view.set_spans(SPANS, {})  # no badges: only the outlines differ
    framed = grab(view)
    changed = changed_pixels(plain, framed)
    assert changed
    for i in (at("Pakistan")[1], at("TRF")[0] - 1, at("TRF")[1], at("जवान")[0] - 1, at("hit")[1]):
        inner = strictly_inside(char_box(view, i), 0.5)
        hits = [p for p in changed if inner.contains(p[0] + 0.5, p[1] + 0.5)]
        assert not hits, f"{TEXT[i]!r} at {i}: {len(hits)} pixels painted over, e.g. {hits[:3]}"


# ------------------------------------------------------------------ badges and labels


def test_badges_and_labels_never_overlap_nor_cover_characters(view):
    setup_frame(view)
    # the focused suggestion on the line of the relation label (the hint was drawn over MEMBER_OF)
    view.set_suggestions([("g1", *at("प्रवक्ता"), "PER", "entity")])
    view.select_suggestion("g1")
    drawing = view.drawing()
    kinds = sorted(label.kind for label in drawing.labels)
    assert kinds == ["badge", "badge", "event", "hint", "relation", "role", "role"], kinds
    assert drawing.dropped == 0
    for a, b in combinations(drawing.labels, 2):
        assert not a.rect.intersects(b.rect), (a.kind, a.text, a.rect, b.kind, b.text, b.rect)
    lines = line_boxes(view)
    for label in drawing.labels:
        for line in lines:
            assert not label.rect.intersects(line), (label.kind, label.text, label.rect, line)
        assert label.rect.top() >= 0 and label.rect.right() <= view.viewport().width()
    # a badge sits over the end of its span, not beside it
    badge = next(label for label in drawing.labels if label.owner == "army")
    (army,) = view.glyph_rects(*at("भारतीय सेना"))
    assert army.left() <= badge.rect.left() and badge.rect.right() <= army.right() + 0.5


def test_badges_paint_over_no_character(view):
    view.set_spans(SPANS, {})
    plain = grab(view)
    view.set_spans(SPANS, {"army": "NEG", "pak": "POS", "isi": "NEU"})
    marked = grab(view)
    changed = changed_pixels(plain, marked)
    assert changed
    for line in line_boxes(view):
        inner = strictly_inside(line, 0.5)
        hits = [p for p in changed if inner.contains(p[0] + 0.5, p[1] + 0.5)]
        assert not hits, f"a badge painted {len(hits)} pixels over a line's characters, e.g. {hits[:3]}"


def test_labels_of_the_first_line_are_not_cut_at_any_zoom(view):
    for steps in (-2, 0, 8, 16):
        view.set_zoom(steps)
        setup_frame(view)
        drawing = view.drawing()
        assert drawing.labels
        assert all(label.rect.top() >= 0 for label in drawing.labels), steps
        for a, b in combinations(drawing.labels, 2):
            assert not a.rect.intersects(b.rect), steps


def test_place_labels():
    # each goes where it wants when there is room
    assert place_labels([(10, 20), (40, 20)], 0, 100) == [10, 40]
    # a second one wanting the same place goes beside the first, the nearer side
    assert place_labels([(10, 20), (12, 20)], 0, 100, spacing=2) == [10, 32]
    assert place_labels([(50, 20), (45, 20)], 0, 100, spacing=2) == [50, 28]
    # never past the row's ends; none where no room is left
    assert place_labels([(90, 20)], 0, 100) == [80]
    assert place_labels([(0, 60), (0, 60)], 0, 100) == [0, None]
    # clear of blocked places (arcs' ends) where there is room, over them rather than nowhere
    assert place_labels([(10, 20)], 0, 100, spacing=2, blocked=[(20, 24)]) == [26]
    assert place_labels([(0, 96)], 0, 100, spacing=2, blocked=[(20, 24)]) == [0]
    assert place_labels([(10, 20)], 0, 100, spacing=2, blocked=[(20, 24)], keep_near=[True]) == [10]


# ------------------------------------------------------------------ relation arcs


def test_arcs_stay_in_the_gap_between_lines(view):
    view.set_spans(SPANS, {})
    trigger = [("e1", "ATTACK", *at("hit"))]
    view.set_frames(trigger, "", [], [])
    plain = grab(view)
    view.set_frames(
        trigger,
        "",
        [],
        [
            (*at("लश्कर-ए-तैयबा"), *at("ISI"), "MEMBER_OF"),  # on one line
            (*at("Pakistan"), *at("ISI"), "ALIAS_OF"),  # across lines (and paragraphs)
            (*at("TRF"), *at("भारतीय सेना"), "MEMBER_OF"),
        ],
    )
    lines = line_boxes(view)
    assert len(lines) >= 3
    # pixels: the arcs paint over no line's characters, but for the dot where an arc ends on a span
    ends = [view.glyph_rects(*at(word))[0] for word in ("ISI", "भारतीय सेना")]
    changed = changed_pixels(plain, grab(view))
    assert changed
    for line in lines:
        inner = strictly_inside(line, 1.0)
        hits = [
            (x, y)
            for x, y in changed
            if inner.contains(x + 0.5, y + 0.5)
            and not any(abs(x + 0.5 - e.center().x()) < 4 and y + 0.5 < e.top() + 4 for e in ends)
        ]
        assert not hits, f"an arc painted {len(hits)} pixels over a line's characters, e.g. {hits[:3]}"
    drawing = view.drawing()
    assert len(drawing.arcs) == 3
    for arc in drawing.arcs:
        top = arc.path.boundingRect().top()
        start = arc.path.pointAtPercent(0)
        (own,) = [line for line in lines if line.top() - 0.5 <= start.y() <= line.top() + 0.5]
        above = [line for line in lines if line.bottom() <= own.top()]
        if above:
            # its highest point stays below the glyphs of the line above its start
            assert top >= max(line.bottom() for line in above), (arc.kind, top)
        assert top >= arc.ceiling
        # and it crosses no line's characters anywhere
        for k in range(201):
            p = arc.path.pointAtPercent(k / 200)
            for line in lines:
                assert not strictly_inside(line, 0.5).contains(p), (arc.kind, k, p, line)


# ------------------------------------------------------------------ suggestions


def outline_row_coverage(image: QImage, box: QRectF) -> float:
    """The largest share of dark-enough pixels along one of the rows at the top of ``box``: 1.0 for a solid
    line, about two thirds for a dashed one."""
    best = 0.0
    xs = range(int(box.left()) + 4, int(box.right()) - 4)
    for y in range(int(box.top()) - 2, int(box.top()) + 3):
        inked = sum(1 for x in xs if QColor(image.pixel(x, y)).lightness() < 215)
        best = max(best, inked / len(xs))
    return best


def test_the_focused_suggestion_is_marked_clearly(view):
    view.set_suggestions(
        [
            ("g1", *at("camp"), "FAC", "entity"),
            ("g2", *at("war"), "PER", "entity"),
            ("g3", *at("army"), "PER", "entity"),
        ]
    )
    view.select_suggestion("g2")
    image = grab(view)
    war, camp, army = (
        view.glyph_rects(*at("war")),
        view.glyph_rects(*at("camp")),
        view.glyph_rects(*at("army")),
    )
    assert outline_row_coverage(image, war[0]) >= 0.95  # a solid line
    assert outline_row_coverage(image, camp[0]) < 0.9  # dashed
    assert outline_row_coverage(image, army[0]) < 0.9
    # in the label's colour, not grey
    colours = [
        QColor(image.pixel(x, y))
        for y in range(int(war[0].top()) - 2, int(war[0].top()) + 3)
        for x in range(int(war[0].left()) + 4, int(war[0].right()) - 4)
    ]
    strongest = max(colours, key=lambda c: c.hsvSaturation())
    assert strongest.hsvSaturation() > 40 and abs(strongest.hue() - QColor(COLORS["PER"]).hue()) < 20
    drawing = view.drawing()
    focused = [o for o in drawing.outlines if o.owner == "g2"]
    assert [o.kind for o in focused] == ["focused-suggestion"]
    hint = [label for label in drawing.labels if label.kind == "hint"]
    assert len(hint) == 1 and hint[0].text.startswith("PER?") and "accept" in hint[0].text
    # the hint is painted where the layout put it
    r = hint[0].rect
    inked = [
        QColor(image.pixel(int(x), int(r.center().y()))).lightness() < 200
        for x in range(int(r.left()) + 2, int(r.right()) - 2)
    ]
    assert sum(inked) >= 5


# ------------------------------------------------------------------ flags


def test_flag_helpers(qapp):
    assert flag_letters("🇮🇳") == "IN"
    assert flag_sequences("a🇮🇳b🇵🇰🇺") == [(1, 3, "IN"), (4, 6, "PK")]  # a lone indicator is no flag
    assert renders_flag(document_font(), "AB")  # plain letters: real glyphs
    if not renders_flag(document_font(), "🇮🇳"):
        assert with_flag_letters("🇮🇳 भारत") == "[IN] भारत"
    assert with_flag_letters("भारत") == "भारत"


def test_a_flag_without_a_font_is_drawn_as_its_letters(qtbot, monkeypatch):
    from annotator.ui.app import application

    application()
    if renders_flag(document_font(), "🇮🇳"):
        pytest.skip("a font on this machine draws 🇮🇳; the fallback is not needed")
    text = "आज 🇮🇳 India 🇵🇰 and more"

    def make() -> DocumentView:
        v = DocumentView()
        qtbot.addWidget(v)
        v.resize(420, 120)
        v.set_document(text)
        v.show()
        qtbot.waitExposed(v)
        return v

    view = make()
    assert view.text == text and view.document().toPlainText() == text  # nothing stored changes
    fallback = grab(view)
    # the same view as before the fallback: the two missing-glyph boxes
    monkeypatch.setattr(dv, "renders_flag", lambda font, pair: True)
    boxes = grab(make())
    for cp in (3, text.index("🇵🇰")):
        (glyphs,) = view.glyph_rects(cp, cp + 2)
        inside = [
            (x, y)
            for y in range(int(glyphs.top()), int(glyphs.bottom()))
            for x in range(int(glyphs.left()), int(glyphs.right()))
            if fallback.pixel(x, y) != boxes.pixel(x, y)
        ]
        assert len(inside) > 20  # the boxes are gone, the letters drawn
    drawing = view.drawing()
    assert [f.letters for f in drawing.flags] == ["IN", "PK"]
    for flag, cp in zip(drawing.flags, (3, text.index("🇵🇰")), strict=True):
        (glyphs,) = view.glyph_rects(cp, cp + 2)
        assert glyphs.contains(flag.rect)  # within the room the two characters take
    # nothing else changed: the text before and after the flags is drawn the same
    (aaj,) = view.glyph_rects(0, 2)
    (india,) = view.glyph_rects(text.index("India"), text.index("India") + 5)
    for box in (aaj, india):
        for y in range(int(box.top()), int(box.bottom())):
            for x in range(int(box.left()) + 1, int(box.right()) - 1):
                assert fallback.pixel(x, y) == boxes.pixel(x, y)
    # letters, not boxes: dark ink in the middle of the flag box, where a missing-glyph box is hollow
    r = drawing.flags[0].rect
    mid = [
        QColor(fallback.pixel(x, int(r.center().y()))).lightness() < 128
        for x in range(int(r.left()) + 2, int(r.right()) - 2)
    ]
    assert any(mid)
