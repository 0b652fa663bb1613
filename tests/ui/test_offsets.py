"""OffsetConverter: code points (storage) ↔ UTF-16 code units (Qt), checked against Python and real Qt."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor, QTextDocument

from annotator.ui.offsets import OffsetConverter

FRAGMENTS = [
    "पहलगाम",
    "में हमला",
    "क्ष",
    "त्र",
    "स्त्री",
    "क\u093c",
    "क्\u200cष",  # ZWNJ
    "क्\u200dष",  # ZWJ
    "।",
    "Lashkar-e-Taiba",
    " ",
    "\n",
    "😊",  # U+1F60A
    "👨\u200d👩\u200d👧",  # ZWJ emoji sequence
    "🇮🇳",  # flag: two regional indicators
    "👍🏽",  # skin-tone modifier
    "1\ufe0f\u20e3",  # keycap
    "𠀀",  # U+20000 CJK Extension B
    "𪚥",
    "𝐀",  # U+1D400 mathematical bold A
    "₹",
]

# Any character but surrogates (not text) and CR (stored text has none: import turns CRLF/CR into LF,
# and Qt would fold CRLF into one paragraph break). Includes controls, U+2028/U+2029, unassigned and
# private-use code points, noncharacters.
CHARS = st.characters(exclude_categories=("Cs",), exclude_characters="\r")
PIECES = st.one_of(st.sampled_from(FRAGMENTS), CHARS, st.sampled_from(["\n", "\t", "\u00a0", "\u2029"]))
# A QTextDocument turns these into paragraph breaks (one position each, so offsets still agree);
# QTextCursor.selectedText() and toRawText() show every paragraph break as U+2029.
QT_BREAKS = str.maketrans({"\u2029": "\n", "\ufdd0": "\n", "\ufdd1": "\n"})
TEXTS = st.lists(PIECES, max_size=40).map("".join)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@given(TEXTS)
def test_round_trip_and_lengths(text):
    conv = OffsetConverter(text)
    assert conv.cp_length == len(text)
    assert conv.qt_length == utf16_len(text) == conv.to_qt(len(text))
    previous = -1
    for i in range(len(text) + 1):
        q = conv.to_qt(i)
        assert q == utf16_len(text[:i])
        assert q > previous  # strictly monotonic
        previous = q
        assert conv.to_cp(q) == i


@given(TEXTS)
def test_to_cp_is_monotonic_and_rounds_down_inside_pairs(text):
    conv = OffsetConverter(text)
    cps = [conv.to_cp(q) for q in range(conv.qt_length + 1)]
    assert cps == sorted(cps)
    for q, cp in enumerate(cps):
        assert conv.to_qt(cp) <= q
    for i, c in enumerate(text):
        if ord(c) > 0xFFFF:
            start = conv.to_qt(i)
            assert conv.to_cp(start + 1) == i  # the low surrogate belongs to character i
            assert conv.to_cp(start + 2) == i + 1


@given(TEXTS, st.data())
def test_spans(text, data):
    conv = OffsetConverter(text)
    s = data.draw(st.integers(0, len(text)))
    e = data.draw(st.integers(s, len(text)))
    qs, qe = conv.span_to_qt(s, e)
    assert (qs, qe) == (utf16_len(text[:s]), utf16_len(text[:e]))
    assert conv.span_to_cp(qs, qe) == (s, e)
    assert text[s:e].encode("utf-16-le") == text.encode("utf-16-le")[2 * qs : 2 * qe]


@settings(max_examples=150)
@given(TEXTS, st.data())
def test_spans_select_the_same_text_in_qt(qapp, text, data):
    conv = OffsetConverter(text)
    doc = QTextDocument()
    doc.setPlainText(text)
    # toRawText, not toPlainText: the latter also turns no-break spaces into spaces.
    assert doc.toRawText().translate(QT_BREAKS) == text.translate(QT_BREAKS)
    assert doc.characterCount() - 1 == conv.qt_length  # Qt counts a final paragraph separator
    cursor = QTextCursor(doc)
    for _ in range(5):
        s = data.draw(st.integers(0, len(text)), label="start")
        e = data.draw(st.integers(s, len(text)), label="end")
        cursor.setPosition(conv.to_qt(s))
        cursor.setPosition(conv.to_qt(e), QTextCursor.MoveMode.KeepAnchor)
        assert cursor.selectedText().translate(QT_BREAKS) == text[s:e].translate(QT_BREAKS)
        assert conv.span_to_cp(cursor.selectionStart(), cursor.selectionEnd()) == (s, e)


def test_examples():
    conv = OffsetConverter("a😊b🇮🇳c")
    # code points: a 😊 b 🇮 🇳 c ; Qt: a, 😊×2, b, 🇮×2, 🇳×2, c
    assert [conv.to_qt(i) for i in range(7)] == [0, 1, 3, 4, 6, 8, 9]
    assert [conv.to_cp(q) for q in range(10)] == [0, 1, 1, 2, 3, 3, 4, 4, 5, 6]
    assert conv.span_to_qt(1, 2) == (1, 3)
    assert conv.span_to_cp(2, 3) == (1, 2)  # inside the emoji's surrogate pair: rounds down
    assert not conv.is_identity


@pytest.mark.parametrize("text", ["", "abc", "पहलगाम में हमला, 26 लोग मारे गए।", "क्\u200dष\n₹\uffff"])
def test_bmp_text_is_identity(text):
    conv = OffsetConverter(text)
    assert conv.is_identity
    assert conv.qt_length == conv.cp_length == len(text)
    assert [conv.to_qt(i) for i in range(len(text) + 1)] == list(range(len(text) + 1))
    assert [conv.to_cp(i) for i in range(len(text) + 1)] == list(range(len(text) + 1))


def test_out_of_range():
    conv = OffsetConverter("a😊")
    for bad in (-1, 3):
        with pytest.raises(IndexError):
            conv.to_qt(bad)
    for bad in (-1, 4):
        with pytest.raises(IndexError):
            conv.to_cp(bad)
    with pytest.raises(ValueError):
        conv.span_to_qt(2, 1)
    with pytest.raises(ValueError):
        conv.span_to_cp(3, 1)


def test_large_bmp_text_keeps_no_table():
    conv = OffsetConverter("पहलगाम Lashkar " * 100_000)
    assert conv.is_identity
    assert conv._astral == [] and conv._astral_qt == []
