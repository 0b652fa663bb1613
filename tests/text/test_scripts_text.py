"""The text core for Urdu, Bengali, Gurmukhi, Nepali, Tamil and Sinhala: clusters, snapping, tokens,
sentences, NFC pitfalls and folding for matching, on sentences written for the tests."""

from __future__ import annotations

import itertools
import unicodedata

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.text.normalization import (
    fold_for_matching,
    fold_with_offsets,
    normalize,
    normalize_with_map,
    remap_span,
)
from annotator.text.segment import (
    SENTENCE_TERMINALS,
    Segmenter,
    _tokenize_reference,
    grapheme_boundaries,
    sentence_spans,
    snap,
    snap_boundaries,
    tokenize,
)
from tests.script_samples import (
    BENGALI,
    GURMUKHI,
    NEPALI,
    SAMPLES,
    SINHALA,
    TAMIL,
    URDU,
    URDU_MIXED,
    ZWJ,
    ZWNJ,
)


def clusters(text: str) -> list[str]:
    b = grapheme_boundaries(text)
    return [text[x:y] for x, y in itertools.pairwise(b)]


def words(text: str) -> list[str]:
    return [t.text for t in tokenize(text) if t.kind in ("word", "number")]


# ------------------------------------------------------------------------------------------ clusters


def test_clusters_of_each_script():
    assert clusters("চট্টগ্রামে") == ["চ", "ট্ট", "গ্রা", "মে"]  # Bengali conjuncts: GB9c
    assert clusters(f"র{ZWJ}্যাব") == [f"র{ZWJ}্যা", "ব"]
    assert clusters("পৌঁছেছে") == ["পৌঁ", "ছে", "ছে"]
    assert clusters("पक्राउ") == ["प", "क्रा", "उ"]  # Nepali: Devanagari
    assert clusters("پاکستان") == list("پاکستان")  # Arabic letters are clusters of their own
    assert clusters("ۂ") == ["ۂ"]
    assert clusters(f"م{ZWNJ}آ") == [f"م{ZWNJ}", "آ"]  # ZWNJ extends the letter before it
    assert clusters("بُرا") == ["بُ", "ر", "ا"]  # a short vowel stays with its letter
    assert clusters("ਸ਼ੱਕੀ") == ["ਸ਼ੱ", "ਕੀ"]  # Gurmukhi nukta and addak
    assert clusters("பக்கம்") == ["ப", "க்", "க", "ம்"]  # Tamil: pulli visible, no conjunct
    # Unicode's clusters split these stacks (GB9c does not cover Gurmukhi, Tamil, Sinhala) ...
    assert clusters("ਅੰਮ੍ਰਿਤ") == ["ਅੰ", "ਮ੍", "ਰਿ", "ਤ"]
    assert clusters(f"ප්{ZWJ}ර") == [f"ප්{ZWJ}", "ර"]
    assert clusters("க்ஷ") == ["க்", "ஷ"]


def test_snapping_takes_stacks_whole():
    # ... and a selection never stops inside them
    for text, inside in (
        ("ਅੰਮ੍ਰਿਤਸਰ", 4),
        ("ਉਨ੍ਹਾਂ", 3),
        (f"ප්{ZWJ}රහාරය", 3),
        (f"ශ්{ZWJ}රී", 3),
        ("க்ஷ", 2),
        ("ஸ்ரீலங்கா", 2),
    ):
        assert inside in grapheme_boundaries(text)
        assert inside not in snap_boundaries(text)
        s, e = snap(text, inside - 1, inside, mode="grapheme")
        assert s < inside < e
        assert Segmenter(text).snap(inside, inside + 1, mode="grapheme")[0] < inside
    # where no such virama is, the boundaries are the clusters', the same list
    for text in (URDU, BENGALI, NEPALI):
        bounds = grapheme_boundaries(text)
        assert snap_boundaries(text, bounds) is bounds
    # a visible Tamil pulli is a place to stop
    assert snap_boundaries("பக்கம்") == grapheme_boundaries("பக்கம்")


def test_snapped_selections_are_whole_clusters_in_every_sample():
    for _script, _lang, text in SAMPLES:
        seg = Segmenter(text)
        bounds = set(seg.boundaries)
        for start in range(0, len(text), 3):
            for end in (start + 1, start + 5):
                for mode in ("grapheme", "token"):
                    s, e = seg.snap(start, min(end, len(text)), mode=mode)
                    assert s in bounds and e in bounds
                    assert s <= start and e >= min(end, len(text))


# ------------------------------------------------------------------------------------------ tokens


def test_urdu_tokens():
    tokens = tokenize(URDU)
    assert [t.text for t in tokens if t.kind == "punct"] == ["۔", "؟", "،", "۔", "۔"]
    assert f"اسلام{ZWNJ}آباد" in words(URDU)  # ZWNJ inside a word keeps it whole
    assert "۱۲" in words(URDU) and "۲۰۲۵" in words(URDU)
    assert [t.kind for t in tokenize("۱۲٫۵ فیصد ۱٬۲۰۰")] == ["number", "word", "number"]
    assert tokenize("دیکھیں https://x.com/abc۔")[1].text == "https://x.com/abc"
    assert tokenize("دیکھیں https://x.com/abc،")[1].text == "https://x.com/abc"


def test_mixed_direction_line_tokens():
    got = [t.text for t in tokenize(URDU_MIXED)]
    assert got[:7] == ["وزیر", "اعظم", "نے", "ٹویٹ", "کیا", ":", '"']
    assert got[7:14] == ["We", "stand", "with", "the", "people", "of", "Quetta"]


def test_bengali_and_gurmukhi_tokens():
    ws = words(BENGALI)
    assert f"র{ZWJ}্যাব" in ws and f"র{ZWNJ}্যাব" in ws and "২০২৫" in ws and "উৎস" in ws
    assert [t.text for t in tokenize(BENGALI) if t.kind == "punct"] == ["।", "।", "?", ",", "॥"]
    assert "ਅੰਮ੍ਰਿਤਸਰ" in words(GURMUKHI) and "ਗ੍ਰਿਫ਼ਤਾਰ" in words(GURMUKHI)
    assert [t.text for t in tokenize(GURMUKHI) if t.kind == "punct"] == ["।", "॥"]
    assert "ශ්\u200dරී" in words(SINHALA) and "ஸ்ரீலங்கா" in words(TAMIL)
    assert [t.text for t in tokenize("ෆොන්සේකා ෴")][-1] == "෴"


def test_tokens_equal_the_reference_pattern_in_every_script():
    for _script, _lang, text in SAMPLES:
        assert tokenize(text) == _tokenize_reference(text)
        assert tokenize(text, join_hyphenated=False) == _tokenize_reference(text, join_hyphenated=False)
        assert all(t.text == text[t.start : t.end] for t in tokenize(text))


OTHER_SCRIPTS = [
    *"پاکستنیہھےںٹڈڑ",
    *("\u064e", "\u0650", "\u0670", "\u0654", "ۂ", "ئ"),
    *"বাংলদেশরয়ক্ষৎ",
    *("\u09bc", "\u09cd", "\u09be"),
    *"ਪੰਜਾਬਮ੍ਰਿਸ਼",
    *"க்ஷஸரீப",
    *("ප", "\u0dca", "ර", "ශ", "ී"),
    *(ZWJ, ZWNJ, "۔", "؟", "،", "।", "॥", "෴", "۱", "٫", "٬", "২", "੨", "5", " ", "\n", "a", "-", "'"),
    *("https://", "x.co/"),
]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(OTHER_SCRIPTS), max_size=50).map("".join))
def test_property_tokens_and_snapping_in_other_scripts(text):
    """The fast tokenizer equals the reference pattern on text of every script, tokens are whole clusters,
    snapping lands on snap boundaries (which are cluster boundaries)."""
    tokens = tokenize(text)
    assert tokens == _tokenize_reference(text)
    bounds = set(grapheme_boundaries(text))
    snaps = snap_boundaries(text)
    assert set(snaps) <= bounds
    for t in tokens:
        assert t.start in bounds and t.end in bounds
    for start in range(len(text)):
        s, e = snap(text, start, start + 1, mode="grapheme")
        assert s in snaps and e in snaps


# ------------------------------------------------------------------------------------------ sentences


def test_sentences_of_each_script():
    def ends(text: str) -> list[str]:
        return [text[e - 1] for _s, e in sentence_spans(text)]

    assert ends(URDU) == ["۔", "؟", "۔", "۔"]
    assert ends(BENGALI) == ["।", "।", "?", "॥"]
    assert ends(GURMUKHI) == ["।", "॥"]
    assert ends(NEPALI) == ["।", "।"]
    assert ends(TAMIL) == [".", "."] and ends(SINHALA) == [".", "."]
    assert len(sentence_spans(URDU_MIXED)) == 1  # the tweet's quote does not end the sentence
    # the closing quote belongs to the sentence; a line break ends one; nothing without tokens
    assert sentence_spans('کہا: "ہم تیار ہیں۔" پھر') == [(0, 19), (20, 23)]
    assert sentence_spans("ক\nখ") == [(0, 1), (2, 3)]
    assert sentence_spans("  \n ") == []
    assert {"۔", "؟", "।", "॥", "෴"} <= SENTENCE_TERMINALS


# ------------------------------------------------------------------------------------------ NFC


def test_nfc_pitfalls_of_each_script():
    # Bengali ড় ঢ় য় are composition exclusions: NFC stores them as letter + nukta, one cluster
    for precomposed, parts in (
        ("\u09dc", "\u09a1\u09bc"),
        ("\u09dd", "\u09a2\u09bc"),
        ("\u09df", "\u09af\u09bc"),
    ):
        assert normalize(precomposed) == parts
        assert clusters(normalize(f"হ{precomposed}েছে"))[1] == parts + "\u09c7"
    # Bengali two-part vowel signs compose: ে + া → ো
    assert normalize("\u0995\u09c7\u09be") == "\u0995\u09cb"
    # Devanagari's composition exclusions (क़ ख़ ग़ ज़ ड़ ढ़ फ़ य़) and Gurmukhi's (ਖ਼ ਗ਼ ਜ਼ ਫ਼ ਲ਼ ਸ਼)
    for cp in [*range(0x0958, 0x0960), 0x0A59, 0x0A5A, 0x0A5B, 0x0A5E, 0x0A33, 0x0A36]:
        decomposed = unicodedata.normalize("NFD", chr(cp))
        assert len(decomposed) == 2 and normalize(chr(cp)) == decomposed
    # Urdu alef + madda / hamza compose
    assert normalize("\u0627\u0653") == "\u0622" and normalize("\u06d2\u0654") == "\u06d3"


def test_offsets_map_through_bengali_decomposition():
    original = "ঢাকায় \u09df পুলিশ"  # a precomposed য় grows by one code point
    text, offset_map = normalize_with_map(original)
    start = original.index("পুলিশ")
    assert remap_span(original, start, start + 5, offset_map, text, "পুলিশ") == (start + 1, start + 6)


# ------------------------------------------------------------------------------------------ folding


def test_fold_unifies_arabic_script_variants():
    same = [
        ("پاكستان", "پاکستان"),  # Arabic kaf
        ("پاکستاني", "پاکستانی"),  # Arabic yeh
        ("علي", "علی"),
        ("مصطفى", "مصطفی"),  # alef maksura
        ("بهارت", "بھارت"),  # Arabic heh for do-chashmi heh
        ("ہند", "هند"),
        ("صلوة", "صلوۃ"),
        ("أسامہ", "اسامہ"),
        ("آباد", "اباد"),
        ("مُحَمَّد", "محمد"),  # short vowels and shadda
        ("پاکـــستان", "پاکستان"),  # tatweel
        ("اسلام\u200cآباد", "اسلامآباد"),
        ("\u200fپاکستان\u200e", "پاکستان"),
        ("۲۰۲۵", "2025"),
        ("٢٠٢٥", "2025"),
    ]
    for a, b in same:
        assert fold_for_matching(a) == fold_for_matching(b), (a, b)
    assert fold_for_matching("پاکستان") != fold_for_matching("افغانستان")


def test_fold_other_scripts():
    assert fold_for_matching("\u0958ानून") == fold_for_matching("क\u093cानून")  # composition exclusion
    assert fold_for_matching("হ\u09dfেছে") == fold_for_matching("হয়েছে")
    assert fold_for_matching("উত্\u200dস") == fold_for_matching("উৎস")  # khanda ta, old encoding
    assert fold_for_matching("অাগুন") == fold_for_matching("আগুন")
    assert fold_for_matching(f"র{ZWJ}্যাব") == fold_for_matching(f"র{ZWNJ}্যাব")
    assert fold_for_matching("২০২৫ ੨੦੨੫ २०२५ ௨௦௨௫ ෨෦෨෫") == "2025 2025 2025 2025 2025"
    assert fold_for_matching("Lashkar-E-Taiba") == "lashkar-e-taiba"
    # different letters stay different: nukta, Bengali য vs য়, Urdu ے vs ی
    assert fold_for_matching("জ") != fold_for_matching("য")
    assert fold_for_matching("ے") != fold_for_matching("ی")


def test_fold_never_touches_the_text_it_is_given():
    text = "پاكستان ۲۰۲۵"
    copy = str(text)
    fold_for_matching(text)
    fold_with_offsets(text)
    assert text == copy


def test_fold_with_offsets_maps_matches_back():
    stored = "وزیر اعظم نے پاکستان كے بارے میں کہا"
    folded, origin = fold_with_offsets(stored)
    query = fold_for_matching("كے بارے")
    at = folded.index(query)
    start, end = origin[at], origin[at + len(query)]
    assert stored[start:end] == "كے بارے"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from([*OTHER_SCRIPTS, "ي", "ك", "ه", "ة", "أ", "ـ", "\u064b", "ß", "A", "\u09df", "অা"]),
        max_size=40,
    ).map("".join)
)
def test_property_fold_offsets_agree(text):
    text = normalize(text)
    folded, origin = fold_with_offsets(text)
    assert folded == fold_for_matching(text)
    assert len(origin) == len(folded) + 1 and origin[-1] == len(text)
    assert origin == sorted(origin)
    assert fold_for_matching(folded) == folded  # folding twice changes nothing


def test_grapheme_regex_is_unicode_18():
    """The tests above count on the installed regex's \\X (Unicode 18's GB9c, see test_graphemebreak)."""
    assert [m.group() for m in regex.finditer(r"\X", "ক্ষ")] == ["ক্ষ"]
