"""Agreement coefficients in plain Python.

Every function returns a :class:`Figure`: a value with the number of units it rests on, or ``value=None``
with a reason when it cannot be computed (no units, a single coder, no variation) -- never a silent division
by zero.

Ratings are given per *unit* (a document, a target …) as an iterable of values, one per coder who rated it;
``None`` marks a missing value and is dropped. Units with fewer than two values are not pairable and do not
count.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

METRICS = ("nominal", "ordinal", "interval")


@dataclass(frozen=True)
class Figure:
    """One agreement figure: ``value`` (``None`` when it cannot be computed, then ``reason`` says why) and
    the number of ``units`` it rests on."""

    value: float | None
    units: int
    reason: str | None = None

    def as_dict(self, digits: int | None = None) -> dict[str, Any]:
        value = self.value
        if value is not None and digits is not None:
            value = round(value, digits)
        out: dict[str, Any] = {"value": value, "units": self.units}
        if self.reason is not None:
            out["reason"] = self.reason
        return out

    def __str__(self) -> str:
        if self.value is None:
            return f"n/a ({self.reason}; {self.units} units)"
        return f"{self.value:.3f} ({self.units} units)"


def undefined(reason: str, units: int = 0) -> Figure:
    return Figure(None, units, reason)


def _pairable(units: Iterable[Iterable[Hashable | None]]) -> list[list[Hashable]]:
    out = []
    for unit in units:
        values = [v for v in unit if v is not None]
        if len(values) >= 2:
            out.append(values)
    return out


# --------------------------------------------------------------------------------------------------
# Krippendorff's alpha
# --------------------------------------------------------------------------------------------------


def coincidences(units: Iterable[Iterable[Hashable | None]]) -> dict[tuple[Hashable, Hashable], float]:
    """Krippendorff's coincidence matrix: ``o[c, k] = Σ_u (number of c-k pairs of coders in u) / (m_u - 1)``
    over pairable units (``m_u`` ≥ 2 values), ordered pairs of different coders. Units with the same values
    are counted together (a tone scale has few patterns, so 5,000 documents are a handful of sums)."""
    patterns: Counter = Counter()
    for values in _pairable(units):
        patterns[tuple(sorted(Counter(values).items(), key=repr))] += 1
    o: dict[tuple[Hashable, Hashable], float] = {}
    for pattern, times in patterns.items():
        weight = times / (sum(n for _v, n in pattern) - 1)
        for c, n_c in pattern:
            for k, n_k in pattern:
                pairs = n_c * (n_c - 1) if c == k else n_c * n_k
                if pairs:
                    o[c, k] = o.get((c, k), 0.0) + pairs * weight
    return o


def _distance(metric: str, values: Sequence[Hashable], marginals: dict[Hashable, float]):
    """δ²(c, k) for the metric. Ordinal per Krippendorff (2011): ``(Σ_{g=c..k} n_g - (n_c + n_k)/2)²`` over
    the values in rank order, ``n_g`` the coincidence marginals."""
    if metric == "nominal":
        return lambda c, k: 0.0 if c == k else 1.0
    if metric == "interval":
        return lambda c, k: float(c - k) ** 2
    if metric == "ordinal":
        rank = {v: i for i, v in enumerate(values)}
        cumulative = [0.0]
        for v in values:
            cumulative.append(cumulative[-1] + marginals[v])

        def ordinal(c, k):
            i, j = sorted((rank[c], rank[k]))
            return (cumulative[j + 1] - cumulative[i] - (marginals[c] + marginals[k]) / 2) ** 2

        return ordinal
    raise ValueError(f"unknown metric {metric!r} (one of {', '.join(METRICS)})")


def krippendorff_alpha(units: Iterable[Iterable[Hashable | None]], metric: str = "nominal") -> Figure:
    """Krippendorff's alpha, ``1 - D_o / D_e``, from the coincidence matrix (Krippendorff 2011, "Computing
    Krippendorff's Alpha-Reliability"); any number of coders, missing values allowed. ``metric``:
    ``nominal``, ``ordinal`` (values must be orderable) or ``interval`` (numeric). ``units`` counts the
    pairable units."""
    return krippendorff_alphas(units, (metric,))[metric]


def krippendorff_alphas(
    units: Iterable[Iterable[Hashable | None]], metrics: Sequence[str] = METRICS
) -> dict[str, Figure]:
    """:func:`krippendorff_alpha` for each of ``metrics``, the coincidence matrix made once."""
    for metric in metrics:
        if metric not in METRICS:
            raise ValueError(f"unknown metric {metric!r} (one of {', '.join(METRICS)})")
    units = _pairable(units)
    if not units:
        return dict.fromkeys(metrics, undefined("no unit has two or more values"))
    o = coincidences(units)
    return {metric: _alpha(o, metric, len(units)) for metric in metrics}


def _alpha(o: dict[tuple[Hashable, Hashable], float], metric: str, units: int) -> Figure:
    marginals: dict[Hashable, float] = {}
    for (c, _k), n in o.items():
        marginals[c] = marginals.get(c, 0.0) + n
    values = sorted(marginals)  # type: ignore[type-var]
    n = sum(marginals.values())
    delta = _distance(metric, values, marginals)
    observed = sum(count * delta(c, k) for (c, k), count in o.items()) / n
    expected = sum(marginals[c] * marginals[k] * delta(c, k) for c in values for k in values) / (n * (n - 1))
    if expected == 0:
        return undefined("no variation", units)
    return Figure(1.0 - observed / expected, units)


# --------------------------------------------------------------------------------------------------
# Kappas and observed agreement
# --------------------------------------------------------------------------------------------------


def fleiss_kappa(units: Iterable[Iterable[Hashable | None]]) -> Figure:
    """Fleiss' kappa (Fleiss 1971). Defined only when every unit has the same number of ratings (≥ 2);
    otherwise ``None`` with the reason (use Krippendorff's alpha for missing data)."""
    rated = [[v for v in unit if v is not None] for unit in units]
    rated = [u for u in rated if u]
    if not rated:
        return undefined("no rated unit")
    sizes = {len(u) for u in rated}
    if len(sizes) > 1:
        return undefined("units have different numbers of ratings", len(rated))
    m = sizes.pop()
    if m < 2:
        return undefined("every unit has a single rating", len(rated))
    totals: Counter = Counter()
    agreement = 0.0
    for unit in rated:
        counts = Counter(unit)
        totals.update(counts)
        agreement += (sum(c * c for c in counts.values()) - m) / (m * (m - 1))
    p_bar = agreement / len(rated)
    all_ratings = len(rated) * m
    p_e = sum((c / all_ratings) ** 2 for c in totals.values())
    if p_e == 1:
        return undefined("no variation", len(rated))
    return Figure((p_bar - p_e) / (1 - p_e), len(rated))


def cohen_kappa(pairs: Iterable[tuple[Hashable | None, Hashable | None]]) -> Figure:
    """Cohen's kappa (Cohen 1960) of two coders over ``(value_a, value_b)`` pairs, one per unit; pairs with a
    missing side are dropped."""
    return cohen_kappa_counts(Counter((a, b) for a, b in pairs if a is not None and b is not None))


def cohen_kappa_counts(table: Counter) -> Figure:
    """Cohen's kappa from a contingency table: ``(value_a, value_b)`` → how many units (so that millions of
    token pairs need not be kept one by one)."""
    n = sum(table.values())
    if not n:
        return undefined("no unit rated by both")
    p_o = sum(k for (a, b), k in table.items() if a == b) / n
    count_a: Counter = Counter()
    count_b: Counter = Counter()
    for (a, b), k in table.items():
        count_a[a] += k
        count_b[b] += k
    p_e = sum(count_a[c] * count_b[c] for c in count_a) / (n * n)
    if p_e == 1:
        return undefined("no variation", n)
    return Figure((p_o - p_e) / (1 - p_e), n)


def observed_agreement(units: Iterable[Iterable[Hashable | None]]) -> Figure:
    """Mean over pairable units of the share of agreeing pairs of coders (for two coders: the share of units
    on which they agree)."""
    units = _pairable(units)
    if not units:
        return undefined("no unit has two or more values")
    total = 0.0
    for values in units:
        m = len(values)
        total += sum(n * (n - 1) for n in Counter(values).values()) / (m * (m - 1))
    return Figure(total / len(units), len(units))


def mean_figure(figures: Iterable[Figure], empty_reason: str = "no annotator pair") -> Figure:
    """The mean of the defined values (e.g. over annotator pairs); ``units`` sums every figure's units."""
    figures = list(figures)
    if not figures:
        return undefined(empty_reason)
    units = sum(f.units for f in figures)
    defined = [f.value for f in figures if f.value is not None]
    if not defined:
        reasons = sorted({f.reason or "undefined" for f in figures})
        return undefined("; ".join(reasons), units)
    return Figure(sum(defined) / len(defined), units)
