"""Which script and language a text is in, from counts of its letters: :func:`detect_script`.

South Asian security news comes in Hindi and Nepali (Devanagari), Urdu (Perso-Arabic, right to left),
Bengali and Assamese (Bengali script), Punjabi (Gurmukhi), Tamil, Sinhala and English. A document's
script is the one most of its letters and vowel signs are written in (digits, punctuation and spaces do
not count), with one exception: an English article quoting a line of Hindi is English, so Latin wins unless
another script has at least :data:`MIN_SHARE` of the letters (a Urdu article quoting an English tweet is
Urdu). Only the first :data:`SAMPLE_CHARS` characters are read: a 20 MB text costs what 20,000 do.

The language is the one the caller gives (an imported record's ``lang``: "ne", "npi", "nep-NP" … are
made ISO 639-1, "ne"), else the script's usual language in the region, told apart within a script by what
only one language writes:

* Devanagari: Nepali when Nepali's own function words (छ, छन्, थियो, गरेको, भएको, पनि, र, लाई …) outnumber
  Hindi's (है, हैं, था, के, की, में, और, से, ने …) in the sample, else Hindi. Marathi and other Devanagari
  languages are not told apart (they come out as Hindi unless a ``lang`` is given).
* Bengali script: Assamese when it has Assamese's own letters ৰ or ৱ, else Bengali.
* Arabic script: Urdu when it has Urdu's own letters (ٹ ڈ ڑ ں ے ہ ھ), unless Pashto's (ټ ډ ړ ښ ږ ځ څ ې ۍ) or
  Sindhi's (ڄ ڃ ڦ ڪ ڻ) are more; with none of those, Persian when it has پ چ ژ گ ک ی, else Arabic.
* Gurmukhi: Punjabi; Tamil script: Tamil; Sinhala script: Sinhala; Latin: English.

Script names are ISO 15924 codes (``Deva``, ``Arab``, ``Beng``, ``Guru``, ``Taml``, ``Sinh``, ``Latn`` …);
a text without letters is ``("Zyyy", "und")``. Pure Python; no Qt, no database.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections import Counter
from functools import cache

__all__ = [
    "LANGUAGE_NAMES",
    "MIN_SHARE",
    "RTL_SCRIPTS",
    "SAMPLE_CHARS",
    "SCRIPT_LANGUAGE",
    "SCRIPT_NAMES",
    "detect_script",
    "is_rtl_script",
    "language_code",
    "script_counts",
    "script_of",
]

#: how much of a text is read
SAMPLE_CHARS = 20_000
#: the share of letters a script other than Latin needs to be the text's script when Latin letters are more
MIN_SHARE = 0.3

#: (first code point, last code point, script) of the blocks whose letters are counted, sorted
_BLOCKS = (
    (0x0041, 0x005A, "Latn"),
    (0x0061, 0x007A, "Latn"),
    (0x00C0, 0x024F, "Latn"),
    (0x0600, 0x06FF, "Arab"),
    (0x0750, 0x077F, "Arab"),
    (0x0870, 0x08FF, "Arab"),
    (0x0900, 0x097F, "Deva"),
    (0x0980, 0x09FF, "Beng"),
    (0x0A00, 0x0A7F, "Guru"),
    (0x0A80, 0x0AFF, "Gujr"),
    (0x0B00, 0x0B7F, "Orya"),
    (0x0B80, 0x0BFF, "Taml"),
    (0x0C00, 0x0C7F, "Telu"),
    (0x0C80, 0x0CFF, "Knda"),
    (0x0D00, 0x0D7F, "Mlym"),
    (0x0D80, 0x0DFF, "Sinh"),
    (0x1CD0, 0x1CFF, "Deva"),
    (0x1E00, 0x1EFF, "Latn"),
    (0xA8E0, 0xA8FF, "Deva"),
    (0xFB50, 0xFDFF, "Arab"),
    (0xFE70, 0xFEFF, "Arab"),
)
_STARTS = [b[0] for b in _BLOCKS]

SCRIPT_NAMES = {
    "Arab": "Arabic",
    "Beng": "Bengali",
    "Deva": "Devanagari",
    "Gujr": "Gujarati",
    "Guru": "Gurmukhi",
    "Knda": "Kannada",
    "Latn": "Latin",
    "Mlym": "Malayalam",
    "Orya": "Odia",
    "Sinh": "Sinhala",
    "Taml": "Tamil",
    "Telu": "Telugu",
    "Zyyy": "none",
}
#: each script's usual language in South Asian news
SCRIPT_LANGUAGE = {
    "Arab": "ur",
    "Beng": "bn",
    "Deva": "hi",
    "Gujr": "gu",
    "Guru": "pa",
    "Knda": "kn",
    "Latn": "en",
    "Mlym": "ml",
    "Orya": "or",
    "Sinh": "si",
    "Taml": "ta",
    "Telu": "te",
    "Zyyy": "und",
}
LANGUAGE_NAMES = {
    "ar": "Arabic",
    "as": "Assamese",
    "bn": "Bengali",
    "en": "English",
    "fa": "Persian",
    "gu": "Gujarati",
    "hi": "Hindi",
    "kn": "Kannada",
    "ml": "Malayalam",
    "ne": "Nepali",
    "or": "Odia",
    "pa": "Punjabi",
    "ps": "Pashto",
    "sd": "Sindhi",
    "si": "Sinhala",
    "ta": "Tamil",
    "te": "Telugu",
    "ur": "Urdu",
    "und": "undetermined",
}
#: scripts written right to left
RTL_SCRIPTS = frozenset({"Arab"})

#: ISO 639-2/3 codes a record may give, as ISO 639-1
_THREE_LETTER = {
    "ara": "ar",
    "arb": "ar",
    "asm": "as",
    "ben": "bn",
    "eng": "en",
    "fas": "fa",
    "per": "fa",
    "guj": "gu",
    "hin": "hi",
    "kan": "kn",
    "mal": "ml",
    "nep": "ne",
    "npi": "ne",
    "ori": "or",
    "ory": "or",
    "pan": "pa",
    "pus": "ps",
    "pbu": "ps",
    "snd": "sd",
    "sin": "si",
    "tam": "ta",
    "tel": "te",
    "urd": "ur",
}

_NEPALI_WORDS = frozenset(
    "छ छन् छैन छैनन् थियो थिए थिइन् गरेको गरेका गरेकी भएको भएका भएकी गर्ने हुने रहेको रहेका पनि र लाई "
    "गरे गरेर भने भन्ने बताए गरिएको भयो हुन् यो त्यो उनी उनको उनले लागि".split()
)
_HINDI_WORDS = frozenset("है हैं था थे थी के की में और से ने गया गई गए किया कहा लिए यह वह भी पर".split())
_URDU_LETTERS = frozenset("ٹڈڑںےہھ")
_PASHTO_LETTERS = frozenset("ټډړښږځڅېۍ")
_SINDHI_LETTERS = frozenset("ڄڃڦڪڻ")
_PERSIAN_LETTERS = frozenset("پچژگکی")
_ASSAMESE_LETTERS = frozenset("ৰৱ")
_WORD_EDGE = "।॥.,;:!?\"'“”‘’()[]{}-–—…|"


def script_of(char: str) -> str | None:
    """The script of a letter or mark (``Deva``, ``Arab`` …), or None for anything else (digits,
    punctuation, spaces, symbols) and for letters of scripts not listed here."""
    return _script_of(char)


@cache
def _script_of(char: str) -> str | None:
    if unicodedata.category(char)[0] not in "LM":
        return None
    cp = ord(char)
    i = bisect_right(_STARTS, cp) - 1
    if i >= 0 and cp <= _BLOCKS[i][1]:
        return _BLOCKS[i][2]
    return None


def script_counts(text: str, limit: int = SAMPLE_CHARS) -> Counter[str]:
    """How many letters and marks of each script the first ``limit`` characters of ``text`` hold."""
    counts: Counter[str] = Counter()
    for char, n in Counter(text[:limit]).items():
        script = _script_of(char)
        if script is not None:
            counts[script] += n
    return counts


def language_code(lang: object) -> str:
    """A record's language as an ISO 639-1 code where there is one ("hin" → "hi", "ne-NP" → "ne",
    "Nepali" stays "nepali"); "" for nothing."""
    if not isinstance(lang, str):
        return ""
    code = lang.strip().replace("_", "-").split("-")[0].lower()
    return _THREE_LETTER.get(code, code)


def detect_script(text: str, lang: str | None = None) -> tuple[str, str]:
    """(script, language) of ``text``: see the module doc. ``lang``, when given (an imported record's
    language), is the language, made ISO 639-1 by :func:`language_code`."""
    sample = text[:SAMPLE_CHARS]
    counts = script_counts(sample)
    given = language_code(lang)
    if not counts:
        return "Zyyy", given or "und"
    total = sum(counts.values())
    others = [(n, script) for script, n in counts.items() if script != "Latn"]
    if others:
        n, script = max(others)
        if counts["Latn"] > n and n < MIN_SHARE * total:
            script = "Latn"
    else:
        script = "Latn"
    if given:
        return script, given
    return script, _language(script, sample)


def _language(script: str, sample: str) -> str:
    if script == "Deva":
        words = [w.strip(_WORD_EDGE) for w in sample.split()]
        nepali = sum(1 for w in words if w in _NEPALI_WORDS)
        hindi = sum(1 for w in words if w in _HINDI_WORDS)
        return "ne" if nepali > hindi else "hi"
    if script == "Beng":
        return "as" if any(c in sample for c in _ASSAMESE_LETTERS) else "bn"
    if script == "Arab":
        chars = Counter(sample)
        marks = {
            lang: sum(chars[c] for c in letters)
            for lang, letters in (("ur", _URDU_LETTERS), ("ps", _PASHTO_LETTERS), ("sd", _SINDHI_LETTERS))
        }
        best = max(marks, key=lambda k: (marks[k], k == "ur"))
        if marks[best]:
            return best
        return "fa" if any(chars[c] for c in _PERSIAN_LETTERS) else "ar"
    return SCRIPT_LANGUAGE.get(script, "und")


def is_rtl_script(script: str) -> bool:
    """Whether ``script`` (ISO 15924) is written right to left."""
    return script in RTL_SCRIPTS
