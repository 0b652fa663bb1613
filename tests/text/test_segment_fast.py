"""The fast tokenizer (issue 15) against the reference pattern: exactly the same tokens, kinds and offsets."""

from __future__ import annotations

import pytest
import regex
from hypothesis import example, given, settings
from hypothesis import strategies as st

from annotator.text import decode, normalize
from annotator.text.segment import (
    _EXTENDING,
    _HARD_CHECKS,
    _HARD_KIND,
    _RARE_CLUSTER_CHARS,
    _WORD_CH,
    Token,
    _exact_chunks,
    _fast_split,
    _tokenize_reference,
    token_bounds,
    token_pieces,
    token_spans,
    tokenize,
)
from tests.conftest import corpus

ZWJ, ZWNJ = "\u200d", "\u200c"

ALPHABET = (
    list("कखगघचजटडतदनपबमयरलवशसहक्षअआइईउएओ")
    + list("\u093e\u093f\u0940\u0941\u0942\u0943\u0947\u0948\u094b\u094c")  # matras
    + ["\u094d", "\u094d", "\u093c", "\u0902", "\u0901", "\u0903"]  # virama, nukta, anusvara, ...
    + [ZWJ, ZWNJ, "।", "॥"]
    + list("aAzZeéſKhtpsw")  # ſ and K fold to s and k under (?i)
    + list("0123456789२६٣")
    + list(".,-/:@#'’‐‑_()\"”»!?;")
    # whitespace of all kinds, controls, format characters
    + [" ", " ", " ", "\n", "\r\n", "\r", "\t", "\x1c", "\x1f", "\x85", "\xa0", "\u2028", "\u3000"]
    + ["\u200b", "\ufeff", "\x01"]
    # emoji: plain, ZWJ sequence, flag, lone regional indicator, skin tone, VS16, keycap, ℹ and ©
    + [
        "\U0001f600",
        "\U0001f468\u200d\U0001f469",
        "\U0001f1ee\U0001f1f3",
        "\U0001f1ee",
        "\U0001f44d\U0001f3fd",
    ]
    + ["\u2764\ufe0f", "1\ufe0f\u20e3", "\u2139", "\u00a9", "\U0001f3f4\U000e0067\U000e0062\U000e007f"]
    # combining marks of other scripts, tags, Prepend (Arabic number sign, Kaithi), Thai SpacingMark,
    # a halfwidth voiced mark (a letter that extends), Hangul jamo and a syllable
    + ["\u0301", "\u20e3", "\U000e0067", "\u0600", "\U000110bd", "\u0e33", "\uff9e"]
    + ["\u1100", "\u1161", "\u11a8", "\uac00"]
    + ["https://", "http://", "HTTP://", "www.", "WWW.", "httpſ://", "x.co/", ".com/", "pic.twitter.com/"]
)
texts = st.lists(st.sampled_from(ALPHABET), max_size=60).map("".join)


def exact_chunks(text: str) -> list[tuple[int, int]]:
    """The chunks of ``text`` that tokenize leaves to the reference pattern."""
    _, starts, _, kinds = _fast_split(text, True)
    return _exact_chunks(text, [s for s, k in zip(starts, kinds, strict=True) if k == _HARD_KIND])


def assert_same_as_reference(text: str, join: bool) -> None:
    reference = _tokenize_reference(text, join_hyphenated=join)
    fast = tokenize(text, join_hyphenated=join)
    assert fast == reference
    assert all(type(t) is Token for t in fast)
    assert token_spans(text, join_hyphenated=join) == [(t.start, t.end) for t in reference]
    assert token_bounds(text, join_hyphenated=join) == (
        [t.start for t in reference],
        [t.end for t in reference],
    )
    assert token_pieces(text, join_hyphenated=join) == (
        [t.start for t in reference],
        [t.end for t in reference],
        [t.text for t in reference],
    )


@settings(max_examples=3000, deadline=None)
@given(texts, st.booleans())
@example("a\u0600\xa0b https://x.co/\u0600\xa0z", True)  # a Prepend character takes the space after it
@example("राम \u093e श्याम 5\u0301 ,\u093e", True)  # marks after a space, a digit, punctuation
@example(f"\U0001f468{ZWJ}\U0001f469 \u2139{ZWJ}\U0001f600 क{ZWJ}\U0001f600", False)
@example("httpſ://a.b) pic.twitter.com/x. @a_b #x_1 a@b #", True)
@example("a-\uff9e 5'\u0e33 1.\u0301 2\u0301.5 x'\u093e", True)  # marks after joiners, separators, digits
def test_fast_path_gives_the_reference_tokens(text: str, join: bool) -> None:
    assert_same_as_reference(text, join)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40), st.booleans())
def test_fast_path_on_any_text(text: str, join: bool) -> None:
    assert_same_as_reference(text, join)


def test_rare_cluster_characters_are_the_properties() -> None:
    """_RARE_CLUSTER_CHARS lists, as literal ranges, the cluster-continuing characters that are not word
    characters and the regional indicators (a literal class is searched much faster than the properties)."""
    everything = "".join(map(chr, range(0x110000)))
    from_properties = regex.findall(
        rf"[[{_EXTENDING[1:-1]}--{_WORD_CH[1:-1]}]\p{{GCB=Regional_Indicator}}]", everything, flags=regex.V1
    )
    assert regex.findall(f"[{_RARE_CLUSTER_CHARS}]", everything) == from_properties
    # The fast path also relies on no digit continuing a cluster (nothing goes on after a number separator).
    assert regex.findall(rf"[\p{{Nd}}&&{_EXTENDING}]", everything, flags=regex.V1) == []


def test_every_match_of_a_check_holds_one_of_its_gate_strings() -> None:
    """A text without any of a check's gate strings is not searched by it: each match must contain one."""
    everything = "".join(map(chr, range(0x110000)))
    # www. case-insensitively: only w and W fold to w, so every match ends in "w." or "W."
    assert regex.findall("(?i)w", everything) == ["W", "w"]
    samples = ["5\u0301", "a'\u093e", "x-\u0301", "\u0600", "\u200d\U0001f600", "wWw.", "x.co/", "@a", "#क"]
    for gate, check in _HARD_CHECKS:
        for sample in samples:
            for m in check.finditer(sample):
                assert not gate or any(g in m.group() for g in gate), (check.pattern, sample)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_gated_checks_find_what_ungated_ones_find(text: str) -> None:
    for gate, check in _HARD_CHECKS:
        if gate and not any(g in text for g in gate):
            assert check.search(text) is None, (check.pattern, text)


def test_plain_text_needs_no_reference_chunks() -> None:
    text = 'प्रधानमंत्री ने कहा, "लश्कर-ए-तैयबा" के 1,200 लोग 22.04.2025 को India\'s AK-47 (आँख) दुःख।'
    assert exact_chunks(text) == []
    assert_same_as_reference(text, True)
    # One stray mark: only its whitespace-separated chunk goes to the reference pattern.
    text = "पहला शब्द ,\u093ex दूसरा"
    assert exact_chunks(text) == [(text.index(","), text.index("दूसरा"))]
    assert_same_as_reference(text, True)


def _texts_of(path) -> list[str]:
    raw = normalize(decode(path.read_bytes(), str(path)))
    return [raw, *raw.splitlines()]


@pytest.mark.parametrize(
    "parts",
    [
        ("seed-article", "hindi-news-us-pakistan-meeting.txt"),
        ("il-ner", "Hindi-dev.txt"),
        ("il-ner", "Urdu-dev.first300.txt"),
        ("ud-hindi-pud", "hi_pud.news_sentences.tsv"),
        ("prodigy-recipes", "raw_news-headlines-nyt.first50.jsonl"),
    ],
)
def test_real_corpora(parts: tuple[str, ...]) -> None:
    for text in _texts_of(corpus(*parts)):
        for join in (True, False):
            assert_same_as_reference(text, join)


def test_hiner_sentences() -> None:
    path = corpus("hiner", "validation.original.first2000.conll")
    sentences = normalize(decode(path.read_bytes(), str(path))).split("\n\n")
    for block in sentences:
        words = [line.split("\t")[0] for line in block.splitlines() if line.strip()]
        text = " ".join(words)
        assert_same_as_reference(text, True)


def test_seed_article_mostly_fast() -> None:
    path = corpus("seed-article", "hindi-news-us-pakistan-meeting.txt")
    text = normalize(decode(path.read_bytes(), str(path)))
    exact = sum(b - a for a, b in exact_chunks(text))
    assert exact < 0.05 * len(text)  # handles, hashtags and URLs only


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2000), st.integers(0, 60), st.booleans())
def test_a_selection_snapped_in_a_stretch_equals_one_snapped_in_the_whole_text(start, length, to_tokens):
    """Segmenter.around: the workbench snaps a selection in a long text within the stretch around it."""
    from annotator.text.segment import Segmenter

    text = ("पहलगाम में लश्कर-ए-तैयबा के आतंकियों ने हमला किया। (Reuters) “26 killed”, said J&K police.\n") * 30
    end = min(len(text), start + length)
    whole = Segmenter(text)
    stretch, at = whole.around(start, end, margin=40)
    snapped = stretch.selection(start - at, end - at, to_tokens=to_tokens)
    assert (snapped[0] + at, snapped[1] + at) == whole.selection(start, end, to_tokens=to_tokens)
