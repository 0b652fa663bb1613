from __future__ import annotations

import time
import unicodedata
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.text import (
    TOKEN_KINDS,
    Segmenter,
    Token,
    decode,
    grapheme_boundaries,
    normalize,
    snap,
    strip_span,
    tokenize,
)

SEED_ARTICLE = (
    Path(__file__).resolve().parents[2].parent
    / "shared"
    / "corpora"
    / "seed-article"
    / "hindi-news-us-pakistan-meeting.txt"
)

ZWJ, ZWNJ = "\u200d", "\u200c"
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # man ZWJ woman ZWJ girl
FLAG_IN = "\U0001f1ee\U0001f1f3"


def texts_of(text: str, **kwargs) -> list[str]:
    return [t.text for t in tokenize(text, **kwargs)]


def kinds_of(text: str, **kwargs) -> list[tuple[str, str]]:
    return [(t.text, t.kind) for t in tokenize(text, **kwargs)]


@pytest.fixture(scope="module")
def article() -> str:
    if not SEED_ARTICLE.is_file():
        pytest.skip(f"seed article not found at {SEED_ARTICLE} (shared/ corpora are a sibling of the repo)")
    return normalize(decode(SEED_ARTICLE.read_bytes(), str(SEED_ARTICLE)))


# --------------------------------------------------------------------------------------------------
# Grapheme boundaries
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [0]),
        ("a", [0, 1]),
        ("क्त", [0, 3]),  # conjunct: GB9c
        ("हिन्दी", [0, 2, 6]),  # हि | न्दी
        ("स्त्री", [0, 6]),
        ("क़्ज़", [0, 5]),  # nukta, virama, nukta
        ("a\r\nb", [0, 1, 3, 4]),  # CRLF is one cluster
        (FAMILY, [0, 5]),
        (FLAG_IN + FLAG_IN, [0, 2, 4]),
        (f"क्{ZWNJ}ष", [0, 3, 4]),  # ZWNJ is not part of GB9c: two clusters (one word token)
        (f"क्{ZWJ}ष", [0, 4]),  # ZWJ is: one cluster
        ("श्री।", [0, 4, 5]),
    ],
)
def test_grapheme_boundaries(text: str, expected: list[int]) -> None:
    assert grapheme_boundaries(text) == expected


# --------------------------------------------------------------------------------------------------
# Tokenizer rules
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "word",
    [
        "क़्ज़",
        "स्त्री",
        "प्रधानमंत्री",
        "श्रीनगर",
        "हिन्दी",
        "हिंदी",
        f"क्{ZWNJ}ष",
        f"क्{ZWJ}ष",
        "दुःख",  # visarga
        "आँख",  # chandrabindu
        "बढ़ाने",  # nukta (NFC: ढ + U+093C)
        "उत्पीड़न",
        "ऋषिकेश",
        "Hindi",
        "Hindiहिंदी",  # mixed script in one run of letters
        "G20",
    ],
)
def test_words_stay_whole(word: str) -> None:
    assert kinds_of(f"({word}) {word}।") == [
        ("(", "punct"),
        (word, "word"),
        (")", "punct"),
        (word, "word"),
        ("।", "punct"),
    ]


def test_danda_and_double_danda_are_separate_punct() -> None:
    assert kinds_of("हमला हुआ। फिर॥ ।।") == [
        ("हमला", "word"),
        ("हुआ", "word"),
        ("।", "punct"),
        ("फिर", "word"),
        ("॥", "punct"),
        ("।", "punct"),
        ("।", "punct"),
    ]


def test_apostrophe_inside_latin_word() -> None:
    assert texts_of("India's stand; Pakistan’s reply 'quoted' Pakistanis'") == [
        "India's",
        "stand",
        ";",
        "Pakistan’s",
        "reply",
        "'",
        "quoted",
        "'",
        "Pakistanis",
        "'",
    ]


@pytest.mark.parametrize(
    "number",
    ["26", "२६", "22.04.2025", "1,200", "1,20,000", "3.5", "2025-04-22", "26/11", "10:30", "१,२०,०००"],
)
def test_numbers_are_single_tokens(number: str) -> None:
    assert kinds_of(f"कुल {number} लोग") == [("कुल", "word"), (number, "number"), ("लोग", "word")]


def test_number_separators_never_at_the_ends() -> None:
    assert kinds_of("मौत 26. फिर 1,200, और 26/ -5 .5") == [
        ("मौत", "word"),
        ("26", "number"),
        (".", "punct"),
        ("फिर", "word"),
        ("1,200", "number"),
        (",", "punct"),
        ("और", "word"),
        ("26", "number"),
        ("/", "punct"),
        ("-", "punct"),
        ("5", "number"),
        (".", "punct"),
        ("5", "number"),
    ]


def test_number_with_letter_suffix_is_one_number_token() -> None:
    assert kinds_of("5वीं 26th 3.5km") == [("5वीं", "number"), ("26th", "number"), ("3.5km", "number")]


def test_handles_and_hashtags() -> None:
    assert kinds_of("@MIshaqDar50 (@SecRubio) #पहलगाम #Pahalgam_Attack, #26_11 a@b C# # @") == [
        ("@MIshaqDar50", "handle"),
        ("(", "punct"),
        ("@SecRubio", "handle"),
        (")", "punct"),
        ("#पहलगाम", "hashtag"),
        ("#Pahalgam_Attack", "hashtag"),
        (",", "punct"),
        ("#26_11", "hashtag"),
        ("a", "word"),
        ("@", "punct"),
        ("b", "word"),
        ("C", "word"),
        ("#", "punct"),
        ("#", "punct"),
        ("@", "punct"),
    ]


@pytest.mark.parametrize(
    ("text", "url"),
    [
        ("देखें https://example.com/a?b=1&c=2.", "https://example.com/a?b=1&c=2"),
        ("(http://mea.gov.in/press)", "http://mea.gov.in/press"),
        ("www.thehindu.com, और", "www.thehindu.com"),
        ("लिंक https://hi.wikipedia.org/wiki/पहलगाम।", "https://hi.wikipedia.org/wiki/पहलगाम"),
        ("regional… pic.twitter.com/QZB9RZwIA8", "pic.twitter.com/QZB9RZwIA8"),
        ("HTTPS://X.COM/Foo).", "HTTPS://X.COM/Foo"),
    ],
)
def test_urls(text: str, url: str) -> None:
    urls = [t for t in tokenize(text) if t.kind == "url"]
    assert [t.text for t in urls] == [url]
    rest = text[urls[0].end :]
    assert all(t.kind != "url" for t in tokenize(rest))


def test_not_urls() -> None:
    assert all(t.kind != "url" for t in tokenize("https:// www. e.g./x U.S./UK twitter.com and/or"))


@pytest.mark.parametrize("name", ["लश्कर-ए-तैयबा", "Lashkar-e-Taiba", "जैश-ए-मोहम्मद", "जम्मू-कश्मीर"])
def test_hyphenated_names(name: str) -> None:
    assert kinds_of(f"{name} ने") == [(name, "word"), ("ने", "word")]
    parts = name.split("-")
    expected = []
    for i, part in enumerate(parts):
        if i:
            expected.append(("-", "punct"))
        expected.append((part, "word"))
    assert kinds_of(name, join_hyphenated=False) == expected


def test_only_hyphens_after_a_letter_join() -> None:
    assert texts_of("भारत - पाकिस्तान भारत- पाक -पाक AK-47 2025-04-22 26-year") == [
        "भारत",
        "-",
        "पाकिस्तान",
        "भारत",
        "-",
        "पाक",
        "-",
        "पाक",
        "AK-47",
        "2025-04-22",
        "26",
        "-",
        "year",
    ]


@pytest.mark.parametrize("name", ["AK-47", "F-16", "MiG-21", "Su-30MKI", "COVID-19", "ब्रह्मोस-2"])
def test_weapon_and_model_names_are_one_token(name: str) -> None:
    assert kinds_of(f"{name} से") == [(name, "word"), ("से", "word")]
    assert len(tokenize(name, join_hyphenated=False)) == 3


def test_other_characters_are_single_grapheme_tokens() -> None:
    assert kinds_of(f"“हमला” — {FAMILY}{FLAG_IN} $5 ½ …") == [
        ("“", "punct"),
        ("हमला", "word"),
        ("”", "punct"),
        ("—", "punct"),
        (FAMILY, "symbol"),
        (FLAG_IN, "symbol"),
        ("$", "symbol"),
        ("5", "number"),
        ("½", "symbol"),
        ("…", "punct"),
    ]


def test_whitespace_is_never_part_of_a_token() -> None:
    text = "  दो\tशब्द\n\n\u00a0नया\u3000 \u2028end  "
    tokens = tokenize(text)
    assert [t.text for t in tokens] == ["दो", "शब्द", "नया", "end"]
    assert tokenize("") == []
    assert tokenize(" \n\t ") == []


def test_stray_mark_after_space_belongs_to_the_space_cluster() -> None:
    # " ा" is one grapheme cluster that starts with a space: it is whitespace, not a token.
    assert texts_of("राम \u093e श्याम") == ["राम", "श्याम"]
    # A stray mark after a newline is its own cluster and becomes a word.
    assert kinds_of("राम\n\u093e") == [("राम", "word"), ("\u093e", "word")]


def test_token_offsets_and_type() -> None:
    tokens = tokenize("TRF ने 22 अप्रैल")
    assert tokens[0] == Token(0, 3, "TRF", "word")
    assert tokens[2] == Token(7, 9, "22", "number")
    assert all(t.kind in TOKEN_KINDS for t in tokens)


def test_tokenize_speed(article: str) -> None:
    text = (article * 2)[:1500]
    tokenize(text)
    start = time.perf_counter()
    for _ in range(20):
        tokenize(text)
    per_call = (time.perf_counter() - start) / 20
    assert per_call < 0.01, f"tokenize took {per_call * 1000:.2f} ms for 1,500 characters"


# --------------------------------------------------------------------------------------------------
# The real article
# --------------------------------------------------------------------------------------------------


def test_article_tokens(article: str) -> None:
    tokens = tokenize(article)
    bounds = set(grapheme_boundaries(article))
    pos = 0
    for token in tokens:
        assert token.text == article[token.start : token.end]
        assert token.start in bounds and token.end in bounds, token
        gap = article[pos : token.start]
        assert gap.strip() == "", (gap, token)  # only whitespace between tokens
        assert not any(c.isspace() for c in token.text), token
        pos = token.end
    assert article[pos:].strip() == ""
    for token in tokens:
        # No combining mark left over at the start of a token: it would belong to the previous one.
        assert not unicodedata.category(token.text[0]).startswith("M"), token
        assert token.text[0] not in (ZWJ, ZWNJ), token
    devanagari_words = [t for t in tokens if t.kind == "word" and regex.search(r"\p{Devanagari}", t.text)]
    assert len(devanagari_words) > 300
    for word in devanagari_words:
        assert regex.fullmatch(r"[\p{L}\p{M}\u200c\u200d-]+", word.text), word
    texts = {t.text for t in tokens}
    for expected in [
        "प्रधानमंत्री",
        "द्विपक्षीय",
        "क्षेत्रीय",
        "अमेरिका-पाकिस्तान",
        "लश्कर-ए-तैयबा",
        "जम्मू-कश्मीर",
        "@MIshaqDar50",
        "@SecRubio",
        "pic.twitter.com/QZB9RZwIA8",
        "Pakistan’s",
        "5.5",
        "ज़ोर",
        "उत्पीड़न",
    ]:
        assert expected in texts, expected
    kinds = {t.text: t.kind for t in tokens}
    assert kinds["@SecRubio"] == "handle"
    assert kinds["pic.twitter.com/QZB9RZwIA8"] == "url"
    assert kinds["।"] == "punct"


def test_article_snaps(article: str) -> None:
    seg = Segmenter(article)
    start = article.index("लश्कर-ए-तैयबा")
    # A selection from inside लश्कर to inside तैयबा snaps to the whole name.
    assert seg.snap(start + 2, start + 10) == (start, start + len("लश्कर-ए-तैयबा"))
    # Grapheme mode: a selection ending after the virama of श् extends over the conjunct श्क.
    s, e = seg.snap(start, start + 3, mode="grapheme")
    assert (s, e) == (start, start + 4)
    assert article[s:e] == "लश्क"


# --------------------------------------------------------------------------------------------------
# Snapping
# --------------------------------------------------------------------------------------------------

SENTENCE = "TRF ने 22 अप्रैल को जम्मू-कश्मीर में हमला किया।"


def test_snap_grapheme_mode() -> None:
    text = "स्त्री शक्ति"
    assert grapheme_boundaries(text) == [0, 6, 7, 8, 12]  # स्त्री | " " | श | क्ति
    # स्त्री is one cluster: any cut inside expands to the whole cluster.
    assert snap(text, 1, 2, mode="grapheme") == (0, 6)
    assert snap(text, 0, 6, mode="grapheme") == (0, 6)
    assert snap(text, 7, 8, mode="grapheme") == (7, 8)
    assert snap(text, 7, 9, mode="grapheme") == (7, 12)


def test_snap_token_mode() -> None:
    start = SENTENCE.index("कश्मीर")
    expected = (SENTENCE.index("जम्मू"), start + len("कश्मीर"))
    assert snap(SENTENCE, start + 1, start + 2) == expected
    assert snap(SENTENCE, start + 1, start + 2, join_hyphenated=False) == (start, start + len("कश्मीर"))
    # Two partial tokens extend to both.
    a = SENTENCE.index("अप्रैल")
    assert snap(SENTENCE, a - 2, a + 1) == (SENTENCE.index("22"), a + len("अप्रैल"))


def test_snap_keeps_selected_whitespace() -> None:
    a = SENTENCE.index("ने")
    assert snap(SENTENCE, a - 1, a + 3) == (a - 1, a + 3)  # " ने " stays with its spaces
    assert snap(SENTENCE, a + 2, a + 3) == (a + 2, a + 3)  # whitespace only: grapheme snap
    assert snap("a \u093e b", 1, 2) == (1, 3)  # whitespace cluster " ा" is kept whole


def test_snap_clamps_and_swaps() -> None:
    assert snap(SENTENCE, 10, 2, mode="grapheme") == snap(SENTENCE, 2, 10, mode="grapheme")
    assert snap(SENTENCE, -5, 2) == (0, 3)
    assert snap(SENTENCE, len(SENTENCE) - 1, 10_000) == (len(SENTENCE) - 1, len(SENTENCE))
    assert snap("", 3, 5) == (0, 0)


def test_snap_empty_selection() -> None:
    text = "स्त्री शक्ति"
    assert snap(text, 2, 2, mode="grapheme") == (0, 0)
    assert snap(text, 2, 2) == (0, 6)
    assert snap(text, 6, 6) == (6, 6)  # on the space: no token
    assert snap(text, 9, 9, mode="grapheme") == (8, 8)
    assert snap(text, 9, 9) == (7, 12)
    assert snap(text, 12, 12) == (12, 12)  # end of text


def test_snap_unknown_mode() -> None:
    with pytest.raises(ValueError, match="unknown snap mode"):
        snap("abc", 0, 1, mode="word")


def test_snap_with_precomputed_tokens_and_boundaries() -> None:
    tokens = tokenize(SENTENCE)
    bounds = grapheme_boundaries(SENTENCE)
    for a in range(len(SENTENCE) + 1):
        for b in range(a, min(a + 6, len(SENTENCE)) + 1):
            for mode in ("grapheme", "token"):
                assert snap(SENTENCE, a, b, mode=mode, tokens=tokens, boundaries=bounds) == snap(
                    SENTENCE, a, b, mode=mode
                )


def test_strip_span() -> None:
    text = "  हमला  किया \n"
    assert strip_span(text, 0, len(text)) == (2, 12)
    assert strip_span(text, 0, 2) == (0, 0)  # only whitespace
    assert strip_span(text, 7, 4) == (4, 6)  # swapped, then stripped: "ला " -> "ला"
    assert strip_span(text, -3, 100) == (2, 12)


def test_segmenter() -> None:
    seg = Segmenter(SENTENCE)
    assert seg.tokens == tokenize(SENTENCE)
    assert seg.boundaries == grapheme_boundaries(SENTENCE)
    a = SENTENCE.index("22")
    assert seg.token_at(a) == Token(a, a + 2, "22", "number")
    assert seg.token_at(a + 2) is None  # the space after 22
    assert seg.token_at(len(SENTENCE)) is None
    assert seg.snap(a + 1, a + 1) == (a, a + 2)
    assert seg.snap(a + 1, a + 1, mode="grapheme") == (a + 1, a + 1)
    assert [t.text for t in seg.tokens_in(a, a + 4)] == ["22", "अप्रैल"]
    assert seg.is_boundary(a) and not seg.is_boundary(SENTENCE.index("प्रै") + 1)
    assert seg.strip_span(a - 1, a + 3) == (a, a + 2)
    plain = Segmenter("लश्कर-ए-तैयबा", join_hyphenated=False)
    assert plain.snap(1, 2) == (0, 5)


# --------------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------------

ALPHABET = (
    list("कखगघचजटडतदनपबमयरलवशसह")
    + list("अआइईउएओ")
    + list("\u093e\u093f\u0940\u0941\u0942\u0943\u0947\u0948\u094b\u094c")  # matras
    + ["\u094d", "\u094d", "\u093c", "\u0902", "\u0901", "\u0903"]  # virama, nukta, anusvara, ...
    + [ZWJ, ZWNJ, "।", "॥"]
    + list("aAzZ")
    + list("0123456789२६")
    + list(".,-/:@#'’")
    + [" ", " ", " ", "\n", "\r\n", "\t"]
    + ["\U0001f600", FAMILY, FLAG_IN, "\U0001f1f5\U0001f1f0", "\U0001f44d\U0001f3fd"]
    + ["https://", "www."]
)
texts = st.lists(st.sampled_from(ALPHABET), max_size=50).map("".join)
MODES = ("grapheme", "token")


@settings(max_examples=500, deadline=None)
@given(texts, st.booleans())
def test_property_tokens(text: str, join: bool) -> None:
    tokens = tokenize(text, join_hyphenated=join)
    bounds = set(grapheme_boundaries(text))
    prev_end = 0
    for token in tokens:
        assert prev_end <= token.start < token.end
        assert token.text == text[token.start : token.end]
        assert token.start in bounds and token.end in bounds
        assert not any(c.isspace() for c in token.text)
        assert token.kind in TOKEN_KINDS
        prev_end = token.end
    # Everything outside tokens is whitespace clusters (possibly with marks attached to a space).
    covered = set()
    for token in tokens:
        covered.update(range(token.start, token.end))
    for i, ch in enumerate(text):
        if i not in covered:
            cluster_start = max(b for b in bounds if b <= i)
            assert text[cluster_start].isspace(), (i, ch)


@settings(max_examples=500, deadline=None)
@given(texts, st.integers(-3, 60), st.integers(-3, 60), st.booleans())
def test_property_snap(text: str, a: int, b: int, join: bool) -> None:
    bounds = grapheme_boundaries(text)
    boundary_set = set(bounds)
    tokens = tokenize(text, join_hyphenated=join)
    lo, hi = sorted((min(max(a, 0), len(text)), min(max(b, 0), len(text))))
    for mode in MODES:
        s, e = snap(text, a, b, mode=mode, join_hyphenated=join)
        assert 0 <= s <= e <= len(text)
        assert s in boundary_set and e in boundary_set
        if lo < hi:
            assert s <= lo and hi <= e  # contains the clamped selection
        elif (s, e) != (s, s):
            assert mode == "token" and any(t.start == s and t.end == e and s <= lo < e for t in tokens)
        else:
            assert s <= lo
        # Idempotent.
        assert snap(text, s, e, mode=mode, join_hyphenated=join) == (s, e)
        # Same result with precomputed data.
        assert snap(text, a, b, mode=mode, join_hyphenated=join, tokens=tokens, boundaries=bounds) == (s, e)
        if mode == "token" and lo < hi:
            # No token sticks out of the result.
            assert all(t.end <= s or t.start >= e or (s <= t.start and t.end <= e) for t in tokens)


@pytest.mark.parametrize(
    ("selected", "expected"),
    [
        ("ज़िला रिज़र्व गार्ड (", "ज़िला रिज़र्व गार्ड"),
        ("की।", "की"),
        ("(DRG)", "DRG"),
        ("“लश्कर”", "लश्कर"),
        ("#Pahalgam", "#Pahalgam"),
        ("AK-47", "AK-47"),
        ("((", "(("),
    ],
)
def test_trim_punctuation_leaves_brackets_quotes_and_dandas_out(selected, expected):
    from annotator.text.segment import trim_punctuation

    text = f"कहा कि {selected} बाद में"
    start = text.index(selected)
    s, e = snap(text, start, start + len(selected))
    s, e = trim_punctuation(text, s, e)
    assert text[s:e] == expected
