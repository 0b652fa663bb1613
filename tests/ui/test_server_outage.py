"""A team server that restarts or goes away: no driver traceback, nothing acknowledged lost, the next
action after the restart works (a real PostgreSQL server stopped and started), and a refused command never
enters the undo stack."""

import json
import time

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from annotator.errors import AnnotatorError
from annotator.services.annotate import Command
from annotator.services.importing import import_paths
from annotator.services.project import init_project
from annotator.settings import Settings
from annotator.store.models import Entity
from tests import pg
from tests.ui.test_workbench import select_keyboard

TEXT = "पहलगाम में हमला हुआ। Delhi police said LeT was behind it."


def _window(qtbot, location, tmp_path):
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    application()
    project = init_project(location)
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps({"id": "d1", "text": TEXT}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_paths(project, [src]).ok
    window = MainWindow(project, Settings(annotator="asha"))
    qtbot.addWidget(window)
    return window


def _labels(window):
    with window.project.engine.connect() as conn:
        return conn.execute(select(Entity.start, Entity.label).order_by(Entity.start)).all()


class Refused(Command):
    text = "refused"

    def apply(self, editor):
        raise AnnotatorError("not allowed here")

    def revert(self, editor):  # pragma: no cover - never reached
        raise AssertionError("a refused command was undone")


def test_a_refused_command_never_enters_the_undo_stack(qtbot, tmp_path):
    window = _window(qtbot, tmp_path / "p.annotator", tmp_path)
    before = window.undo_stack.count()
    window.run(Refused())  # said in the status line (no dialog to dismiss), nothing pushed
    assert window.undo_stack.count() == before
    assert window.statusBar().currentMessage() == "Not done: not allowed here"
    window.undo_stack.undo()  # nothing of the refused command to undo


@pytest.mark.postgresql
def test_labelling_through_a_server_outage_and_restart(qtbot, tmp_path, pg_url):
    window = _window(qtbot, pg_url, tmp_path)
    view = window.view
    select_keyboard(qtbot, window, 0, 1)
    qtbot.keyClick(view, Qt.Key.Key_G)  # पहलगाम GPE, saved
    assert _labels(window) == [(0, "GPE")]
    pushed = window.undo_stack.count()
    pg.CONTROL["stop"]()
    try:
        time.sleep(10)  # an outage of 10 s
        delhi = TEXT.index("Delhi")
        select_keyboard(qtbot, window, delhi, 1)
        qtbot.keyClick(view, Qt.Key.Key_G)  # fails: one line in the window, nothing pushed, no traceback
        message = window.statusBar().currentMessage()
        assert message.startswith("The database server is unreachable (")
        assert "nothing that was saved before is lost" in message
        assert window.undo_stack.count() == pushed
    finally:
        pg.CONTROL["start"]()
    # after the restart the same window works again, on the same engine
    select_keyboard(qtbot, window, TEXT.index("Delhi"), 1)
    qtbot.keyClick(view, Qt.Key.Key_G)
    assert _labels(window) == [(0, "GPE"), (TEXT.index("Delhi"), "GPE")]
    window.close()
    window.project.close()


@pytest.mark.postgresql
def test_the_cli_says_the_server_is_unreachable_in_one_line(tmp_path, pg_url, capsys):
    from annotator.cli import main

    with init_project(pg_url):
        pass
    pg.CONTROL["stop"]()
    try:
        assert main(["stats", pg_url]) == 1
    finally:
        pg.CONTROL["start"]()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "the database server is unreachable" in err and "Traceback" not in err
    assert main(["stats", pg_url]) == 0


def test_a_saved_change_whose_refresh_fails_is_not_reported_as_failed(qtbot, tmp_path, monkeypatch):
    import psycopg
    from sqlalchemy.exc import OperationalError

    from annotator.services.annotate import AddSpans

    window = _window(qtbot, tmp_path / "p.annotator", tmp_path)

    def down(change):
        raise OperationalError("SELECT 1", {}, psycopg.OperationalError("server closed the connection"))

    monkeypatch.setattr(window, "_on_change", down)
    window.run(AddSpans(1, [(0, 7, "GPE")]))
    assert _labels(window) == [(0, "GPE")]
    assert window.undo_stack.count() == 1  # it was saved: undo can take it back
    assert window.statusBar().currentMessage().startswith("Saved. The view could not be refreshed")
