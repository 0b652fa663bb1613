"""Romanization of Devanagari and cross-script (Latin ↔ Devanagari) search."""

import unicodedata

import pytest
import regex

from annotator.text.romanization import SCHEMES, Match, find, rank, romanize, search_key
from tests.conftest import corpus

DEVANAGARI = regex.compile(r"[\u0900-\u097F\uA8E0-\uA8FF\u1CD0-\u1CFF]")


def seed_article() -> str:
    return corpus("seed-article", "hindi-news-us-pakistan-meeting.txt").read_text(encoding="utf-8")


def matched(query: str, text: str) -> list[str]:
    return [text[m.start : m.end] for m in find(query, text)]


# --- romanize ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "expected"),
    [("iast", "pākistāna"), ("itrans", "pAkistAna"), ("hk", "pAkistAna"), ("readable", "pakistan"),
     ("readable_iast", "pākistān")],
)  # fmt: skip
def test_romanize_schemes(scheme, expected):
    assert romanize("पाकिस्तान", scheme) == expected


def test_default_scheme_is_iast():
    assert romanize("पहलगाम") == "pahalagāma"


@pytest.mark.parametrize(
    ("hindi", "readable"),
    [
        ("पहलगाम", "pahalgam"), ("पाकिस्तान", "pakistan"), ("हिंदी", "hindi"), ("हिन्दी", "hindi"),
        ("सरकार", "sarkar"), ("कमला", "kamla"), ("बदलना", "badalna"), ("समझना", "samajhna"),
        ("अपना", "apna"), ("आतंकवाद", "atankvad"), ("प्रधानमंत्री", "pradhanmantri"), ("नगर", "nagar"),
        ("मंत्र", "mantra"), ("राज्य", "rajya"), ("भारतीय", "bhartiya"), ("न", "na"), ("शुक्रवार", "shukravar"),
        ("सिंह", "singh"), ("ज्ञान", "gyan"), ("ज़ोर", "zor"), ("क़ासिम", "qasim"), ("पढ़ना", "parhna"),
        ("मुंबई", "mumbai"), ("संघ", "sangh"), ("सङ्घ", "sangh"), ("स्वयं", "svayam"), ("कॉलेज", "kolej"),
        ("लश्कर", "lashkar"), ("कश्मीर", "kashmir"), ("ईशाक", "ishak"), ("डार", "dar"),
    ],
)  # fmt: skip
def test_readable_deletes_the_schwa_hindi_drops(hindi, readable):
    assert romanize(hindi, "readable") == readable


@pytest.mark.parametrize(
    ("hindi", "readable"),
    [("पहलगाम", "pahalgām"), ("हिंदी", "hindī"), ("हिन्दी", "hindī"), ("संघ", "saṅgh"), ("पढ़ना", "paṛhnā"),
     ("कॉलेज", "kôlej"), ("हूँ", "hū̃"), ("पंजाब", "pañjāb")],
)  # fmt: skip
def test_readable_iast(hindi, readable):
    assert romanize(hindi, "readable_iast") == unicodedata.normalize("NFC", readable)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_mixed_text_keeps_everything_but_devanagari(scheme):
    latin = "Met with @MIshaqDar50 today 😀 👨‍👩‍👧 — “critical minerals”, 26 July 2025!"
    assert romanize(latin, scheme) == latin
    out = romanize(f"{latin} पाकिस्तान के Ishaq Dar (26 जुलाई)।", scheme)
    assert out.startswith(latin + " ")
    assert " Ishaq Dar (26 " in out
    assert out.endswith(").")
    assert not DEVANAGARI.search(out)


def test_mixed_text_readable():
    text = "TRF ने 22 अप्रैल को जम्मू-कश्मीर के पहलगाम में हुए हमले की जिम्मेदारी ली थी।"
    assert romanize(text, "readable") == (
        "TRF ne 22 aprail ko jammu-kashmir ke pahalgam men hue hamle ki jimmedari li thi."
    )


def test_digits_danda_and_joiners():
    assert romanize("२६ जुलाई २०२५।", "readable") == "26 julai 2025."
    assert romanize("२६ जुलाई २०२५॥") == "26 julāī 2025."
    for scheme in SCHEMES:
        out = romanize("क्\u200dष क्\u200cष कॉ ऑ ॲ हँ ॐ ॰", scheme)
        assert not DEVANAGARI.search(out) and "\u200c" not in out and "\u200d" not in out, (scheme, out)


def test_iast_candra_vowels_and_chandrabindu():
    assert romanize("कॉलेज ऑफिस") == "kôleja ôphisa"
    assert romanize("हँसी") == unicodedata.normalize("NFC", "ham̐sī")


def test_unknown_scheme():
    with pytest.raises(ValueError, match="unknown romanization scheme"):
        romanize("पाकिस्तान", "klingon")


def test_romanize_article_leaves_no_devanagari():
    article = seed_article()
    for scheme in ("iast", "readable_iast"):
        out = romanize(article, scheme)
        assert not DEVANAGARI.search(out)
        letters = {ch for ch in out if ch.isalpha()}
        assert all("LATIN" in unicodedata.name(ch) for ch in letters), scheme
    for scheme in ("readable", "itrans", "hk"):
        out = romanize(article, scheme)
        assert not DEVANAGARI.search(out)
        assert set(out) - set(article) <= {chr(c) for c in range(128)}, scheme
    # the English paragraph is untouched
    english = "Met with Pakistani Deputy Prime Minister and Foreign Minister @MIshaqDar50 today"
    assert english in article and english in romanize(article, "readable")


# --- search keys ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latin", "hindi"),
    [("pakistan", "पाकिस्तान"), ("pahalgam", "पहलगाम"), ("ishaq dar", "ईशाक डार"), ("hindi", "हिंदी"),
     ("hindi", "हिन्दी"), ("kashmir", "कश्मीर"), ("srinagar", "श्रीनगर"), ("Qasim", "क़ासिम"), ("qasim", "कासिम"),
     ("ijaz", "एजाज़"), ("aijaz", "एजाज़"), ("sangh", "सङ्घ"), ("mumbai", "मुंबई"), ("India", "इंडिया")],
)  # fmt: skip
def test_search_key_is_shared_by_both_scripts(latin, hindi):
    assert search_key(latin) == search_key(hindi)


def test_search_key_format():
    assert search_key("Ishaq   DAR") == "ishk dar"
    assert search_key("पाकिस्तान") == "pkistn"
    assert search_key("  ") == ""
    assert search_key("ईशाक डार, पाकिस्तान।").isascii()


# --- find: required pairs, both directions ----------------------------------------------------------------

REQUIRED = [
    ("pakistan", "पाकिस्तान"),
    ("pahalgam", "पहलगाम"),
    ("ishaq dar", "ईशाक डार"),
    ("hindi", "हिंदी"),
    ("hindi", "हिन्दी"),
]
OTHERS = [
    ("kashmir", "कश्मीर"),
    ("lashkar", "लश्कर"),
    ("jaish", "जैश"),
    ("srinagar", "श्रीनगर"),
    ("delhi", "दिल्ली"),
    ("army", "आर्मी"),
    ("modi", "मोदी"),
    ("qasim", "क़ासिम"),
    ("qasim", "कासिम"),
    ("kasim", "क़ासिम"),
    ("ijaz", "एजाज़"),
    ("aijaz", "एजाज़"),
    ("ejaz", "एजाज"),
    ("sangh", "संघ"),
    ("sangh", "सङ्घ"),
    ("wazir", "वज़ीर"),
    ("vazir", "वजीर"),
    ("fauj", "फ़ौज"),
    ("phauj", "फ़ौज"),
    ("fauj", "फौज"),
    ("paakistaan", "पाकिस्तान"),
    ("noor", "नूर"),
    ("deewar", "दीवार"),
    ("mohammad", "मोहम्मद"),
    ("muhammad", "मोहम्मद"),
    ("umar", "उमर"),
    ("omar", "उमर"),
    ("singh", "सिंह"),
    ("mumbai", "मुंबई"),
    ("india", "इंडिया"),
    ("rubio", "रुबियो"),
    ("shehbaz sharif", "शहबाज़ शरीफ़"),
    ("hafiz saeed", "हाफ़िज़ सईद"),
    ("masood azhar", "मसूद अज़हर"),
    ("lashkar-e-taiba", "लश्कर-ए-तैयबा"),
    ("hizbul mujahideen", "हिज़्बुल मुजाहिदीन"),
    ("washington", "वाशिंगटन"),
    ("punjab", "पंजाब"),
    ("pākistān", "पाकिस्तान"),
]


@pytest.mark.parametrize(("latin", "hindi"), REQUIRED + OTHERS)
def test_latin_finds_devanagari_and_back(latin, hindi):
    text = f"खबर: {hindi}, और"
    assert matched(latin, text) == [hindi]
    text = f"News: {latin}, and"
    assert matched(hindi, text) == [latin]


@pytest.mark.parametrize(("latin", "hindi"), REQUIRED)
def test_required_pairs_are_exact_matches(latin, hindi):
    assert [m.score for m in find(latin, hindi)] == [1.0]
    assert [m.score for m in find(hindi, latin)] == [1.0]


def test_both_spellings_of_hindi():
    text = "हिंदी और हिन्दी दोनों"
    assert matched("hindi", text) == ["हिंदी", "हिन्दी"]
    assert matched("हिंदी", text) == ["हिंदी", "हिन्दी"]
    assert matched("हिन्दी", "Hindi news") == ["Hindi"]


@pytest.mark.parametrize(
    ("query", "text"),
    [("pakistan", "पहलगाम"), ("hindi", "हिंसा"), ("dar", "दिल्ली"), ("hindi", "हिंदू"), ("jaish", "जिस"),
     ("khan", "कहां"), ("khan", "खाना"), ("dar", "Dr"), ("modi", "मुद्दे"), ("sangh", "सिंह"), ("china", "चिंता"),
     ("delhi", "देखी"), ("lashkar", "लाकर"), ("army", "अमीर"), ("ishaq", "इसका"), ("pakistan", "पुलिस"),
     ("hamla", "मामला"), ("sarkar", "सरदार"), ("bharat", "Barratt"), ("mean", "में")],
)  # fmt: skip
def test_no_false_positives(query, text):
    assert find(query, text) == []
    assert find(text, query) == []


def test_multi_word_query_needs_every_word_in_order():
    assert find("ishaq dar", "ईशाक") == []
    assert find("ishaq dar", "डार ईशाक") == []
    assert find("ishaq dar", "ईशाक ने डार") == []
    assert matched("ishaq dar", "ईशाक डार ईशाक डार") == ["ईशाक डार", "ईशाक डार"]


def test_latin_is_case_insensitive():
    text = "PAKISTAN, Pakistan and pakistan"
    assert [m.score for m in find("pAkIsTaN", text)] == [1.0, 1.0, 1.0]
    assert matched("ISHAQ DAR", "Foreign Minister Ishaq Dar said") == ["Ishaq Dar"]


def test_devanagari_query_finds_english_text():
    text = "Rubio met Pakistan's Deputy PM Ishaq Dar in Washington; Pakistani officials..."
    assert matched("पाकिस्तान", text) == ["Pakistan", "Pakistani"]
    assert matched("ईशाक डार", text) == ["Ishaq Dar"]
    assert matched("वाशिंगटन", text) == ["Washington"]


def test_offsets_are_code_points_covering_whole_words():
    text = "😀 मुलाकात: अमेरिका-पाकिस्तान संवाद, पाकिस्तानी पक्ष"
    found = find("pakistan", text)
    assert [text[m.start : m.end] for m in found] == ["पाकिस्तान", "पाकिस्तानी"]
    assert found[0].start == text.index("पाकिस्तान")
    assert found[0].score == 1.0 > found[1].score >= 0.75


def test_words_keep_joiners_and_marks_whole():
    word = "क्\u200dषेत्र"  # with a ZWJ inside the conjunct
    text = f"◌ि {word}।"
    assert matched("kshetra", text) == [word]
    assert matched("क्षेत्र", text) == [word]


def test_results_best_first_then_by_position():
    text = "Pakistani पाकिस्तान pakistan पाकिस्तानी"
    assert [(m.start, m.score) for m in find("pakistan", text)] == [
        (10, 1.0),
        (20, 1.0),
        (0, 0.875),
        (29, 0.875),
    ]


def test_multi_word_score_is_the_mean():
    [m] = find("ishaq dar", "ईशाक डार")
    assert m.score == 1.0
    [m] = find("ishaq delhi", "ईशाक दिल्ली")
    assert m.score == pytest.approx((1.0 + find("delhi", "दिल्ली")[0].score) / 2, abs=1e-4)


def test_min_score():
    assert find("pakistan", "पाकिस्तानी", min_score=0.95) == []
    assert find("pakistan", "पाकिस्तानी", min_score=0.8)


def test_empty_query_and_text():
    assert find("", "पाकिस्तान") == []
    assert find(" — ", "पाकिस्तान") == []
    assert find("pakistan", "") == []


def test_match_is_frozen():
    m = Match(0, 3, 1.0)
    with pytest.raises(AttributeError):
        m.start = 1  # type: ignore[misc]


# --- rank -------------------------------------------------------------------------------------------------


def test_rank_orders_exact_above_near_and_drops_unrelated():
    docs = [
        ("unrelated", "पहलगाम में हमला हुआ। जम्मू-कश्मीर पुलिस ने जांच शुरू की।"),
        ("near", "पाकिस्तानी सेना ने बयान जारी किया।"),
        ("hindi", "विदेश मंत्री ने पाकिस्तान के साथ वार्ता की।"),
        ("english", "The foreign minister met his Pakistan counterpart."),
        ("also-unrelated", "Hindi news about Delhi."),
    ]
    ranked = rank("pakistan", docs)
    assert [k for k, _, _ in ranked] == ["hindi", "english", "near"]
    assert [s for _, s, _ in ranked] == [1.0, 1.0, 0.875]
    for key, _, matches in ranked:
        text = dict(docs)[key]
        assert all(text[m.start : m.end].lower().startswith(("पाकिस्तान", "pakistan")) for m in matches)


def test_rank_ties_go_to_more_matches_then_order():
    docs = [(1, "पाकिस्तान"), (2, "पाकिस्तान और Pakistan"), (3, "Pakistan")]
    assert [(k, len(ms)) for k, _, ms in rank("पाकिस्तान", docs)] == [(2, 2), (1, 1), (3, 1)]
    assert [k for k, _, _ in rank("पाकिस्तान", docs, limit=2)] == [2, 1]
    assert rank("pakistan", iter(docs), min_score=1.0)[0][0] == 2


def test_rank_multi_word_and_devanagari_query():
    docs = [("a", "Ishaq Dar arrived."), ("b", "ईशाक ने कहा; डार"), ("c", "विदेश मंत्री ईशाक डार")]
    assert [k for k, _, _ in rank("ईशाक डार", docs)] == ["a", "c"]
    assert rank("", docs) == []


# --- the seed article -------------------------------------------------------------------------------------


def test_find_every_pakistan_in_the_seed_article():
    article = seed_article()
    found = find("pakistan", article)
    spans = [article[m.start : m.end] for m in found]
    assert spans.count("पाकिस्तान") == article.count("पाकिस्तान") == 6
    whole_words = regex.findall(r"(?<![\p{L}\p{M}])पाकिस्तान(?![\p{L}\p{M}])", article)
    assert spans.count("पाकिस्तान") == len(whole_words)
    assert {"Pakistan", "Pakistani"} <= set(spans)
    assert all(m.score == 1.0 for m in found if article[m.start : m.end] == "पाकिस्तान")


def test_find_names_in_the_seed_article():
    article = seed_article()
    assert matched("ishaq dar", article) == ["ईशाक डार"] * 2
    assert matched("pahalgam", article) == ["पहलगाम"]
    assert matched("lashkar", article) == ["लश्कर"]
    assert matched("kashmir", article) == ["कश्मीर"]
    assert "Rubio" in matched("रुबियो", article)
