"""Blind mode and the knowledge base (issue 18): a spelling another annotator linked on a document grows
into the entry's aliases; it must not come back to a blind annotator on that same document as a
suggestion (with its link), while it does on other documents and with blind mode off."""

import json

import pytest
from sqlalchemy import insert, select

from annotator.services import kb
from annotator.services.importing import import_paths
from annotator.services.suggestions import compute_suggestions, set_settings
from annotator.services.team import add_annotator, set_blind_mode
from annotator.store.models import Annotator, Assignment, Document, new_uuid

NAME = "Zorbo Brigade"


def record(external_id, text, annotations=()):
    return {"id": external_id, "text": text, "annotations": list(annotations)}


def make(sqlite_project, tmp_path, written_aliases=()):
    d = f"{NAME} fighters were seen near the border post, officials said."
    start = d.index(NAME)
    ravi = {
        "annotator": "ravi",
        "status": "done",
        "entities": [
            {
                "id": "e1",
                "start": start,
                "end": start + len(NAME),
                "label": "ARMED_GROUP",
                "link": {"id": "Q-zorbo", "name": "Zorbistan Front"},
            }
        ],
    }
    records = [record("D", d, [ravi]), record("D2", f"A statement by {NAME} was read out on radio.")]
    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    for name in ("asha", "ravi"):
        add_annotator(sqlite_project, name)
    kb.add_entry(
        sqlite_project,
        name="Zorbistan Front",
        label="ARMED_GROUP",
        by="ravi",
        canonical_id="Q-zorbo",
        aliases=written_aliases,
    )
    assert import_paths(sqlite_project, [path]).ok
    with sqlite_project.engine.begin() as conn:
        asha = conn.scalar(select(Annotator.id).where(Annotator.name == "asha"))
        for doc in conn.scalars(select(Document.id)):
            conn.execute(insert(Assignment).values(id=new_uuid(), document_id=doc, annotator_id=asha))
    kb.grow_aliases(sqlite_project)
    set_settings(sqlite_project, sources=["gazetteer"], min_score=0.0)
    return sqlite_project


@pytest.fixture
def project(sqlite_project, tmp_path):
    return make(sqlite_project, tmp_path)


def found(project, external_id):
    with project.engine.connect() as conn:
        doc, text = conn.execute(
            select(Document.id, Document.text).where(Document.external_id == external_id)
        ).one()
    return [(text[s.start : s.end], s.link_id) for s in compute_suggestions(project, doc, "asha")]


def test_another_annotators_link_on_the_same_document_is_not_suggested_in_blind_mode(project):
    assert NAME in kb.get_entry(project, "Q-zorbo").alias_texts  # grown from ravi's link
    set_blind_mode(project, True)
    assert (NAME, "Q-zorbo") not in found(project, "D")  # ravi's answer on D stays his
    assert (NAME, "Q-zorbo") in found(project, "D2")  # elsewhere it is the team's knowledge
    set_blind_mode(project, False)
    assert (NAME, "Q-zorbo") in found(project, "D")


def test_a_written_alias_is_suggested_even_where_another_annotator_linked_it(sqlite_project, tmp_path):
    project = make(sqlite_project, tmp_path, written_aliases=[NAME])  # the team wrote it down first
    set_blind_mode(project, True)
    assert (NAME, "Q-zorbo") in found(project, "D")
