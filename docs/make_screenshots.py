"""Make the README's screenshots of the workbench, offscreen: .venv/bin/python docs/make_screenshots.py

Uses a fresh copy of the demo project and its example annotations (annotator "demo"), so the pictures
show real work on a Hindi article written for this project. Three screens, each in its own process (Qt's
scale factor is fixed when the application starts):

- 100 %: a 1920×1200 screen, the window at 1500×900 (the README's pictures);
- 200 %: a 1366×768 laptop at a scale factor of 2 (QT_SCALE_FACTOR=2; the pictures are 2× in pixels), the
  window as it opens there: ``*-200.png``;
- 1024×700: the window at 1024×700 on a 1024×768 screen: ``*-1024x700.png``.

``--out DIR`` writes elsewhere than docs/screenshots; ``--only NAME`` makes one of the three (100, 200,
1024x700).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "screenshots"

# name: (screen width, height in device pixels, scale factor, window size or None for as it opens, suffix)
SCREENS: dict[str, tuple[int, int, int, tuple[int, int] | None, str]] = {
    "100": (1920, 1200, 1, (1500, 900), ""),
    "200": (2732, 1536, 2, None, "-200"),
    "1024x700": (1024, 768, 1, (1024, 700), "-1024x700"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--only", choices=sorted(SCREENS))
    parser.add_argument("--screen", choices=sorted(SCREENS), help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.screen:
        shoot(args.screen, args.out)
        return
    for name in [args.only] if args.only else list(SCREENS):
        width, height, scale, _size, _suffix = SCREENS[name]
        with tempfile.TemporaryDirectory(prefix="annotator-shots-") as tmp:
            config = Path(tmp) / "screen.json"
            config.write_text(
                json.dumps(
                    {
                        "screens": [
                            {
                                "name": f"screen-{name}",
                                "x": 0,
                                "y": 0,
                                "width": width,
                                "height": height,
                                "logicalDpi": 96,
                                "logicalBaseDpi": 96,
                                "dpr": 1,
                            }
                        ]
                    }
                ),
                encoding="utf-8",
            )
            env = dict(os.environ)
            env["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
            env["QT_SCALE_FACTOR"] = str(scale)
            env["ANNOTATOR_HOME"] = str(Path(tmp) / "home")
            cmd = [sys.executable, str(Path(__file__).resolve()), "--screen", name, "--out", str(args.out)]
            subprocess.run(cmd, env=env, check=True)


def shoot(screen: str, out: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("ANNOTATOR_HOME", tempfile.mkdtemp(prefix="annotator-shots-"))
    sys.path.insert(0, str(HERE.parent))
    from PySide6.QtCore import Qt

    from annotator.services.demo import ensure_demo_project
    from annotator.services.project import open_project
    from annotator.settings import Settings
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    _width, _height, _scale, size, suffix = SCREENS[screen]
    app = application()
    settings = Settings(annotator="demo")
    window = MainWindow(open_project(ensure_demo_project()), settings)
    if size is not None:
        window.resize(*size)
        if screen == "100":
            window.resizeDocks([window.list_dock], [330], Qt.Orientation.Horizontal)
    window.show()
    app.processEvents()
    out.mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> None:
        for _ in range(3):
            app.processEvents()
        path = out / f"{name}{suffix}.png"
        window.grab().save(str(path))
        print(path, f"(window {window.width()}×{window.height()}, text column {window.view.width()} px)")

    window.open_document_id(1)  # demo-001: Hindi, annotated
    spans = window.view.spans()
    target = next((s for s in spans if window.state.polarities.get(s.id)), spans[0])
    window.view.select_span(target.id)
    shot("workbench-hindi")

    # an active event: its trigger boxed, arguments outlined with their roles, the frame in the panel
    attack = next((e for e in window.frames.events if e.type == "ATTACK"), window.frames.events[0])
    window.view.select_span("", ensure_visible=False)
    window.activate_event(attack.id)
    shot("event-frame-hindi")
    window.activate_event("")
    window.annotations_dock.raise_()

    if screen == "100":
        window.romanized_action.setChecked(True)
        window.view.select_span("", ensure_visible=False)
        window.update_romanized()
        shot("romanized-reading-aid")
        window.romanized_action.setChecked(False)

    if screen != "1024x700":
        # suggestions on an article nobody has labelled yet: dashed outlines, the current one solid with
        # its keys
        rows = (window.list_model.document(r) for r in range(window.list_model.rowCount()))
        unlabelled = next(d.id for d in rows if not d.labels)
        window.open_document_id(unlabelled)
        while any(not task.finished for task in window._tasks):  # suggestions are made in the background
            app.processEvents()
        app.processEvents()
        window.view.moveCursor(window.view.textCursor().MoveOperation.Start)
        window.view.cycle_item(True)
        shot("suggestions")

    if screen in ("100", "200"):
        # i on an entity: the knowledge-base type-ahead (its own text searched, entries in both scripts),
        # then Project → Knowledge base with an entry's linked mentions
        window.open_document_id(1)
        spans = window.view.spans()
        entity = next((s for s in spans if s.label == "ARMED_GROUP"), spans[0])
        window.view.select_span(entity.id)
        window.link_entity()
        dialog = window.kb_dialog
        while dialog is not None and dialog.searched != dialog.query.text().strip():
            app.processEvents()
        if dialog is not None:
            for _ in range(3):
                app.processEvents()
            dialog.grab().save(str(out / f"kb-type-ahead{suffix}.png"))
            print(out / f"kb-type-ahead{suffix}.png")
            dialog.link_chosen()  # linked: the panel shows the mention
        panel = window.show_kb_panel()
        panel.filter.setText(window.view.text[entity.start : entity.end])
        panel.refresh()
        while panel.listed != (panel.filter.text().strip(), None):
            app.processEvents()
        for _ in range(3):
            app.processEvents()
        panel.grab().save(str(out / f"kb-panel{suffix}.png"))
        print(out / f"kb-panel{suffix}.png")
        panel.close()
        window.undo_stack.undo()  # the demo's link as it was

    if screen in ("100", "200"):
        # issue 20: the Urdu demo article (right to left, Nastaliq, an English quote inside) and a Bengali
        # one, each with its labels and its ATTACK event active (trigger, arguments and their roles)
        rows = [window.list_model.document(r) for r in range(window.list_model.rowCount())]
        for external_id, name in (("demo-023", "workbench-urdu"), ("demo-024", "workbench-bengali")):
            found = next((d.id for d in rows if d.external_id == external_id), None)
            if found is None:
                continue
            window.open_document_id(found)
            while any(not task.finished for task in window._tasks):
                app.processEvents()
            attack = next((e for e in window.frames.events if e.type == "ATTACK"), None)
            window.view.select_span("", ensure_visible=False)
            if attack is not None:
                window.activate_event(attack.id)
            shot(name)
            window.activate_event("")

    if screen == "100":
        window.focus_search()
        window.search_box.setText("pakistan")
        window.run_search()
        for task in window._tasks:
            task.wait()
        for _ in range(20):
            app.processEvents()
        shot("search-pakistan")
    window.close()
    window.project.close()


if __name__ == "__main__":
    main()
