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
