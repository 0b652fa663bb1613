"""Which script and language a text is in, from counts of its letters: :func:`detect_script`.

South Asian security news comes in Hindi and Nepali (Devanagari), Urdu (Perso-Arabic, right to left),
Bengali and Assamese (Bengali script), Punjabi (Gurmukhi), Tamil, Sinhala and English. A document's
script is the one most of its letters and vowel signs are written in (digits, punctuation and spaces do
not count), with one exception: an English article quoting a line of Hindi is English, so Latin wins unless
another script has at least :data:`MIN_SHARE` of the letters (a Urdu article quoting an English tweet is
Urdu). Only the first :data:`SAMPLE_CHARS` characters are read: a 20 MB text costs what 20,000 do.

The language is the one the caller gives (an imported record's ``lang``: "ne", "npi", "nep-NP" … are
made ISO 639-1, "ne"; then the script is that language's, :data:`LANGUAGE_SCRIPT`, and the text is not
read, unless the language is written in two scripts in the region, as Punjabi and Sindhi are), else the
script's usual language in the region, told apart within a script by what only one language writes:

* Devanagari: Nepali when Nepali's own words and endings (छ, छन्, थियो, -हरू, -लाई, पनि, भएको, गरेको …,
  :data:`_NEPALI_MARKS`) occur more often than Hindi's (है, में, और, की, के, ने) in the sample, else
  Hindi. Marathi and other Devanagari languages are not told apart (they come out as Hindi unless a
  ``lang`` is given).
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
    "LANGUAGE_SCRIPT",
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
SAMPLE_CHARS = 1_000
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
#: The script a record's language is written in, where it has one script in the region: a record that
#: gives one of these languages is not read (Punjabi and Sindhi are written in Arabic script in Pakistan
#: and in Gurmukhi or Devanagari in India, Kashmiri in both: read).
LANGUAGE_SCRIPT = {
    "as": "Beng",
    "bn": "Beng",
    "en": "Latn",
    "gu": "Gujr",
    "hi": "Deva",
    "kn": "Knda",
    "ml": "Mlym",
    "mr": "Deva",
    "ne": "Deva",
    "or": "Orya",
    "ps": "Arab",
    "si": "Sinh",
    "ta": "Taml",
    "te": "Telu",
    "ur": "Arab",
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

#: What Nepali writes and Hindi does not, counted in the sample: the copula छ (at a sentence's end or
#: before a space), छन्, थियो, the plural -हरू, the dative -लाई, पनि ("also"), भएको, गरेको. Substrings,
#: counted by ``str.count`` (an import reads every document).
_NEPALI_MARKS = ("छ।", "छ ", "छन्", "थियो", "हरू", "लाई", "पनि", "भएको", "गरेको")
#: What Hindi writes and Nepali does not: है/हैं, में, और, the postposition की, the ergative ने.
_HINDI_MARKS = ("है", " में", " और ", " की ", " ने ")


def _nepali_score(sample: str) -> int:
    return sum(map(sample[:_WORDS_CHARS].count, _NEPALI_MARKS))


def _hindi_score(sample: str) -> int:
    return sum(map(sample[:_WORDS_CHARS].count, _HINDI_MARKS))


#: how much of a Devanagari text the function words are counted in
_WORDS_CHARS = 1000
_URDU_LETTERS = frozenset("ٹڈڑںےہھ")
_PASHTO_LETTERS = frozenset("ټډړښږځڅېۍ")
_SINDHI_LETTERS = frozenset("ڄڃڦڪڻ")
_PERSIAN_LETTERS = frozenset("پچژگکی")
_ASSAMESE_LETTERS = frozenset("ৰৱ")


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


def _byte_table(values: dict[int, int], default: int) -> bytes:
    """A ``bytes.translate`` table: ``values[i]`` for the byte values given, else ``default``."""
    return bytes(values.get(i, default) for i in range(256))


#: UTF-16 high byte (the 256-code-point page U+hh00–U+hhFF) → a page number below 64: Latin's pages 0–2 →
#: 0 and 1, Arabic's 06 and presentation forms FB–FE → 6, the Indic pages 09–0D as they are, others 63
_PAGE = _byte_table({0x00: 0, 0x01: 1, 0x02: 1, 0x06: 6, 0xFB: 6, 0xFC: 6, 0xFD: 6, 0xFE: 6}, 63)
_PAGE = bytes(h if 0x09 <= h <= 0x0D else _PAGE[h] for h in range(256))
#: UTF-16 low byte → two flags: 1 for the page's second half (≥ 0x80), 2 for a Latin letter's low byte
#: (A–Z, a–z, and Latin-1's letters À–ÿ but × and ÷)
_FLAGS = bytes(
    (1 if i >= 0x80 else 0)
    | (2 if 65 <= i <= 90 or 97 <= i <= 122 or (0xC0 <= i <= 0xFF and i not in (0xD7, 0xF7)) else 0)
    for i in range(256)
)
#: which packed keys (page × 4 + flags) count for which script
_KEYS = {
    "Latn": (0 * 4 + 2, 0 * 4 + 3, 1 * 4 + 0, 1 * 4 + 1, 1 * 4 + 2, 1 * 4 + 3),
    "Arab": (6 * 4 + 0, 6 * 4 + 1, 6 * 4 + 2, 6 * 4 + 3),
    **{
        script: (page * 4 + half, page * 4 + half + 2)
        for page, pair in (
            (0x09, ("Deva", "Beng")),
            (0x0A, ("Guru", "Gujr")),
            (0x0B, ("Orya", "Taml")),
            (0x0C, ("Telu", "Knda")),
            (0x0D, ("Mlym", "Sinh")),
        )
        for half, script in enumerate(pair)
    },
}


#: the scripts counted when a page is in the sample
_PAGE_SCRIPTS = (
    (0, ("Latn",)),
    (1, ("Latn",)),
    (6, ("Arab",)),
    (0x09, ("Deva", "Beng")),
    (0x0A, ("Guru", "Gujr")),
    (0x0B, ("Orya", "Taml")),
    (0x0C, ("Telu", "Knda")),
    (0x0D, ("Mlym", "Sinh")),
)


def script_counts(text: str, limit: int = SAMPLE_CHARS) -> Counter[str]:
    """How many code points of each script's blocks the first ``limit`` characters of ``text`` hold:
    Latin letters (Basic Latin, Latin-1, and all of Latin Extended-A/B), and every code point of the
    Arabic block (with the presentation forms), Devanagari, Bengali, Gurmukhi, Gujarati, Odia, Tamil,
    Telugu, Kannada, Malayalam and Sinhala blocks (their letters, signs, digits, and the danda in
    Devanagari's).

    Counted without a Python step per character (an import reads every document): the text's UTF-16
    bytes are split into high bytes (the 256-code-point page) and low bytes, each mapped by
    ``bytes.translate``, packed into one byte per character (page × 4 + flags) with one integer shift,
    and the keys counted with ``bytes.count``."""
    sample = text[:limit]
    counts: Counter[str] = Counter()
    if sample.isascii():
        letters = len(sample) - len(sample.translate(_NOT_ASCII_LETTER))
        if letters:
            counts["Latn"] = letters
        return counts
    units = sample.encode("utf-16-le")
    pages = units[1::2].translate(_PAGE)
    flags = units[0::2].translate(_FLAGS)
    n = len(pages)
    keys = ((int.from_bytes(pages) << 2) | int.from_bytes(flags)).to_bytes(n)
    for page, scripts in _PAGE_SCRIPTS:
        if page in pages:
            for script in scripts:
                found = sum(map(keys.count, _KEYS[script]))
                if found:
                    counts[script] = found
    return counts


#: str.translate table deleting the ASCII letters
_NOT_ASCII_LETTER = dict.fromkeys([*range(65, 91), *range(97, 123)])


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
    given = language_code(lang)
    if given in LANGUAGE_SCRIPT:
        return LANGUAGE_SCRIPT[given], given
    sample = text[:SAMPLE_CHARS]
    counts = script_counts(sample)
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
        return "ne" if _nepali_score(sample) > _hindi_score(sample) else "hi"
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
