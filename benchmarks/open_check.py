"""What the integrity check costs when a project is opened.

    python benchmarks/open_check.py                # 20,000 synthetic articles, then searched (FTS index)
    python benchmarks/open_check.py --size 5000

Builds a project of ``--size`` synthetic articles (benchmarks/synth.py) with 10 labels each and its search
index, then times, in the same run, interleaved (min and median of --repeat):
* bare open      — sqlite3 opens the file read-only and reads its schema: the floor
* check          — the check annotator runs before anything else touches the file (annotator.store)
* open_project   — the whole open (check, engine, migrations check, schema) as every command does it
and prints the check's cost as a ratio of the whole open and in milliseconds.
"""

from __future__ import annotations

import argparse
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
from annotator.services.project import init_project, open_project  # noqa: E402
from annotator.store.database import check_sqlite_file  # noqa: E402


def records(n: int):
    for i in range(n):
        a = article(i)
        words = [(m, m + 4) for m in range(0, min(len(a["text"]) - 5, 400), 40)][:10]
        block = {
            "annotator": "asha",
            "status": "done",
            "entities": [
                {"id": f"T{k}", "start": s, "end": e, "label": "ORG"} for k, (s, e) in enumerate(words)
            ],
        }
        yield SourceRecord(f"synth:{i}", a["id"], a["title"], a["text"], {"lang": a["lang"]}, [block]), 0


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.annotator"
        with init_project(path) as project:
            report = import_records(project, records(args.size))
            search.search_documents(project, "pahalgam")
        print(f"{report.documents_added} documents, {path.stat().st_size / 1e6:.1f} MB")

        def bare() -> None:
            con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            con.execute("SELECT name FROM sqlite_master").fetchall()
            con.close()

        def whole() -> None:
            open_project(path).close()

        jobs = {
            "bare open": bare,
            "check": lambda: check_sqlite_file(path, create=False),
            "open_project": whole,
        }
        times: dict[str, list[float]] = {name: [] for name in jobs}
        for _ in range(args.repeat):
            for name, job in jobs.items():
                times[name].append(timed(job))
        for name, values in times.items():
            low, mid = min(values) * 1000, statistics.median(values) * 1000
            print(f"{name:14} min {low:8.1f} ms   median {mid:8.1f} ms")
        check, total = statistics.median(times["check"]), statistics.median(times["open_project"])
        print(f"check / whole open: {check / total:.2f} ({check * 1000:.0f} of {total * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
