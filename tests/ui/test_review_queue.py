"""The schema review queue in the workbench: after a split, the open document's queued annotations of the
person are listed; Up/Down select one (and the text selects it), a digit gives it a choice, Enter keeps the
proposed type; the project-wide list opens a document. Checked in the database."""

from PySide6.QtCore import Qt
from sqlalchemy import select

from annotator.schema import default_schema
from annotator.schema.evolution import parse_mapping
from annotator.services import schema_change
from annotator.store.models import Entity
from tests.ui.test_schema_dialog import SECOND, TEXT, make_window  # noqa: F401


def split_loc(window) -> None:
    """LOC becomes LOC|GPE (as a lead's apply would do), then the window reloads its schema."""
    schema_change.apply(window.project, default_schema(), parse_mapping(splits=["LOC=LOC|GPE"]))
    window.reload_schema()


def label_of(window, entity_id: str) -> str:
    with window.project.session() as s:
        return s.scalar(select(Entity.label).where(Entity.id == entity_id))


def test_the_review_list_picks_choices_by_keyboard(qtbot, make_window):  # noqa: F811
    window = make_window("asha")
    window.open_document_id(1)
    assert not window.review_dock.isVisible()  # nothing queued yet
    split_loc(window)
    assert window.document_id == 1
    panel = window.review_panel
    assert window.review_dock.isVisible()
    assert [i.surface for i in panel.items] == ["पहलगाम", "पहाड़ी इलाके"]  # asha's only, this document's
    assert all(i.annotator == "asha" for i in panel.items)
    assert "await" in window.statusBar().currentMessage()
    pahalgam, hills = panel.items
    assert pahalgam.label == "GPE" and hills.label == "LOC"  # proposed by the rule, or kept
    row = panel.list.item(0).text()
    assert "«पहलगाम»" in row and "1 LOC" in row and "2 GPE ✓" in row and pahalgam.reason in row

    qtbot.keyClick(
        window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert panel.list.hasFocus()
    assert window.view.selected_span_id() == pahalgam.id  # the text selects the current one
    qtbot.keyClick(panel.list, Qt.Key.Key_Down)
    assert window.view.selected_span_id() == hills.id
    qtbot.keyClick(panel.list, Qt.Key.Key_Up)
    assert window.view.selected_span_id() == pahalgam.id
    qtbot.keyClick(panel.list, Qt.Key.Key_3)  # there are two choices: nothing happens
    assert len(panel.items) == 2 and label_of(window, pahalgam.id) == "GPE"

    qtbot.keyClick(panel.list, Qt.Key.Key_1)  # पहलगाम: LOC, not the proposed GPE
    assert label_of(window, pahalgam.id) == "LOC"
    assert [i.id for i in panel.items] == [hills.id]  # it left the list; the next one is current
    assert panel.list.hasFocus() and window.view.selected_span_id() == hills.id
    assert next(s.label for s in window.view.spans() if s.id == pahalgam.id) == "LOC"  # the view too
    assert "«पहलगाम» is LOC now; 1 left here." in window.statusBar().currentMessage()

    qtbot.keyClick(panel.list, Qt.Key.Key_Return)  # पहाड़ी इलाके keeps the proposed LOC
    assert label_of(window, hills.id) == "LOC"
    assert panel.items == [] and not window.review_dock.isVisible()
    assert window.view.hasFocus()
    remaining = schema_change.review_queue(window.project)
    assert {i.annotator for i in remaining} == {"meera"}  # meera's are hers to review


def test_the_project_queue_opens_the_document_of_an_item(qtbot, make_window):  # noqa: F811
    window = make_window("meera")
    window.open_document_id(1)
    split_loc(window)
    dialog = window.show_review_queue()
    assert dialog.list.count() == 4  # meera's: two in each document
    assert "4 annotation(s) in 2 document(s)" in dialog.heading.text()
    dialog.list.setCurrentRow(2)
    target = dialog.items[2]
    assert target.external_id == "d2"
    dialog.list.setFocus()
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert window.document_id == target.document_id and window.view.text == SECOND
    assert window.review_panel.current().id == target.id
    qtbot.waitUntil(window.review_panel.list.hasFocus)  # once the window is active again
    assert window.view.selected_span_id() == target.id
    qtbot.waitUntil(lambda: window.review_dock.width() >= 300)  # three-line rows get room
    assert window.review_dock.height() >= 260
    window.review_panel.grab().save("/tmp/review-panel.png")
    qtbot.keyClick(window.review_panel.list, Qt.Key.Key_2)
    assert label_of(window, target.id) == "GPE"


def test_deleting_a_queued_label_takes_it_off_the_list_and_undo_brings_it_back(qtbot, make_window):  # noqa: F811
    window = make_window("asha")
    window.open_document_id(1)
    split_loc(window)
    first = window.review_panel.items[0]
    window.view.select_span(first.id)
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_Delete)
    assert first.id not in [i.id for i in window.review_panel.items]
    window.undo_stack.undo()
    assert first.id in [i.id for i in window.review_panel.items]


def test_someone_elses_labels_shown_read_only_have_no_review_list(qtbot, make_window):  # noqa: F811
    window = make_window("meera")
    window.open_document_id(1)
    split_loc(window)
    assert window.review_dock.isVisible()
    window.show_labels_of("asha")
    assert not window.review_dock.isVisible() and window.review_panel.items == []


def test_a_queued_event_is_made_active_and_retyped_by_a_digit(qtbot, make_window, tmp_path):  # noqa: F811
    import json

    from annotator.services.importing import import_paths

    window = make_window("asha")
    text = "कुपवाड़ा में सेना की चौकी पर हमला हुआ।"
    start = text.index("हमला")
    record = {
        "id": "d3",
        "title": "चौकी",
        "text": text,
        "annotations": [
            {
                "annotator": "asha",
                "events": [
                    {"id": "E1", "type": "ATTACK", "trigger": {"start": start, "end": start + len("हमला")}}
                ],
            }
        ],
    }
    src = tmp_path / "e.jsonl"
    src.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_paths(window.project, [src]).ok
    window.reload_list()
    schema_change.apply(
        window.project, default_schema(), parse_mapping(splits=["ATTACK=ATTACK|SECURITY_OPERATION"])
    )
    window.reload_schema()
    dialog = window.show_review_queue()
    [item] = [i for i in dialog.items if i.table == "events"]
    dialog.list.setCurrentRow(dialog.items.index(item))
    dialog.list.setFocus()
    qtbot.keyClick(dialog.list, Qt.Key.Key_Return)
    assert window.view.text == text and window.review_panel.current().id == item.id
    assert window.active_event == item.id  # the event of the current item is the active one
    qtbot.waitUntil(window.review_panel.list.hasFocus)
    qtbot.keyClick(window.review_panel.list, Qt.Key.Key_2)
    assert [(e.id, e.type) for e in window.frames.events] == [(item.id, "SECURITY_OPERATION")]
    assert not window.review_dock.isVisible()
