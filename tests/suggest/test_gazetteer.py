"""Gazetteer suggestions: spellings across scripts, Hindi variants, word boundaries, longest match, files."""

import unicodedata
from itertools import pairwise
from pathlib import Path

import pytest

from annotator.resources import resource_path
from annotator.schema import default_schema
from annotator.suggest import Suggestion
from annotator.suggest.gazetteer import (
    DEFAULT_GAZETTEER,
    Entry,
    Gazetteer,
    GazetteerError,
    default_gazetteer,
    read_entries,
)
from annotator.suggest.keys import name_units
from annotator.text import normalize

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
ENTITY_TYPES = frozenset(default_schema().assignable_entity_type_names)


def corpus(*parts: str) -> Path:
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared corpus file {path} not present (see shared/corpora/SOURCES.md)")
    return path


def spans(gazetteer: Gazetteer, text: str) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.label) for s in gazetteer.find(text)]


def surfaces(gazetteer: Gazetteer, text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.label) for s in gazetteer.find(text)]


# --- across scripts -----------------------------------------------------------------------------------


def test_one_latin_entry_matches_both_scripts():
    g = Gazetteer([("Lashkar-e-Taiba", "ARMED_GROUP")])
    text = "लश्कर-ए-तैयबा (Lashkar-e-Taiba) ने"
    assert spans(g, text) == [(0, 13, "ARMED_GROUP"), (15, 30, "ARMED_GROUP")]
    hindi, english = g.find(text)
    assert hindi.detail == english.detail == "Lashkar-e-Taiba"
    assert english.score == 0.9 and hindi.score == 0.7  # exact, then phonetic
    assert hindi.source == "gazetteer" and hindi.kind == "entity"


def test_devanagari_from_an_entry_written_in_latin():
    g = Gazetteer([("Pahalgam", "GPE")])
    assert spans(g, "पहलगाम में हमला") == [(0, 6, "GPE")]
    assert spans(g, "in PAHALGAM and pahalgam") == [(3, 11, "GPE"), (16, 24, "GPE")]


def test_latin_from_an_entry_written_in_devanagari():
    g = Gazetteer([("पहलगाम", "GPE")])
    assert spans(g, "attack in Pahalgam") == [(10, 18, "GPE")]
    assert "pahalgam" in g.variants(0)


def test_generated_variants():
    g = Gazetteer([("NIA", "ORG"), ("Jammu", "GPE"), ("लश्कर-ए-तैयबा", "ARMED_GROUP")])
    assert g.variants(0) == ("NIA", "एनआईए")
    assert g.variants(1) == ("Jammu", "जम्मू")
    assert g.variants(2)[:2] == ("लश्कर-ए-तैयबा", "lashkar-e-taiyba")
    assert g.variants(2)[2:] == ("لشکرِ تیبا", "লশ্কর-এ-তৈযবা", "ਲਸ਼ਕਰ-ਏ-ਤੈਯਬਾ")  # Urdu, Bengali, Gurmukhi
    assert spans(g, "एनआईए और NIA") == [(0, 5, "ORG"), (9, 12, "ORG")]


def test_shipped_entry_matches_both_scripts_exactly():
    g = default_gazetteer()
    text = "लश्कर-ए-तैयबा, Lashkar-e-Taiba, LeT, एलईटी"
    found = g.find(text)
    assert [(text[s.start : s.end], s.label, s.score) for s in found] == [
        ("लश्कर-ए-तैयबा", "ARMED_GROUP", 0.9),
        ("Lashkar-e-Taiba", "ARMED_GROUP", 0.9),
        ("LeT", "ARMED_GROUP", 0.9),
        ("एलईटी", "ARMED_GROUP", 0.9),
    ]
    assert {s.detail for s in found} == {"Lashkar-e-Taiba"}


# --- Hindi spelling variants ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "text"),
    [
        ("हिंदी", "हिन्दी"),  # anusvara / nasal consonant + virama
        ("हिन्दी", "हिंदी"),
        ("पंजाब", "पन्जाब"),
        ("चाँद", "चांद"),  # chandrabindu / anusvara
        ("कुपवाड़ा", "कुपवाडा"),  # nukta / none
        ("फ़िरोज़पुर", "फिरोजपुर"),
        ("फिरोजपुर", "फ़िरोज़पुर"),
        ("क्षेत्र", "क्\u200dषेत्र"),  # ZWJ ignored
        ("कश्मीर", "कश्\u200cमीर"),  # ZWNJ ignored
    ],
)
def test_hindi_spelling_variants(written, text):
    g = Gazetteer([(written, "GPE")])
    assert spans(g, f"{text} में") == [(0, len(text), "GPE")]


def test_precomposed_nukta_letters_and_offsets_into_the_text_as_given():
    g = Gazetteer([("कुपवाड़ा", "GPE")])
    text = "ज़िला \u0915\u0941\u092a\u0935\u093e\u095c\u093e में"  # U+095C, not NFC
    assert not unicodedata.is_normalized("NFC", text)
    [s] = g.find(text)
    assert text[s.start : s.end] == "\u0915\u0941\u092a\u0935\u093e\u095c\u093e"


# --- boundaries and longest match -------------------------------------------------------------------------


def test_never_inside_a_word():
    # decided: a longer word is another word (Delhiwala, पहलगामी "of Pahalgam"); the possessive is not
    g = Gazetteer([("Delhi", "GPE", "", "दिल्ली"), ("Pahalgam", "GPE", "", "पहलगाम")])
    assert spans(g, "Delhiwala, पहलगामी, NewDelhi, दिल्लीवाले") == []
    assert surfaces(g, "Delhi's police, पहलगाम के") == [("Delhi", "GPE"), ("पहलगाम", "GPE")]


def test_hyphenated_names_and_compounds():
    g = Gazetteer([("Pakistan", "GPE", "", "पाकिस्तान"), ("America", "GPE", "", "अमेरिका"), ("Jammu", "GPE")])
    assert surfaces(g, "पाकिस्तान-आधारित संगठन, अमेरिका-पाकिस्तान संवाद, Pakistan-based") == [
        ("पाकिस्तान", "GPE"),
        ("अमेरिका", "GPE"),
        ("पाकिस्तान", "GPE"),
        ("Pakistan", "GPE"),
    ]


def test_longest_match_wins_and_nothing_overlaps():
    g = Gazetteer(
        [("Jammu", "GPE"), ("Kashmir", "GPE"), ("Jammu and Kashmir", "GPE", "", "जम्मू-कश्मीर"),
         ("Jammu and Kashmir Police", "ORG")]
    )  # fmt: skip
    text = "Jammu and Kashmir, Jammu, Jammu and Kashmir Police, जम्मू-कश्मीर, जम्मू कश्मीर"
    assert surfaces(g, text) == [
        ("Jammu and Kashmir", "GPE"),
        ("Jammu", "GPE"),
        ("Jammu and Kashmir Police", "ORG"),
        ("जम्मू-कश्मीर", "GPE"),
        ("जम्मू कश्मीर", "GPE"),  # hyphen and space are interchangeable
    ]


def test_no_match_across_a_line_break_or_punctuation():
    g = Gazetteer([("Jammu and Kashmir", "GPE"), ("New Delhi", "GPE")])
    assert spans(g, "Jammu and\nKashmir; New, Delhi") == []


def test_acronyms_by_their_letters_only():
    g = Gazetteer([("Lashkar-e-Taiba", "ARMED_GROUP", "", "LeT"), ("Swat", "GPE")])
    text = "LeT and LET and एलईटी; let us go. Let it be. SWAT team in Swat"
    assert surfaces(g, text) == [
        ("LeT", "ARMED_GROUP"),
        ("LET", "ARMED_GROUP"),
        ("एलईटी", "ARMED_GROUP"),
        ("Swat", "GPE"),
    ]


def test_devanagari_acronym_matches_as_written():
    g = Gazetteer([("Prime Minister", "TITLE", "", "पीएम")])
    assert surfaces(g, "पीएम मोदी at 5 PM") == [("पीएम", "TITLE")]


def test_phonetic_matching_only_where_no_spelling_is_written():
    # ढाका is written, so Devanagari text must match it exactly: ढका ("covered") is another word
    g = Gazetteer([("Dhaka", "GPE", "", "ढाका"), ("Riyadh", "GPE"), ("Islamabad", "GPE")])
    assert surfaces(g, "ढका हुआ; ढाका में") == [("ढाका", "GPE")]
    # Latin is written for Riyadh and Islamabad: English words that sound alike do not match; Devanagari does
    assert surfaces(g, "read the policy; इस्लामाबाद में") == [("इस्लामाबाद", "GPE")]


def test_source_score_kind_and_detail():
    g = Gazetteer.from_entries(
        [("सेना", "ORG"), Entry("Indian Army", "ORG", "Indian Army (IA)", ("भारतीय सेना",))],
        source="propagation",
        score=0.7,
    )
    assert g.find("भारतीय सेना और सेना") == [
        Suggestion(0, 11, "ORG", "entity", "propagation", 0.7, "Indian Army (IA)"),
        Suggestion(15, 19, "ORG", "entity", "propagation", 0.7, "सेना"),
    ]
    events = Gazetteer([("हमला", "ATTACK")], kind="event", phonetic=False, generate=False)
    assert [(s.kind, s.label) for s in events.find("हमला हुआ")] == [("event", "ATTACK")]


def test_canonical_name_is_detail_not_a_spelling():
    g = Gazetteer([("मेजर", "TITLE", "Major")])
    assert spans(g, "a major attack") == []
    assert [s.detail for s in g.find("मेजर राणा")] == ["Major"]


def test_entries_are_checked():
    with pytest.raises(GazetteerError, match=r"unknown label 'GEP'.*did you mean 'GPE'"):
        Gazetteer([("Pahalgam", "GEP")], allowed_labels=ENTITY_TYPES)
    with pytest.raises(GazetteerError, match="no letters or digits"):
        Gazetteer([("---", "GPE")])
    with pytest.raises(GazetteerError, match="expected an Entry"):
        Gazetteer([("Pahalgam",)])
    lenient = Gazetteer.from_entries([("?", "GPE"), ("Pahalgam", "GPE"), ("Uri", "")])  # skips bad ones
    assert [e.name for e in lenient.entries] == ["Pahalgam"]
    assert lenient.skipped == ["entry 1: '?' has no letters or digits", "entry 3: no label"]
    with pytest.raises(GazetteerError, match="no label"):
        Gazetteer.from_entries([("Uri", "")], skip_invalid=False)


def test_default_gazetteer_keeps_the_labels_a_project_has():
    without_weapons = default_gazetteer(frozenset(ENTITY_TYPES - {"WEAPON"}))
    assert {e.label for e in without_weapons.entries} == {"GPE", "LOC", "FAC", "ORG", "ARMED_GROUP", "TITLE"}
    assert surfaces(without_weapons, "IED से हमला, पुलिस") == [("पुलिस", "ORG")]
    assert surfaces(default_gazetteer(), "IED से हमला") == [("IED", "WEAPON")]


# --- files ------------------------------------------------------------------------------------------------


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_tsv_and_csv_files(tmp_path):
    tsv = write(
        tmp_path,
        "g.tsv",
        "# a comment\nname\tlabel\tcanonical\taliases\nPahalgam\tGPE\t\tपहलगाम|Pahalgām\n\nLeT\tARMED_GROUP\t"
        "Lashkar-e-Taiba\nTRF\tARMED_GROUP\n",
    )
    assert read_entries(tsv) == [
        Entry("Pahalgam", "GPE", "", ("पहलगाम", "Pahalgām")),
        Entry("LeT", "ARMED_GROUP", "Lashkar-e-Taiba"),
        Entry("TRF", "ARMED_GROUP"),
    ]
    csv = write(tmp_path, "g.csv", 'name,label,aliases,note\n"Jammu and Kashmir, UT",GPE,J&K|जम्मू-कश्मीर,x\n')
    [entry] = read_entries(csv)
    assert entry == Entry("Jammu and Kashmir, UT", "GPE", "", ("J&K", "जम्मू-कश्मीर"))
    g = Gazetteer.load(tsv, csv, allowed_labels=ENTITY_TYPES)
    assert surfaces(g, "J&K के पहलगाम में LeT") == [("J&K", "GPE"), ("पहलगाम", "GPE"), ("LeT", "ARMED_GROUP")]


def test_bad_lines_are_reported_with_file_and_line(tmp_path):
    path = write(
        tmp_path,
        "bad.tsv",
        "name\tlabel\tcanonical\taliases\n"
        "Pahalgam\tGPE\t\t\n"  # 2: fine
        "\tGPE\n"  # 3: no name
        "Sopore\n"  # 4: no label
        "Uri\tGEP\n"  # 5: unknown label
        "Tral\tGPE\t\tत्राल||Traal\n"  # 6: empty alias
        "Doda\tGPE\tDoda\tडोडा\textra\n",  # 7: too many fields
    )
    with pytest.raises(GazetteerError) as caught:
        read_entries(path, allowed_labels=ENTITY_TYPES)
    problems = caught.value.problems
    assert [p.split(": ", 1)[0] for p in problems] == [f"{path}:{n}" for n in (3, 4, 5, 6, 7)]
    assert "no name" in problems[0]
    assert "no label" in problems[1]
    assert "unknown label 'GEP'" in problems[2] and "did you mean 'GPE'" in problems[2]
    assert "empty alias" in problems[3]
    assert "5 fields but the header has 4" in problems[4]
    assert str(caught.value).count("\n") == 4


def test_bad_header_and_encoding(tmp_path):
    with pytest.raises(GazetteerError, match=r"bad.tsv:2: bad header \(unknown column\(s\) 'alias'\)"):
        read_entries(write(tmp_path, "bad.tsv", "# x\nname\tlabel\talias\nA\tGPE\tB\n"))
    with pytest.raises(GazetteerError, match="no 'label' column"):
        read_entries(write(tmp_path, "nolabel.tsv", "name\taliases\n"))
    latin1 = tmp_path / "latin1.tsv"
    latin1.write_bytes("name\tlabel\nMüller\tPER\n".encode("latin-1"))
    with pytest.raises(GazetteerError, match=r"latin1.tsv: byte \d+"):
        read_entries(latin1)
    with pytest.raises(GazetteerError, match="cannot read"):
        read_entries(tmp_path / "missing.tsv")


# --- the shipped gazetteer ------------------------------------------------------------------------------


def test_shipped_file_is_nfc_sorted_licensed_and_valid():
    path = resource_path(*DEFAULT_GAZETTEER)
    text = path.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text) and "\r" not in text
    comments = [line for line in text.splitlines() if line.startswith("#")]
    assert any("Apache-2.0" in line for line in comments)
    entries = read_entries(path, allowed_labels=ENTITY_TYPES)
    keys = [(e.label, e.name.casefold(), e.name) for e in entries]
    assert keys == sorted(keys)
    counts = {label: sum(e.label == label for e in entries) for label in ENTITY_TYPES}
    assert len(entries) >= 300
    assert all(counts[label] > 0 for label in ("GPE", "LOC", "FAC", "ORG", "ARMED_GROUP", "TITLE", "WEAPON"))
    for entry in entries:  # both scripts for every entry (the English name of मेजर is its canonical name,
        # "Major", which is no spelling: the English word "major" is an adjective)
        assert any(not n.isascii() for n in entry.spellings), entry
        assert any(n.isascii() for n in entry.spellings) or entry.name == "मेजर", entry


def test_shipped_spellings_never_name_two_labels():
    entries = read_entries(resource_path(*DEFAULT_GAZETTEER))
    labels: dict[tuple[str, ...], set[str]] = {}
    for entry in entries:
        for spelling in entry.spellings:
            key = tuple(exact for exact, _ in name_units(spelling, phonetic=False))
            labels.setdefault(key, set()).add(entry.label)
    assert {k: v for k, v in labels.items() if len(v) > 1} == {}


def test_shipped_gazetteer_on_the_seed_article():
    text = normalize(corpus("seed-article", "hindi-news-us-pakistan-meeting.txt").read_text(encoding="utf-8"))
    found = default_gazetteer(ENTITY_TYPES).find(text)
    assert all(a.end <= b.start for a, b in pairwise(found))  # sorted, no overlaps
    got = [(text[s.start : s.end], s.label, s.detail) for s in found]
    for expected in [
        ("अमेरिका", "GPE", "United States"),
        ("विदेश मंत्री", "TITLE", "Foreign Minister"),
        ("उप प्रधानमंत्री", "TITLE", "Deputy Prime Minister"),
        ("वाशिंगटन", "GPE", "Washington"),
        ("Deputy Prime Minister", "TITLE", "Deputy Prime Minister"),
        ("अमेरिकी विदेश विभाग", "ORG", "US State Department"),
        ("प्रवक्ता", "TITLE", "Spokesperson"),
        ("इस्लामाबाद", "GPE", "Islamabad"),
        ("संयुक्त राष्ट्र सुरक्षा परिषद", "ORG", "UN Security Council"),
        ("UNSC", "ORG", "UN Security Council"),
        ("लश्कर-ए-तैयबा", "ARMED_GROUP", "Lashkar-e-Taiba"),
        ("LeT", "ARMED_GROUP", "Lashkar-e-Taiba"),
        ("द रेसिस्टेंस फ्रंट", "ARMED_GROUP", "The Resistance Front"),
        ("TRF", "ARMED_GROUP", "The Resistance Front"),
        ("जम्मू-कश्मीर", "GPE", "Jammu and Kashmir"),
        ("पहलगाम", "GPE", "Pahalgam"),
        ("CPI(M)", "ORG", "Communist Party of India (Marxist)"),
        ("गाज़ा", "GPE", "Gaza"),
    ]:
        assert expected in got
    first = found[0]
    assert (first.start, first.end, first.label) == (0, 7, "GPE")  # अमेरिका, the first word
    # "अमेरिका-पाकिस्तान आतंकवाद निरोधक संवाद": both halves of the compound
    i = text.index("अमेरिका-पाकिस्तान")
    assert (i, i + 7, "GPE") in [(s.start, s.end, s.label) for s in found]
    assert (i + 8, i + 17, "GPE") in [(s.start, s.end, s.label) for s in found]
    assert "अमेरिकी" not in [text[s.start : s.end] for s in found]  # the adjective is another word
