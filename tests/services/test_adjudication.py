"""Adjudication: gold from three annotators' work by policy, a person's decisions, the queue, scores."""

import json

import pytest
from sqlalchemy import select

from annotator.cli import main
from annotator.errors import AnnotatorError
from annotator.services.adjudication import (
    GOLD,
    auto_adjudicate,
    decide,
    disagreement_queue,
    edit_gold_entity,
    edit_gold_event,
    open_items,
    reject,
    scores_against_gold,
)
from annotator.services.annotate import Editor, WorkState
from annotator.services.importing import import_paths
from annotator.services.project import init_project
from annotator.store.models import Annotator, Document, Entity, GoldProvenance
from annotator.store.reading import read_documents

BASE = "पहलगाम में लश्कर-ए-तैयबा के आतंकियों ने 26 लोगों को मार डाला।"
T1, T2 = f"{BASE} (1)", f"{BASE} (2)"


def at(text, surface):
    start = text.index(surface)
    return start, start + len(surface)


def ent(text, eid, surface, label):
    s, e = at(text, surface)
    return {"id": eid, "start": s, "end": e, "label": label, "text": surface, "attributes": {}}


def die(text, args):
    s, e = at(text, "मार डाला")
    return {
        "id": "E1",
        "type": "DIE",
        "trigger": {"start": s, "end": e, "text": "मार डाला"},
        "arguments": [{"role": r, "entity": f} for r, f in args],
        "attributes": {},
    }


def block(name, *, status="done", tone=None, entities=(), events=(), sentiment=()):
    return {
        "annotator": name,
        "status": status,
        "entities": list(entities),
        "events": list(events),
        "document": {} if tone is None else {"tone": tone},
        "sentiment": list(sentiment),
    }


def doc1(with_meera_status="done"):
    full = dict(
        tone=-2,
        entities=[ent(T1, "A", "पहलगाम", "GPE"), ent(T1, "B", "लश्कर-ए-तैयबा", "ARMED_GROUP")],
        events=[die(T1, [("Agent", "B"), ("Place", "A")])],
        sentiment=[{"target": "B", "polarity": "NEG"}],
    )
    asha = block("asha", **{**full, "entities": [*full["entities"], ent(T1, "C", "26", "NUM")]})
    ravi = block("ravi", **full)
    meera = block(
        "meera",
        status=with_meera_status,
        tone=-1,
        entities=[ent(T1, "A", "पहलगाम", "GPE")],
        events=[die(T1, [("Place", "A")])],
    )
    return {"id": "d1", "title": "one", "text": T1, "meta": {}, "annotations": [asha, ravi, meera]}


def doc2(*extra):
    anns = [
        block("asha", tone=1, entities=[ent(T2, "A", "पहलगाम", "GPE")]),
        block("ravi", tone=2, entities=[ent(T2, "A", "पहलगाम", "LOC")]),
        *extra,
    ]
    return {"id": "d2", "title": "two", "text": T2, "meta": {}, "annotations": anns}


def load(project, tmp_path, *records, name="team.jsonl"):
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    report = import_paths(project, [path])
    assert report.ok, report.errors


def key(text, surface, label):
    s, e = at(text, surface)
    return f"entity {s}-{e} {label}"


def frame(text, *args):
    s, e = at(text, "मार डाला")
    parts = sorted((role, at(text, surface)) for role, surface in args)
    return f"event {s}-{e} DIE" + "".join(f" {r}={a}-{b}" for r, (a, b) in parts)


GPE1, ARM1, NUM1 = key(T1, "पहलगाम", "GPE"), key(T1, "लश्कर-ए-तैयबा", "ARMED_GROUP"), key(T1, "26", "NUM")
FRAME_AR = frame(T1, ("Agent", "लश्कर-ए-तैयबा"), ("Place", "पहलगाम"))
FRAME_M = frame(T1, ("Place", "पहलगाम"))
SENT1 = f"sentiment {ARM1}=NEG"


@pytest.fixture
def team(project, tmp_path):
    load(project, tmp_path, doc1(), doc2())
    return project


def gold_block(project, external_id):
    """Gold's annotations of a document, as the export writes them (None when it has none)."""
    with project.engine.connect() as conn:
        for doc in read_documents(conn):
            if doc.external_id == external_id and doc.gold is not None:
                return doc.gold.to_native(doc.text)
    return None


def doc_id(project, external_id):
    with project.engine.connect() as conn:
        return conn.scalar(select(Document.id).where(Document.external_id == external_id))


def outcome(report, external_id):
    return next(o for o in report.per_document if o.external_id == external_id)


def test_unanimous(team):
    report = auto_adjudicate(team, "unanimous")
    assert report.documents == 2
    one = outcome(report, "d1")
    assert one.accepted == [GPE1]
    assert set(one.open) == {ARM1, NUM1, FRAME_AR, FRAME_M, "tone tone=-2", "tone tone=-1", SENT1}
    gold = gold_block(team, "d1")
    assert [(e["label"]) for e in gold["entities"]] == ["GPE"] and not gold["events"]


@pytest.mark.parametrize("policy", ["majority", "min:2"])
def test_majority_and_min2(team, policy):
    report = auto_adjudicate(team, policy)
    one = outcome(report, "d1")
    assert set(one.accepted) == {GPE1, ARM1, FRAME_AR, "tone tone=-2", SENT1}
    assert set(one.open) == {NUM1, FRAME_M, "tone tone=-1"}
    two = outcome(report, "d2")  # two annotators, 1-1 on everything: a tie stays open
    assert two.accepted == []
    assert set(two.open) == {key(T2, "पहलगाम", "GPE"), key(T2, "पहलगाम", "LOC"), "tone tone=1", "tone tone=2"}
    assert report.accepted == 5 and report.open == 7

    gold = gold_block(team, "d1")
    assert gold["document"] == {"tone": -2}
    ids = {e["id"]: (e["label"]) for e in gold["entities"]}
    assert sorted(ids.values()) == ["ARMED_GROUP", "GPE"]
    [event] = gold["events"]  # events as frames: arguments point at the gold entities
    assert event["type"] == "DIE"
    assert sorted((a["role"], ids[a["entity"]]) for a in event["arguments"]) == [
        ("Agent", "ARMED_GROUP"),
        ("Place", "GPE"),
    ]
    [sentiment] = gold["sentiment"]
    assert ids[sentiment["target"]] == "ARMED_GROUP" and sentiment["polarity"] == "NEG"
    with team.engine.connect() as conn:
        assert conn.scalar(select(Annotator.role).where(Annotator.name == GOLD)) == "adjudicator"


def test_min1_accepts_no_conflicting_single_values(team):
    two = outcome(auto_adjudicate(team, "min:1"), "d2")
    assert set(two.accepted) == {key(T2, "पहलगाम", "GPE"), key(T2, "पहलगाम", "LOC")}
    assert set(two.open) == {"tone tone=1", "tone tone=2"}  # one tone per document: neither


def test_provenance_rows(team):
    auto_adjudicate(team, "majority")
    gold = gold_block(team, "d1")
    gpe = next(e for e in gold["entities"] if e["label"] == "GPE")
    d1 = doc_id(team, "d1")
    with team.engine.connect() as conn:
        prov = conn.execute(select(GoldProvenance).where(GoldProvenance.id == gpe["id"])).one()
        sources = set(
            conn.scalars(
                select(Entity.id)
                .join(Annotator, Annotator.id == Entity.annotator_id)
                .where(Entity.label == "GPE", Entity.document_id == d1, Annotator.name != GOLD)
            )
        )
        rows = conn.execute(select(GoldProvenance)).all()
    assert prov.table_name == "entities"
    assert prov.document_id == d1
    assert prov.item_key == GPE1
    assert prov.proposed_by == ["asha", "meera", "ravi"]
    assert prov.decided_by is None and prov.rule == "majority" and prov.decided_at is not None
    assert set(prov.source_ids) == sources and len(sources) == 3
    assert len(rows) == 5
    assert {r.table_name for r in rows} == {"entities", "events", "document_labels", "targeted_sentiments"}


def test_rerun_is_idempotent(team):
    auto_adjudicate(team, "majority")
    with team.engine.connect() as conn:
        before = sorted(tuple(r) for r in conn.execute(select(GoldProvenance)).all())
    again = auto_adjudicate(team, "majority")
    assert (again.added, again.removed, again.accepted) == (0, 0, 5)
    with team.engine.connect() as conn:
        after = sorted(tuple(r) for r in conn.execute(select(GoldProvenance)).all())
    assert after == before


def test_rule_result_follows_new_work(project, tmp_path):
    load(project, tmp_path, doc1(with_meera_status="in_progress"))
    first = auto_adjudicate(project, "unanimous")  # asha and ravi only
    assert set(outcome(first, "d1").accepted) == {GPE1, ARM1, FRAME_AR, "tone tone=-2", SENT1}
    Editor(project, "meera").write_work(doc_id(project, "d1"), WorkState("done"))
    second = auto_adjudicate(project, "unanimous")  # with meera, only GPE is unanimous
    assert outcome(second, "d1").accepted == [GPE1]
    assert (second.added, second.removed) == (0, 4)
    gold = gold_block(project, "d1")
    assert gold["document"] == {} and not gold["events"] and [e["label"] for e in gold["entities"]] == ["GPE"]


def test_manual_decision_survives_new_majority(team, tmp_path):
    auto_adjudicate(team, "majority")
    d2 = doc_id(team, "d2")
    decide(team, d2, "tone tone=2", accept_from="ravi", adjudicator="lead")
    assert gold_block(team, "d2")["document"] == {"tone": 2}
    load(team, tmp_path, doc2(block("meera", tone=1)), name="more.jsonl")  # now 1 has the majority
    report = auto_adjudicate(team, "majority")
    two = outcome(report, "d2")
    assert "tone tone=1" not in two.accepted and "tone tone=1" not in two.open
    assert gold_block(team, "d2")["document"] == {"tone": 2}
    with team.engine.connect() as conn:
        prov = conn.execute(select(GoldProvenance).where(GoldProvenance.item_key == "tone tone=2")).one()
    assert (prov.decided_by, prov.rule, prov.proposed_by) == ("lead", "manual", ["ravi"])


def test_decide_event_brings_its_fillers(team):
    d1 = doc_id(team, "d1")
    decide(team, d1, FRAME_M, accept_from="meera", adjudicator="lead")
    gold = gold_block(team, "d1")
    assert [e["label"] for e in gold["entities"]] == ["GPE"]
    [event] = gold["events"]
    assert [a["role"] for a in event["arguments"]] == ["Place"]
    # the person chose the frame for this trigger: the majority's other frame is not added on a re-run
    one = outcome(auto_adjudicate(team, "majority"), "d1")
    assert FRAME_M not in one.open and FRAME_AR not in one.open and FRAME_AR not in one.accepted
    assert [e["id"] for e in gold_block(team, "d1")["events"]] == [event["id"]]


def test_a_person_replaces_the_rule_gold_at_a_position(team, tmp_path):
    """Accepting another label for a span replaces the rule's gold entity there; the gold event and
    sentiment that pointed at it now point at the new one."""
    auto_adjudicate(team, "majority")
    d1 = doc_id(team, "d1")
    other = key(T1, "लश्कर-ए-तैयबा", "ORG")
    kiran = block("kiran", status="in_progress", entities=[ent(T1, "B", "लश्कर-ए-तैयबा", "ORG")])
    load(team, tmp_path, {**doc1(), "annotations": [kiran]}, name="kiran.jsonl")
    decide(team, d1, other, accept_from="kiran", adjudicator="lead")
    gold = gold_block(team, "d1")
    labels = {e["id"]: e["label"] for e in gold["entities"]}
    assert sorted(labels.values()) == ["GPE", "ORG"]
    [event] = gold["events"]
    assert sorted(labels[a["entity"]] for a in event["arguments"]) == ["GPE", "ORG"]
    assert labels[gold["sentiment"][0]["target"]] == "ORG"
    again = outcome(auto_adjudicate(team, "majority"), "d1")  # ARMED_GROUP (ravi) is not brought back
    assert ARM1 not in again.accepted and ARM1 not in again.open
    assert sorted(e["label"] for e in gold_block(team, "d1")["entities"]) == ["GPE", "ORG"]


def test_accepting_one_proposal_closes_the_others_at_its_position(team):
    """Another label for the span (or another frame for the trigger) is not left open once a person
    has chosen one; rejecting an item closes only that item."""
    d2 = doc_id(team, "d2")
    gpe, loc = key(T2, "पहलगाम", "GPE"), key(T2, "पहलगाम", "LOC")
    assert {gpe, loc} <= {i.key for i in open_items(team, d2)}
    reject(team, d2, "tone tone=1", "lead")
    assert "tone tone=2" in {i.key for i in open_items(team, d2)}
    decide(team, d2, loc, accept_from="ravi", adjudicator="lead")
    left = {i.key for i in open_items(team, d2)}
    assert gpe not in left and loc not in left and "tone tone=2" in left
    assert [e["label"] for e in gold_block(team, "d2")["entities"]] == ["LOC"]
    d1 = doc_id(team, "d1")
    decide(team, d1, FRAME_M, accept_from="meera", adjudicator="lead")
    assert FRAME_AR not in {i.key for i in open_items(team, d1, policy="unanimous")}


def _gold_frame(project, external_id):
    gold = gold_block(project, external_id)
    spans = {e["id"]: (T1[e["start"] : e["end"]], e["label"]) for e in gold["entities"]}
    [event] = gold["events"]
    return event, sorted((a["role"], *spans[a["entity"]]) for a in event["arguments"])


def test_edit_an_event_frame_in_place(team):
    d1 = doc_id(team, "d1")
    # meera's frame (Place only), retyped and given the armed group as Agent and "26 लोगों" as a new Victim
    s26 = at(T1, "26 लोगों")
    gold_id = edit_gold_event(
        team,
        d1,
        FRAME_M,
        accept_from="meera",
        adjudicator="lead",
        event_type="ATTACK",
        add=[("Attacker", *at(T1, "लश्कर-ए-तैयबा"), None), ("Target", *s26, "PER")],
    )
    event, args = _gold_frame(team, "d1")
    assert event["id"] == gold_id and event["type"] == "ATTACK"
    assert args == [
        ("Attacker", "लश्कर-ए-तैयबा", "ARMED_GROUP"),  # the proposed entity, made gold
        ("Place", "पहलगाम", "GPE"),
        ("Target", "26 लोगों", "PER"),  # nobody proposed it: a new gold entity
    ]
    with team.engine.connect() as conn:
        prov = {p.item_key: p for p in conn.execute(select(GoldProvenance)).all()}
    assert (prov[FRAME_M].rule, prov[FRAME_M].decided_by, prov[FRAME_M].proposed_by) == (
        "edited",
        "lead",
        ["meera"],
    )
    assert prov[ARM1].rule == "manual" and prov[ARM1].proposed_by == ["asha", "ravi"]
    new = prov[f"entity {s26[0]}-{s26[1]} PER"]
    assert (new.rule, new.decided_by, new.proposed_by) == ("edited", "lead", [])
    # the other frame on this trigger is settled; a rule re-run keeps the person's frame as it is
    assert FRAME_AR not in {i.key for i in open_items(team, d1)}
    auto_adjudicate(team, "majority")
    event, again = _gold_frame(team, "d1")
    assert event["type"] == "ATTACK" and again == args

    # leave an argument out of asha's frame instead: the Place goes, the Agent stays
    decide(team, d1, FRAME_AR, accept_from="asha", adjudicator="lead")
    reject(team, d1, FRAME_AR, "lead")  # start over on this frame
    edit_gold_event(
        team, d1, FRAME_AR, accept_from="asha", adjudicator="lead", remove=[("Place", *at(T1, "पहलगाम"))]
    )
    die = next(e for e in gold_block(team, "d1")["events"] if e["type"] == "DIE")
    assert [a["role"] for a in die["arguments"]] == ["Agent"]


def test_edit_in_place_refuses_what_does_not_fit(team):
    d1 = doc_id(team, "d1")
    with pytest.raises(AnnotatorError, match="no role"):
        edit_gold_event(
            team, d1, FRAME_M, accept_from="meera", adjudicator="lead", add=[("Weapon", 0, 3, None)]
        )
    with pytest.raises(AnnotatorError, match="needs a label"):  # Agent takes PER, ORG, ARMED_GROUP, GPE
        edit_gold_event(
            team,
            d1,
            FRAME_M,
            accept_from="meera",
            adjudicator="lead",
            add=[("Agent", *at(T1, "आतंकियों"), None)],
        )
    with pytest.raises(AnnotatorError, match="no Agent argument"):
        edit_gold_event(team, d1, FRAME_M, accept_from="meera", adjudicator="lead", remove=[("Agent", 0, 3)])
    with pytest.raises(AnnotatorError, match="not an event type"):
        edit_gold_event(team, d1, FRAME_M, accept_from="meera", adjudicator="lead", event_type="GPE")
    with pytest.raises(AnnotatorError, match="not an entity label"):
        edit_gold_entity(team, d1, GPE1, accept_from="asha", adjudicator="lead", label="ATTACK")
    with pytest.raises(AnnotatorError, match="whole characters"):  # inside में: nothing is accepted
        start, end = at(T1, "पहलगाम")
        edit_gold_entity(team, d1, GPE1, accept_from="asha", adjudicator="lead", bounds=(start, end + 3))
    assert gold_block(team, "d1") is None  # every refusal came before anything was written


def test_edit_an_entity_in_place(team):
    d2 = doc_id(team, "d2")
    start, end = at(T2, "पहलगाम")
    gold_id = edit_gold_entity(
        team,
        d2,
        key(T2, "पहलगाम", "GPE"),
        accept_from="asha",
        adjudicator="lead",
        label="LOC",
        bounds=(start, end + 4),  # पहलगाम में
    )
    [entity] = gold_block(team, "d2")["entities"]
    assert (entity["id"], entity["start"], entity["end"], entity["label"]) == (gold_id, start, end + 4, "LOC")
    with team.engine.connect() as conn:
        prov = conn.execute(select(GoldProvenance).where(GoldProvenance.id == gold_id)).one()
    assert (prov.rule, prov.decided_by, prov.item_key) == ("edited", "lead", key(T2, "पहलगाम", "GPE"))
    assert not {i.key for i in open_items(team, d2)} & {key(T2, "पहलगाम", "GPE"), key(T2, "पहलगाम", "LOC")}


def test_reject_keeps_an_item_out(team):
    auto_adjudicate(team, "majority")
    d1 = doc_id(team, "d1")
    reject(team, d1, "tone tone=-2", "lead")
    reject(team, d1, NUM1, "lead")
    assert gold_block(team, "d1")["document"] == {}
    for policy in ("majority", "min:1"):
        one = outcome(auto_adjudicate(team, policy), "d1")
        assert "tone tone=-2" not in one.accepted and "tone tone=-2" not in one.open
        assert NUM1 not in one.accepted and NUM1 not in one.open
        assert gold_block(team, "d1")["document"] != {"tone": -2}
        assert "NUM" not in {e["label"] for e in gold_block(team, "d1")["entities"]}
    with team.engine.connect() as conn:
        rejected = conn.execute(select(GoldProvenance).where(GoldProvenance.rule == "rejected")).all()
    assert {r.item_key for r in rejected} == {"tone tone=-2", NUM1}
    assert all(r.decided_by == "lead" for r in rejected)


def test_disagreement_queue(team):
    queue = disagreement_queue(team)
    assert [row[1] for row in queue] == ["d2", "d1"]
    assert queue[0][2:] == ("two", 4, 1.0)
    assert queue[1][3:] == (3, pytest.approx(3 / 8))
    assert [row[1] for row in disagreement_queue(team, layer="events")] == ["d1"]
    assert [row[1] for row in disagreement_queue(team, label="LOC")] == ["d2"]
    assert disagreement_queue(team, layer="entities", label="PER") == []


def test_scores_against_gold(team):
    auto_adjudicate(team, "majority")
    scores = scores_against_gold(team)
    assert scores["asha"] == {"precision": 0.75, "recall": 1.0, "f1": pytest.approx(6 / 7), "units": 1}
    assert scores["ravi"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0, "units": 1}
    assert scores["meera"]["precision"] == 1.0 and scores["meera"]["recall"] == pytest.approx(2 / 3)
    assert GOLD not in scores


def test_cli_adjudicate(tmp_path, capsys):
    with init_project(tmp_path / "p.annotator") as project:
        load(project, tmp_path, doc1(), doc2())
    target = str(tmp_path / "p.annotator")
    assert main(["adjudicate", target, "--auto", "--policy", "majority"]) == 0
    out = capsys.readouterr().out
    assert "5 item(s) accepted" in out and "7 left open" in out and "asha" in out
    with pytest.raises(SystemExit) as exc:
        main(["adjudicate", target, "--auto", "--policy", "most"])
    assert exc.value.code == 2
    assert "unknown policy" in capsys.readouterr().err


def test_accept_all_leaves_conflicting_versions_for_a_person(project, tmp_path):
    from annotator.services.adjudication import accept_uncontested

    load(project, tmp_path, doc2())  # asha: tone 1, पहलगाम GPE; ravi: tone 2, पहलगाम LOC
    accepted, contested = accept_uncontested(project, 1, policy="unanimous", adjudicator="lina")
    assert accepted == 0
    assert {i.key for i in contested if i.layer == "entities"} == {
        key(T2, "पहलगाम", "GPE"),
        key(T2, "पहलगाम", "LOC"),
    }
    assert len([i for i in contested if i.layer == "tone"]) == 2
    assert {i.layer for i in contested} == {"tone", "entities"}
    with project.engine.connect() as conn:
        gold_rows = conn.execute(
            select(Entity.id)
            .join(Annotator, Annotator.id == Entity.annotator_id)
            .where(Annotator.name == GOLD)
        ).all()
    assert gold_rows == []
    # after a person decides the span, accept-all takes what is left uncontested and still not the tones
    decide(project, 1, key(T2, "पहलगाम", "LOC"), accept_from="ravi", adjudicator="lina")
    accepted, contested = accept_uncontested(project, 1, policy="unanimous", adjudicator="lina")
    assert accepted == 0 and {i.layer for i in contested} == {"tone"} and len(contested) == 2
    assert len(open_items(project, 1, policy="unanimous")) == 2
