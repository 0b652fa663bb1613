"""Adjudicating incident links in Project → Incidents (issue 17), on the demo project with gold events made
by the rule: beside the selected incident, the other annotators' and gold's incidents over its documents;
g puts an annotator's incident into gold (one undo step, Ctrl+Z in the view), refused with the reason when
a gold event is missing; A links every incident into gold by the chosen policy, undone by Ctrl+Z."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.services import incidents as inc
from annotator.services.adjudication import GOLD, auto_adjudicate
from annotator.services.team import add_annotator
from tests.ui.test_incident_panel import demo_window, event_of  # noqa: F401
from tests.ui.test_incident_view import open_view, row_of, select_rows


def gold_incidents(project) -> list[inc.IncidentView]:
    return inc.list_incidents(project, annotator=GOLD)


def lead_view(qtbot, demo_window):  # noqa: F811
    window = demo_window("demo")
    add_annotator(window.project, "demo", "lead")
    auto_adjudicate(window.project, "min:1", include_unfinished=True)  # gold events of demo-001 and -021
    return window, open_view(qtbot, window)


def test_an_annotators_incident_into_gold_by_g_and_back_by_ctrl_z(qtbot, demo_window):  # noqa: F811
    window, dialog = lead_view(qtbot, demo_window)
    project = window.project
    meeras = inc.incident_of(project, event_of(project, "demo-001", "ATTACK", "meera"))
    demos = inc.incident_of(project, event_of(project, "demo-001", "ATTACK"))
    select_rows(dialog, [row_of(dialog, meeras)])
    # beside it: demo's incident over the same report, and what it adds
    lines = [dialog.beside.item(i).text() for i in range(dialog.beside.count())]
    assert lines == [f"demo · {demos[:8]} · 1 the same; adds demo-021, demo-022"]
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_G)
    [gold] = gold_incidents(project)
    assert [m.external_id for m in gold.mentions] == ["demo-001"]
    assert "is in gold as" in dialog.status.text()
    qtbot.waitUntil(lambda: not dialog.loading and any(i.annotator == GOLD for i in dialog.model.rows))
    # gold now stands beside demo's incident too
    select_rows(dialog, [row_of(dialog, demos)])
    qtbot.waitUntil(lambda: dialog.beside.count() == 3)
    assert dialog.beside.item(0).text().startswith(f"gold · {gold.id[:8]} · 1 the same")
    qtbot.keyClick(dialog.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo, in the view
    assert gold_incidents(project) == []
    qtbot.waitUntil(lambda: not dialog.loading and all(i.annotator != GOLD for i in dialog.model.rows))


def test_refused_with_one_line_when_a_gold_event_is_missing(qtbot, demo_window):  # noqa: F811
    window, dialog = lead_view(qtbot, demo_window)
    project = window.project
    demos = inc.incident_of(project, event_of(project, "demo-001", "ATTACK"))
    select_rows(dialog, [row_of(dialog, demos)])
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_G)  # its third report (demo-022) has no gold events
    assert gold_incidents(project) == []
    assert "Not done: no gold ATTACK event «हमले» in demo-022" in dialog.status.text()
    assert window.undo_stack.count() == 0


def test_adjudicate_all_by_a_policy_with_a_and_undo(qtbot, demo_window):  # noqa: F811
    window, dialog = lead_view(qtbot, demo_window)
    project = window.project
    dialog.policy_box.setCurrentIndex(dialog.policy_box.findData("min:1"))
    dialog.table.setFocus()
    qtbot.keyClicks(dialog.table, "A")  # Shift+A types "A"
    [gold] = gold_incidents(project)
    assert gold.notes == "adjudicated: min:1"
    assert sorted(m.external_id for m in gold.mentions) == ["demo-001", "demo-021"]
    assert "Incidents adjudicated by min:1: 1 gold incident(s)" in dialog.status.text()
    assert window.undo_stack.count() == 1
    qtbot.keyClick(dialog.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold_incidents(project) == []
    qtbot.keyClick(
        dialog.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert [i.id for i in gold_incidents(project)] == [gold.id]


def test_the_table_shows_the_admin_areas_of_the_place(qtbot, demo_window):  # noqa: F811
    from dataclasses import replace

    from annotator.ui.incident_view import AREAS, COLUMNS, IncidentViewDialog
    from tests.ui.test_incident_view import cell

    base = inc.incident_summaries(demo_window("demo").project)[0]
    pahalgam = replace(base, id="p", place_name="पहलगाम", admin=inc.admin_areas(None, "पहलगाम"))
    nowhere = replace(base, id="n", place_name="तुमड़ीपारा", admin=inc.admin_areas(None, "तुमड़ीपारा"))
    dialog = IncidentViewDialog(["ATTACK"], {}, None)
    qtbot.addWidget(dialog)
    dialog.set_incidents([pahalgam, nowhere])
    assert COLUMNS[AREAS] == "Admin areas"
    assert cell(dialog, 0, AREAS) == "India › Jammu and Kashmir › Anantnag" and cell(dialog, 1, AREAS) == ""
    dialog.place_box.setText("Anantnag")  # an area finds the places in it
    qtbot.waitUntil(lambda: [i.id for i in dialog.model.rows] == ["p"])
