"""Urdu (Perso-Arabic script) read letter by letter: a romanization and the skeleton that search compares.

Urdu writes its consonants and long vowels and leaves the short vowels out (زبر zabar ``a``, زیر zer ``i``,
پیش pesh ``u`` are marked only in dictionaries, the Quran and to tell words apart). This module reads what
is written and adds nothing: پاکستان → ``pākstān``, بلوچستان → ``balōchistān`` only where the text marks the
vowels. The letters follow the ALA-LC Urdu romanization (Library of Congress, *ALA-LC Romanization Tables:
Urdu*, 2011) in the ``iast`` and ``readable_iast`` schemes and plain ASCII in the others:

* **consonants**: ب b, پ p, ت t, ٹ ṭ, ث s̱, ج j, چ c (ASCII ``ch``), ح ḥ, خ k͟h, د d, ڈ ḍ, ذ ẕ, ر r, ڑ ṛ,
  ز z, ژ zh, س s, ش sh, ص ṣ, ض ẓ, ط t̤, ظ z̤, ع ʿ, غ gh (ġ), ف f, ق q, ک k, گ g, ل l, م m, ن n, ہ h; the
  Arabic letters ك ي ى ه and ة are read as Urdu's ک ی ی ہ and ت.
* **long vowels**: ا ā (at the start of a word a bare carrier of an unwritten short vowel); آ ā; و ō/ū
  between consonants, ``v`` at the start of a word, before a vowel letter or after ā (پشاور); ی ī (``i``)
  between consonants and at the end, ``y`` at the start or before ا و; ے e; او ای at the start: o, e.
* **aspirates**: do-chashmi he ھ after a consonant is its aspiration: بھ bh, پھ ph, تھ th, ٹھ ṭh, جھ jh,
  چھ chh, دھ dh, ڈھ ḍh, کھ kh, گھ gh, ڑھ ṛh (Urdu writes aspiration only so; ہ is h).
* **nasal**: nun ghunna ں ṉ (ASCII ``n``) nasalizes the vowel before it: میں mīṉ (``min``; news spells it
  ``mein``).
* **final he**: ہ after a consonant at the end of a word is the vowel ``a`` (ALA-LC ``ah``: جمعہ jmʿah,
  ASCII ``jma``); after a vowel letter it is h (شاہ shāh).
* **hamza**: ء and the seat ئ mark a vowel sequence (گئے g'e, ASCII ``ge``); ؤ ō, أ a.
* **short vowels, when written**: zabar َ a, zer ِ i, pesh ُ u, tanwin ً an (تقریباً tqrīban), khari zabar
  ٰ ā, shadda ّ doubles the consonant, jazm ْ no vowel.
* **izafat**: a zer at the end of a word, and ۂ (he with hamza), link a noun to what follows: وزارتِ داخلہ
  → ``vzārt-e dāk͟hlah`` (``-e`` in both schemes; search keys leave it out).
* **punctuation, digits**: ۔ ``.``, ، ``,``, ؟ ``?``, ؛ ``;``, ٪ ``%``; Urdu ۰-۹ and Arabic ٠-٩ digits as
  0-9.

Sources: the ALA-LC Urdu table above; Unicode's Arabic block chart and *The Unicode Standard* §9.2 (Urdu's
own letters U+0679 ٹ, U+0688 ڈ, U+0691 ڑ, U+06BA ں, U+06BE ھ, U+06C1 ہ, U+06CC ی, U+06D2 ے, and the Arabic
look-alikes ك U+0643, ي U+064A, ه U+0647 that keyboards produce); R. L. Schmidt, *Urdu: An Essential
Grammar* (Routledge, 1999), ch. 1 on the writing system (vowel letters, do-chashmi he, nun ghunna, hamza,
izafat).

The **skeleton** (:func:`skeleton`) is what search compares across scripts: consonants and the letters of
long vowels, short vowels dropped — Urdu's spelling, which the same word in Devanagari can be reduced to
(:func:`annotator.text.romanization`): ``1`` stands for ا/आ, ``2`` for ی ے/ई ए ऐ य, ``3`` for و/ऊ ओ औ व,
letters for consonants as the Hindi readable romanization writes them (q as k, z as j, ph as f; Urdu's
several s, z, t and h letters as one each). Runs of one symbol count once.
"""

from __future__ import annotations

import functools
import re
import unicodedata

__all__ = ["ARABIC_RANGE", "is_arabic", "readable", "skeleton"]

ARABIC_RANGE = r"\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF"
"""Arabic-script blocks (Arabic, Arabic Supplement, Presentation Forms A and B)."""

# letter → (ASCII, IAST-like, skeleton consonant)
_CONSONANTS: dict[str, tuple[str, str, str]] = {
    "ب": ("b", "b", "b"), "پ": ("p", "p", "p"), "ت": ("t", "t", "t"), "ٹ": ("t", "ṭ", "t"),
    "ث": ("s", "s̱", "s"), "ج": ("j", "j", "j"), "چ": ("ch", "c", "ch"), "ح": ("h", "ḥ", "h"),
    "خ": ("kh", "k͟h", "kh"), "د": ("d", "d", "d"), "ڈ": ("d", "ḍ", "d"), "ذ": ("z", "ẕ", "j"),
    "ر": ("r", "r", "r"), "ڑ": ("r", "ṛ", "r"), "ز": ("z", "z", "j"), "ژ": ("zh", "zh", "j"),
    "س": ("s", "s", "s"), "ش": ("sh", "sh", "sh"), "ص": ("s", "ṣ", "s"), "ض": ("z", "ẓ", "j"),
    "ط": ("t", "t̤", "t"), "ظ": ("z", "z̤", "j"), "غ": ("gh", "ġ", "gh"), "ف": ("f", "f", "f"),
    "ق": ("q", "q", "k"), "ک": ("k", "k", "k"), "ك": ("k", "k", "k"), "گ": ("g", "g", "g"),
    "ل": ("l", "l", "l"), "م": ("m", "m", "m"), "ن": ("n", "n", "n"), "ة": ("t", "t", "t"),
    "ۃ": ("t", "t", "t"), "ڤ": ("v", "v", "3"),
}  # fmt: skip
_HEH = frozenset("ہهۀ")
_DO_CHASHMI = "ھ"
_NUN_GHUNNA = "ں"
_ALIFS = frozenset("اأإٱ")
_ALIF_MADDA = "آ"
_WAW = frozenset("وؤ")
_YEH = frozenset("یيىۍێ")
_YEH_BARREE = frozenset("ےۓ")
_HAMZA = frozenset("ءئ")
_AIN = "ع"
_ZABAR, _ZER, _PESH = "\u064e", "\u0650", "\u064f"
_TANWIN = "\u064b"
_SHADDA, _JAZM = "\u0651", "\u0652"
_KHARI_ZABAR = "\u0670"
_HAMZA_ABOVE = "\u0654"
_VOWEL_LETTERS = _ALIFS | _WAW | _YEH | _YEH_BARREE | {_ALIF_MADDA}
_PUNCT = {"۔": ".", "،": ",", "؟": "?", "؛": ";", "٪": "%", "٫": ".", "٬": ","}
_DIGITS = {**{chr(0x06F0 + d): str(d) for d in range(10)}, **{chr(0x0660 + d): str(d) for d in range(10)}}


def is_arabic(ch: str) -> bool:
    o = ord(ch)
    return 0x0600 <= o <= 0x06FF or 0x0750 <= o <= 0x077F or 0xFB50 <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFF


def _letters(word: str) -> list[str]:
    """The word's letters and marks, presentation forms and hamza-above read as the letters they show."""
    s = unicodedata.normalize("NFKC", word) if any("\ufb50" <= c for c in word) else word
    return [c for c in unicodedata.normalize("NFC", s) if c not in "\u200c\u200d\u0640"]  # ZWNJ, ZWJ, tatweel


class _Piece:
    __slots__ = ("ascii", "iast", "kind", "skel")

    def __init__(self, kind: str, ascii_: str, iast: str, skel: str) -> None:
        self.kind = kind  # "c" consonant, "v" vowel letter, "s" short vowel mark, "x" other
        self.ascii = ascii_
        self.iast = iast
        self.skel = skel


def _next_letter(chars: list[str], i: int) -> str | None:
    """The next letter after position ``i`` (skipping marks), or None at the end."""
    for c in chars[i + 1 :]:
        if not unicodedata.combining(c):
            return c
    return None


@functools.lru_cache(maxsize=1 << 15)
def _pieces(word: str) -> tuple[_Piece, ...]:
    chars = _letters(word)
    out: list[_Piece] = []
    first_letter = True
    for i, c in enumerate(chars):
        nxt = _next_letter(chars, i)
        prev = out[-1] if out else None
        at_start = first_letter
        if not unicodedata.combining(c):
            first_letter = False
        if c in _CONSONANTS:
            a, t, k = _CONSONANTS[c]
            out.append(_Piece("c", a, t, k))
        elif c in _HEH:
            final = nxt is None or not is_arabic(nxt)
            if c == "ۀ":  # he with hamza (izafat)
                out.append(_Piece("v", "a-e", "a-e", "1"))
            elif final and prev is not None and prev.kind in "cx" and not at_start:
                out.append(_Piece("v", "a", "ah", "1"))  # جمعہ, مکہ: the final vowel a
            else:
                out.append(_Piece("c", "h", "h", "h"))
        elif c == "ۂ":
            out.append(_Piece("v", "a-e", "a-e", "1"))
        elif c == _DO_CHASHMI:
            if prev is not None and prev.kind == "c":
                prev.ascii += "h"
                prev.iast += "h"
                prev.skel += "h"
            else:
                out.append(_Piece("c", "h", "h", "h"))
        elif c == _NUN_GHUNNA:
            out.append(_Piece("c", "n", "ṉ", "n"))
        elif c == _ALIF_MADDA:
            out.append(_Piece("v", "a", "ā", "1"))
        elif c in _ALIFS:
            if at_start:
                out.append(_Piece("v", "", "", "1"))  # a carrier: its short vowel is not written
            elif i + 1 < len(chars) and chars[i + 1] == _TANWIN:
                out.append(_Piece("x", "", "", ""))  # تقریباً: the alif only carries the tanwin
            else:
                out.append(_Piece("v", "a", "ā", "1"))
        elif c in _WAW:
            if c == "ؤ":
                out.append(_Piece("v", "o", "ō", "3"))
            elif (
                at_start
                or (nxt is not None and nxt in _VOWEL_LETTERS and not _ends_word(chars, i))
                or (prev is not None and prev.kind == "v" and prev.skel == "1" and prev.ascii)
            ):
                out.append(_Piece("c", "v", "v", "3"))  # وزیر, نواز, پشاور: a consonant
            else:
                out.append(_Piece("v", "o", "ō", "3"))  # بلوچستان, او: the vowel (o or ū)
        elif c in _YEH:
            if at_start or (nxt is not None and (nxt in _ALIFS or nxt in _WAW or nxt == _ALIF_MADDA)):
                out.append(_Piece("c", "y", "y", "2"))
            elif prev is not None and prev.kind == "v" and prev.ascii == "":
                out.append(_Piece("v", "e", "ē", "2"))  # ای at the start
            else:
                out.append(_Piece("v", "i", "ī", "2"))
        elif c in _YEH_BARREE:
            out.append(_Piece("v", "e", "e", "2"))
        elif c in _HAMZA:
            out.append(_Piece("x", "", "'", ""))
        elif c == _AIN:
            out.append(_Piece("x", "", "ʿ", "1" if at_start else ""))
        elif c == _ZABAR:
            out.append(_Piece("s", "a", "a", ""))
        elif c == _ZER:
            izafat = _ends_word(chars, i) and prev is not None and prev.kind == "c"
            out.append(_Piece("s", "-e" if izafat else "i", "-e" if izafat else "i", ""))
        elif c == _PESH:
            out.append(_Piece("s", "u", "u", ""))
        elif c == _TANWIN:
            out.append(_Piece("s", "an", "an", "n"))
        elif c == _KHARI_ZABAR:
            out.append(_Piece("v", "a", "ā", "1"))
        elif c in (_SHADDA, _JAZM, _HAMZA_ABOVE) or unicodedata.combining(c):
            if c == _SHADDA and prev is not None and prev.kind == "c":
                prev.ascii += prev.ascii[-1:]
                prev.iast += prev.iast[-1:]
        elif c in _DIGITS:
            out.append(_Piece("x", _DIGITS[c], _DIGITS[c], ""))
        elif c in _PUNCT:
            out.append(_Piece("x", _PUNCT[c], _PUNCT[c], ""))
        elif is_arabic(c):
            continue  # Quranic marks and letters of other languages: no sound we can read
        else:
            out.append(_Piece("x", c, c, ""))
    return tuple(out)


def _ends_word(chars: list[str], i: int) -> bool:
    return all(unicodedata.combining(c) for c in chars[i + 1 :])


@functools.lru_cache(maxsize=1 << 15)
def readable(word: str, iast: bool = False) -> str:
    """Urdu letters in Latin script as written (see the module docstring): ``ascii`` or ALA-LC-like."""
    text = "".join(p.iast if iast else p.ascii for p in _pieces(word))
    return unicodedata.normalize("NFC", text)


@functools.lru_cache(maxsize=1 << 16)
def skeleton(word: str) -> str:
    """The word's skeleton: consonants and long-vowel letters (``1`` ا, ``2`` ی, ``3`` و), runs counted
    once: پاکستان → ``p1kst1n``, طیبہ → ``t2b1``, شریف → ``shr2f``."""
    pieces = _pieces(word)
    if len(pieces) > 2 and pieces[-1].iast == "ṉ":
        pieces = pieces[:-1]  # a final nun ghunna nasalizes (جموں / जम्मू, میں / में): Hindi may not write it
    return collapse("".join(p.skel for p in pieces))


def collapse(s: str) -> str:
    """Runs of one letter or symbol as one (ّ, doubled Devanagari consonants, ی after ی), ``ph`` as ``f`` and
    ``n`` before a labial as ``m`` (ممبئی, मुंबई and Mumbai; انبالہ and Ambala)."""
    out: list[str] = []
    for ch in s.replace("ph", "f"):
        if not out or out[-1] != ch:
            out.append(ch)
    s = "".join(out)
    if "n" in s:
        s = _LABIAL_N_RE.sub("m", s).replace("mm", "m")
    return s


_LABIAL_N_RE = re.compile(r"n(?=[pbfm])")


# ---------------------------------------------------------------------------------------------------------
# Devanagari → Urdu (generated spellings of a Hindi name)
# ---------------------------------------------------------------------------------------------------------

_FROM_DEVANAGARI_CONSONANTS = {
    "क": "ک", "ख": "کھ", "ग": "گ", "घ": "گھ", "ङ": "ن", "च": "چ", "छ": "چھ", "ज": "ج", "झ": "جھ", "ञ": "ن",
    "ट": "ٹ", "ठ": "ٹھ", "ड": "ڈ", "ढ": "ڈھ", "ण": "ن", "त": "ت", "थ": "تھ", "द": "د", "ध": "دھ", "न": "ن",
    "प": "پ", "फ": "پھ", "ब": "ب", "भ": "بھ", "म": "م", "य": "ی", "र": "ر", "ल": "ل", "व": "و", "श": "ش",
    "ष": "ش", "स": "س", "ह": "ہ",
}  # fmt: skip
_FROM_DEVANAGARI_NUKTA = {"क": "ق", "ख": "خ", "ग": "غ", "ज": "ز", "फ": "ف", "ड": "ڑ", "ढ": "ڑھ", "झ": "ژ"}
_FROM_DEVANAGARI_SIGNS = {"ा": "ا", "ी": "ی", "ू": "و", "े": "ی", "ै": "ی", "ो": "و", "ौ": "و", "ॉ": "ا",
                          "ृ": "ر"}  # fmt: skip
_FROM_DEVANAGARI_INITIAL = {
    "अ": "ا", "आ": "آ", "इ": "ا", "ई": "ای", "उ": "ا", "ऊ": "او", "ए": "ای", "ऐ": "ای", "ओ": "او", "औ": "او",
    "ऑ": "آ", "ऋ": "ر",
}  # fmt: skip
_FROM_DEVANAGARI_MEDIAL = {
    "अ": "ا", "आ": "ا", "इ": "ئ", "ई": "ئی", "उ": "ؤ", "ऊ": "ؤ", "ए": "ئی", "ऐ": "ئی", "ओ": "و", "औ": "و",
}  # fmt: skip


def from_devanagari(word: str) -> str:
    """A Hindi word spelled as Urdu writes it: consonants and long vowels, short vowels left out
    (पाकिस्तान → پاکستان, लाहौर → لاہور, कराची → کراچی). A guess for generated gazetteer spellings: Urdu
    writes many words its own way (दिल्ली / دہلی), which the skeleton keys still match."""
    chars = unicodedata.normalize("NFD", word)
    out: list[str] = []
    for i, c in enumerate(chars):
        nxt = chars[i + 1] if i + 1 < len(chars) else ""
        if c in _FROM_DEVANAGARI_CONSONANTS:
            nukta = nxt == "\u093c" and c in _FROM_DEVANAGARI_NUKTA
            out.append(_FROM_DEVANAGARI_NUKTA[c] if nukta else _FROM_DEVANAGARI_CONSONANTS[c])
        elif c in _FROM_DEVANAGARI_SIGNS:
            end = i + 1 == len(chars) or chars[i + 1] in "\u0902\u0901"
            out.append("ے" if c in "ेै" and end else _FROM_DEVANAGARI_SIGNS[c])
        elif c in _FROM_DEVANAGARI_INITIAL:
            out.append((_FROM_DEVANAGARI_INITIAL if i == 0 else _FROM_DEVANAGARI_MEDIAL)[c])
            if i and c in "एऐ" and i + 1 == len(chars):
                out[-1] = "ئے"
        elif c in "\u0902\u0901":  # anusvara, chandrabindu: ں at the end, ن inside
            out.append("ں" if i + 1 == len(chars) else "ن")
        elif "\u0966" <= c <= "\u096f":
            out.append(chr(0x06F0 + ord(c) - 0x0966))
        elif c in "\u093c\u094d\u200c\u200d":
            continue
        elif "\u0900" <= c <= "\u097f":
            continue
        else:
            out.append(c)
    # a doubled letter is written once (दिल्ली → دلی; Urdu may add a shadda), so is य after ै (तैयबा → تیبا)
    text = "".join(out)
    return unicodedata.normalize("NFC", re.sub(r"(.)\1+", r"\1", text))
