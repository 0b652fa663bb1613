"""Adjudication of incident links into gold: a policy over the annotators who had both events links gold
events into gold incidents (closed transitively), per-source figures kept where the annotators agree; a
re-run changes no row; a person's gold incident is never touched."""

import json

import pytest
from sqlalchemy import select

from annotator.cli import main
from annotator.errors import AnnotatorError
from annotator.services import incidents as inc
from annotator.services.adjudication import GOLD, auto_adjudicate
from annotator.services.annotate import Editor
from annotator.services.importing import import_paths
from annotator.store.models import Annotator, Event, Incident, IncidentMention, Tombstone

HI = "पहलगाम में आतंकियों ने हमला किया। हमले में तीन जवान घायल हुए।"
EN = "Militants attacked a police post in Pahalgam. The death toll rose to five."
OTHER = "दिल्ली में किसानों ने प्रदर्शन किया।"


def span(text, surface):
    start = text.index(surface)
    return start, start + len(surface)


def block(name, text, trigger, place, etype, incident):
    t, p = span(text, trigger), span(text, place)
    event = {
        "id": "E1",
        "type": etype,
        "trigger": {"start": t[0], "end": t[1]},
        "arguments": [{"role": "Place", "entity": "T1"}],
    }
    if incident is not None:
        event["incident"] = incident
    return {
        "annotator": name,
        "status": "done",
        "entities": [{"id": "T1", "start": p[0], "end": p[1], "label": "GPE"}],
        "events": [event],
    }


def record(doc_id, text, published, trigger, place, incidents, etype="ATTACK"):
    """A document annotated alike by asha, ravi and meera (the same event frame), each event naming the
    incident given for that annotator."""
    return {
        "id": doc_id,
        "text": text,
        "meta": {"published": published},
        "annotations": [
            block(name, text, trigger, place, etype, incidents.get(name))
            for name in ("asha", "ravi", "meera")
        ],
    }


def load(project, tmp_path, *records):
    src = tmp_path / "team.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    report = import_paths(project, [src])
    assert report.ok and not report.warnings, (report.errors, report.warnings)


@pytest.fixture
def linked(project, tmp_path):
    """asha and ravi link the Hindi and the English report into one incident (asha: 3 killed in the Hindi
    one, 5 in the English one; ravi: 3 and 6); meera keeps them apart. Gold events by majority."""
    load(
        project,
        tmp_path,
        record(
            "hi-1",
            HI,
            "2025-04-22",
            "हमला",
            "पहलगाम",
            {
                "asha": {"id": "a-one", "figures": {"killed": 3}},
                "ravi": {"id": "r-one", "figures": {"killed": 3, "injured": 3}},
                "meera": "m-first",
            },
        ),
        record(
            "en-1",
            EN,
            "2025-04-23",
            "attacked",
            "Pahalgam",
            {
                "asha": {"id": "a-one", "figures": {"killed": 5}},
                "ravi": {"id": "r-one", "figures": {"killed": 6}},
                "meera": "m-second",
            },
        ),
        record("hi-2", OTHER, "2025-04-22", "प्रदर्शन", "दिल्ली", {}, etype="PROTEST"),
    )
    auto_adjudicate(project, "majority")
    return project


def gold_events(project):
    """Gold event ids by document external id."""
    from annotator.store.models import Document

    with project.engine.connect() as conn:
        return dict(
            conn.execute(
                select(Document.external_id, Event.id)
                .join(Document, Document.id == Event.document_id)
                .join(Annotator, Annotator.id == Event.annotator_id)
                .where(Annotator.name == GOLD)
            ).all()
        )


def rows(project):
    with project.engine.connect() as conn:
        return tuple(
            sorted(tuple(str(v) for v in r) for r in conn.execute(select(model.__table__)))
            for model in (Incident, IncidentMention, Tombstone)
        )


def test_majority_links_gold_events_and_a_rerun_changes_nothing(linked):
    events = gold_events(linked)
    assert set(events) == {"hi-1", "en-1", "hi-2"}
    report = inc.adjudicate_incidents(linked, "majority")
    assert (report.incidents, report.made, report.events, report.pairs, report.undecided) == (1, 1, 2, 1, 0)
    assert report.conflicts == 1  # killed in the English report: 5 or 6
    [gold] = inc.list_incidents(linked, annotator=GOLD)
    assert {m.event_id for m in gold.mentions} == {events["hi-1"], events["en-1"]}
    assert (gold.type, gold.date_start, gold.date_end, gold.place_name, gold.notes) == (
        "ATTACK",
        "2025-04-22",
        "2025-04-23",
        "पहलगाम",
        "adjudicated: majority",
    )
    figures = {m.external_id: m.figures for m in gold.mentions}
    assert figures == {"hi-1": {"killed": 3, "injured": 3}, "en-1": {}}  # ravi alone gives injured
    before = rows(linked)
    again = inc.adjudicate_incidents(linked, "majority")
    assert (again.incidents, again.made, again.unchanged, again.removed) == (1, 0, 1, 0)
    assert rows(linked) == before
    # the annotators' own incidents are left as they were
    assert len(inc.list_incidents(linked, annotator="asha")) == 1
    assert len(inc.list_incidents(linked, annotator="meera")) == 2


def test_unanimous_does_not_link_and_replaces_the_rules_earlier_incident(linked):
    report = inc.adjudicate_incidents(linked, "unanimous")
    assert (report.incidents, report.events, report.pairs, report.undecided) == (0, 0, 0, 1)
    assert inc.list_incidents(linked, annotator=GOLD) == []
    inc.adjudicate_incidents(linked, "majority")
    [made] = inc.list_incidents(linked, annotator=GOLD)
    report = inc.adjudicate_incidents(linked, "unanimous")
    assert (report.removed, report.incidents, report.undecided) == (1, 0, 1)
    assert inc.list_incidents(linked, annotator=GOLD) == []
    with linked.engine.connect() as conn:  # the deletion travels in work packages
        assert conn.scalar(select(Tombstone.id).where(Tombstone.id == made.id)) == made.id
    assert inc.adjudicate_incidents(linked, "min:2").incidents == 1
    assert inc.adjudicate_incidents(linked, "min:3").incidents == 0


def test_a_persons_gold_incident_is_never_touched(linked):
    events = gold_events(linked)
    editor = Editor(linked, GOLD)
    protest = inc.NewIncident(3, events["hi-2"])  # a gold incident no annotator proposed
    protest.apply(editor)
    hand = inc.NewIncident(1, events["hi-1"], {"killed": 4})  # a person decided the Hindi report alone
    hand.apply(editor)

    def persons():
        with linked.engine.connect() as conn:
            return (
                sorted(tuple(map(str, r)) for r in conn.execute(select(Incident.__table__))),
                sorted(tuple(map(str, r)) for r in conn.execute(select(IncidentMention.__table__))),
            )

    before = persons()
    report = inc.adjudicate_incidents(linked, "majority")
    assert (report.incidents, report.undecided) == (0, 0)  # hi-1 is the person's: no pair to decide
    assert persons() == before
    inc.UnlinkEvent(1, events["hi-1"]).apply(editor)
    assert inc.adjudicate_incidents(linked, "majority").incidents == 1
    inc.adjudicate_incidents(linked, "unanimous")  # removes the rule's incident only
    [kept] = inc.list_incidents(linked, annotator=GOLD)
    assert kept.id == protest.incident_id and kept.notes == ""
    # a rule-made incident a person then edits is theirs: kept by a later run, its events not linked again
    inc.adjudicate_incidents(linked, "majority")
    made = next(i for i in inc.list_incidents(linked, annotator=GOLD) if i.id != protest.incident_id)
    inc.SetIncidentFields(1, made.id, {"figure_rule": "highest"}).apply(editor)
    before = persons()
    report = inc.adjudicate_incidents(linked, "unanimous")
    assert (report.removed, report.incidents, report.undecided) == (0, 0, 0)
    assert persons() == before


def test_no_gold_and_bad_policies(project, tmp_path):
    report = inc.adjudicate_incidents(project, "majority")
    assert (report.incidents, report.undecided) == (0, 0)
    with pytest.raises(AnnotatorError, match="unknown policy"):
        inc.adjudicate_incidents(project, "most")
    with pytest.raises(AnnotatorError, match="gold set"):
        inc.adjudicate_incidents(project, "majority", annotators=[GOLD])


def test_cli_adjudicate_links_incidents(tmp_path, capsys):
    from annotator.services.project import init_project

    target = tmp_path / "p.annotator"
    with init_project(target) as project:
        load(
            project,
            tmp_path,
            record("hi-1", HI, "2025-04-22", "हमला", "पहलगाम", {"asha": "one", "ravi": "two"}),
            record("en-1", EN, "2025-04-23", "attacked", "Pahalgam", {"asha": "one", "ravi": "two"}),
        )
    assert main(["adjudicate", str(target), "--auto", "--policy", "majority"]) == 0
    out = capsys.readouterr().out
    assert "incidents adjudicated by majority: 1 gold incident(s) (1 made" in out
    assert "2 event(s) linked, 0 pair(s) left undecided" in out
    assert main(["adjudicate", str(target), "--auto", "--policy", "majority"]) == 0
    assert "(0 made, 1 unchanged, 0 removed)" in capsys.readouterr().out
