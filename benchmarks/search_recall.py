"""Recall of romanized search on names as newspapers print them, both ways, and how many names collide.

    python benchmarks/search_recall.py [--show-misses]

Pairs: tests/data/name_pairs_curated.tsv (persons and places of South Asian and world news, written for
this project) and the transliterated pairs of the project's gazetteer (resources/gazetteers: a Devanagari
alias and a Latin name with as many words, whose words begin with the same sound: translations such as
सेना / Army are left out). Half the pairs (by a hash of the pair) were used to design the search keys; the
other half is held out and reported on its own.

* recall — a pair counts when the Latin spelling finds the Devanagari one *and* the reverse
  (annotator.text.romanization.find, the scoring every search uses, at its default threshold);
* collisions — of the distinct Latin names, the share that also match another pair's Devanagari name
  (a false hit a search would show).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from annotator.text.romanization import find  # noqa: E402

_DEVA = re.compile("[\u0900-\u097f]")
#: The sound a word starts with: the first Devanagari letter's Latin letters, for the gazetteer filter.
_FIRST = {
    "क": "kcq",
    "ख": "k",
    "ग": "g",
    "घ": "g",
    "च": "c",
    "छ": "c",
    "ज": "jz",
    "झ": "j",
    "ट": "t",
    "ठ": "t",
    "ड": "d",
    "ढ": "d",
    "त": "t",
    "थ": "t",
    "द": "d",
    "ध": "d",
    "न": "n",
    "प": "p",
    "फ": "pf",
    "ब": "bv",
    "भ": "b",
    "म": "m",
    "य": "y",
    "र": "r",
    "ल": "l",
    "व": "vw",
    "श": "s",
    "ष": "s",
    "स": "sc",
    "ह": "h",
    "अ": "aeiou",
    "आ": "a",
    "इ": "ie",
    "ई": "ie",
    "उ": "uo",
    "ऊ": "uo",
    "ए": "ae",
    "ऐ": "ae",
    "ओ": "o",
    "औ": "ao",
    "ऑ": "o",
    "क़": "q",
    "ख़": "k",
    "ग़": "g",
    "ज़": "zj",
    "फ़": "f",
    "ड़": "d",
}


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s\-()]+", text) if w]


def _same_start(deva: str, latin: str) -> bool:
    a, b = _words(deva), _words(latin)
    if len(a) != len(b):
        return False
    for d, lat in zip(a, b, strict=True):
        first = d[:2] if d[1:2] == "\u093c" else d[:1]
        if lat[:1].lower() not in _FIRST.get(first, "?"):
            return False
    return True


def load_pairs() -> list[tuple[str, str, str]]:
    pairs = []
    for line in (ROOT / "tests" / "data" / "name_pairs_curated.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            deva, latin = line.split("\t")
            pairs.append((deva, latin, "curated"))
    for line in (
        (ROOT / "resources" / "gazetteers" / "south_asia_security.tsv")
        .read_text(encoding="utf-8")
        .splitlines()
    ):
        if line.startswith(("#", "name\t")):
            continue
        cols = line.split("\t")
        if len(cols) < 4:
            continue
        latins = [cols[0], *(a for a in cols[3].split("|") if a and not _DEVA.search(a))]
        for deva in (a for a in cols[3].split("|") if _DEVA.search(a)):
            latin = next((n for n in latins if not n.isupper() and _same_start(deva, n)), None)
            if latin is not None:
                pairs.append((deva, latin, "gazetteer"))
    return list({(d, latin): (d, latin, src) for d, latin, src in pairs}.values())


def held_out(deva: str, latin: str) -> bool:
    return hashlib.sha256(f"{deva}\t{latin}".encode()).digest()[0] % 2 == 1


def measure(pairs):
    found = [bool(find(latin, deva)) and bool(find(deva, latin)) for deva, latin, _src in pairs]
    return found


def collisions(pairs) -> float:
    latins = sorted({latin for _d, latin, _s in pairs})
    devas = {d: latin for d, latin, _s in pairs}
    hit = 0
    for latin in latins:
        others = [d for d, other in devas.items() if other != latin and bool(find(latin, d, min_score=0.9))]
        hit += bool(others)
    return hit / len(latins)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    pairs = load_pairs()
    start = time.perf_counter()
    found = measure(pairs)
    seconds = time.perf_counter() - start
    for name, keep in (("design half", False), ("held-out half", True)):
        part = [f for f, p in zip(found, pairs, strict=True) if held_out(p[0], p[1]) == keep]
        print(f"{name:14} {sum(part)}/{len(part)} pairs found both ways: recall {sum(part) / len(part):.3f}")
    print(
        f"{'all':14} {sum(found)}/{len(found)}: recall {sum(found) / len(found):.3f}  "
        f"({sum(1 for p in pairs if p[2] == 'curated')} curated, "
        f"{sum(1 for p in pairs if p[2] == 'gazetteer')} from the gazetteer)"
    )
    print(f"collisions: {collisions(pairs):.3f} of Latin names also match another pair's name at 0.9+")
    print(f"matching speed: {2 * len(pairs) / seconds:,.0f} comparisons/s")
    if args.show_misses:
        for f, (deva, latin, src) in zip(found, pairs, strict=True):
            if not f:
                print(f"  miss [{'held' if held_out(deva, latin) else 'design'}] {deva} / {latin} ({src})")


if __name__ == "__main__":
    main()
