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

Across scripts (issue 20): tests/data/names/{ur,bn,pa,ta,si,ne}.tsv hold 100+ place and person names per
script (Urdu, Bengali, Gurmukhi Punjabi, Tamil, Sinhala, Nepali), each with its Latin and Hindi
spelling, written for this project. For every direction (Latin → script, script → Latin, Hindi → script,
script → Hindi) a name counts when the query finds the other spelling (``find``, default threshold).
Exonyms (Colombo / කොළඹ, Jaffna / யாழ்ப்பாணம்: not transliterations of each other) are listed and
reported apart; ``false`` is the share of Latin queries that also find another name of the same list.
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


SCRIPTS = {"ur": "Urdu", "bn": "Bengali", "pa": "Gurmukhi", "ta": "Tamil", "si": "Sinhala", "ne": "Nepali"}
DIRECTIONS = (("latin", "native"), ("native", "latin"), ("hindi", "native"), ("native", "hindi"))


def load_names(code: str) -> list[dict[str, str]]:
    """A script's name list: rows of kind (place, person, exonym), latin, hindi, native (NFC)."""
    import unicodedata

    rows = []
    path = ROOT / "tests" / "data" / "names" / f"{code}.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            kind, latin, hindi, native = (unicodedata.normalize("NFC", c) for c in line.split("\t"))
            rows.append({"kind": kind, "latin": latin, "hindi": hindi, "native": native})
    return rows


def script_recall(code: str, show_misses: bool = False) -> dict[str, float]:
    """Recall per direction over the list's transliterated names (exonyms apart), and false hits."""
    rows = load_names(code)
    names = [r for r in rows if r["kind"] != "exonym"]
    out: dict[str, float] = {}
    for src, dst in DIRECTIONS:
        found = [bool(find(r[src], r[dst])) for r in names]
        out[f"{src}→{dst}"] = sum(found) / len(found)
        if show_misses:
            for ok, r in zip(found, names, strict=True):
                if not ok:
                    print(f"  miss {code} {src}→{dst}: {r[src]} / {r[dst]}")
    exonyms = [r for r in rows if r["kind"] == "exonym"]
    if exonyms:
        out["exonyms latin→native"] = sum(bool(find(r["latin"], r["native"])) for r in exonyms) / len(exonyms)
    natives = [r["native"] for r in rows]
    false = sum(any(find(r["latin"], n) for n in natives if n != r["native"]) for r in names)
    out["false"] = false / len(names)
    out["names"] = len(names)
    return out


def report_scripts(show_misses: bool) -> None:
    heads = [f"{a}→{b}" for a, b in DIRECTIONS]
    print(
        f"\n{'script':9} {'names':>5} "
        + " ".join(f"{h:>14}" for h in heads)
        + f" {'exonyms':>8} {'false':>6}"
    )
    for code, name in SCRIPTS.items():
        r = script_recall(code, show_misses)
        cells = " ".join(f"{r[h]:>14.3f}" for h in heads)
        exo = f"{r['exonyms latin→native']:>8.3f}" if "exonyms latin→native" in r else f"{'-':>8}"
        print(f"{name:9} {int(r['names']):>5} {cells} {exo} {r['false']:>6.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--scripts-only", action="store_true", help="only the cross-script name lists")
    args = parser.parse_args()
    if args.scripts_only:
        report_scripts(args.show_misses)
        return
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
    report_scripts(args.show_misses)


if __name__ == "__main__":
    main()
