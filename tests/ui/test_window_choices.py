"""Who works in the window, recent projects, a work package opened by a plain start, and import reports
with every line."""

import json

from PySide6.QtWidgets import QInputDialog, QMessageBox
from sqlalchemy import select

from annotator.services.project import init_project
from annotator.settings import Settings
from annotator.store.models import Annotator, Entity
from tests.ui.test_workbench import select_keyboard, workbench  # noqa: F401 - the fixture


def test_work_as_switches_who_labels_and_is_remembered(qtbot, workbench, monkeypatch):  # noqa: F811
    from PySide6.QtCore import Qt

    window = workbench
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("lina", True))
    window.work_as_dialog()
    assert window.editor.annotator == "lina" and Settings.load().annotator == "lina"
    assert window.windowTitle().endswith("— lina")
    select_keyboard(qtbot, window, 0, 1)
    qtbot.keyClick(window.view, Qt.Key.Key_G)
    with window.project.engine.connect() as conn:
        owners = conn.execute(select(Annotator.name).join(Entity, Entity.annotator_id == Annotator.id)).all()
    assert owners == [("lina",)]


def test_gui_as_name_sets_the_annotator(monkeypatch, tmp_path):
    from annotator.ui import app

    with init_project(tmp_path / "p.annotator"):
        pass
    seen = {}

    class Window:
        def __init__(self, project, settings):
            seen["name"] = settings.annotator
            self.project = project

        def show(self):
            pass

    monkeypatch.setattr("annotator.ui.main_window.MainWindow", Window)
    monkeypatch.setattr(app.QApplication, "exec", lambda self: 0)
    monkeypatch.setattr("sys.excepthook", __import__("sys").excepthook)  # run() installs its own
    assert app.run(str(tmp_path / "p.annotator"), "meena") == 0
    assert seen["name"] == "meena" and Settings.load().annotator == "meena"


def test_recent_projects_menu_lists_the_others(qtbot, workbench, tmp_path):  # noqa: F811
    other = tmp_path / "other.annotator"
    with init_project(other):
        pass
    workbench.settings.recent_projects = [str(workbench.project.location), str(other)]
    workbench._fill_recent()
    actions = [a.text() for a in workbench.recent_menu.actions()]
    assert actions == [str(other)]
    workbench.recent_menu.actions()[0].trigger()
    assert str(workbench.project.location) == str(other)


def test_an_import_report_keeps_every_line(qtbot, workbench, tmp_path):  # noqa: F811
    bad = tmp_path / "bad.jsonl"
    bad.write_text("".join("{not json}\n" for _ in range(30)) + json.dumps({"text": "ok"}) + "\n", "utf-8")
    task = workbench.import_paths([str(bad)])
    qtbot.waitUntil(lambda: task.finished, timeout=20000)
    qtbot.waitUntil(lambda: getattr(workbench, "import_report_box", None) is not None, timeout=5000)
    box = workbench.import_report_box
    assert "… and 20 more: Show Details… lists every one" in box.text()
    assert len(box.detailedText().splitlines()) == 30
    box.close()


def test_a_plain_start_on_someone_elses_package_says_so(qtbot, tmp_path, monkeypatch):
    from annotator.services.packages import export_package
    from annotator.ui import app
    from tests.services.test_packages import TEXTS, assign

    project = init_project(tmp_path / "lead.annotator")
    src = tmp_path / "d.jsonl"
    src.write_text(
        "".join(json.dumps({"id": f"d{i}", "text": t}) + "\n" for i, t in enumerate(TEXTS)), "utf-8"
    )
    from annotator.services.importing import import_paths

    assert import_paths(project, [src]).ok
    assign(project, {"asha": [1], "ravi": [2], "meera": [3]})
    export_package(project, "ravi", tmp_path / "ravi.package")
    project.close()
    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: said.append(text))
    monkeypatch.setattr(app.QApplication, "exec", lambda self: 0)
    monkeypatch.setattr("sys.excepthook", __import__("sys").excepthook)  # run() installs its own
    Settings(annotator="asha", last_project=str(tmp_path / "ravi.package")).save()
    assert app.run() == 0
    assert len(said) == 1 and said[0].startswith("This is ravi's work package")
    for widget in app.QApplication.topLevelWidgets():  # the window run() showed
        widget.close()
        widget.deleteLater()


def test_documents_imported_elsewhere_appear_without_a_restart(qtbot, workbench, tmp_path):  # noqa: F811
    import subprocess
    import sys

    before = workbench.list_model.rowCount()
    opened = workbench.document_id
    src = tmp_path / "more.jsonl"
    src.write_text(json.dumps({"id": "new1", "text": "A document imported from the command line."}) + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "import", str(workbench.project.location), str(src), "--quiet"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    workbench._poll_documents()  # what the window's timer does every few seconds
    assert workbench.list_model.rowCount() == before + 1
    assert workbench.document_id == opened
    assert workbench.statusBar().currentMessage() == "1 new document(s) arrived in the project."
    assert workbench.poll_timer.isActive()


def test_note_and_flag_dialogs_are_finished_by_the_keyboard(qtbot):
    from PySide6.QtCore import Qt as QtKeys

    from annotator.ui.prompts import MultilineDialog

    dialog = MultilineDialog(None, "Note", "Note on this ATTACK:")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.editor, "first line")
    qtbot.keyClick(dialog.editor, QtKeys.Key.Key_Return)  # Enter: a new line, the dialog stays
    qtbot.keyClicks(dialog.editor, "second")
    assert dialog.isVisible()
    qtbot.keyClick(dialog.editor, QtKeys.Key.Key_Return, QtKeys.KeyboardModifier.ControlModifier)
    assert dialog.result() == MultilineDialog.DialogCode.Accepted
    assert dialog.text() == "first line\nsecond"


def test_the_window_opens_within_the_screen_and_the_text_has_the_room(qtbot, tmp_path):
    from PySide6.QtGui import QGuiApplication, QTextOption

    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    application()
    project = init_project(tmp_path / "p.annotator")
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps({"id": "d", "text": "छत्तीसगढ़ में नक्सली हमला " * 40}) + "\n", "utf-8")
    from annotator.services.importing import import_paths

    assert import_paths(project, [src]).ok
    window = MainWindow(project, Settings(annotator="asha"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    available = (window.screen() or QGuiApplication.primaryScreen()).availableGeometry()
    assert window.width() <= available.width() and window.height() <= available.height()
    assert window.view.width() >= 0.4 * window.width()
    assert window.view.wordWrapMode() == QTextOption.WrapMode.WordWrap  # never inside a word
    window.close()
    project.close()


def test_dialogs_open_within_the_screen(qtbot, workbench):  # noqa: F811
    from PySide6.QtGui import QGuiApplication

    from annotator.ui.adjudication_dialog import AdjudicationDialog
    from annotator.ui.agreement_dialog import AgreementDialog

    available = QGuiApplication.primaryScreen().availableGeometry()
    for dialog in (AgreementDialog(workbench.project), AdjudicationDialog(workbench.project, "lina")):
        qtbot.addWidget(dialog)
        assert dialog.width() <= available.width() and dialog.height() <= available.height()
