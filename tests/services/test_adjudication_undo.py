"""Adjudication decisions as reversible steps (services.adjudication.GoldCommand): undo leaves every row of
gold, provenance, tombstones (and gold's work state) exactly as before the decision, redo exactly as after
it, and neither resurrects nor erases what was written since."""

import pytest
from sqlalchemy import select

from annotator.errors import AnnotatorError
from annotator.services.adjudication import (
    GOLD,
    GoldCommand,
    accept_uncontested,
    auto_adjudicate,
    decide,
    edit_gold_entity,
    edit_gold_event,
    open_items,
    reject,
    reopen,
)
from annotator.store.models import (
    Annotator,
    DocumentLabel,
    Entity,
    Event,
    EventArgument,
    GoldProvenance,
    Relation,
    TargetedSentiment,
    Tombstone,
    WorkItem,
)
from tests.services.test_adjudication import (
    ARM1,
    FRAME_AR,
    FRAME_M,
    GPE1,
    T1,
    T2,
    at,
    doc1,
    doc2,
    doc_id,
    key,
    load,
)

TABLES = (Entity, Event, EventArgument, Relation, DocumentLabel, TargetedSentiment, WorkItem, GoldProvenance)


def dump(project):
    """Every row of every annotation table (all annotators), provenance and tombstones."""
    out = {}
    with project.engine.connect() as conn:
        for model in (*TABLES, Tombstone):
            table = model.__table__
            out[table.name] = sorted(
                (tuple(sorted(r._mapping.items())) for r in conn.execute(select(table))), key=repr
            )
    return out


def gold_rows(project):
    return {name: rows for name, rows in dump(project).items() if rows}


@pytest.fixture
def team(project, tmp_path):
    load(project, tmp_path, doc1(), doc2())
    with project.engine.begin() as conn:  # gold exists (the dialog's first pass makes it)
        conn.execute(Annotator.__table__.insert().values(name=GOLD, role="adjudicator"))
    return project


def round_trip(project, text, call):
    """Apply ``call`` as one step, undo, redo, undo: exact rows each time; returns (step, rows after)."""
    before = dump(project)
    step = GoldCommand(project, text, call)
    step.apply()
    after = dump(project)
    assert after != before and not step.empty
    step.revert()
    assert dump(project) == before
    step.apply()  # redo: the same rows, the same ids and times
    assert dump(project) == after
    step.revert()
    assert dump(project) == before
    step.apply()
    return step, after


def test_accept_undo_redo(team):
    d1 = doc_id(team, "d1")
    step, _after = round_trip(
        team, "accept", lambda: decide(team, d1, FRAME_M, accept_from="meera", adjudicator="lead")
    )
    assert step.documents == [d1] and isinstance(step.result, str)
    step.revert()
    assert FRAME_M in {i.key for i in open_items(team, d1)}


def test_accept_over_rule_made_gold_and_a_tone_replaced(team):
    auto_adjudicate(team, "majority")  # rule-made gold: tone -2, entities, the frame, the sentiment
    d1, d2 = doc_id(team, "d1"), doc_id(team, "d2")
    # meera's frame replaces the rule's one on the trigger (its arguments and provenance go, tombstones)
    round_trip(team, "accept", lambda: decide(team, d1, FRAME_M, accept_from="meera", adjudicator="lead"))
    # a person's tone replaces the rule's (one row per document and name: put back in order)
    round_trip(
        team, "tone", lambda: decide(team, d1, "tone tone=-1", accept_from="meera", adjudicator="lead")
    )
    decide(team, d2, "tone tone=1", accept_from="asha", adjudicator="lead")
    round_trip(team, "tone", lambda: decide(team, d2, "tone tone=2", accept_from="ravi", adjudicator="lead"))


def test_reject_and_reopen(team):
    auto_adjudicate(team, "majority")
    d1 = doc_id(team, "d1")
    round_trip(team, "reject", lambda: reject(team, d1, "tone tone=-2", "lead"))
    decide(team, d1, key(T1, "26", "NUM"), accept_from="asha", adjudicator="lead")
    round_trip(team, "reopen", lambda: reopen(team, d1, key(T1, "26", "NUM")))


def test_edits_in_place(team):
    d1, d2 = doc_id(team, "d1"), doc_id(team, "d2")
    start, end = at(T2, "पहलगाम")
    round_trip(
        team,
        "edit",
        lambda: edit_gold_entity(
            team,
            d2,
            key(T2, "पहलगाम", "GPE"),
            accept_from="asha",
            adjudicator="lead",
            label="LOC",
            bounds=(start, end + 4),
        ),
    )
    s26 = at(T1, "26 लोगों")
    step, _after = round_trip(
        team,
        "edit frame",
        lambda: edit_gold_event(
            team,
            d1,
            FRAME_M,
            accept_from="meera",
            adjudicator="lead",
            event_type="ATTACK",
            add=[("Attacker", *at(T1, "लश्कर-ए-तैयबा"), None), ("Target", *s26, "PER")],
        ),
    )
    step.revert()
    with team.engine.connect() as conn:
        assert not conn.execute(select(Event).join(Annotator).where(Annotator.name == GOLD)).all()


def test_steps_undone_in_turn(team):
    """Like an undo stack: the later step first, each back to exactly the rows before it."""
    d1 = doc_id(team, "d1")
    states = [dump(team)]
    steps = [
        GoldCommand(team, "policy", lambda: auto_adjudicate(team, "majority")),
        GoldCommand(
            team, "frame", lambda: decide(team, d1, FRAME_M, accept_from="meera", adjudicator="lead")
        ),
        GoldCommand(team, "reject", lambda: reject(team, d1, "tone tone=-2", "lead")),
    ]
    for step in steps:
        step.apply()
        states.append(dump(team))
    for step, state in zip(reversed(steps), reversed(states[:-1]), strict=True):
        step.revert()
        assert dump(team) == state
    for step, state in zip(steps, states[1:], strict=True):
        step.apply()
        assert dump(team) == state


def test_bulk_steps_are_one_step(team):
    d1 = doc_id(team, "d1")
    step, _after = round_trip(team, "accept all", lambda: accept_uncontested(team, d1, adjudicator="lead"))
    assert step.result[0] > 1  # several decisions, one step
    step.revert()
    step, _after = round_trip(team, "policy", lambda: auto_adjudicate(team, "majority"))
    assert len(step.documents) == 1  # d2 is a tie: unchanged, not part of the step


def test_a_step_that_changed_nothing_is_empty(team):
    auto_adjudicate(team, "majority")
    step = GoldCommand(team, "again", lambda: auto_adjudicate(team, "majority"))
    step.apply()
    assert step.empty and step.documents == []


def test_undo_refused_when_its_rows_changed_since(team):
    """Someone else rejected the item the step accepted: undo would resurrect nothing and erase their
    rejection, so it is refused and nothing changes."""
    d1 = doc_id(team, "d1")
    step = GoldCommand(team, "accept", lambda: decide(team, d1, GPE1, accept_from="asha", adjudicator="lead"))
    step.apply()
    reject(team, d1, GPE1, "mina")
    now = dump(team)
    with pytest.raises(AnnotatorError, match="changed since"):
        step.revert()
    assert dump(team) == now


def test_undo_refused_when_it_would_erase_later_work(team):
    """A frame decided since points at the gold entity the step made: deleting it would take the argument
    with it (a cascade), so undo is refused and nothing changes."""
    d1 = doc_id(team, "d1")
    step = GoldCommand(team, "accept", lambda: decide(team, d1, GPE1, accept_from="asha", adjudicator="lead"))
    step.apply()
    decide(team, d1, FRAME_M, accept_from="meera", adjudicator="lead")  # Place = the gold GPE
    now = dump(team)
    with pytest.raises(AnnotatorError, match="changed since"):
        step.revert()
    assert dump(team) == now


def test_redo_refused_when_the_item_was_decided_again(team):
    d1 = doc_id(team, "d1")
    step = GoldCommand(team, "accept", lambda: decide(team, d1, ARM1, accept_from="asha", adjudicator="lead"))
    step.apply()
    step.revert()
    decide(team, d1, ARM1, accept_from="ravi", adjudicator="mina")
    now = dump(team)
    with pytest.raises(AnnotatorError):
        step.apply()
    assert dump(team) == now


def test_a_failing_step_leaves_nothing(team):
    d1 = doc_id(team, "d1")
    before = dump(team)

    def half() -> None:
        decide(team, d1, FRAME_AR, accept_from="asha", adjudicator="lead")
        raise AnnotatorError("refused after the first decision")

    with pytest.raises(AnnotatorError, match="refused after"):
        GoldCommand(team, "half", half).apply()
    assert dump(team) == before


def test_undo_and_redo_retried_after_a_landed_commit(team, monkeypatch):
    """The write is run once more when the server connection broke (store.writes.transact); when the first
    commit landed, the second run finds the rows as wanted and changes nothing."""
    from annotator.services import adjudication

    def twice(engine, work, *, pause=0.5):
        with engine.begin() as conn:
            work(conn)
        with engine.begin() as conn:
            return work(conn)

    d1 = doc_id(team, "d1")
    before = dump(team)
    step = GoldCommand(
        team, "accept", lambda: decide(team, d1, FRAME_M, accept_from="meera", adjudicator="lead")
    )
    step.apply()
    after = dump(team)
    monkeypatch.setattr(adjudication, "transact", twice)
    step.revert()
    assert dump(team) == before
    step.apply()
    assert dump(team) == after
