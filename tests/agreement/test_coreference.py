"""Coreference metrics (MUC, B³, CEAF-e, BLANC, CoNLL F1) against the reference scorer's test cases,
hand-computed cases and properties."""

from __future__ import annotations

import itertools
import random
from unittest.mock import ANY

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.agreement.coreference import (
    CorefScores,
    Score,
    _best_alignment,
    b_cubed,
    blanc,
    ceaf_e,
    muc,
    score,
)

# --- The reference scorer's test cases -------------------------------------------------------------------
# Transcribed from the reference coreference scorer v8.01 (Pradhan et al. 2014, "Scoring Coreference
# Partitions of Predicted Mentions: A Reference Implementation", ACL), github.com/conll/reference-coreference-
# scorers: the key and response partitions of test/DataFiles/TC-*.key and TC-*.response (in the letter
# notation of test/TestCases.README: a capital B is a mention overlapping b, a repeated b is the same
# mention listed twice) and the expected [recall, precision, F1] of test/CorefMetricTestConfig.pm. That
# repository is licensed CC BY-SA 4.0 (its LICENSE file); only these small examples and numbers are used
# here, with this attribution, and none of its code. The config gives exact fractions or values rounded to
# five decimals; the latter are compared within 1e-5.
TC_A_KEY = [["a"], ["b", "c"], ["d", "e", "f"]]
TC_M_KEY = [["a", "b", "c", "d", "e", "f"]]
TC_N_KEY = [["a"], ["b"], ["c"], ["d"], ["e"], ["f"]]
TC_DE_KEY = [list("12345"), list("67"), list("89ABC")]


def _f(r: float, p: float) -> float:
    return 2 * r * p / (r + p)


Clusters = list[list[str]]
#: id: (key, response, {metric: (recall, precision, F1)})
REFERENCE_CASES: dict[str, tuple[Clusters, Clusters, dict[str, tuple[float, float, float]]]] = {
    "A1": (
        TC_A_KEY,
        [["a"], ["b", "c"], ["d", "e", "f"]],
        {"muc": (1, 1, 1), "b_cubed": (1, 1, 1), "ceaf_e": (1, 1, 1), "blanc": (1, 1, 1)},
    ),
    "A2": (
        TC_A_KEY,
        [["a"], ["d", "e"]],
        {
            "muc": (1 / 3, 1, 0.5),
            "b_cubed": ((7 / 3) / 6, 3 / 3, 14 / 25),
            "ceaf_e": (0.6, 0.9, 0.72),
            "blanc": (0.21591, 1, 0.35385),
        },
    ),
    "A3": (
        TC_A_KEY,
        [["a"], ["b", "c", "x"], ["d", "e", "f", "y"], ["z"]],
        {
            "muc": (3 / 3, 3 / 5, 0.75),
            "b_cubed": (6 / 6, (4 + 7 / 12) / 9, 110 / 163),
            "ceaf_e": (0.88571, 0.66429, 0.75918),
            "blanc": (1, 0.42593, 0.59717),
        },
    ),
    "A4": (
        TC_A_KEY,
        [["a"], ["b", "c", "x"], ["d", "y"], ["z"]],
        {
            "muc": (1 / 3, 1 / 3, 1 / 3),
            "b_cubed": ((3 + 1 / 3) / 6, (1 + 4 / 3 + 1 / 2) / 7, _f(5 / 9, 17 / 42)),
            "ceaf_e": (0.73333, 0.55, 0.62857),
            "blanc": (0.35227, 0.27206, 0.30357),
        },
    ),
    "A5": (
        TC_A_KEY,
        [["a"], ["b", "c", "x", "B"], ["d", "y"], ["z"]],
        {
            "muc": (1 / 3, 1 / 4, 2 / 7),
            "b_cubed": ((3 + 1 / 3) / 6, 2.5 / 8, _f(5 / 9, 5 / 16)),
            "ceaf_e": (0.68889, 0.51667, 0.59048),
            "blanc": (0.35227, 0.19048, 0.24716),
        },
    ),
    "A6": (
        TC_A_KEY,
        [["a"], ["b", "c", "x"], ["d", "y"], ["B", "z"]],
        {
            "muc": (1 / 3, 1 / 4, 2 / 7),
            "b_cubed": ((10 / 3) / 6, (1 + 4 / 3 + 1 / 2) / 8, _f(5 / 9, 17 / 48)),
            "ceaf_e": (0.73333, 0.55, 0.62857),
            "blanc": (0.35227, 0.20870, 0.25817),
        },
    ),
    # A7-A9: a mention listed twice is kept where it first occurs (the reference scorer's de-duplication)
    "A7": (
        TC_A_KEY,
        [["a"], ["b", "b", "c", "x"], ["d", "y"], ["z"]],
        {
            "muc": (1 / 3, 1 / 3, 1 / 3),
            "b_cubed": ((10 / 3) / 6, (1 + 4 / 3 + 1 / 2) / 7, _f(5 / 9, 17 / 42)),
            "ceaf_e": (0.73333, 0.55, 0.62857),
            "blanc": (0.35227, 0.27206, 0.30357),
        },
    ),
    "A8": (
        TC_A_KEY,
        [["a"], ["b", "c", "x"], ["d", "y"], ["b", "z"]],
        {
            "muc": (1 / 3, 1 / 3, 1 / 3),
            "b_cubed": ((10 / 3) / 6, (1 + 4 / 3 + 1 / 2) / 7, _f(5 / 9, 17 / 42)),
            "ceaf_e": (0.73333, 0.55, 0.62857),
            "blanc": (0.35227, 0.27206, 0.30357),
        },
    ),
    "A9": (
        TC_A_KEY,
        [["a"], ["b", "c", "x"], ["d", "y"], ["b"] * 10 + ["z"]],
        {
            "muc": (1 / 3, 1 / 3, 1 / 3),
            "b_cubed": ((10 / 3) / 6, (1 + 4 / 3 + 1 / 2) / 7, _f(5 / 9, 17 / 42)),
            "ceaf_e": (0.73333, 0.55, 0.62857),
            "blanc": (0.35227, 0.27206, 0.30357),
        },
    ),
    "A10": (
        TC_A_KEY,
        [["a"], ["b"], ["c"], ["d"], ["e"], ["f"]],
        {"muc": (0, 0, 0), "b_cubed": (3 / 6, 6 / 6, 2 / 3), "blanc": (0.5, 0.36667, 0.42308)},
    ),
    "A11": (
        TC_A_KEY,
        [["a", "b", "c", "d", "e", "f"]],
        {
            "muc": (3 / 3, 3 / 5, 6 / 8),
            "b_cubed": (6 / 6, (1 / 6 + 2 * 2 / 6 + 3 * 3 / 6) / 6, 14 / 25),
            "blanc": (0.5, 0.13333, 0.21053),
        },
    ),
    "A12": (
        TC_A_KEY,
        [["a"], ["x"], ["y"], ["c"], ["d"], ["e"], ["z"]],
        {
            "muc": (0, 0, 0),
            "b_cubed": ((1 + 1 / 2 + 2 / 3) / 6, 4 / 7, _f(13 / 36, 4 / 7)),
            "blanc": (0.22727, 0.11905, 0.15625),
        },
    ),
    "A13": (
        TC_A_KEY,
        [["a", "x", "y", "c", "d", "e", "z"]],
        {
            "muc": (1 / 3, 1 / 6, 2 / 9),
            "b_cubed": ((1 + 1 / 2 + 2 * 2 / 3) / 6, (1 / 7 + 1 / 7 + 2 * 2 / 7) / 7, _f(17 / 36, 6 / 49)),
            "blanc": (0.125, 0.02381, 0.04),
        },
    ),
    "B1": (
        [["a", "b"], ["c", "d", "e"]],
        [["b", "c", "x"], ["d", "e"]],
        {"blanc": (7 / 24, 7 / 24, 7 / 24)},
    ),
    "C1": (
        [["a", "b"], ["c", "d", "e"], ["f", "g"]],
        [["b", "c", "x"], ["d", "e"], ["f", "g"]],
        {"blanc": (0.5125, 0.5125, 0.5125)},
    ),
    # D and E: the examples of the B³ paper (Bagga & Baldwin 1998)
    "D1": (
        TC_DE_KEY,
        [list("12345"), list("6789ABC")],
        {"muc": (9 / 9, 9 / 10, _f(1, 9 / 10)), "b_cubed": (12 / 12, 16 / 21, _f(1, 16 / 21))},
    ),
    "E1": (
        TC_DE_KEY,
        [list("1234589ABC"), list("67")],
        {"muc": (9 / 9, 9 / 10, _f(1, 9 / 10)), "b_cubed": (1, 7 / 12, _f(1, 7 / 12))},
    ),
    # F to L: the examples of the MUC paper (Vilain et al. 1995)
    "F1": ([list("ABCD")], [list("AB"), list("CD")], {"muc": (2 / 3, 2 / 2, _f(2 / 3, 1))}),
    "G1": ([list("AB"), list("CD")], [list("ABCD")], {"muc": (2 / 2, 2 / 3, _f(1, 2 / 3))}),
    "H1": ([list("ABCD")], [list("ABCD")], {"muc": (1, 1, 1)}),
    "I1": ([list("ABCD")], [list("AB"), list("CD")], {"muc": (2 / 3, 2 / 2, _f(2 / 3, 1))}),
    "J1": ([list("ABC")], [list("AC")], {"muc": (1 / 2, 1 / 1, _f(1 / 2, 1))}),
    "K1": ([list("BCDEGHJ")], [list("ABC"), list("DEF"), list("GHI")], {"muc": (3 / 6, 3 / 6, 3 / 6)}),
    "L1": (
        [list("ABC"), list("DEFG")],
        [list("AB"), list("CD"), list("FGH")],
        {"muc": (2 / 5, 2 / 4, _f(2 / 5, 2 / 4))},
    ),
    # M: only coreferent mentions in the key; N: only singletons
    "M1": (
        TC_M_KEY,
        [list("abcdef")],
        {"muc": (1, 1, 1), "b_cubed": (1, 1, 1), "ceaf_e": (1, 1, 1), "blanc": (1, 1, 1)},
    ),
    "M2": (TC_M_KEY, [[m] for m in "abcdef"], {"muc": (0, 0, 0), "blanc": (0, 0, 0)}),
    "M3": (TC_M_KEY, [list("ab"), list("cde"), ["f"]], {"blanc": (0.26667, 1, 0.42105)}),
    "M4": (TC_M_KEY, [list("abcxyz")], {"blanc": (0.2, 0.2, 0.2)}),
    "M5": (TC_M_KEY, [[m] for m in "abcxyz"], {"muc": (0, 0, 0), "blanc": (0, 0, 0)}),
    "M6": (TC_M_KEY, [list("ab"), list("cxy"), ["z"]], {"blanc": (0.06667, 0.25, 0.10526)}),
    "N1": (TC_N_KEY, [[m] for m in "abcdef"], {"muc": (0, 0, 0), "blanc": (1, 1, 1)}),
    "N2": (TC_N_KEY, [list("abcdef")], {"muc": (0, 0, 0), "blanc": (0, 0, 0)}),
    "N3": (TC_N_KEY, [list("ab"), list("cde"), ["f"]], {"blanc": (0.73333, 1, 0.84615)}),
    "N4": (TC_N_KEY, [[m] for m in "abcxyz"], {"muc": (0, 0, 0), "blanc": (0.2, 0.2, 0.2)}),
    "N5": (TC_N_KEY, [list("abcxyz")], {"blanc": (0, 0, 0)}),
    "N6": (TC_N_KEY, [list("ab"), list("cxy"), ["z"]], {"blanc": (0.13333, 0.18182, 0.15385)}),
}
METRICS = {"muc": muc, "b_cubed": b_cubed, "ceaf_e": ceaf_e, "blanc": blanc}


@pytest.mark.parametrize("case", sorted(REFERENCE_CASES))
def test_reference_scorer_cases(case):
    key, response, expected = REFERENCE_CASES[case]
    together = score(key, response)
    for metric, (recall, precision, f1) in expected.items():
        got = METRICS[metric](key, response)
        assert got == getattr(together, metric)
        assert (got.recall, got.precision, got.f1) == pytest.approx((recall, precision, f1), abs=1e-5), metric


def test_reference_cases_cover_every_metric():
    covered = {metric for _, _, expected in REFERENCE_CASES.values() for metric in expected}
    assert covered == set(METRICS)
    assert len(REFERENCE_CASES) >= 8


# --- Hand-computed cases ---------------------------------------------------------------------------------


def test_identical_partitions_score_one_everywhere():
    key = [[("d1", 0, 4), ("d2", 10, 15)], [("d1", 20, 25)], [("d3", 1, 2), ("d3", 5, 9), ("d1", 30, 33)]]
    result = score(key, [list(reversed(c)) for c in reversed(key)])
    for s in (result.muc, result.b_cubed, result.ceaf_e, result.blanc):
        assert s == Score(1.0, 1.0, 1.0)
    assert result.conll_f1 == 1.0
    assert result.mentions == 6


def test_all_singletons_against_one_cluster():
    # key: four singletons; response: one cluster of the four
    key = [[1], [2], [3], [4]]
    response = [[1, 2, 3, 4]]
    result = score(key, response)
    assert result.muc == Score(0.0, 0.0, 0.0)  # no key link; none of the response's 3 links is right
    # B³: each mention's key cluster is itself (recall 1); its response cluster holds 1 right of 4
    assert (result.b_cubed.recall, result.b_cubed.precision, result.b_cubed.f1) == pytest.approx(
        (1, 0.25, 0.4)
    )
    # CEAF-e: one singleton aligned to the cluster, φ4 = 2·1/(1+4) = 0.4; over 4 key and 1 response cluster
    assert (result.ceaf_e.recall, result.ceaf_e.precision) == pytest.approx((0.1, 0.4))
    assert result.ceaf_e.f1 == pytest.approx(2 * 0.1 * 0.4 / 0.5)
    # BLANC: the key has only non-coreference links (6), the response none: 0
    assert result.blanc == Score(0.0, 0.0, 0.0)
    assert result.conll_f1 == pytest.approx((0 + 0.4 + 0.16) / 3)
    # swapped: recall and precision swap for MUC, B³ and CEAF-e; BLANC now sees 6 coreference key links
    swapped = score(response, key)
    assert (swapped.b_cubed.recall, swapped.b_cubed.precision, swapped.b_cubed.f1) == pytest.approx(
        (0.25, 1, 0.4)
    )
    assert (swapped.ceaf_e.recall, swapped.ceaf_e.precision) == pytest.approx((0.4, 0.1))
    assert swapped.blanc == Score(0.0, 0.0, 0.0)


def test_disjoint_mention_sets_score_zero():
    result = score([["a", "b"], ["c"]], [["x", "y"], ["z"]])
    for s in (result.muc, result.b_cubed, result.ceaf_e, result.blanc):
        assert s == Score(0.0, 0.0, 0.0)
    assert result.conll_f1 == 0.0
    assert result.mentions == 6


def test_empty_partitions_score_zero():
    assert score([], []).to_json() == {
        "muc": {"recall": 0.0, "precision": 0.0, "f1": 0.0},
        "b_cubed": {"recall": 0.0, "precision": 0.0, "f1": 0.0},
        "ceaf_e": {"recall": 0.0, "precision": 0.0, "f1": 0.0},
        "blanc": {"recall": 0.0, "precision": 0.0, "f1": 0.0},
        "conll_f1": 0.0,
    }
    assert score([[1, 2]], []).muc == Score(0.0, 0.0, 0.0)
    assert score([], [[1, 2]]).b_cubed == Score(0.0, 0.0, 0.0)


def test_ceaf_e_needs_the_optimal_alignment_not_a_greedy_one():
    # key K1 = {1 2 3}, K2 = {4}; response R1 = {1 2 4}, R2 = {3}.
    # φ4: K1-R1 = 2·2/6 = 2/3, K1-R2 = 2/4, K2-R1 = 2/4, K2-R2 = 0. Greedy (best pair first) takes K1-R1
    # and is left with K2-R2: 2/3. The optimum pairs K1-R2 and K2-R1: 1.
    s = ceaf_e([[1, 2, 3], [4]], [[1, 2, 4], [3]])
    assert (s.recall, s.precision, s.f1) == pytest.approx((1 / 2, 1 / 2, 1 / 2))


def test_mention_ids_are_any_hashable():
    key = [[("doc-1", 10, 14), ("doc-2", 3, 9)], [("doc-3", 0, 4)]]
    response = [[("doc-1", 10, 14)], [("doc-2", 3, 9), ("doc-3", 0, 4)]]
    result = score(iter(tuple(c) for c in key), (frozenset(c) for c in response))
    assert result.mentions == 3
    assert result.muc == Score(0.0, 0.0, 0.0)
    assert result.b_cubed.recall == pytest.approx((1 / 2 + 1 / 2 + 1) / 3)


def test_to_json():
    result = score([[1, 2], [3]], [[1], [2, 3]])
    assert isinstance(result, CorefScores)
    data = result.to_json()
    assert set(data) == {"muc", "b_cubed", "ceaf_e", "blanc", "conll_f1"}
    for metric in ("muc", "b_cubed", "ceaf_e", "blanc"):
        assert data[metric] == getattr(result, metric).to_json()
        assert data[metric] == {"recall": ANY, "precision": ANY, "f1": ANY}
    assert data["conll_f1"] == pytest.approx((result.muc.f1 + result.b_cubed.f1 + result.ceaf_e.f1) / 3)


def _brute_force_alignment(similarity: list[list[float]]) -> float:
    rows, columns = len(similarity), len(similarity[0])
    if rows > columns:
        similarity = [list(c) for c in zip(*similarity, strict=True)]
        rows, columns = columns, rows
    return max(
        sum(similarity[i][j] for i, j in enumerate(chosen))
        for chosen in itertools.permutations(range(columns), rows)
    )


@pytest.mark.parametrize("seed", range(40))
def test_assignment_against_brute_force(seed):
    rng = random.Random(seed)
    rows, columns = rng.randint(1, 6), rng.randint(1, 6)
    similarity = [
        [rng.choice([0.0, rng.random(), round(rng.random(), 1)]) for _ in range(columns)] for _ in range(rows)
    ]
    assert _best_alignment(similarity) == pytest.approx(_brute_force_alignment(similarity))


# --- Properties ------------------------------------------------------------------------------------------


def _partition(labels: dict[int, int]) -> list[list[int]]:
    clusters: dict[int, list[int]] = {}
    for mention, label in labels.items():
        clusters.setdefault(label, []).append(mention)
    return list(clusters.values())


partitions = st.dictionaries(st.integers(0, 30), st.integers(0, 6), max_size=25).map(_partition)


def _in_unit_interval(s: Score) -> bool:
    return all(0.0 <= v <= 1.0 + 1e-12 for v in (s.recall, s.precision, s.f1))


@settings(max_examples=200, deadline=None)
@given(partitions)
def test_a_partition_against_itself_scores_one(key):
    if not any(len(c) > 1 for c in key):
        key = [*key, [100, 101]]  # MUC and BLANC need a link to be defined
    result = score(key, key)
    for s in (result.muc, result.b_cubed, result.ceaf_e, result.blanc):
        assert (s.recall, s.precision, s.f1) == pytest.approx((1.0, 1.0, 1.0))
    assert result.conll_f1 == pytest.approx(1.0)


@settings(max_examples=300, deadline=None)
@given(partitions, partitions)
def test_swapping_key_and_response_swaps_recall_and_precision(key, response):
    forward, backward = score(key, response), score(response, key)
    for metric in ("muc", "b_cubed", "ceaf_e"):
        a, b = getattr(forward, metric), getattr(backward, metric)
        assert (a.recall, a.precision, a.f1) == pytest.approx((b.precision, b.recall, b.f1)), metric
    assert forward.conll_f1 == pytest.approx(backward.conll_f1)
    assert forward.mentions == backward.mentions


@settings(max_examples=300, deadline=None)
@given(partitions, partitions)
def test_values_lie_in_the_unit_interval(key, response):
    result = score(key, response)
    for metric in ("muc", "b_cubed", "ceaf_e", "blanc"):
        assert _in_unit_interval(getattr(result, metric)), metric
        assert getattr(result, metric) == METRICS[metric](key, response)
    assert 0.0 <= result.conll_f1 <= 1.0 + 1e-12
    assert result.mentions == len({m for c in key for m in c} | {m for c in response for m in c})


@settings(max_examples=200, deadline=None)
@given(partitions, partitions)
def test_ceaf_e_components_agree_with_one_global_assignment(key, response):
    key = [c for c in key if c]
    response = [c for c in response if c]
    if not key or not response or min(len(key), len(response)) > 6:
        return
    similarity = [[2 * len(set(k) & set(r)) / (len(k) + len(r)) for r in response] for k in key]
    total = _brute_force_alignment(similarity)
    s = ceaf_e(key, response)
    assert (s.recall, s.precision) == pytest.approx((total / len(key), total / len(response)))
