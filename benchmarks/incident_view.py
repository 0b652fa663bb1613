"""Project → Incidents on 30,000 incidents (issue 17: "the incident view opens on 30,000 incidents without a
visible pause"), offscreen: the GUI thread's longest wait while the view opens, reads the incidents (off
the GUI thread) and shows them with the timeline, measured by a 10 ms heartbeat timer, as a ratio to a
100 ms bound and against Qt's bare ``QTableView`` over a ``QStandardItemModel`` filled with the same rows'
cells (the peer: what a plain Qt table costs to show them), measured alternately in one process.

    .venv/bin/python benchmarks/incident_view.py [--incidents 30000] [--repeat 5]

The project: ``--incidents`` incidents of one annotator (a lead) over two years, each told by two
documents (60,000 mentions, one document in four with figures that disagree), built with bare sqlite3 by
``benchmarks/incidents.py``'s builder.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
# the benchmarks folder after the standard library: it holds a tokenize.py
sys.path[:] = [p for p in sys.path if p and Path(p).resolve() != HERE] + [str(HERE)]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BOUND_MS = 100.0


def build(path: Path, incidents: int) -> None:
    """``incidents`` incidents, two mentions each (the events of two documents), the annotator a lead."""
    from incidents import build as build_incidents

    build_incidents(path, 2 * incidents, incidents)
    con = sqlite3.connect(path)
    now = "2026-01-01 00:00:00.000000"
    rng = random.Random(3)
    with con:
        con.execute("UPDATE annotators SET role = 'lead' WHERE name = 'asha'")
        ids = [r[0] for r in con.execute("SELECT id FROM incidents ORDER BY rowid")]
        events = con.execute("SELECT id, document_id FROM events ORDER BY document_id").fetchall()
        rows = []
        for n, incident_id in enumerate(ids):
            killed = rng.randrange(1, 9)
            for k, (event_id, doc) in enumerate(events[2 * n : 2 * n + 2]):
                given = killed + (1 if k and n % 4 == 0 else 0)  # one in four: the sources disagree
                figures = f'{{"killed": {given}}}'
                rows.append((str(uuid.uuid4()), incident_id, event_id, doc, figures, now, now))
        con.executemany(
            "INSERT INTO incident_mentions (id, incident_id, event_id, document_id, annotator_id, figures, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?)",
            rows,
        )
    con.close()


class Heartbeat:
    """A 10 ms timer whose gaps are the event loop's waits."""

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self._timer = QTimer()
        self._timer.timeout.connect(self._beat)

    def _beat(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now

    def start(self) -> None:
        self.gaps = []
        self._last = time.perf_counter()
        self._timer.start(10)

    def stop(self) -> float:
        """The longest wait (ms) since start, the one still going included."""
        self._beat()
        self._timer.stop()
        return 1000 * max(self.gaps)


def settle(app, seconds: float = 0.2) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)


def measure_ours(app, window, beat: Heartbeat, timeout: float = 60.0) -> dict:
    """Project → Incidents from the menu's call to all rows shown and painted."""
    from PySide6.QtCore import QTimer

    opened: list = []
    beat.start()
    t0 = time.perf_counter()
    QTimer.singleShot(0, lambda: opened.append((window.show_incidents(), time.perf_counter())))
    while time.perf_counter() - t0 < timeout:
        app.processEvents()
        time.sleep(0.001)
        if opened and not opened[0][0].loading and opened[0][0].model.rowCount():
            break
    dialog, appeared = opened[0]
    shown = time.perf_counter()
    dialog.table.viewport().repaint()
    dialog.timeline.repaint()
    settle(app, 0.1)
    longest = beat.stop()
    rows = dialog.model.rowCount()
    dialog.close()
    settle(app, 0.1)
    return {
        "longest_ms": longest,
        "appeared_ms": 1000 * (appeared - t0),
        "rows_ms": 1000 * (shown - t0),
        "rows": rows,
    }


def measure_bare(app, cells: list[tuple[str, ...]], headers: list[str], beat: Heartbeat) -> dict:
    """Qt's bare table: a QStandardItemModel filled with the same rows' cells, shown in a QTableView."""
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QStandardItem, QStandardItemModel
    from PySide6.QtWidgets import QTableView

    done: list[float] = []
    views: list[QTableView] = []

    def fill() -> None:
        model = QStandardItemModel(0, len(headers))
        model.setHorizontalHeaderLabels(headers)
        for row in cells:
            model.appendRow([QStandardItem(c) for c in row])
        view = QTableView()
        view.setModel(model)
        view.resize(1200, 600)
        view.show()
        view.viewport().repaint()
        views.append(view)
        done.append(time.perf_counter())

    beat.start()
    t0 = time.perf_counter()
    QTimer.singleShot(0, fill)
    while not done:
        app.processEvents()
        time.sleep(0.001)
    settle(app, 0.1)
    longest = beat.stop()
    views[0].close()
    views[0].deleteLater()
    settle(app, 0.1)
    return {"longest_ms": longest, "rows_ms": 1000 * (done[0] - t0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=30_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from annotator.services.incidents import incident_summaries
    from annotator.services.project import open_project
    from annotator.settings import Settings
    from annotator.ui.app import application
    from annotator.ui.incident_view import COLUMNS, IncidentTableModel
    from annotator.ui.main_window import MainWindow

    work = Path(tempfile.mkdtemp(prefix="incident-view-bench-"))
    path = work / "p.annotator"
    t = time.perf_counter()
    build(path, args.incidents)
    print(f"built {args.incidents:,} incidents (two sources each) in {time.perf_counter() - t:.1f} s")
    app = application()
    project = open_project(path)
    window = MainWindow(project, Settings(annotator="asha"))
    window.resize(1400, 900)
    window.show()
    settle(app, 0.5)
    while not all(task.finished for task in window._tasks):
        settle(app, 0.05)
    # the peer's cells: what our table shows for each row
    model = IncidentTableModel()
    incidents = incident_summaries(project)
    model.set_rows(incidents, set())
    cells = [
        tuple(str(model.data(model.index(r, c)) or "") for c in range(len(COLUMNS)))
        for r in range(model.rowCount())
    ]
    beat = Heartbeat()
    ours, bare = [], []
    for _ in range(args.repeat):
        ours.append(measure_ours(app, window, beat))
        bare.append(measure_bare(app, cells, list(COLUMNS), beat))
    assert all(r["rows"] == args.incidents for r in ours), ours
    med = statistics.median
    longest = [r["longest_ms"] for r in ours]
    peer = [r["longest_ms"] for r in bare]
    print(
        f"Project → Incidents on {args.incidents:,} incidents, {args.repeat} runs alternating with the peer:"
    )
    print(
        f"  the GUI thread's longest wait while it opens: median {med(longest):.0f} ms, "
        f"max {max(longest):.0f} ms: {med(longest) / BOUND_MS:.2f}x (max {max(longest) / BOUND_MS:.2f}x) "
        f"the {BOUND_MS:.0f} ms bound"
    )
    print(
        f"  the view appears after {med([r['appeared_ms'] for r in ours]):.0f} ms, all rows shown after "
        f"{med([r['rows_ms'] for r in ours]):.0f} ms (median)"
    )
    print(
        f"  Qt's bare QTableView over a QStandardItemModel with the same rows: longest wait median "
        f"{med(peer):.0f} ms (rows shown after {med([r['rows_ms'] for r in bare]):.0f} ms); ours/bare "
        f"{med(longest) / med(peer):.2f}x"
    )
    window.close()
    project.close()


if __name__ == "__main__":
    main()
