"""What the integrity check costs when a project is opened.

    python benchmarks/bench_open_check.py                  # 20,000 synthetic articles with labels, indexed
    python benchmarks/bench_open_check.py --size 100000    # about 1 GB: where the check's budget matters

Builds a project of ``--size`` synthetic articles (benchmarks/synth.py), 10 entity labels each, and its
search index (the first search builds it), then times in the same run, interleaved (median of --repeat):

* open, no check   — ``open_project`` with the read-only look before opening switched off: the floor
* open             — ``open_project`` as every command and the window run it (the look included)
* the look         — ``check_sqlite_file`` alone (header, schema, revision, then ``quick_check`` within its
                     time budget)
* quick_check      — SQLite's ``PRAGMA quick_check`` of the whole file, unbounded (what the look would cost
                     without a budget); ``quick_check(1)`` the same (it stops at the first problem only)

and prints the open's cost as a ratio against the open without the check, and in milliseconds; for scale,
a whole ``annotator settings PROJECT`` process (interpreter start-up, imports, open, one read). The page
cache is warm (every job runs several times); a cold first open reads the checked part from the disk, for
no longer than the budget.
"""

from __future__ import annotations

import argparse
import re
import sqlite3
import statistics
import subprocess
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
from annotator.store import database  # noqa: E402
from annotator.store.database import check_sqlite_file, connect_read_only  # noqa: E402

WORD = re.compile(r"[^\s।.]+")


def records(n: int):
    for i in range(n):
        a = article(i)
        words = [m.span() for m in WORD.finditer(a["text"])][:20:2]  # 10 whole words
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
        start = time.perf_counter()
        with init_project(path) as project:
            report = import_records(project, records(args.size))
            search.search_documents(project, "pahalgam")
        if report.documents_added != args.size:
            raise SystemExit(
                f"only {report.documents_added} of {args.size} documents imported: {report.summary()}"
            )
        con = sqlite3.connect(path)
        labels = con.execute("SELECT count(*) FROM entities").fetchone()[0]
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.close()
        size_mb = path.stat().st_size / 1e6
        print(
            f"{report.documents_added:,} documents, {labels:,} labels, search index: {size_mb:.1f} MB "
            f"(built in {time.perf_counter() - start:.0f} s); budget of the look: "
            f"{database.OPEN_CHECK_BUDGET_S * 1000:.0f} ms"
        )

        real_check = database.check_sqlite_file

        def open_without_check() -> None:
            database.check_sqlite_file = lambda *_a, **_k: None
            try:
                open_project(path).close()
            finally:
                database.check_sqlite_file = real_check

        def quick_check(limit: int | None = None):
            def job() -> None:
                con = connect_read_only(path)
                try:
                    pragma = "PRAGMA quick_check" if limit is None else f"PRAGMA quick_check({limit})"
                    assert con.execute(pragma).fetchall() == [("ok",)]
                finally:
                    con.close()

            return job

        jobs = {
            "open, no check": open_without_check,
            "open": lambda: open_project(path).close(),
            "the look": lambda: check_sqlite_file(path, create=False),
            "quick_check": quick_check(),
            "quick_check(1)": quick_check(1),
        }
        times: dict[str, list[float]] = {name: [] for name in jobs}
        for _ in range(args.repeat):
            for name, job in jobs.items():
                times[name].append(timed(job))
        med = {name: statistics.median(values) for name, values in times.items()}
        for name, values in times.items():
            print(f"{name:16} median {med[name] * 1000:8.1f} ms   min {min(values) * 1000:8.1f} ms")
        base, full = med["open, no check"], med["open"]
        process = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "annotator", "settings", str(path)], check=True, capture_output=True
            )
            process.append(time.perf_counter() - start)
        print(f"{'annotator settings process':26} median {statistics.median(process) * 1000:8.1f} ms")
        per_mb = med["quick_check"] / size_mb * 1000
        print(
            f"open with the check / without: {full / base:.2f}× ({full * 1000:.0f} vs {base * 1000:.0f} ms, "
            f"+{(full - base) * 1000:.0f} ms); unbounded quick_check: {per_mb:.2f} ms per MB"
        )


if __name__ == "__main__":
    main()
