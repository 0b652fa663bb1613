"""Romanization and cross-script keys for Urdu, Bengali, Gurmukhi, Tamil, Sinhala and Nepali (issue 20)."""

from __future__ import annotations

import unicodedata

import pytest

from annotator.text.romanization import find, romanize, search_key
from annotator.text.romanization_indic import to_devanagari
from annotator.text.romanization_urdu import readable, skeleton


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


@pytest.mark.parametrize(
    ("text", "readable_form"),
    [
        # Bengali: ব is b, word-initial য is j, য় y, ড় r, the final inherent vowel silent
        ("পাকিস্তান", "pakistan"),
        ("যশোর", "jashor"),
        ("বিজয়", "bijay"),
        ("সোনাগড়", "sonagar"),
        ("ঢাকা", "dhaka"),
        ("তাৎক্ষণিক", "tatkshanik"),
        # Gurmukhi: no virama between s and t, tippi, addak, ਸ਼
        ("ਪਾਕਿਸਤਾਨ", "pakistan"),
        ("ਪੰਜਾਬ", "panjab"),
        ("ਲੁਧਿਆਣਾ", "ludhiana"),
        ("ਸ਼ਹਿਰ", "shahir"),
        ("ਵਿੱਚ", "vich"),
        # Tamil: stops voiced between vowels and after nasals, not in loanwords with Grantha letters
        ("மதுரை", "madurai"),
        ("தஞ்சாவூர்", "tanjavur"),
        ("முருகன்", "murugan"),
        ("சென்னை", "chennai"),
        ("பாகிஸ்தான்", "pakistan"),
        # Sinhala: prenasalized ඹ, no schwa deletion, ශ්‍රී with its ZWJ
        ("කොළඹ", "kolamba"),
        ("අනුරාධපුර", "anuradhapura"),
        ("ශ්‍රී", "shri"),
        # Nepali is Devanagari
        ("काठमाडौं", "kathmadaun"),
    ],
)
def test_readable_romanization_of_each_script(text: str, readable_form: str) -> None:
    assert romanize(nfc(text), "readable") == readable_form


@pytest.mark.parametrize(
    ("word", "ascii", "ala_lc", "skel"),
    [
        ("پاکستان", "pakstan", "pākstān", "p1kst1n"),  # short vowels are not written
        ("بلوچستان", "blochstan", "blōcstān", "bl3chst1n"),  # و between consonants: o
        ("وزیر", "vzir", "vzīr", "3j2r"),  # initial و: v; ی between consonants: ī; ز as j in the skeleton
        ("پشاور", "pshavr", "pshāvr", "psh13r"),  # و after ā: v
        ("بھری", "bhri", "bhrī", "bhr2"),  # do-chashmi he: aspiration
        ("میں", "min", "mīṉ", "m2"),  # nun ghunna (a final one is left out of the skeleton)
        ("جمعہ", "jma", "jmʿah", "jm1"),  # ain, final he as the vowel a
        ("شاہ", "shah", "shāh", "sh1h"),  # he after ā is h
        ("گئے", "ge", "g'e", "g2"),  # hamza seat
        ("وزارتِ", "vzart-e", "vzārt-e", "3j1rt"),  # izafat
        ("تقریباً", "tqriban", "tqrīban", "tkr2bn"),  # tanwin on alif
        ("طیبہ", "tiba", "t̤ībah", "t2b1"),
        ("ممبئی", "mmbi", "mmb'ī", "mb2"),  # n/m before a labial, doubled letters once
        ("كراچي", "krachi", "krācī", "kr1ch2"),  # Arabic kaf and yeh read as Urdu's
    ],
)
def test_urdu_table(word: str, ascii: str, ala_lc: str, skel: str) -> None:
    assert readable(word) == ascii
    assert readable(word, iast=True) == nfc(ala_lc)
    assert skeleton(word) == skel


def test_urdu_text_romanizes_with_punctuation_digits_and_quotes() -> None:
    text = 'پاکستان میں ۷ اہلکار جاں بحق ہو گئے۔ بیان: "We condemn the attack."'
    out = romanize(text, "readable")
    assert out == 'pakstan min 7 hlkar jan bhq ho ge. byan: "We condemn the attack."'
    assert romanize(text, "iast").startswith("pākstān mīṉ 7")


def test_scholarly_schemes_go_through_devanagari() -> None:
    assert romanize("পাকিস্তান", "iast") == "pākistāna"
    assert romanize("பாகிஸ்தான்", "iast") == "pākistāṉ"  # ṉ kept apart in the exact mapping
    assert romanize("ঢাকা ২০২৫ সালে।", "itrans") == "DhAkA 2025 sAle."
    assert to_devanagari("পাকিস্তান", "bengali") == "पाकिस्तान"


def test_mixed_scripts_romanize_each_run() -> None:
    text = nfc("Pakistan पाकिस्तान پاکستان পাকিস্তান ਪਾਕਿਸਤਾਨ பாகிஸ்தான் පාකිස්තානය")
    assert romanize(text, "readable") == "Pakistan pakistan pakstan pakistan pakistan pakistan pakistanaya"


@pytest.mark.parametrize(
    "word",
    ["पाकिस्तान", "পাকিস্তান", "ਪਾਕਿਸਤਾਨ", "பாகிஸ்தான்", "Pakistan"],
)
def test_the_same_key_in_every_brahmic_script(word: str) -> None:
    assert search_key(nfc(word)) == search_key("pakistan") == "pkistn"


CROSS = [
    # (query, text word): query in one script, found in another
    ("pakistan", "پاکستان"),
    ("pakistan", "পাকিস্তান"),
    ("pakistan", "पाकिस्तान"),
    ("पाकिस्तान", "پاکستان"),
    ("پاکستان", "पाकिस्तान"),
    ("پاکستان", "Pakistan"),
    ("পাকিস্তান", "پاکستان"),
    ("بلوچستان", "बलूचिस्तान"),
    ("लाहौर", "لاہور"),
    ("karachi", "کراچی"),
    ("मुंबई", "ممبئی"),
    ("mumbai", "ممبئی"),
    ("shahbaz", "شہباز"),
    ("शरीफ़", "شریف"),
    ("raipur", "রায়পুরের"),  # a Bengali case ending
    ("chennai", "சென்னையில்"),  # a Tamil case ending
    ("madurai", "மதுரை"),
    ("ludhiana", "ਲੁਧਿਆਣਾ"),
    ("anuradhapura", "අනුරාධපුර"),
    ("kathmandu", "काठमांडू"),
    ("pokhara", "पोखरा"),
]


@pytest.mark.parametrize(("query", "word"), CROSS)
def test_a_query_finds_the_word_in_another_script(query: str, word: str) -> None:
    matches = find(nfc(query), nfc(f"शुरू {word} end"))
    assert matches and matches[0].score >= 0.75, (query, word)


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("pakistan", "بلوچستان"),
        ("lahore", "کراچی"),
        ("پاکستان", "पंजाब"),
        ("ki", "پاکستان"),
        ("hindi", "ہندو"),
    ],
)
def test_different_words_do_not_match_across_scripts(query: str, word: str) -> None:
    assert find(nfc(query), nfc(word)) == []


def test_the_urdu_skeleton_needs_the_long_vowels_hindi_writes() -> None:
    """Hindi ↔ Urdu compare consonants and long vowels: ढका (covered) and ڈھاکہ (Dhaka) differ in ā."""
    assert find("पाकिस्तान", "پاکستان")[0].score == 0.9  # same skeleton
    assert find("ढका", "ڈھاکہ") == []
