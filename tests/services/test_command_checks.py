"""One set of checks (annotator.schema.checks) for the importer and the commands: a command called from the
API refuses, in one line and writing nothing, what the importer refuses."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from annotator.errors import AnnotatorError
from annotator.services.annotate import AddSpans, Editor, Relabel, SetPolarity, SetTone
from annotator.services.frames import AddArgument, AddEvent, AddRelation, Retype, SetAttributes
from annotator.services.importing import import_paths
from annotator.services.project import init_project
from annotator.store.models import Entity, Event, EventArgument, Relation

TEXT = "क्षेत्र में हमला हुआ। Delhi police said LeT did it."
KSHA = len("क्षेत्र")


@pytest.fixture
def editor(tmp_path):
    project = init_project(tmp_path / "p.annotator")
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps({"id": "d1", "text": TEXT}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_paths(project, [src]).ok
    yield Editor(project, "asha")
    project.close()


def at(surface: str) -> tuple[int, int]:
    start = TEXT.index(surface)
    return start, start + len(surface)


def rows(editor, model) -> int:
    with editor.project.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model))


def imported(editor, tmp_path, annotation: dict) -> list[str]:
    """The importer's errors for one record carrying ``annotation`` (empty when it was taken)."""
    src = tmp_path / "a.jsonl"
    record = {"id": "d2", "text": TEXT, "annotations": [{"annotator": "ravi", **annotation}]}
    src.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return [str(e) for e in import_paths(editor.project, [src]).errors]


REFUSED_BOTH_WAYS = [
    (
        "unknown label",
        {"entities": [{"id": "T1", "start": 0, "end": KSHA, "label": "PERSON"}]},
        "unknown label",
    ),
    (
        "bad attribute value",
        {
            "entities": [
                {"id": "T1", "start": 0, "end": KSHA, "label": "PER", "attributes": {"confidence": "sure"}}
            ]
        },
        "confidence",
    ),
    ("split cluster", {"entities": [{"id": "T1", "start": 0, "end": 2, "label": "LOC"}]}, "cluster"),
]


@pytest.mark.parametrize(
    ("case", "annotation", "reason"), REFUSED_BOTH_WAYS, ids=[c[0] for c in REFUSED_BOTH_WAYS]
)
def test_a_label_the_importer_refuses_the_command_refuses(editor, tmp_path, case, annotation, reason):
    [entity] = annotation["entities"]
    errors = imported(editor, tmp_path, annotation)
    assert len(errors) == 1 and reason in errors[0], errors
    with pytest.raises(AnnotatorError, match=reason):
        AddSpans(1, [(entity["start"], entity["end"], entity["label"])], entity.get("attributes")).apply(
            editor
        )
    assert rows(editor, Entity) == 0


def test_spans_outside_the_text_and_empty_ones_are_refused(editor):
    for start, end in ((0, 0), (5, 3), (-1, 2), (0, len(TEXT) + 1)):
        with pytest.raises(AnnotatorError, match="is not a span of this document"):
            AddSpans(1, [(start, end, "LOC")]).apply(editor)
    assert rows(editor, Entity) == 0
    AddSpans(1, [(0, KSHA, "LOC")]).apply(editor)  # a whole conjunct cluster is fine
    assert rows(editor, Entity) == 1


def test_events_arguments_relations_attributes_and_sentiment_are_checked(editor):
    place = AddSpans(1, [(0, KSHA, "LOC")])
    place.apply(editor)
    police = AddSpans(1, [(*at("Delhi police"), "ORG")])
    police.apply(editor)
    with pytest.raises(AnnotatorError, match="unknown event type 'BLAST'"):
        AddEvent(1, "BLAST", *at("हमला"), {}).apply(editor)
    with pytest.raises(AnnotatorError, match="splits a character cluster"):
        AddEvent(1, "ATTACK", 1, 3, {}).apply(editor)
    attack = AddEvent(1, "ATTACK", *at("हमला"), {})
    attack.apply(editor)
    assert attack.attributes["modality"]  # the schema's defaults, as the importer gives them
    with pytest.raises(AnnotatorError, match="unknown role 'Where'"):
        AddArgument(1, attack.id, "Where", place.spans[0].id, "entity").apply(editor)
    with pytest.raises(AnnotatorError, match="argument Victim"):
        AddArgument(1, attack.id, "Victim", place.spans[0].id, "entity").apply(editor)  # Victim takes PER
    AddArgument(1, attack.id, "Place", place.spans[0].id, "entity").apply(editor)
    with pytest.raises(AnnotatorError, match="takes at most 1"):
        AddArgument(1, attack.id, "Place", place.spans[0].id, "entity").apply(editor)
    assert rows(editor, EventArgument) == 1
    with pytest.raises(AnnotatorError, match="relation HOLDS_TITLE"):
        AddRelation(1, "HOLDS_TITLE", police.spans[0].id, place.spans[0].id, {}).apply(editor)
    AddRelation(1, "LOCATED_IN", police.spans[0].id, place.spans[0].id, {}).apply(editor)
    assert rows(editor, Relation) == 1
    with pytest.raises(AnnotatorError, match="unknown event type 'NOPE'"):
        Retype(1, attack.id, "ATTACK", "NOPE").apply(editor)
    with pytest.raises(AnnotatorError, match="modality"):
        SetAttributes(1, "event", attack.id, attack.attributes, {"modality": "maybe"}).apply(editor)
    with pytest.raises(AnnotatorError, match="unknown label 'PLACE'"):
        Relabel(1, place.spans[0], "PLACE", {}).apply(editor)
    with pytest.raises(AnnotatorError, match="sentiment"):
        SetPolarity(1, police.spans[0].id, None, "ANGRY").apply(editor)
    with pytest.raises(AnnotatorError, match="tone"):
        SetTone(1, None, 7).apply(editor)
    state = editor.state(1)
    assert state.tone is None and state.polarities == {}
    assert [s.label for s in state.spans] == ["LOC", "ORG"] and rows(editor, Event) == 1
