"""Krippendorff's unitizing alpha against published worked examples and hand-computed edge cases."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.agreement.unitizing import _segments, category_disagreement, unitizing_alpha


def krippendorff_2004():
    """Content Analysis (2nd ed., 2004), p. 254: continuum [150, 450), two coders, categories c and k."""
    return [
        [(225, 295, "c"), (370, 400, "c"), (180, 240, "k"), (300, 350, "k")],
        [(220, 300, "c"), (355, 375, "c"), (400, 420, "c"), (180, 240, "k"), (300, 350, "k")],
    ]


def test_krippendorff_2004_worked_example():
    result = unitizing_alpha(krippendorff_2004(), 150, 450)
    c, k = result.per_category["c"], result.per_category["k"]
    assert float(c.observed) == pytest.approx(0.0144, abs=1e-4)
    assert float(c.expected) == pytest.approx(0.0532, abs=1e-4)
    assert result.alpha("c").value == pytest.approx(0.7286, abs=1e-4)
    assert float(k.observed) == 0 and float(k.expected) == pytest.approx(0.0490, abs=1e-4)
    assert result.alpha("k").value == 1.0
    assert result.overall().value == pytest.approx(0.8591, abs=5e-4)  # the book rounds before dividing
    assert result.alpha("c").units == 5 and result.overall().units == 9


# Krippendorff (1995), "On the reliability of unitizing contiguous data", p. 57: four pairs of coders on a
# continuum of 24, as (begin, length)
EXAMPLE_1995 = {
    "A": [[(2, 8), (14, 6)], [(4, 4), (15, 2)]],
    "B": [[(0, 18)], [(0, 2), (2, 1), (3, 1), (4, 1), (5, 1), (6, 3), (9, 1)]],
    "C": [[(2, 6), (10, 2), (14, 4), (20, 2)], [(0, 2), (4, 4), (10, 4), (16, 2), (20, 2)]],
    "D": [[(0, 2), (2, 8), (10, 4), (14, 6), (20, 4)], [(0, 4), (4, 4), (8, 7), (15, 2), (17, 7)]],
}


def _stretched(pair, stretch):
    return [[(b * stretch, (b + n) * stretch) for b, n in coder] for coder in pair]


@pytest.mark.parametrize(
    ("name", "observed"), [("A", 0.03125), ("B", 2.26736), ("C", 0.02777), ("D", 0.38715)]
)
def test_krippendorff_1995_observed_disagreement(name, observed):
    result = category_disagreement(_stretched(EXAMPLE_1995[name], 1), 0, 24)
    assert float(result.observed) == pytest.approx(observed, abs=1e-5)
    # the same when every length is stretched: uDo is scale-free
    assert float(category_disagreement(_stretched(EXAMPLE_1995[name], 1000), 0, 24000).observed) == (
        pytest.approx(observed, abs=1e-5)
    )


@pytest.mark.parametrize(("name", "alpha"), [("A", 0.553), ("B", -0.926), ("C", 0.679), ("D", 0.066)])
def test_krippendorff_1995_alpha_on_a_near_continuous_scale(name, alpha):
    """The 1995 paper works on a continuous scale; a fine grid (×50,000) approaches its values (its uDe
    has a known slip, see DKPro Agreement's test of the same example, hence the tolerance)."""
    result = category_disagreement(_stretched(EXAMPLE_1995[name], 50000), 0, 24 * 50000)
    assert result.alpha().value == pytest.approx(alpha, abs=0.02)


def test_all_agree_all_missing_and_one_coder():
    same = [(2, 5, "PER"), (8, 12, "LOC")]
    perfect = unitizing_alpha([same, same, same], 0, 20)
    assert perfect.overall().value == 1.0 and perfect.alpha("PER").value == 1.0
    nothing = unitizing_alpha([[], []], 0, 20)
    assert nothing.overall().value is None and "no coder" in nothing.overall().reason
    assert nothing.alpha("PER").value is None
    alone = category_disagreement([[(2, 5)]], 0, 20)
    assert alone.alpha().value is None  # one coder: nothing to compare
    full = category_disagreement([[(0, 20)], [(0, 20)]], 0, 20)
    assert full.alpha().value == 1.0  # both marked the whole continuum


def test_hand_computed_small_case():
    """Two coders on [0, 10): [2, 4) against [3, 4). Observed: (2-3)² + 0² = 1 per ordered pair, and
    [3, 4) sits in no gap of the other; 2·1 / (2·1·100) = 0.01. Expected: units of length 2 and 1 (N = 2),
    gaps 2, 6 (first coder), 3, 6 (second): for l=2: 1/3·(16-12+2) + 4·((2-1)+(3-1)+(6-1)+(6-1)) = 2 + 52;
    for l=1: 1/3·(2-3+1) + 1·(2+3+6+6) = 17; (2/10)·71 / (20·19 - 2) = 14.2 / 378."""
    result = category_disagreement([[(2, 4)], [(3, 4)]], 0, 10)
    assert float(result.observed) == pytest.approx(0.01)
    assert float(result.expected) == pytest.approx(14.2 / 378)
    assert result.alpha().value == pytest.approx(1 - 0.01 / (14.2 / 378))


def test_overlapping_units_of_one_coder_are_merged_and_bad_units_refused():
    merged = category_disagreement([[(2, 6), (4, 8)], [(2, 8)]], 0, 10)
    assert merged.units == 2 and merged.alpha().value == 1.0
    adjacent = category_disagreement([[(2, 5), (5, 8)], [(2, 8)]], 0, 10)
    assert adjacent.units == 3 and adjacent.alpha().value < 1.0  # two units are not one
    with pytest.raises(ValueError, match=r"coder 1: unit \[8, 12\)"):
        category_disagreement([[(2, 5)], [(8, 12)]], 0, 10)


units = st.lists(st.tuples(st.integers(0, 39), st.integers(1, 8)), max_size=6).map(
    lambda xs: [(s, min(s + n, 40)) for s, n in xs]
)


@given(st.lists(units, min_size=2, max_size=4))
def test_the_merge_walk_counts_every_overlapping_pair_once(coders):
    """uDo from the one-pass walk equals the sum over every pair of overlapping segments."""
    from fractions import Fraction

    from annotator.agreement.unitizing import _distance, _segments

    segments = [_segments(c, 0, 40) for c in coders]
    brute = sum(
        _distance(g, h)
        for i, a in enumerate(segments)
        for j, b in enumerate(segments)
        if i != j
        for g in a
        for h in b
        if g[0] < h[1] and h[0] < g[1]
    )
    m = len(coders)
    assert category_disagreement(coders, 0, 40).observed == Fraction(brute, m * (m - 1) * 1600)


def _segments_reference(units, begin, end):
    """The segments as first written: merge into a list of lists, then walk it."""
    merged = []
    for s, e in sorted(units):
        if merged and s < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    out, pos = [], begin
    for s, e in merged:
        if s > pos:
            out.append((pos, s, False))
        out.append((s, e, True))
        pos = e
    if pos < end:
        out.append((pos, end, False))
    return out


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 10)), max_size=15), st.integers(0, 3))
def test_segments_of_one_pass_equal_the_plain_merge(raw, begin):
    units = [(s + begin, s + begin + n) for s, n in raw if s + begin + n <= 60]
    assert _segments(units, begin, 60) == _segments_reference(units, begin, 60)
