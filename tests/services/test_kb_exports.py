"""Exports with the knowledge base: native JSONL links carry the entry's name and type (and import back),
the incident exports use the base's canonical places (with admin areas) and actors, and the dataset card
counts linked and unlinked entities."""

import csv
import json

from sqlalchemy import select

from annotator.services import incidents as inc
from annotator.services import kb
from annotator.services.annotate import Editor, WorkState
from annotator.services.datasets import export_dataset
from annotator.services.exporting import export_jsonl
from annotator.services.importing import import_paths
from annotator.services.team import add_annotator
from annotator.store.models import Event

TEXT = "पहलगाम में लश्कर के आतंकियों ने हमला किया। Srinagar में बैठक हुई।"


def span(surface, text=TEXT):
    start = text.index(surface)
    return start, start + len(surface)


def load(project, tmp_path):
    p, let, sri, attack = span("पहलगाम"), span("लश्कर"), span("Srinagar"), span("हमला")
    entities = [
        {"id": "T1", "start": p[0], "end": p[1], "label": "GPE", "link": {"id": "kb:pahalgam"}},
        {
            "id": "T2",
            "start": let[0],
            "end": let[1],
            "label": "ARMED_GROUP",
            "link": {"id": "Q485436", "name": "LeT"},
        },
        {"id": "T3", "start": sri[0], "end": sri[1], "label": "GPE"},
    ]
    events = [
        {
            "id": "E1",
            "type": "ATTACK",
            "trigger": {"start": attack[0], "end": attack[1]},
            "arguments": [{"role": "Place", "entity": "T1"}, {"role": "Attacker", "entity": "T2"}],
        }
    ]
    record = {
        "id": "d1",
        "text": TEXT,
        "meta": {"published": "2025-04-22"},
        "annotations": [{"annotator": "asha", "status": "done", "entities": entities, "events": events}],
    }
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_paths(project, [src]).ok
    add_annotator(project, "lead", "lead")
    kb.add_entry(project, name="Lashkar-e-Taiba (Q)", label="ARMED_GROUP", by="lead", canonical_id="Q485436")


def test_native_export_links_carry_the_entry_name_and_type_and_import_back(project, tmp_path):
    load(project, tmp_path)
    out = tmp_path / "out.jsonl"
    export_jsonl(project, out)
    [line] = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    links = {TEXT[e["start"] : e["end"]]: e.get("link") for e in line["annotations"][0]["entities"]}
    assert links == {
        "पहलगाम": {"id": "kb:pahalgam", "name": "Pahalgam", "type": "GPE"},  # the entry's name filled in
        "लश्कर": {"id": "Q485436", "name": "LeT", "type": "ARMED_GROUP"},  # the link's own name kept
        "Srinagar": None,
    }
    # the written file imports into another project, and exports the same again
    from annotator.services.project import init_project

    with init_project(tmp_path / "other.annotator") as other:
        assert import_paths(other, [out]).ok
        kb.add_entry(other, name="Lashkar-e-Taiba (Q)", label="ARMED_GROUP", by="x", canonical_id="Q485436")
        again = tmp_path / "again.jsonl"
        export_jsonl(other, again)
    assert again.read_bytes() == out.read_bytes()


def test_incident_exports_use_canonical_places_and_actors(project, tmp_path):
    load(project, tmp_path)
    editor = Editor(project, "asha")
    with project.engine.connect() as conn:
        event_id = conn.scalar(select(Event.id))
    inc.NewIncident(1, event_id).apply(editor)
    kb.update_entry(project, "kb:pahalgam", by="lead", admin_areas=["India", "Jammu and Kashmir", "Anantnag"])
    assert inc.export_incidents(project, tmp_path / "i.jsonl", format="jsonl") == 1
    line = json.loads((tmp_path / "i.jsonl").read_text(encoding="utf-8"))
    assert line["place"]["name"] == "Pahalgam"  # the entry's name, not the surface पहलगाम
    assert (line["place"]["country"], line["place"]["admin1"], line["place"]["admin2"]) == (
        "India",
        "Jammu and Kashmir",
        "Anantnag",
    )
    assert line["actors"] == [{"id": "Q485436", "name": "Lashkar-e-Taiba (Q)"}]
    assert inc.export_incidents(project, tmp_path / "i.csv") == 1
    with (tmp_path / "i.csv").open(encoding="utf-8", newline="") as fh:
        [row] = list(csv.DictReader(fh))
    assert "Lashkar-e-Taiba (Q)" in json.dumps(row, ensure_ascii=False)


def test_the_dataset_card_counts_linked_and_unlinked_entities(project, tmp_path):
    load(project, tmp_path)
    Editor(project, "asha").write_work(1, WorkState("done"))
    export_dataset(project, "conll", tmp_path / "ds", annotation_set="asha")
    card = (tmp_path / "ds" / "README.md").read_text(encoding="utf-8")
    assert "| entities linked to the knowledge base | 2 | 2 |" in card
    assert "| entities not linked | 1 | 1 |" in card
