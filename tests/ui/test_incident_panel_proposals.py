"""Stored link proposals in the workbench's Incident panel (issue 17): shown for the active event apart
from its links and candidates (★, first), a accepts (the event is linked), r rejects (not proposed again),
each one undo step; p proposes links for all the person's unlinked events."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.services import incidents as inc
from tests.ui.test_incident_panel import demo_window, mention_of, open_with_event, sonagarh  # noqa: F401

CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_a_proposal_is_accepted_and_rejected_by_keyboard(qtbot, demo_window):  # noqa: F811
    window = demo_window("demo")
    inc.store_proposals(window.project, "demo")
    event_id = open_with_event(window, "demo-001", "DIE")
    panel = window.incident_panel
    assert panel.content is not None and len(panel.content.proposals) == 1
    rows = [panel.list.item(i).text() for i in range(panel.list.count())]
    assert rows[0].startswith("★ proposed") and "DIE fits ATTACK" in rows[0] and "a accepts" in rows[0]
    assert rows[1].startswith("1  ")  # the candidates follow, numbered apart
    qtbot.keyClick(window, Qt.Key.Key_I, CTRL_SHIFT)
    assert panel.list.hasFocus()
    qtbot.keyClick(panel.list, Qt.Key.Key_A)
    assert mention_of(window.project, event_id) == sonagarh(window.project)
    assert "Linked to the proposed incident" in window.statusBar().currentMessage()
    assert panel.content.incident is not None and panel.content.proposals == ()
    qtbot.keyClick(
        window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
    )  # undo: unlinked, proposed again
    assert mention_of(window.project, event_id) is None
    assert len(panel.content.proposals) == 1
    panel.focus_list()
    qtbot.keyClick(panel.list, Qt.Key.Key_R)
    assert mention_of(window.project, event_id) is None
    assert panel.content.proposals == () and not panel.list.item(0).text().startswith("★")
    assert "rejected" in window.statusBar().currentMessage()
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(panel.content.proposals) == 1


def test_p_proposes_links_for_all_unlinked_events(qtbot, demo_window):  # noqa: F811
    window = demo_window("demo")
    event_id = open_with_event(window, "demo-001", "INJURE")
    panel = window.incident_panel
    assert panel.content is not None and panel.content.proposals == ()
    panel.focus_list()
    qtbot.keyClick(panel.list, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: bool(panel.content.proposals), timeout=20_000)
    assert "12 incident link proposals" in window.statusBar().currentMessage()
    assert panel.content.proposals[0][0].event_id == event_id
