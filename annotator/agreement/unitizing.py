"""Krippendorff's unitizing alpha (αu): agreement on where units are, how long they are and what they are.

The coders each cut one continuum (here: code points of documents laid end to end) into units of a category
and the gaps between them. For category ``c`` every coder's continuum is a sequence of *segments*: units of
``c`` and gaps (anything else). Following Krippendorff (2004, *Content Analysis*, 2nd ed., §12.4):

* the distance between two overlapping segments g (coder i) and h (coder j) is
  ``(b_g - b_h)² + (e_g - e_h)²`` when both are units; ``l_g²`` when the unit g lies inside the gap h
  (and the other way round); 0 otherwise (two gaps, or a unit only partly inside a gap, which the
  unit-unit distances already count);
* observed disagreement ``uDo_c = Σ_{i≠j} Σ_{g,h} δ²(g, h) / (m (m-1) L²)``;
* expected disagreement ``uDe_c = (2/L) Σ_{units u of c} [ (N_c - 1)/3 (2l³ - 3l² + l)
  + l² Σ_{gaps h with l_h ≥ l} (l_h - l + 1) ] / (mL (mL - 1) - Σ_u l(l - 1))``;
* ``uα_c = 1 - uDo_c / uDe_c``, and over all categories ``uα = 1 - Σ_c uDo_c / Σ_c uDe_c``.

Validated against the book's worked example (p. 254: ``uDo_c = 0.0144``, ``uDe_c = 0.0532``,
``uα_c = 0.7286``, ``uα_k = 1``, ``uα = 0.8591``) and the observed disagreements of Krippendorff (1995)
(tests/agreement/test_unitizing.py). A coder's overlapping units of one category are merged (αu has no
place for them); adjacent ones stay two units. Integer arithmetic until the last division, so long
continua lose no precision. Pure Python, no Qt.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import accumulate, compress
from operator import ge, itemgetter, not_, sub

from annotator.agreement.coefficients import Figure, undefined


@dataclass(frozen=True)
class CategoryDisagreement:
    """Observed and expected disagreement on one category, with the number of its units (all coders)."""

    observed: Fraction
    expected: Fraction
    units: int

    def alpha(self) -> Figure:
        if self.units == 0:
            return undefined("no coder marked a unit of this category")
        if self.expected == 0:
            return undefined("no disagreement is expected (every unit fills the continuum)", self.units)
        return Figure(float(1 - self.observed / self.expected), self.units)


def _segments(units: list[tuple[int, int]], begin: int, end: int) -> list[tuple[int, int, bool]]:
    """The coder's units (merged where they overlap) and the gaps between them: (start, end, is_unit)."""
    out: list[tuple[int, int, bool]] = []
    append = out.append
    pos = begin  # where the next gap would start
    run_start = run_end = -1  # the unit being merged; none yet
    for s, e in sorted(units):
        if s < run_end:  # overlaps the unit being merged
            if e > run_end:
                run_end = e
            continue
        if run_end >= 0:
            append((run_start, run_end, True))
            pos = run_end
        if s > pos:
            append((pos, s, False))
        run_start, run_end = s, e
    if run_end >= 0:
        append((run_start, run_end, True))
        pos = run_end
    if pos < end:
        append((pos, end, False))
    return out


def _distance(g: tuple[int, int, bool], h: tuple[int, int, bool]) -> int:
    (bg, eg, ug), (bh, eh, uh) = g, h
    if ug and uh:
        return (bg - bh) ** 2 + (eg - eh) ** 2
    if ug and not uh and bh <= bg and eg <= eh:
        return (eg - bg) ** 2
    if uh and not ug and bg <= bh and eh <= eg:
        return (eh - bh) ** 2
    return 0


def _observed_pair(a: list[tuple[int, int, bool]], b: list[tuple[int, int, bool]]) -> int:
    """Σ δ² over the overlapping segments of two coders (both partition the continuum: one merge walk).
    :func:`_distance`, written out: this walk meets every segment of a pair's continuum."""
    total, i, j = 0, 0, 0
    na, nb = len(a), len(b)
    while i < na and j < nb:
        bg, eg, ug = a[i]  # a[i] and b[j] overlap here, by construction
        bh, eh, uh = b[j]
        if ug:
            if uh:
                total += (bg - bh) ** 2 + (eg - eh) ** 2
            elif bh <= bg and eg <= eh:
                total += (eg - bg) ** 2
        elif uh and bg <= bh and eh <= eg:
            total += (eh - bh) ** 2
        i += eg <= eh
        j += eh <= eg
    return total


def category_disagreement(
    coders: Sequence[Iterable[tuple[int, int]]], begin: int, end: int
) -> CategoryDisagreement:
    """uDo and uDe of one category: ``coders`` gives each coder's units of it as (start, end) within
    ``[begin, end)``."""
    length = end - begin
    m = len(coders)
    if length <= 0:
        raise ValueError(f"the continuum [{begin}, {end}) is empty")
    segments = []
    for n, units in enumerate(coders):
        units = list(units)
        starts, ends = list(map(itemgetter(0), units)), list(map(itemgetter(1), units))
        if units and (min(starts) < begin or max(ends) > end or any(map(ge, starts, ends))):
            for s, e in units:  # the first unit that does not fit
                if not begin <= s < e <= end:
                    raise ValueError(
                        f"coder {n}: unit [{s}, {e}) does not fit in the continuum [{begin}, {end})"
                    )
        segments.append(_segments(units, begin, end))
    # the lengths of the units and of the gaps, without a Python step per segment
    unit_lengths: list[int] = []
    gaps: list[int] = []
    for segs in segments:
        sizes = list(map(sub, map(itemgetter(1), segs), map(itemgetter(0), segs)))
        flags = list(map(itemgetter(2), segs))
        unit_lengths.extend(compress(sizes, flags))
        gaps.extend(compress(sizes, map(not_, flags)))
    # the sums below run over the distinct lengths of units (a few dozen), each times its count
    lengths = Counter(unit_lengths)
    n_c = len(unit_lengths)
    if m < 2 or n_c == 0:
        return CategoryDisagreement(Fraction(0), Fraction(0), n_c)
    observed = sum(_observed_pair(segments[i], segments[j]) for i in range(m) for j in range(i + 1, m))
    d_o = Fraction(2 * observed, m * (m - 1) * length * length)
    gaps.sort()
    # Σ over gaps with l_h >= l of (l_h - l + 1) = (Σ l_h over them) + (1 - l) · (how many): prefix sums
    prefix = [0, *accumulate(gaps)]
    numerator3 = 0  # three times the sum, to stay in integers
    for lu, times in lengths.items():
        k = bisect_left(gaps, lu)
        in_gaps = prefix[-1] - prefix[k] + (1 - lu) * (len(gaps) - k)
        numerator3 += times * ((n_c - 1) * (2 * lu**3 - 3 * lu**2 + lu) + 3 * lu * lu * in_gaps)
    denominator = m * length * (m * length - 1) - sum(times * lu * (lu - 1) for lu, times in lengths.items())
    d_e = Fraction(2 * numerator3, 3 * length * denominator) if denominator > 0 else Fraction(0)
    return CategoryDisagreement(d_o, d_e, n_c)


@dataclass(frozen=True)
class UnitizingResult:
    per_category: dict[str, CategoryDisagreement]

    def alpha(self, category: str) -> Figure:
        found = self.per_category.get(category)
        return found.alpha() if found is not None else undefined("no coder marked a unit of this category")

    def overall(self) -> Figure:
        units = sum(c.units for c in self.per_category.values())
        expected = sum((c.expected for c in self.per_category.values()), Fraction(0))
        if units == 0:
            return undefined("no coder marked a unit")
        if expected == 0:
            return undefined("no disagreement is expected", units)
        observed = sum((c.observed for c in self.per_category.values()), Fraction(0))
        return Figure(float(1 - observed / expected), units)


def unitizing_alpha(
    coders: Sequence[Iterable[tuple[int, int, str]]], begin: int, end: int
) -> UnitizingResult:
    """αu per category and overall: ``coders`` gives each coder's labelled units (start, end, category)
    on the continuum ``[begin, end)``."""
    grouped: dict[str, list[list[tuple[int, int]]]] = {}
    coders = list(coders)
    for n, units in enumerate(coders):  # each coder's units by category, in one pass
        for s, e, label in units:
            found = grouped.get(label)
            if found is None:
                found = grouped[label] = [[] for _ in coders]
            found[n].append((s, e))
    return UnitizingResult({c: category_disagreement(grouped[c], begin, end) for c in sorted(grouped)})
