"""The local cluster check (annotator.text.clusters_local) answers what segmenting the whole text answers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.text.clusters_local import is_cluster_boundary, splits_cluster
from annotator.text.segment import grapheme_boundaries

# Pieces whose clusters depend on more than the character before a boundary, and the separators the
# stretch is cut at; generated texts glue them together in any order.
PIECES = [
    # separators and line ends
    " ",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "  ",
    # Devanagari and Bengali conjuncts (GB9c), with nukta, ZWJ/ZWNJ after a virama, matras, marks
    "क",
    "ष",
    "त्र",
    "स्त्री",
    "क्\u200dष",
    "क्\u200cष",
    "्",
    "़",
    "ि",
    "ं",
    "ক্ষ",
    "্",
    "प्रधानमंत्री",
    # emoji ZWJ sequences (GB11), presentation selectors, skin tones, tags, keycaps
    "👩\u200d💻",
    "\u200d",
    "👩",
    "❤\ufe0f",
    "\ufe0f",
    "🏽",
    "🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f",
    "1\ufe0f\u20e3",
    # regional indicators (GB12/13): flags, and odd runs
    "🇮🇳",
    "🇮",
    "🇳",
    "🇵🇰",
    # combining marks (also right after a space, where they join the space's cluster), prepend, Hangul
    "\u0301",
    "e\u0301",
    "\u0308",
    "\u0600",
    "\U000110bd",
    "ᄀ",
    "ᅡ",
    "ᆨ",
    "가",
    # plain letters and punctuation
    "a",
    "India",
    ".",
    "।",
    "-",
]

texts = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)


def whole_boundaries(text: str) -> set[int]:
    return set(grapheme_boundaries(text))


@settings(max_examples=400, deadline=None)
@given(texts, st.integers(min_value=1, max_value=6))
def test_every_offset_as_in_the_whole_text(text: str, margin: int) -> None:
    bounds = whole_boundaries(text)
    for offset in range(-1, len(text) + 2):
        assert is_cluster_boundary(text, offset, margin=margin) == (offset in bounds), (text, offset, margin)


@settings(max_examples=200, deadline=None)
@given(texts, st.data())
def test_span_edges_as_in_the_whole_text(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(min_value=0, max_value=len(text)))
    end = data.draw(st.integers(min_value=start, max_value=len(text)))
    margin = data.draw(st.integers(min_value=1, max_value=500))
    bounds = whole_boundaries(text)
    expected = next((o for o in (start, end) if o not in bounds), None)
    assert splits_cluster(text, start, end, margin=margin) == expected


def test_long_text_far_from_the_offset() -> None:
    """In a long text only a stretch is looked at; the answers are still the whole text's."""
    unit = "प्रधानमंत्री 🇮🇳🇵🇰 👩\u200d💻 e\u0301 स्त्री\n"
    text = unit * 2000
    bounds = whole_boundaries(text)
    for offset in range(len(text) - 3 * len(unit), len(text) + 1):
        assert is_cluster_boundary(text, offset) == (offset in bounds)


def test_margin_must_be_positive() -> None:
    with pytest.raises(ValueError):
        is_cluster_boundary("a b", 1, margin=0)
