"""What recording time spent costs the workbench (issue 18): label → painted with the recorder on against the
same window with it off, interleaved in one process (offscreen).

    .venv/bin/python benchmarks/timing_gui.py [--labels 200]

The document is benchmarks/gui.py's: a 50,000-character mixed article with 1,000 labels, suggestions off.
Each label is a word selected, G pressed, and the event loop run until it has painted what changed; the
recorder's application event filter is installed and removed in the order on, off, off, on, so both
sides see the same machine. Reported: medians of wall time and of the GUI thread's CPU time, their
ratio on/off (target: unchanged, i.e. within the noise: ≤ 1.05), and how many database writes the
recorder made while labelling (target 0: it writes on document change, every minute and on close).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path[:] = [p for p in sys.path if p and Path(p).resolve() != HERE] + [str(HERE)]
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def measure(work: Path, labels: int) -> dict:
    from gui import big_document, spans_for
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    import annotator.services.timing as timing
    from annotator.formats.records import SourceRecord
    from annotator.services.annotate import AddSpans, Editor
    from annotator.services.importing import import_records
    from annotator.services.project import init_project
    from annotator.services.suggestions import set_settings
    from annotator.settings import Settings
    from annotator.text.segment import tokenize
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    app = application()
    text = big_document()
    project = init_project(work / "timing.annotator")
    import_records(project, [(SourceRecord("bench", "big", "Big", text, {"lang": "hi-en"}), 0)])
    editor = Editor(project, "bench")
    AddSpans(1, spans_for(text, 1000, [e.name for e in project.schema.entities])).apply(editor)
    set_settings(project, sources=[])
    window = MainWindow(project, Settings(annotator="bench"))
    window.resize(1400, 900)
    window.show()
    window.activateWindow()
    app.processEvents()
    while any(not task.finished for task in window._tasks):
        app.processEvents()
        time.sleep(0.005)
    assert window._timing is not None and window._timing_watch is not None
    writes = []
    real = timing.save_sessions
    timing.save_sessions = lambda p, r: writes.append(1) or real(p, r)  # type: ignore[assignment]

    view = window.view
    taken = {(s.start, s.end) for s in view.spans()}
    free = [t for t in tokenize(text[:30000]) if t.kind == "word" and (t.start, t.end) not in taken]
    wall: dict[bool, list[float]] = {True: [], False: []}
    cpu: dict[bool, list[float]] = {True: [], False: []}
    installed = True
    for n, tok in enumerate(free[: 2 * labels]):
        on = n % 4 in (0, 3)  # on, off, off, on: neither side always goes first
        if on != installed:
            (app.installEventFilter if on else app.removeEventFilter)(window._timing_watch)
            installed = on
        view.select_range(tok.start, tok.end)
        view.ensureCursorVisible()
        app.processEvents()
        t, c = time.perf_counter(), time.thread_time()
        QTest.keyClick(view, Qt.Key.Key_G)
        app.processEvents()
        wall[on].append(time.perf_counter() - t)
        cpu[on].append(time.thread_time() - c)
    if not installed:
        app.installEventFilter(window._timing_watch)
    # the filter's own cost: events it sees during one label (counted by a second filter of the same
    # kind), times what one call costs (measured on its own)
    from PySide6.QtCore import QEvent, QObject

    class Count(QObject):
        seen = 0

        def eventFilter(self, watched, event) -> bool:
            Count.seen += 1
            return False

    counter = Count()
    app.installEventFilter(counter)
    for tok in free[2 * labels : 2 * labels + 20]:
        view.select_range(tok.start, tok.end)
        app.processEvents()
        before = Count.seen
        QTest.keyClick(view, Qt.Key.Key_G)
        app.processEvents()
        cpu.setdefault("events", []).append(Count.seen - before)  # type: ignore[call-overload]
    app.removeEventFilter(counter)
    probe = QEvent(QEvent.Type.MouseMove)
    watch = window._timing_watch
    t = time.perf_counter()
    for _ in range(100_000):
        watch.eventFilter(view, probe)
    per_call = (time.perf_counter() - t) / 100_000
    recorded = window._timing.current()
    window.close()
    project.close()
    med = {k: statistics.median(v) for k, v in wall.items()}
    med_cpu = {k: statistics.median(cpu[k]) for k in (True, False)}
    return {
        "labels_each": labels,
        "on_ms": 1000 * med[True],
        "off_ms": 1000 * med[False],
        "ratio": med[True] / med[False],
        "cpu_on_ms": 1000 * med_cpu[True],
        "cpu_off_ms": 1000 * med_cpu[False],
        "cpu_ratio": med_cpu[True] / med_cpu[False],
        "events_per_label": statistics.median(cpu["events"]),  # type: ignore[index]
        "filter_call_us": 1e6 * per_call,
        "writes_while_labelling": len(writes) - 1,  # the one at close is not while labelling
        "active_seconds_recorded": recorded.active_seconds if recorded else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--labels", type=int, default=200, help="labels on each side (default 200)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="annotator-timing-bench-") as tmp:
        r = measure(Path(tmp), args.labels)
    print(
        f"label → painted, {r['labels_each']} labels each side, interleaved (50,000 characters, 1,000 spans):"
    )
    print(
        f"  recorder on {r['on_ms']:.2f} ms, off {r['off_ms']:.2f} ms (medians): ratio {r['ratio']:.3f} "
        f"(target <= 1.05)"
    )
    print(
        f"  GUI thread CPU: on {r['cpu_on_ms']:.2f} ms, off {r['cpu_off_ms']:.2f} ms: "
        f"ratio {r['cpu_ratio']:.3f}"
    )
    print(
        f"  the filter sees {r['events_per_label']:.0f} events per label at {r['filter_call_us']:.2f} µs "
        f"each: {r['events_per_label'] * r['filter_call_us'] / 1000:.3f} ms per label"
    )
    print(
        f"  database writes by the recorder while labelling: {r['writes_while_labelling']} (target 0); "
        f"active seconds recorded: {r['active_seconds_recorded']}"
    )


if __name__ == "__main__":
    main()
