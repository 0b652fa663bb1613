"""Suggestion engines benchmark: gazetteer + rules on 5,000-character mixed Hindi/English articles.

    .venv/bin/python benchmarks/suggest.py [--entries 50000] [--chars 5000] [--runs 20]

Builds a gazetteer of ``--entries`` entries: the shipped one (resources/gazetteers/south_asia_security.tsv)
plus deterministic synthetic names — Latin with a Devanagari alias, Latin only and Devanagari only, one to
three words, some with a type word ("Nagar", "Front", "ब्रिगेड") — so both scripts, aliases, generated
spellings and phonetic keys are all exercised. Then times ``gazetteer.find`` + ``rules.find`` on:

* the same article ``--runs`` times, the cut text forgotten each time (``cached_units``) but word keys
  remembered after the first run: the steady state of annotating (median);
* ``--runs`` different articles: each brings words not seen before (median);
* the first call in the process (one run): the words of the article have never been keyed.

Articles are built from the seed article (../shared/corpora/seed-article/, when present), the synthetic
news of benchmarks/synth.py and names from the gazetteer, cut to ``--chars`` characters. Target: ≤ 50 ms
for gazetteer and rules together.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from synth import article  # noqa: E402

from annotator.resources import resource_path  # noqa: E402
from annotator.suggest import rules  # noqa: E402
from annotator.suggest.gazetteer import DEFAULT_GAZETTEER, Gazetteer, cached_units, read_entries  # noqa: E402
from annotator.text import normalize  # noqa: E402

SEED = HERE.parent.parent / "shared" / "corpora" / "seed-article" / "hindi-news-us-pakistan-meeting.txt"

# Syllables as (Latin, Devanagari) pairs: synthetic names read alike in both scripts.
SYLLABLES = (
    ("ka", "का"), ("ra", "रा"), ("man", "मन"), ("pur", "पुर"), ("ga", "गा"), ("shi", "शि"), ("nag", "नाग"),
    ("dar", "दार"), ("bal", "बल"), ("sin", "सिन"), ("to", "टो"), ("la", "ला"), ("mi", "मी"), ("ha", "हा"),
    ("ban", "बन"), ("ja", "जा"), ("vi", "वि"), ("ko", "को"), ("ta", "ता"), ("ru", "रु"), ("dha", "धा"),
    ("lo", "लो"), ("ni", "नी"), ("ze", "ज़े"), ("fa", "फ़ा"), ("qa", "क़ा"), ("bha", "भा"), ("chi", "ची"),
)  # fmt: skip
TYPE_WORDS = (
    ("Nagar", "नगर", "GPE"), ("Front", "फ्रंट", "ARMED_GROUP"), ("Brigade", "ब्रिगेड", "ARMED_GROUP"),
    ("Police", "पुलिस", "ORG"), ("Valley", "घाटी", "LOC"), ("Camp", "कैंप", "FAC"), ("", "", "GPE"),
    ("", "", "PER"), ("", "", "GPE"),
)  # fmt: skip


def synthetic_entries(n: int, seed: int = 7) -> list[tuple[str, str, str, str]]:
    rng = random.Random(seed)
    seen: set[str] = set()
    out: list[tuple[str, str, str, str]] = []
    while len(out) < n:
        words_lat, words_dev = [], []
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            parts = [rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4)))]
            words_lat.append("".join(p[0] for p in parts).capitalize())
            words_dev.append("".join(p[1] for p in parts))
        type_lat, type_dev, label = rng.choice(TYPE_WORDS)
        if type_lat:
            words_lat.append(type_lat)
            words_dev.append(type_dev)
        latin, devanagari = " ".join(words_lat), " ".join(words_dev)
        if latin in seen:
            continue
        seen.add(latin)
        kind = rng.random()
        if kind < 0.5:
            out.append((latin, label, latin, devanagari))  # both scripts
        elif kind < 0.8:
            out.append((latin, label, latin, ""))  # Latin only: matched in Devanagari phonetically
        else:
            out.append((devanagari, label, "", ""))  # Devanagari only
    return out


def make_article(i: int, chars: int, names: list[str]) -> str:
    rng = random.Random(1000 + i)
    pieces: list[str] = []
    if SEED.exists():
        pieces.append(normalize(SEED.read_text(encoding="utf-8")))
    j = i * 7
    while sum(map(len, pieces)) < chars:
        words = article(j)["text"].split(" ")
        for _ in range(12):  # names dropped into the synthetic text
            words.insert(rng.randrange(len(words)), rng.choice(names))
        pieces.append(" ".join(words))
        j += 1
    if i:  # rotate so every article starts differently
        rng.shuffle(pieces)
    return "\n".join(pieces)[:chars]


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--entries", type=int, default=50_000)
    ap.add_argument("--chars", type=int, default=5_000)
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()

    shipped = read_entries(resource_path(*DEFAULT_GAZETTEER))
    synthetic = synthetic_entries(max(0, args.entries - len(shipped)))
    names = (
        [e.name for e in shipped]
        + [e[0] for e in synthetic[:2000]]
        + [e[3] for e in synthetic[:2000] if e[3]]
    )
    articles = [make_article(i, args.chars, names) for i in range(args.runs + 1)]

    def find(text: str) -> int:
        cached_units.cache_clear()  # the text is cut anew on every call
        return len(gazetteer.find(text)) + len(rules.find(text))

    start = time.perf_counter()
    gazetteer = Gazetteer([*shipped, *synthetic])
    build = time.perf_counter() - start
    first = timed(lambda: find(articles[0]))
    found = find(articles[0])

    same = [timed(lambda: find(articles[0])) for _ in range(args.runs)]
    different = [timed(lambda a=a: find(a)) for a in articles[1:]]
    cached_units.cache_clear()
    gaz_only = []
    rules_only = []
    for _ in range(args.runs):
        cached_units.cache_clear()
        gaz_only.append(timed(lambda: gazetteer.find(articles[0])))
        rules_only.append(timed(lambda: rules.find(articles[0])))  # reuses the cut text of the line above

    print(f"gazetteer: {len(gazetteer):,} entries ({len(shipped)} shipped), built in {build:.1f} s")
    print(f"article: {len(articles[0]):,} characters, {found} suggestions")
    print(f"first call in the process:            {first:6.1f} ms")
    print(
        f"same article, median of {args.runs}:         {statistics.median(same):6.1f} ms  (gazetteer + rules)"
    )
    print(f"  of which gazetteer (cuts the text): {statistics.median(gaz_only):6.1f} ms")
    print(f"  of which rules (text already cut):  {statistics.median(rules_only):6.1f} ms")
    print(
        f"{args.runs} different articles, median:      {statistics.median(different):6.1f} ms"
        f"  (max {max(different):.1f})"
    )
    target = statistics.median(same)
    print(f"target ≤ 50 ms: {'met' if target <= 50 else 'NOT met'} ({target:.1f} ms)")


if __name__ == "__main__":
    main()
