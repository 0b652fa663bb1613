"""Adjudicating incident links from the window's incident view: each annotator's incidents over the same
documents beside gold (counterparts), an annotator's incident put into gold, or the rule run over all of
them, each one undo step; refused with one line when a gold event is missing or already linked, or when
the person is not an adjudicator or lead."""

import pytest
from sqlalchemy import delete, select

from annotator.errors import AnnotatorError
from annotator.services import incidents as inc
from annotator.services.adjudication import GOLD
from annotator.services.annotate import Editor
from annotator.services.team import add_annotator
from annotator.store.models import Event, Incident, IncidentMention
from tests.services.test_incident_adjudication import gold_events, linked, rows  # noqa: F401


def incident_of(project, annotator):
    return {i.annotator: i for i in inc.list_incidents(project, annotator=annotator)}[annotator]


@pytest.fixture
def lead(linked):  # noqa: F811
    add_annotator(linked, "lena", "lead")
    return Editor(linked, "lena")


def test_counterparts_show_each_annotators_incidents_over_the_same_documents(linked):  # noqa: F811
    asha = incident_of(linked, "asha")
    found = inc.incident_counterparts(linked, asha.id)
    lines = [c.line() for c in found]
    ravi = incident_of(linked, "ravi")
    assert [c.annotator for c in found] == ["meera", "meera", "ravi"]
    assert (
        found[-1].incident_id == ravi.id
        and lines[-1] == f"ravi · {inc.short_id(ravi.id)} · 2 sources the same"
    )
    assert sorted((c.shared, c.missing, c.extra) for c in found[:2]) == [
        (1, ("en-1",), ()),
        (1, ("hi-1",), ()),
    ]
    assert "1 the same; lacks en-1" in " ".join(lines) or "1 the same; lacks hi-1" in " ".join(lines)
    # gold comes first once it has the incident
    inc.adjudicate_incidents(linked, "majority")
    found = inc.incident_counterparts(linked, asha.id)
    assert found[0].annotator == GOLD and found[0].shared == 2 and not found[0].missing


def test_an_annotators_incident_goes_into_gold_as_one_undo_step(linked, lead):  # noqa: F811
    before = rows(linked)
    ravi = incident_of(linked, "ravi")
    command = inc.IncidentIntoGold(0, ravi.id)
    command.apply(lead)
    [gold] = inc.list_incidents(linked, annotator=GOLD)
    events = gold_events(linked)
    assert gold.id == command.gold_incident
    assert {m.event_id for m in gold.mentions} == {events["hi-1"], events["en-1"]}
    assert {m.external_id: m.figures for m in gold.mentions} == {
        "hi-1": {"killed": 3, "injured": 3},
        "en-1": {"killed": 6},
    }
    assert (gold.type, gold.date_start, gold.date_end, gold.place_name) == (
        "ATTACK",
        "2025-04-22",
        "2025-04-23",
        "पहलगाम",
    )
    # a person's gold incident: the rule leaves it alone
    report = inc.adjudicate_incidents(linked, "majority")
    assert report.made == 0 and [i.id for i in inc.list_incidents(linked, annotator=GOLD)] == [gold.id]
    command.revert(lead)
    assert inc.list_incidents(linked, annotator=GOLD) == []
    assert [r for r in rows(linked)[:2]] == [r for r in before[:2]]
    command.apply(lead)  # redo
    assert [i.id for i in inc.list_incidents(linked, annotator=GOLD)] == [gold.id]


def test_refused_with_the_reason(linked, lead):  # noqa: F811
    asha, ravi = incident_of(linked, "asha"), incident_of(linked, "ravi")
    inc.IncidentIntoGold(0, asha.id).apply(lead)
    with pytest.raises(
        AnnotatorError, match=r"gold ATTACK event «attacked» in en-1 is in gold incident .* already"
    ):
        inc.IncidentIntoGold(0, ravi.id).apply(lead)
    gold = incident_of(linked, GOLD)
    with pytest.raises(AnnotatorError, match="is gold already"):
        inc.IncidentIntoGold(0, gold.id).apply(lead)
    with pytest.raises(AnnotatorError, match="only adjudicators and leads"):
        inc.IncidentIntoGold(0, ravi.id).apply(Editor(linked, "asha"))
    # a mention with no gold event at its place
    events = gold_events(linked)
    with linked.engine.begin() as conn:
        conn.execute(delete(IncidentMention).where(IncidentMention.annotator_id != ravi_id(conn, ravi.id)))
        conn.execute(delete(Incident).where(Incident.annotator_id != ravi_id(conn, ravi.id)))
        conn.execute(delete(Event).where(Event.id == events["en-1"]))
    with pytest.raises(AnnotatorError, match="no gold ATTACK event «attacked» in en-1: adjudicate"):
        inc.IncidentIntoGold(0, ravi.id).apply(lead)
    assert inc.list_incidents(linked, annotator=GOLD) == []


def ravi_id(conn, incident_id):
    return conn.scalar(select(Incident.annotator_id).where(Incident.id == incident_id))


def test_the_rule_over_all_incidents_is_one_undo_step(linked, lead):  # noqa: F811
    before = rows(linked)
    command = inc.AdjudicateIncidents(0, "majority")
    command.apply(lead)
    assert command.report is not None and command.report.made == 1
    [gold] = inc.list_incidents(linked, annotator=GOLD)
    assert gold.notes == "adjudicated: majority"
    command.revert(lead)
    assert inc.list_incidents(linked, annotator=GOLD) == []
    assert rows(linked)[:2] == before[:2]
    command.apply(lead)
    assert [i.id for i in inc.list_incidents(linked, annotator=GOLD)] == [gold.id]
    with pytest.raises(AnnotatorError, match="unknown policy"):
        inc.AdjudicateIncidents(0, "most")
    assert "unknown policy" in inc.adjudicate_outcome(None, "most").message
    with pytest.raises(AnnotatorError, match="only adjudicators and leads"):
        inc.AdjudicateIncidents(0, "majority").apply(Editor(linked, "asha"))
