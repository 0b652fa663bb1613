"""Label Studio JSON exports → documents with spans and relations: the upstream examples (including the
inconsistent rich_text_plain one), UTF-16 offsets after emoji, several annotators per task, malformed input,
and an import through the service."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.errors import RecordError
from annotator.formats import labelstudio
from annotator.formats.records import SourceRecord
from annotator.services.importing import import_paths
from annotator.store.models import Annotator, Document, Entity, Relation

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"

NUKTA_JA = "ज\u093c"
NUKTA_PHA = "फ\u093c"
HINDI = f"😊 लश्कर-ए-तैयबा के सरगना हा{NUKTA_PHA}ि{NUKTA_JA} सईद ने बयान दिया।"
GROUP_TEXT, LEADER_TEXT = "लश्कर-ए-तैयबा", f"हा{NUKTA_PHA}ि{NUKTA_JA} सईद"
# code points (Python) and UTF-16 units (JavaScript) differ by one after the emoji
GROUP_CP, LEADER_CP = (2, 15), (25, 36)
GROUP_U16, LEADER_U16 = (3, 16), (26, 37)


def corpus(*parts: str) -> Path:
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared corpus file {path} not present (see shared/corpora/SOURCES.md)")
    return path


def read(path: Path) -> tuple[list[SourceRecord], list[RecordError]]:
    items = [item for item, _ in labelstudio.read(path)]
    return (
        [i for i in items if isinstance(i, SourceRecord)],
        [i for i in items if isinstance(i, RecordError)],
    )


def entities(record: SourceRecord, index: int = 0) -> list[tuple[int, int, str, str]]:
    return [
        (e["start"], e["end"], e["label"], record.text[e["start"] : e["end"]])
        for e in record.annotations[index]["entities"]
    ]


def region(rid: str, offsets: tuple[int, int], label: str, text: str | None) -> dict:
    value = {"start": offsets[0], "end": offsets[1], "labels": [label]}
    if text is not None:
        value["text"] = text
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels", "value": value}


def hindi_task(task_id: int, results: list[dict], **extra) -> dict:
    return {
        "id": task_id,
        "data": {"text": HINDI},
        "annotations": [{"id": task_id * 10, "result": results}],
    } | extra


def write_json(path: Path, value: object) -> Path:
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------------------
# upstream examples


def test_named_entity_annotation_example():
    path = corpus("label-studio", "named_entity", "annotations", "1.json")
    records, errors = read(path)
    assert errors == []
    [record] = records
    assert entities(record) == [(343, 354, "Date", "February 22")]
    source = json.loads(path.read_text(encoding="utf-8"))
    assert record.text[343:354] == source["annotations"][0]["result"][0]["value"]["text"]
    assert record.external_id == "1"
    assert record.where == f"{path}:1 (task 1, id 1)"
    assert record.annotations[0]["annotator"] == "labelstudio"
    assert record.annotations[0]["entities"][0]["id"] == "beFiQTT1cU"
    assert record.meta["labelstudio"] == {
        "task_id": 1,
        "text_field": "text",
        "results": "annotations",
        "blocks": [{"block": "labelstudio", "id": "1001"}],
    }


def test_named_entity_tasks_use_predictions_when_there_are_no_annotations():
    records, errors = read(corpus("label-studio", "named_entity", "tasks.json"))
    assert errors == []
    [record] = records
    assert entities(record) == [(343, 354, "Date", "February 22")]
    info = record.meta["labelstudio"]
    assert info["results"] == "predictions"
    assert info["blocks"] == [{"block": "labelstudio", "id": None, "model_version": "model 1"}]


@pytest.mark.parametrize("name", ["annotations/1.json", "tasks.json"])
def test_rich_text_plain_inconsistency_is_reported_not_imported(name):
    path = corpus("label-studio", "rich_text_plain", *name.split("/"))
    records, errors = read(path)
    [record] = records
    assert record.annotations == []  # the span is not imported at all, let alone at the wrong place
    assert record.meta["labelstudio"]["text_field"] == "ner"
    assert record.text[343:354] == " supporters"
    [error] = errors
    assert error.where.startswith(f"{path}:") and "(task 1" in error.where
    assert "'February 22'" in error.reason and "' supporters'" in error.reason
    assert "beFiQTT1cU" in error.reason


def test_full_export_with_choices_and_completed_by():
    records, errors = read(corpus("label-studio", "converter-tests", "csv_test_history.json"))
    assert errors == []
    [record] = records
    assert record.external_id == "6141"
    assert record.annotations == []  # a classification, no spans
    assert record.meta["labelstudio"]["blocks"] == [
        {
            "block": None,
            "id": 18047,
            "completed_by": "sergei@heartex.e2e",
            "choices": {"sentiment": ["Positive"]},
        }
    ]


# ---------------------------------------------------------------------------------------------------------
# offsets: code points or UTF-16 units, decided per span by value.text, never guessed


def test_utf16_offsets_after_an_emoji_are_converted(tmp_path):
    task = hindi_task(
        1, [region("g", GROUP_U16, "ARMED_GROUP", GROUP_TEXT), region("p", LEADER_U16, "PERSON", LEADER_TEXT)]
    )
    records, errors = read(write_json(tmp_path / "t.json", [task]))
    assert errors == []
    assert entities(records[0]) == [(2, 15, "ARMED_GROUP", GROUP_TEXT), (25, 36, "PERSON", LEADER_TEXT)]
    assert records[0].meta["labelstudio"]["utf16_spans"] == 2


def test_code_point_offsets_are_kept(tmp_path):
    task = hindi_task(
        1,
        [
            region("e", (0, 1), "EMOJI", "😊"),
            region("g", GROUP_CP, "ARMED_GROUP", GROUP_TEXT),
            region("p", LEADER_CP, "PERSON", LEADER_TEXT),
        ],
    )
    records, errors = read(write_json(tmp_path / "t.json", [task]))
    assert errors == []
    assert entities(records[0]) == [
        (0, 1, "EMOJI", "😊"),
        (2, 15, "ARMED_GROUP", GROUP_TEXT),
        (25, 36, "PERSON", LEADER_TEXT),
    ]
    assert "utf16_spans" not in records[0].meta["labelstudio"]


def test_undecidable_offsets_are_reported_never_guessed(tmp_path):
    tasks = [
        hindi_task(
            1, [region("x", GROUP_U16, "ORG", "जैश-ए-मोहम्मद"), region("p", LEADER_U16, "PER", LEADER_TEXT)]
        ),
        hindi_task(2, [region("y", GROUP_U16, "ORG", None)]),
        {
            "id": 3,
            "data": {"text": "😊 नन"},
            "annotations": [{"id": 30, "result": [region("z", (3, 4), "X", "न")]}],
        },
    ]
    path = write_json(tmp_path / "t.json", tasks)
    records, errors = read(path)
    assert [len(r.annotations) for r in records] == [1, 0, 0]
    assert entities(records[0]) == [(25, 36, "PER", LEADER_TEXT)]
    starts = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if line == "  {"]
    assert [e.where for e in errors] == [f"{path}:{n} (task {i}, id {i})" for i, n in enumerate(starts, 1)]
    assert errors[0].reason == (
        "annotation 10 result x [3, 16) ['ORG']: the file says it covers 'जैश-ए-मोहम्मद' but the text has "
        "'श्कर-ए-तैयबा ' there counting code points and 'लश्कर-ए-तैयबा' counting UTF-16 units; left out"
    )
    assert "no 'text' tells whether offsets count code points or UTF-16 units" in errors[1].reason
    assert "found both at code points and at UTF-16 units" in errors[2].reason


def test_text_field_other_than_text(tmp_path):
    task = {
        "data": {"url": 5, "ner": HINDI},
        "predictions": [{"result": [region("g", GROUP_U16, "ORG", GROUP_TEXT)]}],
    }
    records, errors = read(write_json(tmp_path / "t.json", task))  # one task, not an array
    assert errors == []
    assert entities(records[0]) == [(2, 15, "ORG", GROUP_TEXT)]
    assert records[0].meta["url"] == 5
    assert records[0].meta["labelstudio"]["text_field"] == "ner"


# ---------------------------------------------------------------------------------------------------------
# several annotators, relations


def test_each_annotation_is_its_own_block(tmp_path):
    task = {
        "id": 9,
        "data": {"text": HINDI, "title": "शीर्षक"},
        "annotations": [
            {
                "id": 1,
                "completed_by": {"id": 4, "email": "asha@example.org"},
                "result": [region("a", GROUP_CP, "ORG", GROUP_TEXT)],
            },
            {"id": 2, "was_cancelled": True, "result": []},
            {"id": 3, "completed_by": 7, "result": [region("b", GROUP_U16, "ARMED_GROUP", GROUP_TEXT)]},
            {"id": 5, "completed_by": 8, "result": []},
        ],
    }
    records, errors = read(write_json(tmp_path / "t.json", [task]))
    assert errors == []
    [record] = records
    assert record.title == "शीर्षक"
    assert [b["annotator"] for b in record.annotations] == ["labelstudio", "labelstudio#2", "labelstudio#3"]
    assert entities(record, 0) == [(2, 15, "ORG", GROUP_TEXT)]
    assert entities(record, 1) == [(2, 15, "ARMED_GROUP", GROUP_TEXT)]
    assert entities(record, 2) == []  # submitted with nothing marked
    info = record.meta["labelstudio"]
    assert info["blocks"] == [
        {"block": "labelstudio", "id": 1, "completed_by": "asha@example.org"},
        {"block": "labelstudio#2", "id": 3, "completed_by": 7},
        {"block": "labelstudio#3", "id": 5, "completed_by": 8},
    ]
    assert info["cancelled"] == 1 and info["utf16_spans"] == 1


def test_relations_between_regions(tmp_path):
    results = [
        {"from_id": "p", "to_id": "g", "type": "relation", "direction": "right", "labels": ["MEMBER_OF"]},
        region("g", GROUP_U16, "ARMED_GROUP", GROUP_TEXT),
        region("p", LEADER_U16, "PER", LEADER_TEXT),
        {"from_id": "g", "to_id": "p", "type": "relation", "direction": "left", "labels": ["MEMBER_OF"]},
        {"from_id": "g", "to_id": "p", "type": "relation", "direction": "right", "labels": []},
        {"from_id": "g", "to_id": "nowhere", "type": "relation", "labels": ["X"]},
        {"id": "t", "type": "textarea", "value": {"text": ["note"]}},
    ]
    path = write_json(tmp_path / "t.json", [hindi_task(1, results)])
    records, errors = read(path)
    block = records[0].annotations[0]
    assert [(r["type"], r["from"], r["to"]) for r in block["relations"]] == [
        ("MEMBER_OF", "p", "g"),
        ("MEMBER_OF", "p", "g"),
    ]
    assert [e.reason.split(": ", 1)[1] for e in errors] == [
        "no label, so no relation type; left out",
        "it names a region that is not a span of this annotation; left out",
    ]
    assert records[0].meta["labelstudio"]["ignored_results"] == {"textarea": 1}


# ---------------------------------------------------------------------------------------------------------
# malformed input


def test_malformed_tasks_are_reported_and_good_ones_kept(tmp_path):
    tasks = [
        hindi_task(1, [region("g", GROUP_CP, "ORG", GROUP_TEXT)]),
        {"id": 2, "annotations": []},
        "not a task",
        {"id": 4, "data": {"n": 1}},
        {"id": 5, "data": {"text": "पाँच"}, "annotations": {"result": []}},
        hindi_task(6, [region("g", (2, 99), "ORG", None), region("p", LEADER_CP, "PER", LEADER_TEXT)]),
    ]
    path = write_json(tmp_path / "t.json", tasks)
    records, errors = read(path)
    assert [r.external_id for r in records] == ["1", "6"]
    assert entities(records[1]) == [(25, 36, "PER", LEADER_TEXT)]
    got = [(e.where.split(" ", 1)[1], e.reason) for e in errors]
    assert got == [
        ("(task 2, id 2)", "the task has neither a 'data' object nor a text (no string field)"),
        ("(task 3)", "expected a task object, found str"),
        ("(task 4, id 4)", "the task's 'data' has no text (no string field)"),
        ("(task 5, id 5)", "the task's 'annotations' is not a list"),
        (
            "(task 6, id 6)",
            "annotation 60 result g [2, 99) ['ORG']: span [2, 99) is outside the text (length 50); left out",
        ),
    ]
    assert all(e.where.startswith(f"{path}:") for e in errors)


def test_broken_json_names_the_line(tmp_path):
    path = tmp_path / "t.json"
    good = json.dumps(hindi_task(1, []), ensure_ascii=False)
    broken = '{"id": 2, "data": {"text": "x"}'  # the task's closing brace is missing
    path.write_text(f"[\n{good},\n{broken}\n]\n", encoding="utf-8")
    records, errors = read(path)
    assert [r.external_id for r in records] == ["1"]
    assert [e.where for e in errors] == [f"{path}:3"]  # where the broken task starts
    assert errors[0].reason == "invalid JSON: Expecting ',' delimiter (line 4, column 1)"


# ---------------------------------------------------------------------------------------------------------
# through the import service


def test_import_through_the_service(project, tmp_path):
    results = [
        region("g", GROUP_U16, "Group", GROUP_TEXT),
        region("p", LEADER_U16, "PERSON", LEADER_TEXT),
        {"from_id": "p", "to_id": "g", "type": "relation", "direction": "right", "labels": ["MEMBER_OF"]},
    ]
    path = write_json(tmp_path / "t.json", [hindi_task(1, results)])
    report = import_paths(
        project, [path], fmt="labelstudio", annotator="someone", label_map={"Group": "ARMED_GROUP"}
    )
    assert report.errors == []
    assert report.documents_added == 1
    with project.session() as s:
        rows = s.execute(
            select(Document.text, Document.external_id, Entity.start, Entity.end, Entity.label, Entity.id)
            .join(Entity, Entity.document_id == Document.id)
            .join(Annotator, Annotator.id == Entity.annotator_id)
            .where(Annotator.name == "someone")
            .order_by(Entity.start)
        ).all()
        assert [(text[a:b], ext, a, b, label) for text, ext, a, b, label, _ in rows] == [
            (GROUP_TEXT, "1", 2, 15, "ARMED_GROUP"),
            (LEADER_TEXT, "1", 25, 36, "PER"),
        ]
        ids = {label: eid for *_, label, eid in rows}
        assert s.execute(select(Relation.type, Relation.from_entity_id, Relation.to_entity_id)).all() == [
            ("MEMBER_OF", ids["PER"], ids["ARMED_GROUP"])
        ]
        meta = s.scalar(select(Document.meta))
        assert meta["labelstudio"]["utf16_spans"] == 2
