"""A long text in the view (issue 15): it comes a part at a time, flags no font here draws are made
transparent in every part (painted over as their letters), and a span labelled near its end is painted
on its own characters."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QImage

from annotator.services.annotate import Span
from annotator.ui import document_view
from annotator.ui.document_view import DocumentView

PARAGRAPH = (
    "पाकिस्तान के विदेश मंत्री इशाक डार ने कहा कि 🇮🇳 और 🇵🇰 के बीच बातचीत होगी। "
    "Militants attacked an army post in Kupwara 👩\u200d💻 on Tuesday, officials said."
)


@pytest.fixture
def long_view(qtbot):
    from annotator.ui.app import application

    application()
    text = "\n".join(PARAGRAPH for _ in range(document_view.LAZY_LAYOUT_CHARS // len(PARAGRAPH) * 2))
    assert len(text) > document_view.LAZY_LAYOUT_CHARS
    view = DocumentView()
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.show()
    qtbot.waitExposed(view)
    view.set_document(text)
    assert not view.loaded()  # a part at a time
    assert view.loaded_chars() < document_view.LOAD_STEP_CHARS
    return view


def hidden_ranges(view: DocumentView) -> list[tuple[int, int]]:
    out = []
    block = view.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.charFormat().foreground().color().alpha() == 0:
                out.append((fragment.position(), fragment.position() + fragment.length()))
            it += 1
        block = block.next()
    return out


def test_missing_flags_are_hidden_in_every_part(long_view, qtbot):
    view = long_view
    qtbot.waitUntil(view.loaded, timeout=30_000)
    flags = [(qs, qe) for qs, qe, _letters in view._flags]
    merged: list[tuple[int, int]] = []
    for qs, qe in flags:  # two flags side by side are one fragment
        if merged and merged[-1][1] == qs:
            merged[-1] = (merged[-1][0], qe)
        else:
            merged.append((qs, qe))
    assert hidden_ranges(view) == merged
    if flags:  # no emoji font here: every flag of every part is hidden
        assert len(flags) == 2 * view.text.count(PARAGRAPH)


def test_a_label_near_the_end_is_painted_on_its_characters(long_view, qtbot, tmp_path):
    view = long_view
    view.set_label_colors({"GPE": "#ff0000"})
    text = view.text
    start = text.rindex("Kupwara")
    end = start + len("Kupwara")
    view.select_range(end, end)  # brings the text up to there, and scrolls to it
    view.set_spans([Span("s1", start, end, "GPE")], {})
    view.ensureCursorVisible()
    qtbot.wait(50)
    image = view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    image.save(str(tmp_path / "label-near-the-end.png"))
    qs, qe = view.offsets.span_to_qt(start, end)
    rect = view.cursorRect(view.textCursor())
    # the word's box: from its first character's left to its last's right, on the cursor's line
    cursor = view.textCursor()
    cursor.setPosition(qs)
    left = view.cursorRect(cursor).left()
    cursor.setPosition(qe)
    right = view.cursorRect(cursor).left()
    assert right > left
    y = rect.center().y()

    def reddish(x: int) -> bool:
        c = image.pixelColor(x, y)
        return c.red() > 150 and c.green() < 230 and c.red() - c.blue() > 40

    inside = sum(reddish(x) for x in range(left + 1, right - 1))
    assert inside > 0.5 * (right - left - 2)  # tinted under the word
    outside = [x for x in range(max(0, left - 40), left - 4)] + [x for x in range(right + 4, right + 40)]
    assert not any(reddish(x) for x in outside if x < image.width())  # and not beside it
