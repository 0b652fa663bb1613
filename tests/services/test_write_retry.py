"""A write whose connection to the server breaks is run once more on a fresh connection, and every
workbench write is idempotent: a retry after a commit that landed (its acknowledgement lost) stores nothing
twice and keeps undo whole. Tested with a fake break (SQLite) and a real backend killed mid-write
(PostgreSQL)."""

from __future__ import annotations

import json

import psycopg
import pytest
from sqlalchemy import event, func, select, text
from sqlalchemy.exc import OperationalError

from annotator.services import annotate
from annotator.services.annotate import AddSpans, DeleteSpans, Editor, SetTone
from annotator.services.frames import AddArgument, AddEvent, AddRelation, DeleteEvent, DeleteRelation
from annotator.services.importing import import_paths
from annotator.services.project import init_project
from annotator.store.models import Entity, Event, EventArgument, Relation, Tombstone
from annotator.store.writes import transact

TEXT = "पहलगाम में हमला हुआ। Delhi police said LeT was behind it."


def _broken() -> OperationalError:
    return OperationalError("INSERT", {}, psycopg.OperationalError("server closed the connection"))


def _project(target, tmp_path):
    project = init_project(target)
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps({"id": "d1", "text": TEXT}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_paths(project, [src]).ok
    return project


def _count(project, model) -> int:
    with project.engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(model))


def test_a_broken_connection_is_retried_once_and_a_second_break_is_raised(tmp_path):
    project = _project(tmp_path / "p.annotator", tmp_path)
    calls = []

    def flaky(conn):
        calls.append(1)
        if len(calls) == 1:
            raise _broken()
        return conn.scalar(text("SELECT 7"))

    assert transact(project.engine, flaky, pause=0) == 7 and len(calls) == 2

    def down(conn):
        calls.append(1)
        raise _broken()

    calls.clear()
    with pytest.raises(OperationalError):
        transact(project.engine, down, pause=0)
    assert len(calls) == 2  # once more, not forever

    def wrong(conn):  # a problem with the data is not retried
        calls.append(1)
        raise ValueError("bad")

    calls.clear()
    with pytest.raises(ValueError):
        transact(project.engine, wrong, pause=0)
    assert len(calls) == 1
    project.close()


def test_every_workbench_write_is_idempotent_when_a_landed_commit_is_retried(tmp_path, monkeypatch):
    """The worst case of a retry: the first commit landed and only its acknowledgement was lost, so the
    same work runs again in a second transaction."""
    project = _project(tmp_path / "p.annotator", tmp_path)

    def twice(engine, work, *, pause=0.5):
        with engine.begin() as conn:
            work(conn)
        with engine.begin() as conn:
            return work(conn)

    monkeypatch.setattr(annotate, "transact", twice)
    editor = Editor(project, "asha")
    delhi = TEXT.index("Delhi")
    add = AddSpans(1, [(0, 6, "GPE"), (delhi, delhi + 5, "GPE")])
    add.apply(editor)
    assert _count(project, Entity) == 2
    trigger = TEXT.index("हमला")
    event_cmd = AddEvent(1, "ATTACK", trigger, trigger + 4, {})
    event_cmd.apply(editor)
    argument = AddArgument(1, event_cmd.id, "Place", add.spans[0].id, "entity")
    argument.apply(editor)
    relation = AddRelation(1, "LOCATED_IN", add.spans[1].id, add.spans[0].id, {})
    relation.apply(editor)
    assert (_count(project, Event), _count(project, EventArgument), _count(project, Relation)) == (1, 1, 1)
    SetTone(1, None, -1).apply(editor)
    SetTone(1, -1, 0).apply(editor)
    assert editor.state(1).tone == 0

    # deletions retried keep what undo needs, and undo retried restores each row once
    delete_relation = DeleteRelation(1, relation.id)
    delete_relation.apply(editor)
    delete_event = DeleteEvent(1, event_cmd.id)
    delete_event.apply(editor)
    delete_spans = DeleteSpans(1, [add.spans[1].id])
    delete_spans.apply(editor)
    assert (_count(project, Entity), _count(project, Event), _count(project, Relation)) == (1, 0, 0)
    assert _count(project, Tombstone) == 4  # relation, event, its argument, Delhi: each once
    delete_spans.revert(editor)
    delete_event.revert(editor)
    delete_relation.revert(editor)
    counts = [_count(project, m) for m in (Entity, Event, EventArgument, Relation, Tombstone)]
    assert counts == [2, 1, 1, 1, 0]
    project.close()


@pytest.mark.postgresql
def test_a_label_whose_server_connection_is_killed_mid_write_is_saved_once(qtbot, tmp_path, pg_url):
    """A real PostgreSQL backend terminated while it inserts the label (a server restart or a dropped
    network in the middle of a write): the window retries on a fresh connection, says nothing failed, and
    the label is stored once and can be undone."""
    from annotator.settings import Settings
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    application()
    project = _project(pg_url, tmp_path)
    window = MainWindow(project, Settings(annotator="asha"))
    qtbot.addWidget(window)
    killed = []

    def kill_once(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("INSERT INTO ENTITIES") and not killed:
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            with project.engine.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            killed.append(pid)

    event.listen(project.engine, "before_cursor_execute", kill_once)
    try:
        window.run(AddSpans(1, [(0, 6, "GPE")]))
    finally:
        event.remove(project.engine, "before_cursor_execute", kill_once)
    assert killed, "the backend was not killed: the test did not exercise the retry"
    with project.engine.connect() as conn:
        assert conn.execute(select(Entity.start, Entity.label)).all() == [(0, "GPE")]
    assert window.undo_stack.count() == 1
    assert "unreachable" not in window.statusBar().currentMessage()
    window.undo_stack.undo()
    assert _count(project, Entity) == 0
    window.close()
    project.close()
