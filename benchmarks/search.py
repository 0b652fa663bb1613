"""Search benchmark: the SQLite FTS5 index against the full-scan ranker it replaced.

    python benchmarks/search.py               # 20,000 synthetic articles
    python benchmarks/search.py --size 5000 --more 500
    python benchmarks/search.py --size 5000 --compare-to ../old-checkout --pairs 3   # A/B, interleaved

Builds a fresh project of ``--size`` synthetic articles (benchmarks/synth.py) plus a few "needle" articles
naming a place the others do not (a selective query, as most real ones are), then measures:
* first search   — the first search after the import: indexes every document, then queries
* later search   — each query again, index up to date (median of --repeat runs per query)
* full scan      — the streaming ranker every search used before (and still does on PostgreSQL)
* incremental    — import ``--more`` articles, then one search: only the new ones are indexed
and the size of the project file before and after indexing, and, as the first search's peer, a plain FTS5
build of the same titles and texts (same tokenizer, contentless, in a copy of the project file) in this
process. Whole-process figures (start-up included) against bare peers: benchmarks/startup.py.
The synthetic vocabulary is small, so most
queries match most articles: the worst case for the index, which then scores only the best
``CANDIDATES`` by bm25 (``SCORE_ALL`` in annotator/services/search.py); the hits can then differ from the
full scan's among many equally good ones, and the table says so.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from synth import article  # noqa: E402

from annotator.formats.records import SourceRecord  # noqa: E402
from annotator.services import search  # noqa: E402
from annotator.services.importing import import_records  # noqa: E402
from annotator.services.project import init_project  # noqa: E402

QUERIES = (
    "pahalgam",  # Latin → Devanagari, in every Hindi article
    "पहलगाम",
    "islamabad",
    "lashkar",  # लश्कर-ए-तैयबा
    "shrinagar",  # a variant spelling of श्रीनगर
    "militants",  # English
    "नई दिल्ली",  # two words
    "ghuspaith",  # घुसपैठ
    "pakistan",  # in no article: the whole vocabulary is tried and nothing found
    "anantnag",  # अनंतनाग: in the 25 needle articles only
    "कुपवाड़ा",  # Kupwara: in 5 needle articles, fewer than the 20 asked for: the broad tier runs too
)
NEEDLES = (("अनंतनाग", 25), ("Kupwara", 5))


def records(start: int, stop: int):
    for i in range(start, stop):
        a = article(i)
        yield SourceRecord(f"synth:{i}", a["id"], a["title"], a["text"], {"lang": a["lang"]}), 0


def needles(first: int):
    i = first
    for word, count in NEEDLES:
        for _ in range(count):
            a = article(i)
            text = f"{a['text']} {word} में तलाशी अभियान जारी है।"
            yield SourceRecord(f"needle:{i}", f"needle-{i}", a["title"], text, {"lang": a["lang"]}), 0
            i += 1


def timed(fn):
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def file_size(path: Path) -> int:
    return sum(Path(f"{path}{s}").stat().st_size for s in ("", "-wal") if Path(f"{path}{s}").exists())


def checkpoint(project) -> None:
    with project.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def plain_build(path: Path) -> tuple[float, float]:
    """Wall and CPU seconds to build a plain FTS5 index of the documents' titles and texts in ``path`` (a
    copy), in this process: the first search's peer (SQLite runs in this thread, so its CPU time counts)."""
    tokenize = "unicode61 categories 'L* N* Co M*' remove_diacritics 0 tokenchars '\u200c\u200d'"
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode = WAL")
    con.execute("PRAGMA synchronous = FULL")
    t, cpu = time.perf_counter(), time.process_time()
    con.execute(
        f"CREATE VIRTUAL TABLE plain_index USING fts5(title, text, content='', tokenize=\"{tokenize}\")"
    )
    con.execute("INSERT INTO plain_index (rowid, title, text) SELECT id, title, text FROM documents")
    con.commit()
    seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
    con.close()
    return seconds, cpu


def quick(args) -> None:
    """The first search (indexing every article) and the later searches over QUERIES (median per query;
    their median and sum), wall and CPU seconds (the CPU time of this process moves less on a busy
    machine); and the plain FTS5 build of the same texts (:func:`plain_build`, on a copy of the file, just
    before): ``first_over_plain`` is the first search's CPU time over the plain build's."""
    with tempfile.TemporaryDirectory() as tmp, init_project(Path(tmp) / "bench.annotator") as project:
        import_records(project, records(0, args.size))
        import_records(project, needles(10**7))
        checkpoint(project)
        copy = Path(tmp) / "plain.annotator"
        shutil.copyfile(Path(project.location), copy)
        _, cpu_plain = plain_build(copy)
        cpu = time.process_time()
        first, _ = timed(lambda: search.search_documents(project, QUERIES[0]))
        cpu_first = time.process_time() - cpu
        later, cpu_later = [], []
        for query in QUERIES:
            runs = []
            for _ in range(args.repeat):
                cpu = time.process_time()
                wall, _ = timed(lambda q=query: search.search_documents(project, q))
                runs.append((wall, time.process_time() - cpu))
            later.append(statistics.median(r[0] for r in runs))
            cpu_later.append(statistics.median(r[1] for r in runs))
        print(
            f"RESULT first={first:.4f} later={statistics.median(later):.6f} total_later={sum(later):.6f} "
            f"cpu_first={cpu_first:.4f} cpu_total_later={sum(cpu_later):.6f} cpu_plain={cpu_plain:.4f} "
            f"first_over_plain={cpu_first / cpu_plain:.4f}"
        )


def compare(args) -> None:
    """This version (A) against the one in ``--compare-to`` (B), run in turn, ratios A/B per pair."""
    import subprocess

    def run(root: Path) -> dict[str, float]:
        cmd = [sys.executable, str(root / "benchmarks" / "search.py"), "--quick", "--size", str(args.size)]
        cmd += ["--repeat", str(args.repeat)]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        line = next(x for x in out.splitlines() if x.startswith("RESULT "))
        return {k: float(v) for k, v in (f.split("=") for f in line.split()[1:])}

    a_root, b_root = HERE.parent, Path(args.compare_to).resolve()
    ratios: dict[str, list[float]] = {}
    for i in range(args.pairs):
        a, b = run(a_root), run(b_root)
        for key in a:
            ratios.setdefault(key, []).append(a[key] / b[key])
        print(
            f"pair {i + 1}: "
            + "  ".join(f"{k} A {a[k]:.4f} s, B {b[k]:.4f} s, A/B {a[k] / b[k]:.3f}" for k in a)
        )
    for key, values in ratios.items():
        print(
            f"{key}: A/B median {statistics.median(values):.3f} "
            f"(min {min(values):.3f}, max {max(values):.3f})"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=20_000)
    ap.add_argument("--more", type=int, default=1_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument(
        "--quick",
        action="store_true",
        help="only the first search (indexing all) and the later searches: one RESULT line (--compare-to)",
    )
    ap.add_argument(
        "--compare-to",
        metavar="DIR",
        help="a checkout of another version: run its benchmarks/search.py --quick and this one's in turn "
        "(A B A B ...) and print the ratios of each pair",
    )
    ap.add_argument("--pairs", type=int, default=3, help="with --compare-to: how many A B pairs")
    args = ap.parse_args()
    if args.compare_to:
        compare(args)
        return
    if args.quick:
        quick(args)
        return

    with tempfile.TemporaryDirectory() as tmp, init_project(Path(tmp) / "bench.annotator") as project:
        path = Path(project.location)
        seconds, _ = timed(lambda: import_records(project, records(0, args.size)))
        import_records(project, needles(10**7))
        checkpoint(project)
        before = file_size(path)
        print(f"{args.size:,} articles imported in {seconds:.2f} s; project file {before / 1e6:.1f} MB")
        copy = Path(tmp) / "plain.annotator"
        shutil.copyfile(path, copy)
        plain, cpu_plain = plain_build(copy)

        cpu = time.process_time()
        first, hits = timed(lambda: search.search_documents(project, QUERIES[0]))
        cpu_first = time.process_time() - cpu
        checkpoint(project)
        after = file_size(path)
        print(
            f"first search ({QUERIES[0]!r}, indexes all): {first:.2f} s "
            f"({first / args.size * 1000:.2f} ms per article); "
            f"project file {after / 1e6:.1f} MB (index +{(after - before) / 1e6:.1f} MB, "
            f"+{(after - before) / before:.0%})"
        )
        print(
            f"plain FTS5 build of the same texts: {plain:.2f} s; "
            f"first search / plain build: {first / plain:.2f}× wall, "
            f"{cpu_first / cpu_plain:.2f}× CPU ({cpu_first:.2f} s / {cpu_plain:.2f} s)"
        )

        print(f"\n{'query':<12} {'later search':>13} {'full scan':>10} {'speed-up':>9}  hits  same hits")
        later_all, scan_all = [], []
        for query in QUERIES:
            runs = [timed(lambda q=query: search.search_documents(project, q)) for _ in range(args.repeat)]
            later, hits = statistics.median(r[0] for r in runs), runs[0][1]
            with project.engine.connect() as conn:
                scan, scanned = timed(
                    lambda q=query, c=conn: search._search_scan(c, q, 20, 0.75, search.no_progress, None)
                )
            later_all.append(later)
            scan_all.append(scan)
            same = "yes" if hits == scanned else f"no (over {search.SCORE_ALL:,} match; see docstring)"
            times = f"{later * 1000:>10.1f} ms {scan:>8.2f} s {f'{scan / later:.0f}×':>9}"
            print(f"{query:<12} {times}  {len(hits):>4}  {same}")
        print(
            f"{'median':<12} {statistics.median(later_all) * 1000:>10.1f} ms "
            f"{statistics.median(scan_all):>8.2f} s"
        )

        import_records(project, records(args.size, args.size + args.more))
        incremental, _ = timed(lambda: search.search_documents(project, QUERIES[1]))
        with project.engine.connect() as conn:
            watermark = search._state(conn)[0]
        print(
            f"\nimport {args.more:,} more, then search: {incremental:.2f} s "
            f"(indexed up to document {watermark:,})"
        )


if __name__ == "__main__":
    main()
