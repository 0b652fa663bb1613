"""Coreference agreement between two partitions of mentions: MUC, B³, CEAF-e, BLANC and the CoNLL F1.

A *partition* is an iterable of clusters, each an iterable of hashable mention ids (for cross-document
event coreference: ``(document id, trigger start, trigger end)``). One partition is the *key* (recall is
measured against it), the other the *response* (precision). The metrics:

- MUC (Vilain et al. 1995): links. Recall ``Σ_K (|K| − p(K)) / Σ_K (|K| − 1)``, ``p(K)`` the number of
  parts the response cuts ``K`` into (each mention the response lacks is a part of its own); precision
  the same with key and response swapped. Singleton clusters carry no link.
- B³ (Bagga & Baldwin 1998): per mention. Recall ``Σ_{K,R} |K∩R|² / |K|`` over the key's mention count,
  precision ``Σ_{K,R} |K∩R|² / |R|`` over the response's.
- CEAF-e (Luo 2005): the one-to-one alignment of key and response clusters maximising
  ``Σ φ4(K, R)``, ``φ4 = 2|K∩R| / (|K| + |R|)``; recall is that sum over the key's cluster count,
  precision over the response's.
- BLANC (Recasens & Hovy 2011, for predicted mentions Luo et al. 2014): coreference links (pairs of
  mentions in one cluster) and non-coreference links (pairs in two clusters of one partition), each with
  recall, precision and F; BLANC averages the two kinds (recall, precision and F each). When the key has
  no link of one kind only the other kind counts; with neither, every figure is 0.
- CoNLL F1: the mean of the MUC, B³ and CEAF-e F1.

Mentions present in only one partition ("twinless") are handled as the reference scorer v8.01 does
(Pradhan et al. 2014, "Scoring Coreference Partitions of Predicted Mentions: A Reference
Implementation", ACL; github.com/conll/reference-coreference-scorers, lib/CorScorer.pm): each metric is
computed on the partitions as given, so a key mention the response lacks lowers recall and a response
mention the key lacks lowers precision, singletons included. A mention listed twice is kept where it
first occurs (the reference scorer does so for the response) and clusters left empty are dropped.

F1 is ``2PR / (P + R)``, 0 when ``P + R = 0``; a recall or precision whose denominator is 0 is 0. The
reference scorer sums its counts over documents; here the two partitions are scored as one whole (as
cross-document coreference needs).

Speed: every count comes from the contingency of (key cluster, response cluster) pairs that share a
mention, built in one pass; BLANC's link counts come from it by inclusion-exclusion, never by listing
pairs. CEAF-e's assignment is solved per connected component of the overlap graph (clusters linked when
they share a mention): clusters sharing nothing have φ4 = 0 and never gain from being paired, so each
component's problem is independent, and with agreeing annotators most components are one cluster a side
(no search at all). A larger component is solved by Kuhn-Munkres as shortest augmenting paths over its
overlapping pairs only (sparse), one Dijkstra search per cluster of its smaller side that its heaviest
pair does not already settle. (The worst case is no agreement at all: two unrelated partitions of
10,000 mentions in clusters of three make one component of 3,334 clusters a side, about 3 s.)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from heapq import heappop, heappush

#: A partition of mentions: clusters of hashable mention ids.
Partition = Iterable[Iterable[Hashable]]

__all__ = [
    "CorefScores",
    "Partition",
    "Score",
    "b_cubed",
    "blanc",
    "ceaf_e",
    "muc",
    "score",
]


@dataclass(frozen=True)
class Score:
    """Recall, precision and F1 of one metric, each in [0, 1]."""

    recall: float
    precision: float
    f1: float

    def to_json(self) -> dict[str, float]:
        return {"recall": self.recall, "precision": self.precision, "f1": self.f1}


@dataclass(frozen=True)
class CorefScores:
    """The four metrics and the CoNLL F1 (mean of the MUC, B³ and CEAF-e F1) of a response against a key;
    ``mentions`` counts the distinct mentions of the two partitions together."""

    muc: Score
    b_cubed: Score
    ceaf_e: Score
    blanc: Score
    conll_f1: float
    mentions: int

    def to_json(self) -> dict[str, object]:
        return {
            "muc": self.muc.to_json(),
            "b_cubed": self.b_cubed.to_json(),
            "ceaf_e": self.ceaf_e.to_json(),
            "blanc": self.blanc.to_json(),
            "conll_f1": self.conll_f1,
        }


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def _f1(recall: float, precision: float) -> float:
    total = recall + precision
    return 2 * recall * precision / total if total else 0.0


def _score(recall: float, precision: float) -> Score:
    return Score(recall, precision, _f1(recall, precision))


def _clusters(partition: Partition) -> tuple[dict[Hashable, int], list[int]]:
    """Each mention's cluster index and the clusters' sizes; a repeated mention stays in its first cluster,
    and clusters left empty are dropped."""
    cluster_of: dict[Hashable, int] = {}
    sizes: list[int] = []
    for cluster in partition:
        index = len(sizes)
        size = 0
        for mention in cluster:
            if mention not in cluster_of:
                cluster_of[mention] = index
                size += 1
        if size:
            sizes.append(size)
    return cluster_of, sizes


@dataclass(frozen=True)
class _Contingency:
    key_sizes: list[int]
    response_sizes: list[int]
    #: mentions shared by key cluster k and response cluster r, for the pairs sharing any
    overlap: dict[tuple[int, int], int]
    #: distinct mentions of key and response together
    mentions: int


def _contingency(key: Partition, response: Partition) -> _Contingency:
    key_of, key_sizes = _clusters(key)
    response_of, response_sizes = _clusters(response)
    if len(response_of) < len(key_of):
        shared = [(key_of[m], r) for m, r in response_of.items() if m in key_of]
    else:
        shared = [(k, response_of[m]) for m, k in key_of.items() if m in response_of]
    mentions = len(key_of) + len(response_of) - len(shared)
    return _Contingency(key_sizes, response_sizes, dict(Counter(shared)), mentions)


def _muc(t: _Contingency) -> Score:
    correct = sum(t.overlap.values()) - len(t.overlap)  # Σ (|K∩R| − 1) over the pairs sharing a mention
    key_links = sum(t.key_sizes) - len(t.key_sizes)
    response_links = sum(t.response_sizes) - len(t.response_sizes)
    return _score(_ratio(correct, key_links), _ratio(correct, response_links))


def _b_cubed(t: _Contingency) -> Score:
    recall = precision = 0.0
    key_sizes, response_sizes = t.key_sizes, t.response_sizes
    for (k, r), shared in t.overlap.items():
        square = shared * shared
        recall += square / key_sizes[k]
        precision += square / response_sizes[r]
    return _score(_ratio(recall, sum(key_sizes)), _ratio(precision, sum(response_sizes)))


def _components(t: _Contingency) -> list[list[tuple[int, int]]]:
    """The connected components of the overlap graph (key and response clusters linked when they share a
    mention): the (key cluster, response cluster) pairs sharing a mention of each."""
    nk = len(t.key_sizes)
    parent = list(range(nk + len(t.response_sizes)))

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for k, r in t.overlap:
        a, b = find(k), find(nk + r)
        if a != b:
            parent[a] = b
    groups: dict[int, list[tuple[int, int]]] = {}
    for k, r in t.overlap:
        groups.setdefault(find(k), []).append((k, r))
    return list(groups.values())


def _max_weight_matching(edges: list[list[tuple[int, float]]], right: int) -> float:
    """The largest total weight of a matching in a bipartite graph: ``edges[a]`` lists the (right vertex,
    weight > 0) pairs of left vertex ``a``; right vertices are ``0 .. right - 1``.

    Kuhn-Munkres as shortest augmenting paths (Dijkstra on reduced costs, with potentials) over the edges
    only: costs are the negated weights, and each left vertex has a private dummy right vertex at cost 0,
    so every left vertex is matched (to its dummy when no real partner helps) and the minimum-cost
    left-perfect matching is the maximum-weight matching. One search per left vertex, each
    O(E log V) at most; on a sparse component (a chain of clusters each sharing mentions with the next)
    far less than the dense O(n³)."""
    n = len(edges)
    inf = float("inf")
    # reduced cost of (a, j): cost - u[a] - v[j] >= 0, 0 on matched pairs; u[a] starts at a's cheapest cost
    u = [-max((w for _, w in adjacent), default=0.0) for adjacent in edges]
    v = [0.0] * (right + n)  # right + a: the dummy of left vertex a
    left_of = [-1] * (right + n)
    right_of = [-1] * n
    # start from the tight edges: each left vertex takes its heaviest partner when nobody has it yet
    for a, adjacent in enumerate(edges):
        if adjacent:
            j = max(adjacent, key=lambda edge: edge[1])[0]
            if left_of[j] < 0:
                left_of[j], right_of[a] = a, j
    for source in range(n):
        if right_of[source] >= 0:
            continue
        dist: dict[int, float] = {}
        pred: dict[int, int] = {}
        done: set[int] = set()
        reached = [(source, 0.0)]  # left vertices and their distances
        heap: list[tuple[float, int]] = []
        a, da = source, 0.0
        while True:
            ua = u[a]
            for j, w in (*edges[a], (right + a, 0.0)):
                if j in done:
                    continue
                d = da + (-w - ua - v[j])
                if d < dist.get(j, inf):
                    dist[j] = d
                    pred[j] = a
                    heappush(heap, (d, j))
            while True:
                d, j = heappop(heap)
                if j not in done and d <= dist[j]:
                    break
            done.add(j)
            a = left_of[j]
            if a < 0:
                break
            da = d
            reached.append((a, d))
        # potentials: shift everything reached by its distance short of the augmenting path's length
        for scanned in done:
            v[scanned] -= d - dist[scanned]
        for left, distance in reached:
            u[left] += d - distance
        while True:  # augment along the path back to the source
            a = pred[j]
            previous = right_of[a]
            left_of[j], right_of[a] = a, j
            if a == source:
                break
            j = previous
    weight = {(a, j): w for a, adjacent in enumerate(edges) for j, w in adjacent}
    return sum(weight[a, j] for a, j in enumerate(right_of) if j < right)


def _best_alignment(similarity: list[list[float]]) -> float:
    """The largest total similarity of a one-to-one alignment of the rows and columns of a dense matrix of
    non-negative similarities."""
    edges = [[(j, s) for j, s in enumerate(row) if s > 0] for row in similarity]
    return _max_weight_matching(edges, len(similarity[0]) if similarity else 0)


def _ceaf_e(t: _Contingency) -> Score:
    key_sizes, response_sizes, overlap = t.key_sizes, t.response_sizes, t.overlap
    total = 0.0
    for pairs in _components(t):
        if len(pairs) == 1:
            ((k, r),) = pairs
            total += 2 * overlap[k, r] / (key_sizes[k] + response_sizes[r])
            continue
        keys = {k: i for i, k in enumerate(dict.fromkeys(k for k, _ in pairs))}
        responses = {r: i for i, r in enumerate(dict.fromkeys(r for _, r in pairs))}
        phi = [
            (keys[k], responses[r], 2 * overlap[k, r] / (key_sizes[k] + response_sizes[r])) for k, r in pairs
        ]
        if len(keys) <= len(responses):  # one search per left vertex: the smaller side is the left
            edges: list[list[tuple[int, float]]] = [[] for _ in keys]
            for a, b, w in phi:
                edges[a].append((b, w))
            total += _max_weight_matching(edges, len(responses))
        else:
            edges = [[] for _ in responses]
            for a, b, w in phi:
                edges[b].append((a, w))
            total += _max_weight_matching(edges, len(keys))
    return _score(_ratio(total, len(key_sizes)), _ratio(total, len(response_sizes)))


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _blanc(t: _Contingency) -> Score:
    key_mentions, response_mentions = sum(t.key_sizes), sum(t.response_sizes)
    key_coref = sum(_pairs(s) for s in t.key_sizes)
    response_coref = sum(_pairs(s) for s in t.response_sizes)
    key_non = _pairs(key_mentions) - key_coref
    response_non = _pairs(response_mentions) - response_coref
    both_coref = sum(_pairs(c) for c in t.overlap.values())
    # non-coreference links of both: pairs of shared mentions in two key clusters and two response clusters
    # (inclusion-exclusion over the pairs of shared mentions)
    shared_in_key: Counter[int] = Counter()
    shared_in_response: Counter[int] = Counter()
    for (k, r), c in t.overlap.items():
        shared_in_key[k] += c
        shared_in_response[r] += c
    shared = sum(t.overlap.values())
    both_non = (
        _pairs(shared)
        - sum(_pairs(c) for c in shared_in_key.values())
        - sum(_pairs(c) for c in shared_in_response.values())
        + both_coref
    )
    coref = _score(_ratio(both_coref, key_coref), _ratio(both_coref, response_coref))
    non = _score(_ratio(both_non, key_non), _ratio(both_non, response_non))
    if key_coref and key_non:
        return Score(
            (coref.recall + non.recall) / 2, (coref.precision + non.precision) / 2, (coref.f1 + non.f1) / 2
        )
    if key_coref:
        return coref
    if key_non:
        return non
    return Score(0.0, 0.0, 0.0)


def muc(key: Partition, response: Partition) -> Score:
    """MUC (Vilain et al. 1995) of ``response`` against ``key``."""
    return _muc(_contingency(key, response))


def b_cubed(key: Partition, response: Partition) -> Score:
    """B³ (Bagga & Baldwin 1998) of ``response`` against ``key``."""
    return _b_cubed(_contingency(key, response))


def ceaf_e(key: Partition, response: Partition) -> Score:
    """Entity-based CEAF with φ4 (Luo 2005) of ``response`` against ``key``."""
    return _ceaf_e(_contingency(key, response))


def blanc(key: Partition, response: Partition) -> Score:
    """BLANC (Recasens & Hovy 2011; Luo et al. 2014 for predicted mentions) of ``response`` against ``key``.
    Its F1 is the mean of the coreference and non-coreference links' F, as the reference scorer's."""
    return _blanc(_contingency(key, response))


def score(key: Partition, response: Partition) -> CorefScores:
    """All four metrics and the CoNLL F1 of ``response`` against ``key`` (one pass over the mentions)."""
    t = _contingency(key, response)
    m, b, c = _muc(t), _b_cubed(t), _ceaf_e(t)
    return CorefScores(m, b, c, _blanc(t), (m.f1 + b.f1 + c.f1) / 3, t.mentions)
