"""Decoding, NFC normalization and offset re-mapping for imported documents.

Stored document text is always ``normalize(decode(raw_bytes))``: line endings are LF and the text is in
Unicode Normalization Form C. All annotation offsets in the project are code-point offsets into that
stored text, half-open ``[start, end)``.

Importers whose input came with offsets into the *original* text use :func:`normalize_with_map` to get
an :class:`OffsetMap`, then :func:`remap_span` for every span. A span that cannot be mapped exactly is
reported with :class:`SpanMismatch`; it is never silently moved.

Pure Python; no Qt, no database.
"""

from __future__ import annotations

import codecs
import functools
import hashlib
import operator
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable

import regex

__all__ = [
    "OffsetMap",
    "SpanMismatch",
    "TextDecodeError",
    "content_hash",
    "decode",
    "fold_for_matching",
    "fold_with_offsets",
    "normalize",
    "normalize_with_map",
    "remap_span",
]


# --------------------------------------------------------------------------------------------------
# Decoding
# --------------------------------------------------------------------------------------------------

_EXPECTED = "file must be UTF-8 or UTF-16 with BOM"


class TextDecodeError(ValueError):
    """Raised when input bytes are not UTF-8 (optionally with BOM) or UTF-16 with a BOM.

    ``byte_offset`` is an offset into the original bytes (a stripped BOM is counted).
    """

    def __init__(self, source: str, byte_offset: int, reason: str) -> None:
        self.source = source
        self.byte_offset = byte_offset
        self.reason = reason
        super().__init__(f"{source}: byte {byte_offset}: {reason}")

    def __reduce__(self):  # keep the exception picklable (e.g. across process pools)
        return (type(self), (self.source, self.byte_offset, self.reason))


def decode(data: bytes, source: str = "<bytes>") -> str:
    """Decode ``data`` as UTF-8 (a UTF-8 BOM is stripped) or as UTF-16 LE/BE when it starts with a BOM.

    Raises :class:`TextDecodeError` naming ``source`` and the byte offset of the first bad byte.
    UTF-32 input (recognised by its BOM) and text containing NUL characters (almost always UTF-16
    without a BOM) are rejected as well. The result is *not* normalized; see :func:`normalize`.
    """
    data = bytes(data)
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise TextDecodeError(source, 0, f"UTF-32 byte order mark; {_EXPECTED}")
    if data.startswith(codecs.BOM_UTF8):
        encoding, label, skip = "utf-8", "UTF-8", len(codecs.BOM_UTF8)
    elif data.startswith(codecs.BOM_UTF16_LE):
        encoding, label, skip = "utf-16-le", "UTF-16-LE", len(codecs.BOM_UTF16_LE)
    elif data.startswith(codecs.BOM_UTF16_BE):
        encoding, label, skip = "utf-16-be", "UTF-16-BE", len(codecs.BOM_UTF16_BE)
    else:
        encoding, label, skip = "utf-8", "UTF-8", 0
    try:
        text = data[skip:].decode(encoding)
    except UnicodeDecodeError as exc:
        offset = skip + exc.start
        if encoding == "utf-8":
            detail = f"byte 0x{data[offset]:02X}"
            if exc.end >= len(data) - skip and "end of data" in exc.reason:
                detail += ", truncated sequence at end of data"
            reason = f"invalid UTF-8 ({detail}); {_EXPECTED}"
        else:
            reason = f"invalid {label} ({exc.reason}); {_EXPECTED}"
        raise TextDecodeError(source, offset, reason) from None
    nul = text.find("\x00")
    if nul >= 0:
        # Byte offset of the NUL: encode the prefix again (only on this error path).
        if encoding == "utf-8":
            offset = skip + len(text[:nul].encode("utf-8"))
            hint = "NUL character; file looks like UTF-16 without BOM"
        else:
            offset = skip + len(text[:nul].encode(encoding))
            hint = "NUL character"
        raise TextDecodeError(source, offset, f"{hint}; {_EXPECTED}")
    return text


# --------------------------------------------------------------------------------------------------
# Normalization
# --------------------------------------------------------------------------------------------------

# Python's unicodedata 14.0 (3.11) assigns nothing in planes 4-13, and planes 15-16 are private use;
# neither has decompositions nor non-zero combining classes. Scanning planes 0-3 and 14 is therefore
# complete and ~3x cheaper at import time than scanning all of 0..0x10FFFF. A test checks the claim
# against a full scan, so a future Python with new data there would be noticed.
_SCAN_RANGES = ((0, 0x40000), (0xE0000, 0xE1000))


def _code_point_class(code_points: Iterable[int]) -> str:
    """A regex character class body (no brackets) for a set of code points, as compact ranges."""
    cps = sorted(set(code_points))
    parts: list[str] = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        lo, hi = cps[i], cps[j]
        parts.append(f"\\U{lo:08X}" if lo == hi else f"\\U{lo:08X}-\\U{hi:08X}")
        i = j + 1
    return "".join(parts)


class _NfcData:
    """Normalization facts derived once, at import time, from Python's own unicodedata."""

    def __init__(self) -> None:
        self.no: set[int] = set()  # NFC_QC=No: NFC(c) != c
        self.maybe: set[int] = set()  # NFC_QC=Maybe: second element of a primary composite
        self.nonzero_ccc: set[int] = set()  # canonical combining class > 0
        self.trailing_nonzero_ccc: set[int] = set()  # last character of NFD(c) has ccc > 0
        self.firsts: dict[int, set[int]] = {}  # second element -> first elements it composes with
        for lo, hi in _SCAN_RANGES:
            for cp in range(lo, hi):
                ch = chr(cp)
                if unicodedata.combining(ch):
                    self.nonzero_ccc.add(cp)
                    self.trailing_nonzero_ccc.add(cp)
                decomposition = unicodedata.decomposition(ch)
                if not decomposition or decomposition[0] == "<":
                    continue  # no canonical decomposition
                if unicodedata.combining(unicodedata.normalize("NFD", ch)[-1]):
                    self.trailing_nonzero_ccc.add(cp)
                if unicodedata.normalize("NFC", ch) != ch:
                    self.no.add(cp)  # singleton, composition exclusion, non-starter decomposition
                    continue
                parts = decomposition.split()
                if len(parts) == 2:  # primary composite
                    first, second = int(parts[0], 16), int(parts[1], 16)
                    self.maybe.add(second)
                    self.firsts.setdefault(second, set()).add(first)
        # Hangul syllables decompose algorithmically (decomposition() is empty for them): LV = L + V and
        # LVT = LV + T, so every V and T jamo can be the second element of a composition.
        for cp in range(0xAC00, 0xD7A4):
            nfd = unicodedata.normalize("NFD", chr(cp))
            lead = unicodedata.normalize("NFC", nfd[:-1])
            self.maybe.add(ord(nfd[-1]))
            self.firsts.setdefault(ord(nfd[-1]), set()).add(ord(lead))
        self.all_firsts: set[int] = set().union(*self.firsts.values())

    def proxy_for(self, mark: int) -> int | None:
        """A character with the same combining class as ``mark`` that never takes part in NFC."""
        ccc = unicodedata.combining(chr(mark))
        for lo, hi in _SCAN_RANGES:
            for cp in range(lo, hi):
                ch = chr(cp)
                if (
                    unicodedata.combining(ch) == ccc
                    and not unicodedata.decomposition(ch)
                    and cp not in self.maybe
                    and cp not in self.all_firsts
                ):
                    return cp
        return None  # pragma: no cover


@functools.cache
def _nfc_data() -> _NfcData:
    """The normalization facts, derived on first use (about 0.15 s: not paid by a process that never
    normalizes, such as a query of stored labels)."""
    return _NfcData()


# The spec's trigger: matches wherever NFC could change the text or a character could take part in a
# change: a CR, an NFC_QC=No or NFC_QC=Maybe character, or two consecutive non-starters (which
# canonical reordering might swap). Text without a match is NFC with LF line endings already (the
# standard NFC quick-check argument, made stricter). Used to locate the chunks of normalize_with_map().
@functools.cache
def _trigger() -> re.Pattern[str]:
    data = _nfc_data()
    return re.compile(
        f"[\\r{_code_point_class(data.no | data.maybe)}]|[{_code_point_class(data.nonzero_ccc)}]{{2}}"
    )


# Fast path for frequent NFC_QC=Maybe marks. U+093C DEVANAGARI SIGN NUKTA is "Maybe" only because
# न/र/ळ + nukta compose (ऩ ऱ ऴ); after any other consonant it is inert. Python's quick check cannot
# know that and normalizes every Hindi text containing ड़ ढ़ ज़ फ़ (slowly). For such a mark m we check
# the context ourselves and let CPython's C quick check judge the rest, with every m replaced by a
# *proxy*: a character of the same combining class that is neither the first nor the second element of
# any composition. Soundness: text and probe have the same combining-class sequence, so canonical
# reordering treats them alike (and the quick check flags any misordering). The proxy never composes;
# m does not compose as a first element (checked below) and does not compose as a second element when
# its predecessor p is a starter that is not a first element for m and whose decomposition ends in a
# starter (otherwise reordering could move m next to a base inside p). Under these conditions
# NFC(text) is NFC(probe) with the proxies turned back into m, so probe is NFC iff text is.
_ACCELERATED_MARKS = (
    0x093C,  # DEVANAGARI SIGN NUKTA
    0x0653,  # ARABIC MADDAH ABOVE (Urdu)
    0x0654,  # ARABIC HAMZA ABOVE (Urdu)
    0x0655,  # ARABIC HAMZA BELOW
)


@functools.cache
def _proxies() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    data = _nfc_data()
    proxies = []
    for mark in _ACCELERATED_MARKS:
        if mark not in data.maybe or mark in data.all_firsts or not unicodedata.combining(chr(mark)):
            continue  # this Unicode version does not fit the argument above; use the plain path
        proxy = data.proxy_for(mark)
        if proxy is None:  # pragma: no cover
            continue
        unsafe_before = data.firsts[mark] | data.nonzero_ccc | data.trailing_nonzero_ccc
        m = f"\\U{mark:08X}"
        # Literal first, so that the search skips ahead quickly; the lookbehind checks the predecessor.
        unsafe = re.compile(f"{m}(?<=[{_code_point_class(unsafe_before)}]{m})")
        proxies.append((chr(mark), chr(proxy), unsafe))
    return tuple(proxies)


def _nfc(text: str) -> str:
    """NFC of CR-free text; returns ``text`` itself when it is already NFC."""
    probe = text
    unsafe_found = False
    for mark, proxy, unsafe in _proxies():
        if mark in probe:
            if unsafe.search(text) is not None:
                unsafe_found = True
                break
            probe = probe.replace(mark, proxy)
    if not unsafe_found and probe is not text and unicodedata.is_normalized("NFC", probe):
        return text
    # CPython runs its C quick check first and returns `text` itself when it says YES; make the
    # "same object when unchanged" contract independent of that implementation detail.
    result = unicodedata.normalize("NFC", text)
    return text if result is not text and result == text else result


def normalize(text: str) -> str:
    """CRLF and lone CR become LF, then NFC.

    ZWJ/ZWNJ, danda and nukta are kept. Precomposed nukta letters U+0958..U+095F are composition
    exclusions, so NFC turns them into base + U+093C (intended). When nothing changes, ``text`` itself
    (the same object) is returned.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _nfc(text)


# --------------------------------------------------------------------------------------------------
# Offset maps
# --------------------------------------------------------------------------------------------------


class OffsetMap:
    """Maps code-point offsets of an original text (0..len inclusive) to offsets of its normalized text.

    The map is a sorted list of *changed chunks* ``(orig_start, orig_end, norm_start, norm_end)``;
    outside them offsets shift by the accumulated length difference. An offset at a chunk boundary
    maps exactly. An offset strictly inside a changed chunk has no exact image: :meth:`start` maps it
    to the chunk's normalized start and :meth:`end` to its normalized end. The identity map (nothing
    changed) stores no chunks at all.
    """

    __slots__ = (
        "_chunks",
        "_nends",
        "_nstarts",
        "_oends",
        "_ostarts",
        "normalized_length",
        "original_length",
    )

    def __init__(
        self,
        original_length: int,
        normalized_length: int,
        chunks: Iterable[tuple[int, int, int, int]] = (),
    ) -> None:
        self.original_length = original_length
        self.normalized_length = normalized_length
        self._chunks = tuple(chunks)
        self._ostarts = [c[0] for c in self._chunks]
        self._oends = [c[1] for c in self._chunks]
        self._nstarts = [c[2] for c in self._chunks]
        self._nends = [c[3] for c in self._chunks]
        if not self._chunks and original_length != normalized_length:
            raise ValueError("an identity map needs equal lengths")

    @classmethod
    def identity(cls, length: int) -> OffsetMap:
        return cls(length, length)

    @property
    def is_identity(self) -> bool:
        return not self._chunks

    @property
    def chunks(self) -> tuple[tuple[int, int, int, int], ...]:
        """The changed chunks ``(orig_start, orig_end, norm_start, norm_end)``, in order."""
        return self._chunks

    def _locate(self, i: int) -> tuple[int, int]:
        """(lo, hi) normalized offsets for original offset ``i``; lo == hi when ``i`` maps exactly."""
        if not 0 <= i <= self.original_length:
            raise IndexError(f"offset {i} outside 0..{self.original_length}")
        k = bisect_right(self._ostarts, i) - 1
        if k < 0:
            return i, i
        if i == self._ostarts[k]:
            return self._nstarts[k], self._nstarts[k]
        if i < self._oends[k]:
            return self._nstarts[k], self._nends[k]
        shifted = i + self._nends[k] - self._oends[k]
        return shifted, shifted

    def start(self, i: int) -> int:
        """Image of ``i`` used as a span start (inside a changed chunk: the chunk's normalized start)."""
        return self._locate(i)[0]

    def end(self, i: int) -> int:
        """Image of ``i`` used as a span end (inside a changed chunk: the chunk's normalized end)."""
        return self._locate(i)[1]

    def exact(self, i: int) -> int | None:
        """Image of ``i`` if it maps exactly, else None."""
        lo, hi = self._locate(i)
        return lo if lo == hi else None

    def is_exact(self, i: int) -> bool:
        lo, hi = self._locate(i)
        return lo == hi

    def __repr__(self) -> str:
        if self.is_identity:
            return f"OffsetMap.identity({self.original_length})"
        return (
            f"OffsetMap({self.original_length} -> {self.normalized_length}, "
            f"{len(self._chunks)} changed chunk(s))"
        )


_GRAPHEME = regex.compile(r"\X")
_LINE = regex.compile(r"[^\n]*\n|[^\n]+")


def _chunks_from_ranges(
    text: str, ranges: list[tuple[int, int]], expected: str
) -> list[tuple[int, int, int, int]] | None:
    """Normalize each original range separately; None unless the pieces rebuild ``expected`` exactly."""
    chunks: list[tuple[int, int, int, int]] = []
    pieces: list[str] = []
    pos = 0  # original position up to which pieces were emitted
    npos = 0  # corresponding normalized position
    for a, b in ranges:
        pieces.append(text[pos:a])
        npos += a - pos
        piece = normalize(text[a:b])
        pieces.append(piece)
        if piece != text[a:b]:
            chunks.append((a, b, npos, npos + len(piece)))
        npos += len(piece)
        pos = b
    pieces.append(text[pos:])
    if "".join(pieces) != expected:
        return None
    return chunks


def _merge(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort ranges and merge the ones that *overlap* (adjacent ranges stay separate chunks)."""
    merged: list[tuple[int, int]] = []
    for a, b in sorted(ranges):
        if merged and a < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged


def normalize_with_map(text: str) -> tuple[str, OffsetMap]:
    """:func:`normalize` plus an :class:`OffsetMap` from ``text`` offsets to normalized offsets.

    Chunks are the grapheme clusters that contain something normalization may change; their pieces
    are normalized one by one and must rebuild ``normalize(text)`` exactly. If they do not (possible
    only for exotic input), whole lines and finally the whole text are used as chunks instead.
    """
    normalized = normalize(text)
    if normalized is text:
        return text, OffsetMap.identity(len(text))

    boundaries = [0]
    boundaries.extend(m.end() for m in _GRAPHEME.finditer(text))

    def cluster_of(i: int) -> tuple[int, int]:
        k = bisect_right(boundaries, i) - 1
        return boundaries[k], boundaries[k + 1]

    ranges: list[tuple[int, int]] = []
    for m in _trigger().finditer(text):
        a, _ = cluster_of(m.start())
        _, b = cluster_of(m.end() - 1)
        ranges.append((a, b))
    chunks = _chunks_from_ranges(text, _merge(ranges), normalized)
    if chunks is None:
        lines = [(m.start(), m.end()) for m in _LINE.finditer(text)]
        chunks = _chunks_from_ranges(text, lines, normalized)
    if chunks is None:  # pragma: no cover - whole text as one chunk is always consistent
        chunks = [(0, len(text), 0, len(normalized))]
    return normalized, OffsetMap(len(text), len(normalized), chunks)


# --------------------------------------------------------------------------------------------------
# Span re-mapping
# --------------------------------------------------------------------------------------------------


class SpanMismatch(ValueError):
    """A span from an input file does not fit its text, or does not map exactly through normalization."""


def _quote(s: str, limit: int = 80) -> str:
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return repr(s)


def remap_span(
    original: str,
    start: int,
    end: int,
    offset_map: OffsetMap,
    normalized: str,
    surface: str | None = None,
) -> tuple[int, int]:
    """Map the span ``[start, end)`` of ``original`` to ``normalized`` and verify it.

    Checks that ``0 <= start <= end <= len(original)``, that the mapped slice of ``normalized`` equals
    ``normalize(original[start:end])`` and, when ``surface`` (the text the input file says the span
    covers) is given, that it equals ``normalize(surface)``. Any failure raises :class:`SpanMismatch`.
    """
    try:
        start, end = operator.index(start), operator.index(end)
    except TypeError:
        raise SpanMismatch(f"span [{start!r}, {end!r}) has non-integer offsets") from None
    if not 0 <= start <= end <= len(original):
        raise SpanMismatch(f"span [{start}, {end}) does not fit in text of length {len(original)}")
    if offset_map.original_length != len(original) or offset_map.normalized_length != len(normalized):
        raise ValueError(
            f"offset map is for lengths {offset_map.original_length} -> {offset_map.normalized_length}, "
            f"texts have lengths {len(original)} -> {len(normalized)}"
        )
    new_start, new_end = offset_map.start(start), offset_map.end(end)
    got = normalized[new_start:new_end]
    want = normalize(original[start:end])
    if got != want:
        raise SpanMismatch(
            f"span [{start}, {end}) covers {_quote(want)} (normalized) in the original text, but maps to "
            f"[{new_start}, {new_end}) = {_quote(got)} in the normalized text (the span cuts through "
            f"a character sequence that normalization changed)"
        )
    if surface is not None:
        surface_n = normalize(surface)
        if surface_n != got:
            raise SpanMismatch(
                f"span [{start}, {end}) covers {_quote(got)} but the input says it covers {_quote(surface_n)}"
            )
    return new_start, new_end


# --------------------------------------------------------------------------------------------------
# Hashing
# --------------------------------------------------------------------------------------------------


def content_hash(text: str) -> str:
    """SHA-256 hex digest of the UTF-8 bytes of ``text`` (which should already be normalized)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------------------------------
# Folding for search and matching (never for stored text)
# --------------------------------------------------------------------------------------------------

#: Sequences written two ways for one letter, folded first (before the joiners go): Bengali khanda ta
#: written as ta + virama + ZWJ (Unicode before 4.1), and independent vowels typed as a + aa-sign.
_FOLD_SEQUENCES = {
    "\u09a4\u09cd\u200d": "\u09ce",  # ত্‍ → ৎ
    "\u0985\u09be": "\u0986",  # অা → আ
    "\u0905\u093e": "\u0906",  # अा → आ
    "\u0a05\u0a3e": "\u0a06",  # ਅਾ → ਆ
}

#: Code points that fold to another (or to nothing). Arabic script: Arabic and Farsi yeh and alef maksura
#: (ي ى) → Urdu/Farsi yeh ی; Arabic and Sindhi kaf (ك ڪ) → keheh ک; Arabic heh, ae and do-chashmi heh
#: (ه ە ھ) → heh goal ہ, with hamza (ۀ) → ۂ; teh marbuta ة → ۃ; alef with hamza, madda or wasla → alef;
#: short vowels, tanween, shadda, sukun, superscript alef, Quranic marks and tatweel dropped. Every
#: script: ZWJ, ZWNJ, soft hyphen and the directional marks dropped; digits of every script → ASCII.
_FOLD_CHARS: dict[str, str] = {
    "\u064a": "\u06cc",
    "\u0649": "\u06cc",
    "\u0643": "\u06a9",
    "\u06aa": "\u06a9",
    "\u0647": "\u06c1",
    "\u06d5": "\u06c1",
    "\u06be": "\u06c1",
    "\u06c0": "\u06c2",
    "\u0629": "\u06c3",
    "\u0622": "\u0627",
    "\u0623": "\u0627",
    "\u0625": "\u0627",
    "\u0671": "\u0627",
    **dict.fromkeys(map(chr, range(0x064B, 0x0660)), ""),
    "\u0670": "",
    **dict.fromkeys(map(chr, range(0x06D6, 0x06EE)), ""),
    "\u0640": "",
    **dict.fromkeys("\u200c\u200d\u00ad\u200e\u200f\u061c", ""),
    **dict.fromkeys(map(chr, range(0x202A, 0x202F)), ""),
    **dict.fromkeys(map(chr, range(0x2066, 0x206A)), ""),
}


@functools.cache
def _fold_table() -> tuple[dict[int, str], re.Pattern[str]]:
    """The translation table (with every script's digits as ASCII) and the sequences' pattern."""
    table = {ord(k): v for k, v in _FOLD_CHARS.items()}
    for cp in range(0x0660, 0x0E00):
        if unicodedata.category(chr(cp)) == "Nd":
            table[cp] = str(unicodedata.decimal(chr(cp)))
    sequences = re.compile("|".join(map(re.escape, _FOLD_SEQUENCES)))
    return table, sequences


def fold_for_matching(text: str) -> str:
    """``text`` made comparable across the ways the same word is typed, for search and matching only:
    NFC (so a query typed with U+0958 क़ finds the stored क + nukta, and Bengali য় ড় ঢ় typed precomposed
    find their stored decomposed form), case folded, Arabic-script letter variants unified (ي/ی, ك/ک,
    ه/ہ/ھ, ة/ۃ, أ/إ/آ/ا), short vowels, tatweel, ZWJ/ZWNJ and directional marks dropped, digits of every
    script made ASCII, Bengali khanda ta and vowels typed in two parts made one (see
    :data:`_FOLD_CHARS`, :data:`_FOLD_SEQUENCES`). The result is shorter or longer than the text: to
    map a match back, fold the stored text with :func:`fold_with_offsets`. Never store it."""
    table, sequences = _fold_table()
    text = normalize(text)
    if any(first in text for first in "\u09a4\u0985\u0905\u0a05"):
        text = sequences.sub(lambda m: _FOLD_SEQUENCES[m.group()], text)
    return text.casefold().translate(table)


@functools.cache
def _fold_change() -> re.Pattern[str]:
    """What folding changes: the sequences, then any character the table maps or case folding changes
    (found once, on first use, over the planes that have cased letters)."""
    table, _sequences = _fold_table()
    changed = set(table)
    for cp in range(0x20000):
        char = chr(cp)
        if char.casefold() != char:
            changed.add(cp)
    sequences = "|".join(map(re.escape, _FOLD_SEQUENCES))
    return re.compile(f"{sequences}|[{_code_point_class(changed)}]")


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """:func:`fold_for_matching` of an NFC text (stored text is), with where each folded character came
    from: ``origin[i]`` is the offset in ``text`` of the character that gave folded character ``i``, and
    ``origin[len(folded)] == len(text)``. A match ``[a, b)`` in the folded text is
    ``[origin[a], origin[b])`` in ``text`` (a dropped mark at a match's end is left out of it). Only the
    characters folding changes are looked at one by one."""
    table, _sequences = _fold_table()
    pieces: list[str] = []
    origin: list[int] = []
    last = 0
    for m in _fold_change().finditer(text):
        start = m.start()
        if start > last:
            pieces.append(text[last:start])
            origin.extend(range(last, start))
        found = m.group()
        out = _FOLD_SEQUENCES.get(found) or found.casefold().translate(table)
        pieces.append(out)
        origin.extend([start] * len(out))
        last = m.end()
    if last < len(text):
        pieces.append(text[last:])
        origin.extend(range(last, len(text)))
    origin.append(len(text))
    return "".join(pieces), origin
