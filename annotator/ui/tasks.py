"""Running long jobs (import, export, search indexing) off the GUI thread, with progress and cancel.

The job is plain Python taking ``progress`` and ``cancel`` (annotator.progress). It runs in a
QThread; progress reaches the GUI by queued signal; a progress dialog appears only after half a second so
quick jobs do not flash one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from annotator.progress import CancelFlag, Cancelled


class _Worker(QObject):
    progressed = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, job: Callable[..., Any], cancel: CancelFlag):
        super().__init__()
        self.job = job
        self.cancel = cancel

    def run(self) -> None:
        def progress(done: int, total: int | None, message: str) -> None:
            self.progressed.emit(done, total if total is not None else -1, message)

        try:
            result = self.job(progress=progress, cancel=self.cancel)
        except Cancelled as exc:
            self.failed.emit(exc)
        except Exception as exc:  # reported to the user by the caller
            self.failed.emit(exc)
        else:
            self.finished.emit(result)
        finally:
            # end the thread's event loop from here, so that waiting for the thread (on close) does not
            # depend on the GUI thread getting round to the queued finish
            QThread.currentThread().quit()


class BackgroundTask(QObject):
    """Run ``job(progress=…, cancel=…)`` in a thread; ``done(result)`` or ``error(exception)`` follow."""

    done = Signal(object)
    error = Signal(object)

    def __init__(
        self, title: str, job: Callable[..., Any], parent: QWidget | None = None, show_progress: bool = True
    ):
        super().__init__(parent)
        self.cancel = CancelFlag()
        self._thread = QThread()
        self._worker = _Worker(job, self.cancel)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progressed.connect(self._on_progress)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        # quiet work the user did not ask for (show_progress=False) gets no dialog at all
        self._dialog: QProgressDialog | None = None
        self._shown = QTimer(self)
        self._shown.setSingleShot(True)
        if show_progress:
            self._dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
            self._dialog.setWindowTitle(title)
            self._dialog.setMinimumDuration(500)
            self._dialog.setAutoClose(False)
            self._dialog.setAutoReset(False)
            self._dialog.canceled.connect(self.cancel.cancel)
            self._dialog.reset()
            self._shown.timeout.connect(self._dialog.show)
        self.finished = False

    def start(self) -> None:
        self._thread.start()
        if self._dialog is not None:
            self._shown.start(500)

    def _on_progress(self, done: int, total: int, message: str) -> None:
        if self._dialog is None:
            return
        if total > 0:
            scale = max(1, total // 1_000_000)  # QProgressDialog takes ints
            self._dialog.setMaximum(total // scale)
            self._dialog.setValue(min(done // scale, total // scale))
        self._dialog.setLabelText(message)

    def _finish(self) -> None:
        self.finished = True
        self._shown.stop()
        if self._dialog is not None:
            self._dialog.reset()
            self._dialog.hide()
        self._thread.quit()
        self._thread.wait()

    def _on_finished(self, result: object) -> None:
        self._finish()
        self.done.emit(result)

    def _on_failed(self, exc: object) -> None:
        self._finish()
        self.error.emit(exc)

    def wait(self, ms: int = 30000) -> bool:
        return self._thread.wait(ms)
