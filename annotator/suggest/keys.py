"""Match keys for Hindi (Devanagari), English and mixed text, shared by the gazetteer and the rules.

A text is cut into *units*: the words of :func:`annotator.text.tokenize`, with a hyphenated word
(``लश्कर-ए-तैयबा``, ``Pakistan-based``) cut at its hyphens, and every punctuation mark or symbol a unit of its
own. Whitespace between units is not a unit; a line break is a *barrier* no match crosses, and so are
URLs, @handles and #hashtags. A unit carries one or more keys, each in one of four key spaces (the first
character of the key says which):

``=`` surface
    Latin: case-folded, accents removed, ``’`` read as ``'``; an English possessive ``'s`` is not part of
    the unit (``Pakistan's`` is the unit ``Pakistan``). Devanagari (:func:`fold_devanagari`): ZWJ/ZWNJ and
    nukta removed (ज़/ज, फ़/फ, ड़/ड), chandrabindu read as anusvara (चाँद/चांद), and a nasal consonant with
    virama before a consonant read as anusvara (हिन्दी/हिंदी, पन्जाब/पंजाब). Punctuation is its own key.
``^`` acronym
    The capital letters of an acronym: a Latin word with two or more capitals and no two lower-case
    letters in a row (``NIA``, ``LeT``, ``JeM``, ``PoK``; a plural ``IEDs`` is ``IED``), or a Devanagari word
    that spells Latin letters by their Hindi names (``एनआईए`` = NIA, ``सीआरपीएफ`` = CRPF). Acronyms are
    compared by their letters only, so ``LeT`` matches ``LET`` and ``एलईटी`` but never the word ``let``: a
    text word of up to four letters that looks like an acronym gets this key only (``SWAT``, ``UP``, ``US``
    are not swat, up, us); a longer one also its surface key (``PAKISTAN`` in a headline). In a *name* a
    Devanagari acronym keeps its surface key (``पीएम`` does not match Latin ``PM``, often a time of day).
``~`` phonetic
    :func:`phonetic_key`: the cross-script search key of :mod:`annotator.text.romanization` (Latin and
    Devanagari spellings of a Hindi name meet: ``Pahalgam`` / ``पहलगाम`` → ``pahalgam``), with a glide
    ``y`` after a vowel dropped (``तैयबा`` / ``Taiba``). Not given to acronyms. The key says which script
    the text word is in (``~l`` Latin, ``~d`` Devanagari), so a gazetteer can decide per script what may
    match phonetically (in Hindi text vowel length tells words apart: ढका is not ढाका).
``#`` number
    Digits of any script as ASCII digits, separators kept (``२६`` = ``26``).

Pure Python; no Qt, no database.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

import regex

from annotator.text.segment import tokenize

__all__ = [
    "SEP",
    "Unit",
    "acronym_of_devanagari",
    "acronym_of_latin",
    "devanagari_acronym",
    "devanagari_from_latin",
    "fold_devanagari",
    "fold_latin",
    "has_devanagari",
    "phonetic_key",
    "readable_forms",
    "text_units",
    "unit_keys",
]

SEP = "\x1f"
"""Joins the keys of consecutive units into one lookup string."""

_NUKTA = "\u093c"
_VIRAMA = "\u094d"
_ANUSVARA = "\u0902"
_CANDRABINDU = "\u0901"
_ZW = "\u200c\u200d"
_HYPHENS = "-‐‑"

_DEVA_RE = regex.compile(r"[\u0900-\u097F\uA8E0-\uA8FF\u1CD0-\u1CFF]")
# a nasal consonant + virama before a consonant is an anusvara in other spellings (हिन्दी / हिंदी)
_NASAL_VIRAMA_RE = regex.compile(rf"[ङञणनम]{_VIRAMA}[{_ZW}]?(?=[\u0915-\u0939\u0958-\u095F\u0978-\u097F])")
_ZW_NUKTA = str.maketrans({_NUKTA: None, "\u200c": None, "\u200d": None, _CANDRABINDU: _ANUSVARA})
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "‐": "-", "‑": "-"})
_POSSESSIVE_RE = regex.compile(r"['’](?:s|S)?\Z")
_LATIN_LETTERS_RE = regex.compile(r"[A-Za-z]+")
_LOWER_RUN_RE = regex.compile(r"[a-z]{2}")
_HYPHEN_SPLIT_RE = regex.compile(f"[{_HYPHENS}]")
_Y_GLIDE_RE = regex.compile(r"(?<=[aeiou])y(?![aeiou])")
# digits of Devanagari, Bengali, Gurmukhi, Tamil, Sinhala and the Arabic script (Arabic-Indic and Urdu's)
_DIGITS = str.maketrans(
    {
        chr(zero + d): str(d)
        for zero in (0x0966, 0x09E6, 0x0A66, 0x0BE6, 0x0DE6, 0x0660, 0x06F0)
        for d in range(10)
    }
)
# Issue 20's other scripts and the tag of their phonetic keys (the tag's letter; Urdu's keys are consonants)
_OTHER_SCRIPTS_RE = regex.compile(
    r"[\u0980-\u09FF\u0A00-\u0A7F\u0B80-\u0BFF\u0D80-\u0DFF\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]"
)
PHONETIC_TAGS = ("~l", "~d", "~i", "~u")
"""Phonetic key spaces of text words by script: Latin, Devanagari, the other Indic scripts (Bengali,
Gurmukhi, Tamil, Sinhala: the same romanized keys, tagged apart), and Urdu (``~u``: consonants, see
:func:`urdu_key`)."""


def has_devanagari(s: str) -> bool:
    return _DEVA_RE.search(s) is not None


def script_tag(s: str) -> str:
    """The phonetic tag of a spelling's script (:data:`PHONETIC_TAGS`): Devanagari if it has any, else its
    first Bengali, Gurmukhi, Tamil, Sinhala (``~i``) or Arabic-script (``~u``) letter; ``~l`` otherwise."""
    if has_devanagari(s):
        return "~d"
    m = _OTHER_SCRIPTS_RE.search(s)
    if m is None:
        return "~l"
    o = ord(m.group())
    return "~u" if o < 0x0980 or o >= 0xFB50 else "~i"


def fold_other(s: str) -> str:
    """A Bengali, Gurmukhi, Tamil, Sinhala or Urdu spelling folded for matching
    (:func:`annotator.text.normalization.fold_for_matching`: Arabic-script letter variants, joiners...)."""
    from annotator.text.normalization import fold_for_matching

    return fold_for_matching(s)


@functools.lru_cache(maxsize=1 << 16)
def urdu_key(word: str) -> str:
    """The key an Urdu word and a word of another script meet by (``~u``): the consonants Urdu writes
    (:func:`annotator.text.romanization_urdu.skeleton` without its vowel letters): پاکستان, पाकिस्तान,
    Pakistan → ``pkstn``. ``""`` for a word without letters of its own."""
    from annotator.text.romanization import _consonants, _latin_consonants, _urdu_skeleton_of, _word_key

    key = _word_key(word)
    if key.script == "u":
        return _consonants(key.skel)
    if key.script == "l":
        return next((_latin_consonants(f) for f in key.spellings if f.isascii()), "")
    return _consonants(_urdu_skeleton_of(word))


def fold_devanagari(s: str) -> str:
    """Devanagari spelling variants folded together (see the module docstring); Latin letters case-folded."""
    s = unicodedata.normalize("NFC", s)  # precomposed nukta letters become base + nukta
    s = s.translate(_ZW_NUKTA)
    s = _NASAL_VIRAMA_RE.sub(_ANUSVARA, s)
    return s.casefold()


def fold_latin(s: str) -> str:
    """Case-folded, accents removed, curly quotes straightened."""
    s = unicodedata.normalize("NFKD", s.translate(_QUOTES))
    return "".join(ch for ch in s if not unicodedata.combining(ch)).casefold()


# --------------------------------------------------------------------------------------------------
# Acronyms
# --------------------------------------------------------------------------------------------------

# Hindi names of the Latin letters, as Hindi news writes acronyms (एनआईए = NIA); after fold_devanagari.
_LETTER_NAMES: dict[str, tuple[str, ...]] = {
    "A": ("ए",), "B": ("बी",), "C": ("सी",), "D": ("डी",), "E": ("ई",), "F": ("एफ",), "G": ("जी",),
    "H": ("एच",), "I": ("आई",), "J": ("जे",), "K": ("के",), "L": ("एल",), "M": ("एम",), "N": ("एन",),
    "O": ("ओ",), "P": ("पी",), "Q": ("क्यू",), "R": ("आर",), "S": ("एस",), "T": ("टी",), "U": ("यू",),
    "V": ("वी",), "W": ("डब्ल्यू", "डब्लू"), "X": ("एक्स",), "Y": ("वाई",), "Z": ("जेड",),
}  # fmt: skip
_NAME_TO_LETTER = {name: letter for letter, names in _LETTER_NAMES.items() for name in names}
_MAX_NAME = max(map(len, _NAME_TO_LETTER))


def acronym_of_latin(word: str) -> str | None:
    """The letters of a Latin acronym (``NIA``, ``LeT`` → ``LET``, ``IEDs`` → ``IED``), else None."""
    if not word.isascii() or not word.isalpha() or len(word) > 12:
        return None
    if len(word) > 2 and word[-1] == "s" and word[-2].isupper():
        word = word[:-1]  # IEDs, MoUs, MLAs: plurals of IED, MoU, MLA
    if sum(ch.isupper() for ch in word) < 2 or _LOWER_RUN_RE.search(word):
        return None
    return word.upper()


@functools.lru_cache(maxsize=1 << 14)
def acronym_of_devanagari(folded: str) -> str | None:
    """The Latin letters a (folded) Devanagari word spells by their Hindi names, at least two; else None."""
    n = len(folded)
    if n < 2 or n > 8 * _MAX_NAME:
        return None

    @functools.cache
    def parse(i: int) -> str | None:
        if i == n:
            return ""
        for k in range(min(_MAX_NAME, n - i), 0, -1):
            letter = _NAME_TO_LETTER.get(folded[i : i + k])
            if letter is not None:
                rest = parse(i + k)
                if rest is not None:
                    return letter + rest
        return None

    letters = parse(0)
    return letters if letters is not None and len(letters) >= 2 else None


def devanagari_acronym(letters: str) -> str:
    """An acronym's letters spelled in Devanagari the way Hindi news writes them: NIA → एनआईए."""
    return "".join(_LETTER_NAMES[ch][0] for ch in letters.upper() if ch in _LETTER_NAMES)


# --------------------------------------------------------------------------------------------------
# Phonetic keys
# --------------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1 << 17)
def phonetic_key(word: str) -> str:
    """A single word's cross-script key (``Pahalgam`` and ``पहलगाम`` → ``pahalgam``); ``""`` if it has none.

    Built on :func:`annotator.text.romanization.search_key` (readable romanization with Hindi schwa
    deletion, common romanization variants folded, ``e``/``i`` and ``o``/``u`` merged, a medial ``a``
    dropped), plus: a ``y`` after a vowel and before a consonant is dropped (``तैयबा`` = ``Taiba``).
    """
    from annotator.text.romanization import search_key  # loads the transliteration tables on first use

    key = search_key(word).replace(" ", "")
    if not key.isascii():
        return ""
    return _Y_GLIDE_RE.sub("", key)


# --------------------------------------------------------------------------------------------------
# Units
# --------------------------------------------------------------------------------------------------


class Unit(NamedTuple):
    start: int
    end: int
    keys: tuple[str, ...]  # () for a barrier


@functools.lru_cache(maxsize=1 << 17)
def unit_keys(part: str) -> tuple[str, ...]:
    """Every key a text word (one hyphen part, possessive removed) can be matched under."""
    if part.translate(_DIGITS).replace(",", "").replace(".", "").isdigit():
        return ("#" + part.translate(_DIGITS),)
    if has_devanagari(part):
        folded = fold_devanagari(part)
        keys = ["=" + folded]
        letters = acronym_of_devanagari(folded)
        if letters:
            keys.append("^" + letters)
        phon = phonetic_key(part)
        if phon:
            keys.append("~d" + phon)
        return tuple(keys)
    tag = script_tag(part)
    if tag != "~l":  # Bengali, Gurmukhi, Tamil, Sinhala, Urdu
        keys = ["=" + fold_other(part)]
        phon = urdu_key(part) if tag == "~u" else phonetic_key(part)
        if phon:
            keys.append(tag + phon)
        if tag == "~i":
            # every reading (Tamil's voiced and voiceless stops, Sinhala's final a), and the word without a
            # case ending written onto it: পাকিস্তানের (of Pakistan), පාකිස්තානය
            from annotator.text.romanization import _word_key, case_base

            base = case_base(part)
            if base:
                keys.append("=" + fold_other(base))
            for word in (part, base) if base else (part,):
                keys += [
                    tag + _Y_GLIDE_RE.sub("", loose) for loose, _ in _word_key(word).looses if loose.isascii()
                ]
        return tuple(dict.fromkeys(keys))
    letters = acronym_of_latin(part)
    if letters:
        if len(part) <= 4:
            return ("^" + letters,)  # SWAT, LeT, UP, US: acronyms, not the words swat, let, up, us
        return ("=" + fold_latin(part), "^" + letters)
    keys = ["=" + fold_latin(part)]
    if _LATIN_LETTERS_RE.fullmatch(part):
        phon = phonetic_key(part)
        if phon:
            keys.append("~l" + phon)
    return tuple(keys)


@functools.lru_cache(maxsize=1 << 16)
def entry_unit_keys(part: str, phonetic: bool = True) -> tuple[str, str | None]:
    """A name's unit as (exact key, phonetic key without its script tag, or None): acronyms and numbers
    have their one key. A Latin acronym (``NIA``) is keyed by its letters, so it also matches Devanagari
    ``एनआईए``; a Devanagari one (``पीएम``) only itself. ``phonetic=False`` skips the phonetic key."""
    if part.translate(_DIGITS).replace(",", "").replace(".", "").isdigit():
        return "#" + part.translate(_DIGITS), None
    if has_devanagari(part):
        # an acronym written in Devanagari (पीएम) is matched as written: Latin PM may be a time of day
        folded = fold_devanagari(part)
        if not phonetic or acronym_of_devanagari(folded) is not None:
            return "=" + folded, None
        return "=" + folded, phonetic_key(part) or None
    tag = script_tag(part)
    if tag != "~l":  # the other scripts: an Urdu word's romanized key meets no other script's
        return "=" + fold_other(part), (phonetic_key(part) or None) if phonetic and tag != "~u" else None
    letters = acronym_of_latin(part)
    if letters:
        return "^" + letters, None
    phon = phonetic_key(part) if phonetic and _LATIN_LETTERS_RE.fullmatch(part) else ""
    return "=" + fold_latin(part), phon or None


def script_forms(name: str, have: Iterable[str] = ()) -> tuple[str, ...]:
    """A Devanagari name spelled in Urdu, Bengali and Gurmukhi (each Devanagari run through
    :func:`annotator.text.romanization_urdu.from_devanagari` and
    :func:`annotator.text.romanization_indic.from_devanagari`), for the phonetic tags not in ``have``
    (a name written in Urdu already gets no generated Urdu): पाकिस्तान → پاکستان, পাকিস্তান, ਪਾਕਿਸਤਾਨ."""
    from annotator.text.romanization_indic import from_devanagari as indic
    from annotator.text.romanization_urdu import from_devanagari as urdu

    have = set(have)
    out: list[str] = []
    if "~u" not in have:  # the izafat -ए- as a zer on the word before it: لشکرِ تیبا
        out.append(_DEVA_RUN_RE.sub(lambda m: urdu(m.group()), name.replace("-ए-", "\u0650 ")))
    if "~i" not in have:
        for script in ("bengali", "gurmukhi"):

            def spell(m: regex.Match[str], script: str = script) -> str:
                return indic(m.group(), script)

            out.append(_DEVA_RUN_RE.sub(spell, name))
    return tuple(f for f in dict.fromkeys(out) if f and f != name)


_DEVA_RUN_RE = regex.compile(r"[\u0900-\u0963\u0966-\u097F]+")
_IZAFAT = frozenset(("e", "E", "ए", "ई", "i"))


@functools.lru_cache(maxsize=1 << 14)
def name_urdu_units(name: str) -> list[tuple[str, str | None]]:
    """A name's units as :func:`name_units` cuts them, each as (exact key, Urdu consonant key or None):
    what an entry without an Urdu spelling is matched by in Urdu text (``~u``)."""
    out: list[tuple[str, str | None]] = []
    for tok in tokenize(name):
        if tok.kind == "word":
            parts = _word_parts(name, tok.start, tok.end)
            for i, (s, e) in enumerate(parts):
                if 0 < i < len(parts) - 1 and name[s:e] in _IZAFAT:
                    continue  # लश्कर-ए-तैयबा: Urdu writes the izafat as a zer on the word, لشکرِ طیبہ
                exact, _ = entry_unit_keys(name[s:e], False)
                out.append((exact, None if exact[0] in "^#" else urdu_key(name[s:e]) or None))
        elif tok.kind == "number":
            out.append(entry_unit_keys(tok.text, False))
        else:
            out.append((_literal_key(tok.text), None))
    return out


def _literal_key(s: str) -> str:
    return "=" + unicodedata.normalize("NFKC", s.translate(_QUOTES)).casefold()


def _word_parts(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A word token's hyphen parts, each without a trailing possessive ``'s``."""
    word = text[start:end]
    parts = []
    pos = 0
    for piece in _HYPHEN_SPLIT_RE.split(word):
        s, e = start + pos, start + pos + len(piece)
        pos += len(piece) + 1
        m = _POSSESSIVE_RE.search(piece)
        if m is not None and m.start() > 0 and not has_devanagari(piece):
            e = s + m.start()
        if e > s:
            parts.append((s, e))
    return parts


def text_units(text: str) -> list[Unit]:
    """The units of ``text`` in order (see the module docstring), barriers included as keyless units."""
    units: list[Unit] = []
    append = units.append
    prev_end = 0
    for tok in tokenize(text):
        if tok.start - prev_end > 0 and "\n" in text[prev_end : tok.start]:
            append(Unit(prev_end, prev_end, ()))
        prev_end = tok.end
        kind = tok.kind
        if kind == "word":
            if "-" in tok.text or "‐" in tok.text or "‑" in tok.text or "'" in tok.text or "’" in tok.text:
                for s, e in _word_parts(text, tok.start, tok.end):
                    append(Unit(s, e, unit_keys(text[s:e])))
            else:
                append(Unit(tok.start, tok.end, unit_keys(tok.text)))
        elif kind == "number":
            append(Unit(tok.start, tok.end, unit_keys(tok.text)))
        elif kind in ("punct", "symbol"):
            append(Unit(tok.start, tok.end, (_literal_key(tok.text),)))
        else:  # url, handle, hashtag
            append(Unit(tok.start, tok.end, ()))
    return units


def name_units(name: str, phonetic: bool = True) -> list[tuple[str, str | None]]:
    """A gazetteer name's units as (exact key, untagged phonetic key or None); see :func:`entry_unit_keys`."""
    out: list[tuple[str, str | None]] = []
    for tok in tokenize(name):
        if tok.kind == "word":
            for s, e in _word_parts(name, tok.start, tok.end):
                out.append(entry_unit_keys(name[s:e], phonetic))
        elif tok.kind == "number":
            out.append(entry_unit_keys(tok.text, phonetic))
        else:
            out.append((_literal_key(tok.text), None))
    return out


# --------------------------------------------------------------------------------------------------
# Generated spellings
# --------------------------------------------------------------------------------------------------

# English spelling of a Hindi name → ITRANS, longest first.
_LATIN_CONSONANTS = (
    ("chh", "Ch"), ("ch", "ch"), ("sh", "sh"), ("kh", "kh"), ("gh", "gh"), ("th", "th"), ("dh", "dh"),
    ("ph", "ph"), ("bh", "bh"), ("jh", "jh"), ("ck", "k"), ("k", "k"), ("g", "g"), ("c", "k"), ("j", "j"),
    ("t", "t"), ("d", "d"), ("n", "n"), ("p", "p"), ("b", "b"), ("m", "m"), ("y", "y"), ("r", "r"),
    ("l", "l"), ("v", "v"), ("w", "v"), ("s", "s"), ("h", "h"), ("q", "q"), ("z", "z"), ("f", "f"),
    ("x", "ks"),
)  # fmt: skip
_LATIN_VOWELS = (
    ("aa", "A"), ("ee", "I"), ("oo", "U"), ("ai", "ai"), ("au", "au"), ("ou", "au"), ("a", "a"), ("i", "i"),
    ("u", "u"), ("e", "e"), ("o", "o"),
)  # fmt: skip
_LATIN_UNIT_RE = regex.compile("|".join(regex.escape(a) for a, _ in (*_LATIN_VOWELS, *_LATIN_CONSONANTS)))
_VOWEL_MAP = dict(_LATIN_VOWELS)
_CONSONANT_MAP = dict(_LATIN_CONSONANTS)
_KEEP_CLUSTER_FIRST = {"s", "sh", "n", "m"}  # सिस्तान, अनंत, मुंबई: written as conjuncts / anusvara
_KEEP_CLUSTER_SECOND = {"r", "y"}  # त्रिपुरा, विद्या


def _itrans_word(word: str) -> str:
    """A guess at the ITRANS of an English-spelled Hindi word: a final ``a``/``i``/``u`` is long, a final
    consonant keeps its (silent) inherent vowel, and two consonants meet as a conjunct only after
    s/sh/n/m, before r/y, when doubled, or at the start of the word; elsewhere the inherent vowel is
    written (Pahalgam → पहलगम)."""
    pieces = [m.group() for m in _LATIN_UNIT_RE.finditer(word)]
    out: list[str] = []
    for i, piece in enumerate(pieces):
        last = i == len(pieces) - 1
        if piece in _VOWEL_MAP:
            v = _VOWEL_MAP[piece]
            if last and v in ("a", "i", "u") and i > 0:
                v = v.upper()
            out.append(v)
            continue
        out.append(_CONSONANT_MAP[piece])
        nxt = pieces[i + 1] if not last else None
        if nxt is None:
            out.append("a")  # no virama at the end: the inherent vowel is silent in Hindi
        elif nxt in _CONSONANT_MAP and not (
            i == 0
            or piece == nxt
            or piece in _KEEP_CLUSTER_FIRST
            or nxt in _KEEP_CLUSTER_SECOND
            or (i > 0 and pieces[i - 1] in _CONSONANT_MAP)
        ):
            out.append("a")
    return "".join(out)


_LATIN_WORD_RE = regex.compile(r"[A-Za-z]+")


@functools.lru_cache(maxsize=1 << 15)
def devanagari_from_latin(name: str) -> str:
    """A Devanagari spelling of an English-spelled name, made with indic-transliteration (ITRANS).

    Acronyms are spelled by their Hindi letter names (NIA → एनआईए); other words go through a Hindi-aware
    ITRANS guess (:func:`_itrans_word`) and ``sanscript``. English spelling does not show vowel length or
    schwa, so this is a guess (Pahalgam → पहलगम, where Hindi writes पहलगाम): matching across scripts relies
    on the phonetic keys, which do not depend on it. Non-Latin characters are kept as they are.
    """
    from indic_transliteration import sanscript

    def word(m: regex.Match[str]) -> str:
        w = m.group()
        letters = acronym_of_latin(w) or (w if len(w) == 1 and w.isupper() else None)
        if letters:
            return devanagari_acronym(letters)
        return sanscript.transliterate(_itrans_word(fold_latin(w)), sanscript.ITRANS, sanscript.DEVANAGARI)

    return unicodedata.normalize("NFC", _LATIN_WORD_RE.sub(word, unicodedata.normalize("NFKD", name)))


@functools.lru_cache(maxsize=1 << 15)
def readable_forms(name: str) -> tuple[str, ...]:
    """Readable Latin spellings of a Devanagari name: :func:`annotator.text.romanization.romanize` in the
    ``readable`` scheme, with Hindi schwa deletion (``पहलगाम`` → ``pahalgam``, ``लश्कर-ए-तैयबा`` →
    ``lashkar-e-taiyba``)."""
    from annotator.text.romanization import romanize

    form = romanize(name, "readable")
    return (form,) if form and not has_devanagari(form) else ()
