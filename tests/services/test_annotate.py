"""Editing labels: every command commits at once, and revert/apply (undo/redo) restore the database."""

import json

import pytest
from sqlalchemy import func, select

from annotator.errors import AnnotatorError
from annotator.services.annotate import (
    AddSpans,
    DeleteSpans,
    Editor,
    Relabel,
    SetPolarity,
    SetTone,
    SetWork,
    WorkState,
    check_whole_characters,
    label_all,
    occurrences,
    relabel_attributes,
)
from annotator.services.documents import document_row, list_documents
from annotator.services.importing import import_paths
from annotator.services.project import open_project
from annotator.store.models import Entity, EventArgument, Relation, TargetedSentiment, WorkItem

TEXT = "पाकिस्तान और भारत के बीच बातचीत। पाकिस्तानी सेना ने कहा कि पाकिस्तान शांति चाहता है।"


@pytest.fixture
def doc(project, tmp_path):
    f = tmp_path / "d.jsonl"
    f.write_text(
        json.dumps({"id": "d1", "text": TEXT, "lang": "hi"}, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    assert import_paths(project, [f]).ok
    return 1


def rows(project, model):
    with project.session() as s:
        return s.scalars(select(model)).all()


def test_add_is_committed_and_undoable(project, doc):
    editor = Editor(project, "asha")
    cmd = AddSpans(doc, [(0, 9, "GPE")])
    change = cmd.apply(editor)
    assert change.spans and change.work  # first label: todo -> in_progress
    # committed: visible from a brand-new connection to the file
    with open_project(project.location) as other:
        (ent,) = rows(other, Entity)
        assert (ent.start, ent.end, ent.label) == (0, 9, "GPE")
    assert editor.state(doc).work.status == "in_progress"
    cmd.revert(editor)
    assert rows(project, Entity) == []
    cmd.apply(editor)  # redo recreates the same row
    assert [e.id for e in rows(project, Entity)] == [cmd.spans[0].id]


def test_delete_restores_sentiment_arguments_and_relations(project, doc):
    editor = Editor(project, "asha")
    add = AddSpans(doc, [(0, 9, "GPE")])
    add.apply(editor)
    eid = add.spans[0].id
    SetPolarity(doc, eid, None, "NEG").apply(editor)
    # an event argument pointing at the entity (events arrive with the next issue; insert directly)
    from annotator.store.models import Event, utcnow

    other = AddSpans(doc, [(13, 17, "GPE")])
    other.apply(editor)
    with project.engine.begin() as conn:
        now = utcnow()
        conn.execute(
            Event.__table__.insert().values(
                id="e1",
                document_id=doc,
                annotator_id=editor.annotator_id,
                type="STATEMENT",
                trigger_start=55,
                trigger_end=58,
                attributes={},
                created_at=now,
                updated_at=now,
            )
        )
        conn.execute(
            EventArgument.__table__.insert().values(
                id="a1",
                event_id="e1",
                annotator_id=editor.annotator_id,
                position=0,
                role="Speaker",
                entity_id=eid,
                created_at=now,
                updated_at=now,
            )
        )
        conn.execute(
            Relation.__table__.insert().values(
                id="r1",
                document_id=doc,
                annotator_id=editor.annotator_id,
                type="LOCATED_IN",
                from_entity_id=other.spans[0].id,
                to_entity_id=eid,
                attributes={},
                created_at=now,
                updated_at=now,
            )
        )
    cmd = DeleteSpans(doc, [eid])
    cmd.apply(editor)
    assert rows(project, TargetedSentiment) == [] and rows(project, EventArgument) == []
    assert [e.id for e in rows(project, Entity)] == [other.spans[0].id] and rows(project, Relation) == []
    cmd.revert(editor)
    assert sorted(e.id for e in rows(project, Entity)) == sorted([eid, other.spans[0].id])
    assert editor.state(doc).polarities == {eid: "NEG"}
    assert [(a.id, a.entity_id) for a in rows(project, EventArgument)] == [("a1", eid)]
    assert [(r.id, r.to_entity_id) for r in rows(project, Relation)] == [("r1", eid)]
    cmd.apply(editor)  # redo deletes again
    assert len(rows(project, Entity)) == 1 and rows(project, Relation) == []


def test_relabel_keeps_valid_attributes(project, doc):
    editor = Editor(project, "asha")
    add = AddSpans(doc, [(0, 9, "ORG")], attributes={"actor_type": "state_forces"})
    add.apply(editor)
    span = editor.state(doc).spans[0]
    attrs = relabel_attributes(project.schema, span, "GPE")
    assert attrs == {}  # GPE has no actor_type
    cmd = Relabel(doc, span, "GPE", attrs)
    cmd.apply(editor)
    assert [(e.label, e.attributes) for e in rows(project, Entity)] == [("GPE", {})]
    cmd.revert(editor)
    assert [(e.label, e.attributes) for e in rows(project, Entity)] == [
        ("ORG", {"actor_type": "state_forces"})
    ]


def test_tone_polarity_and_work_state(project, doc):
    editor = Editor(project, "asha")
    SetTone(doc, None, -1).apply(editor)
    assert editor.state(doc).tone == -1
    cmd = SetTone(doc, -1, 2)
    cmd.apply(editor)
    assert editor.state(doc).tone == 2
    cmd.revert(editor)
    assert editor.state(doc).tone == -1
    SetTone(doc, -1, None).apply(editor)
    assert editor.state(doc).tone is None
    old = editor.state(doc).work
    flag = SetWork(doc, old, WorkState("skipped", True, "is this an ATTACK or a PROTEST?"))
    flag.apply(editor)
    (item,) = rows(project, WorkItem)
    assert (item.status, item.flagged, item.comment) == ("skipped", True, "is this an ATTACK or a PROTEST?")
    flag.revert(editor)
    assert editor.state(doc).work == old
    with pytest.raises(AnnotatorError):
        editor.write_work(doc, WorkState("finished"))


def test_annotators_are_separate(project, doc):
    AddSpans(doc, [(0, 9, "GPE")]).apply(Editor(project, "asha"))
    assert Editor(project, "ravi").state(doc).spans == []
    assert len(Editor(project, "asha").state(doc).spans) == 1


def test_occurrences_whole_words_and_clusters():
    last = TEXT.rindex("पाकिस्तान")
    assert occurrences(TEXT, "पाकिस्तान") == [(0, 9), (last, last + 9)]  # not inside पाकिस्तानी
    assert occurrences(TEXT, "पाक") == []  # never inside a longer word
    assert occurrences("कि की", "क") == []  # never splitting a cluster
    assert occurrences("Lashkar-e-Taiba and Lashkar", "Lashkar") == [(20, 27)]


def test_label_all_skips_existing(project, doc):
    editor = Editor(project, "asha")
    AddSpans(doc, [(0, 9, "GPE")]).apply(editor)
    todo = label_all(editor.state(doc), TEXT, "पाकिस्तान", "GPE")
    last = TEXT.rindex("पाकिस्तान")
    assert todo == [(last, last + 9, "GPE")]
    cmd = AddSpans(doc, todo)
    cmd.apply(editor)
    assert sorted((e.start, e.end) for e in rows(project, Entity)) == [(0, 9), (last, last + 9)]
    cmd.revert(editor)
    assert len(rows(project, Entity)) == 1


def test_document_list_rows(project, doc, tmp_path):
    f = tmp_path / "e.jsonl"
    f.write_text(json.dumps({"id": "d2", "title": "Two", "text": "English text."}) + "\n")
    import_paths(project, [f])
    editor = Editor(project, "asha")
    AddSpans(doc, [(0, 9, "GPE"), (13, 17, "GPE")]).apply(editor)
    listed = list_documents(project, editor.annotator_id)
    assert [(r.external_id, r.lang, r.status, r.labels, r.flagged) for r in listed] == [
        ("d1", "hi", "in_progress", 2, False),
        ("d2", "en", "todo", 0, False),  # a record without a language gets the detected one (issue 20)
    ]
    assert document_row(project, editor.annotator_id, doc) == listed[0]
    assert list_documents(project, None)[0].labels == 0
    with project.session() as s:
        assert s.scalar(select(func.count()).select_from(Entity)) == 2


def test_refresh_reads_only_what_changed_and_matches_a_full_reload(project, doc):
    editor = Editor(project, "asha")
    state = editor.state(doc)
    steps = [
        AddSpans(doc, [(0, 9, "GPE"), (13, 17, "GPE")]),
        SetTone(doc, None, -1),
    ]
    for cmd in steps:
        state = editor.refresh(state, cmd.apply(editor))
        assert state == editor.state(doc)
    span = state.spans[0]
    for cmd in (
        SetPolarity(doc, span.id, None, "NEG"),
        Relabel(doc, span, "LOC", {}),
        DeleteSpans(doc, [span.id]),
        SetWork(doc, state.work, WorkState("done")),
    ):
        state = editor.refresh(state, cmd.apply(editor))
        assert state == editor.state(doc)
        state = editor.refresh(state, cmd.revert(editor))
        assert state == editor.state(doc)
        state = editor.refresh(state, cmd.apply(editor))
        assert state == editor.state(doc)


def test_deletions_leave_tombstones_and_undo_removes_them(project, doc):
    from annotator.store.models import Tombstone

    editor = Editor(project, "asha")
    add = AddSpans(doc, [(0, 9, "GPE")])
    add.apply(editor)
    eid = add.spans[0].id
    SetPolarity(doc, eid, None, "NEG").apply(editor)
    SetTone(doc, None, 1).apply(editor)
    delete = DeleteSpans(doc, [eid])
    delete.apply(editor)
    with project.session() as s:
        tombs = {(t.table_name, t.document_id) for t in s.scalars(select(Tombstone))}
    assert tombs == {("entities", doc), ("targeted_sentiments", doc)}
    delete.revert(editor)
    with project.session() as s:
        assert s.scalars(select(Tombstone)).all() == []
        restored = s.get(Entity, eid)
        assert restored.updated_at >= restored.created_at
    SetTone(doc, 1, None).apply(editor)
    with project.session() as s:
        assert [t.table_name for t in s.scalars(select(Tombstone))] == ["document_labels"]


def test_reshape_moves_a_span_on_whole_characters_and_undoes(project, doc):
    from annotator.services.annotate import Reshape

    editor = Editor(project, "asha")
    add = AddSpans(doc, [(0, 9, "GPE")])
    add.apply(editor)
    span = editor.state(doc).spans[0]
    with pytest.raises(AnnotatorError, match="whole characters"):
        Reshape(doc, span, 0, 3, TEXT)  # 3 falls inside कि
    cmd = Reshape(doc, span, 0, 12, TEXT)
    cmd.apply(editor)
    assert [(s.start, s.end) for s in editor.state(doc).spans] == [(0, 12)]
    cmd.revert(editor)
    assert [(s.start, s.end) for s in editor.state(doc).spans] == [(0, 9)]


def test_span_checks_at_the_end_of_a_long_text_are_the_whole_texts(tmp_path):
    """check_span segments only around the span's edges: at the end of a long text full of conjuncts,
    flags, ZWJ emoji and combining marks it refuses and accepts exactly what the whole text's clusters
    say."""
    from annotator.services.project import init_project
    from annotator.text.segment import grapheme_boundaries

    unit = "प्रधानमंत्री ने स्त्री 🇮🇳🇵🇰🇮 👩\u200d💻 ❤\ufe0f e\u0301 ক্ষ क्\u200dष।\n"
    text = unit * 3000
    f = tmp_path / "long.jsonl"
    f.write_text(json.dumps({"id": "long", "text": text}, ensure_ascii=False) + "\n", encoding="utf-8")
    project = init_project(tmp_path / "p.annotator")
    assert import_paths(project, [f]).ok
    editor = Editor(project, "asha")
    text = editor.text(1)  # as stored (normalized)
    assert text is not None and len(text) > 100_000
    bounds = set(grapheme_boundaries(text))
    tail = range(len(text) - len(unit) - 3, len(text) + 1)
    for start in tail:
        for end in (start + 1, start + 2, start + 5, len(text)):
            whole_ok = 0 <= start < end <= len(text) and start in bounds and end in bounds
            try:
                editor.check_span(1, start, end)
                ok = True
            except AnnotatorError:
                ok = False
            assert ok == whole_ok, (start, end)
            try:
                check_whole_characters(text, start, end)
                ok = True
            except AnnotatorError:
                ok = False
            assert ok == whole_ok, (start, end)
    project.close()
