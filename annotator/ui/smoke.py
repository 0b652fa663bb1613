"""The smoke test of an installed or built annotator: ``annotator smoke-test`` (a hidden command).

It drives the real window the way a person does: creates a project in a scratch folder, imports one
article, opens the workbench on it, selects the first word with the keyboard and presses the label's key,
then reads the stored label back through the services and closes the window. The same code runs from the
source checkout (tests/test_packaging_build.py) and inside the PyInstaller build (packaging/build.py
--smoke, and CI), so a build that lost a Qt plugin, a font, the schemas or the migrations fails here.

``--startup`` only starts: opens the window on a project, shows it and quits as soon as the event loop is
idle (the cold-start benchmark's "usable window", benchmarks/packaged_start.py).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

#: The article the smoke test labels: Hindi, so the bundled Devanagari fonts and the grapheme rules are
#: exercised; its first word is the span labelled.
ARTICLE = "पाकिस्तान के विदेश मंत्री ने कहा कि सीमा पर शांति रहेगी।"
FIRST_WORD = "पाकिस्तान"


class SmokeFailure(RuntimeError):
    """A step of the smoke test did not give what it should (the message says which)."""


def _say(line: str) -> None:
    print(f"smoke: {line}", flush=True)


def _entity_key(schema, label: str) -> str:
    from annotator.schema.keys import usable_keys

    keys = {name: key for key, name in usable_keys(schema)[0].items()}
    if label not in keys:
        raise SmokeFailure(f"the schema gives {label} no key")
    return keys[label]


def run_smoke(folder: Path, label: str = "GPE") -> int:
    """The whole smoke test in ``folder`` (created if needed); 0 when every step passed. Raises
    :class:`SmokeFailure` naming the step that failed."""
    from PySide6.QtGui import QTextCursor
    from PySide6.QtTest import QTest

    from annotator import __version__
    from annotator.services.importing import import_paths
    from annotator.services.project import init_project, open_project
    from annotator.services.report import head_revision, project_facts
    from annotator.settings import Settings
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    path = folder / "smoke.annotator"
    source = folder / "article.jsonl"
    # nothing is written into a folder that holds a file of the names the test writes: a person's own
    # article.jsonl (or an earlier run's project) is not ours to overwrite
    taken = [p.name for p in (path, source, folder / "home") if p.exists() or p.is_symlink()]
    if taken:
        raise SmokeFailure(f"{folder} holds {', '.join(taken)} already: give a new or empty folder")
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["ANNOTATOR_HOME"] = str(folder / "home")  # the window's settings stay in the scratch folder
    _say(
        f"annotator {__version__}, schema revision {head_revision()}, frozen={getattr(sys, 'frozen', False)}"
    )
    source.write_text(
        json.dumps({"id": "smoke-1", "title": "स्मोक", "text": ARTICLE, "lang": "hi"}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    project = init_project(path)
    report = import_paths(project, [source])
    project.close()
    if not report.ok:
        raise SmokeFailure(f"import failed: {report}")
    _say(f"created {path} and imported 1 article")

    app = application()
    project = open_project(path)
    window = MainWindow(project, Settings(annotator="smoke"))
    window.resize(1200, 800)
    window.show()
    QTest.qWaitForWindowExposed(window, 5000)
    app.processEvents()
    view = window.view
    if view.text != ARTICLE:
        raise SmokeFailure("the window did not open the article")
    key = _entity_key(project.schema, label)
    cursor = view.textCursor()
    cursor.setPosition(view.offsets.to_qt(0))
    cursor.setPosition(view.offsets.to_qt(len(FIRST_WORD)), QTextCursor.MoveMode.KeepAnchor)
    view.setTextCursor(cursor)
    view.setFocus()
    QTest.keyClicks(view, key)  # the label key, typed as a person types it
    app.processEvents()
    shown = [(s.start, s.end, s.label) for s in view.spans()]
    window.close()
    window.project.close()
    app.processEvents()

    with open_project(path) as reopened:
        stored = project_facts(reopened)["entities_by_label"]
    if shown != [(0, len(FIRST_WORD), label)] or stored != {label: 1}:
        raise SmokeFailure(f"the label was not made: window shows {shown}, project holds {stored}")
    _say(f"labelled {FIRST_WORD!r} as {label} through the window (key {key!r}) and read it back")
    _say("ok")
    return 0


def run_startup(folder: Path) -> int:
    """Start, open the window on a project in ``folder`` (made on the first run), show it and quit when the
    event loop is idle: the start of a usable window, for the cold-start benchmark."""
    from PySide6.QtCore import QTimer

    from annotator.services.project import init_project, open_project
    from annotator.settings import Settings
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    folder.mkdir(parents=True, exist_ok=True)
    os.environ["ANNOTATOR_HOME"] = str(folder / "home")
    path = folder / "start.annotator"
    if not path.exists():
        init_project(path).close()
    app = application()
    window = MainWindow(open_project(path), Settings(annotator="smoke"))
    window.show()
    QTimer.singleShot(0, app.quit)  # runs once the events queued by show() are handled
    app.exec()
    window.close()
    window.project.close()
    return 0


def main(folder: str | None, startup: bool = False) -> int:
    """``annotator smoke-test``: in ``folder``, or a new temporary folder removed afterwards."""
    import shutil

    scratch = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="annotator-smoke-"))
    try:
        return run_startup(scratch) if startup else run_smoke(scratch)
    except SmokeFailure as exc:
        _say(f"FAILED: {exc}")
        return 1
    finally:
        if not folder:
            shutil.rmtree(scratch, ignore_errors=True)
