"""PySide6 6.12.0's ExtraSelection refcount bug must not be installed.

In PySide6(-Essentials) 6.12.0 every assignment to ``QTextEdit.ExtraSelection.cursor`` or ``.format``
drops a reference to ``None``; after ~1,000–2,000 of them the interpreter aborts (on Python 3.11, where
``None`` is not immortal). The entity highlighting of the document view makes exactly these
assignments, so pyproject.toml pins ``PySide6-Essentials>=6.11.3,!=6.12.0``. The stress runs in a
subprocess so that an abort shows up as a failed test with a message, not as a dead test run.
"""

from __future__ import annotations

import importlib.metadata
import os
import signal
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import PySide6
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]
ASSIGNMENTS = 20_000
BROKEN = "6.12.0"

STRESS = textwrap.dedent(
    f"""
    import sys
    import PySide6
    print("pyside-version", PySide6.__version__, flush=True)
    from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
    from PySide6.QtWidgets import QApplication, QPlainTextEdit, QTextEdit

    app = QApplication([])
    edit = QPlainTextEdit()
    edit.setPlainText("पहलगाम में हमला, 26 लोग मारे गए। Lashkar-e-Taiba 😊\\n" * 20)
    doc = edit.document()
    length = doc.characterCount() - 1
    fmt = QTextCharFormat()
    fmt.setBackground(QColor("#ffe08a"))
    fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
    selections = [QTextEdit.ExtraSelection() for _ in range(200)]

    before = sys.getrefcount(None)
    print("none-refs-before", before, flush=True)
    for i in range({ASSIGNMENTS}):
        sel = selections[i % len(selections)]
        cursor = QTextCursor(doc)
        cursor.setPosition(i % length)
        cursor.setPosition(min(i % length + 5, length), QTextCursor.MoveMode.KeepAnchor)
        sel.cursor = cursor
        sel.format = fmt
    after = sys.getrefcount(None)
    print("none-refs-after", after, flush=True)

    edit.setExtraSelections(selections)
    app.processEvents()
    applied = edit.extraSelections()
    assert len(applied) == len(selections)
    second = applied[1]
    assert second.cursor.selectedText() != ""
    assert second.format.background().color() == fmt.background().color()
    print("EXTRA-SELECTIONS-DONE", flush=True)
    """
)


def test_installed_pyside_is_not_the_broken_release():
    assert importlib.metadata.version("PySide6-Essentials") != BROKEN
    assert PySide6.__version__ != BROKEN


def test_pyproject_excludes_the_broken_release():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = [Requirement(d) for d in project["dependencies"] if d.lower().startswith("pyside6")]
    assert pins, "pyproject.toml has no PySide6 dependency"
    for pin in pins:
        assert not pin.specifier.contains(BROKEN, prereleases=True), f"{pin} allows {BROKEN}"


def test_extra_selection_assignments_do_not_leak_none():
    # The subprocess has no Devanagari font registered; silence Qt's font fallback chatter.
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_LOGGING_RULES="qt.text.font.db=false")
    proc = subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", STRESS],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=300,
        cwd=REPO,
    )
    info = dict(line.split(maxsplit=1) for line in proc.stdout.splitlines() if " " in line)
    where = f"PySide6 {info.get('pyside-version', '?')}, Python {sys.version.split()[0]}"
    status = proc.returncode
    if status < 0:
        status = f"killed by {signal.Signals(-status).name}"
    assert proc.returncode == 0, (
        f"{ASSIGNMENTS:,} ExtraSelection.cursor/.format assignments killed the interpreter "
        f"({status}; {where}) — the PySide6 {BROKEN} refcount bug?\n"
        f"stdout:\n{proc.stdout[-2000:]}\nstderr:\n{proc.stderr[-3000:]}"
    )
    assert "EXTRA-SELECTIONS-DONE" in proc.stdout, proc.stdout + proc.stderr
    before, after = int(info["none-refs-before"]), int(info["none-refs-after"])
    # A buggy release drops one reference per assignment (2 × ASSIGNMENTS); allow ordinary noise.
    assert abs(after - before) < 1_000, (
        f"sys.getrefcount(None) went from {before} to {after} over {2 * ASSIGNMENTS:,} "
        f"ExtraSelection assignments ({where})"
    )
