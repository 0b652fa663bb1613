"""Stored incident link proposals (issue 17): propose_links kept as the annotator's proposals in the
suggestions table (kind "incident"), apart from their links and from label suggestions; accepted (the event
is linked) or rejected (never proposed again), each one undo step; ``incidents suggest --store``."""

import json

from sqlalchemy import select

from annotator.cli import main
from annotator.services import incidents as inc
from annotator.services.annotate import Editor
from annotator.services.demo import ensure_demo_project
from annotator.services.project import open_project
from annotator.services.suggestions import compute_suggestions, has_suggestions, open_suggestions
from annotator.store.models import Document, Suggestion
from tests.ui.test_incident_panel import event_of, mention_of


def demo():
    return open_project(ensure_demo_project())


def doc_id(project, external_id):
    with project.engine.connect() as conn:
        return conn.scalar(select(Document.id).where(Document.external_id == external_id))


def status(project, proposal_id):
    with project.engine.connect() as conn:
        return conn.scalar(select(Suggestion.status).where(Suggestion.id == proposal_id))


def test_proposals_are_stored_apart_and_shown_for_their_event():
    with demo() as project:
        doc = doc_id(project, "demo-003")
        label_suggestions_before = has_suggestions(project, doc, "demo")
        assert inc.store_proposals(project, "demo") == len(inc.propose_links(project, "demo")) == 12
        died = event_of(project, "demo-001", "DIE")
        [proposal] = inc.event_proposals(project, died)
        target = inc.incident_of(project, event_of(project, "demo-001", "ATTACK"))
        assert proposal.incident_id == target and "DIE fits ATTACK" in proposal.reason
        content = inc.event_incident(project, died)
        assert [p.id for p, _i in content.proposals] == [proposal.id]
        assert content.proposals[0][1].id == target
        # kept apart from label suggestions: not drawn, not counted, not replaced when those are made
        assert all(s.kind in ("entity", "event") for s in open_suggestions(project, doc, "demo"))
        assert has_suggestions(project, doc, "demo") == label_suggestions_before
        compute_suggestions(project, doc_id(project, "demo-001"), "demo")
        assert [p.id for p in inc.event_proposals(project, died)] == [proposal.id]
        # stored again: the open ones are replaced, not added to
        assert inc.store_proposals(project, "demo") == 12
        assert len(inc.event_proposals(project, died)) == 1


def test_accept_links_the_event_and_reject_is_remembered_each_one_undo_step():
    with demo() as project:
        inc.store_proposals(project, "demo")
        editor = Editor(project, "demo")
        died = event_of(project, "demo-001", "DIE")
        [proposal] = inc.event_proposals(project, died)
        accept = inc.proposal_outcome(doc_id(project, "demo-001"), proposal, True).command
        accept.apply(editor)
        assert mention_of(project, died) == proposal.incident_id
        assert status(project, proposal.id) == "accepted" and inc.event_proposals(project, died) == []
        accept.revert(editor)
        assert mention_of(project, died) is None and status(project, proposal.id) == "open"

        injured = event_of(project, "demo-001", "INJURE")
        [other] = inc.event_proposals(project, injured)
        reject = inc.proposal_outcome(doc_id(project, "demo-001"), other, False).command
        reject.apply(editor)
        assert status(project, other.id) == "rejected" and inc.event_proposals(project, injured) == []
        assert mention_of(project, injured) is None
        assert inc.store_proposals(project, "demo") == 11  # the rejected one is not made again
        assert inc.event_proposals(project, injured) == []
        reject.revert(editor)
        assert status(project, other.id) == "open"
        assert "No proposal" in inc.proposal_outcome(1, None, True).message


def test_the_cli_keeps_the_proposals(capsys):
    path = ensure_demo_project()
    assert main(["incidents", "suggest", str(path), "--annotator", "demo", "--store", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["stored"] == 12 and len(out["proposals"]) == 12
    with open_project(path) as project:
        assert len(inc.event_proposals(project, event_of(project, "demo-001", "DIE"))) == 1
