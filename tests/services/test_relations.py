"""Relations between entities and canonical links: native JSONL in and out, validation, stats."""

import json

import pytest
from sqlalchemy import select

from annotator.services.exporting import export_jsonl
from annotator.services.importing import import_paths
from annotator.services.project import init_project
from annotator.services.stats import project_stats
from annotator.store.models import Entity, Relation

TEXT = "लश्कर-ए-तैयबा का मुखौटा संगठन टीआरएफ़ पहलगाम में सक्रिय है। LeT ने ज़िम्मेदारी से इनकार किया।"


def span(surface):
    start = TEXT.index(surface)
    return start, start + len(surface)


def record(**changes):
    let, trf, pahalgam, let2 = span("लश्कर-ए-तैयबा"), span("टीआरएफ़"), span("पहलगाम"), span("LeT")
    ann = {
        "annotator": "asha",
        "entities": [
            {
                "id": "T1",
                "start": let[0],
                "end": let[1],
                "label": "ARMED_GROUP",
                "link": {"id": "Q485436", "name": "Lashkar-e-Taiba"},
            },
            {"id": "T2", "start": trf[0], "end": trf[1], "label": "ARMED_GROUP"},
            {"id": "T3", "start": pahalgam[0], "end": pahalgam[1], "label": "GPE"},
            {"id": "T4", "start": let2[0], "end": let2[1], "label": "ARMED_GROUP", "link": {"id": "Q485436"}},
        ],
        "relations": [
            {"id": "R1", "type": "FRONT_OF", "from": "T2", "to": "T1"},
            {
                "id": "R2",
                "type": "LOCATED_IN",
                "from": "T2",
                "to": "T3",
                "attributes": {"note": "active area"},
            },
            {"id": "R3", "type": "ALIAS_OF", "from": "T4", "to": "T1"},
        ],
    }
    ann.update(changes)
    return {"id": "rel-1", "title": "TRF", "text": TEXT, "meta": {}, "annotations": [ann]}


def write(path, *records):
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path


def test_relations_and_links_round_trip(project, tmp_path):
    report = import_paths(project, [write(tmp_path / "r.jsonl", record())])
    assert report.ok, report.errors
    with project.session() as s:
        ents = {e.label + ":" + TEXT[e.start : e.end]: e for e in s.scalars(select(Entity))}
        rels = s.scalars(select(Relation).order_by(Relation.type)).all()
    assert (ents["ARMED_GROUP:लश्कर-ए-तैयबा"].link_id, ents["ARMED_GROUP:लश्कर-ए-तैयबा"].link_name) == (
        "Q485436",
        "Lashkar-e-Taiba",
    )
    assert ents["ARMED_GROUP:LeT"].link_id == "Q485436" and ents["ARMED_GROUP:LeT"].link_name is None
    assert [(r.type, r.from_entity_id, r.to_entity_id) for r in rels] == [
        ("ALIAS_OF", ents["ARMED_GROUP:LeT"].id, ents["ARMED_GROUP:लश्कर-ए-तैयबा"].id),
        ("FRONT_OF", ents["ARMED_GROUP:टीआरएफ़"].id, ents["ARMED_GROUP:लश्कर-ए-तैयबा"].id),
        ("LOCATED_IN", ents["ARMED_GROUP:टीआरएफ़"].id, ents["GPE:पहलगाम"].id),
    ]
    assert rels[2].attributes == {"note": "active area"}
    first = tmp_path / "first.jsonl"
    export_jsonl(project, first)
    exported = json.loads(first.read_text(encoding="utf-8"))["annotations"][0]
    assert {e["text"]: e.get("link") for e in exported["entities"]} == {
        "लश्कर-ए-तैयबा": {"id": "Q485436", "name": "Lashkar-e-Taiba"},
        "टीआरएफ़": None,
        "पहलगाम": None,
        "LeT": {"id": "Q485436"},
    }
    assert [r["type"] for r in exported["relations"]] == ["ALIAS_OF", "FRONT_OF", "LOCATED_IN"]
    with init_project(tmp_path / "second.annotator") as other:
        assert import_paths(other, [first]).ok
        export_jsonl(other, tmp_path / "second.jsonl")
    assert first.read_bytes() == (tmp_path / "second.jsonl").read_bytes()
    stats = project_stats(project)
    assert stats.relations["FRONT_OF"] == 1 and stats.relations["MEMBER_OF"] == 0


def _bad_link(rec):
    rec["annotations"][0]["entities"][0]["link"] = {"name": "x"}


def _relations(*items):
    def mutate(rec):
        rec["annotations"][0]["relations"] = list(items)

    return mutate


BAD = [
    ("unknown type", _relations({"id": "R1", "type": "ALLY_OF", "from": "T2", "to": "T1"}), "unknown type"),
    ("dangling", _relations({"id": "R1", "type": "FRONT_OF", "from": "T2", "to": "T9"}), "'to' must name"),
    ("wrong types", _relations({"id": "R1", "type": "HOLDS_TITLE", "from": "T2", "to": "T3"}), "relation R1"),
    ("bad link", _bad_link, "'link' needs an 'id'"),
]


@pytest.mark.parametrize("name,mutate,message", BAD, ids=[b[0] for b in BAD])
def test_bad_relations_reject_the_record(project, tmp_path, name, mutate, message):
    rec = record()
    mutate(rec)
    f = write(tmp_path / "r.jsonl", rec)
    report = import_paths(project, [f])
    assert report.documents_added == 0 and len(report.errors) == 1
    assert message in str(report.errors[0]), str(report.errors[0])
