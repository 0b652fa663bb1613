"""Active time (issue 18): the Qt-free recorder with an injected clock, the idle cut-off setting, and the
sessions stored with the labels saved during them."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from annotator.cli import main
from annotator.errors import AnnotatorError
from annotator.services.annotate import AddSpans, Editor
from annotator.services.timing import (
    DEFAULT_IDLE_CUTOFF,
    ActivityClock,
    active_seconds,
    idle_cutoff,
    save_sessions,
    sessions_by_document,
    set_idle_cutoff,
)
from annotator.store.models import WorkSession
from tests.services.test_team import add_documents, doc_id


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> float:
        return self.now

    def wall(self) -> datetime:
        return self.start + timedelta(seconds=self.now - 1000.0)

    def tick(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock():
    return FakeClock()


def recorder(clock, cutoff=60.0, focused=True) -> ActivityClock:
    return ActivityClock(cutoff, clock=clock, wall=clock.wall, focused=focused)


def test_continuous_input_is_all_active(clock):
    rec = recorder(clock)
    rec.open(1, 7)
    for _ in range(30):  # a key every 10 s for 5 minutes
        clock.tick(10)
        rec.input()
    session = rec.close()
    assert session is not None
    assert (session.document_id, session.annotator_id) == (1, 7)
    assert session.active_seconds == pytest.approx(300.0)
    assert session.ended_at - session.started_at == timedelta(seconds=300)


def test_idle_time_beyond_the_cutoff_does_not_count(clock):
    rec = recorder(clock, cutoff=60)
    rec.open(1, 7)
    clock.tick(20)
    rec.input()  # 20 s active
    clock.tick(600)  # coffee: only the cut-off after the last input counts
    rec.input()
    clock.tick(5)
    session = rec.close()
    assert session.active_seconds == pytest.approx(20 + 60 + 5)
    assert session.ended_at - session.started_at == timedelta(seconds=625)


def test_no_input_at_all_counts_the_cutoff_after_opening(clock):
    rec = recorder(clock, cutoff=30)
    rec.open(1, 7)
    clock.tick(3600)
    assert rec.close().active_seconds == pytest.approx(30)


def test_unfocused_time_does_not_count(clock):
    rec = recorder(clock)
    rec.open(1, 7)
    clock.tick(10)
    rec.input()
    rec.focus(False)  # another program in front
    clock.tick(40)
    rec.input()  # input elsewhere does not reach us; but even if it did, unfocused time is not active
    clock.tick(40)
    rec.focus(True)
    clock.tick(10)  # the last input (80 s ago > cut-off): not active
    session = rec.close()
    assert session.active_seconds == pytest.approx(10)


def test_focus_back_within_the_cutoff_counts_again(clock):
    rec = recorder(clock)
    rec.open(1, 7)
    clock.tick(10)
    rec.focus(False)
    clock.tick(20)
    rec.focus(True)  # the input of 20 s ago is within the cut-off
    clock.tick(5)
    assert rec.close().active_seconds == pytest.approx(10 + 5)


def test_a_reopened_document_is_a_new_session(clock):
    rec = recorder(clock)
    assert rec.open(1, 7) is None
    clock.tick(30)
    first = rec.open(2, 7)
    clock.tick(15)
    second = rec.open(1, 7)
    clock.tick(5)
    third = rec.close()
    assert [s.document_id for s in (first, second, third)] == [1, 2, 1]
    assert len({first.id, second.id, third.id}) == 3
    assert [s.active_seconds for s in (first, second, third)] == pytest.approx([30, 15, 5])
    assert rec.close() is None and rec.open_document is None


def test_events_without_a_document_cost_nothing_and_count_nothing(clock):
    rec = recorder(clock)
    rec.input()
    rec.focus(False)
    rec.focus(True)
    assert rec.current() is None and rec.close() is None


def test_current_is_a_snapshot_that_goes_on(clock):
    rec = recorder(clock)
    rec.open(1, 7)
    clock.tick(20)
    snap = rec.current()
    clock.tick(20)
    rec.input()
    final = rec.close()
    assert snap.id == final.id
    assert (snap.active_seconds, final.active_seconds) == pytest.approx((20, 40))


# ---------------------------------------------------------------------------------------------- storage


def test_idle_cutoff_setting(project, tmp_path, capsys):
    assert idle_cutoff(project) == DEFAULT_IDLE_CUTOFF == 60
    assert set_idle_cutoff(project, "90") == 90
    assert idle_cutoff(project) == 90
    for bad in ("soon", "-1", "1", "nan", "100000"):
        with pytest.raises(AnnotatorError, match="idle cut-off"):
            set_idle_cutoff(project, bad)
    assert idle_cutoff(project) == 90


def test_idle_cutoff_on_the_command_line(tmp_path, capsys):
    from annotator.services.project import init_project, open_project

    path = tmp_path / "c.annotator"
    init_project(path).close()
    assert main(["settings", str(path), "idle", "120"]) == 0
    assert capsys.readouterr().out == "idle: 120 s\n"
    assert main(["settings", str(path)]) == 0
    assert capsys.readouterr().out == "blind: on\nidle: 120 s\n"
    with open_project(path) as p:
        assert idle_cutoff(p) == 120
    assert main(["settings", str(path), "idle", "often"]) != 0
    assert "idle cut-off must be a number" in capsys.readouterr().err
    assert main(["settings", str(path), "blind", "off"]) == 0
    assert capsys.readouterr().out == "blind: off\n"
    with pytest.raises(SystemExit):
        main(["settings", str(path), "blind", "maybe"])


def test_sessions_are_stored_with_the_labels_saved_during_them(project, tmp_path, clock):
    add_documents(project, tmp_path, 2)
    asha = Editor(project, "asha")
    d0, d1 = doc_id(project, "d000"), doc_id(project, "d001")
    rec = ActivityClock(60)  # the real clocks: labels are dated by them
    rec.open(d0, asha.annotator_id)
    AddSpans(d0, [(0, 6, "GPE")]).apply(asha)
    AddSpans(d0, [(10, 14, "GPE")]).apply(asha)
    AddSpans(d1, [(0, 6, "GPE")]).apply(asha)  # another document: not this session's
    snapshot = rec.current()
    assert save_sessions(project, [snapshot]) == 1
    left = rec.open(d1, asha.annotator_id)
    assert left.id == snapshot.id
    assert save_sessions(project, [left]) == 1  # the same session, updated, not a second one
    with project.engine.connect() as conn:
        rows = conn.execute(select(WorkSession)).all()
        by_doc = sessions_by_document(conn)
    assert len(rows) == 1
    assert rows[0].labels == 2 and rows[0].document_id == d0 and rows[0].annotator_id == asha.annotator_id
    assert [s.id for s in by_doc[(d0, "asha")]] == [left.id]
    assert active_seconds(project) == {(d0, "asha"): pytest.approx(left.active_seconds)}


def test_a_session_with_nothing_done_is_not_kept(project, tmp_path, clock):
    add_documents(project, tmp_path, 1)
    asha = Editor(project, "asha")
    rec = recorder(clock, focused=False)  # never focused: no active second, no label
    rec.open(doc_id(project, "d000"), asha.annotator_id)
    clock.tick(100)
    assert save_sessions(project, [rec.close(), None]) == 0
    with project.engine.connect() as conn:
        assert conn.execute(select(WorkSession)).all() == []


def test_reopening_adds_to_the_total(project, tmp_path, clock):
    add_documents(project, tmp_path, 1)
    asha = Editor(project, "asha")
    d0 = doc_id(project, "d000")
    rec = recorder(clock)
    rec.open(d0, asha.annotator_id)
    clock.tick(40)
    first = rec.close()
    rec.open(d0, asha.annotator_id)
    clock.tick(25)
    second = rec.close()
    save_sessions(project, [first, second])
    assert active_seconds(project) == {(d0, "asha"): pytest.approx(65)}
    with project.engine.connect() as conn:
        assert len(sessions_by_document(conn, [d0])[(d0, "asha")]) == 2


def test_a_session_of_a_document_deleted_meanwhile_is_dropped(project, tmp_path, clock):
    from sqlalchemy import delete

    from annotator.store.models import Document

    add_documents(project, tmp_path, 2)
    asha = Editor(project, "asha")
    d0, d1 = doc_id(project, "d000"), doc_id(project, "d001")
    rec = recorder(clock)
    rec.open(d0, asha.annotator_id)
    clock.tick(30)
    gone = rec.open(d1, asha.annotator_id)
    clock.tick(20)
    with project.engine.begin() as conn:
        conn.execute(delete(Document).where(Document.id == d0))
    assert save_sessions(project, [gone, rec.close()]) == 1
    assert active_seconds(project) == {(d1, "asha"): pytest.approx(20)}


def test_an_earlier_state_saved_later_changes_nothing(project, tmp_path, clock):
    add_documents(project, tmp_path, 1)
    asha = Editor(project, "asha")
    d0 = doc_id(project, "d000")
    rec = recorder(clock)
    rec.open(d0, asha.annotator_id)
    clock.tick(30)
    early = rec.current()
    clock.tick(30)
    late = rec.close()
    save_sessions(project, [late])
    save_sessions(project, [early])  # a periodic save that reached the database after the final one
    assert active_seconds(project) == {(d0, "asha"): pytest.approx(60)}
