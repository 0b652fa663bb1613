"""Agreement coefficients against published worked examples and hand-computed cases."""

import pytest

from annotator.agreement.coefficients import (
    Figure,
    cohen_kappa,
    coincidences,
    fleiss_kappa,
    krippendorff_alpha,
    mean_figure,
    observed_agreement,
)

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: four observers A-D, 12 units,
# values 1-5, None = missing. Published: nominal .743, ordinal .815, interval .849 (ratio .797).
# Cross-checked with the `krippendorff` PyPI package (0.7432, 0.8154, 0.8491).
_ = None
K2011 = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    "C": [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
}
K2011_UNITS = [list(values) for values in zip(*K2011.values(), strict=True)]


@pytest.mark.parametrize(
    ("metric", "published", "exact"),
    [
        ("nominal", 0.743, 0.743421052631579),
        ("ordinal", 0.815, 0.8153875037548814),
        ("interval", 0.849, 0.8491071428571428),
    ],
)
def test_krippendorff_2011_reliability_data(metric, published, exact):
    figure = krippendorff_alpha(K2011_UNITS, metric)
    assert round(figure.value, 3) == published
    assert figure.value == pytest.approx(exact, abs=1e-12)
    assert figure.units == 11  # unit 12 has a single value: not pairable
    assert figure.reason is None


def test_krippendorff_2011_coincidence_matrix():
    """The paper's coincidence matrix: marginals n_1..n_5 = 9, 13, 10, 5, 3 with n = 40."""
    o = coincidences(K2011_UNITS)
    marginals = {}
    for (c, _k), n in o.items():
        marginals[c] = marginals.get(c, 0) + n
    assert {c: round(n, 6) for c, n in sorted(marginals.items())} == {1: 9, 2: 13, 3: 10, 4: 5, 5: 3}
    assert sum(marginals.values()) == pytest.approx(40)
    assert o[1, 1] == pytest.approx(7) and o[1, 2] == pytest.approx(4 / 3)


def test_alpha_hand_computed_two_coders():
    # Two coders, 4 units, one disagreement: o = {a,a: 4, b,b: 2, a,b: 1, b,a: 1}, n = 8, n_a = 5, n_b = 3.
    # D_o = 2/8; D_e = 2·5·3 / (8·7) = 30/56; alpha = 1 - (1/4) / (30/56) = 1 - 56/120 = 0.5333…
    units = [["a", "a"], ["a", "a"], ["b", "b"], ["a", "b"]]
    assert krippendorff_alpha(units, "nominal").value == pytest.approx(1 - 56 / 120)


def test_alpha_all_agree_and_edge_cases():
    assert krippendorff_alpha([[1, 1], [2, 2, 2], [3, 3]], "interval").value == pytest.approx(1.0)
    no_variation = krippendorff_alpha([[2, 2], [2, 2, None]], "ordinal")
    assert no_variation.value is None and no_variation.reason == "no variation" and no_variation.units == 2
    empty = krippendorff_alpha([[None, None], [1, None]])
    assert empty == Figure(None, 0, "no unit has two or more values")
    assert krippendorff_alpha([]).value is None
    with pytest.raises(ValueError):
        krippendorff_alpha([[1, 2]], "ratio-ish")


def test_ordinal_differs_from_nominal_on_near_misses():
    units = [[1, 2], [3, 3], [5, 5], [1, 1], [4, 5]]
    assert krippendorff_alpha(units, "ordinal").value > krippendorff_alpha(units, "nominal").value


# Fleiss (1971) example as reproduced on Wikipedia's "Fleiss' kappa": 10 subjects, 14 raters, 5 categories.
FLEISS_TABLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def _expand(table):
    return [[cat for cat, n in enumerate(row, 1) for _ in range(n)] for row in table]


def test_fleiss_wikipedia_example():
    figure = fleiss_kappa(_expand(FLEISS_TABLE))
    assert round(figure.value, 3) == 0.210
    assert figure.units == 10
    # P-bar = 0.378, P_e = 0.213 on the page: observed agreement is Fleiss' P-bar
    assert round(observed_agreement(_expand(FLEISS_TABLE)).value, 3) == 0.378


def test_fleiss_needs_equal_numbers_of_ratings():
    figure = fleiss_kappa([[1, 1, 2], [1, None, 2]])
    assert figure.value is None and figure.reason == "units have different numbers of ratings"
    assert fleiss_kappa([[1, 1], [1, 1]]).reason == "no variation"
    assert fleiss_kappa([[1], [2]]).reason == "every unit has a single rating"
    assert fleiss_kappa([[None, None]]).reason == "no rated unit"
    assert fleiss_kappa([[1, 1], [2, 2]]).value == pytest.approx(1.0)


def test_fleiss_two_raters_hand_computed():
    # 4 units, two raters: P-bar = 3/4; p = (5/8, 3/8), P_e = 34/64;
    # kappa = (3/4 - 34/64) / (1 - 34/64) = 14/30
    assert fleiss_kappa([["a", "a"], ["a", "a"], ["b", "b"], ["a", "b"]]).value == pytest.approx(14 / 30)


def test_cohen_wikipedia_example():
    # Wikipedia "Cohen's kappa": 50 proposals, yes/yes 20, yes/no 5, no/yes 10, no/no 15 -> p_o .7, p_e .5
    pairs = [("y", "y")] * 20 + [("y", "n")] * 5 + [("n", "y")] * 10 + [("n", "n")] * 15
    figure = cohen_kappa(pairs)
    assert figure.value == pytest.approx(0.4)
    assert figure.units == 50
    assert observed_agreement(pairs).value == pytest.approx(0.7)


def test_cohen_edge_cases():
    assert cohen_kappa([("a", "a"), ("b", "b")]).value == pytest.approx(1.0)
    assert cohen_kappa([("a", "a"), ("a", "a")]) == Figure(None, 2, "no variation")
    assert cohen_kappa([("a", None), (None, "b")]) == Figure(None, 0, "no unit rated by both")
    assert cohen_kappa([("a", "b"), ("b", "a")]).value == pytest.approx(-1.0)


def test_mean_figure_and_as_dict():
    mean = mean_figure([Figure(0.5, 3), Figure(None, 2, "no variation"), Figure(1.0, 1)])
    assert mean.value == pytest.approx(0.75) and mean.units == 6
    assert mean_figure([]) == Figure(None, 0, "no annotator pair")
    assert mean_figure([Figure(None, 2, "no variation")]) == Figure(None, 2, "no variation")
    assert Figure(0.123456, 4).as_dict() == {"value": 0.123456, "units": 4}  # full precision by default
    assert Figure(0.123456, 4).as_dict(digits=4) == {"value": 0.1235, "units": 4}
    assert Figure(None, 0, "why").as_dict() == {"value": None, "units": 0, "reason": "why"}
