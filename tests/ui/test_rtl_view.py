"""Right-to-left and mixed-direction text in the document view: an Urdu article, and an Urdu line quoting an
English tweet. Paragraph direction comes from the text; a span's boxes cover exactly its own characters'
glyphs (checked against Qt's own caret positions, ``QTextLine.cursorToX``, not against the code that makes
the boxes); selection by mouse and keyboard snaps to whole clusters and tokens; labels, badges and arcs
sit over the right ends; offsets stay code points."""

from __future__ import annotations

import unicodedata

import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtTest import QTest

from annotator.services.annotate import Span
from annotator.text.segment import grapheme_boundaries, tokenize
from annotator.ui.document_view import DocumentView
from tests.script_samples import BENGALI, HINDI, URDU, URDU_MIXED

ENGLISH_WITH_URDU = "The spokesman wrote «پاکستان زندہ باد» and then left the briefing room."
TEXT = "\n".join([URDU_MIXED, URDU + " " + URDU, HINDI, ENGLISH_WITH_URDU, BENGALI, "مُحَمَّد عَلی نے کہا۔"])
COLORS = {"GPE": "#90caf9", "PER": "#a5d6a7", "ORG": "#ce93d8", "ARMED_GROUP": "#ef9a9a"}


def at(word: str, nth: int = 0) -> tuple[int, int]:
    i = -1
    for _ in range(nth + 1):
        i = TEXT.index(word, i + 1)
    return i, i + len(word)


@pytest.fixture
def view(qtbot):
    from annotator.ui.app import application

    application()
    v = DocumentView()
    qtbot.addWidget(v)
    v.resize(640, 900)
    v.set_label_colors(COLORS)
    v.set_event_colors({"ATTACK": "#e53935"})
    v.set_document(TEXT)
    v.show()
    qtbot.waitExposed(v)
    return v


def strong(char: str) -> str:
    """'R' for a right-to-left letter or mark's base, 'L' for a left-to-right one, '' for neutrals."""
    kind = unicodedata.bidirectional(char)
    return "R" if kind in ("R", "AL") else "L" if kind == "L" else ""


def glyph_points(view: DocumentView, start: int, end: int) -> dict[int, QPointF]:
    """For each character in ``[start, end)`` (code points) that lies inside a run of its own direction
    (its neighbours on the line go the same way), the middle of its glyph in viewport coordinates, from
    the caret positions Qt gives before and after it (``QTextLine.cursorToX``)."""
    doc = view.document()
    text = view.text
    points: dict[int, QPointF] = {}
    for i in range(max(1, start), min(end, len(text) - 1)):
        here = strong(text[i])
        if not here or strong(text[i - 1]) != here or strong(text[i + 1]) != here:
            continue
        if unicodedata.category(text[i]).startswith("M") or unicodedata.category(text[i + 1]).startswith("M"):
            continue  # a mark shares its letter's glyph box
        qt = view.offsets.to_qt(i)
        block = doc.findBlock(qt)
        layout = block.layout()
        pos = qt - block.position()
        line = layout.lineForTextPosition(pos)
        if not line.isValid() or pos + 1 >= line.textStart() + line.textLength():
            continue
        x1, x2 = line.cursorToX(pos)[0], line.cursorToX(pos + 1)[0]
        origin = layout.position()
        points[i] = QPointF(
            origin.x() + (x1 + x2) / 2 - view.horizontalScrollBar().value(),
            origin.y() + line.y() + line.height() / 2 - view.verticalScrollBar().value(),
        )
    return points


def covered(rects, point: QPointF) -> bool:
    return any(r.contains(point) for r in rects)


SPANS = [
    ("ٹویٹ", 0),  # an Urdu word in a right-to-left line
    ("ملزمان", 0),
    ("Quetta", 0),  # a Latin word inside a right-to-left line
    ("We stand with", 0),  # a Latin phrase inside it
    ('کیا: "We stand', 0),  # a span that crosses from the Urdu into the English run
    ('Quetta" اور کہا', 0),  # and from the English back into the Urdu
    ("پاکستان", 2),  # Urdu in a paragraph of several lines
    ("پولیس کے مطابق، تحریک طالبان پاکستان نے ذمہ داری قبول کر لی ہے۔ اسلام", 1),  # over a line break
    ("زندہ", 0),  # an Urdu quote inside an English line
    ("हमले", 0),  # Hindi, as before
    ("নিহত হয়েছেন", 0),  # Bengali, as before
    ("spokesman", 0),
]


@pytest.mark.parametrize(("word", "nth"), SPANS, ids=[f"{w[:12]}-{n}" for w, n in SPANS])
def test_span_boxes_cover_exactly_its_glyphs(view, word, nth):
    start, end = at(word, nth)
    rects = view.glyph_rects(start, end)
    assert rects
    inside = glyph_points(view, start, end)
    assert inside, "no character to check"
    for i, point in inside.items():
        assert covered(rects, point), f"{TEXT[i]!r} at {i} (x {point.x():.1f}) outside {rects}"
    # the neighbours' glyphs (the nearest checkable characters outside the span, both sides) are not
    before = [i for i in glyph_points(view, max(0, start - 6), start)]
    after = [i for i in glyph_points(view, end, end + 6)]
    outside = glyph_points(view, max(0, start - 6), end + 6)
    for i in before[-2:] + after[:2]:
        assert not covered(rects, outside[i]), f"neighbour {TEXT[i]!r} at {i} covered by {rects}"


def test_a_span_across_directions_has_a_box_per_run(view):
    start, end = at('کیا: "We stand')
    rects = view.glyph_rects(start, end)
    assert len(rects) == 2
    urdu, english = rects  # in reading order: the Urdu part (the span's start) first, at the right
    assert urdu.left() > english.right()
    # Qt's own selection of the same range paints the same places
    view.setCursorWidth(0)
    view.select_range(start, end)
    view.viewport().repaint()
    image = view.viewport().grab().toImage()
    view.select_range(0, 0)
    highlight = view.palette().highlight().color().rgb()
    y = int(urdu.top() + 3)  # above the letters: only the highlight there
    xs = [x for x in range(image.width()) if image.pixel(x, y) == highlight]
    assert len(xs) > (urdu.width() + english.width()) * 0.8
    assert all(any(r.left() - 1 <= x <= r.right() + 1 for r in rects) for x in xs)


def test_paragraph_direction_comes_from_the_text(view):
    doc = view.document()
    directions = []
    block = doc.begin()
    while block.isValid():
        directions.append(block.textDirection())
        block = block.next()
    rtl, ltr = Qt.LayoutDirection.RightToLeft, Qt.LayoutDirection.LeftToRight
    # Urdu with an English quote, Urdu, Hindi, English with an Urdu quote, Bengali, Urdu
    assert directions == [rtl, rtl, ltr, ltr, ltr, rtl]
    # a right-to-left paragraph starts at the right: its first word's box is nearer the right edge
    first_word = view.glyph_rects(*at("وزیر"))[0]
    hindi_first = view.glyph_rects(*at("पहलगाम"))[0]
    assert first_word.right() > view.viewport().width() * 0.8
    assert hindi_first.left() < view.viewport().width() * 0.2


def test_offsets_stay_code_points(view):
    start, end = at("Quetta")
    view.select_range(start, end)
    assert view.selection() == (start, end)
    assert view.text[slice(*view.selection())] == "Quetta"


def _drag(view: DocumentView, a: QPointF, b: QPointF) -> None:
    vp = view.viewport()
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    mods = Qt.KeyboardModifier.NoModifier
    for kind, point, button, buttons in (
        (QEvent.Type.MouseButtonPress, a, left, left),
        (QEvent.Type.MouseMove, (a + b) / 2, none, left),
        (QEvent.Type.MouseMove, b, none, left),
        (QEvent.Type.MouseButtonRelease, b, left, none),
    ):
        event = QMouseEvent(kind, point, vp.mapToGlobal(point), button, buttons, mods)
        if kind == QEvent.Type.MouseButtonPress:
            view.mousePressEvent(event)
        elif kind == QEvent.Type.MouseMove:
            view.mouseMoveEvent(event)
        else:
            view.mouseReleaseEvent(event)


def test_mouse_selection_in_right_to_left_text_snaps_to_the_word(view, qtbot):
    start, end = at("ملزمان")
    box = view.glyph_rects(start, end)[0]
    snapped = []
    view.selectionSnapped.connect(lambda s, e: snapped.append((s, e)))
    # from inside the word's first letters (at its right) to inside its last ones (at its left)
    _drag(view, QPointF(box.right() - 3, box.center().y()), QPointF(box.left() + 3, box.center().y()))
    assert snapped and snapped[-1] == (start, end)
    assert view.selection() == (start, end)


def test_keyboard_selection_in_right_to_left_text_moves_by_clusters(view, qtbot):
    start, end = at("مُحَمَّد")
    bounds = set(grapheme_boundaries(TEXT))
    view.select_range(start, start)
    view.setFocus()
    seen = []
    for _ in range(4):
        # in a right-to-left paragraph Shift+Left goes on in reading order
        QTest.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
        s, e = view.selection()
        seen.append(e)
        assert s == start and e in bounds, (s, e)
    assert seen == sorted(seen) and seen[-1] > start
    assert view.snapped_selection() == (start, end)  # snapped to the whole word
    assert next(t for t in tokenize(TEXT) if t.start == start).end == end


def test_labels_badges_and_arcs_over_right_to_left_spans(view):
    subject = at("پاکستان")  # the paragraph's first word: at the right of its line
    victim = at("اہلکار")
    trigger = at("حملے")
    view.set_spans(
        [
            Span("p1", *subject, "GPE"),
            Span("p2", *victim, "PER"),
            Span("q", *at("Quetta"), "GPE"),
        ],
        polarities={"p1": "NEG", "q": "POS"},
    )
    view.set_frames(
        [("e1", "ATTACK", *trigger)],
        "e1",
        [(*victim, "victim"), (*subject, "place")],
        [(*subject, *victim, "located_in")],
    )
    drawing = view.drawing()
    boxes = {name: view.glyph_rects(*where)[0] for name, where in (("p1", subject), ("p2", victim))}
    badge = next(label for label in drawing.labels if label.kind == "badge" and label.owner == "p1")
    # over the span's end, which in Urdu is its left edge, in the gap above its line
    assert badge.rect.bottom() <= boxes["p1"].top() + 0.5
    assert abs(badge.rect.left() - boxes["p1"].left()) < badge.rect.width() + 4
    roles = {label.text: label.rect for label in drawing.labels if label.kind == "role"}
    # a role's name goes over its span's start: its right end at the span's right edge, where it can
    for name, box in (("victim", boxes["p2"]),):
        assert roles[name].bottom() <= box.top() + 0.5
        assert roles[name].left() < box.right() and roles[name].right() > box.left() - 40
    event = next(label for label in drawing.labels if label.kind == "event")
    trigger_box = view.glyph_rects(*trigger)[0]
    assert event.rect.bottom() <= trigger_box.top() + 0.5
    (arc,) = drawing.arcs
    assert abs(arc.end.x() - boxes["p2"].center().x()) < 0.5 and abs(arc.end.y() - boxes["p2"].top()) < 0.5
    # no label covers a character: every label lies in a gap between lines
    doc_lines = [r for p in view.spans() for r in view.glyph_rects(p.start, p.end)]
    for label in drawing.labels:
        for box in doc_lines:
            assert not label.rect.adjusted(0.5, 0.5, -0.5, -0.5).intersects(box), (label.text, box)
    # the Latin span in the right-to-left line has its badge over its end (its right edge)
    q_box = view.glyph_rects(*at("Quetta"))[0]
    q_badge = next(label for label in drawing.labels if label.kind == "badge" and label.owner == "q")
    assert q_badge.rect.bottom() <= q_box.top() + 0.5
    assert abs(q_badge.rect.right() - q_box.right()) < q_badge.rect.width() + 4


def test_painted_highlight_sits_on_the_span(view):
    """The tint of a Latin span inside the Urdu line lands on that span's glyphs, not on the Urdu beside."""
    start, end = at("Quetta")
    view.set_spans([Span("q", start, end, "GPE")])
    view.viewport().repaint()
    image = view.viewport().grab().toImage()
    box = view.glyph_rects(start, end)[0]
    y = int(box.top() + 3)  # above the letters: only the tint is there

    def tinted(x: int) -> bool:  # the light blue of GPE multiplied over white
        c = QColor(image.pixel(x, y))
        return c.blue() - c.red() > 25

    xs = [x for x in range(image.width()) if tinted(x)]
    assert xs
    assert min(xs) >= int(box.left()) - 1 and max(xs) <= int(box.right()) + 1


def test_direction_comes_from_the_text_in_a_right_to_left_window(view):
    """A window laid out right to left (an Urdu desktop) still sets Hindi and English paragraphs left to
    right and Urdu ones right to left."""
    view.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    view.set_document(TEXT)
    directions = []
    block = view.document().begin()
    while block.isValid():
        directions.append(block.textDirection())
        block = block.next()
    rtl, ltr = Qt.LayoutDirection.RightToLeft, Qt.LayoutDirection.LeftToRight
    assert directions == [rtl, rtl, ltr, ltr, ltr, rtl]
    hindi_first = view.glyph_rects(*at("पहलगाम"))[0]
    assert hindi_first.left() < view.viewport().width() * 0.2


def test_layout_puts_a_right_to_left_spans_name_and_badge_at_its_ends():
    """drawing_geometry alone: over a right-to-left span the name ends at its first box's right edge and
    the badge starts at its last box's left edge; left to right, the other way round."""
    from PySide6.QtCore import QRectF

    from annotator.ui.drawing_geometry import Layout, start_x

    first = (QRectF(300, 100, 120, 30), 60.0)  # the span's start, in reading order
    last = (QRectF(40, 100, 80, 30), 60.0)  # its end, further left on the same line (an Urdu span)
    assert start_x([first, last], 50, rtl=True) == 370
    assert start_x([first, last], 50, rtl=False) == 300
    for rtl in (True, False):
        layout = Layout(12.0, lambda text: 6.0 * len(text))
        layout.role([first, last], "victim", rtl=rtl)
        layout.badge([first, last], "−", QColor("#c62828"), "s1", rtl=rtl)
        drawing = layout.finish(0, 1000)
        role = next(label for label in drawing.labels if label.kind == "role")
        badge = next(label for label in drawing.labels if label.kind == "badge")
        if rtl:
            assert role.rect.right() == first[0].right() and badge.rect.left() == last[0].left()
        else:
            assert role.rect.left() == first[0].left() and badge.rect.right() == last[0].right()
        assert role.rect.bottom() <= 100 and badge.rect.bottom() <= 100
