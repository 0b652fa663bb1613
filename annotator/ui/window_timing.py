"""Time spent on each document (issue 18): the workbench's wiring of :class:`annotator.services.timing.
ActivityClock`.

* input (key presses, mouse buttons, the wheel, mouse moves) reaches the clock through one application
  event filter that does nothing else (no database, no allocation beyond Qt's own event);
* the focus: the window (or one of its dialogs) active or not, from the application's focus-window signal;
* documents: the window's ``document_id`` (declared in :class:`WindowBase`) is overridden here so that every
  document opened or left — by the list, the keys, search, a project switch — starts and ends a session;
* saving: the session of a document left is written off the GUI thread once the next document is shown,
  the open one every minute (off the GUI thread too), and the last one when the window closes (or the
  project is switched). Saves take turns; a later state of a session always wins. A save that fails
  because the server is down is kept and tried again with the next one.

Time is not counted while the window shows another annotator's labels (a lead reading someone's work).

Also here, the lead's other piece of issue 18 in the window: Team → Mark as check
(:meth:`toggle_check_document`).

A part of :class:`annotator.ui.main_window.MainWindow` (a mixin)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QWindow
from PySide6.QtWidgets import QApplication, QWidget

from annotator.ui.window_base import WindowBase

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from annotator.services.project import Project
    from annotator.services.timing import ActivityClock, SessionRecord

#: the events that are input
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class _InputWatch(QObject):
    """The application event filter: tells the clock about input, lets every event through."""

    def __init__(self, clock: ActivityClock, parent: QObject) -> None:
        super().__init__(parent)
        self.clock = clock

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS:
            self.clock.input()
        return False


#: one save at a time (a switch's and the minute's may overlap): each is one transaction, in turn
_SAVING = threading.Lock()


def _write_sessions(pending: list[tuple[Project, SessionRecord]]) -> list[tuple[Project, SessionRecord]]:
    """Save ``pending`` (each session with its project); returns those the server being down kept back."""
    from annotator.services import timing
    from annotator.services.project import is_connection_error

    by_project: dict[int, tuple[Project, list[SessionRecord]]] = {}
    for project, record in pending:
        by_project.setdefault(id(project), (project, []))[1].append(record)
    failed: list[tuple[Project, SessionRecord]] = []
    with _SAVING:
        for project, records in by_project.values():
            try:
                timing.save_sessions(project, records)
            except Exception as exc:
                if not is_connection_error(exc):
                    raise
                failed.extend((project, r) for r in records)
    return failed


class TimingMixin(WindowBase):
    """Active time per document (see the module)."""

    #: how often the open session is saved (ms)
    TIMING_SAVE_MS = 60_000
    #: (monotonic clock, UTC wall clock) for the recorder; None: the real ones (tests put fakes here)
    timing_clocks: tuple[Callable[[], float], Callable[[], datetime]] | None = None

    _timing: ActivityClock | None = None
    _timing_watch: _InputWatch | None = None
    _timing_timer: QTimer | None = None
    _timing_project: Project | None = None  # the project the open session belongs to
    #: sessions to write, each with the project it belongs to (a project switch leaves one of the old)
    _timing_pending: list[tuple[Project, SessionRecord]]

    # ------------------------------------------------------------------ the document, overridden

    @property
    def document_id(self) -> int | None:
        return self.session.document_id

    @document_id.setter
    def document_id(self, value: int | None) -> None:
        self.session.document_id = value
        self._timing_document(value)

    # ------------------------------------------------------------------ wiring

    def _timing_start(self) -> ActivityClock:
        """The clock, the input filter, the focus signal and the save timer (made on the first document)."""
        from annotator.services.timing import ActivityClock

        clock = self._timing
        if clock is not None:
            return clock
        clocks = (
            {}
            if self.timing_clocks is None
            else dict(zip(("clock", "wall"), self.timing_clocks, strict=True))
        )
        clock = self._timing = ActivityClock(focused=self._timing_has_focus(), **clocks)  # type: ignore[arg-type]
        self._timing_pending = []
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self._timing_watch = _InputWatch(clock, self)
        app.installEventFilter(self._timing_watch)
        app.focusWindowChanged.connect(self._timing_focus_changed)
        self._timing_timer = QTimer(self)
        self._timing_timer.timeout.connect(lambda: self.save_timing(background=True))
        self._timing_timer.start(self.TIMING_SAVE_MS)
        return clock

    def stop_timing(self) -> None:
        """Save the open session and stop recording (the window closing; benchmarks compare without)."""
        clock = self._timing
        if clock is None:
            return
        self._timing_keep(clock.close())
        self.save_timing()
        app = QApplication.instance()
        if self._timing_watch is not None and app is not None:
            app.removeEventFilter(self._timing_watch)
            try:
                app.focusWindowChanged.disconnect(self._timing_focus_changed)  # type: ignore[attr-defined]
            except (RuntimeError, TypeError):  # pragma: no cover - already gone with the application
                pass
        if self._timing_timer is not None:
            self._timing_timer.stop()
        self._timing = self._timing_watch = self._timing_timer = None

    def _timing_has_focus(self) -> bool:
        """Whether the active window is this one or one of its dialogs."""
        widget: QWidget | None = QApplication.activeWindow()
        while widget is not None:
            if widget is self:
                return True
            widget = widget.parentWidget()
        return False

    def _timing_focus_changed(self, window: QWindow | None) -> None:
        """The application's focus window changed: ours (this window, or a dialog over it) or not."""
        if self._timing is None:
            return
        mine = self.windowHandle()
        while window is not None and window is not mine:
            window = window.transientParent()
        self._timing.focus(window is not None and mine is not None)

    def _timing_document(self, document_id: int | None) -> None:
        """A document opened (a new session) or left (None)."""
        from annotator.services.timing import idle_cutoff

        if document_id is None:  # a project is (re)loaded: written now, while the old one is open
            if self._timing is not None:
                self._timing_keep(self._timing.close())
                self.save_timing()  # now: the project may be closed next
            self._timing_project = None  # its settings are read again with the next document
            return
        viewing_other = self.viewing_other
        clock = self._timing_start()
        aid = self.editor.annotator_id
        if clock.open_document == (document_id, aid) and not viewing_other:
            return
        if self._timing_project is not self.project:  # a project opened: its cut-off
            clock.idle_cutoff = idle_cutoff(self.project)
            self._timing_project = self.project
        if viewing_other:  # another annotator's labels, read-only: not this person's work on it
            left = clock.close()
        else:
            left = clock.open(document_id, aid)
        self._timing_keep(left)
        if left is not None:  # off the GUI thread, after the new document is shown
            QTimer.singleShot(0, lambda: self.save_timing(background=True))

    def _timing_keep(self, record: SessionRecord | None) -> None:
        if record is not None:
            self._timing_pending.append((self._timing_project or self.project, record))

    def save_timing(self, *, background: bool = False) -> None:
        """Write the sessions ended and the open one so far — off the GUI thread with ``background`` (a
        document switch, the minute's timer), else now (a project closing, the window closing). What
        cannot be written (the server down) is kept for the next save."""
        clock = self._timing
        if clock is not None:
            self._timing_keep(clock.current())
        pending, self._timing_pending = self._timing_pending, []
        if not pending:
            return
        if not background:
            self._timing_pending.extend(_write_sessions(pending))
            return
        self.background(
            "Saving the time spent",
            lambda progress, cancel: _write_sessions(pending),
            self._timing_pending.extend,
            lambda exc: self.statusBar().showMessage(f"The time spent was not saved: {exc}", 8000),
            show_progress=False,
        )

    # ------------------------------------------------------------------ check documents (the lead's)

    def toggle_check_document(self) -> None:
        """Team → Mark as check: the open document becomes a check document (or stops being one). Only a
        lead may; anyone else is told so, and nothing says whether the document is one (blind)."""
        from annotator.errors import AnnotatorError
        from annotator.services.checks import toggle_check
        from annotator.services.team import annotator_for

        if self.document_id is None:
            return
        try:
            said = toggle_check(self.project, self.document_id, annotator_for(self.project, self.settings))
        except AnnotatorError as exc:
            said = f"Not done: {exc}."
        self.statusBar().showMessage(said, 8000)

    def closeEvent(self, event) -> None:
        self.stop_timing()
        super().closeEvent(event)
