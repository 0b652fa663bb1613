"""`annotator progress` and the Team → Progress window on 100,000 documents and 20 annotators (issue 18).

    .venv/bin/python benchmarks/progress.py [--docs 100000] [--runs 7] [--no-gui]
    .venv/bin/python benchmarks/progress.py --floor PROJECT     # the floor alone (one process)

Builds (once; kept in the temporary folder) a synthetic project: the articles of ``synth.py``, 20
annotators, every document assigned to one of them and one in ten to a second (110,000 assignments, 1 % of
them checks), each annotator through 40–67 % of their list over 40 days (one in 30 skipped), one work
session per document done (one in five reopened: two), five entities per finished set (the second
annotator's agree 85 %), and gold on one document in fifty of the shared ones.

Measures, interleaved (A B A B …) so the machine's drift touches both alike:

* **A**: the whole ``annotator progress PROJECT --json`` process (interpreter start-up, imports, queries,
  figures, JSON);
* **B, the floor**: a bare ``python`` process that imports only :mod:`sqlite3` and runs the same aggregate
  queries, fetching the same rows (``--floor``): what any program must pay to answer from this file.

and prints the medians and the median of the pairwise ratios A/B (target: A ≤ 2 s). With the GUI part,
also opens the Progress window offscreen on the same project with a 10 ms heartbeat timer and reports the
GUI thread's longest stall between showing the window and the charts being drawn (the figures computed in
a background thread), and the time until they are drawn.
"""

from __future__ import annotations

import sys

FLOOR_QUERIES = (
    "SELECT id, name FROM annotators",
    "SELECT value FROM settings WHERE key = 'progress_quality_margin'",
    "SELECT annotator_id, COUNT(*), SUM(CASE WHEN is_check THEN 1 ELSE 0 END) FROM assignments "
    "GROUP BY annotator_id",
    "SELECT annotator_id, status, COUNT(*) FROM work_items WHERE status IN ('done', 'skipped') "
    "GROUP BY annotator_id, status",
    "SELECT a.annotator_id, COUNT(*) FROM assignments a LEFT JOIN work_items w "
    "ON w.document_id = a.document_id AND w.annotator_id = a.annotator_id "
    "AND w.status IN ('done', 'skipped') WHERE w.id IS NULL GROUP BY a.annotator_id",
    "SELECT annotator_id, document_id, updated_at FROM work_items WHERE status = 'done'",
    "SELECT annotator_id, document_id, SUM(active_seconds), SUM(labels) FROM work_sessions "
    "GROUP BY annotator_id, document_id",
    "SELECT COUNT(*) FROM documents",
    "SELECT COUNT(DISTINCT document_id) FROM assignments",
    # the documents compared (finished by two or more) and those with gold, and their entities
    'SELECT e.document_id, e.annotator_id, e.start, e."end", e.label FROM entities e WHERE e.document_id IN '
    "(SELECT document_id FROM work_items WHERE status = 'done' GROUP BY document_id HAVING COUNT(*) >= 2 "
    "UNION SELECT document_id FROM entities "
    "WHERE annotator_id = (SELECT id FROM annotators WHERE name = 'gold'))",
)


def floor(path: str) -> None:
    """The floor: the same aggregates on a bare sqlite3 connection, rows fetched, nothing else."""
    import sqlite3

    con = sqlite3.connect(path)
    con.execute("BEGIN")
    rows = sum(len(con.execute(sql).fetchall()) for sql in FLOOR_QUERIES)
    con.close()
    print(rows)


if __name__ == "__main__" and sys.argv[1:2] == ["--floor"]:
    floor(sys.argv[2])
    raise SystemExit(0)

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import date, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
# synth from here, after the standard library: the script's folder, first on the path, holds a tokenize.py
sys.path[:] = [p for p in sys.path if p and Path(p).resolve() != HERE] + [str(HERE)]

ANNOTATORS = 20
DAYS = 40
TODAY = date(2026, 12, 10)
LABELS = ("PER", "ORG", "GPE", "LOC", "ARMED_GROUP")


def _stamp(day: date, seconds: int) -> str:
    return (datetime.combine(day, datetime.min.time()) + timedelta(seconds=seconds)).strftime(
        "%Y-%m-%d %H:%M:%S.%f"
    )


def build(path: Path, docs: int) -> Path:
    """The synthetic project (see the module's docstring), written with plain sqlite3 inserts into a
    project made by ``init_project`` (so the tables are this version's)."""
    if path.exists():
        return path
    import hashlib
    import sqlite3

    from synth import article

    from annotator.services.project import init_project

    tmp = path.with_suffix(".building")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    init_project(tmp).close()
    con = sqlite3.connect(tmp)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    now = _stamp(TODAY - timedelta(days=DAYS + 1), 0)
    rng = random.Random(18)
    start = TODAY - timedelta(days=DAYS)

    batch = []
    for i in range(docs):
        a = article(i)
        text = a["text"] + f" ({i})"
        batch.append((i + 1, a["id"], a["title"], text, hashlib.sha256(text.encode()).hexdigest(), "{}", now))
        if len(batch) == 5000:
            con.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)", batch)
            batch = []
    con.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)", batch)
    names = [f"a{k:02d}" for k in range(1, ANNOTATORS + 1)]
    con.executemany(
        "INSERT INTO annotators (id, name, created_at, role) VALUES (?, ?, ?, 'annotator')",
        [(k + 1, n, now) for k, n in enumerate(names)],
    )
    gold_id = ANNOTATORS + 1
    con.execute(
        "INSERT INTO annotators (id, name, created_at, role) VALUES (?, 'gold', ?, 'annotator')",
        (gold_id, now),
    )

    lists: dict[int, list[int]] = {k + 1: [] for k in range(ANNOTATORS)}
    for i in range(docs):
        lists[i % ANNOTATORS + 1].append(i + 1)
        if i % 10 == 0:  # a second annotator, every pair in turn
            lists[(i % ANNOTATORS + 1 + (i // 10) % (ANNOTATORS - 1)) % ANNOTATORS + 1].append(i + 1)
    assignments, items, sessions, entities = [], [], [], []
    spans_of: dict[int, list[tuple[int, int, str]]] = {}
    for aid, doc_ids in lists.items():
        share = 0.40 + 0.03 * (aid % 10)
        done_n = int(len(doc_ids) * share)
        per_day = max(done_n / DAYS, 1)
        pace = 180 + 25 * (aid % 7)  # the annotator's usual seconds per document
        for k, doc in enumerate(doc_ids):
            assignments.append((str(uuid.uuid4()), doc, aid, now, 0))
            if k < done_n:
                day = start + timedelta(days=min(int(k / per_day), DAYS - 1))
                when = _stamp(day, 9 * 3600 + rng.randrange(8 * 3600))
                status = "skipped" if k % 30 == 29 else "done"
                items.append((str(uuid.uuid4()), doc, aid, status, when, when, 0, None))
                if status == "skipped":
                    continue
                for _ in range(2 if k % 5 == 0 else 1):
                    seconds = max(20.0, rng.gauss(pace, pace / 3))
                    sessions.append((str(uuid.uuid4()), doc, aid, when, when, seconds, rng.randrange(2, 9)))
                base = spans_of.get(doc)
                if base is None:
                    r = random.Random(doc)
                    starts = sorted(r.sample(range(0, 1400, 10), 5))
                    base = spans_of[doc] = [(s, s + 6 + r.randrange(20), r.choice(LABELS)) for s in starts]
                    mine = base
                else:  # the second annotator: 85 % agree (a05 drifts to 55 % in the last two weeks)
                    agree = 0.55 if aid == 5 and day >= TODAY - timedelta(days=14) else 0.85
                    mine = [(s, e, lb) if rng.random() < agree else (s, e + 3, lb) for s, e, lb in base]
                for s, e, lb in mine:
                    entities.append((doc, aid, s, e, lb, "{}", str(uuid.uuid4()), when, when))
            elif k < done_n + 5:
                items.append((str(uuid.uuid4()), doc, aid, "in_progress", now, now, 0, None))
    checks = []
    for doc in range(1, docs + 1, 10):  # gold on one shared document in fifty, each a check
        if random.Random(-doc).random() >= 0.02:
            continue
        for s, e, lb in spans_of.get(doc, []):
            entities.append((doc, gold_id, s, e, lb, "{}", str(uuid.uuid4()), now, now))
        checks.append((doc, None, now))
    checked = {doc for doc, _by, _at in checks}
    assignments = [(i, d, a, t, 1 if d in checked else 0) for i, d, a, t, _c in assignments]
    con.executemany("INSERT INTO assignments VALUES (?, ?, ?, ?, ?)", assignments)
    con.executemany(
        "INSERT INTO work_items (id, document_id, annotator_id, status, created_at, updated_at, flagged, "
        "comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        items,
    )
    con.executemany("INSERT INTO work_sessions VALUES (?, ?, ?, ?, ?, ?, ?)", sessions)
    con.executemany("INSERT INTO check_documents VALUES (?, ?, ?)", checks)
    con.executemany(
        'INSERT INTO entities (document_id, annotator_id, start, "end", label, attributes, id, created_at, '
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        entities,
    )
    con.commit()
    con.execute("ANALYZE")
    con.close()
    tmp.replace(path)
    plain = Path(str(path).replace(".annotator", "-nochecks.annotator"))
    import shutil

    shutil.copyfile(path, plain)
    con = sqlite3.connect(plain)
    con.execute("DELETE FROM check_documents")
    con.execute("UPDATE assignments SET is_check = 0")
    con.commit()
    con.close()
    print(
        f"built {path} (and {plain.name}, the same without checks): {docs:,} documents, "
        f"{len(assignments):,} assignments, {len(items):,} work items, {len(sessions):,} sessions, "
        f"{len(entities):,} entities, {len(checks):,} check documents",
        file=sys.stderr,
    )
    return path


def timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True)
    return time.perf_counter() - t


def cli(path: Path, runs: int) -> dict:
    annotator = [
        sys.executable,
        "-m",
        "annotator",
        "progress",
        str(path),
        "--json",
        "--today",
        TODAY.isoformat(),
    ]
    bare = [sys.executable, str(Path(__file__).resolve()), "--floor", str(path)]
    timed(annotator), timed(bare)  # warm the page cache
    a_times, b_times, ratios = [], [], []
    for _ in range(runs):
        a, b = timed(annotator), timed(bare)
        a_times.append(a)
        b_times.append(b)
        ratios.append(a / b)
    out = subprocess.run(annotator, check=True, capture_output=True, text=True).stdout
    report = json.loads(out)
    return {
        "cli_s": statistics.median(a_times),
        "cli_range": (min(a_times), max(a_times)),
        "floor_s": statistics.median(b_times),
        "ratio": statistics.median(ratios),
        "annotators": len(report["annotators"]),
        "project": report["project"],
    }


def gui(path: Path) -> dict:
    """The window opened offscreen; the heartbeat's longest gap until the charts are drawn."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from annotator.services.project import open_project
    from annotator.ui.progress_view import ProgressWindow

    app = QApplication.instance() or QApplication([])
    project = open_project(path)
    clock = QElapsedTimer()
    gaps: list[float] = []
    last = [0.0]

    def beat() -> None:
        now = clock.nsecsElapsed() / 1e6
        gaps.append(now - last[0])
        last[0] = now

    heart = QTimer()
    heart.setInterval(10)
    heart.timeout.connect(beat)
    clock.start()
    heart.start()
    app.processEvents()
    t0 = clock.nsecsElapsed() / 1e6
    last[0] = t0
    gaps.clear()
    window = ProgressWindow(project, today=TODAY)
    window.resize(1366, 768)
    window.show()
    shown = clock.nsecsElapsed() / 1e6 - t0
    while not window.loaded:
        app.processEvents()
        time.sleep(0.001)
    app.processEvents()
    drawn = clock.nsecsElapsed() / 1e6 - t0
    window.grab()  # every chart painted once
    heart.stop()
    longest = max([shown, *gaps])
    window.close()
    project.close()
    return {"window_shown_ms": shown, "charts_ms": drawn, "longest_stall_ms": longest, "paint_ms": 0.0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--no-gui", action="store_true")
    args = parser.parse_args()
    folder = Path(tempfile.gettempdir()) / "annotator-bench"
    folder.mkdir(exist_ok=True)
    path = build(folder / f"progress-v2-{args.docs}.annotator", args.docs)
    print(f"{args.docs:,} documents, {ANNOTATORS} annotators: {path}")
    plain = Path(str(path).replace(".annotator", "-nochecks.annotator"))
    for name, target in (("without checks", plain), ("with checks", path)):
        figures = cli(target, args.runs)
        lo, hi = figures["cli_range"]
        print(f"  {name}:")
        print(
            f"    annotator progress --json (whole process)  {figures['cli_s']:.2f} s "
            f"(min {lo:.2f}, max {hi:.2f}); target 2 s: {'met' if figures['cli_s'] <= 2 else 'NOT met'}"
        )
        print(f"    floor (bare python + sqlite3, the same queries)  {figures['floor_s']:.2f} s")
        print(f"    ratio progress / floor (median of pairs)  {figures['ratio']:.2f}x")
        p = figures["project"]
        print(
            f"    figures: {figures['annotators']} annotators, {p['done']:,} done, {p['remaining']:,} left, "
            f"{p['waiting_adjudication']:,} waiting for adjudication, {p['checks_assigned']:,} check "
            f"assignments, finish {p['finish_estimate']}"
        )
    if not args.no_gui:
        g = gui(path)
        print(
            f"  Progress window: shown in {g['window_shown_ms']:.0f} ms, charts drawn after "
            f"{g['charts_ms']:.0f} ms; longest GUI-thread stall {g['longest_stall_ms']:.0f} ms"
        )


if __name__ == "__main__":
    main()
