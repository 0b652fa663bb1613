"""The workbench's incident panel on the demo project, driven by keys: with an event active it lists the
incidents it may belong to with their reasons (across scripts: तुमड़ीपारा); Return links it to the top one,
Ctrl+Z takes the link back; n starts a new incident; u unlinks; Return on a source of a linked event opens
that document with its event active. Checked in the database."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from annotator.services import incidents as inc
from annotator.services.demo import ensure_demo_project
from annotator.services.project import open_project
from annotator.settings import Settings
from annotator.store.models import Document, Event, Incident, IncidentMention

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
SHOTS = "/tmp"


@pytest.fixture
def demo_window(qtbot):
    """The demo project's workbench, working as ``name``."""
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    application()
    made = []

    def make(name: str = "demo"):
        project = open_project(ensure_demo_project())
        window = MainWindow(project, Settings(annotator=name))
        qtbot.addWidget(window)
        window.resize(1400, 900)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        made.append(window)
        return window

    yield make
    for window in made:
        window.close()
        window.project.close()


def document_id(project, external_id: str) -> int:
    with project.engine.connect() as conn:
        return conn.scalar(select(Document.id).where(Document.external_id == external_id))


def event_of(project, external_id: str, etype: str, annotator: str = "demo") -> str:
    from annotator.store.models import Annotator

    with project.engine.connect() as conn:
        return conn.scalar(
            select(Event.id)
            .join(Document, Document.id == Event.document_id)
            .join(Annotator, Annotator.id == Event.annotator_id)
            .where(Document.external_id == external_id, Event.type == etype, Annotator.name == annotator)
        )


def mention_of(project, event_id: str) -> str | None:
    with project.engine.connect() as conn:
        return conn.scalar(select(IncidentMention.incident_id).where(IncidentMention.event_id == event_id))


def open_with_event(window, external_id: str, etype: str) -> str:
    window.open_document_id(document_id(window.project, external_id))
    event_id = event_of(window.project, external_id, etype)
    window.view.select_trigger(event_id)
    assert window.active_event == event_id
    return event_id


def sonagarh(project) -> str:
    """The demo annotator's incident told by demo-001, demo-021 and demo-022."""
    found = inc.incident_of(project, event_of(project, "demo-001", "ATTACK"))
    assert found is not None
    return found


def test_the_top_candidate_is_linked_by_keyboard_and_undo_takes_it_back(qtbot, demo_window):
    window = demo_window("demo")
    event_id = open_with_event(window, "demo-001", "DIE")
    target = sonagarh(window.project)
    panel = window.incident_panel
    assert window.incident_dock.isVisible()
    assert panel.content is not None and panel.content.incident is None
    [(candidate, incident)] = panel.content.candidates
    assert candidate.score > 0.5
    assert incident.id == target
    row = panel.list.item(0).text()
    assert "same place तुमड़ीपारा" in row and "DIE fits ATTACK" in row and "same day" in row
    assert "1 candidate" in panel.heading.text()
    window._default_docks(window.width())  # the docks' widths of a window opened at this size
    qtbot.wait(50)
    panel.grab().save(f"{SHOTS}/incident-panel-candidates.png")

    qtbot.keyClick(window, Qt.Key.Key_I, CTRL_SHIFT)
    assert panel.list.hasFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    assert mention_of(window.project, event_id) == target
    # the panel shows the incident now: its sources, the figures that disagree side by side
    assert panel.content.incident is not None and panel.content.incident.id == target
    sources = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert len(sources) == 4 and any(s.startswith("▸ demo-001") for s in sources)
    assert any("demo-021 · 2025-04-23 · killed 6, injured 2" in s for s in sources)
    assert "killed&nbsp;≠" in panel.figures.text() and panel.figures.isVisible()
    assert "Linked to incident" in window.statusBar().currentMessage()
    panel.grab().save(f"{SHOTS}/incident-panel-linked.png")

    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert mention_of(window.project, event_id) is None
    assert panel.content.incident is None and len(panel.content.candidates) == 1
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL_SHIFT)  # redo
    assert mention_of(window.project, event_id) == target

    panel.focus_list()
    qtbot.keyClick(panel.list, Qt.Key.Key_U)  # unlink
    assert mention_of(window.project, event_id) is None
    qtbot.keyClick(panel.list, Qt.Key.Key_1)  # the digit links to that candidate
    assert mention_of(window.project, event_id) == target


def test_a_new_incident_from_the_active_event(qtbot, demo_window):
    window = demo_window("demo")
    event_id = open_with_event(window, "demo-001", "STATEMENT")  # no candidate fits a statement
    panel = window.incident_panel
    assert panel.content is not None and panel.content.candidates == ()
    assert "No incident of yours fits it" in panel.heading.text()
    qtbot.keyClick(window, Qt.Key.Key_I, CTRL_SHIFT)
    qtbot.keyClick(panel.list, Qt.Key.Key_N)
    made = mention_of(window.project, event_id)
    assert made is not None and made != sonagarh(window.project)
    with window.project.engine.connect() as conn:
        row = conn.execute(select(Incident.type, Incident.date_start).where(Incident.id == made)).one()
    assert tuple(row) == ("STATEMENT", "2025-04-22")  # its fields from the event
    assert panel.content.incident is not None and panel.content.incident.id == made
    qtbot.keyClick(panel.list, Qt.Key.Key_N)  # linked already: refused, said
    assert "unlink it first" in window.statusBar().currentMessage()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert mention_of(window.project, event_id) is None
    with window.project.engine.connect() as conn:
        assert conn.scalar(select(Incident.id).where(Incident.id == made)) is None


def test_return_on_a_source_opens_its_document_with_its_event_active(qtbot, demo_window):
    window = demo_window("demo")
    open_with_event(window, "demo-001", "ATTACK")  # linked by the demo annotator
    panel = window.incident_panel
    assert panel.content.incident is not None
    qtbot.keyClick(window, Qt.Key.Key_I, CTRL_SHIFT)
    qtbot.keyClick(panel.list, Qt.Key.Key_Down)
    assert panel.current() == ("source", event_of(window.project, "demo-021", "ATTACK"))
    qtbot.keyClick(panel.list, Qt.Key.Key_Return)
    assert window.document_id == document_id(window.project, "demo-021")
    assert window.active_event == event_of(window.project, "demo-021", "ATTACK")
    assert "demo-021" in window.statusBar().currentMessage()
    # the panel follows: the same incident, its new active source marked
    assert panel.content.incident is not None
    marked = [
        panel.list.item(i).text() for i in range(panel.list.count()) if panel.list.item(i).text()[0] == "▸"
    ]
    assert len(marked) == 1 and marked[0].startswith("▸ demo-021")


def test_without_an_active_event_the_panel_says_how(qtbot, demo_window):
    window = demo_window("demo")
    window.open_document_id(document_id(window.project, "demo-002"))
    window.activate_event("")
    assert "Make an event active" in window.incident_panel.heading.text()
    qtbot.keyClick(window, Qt.Key.Key_I, CTRL_SHIFT)
    assert "Make an event active first" in window.statusBar().currentMessage()


def test_help_keys_lists_the_incident_keys(demo_window):
    window = demo_window("demo")
    window.show_keys()
    rows = window.keys_dialog.rows()
    assert ("1 … 5", "link the active event to that candidate", "the incident panel has the focus") in rows
    assert any(r[0] == "n" and "new incident" in r[1] for r in rows)
    assert any(r[0] == "m" and "merge" in r[1] and r[2] == "Project → Incidents has the focus" for r in rows)
    assert any("Incident of the active event" in r[1] and r[0] == "Ctrl+Shift+I" for r in rows)


def incident_row(project, incident_id: str) -> dict:
    with project.engine.connect() as conn:
        row = conn.execute(
            select(
                Incident.type,
                Incident.date_start,
                Incident.date_end,
                Incident.place_id,
                Incident.place_name,
                Incident.actors,
                Incident.figure_rule,
                Incident.figures,
                Incident.notes,
            ).where(Incident.id == incident_id)
        ).one()
    return dict(row._mapping)


def source_figures(project, event_id: str) -> dict:
    with project.engine.connect() as conn:
        return conn.scalar(select(IncidentMention.figures).where(IncidentMention.event_id == event_id))


def retype(qtbot, box, text: str) -> None:
    box.selectAll()
    qtbot.keyClick(box, Qt.Key.Key_Backspace)
    qtbot.keyClicks(box, text)


def test_the_incidents_fields_are_edited_by_keyboard_and_undo_restores_them(qtbot, demo_window):
    from annotator.ui.incident_dialog import IncidentFieldsDialog

    window = demo_window("demo")
    open_with_event(window, "demo-001", "ATTACK")
    target = sonagarh(window.project)
    before = incident_row(window.project, target)
    panel = window.incident_panel
    assert panel.edit_button.isVisible() and panel.figures_button.isVisible()
    qtbot.keyClick(window, Qt.Key.Key_I, CTRL_SHIFT)
    qtbot.keyClick(panel.list, Qt.Key.Key_E)
    dialog = window.incident_dialog
    assert isinstance(dialog, IncidentFieldsDialog) and dialog.isVisible()
    assert dialog.start_box.text() == before["date_start"]
    assert dialog.type_box.currentData() == before["type"]
    retype(qtbot, dialog.start_box, "2025-04-21")
    retype(qtbot, dialog.place_id_box, "Q123")
    dialog.actors_box.setPlainText("Q1 | CRPF\nMaoists")
    qtbot.keyClick(dialog.rule_box, Qt.Key.Key_End)  # the last rule: set by hand
    assert dialog.rule_box.currentData() == "manual" and dialog.manual["killed"].isEnabled()
    retype(qtbot, dialog.manual["killed"], "7")
    qtbot.keyClicks(dialog.notes_box, "checked")
    qtbot.keyClick(dialog.start_box, Qt.Key.Key_Return)  # OK
    assert not dialog.isVisible() and window.incident_dialog is None
    qtbot.waitUntil(panel.list.hasFocus)  # the keys are back in the panel
    after = incident_row(window.project, target)
    assert after["date_start"] == "2025-04-21" and after["date_end"] == before["date_end"]
    assert after["place_id"] == "Q123" and after["place_name"] == before["place_name"]
    assert after["actors"] == [{"id": "Q1", "name": "CRPF"}, {"id": "", "name": "Maoists"}]
    assert after["figure_rule"] == "manual" and after["figures"]["killed"] == 7
    assert after["notes"].endswith("checked")
    assert "changed" in window.statusBar().currentMessage()
    # the panel shows the incident as it is now
    assert panel.content.incident is not None and panel.content.incident.figure("killed") == 7
    assert "set by hand" in panel.heading.text()

    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert incident_row(window.project, target) == before
    assert panel.content.incident is not None and panel.content.incident.rule == before["figure_rule"]
    qtbot.keyClick(window, Qt.Key.Key_Z, CTRL_SHIFT)  # redo
    assert incident_row(window.project, target) == after

    # the button opens the same dialog; Escape closes it without a change
    panel.edit_button.click()
    dialog = window.incident_dialog
    assert isinstance(dialog, IncidentFieldsDialog) and dialog.isVisible()
    qtbot.keyClick(dialog.start_box, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert incident_row(window.project, target) == after


def test_a_bad_date_keeps_the_dialog_open_with_the_message(qtbot, demo_window):
    window = demo_window("demo")
    open_with_event(window, "demo-001", "ATTACK")
    target = sonagarh(window.project)
    before = incident_row(window.project, target)
    steps = window.undo_stack.count()
    qtbot.keyClick(window, Qt.Key.Key_I, CTRL_SHIFT)
    qtbot.keyClick(window.incident_panel.list, Qt.Key.Key_E)
    dialog = window.incident_dialog
    assert dialog is not None

    retype(qtbot, dialog.start_box, "2025-04-31")
    qtbot.keyClick(dialog.start_box, Qt.Key.Key_Return)
    assert dialog.isVisible() and window.incident_dialog is dialog
    assert dialog.error.isVisible()
    assert dialog.error.text() == "date_start: '2025-04-31' is not a date (YYYY-MM-DD)"

    retype(qtbot, dialog.start_box, "2025-05-01")
    retype(qtbot, dialog.end_box, "2025-04-24")
    qtbot.keyClick(dialog.end_box, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.error.text() == "date_start is after date_end"

    qtbot.keyClick(dialog.rule_box, Qt.Key.Key_End)
    retype(qtbot, dialog.start_box, "2025-04-22")
    retype(qtbot, dialog.manual["injured"], "-2")
    qtbot.keyClick(dialog.start_box, Qt.Key.Key_Return)
    assert dialog.isVisible() and "injured must be a whole number >= 0" in dialog.error.text()
    retype(qtbot, dialog.manual["injured"], "two")
    qtbot.keyClick(dialog.start_box, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.error.text() == "injured: 'two' is not a whole number"
    assert incident_row(window.project, target) == before and window.undo_stack.count() == steps

    retype(qtbot, dialog.manual["injured"], "3")
    qtbot.keyClick(dialog.start_box, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert incident_row(window.project, target)["figures"] == {"injured": 3}
    assert window.undo_stack.count() == steps + 1


def test_the_figures_a_source_gives_are_edited_and_undone(qtbot, demo_window):
    from annotator.ui.incident_dialog import SourceFiguresDialog

    window = demo_window("demo")
    open_with_event(window, "demo-001", "ATTACK")
    panel = window.incident_panel
    source = event_of(window.project, "demo-021", "ATTACK")
    before = source_figures(window.project, source)
    assert before == {"killed": 6, "injured": 2}
    qtbot.keyClick(window, Qt.Key.Key_I, CTRL_SHIFT)
    qtbot.keyClick(panel.list, Qt.Key.Key_Down)
    assert panel.current() == ("source", source)
    qtbot.keyClick(panel.list, Qt.Key.Key_F)
    dialog = window.incident_dialog
    assert isinstance(dialog, SourceFiguresDialog) and dialog.mention.event_id == source
    assert dialog.boxes["killed"].text() == "6" and dialog.boxes["arrested"].text() == ""

    retype(qtbot, dialog.boxes["killed"], "-5")
    qtbot.keyClick(dialog.boxes["killed"], Qt.Key.Key_Return)
    assert dialog.isVisible() and "killed must be a whole number >= 0" in dialog.error.text()
    assert source_figures(window.project, source) == before

    retype(qtbot, dialog.boxes["killed"], "5")
    qtbot.keyClicks(dialog.boxes["arrested"], "4")
    qtbot.keyClick(dialog.boxes["killed"], Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert source_figures(window.project, source) == {"killed": 5, "injured": 2, "arrested": 4}
    rows = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert any("demo-021 · 2025-04-23 · killed 5, injured 2, arrested 4" in r for r in rows)

    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert source_figures(window.project, source) == before


def up(dock) -> bool:
    """A dock can be seen (one under another tab is "visible" to Qt, moved out of sight)."""
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


def test_the_incident_dock_is_a_tab_beside_the_documents_and_comes_up_with_an_event(qtbot, demo_window):
    window = demo_window("demo")
    assert window.incident_dock in window.tabifiedDockWidgets(window.list_dock)
    assert up(window.list_dock) and not up(window.incident_dock)
    assert window.list_view.height() > window.height() // 2  # the list keeps the column's height
    window.open_document_id(document_id(window.project, "demo-001"))
    assert up(window.list_dock)
    event_id = event_of(window.project, "demo-001", "ATTACK")
    window.view.select_trigger(event_id)
    assert up(window.incident_dock) and not up(window.list_dock)
    assert window.incident_panel.content is not None and window.incident_panel.content.incident is not None
    window.activate_event("")  # none active: the Documents list comes back
    assert up(window.list_dock) and not up(window.incident_dock)

    # Ctrl+Shift+I brings the tab up and gives its list the keys
    window.view.select_trigger(event_id)
    window.list_dock.raise_()
    assert not up(window.incident_dock)
    qtbot.keyClick(window, Qt.Key.Key_I, CTRL_SHIFT)
    assert up(window.incident_dock) and window.incident_panel.list.hasFocus()


def test_a_saved_layout_is_restored_as_it_was(qtbot):
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    application()
    settings = Settings(annotator="demo")
    project = open_project(ensure_demo_project())
    window = MainWindow(project, settings)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    # the layout before the Incident dock became a tab: below the Documents list
    window.removeDockWidget(window.incident_dock)
    window.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, window.incident_dock, Qt.Orientation.Vertical)
    window.incident_dock.show()
    assert not window.tabifiedDockWidgets(window.incident_dock)
    window._remember_layout()
    window.close()
    project.close()

    project = open_project(ensure_demo_project())
    again = MainWindow(project, settings)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    try:
        assert not again.tabifiedDockWidgets(again.incident_dock)  # still below the list, as saved
        assert up(again.incident_dock) and up(again.list_dock)
        again.open_document_id(document_id(project, "demo-001"))
        again.view.select_trigger(event_of(project, "demo-001", "ATTACK"))
        assert up(again.list_dock)  # nothing raised over the list in a layout of one's own
    finally:
        again.close()
        project.close()
