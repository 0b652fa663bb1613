"""Grapheme clusters, tokens and selection snapping for Hindi/English/mixed text.

All offsets are code points of the stored (NFC) text, half-open ``[start, end)``. Grapheme clusters are
the ``regex`` module's ``\\X`` (extended grapheme clusters, including the Indic conjunct rule GB9c), so
a conjunct such as ``स्त्री`` is never cut.

Token rules (see :func:`tokenize`):

* Everything the tokenizer emits is a whole number of grapheme clusters; whitespace is never part of a
  token. A cluster that *starts* with whitespace (a stray combining mark or ZWJ right after a space
  belongs to the space's cluster) counts as whitespace and is not part of any token.
* Words are runs of clusters that start with a letter, a mark, a digit, ZWJ or ZWNJ (so matras, virama,
  nukta, anusvara/chandrabindu/visarga and ZWJ/ZWNJ stay inside), beginning with a non-digit:
  ``प्रधानमंत्री``, ``G20``. An apostrophe between letters stays inside (``India's``, ``Pakistan’s``).
  With ``join_hyphenated`` a hyphen after a letter and before a letter or digit joins (``लश्कर-ए-तैयबा``,
  ``AK-47``, ``MiG-21``); ``26-year-old`` stays ``26`` ``-`` ``year-old``.
* Numbers: digits (any script, e.g. ``२६``) with inner ``. , / - :`` between digits: ``1,20,000``,
  ``22.04.2025``, ``26/11``, ``2025-04-22``. Letters right after a number stay in the same token, which
  is still of kind "number" (``5वीं``, ``26th``, ``3.5km``).
* ``@handle``, ``#hashtag`` (also ``#पहलगाम``) when not preceded by a word character; URLs starting with
  ``http://``, ``https://`` or ``www.``, and bare domains followed by a path (``pic.twitter.com/x``);
  trailing ``. , ) ; : ! ? ' "`` and danda are not part of a URL.
* Anything else is one cluster: "punct" when its first character is Unicode punctuation (P*), else
  "symbol" (emoji, including ZWJ sequences and flags, which are single clusters).

Pure Python; no Qt, no database.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from functools import cached_property
from operator import attrgetter
from typing import NamedTuple

import regex

__all__ = [
    "TOKEN_KINDS",
    "Segmenter",
    "Token",
    "grapheme_boundaries",
    "snap",
    "strip_span",
    "tokenize",
]

TOKEN_KINDS = ("word", "number", "punct", "url", "handle", "hashtag", "symbol")
SNAP_MODES = ("grapheme", "token")

_GRAPHEME = regex.compile(r"\X")


def grapheme_boundaries(text: str) -> list[int]:
    """Sorted offsets of all grapheme cluster boundaries, including 0 and ``len(text)``."""
    bounds = [0]
    bounds.extend(m.end() for m in _GRAPHEME.finditer(text))
    return bounds


class Token(NamedTuple):
    start: int
    end: int
    text: str
    kind: str  # one of TOKEN_KINDS


# --------------------------------------------------------------------------------------------------
# The tokenizer: one compiled pattern per join_hyphenated setting.
#
# Every alternative consumes whole grapheme clusters: a "cluster starting with a character of class C"
# is written (?=C)\X. A match therefore starts and ends on cluster boundaries, and because some
# alternative matches at every position (the last one is a bare \X), finditer never skips ahead into the
# middle of a cluster. Whitespace clusters are matched too (group "ws") and dropped.
# --------------------------------------------------------------------------------------------------

_ZW = "\u200c\u200d"  # ZWNJ, ZWJ
_SPACE = r"[\s\x1c-\x1f]"  # Unicode White_Space plus the separators str.isspace() also counts
_WORD_CH = rf"[\p{{L}}\p{{M}}\p{{Nd}}{_ZW}]"
_LETTER_END = rf"[\p{{L}}\p{{M}}{_ZW}]"  # what may precede a joining apostrophe or hyphen


def _g(char_class: str) -> str:
    """One grapheme cluster whose first character is in ``char_class``."""
    return rf"(?:(?={char_class})\X)"


_NOT_SPACE = r"[^\s\x1c-\x1f]"
_DIGIT = r"\p{Nd}"
_HANDLE_CH = r"[\p{L}\p{M}\p{Nd}_]"
_HASHTAG_CH = rf"[\p{{L}}\p{{M}}\p{{Nd}}_{_ZW}]"
_TAG_START = r"(?=[\p{L}\p{Nd}_])"  # first character after @ or #
_APOSTROPHE = "['’]"  # ASCII apostrophe, U+2019
_HYPHEN = "[-‐‑]"  # hyphen-minus, U+2010 HYPHEN, U+2011 NON-BREAKING HYPHEN
_NUMBER_SEP = "[.,/:-]"
_PUNCT = r"\p{P}"

# A cluster boundary right after an ASCII character that was matched character by character.
_AT_BOUNDARY = r"(?![\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}])"
_URL_TRAIL = "[.,);:!?'\"।॥”’»]"  # not part of a URL when it ends one
_URL_BODY = (
    rf"(?:{_g(_NOT_SPACE)})+?"  # lazily, up to the first point where
    rf"(?<!{_URL_TRAIL})"  # the URL does not end in trailing punctuation
    rf"(?={_URL_TRAIL}*(?:{_SPACE}|\Z))"  # and only trailing punctuation is left before a space
)
_URL_PREFIX = (
    r"(?:(?i:https?://|www\.)"
    r"|(?<![\w.@])(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}/)"  # bare domain + path
)
_URL = rf"{_URL_PREFIX}{_AT_BOUNDARY}{_URL_BODY}"
_HANDLE = rf"(?<!{_WORD_CH}){_g('@')}{_TAG_START}{_g(_HANDLE_CH)}+"
_HASHTAG = rf"(?<!{_WORD_CH}){_g('#')}{_TAG_START}{_g(_HASHTAG_CH)}+"
_NUMBER_CORE = rf"{_g(_DIGIT)}+(?:{_g(_NUMBER_SEP)}(?={_DIGIT}){_g(_DIGIT)}+)*"
_RUN = rf"{_g(_WORD_CH)}+"
_APOSTROPHE_JOIN = rf"(?<={_LETTER_END}){_g(_APOSTROPHE)}(?=\p{{L}}){_RUN}"
# letter-hyphen-letter (लश्कर-ए-तैयबा) and letter-hyphen-digit, for weapon and model names (AK-47, F-16)
_HYPHEN_JOIN = rf"(?<={_LETTER_END}){_g(_HYPHEN)}(?=[\p{{L}}\p{{Nd}}]){_RUN}"


def _token_pattern(join_hyphenated: bool) -> regex.Pattern[str]:
    join = f"{_APOSTROPHE_JOIN}|{_HYPHEN_JOIN}" if join_hyphenated else _APOSTROPHE_JOIN
    word_tail = f"(?:{join})*"
    return regex.compile(
        rf"(?P<ws>{_g(_SPACE)}+)"
        rf"|(?P<url>{_URL})"
        rf"|(?P<handle>{_HANDLE})"
        rf"|(?P<hashtag>{_HASHTAG})"
        rf"|(?P<number>{_NUMBER_CORE}(?:{_RUN}{word_tail})?)"
        rf"|(?P<word>{_RUN}{word_tail})"
        rf"|(?P<punct>{_g(_PUNCT)})"
        rf"|(?P<symbol>\X)"
    )


_TOKEN_RE = {True: _token_pattern(True), False: _token_pattern(False)}


def tokenize(text: str, *, join_hyphenated: bool = True) -> list[Token]:
    """Split ``text`` into tokens (see the module docstring for the rules), in order, non-overlapping."""
    tokens: list[Token] = []
    append = tokens.append
    for m in _TOKEN_RE[bool(join_hyphenated)].finditer(text):
        kind = m.lastgroup
        assert kind is not None  # every alternative of the pattern is a named group
        if kind != "ws":
            start, end = m.span()
            append(Token(start, end, m.group(), kind))
    return tokens


# --------------------------------------------------------------------------------------------------
# Snapping
# --------------------------------------------------------------------------------------------------

_start_of = attrgetter("start")
_end_of = attrgetter("end")


def _clamp(text: str, start: int, end: int) -> tuple[int, int]:
    n = len(text)
    start = min(max(start, 0), n)
    end = min(max(end, 0), n)
    return (end, start) if start > end else (start, end)


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Clamp the span, then trim whitespace at both ends.

    An all-whitespace span becomes the empty span at its (clamped) start.
    """
    start, end = _clamp(text, start, end)
    s, e = start, end
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return (s, e) if s < e else (start, start)


def _token_at(tokens: list[Token], pos: int) -> Token | None:
    i = bisect_right(tokens, pos, key=_start_of) - 1
    if i >= 0 and tokens[i].end > pos:
        return tokens[i]
    return None


def snap(
    text: str,
    start: int,
    end: int,
    *,
    mode: str = "token",
    join_hyphenated: bool = True,
    tokens: list[Token] | None = None,
    boundaries: list[int] | None = None,
) -> tuple[int, int]:
    """Snap a selection to grapheme clusters ("grapheme") or to whole tokens ("token", the default).

    The selection is clamped to ``[0, len(text)]`` and swapped if reversed. The result always contains
    the (clamped) selection, has both ends on grapheme boundaries, and snapping it again changes
    nothing. An empty selection snaps to the boundary at or before it ("grapheme"), or to the token
    containing it ("token", falling back to that boundary). ``tokens`` and ``boundaries`` may be passed
    precomputed (they must belong to ``text`` and ``join_hyphenated``).
    """
    if mode not in SNAP_MODES:
        raise ValueError(f"unknown snap mode {mode!r}; expected one of {SNAP_MODES}")
    start, end = _clamp(text, start, end)
    if boundaries is None:
        boundaries = grapheme_boundaries(text)
    s = boundaries[bisect_right(boundaries, start) - 1]
    if start == end:
        if mode == "token":
            if tokens is None:
                tokens = tokenize(text, join_hyphenated=join_hyphenated)
            token = _token_at(tokens, start)
            if token is not None:
                return token.start, token.end
        return s, s
    e = boundaries[bisect_left(boundaries, end)]
    if mode == "grapheme":
        return s, e
    if tokens is None:
        tokens = tokenize(text, join_hyphenated=join_hyphenated)
    first = bisect_right(tokens, s, key=_end_of)  # first token with end > s
    last = bisect_left(tokens, e, key=_start_of) - 1  # last token with start < e
    if first <= last:
        s = min(s, tokens[first].start)
        e = max(e, tokens[last].end)
    return s, e


_PUNCTUATION_ONLY = regex.compile(r"[\p{P}\p{Zs}\s]+")


def trim_punctuation(
    text: str, start: int, end: int, *, tokens: list[Token] | None = None, join_hyphenated: bool = True
) -> tuple[int, int]:
    """A token-snapped span without the tokens at its edges that are punctuation only (a bracket, a quote,
    a danda, a comma): ``ज़िला रिज़र्व गार्ड (`` → ``ज़िला रिज़र्व गार्ड``, ``की।`` → ``की``. Punctuation inside a
    token stays (``#Pahalgam``, ``AK-47``, ``@handle``); a span of punctuation only is kept as it is."""
    if tokens is None:
        tokens = tokenize(text, join_hyphenated=join_hyphenated)
    inside = [t for t in tokens[bisect_right(tokens, start, key=_end_of) :] if t.start < end]
    words = [t for t in inside if not _PUNCTUATION_ONLY.fullmatch(text[t.start : t.end])]
    if not words:
        return start, end
    return max(start, words[0].start), min(end, words[-1].end)


class Segmenter:
    """Grapheme boundaries and tokens of one text, computed once, for repeated snapping (GUI use)."""

    def __init__(self, text: str, *, join_hyphenated: bool = True) -> None:
        self.text = text
        self.join_hyphenated = join_hyphenated

    @cached_property
    def boundaries(self) -> list[int]:
        return grapheme_boundaries(self.text)

    @cached_property
    def tokens(self) -> list[Token]:
        return tokenize(self.text, join_hyphenated=self.join_hyphenated)

    def token_at(self, pos: int) -> Token | None:
        """The token with ``start <= pos < end``, or None."""
        return _token_at(self.tokens, pos)

    def tokens_in(self, start: int, end: int) -> list[Token]:
        """Tokens overlapping ``[start, end)``."""
        first = bisect_right(self.tokens, start, key=_end_of)
        last = bisect_left(self.tokens, end, key=_start_of)
        return self.tokens[first:last]

    def is_boundary(self, pos: int) -> bool:
        i = bisect_left(self.boundaries, pos)
        return i < len(self.boundaries) and self.boundaries[i] == pos

    def strip_span(self, start: int, end: int) -> tuple[int, int]:
        return strip_span(self.text, start, end)

    def trim_punctuation(self, start: int, end: int) -> tuple[int, int]:
        return trim_punctuation(self.text, start, end, tokens=self.tokens)

    def snap(self, start: int, end: int, mode: str = "token") -> tuple[int, int]:
        tokens = self.tokens if mode == "token" else None
        return snap(
            self.text,
            start,
            end,
            mode=mode,
            join_hyphenated=self.join_hyphenated,
            tokens=tokens,
            boundaries=self.boundaries,
        )

    def __repr__(self) -> str:
        return f"Segmenter(<{len(self.text)} chars>, join_hyphenated={self.join_hyphenated})"
