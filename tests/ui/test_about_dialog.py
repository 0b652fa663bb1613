"""Help → About and Help → Report a problem, through the real window's menu (pytest-qt, offscreen)."""

import json
import zipfile

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from annotator import __version__
from annotator.services.importing import import_paths
from annotator.services.project import init_project
from annotator.settings import Settings
from annotator.store.database import head_revision

HINDI = "पाकिस्तान के विदेश मंत्री ने कहा कि सीमा पर शांति रहेगी।"


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    monkeypatch.setenv("ANNOTATOR_HOME", str(tmp_path / "home"))
    application()
    project = init_project(tmp_path / "w.annotator")
    src = tmp_path / "d.jsonl"
    src.write_text(
        json.dumps({"id": "hi", "title": "शीर्षक", "text": HINDI}, ensure_ascii=False) + "\n", "utf-8"
    )
    assert import_paths(project, [src]).ok
    win = MainWindow(project, Settings(annotator="asha"))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
    win.project.close()


def trigger(window, text):
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    action = next(a for a in help_menu.actions() if a.text() == text)
    action.trigger()


def test_about_shows_version_revision_paths_versions_and_font_licences(window, tmp_path):
    trigger(window, "&About annotator")
    dialog = window.about_dialog
    assert dialog.isVisible()
    rows = dict(dialog.rows)
    assert rows["Version"] == f"annotator {__version__}"
    assert rows["Schema revision"] == head_revision()
    assert rows["Project"] == str(tmp_path / "w.annotator") and rows["Project revision"] == head_revision()
    assert rows["Project written by"] == f"annotator {__version__}"
    assert rows["Settings"] == str(tmp_path / "home" / "settings.json")
    assert rows["Qt"] and rows["PySide6"] and rows["Python"]
    shown = dialog.text.toPlainText()
    assert "NotoSansDevanagari-Regular.ttf" in shown and "SIL Open Font License" in shown
    assert str(tmp_path / "home" / "logs") in shown


def test_report_a_problem_saves_a_zip_where_the_person_picks(window, tmp_path, monkeypatch, qtbot):
    trigger(window, "&Report a problem…")
    dialog = window.report_dialog
    target = tmp_path / "out" / "problem.zip"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "Zip (*.zip)"))
    qtbot.keyClicks(dialog.note, "labels vanished")
    assert not dialog.include_text.isChecked()  # off unless the person ticks it
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert str(target) in dialog.status.text()
    with zipfile.ZipFile(target) as zf:
        assert "document.txt" not in zf.namelist()
        summary = json.loads(zf.read("report.json"))
        everything = "".join(zf.read(n).decode("utf-8") for n in zf.namelist())
    assert summary["note"] == "labels vanished" and summary["project"]["rows"]["documents"] == 1
    assert summary["app"]["pyside6"]
    assert HINDI[:9] not in everything and "शीर्षक" not in everything

    dialog.include_text.setChecked(True)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    with zipfile.ZipFile(target) as zf:
        assert zf.read("document.txt").decode("utf-8") == HINDI


def test_a_report_that_cannot_be_written_says_why(window, tmp_path):
    trigger(window, "&Report a problem…")
    dialog = window.report_dialog
    assert dialog.save_to(tmp_path / "no-such-folder" / "r.zip") is None
    assert dialog.status.text().startswith("Not saved:")
