"""The workbench's editing decisions without Qt (annotator.services.workbench): each intent answers with a
command (one undo step) or the line saying why not, checked against the stored rows."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from annotator.services.annotate import AddSpans, Command
from annotator.services.importing import import_paths
from annotator.services.project import init_project
from annotator.services.workbench import Composite, Outcome, Selection, WorkbenchSession
from annotator.store.models import Entity, Event, EventArgument, Relation

TEXT = "पहलगाम में आतंकियों ने हमला किया। Delhi police said LeT was behind it in Pahalgam."


@pytest.fixture
def session(tmp_path):
    project = init_project(tmp_path / "p.annotator")
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps({"id": "d1", "text": TEXT}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_paths(project, [src]).ok
    s = WorkbenchSession.start(project, "asha")
    s.open(1, TEXT)
    yield s
    project.close()


def at(surface: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(surface, start + 1)
    return start, start + len(surface)


def text_sel(surface: str) -> Selection:
    return Selection(*at(surface))


def do(session: WorkbenchSession, outcome: Outcome):
    """What the window does with an outcome, minus the widgets."""
    assert outcome.command is not None, outcome.message
    change = outcome.command.apply(session.editor)
    session.refresh(change)
    return outcome.command


def count(session, model) -> int:
    with session.project.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model))


def test_label_relabel_and_the_same_label_twice(session):
    outcome = session.label("GPE", text_sel("पहलगाम"))
    assert outcome.clear_text_selection and outcome.select_span == outcome.command.spans[0].id
    do(session, outcome)
    [span] = session.state.spans
    assert (span.start, span.end, span.label) == (*at("पहलगाम"), "GPE")
    again = session.label("GPE", text_sel("पहलगाम"))
    assert again.command is None and again.select_span == span.id  # one label, selected
    do(session, session.label("LOC", Selection(span_id=span.id)))
    assert [s.label for s in session.state.spans] == ["LOC"]
    assert session.label("LOC", Selection(span_id=span.id)) == Outcome()  # nothing to do


def test_delete_takes_the_span_then_the_relation_then_the_active_event(session):
    delhi = do(session, session.label("GPE", text_sel("Delhi"))).spans[0].id
    place = do(session, session.label("GPE", text_sel("Pahalgam"))).spans[0].id
    session.relation_source(Selection(span_id=delhi), "")
    assert session.marked_span == delhi
    do(session, session.relation("LOCATED_IN", Selection(span_id=place)))
    assert count(session, Relation) == 1 and session.marked_span == ""
    session.selected_relation = session.frames.relations[0].id
    do(session, session.delete(Selection()))
    assert count(session, Relation) == 0
    event = session.event("ATTACK", text_sel("हमला"))
    assert event.activate_event == event.command.id
    do(session, event)
    session.active_event = event.command.id
    outcome = session.delete(Selection())
    assert outcome.activate_event == ""
    do(session, outcome)
    assert count(session, Event) == 0
    outcome = session.delete(Selection(span_id=delhi))
    assert outcome.select_span == ""
    do(session, outcome)
    assert [s.id for s in session.state.spans] == [place]


def test_a_relation_the_schema_refuses_says_why(session):
    delhi = do(session, session.label("GPE", text_sel("Delhi"))).spans[0].id
    let = do(session, session.label("ARMED_GROUP", text_sel("LeT"))).spans[0].id
    assert session.relation("LOCATED_IN", Selection(span_id=let)).message.startswith("Mark the first span")
    session.relation_source(Selection(span_id=delhi), "")
    refused = session.relation("HOLDS_TITLE", Selection(span_id=let))
    assert refused.command is None and "HOLDS_TITLE" in refused.message


def test_an_event_without_a_type_asks_recently_used_first(session):
    assert session.event("ATTACK", Selection()).message.startswith("Select the trigger")
    asked = session.event(None, text_sel("हमला"))
    assert asked.command is None and asked.choices[0] == "ATTACK" and asked.question == "Event type:"
    do(session, session.event("STATEMENT", text_sel("said")))
    assert session.event(None, text_sel("हमला")).choices[0] == "STATEMENT"
    assert "not an event type" in session.event("NOPE", text_sel("हमला")).message


def test_a_new_filler_and_its_argument_are_one_undo_step(session):
    event = do(session, session.event("ATTACK", text_sel("हमला")))
    session.active_event = event.id
    place = 5  # Place takes GPE, LOC or FAC: the person chooses
    asked = session.fill_role(place, text_sel("पहलगाम"))
    assert asked.choices == ("GPE", "LOC", "FAC") and asked.command is None
    outcome = session.fill_role(place, text_sel("पहलगाम"), "GPE")
    assert isinstance(outcome.command, Composite) and outcome.activate_event == event.id
    command = do(session, outcome)
    assert (count(session, Entity), count(session, EventArgument)) == (1, 1)
    [frame] = session.frames.events
    assert [(a.role, a.filler_id) for a in frame.arguments] == [("Place", session.state.spans[0].id)]
    session.refresh(command.revert(session.editor))  # one undo: the label and the argument go
    assert (count(session, Entity), count(session, EventArgument)) == (0, 0)
    session.refresh(command.apply(session.editor))  # redo: both come back with the same ids
    assert (count(session, Entity), count(session, EventArgument)) == (1, 1)
    # Victim takes PER only: no question; a label of another type on the text is not taken as filler
    victim = session.fill_role(3, text_sel("Delhi"))
    assert victim.command is not None and not victim.choices
    assert session.fill_role(9, text_sel("Delhi")).message == "ATTACK has 6 roles."
    needs = session.fill_role(1, Selection()).message
    assert needs == "Select a span, a suggestion or text to fill Attacker."


def test_a_focused_suggestion_fills_a_role_and_is_accepted_in_one_step(session):
    from annotator.services.suggestions import compute_suggestions

    event = do(session, session.event("ATTACK", text_sel("हमला")))
    session.active_event = event.id
    session.suggestions = compute_suggestions(session.project, 1, "asha")
    place = next(s for s in session.suggestions if TEXT[s.start : s.end] == "पहलगाम")
    assert session.fill_role(3, Selection(suggestion_id=place.id)).message == "Victim does not take GPE."
    command = do(session, session.fill_role(5, Selection(suggestion_id=place.id)))
    [frame] = session.frames.events
    [span] = session.state.spans
    assert (span.label, [(a.role, a.filler_id) for a in frame.arguments]) == ("GPE", [("Place", span.id)])
    session.refresh(command.revert(session.editor))
    assert (count(session, Entity), count(session, EventArgument)) == (0, 0)


class Fails(Command):
    text = "fails"

    def apply(self, editor):
        raise RuntimeError("the server went away")

    def revert(self, editor):  # pragma: no cover - never applied
        raise AssertionError


def test_a_composite_happens_whole_or_not_at_all(session):
    add = AddSpans(1, [(*at("Delhi"), "GPE")])
    with pytest.raises(RuntimeError):
        Composite("two", [add, Fails()]).apply(session.editor)
    assert count(session, Entity) == 0  # the label made first was taken back


def test_boundaries_attributes_polarity_tone_and_work(session):
    words = session.label("GPE", Selection(*at("Delhi")))
    span_id = do(session, words).spans[0].id
    starts = [0, *[i + 1 for i, c in enumerate(TEXT) if c == " "]]
    ends = [i for i, c in enumerate(TEXT) if c == " "] + [len(TEXT)]
    moved = session.move_boundary("]", Selection(span_id=span_id), starts, ends)
    assert moved.message == "GPE: “Delhi police”"
    do(session, moved)
    assert (session.state.spans[0].start, session.state.spans[0].end) == (at("Delhi")[0], at("police")[1])
    assert session.move_boundary("{", Selection(span_id=span_id), [at("Delhi")[0]], ends).message == (
        "The span cannot move further that way."
    )
    cycled = session.cycle_attribute("confidence", Selection(span_id=span_id))
    assert cycled.message == "confidence: high"
    do(session, cycled)
    back = session.cycle_attribute("confidence", Selection(span_id=span_id), back=True)
    assert back.message == "confidence: low"
    assert session.cycle_attribute("modality", Selection(span_id=span_id)).message == "GPE has no modality."
    do(session, session.polarity("NEG", Selection(span_id=span_id)))
    assert session.state.polarities == {span_id: "NEG"}
    do(session, session.polarity("NEG", Selection(span_id=span_id)))  # the same key again clears
    assert session.state.polarities == {}
    do(session, session.tone(-1))
    assert session.state.tone == -1 and session.tone(-1) == Outcome()
    do(session, session.work(status="done"))
    assert session.state.work.status == "done" and session.work(status="done") == Outcome()
    no_counts = session.count_attributes(Selection(span_id=span_id))
    assert isinstance(no_counts, Outcome) and "counts belong to" in no_counts.message
    do(session, session.note(Selection(span_id=span_id), "  from the police  "))
    assert session.state.spans[0].attributes["note"] == "from the police"
    do(session, session.link(Selection(span_id=span_id), "Q1353 | Delhi"))
    assert session.link_of(Selection(span_id=span_id)) == ("Q1353", "Delhi")


def test_suggestions_are_decided_and_the_focus_moves_on(session):
    from annotator.services.suggestions import compute_suggestions

    session.suggestions = compute_suggestions(session.project, 1, "asha")
    order = [s.id for s in session.suggestions]
    first = session.suggestions[0]
    rejected = session.decide_suggestion(False, Selection(suggestion_id=first.id))
    assert rejected.select_suggestion == order[1]  # the next one in text order gets the focus
    do(session, rejected)
    entity = next(s for s in session.suggestions if s.kind == "entity" and s.id != first.id)
    accepted = session.decide_suggestion(True, Selection(suggestion_id=entity.id))
    assert accepted.message.startswith(f"Accepted 1 {entity.label} suggestion(s)")
    do(session, accepted)
    assert [(s.start, s.label) for s in session.state.spans] == [(entity.start, entity.label)]
    trigger = next(s for s in session.suggestions if s.kind == "event")
    outcome = session.decide_suggestion(True, Selection(suggestion_id=trigger.id))
    do(session, outcome)  # the accepted trigger's event is the one to activate
    assert [e.id for e in session.frames.events] == [outcome.activate_event]
    assert session.decide_suggestion(True, Selection()) == Outcome()  # nothing focused


class FailsToRevert(Command):
    text = "label that sticks"

    def __init__(self, inner):
        self.inner = inner

    def apply(self, editor):
        return self.inner.apply(editor)

    def revert(self, editor):
        raise RuntimeError("the server went away too")


def test_a_composite_that_cannot_take_its_first_part_back_says_so(session):
    add = FailsToRevert(AddSpans(1, [(*at("Delhi"), "GPE")]))
    with pytest.raises(RuntimeError) as failed:
        Composite("two", [add, Fails()]).apply(session.editor)
    assert failed.value.__notes__ == [
        "'label that sticks' stayed saved: taking it back failed (the server went away too)"
    ]


def test_labels_on_the_open_document_read_no_text_from_the_database(session, monkeypatch):
    """The session tells the editor the open document's text (as the window does, setting ``text`` after
    ``document_id``): checking a span reads nothing more; an editor not told reads it once."""
    from annotator.services.annotate import Editor

    def no_reading(self, document_id):
        raise AssertionError("the text was read from the database")

    monkeypatch.setattr(Editor, "text", no_reading)
    do(session, session.label("GPE", text_sel("Pahalgam")))
    session.close()
    session.document_id, session.text = 1, TEXT  # what the window does
    session.refresh()
    do(session, session.label("PER", text_sel("Delhi")))
    with pytest.raises(AssertionError, match="read from the database"):
        Editor(session.project, "asha").check_span(1, *at("Delhi"))
    monkeypatch.undo()
    fresh = Editor(session.project, "asha")
    fresh.check_span(1, *at("Delhi"))
    assert fresh.known_text(1) == TEXT
