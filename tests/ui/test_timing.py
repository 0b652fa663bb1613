"""Active time recorded by the workbench (issue 18), driven through real widgets with a fake clock: input,
idleness, the focus, documents switched and reopened, the periodic save, the window closed; and nothing
written per keystroke."""

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from sqlalchemy import select

from annotator.services.timing import set_idle_cutoff
from annotator.store.models import Document, WorkSession
from annotator.ui.window_timing import TimingMixin
from tests.ui.test_workbench import select_keyboard
from tests.ui.test_workbench import workbench as workbench  # the fixture


class FakeClock:
    def __init__(self) -> None:
        self.now = 5000.0
        self.base = datetime.now(UTC)  # labels are dated by the real clock: sessions start about now

    def __call__(self) -> float:
        return self.now

    def wall(self) -> datetime:
        return self.base + timedelta(seconds=self.now - 5000.0)

    def tick(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(TimingMixin, "timing_clocks", (fake, fake.wall))
    return fake


def sessions(window):
    with window.project.engine.connect() as conn:
        return conn.execute(
            select(Document.external_id, WorkSession.id, WorkSession.active_seconds, WorkSession.labels)
            .join(Document, Document.id == WorkSession.document_id)
            .order_by(WorkSession.started_at)
        ).all()


def doc(window, external_id):
    with window.project.engine.connect() as conn:
        return conn.scalar(select(Document.id).where(Document.external_id == external_id))


def type_keys(qtbot, window, clock, n, every):
    for _ in range(n):
        clock.tick(every)
        qtbot.keyClick(window.view, Qt.Key.Key_Right)


def test_input_idleness_focus_and_switching_are_recorded(qtbot, clock, workbench):
    window = workbench
    assert window.document_id == doc(window, "hi") and window._timing is not None
    assert window._timing.focused
    type_keys(qtbot, window, clock, 12, 10)  # two minutes of work
    select_keyboard(qtbot, window, 0, 1)
    qtbot.keyClick(window.view, Qt.Key.Key_G)  # a label saved in the session
    clock.tick(600)  # away: only the cut-off (60 s) after the last key counts
    qtbot.keyClick(window.view, Qt.Key.Key_Right)
    clock.tick(10)
    other = QWidget()  # another window in front: the time it has the focus is not active
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not window._timing.focused)
    clock.tick(30)
    qtbot.mouseMove(window.view)  # a mouse passing over a window in the background is not work
    clock.tick(30)
    other.close()
    window.activateWindow()
    qtbot.waitUntil(lambda: window._timing.focused)
    assert sessions(window) == []  # nothing written while the document is open
    window.open_document_id(doc(window, "en"))  # by the list, as the person does
    qtbot.waitUntil(lambda: len(sessions(window)) == 1)
    (ext, _first, active, labels) = sessions(window)[0]
    assert ext == "hi" and labels == 1
    assert active == pytest.approx(120 + 60 + 10)  # the unfocused minute not counted
    clock.tick(20)
    qtbot.keyClick(window.view, Qt.Key.Key_Right)
    window.open_document_id(doc(window, "hi"))  # reopened: a new session of it
    clock.tick(5)
    window.close()  # the open session is saved when the window closes
    rows = sessions(window)
    assert [r[0] for r in rows] == ["hi", "en", "hi"]
    assert len({r[1] for r in rows}) == 3
    assert [r[2] for r in rows] == pytest.approx([190, 20, 5])


def test_no_write_per_keystroke_and_a_periodic_save(qtbot, clock, workbench, monkeypatch):
    import annotator.services.timing as timing

    window = workbench
    calls = []
    real = timing.save_sessions
    monkeypatch.setattr(timing, "save_sessions", lambda p, r: calls.append(list(r)) or real(p, r))
    type_keys(qtbot, window, clock, 200, 0.5)
    assert calls == []  # 200 keys: no write
    window.save_timing()  # what the minute's timer runs
    assert len(calls) == 1
    (ext, sid, active, _labels) = sessions(window)[0]
    assert ext == "hi" and active == pytest.approx(100)
    type_keys(qtbot, window, clock, 10, 1)
    window._timing_timer.timeout.emit()  # the timer itself (off the GUI thread): the same session, updated
    qtbot.waitUntil(lambda: [(r[1], r[2]) for r in sessions(window)] == [(sid, pytest.approx(110))])
    assert len(calls) == 2
    assert window._timing_timer.interval() == 60_000 and window._timing_timer.isActive()


def test_the_idle_cutoff_is_the_projects(qtbot, clock, workbench):
    window = workbench
    set_idle_cutoff(window.project, "20")
    window.switch_project(window.project)  # read again with the project
    assert window._timing.idle_cutoff == 20
    clock.tick(300)
    window.open_document_id(doc(window, "en"))
    qtbot.waitUntil(lambda: len(sessions(window)) == 1)
    assert sessions(window)[0][2] == pytest.approx(20)


def test_reading_another_annotators_labels_is_not_counted(qtbot, clock, workbench):
    from annotator.services.team import add_annotator, set_blind_mode

    window = workbench
    add_annotator(window.project, "asha", "lead")
    add_annotator(window.project, "ravi")
    set_blind_mode(window.project, False)
    clock.tick(10)
    window.show_labels_of("ravi")
    assert window.viewing_other
    window.open_document_id(doc(window, "en"))
    clock.tick(30)
    qtbot.keyClick(window.view, Qt.Key.Key_Right)
    window.open_document_id(doc(window, "emoji"))
    window.close()
    assert [r[0] for r in sessions(window)] == ["hi"]  # only the first, opened as herself
