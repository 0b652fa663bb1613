"""doccano exports → documents with spans, relations and classification labels: the upstream examples,
a hand-written Hindi record, malformed input, and an import through the service."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.errors import RecordError
from annotator.formats import doccano
from annotator.formats.records import SourceRecord, read_path
from annotator.services.importing import import_paths
from annotator.store.models import Annotator, Document, Entity, Relation

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"
EXPORTS = ("doccano", "data_export", "pipeline", "examples")

NUKTA_JA = "ज\u093c"  # ज़ written as ज + NUKTA (NFC keeps it so: U+095B is a composition exclusion)
NUKTA_PHA = "फ\u093c"
HINDI = f"😊 लश्कर-ए-तैयबा के सरगना हा{NUKTA_PHA}ि{NUKTA_JA} सईद ने बयान दिया।"
GROUP, LEADER = (2, 15), (25, 36)  # code points; the emoji before them is one code point


def corpus(*parts: str) -> Path:
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared corpus file {path} not present (see shared/corpora/SOURCES.md)")
    return path


def read(path: Path) -> tuple[list[SourceRecord], list[RecordError]]:
    items = [item for item, _ in doccano.read(path)]
    return (
        [i for i in items if isinstance(i, SourceRecord)],
        [i for i in items if isinstance(i, RecordError)],
    )


def spans(record: SourceRecord) -> list[tuple[int, int, str, str]]:
    return [
        (e["start"], e["end"], e["label"], record.text[e["start"] : e["end"]])
        for block in record.annotations
        for e in block["entities"]
    ]


def write_lines(path: Path, lines: list[object]) -> Path:
    text = "".join(
        (line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n" for line in lines
    )
    path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------------------------------------------------
# upstream examples


def test_sequence_labeling_export():
    records, errors = read(corpus(*EXPORTS, "sequence_labeling", "example.jsonl"))
    assert errors == []
    assert [spans(r) for r in records] == [
        [(0, 2, "ORG", "EU"), (11, 17, "MISC", "German")],
        [(0, 15, "PERSON", "Peter Blackburn")],
        [(10, 15, "PERSON", "Obama")],
    ]
    block = records[0].annotations[0]
    assert block["annotator"] == "doccano" and block["status"] == "done"
    assert block["entities"][0] == {"id": "T1", "start": 0, "end": 2, "label": "ORG", "attributes": {}}
    assert [r.where.rsplit(":", 1)[1] for r in records] == ["1", "2", "3"]


def test_relation_extraction_example_is_pretty_printed_json():
    path = corpus(*EXPORTS, "relation_extraction", "example.jsonl")
    records, errors = read(path)
    assert errors == []
    [record] = records
    assert record.where == f"{path}:1"
    assert spans(record) == [
        (0, 6, "ORG", "Google"),
        (22, 39, "DATE", "September 4, 1998"),
        (44, 54, "PERSON", "Larry Page"),
        (59, 70, "PERSON", "Sergey Brin"),
    ]
    relations = [(r["type"], r["from"], r["to"]) for r in record.annotations[0]["relations"]]
    assert relations == [("foundedAt", "T1", "T2"), ("foundedBy", "T1", "T3"), ("foundedBy", "T1", "T4")]


def test_relation_extraction_import_fixture_without_relation_ids():
    records, errors = read(
        corpus("doccano", "data_import", "tests", "data", "relation_extraction", "example.jsonl")
    )
    assert errors == []
    assert [r["id"] for r in records[0].annotations[0]["relations"]] == ["R1", "R2", "R3"]


def test_intent_detection_keeps_spans_as_given_and_cats_in_meta():
    records, errors = read(corpus(*EXPORTS, "intent_detection", "example.jsonl"))
    assert errors == []
    # upstream quirk kept: the first "City" covers "Find a flight from Memphis", not "Memphis" (19-26)
    assert spans(records[0]) == [(0, 26, "City", "Find a flight from Memphis"), (30, 36, "City", "Tacoma")]
    assert [r.meta["doccano_labels"] for r in records] == [["flight"], ["airport"]]


def test_text_classification_json_array_labels_go_to_meta():
    path = corpus(*EXPORTS, "text_classification", "example.json")
    records, errors = read(path)
    assert errors == []
    assert [(r.text, r.meta["doccano_labels"], r.annotations) for r in records] == [
        ("Terrible customer service.", ["negative"], []),
        ("Really great transaction.", ["positive"], []),
        ("Great price.", ["positive"], []),
    ]
    assert [r.where for r in records] == [f"{path}:2", f"{path}:6", f"{path}:10"]  # each object's line


def test_import_fixtures_report_the_record_without_text():
    path = corpus("doccano", "data_import", "tests", "data", "sequence_labeling", "example.jsonl")
    records, errors = read(path)
    assert [spans(r) for r in records] == [[(0, 1, "LOC", "e")], []]
    assert records[0].meta == {"wikiPageID": 1}
    assert [(e.where, e.reason) for e in errors] == [(f"{path}:3", "missing field 'text'")]


# ---------------------------------------------------------------------------------------------------------
# hand-written Hindi: emoji, nukta, hyphenated name


def hindi_record() -> dict:
    return {
        "id": 7,
        "text": HINDI,
        "entities": [
            {"id": 10, "start_offset": GROUP[0], "end_offset": GROUP[1], "label": "ARMED_GROUP"},
            {"id": 11, "start_offset": LEADER[0], "end_offset": LEADER[1], "label": "PERSON"},
        ],
        "relations": [{"id": 3, "from_id": 11, "to_id": 10, "type": "MEMBER_OF"}],
        "cats": ["security"],
        "source": "hand-written",
    }


def test_hindi_spans_with_emoji_nukta_and_hyphens(tmp_path):
    records, errors = read(write_lines(tmp_path / "hi.jsonl", [hindi_record()]))
    assert errors == []
    [record] = records
    assert spans(record) == [
        (2, 15, "ARMED_GROUP", "लश्कर-ए-तैयबा"),
        (25, 36, "PERSON", f"हा{NUKTA_PHA}ि{NUKTA_JA} सईद"),
    ]
    assert record.annotations[0]["relations"] == [
        {"id": "R1", "type": "MEMBER_OF", "from": "T2", "to": "T1", "attributes": {}}
    ]
    assert record.external_id == "7"
    assert record.meta == {"source": "hand-written", "doccano_labels": ["security"]}


def test_label_list_shape_with_hindi(tmp_path):
    obj = {"text": HINDI, "label": [[*GROUP, "ORG"], [0, 1, "EMOJI"]]}
    records, errors = read(write_lines(tmp_path / "hi.jsonl", [obj]))
    assert errors == []
    assert spans(records[0]) == [(2, 15, "ORG", "लश्कर-ए-तैयबा"), (0, 1, "EMOJI", "😊")]


# ---------------------------------------------------------------------------------------------------------
# malformed input: each problem names file:line, the good records still come through


def test_malformed_lines_are_reported_and_good_records_kept(tmp_path):
    path = write_lines(
        tmp_path / "bad.jsonl",
        [
            {"text": "पहला", "label": [[0, 4, "LOC"]]},
            '{"text": "टूटा", "label": [[0, 2, "LOC"]]',
            {"text": "तीसरा", "label": [[0, 5, "LOC"], [2, 99, "LOC"]]},
            {"label": [[0, 1, "PER"]]},
            {
                "text": "पांचवां",
                "entities": [{"id": 1, "start_offset": 0, "end_offset": 0, "label": "X"}],
                "relations": [{"from_id": 1, "to_id": 1, "type": "R"}],
            },
            ["not", "objects"],
            {"text": "सातवां", "label": [[0, 6, "DATE"]]},
        ],
    )
    records, errors = read(path)
    assert [r.text for r in records] == ["पहला", "तीसरा", "पांचवां", "सातवां"]
    assert spans(records[1]) == [(0, 5, "LOC", "तीसरा")]  # the bad span is left out, not the record
    assert records[2].annotations == []
    where = [e.where for e in errors]
    assert where == [
        f"{path}:2",
        f"{path}:3",
        f"{path}:4",
        f"{path}:5",
        f"{path}:5",
        f"{path}:6",
        f"{path}:6",
    ]
    assert errors[0].reason.startswith("invalid JSON")
    assert "span [2, 99) is outside the text (length 5)" in errors[1].reason
    assert errors[2].reason == "missing field 'text'"
    assert "empty or reversed" in errors[3].reason
    assert "entity 1 was left out" in errors[4].reason
    assert "expected a JSON object, found str" in errors[5].reason


def test_broken_pretty_printed_file_names_the_line(tmp_path):
    path = tmp_path / "pretty.json"
    path.write_text(
        '[\n  {"text": "ठीक", "label": []},\n  {"text": "टूटा",\n   "label": [}\n]\n', encoding="utf-8"
    )
    records, errors = read(path)
    assert [r.text for r in records] == ["ठीक"]
    assert [e.where for e in errors] == [f"{path}:3"]  # where the broken record starts
    assert errors[0].reason == "invalid JSON: Expecting value (line 4, column 14)"


def test_non_list_label_field_costs_the_record(tmp_path):
    path = write_lines(tmp_path / "x.jsonl", [{"text": "abc", "label": "LOC"}])
    records, errors = read(path)
    assert records == []
    assert [(e.where, e.reason) for e in errors] == [(f"{path}:1", "field 'label' must be a list, not str")]


def test_dispatch_through_read_path(tmp_path):
    path = write_lines(tmp_path / "hi.jsonl", [hindi_record()])
    items = list(read_path(path, "doccano", "hi.jsonl"))
    assert len(items) == 1 and isinstance(items[0][0], SourceRecord)
    assert items[0][1] == path.stat().st_size


# ---------------------------------------------------------------------------------------------------------
# through the import service


def test_import_through_the_service(project, tmp_path):
    path = write_lines(tmp_path / "hi.jsonl", [hindi_record(), {"text": "अकेला", "label": [[0, 5, "MISC"]]}])
    report = import_paths(
        project, [path], fmt="doccano", annotator="someone", label_map={"PERSON": "PER", "MISC": "-"}
    )
    assert report.errors == []
    assert report.documents_added == 2
    with project.session() as s:
        rows = s.execute(
            select(Document.text, Document.external_id, Entity.start, Entity.end, Entity.label, Entity.id)
            .join(Entity, Entity.document_id == Document.id)
            .join(Annotator, Annotator.id == Entity.annotator_id)
            .where(Annotator.name == "someone")
            .order_by(Entity.start)
        ).all()
        assert [(text[start:end], ext, start, end, label) for text, ext, start, end, label, _ in rows] == [
            ("लश्कर-ए-तैयबा", "7", 2, 15, "ARMED_GROUP"),
            (f"हा{NUKTA_PHA}ि{NUKTA_JA} सईद", "7", 25, 36, "PER"),
        ]
        ids = {label: eid for *_, label, eid in rows}
        relations = s.execute(select(Relation.type, Relation.from_entity_id, Relation.to_entity_id)).all()
        assert relations == [("MEMBER_OF", ids["PER"], ids["ARMED_GROUP"])]
        meta = s.scalar(select(Document.meta).where(Document.external_id == "7"))
        assert meta["doccano_labels"] == ["security"]
