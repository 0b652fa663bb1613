"""The one conversion between stored offsets (code points) and Qt positions (UTF-16 code units).

Stored offsets count Unicode code points of the document text, as Python's ``str`` does. Qt's
``QTextCursor`` positions (and ``QString`` indices) count UTF-16 code units: a character outside the
Basic Multilingual Plane (emoji such as 😊 U+1F60A, flags, astral CJK) is one code point but two code
units. Every place in the UI that crosses that boundary goes through an ``OffsetConverter``.

The text given here must be exactly the text put into the ``QTextDocument`` (a document adds no
characters of its own before it; ``QTextCursor`` positions count a paragraph break as one unit, like
the ``"\\n"`` it came from).
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left

_FIRST_ASTRAL = "\U00010000"
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class OffsetConverter:
    """Maps between code-point offsets and UTF-16 positions of one text.

    For text without astral characters (the common case) both mappings are the identity and nothing
    per character is stored. Otherwise the sorted indices of the astral characters (in code points and
    in UTF-16 units) are kept and each conversion is a binary search: O(log k) for k astral characters.
    A converter describes one text: make a new one when the text changes. ``cp_length`` and
    ``qt_length`` are the text's length in code points and in UTF-16 code units.
    """

    __slots__ = ("_astral", "_astral_qt", "cp_length", "qt_length")

    def __init__(self, text: str) -> None:
        self.cp_length = len(text)
        if text.isascii() or max(text) < _FIRST_ASTRAL:
            astral: list[int] = []
        else:
            astral = [m.start() for m in _ASTRAL.finditer(text)]
        # The code-point index of each astral character, and the Qt position where it starts: the j-th
        # (0-based) starts at Qt position astral[j] + j, since j astral characters precede it.
        self._astral = astral
        self._astral_qt = [i + j for j, i in enumerate(astral)]
        self.qt_length = self.cp_length + len(astral)

    @property
    def is_identity(self) -> bool:
        """True when the text is all BMP, so code points and UTF-16 positions coincide."""
        return not self._astral

    def to_qt(self, cp: int) -> int:
        """The UTF-16 position of code-point offset ``cp`` (0 ≤ cp ≤ len(text))."""
        if not 0 <= cp <= self.cp_length:
            raise IndexError(f"code-point offset {cp} outside 0..{self.cp_length}")
        if not self._astral:
            return cp
        # Each astral character before cp adds one extra code unit.
        return cp + bisect_left(self._astral, cp)

    def to_cp(self, qt: int) -> int:
        """The code-point offset of UTF-16 position ``qt`` (0 ≤ qt ≤ the text's UTF-16 length).

        A position between the two halves of a surrogate pair (which a ``QTextCursor`` never reports
        for a well-formed document, but arithmetic on positions may produce) rounds *down* to the
        start of the character that contains it, so ``to_qt(to_cp(q)) <= q`` always holds.
        """
        if not 0 <= qt <= self.qt_length:
            raise IndexError(f"UTF-16 position {qt} outside 0..{self.qt_length}")
        if not self._astral:
            return qt
        # Every astral character that starts before qt takes one code unit more than one code point.
        # For qt on the low surrogate of such a character this gives the character's own start.
        return qt - bisect_left(self._astral_qt, qt)

    def span_to_qt(self, start: int, end: int) -> tuple[int, int]:
        """A half-open code-point span ``[start, end)`` as a UTF-16 span."""
        if start > end:
            raise ValueError(f"span start {start} after end {end}")
        return self.to_qt(start), self.to_qt(end)

    def span_to_cp(self, start: int, end: int) -> tuple[int, int]:
        """A half-open UTF-16 span as a code-point span; positions inside a surrogate pair round down."""
        if start > end:
            raise ValueError(f"span start {start} after end {end}")
        return self.to_cp(start), self.to_cp(end)

    def __repr__(self) -> str:
        return (
            f"OffsetConverter(cp_length={self.cp_length}, qt_length={self.qt_length}, "
            f"astral={len(self._astral)})"
        )


def may_hold_astral(text: str) -> bool:
    """False when ``text`` has no character outside the Basic Multilingual Plane, found without reading
    it where it can be: CPython keeps a string in 4 bytes a character only when it holds one."""
    if sys.implementation.name == "cpython" and len(text) > 1000:
        return sys.getsizeof(text) > 3 * len(text)
    return _ASTRAL.search(text) is not None


def converter_for(text: str) -> OffsetConverter:
    """The text's :class:`OffsetConverter`. A text held as 1 or 2 bytes a character has no character
    outside the Basic Multilingual Plane: its converter is the identity, made without the scan of every
    character (a tenth of a second on a 20 MB article)."""
    if len(text) > 100_000 and not may_hold_astral(text):
        converter = OffsetConverter("")
        converter.cp_length = converter.qt_length = len(text)
        return converter
    return OffsetConverter(text)
