"""Blind mode and the model (issue 18): with blind annotation on, an annotator's model is trained on gold and
their own labels only, and another annotator's label on the same document never comes back as a
suggestion, even at the lowest confidence; with blind mode off, the shared model suggests as before."""

import json

import pytest
from sqlalchemy import insert, select

from annotator.services.adjudication import auto_adjudicate
from annotator.services.importing import import_paths
from annotator.services.suggestions import (
    compute_suggestions,
    model_info,
    set_settings,
    train_model,
    training_examples,
)
from annotator.services.team import add_annotator, set_blind_mode
from annotator.store.models import Annotator, Assignment, Document, SuggestionModel, new_uuid

PLACES = [
    "Delhi",
    "Karakoram",
    "Srinagar",
    "Kupwara",
    "Poonch",
    "Rajouri",
    "Baramulla",
    "Uri",
    "Leh",
    "Kargil",
]


def span(text, surface, label, n):
    start = text.index(surface)
    return {"id": f"{label}{n}", "start": start, "end": start + len(surface), "label": label}


def done(name, entities):
    return {"annotator": name, "status": "done", "entities": entities}


def places(text):
    return [span(text, p, "GPE", n) for n, p in enumerate(PLACES) if p in text]


@pytest.fixture
def blind_project(sqlite_project, tmp_path):
    """gold on g0…g11 (ravi and zara agree on places); asha's own finished work a0…a11 (places); ravi alone
    labels the group 'Zorbistan Front' (ARMED_GROUP) on r0…r11 and on D, which is assigned to asha."""
    records = []
    for i in range(12):
        a, b = PLACES[i % 10], PLACES[(i + 3) % 10]
        g = f"Police in {a} met officials from {b} on day {i}."
        records.append(
            {"id": f"g{i}", "text": g, "annotations": [done("ravi", places(g)), done("zara", places(g))]}
        )
        t = f"Patrols in {b} and {a} were doubled, report {i}."
        records.append({"id": f"a{i}", "text": t, "annotations": [done("asha", places(t))]})
        r = f"Zorbistan Front fighters were seen near {a}, dispatch {i}."
        records.append(
            {
                "id": f"r{i}",
                "text": r,
                "annotations": [done("ravi", [span(r, "Zorbistan Front", "ARMED_GROUP", 0), *places(r)])],
            }
        )
    d = "Zorbistan Front fighters were seen near Leh, says the new report."
    records.append(
        {
            "id": "D",
            "text": d,
            "annotations": [
                {
                    "annotator": "ravi",
                    "status": "in_progress",
                    "entities": [span(d, "Zorbistan Front", "ARMED_GROUP", 0)],
                }
            ],
        }
    )
    path = tmp_path / "blind.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert import_paths(sqlite_project, [path]).ok
    auto_adjudicate(sqlite_project, "majority")  # gold on g0…g11
    for name in ("asha", "ravi", "zara"):
        add_annotator(sqlite_project, name)
    with sqlite_project.engine.begin() as conn:  # D is asha's to do
        asha = conn.scalar(select(Annotator.id).where(Annotator.name == "asha"))
        d = conn.scalar(select(Document.id).where(Document.external_id == "D"))
        conn.execute(insert(Assignment).values(id=new_uuid(), document_id=d, annotator_id=asha))
    set_settings(sqlite_project, min_score=0.0)  # the lowest confidence
    return sqlite_project


def d_of(project):
    with project.engine.connect() as conn:
        d = conn.scalar(select(Document.id).where(Document.external_id == "D"))
        text = conn.scalar(select(Document.text).where(Document.id == d))
    start = text.index("Zorbistan Front")
    return d, (start, start + len("Zorbistan Front"))


def ravis_label(suggestions, where):
    return [s for s in suggestions if (s.start, s.end) == where and s.label == "ARMED_GROUP"]


def test_blind_model_is_trained_on_gold_and_own_labels_only(blind_project):
    asha = training_examples(blind_project, annotator="asha")
    labels = {label for _text, _tokens, spans in asha for _s, _e, label in spans}
    texts = {text for text, _tokens, _spans in asha}
    assert labels == {"GPE"}  # ravi's ARMED_GROUP labels are not hers, nor gold
    assert sum(t.startswith("Police in") for t in texts) == 12  # gold
    assert sum(t.startswith("Patrols in") for t in texts) == 12  # her own
    assert not any("Zorbistan" in t for t in texts)
    # the shared model's examples: everyone's finished work
    shared = training_examples(blind_project)
    assert any(label == "ARMED_GROUP" for _t, _k, spans in shared for _s, _e, label in spans)
    # a gold document given to her (a check, say) is hers now: its gold, made from others' labels, goes
    with blind_project.engine.begin() as conn:
        asha_id = conn.scalar(select(Annotator.id).where(Annotator.name == "asha"))
        g0 = conn.scalar(select(Document.id).where(Document.external_id == "g0"))
        conn.execute(insert(Assignment).values(id=new_uuid(), document_id=g0, annotator_id=asha_id))
    texts = [t for t, _k, _s in training_examples(blind_project, annotator="asha")]
    assert sum(t.startswith("Police in") for t in texts) == 11 and not any(
        t.endswith("day 0.") for t in texts
    )


def test_blind_on_another_annotators_label_never_comes_back(blind_project):
    d, where = d_of(blind_project)
    info = train_model(blind_project, annotator="asha")
    assert model_info(blind_project, "asha") == info
    assert model_info(blind_project) is None  # her model is hers: no shared one was made
    with blind_project.engine.connect() as conn:
        owners = conn.execute(select(SuggestionModel.annotator_id)).scalars().all()
    assert len(owners) == 1 and owners[0] is not None
    made = compute_suggestions(blind_project, d, "asha")  # every source, confidence from 0
    assert ravis_label(made, where) == []
    assert not [s for s in made if s.label == "ARMED_GROUP"]
    # a shared model trained too (by a lead, say) is still not hers in blind mode
    set_blind_mode(blind_project, False)
    train_model(blind_project)
    set_blind_mode(blind_project, True)
    assert ravis_label(compute_suggestions(blind_project, d, "asha"), where) == []


def test_blind_off_the_shared_model_suggests_as_before(blind_project):
    d, where = d_of(blind_project)
    set_blind_mode(blind_project, False)
    train_model(blind_project, annotator="asha")  # blind off: the shared model, whoever asks
    with blind_project.engine.connect() as conn:
        assert conn.execute(select(SuggestionModel.annotator_id)).scalars().all() == [None]
    made = compute_suggestions(blind_project, d, "asha")
    assert [s.source for s in ravis_label(made, where)] == ["model"]


def test_propagation_uses_only_the_annotators_own_labels(blind_project):
    d, where = d_of(blind_project)
    for blind in (True, False):
        set_blind_mode(blind_project, blind)
        set_settings(blind_project, sources=["propagation"], min_score=0.0)
        assert ravis_label(compute_suggestions(blind_project, d, "asha"), where) == []
