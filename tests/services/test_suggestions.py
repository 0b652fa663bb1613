"""Suggestions in a project: made from gazetteers, rules, earlier labels and the model; accepted or rejected
(undoably), never exported until accepted; settings; the model trained on the project's labels."""

import json

import pytest
from sqlalchemy import select

from annotator.cli import main
from annotator.errors import AnnotatorError
from annotator.services.annotate import AddSpans, Editor, WorkState
from annotator.services.exporting import write_jsonl
from annotator.services.importing import import_paths
from annotator.services.suggestions import (
    AcceptSuggestions,
    RejectSuggestions,
    compute_suggestions,
    get_settings,
    model_info,
    needs_retraining,
    open_suggestions,
    set_settings,
    suggest_documents,
    train_model,
)
from annotator.store.models import Event, Tombstone
from annotator.store.models import Suggestion as SuggestionRow
from tests.conftest import corpus

TEXT = "पहलगाम में लश्कर-ए-तैयबा के आतंकियों ने 22 अप्रैल को हमला किया, 26 लोगों की मौत हुई। Omar Abdullah said."
OTHER = "पुलिस ने बताया कि Omar Abdullah ने पहलगाम का दौरा किया।"


def load(project, tmp_path, *texts):
    path = tmp_path / "docs.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": f"d{i}", "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts, 1)
        ),
        encoding="utf-8",
    )
    assert import_paths(project, [path]).ok
    return list(range(1, len(texts) + 1))


def shown(suggestions, text):
    return sorted((text[s.start : s.end], s.label, s.kind, s.source) for s in suggestions)


def test_gazetteer_and_rules_suggest_and_exports_never_see_them(project, tmp_path):
    [doc] = load(project, tmp_path, TEXT)
    made = compute_suggestions(project, doc, "asha")
    got = shown(made, TEXT)
    assert ("पहलगाम", "GPE", "entity", "gazetteer") in got
    assert ("लश्कर-ए-तैयबा", "ARMED_GROUP", "entity", "gazetteer") in got
    assert ("22 अप्रैल", "DATE", "entity", "rules") in got
    assert ("26", "NUM", "entity", "rules") in got
    assert ("हमला", "ATTACK", "event", "rules") in got
    assert open_suggestions(project, doc, "asha") == made
    assert open_suggestions(project, doc, "ravi") == []  # per annotator
    import io

    out = io.StringIO()
    write_jsonl(project, out)
    assert json.loads(out.getvalue())["annotations"] == []  # suggestions are not annotations


def test_accept_and_reject_are_undoable_and_remembered(project, tmp_path):
    [doc] = load(project, tmp_path, TEXT)
    made = compute_suggestions(project, doc, "asha")
    editor = Editor(project, "asha")
    place = next(s for s in made if TEXT[s.start : s.end] == "पहलगाम")
    attack = next(s for s in made if s.kind == "event")
    accept = AcceptSuggestions(doc, [place, attack])
    accept.apply(editor)
    state = editor.state(doc)
    assert [(TEXT[s.start : s.end], s.label) for s in state.spans] == [("पहलगाम", "GPE")]
    with project.engine.connect() as conn:
        rows = {r.id: r for r in conn.execute(select(SuggestionRow)).all()}
        events = conn.execute(select(Event.type, Event.trigger_start)).all()
    assert rows[place.id].status == "accepted" and rows[place.id].annotation_id == state.spans[0].id
    assert rows[place.id].source == "gazetteer"  # the record of where the label came from
    assert events == [("ATTACK", attack.start)]
    accept.revert(editor)
    assert editor.state(doc).spans == [] and {s.id for s in open_suggestions(project, doc, "asha")} >= {
        place.id,
        attack.id,
    }
    with project.engine.connect() as conn:  # the undone event leaves a merged work package too
        buried = set(conn.execute(select(Tombstone.table_name, Tombstone.id)).all())
    assert ("events", accept.made[attack.id]) in buried and ("entities", accept.made[place.id]) in buried
    date = next(s for s in made if s.label == "DATE")
    RejectSuggestions(doc, [date]).apply(editor)
    again = compute_suggestions(project, doc, "asha")  # a rejected suggestion is not made again
    assert ("22 अप्रैल", "DATE") not in [(TEXT[s.start : s.end], s.label) for s in again]
    # a label of the annotator's own keeps suggestions off its span
    AddSpans(doc, [(place.start, place.end, "LOC")]).apply(editor)
    assert "पहलगाम" not in [TEXT[s.start : s.end] for s in compute_suggestions(project, doc, "asha")]


def test_propagation_of_earlier_labels_and_settings(project, tmp_path):
    first, second = load(project, tmp_path, TEXT, OTHER)
    editor = Editor(project, "asha")
    start = TEXT.index("Omar Abdullah")
    AddSpans(first, [(start, start + len("Omar Abdullah"), "PER")]).apply(editor)
    got = shown(compute_suggestions(project, second, "asha"), OTHER)
    assert ("Omar Abdullah", "PER", "entity", "propagation") in got
    assert not any(
        source == "propagation" for *_x, source in shown(compute_suggestions(project, second, "ravi"), OTHER)
    )
    set_settings(project, sources=["rules"], min_score=0.7, retrain_after=50)
    settings = get_settings(project)
    assert (settings.sources, settings.min_score, settings.retrain_after) == (("rules",), 0.7, 50)
    assert {s.source for s in compute_suggestions(project, first, "asha")} == {"rules"}
    with pytest.raises(AnnotatorError, match="unknown suggestion source"):
        set_settings(project, sources=["crystal-ball"])
    with pytest.raises(AnnotatorError, match="from 0 to 1"):
        set_settings(project, min_score=2)


def test_suggest_all_documents_headlessly(project, tmp_path, capsys):
    docs = load(project, tmp_path, TEXT, OTHER)
    Editor(project, "asha").write_work(docs[1], WorkState("done"))
    report = suggest_documents(project, "asha", sources=["gazetteer"])
    assert report.documents == 1 and set(report.by_source) == {"gazetteer"}  # the finished one is skipped
    assert open_suggestions(project, docs[1], "asha") == []


def test_model_trained_on_project_labels(sqlite_project, tmp_path):
    """HiNER sentences imported as one annotator's finished work train the model; its measured F1 on the
    held-out part beats the most-frequent-label baseline, and it suggests above the minimum confidence."""
    source = corpus("hiner", "validation.collapsed.first500.conll")
    report = import_paths(sqlite_project, [source], fmt="conll", annotator="hiner")
    assert report.ok
    from annotator.services.team import set_blind_mode

    set_blind_mode(sqlite_project, False)  # the shared model (blind: test_blind_suggestions.py)
    assert needs_retraining(sqlite_project)  # 1,241 labels and no model yet
    info = train_model(sqlite_project)
    assert info.documents == 400 and info.metrics["held_out_documents"] == 100
    assert info.metrics["f1"] > info.metrics["baseline"]["f1"] + 0.1
    assert model_info(sqlite_project) == info and not needs_retraining(sqlite_project)
    set_settings(sqlite_project, sources=["model"], min_score=0.5)
    made = compute_suggestions(sqlite_project, 1, "lina", text=None)
    assert made and all(s.source == "model" and s.score >= 0.5 for s in made)


def test_too_few_labels_to_train(project, tmp_path):
    load(project, tmp_path, TEXT)
    with pytest.raises(AnnotatorError, match="too few finished labels"):
        train_model(project)


def test_cli_suggest(tmp_path, capsys):
    from annotator.services.project import init_project

    path = tmp_path / "p.annotator"
    with init_project(path) as project:
        load(project, tmp_path, TEXT, OTHER)
    assert main(["suggest", str(path), "--annotator", "asha", "--source", "gazetteer,rules", "--quiet"]) == 0
    assert "open suggestion(s) on 2 document(s)" in capsys.readouterr().out
    assert main(["suggest", str(path), "--configure", "--source", "rules", "--min-score", "0.6"]) == 0
    assert "sources: rules; model confidence from 0.6" in capsys.readouterr().out
    assert main(["suggest", str(path), "--train", "--quiet"]) == 1
    assert "too few finished labels" in capsys.readouterr().err


def test_accepting_never_duplicates_what_was_made_by_hand(project, tmp_path):
    from annotator.services.frames import AddEvent
    from annotator.services.suggestions import StoredSuggestion, settled_by

    [doc] = load(project, tmp_path, TEXT)
    made = compute_suggestions(project, doc, "asha")
    editor = Editor(project, "asha")
    attack = next(s for s in made if s.kind == "event" and s.label == "ATTACK")
    place = next(s for s in made if TEXT[s.start : s.end] == "पहलगाम")
    by_hand = AddEvent(doc, "ATTACK", attack.start, attack.end, {})
    by_hand.apply(editor)
    AddSpans(doc, [(place.start, place.end, place.label)]).apply(editor)
    accept = AcceptSuggestions(doc, [attack, place])  # Enter (or Shift+Enter) on stale suggestions
    accept.apply(editor)
    with project.engine.connect() as conn:
        events = conn.execute(select(Event.id, Event.type, Event.trigger_start)).all()
        rows = {r.id: r for r in conn.execute(select(SuggestionRow)).all()}
    assert [(e.type, e.trigger_start) for e in events] == [("ATTACK", attack.start)]
    assert rows[attack.id].status == "accepted" and rows[attack.id].annotation_id == by_hand.id
    assert [(s.start, s.label) for s in editor.state(doc).spans] == [(place.start, place.label)]
    accept.revert(editor)  # undo leaves what the annotator made by hand
    with project.engine.connect() as conn:
        assert conn.execute(select(Event.id)).scalars().all() == [by_hand.id]
    assert len(editor.state(doc).spans) == 1

    def sug(i, kind, start, end):
        return StoredSuggestion(f"s{i}", kind, start, end, "X", "rules", 1.0, "")

    suggestions = [
        sug(1, "event", 10, 15),
        sug(2, "event", 20, 25),
        sug(3, "entity", 12, 14),
        sug(4, "entity", 30, 33),
    ]
    assert settled_by(suggestions, spans=[(13, 18)], triggers=[(14, 16)]) == {"s1", "s3"}
    assert settled_by(suggestions, spans=[], triggers=[]) == set()
