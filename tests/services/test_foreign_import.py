"""Other tools' files through the import service: annotator naming, label and relation-type mapping,
folders in a named format, and records of one text that must not collide."""

import json

from sqlalchemy import select

from annotator.services.importing import import_paths
from annotator.store.models import Annotator, Entity, Relation

TEXT = "लश्कर-ए-तैयबा का सदस्य अबू कासिम पहलगाम में मारा गया"


def at(surface):
    start = TEXT.index(surface)
    return start, start + len(surface)


def rows(project, model, *columns):
    with project.engine.connect() as conn:
        return sorted(
            tuple(r)
            for r in conn.execute(
                select(Annotator.name, *columns).join(Annotator, Annotator.id == model.annotator_id)
            )
        )


def test_label_studio_annotations_keep_their_own_annotator(project, tmp_path):
    s, e = at("पहलगाम")
    result = {"from_name": "label", "to_name": "text", "type": "labels", "value": {"start": s, "end": e}}
    task = {
        "id": 7,
        "data": {"text": TEXT},
        "annotations": [
            {"id": 1, "result": [{**result, "id": "a", "value": {**result["value"], "labels": ["LOC"]}}]},
            {"id": 2, "result": [{**result, "id": "b", "value": {**result["value"], "labels": ["GPE"]}}]},
        ],
    }
    path = tmp_path / "export.json"
    path.write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    report = import_paths(project, [path], fmt="labelstudio", annotator="team-a")
    assert report.ok, report.errors
    assert rows(project, Entity, Entity.label) == [("team-a", "LOC"), ("team-a#2", "GPE")]


def test_relation_types_are_mapped_or_left_out(project, tmp_path):
    (a1, a2), (b1, b2) = at("लश्कर-ए-तैयबा"), at("अबू कासिम")
    (c1, c2) = at("पहलगाम")
    record = {
        "text": TEXT,
        "entities": [
            {"id": 1, "start_offset": a1, "end_offset": a2, "label": "ARMED_GROUP"},
            {"id": 2, "start_offset": b1, "end_offset": b2, "label": "PERSON"},
            {"id": 3, "start_offset": c1, "end_offset": c2, "label": "GPE"},
        ],
        "relations": [
            {"id": 1, "from_id": 2, "to_id": 1, "type": "memberOf"},
            {"id": 2, "from_id": 2, "to_id": 3, "type": "diedIn"},
        ],
    }
    path = tmp_path / "rel.jsonl"
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    report = import_paths(project, [path], fmt="doccano", label_map={"memberOf": "MEMBER_OF"})
    assert report.ok, report.errors
    assert rows(project, Relation, Relation.type) == [("doccano", "MEMBER_OF")]
    [summary] = report.warnings
    assert "memberOf → MEMBER_OF (1)" in summary and "PERSON → PER (1)" in summary
    assert "diedIn → left out (no such relation in the schema) (1)" in summary


def test_a_folder_in_a_named_format_and_records_of_one_text(project, tmp_path):
    folder = tmp_path / "doccano"
    folder.mkdir()
    s, e = at("पहलगाम")
    b1, b2 = at("अबू कासिम")
    # the same text twice, labelled differently (two people's records): both sets arrive, none is lost
    (folder / "a.jsonl").write_text(
        json.dumps({"text": TEXT, "label": [[s, e, "GPE"]]}, ensure_ascii=False)
        + "\n"
        + json.dumps({"text": TEXT, "label": [[b1, b2, "PER"]]}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    (folder / "b.json").write_text(
        json.dumps([{"text": TEXT + "।", "label": [[s, e, "LOC"]]}], ensure_ascii=False), encoding="utf-8"
    )
    (folder / "notes.md").write_text("not data", encoding="utf-8")
    report = import_paths(project, [folder], fmt="doccano")
    assert report.ok and report.files == 2 and report.documents_added == 2
    assert rows(project, Entity, Entity.label) == [("doccano", "GPE"), ("doccano", "LOC"), ("doccano", "PER")]
    again = import_paths(project, [folder], fmt="doccano")  # the same files again: nothing new
    assert again.annotations_added == 0 and again.documents_existing == 3
