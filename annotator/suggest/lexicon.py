"""Longest-match lookup of word sequences in a text: the matching core of the gazetteer and the trigger rules.

Each phrase is stored as the keys of its units (see :mod:`annotator.suggest.keys`) joined by
:data:`~annotator.suggest.keys.SEP`, in a dict, with every proper prefix in a set. A text is cut into units
once; from each unit the scan extends a frontier of candidate key strings one unit at a time (a unit has
one to three keys), keeping only strings that are stored prefixes, up to the longest phrase: a few dict
lookups per unit, independent of the number of phrases. Matches therefore start and end on unit
boundaries — never inside a word — and never cross a line break, a URL, a handle or a hashtag.

:meth:`Lexicon.find` then keeps the longest matches that do not overlap (longest in code points, then the
higher score, then the earlier).

Pure Python; no Qt, no database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import compress, repeat
from typing import NamedTuple

from annotator.suggest.keys import SEP, Unit

__all__ = ["Hit", "Lexicon"]


class Hit(NamedTuple):
    start: int  # code points
    end: int
    payload: int  # what the caller stored (an entry index)
    score: float


class Lexicon:
    """Phrases as key sequences → (payload, score); the best-scored payload wins a shared key sequence
    (ties: the first added), and the others are remembered in :attr:`shadowed`."""

    def __init__(self) -> None:
        self._index: dict[str, tuple[int, float]] = {}
        self._prefixes: set[str] = set()
        self._longest = 0
        self.shadowed: dict[str, list[int]] = {}

    def __len__(self) -> int:
        return len(self._index)

    def add(self, keys: Sequence[str], payload: int, score: float) -> None:
        if not keys:
            return
        joined = SEP.join(keys)
        old = self._index.get(joined)
        if old is None or score > old[1]:
            self._index[joined] = (payload, score)
            if old is not None and old[0] != payload:
                self.shadowed.setdefault(joined, []).append(old[0])
        elif old[0] != payload:
            self.shadowed.setdefault(joined, []).append(payload)
        prefixes = self._prefixes
        for i in range(1, len(keys)):
            prefixes.add(SEP.join(keys[:i]))
        self._longest = max(self._longest, len(keys))

    @classmethod
    def from_joined(cls, items: Iterable[tuple[str, int, float]]) -> Lexicon:
        """The lexicon :meth:`add` makes of the same phrases, from phrases whose keys are joined already
        (``SEP.join(keys)``, payload, score): the best score wins a shared phrase (ties: the first given);
        :attr:`shadowed` is left empty."""
        items = list(items)
        return cls.from_columns([i[0] for i in items], [i[1] for i in items], [i[2] for i in items])

    @classmethod
    def from_columns(cls, joined: list[str], payloads: Sequence[int], scores: Sequence[float]) -> Lexicon:
        """:meth:`from_joined` from three parallel lists, built in bulk (for a base of 200,000 names)."""
        self = cls()
        index: dict[str, tuple[int, float]] = {}
        # score by score, the lowest first, so a higher score replaces a lower; within one score in
        # reverse, so the first given is written last and wins the tie (all in C-level iterators)
        for score in sorted(set(scores)):
            phrases = list(compress(joined, map(score.__eq__, scores)))
            owners = list(compress(payloads, map(score.__eq__, scores)))
            phrases.reverse()
            owners.reverse()
            index.update(zip(phrases, zip(owners, repeat(score), strict=False), strict=True))
        self._index = index
        prefixes = self._prefixes
        longest = 1 if index else 0
        for phrase in [p for p in index if SEP in p]:
            parts = phrase.split(SEP)
            longest = max(longest, len(parts))
            for i in range(1, len(parts)):
                prefixes.add(SEP.join(parts[:i]))
        self._longest = longest
        return self

    def candidates(self, units: Sequence[Unit]) -> list[tuple[int, int, int, float]]:
        """Every stored phrase in ``units``: (first unit, last unit + 1, payload, score), best per span."""
        index, prefixes, longest = self._index, self._prefixes, self._longest
        out: list[tuple[int, int, int, float]] = []
        n = len(units)
        for i in range(n):
            keys = units[i].keys
            if not keys:
                continue
            frontier: Sequence[str] = keys
            j = i
            while True:
                best: tuple[int, float] | None = None
                extend: list[str] = []
                for p in frontier:
                    hit = index.get(p)
                    if hit is not None and (best is None or hit[1] > best[1]):
                        best = hit
                    if p in prefixes:
                        extend.append(p)
                if best is not None:
                    out.append((i, j + 1, best[0], best[1]))
                j += 1
                if not extend or j >= n or j - i >= longest:
                    break
                nxt_keys = units[j].keys
                if not nxt_keys:
                    break
                frontier = [p + SEP + k for p in extend for k in nxt_keys]
        return out

    def find(self, units: Sequence[Unit]) -> list[Hit]:
        """The longest non-overlapping matches, in text order."""
        return select_longest(units, self.candidates(units))


def select_longest(units: Sequence[Unit], cands: Iterable[tuple[int, int, int, float]]) -> list[Hit]:
    """Greedy: longest in code points first (then higher score, then earlier); no two share a unit."""
    ranked = sorted(cands, key=lambda c: (units[c[0]].start - units[c[1] - 1].end, -c[3], units[c[0]].start))
    taken = bytearray(len(units))
    hits: list[Hit] = []
    for i, j, payload, score in ranked:
        if any(taken[i:j]):
            continue
        taken[i:j] = b"\x01" * (j - i)
        hits.append(Hit(units[i].start, units[j - 1].end, payload, score))
    hits.sort()
    return hits
