"""Make the README's screenshots of the workbench, offscreen: .venv/bin/python docs/make_screenshots.py

Uses a fresh copy of the demo project and its example annotations (annotator "demo"), so the pictures
show real work on a Hindi article written for this project.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "screenshots"


def main() -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = tempfile.mkdtemp(prefix="annotator-shots-")
    os.environ["ANNOTATOR_HOME"] = home
    sys.path.insert(0, str(HERE.parent))
    from PySide6.QtCore import Qt

    from annotator.services.demo import ensure_demo_project
    from annotator.services.project import open_project
    from annotator.settings import Settings
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    app = application()
    settings = Settings(annotator="demo")
    window = MainWindow(open_project(ensure_demo_project()), settings)
    window.resize(1500, 900)
    window.resizeDocks([window.list_dock], [330], Qt.Orientation.Horizontal)
    window.show()
    app.processEvents()
    OUT.mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> None:
        for _ in range(3):
            app.processEvents()
        window.grab().save(str(OUT / name))
        print(OUT / name)

    window.open_document_id(1)  # demo-001: Hindi, annotated
    spans = window.view.spans()
    target = next((s for s in spans if window.state.polarities.get(s.id)), spans[0])
    window.view.select_span(target.id)
    shot("workbench-hindi.png")

    # an active event: its trigger boxed, arguments outlined with their roles, the frame in the panel
    attack = next((e for e in window.frames.events if e.type == "ATTACK"), window.frames.events[0])
    window.view.select_span("", ensure_visible=False)
    window.activate_event(attack.id)
    shot("event-frame-hindi.png")
    window.activate_event("")
    window.annotations_dock.raise_()

    window.romanized_action.setChecked(True)
    window.view.select_span("", ensure_visible=False)
    window.update_romanized()
    shot("romanized-reading-aid.png")
    window.romanized_action.setChecked(False)

    # suggestions on an article nobody has labelled yet: dashed outlines, the current one with its keys
    rows = (window.list_model.document(r) for r in range(window.list_model.rowCount()))
    unlabelled = next(d.id for d in rows if not d.labels)
    window.open_document_id(unlabelled)
    while any(not task.finished for task in window._tasks):  # suggestions are made in the background
        app.processEvents()
    app.processEvents()
    window.view.moveCursor(window.view.textCursor().MoveOperation.Start)
    window.view.cycle_item(True)
    shot("suggestions.png")

    window.focus_search()
    window.search_box.setText("pakistan")
    window.run_search()
    for task in window._tasks:
        task.wait()
    for _ in range(20):
        app.processEvents()
    shot("search-pakistan.png")
    window.close()
    window.project.close()


if __name__ == "__main__":
    main()
