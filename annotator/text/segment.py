"""Grapheme clusters, tokens, sentences and selection snapping for the scripts of South Asian news: Hindi,
Nepali and English, Urdu, Bengali, Gurmukhi, Tamil, Sinhala and mixed text.

All offsets are code points of the stored (NFC) text, half-open ``[start, end)``. Grapheme clusters are
the ``regex`` module's ``\\X`` (extended grapheme clusters, including the Indic conjunct rule GB9c), so
a conjunct such as ``स्त्री`` is never cut.

Token rules (see :func:`tokenize`; :func:`token_spans` gives the same tokens' offsets only,
:func:`token_bounds` their starts and ends as two lists, :func:`token_pieces` those and their texts):

* Everything the tokenizer emits is a whole number of grapheme clusters; whitespace is never part of a
  token. A cluster that *starts* with whitespace (a stray combining mark or ZWJ right after a space
  belongs to the space's cluster) counts as whitespace and is not part of any token.
* Words are runs of clusters that start with a letter, a mark, a digit, ZWJ or ZWNJ (so matras, virama,
  nukta, anusvara/chandrabindu/visarga and ZWJ/ZWNJ stay inside), beginning with a non-digit:
  ``प्रधानमंत्री``, ``G20``. An apostrophe between letters stays inside (``India's``, ``Pakistan’s``).
  With ``join_hyphenated`` a hyphen after a letter and before a letter or digit joins (``लश्कर-ए-तैयबा``,
  ``AK-47``, ``MiG-21``); ``26-year-old`` stays ``26`` ``-`` ``year-old``.
* Numbers: digits (any script, e.g. ``२६``, ``۲۰۲۵``, ``২০২৫``) with inner ``. , / - :`` (and the Arabic
  decimal and thousands separators ``٫ ٬``) between digits: ``1,20,000``, ``22.04.2025``, ``26/11``,
  ``2025-04-22``, ``۱۲٫۵``. Letters right after a number stay in the same token, which
  is still of kind "number" (``5वीं``, ``26th``, ``3.5km``).
* ``@handle``, ``#hashtag`` (also ``#पहलगाम``) when not preceded by a word character; URLs starting with
  ``http://``, ``https://`` or ``www.``, and bare domains followed by a path (``pic.twitter.com/x``);
  trailing ``. , ) ; : ! ? ' "``, danda and Urdu's ``۔ ، ؟ ؛`` are not part of a URL.
* Anything else is one cluster: "punct" when its first character is Unicode punctuation (P*), else
  "symbol" (emoji, including ZWJ sequences and flags, which are single clusters).

The other scripts need nothing of their own: their letters, vowel signs, viramas and nuktas are letters and
marks, so ZWNJ and ZWJ inside an Urdu or Bengali word (``اسلام‌آباد``, ``র‌্যাব``) stay inside it; Urdu's
``۔ ؟ ، ؛``, the danda of Bengali and Gurmukhi and Sinhala's kundaliya ``෴`` are punctuation tokens.
Sentences (:func:`sentence_spans`) end after :data:`SENTENCE_TERMINALS`.

Snapping (:func:`snap`) does not stop inside a stacked conjunct that Unicode's extended grapheme clusters
split (their rule GB9c joins conjuncts of Devanagari, Bengali and a few more only): Gurmukhi's subjoined
letters (``ਮ੍ਰਿ`` in ``ਅੰਮ੍ਰਿਤਸਰ``), Sinhala's virama + ZWJ forms (``ප්‍ර``, ``ශ්‍රී``) and Tamil's ``க்ஷ`` and
``ஸ்ரீ`` are drawn as one unit, and a selection takes them whole (:func:`snap_boundaries`). The clusters a
span must not split stay Unicode's.

Pure Python; no Qt, no database.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from functools import cache, cached_property
from itertools import accumulate, repeat
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, NamedTuple, TypeVar

import regex

__all__ = [
    "SENTENCE_TERMINALS",
    "TOKEN_KINDS",
    "Segmenter",
    "Token",
    "grapheme_boundaries",
    "sentence_spans",
    "snap",
    "snap_boundaries",
    "strip_span",
    "token_bounds",
    "token_pieces",
    "token_spans",
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


#: Where a stacked conjunct goes on across a grapheme cluster boundary (the boundary is the match's
#: position): after a Gurmukhi virama before a consonant (subjoined ra, ha, va, ya), after a Sinhala
#: virama + ZWJ before a consonant (rakaaraansaya, yansaya, touching letters), Tamil's க்ஷ and ஸ்ரீ.
_STACK_JOIN = regex.compile(
    "(?:(?<=\u0a4d)(?=[\u0a15-\u0a39\u0a59-\u0a5e])"
    "|(?<=\u0dca\u200d)(?=[\u0d9a-\u0dc6])"
    "|(?<=\u0b95\u0bcd)(?=\u0bb7)"
    "|(?<=\u0bb8\u0bcd)(?=\u0bb0\u0bc0))"
)
_STACK_VIRAMAS = ("\u0a4d", "\u0dca", "\u0bcd")


def snap_boundaries(text: str, boundaries: list[int] | None = None) -> list[int]:
    """The grapheme cluster boundaries (``boundaries``, when the caller has them) where a selection may
    end: all of them but those inside a Gurmukhi, Sinhala or Tamil stacked conjunct (see the module doc).
    The same list, not a copy, for a text without such viramas."""
    if boundaries is None:
        boundaries = grapheme_boundaries(text)
    if not any(v in text for v in _STACK_VIRAMAS):
        return boundaries
    inside = {m.start() for m in _STACK_JOIN.finditer(text)}
    return [b for b in boundaries if b not in inside] if inside else boundaries


class Token(NamedTuple):
    start: int
    end: int
    text: str
    kind: str  # one of TOKEN_KINDS


# --------------------------------------------------------------------------------------------------
# The tokenizer: one compiled pattern per join_hyphenated setting.
#
# Every pattern of the tokenizer is compiled on first use (about 20 ms in all, most of it the reference
# pattern, which the fast path needs only for rare stretches): importing this module for grapheme
# clusters alone (a search's snippets) compiles none of them.
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
_NUMBER_SEP = "[.,/:\u066b\u066c-]"  # and the Arabic decimal and thousands separators
_PUNCT = r"\p{P}"

# A cluster boundary right after an ASCII character that was matched character by character.
_AT_BOUNDARY = r"(?![\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}])"
_URL_TRAIL = "[.,);:!?'\"।॥”’»۔،؟؛]"  # not part of a URL when it ends one
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


@cache
def _token_re(join_hyphenated: bool) -> regex.Pattern[str]:
    """The reference pattern (compiled on first use)."""
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


def _tokenize_reference(text: str, *, join_hyphenated: bool = True) -> list[Token]:
    """The tokenizer as one pattern over grapheme clusters: the definition of the tokens, kept as the
    reference that :func:`tokenize` must agree with exactly (and used for the stretches it cannot scan
    fast). Several times slower than :func:`tokenize` (benchmarks/tokenize.py)."""
    return _exact_tokens(text, 0, len(text), bool(join_hyphenated))


def _exact_tokens(text: str, start: int, end: int, join_hyphenated: bool) -> list[Token]:
    """The reference pattern's tokens that start in ``[start, end)``, scanning from ``start`` (which must
    be 0 or a cut point, see :func:`_cut`)."""
    tokens: list[Token] = []
    append = tokens.append
    for m in _token_re(join_hyphenated).finditer(text, start):
        s, e = m.span()
        if s >= end:
            break
        kind = m.lastgroup
        assert kind is not None  # every alternative of the pattern is a named group
        if kind != "ws":
            append(Token(s, e, m.group(), kind))
    return tokens


# --------------------------------------------------------------------------------------------------
# The fast path: the same tokens from a character-level scan, with the reference pattern only where
# grapheme clusters or the rare alternatives make a difference.
#
# On text where every grapheme cluster of more than one character is a letter followed by word
# characters (marks, ZWJ/ZWNJ, letters of a conjunct) and everything else is one character per cluster,
# "a cluster starting with C" is "a character in C", and the reference pattern's word, number, punct and
# symbol alternatives are the character-level pattern _fast_re below; a token's kind is then given by
# its first character. _HARD_CHECK_PATTERNS find every place where that may not hold, or where the url, handle
# or hashtag alternatives may match:
#
# * a character that continues the cluster before it (mark, ZWJ, ZWNJ) after something that is not a
#   letter or mark (a space, a digit, punctuation, an emoji) or at the start of the text;
# * a cluster-continuing character that is not a word character (emoji modifiers, tag characters),
#   regional indicators (flags), Prepend characters, and ZWJ before an emoji (GB11 sequences);
# * ``http://``, ``https://``, ``www.``, ``.tld/`` (every bare domain with a path has one), and ``@`` or
#   ``#`` before a tag character.
#
# Each such place is widened to the whitespace-separated chunk around it, between two cut points, and
# that chunk is tokenized by the reference pattern. A cut point is a position right after a whitespace
# character (not one that a Prepend character before it takes into its cluster) and not before a
# character that extends a cluster: no token crosses it, and a scan that starts there gives the same
# tokens as one that started earlier (the lookbehinds see the text before). The fast pattern's tokens
# never cross a cut point either, so the text is split by _fast_re once, in one C-level call with the
# offsets summed from the parts' lengths, and the chunks' tokens are replaced by the reference ones.
# Each check is a separate search because one alternation of them all is several times slower; a check
# whose every match holds one of a few literal strings (its gate) is searched only when the text has one.
# --------------------------------------------------------------------------------------------------

_EXTENDING = r"[\p{GCB=Extend}\p{GCB=ZWJ}\p{GCB=SpacingMark}]"
# Cluster-continuing characters that are not word characters (emoji modifiers U+1F3FB..U+1F3FF, tags
# U+E0020..U+E007F; a test checks this against the properties), and regional indicators.
_RARE_CLUSTER_CHARS = "\U0001f1e6-\U0001f1ff\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f"
_HARD_CHECK_PATTERNS: tuple[tuple[tuple[str, ...], str], ...] = (
    # A cluster-continuing character after a digit or a joining apostrophe or hyphen: the fast
    # pattern's tokens may go on over it (no digit continues a cluster, so none goes on after a
    # number separator). Where it starts a fast token, the token's kind says so (_HARD_KIND),
    # and so it does for _RARE_CLUSTER_CHARS, which are always one-character fast tokens.
    ((), rf"\p{{Nd}}{_EXTENDING}"),
    (("-", "'", "’", "‐", "‑"), rf"['’‐‑-]{_EXTENDING}"),
    ((), r"\p{GCB=Prepend}"),
    (("\u200d",), r"\u200d\p{ExtPict}"),
    (("w.", "W."), r"(?i:www\.)"),  # only w and W fold to w (a test says so)
    (("/",), r"\.[A-Za-z]{2,}/"),
    (("@", "#"), r"[@#][\p{L}\p{Nd}_]"),
)
"""The checks for the places the fast pattern may get wrong, each with its gate: strings one of which every
match of the check contains (``in`` on a string is a memchr-like scan, several times faster than a regex
search), so that a text without any of them needs no search; an empty gate means always search."""


@cache
def _hard_checks() -> tuple[tuple[tuple[str, ...], regex.Pattern[str]], ...]:
    """:data:`_HARD_CHECK_PATTERNS` compiled (on first use); also importable as ``_HARD_CHECKS``."""
    return tuple((gate, regex.compile(pattern)) for gate, pattern in _HARD_CHECK_PATTERNS)


if TYPE_CHECKING:
    _HARD_CHECKS: tuple[tuple[tuple[str, ...], regex.Pattern[str]], ...]
else:

    def __getattr__(name: str):
        if name == "_HARD_CHECKS":
            return _hard_checks()
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def _scheme() -> regex.Pattern[str]:
    return regex.compile(r"(?i:https?://)")  # searched only when the text has "://"


@cache
def _cut() -> regex.Pattern[str]:
    return regex.compile(rf"(?<=(?<!\p{{GCB=Prepend}}){_SPACE})(?!{_EXTENDING})")


@cache
def _fast_re(join_hyphenated: bool) -> regex.Pattern[str]:
    """The fast pattern (compiled on first use)."""
    # After a word, one test of the next character for both joins (a word usually ends at a space); which
    # join it is, and the letter behind it, are checked only after it: faster than the reference's order.
    joiners = "['’‐‑-]" if join_hyphenated else _APOSTROPHE
    join = (
        rf"{joiners}(?<={_LETTER_END}.)"
        rf"(?:(?<={_APOSTROPHE})(?=\p{{L}})|(?<={_HYPHEN})(?=[\p{{L}}\p{{Nd}}]))"
        rf"{_WORD_CH}+"
    )
    tail = f"(?:{join})*"
    number = rf"{_DIGIT}+(?:{_NUMBER_SEP}{_DIGIT}+)*(?:{_WORD_CH}+{tail})?"
    # One capturing group: split() returns [gap, token, gap, token, ..., gap], the gaps all whitespace.
    return regex.compile(rf"({number}|{_WORD_CH}+{tail}|{_NOT_SPACE})")


@cache
def _char_classes() -> tuple[regex.Pattern[str], regex.Pattern[str], regex.Pattern[str], regex.Pattern[str]]:
    """The character classes :class:`_KindOfChar` tells apart: hard, number, word, punct."""
    return (
        regex.compile(rf"{_EXTENDING}|[{_RARE_CLUSTER_CHARS}]"),
        regex.compile(_DIGIT),
        regex.compile(_WORD_CH),
        regex.compile(_PUNCT),
    )


class _KindOfChar(dict[str, str]):
    """A token's kind on the fast path, from its first character (filled in as characters are seen)."""

    def __missing__(self, char: str) -> str:
        hard, number, word, punct = _char_classes()
        if hard.match(char):
            kind = _HARD_KIND
        elif number.match(char):
            kind = "number"
        elif word.match(char):
            kind = "word"
        else:
            kind = "punct" if punct.match(char) else "symbol"
        if len(self) < 65536:
            self[char] = kind
        return kind


_HARD_KIND = ""  # the "kind" of a fast token that starts with a cluster-continuing or rare character
_kind_of_char = _KindOfChar()
_first_char = itemgetter(0)
_new_tuple = tuple.__new__
_T = TypeVar("_T")


def _exact_chunks(text: str, hard_starts: list[int]) -> list[tuple[int, int]]:
    """The ``[start, end)`` chunks of ``text`` (between cut points, in order, not touching) that need
    the reference pattern; usually none. ``hard_starts`` are the starts of the fast tokens whose first
    character continues a cluster (after a space, punctuation, an emoji, or at the start)."""
    hard = [(s, s + 1) for s in hard_starts]
    for gate, check in _hard_checks():
        if gate and not any(map(text.__contains__, gate)):
            continue
        if check.search(text) is not None:  # rarely: then again for all of them
            hard += [m.span() for m in check.finditer(text)]
    if "://" in text:
        hard += [m.span() for m in _scheme().finditer(text)]
    if not hard:
        return []
    hard.sort()
    n = len(text)
    cut_re = _cut()
    chunks: list[tuple[int, int]] = []
    done = 0  # end of the last chunk
    for s, e in hard:
        if e <= done:
            continue
        if s < done:  # overlaps the last chunk: extend it
            cut = cut_re.search(text, e)
            chunks[-1] = (chunks[-1][0], n if cut is None else cut.start())
        else:
            a = s
            while a > done and not cut_re.match(text, a):
                a -= 1
            cut = cut_re.search(text, e)
            b = n if cut is None else cut.start()
            if chunks and a == done:
                chunks[-1] = (chunks[-1][0], b)
            else:
                chunks.append((a, b))
        done = chunks[-1][1]
    return chunks


def _fast_split(text: str, join_hyphenated: bool) -> tuple[list[str], list[int], list[int], list[str]]:
    """The fast pattern's tokens of ``text``, their starts, ends and kinds."""
    parts = _fast_re(join_hyphenated).split(text)
    offsets = list(accumulate(map(len, parts), initial=0))
    words = parts[1::2]
    kinds = list(map(_kind_of_char.__getitem__, map(_first_char, words)))
    return words, offsets[1:-1:2], offsets[2::2], kinds


def _splice(
    text: str,
    join_hyphenated: bool,
    fast: list[_T],
    starts: list[int],
    kinds: list[str],
    exact: Callable[[Token], _T],
) -> list[_T]:
    """``fast`` (the fast tokens, one ``_T`` each) with the chunks that need the reference pattern
    replaced by its tokens (made ``_T`` by ``exact``)."""
    hard_starts = []
    if _HARD_KIND in kinds:
        hard_starts = [start for start, kind in zip(starts, kinds, strict=True) if kind == _HARD_KIND]
    chunks = _exact_chunks(text, hard_starts)
    if not chunks:
        return fast
    spliced: list[_T] = []
    kept = 0
    for a, b in chunks:
        spliced += fast[kept : bisect_left(starts, a)]
        spliced += map(exact, _exact_tokens(text, a, b, join_hyphenated))
        kept = bisect_left(starts, b)
    spliced += fast[kept:]
    return spliced


def _same(token: Token) -> Token:
    return token


def tokenize(text: str, *, join_hyphenated: bool = True) -> list[Token]:
    """Split ``text`` into tokens (see the module docstring for the rules), in order, non-overlapping."""
    join = bool(join_hyphenated)
    words, starts, ends, kinds = _fast_split(text, join)
    tokens: list[Token] = list(map(_new_tuple, repeat(Token), zip(starts, ends, words, kinds, strict=True)))
    return _splice(text, join, tokens, starts, kinds, _same)


def token_spans(text: str, *, join_hyphenated: bool = True) -> list[tuple[int, int]]:
    """The ``(start, end)`` of each of :func:`tokenize`'s tokens, without making the tokens (for
    agreement and dataset export, which only need the offsets)."""
    return list(zip(*token_bounds(text, join_hyphenated=join_hyphenated), strict=True))


def token_bounds(text: str, *, join_hyphenated: bool = True) -> tuple[list[int], list[int]]:
    """The starts and the ends of :func:`tokenize`'s tokens, as two lists (``token_spans`` zipped): for
    code that bisects them."""
    starts, ends, _words = token_pieces(text, join_hyphenated=join_hyphenated)
    return starts, ends


def token_pieces(text: str, *, join_hyphenated: bool = True) -> tuple[list[int], list[int], list[str]]:
    """The starts, the ends and the texts of :func:`tokenize`'s tokens, as three lists, without making the
    tokens: for the dataset export, which bisects the offsets and writes the texts."""
    parts = _fast_re(bool(join_hyphenated)).split(text)
    offsets = list(accumulate(map(len, parts), initial=0))
    starts, ends = offsets[1:-1:2], offsets[2::2]
    words = parts[1::2]
    hard_starts = []
    # the kinds of the distinct first characters only (a few dozen), not of every token
    if not all(map(_kind_of_char.__getitem__, set(map(_first_char, words)))):
        hard_starts = [s for s, w in zip(starts, words, strict=True) if _kind_of_char[w[0]] == _HARD_KIND]
    chunks = _exact_chunks(text, hard_starts)
    if not chunks:
        return starts, ends, words
    spliced_starts: list[int] = []
    spliced_ends: list[int] = []
    spliced_words: list[str] = []
    kept = 0
    for a, b in chunks:
        i = bisect_left(starts, a)
        spliced_starts += starts[kept:i]
        spliced_ends += ends[kept:i]
        spliced_words += words[kept:i]
        for token in _exact_tokens(text, a, b, bool(join_hyphenated)):
            spliced_starts.append(token.start)
            spliced_ends.append(token.end)
            spliced_words.append(token.text)
        kept = bisect_left(starts, b)
    spliced_starts += starts[kept:]
    spliced_ends += ends[kept:]
    spliced_words += words[kept:]
    return spliced_starts, spliced_ends, spliced_words


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
    containing it ("token", falling back to that boundary). ``tokens`` and ``boundaries`` (the text's
    :func:`snap_boundaries`) may be passed precomputed (they must belong to ``text`` and
    ``join_hyphenated``).
    """
    if mode not in SNAP_MODES:
        raise ValueError(f"unknown snap mode {mode!r}; expected one of {SNAP_MODES}")
    start, end = _clamp(text, start, end)
    if boundaries is None:
        boundaries = snap_boundaries(text)
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


#: What ends a sentence: the danda and double danda (Hindi, Nepali, Bengali, Gurmukhi), Urdu's full stop
#: ``۔`` and question mark ``؟``, Sinhala's kundaliya ``෴``, and ``. ? !``.
SENTENCE_TERMINALS = frozenset("।॥.?!۔؟෴")
#: What may follow a sentence's end and still belong to it.
SENTENCE_CLOSING = frozenset("\"'”’)]»")


def sentence_spans(
    text: str, *, tokens: list[Token] | None = None, join_hyphenated: bool = True
) -> list[tuple[int, int]]:
    """The sentences of ``text`` as ``(start, end)`` from their first token's start to their last one's
    end: a sentence ends after a run of :data:`SENTENCE_TERMINALS` tokens (and the closing quotes or
    brackets right after it), and wherever a line break lies between two tokens. Text without tokens
    has no sentences."""
    if tokens is None:
        tokens = tokenize(text, join_hyphenated=join_hyphenated)
    spans: list[tuple[int, int]] = []
    first = 0
    n = len(tokens)
    for i, token in enumerate(tokens):
        if i + 1 < n:
            nxt = tokens[i + 1]
            if "\n" in text[token.end : nxt.start]:
                end_here = True
            elif token.text in SENTENCE_TERMINALS or token.text in SENTENCE_CLOSING:
                # the last of a run of end marks and closing quotes that has an end mark in it
                run_start = i
                while (
                    run_start > first
                    and (
                        tokens[run_start - 1].text in SENTENCE_TERMINALS
                        or tokens[run_start - 1].text in SENTENCE_CLOSING
                    )
                    and tokens[run_start - 1].end == tokens[run_start].start
                ):
                    run_start -= 1
                has_end = any(t.text in SENTENCE_TERMINALS for t in tokens[run_start : i + 1])
                follows = nxt.start == token.end and (
                    nxt.text in SENTENCE_TERMINALS or nxt.text in SENTENCE_CLOSING
                )
                end_here = has_end and not follows
            else:
                end_here = False
        else:
            end_here = True
        if end_here:
            spans.append((tokens[first].start, token.end))
            first = i + 1
    return spans


@cache
def _punctuation_only() -> regex.Pattern[str]:
    return regex.compile(r"[\p{P}\p{Zs}\s]+")


def trim_punctuation(
    text: str, start: int, end: int, *, tokens: list[Token] | None = None, join_hyphenated: bool = True
) -> tuple[int, int]:
    """A token-snapped span without the tokens at its edges that are punctuation only (a bracket, a quote,
    a danda, a comma): ``ज़िला रिज़र्व गार्ड (`` → ``ज़िला रिज़र्व गार्ड``, ``की।`` → ``की``. Punctuation inside a
    token stays (``#Pahalgam``, ``AK-47``, ``@handle``); a span of punctuation only is kept as it is."""
    if tokens is None:
        tokens = tokenize(text, join_hyphenated=join_hyphenated)
    inside = [t for t in tokens[bisect_right(tokens, start, key=_end_of) :] if t.start < end]
    punctuation_only = _punctuation_only()
    words = [t for t in inside if not punctuation_only.fullmatch(text[t.start : t.end])]
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

    @cached_property
    def snap_boundaries(self) -> list[int]:
        """The boundaries a selection may end on (:func:`snap_boundaries`)."""
        return snap_boundaries(self.text, self.boundaries)

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
            boundaries=self.snap_boundaries,
        )

    def selection(self, start: int, end: int, *, to_tokens: bool = True) -> tuple[int, int]:
        """A person's selection as the workbench takes it: trimmed of surrounding white space, snapped to
        whole grapheme clusters or (``to_tokens``) to whole tokens without punctuation-only tokens at its
        edges (no bracket, quote or danda)."""
        start, end = self.strip_span(start, end)
        if start == end:
            return start, end
        if not to_tokens:
            return self.snap(start, end, mode="grapheme")
        start, end = self.snap(start, end, mode="token")
        return self.trim_punctuation(start, end)

    def around(self, start: int, end: int, margin: int = 500) -> tuple[Segmenter, int]:
        """A segmenter of the stretch of this text around ``[start, end)``, from and to white space (where
        neither a token nor a grapheme cluster goes on), and the offset where that stretch starts: snapping
        there gives what snapping in the whole text gives, without segmenting all of a long text (10 s for
        20 MB)."""
        text = self.text
        at = max(0, *(text.rfind(c, 0, max(0, start - margin)) + 1 for c in " \n"))
        stop = min(f if f >= 0 else len(text) for f in (text.find(c, end + margin) for c in " \n"))
        return Segmenter(text[at:stop], join_hyphenated=self.join_hyphenated), at

    def __repr__(self) -> str:
        return f"Segmenter(<{len(self.text)} chars>, join_hyphenated={self.join_hyphenated})"
