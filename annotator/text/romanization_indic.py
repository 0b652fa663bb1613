"""Bengali-Assamese, Gurmukhi, Tamil and Sinhala read through Devanagari, for romanization and search keys.

Unicode laid out the Brahmic scripts of India in parallel: a Bengali, Gurmukhi or Tamil letter sits at the
same place in its block as the Devanagari letter of the same sound (Bengali U+0995 ক, Gurmukhi U+0A15 ਕ,
Tamil U+0B95 க and Devanagari U+0915 क are all ``ka``; *The Unicode Standard* §12.1, "Devanagari ...
the other Indic scripts follow the same layout"). :func:`to_devanagari` moves a word of those scripts to
Devanagari by that offset, with the letters each script has of its own spelled out (:data:`_SPECIAL`):

* **Bengali/Assamese**: ৎ (khanda ta) is त्; Assamese ৰ ৱ are र व; a word-initial য is pronounced ``j``
  (যশোর Jashore, যমুনা Jamuna) and read as ज, elsewhere य; য় (য + nukta, as NFC stores it) is ``y``, ড় ঢ়
  ``r``/``rh`` like Hindi ड़ ढ़; ব is ``b`` (Bengali has no separate va), ৗ (au length mark) is dropped.
* **Gurmukhi**: tippi ੰ and bindi ਂ are anusvara, addak ੱ (doubling the next consonant) is dropped as
  doubled letters are in the keys, yakash ੵ is ्य, the carriers ੲ ੳ are इ उ; ਸ਼ (ਸ + nukta) is ``sh``; ੜ
  is ड़.
* **Tamil**: ன ற ழ (alveolar n, r and the retroflex approximant) are read as न र ळ (ASCII ``n``, ``r``,
  ``l``; ṉ ṟ ḻ in IAST), ஃ (aytham) as visarga, the au length mark ௗ dropped. Tamil writes one letter for
  voiced and voiceless stops: in the readable forms க ச ட த ப are ``k ch t t p`` at the start of a word
  and when doubled, ``g j d d b`` after a nasal, and ``g s d d b`` between vowels (மதுரை Madurai, தஞ்சாவூர்
  Thanjavur, முருகன் Murugan; after *Tamil: A Comprehensive Grammar*, Asher 1982, §3.1).
* **Sinhala** has its own layout (U+0D80-U+0DFF) and is mapped letter by letter (:data:`_SINHALA`):
  prenasalized ඟ ඦ ඬ ඳ ඹ as nasal + stop (``ng nj nd nd mb``), ඇ ඈ and ැ ෑ (æ) as the candra vowel
  (``e``), ෆ as फ़ (``f``), al-lakuna ් as virama.

Hindi schwa deletion is applied to Bengali, Gurmukhi and Devanagari (its final inherent vowel is silent
as in Hindi: সোনাগড় ``sonagarh``), not to Tamil and Sinhala, which write a final consonant with its
virama and pronounce the inherent vowel (அனுராதபுர, අනුරාධපුර ``anuradhapura``).

Nepali and Marathi are written in Devanagari and read as Hindi.
"""

from __future__ import annotations

import functools
import unicodedata

__all__ = ["INDIC_SCRIPTS", "NO_SCHWA_DELETION", "indic_script", "to_devanagari"]

INDIC_SCRIPTS = ("bengali", "gurmukhi", "tamil", "sinhala")
NO_SCHWA_DELETION = frozenset({"tamil", "sinhala"})

_BLOCKS = {"bengali": (0x0980, 0x80), "gurmukhi": (0x0A00, 0x100), "tamil": (0x0B80, 0x280)}
_SINHALA_START = 0x0D80

INDIC_RANGE = r"\u0980-\u09FF\u0A00-\u0A7F\u0B80-\u0BFF\u0D80-\u0DFF"
"""The code points of the scripts read here (a regex character-class body)."""

_SPECIAL: dict[str, dict[str, str]] = {
    "bengali": {"ৎ": "त्", "ৰ": "र", "ৱ": "व", "ৗ": "", "৺": "", "ঀ": "", "৲": "", "৳": "", "ৼ": ""},
    "gurmukhi": {"ੰ": "ं", "ੱ": "", "ੵ": "्य", "ੲ": "इ", "ੳ": "उ", "ੑ": "", "ੴ": "एक ओंकार", "ੜ": "ड़"},
    "tamil": {"ன": "न", "ற": "र", "ழ": "ळ", "ௗ": "", "ஃ": "ः", "௰": "", "௱": "", "௲": ""},
}
# for the scholarly schemes: the Devanagari letters made for these sounds (sanscript knows ṉ ṟ ḻ)
_EXACT: dict[str, dict[str, str]] = {"tamil": {"ன": "ऩ", "ற": "ऱ", "ழ": "ऴ"}}

_SINHALA: dict[str, str] = {
    "අ": "अ", "ආ": "आ", "ඇ": "ॲ", "ඈ": "ॲ", "ඉ": "इ", "ඊ": "ई", "උ": "उ", "ඌ": "ऊ", "ඍ": "ऋ", "ඎ": "ॠ",
    "ඏ": "ऌ", "ඐ": "ॡ", "එ": "ऎ", "ඒ": "ए", "ඓ": "ऐ", "ඔ": "ऒ", "ඕ": "ओ", "ඖ": "औ",
    "ක": "क", "ඛ": "ख", "ග": "ग", "ඝ": "घ", "ඞ": "ङ", "ඟ": "ङ्ग", "ච": "च", "ඡ": "छ", "ජ": "ज",
    "ඣ": "झ", "ඤ": "ञ", "ඥ": "ज्ञ", "ඦ": "ञ्ज", "ට": "ट", "ඨ": "ठ", "ඩ": "ड", "ඪ": "ढ", "ණ": "ण",
    "ඬ": "ण्ड", "ත": "त", "ථ": "थ", "ද": "द", "ධ": "ध", "න": "न", "ඳ": "न्द", "ප": "प", "ඵ": "फ",
    "බ": "ब", "භ": "भ", "ම": "म", "ඹ": "म्ब", "ය": "य", "ර": "र", "ල": "ल", "ව": "व", "ශ": "श",
    "ෂ": "ष", "ස": "स", "හ": "ह", "ළ": "ळ", "ෆ": "फ़",
    "ා": "ा", "ැ": "ॅ", "ෑ": "ॅ", "ි": "ि", "ී": "ी", "ු": "ु", "ූ": "ू", "ෘ": "ृ", "ෲ": "ॄ", "ෟ": "ॢ",
    "ෳ": "ॣ", "ෙ": "ॆ", "ේ": "े", "ෛ": "ै", "ො": "ॊ", "ෝ": "ो", "ෞ": "ौ", "්": "्", "ං": "ं", "ඃ": "ः",
    "ඁ": "ँ", "෴": "।",
    **{chr(0x0DE6 + d): chr(0x0966 + d) for d in range(10)},
}  # fmt: skip


def indic_script(ch: str) -> str | None:
    """Which of :data:`INDIC_SCRIPTS` a character belongs to, or None."""
    o = ord(ch)
    if 0x0980 <= o <= 0x09FF:
        return "bengali"
    if 0x0A00 <= o <= 0x0A7F:
        return "gurmukhi"
    if 0x0B80 <= o <= 0x0BFF:
        return "tamil"
    if 0x0D80 <= o <= 0x0DFF:
        return "sinhala"
    return None


@functools.lru_cache(maxsize=1 << 15)
def to_devanagari(word: str, script: str, exact: bool = False) -> str:
    """``word`` of ``script`` (NFC) in Devanagari letters of the same sounds (see the module docstring).
    ``exact`` keeps Tamil's ṉ ṟ ḻ apart (for the scholarly schemes). Other characters pass unchanged."""
    out: list[str] = []
    if script == "sinhala":
        for ch in word:
            out.append(_SINHALA.get(ch, ch))
        return "".join(out)
    start, offset = _BLOCKS[script]
    special = _SPECIAL[script]
    exact_map = _EXACT.get(script, {}) if exact else {}
    for i, ch in enumerate(word):
        if ch in exact_map:
            out.append(exact_map[ch])
        elif ch in special:
            out.append(special[ch])
        elif start <= ord(ch) < start + 0x80:
            if (
                script == "bengali"
                and ch == "য"
                and _starts_word(word, i)
                and word[i + 1 : i + 2] != "\u09bc"
            ):
                out.append("ज")  # যশোর: Jashore
            else:
                out.append(chr(ord(ch) - offset))
        else:
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def _starts_word(word: str, i: int) -> bool:
    return i == 0 or not (unicodedata.category(word[i - 1])[0] in "LM" or word[i - 1] in "\u200c\u200d")


# Devanagari → Bengali / Gurmukhi (generated spellings of a Hindi name): the same offsets back, and what
# each script writes its own way.
_FROM_DEVANAGARI: dict[str, dict[str, str]] = {
    "bengali": {"व": "ব", "ॉ": "ো", "ऑ": "অ", "ॅ": "্যা", "ऍ": "অ্যা", "ॐ": "ওঁ", "ळ": "ল"},
    "gurmukhi": {"श": "ਸ਼", "ष": "ਸ਼", "ं": "ੰ", "ॉ": "ੋ", "ऑ": "ਔ", "ृ": "੍ਰਿ", "ऋ": "ਰਿ", "ळ": "ਲ਼", "ण": "ਣ"},
}
_NUKTA_KEPT = {"bengali": frozenset("डढय"), "gurmukhi": frozenset("खगजफड")}


def from_devanagari(word: str, script: str) -> str:
    """A Hindi word in ``script`` ("bengali" or "gurmukhi") by the parallel layout of the blocks:
    पाकिस्तान → পাকিস্তান, ਪਾਕਿਸਤਾਨ (Gurmukhi writes a virama only before र ह व; a doubled consonant takes
    addak: दिल्ली → ਦਿੱਲੀ). Nukta letters the script lacks lose their dot (ज़ → জ). A guess for generated
    gazetteer spellings."""
    offset = _BLOCKS[script][1]
    special = _FROM_DEVANAGARI[script]
    keep_nukta = _NUKTA_KEPT[script]
    chars = unicodedata.normalize("NFD", word)
    out: list[str] = []
    for i, c in enumerate(chars):
        prev = chars[i - 1] if i else ""
        nxt = chars[i + 1] if i + 1 < len(chars) else ""
        if c == "\u093c":
            if prev in keep_nukta:
                out.append(chr(0x093C + offset))
            continue
        if script == "gurmukhi" and c == "\u094d":
            if nxt in "रहव":
                out.append("\u0a4d")
            elif nxt and nxt == prev:
                out[-1] = "\u0a71" + out[-1]  # addak before the doubled consonant: ल्ल → ੱਲ
                out.append("\u200b")  # placeholder, dropped below: the second consonant is not written
            continue
        if out and out[-1] == "\u200b":
            out.pop()
            continue
        if c in special:
            out.append(special[c])
        elif "\u0900" <= c <= "\u097f":
            mapped = chr(ord(c) + offset)
            out.append(mapped if unicodedata.name(mapped, "") else "")
        else:
            out.append(c)
    return unicodedata.normalize("NFC", "".join(out))
