"""Events, arguments, relations, attributes and links: commands commit at once and undo exactly."""

import json

import pytest

from annotator.errors import AnnotatorError
from annotator.services.annotate import AddSpans, DeleteSpans, Editor
from annotator.services.frames import (
    AddArgument,
    AddEvent,
    AddRelation,
    DeleteEvent,
    DeleteRelation,
    RemoveArgument,
    SetAttributes,
    SetLink,
    frame_problems,
    load_frames,
)
from annotator.services.importing import import_paths
from annotator.store.models import utcnow

TEXT = "लश्कर-ए-तैयबा ने पहलगाम में हमला किया; मंत्री ने हमले की निंदा की।"


def at(surface, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(surface, start + 1)
    return start, start + len(surface)


@pytest.fixture
def setup(project, tmp_path):
    f = tmp_path / "d.jsonl"
    f.write_text(json.dumps({"id": "d", "text": TEXT}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_paths(project, [f]).ok
    editor = Editor(project, "asha")
    spans = AddSpans(1, [(*at("लश्कर-ए-तैयबा"), "ARMED_GROUP"), (*at("पहलगाम"), "GPE"), (*at("मंत्री"), "TITLE")])
    spans.apply(editor)
    ids = {s.label: s.id for s in spans.spans}
    return editor, ids


def test_event_with_roles_attributes_and_undo(project, setup):
    editor, ids = setup
    attack = AddEvent(1, "ATTACK", *at("हमला"), project.schema.attribute_defaults("event", "ATTACK"))
    attack.apply(editor)
    fills = [
        AddArgument(1, attack.id, "Attacker", ids["ARMED_GROUP"], "entity"),
        AddArgument(1, attack.id, "Place", ids["GPE"], "entity"),
    ]
    for cmd in fills:
        cmd.apply(editor)
    statement = AddEvent(1, "STATEMENT", *at("निंदा"), {"modality": "actual"})
    statement.apply(editor)
    AddArgument(1, statement.id, "Speaker", ids["GPE"], "entity").apply(editor)
    topic = AddArgument(1, statement.id, "Topic", attack.id, "event")  # an event as argument of another
    topic.apply(editor)
    frames = load_frames(editor, 1)
    by_type = {e.type: e for e in frames.events}
    assert [(a.role, a.filler_kind) for a in by_type["ATTACK"].arguments] == [
        ("Attacker", "entity"),
        ("Place", "entity"),
    ]
    assert [(a.role, a.filler_id) for a in by_type["STATEMENT"].arguments][1] == ("Topic", attack.id)
    assert by_type["ATTACK"].attributes["modality"] == "actual"
    counts = SetAttributes(
        1,
        "event",
        attack.id,
        by_type["ATTACK"].attributes,
        {**by_type["ATTACK"].attributes, "modality": "historical"},
    )
    counts.apply(editor)
    assert {e.type: e for e in load_frames(editor, 1).events}["ATTACK"].attributes["modality"] == "historical"
    counts.revert(editor)
    assert {e.type: e for e in load_frames(editor, 1).events}["ATTACK"].attributes["modality"] == "actual"
    # removing an argument and undoing it
    remove = RemoveArgument(1, by_type["ATTACK"].arguments[1].id)
    remove.apply(editor)
    assert len({e.type: e for e in load_frames(editor, 1).events}["ATTACK"].arguments) == 1
    remove.revert(editor)
    assert load_frames(editor, 1) == frames
    # deleting the event removes its arguments (and its use as a Topic) but not the entities
    delete = DeleteEvent(1, attack.id)
    delete.apply(editor)
    after = load_frames(editor, 1)
    assert [e.type for e in after.events] == ["STATEMENT"] and len(after.events[0].arguments) == 1
    assert len(editor.state(1).spans) == 3
    delete.revert(editor)
    assert load_frames(editor, 1) == frames


def test_one_entity_in_two_events_and_a_second_filler(project, setup):
    editor, ids = setup
    a = AddEvent(1, "ATTACK", *at("हमला"), {})
    b = AddEvent(1, "STATEMENT", *at("निंदा"), {})
    for cmd in (a, b):
        cmd.apply(editor)
    AddArgument(1, a.id, "Place", ids["GPE"], "entity").apply(editor)
    AddArgument(1, b.id, "Place", ids["GPE"], "entity").apply(editor)
    meet = AddEvent(1, "MEET", *at("किया"), {})
    meet.apply(editor)
    AddArgument(1, meet.id, "Participant", ids["GPE"], "entity").apply(editor)
    AddArgument(1, meet.id, "Participant", ids["ARMED_GROUP"], "entity").apply(editor)
    frames = load_frames(editor, 1)
    assert sum(arg.filler_id == ids["GPE"] for e in frames.events for arg in e.arguments) == 3
    assert [x.role for x in {e.type: e for e in frames.events}["MEET"].arguments] == [
        "Participant",
        "Participant",
    ]


def test_problems_follow_the_schema(project, setup):
    editor, ids = setup
    meet = AddEvent(1, "MEET", *at("हमला"), {})
    meet.apply(editor)
    attack = AddEvent(1, "ATTACK", *at("हमले"), {})
    attack.apply(editor)
    with pytest.raises(AnnotatorError, match="'TITLE' cannot fill this role"):  # as the importer refuses
        AddArgument(1, attack.id, "Place", ids["TITLE"], "entity").apply(editor)
    # an argument stored before the schema changed is still shown as a problem
    from annotator.store.models import EventArgument
    from annotator.store.writes import insert_new

    row = {
        "id": "a-from-before",
        "event_id": attack.id,
        "annotator_id": editor.annotator_id,
        "position": 0,
        "role": "Place",
        "entity_id": ids["TITLE"],
        "filler_event_id": None,
        "created_at": utcnow(),
        "updated_at": utcnow(),
    }
    editor.transact(lambda conn: insert_new(conn, EventArgument.__table__, [row]))
    labels = {s.id: s.label for s in editor.state(1).spans}
    problems = frame_problems(project.schema, load_frames(editor, 1), labels)
    assert any("Participant" in p for p in problems[meet.id])  # one or more participants needed
    assert any("Place" in p and "TITLE" in p for p in problems[attack.id])


def test_relations_links_and_entity_deletion(project, setup):
    editor, ids = setup
    rel = AddRelation(1, "LOCATED_IN", ids["ARMED_GROUP"], ids["GPE"], {})
    rel.apply(editor)
    link = SetLink(1, ids["ARMED_GROUP"], (None, None), ("Q485436", "Lashkar-e-Taiba"))
    link.apply(editor)
    frames = load_frames(editor, 1)
    assert [(r.type, r.from_id, r.to_id) for r in frames.relations] == [
        ("LOCATED_IN", ids["ARMED_GROUP"], ids["GPE"])
    ]
    assert frames.links == {ids["ARMED_GROUP"]: ("Q485436", "Lashkar-e-Taiba")}
    # deleting an entity takes its relations with it; undo restores both
    gone = DeleteSpans(1, [ids["GPE"]])
    gone.apply(editor)
    assert load_frames(editor, 1).relations == []
    gone.revert(editor)
    assert load_frames(editor, 1) == frames
    link.revert(editor)
    assert load_frames(editor, 1).links == {}
    drop = DeleteRelation(1, rel.id)
    drop.apply(editor)
    assert load_frames(editor, 1).relations == []
    drop.revert(editor)
    assert len(load_frames(editor, 1).relations) == 1
    rel.revert(editor)
    assert load_frames(editor, 1).relations == []
