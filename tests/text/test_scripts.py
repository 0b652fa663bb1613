"""detect_script: a text's script and language from counts of its letters."""

from __future__ import annotations

import pytest

from annotator.text.scripts import (
    SAMPLE_CHARS,
    detect_script,
    is_rtl_script,
    language_code,
    script_counts,
    script_of,
)
from tests.script_samples import ENGLISH, HINDI, NEPALI, SAMPLES, URDU, URDU_MIXED


@pytest.mark.parametrize(
    ("script", "language", "text"), SAMPLES, ids=[f"{s}-{lang}" for s, lang, _ in SAMPLES]
)
def test_samples(script, language, text):
    assert detect_script(text) == (script, language)


def test_mixed_lines_go_by_their_letters():
    # an Urdu article quoting an English tweet is Urdu, though the quote has many Latin letters
    assert detect_script(URDU_MIXED) == ("Arab", "ur")
    # an English report quoting a Hindi slogan is English; a Hindi one with English names is Hindi
    assert detect_script(ENGLISH + " नारा: भारत माता की जय") == ("Latn", "en")
    assert detect_script("पहलगाम में Lashkar-e-Taiba और The Resistance Front के हमले के बाद") == ("Deva", "hi")


def test_nepali_and_hindi_by_function_words():
    assert detect_script(NEPALI)[1] == "ne"
    assert detect_script(HINDI)[1] == "hi"
    # words both languages share (नेपाल, प्रहरी, सुरक्षा) decide nothing: Hindi, the usual
    assert detect_script("नेपाल प्रहरी सुरक्षा") == ("Deva", "hi")
    # a record's own language comes first, and gives the script
    assert detect_script(HINDI, "npi") == ("Deva", "ne")
    assert detect_script(NEPALI, "hi-IN") == ("Deva", "hi")
    assert detect_script(ENGLISH, "hi-en") == ("Deva", "hi")
    # Punjabi is written in Gurmukhi and (in Pakistan) in Arabic script: read
    assert detect_script("پنجاب پولیس نے لاہور وچ", "pa") == ("Arab", "pa")
    assert detect_script("ਪੰਜਾਬ ਪੁਲਿਸ", "pan") == ("Guru", "pa")


def test_arabic_script_languages():
    assert detect_script("کابل کې د پولیسو پر یوه پوسته برید وشو او درې کسان ووژل شول")[1] == "ps"
    assert detect_script("پولیس در کابل گفت که سه نفر کشته شدند")[1] == "fa"
    assert detect_script("قالت الشرطة إن ثلاثة أشخاص قتلوا")[1] == "ar"
    assert detect_script("ڪراچي ۾ پوليس چيو ته ٽي ماڻهو مارجي ويا")[1] == "sd"
    assert detect_script(URDU)[1] == "ur"


def test_nothing_to_go_by():
    assert detect_script("") == ("Zyyy", "und")
    assert detect_script("26/11 — 2025 !!! 🇮🇳") == ("Zyyy", "und")
    assert detect_script("— ... !", "sd") == ("Zyyy", "sd")
    assert detect_script("۱۲۳ ।")[0] == "Arab"  # Urdu digits are in the Arabic block


def test_only_the_sample_is_read():
    text = HINDI * (SAMPLE_CHARS // len(HINDI) + 1) + URDU * 10_000
    assert detect_script(text) == ("Deva", "hi")
    assert sum(script_counts(text).values()) <= SAMPLE_CHARS
    assert detect_script("x" * SAMPLE_CHARS + URDU) == ("Latn", "en")


def test_counts_by_block():
    assert script_counts("Hindi हिंदी، اردو বাংলা ਪੰਜਾਬੀ தமிழ் සිංහල Ünïcode") == {
        "Latn": 12,
        "Deva": 5,
        "Arab": 5,
        "Beng": 5,
        "Guru": 6,
        "Taml": 5,
        "Sinh": 5,
    }
    # presentation forms (old Urdu text converted from InPage) count as Arabic
    assert script_counts("\ufb8a\ufe8d\ufeb3") == {"Arab": 3}
    assert script_counts("") == {} and script_counts("26/11 !!!") == {}


def test_helpers():
    assert script_of("پ") == "Arab" and script_of("ক") == "Beng" and script_of("ੰ") == "Guru"
    assert script_of("ා") == "Sinh" and script_of("ா") == "Taml" and script_of("a") == "Latn"
    assert script_of("।") is None and script_of("5") is None and script_of("۵") is None
    assert language_code("urd") == "ur" and language_code(" BN_in ") == "bn" and language_code(None) == ""
    assert is_rtl_script("Arab") and not is_rtl_script("Deva")
