"""Coreference agreement at scale: ``annotator.agreement.coreference.score`` (MUC, B³, CEAF-e, BLANC and the
CoNLL F1) of two annotators' partitions of ``--mentions`` event mentions in about ``--clusters`` clusters,
the response disagreeing with the key on about ``--disagree`` of the mentions.

    .venv/bin/python benchmarks/coreference.py [--mentions 10000] [--clusters 3000] [--disagree 0.1]

Mentions are ``(document id, trigger start, trigger end)`` over 2,000 documents. The response is the key
with a share of its mentions changed: a third moved into another cluster, a third split off as singletons
and a third left out (twinless), and as many spurious mentions added (half joining a cluster, half
singletons), so every metric's twinless handling and CEAF-e's components have work to do.

Prints the median and the fastest of ``--runs`` runs of ``score`` and of the floor, measured alternately
in one process, and their ratio. The floor is what any scorer must do first: build both partitions'
mention → cluster maps (one dict insertion per mention) and find the mentions they share. Target: all four
metrics for 10,000 mentions in <= 2 s.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Hashable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

Mention = tuple[str, int, int]


def partitions(mentions: int, clusters: int, disagree: float, seed: int = 0):
    rng = random.Random(seed)
    ids: list[Mention] = []
    for i in range(mentions):
        start = rng.randrange(0, 5000)
        ids.append(
            (f"doc-{i % 2000:04d}", start * 10 + i // 2000, start * 10 + i // 2000 + rng.randint(3, 12))
        )
    rng.shuffle(ids)
    # every cluster gets one mention, the rest go to clusters at random (sizes from 1 to about 12)
    key: list[list[Mention]] = [[m] for m in ids[:clusters]]
    for m in ids[clusters:]:
        key[rng.randrange(clusters)].append(m)

    response = [list(c) for c in key]
    where = {m: i for i, c in enumerate(response) for m in c}
    changed = rng.sample(ids, int(mentions * disagree))
    for n, m in enumerate(changed):
        response[where[m]].remove(m)
        kind = n % 3
        if kind == 0:  # moved into another cluster
            target = rng.randrange(len(response))
            response[target].append(m)
            where[m] = target
        elif kind == 1:  # split off as a singleton
            response.append([m])
            where[m] = len(response) - 1
        # kind 2: left out of the response (a key mention the response lacks)
    for n in range(len(changed)):  # spurious mentions (the key lacks them)
        extra = (f"doc-{rng.randrange(2000):04d}", 100_000 + n, 100_005 + n)
        if n % 2:
            response[rng.randrange(len(response))].append(extra)
        else:
            response.append([extra])
    return key, [c for c in response if c]


def floor(key, response) -> int:
    """Both mention → cluster maps and the shared mentions: the least any scorer does."""
    key_of: dict[Hashable, int] = {m: i for i, c in enumerate(key) for m in c}
    response_of: dict[Hashable, int] = {m: i for i, c in enumerate(response) for m in c}
    return sum(1 for m in response_of if m in key_of)


def main() -> None:
    from annotator.agreement.coreference import score

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=10_000)
    parser.add_argument("--clusters", type=int, default=3_000)
    parser.add_argument("--disagree", type=float, default=0.1)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    key, response = partitions(args.mentions, args.clusters, args.disagree)
    times: dict[str, list[float]] = {"score": [], "floor": []}
    result = None
    for _ in range(args.runs):
        t = time.perf_counter()
        floor(key, response)
        times["floor"].append(time.perf_counter() - t)
        t = time.perf_counter()
        result = score(key, response)
        times["score"].append(time.perf_counter() - t)
    assert result is not None

    median = {k: statistics.median(v) for k, v in times.items()}
    best = {k: min(v) for k, v in times.items()}
    print(
        f"{args.mentions:,} key mentions in {len(key):,} clusters; response {result.mentions:,} mentions "
        f"together, {len(response):,} clusters, ~{args.disagree:.0%} of the mentions changed"
    )
    figures = (result.muc, result.b_cubed, result.ceaf_e, result.blanc)
    print("  F1: MUC {:.4f}  B³ {:.4f}  CEAF-e {:.4f}  BLANC {:.4f}".format(*(s.f1 for s in figures)), end="")
    print(f"  CoNLL {result.conll_f1:.4f}")
    for name, label in (("score", "score (all four metrics)"), ("floor", "floor (mention maps)")):
        print(f"  {label:<26} median {median[name] * 1000:8.1f} ms   fastest {best[name] * 1000:8.1f} ms")
    print(
        f"  ratio score / floor        median {median['score'] / median['floor']:8.1f} ×    "
        f"fastest {best['score'] / best['floor']:8.1f} ×   (target: score <= 2 s)"
    )


if __name__ == "__main__":
    main()
