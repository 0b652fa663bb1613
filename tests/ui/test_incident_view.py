"""Project → Incidents on the demo project (a lead's): the table lists every incident with its dates, place,
number of sources, figures by rule and a ≠ where the sources disagree; the filters keep what they say; m
merges the two selected incidents (one undo step, Ctrl+Z in the view); s splits the selected sources off;
Return opens a source's document with its event active. Annotators are refused politely. Checked in the
database and on the widgets; the timeline is painted."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from sqlalchemy import select

from annotator.services import incidents as inc
from annotator.services.team import add_annotator
from annotator.store.models import Incident, IncidentMention
from tests.ui.test_incident_panel import SHOTS, demo_window, document_id, event_of, mention_of  # noqa: F401


def open_view(qtbot, window):
    dialog = window.show_incidents()
    assert dialog is not None
    qtbot.waitUntil(lambda: not dialog.loading, timeout=10000)
    return dialog


def row_of(dialog, incident_id: str) -> int:
    return next(r for r, i in enumerate(dialog.model.rows) if i.id == incident_id)


def cell(dialog, row: int, col: int) -> str:
    value = dialog.model.data(dialog.model.index(row, col))
    return "" if value is None else str(value)


def select_rows(dialog, rows: list[int]) -> None:
    selection = dialog.table.selectionModel()
    selection.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for n, row in enumerate(rows):
        index = dialog.model.index(row, 0)
        if n == 0:
            selection.setCurrentIndex(index, flags)
        else:
            selection.select(index, flags)


def test_an_annotator_is_refused_politely(demo_window):  # noqa: F811
    window = demo_window("demo")
    assert window.show_incidents() is None
    assert "for adjudicators and leads" in window.statusBar().currentMessage()


def test_the_view_lists_the_demo_incident_with_its_conflict_and_filters(qtbot, demo_window):  # noqa: F811
    window = demo_window("demo")
    add_annotator(window.project, "demo", "lead")
    dialog = open_view(qtbot, window)
    assert dialog.model.rowCount() == 3 and dialog.heading.text().startswith("3 incidents")
    sonagarh = inc.incident_of(window.project, event_of(window.project, "demo-001", "ATTACK"))
    row = row_of(dialog, sonagarh)
    assert cell(dialog, row, 0) == "≠"  # the sources give 5 and 6 killed
    assert cell(dialog, row, 1) == sonagarh[:8]
    assert cell(dialog, row, 2) == "2025-04-22 – 2025-04-24"
    assert (cell(dialog, row, 3), cell(dialog, row, 4), cell(dialog, row, 5)) == ("ATTACK", "तुमड़ीपारा", "3")
    assert (cell(dialog, row, 6), cell(dialog, row, 7), cell(dialog, row, 8)) == ("6", "2", "")
    assert cell(dialog, row, 9) == "demo"
    assert "5 (demo-001) | 6 (demo-021) | 6 (demo-022)" in dialog.model.data(
        dialog.model.index(row, 6), Qt.ItemDataRole.ToolTipRole
    )
    meera = [r for r in range(3) if cell(dialog, r, 9) == "meera"]
    assert len(meera) == 2 and all(cell(dialog, r, 0) == "" for r in meera)
    # the sources of the selected incident, with snippets
    select_rows(dialog, [row])
    assert dialog.sources.count() == 3
    assert "«विस्फोट»" in dialog.sources.item(0).text() and "demo-001" in dialog.sources.item(0).text()
    assert "killed" in dialog.figures.text()

    dialog.disagree_box.setChecked(True)
    assert [i.id for i in dialog.model.rows] == [sonagarh]
    dialog.disagree_box.setChecked(False)
    dialog.place_box.setText("तुमड़ी")  # text in the place's name (keyClicks types ASCII only)
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)
    assert {cell(dialog, r, 4) for r in range(2)} == {"तुमड़ीपारा"}
    dialog.place_box.clear()
    qtbot.keyClicks(dialog.place_box, "Tumripara")  # the same place across scripts: all three
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3)
    dialog.place_box.clear()
    qtbot.keyClicks(dialog.place_box, "Pahalgam")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 0)
    dialog.place_box.clear()
    qtbot.keyClicks(dialog.from_box, "2025-04-23")
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 2)  # ends on or after the 23rd
    qtbot.keyClicks(dialog.to_box, "2025-04-2x")
    qtbot.wait(300)
    assert "not used: '2025-04-2x' is not a date" in dialog.heading.text()
    dialog.to_box.clear()
    dialog.from_box.clear()
    qtbot.waitUntil(lambda: dialog.model.rowCount() == 3)
    dialog.annotator_box.setCurrentIndex(dialog.annotator_box.findData("meera"))
    assert dialog.model.rowCount() == 2
    dialog.annotator_box.setCurrentIndex(0)
    dialog.type_box.setCurrentIndex(dialog.type_box.findData("ARREST"))
    assert dialog.model.rowCount() == 0 and "No dated incident" not in dialog.heading.text()
    dialog.type_box.setCurrentIndex(0)
    assert dialog.timeline.days == {"2025-04-22": {"ATTACK": 2}, "2025-04-23": {"ATTACK": 1}}
    select_rows(dialog, [row])
    dialog.resize(1200, 760)
    qtbot.wait(50)
    dialog.grab().save(f"{SHOTS}/incident-view.png")
    dialog.timeline.grab().save(f"{SHOTS}/incident-timeline.png")


def test_merge_two_incidents_from_the_view_and_undo(qtbot, demo_window):  # noqa: F811
    window = demo_window("meera")
    add_annotator(window.project, "meera", "lead")
    dialog = open_view(qtbot, window)
    dialog.annotator_box.setCurrentIndex(dialog.annotator_box.findData("meera"))
    first = inc.incident_of(window.project, event_of(window.project, "demo-001", "ATTACK", "meera"))
    second = inc.incident_of(window.project, event_of(window.project, "demo-021", "ATTACK", "meera"))
    select_rows(dialog, [row_of(dialog, first), row_of(dialog, second)])
    assert "m merges them" in dialog.sources_heading.text()
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_M)
    with window.project.engine.connect() as conn:
        assert conn.scalar(select(Incident.id).where(Incident.id == second)) is None
        moved = set(
            conn.scalars(
                select(IncidentMention.incident_id).where(
                    IncidentMention.event_id.in_(
                        [event_of(window.project, d, "ATTACK", "meera") for d in ("demo-001", "demo-021")]
                    )
                )
            )
        )
    assert moved == {first}  # into the older one
    qtbot.waitUntil(lambda: not dialog.loading and dialog.model.rowCount() == 1)
    assert cell(dialog, 0, 5) == "2" and cell(dialog, 0, 0) == "≠"  # one says 5 killed, the other 6
    assert "merged into" in dialog.status.text()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo, in the view
    with window.project.engine.connect() as conn:
        assert conn.scalar(select(Incident.id).where(Incident.id == second)) == second
    qtbot.waitUntil(lambda: not dialog.loading and dialog.model.rowCount() == 2)


def test_split_sources_off_and_open_a_source(qtbot, demo_window):  # noqa: F811
    window = demo_window("demo")
    add_annotator(window.project, "demo", "lead")
    dialog = open_view(qtbot, window)
    sonagarh = inc.incident_of(window.project, event_of(window.project, "demo-001", "ATTACK"))
    select_rows(dialog, [row_of(dialog, sonagarh)])
    assert dialog.sources.count() == 3
    # Return on the second source opens its document with its event active
    dialog.sources.setFocus()
    dialog.sources.setCurrentRow(1)
    qtbot.keyClick(dialog.sources, Qt.Key.Key_Return)
    claimed = event_of(window.project, "demo-021", "ATTACK")
    assert window.document_id == document_id(window.project, "demo-021")
    assert window.active_event == claimed
    # s: the selected source (demo-022's report) goes to a new incident
    dialog.sources.setCurrentRow(2)
    later = event_of(window.project, "demo-022", "ATTACK")
    assert dialog.selected_sources() == [later]
    qtbot.keyClick(dialog.sources, Qt.Key.Key_S)
    split_to = mention_of(window.project, later)
    assert split_to not in (None, sonagarh)
    assert mention_of(window.project, claimed) == sonagarh
    qtbot.waitUntil(lambda: not dialog.loading and dialog.model.rowCount() == 4)
    qtbot.keyClick(dialog.sources, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert mention_of(window.project, later) == sonagarh


def test_thirty_thousand_incidents_open_without_a_pause(qtbot, demo_window, tmp_path):  # noqa: F811
    """The table is a model over the list: showing 30,000 rows (and the timeline) takes a moment, not
    seconds (the reading is off the GUI thread)."""
    import time

    from annotator.ui.incident_view import IncidentViewDialog

    base = inc.incident_summaries(demo_window("demo").project)[0]
    from dataclasses import replace
    from datetime import date, timedelta

    many = [
        replace(base, id=f"{n:08d}-x", date_start=(date(2024, 1, 1) + timedelta(days=n % 730)).isoformat())
        for n in range(30_000)
    ]
    dialog = IncidentViewDialog(["ATTACK"], {}, None)
    qtbot.addWidget(dialog)
    dialog.show()
    started = time.perf_counter()
    dialog.set_incidents(many)
    qtbot.wait(1)
    took = time.perf_counter() - started
    assert dialog.model.rowCount() == 30_000
    assert took < 1.0, took


def test_e_in_the_view_edits_the_selected_incident_and_undo_restores_it(qtbot, demo_window):  # noqa: F811
    from annotator.ui.incident_dialog import IncidentFieldsDialog, SourceFiguresDialog

    window = demo_window("demo")
    add_annotator(window.project, "demo", "lead")
    dialog = open_view(qtbot, window)
    sonagarh = inc.incident_of(window.project, event_of(window.project, "demo-001", "ATTACK"))
    select_rows(dialog, [row_of(dialog, sonagarh)])
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_E)
    fields = window.incident_dialog
    assert isinstance(fields, IncidentFieldsDialog) and fields.incident.id == sonagarh
    assert fields.end_box.text() == "2025-04-24" and fields.place_name_box.text() == "तुमड़ीपारा"
    fields.end_box.selectAll()
    qtbot.keyClicks(fields.end_box, "2025-04-2")
    qtbot.keyClick(fields.end_box, Qt.Key.Key_Return)
    assert fields.isVisible() and "date_end: '2025-04-2' is not a date" in fields.error.text()
    qtbot.keyClicks(fields.end_box, "6")
    qtbot.keyClick(fields.end_box, Qt.Key.Key_Return)
    assert not fields.isVisible()
    with window.project.engine.connect() as conn:
        assert conn.scalar(select(Incident.date_end).where(Incident.id == sonagarh)) == "2025-04-26"
    qtbot.waitUntil(
        lambda: not dialog.loading and cell(dialog, row_of(dialog, sonagarh), 2).endswith("04-26")
    )

    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.table.hasFocus()  # the keys are back in the view's table
    qtbot.keyClick(dialog.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo, in the view
    with window.project.engine.connect() as conn:
        assert conn.scalar(select(Incident.date_end).where(Incident.id == sonagarh)) == "2025-04-24"
    qtbot.waitUntil(
        lambda: not dialog.loading and cell(dialog, row_of(dialog, sonagarh), 2).endswith("04-24")
    )

    # f on a source in the view: the figures it gives
    select_rows(dialog, [row_of(dialog, sonagarh)])
    dialog.sources.setFocus()
    dialog.sources.setCurrentRow(1)
    event_id = dialog.sources.currentItem().data(Qt.ItemDataRole.UserRole)
    qtbot.keyClick(dialog.sources, Qt.Key.Key_F)
    figures = window.incident_dialog
    assert isinstance(figures, SourceFiguresDialog) and figures.mention.event_id == event_id
    figures.boxes["arrested"].setFocus()
    qtbot.keyClicks(figures.boxes["arrested"], "9")
    qtbot.keyClick(figures.boxes["arrested"], Qt.Key.Key_Return)
    assert not figures.isVisible()
    with window.project.engine.connect() as conn:
        given = conn.scalar(select(IncidentMention.figures).where(IncidentMention.event_id == event_id))
    assert given["arrested"] == 9
