"""The one progress and cancel protocol for long jobs (import, export, agreement, search, training).

Jobs are plain Python: they call ``progress(done, total, message)`` now and then and check ``cancel``
(``cancel.check()`` raises :class:`Cancelled`). The CLI passes a tqdm bar; the GUI runs the job in a worker
thread, forwards progress by signal and sets the flag when the user cancels. On the ground floor, so the
pure engines (``annotator.suggest``) and the services speak the same protocol.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

__all__ = ["CancelFlag", "Cancelled", "ProgressCallback", "no_progress"]

#: progress(done, total, message); total is None when unknown. Units are the job's own (bytes, documents).
ProgressCallback = Callable[[int, int | None, str], None]


class Cancelled(Exception):
    """Raised inside a job when its cancel flag was set; the job leaves stored data consistent."""


class CancelFlag:
    """A thread-safe flag another thread sets to ask a running job to stop."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Cancelled()


def no_progress(_done: int, _total: int | None, _message: str) -> None:
    return None
