"""Suggestions in the workbench: drawn apart from labels, reviewed with Tab, accepted with Enter (or all of
one label with Shift+Enter), rejected with Backspace, undone with Ctrl+Z; checked in the database."""

from PySide6.QtCore import Qt
from sqlalchemy import select

from annotator.store.models import Entity, Event
from annotator.store.models import Suggestion as SuggestionRow
from tests.ui.test_workbench import HINDI, entities, workbench  # noqa: F401 (the fixture)


def statuses(window):
    with window.project.engine.connect() as conn:
        return {
            (HINDI[r.start : r.end], r.label): r.status
            for r in conn.execute(select(SuggestionRow).where(SuggestionRow.document_id == 1))
        }


def suggested(qtbot, window):
    """Wait for the suggestions the window makes in the background when a document opens."""
    qtbot.waitUntil(lambda: window.suggestion_task.finished, timeout=20000)
    qtbot.wait(10)  # the queued result reaches the window


def tab_to(qtbot, window, surface, label):
    view = window.view
    for _ in range(40):
        qtbot.keyClick(view, Qt.Key.Key_Tab)
        current = next((s for s in window.suggestions if s.id == view.current_suggestion()), None)
        if current is not None and (HINDI[current.start : current.end], current.label) == (surface, label):
            return current
    raise AssertionError(f"Tab never reached the suggestion {surface} {label}")


def test_review_suggestions_by_keyboard(qtbot, workbench):  # noqa: F811
    window, view = workbench, workbench.view
    suggested(qtbot, window)
    made = {(HINDI[s.start : s.end], s.label, s.kind) for s in window.suggestions}
    assert {("पाकिस्तान", "GPE", "entity"), ("लश्कर-ए-तैयबा", "ARMED_GROUP", "entity")} <= made
    assert ("कहा", "STATEMENT", "event") in made
    assert len(view.suggestion_ids()) == len(window.suggestions) and entities(window) == []
    assert view.spans() == []  # drawn as suggestions (dashed), not as labels

    tab_to(qtbot, window, "लश्कर-ए-तैयबा", "ARMED_GROUP")
    assert window.statusBar().currentMessage().startswith("Suggested label ARMED_GROUP (gazetteer")
    qtbot.keyClick(view, Qt.Key.Key_Return)
    start = HINDI.index("लश्कर-ए-तैयबा")
    assert entities(window) == [(start, start + len("लश्कर-ए-तैयबा"), "ARMED_GROUP")]
    assert statuses(window)[("लश्कर-ए-तैयबा", "ARMED_GROUP")] == "accepted"
    assert [s.label for s in view.spans()] == ["ARMED_GROUP"]
    # Shift+Enter: every पाकिस्तान GPE suggestion at once
    tab_to(qtbot, window, "पाकिस्तान", "GPE")
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert [e for e in entities(window) if e[2] == "GPE"] == [
        (0, 9, "GPE"),
        (HINDI.index("पाकिस्तान", 1), HINDI.index("पाकिस्तान", 1) + 9, "GPE"),
    ]
    # Backspace rejects; Ctrl+Z brings it back as a suggestion
    tab_to(qtbot, window, "कहा", "STATEMENT")
    qtbot.keyClick(view, Qt.Key.Key_Backspace)
    assert statuses(window)[("कहा", "STATEMENT")] == "rejected"
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert statuses(window)[("कहा", "STATEMENT")] == "open"
    current = tab_to(qtbot, window, "कहा", "STATEMENT")
    qtbot.keyClick(view, Qt.Key.Key_Return)  # a trigger suggestion becomes an event
    with window.project.engine.connect() as conn:
        assert conn.execute(select(Event.type, Event.trigger_start)).all() == [("STATEMENT", current.start)]
    # undo the two GPE acceptances in one step
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert [e[2] for e in entities(window)] == ["ARMED_GROUP"]
    assert statuses(window)[("पाकिस्तान", "GPE")] == "open"
    # Tab still reaches labels: the accepted span can be selected and relabelled
    view.select_span("")
    for _ in range(len(window.suggestions) + 2):
        qtbot.keyClick(view, Qt.Key.Key_Tab)
        if view.selected_span_id():
            break
    assert view.selected_span_id() == view.spans()[0].id
    qtbot.keyClick(view, Qt.Key.Key_O)
    with window.project.engine.connect() as conn:
        assert conn.execute(select(Entity.label)).scalars().all() == ["ORG"]


def test_suggestions_settings_dialog_turns_sources_off(qtbot, workbench):  # noqa: F811
    from annotator.ui.suggestion_dialog import SuggestionSettingsDialog

    window = workbench
    dialog = SuggestionSettingsDialog(window.project, window)
    qtbot.addWidget(dialog)
    assert "No model trained yet" in dialog.model_label.text()
    dialog.sources["gazetteer"].setChecked(False)
    dialog.sources["rules"].setChecked(False)
    dialog.min_score.setValue(0.8)
    dialog.save()
    window.load_suggestions(recompute=True)
    suggested(qtbot, window)
    assert window.suggestions == [] and window.view.suggestion_ids() == []


def test_a_finished_document_shows_no_suggestions_unless_asked(qtbot, workbench):  # noqa: F811
    window = workbench
    suggested(qtbot, window)
    assert window.suggestions
    qtbot.keyClick(window.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # done, next
    window.open_document_id(1)
    assert (
        window.state.work.status == "done" and window.suggestions == [] and window.view.suggestion_ids() == []
    )
    qtbot.keyClick(window.view, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)  # suggest again
    suggested(qtbot, window)
    assert window.suggestions and len(window.view.suggestion_ids()) == len(window.suggestions)


def test_an_event_made_by_hand_settles_the_trigger_suggestion_under_it(qtbot, workbench):  # noqa: F811
    window, view = workbench, workbench.view
    suggested(qtbot, window)
    statement = next(s for s in window.suggestions if s.kind == "event" and s.label == "STATEMENT")
    view.select_range(statement.start, statement.end)
    qtbot.keyClick(view, Qt.Key.Key_8)  # STATEMENT by hand, on the suggested trigger
    with window.project.engine.connect() as conn:
        assert conn.execute(select(Event.type, Event.trigger_start)).all() == [("STATEMENT", statement.start)]
    assert statement.id not in {s.id for s in window.suggestions}
    assert statement.id not in view.suggestion_ids()
    # nothing left to press Enter on: no second STATEMENT can be made there
    for _ in range(len(window.suggestions) + 2):
        qtbot.keyClick(view, Qt.Key.Key_Tab)
        assert view.current_suggestion() != statement.id
    qtbot.keyClick(view, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    with window.project.engine.connect() as conn:
        assert conn.execute(select(Event.type)).scalars().all().count("STATEMENT") == 1


def test_click_selects_a_suggestion_and_tab_after_enter_skips_nothing(qtbot, workbench):  # noqa: F811
    from PySide6.QtGui import QTextCursor

    window, view = workbench, workbench.view
    suggested(qtbot, window)
    ordered = sorted(window.suggestions, key=lambda s: (s.start, s.end))
    target = ordered[1]

    def point(cp):
        cursor = QTextCursor(view.document())
        cursor.setPosition(view.offsets.to_qt(cp))
        return view.cursorRect(cursor).center()

    middle = (target.start + target.end) // 2
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point(middle))
    assert view.current_suggestion() == target.id  # a click selects it: Enter now acts on it
    qtbot.keyClick(view, Qt.Key.Key_Return)
    assert statuses(window)[(HINDI[target.start : target.end], target.label)] == "accepted"
    advanced_to = view.current_suggestion()
    assert advanced_to and advanced_to != target.id
    qtbot.keyClick(view, Qt.Key.Key_Tab)  # a reflexive Tab stays on the one Enter moved to
    assert view.current_suggestion() == advanced_to
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.current_suggestion() != advanced_to


def test_accepting_a_trigger_suggestion_activates_its_event(qtbot, workbench):  # noqa: F811
    window, view = workbench, workbench.view
    suggested(qtbot, window)
    tab_to(qtbot, window, "कहा", "STATEMENT")
    qtbot.keyClick(view, Qt.Key.Key_Return)
    with window.project.engine.connect() as conn:
        [event_id] = conn.execute(select(Event.id)).scalars().all()
    assert window.active_event == event_id  # its roles are the digits now: the frame stays on the keyboard


def test_a_role_digit_on_a_focused_suggestion_accepts_it_and_fills_the_role(qtbot, workbench):  # noqa: F811
    from annotator.store.models import EventArgument

    window, view = workbench, workbench.view
    suggested(qtbot, window)
    tab_to(qtbot, window, "कहा", "STATEMENT")
    qtbot.keyClick(view, Qt.Key.Key_Return)  # the STATEMENT event is now active
    statement = window.active_event
    assert statement
    tab_to(qtbot, window, "पाकिस्तान", "GPE")
    qtbot.keyClick(view, Qt.Key.Key_1)  # Speaker: the focused GPE suggestion, accepted and filled
    with window.project.engine.connect() as conn:
        args = conn.execute(select(EventArgument.event_id, EventArgument.role, EventArgument.entity_id)).all()
        speaker = conn.execute(select(Entity.start, Entity.label)).all()
    assert [(a.event_id, a.role) for a in args] == [(statement, "Speaker")]
    assert speaker == [(0, "GPE")] or [label for _s, label in speaker] == ["GPE"]
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # one step undoes both
    with window.project.engine.connect() as conn:
        assert conn.execute(select(EventArgument.role)).all() == []
        assert conn.execute(select(Entity.id)).all() == []


def test_an_earlier_round_of_suggestions_finishing_late_is_not_shown(qtbot, workbench):  # noqa: F811
    """The first round (made when the document opened) may still run when the person turns the sources
    off and asks again: whatever order the two finish in, only the latest is shown."""
    from annotator.services.suggestions import set_settings

    window = workbench
    first = window.load_suggestions(recompute=True)
    set_settings(window.project, sources=())
    second = window.load_suggestions(recompute=True)
    qtbot.waitUntil(lambda: first.finished and second.finished, timeout=20000)
    qtbot.wait(10)
    first.done.emit([object()])  # the earlier round reports (again) after the later one
    assert window.suggestions == [] and window.view.suggestion_ids() == []
