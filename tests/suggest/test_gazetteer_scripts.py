"""The gazetteer in Urdu, Bengali, Gurmukhi, Tamil and Sinhala text (issue 20): aliases written in those
scripts, spellings generated per script, phonetic matches across scripts, case endings written onto words."""

from __future__ import annotations

import unicodedata

from annotator.suggest.gazetteer import EXACT_SCORE, Gazetteer, default_gazetteer
from annotator.suggest.keys import script_forms, script_tag, unit_keys, urdu_key


def found(g: Gazetteer, text: str) -> list[tuple[str, str, float]]:
    text = unicodedata.normalize("NFC", text)
    return [(text[s.start : s.end], s.label, s.score) for s in g.find(text)]


def test_an_alias_written_in_urdu_matches_however_its_letters_were_typed():
    g = Gazetteer([("Karachi", "GPE", "", ["کراچی"])])
    # Arabic kaf and yeh (ك ي), as some keyboards type them, are Urdu's ک ی for matching
    assert found(g, "كراچي میں") == [("كراچي", "GPE", EXACT_SCORE)]
    assert found(g, "کراچی میں") == [("کراچی", "GPE", EXACT_SCORE)]


def test_a_hindi_entry_gets_urdu_bengali_and_gurmukhi_spellings():
    g = Gazetteer([("पाकिस्तान", "GPE")])
    assert g.variants(0) == ("पाकिस्तान", "pakistan", "پاکستان", "পাকিস্তান", "ਪਾਕਿਸਤਾਨ")
    generated = round(EXACT_SCORE - 0.1, 4)
    assert found(g, "پاکستان کی حکومت") == [("پاکستان", "GPE", generated)]
    assert found(g, "পাকিস্তান সরকার") == [("পাকিস্তান", "GPE", generated)]
    assert found(g, "ਪਾਕਿਸਤਾਨ ਸਰਕਾਰ") == [("ਪਾਕਿਸਤਾਨ", "GPE", generated)]
    assert script_forms("लाहौर") == ("لاہور", "লাহৌর", "ਲਾਹੌਰ")
    assert script_forms("लाहौर", {"~u"}) == ("লাহৌর", "ਲਾਹੌਰ")  # written in Urdu already


def test_a_latin_entry_matches_urdu_by_its_consonants_and_indic_scripts_by_its_romanized_key():
    g = Gazetteer([("Balochistan", "GPE"), ("Pakistan", "GPE")])
    phonetic = round(EXACT_SCORE - 0.2, 4)
    assert found(g, "صوبہ بلوچستان میں") == [("بلوچستان", "GPE", phonetic)]
    assert found(g, "பாகிஸ்தான் அரசு") == [("பாகிஸ்தான்", "GPE", phonetic)]
    assert found(g, "පාකිස්තානය") == [("පාකිස්තානය", "GPE", phonetic)]  # Sinhala's -ය ending


def test_the_izafat_is_a_zer_in_urdu():
    g = Gazetteer([("Lashkar-e-Taiba", "ARMED_GROUP")])
    assert found(g, "کالعدم لشکرِ طیبہ نے") == [("لشکرِ طیبہ", "ARMED_GROUP", round(EXACT_SCORE - 0.2, 4))]


def test_bengali_and_tamil_case_endings_written_onto_the_word():
    g = default_gazetteer()
    assert ("পাকিস্তানের", "GPE") in [(t, label) for t, label, _ in found(g, "পাকিস্তানের দিক থেকে")]
    assert ("சென்னையில்", "GPE") in [(t, label) for t, label, _ in found(g, "சென்னையில் மழை")]


def test_an_entry_written_in_a_script_is_not_matched_phonetically_in_it():
    """Where an entry gives its spelling in Urdu, only that spelling counts in Urdu text."""
    g = Gazetteer([("Lahore", "GPE", "", ["لاہور"])])
    assert found(g, "لہر") == []  # lahar (a wave): the same consonants, not the written spelling


def test_unit_keys_of_each_script():
    assert unit_keys("پاکستان") == ("=پاکستان", "~upkstn")
    assert unit_keys("পাকিস্তানের")[:2] == ("=পাকিস্তানের", "~ipkistnr")
    assert "~ipkistn" in unit_keys("পাকিস্তানের")  # and without the ending
    assert unit_keys("২২") == unit_keys("۲۲") == unit_keys("22") == ("#22",)
    assert [script_tag(s) for s in ("Lahore", "लाहौर", "لاہور", "লাহোর", "ਲਾਹੌਰ", "லாகூர்", "ලාහෝර්")] == [
        "~l", "~d", "~u", "~i", "~i", "~i", "~i",
    ]  # fmt: skip
    assert urdu_key("Pakistan") == urdu_key("पाकिस्तान") == urdu_key("پاکستان") == "pkstn"
