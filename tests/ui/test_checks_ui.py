"""Team → Mark as check document (issue 18): a lead marks (and unmarks) the open document through the
menu; an annotator is refused without being told whether the document is one (blind)."""

from PySide6.QtGui import QAction

from annotator.services.checks import list_checks, mark_checks
from annotator.settings import Settings
from tests.services.test_checks import ids
from tests.services.test_checks import team_project as team_project  # the fixture


def menu_action(window, text):
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            if action.text() == text:
                return action
    raise AssertionError(f"no menu entry {text!r}")


def settle(qtbot, window):
    """The background work the documents opened started (suggestions) finished before the window goes."""
    qtbot.waitUntil(lambda: all(task.finished for task in window._tasks), timeout=30_000)


def window_as(qtbot, project, name):
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    application()
    window = MainWindow(project, Settings(annotator=name))
    qtbot.addWidget(window)
    window.show()
    return window


def test_a_lead_marks_the_open_document_as_a_check(qtbot, team_project):
    window = window_as(qtbot, team_project, "lead")
    entry = menu_action(window, "Mark as &check document (lead)")
    assert isinstance(entry, QAction)
    window.open_document_id(ids(team_project)["d1"])
    entry.trigger()  # no gold: refused, one line
    assert "d1 has no adjudicated gold" in window.statusBar().currentMessage()
    assert list_checks(team_project) == []
    window.open_document_id(ids(team_project)["c1"])
    entry.trigger()
    assert "c1 is a check document now" in window.statusBar().currentMessage()
    assert [(c.external_id, c.marked_by) for c in list_checks(team_project)] == [("c1", "lead")]
    entry.trigger()  # again: unmarked
    assert "c1 is no longer a check document" in window.statusBar().currentMessage()
    assert list_checks(team_project) == []
    settle(qtbot, window)
    window.close()


def test_an_annotator_is_refused_and_told_nothing(qtbot, team_project):
    mark_checks(team_project, ["c1"])
    window = window_as(qtbot, team_project, "meena")
    for name in ("c1", "c2"):  # a check and a document that is not one: the same answer
        window.open_document_id(ids(team_project)[name])
        menu_action(window, "Mark as &check document (lead)").trigger()
        assert window.statusBar().currentMessage() == "Not done: only a lead marks check documents."
    assert [c.external_id for c in list_checks(team_project)] == ["c1"]
    settle(qtbot, window)
    window.close()
