"""Agreement on spans: entity F1 (exact and overlap), token-level kappa, label confusion, events.

Spans are ``(start, end, label)`` tuples, half-open code-point offsets. Comparisons are symmetric: F1 is
``2·matched / (spans of a + spans of b)``, whichever annotator is taken as reference.

Overlap matching is one-to-one and greedy: every candidate pair (spans overlap, same label) is taken in
order of decreasing overlap size (ties by position), skipping spans already matched. Greedy is not always a
maximum matching, but on real annotations (rarely more than two candidates per span) it agrees with one.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.agreement.coefficients import Figure, cohen_kappa_counts, undefined

#: Offsets and a label: (start, end, label). ("Span" alone is the editor's entity, services.annotate.Span.)
LabelledSpan = tuple[int, int, str]
MODES = ("exact", "overlap")
#: The label-confusion row and column of spans only the other annotator labelled (never a schema label:
#: those are UPPER_SNAKE identifiers).
MISSING = "(none)"


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Code points shared by two half-open intervals (0 when they do not overlap)."""
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def match_exact(a: Sequence[LabelledSpan], b: Sequence[LabelledSpan]) -> list[tuple[int, int]]:
    """Index pairs of identical spans (same start, end, label), one-to-one."""
    free: dict[LabelledSpan, list[int]] = {}
    for j, s in enumerate(b):
        free.setdefault(tuple(s), []).append(j)  # type: ignore[arg-type]
    pairs = []
    for i, s in enumerate(a):
        js = free.get(tuple(s))  # type: ignore[arg-type]
        if js:
            pairs.append((i, js.pop(0)))
    return pairs


def match_overlap(
    a: Sequence[Any],
    b: Sequence[Any],
    *,
    key: Callable[[Any], tuple[int, int, Hashable]] | None = None,
    same_label: bool = True,
) -> list[tuple[int, int]]:
    """Index pairs of overlapping spans (with the same label unless ``same_label=False``), one-to-one,
    greedy by overlap size. ``key`` gives ``(start, end, label)`` of an item (default: its first three
    values).

    Candidate pairs are found by a sweep over ``b`` sorted by start: for a span of ``a`` only the spans of
    ``b`` that start before it ends and no earlier than its start minus ``b``'s longest span are looked at,
    instead of every pair (a document's 20 × 20 spans: 400 tests become about 20)."""
    if key is None:
        ka = [(s[0], s[1], s[2]) for s in a]
        kb = [(s[0], s[1], s[2]) for s in b]
    else:
        ka = [key(s) for s in a]
        kb = [key(s) for s in b]
    if not ka or not kb:
        return []
    order = sorted(range(len(kb)), key=lambda j: kb[j][0])
    starts = [kb[j][0] for j in order]
    longest = max([e - s for s, e, _label in kb])
    candidates = []
    for i, (s1, e1, l1) in enumerate(ka):
        for n in range(bisect_left(starts, s1 - longest), bisect_left(starts, e1)):
            j = order[n]
            s2, e2, l2 = kb[j]
            size = (e1 if e1 < e2 else e2) - (s1 if s1 > s2 else s2)
            if size > 0 and (not same_label or l1 == l2):
                candidates.append((-size, s1, s2, i, j))
    candidates.sort()
    used_a: set[int] = set()
    used_b: set[int] = set()
    pairs = []
    for _, _, _, i, j in candidates:
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((i, j))
    return sorted(pairs)


def match(a: Sequence[LabelledSpan], b: Sequence[LabelledSpan], mode: str) -> list[tuple[int, int]]:
    if mode == "exact":
        return match_exact(a, b)
    if mode == "overlap":
        return match_overlap(a, b)
    raise ValueError(f"unknown match mode {mode!r} (one of {', '.join(MODES)})")


@dataclass
class F1Counts:
    """Matched spans and spans of each side, summed over documents (micro-averaged F1)."""

    matched: int = 0
    a: int = 0
    b: int = 0
    units: int = 0  # documents compared

    def add(self, matched: int, a: int, b: int, units: int = 1) -> None:
        self.matched += matched
        self.a += a
        self.b += b
        self.units += units

    def figure(self) -> Figure:
        if self.a + self.b == 0:
            return undefined("no spans", self.units)
        return Figure(2 * self.matched / (self.a + self.b), self.units)


def span_f1(a: Sequence[LabelledSpan], b: Sequence[LabelledSpan], mode: str = "exact") -> Figure:
    """F1 of two annotators' spans on one document."""
    counts = F1Counts()
    counts.add(len(match(a, b, mode)), len(a), len(b))
    return counts.figure()


@dataclass
class EntityComparison:
    """Two annotators' entities over any number of documents: :meth:`add` one document at a time."""

    counts: dict[str, F1Counts] = field(default_factory=lambda: {m: F1Counts() for m in MODES})
    per_label: dict[str, dict[str, F1Counts]] = field(default_factory=dict)
    confusion: Counter = field(default_factory=Counter)  # (label_a, label_b) -> spans, see label_confusion
    tags: Counter = field(default_factory=Counter)  # (BIO tag of a, of b) -> tokens

    def add(
        self,
        a: Sequence[LabelledSpan],
        b: Sequence[LabelledSpan],
        tokens: Sequence[tuple[int, int]] | None = None,
    ):
        """One document: each annotator's spans, and its tokens (``(start, end)`` pairs) for token kappa."""
        bounds = None if tokens is None else ([t[0] for t in tokens], [t[1] for t in tokens])
        self.add_spans([(s[0], s[1], s[2]) for s in a], [(s[0], s[1], s[2]) for s in b], bounds)

    def add_spans(
        self,
        a: list[LabelledSpan],
        b: list[LabelledSpan],
        bounds: tuple[Sequence[int], Sequence[int]] | None = None,
    ) -> None:
        """:meth:`add` with spans that are ``(start, end, label)`` tuples already and the tokens as their
        starts and their ends (:func:`annotator.text.segment.token_bounds`)."""
        # Both matchings pair only spans of one label, so a label's matches are the overall matches of that
        # label (greedy choices for one label never depend on another's): each is computed once.
        matched = {"exact": match_exact(a, b), "overlap": match_overlap(a, b)}
        for mode in MODES:
            self.counts[mode].add(len(matched[mode]), len(a), len(b))
        per_a, per_b = Counter(s[2] for s in a), Counter(s[2] for s in b)
        hits = {mode: Counter(a[i][2] for i, _j in matched[mode]) for mode in MODES}
        for label in per_a.keys() | per_b.keys():
            per = self.per_label.get(label)
            if per is None:
                per = self.per_label[label] = {m: F1Counts() for m in MODES}
            for mode in MODES:
                per[mode].add(hits[mode][label], per_a[label], per_b[label])
        self.confusion.update(label_confusion(a, b, same=matched["overlap"]))
        if bounds is not None:
            # only the tokens a span touches: every other token is O for both
            starts, ends = bounds
            tags_a, tags_b = _bio(starts, ends, a), _bio(starts, ends, b)
            touched = tags_a.keys() | tags_b.keys()
            tags = self.tags
            for i in touched:
                tags[tags_a.get(i, "O"), tags_b.get(i, "O")] += 1
            if len(starts) > len(touched):
                tags["O", "O"] += len(starts) - len(touched)

    def f1(self, mode: str) -> Figure:
        return self.counts[mode].figure()

    def token_kappa(self) -> Figure:
        if not self.tags:
            return undefined("no tokens")
        return cohen_kappa_counts(self.tags)


def label_confusion(
    a: Sequence[LabelledSpan], b: Sequence[LabelledSpan], *, same: list[tuple[int, int]] | None = None
) -> Counter:
    """``(label_a, label_b)`` counts of the spans of ``a`` and ``b`` paired one-to-one, with :data:`MISSING`
    for a span the other side has nothing for, so the matrix accounts for every span and every disagreement.

    Spans that overlap with the same label are paired first, as overlap F1 pairs them (the diagonal holds
    exactly its matches); then spans still unpaired that overlap with different labels (greedy by overlap
    size); a span left over is counted as ``(label, MISSING)`` (only ``a`` labelled it) or ``(MISSING,
    label)`` (only ``b``). A row's counts add up to ``a``'s spans of that label, a column's to ``b``'s.
    ``same``: the overlap matching of ``a`` and ``b`` when the caller has it already."""
    out: Counter = Counter()
    if same is None:
        same = match_overlap(a, b)
    rest_a = sorted(set(range(len(a))) - {i for i, _ in same})
    rest_b = sorted(set(range(len(b))) - {j for _, j in same})
    across = match_overlap([a[i] for i in rest_a], [b[j] for j in rest_b], same_label=False)
    for i, j in same:
        out[a[i][2], b[j][2]] += 1
    for i, j in across:
        out[a[rest_a[i]][2], b[rest_b[j]][2]] += 1
    paired_a = {i for i, _ in same} | {rest_a[i] for i, _ in across}
    paired_b = {j for _, j in same} | {rest_b[j] for _, j in across}
    for i, span in enumerate(a):
        if i not in paired_a:
            out[span[2], MISSING] += 1
    for j, span in enumerate(b):
        if j not in paired_b:
            out[MISSING, span[2]] += 1
    return out


def bio_tags(tokens: Sequence[tuple[int, int]], spans: Iterable[LabelledSpan]) -> list[str]:
    """One BIO tag per token (``(start, end)`` pairs in order): ``B-LABEL`` on the first token a span
    touches, ``I-LABEL`` on the next ones, ``O`` elsewhere. A token touched by several (nested or
    overlapping) spans takes the longest of them (then the earliest, then the label)."""
    tags = ["O"] * len(tokens)
    for i, tag in _bio([t[0] for t in tokens], [t[1] for t in tokens], spans).items():
        tags[i] = tag
    return tags


def _bio(starts: Sequence[int], ends: Sequence[int], spans: Iterable[LabelledSpan]) -> dict[int, str]:
    """:func:`bio_tags` of the tokens that are not ``O`` only, by token index (the tokens given as their
    starts and their ends)."""
    tags: dict[int, str] = {}
    n = len(starts)
    for start, end, label in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0], s[2])):
        first = True
        i = bisect_right(starts, start) - 1
        if i < 0:
            i = 0
        while i < n:
            t_start = starts[i]
            if t_start >= end:
                break
            t_end = ends[i]
            if (t_end if t_end < end else end) > (t_start if t_start > start else start):  # they overlap
                if i not in tags:  # the longest span touching it (then the earliest, then the label)
                    tags[i] = ("B-" if first else "I-") + label
                first = False
            i += 1
    return tags


# --------------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventUnit:
    """An event as compared: trigger span and type, ``(role, (filler start, filler end))`` arguments, and
    attributes."""

    start: int
    end: int
    type: str
    arguments: tuple[tuple[str, tuple[int, int]], ...] = ()
    attributes: tuple[tuple[str, Any], ...] = ()


@dataclass
class EventComparison:
    """Two annotators' events over any number of documents.

    Triggers match when they overlap and have the same type (one-to-one, greedy by overlap size). Argument
    F1 counts the ``(role, filler span)`` pairs of *matched* events only (an unmatched event's arguments
    are already counted as a trigger disagreement). Attribute agreement is the share of matched events
    whose attributes are all equal.
    """

    triggers: F1Counts = field(default_factory=F1Counts)
    arguments: F1Counts = field(default_factory=F1Counts)
    matched: int = 0
    equal_attributes: int = 0

    def add(self, a: Sequence[EventUnit], b: Sequence[EventUnit]) -> None:
        pairs = match_overlap(a, b, key=lambda e: (e.start, e.end, e.type))
        self.triggers.add(len(pairs), len(a), len(b))
        arg_matched = arg_a = arg_b = 0
        for i, j in pairs:
            ea, eb = a[i], b[j]
            arg_a += len(ea.arguments)
            arg_b += len(eb.arguments)
            if ea.arguments == eb.arguments:  # the same in the same order: all of them match
                arg_matched += len(ea.arguments)
            else:
                arg_matched += sum((Counter(ea.arguments) & Counter(eb.arguments)).values())
            self.equal_attributes += ea.attributes == eb.attributes
        self.arguments.add(arg_matched, arg_a, arg_b)
        self.matched += len(pairs)

    def trigger_f1(self) -> Figure:
        figure = self.triggers.figure()
        return figure if figure.value is not None else undefined("no events", figure.units)

    def argument_f1(self) -> Figure:
        if not self.matched:
            return undefined("no matched events", self.triggers.units)
        if self.arguments.a + self.arguments.b == 0:
            return undefined("matched events have no arguments", self.matched)
        return Figure(2 * self.arguments.matched / (self.arguments.a + self.arguments.b), self.matched)

    def attribute_agreement(self) -> Figure:
        if not self.matched:
            return undefined("no matched events", self.triggers.units)
        return Figure(self.equal_attributes / self.matched, self.matched)
