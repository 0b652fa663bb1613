"""The tokenizer's chunk cache (annotator/text/tokens_fast.py, issue 15): texts put together from remembered
chunks give exactly the reference pattern's tokens, in any context and whichever path a text takes."""

from __future__ import annotations

from unittest.mock import patch

from hypothesis import example, given, settings
from hypothesis import strategies as st

from annotator.text import decode, normalize
from annotator.text import tokens_fast as tf
from annotator.text.segment import (
    _chunk_cache,
    _pieces_uncached,
    _tokenize_reference,
    _tokenize_uncached,
    tokenize,
)
from tests.conftest import corpus
from tests.text.test_segment_fast import ALPHABET, assert_same_as_reference

# chunks: the fast-path alphabet's pieces run together, some holding marks, Prepend characters, emoji
chunk = st.lists(st.sampled_from([a for a in ALPHABET if a != " "]), max_size=6).map("".join)
# texts of chunks drawn from a small pool, so that texts share chunks in different places
pools = st.lists(chunk, min_size=1, max_size=12)


def texts_from(pool: list[str], picks: list[list[int]]) -> list[str]:
    return [" ".join(pool[i % len(pool)] for i in pick) for pick in picks]


@settings(max_examples=1500, deadline=None)
@given(pools, st.lists(st.lists(st.integers(0, 50), max_size=20), min_size=1, max_size=6), st.booleans())
@example(["क", "\u093e", "a\u0600", "x"], [[0, 1, 2, 3], [0, 3], [3, 0]], True)  # mark, Prepend at a space
@example(["5", "\u0301b", "https://x.co/a.", "@a"], [[0, 1], [2, 3, 0], [1, 0]], True)
def test_texts_from_shared_chunks_give_the_reference_tokens(pool, picks, join) -> None:
    """Every text tokenized twice in turn, through a cache that remembers every missing text's chunks
    (so that the look-up path, the chunk-by-chunk path and the whole-text path all run)."""
    with patch.object(tf, "SAMPLE", 1):
        _chunk_cache(join).clear()
        for text in texts_from(pool, picks) * 2:
            assert_same_as_reference(text, join)


def counting_cache() -> tuple[tf.ChunkCache, list[str]]:
    computed: list[str] = []

    def compute(text: str) -> tf.Pieces:
        computed.append(text)
        return _pieces_uncached(text, True)

    return tf.ChunkCache(compute, _chunk_cache(True)._unsafe), computed


def test_a_text_of_remembered_chunks_is_put_together_without_tokenizing() -> None:
    cache, computed = counting_cache()
    text = "प्रधानमंत्री ने कहा, 'India's  AK-47 (1,20,000)।\nहाँ"
    with patch.object(tf, "SAMPLE", 1):
        first = cache.pieces(text)
        assert computed == [text] and len(cache) == len(set(text.split(" ")))
        again = cache.pieces(text)
        other = cache.pieces("AK-47 ने कहा,")  # the same chunks in another order
    assert computed == [text]  # neither was tokenized again
    reference = _tokenize_reference(text)
    expected = ([t.start for t in reference], [t.end for t in reference])
    assert first[:2] == again[:2] == expected
    assert again[2:] == ([t.text for t in reference], [t.kind for t in reference])
    assert other[0] == [t.start for t in _tokenize_reference("AK-47 ने कहा,")]


def test_a_few_new_chunks_are_tokenized_one_by_one() -> None:
    cache, computed = counting_cache()
    known = " ".join(f"w{i}" for i in range(40))
    with patch.object(tf, "SAMPLE", 1):
        cache.pieces(known)
        pieces = cache.pieces(known + " नया।")
    assert computed == [known, "नया।"]
    assert pieces[2][-2:] == ["नया", "।"] and pieces[1][-1] == len(known) + 5


def test_chunks_that_are_not_self_contained_are_never_remembered() -> None:
    cache, computed = counting_cache()
    # a mark right after a space belongs to the space's cluster; a Prepend character takes the space
    # after it into its cluster: neither chunk's tokens are its tokens as a text of its own
    for text in ("राम \u093eश्याम", "\u0301a b", "a\u0600 b", "x a\u0600"):
        with patch.object(tf, "SAMPLE", 1):
            assert cache.pieces(text)[0] == [t.start for t in _tokenize_reference(text)]
        assert len(cache) == 0
    with patch.object(tf, "SAMPLE", 1):
        cache.pieces("राम श्याम")
        computed.clear()
        # a known text with one chunk not self-contained: tokenized whole, correctly
        text = "राम श्याम \u093e"
        assert cache.pieces(text)[0] == [t.start for t in _tokenize_reference(text)]
    assert computed == [text] and "\u093e" not in cache._entries


def test_long_chunks_and_a_full_cache_are_not_remembered() -> None:
    cache, _ = counting_cache()
    with patch.object(tf, "SAMPLE", 1):
        cache.pieces("a" * (tf.MAX_CHUNK + 1) + " b")
        assert len(cache) == 0
        with patch.object(tf, "MAX_ENTRIES", 3):
            cache.pieces("a b c")
            cache.pieces("d e f g")
            text = "a b c h"
            assert cache.pieces(text)[0] == [0, 2, 4, 6]
        assert len(cache) == 3


def test_only_a_sample_of_texts_with_many_new_chunks_is_remembered() -> None:
    cache, _ = counting_cache()
    for i in range(tf.SAMPLE - 1):
        cache.pieces(f"a{i} b{i} c{i}")
    assert len(cache) == 0
    cache.pieces("x y z")
    assert len(cache) == 3


def test_real_corpora_from_the_cache() -> None:
    """Each real text twice (the second time from remembered chunks), the tokens the reference's."""
    texts = []
    for parts in [
        ("seed-article", "hindi-news-us-pakistan-meeting.txt"),
        ("il-ner", "Urdu-dev.first300.txt"),
        ("ud-hindi-pud", "hi_pud.news_sentences.tsv"),
    ]:
        path = corpus(*parts)
        texts += normalize(decode(path.read_bytes(), str(path))).splitlines()
    with patch.object(tf, "SAMPLE", 1):
        for text in texts:
            tokenize(text)
        for text in texts:
            assert tokenize(text) == _tokenize_uncached(text, True) == _tokenize_reference(text)
