"""Events, roles, relations, attributes and links in the workbench, by keyboard, checked in the database."""

import json

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog
from sqlalchemy import func, select

from annotator.services.importing import import_paths
from annotator.services.project import init_project, open_project
from annotator.settings import Settings
from annotator.store.models import Entity, Event, EventArgument, Relation
from tests.ui.test_workbench import select_keyboard

TEXT = "लश्कर-ए-तैयबा ने पहलगाम में हमला किया; मंत्री ने हमले की निंदा की।"


def at(surface):
    return TEXT.index(surface)


@pytest.fixture
def bench(qtbot, tmp_path, monkeypatch):
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    application()
    project = init_project(tmp_path / "e.annotator")
    src = tmp_path / "d.jsonl"
    src.write_text(
        json.dumps({"id": "d", "title": "हमला", "text": TEXT}, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    assert import_paths(project, [src]).ok
    # the label asked for a new role filler: the first accepted of these
    preferred = ["ARMED_GROUP", "GPE", "PER"]
    monkeypatch.setattr(
        QInputDialog,
        "getItem",
        lambda _p, _t, _l, items, *a, **k: (next(x for x in preferred if x in items), True),
    )
    window = MainWindow(project, Settings(annotator="asha"))
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    window.view.setFocus()
    yield window
    window.close()
    window.project.close()


def count(window, model):
    with window.project.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def args(window):
    with window.project.session() as s:
        rows = s.execute(
            select(Event.type, EventArgument.role, EventArgument.entity_id, EventArgument.filler_event_id)
            .join(Event, Event.id == EventArgument.event_id)
            .order_by(Event.type, EventArgument.position)
        ).all()
        labels = {e.id: TEXT[e.start : e.end] for e in s.scalars(select(Entity))}
        events = {e.id: e.type for e in s.scalars(select(Event))}
    return [(t, role, labels.get(ent) if ent else events.get(ev)) for t, role, ent, ev in rows]


def span_id(window, surface):
    return next(s.id for s in window.state.spans if TEXT[s.start : s.end] == surface)


def test_events_roles_relations_attributes_links_and_undo(qtbot, bench, monkeypatch, tmp_path):
    view = bench.view
    # an ATTACK on हमला, three roles filled by keyboard (digits are the roles of the active event)
    select_keyboard(qtbot, bench, at("हमला"), 1)
    qtbot.keyClicks(view, "1")  # ATTACK's hotkey
    assert count(bench, Event) == 1 and bench.active_event
    select_keyboard(qtbot, bench, 0, 1)  # लश्कर-ए-तैयबा (one token)
    qtbot.keyClicks(view, "1")  # Attacker: a new ARMED_GROUP entity
    select_keyboard(qtbot, bench, at("पहलगाम"), 1)
    qtbot.keyClicks(view, "5")  # Place: a new GPE entity
    select_keyboard(qtbot, bench, at("मंत्री"), 1)
    qtbot.keyClicks(view, "2")  # Target: a new entity, of the first accepted preferred label (GPE)
    assert args(bench) == [
        ("ATTACK", "Attacker", "लश्कर-ए-तैयबा"),
        ("ATTACK", "Place", "पहलगाम"),
        ("ATTACK", "Target", "मंत्री"),
    ]
    # a second filler of the same role: the existing पहलगाम span
    view.select_span(span_id(bench, "पहलगाम"))
    qtbot.keyClicks(view, "2")
    assert args(bench)[-1] == ("ATTACK", "Target", "पहलगाम")
    attack_id = bench.active_event
    # a STATEMENT whose Speaker is मंत्री (also in the ATTACK) and whose Topic is the ATTACK itself
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert bench.active_event == ""
    select_keyboard(qtbot, bench, at("निंदा"), 1)
    qtbot.keyClicks(view, "8")
    view.select_span(span_id(bench, "मंत्री"))
    qtbot.keyClicks(view, "1")
    select_keyboard(qtbot, bench, at("हमला"), 1)
    qtbot.keyClicks(view, "3")
    assert ("STATEMENT", "Speaker", "मंत्री") in args(bench)
    assert ("STATEMENT", "Topic", "ATTACK") in args(bench)
    assert count(bench, Entity) == 3  # मंत्री fills roles in two events as one entity
    # an invalid filler (a GPE as the STATEMENT's Time) is refused as the importer refuses it: one line,
    # nothing written
    before = args(bench)
    view.select_span(span_id(bench, "पहलगाम"))
    qtbot.keyClicks(view, "5")
    assert args(bench) == before
    assert bench.statusBar().currentMessage().startswith("Not done: argument Time: ")
    assert view.selected_span_id() == span_id(bench, "पहलगाम")  # kept, to fill another role with it
    view.select_span("")
    # attributes: y cycles the active event's modality
    qtbot.keyClicks(view, "y")
    with bench.project.session() as s:
        assert (
            s.scalars(select(Event.attributes).where(Event.type == "STATEMENT")).one()["modality"] == "future"
        )
    qtbot.keyClicks(view, "Y")  # Shift+Y cycles back
    with bench.project.session() as s:
        assert (
            s.scalars(select(Event.attributes).where(Event.type == "STATEMENT")).one()["modality"] == "actual"
        )
    qtbot.keyClicks(view, "y")
    # a relation: mark लश्कर-ए-तैयबा with m, select पहलगाम, Shift+L (LOCATED_IN)
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    view.select_span(span_id(bench, "लश्कर-ए-तैयबा"))
    qtbot.keyClicks(view, "m")
    view.select_span(span_id(bench, "पहलगाम"))
    qtbot.keyClicks(view, "L")
    with bench.project.session() as s:
        (rel,) = s.scalars(select(Relation)).all()
        assert (rel.type, rel.from_entity_id, rel.to_entity_id) == (
            "LOCATED_IN",
            span_id(bench, "लश्कर-ए-तैयबा"),
            span_id(bench, "पहलगाम"),
        )
    # a canonical link on the selected entity, and its confidence
    view.select_span(span_id(bench, "लश्कर-ए-तैयबा"))
    qtbot.keyClicks(view, "i")  # the knowledge-base type-ahead; an id the base does not have, typed
    dialog = bench.kb_dialog
    dialog.query.setText("Q485436 | Lashkar-e-Taiba")
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20000)
    qtbot.keyClicks(view, "c")
    with bench.project.session() as s:
        ent = s.get(Entity, span_id(bench, "लश्कर-ए-तैयबा"))
        assert (ent.link_id, ent.link_name, ent.attributes.get("confidence")) == (
            "Q485436",
            "Lashkar-e-Taiba",
            "high",
        )
    snapshot = (args(bench), count(bench, Entity), count(bench, Relation))
    # reopen: the same frames
    location = bench.project.location
    from annotator.ui.main_window import MainWindow

    again = MainWindow(open_project(location), Settings(annotator="asha"))
    qtbot.addWidget(again)
    again.open_document_id(1)
    assert {(e.type, len(e.arguments)) for e in again.frames.events} == {("ATTACK", 4), ("STATEMENT", 2)}
    assert [(r.type) for r in again.frames.relations] == ["LOCATED_IN"]
    again.close()
    again.project.close()
    # undo every step, one by one, down to nothing; then redo all of it
    steps = bench.undo_stack.count()
    assert steps == 14  # new entity + its role are one step each (y, Y, y: three); the refused Time none
    for _ in range(steps):
        qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert (
        count(bench, Event),
        count(bench, EventArgument),
        count(bench, Entity),
        count(bench, Relation),
    ) == (0, 0, 0, 0)
    for _ in range(steps):
        qtbot.keyClick(
            view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        )
    assert (args(bench), count(bench, Entity), count(bench, Relation)) == snapshot
    # deleting the active event removes its arguments, not its entities
    bench.activate_event(attack_id)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert all(t != "ATTACK" for t, _, _ in args(bench)) and count(bench, Entity) == 3
    assert ("STATEMENT", "Topic", "ATTACK") not in args(bench)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert (args(bench), count(bench, Entity)) == snapshot[:2]


def test_event_type_picker_lists_recent_types_first(qtbot, bench, monkeypatch):
    seen = []

    def pick(_p, _t, _l, items, *a, **k):
        seen.append(list(items))
        return ("MEET", True)

    monkeypatch.setattr(QInputDialog, "getItem", pick)
    select_keyboard(qtbot, bench, at("हमला"), 1)
    qtbot.keyClicks(bench.view, "e")
    qtbot.keyClick(bench.view, Qt.Key.Key_Escape)
    select_keyboard(qtbot, bench, at("निंदा"), 1)
    qtbot.keyClicks(bench.view, "e")
    assert seen[1][0] == "MEET" and seen[0][0] != "MEET"
    with bench.project.session() as s:
        assert s.scalars(select(Event.type)).all() == ["MEET", "MEET"]


def test_work_package_opened_in_the_window_and_merged_back(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox
    from sqlalchemy import insert

    from annotator.services.packages import export_package
    from annotator.store.models import Annotator, Assignment, utcnow
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    application()
    lead = init_project(tmp_path / "lead.annotator")
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps({"id": "d", "text": TEXT}, ensure_ascii=False) + "\n", encoding="utf-8")
    import_paths(lead, [src])
    with lead.engine.begin() as conn:
        aid = conn.execute(
            insert(Annotator)
            .values(name="ravi", role="annotator", created_at=utcnow())
            .returning(Annotator.id)
        ).scalar_one()
        conn.execute(insert(Assignment).values(id="a", document_id=1, annotator_id=aid, created_at=utcnow()))
    package = tmp_path / "ravi.package"
    export_package(lead, "ravi", package)
    # ravi opens the package; whatever name the laptop's settings hold, labels go under the package's
    offline = MainWindow(open_project(package), Settings(annotator="laptop-user"))
    qtbot.addWidget(offline)
    assert offline.editor.annotator == "ravi" and "ravi" in offline.windowTitle()
    offline.show()
    offline.view.setFocus()
    select_keyboard(qtbot, offline, at("पहलगाम"), 1)
    qtbot.keyClicks(offline.view, "g")
    offline.close()
    offline.project.close()
    window = MainWindow(lead, Settings(annotator="lead"))
    qtbot.addWidget(window)
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: shown.append(text))
    window.import_packages([str(package)])
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    with lead.session() as s:
        rows = s.execute(
            select(Entity.start, Annotator.name).join(Annotator, Annotator.id == Entity.annotator_id)
        ).all()
    assert rows == [(at("पहलगाम"), "ravi")]
    assert shown[0].startswith("1 package(s): 2 added")  # the span and the work status
    window.close()
    lead.close()


def test_k_on_an_event_without_counts_says_why(qtbot, bench, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    asked = []
    monkeypatch.setattr(QInputDialog, "getInt", lambda *a, **k: asked.append(a) or (0, False))
    view = bench.view
    select_keyboard(qtbot, bench, at("हमला"), 1)
    qtbot.keyClicks(view, "1")  # ATTACK: no count attributes in the default schema
    assert bench.active_event
    qtbot.keyClicks(view, "k")
    assert asked == []
    message = bench.statusBar().currentMessage()
    assert message.startswith("ATTACK has no count attributes (k edits counts); counts belong to ")
    assert "DIE" in message and "INJURE" in message


def test_tab_reaches_event_triggers_and_activates_them(qtbot, bench):
    view = bench.view
    select_keyboard(qtbot, bench, at("हमला"), 1)
    qtbot.keyClicks(view, "1")  # an ATTACK on हमला
    attack = bench.active_event
    qtbot.keyClick(view, Qt.Key.Key_Escape)  # leave it
    assert bench.active_event == ""
    for _ in range(20):
        qtbot.keyClick(view, Qt.Key.Key_Tab)
        if bench.active_event:
            break
    assert bench.active_event == attack  # Tab went to its trigger and made it the active event
    assert view.textCursor().position() == view.offsets.to_qt(at("हमला"))
