"""Romanization of Devanagari and cross-script (Devanagari ↔ Latin) word search.

Display romanization
--------------------
:func:`romanize` transliterates the Devanagari runs of a text and leaves everything else (Latin text, digits,
punctuation, whitespace, emoji) untouched, so mixed Hindi-English text reads naturally. Schemes:

``"iast"``, ``"itrans"``, ``"hk"``
    Scholarly schemes, done by ``indic_transliteration.sanscript``. They keep the inherent vowel everywhere
    (पहलगाम → ``pahalagāma``). Candra vowels, which sanscript does not know, follow ISO 15919 in IAST
    (कॉलेज → ``kôleja``) and become plain ``o``/``e`` in ITRANS and HK; chandrabindu is ``m̐`` in IAST.
``"readable"``
    Plain-ASCII Hindi reading form with Hindi schwa deletion, spelled the way Indian English news spells
    names: पहलगाम → ``pahalgam``, पाकिस्तान → ``pakistan``, हिंदी → ``hindi``, सिंह → ``singh``.
``"readable_iast"``
    The same pronunciation with IAST letters: पहलगाम → ``pahalgām``, हिंदी → ``hindī``, ज़ोर → ``zor``,
    पढ़ना → ``paṛhnā``. Anusvara before a consonant is written as the nasal it is pronounced as (संघ →
    ``saṅgh``, in ``readable`` सिंह → ``singh``), elsewhere ``ṃ`` (में → ``meṃ``; ``men`` in ``readable``);
    chandrabindu is a tilde over the vowel (हूँ → ``hū̃``).

In every scheme Devanagari digits become ASCII digits and the danda ``।`` and double danda ``॥`` become ``.``
(Hindi uses the danda as its full stop, so a period reads naturally in Latin script).

Schwa deletion (``readable`` schemes) follows the usual Hindi rules: a word-final inherent ``a`` is dropped
unless it is the word's only vowel or follows a cluster ending in य/र/ल (मंत्र → ``mantra``, राज्य → ``rajya``)
or is the ``-iya`` ending (भारतीय → ``bhartiya``); then, right to left, an inherent ``a`` in the context
vowel-consonant-_-consonant-vowel is dropped (सरकार → ``sarkar``, बदलना → ``badalna``). A nasalised ``a``
is never dropped. Compounds are beyond these rules: श्रीनगर reads ``shringar``.

Cross-script search
-------------------
:func:`search_key` maps Latin and Devanagari words into one lowercase-ASCII phonetic key space; :func:`find`
locates a (one or more word) query in a text, :func:`rank` ranks documents. Both sides of a comparison go
through the same folding, so a Latin query finds Devanagari text, a Devanagari query finds Latin text, and
Latin finds Latin regardless of case and common romanization variants. See :func:`find` for the scoring.
"""

from __future__ import annotations

import functools
import itertools
import unicodedata
from collections.abc import Callable, Iterable
from typing import NamedTuple, TypeVar

import regex

__all__ = ["SCHEMES", "Match", "find", "rank", "romanize", "search_key"]

K = TypeVar("K")

SCHEMES = ("iast", "itrans", "hk", "readable", "readable_iast")
"""The romanization schemes :func:`romanize` accepts."""

# ---------------------------------------------------------------------------------------------------------
# Devanagari parsing (shared by the readable schemes and the search keys)
# ---------------------------------------------------------------------------------------------------------

_VIRAMA = "\u094d"
_NUKTA = "\u093c"
_ANUSVARA = "\u0902"
_CANDRABINDU = "\u0901"
_VISARGA = "\u0903"
_ZW = "\u200c\u200d"

# Consonant → (readable ASCII, readable IAST).
_CONSONANTS: dict[str, tuple[str, str]] = {
    "क": ("k", "k"), "ख": ("kh", "kh"), "ग": ("g", "g"), "घ": ("gh", "gh"), "ङ": ("n", "ṅ"),
    "च": ("ch", "c"), "छ": ("chh", "ch"), "ज": ("j", "j"), "झ": ("jh", "jh"), "ञ": ("n", "ñ"),
    "ट": ("t", "ṭ"), "ठ": ("th", "ṭh"), "ड": ("d", "ḍ"), "ढ": ("dh", "ḍh"), "ण": ("n", "ṇ"),
    "त": ("t", "t"), "थ": ("th", "th"), "द": ("d", "d"), "ध": ("dh", "dh"), "न": ("n", "n"),
    "प": ("p", "p"), "फ": ("ph", "ph"), "ब": ("b", "b"), "भ": ("bh", "bh"), "म": ("m", "m"),
    "य": ("y", "y"), "र": ("r", "r"), "ल": ("l", "l"), "ळ": ("l", "ḷ"), "व": ("v", "v"),
    "श": ("sh", "ś"), "ष": ("sh", "ṣ"), "स": ("s", "s"), "ह": ("h", "h"),
    # Sindhi implosives, Marwari dda and other rare letters
    "ॻ": ("g", "g"), "ॼ": ("j", "j"), "ॾ": ("d", "ḍ"), "ॿ": ("b", "b"), "ॸ": ("d", "ḍ"),
    "ॹ": ("z", "z"), "ॺ": ("y", "y"),
}  # fmt: skip
# Consonant + nukta (the precomposed letters U+0958..U+095F decompose to these under NFD).
_NUKTA_FORMS: dict[str, tuple[str, str]] = {
    "क": ("q", "q"), "ख": ("kh", "k͟h"), "ग": ("gh", "ġ"), "ज": ("z", "z"), "झ": ("zh", "zh"),
    "ड": ("r", "ṛ"), "ढ": ("rh", "ṛh"), "फ": ("f", "f"), "य": ("y", "ẏ"), "न": ("n", "ṉ"),
    "र": ("r", "ṟ"), "ळ": ("l", "ḻ"), "स": ("sh", "ś"),  # स़: Gurmukhi ਸ਼ (ਸ + nukta)
}  # fmt: skip
# Vowel id → (readable ASCII, readable IAST); "a" is the inherent vowel.
_VOWELS: dict[str, tuple[str, str]] = {
    "a": ("a", "a"), "aa": ("a", "ā"), "i": ("i", "i"), "ii": ("i", "ī"), "u": ("u", "u"), "uu": ("u", "ū"),
    "r": ("ri", "ri"), "rr": ("ri", "rī"), "l": ("li", "li"), "ll": ("li", "lī"), "e": ("e", "e"),
    "ai": ("ai", "ai"), "o": ("o", "o"), "au": ("au", "au"), "ce": ("e", "ê"), "co": ("o", "ô"),
}  # fmt: skip
_INDEPENDENT_VOWELS = {
    "अ": "a", "आ": "aa", "इ": "i", "ई": "ii", "उ": "u", "ऊ": "uu", "ऋ": "r", "ॠ": "rr", "ऌ": "l", "ॡ": "ll",
    "ए": "e", "ऐ": "ai", "ओ": "o", "औ": "au", "ऍ": "ce", "ऑ": "co", "ऎ": "e", "ऒ": "o", "ऄ": "a", "ॲ": "ce",
}  # fmt: skip
_MATRAS = {
    "ा": "aa", "ि": "i", "ी": "ii", "ु": "u", "ू": "uu", "ृ": "r", "ॄ": "rr", "ॢ": "l", "ॣ": "ll", "े": "e",
    "ै": "ai", "ो": "o", "ौ": "au", "ॅ": "ce", "ॉ": "co", "ॆ": "e", "ॊ": "o", "ॏ": "au", "ॖ": "u", "ॗ": "uu",
    "ऺ": "e", "ऻ": "ii",
}  # fmt: skip
_LITERALS: dict[str, tuple[str, str]] = {
    **{chr(0x0966 + d): (str(d), str(d)) for d in range(10)},
    "ॐ": ("om", "oṃ"),
    "ऽ": ("", "'"),
    "॰": (".", "."),
    "।": (".", "."),
    "॥": (".", "."),
}
# Anusvara is pronounced as the nasal of the following consonant's place of articulation.
_PLACE = {
    **dict.fromkeys("कखगघङ", ("n", "ṅ")),
    **dict.fromkeys("चछजझञ", ("n", "ñ")),
    **dict.fromkeys("टठडढण", ("n", "ṇ")),
    **dict.fromkeys("तथदधन", ("n", "n")),
    **dict.fromkeys("पफबभम", ("m", "m")),
    "ह": ("ng", "ṃ"),  # सिंह → "singh", the standard English spelling
}
_CLUSTER_FINAL_KEEPS_SCHWA = frozenset("यरल")


def _is_devanagari(ch: str) -> bool:
    return "\u0900" <= ch <= "\u097f" or "\ua8e0" <= ch <= "\ua8ff" or "\u1cd0" <= ch <= "\u1cff"


class _Seg:
    """One orthographic syllable piece: a consonant with its vowel, an independent vowel, or a literal."""

    __slots__ = ("ascii", "cons", "iast", "lit", "nasal", "open", "visarga", "vowel")

    def __init__(
        self,
        cons: str | None = None,
        ascii_: str = "",
        iast: str = "",
        vowel: str | None = None,
        lit: tuple[str, str] | None = None,
    ) -> None:
        self.cons: str | None = cons  # base consonant letter, None for vowels and literals
        self.ascii = ascii_
        self.iast = iast
        self.vowel: str | None = vowel  # vowel id, "a" inherent, None: virama/literal, "": deleted schwa
        self.lit: tuple[str, str] | None = lit
        self.nasal = 0  # 1 anusvara, 2 chandrabindu
        self.visarga = False
        self.open = cons is not None  # a consonant that can still take a matra, virama or nukta

    def has_vowel(self) -> bool:
        return bool(self.vowel)

    def copy(self) -> _Seg:
        new = _Seg(self.cons, self.ascii, self.iast, self.vowel, self.lit)
        new.nasal, new.visarga, new.open = self.nasal, self.visarga, self.open
        return new


def _parse(word: str) -> list[_Seg]:
    segs: list[_Seg] = []
    for ch in unicodedata.normalize("NFD", word):
        last = segs[-1] if segs else None
        if ch in _CONSONANTS:
            ascii_, iast = _CONSONANTS[ch]
            segs.append(_Seg(ch, ascii_, iast, "a"))
        elif ch == _NUKTA:
            if last is not None and last.open and last.cons in _NUKTA_FORMS:
                last.ascii, last.iast = _NUKTA_FORMS[last.cons]
        elif ch in _MATRAS:
            if last is not None and last.open:
                last.vowel, last.open = _MATRAS[ch], False
            else:  # a vowel sign without a consonant: read it as the vowel
                segs.append(_Seg(vowel=_MATRAS[ch]))
        elif ch == _VIRAMA:
            if last is not None and last.open:
                last.vowel, last.open = None, False
        elif ch in (_ANUSVARA, _CANDRABINDU):
            if last is not None and last.has_vowel() and not last.nasal:
                last.nasal, last.open = (1 if ch == _ANUSVARA else 2), False
            else:
                segs.append(_Seg(lit=("n", "ṃ")))
        elif ch == _VISARGA:
            if last is not None and last.has_vowel():
                last.visarga, last.open = True, False
            else:
                segs.append(_Seg(lit=("h", "ḥ")))
        elif ch in _INDEPENDENT_VOWELS:
            segs.append(_Seg(vowel=_INDEPENDENT_VOWELS[ch]))
        elif ch in _LITERALS:
            segs.append(_Seg(lit=_LITERALS[ch]))
        elif ch in _ZW or _is_devanagari(ch):
            continue  # joiners, Vedic accents, unknown signs: no sound of their own
        else:
            segs.append(_Seg(lit=(ch, ch)))
    # ङ written as a letter, not in a conjunct, is "ng" (Nepali मोरङ Morang; अङ्क stays ank)
    for i, seg in enumerate(segs):
        if seg.cons == "ङ" and not (seg.vowel is None and i + 1 < len(segs) and segs[i + 1].cons is not None):
            seg.ascii = "ng"
    # ज्ञ is pronounced "gy" in Hindi (ज्ञान → gyan)
    for a, b in itertools.pairwise(segs):
        if a.cons == "ज" and a.vowel is None and b.cons == "ञ":
            a.ascii = a.iast = "g"
            b.ascii = b.iast = "y"
    return segs


def _delete_final_schwa(segs: list[_Seg]) -> None:
    if not segs:
        return
    last = segs[-1]
    if last.cons is None or last.vowel != "a" or last.nasal or last.visarga:
        return
    if not any(s.has_vowel() for s in segs[:-1]):
        return  # the only vowel of the word: न → na
    prev = segs[-2]
    if prev.cons is not None and prev.vowel is None and last.cons in _CLUSTER_FINAL_KEEPS_SCHWA:
        return  # मंत्र → mantra, राज्य → rajya, शुक्ल → shukla
    if last.cons == "य" and prev.vowel in ("i", "ii"):
        return  # भारतीय → bhartiya
    last.vowel = ""


def _delete_medial_schwas(segs: list[_Seg]) -> None:
    """Right to left: V C ə C V → V C C V (सरकार → sarkar, कमला → kamla)."""
    for i in range(len(segs) - 2, 0, -1):
        seg = segs[i]
        if seg.cons is None or seg.vowel != "a" or seg.nasal or seg.visarga:
            continue
        nxt = segs[i + 1]
        if segs[i - 1].has_vowel() and nxt.cons is not None and nxt.has_vowel():
            seg.vowel = ""


def _render(segs: list[_Seg], iast: bool) -> str:
    k = 1 if iast else 0
    out: list[str] = []
    for i, seg in enumerate(segs):
        if seg.lit is not None:
            out.append(seg.lit[k])
            continue
        if seg.cons is not None:
            out.append(seg.iast if iast else seg.ascii)
        if seg.vowel:
            out.append(_VOWELS[seg.vowel][k])
        if seg.nasal == 1:
            nxt = segs[i + 1].cons if i + 1 < len(segs) else None
            if nxt in _PLACE:
                out.append(_PLACE[nxt][k])
            elif i + 1 == len(segs) and seg.vowel == "a":
                out.append("m")  # स्वयं → svayam, एवं → evam
            else:
                out.append("ṃ" if iast else "n")
        elif seg.nasal == 2:
            out.append("\u0303" if iast else "n")
        if seg.visarga:
            out.append("ḥ" if iast else "h")
    return "".join(out)


@functools.lru_cache(maxsize=1 << 16)
def _readable_word(word: str, iast: bool) -> str:
    segs = _parse(word)
    _delete_final_schwa(segs)
    _delete_medial_schwas(segs)
    return unicodedata.normalize("NFC", _render(segs, iast))


# ---------------------------------------------------------------------------------------------------------
# Bengali, Gurmukhi, Tamil, Sinhala (read through Devanagari) and Urdu
# ---------------------------------------------------------------------------------------------------------

# Tamil writes one letter for a voiced and a voiceless stop: (ASCII, IAST) between vowels, after a nasal
_TAMIL_STOPS = {
    "क": (("g", "g"), ("g", "g")),
    "च": (("s", "s"), ("j", "j")),
    "ट": (("d", "ḍ"), ("d", "ḍ")),
    "त": (("d", "d"), ("d", "d")),
    "प": (("b", "b"), ("b", "b")),
}
_NASAL_LETTERS = frozenset("ङञणनम")
_SONORANTS = frozenset("रलळय")
_GRANTHA = frozenset("ஜஷஸஹஶ")


def _tamil_voicing(segs: list[_Seg]) -> None:
    """க ச ட த ப voiced between vowels and after a nasal, voiceless at the start and doubled."""
    for i, seg in enumerate(segs):
        if seg.cons not in _TAMIL_STOPS or i == 0 or seg.ascii not in ("k", "ch", "t", "p"):
            continue
        prev = segs[i - 1]
        nxt = segs[i + 1] if i + 1 < len(segs) else None
        if prev.cons == seg.cons and prev.vowel is None:
            continue  # the second of a doubled stop: க்க kk
        if seg.vowel is None and nxt is not None and nxt.cons == seg.cons:
            continue  # the first of a doubled stop
        between, after_nasal = _TAMIL_STOPS[seg.cons]
        if prev.cons in _NASAL_LETTERS and prev.vowel is None:
            seg.ascii, seg.iast = after_nasal
        elif prev.has_vowel() or prev.nasal or (prev.vowel is None and prev.cons in _SONORANTS):
            seg.ascii, seg.iast = between  # மதுரை madurai, மார்கழி margali; ஸ்த in பாகிஸ்தான் stays st


def _tamil_epenthesis(segs: list[_Seg]) -> list[_Seg] | None:
    """Tamil breaks an initial cluster with a vowel, and puts இ before an initial ர: பிரியா Priya,
    கிருஷ்ணன் Krishnan, இராமேஸ்வரம் Rameswaram. The reading without it, as the names are spelled elsewhere
    (None if there is none: திருப்பூர் Tiruppur has a vowel of its own, so both readings are kept)."""
    if len(segs) > 2 and segs[0].cons is None and segs[0].vowel == "i" and segs[1].cons == "र":
        return segs[1:]
    if len(segs) > 2 and segs[0].cons is not None and segs[0].vowel in ("i", "u") and segs[1].cons == "र":
        segs[0].vowel = None
        return segs
    return None


def _indic_variants(word: str, script: str, display: bool = False) -> list[list[_Seg]]:
    """The readings of a Bengali/Gurmukhi/Tamil/Sinhala word, the display one first: Tamil with and without
    voiced stops; Bengali ব also as ``v`` (Hindi व in names: বিজয় / विजय)."""
    from annotator.text.romanization_indic import to_devanagari

    segs = _parse(to_devanagari(word, script))
    variants = [segs]
    if script == "tamil":
        if display:
            _tamil_voicing(segs)  # the voiceless reading of a Grantha word is the first of the variants below
            if any(ch in _GRANTHA for ch in word):
                segs = _parse(to_devanagari(word, script))
            return [segs]
        variants = []
        for base in (segs, _tamil_epenthesis([seg.copy() for seg in segs])):
            if base is None:
                continue
            voiced = [seg.copy() for seg in base]
            _tamil_voicing(voiced)
            # as English spells Tamil names: த as th (தேனி Theni, செந்தில் Senthil), a name's first stop
            # voiced (பாலா Bala, கோபால் Gopal, துரை Durai), an initial ச as s (சேலம் Salem, சுரேஷ் Suresh)
            english = [seg.copy() for seg in base]
            for seg in english:
                if seg.cons == "त" and seg.ascii == "t":
                    seg.ascii = "th"
            initial = [seg.copy() for seg in voiced]
            for reading in (initial, english):
                first = reading[0]
                if first.cons in _TAMIL_STOPS:
                    first.ascii = {"क": "g", "च": "s", "ट": "d", "त": "d", "प": "b"}[first.cons]
            # a word with a Grantha letter (ஜ ஷ ஸ ஹ ஶ) is a loanword, its stops as written: பாகிஸ்தான் pakistan
            grantha = any(ch in _GRANTHA for ch in word)
            variants += [base, voiced, initial, english] if grantha else [voiced, base, initial, english]
        for reading in list(variants):
            # the enunciative u after a final consonant is not spelled in English: ஈரோடு Erode
            if len(reading) > 2 and reading[-1].cons is not None and reading[-1].vowel == "u":
                cut = [seg.copy() for seg in reading]
                cut[-1].vowel = None
                variants.append(cut)
    elif script == "bengali":
        # ং is "ng" whatever follows (বাংলাদেশ Bangladesh, রংপুর Rangpur), not the nasal of its place
        for i in range(len(segs) - 1, -1, -1):
            if segs[i].nasal == 1:
                segs[i].nasal = 0
                segs.insert(i + 1, _Seg(lit=("ng", "ṅ")))
        if not display and any(seg.cons in ("ब", "श") for seg in segs):
            # as names are spelled in Hindi and English: ব as v (বিজয় / विजय), শ as s (শিলচর Silchar)
            alt = [seg.copy() for seg in segs]
            for seg in alt:
                if seg.cons == "ब" and seg.ascii == "b":
                    seg.ascii = seg.iast = "v"
                elif seg.cons == "श" and seg.ascii == "sh":
                    seg.ascii = "s"
            variants.append(alt)
    return variants


@functools.lru_cache(maxsize=1 << 15)
def _readable_indic(word: str, script: str, iast: bool) -> str:
    from annotator.text.romanization_indic import NO_SCHWA_DELETION

    segs = _indic_variants(word, script, display=True)[0]
    if script not in NO_SCHWA_DELETION:
        _delete_final_schwa(segs)
        _delete_medial_schwas(segs)
    return unicodedata.normalize("NFC", _render(segs, iast))


def _indic_spellings(word: str, script: str) -> list[str]:
    """Readable ASCII spellings of an Indic word for the keys: each reading with and without medial schwa
    deletion (none for Tamil and Sinhala, which pronounce the inherent vowel)."""
    from annotator.text.romanization_indic import NO_SCHWA_DELETION

    out: list[str] = []
    for segs in _indic_variants(word, script):
        if script in NO_SCHWA_DELETION:
            out.append(_render(segs, False))
            if script == "sinhala" and segs and segs[-1].cons is not None and segs[-1].vowel == "a":
                # a final a reads as English -e or nothing: ගාල්ල Galle, නේපාල(ය) Nepal
                out.append(_render(segs, False)[:-1])
            continue
        if script == "bengali" and len(segs) > 1 and segs[-1].vowel == "a" and segs[-2].vowel is None:
            out.append(_render(segs, False))  # a final vowel after a conjunct is said: পার্থ Partha
        _delete_final_schwa(segs)
        full = _render([seg.copy() for seg in segs], False)
        _delete_medial_schwas(segs)
        out += [_render(segs, False), full]
    return out


_SKEL_VOWEL = {"aa": "1", "ii": "2", "e": "2", "ai": "2", "ce": "2", "uu": "3", "o": "3", "au": "3",
               "co": "3", "r": "r", "rr": "r", "l": "l", "ll": "l"}  # fmt: skip
_SKEL_INITIAL = {**_SKEL_VOWEL, "a": "1", "aa": "1", "i": "1", "u": "1", "ii": "12", "e": "12", "ai": "12",
                 "ce": "12", "uu": "13", "o": "13", "au": "13", "co": "13"}  # fmt: skip
_SKEL_CONSONANT = {"q": "k", "z": "j", "zh": "j", "ph": "f", "y": "2", "v": "3", "w": "3"}


def _segs_skeleton(segs: list[_Seg]) -> str:
    """A Devanagari reading as Urdu would spell it (:func:`annotator.text.romanization_urdu.skeleton`)."""
    from annotator.text.romanization_urdu import collapse

    out: list[str] = []
    for i, seg in enumerate(segs):
        if seg.lit is not None:
            continue
        if seg.cons is not None:
            out.append(_SKEL_CONSONANT.get(seg.ascii, seg.ascii))
            if seg.vowel:
                out.append(_SKEL_VOWEL.get(seg.vowel, ""))
        elif seg.vowel:
            out.append((_SKEL_INITIAL if i == 0 else _SKEL_VOWEL).get(seg.vowel, ""))
        if seg.nasal and i + 1 < len(segs):  # a final nasal is left out, as Urdu's final ں (में / میں)
            nxt = segs[i + 1].cons
            out.append(_PLACE[nxt][0] if nxt in _PLACE else "n")  # सिंह singh, as the readable form
        if seg.visarga:
            out.append("h")
    return collapse("".join(out))


@functools.lru_cache(maxsize=1 << 15)
def _urdu_skeleton_of(word: str) -> str:
    """The Urdu-style skeleton of an Indic-script word ("" for other words): consonants and long vowels."""
    from annotator.text.romanization_indic import indic_script, to_devanagari

    script = next((indic_script(ch) for ch in word if indic_script(ch)), None)
    if script is not None:
        segs = _parse(to_devanagari(word, script))
    elif _HAS_DEVANAGARI_RE.search(word):
        segs = _parse(word)
    else:
        return ""
    return _segs_skeleton(segs)


# ---------------------------------------------------------------------------------------------------------
# Display romanization
# ---------------------------------------------------------------------------------------------------------

_DEVA_CLASS = r"\u0900-\u0963\u0966-\u097F\uA8E0-\uA8FF\u1CD0-\u1CFF"


# The display patterns are compiled on first use: a search never romanizes for display.
@functools.cache
def _deva_token_re() -> regex.Pattern[str]:
    """A Devanagari run (joiners allowed inside, never first) or a danda."""
    return regex.compile(rf"[\u0964\u0965]|[{_DEVA_CLASS}][{_DEVA_CLASS}\u200c\u200d]*")


@functools.cache
def _leftover_re() -> regex.Pattern[str]:
    return regex.compile(rf"[{_DEVA_CLASS}]+")


# indic_transliteration's names of these schemes (sanscript.IAST, ITRANS, HK). The module itself, which
# parses its 89 scheme files when imported (~80 ms), is imported on the first romanization with one of
# them: searching and the phonetic keys never need it.
_SANSCRIPT = {"iast": "iast", "itrans": "itrans", "hk": "hk"}
# sanscript does not know the candra vowels: route them through placeholders (IAST) or plain vowels.
_PRE_IAST = str.maketrans(
    {"ॉ": "ो\ue000", "ऑ": "ओ\ue000", "ॅ": "े\ue001", "ऍ": "ए\ue001", "ॲ": "ए\ue001", "ँ": "\ue002",
     "\u200c": None, "\u200d": None}
)  # fmt: skip
_POST_IAST = (("o\ue000", "ô"), ("e\ue001", "ê"), ("\ue000", ""), ("\ue001", ""), ("\ue002", "m̐"))
_PRE_ASCII = str.maketrans({"ॉ": "ो", "ऑ": "ओ", "ॅ": "े", "ऍ": "ए", "ॲ": "ए", "\u200c": None, "\u200d": None})


@functools.lru_cache(maxsize=1 << 16)
def _sanscript_run(run: str, scheme: str) -> str:
    from indic_transliteration import sanscript

    iast = scheme == "iast"
    out = sanscript.transliterate(run.translate(_PRE_IAST if iast else _PRE_ASCII), sanscript.DEVANAGARI,
                                  _SANSCRIPT[scheme])  # fmt: skip
    if iast:
        for old, new in _POST_IAST:
            out = out.replace(old, new)
    # anything sanscript left in Devanagari (rare letters, abbreviation sign) gets the readable form
    out = _leftover_re().sub(lambda m: _readable_word(m.group(), iast), out)
    return unicodedata.normalize("NFC", out)


def _run_function(scheme: str) -> Callable[[str], str]:
    if scheme in _SANSCRIPT:
        return lambda run: _sanscript_run(run, scheme)
    if scheme == "readable":
        return lambda run: _readable_word(run, False)
    if scheme == "readable_iast":
        return lambda run: _readable_word(run, True)
    raise ValueError(f"unknown romanization scheme {scheme!r}; expected one of {', '.join(SCHEMES)}")


def romanize(text: str, scheme: str = "iast") -> str:
    """Transliterate the Devanagari in ``text`` to Latin script; everything else passes through unchanged.

    ``scheme`` is one of :data:`SCHEMES` (see the module documentation). Devanagari digits become ASCII
    digits; ``।`` and ``॥`` become ``.``. Transliterations are cached per distinct word.
    """
    scheme = scheme.lower()
    fn = _run_function(scheme)

    def repl(m: regex.Match[str]) -> str:
        run = m.group()
        return "." if run in ("।", "॥") else fn(run)

    out = _deva_token_re().sub(repl, text)
    if _OTHER_SCRIPT_RE.search(out) is None:
        return out
    return _other_token_re().sub(lambda m: _romanize_other(m.group(), scheme), out)


@functools.cache
def _other_token_re() -> regex.Pattern[str]:
    """A run of Bengali, Gurmukhi, Tamil, Sinhala or Arabic-script letters (joiners allowed inside)."""
    indic = r"\u0980-\u09FF\u0A00-\u0A7F\u0B80-\u0BFF\u0D80-\u0DFF"
    arabic = r"\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF"
    return regex.compile(rf"[{indic}][{indic}\u200c\u200d]*|[{arabic}][{arabic}\u200c\u200d]*")


def _romanize_other(run: str, scheme: str) -> str:
    """A run of another script in ``scheme``: Indic scripts through Devanagari (sanscript for the scholarly
    schemes, the readable reading with each script's rules otherwise); Urdu by its own table
    (:mod:`annotator.text.romanization_urdu`: ALA-LC letters in ``iast`` and ``readable_iast``, ASCII in the
    others)."""
    from annotator.text.romanization_indic import indic_script, to_devanagari

    script = indic_script(run[0])
    if script is None:
        from annotator.text.romanization_urdu import readable

        return readable(run, scheme in ("iast", "readable_iast"))
    if scheme in _SANSCRIPT:
        return _sanscript_run(to_devanagari(run, script, exact=True), scheme)
    return _readable_indic(run, script, scheme == "readable_iast")


# ---------------------------------------------------------------------------------------------------------
# Phonetic keys
# ---------------------------------------------------------------------------------------------------------

# Words: letters and digits with their combining marks and ZWJ/ZWNJ. A word starts with a letter or digit,
# so a mark hanging off a non-word base (◌ि) is never split from it.
_WORD_RE = regex.compile(r"[\p{L}\p{Nd}][\p{L}\p{M}\p{Nd}\u200c\u200d\p{Emoji_Modifier}]*")
# The same words by split(): [gap, word, gap, word, ..., gap], the words' offsets summed from the lengths.
_WORD_SPLIT_RE = regex.compile(f"({_WORD_RE.pattern})")
# Urdu writes the second part of many place names apart (اسلام آباد, سری نگر): a text holding one is cut
# into words by these, which keep the two parts one word (only then: the choice costs a word nothing).
_WORD_JOINED_RE = regex.compile(_WORD_RE.pattern + r"(?: (?:آباد|نگر)(?![\p{L}\p{M}]))?")
_WORD_JOINED_SPLIT_RE = regex.compile(f"({_WORD_JOINED_RE.pattern})")


def words_of(text: str) -> list[str]:
    """The words of ``text`` (:data:`_WORD_RE`; an Urdu place name in two parts is one)."""
    if " آباد" in text or " نگر" in text:
        return _WORD_JOINED_RE.findall(text)
    return _WORD_RE.findall(text)


def _split_words(text: str) -> list[str]:
    """``text`` as [gap, word, gap, word, ..., gap] (:func:`words_of`'s words)."""
    if " آباد" in text or " نگر" in text:
        return _WORD_JOINED_SPLIT_RE.split(text)
    return _WORD_SPLIT_RE.split(text)


_HAS_DEVANAGARI_RE = regex.compile(rf"[{_DEVA_CLASS}]")
_ASCII_WORD_RE = regex.compile(r"[a-z0-9]+")
_LONE_C_RE = regex.compile(r"c(?!h)")
_SOFT_C_RE = regex.compile(r"c(?=[eiy])")
_AY_RE = regex.compile(r"a[yi]?y(?=[b-df-hj-np-tv-z])|ai(?=y[aeiou])")
_SILENT_E_RE = regex.compile(r"(?<=[aeiou][b-df-hj-np-tv-z]{1,2})e$")
_EH_RE = regex.compile(r"eh(?![aeiou])")
_IY_RE = regex.compile(r"iy(?=[aeiou])")
_FINAL_Y_RE = regex.compile(r"(?<=[^aeiou])y$")
_DOUBLE_RE = regex.compile(r"([a-z])\1+")
_NASAL_RE = regex.compile(r"(?<=[aeiou])m(?=[pbfv])")
_SCHWA_RE = regex.compile(r"(?<=[b-df-hj-np-tv-z])[ae](?=[b-df-hj-np-tv-z])")
_LOOSE = str.maketrans("eo", "iu")
_VOWEL_LETTERS = frozenset("aeiou")


def _fold(word: str) -> str:
    """A Latin spelling's key: the usual romanization variants of a Hindi word fold together."""
    s = unicodedata.normalize("NFKD", word)
    s = "".join(ch for ch in s if not unicodedata.combining(ch) and ch not in _ZW).casefold()
    if not _ASCII_WORD_RE.fullmatch(s):
        return s  # another script: compared as is
    s = s.replace("ph", "f").replace("x", "ks").replace("q", "k").replace("z", "j").replace("w", "v")
    s = _SOFT_C_RE.sub("s", s.replace("ck", "k"))  # English soft c: Bruce/ब्रूस, police/पुलिस, Vance
    s = _LONE_C_RE.sub("k", s)
    s = s.replace("ei", "e").replace("ou", "au")  # Sheikh/शेख़, Keir/कीर, Droupadi/द्रौपदी
    s = _AY_RE.sub("ai", s)  # जयशंकर/Jaishankar, उदयपुर/Udaipur, जयपुर/Jaipur, रायपुर/Raipur
    s = s.replace("ee", "i").replace("oo", "u").replace("shr", "sr")  # श्रीनगर / Srinagar
    s = _EH_RE.sub("ah", s)  # Urdu-style "eh" for अह: Shehbaz/शहबाज़, Rehman/रहमान, Tehreek/तहरीक
    s = _IY_RE.sub("i", s)  # India/इंडिया, Rubio/रुबियो
    if len(s) > 1:
        s = _FINAL_Y_RE.sub("i", s)  # army/आर्मी
    s = _DOUBLE_RE.sub(r"\1", s)
    s = _NASAL_RE.sub("n", s)  # Mumbai/मुंबई: m before a labial is the anusvara
    return s


def _skeleton(key: str) -> str:
    """Spelling key → skeleton: ai/au as e/o and, when the word has another vowel, no ``a`` between
    consonants (where a Hindi schwa may or may not be written: Srinagar/श्रीनगर, sarkar/सरकार)."""
    if not key.isascii():
        return key
    s = key.replace("ai", "e").replace("au", "o")
    if any(v in s for v in "eiou"):
        s = _SCHWA_RE.sub("", s)
    return s


@functools.lru_cache(maxsize=1 << 16)
def _indel_costs(s: str) -> tuple[float, ...]:
    """Cost of inserting or deleting each letter: half for a medial ``a`` (schwa), an ``h`` after a
    consonant (aspiration, the silent h of Delhi) and a ``y`` after a vowel (the glide of -iya, तैयबा).
    A final ``a`` costs the full 1: it is a grammatical ending (खान / खाना)."""
    costs = []
    for i, ch in enumerate(s):
        prev_vowel = i > 0 and s[i - 1] in _VOWEL_LETTERS
        cheap = (
            (ch == "a" and 0 < i < len(s) - 1)
            or (ch == "h" and i > 0 and not prev_vowel)
            or (ch == "y" and prev_vowel)
        )
        costs.append(0.5 if cheap else 1.0)
    return tuple(costs)


class _Key(NamedTuple):  # named tuples, not dataclasses: a search does not import dataclasses
    """A word's keys; each field holds one or two variants (tuples: smaller and as fast as sets here)."""

    loose: str  # primary loose skeleton (the public search key)
    spellings: tuple[str, ...]  # spelling keys (Devanagari: with and without medial schwa deletion)
    skeletons: tuple[str, ...]
    looses: tuple[tuple[str, str], ...]  # (loose skeleton, last letter of the spelling)
    fulls: tuple[str, ...]  # spellings with e/i and o/u merged, for the edit distance
    short: bool  # a spelling under 4 letters: loose equality would merge too much (jaish, jis)
    word: str
    script: str  # "d" Devanagari, "i" another Indic script, "u" Urdu (Arabic script), "l" Latin and the rest
    skel: str  # an Urdu word's skeleton (romanization_urdu.skeleton), else ""


def _overlap(a: tuple, b: tuple) -> bool:
    return any(x in b for x in a)


_OTHER_SCRIPT_RE = regex.compile(
    r"[\u0980-\u09FF\u0A00-\u0A7F\u0B80-\u0BFF\u0D80-\u0DFF\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]"
)
_NON_KEY_RE = regex.compile(r"[^a-z0-9]+")
_BENGALI_YU_RE = regex.compile(r"^iu")
_BENGALI_W_RE = regex.compile(r"oy(?=[aeiou])")
# Case endings written onto the noun (Hindi, Gurmukhi and Urdu write them apart): a word with one is also
# keyed without it, so रायपुर finds রায়পুরের (of Raipur) and சென்னையில் (in Chennai). Longest first.
_CASE_ENDINGS: dict[str, tuple[str, ...]] = {
    script: tuple(unicodedata.normalize("NFC", e) for e in endings)
    for script, endings in {
        "bengali": ("দের", "কে", "তে", "ের", "েরা", "রা", "য়", "র", "ে"),
        "tamil": ("த்தில்", "யில்", "வில்", "ுக்கு", "க்கு", "யின்", "ில்", "ின்"),
        "sinhala": ("යේ", "වේ", "යට", "වට", "හි", "ය", "ව", "ට", "ේ"),
        "gurmukhi": (),
    }.items()
}


def case_base(word: str) -> str:
    """A Bengali, Tamil or Sinhala word without the case ending written onto it (পাকিস্তানের → পাকিস্তান,
    சென்னையில் → சென்னை), or "" if it has none or is of another script."""
    from annotator.text.romanization_indic import indic_script

    script = next((indic_script(ch) for ch in word[:1]), None)
    return _without_case_ending(word, script) if script else ""


def _without_case_ending(word: str, script: str) -> str:
    """``word`` without a case ending of ``script`` (see :data:`_CASE_ENDINGS`), or "" if it has none."""
    for ending in _CASE_ENDINGS.get(script, ()):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            return word[: -len(ending)]
    return ""


def _other_script_spellings(word: str, first: str) -> tuple[tuple[str, ...], str, str]:
    """(spelling keys, script code, Urdu skeleton) of a Bengali, Gurmukhi, Tamil, Sinhala or Urdu word."""
    if first < "\u0980" or first >= "\ufb50":
        from annotator.text.romanization_urdu import readable, skeleton

        spelling = _NON_KEY_RE.sub("", readable(word).replace("-e", ""))
        return (_fold(spelling),), "u", skeleton(word)
    from annotator.text.romanization_indic import indic_script

    script = indic_script(first) or "bengali"
    readings = _indic_spellings(word, script)
    base = _without_case_ending(word, script)
    if base:
        readings += _indic_spellings(base, script)
    if script == "bengali":  # ইউ is yu (ইউনূস Yunus), ওয় before a vowel w (আনোয়ার Anwar), ক্ষ kh (সাতক্ষীরা)
        readings += [
            _BENGALI_W_RE.sub("w", _BENGALI_YU_RE.sub("yu", r)).replace("ksh", "kh")
            for r in readings
            if "iu" in r or "oy" in r or "ksh" in r
        ]
    spellings = tuple(dict.fromkeys(_fold(s) for s in readings))
    if any("ai" in f for f in spellings):
        spellings = tuple(dict.fromkeys((*spellings, *(f.replace("ai", "a") for f in spellings))))
    return spellings, "i", ""


@functools.lru_cache(maxsize=1 << 16)
def _word_key(word: str) -> _Key:
    skel = ""
    if _HAS_DEVANAGARI_RE.search(word):
        segs = _parse(word)
        _delete_final_schwa(segs)
        full = _render([seg.copy() for seg in segs], False)
        _delete_medial_schwas(segs)
        spellings = tuple(dict.fromkeys((_fold(_render(segs, False)), _fold(full))))
        if any("ai" in f for f in spellings):  # ै for English /æ/: टैमी/Tammy, कैप्टन/Captain
            spellings = tuple(dict.fromkeys((*spellings, *(f.replace("ai", "a") for f in spellings))))
        script = "d"
    elif (other := _OTHER_SCRIPT_RE.search(word)) is not None:
        spellings, script, skel = _other_script_spellings(word, other.group())
    else:
        folded = _fold(word)
        # an English silent final e: Lahore/लाहौर, Indore, Bruce/ब्रूस (Pune/पुणे keeps its own)
        spellings = tuple(dict.fromkeys((folded, _SILENT_E_RE.sub("", folded))))
        script = "l"
    # a word without a sound of its own (ऽ) only matches itself
    spellings = tuple(f or word.casefold() for f in spellings)
    looses = tuple(dict.fromkeys((_skeleton(f).translate(_LOOSE), f[-1]) for f in spellings))
    fulls = (f.replace("ai", "e").replace("au", "o").translate(_LOOSE) for f in spellings)
    return _Key(
        loose=looses[0][0],
        spellings=spellings,
        skeletons=tuple(dict.fromkeys(_skeleton(f) for f in spellings)),
        looses=looses,
        fulls=tuple(dict.fromkeys(fulls)),
        short=min(map(len, spellings)) < 4,
        word=word,
        script=script,
        skel=skel if script == "u" else "",
    )


def search_key(text: str) -> str:
    """The phonetic key of a word, or the keys of a phrase's words joined by single spaces.

    Latin and Devanagari spellings of the same Hindi word get the same key: ``search_key("pakistan") ==
    search_key("पाकिस्तान") == "pkistn"``. The key is lowercase ASCII for Latin and Devanagari words (other
    scripts are only case-folded). It is deliberately loose (``e``/``i`` and ``o``/``u`` merge, a medial
    ``a`` is dropped when the word has another vowel), so equal keys are a recall-oriented index;
    :func:`find` scores matches more finely.
    """
    return " ".join(_word_key(w).loose for w in words_of(text))


# ---------------------------------------------------------------------------------------------------------
# Scoring
# ---------------------------------------------------------------------------------------------------------


def _allowed_cost(shorter: int) -> float:
    """Weighted edit cost tolerated between keys whose shorter one has ``shorter`` letters."""
    if shorter >= 10:
        return 1.5
    if shorter >= 8:
        return 1.0
    if shorter >= 5:
        return 0.75
    return 0.5 if shorter >= 4 else 0.0


# a/u (पंजाब / Punjab) and b/v: Nepali and Bengali say b for व (विराटनगर Biratnagar, विष्णु Bishnu)
_CHEAP_SUBSTITUTIONS = frozenset(("au", "ua", "bv", "vb", "iy", "yi"))  # ਹਰਿਆਣਾ hariana / Haryana
_BV = frozenset(("bv", "vb"))


def _distance(a: str, ca: tuple[float, ...], b: str, cb: tuple[float, ...], limit: float) -> float | None:
    """Weighted edit distance of ``a`` and ``b`` (indel costs ``ca``/``cb``, substitution 1, a/u 0.75)
    if it is at most ``limit``, else None."""
    la, lb = len(a), len(b)
    p = 0
    while p < la and p < lb and a[p] == b[p]:
        p += 1
    s = 0
    while s < la - p and s < lb - p and a[la - 1 - s] == b[lb - 1 - s]:
        s += 1
    a, ca, b, cb = a[p : la - s], ca[p : la - s], b[p : lb - s], cb[p : lb - s]
    prev = [0.0]
    for c in cb:
        prev.append(prev[-1] + c)
    for x, cx in zip(a, ca, strict=True):
        cur = [prev[0] + cx]
        for j, y in enumerate(b):
            sub = 0.0 if x == y else 0.75 if x + y in _CHEAP_SUBSTITUTIONS else 1.0
            cur.append(min(prev[j + 1] + cx, cur[j] + cb[j], prev[j] + sub))
        if min(cur) > limit:
            return None
        prev = cur
    return prev[-1] if prev[-1] <= limit else None


def _score(q: _Key, w: _Key) -> float:
    """Similarity of two word keys in [0, 1]; 0 for no match."""
    if (q.script == "u") != (w.script == "u"):
        if q.script == "l" or w.script == "l":  # Latin spells Urdu's short vowels or not: both ways
            return max(_score_plain(q, w), _score_urdu(q, w))
        return _score_urdu(q, w)  # Hindi ↔ Urdu by the skeleton alone: ढका is not ڈھاکہ
    return _score_plain(q, w)


def _consonants(skel: str) -> str:
    """A skeleton's consonants: without its long-vowel letters (and so without v and y)."""
    from annotator.text.romanization_urdu import collapse

    return collapse(skel.translate(_NO_VOWEL_SYMBOLS))


@functools.lru_cache(maxsize=1 << 16)
def _latin_consonants(spelling: str) -> str:
    """The consonants of a Latin spelling key, as :func:`_consonants` counts them (no vowels, v or y)."""
    from annotator.text.romanization_urdu import collapse

    return collapse(spelling.translate(_NO_LATIN_VOWELS))


_NO_VOWEL_SYMBOLS = str.maketrans("", "", "123")
_NO_LATIN_VOWELS = str.maketrans("", "", "aeiouyv")
# (vowel, at the start, at the end) → what Urdu writes for it: ((symbol, optional), ...); the middle of a
# word: a long vowel letter, or nothing for a short vowel (a, i, u may be either; so may e and o, which
# English spellings of Urdu names write for short vowels: Ahmed احمد, Attock اٹک)
_LATIN_VOWEL_PLACES: dict[tuple[str, bool], tuple[tuple[str, bool], ...]] = {
    ("a", True): (("1", False),), ("i", True): (("1", False), ("2", True)),
    ("u", True): (("1", False), ("3", True)),
    ("e", True): (("1", False), ("2", False)), ("ai", True): (("1", False), ("2", False)),
    ("o", True): (("1", False), ("3", False)), ("au", True): (("1", False), ("3", False)),
    ("a", False): (("1", True),), ("i", False): (("2", True),), ("u", False): (("3", True),),
    ("e", False): (("2", True),), ("ai", False): (("2", False),), ("o", False): (("3", True),),
    ("au", False): (("3", False),),
}  # fmt: skip
_LATIN_FINAL = {"a": (("1", False),), "i": (("2", False),), "u": (("3", False),)}


@functools.lru_cache(maxsize=1 << 14)
def _latin_pattern(spelling: str) -> tuple[tuple[str, bool], ...]:
    """What Urdu may write for a Latin spelling key: its consonants, and for its vowels the long-vowel
    letters they may be (``pakistan``: p 1? k 2? s t 1? n, which پاکستان ``p1kst1n`` is)."""
    from annotator.text.romanization_urdu import collapse

    s = collapse(spelling)
    toks: list[tuple[str, bool]] = []
    i, n = 0, len(s)
    while i < n:
        ch = s[i]
        if ch in "aeiou":
            v = s[i : i + 2] if s[i : i + 2] in ("ai", "au") else ch
            final = i + len(v) == n and i > 0
            toks += _LATIN_FINAL[v] if final and v in _LATIN_FINAL else _LATIN_VOWEL_PLACES[(v, i == 0)]
            i += len(v)
            continue
        toks.append(("2" if ch == "y" else "3" if ch == "v" else ch, False))
        i += 1
    merged: list[tuple[str, bool]] = []
    for sym, optional in toks:
        if merged and merged[-1][0] == sym and sym in "123":
            merged[-1] = (sym, merged[-1][1] and optional)
        else:
            merged.append((sym, optional))
    return tuple(merged)


def _pattern_matches(pattern: tuple[tuple[str, bool], ...], skel: str) -> bool:
    positions = {0}
    for sym, optional in pattern:
        reached = set(positions) if optional else set()
        for p in positions:
            if skel.startswith(sym, p):
                reached.add(p + len(sym))
            elif sym not in "123" and p and skel[p - 1] == sym[-1]:
                reached.add(p)  # a letter the skeleton counted once: ممبئی for m(u)mbai
        if not reached:
            return False
        positions = reached
    return len(skel) in positions


def _score_urdu(q: _Key, w: _Key) -> float:
    """An Urdu word against a word of another script, through Urdu's spelling (see :func:`find`)."""
    u, o = (q, w) if q.script == "u" else (w, q)
    us = u.skel
    uc = _consonants(us)
    if not uc:
        return 0.0
    if o.script == "l":
        best = 0.0
        for f in o.spellings:
            if not f.isascii() or _latin_consonants(f) != uc:
                continue
            if _pattern_matches(_latin_pattern(f), us):
                return 0.85
            if len(uc) >= 4:
                best = 0.8
        return best
    other = _urdu_skeleton_of(o.word)
    if not other:
        return 0.0
    if other == us:
        return 0.9
    shorter, longer = sorted((other, us), key=len)
    if len(shorter) >= 5 and longer.startswith(shorter) and len(longer) - len(shorter) <= 2:
        return 0.85
    if len(uc) >= 4 and _consonants(other) == uc:
        return 0.8
    return 0.0


def _score_plain(q: _Key, w: _Key) -> float:
    """:func:`_score` within a script, and between Latin and the Indic scripts."""
    if _overlap(q.spellings, w.spellings):
        return 1.0
    if _overlap(q.skeletons, w.skeletons):
        return 0.95
    if not (q.short or w.short) and _overlap(q.looses, w.looses):
        return 0.9
    best = 0.0
    a = q.loose
    for b, _ in w.looses:
        # the query plus a short ending: पाकिस्तानी, Pakistani, पाकिस्तानियों for "pakistan"
        la, lb = len(a), len(b)
        if la >= 5 and la < lb <= la + la // 2 + 1 and b.startswith(a):
            best = max(best, 0.9 - 0.025 * (lb - la))
    for a in q.fulls:
        for b in w.fulls:
            if (
                a[0] != b[0]
                and not (a[0] in _VOWEL_LETTERS and b[0] in _VOWEL_LETTERS)
                and a[0] + b[0] not in _BV
            ):
                continue
            if a[-1] != b[-1] and a[-1] in _VOWEL_LETTERS and b[-1] in _VOWEL_LETTERS:
                continue  # a different final vowel makes a different word: hindi/hindu, modi/मुद्दे
            shorter = min(len(a), len(b))
            limit = _allowed_cost(shorter)
            if not limit or abs(len(a) - len(b)) > 2 * limit:
                continue
            if shorter < 8 and a[1] != b[1] and not (a[1] in _VOWEL_LETTERS and b[1] in _VOWEL_LETTERS):
                continue  # short words must start alike: khan is not कहां
            d = _distance(a, _indel_costs(a), b, _indel_costs(b), limit)
            if d:
                best = max(best, 0.9 - 0.1 * d)
    return round(best, 4)


# ---------------------------------------------------------------------------------------------------------
# Search
# ---------------------------------------------------------------------------------------------------------


class Match(NamedTuple):
    """A match of a query in a text: code-point offsets ``[start, end)`` covering whole words."""

    start: int
    end: int
    score: float


def _query_keys(query: str) -> list[_Key]:
    return [_word_key(w) for w in words_of(query)]


def _find(
    qkeys: list[_Key],
    parts: list[str],
    min_score: float,
    caches: list[dict[str, float]],
    distinct: set[str] | None = None,
) -> list[Match]:
    """The matches in the text split into ``parts`` by :data:`_WORD_SPLIT_RE` (``distinct``: its words,
    when known). Every word that may start a match gets the first query word's score (cached, so it is
    computed once per distinct word); only where that reaches ``min_score`` are the next words scored."""
    words = parts[1::2]
    n = len(qkeys)
    starts = words[: max(0, len(words) - n + 1)] if n > 1 else words
    if not starts:
        return []
    first, first_cache = qkeys[0], caches[0]
    if n > 1 or distinct is None:
        distinct = set(starts)
    for word in distinct.difference(first_cache):
        first_cache[word] = _score(first, _word_key(word))
    scores = list(map(first_cache.__getitem__, starts))
    out: list[Match] = []
    offsets: list[int] = []
    for i, s in enumerate(scores):
        if s < min_score:
            continue
        total = 0.0
        total += s
        for j in range(1, n):
            word = words[i + j]
            cache = caches[j]
            score = cache.get(word)
            if score is None:
                score = cache[word] = _score(qkeys[j], _word_key(word))
            if score < min_score:
                break
            total += score
        else:
            if not offsets:
                offsets = list(itertools.accumulate(map(len, parts), initial=0))
            # word k is parts[2k + 1], from offsets[2k + 1] to offsets[2k + 2]
            out.append(Match(offsets[2 * i + 1], offsets[2 * (i + n)], round(total / n, 4)))
    out.sort(key=lambda m: (-m.score, m.start))
    return out


def find(query: str, text: str, *, min_score: float = 0.75) -> list[Match]:
    """All places in ``text`` where ``query`` matches consecutive whole words, best first, then by position.

    Query and text may each be Latin, Devanagari or mixed. A Devanagari word is first read in the
    ``readable`` ASCII form (retroflex = dental, श/ष = sh, nukta letters q/kh/gh/z/r/f, anusvara as the
    nasal), both with and without medial schwa deletion. Each query word is compared with one text word:

    * 1.0, same spelling key. The key folds case, diacritics, q/k, z/j, w/v, ph/f, x/ks, c/k (not ch),
      ee/i, oo/u, doubled letters, m/n before a labial, shr/sr (Srinagar), eh/ah before a consonant
      (Shehbaz/शहबाज़), iy/i before a vowel (India/इंडिया) and a final consonant+y as i (army/आर्मी);
    * 0.95, same skeleton: ai = e, au = o and, in a word with another vowel, no ``a`` between consonants;
    * 0.9, same skeleton up to e/i and o/u (``ijaz`` / एजाज़, ``omar`` / उमर): words of 4+ letters whose last
      letters agree (so ``modi`` does not match मुद्दे, nor ``jaish`` जिस);
    * 0.8-0.875, the text word is the query word plus a short ending (``pakistan`` / पाकिस्तानी): 0.875 for
      one extra letter, 0.025 less per further letter; only for query keys of 5+ letters;
    * 0.75-0.85, a weighted edit distance (0.9 - 0.1 × cost) between the keys with e/i and o/u merged:
      inserting or deleting a medial ``a``, an ``h`` after a consonant or a ``y`` after a vowel costs 0.5
      (``delhi`` / दिल्ली, ``taiba`` / तैयबा), a/u 0.75 (``punjab`` / पंजाब), anything else 1. The tolerated
      cost grows with the shorter key: 0.5 from 4 letters, 0.75 from 5, 1 from 8, 1.5 from 10; the first
      letters must agree (and the second below 8 letters) and words ending in different vowels never
      match (``hindi`` / हिंदू).

    A multi-word query matches a run of consecutive words each scoring at least ``min_score``; the match
    score is the mean of the word scores.
    """
    qkeys = _query_keys(query)
    if not qkeys:
        return []
    parts = _split_words(text)
    found = _find(qkeys, parts, min_score, [{} for _ in qkeys])
    if found:
        return found
    # nothing: the query's words may be written as one in the text (पुष्पकमल, தமிழ்நாடு for Tamil Nadu)
    best: dict[tuple[int, int], Match] = {}
    for variant in joined_variants(query):
        vkeys = _query_keys(variant)
        for m in _find(vkeys, parts, min_score, [{} for _ in vkeys]):
            if (m.start, m.end) not in best or m.score > best[m.start, m.end].score:
                best[m.start, m.end] = m
    return sorted(best.values(), key=lambda m: (-m.score, m.start))


def joined_variants(query: str) -> list[str]:
    """The query with some of its 2-4 words run together, fewest words first (``pushpa kamal dahal`` →
    ``pushpakamal dahal``, ``pushpa kamaldahal``, ``pushpakamaldahal``): what :func:`find` and the
    project search try when the query as typed finds nothing."""
    words = words_of(query)
    n = len(words)
    if not 2 <= n <= 4:
        return []
    out = []
    for mask in range(1, 1 << (n - 1)):  # bit i set: words i and i + 1 run together
        groups = [words[0]]
        for i in range(1, n):
            if mask >> (i - 1) & 1:
                groups[-1] += words[i]
            else:
                groups.append(words[i])
        out.append(" ".join(groups))
    return sorted(out, key=lambda v: v.count(" "), reverse=True)


def rank(
    query: str, items: Iterable[tuple[K, str]], *, min_score: float = 0.75, limit: int | None = None
) -> list[tuple[K, float, list[Match]]]:
    """Rank documents ``(id, text)`` by their best match of ``query``: ``(id, best score, matches)``.

    Documents without a match are left out. Ties on the best score go to the document with more matches,
    then to the earlier document. Scores of distinct words are cached for the whole call, so thousands of
    articles with overlapping vocabularies rank quickly.
    """
    qkeys = _query_keys(query)
    if not qkeys:
        return []
    caches: list[dict[str, float]] = [{} for _ in qkeys]
    first, first_cache = qkeys[0], caches[0]
    ranked: list[tuple[float, int, int, K, list[Match]]] = []
    split = _WORD_SPLIT_RE.split
    for index, (key, text) in enumerate(items):
        parts = split(text)  # the words, split once for the screen and for _find
        distinct = set(parts[1::2])
        if "آباد" in distinct or "نگر" in distinct:  # an Urdu place name in two parts: one word
            parts = _WORD_JOINED_SPLIT_RE.split(text)
            distinct = set(parts[1::2])
        # cheap screen: does any word of the document match the query's first word?
        for word in distinct:
            s = first_cache.get(word)
            if s is None:
                s = first_cache[word] = _score(first, _word_key(word))
            if s >= min_score:
                break
        else:
            continue
        matches = _find(qkeys, parts, min_score, caches, distinct)
        if matches:
            ranked.append((-matches[0].score, -len(matches), index, key, matches))
    ranked.sort(key=lambda r: r[:3])
    if limit is not None:
        ranked = ranked[:limit]
    return [(key, -neg, matches) for neg, _, _, key, matches in ranked]
