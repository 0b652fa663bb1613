"""Time spent: active seconds per document per annotator, measured by the workbench (issue 18).

A moment counts as *active* when a document is open, the window has the focus and the person gave some
input (a key, a mouse button, the wheel, a mouse move) within the last ``idle cut-off`` seconds (the project
setting ``idle_cutoff``, 60 s unless set; ``annotator settings PROJECT idle SECONDS``). Opening a document
counts as input (it was opened by a click or a key).

:class:`ActivityClock` is the Qt-free recorder: it is told about input, focus and documents opened and
left, with a clock that tests inject, and keeps the active seconds of the open document's session lazily
(a few float operations per event: nothing is written per keystroke). Every opening of a document is a new
:class:`SessionRecord` (a UUID), so a reopened document adds a session; :func:`save_sessions` writes the
records (insert, or update the same session's end, active seconds and labels when it was saved before by a
periodic flush) with ``labels`` = the annotation rows the annotator created on that document during it.

:func:`sessions_by_document` reads them back for exports and the lead's views; work packages carry them
(:mod:`annotator.services.packages`), native JSONL writes them in each annotation block's ``"time"``.

No Qt here.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, literal, select, union_all, update

from annotator.errors import AnnotatorError
from annotator.services.project import Project
from annotator.store.models import (
    Annotator,
    Document,
    DocumentLabel,
    Entity,
    Event,
    EventArgument,
    Relation,
    TargetedSentiment,
    WorkSession,
    new_uuid,
    utcnow,
)

IDLE_KEY = "idle_cutoff"
DEFAULT_IDLE_CUTOFF = 60.0
#: the idle cut-off's bounds (seconds): below a few seconds reading a sentence is idleness; above an hour
#: a forgotten window counts as work
MIN_IDLE_CUTOFF = 5.0
MAX_IDLE_CUTOFF = 3600.0


# ---------------------------------------------------------------------------------------------- setting


def parse_idle_cutoff(value: str) -> float:
    """Seconds from the text of the setting or of the command line; raises AnnotatorError (one line)."""
    try:
        seconds = float(value)
    except ValueError:
        raise AnnotatorError(f"idle cut-off must be a number of seconds, not {value!r}") from None
    if not math.isfinite(seconds) or not MIN_IDLE_CUTOFF <= seconds <= MAX_IDLE_CUTOFF:
        raise AnnotatorError(
            f"idle cut-off must be between {MIN_IDLE_CUTOFF:g} and {MAX_IDLE_CUTOFF:g} seconds, not {value}"
        )
    return seconds


def idle_cutoff(project: Project) -> float:
    """The project's idle cut-off in seconds (60 unless set; a stored value that is not usable is the
    default too, so a hand-edited setting never stops the window)."""
    raw = project.setting(IDLE_KEY)
    if raw is None:
        return DEFAULT_IDLE_CUTOFF
    try:
        return parse_idle_cutoff(raw)
    except AnnotatorError:
        return DEFAULT_IDLE_CUTOFF


def set_idle_cutoff(project: Project, value: str | float) -> float:
    seconds = parse_idle_cutoff(str(value))
    project.set_setting(IDLE_KEY, f"{seconds:g}")
    return seconds


# ---------------------------------------------------------------------------------------------- recording


@dataclass(frozen=True)
class SessionRecord:
    """One opening of one document by one annotator, as far as it went (``labels`` filled when saved)."""

    id: str
    document_id: int
    annotator_id: int
    started_at: datetime
    ended_at: datetime
    active_seconds: float
    labels: int = 0


class ActivityClock:
    """Active time of the open document's session (see the module). ``clock`` is a monotonic clock in
    seconds, ``wall`` gives the UTC time written as the session's start and end; both are injected by
    tests. Events outside an open document are ignored (they cost nothing)."""

    def __init__(
        self,
        idle_cutoff: float = DEFAULT_IDLE_CUTOFF,
        *,
        clock: Callable[[], float] = time.monotonic,
        wall: Callable[[], datetime] = utcnow,
        focused: bool = True,
    ) -> None:
        self.idle_cutoff = float(idle_cutoff)
        self.clock = clock
        self.wall = wall
        self.focused = focused
        self._session: SessionRecord | None = None
        self._started = 0.0  # monotonic time of the opening
        self._mark = 0.0  # active time is counted up to here
        self._last_input: float | None = None
        self._active = 0.0

    @property
    def open_document(self) -> tuple[int, int] | None:
        """(document id, annotator id) of the open session, or None."""
        s = self._session
        return None if s is None else (s.document_id, s.annotator_id)

    def _advance(self, now: float) -> None:
        """Count the active time since the last mark: focused, and within the cut-off of the last input."""
        if self.focused and self._last_input is not None:
            until = min(now, self._last_input + self.idle_cutoff)
            if until > self._mark:
                self._active += until - self._mark
        if now > self._mark:
            self._mark = now

    def input(self) -> None:
        """A key, a mouse button, the wheel or a mouse move (ignored while the window is not focused: a
        mouse passing over a window in the background is not work)."""
        if self._session is None or not self.focused:
            return
        now = self.clock()
        self._advance(now)
        self._last_input = now

    def focus(self, focused: bool) -> None:
        """The window gained (True) or lost (False) the focus."""
        if focused == self.focused:
            return
        if self._session is not None:
            self._advance(self.clock())
        self.focused = focused

    def open(self, document_id: int, annotator_id: int) -> SessionRecord | None:
        """A document was opened: a new session starts (opening is input). Returns the session of the
        document left, if one was open (to be saved)."""
        left = self.close()
        now = self.clock()
        wall = self.wall()
        self._session = SessionRecord(new_uuid(), document_id, annotator_id, wall, wall, 0.0)
        self._started = self._mark = now
        self._last_input = now
        self._active = 0.0
        return left

    def current(self) -> SessionRecord | None:
        """The open session so far (for a periodic save; it goes on), or None."""
        if self._session is None:
            return None
        now = self.clock()
        self._advance(now)
        return replace(
            self._session,
            ended_at=self._session.started_at + timedelta(seconds=max(0.0, now - self._started)),
            active_seconds=round(self._active, 3),
        )

    def close(self) -> SessionRecord | None:
        """The open document was left (another opened, the project switched, the window closed): its
        session, ended; None when none was open."""
        record = self.current()
        self._session = None
        self._last_input = None
        return record


# ---------------------------------------------------------------------------------------------- storing


#: the tables whose rows are labels an annotator makes on a document (``labels`` of a session)
LABEL_MODELS = (Entity, Event, EventArgument, Relation, DocumentLabel, TargetedSentiment)


def labels_made(
    conn: Connection, document_id: int, annotator_id: int, since: datetime, until: datetime
) -> int:
    """How many annotation rows ``annotator_id`` created on ``document_id`` in [since, until] that are
    still there (one query)."""
    own_events = select(Event.id).where(Event.document_id == document_id, Event.annotator_id == annotator_id)
    parts = []
    for model in LABEL_MODELS:
        table = model.__table__
        on_document = (
            table.c.event_id.in_(own_events) if model is EventArgument else table.c.document_id == document_id
        )
        parts.append(
            select(literal(1).label("one")).where(
                on_document,
                table.c.annotator_id == annotator_id,
                table.c.created_at >= since,
                table.c.created_at <= until,
            )
        )
    return conn.scalar(select(func.count()).select_from(union_all(*parts).subquery())) or 0


def save_sessions(project: Project, records: Iterable[SessionRecord | None]) -> int:
    """Store sessions (one transaction): a new id is inserted, a known one (saved before by a periodic
    save) updated to its later end (an earlier state arriving later changes nothing). Sessions with no
    active second and no label are not kept (a document passed over with the arrow keys). Returns how
    many were written."""
    wanted = [r for r in records if r is not None]
    if not wanted:
        return 0
    written = 0
    with project.engine.begin() as conn:
        documents = set(
            conn.scalars(select(Document.id).where(Document.id.in_({r.document_id for r in wanted})))
        )
        for r in wanted:
            if r.document_id not in documents:  # deleted while it was open: nothing to time
                continue
            labels = labels_made(
                conn, r.document_id, r.annotator_id, r.started_at, r.ended_at + timedelta(seconds=1)
            )
            if r.active_seconds <= 0 and labels == 0:
                continue
            values = dict(
                ended_at=r.ended_at, active_seconds=max(0.0, float(r.active_seconds)), labels=labels
            )
            # the same session saved again: only a later state replaces the stored one (two saves may
            # reach the database in either order)
            changed = conn.execute(
                update(WorkSession)
                .where(WorkSession.id == r.id, WorkSession.ended_at <= r.ended_at)
                .values(**values)
            ).rowcount
            if not changed and conn.scalar(select(WorkSession.id).where(WorkSession.id == r.id)) is None:
                conn.execute(
                    insert(WorkSession).values(
                        id=r.id,
                        document_id=r.document_id,
                        annotator_id=r.annotator_id,
                        started_at=r.started_at,
                        **values,
                    )
                )
            written += 1
    return written


@dataclass(frozen=True)
class StoredSession:
    id: str
    started_at: datetime
    ended_at: datetime
    active_seconds: float
    labels: int

    def to_native(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "started": _iso(self.started_at),
            "ended": _iso(self.ended_at),
            "active_seconds": round(self.active_seconds, 3),
            "labels": self.labels,
        }


def _iso(value: datetime) -> str:
    from annotator.store.writes import as_utc

    return as_utc(value).isoformat()


def sessions_by_document(
    conn: Connection,
    document_ids: list[int] | None = None,
    *,
    low: int | None = None,
    high: int | None = None,
) -> dict[tuple[int, str], list[StoredSession]]:
    """Sessions by (document id, annotator name), each list by start; of the named documents, or of the
    id range [low, high], or all."""
    stmt = select(
        WorkSession.document_id,
        Annotator.name,
        WorkSession.id,
        WorkSession.started_at,
        WorkSession.ended_at,
        WorkSession.active_seconds,
        WorkSession.labels,
    ).join(Annotator, Annotator.id == WorkSession.annotator_id)
    if low is not None and high is not None:
        stmt = stmt.where(WorkSession.document_id.between(low, high))
    out: dict[tuple[int, str], list[StoredSession]] = {}
    chunks = (
        [None]
        if document_ids is None
        else [document_ids[i : i + 500] for i in range(0, len(document_ids), 500)]
    )
    for chunk in chunks:
        query = stmt if chunk is None else stmt.where(WorkSession.document_id.in_(chunk))
        for doc_id, name, sid, started, ended, active, labels in conn.execute(query):
            out.setdefault((doc_id, name), []).append(StoredSession(sid, started, ended, active, labels))
    for sessions in out.values():
        sessions.sort(key=lambda s: (_iso(s.started_at), s.id))
    return out


def time_block(sessions: list[StoredSession]) -> dict[str, Any]:
    """An annotation block's ``"time"`` in native JSONL: the total and every session."""
    return {
        "active_seconds": round(sum(s.active_seconds for s in sessions), 3),
        "sessions": [s.to_native() for s in sessions],
    }


def active_seconds(project: Project) -> dict[tuple[int, str], float]:
    """Active seconds by (document id, annotator name), summed over sessions."""
    stmt = (
        select(WorkSession.document_id, Annotator.name, func.sum(WorkSession.active_seconds))
        .join(Annotator, Annotator.id == WorkSession.annotator_id)
        .group_by(WorkSession.document_id, Annotator.name)
    )
    with project.engine.connect() as conn:
        return {(d, n): float(s or 0.0) for d, n, s in conn.execute(stmt)}


__all__ = [
    "DEFAULT_IDLE_CUTOFF",
    "IDLE_KEY",
    "ActivityClock",
    "SessionRecord",
    "StoredSession",
    "active_seconds",
    "idle_cutoff",
    "labels_made",
    "parse_idle_cutoff",
    "save_sessions",
    "sessions_by_document",
    "set_idle_cutoff",
    "time_block",
]
