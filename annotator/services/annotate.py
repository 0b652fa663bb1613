"""Editing one annotator's labels on one document: small commands with apply/revert.

Every command writes in its own transaction and commits before it returns, so what the GUI shows is on
disk. Undo lives here, not in the GUI: a command remembers what it needs to put things back (including the
ids of rows it created, so redo recreates the same rows), and the GUI's QUndoStack only calls
``apply``/``revert``. Each call returns a :class:`Change` saying what changed, so views refresh only that.
No Qt here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from sqlalchemy import Connection, delete, or_, select

from annotator.errors import AnnotatorError
from annotator.schema.checks import entity_problem, sentiment_problem, tone_problem, with_defaults
from annotator.schema.model import WORK_STATUSES
from annotator.services.documents import annotator_id as lookup_annotator
from annotator.services.project import Project
from annotator.store.database import json_value, raw_json
from annotator.store.models import (
    Document,
    DocumentLabel,
    Entity,
    EventArgument,
    Relation,
    TargetedSentiment,
    WorkItem,
    utcnow,
)
from annotator.store.writes import bury, change, insert_new, put_one, restore_rows, transact
from annotator.text.clusters_local import splits_cluster
from annotator.text.segment import grapheme_boundaries, tokenize

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Span:
    """An entity of the current annotator: code-point offsets into the stored text."""

    id: str
    start: int
    end: int
    label: str
    attributes: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class WorkState:
    status: str = "todo"
    flagged: bool = False
    comment: str | None = None


@dataclass
class DocumentState:
    """Everything one annotator has on one document."""

    document_id: int
    spans: list[Span]
    tone: int | None
    polarities: dict[str, str]  # entity id -> polarity
    work: WorkState


@dataclass(frozen=True)
class Change:
    """What a command changed, for the views."""

    document_id: int
    spans: bool = False
    tone: bool = False
    polarities: bool = False
    work: bool = False
    span_ids: tuple[str, ...] = ()
    frames: bool = False  # events, arguments, relations or links
    added: bool = False  # only new spans: nothing that refers to spans changed
    suggestions: bool = False  # suggestions accepted, rejected or reopened


class Editor:
    """One annotator working on a project."""

    def __init__(self, project: Project, annotator: str):
        if not annotator.strip():
            raise AnnotatorError("an annotator name is needed to label documents")
        self.project = project
        self.annotator = annotator.strip()
        self.annotator_id: int = lookup_annotator(project, self.annotator)
        self.tone_name = project.schema.document_sentiment.name if project.schema.document_sentiment else None
        self._known: tuple[int, str] | None = None  # (document, its stored text): the last one checked

    # ------------------------------------------------------------------ reading

    def state(self, document_id: int) -> DocumentState:
        aid = self.annotator_id
        with self.project.engine.connect() as conn:
            spans = [
                Span(r.id, r.start, r.end, r.label, json_value(r[4]))
                for r in conn.execute(
                    select(Entity.id, Entity.start, Entity.end, Entity.label, raw_json(Entity.attributes))
                    .where(Entity.document_id == document_id, Entity.annotator_id == aid)
                    .order_by(Entity.start, Entity.end, Entity.label, Entity.id)
                )
            ]
            tone = None
            if self.tone_name:
                tone = conn.scalar(
                    select(DocumentLabel.value).where(
                        DocumentLabel.document_id == document_id,
                        DocumentLabel.annotator_id == aid,
                        DocumentLabel.name == self.tone_name,
                    )
                )
            polarities = {
                entity_id: polarity
                for entity_id, polarity in conn.execute(
                    select(TargetedSentiment.entity_id, TargetedSentiment.polarity).where(
                        TargetedSentiment.document_id == document_id,
                        TargetedSentiment.annotator_id == aid,
                        TargetedSentiment.entity_id.is_not(None),
                    )
                )
                if entity_id is not None  # as the query says: for the type checker
            }
            work = self._work(conn, document_id)
        return DocumentState(document_id, spans, tone, polarities, work)

    def refresh(self, state: DocumentState, change: Change) -> DocumentState:
        """``state`` brought up to date after ``change``, reading only what the change touched."""
        if change.document_id != state.document_id or (
            not change.span_ids and (change.spans or change.polarities)
        ):
            return self.state(change.document_id)
        aid = self.annotator_id
        ids = list(change.span_ids)
        with self.project.engine.connect() as conn:
            if change.spans or change.polarities:
                fresh = {
                    r.id: Span(r.id, r.start, r.end, r.label, json_value(r[4]))
                    for r in conn.execute(
                        select(
                            Entity.id, Entity.start, Entity.end, Entity.label, raw_json(Entity.attributes)
                        ).where(Entity.id.in_(ids), Entity.annotator_id == aid)
                    )
                }
                touched = set(ids)
                spans = [s for s in state.spans if s.id not in touched] + list(fresh.values())
                spans.sort(key=lambda s: (s.start, s.end, s.label, s.id))
                polarities = {k: v for k, v in state.polarities.items() if k not in touched}
                polarities.update(
                    (entity_id, polarity)
                    for entity_id, polarity in conn.execute(
                        select(TargetedSentiment.entity_id, TargetedSentiment.polarity).where(
                            TargetedSentiment.entity_id.in_(ids), TargetedSentiment.annotator_id == aid
                        )
                    )
                    if entity_id is not None  # in ids, as the query says: for the type checker
                )
                state = DocumentState(state.document_id, spans, state.tone, polarities, state.work)
            if change.tone and self.tone_name:
                state.tone = conn.scalar(
                    select(DocumentLabel.value).where(
                        DocumentLabel.document_id == state.document_id,
                        DocumentLabel.annotator_id == aid,
                        DocumentLabel.name == self.tone_name,
                    )
                )
            if change.work:
                state.work = self._work(conn, state.document_id)
        return state

    def _work(self, conn: Connection, document_id: int) -> WorkState:
        row = conn.execute(
            select(WorkItem.status, WorkItem.flagged, WorkItem.comment).where(
                WorkItem.document_id == document_id, WorkItem.annotator_id == self.annotator_id
            )
        ).first()
        return WorkState(row.status, bool(row.flagged), row.comment) if row else WorkState()

    # ------------------------------------------------------------------ writing (one transaction each)

    def _set_work(self, conn: Connection, document_id: int, work: WorkState) -> None:
        now = utcnow()
        values = {"status": work.status, "flagged": work.flagged, "comment": work.comment}
        where = (WorkItem.document_id == document_id, WorkItem.annotator_id == self.annotator_id)
        put_one(
            conn,
            WorkItem,
            where,
            values,
            now,
            conflict=("document_id", "annotator_id"),
            document_id=document_id,
            annotator_id=self.annotator_id,
        )

    def mark_started(self, conn: Connection, document_id: int) -> bool:
        """A first label moves a 'todo' document to 'in_progress'; returns whether the status changed."""
        work = self._work(conn, document_id)
        if work.status == "todo":
            self._set_work(conn, document_id, replace(work, status="in_progress"))
            return True
        return False

    # ------------------------------------------------------------------ checks (as on import: schema.checks)

    def know_text(self, document_id: int, text: str) -> None:
        """``text`` is the stored text of ``document_id`` (the window has it already): span checks on that
        document then read nothing from the database. Stored text never changes after import."""
        self._known = (document_id, text)

    def forget_text(self) -> None:
        self._known = None

    def known_text(self, document_id: int) -> str:
        """The document's stored text: the one the window gave, else read once (the last one is kept)."""
        if self._known is not None and self._known[0] == document_id:
            return self._known[1]
        text = self.text(document_id)
        if text is None:
            raise AnnotatorError(f"there is no document {document_id}")
        self._known = (document_id, text)
        return text

    def check_span(self, document_id: int, start: int, end: int) -> None:
        """Refuse a span that is empty, outside the document, or splits a character cluster. Only the
        stretches around the span's two edges are segmented (``text.clusters_local``): as fast at the end
        of a 20 MB text as at its start."""
        text = self.known_text(document_id)
        length = len(text)
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length):
            raise AnnotatorError(f"[{start}, {end}) is not a span of this document (its length is {length})")
        offset = splits_cluster(text, start, end)
        if offset is not None:
            raise AnnotatorError(f"span [{start}, {end}) splits a character cluster at offset {offset}")

    def refuse(self, problem: str | None, what: str) -> None:
        """Raise the checks' one-line reason (None: nothing to refuse)."""
        if problem:
            raise AnnotatorError(f"{what}: {problem}")

    def check_entity(self, document_id: int, span: Span) -> None:
        self.check_span(document_id, span.start, span.end)
        self.refuse(entity_problem(self.project.schema, span.label, span.attributes), f"label {span.label}")

    def transact(self, work: Callable[[Connection], T]) -> T:
        """``work`` in one transaction, run once more if the server connection broke during it (see
        :func:`annotator.store.database.transact`: ``work`` must be idempotent)."""
        return transact(self.project.engine, work)

    def insert_spans(self, document_id: int, spans: list[Span]) -> Change:
        schema = self.project.schema
        for span in spans:
            merged = with_defaults(schema, "entity", span.label, span.attributes)  # as on import
            span.attributes.clear()
            span.attributes.update(merged)
            self.check_entity(document_id, span)
        now = utcnow()
        rows = [
            {
                "id": s.id,
                "document_id": document_id,
                "annotator_id": self.annotator_id,
                "start": s.start,
                "end": s.end,
                "label": s.label,
                "attributes": s.attributes,
                "created_at": now,
                "updated_at": now,
            }
            for s in spans
        ]

        def work(conn: Connection) -> bool:
            insert_new(conn, Entity.__table__, rows)
            return self.mark_started(conn, document_id)

        started = self.transact(work)
        return Change(document_id, spans=True, work=started, span_ids=tuple(s.id for s in spans), added=True)

    def snapshot(self, ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        """The rows that deleting these entities removes: the entities, their sentiments, the event
        arguments they fill and the relations they take part in."""
        with self.project.engine.connect() as conn:

            def rows(model, *columns):
                where = or_(*(column.in_(ids) for column in columns))
                return [dict(r._mapping) for r in conn.execute(select(model).where(where))]

            rel = Relation.__table__
            return {
                "entities": rows(Entity.__table__, Entity.__table__.c.id),
                "sentiments": rows(TargetedSentiment.__table__, TargetedSentiment.__table__.c.entity_id),
                "arguments": rows(EventArgument.__table__, EventArgument.__table__.c.entity_id),
                "relations": rows(rel, rel.c.from_entity_id, rel.c.to_entity_id),
            }

    def delete_spans(self, document_id: int, ids: list[str]) -> Change:
        snapshot = self.snapshot(ids)  # what the deletion takes with it: each gets a tombstone
        now = utcnow()

        def work(conn: Connection) -> None:
            for key, model in SNAPSHOT_TABLES:
                bury(conn, model.__table__, snapshot[key], document_id, now)
            conn.execute(delete(Entity).where(Entity.id.in_(ids), Entity.annotator_id == self.annotator_id))

        self.transact(work)
        return Change(document_id, spans=True, polarities=True, span_ids=tuple(ids))

    def restore(self, document_id: int, snapshot: dict[str, list[dict[str, Any]]]) -> Change:
        tables = [(model.__table__, snapshot.get(key, [])) for key, model in SNAPSHOT_TABLES]
        self.transact(lambda conn: restore_rows(conn, tables))
        ids = tuple(r["id"] for r in snapshot["entities"])
        return Change(document_id, spans=True, polarities=True, span_ids=ids)

    def update_span(self, document_id: int, span: Span) -> Change:
        values = {"start": span.start, "end": span.end, "label": span.label, "attributes": span.attributes}
        where = (Entity.id == span.id, Entity.annotator_id == self.annotator_id)
        self.transact(lambda conn: change(conn, Entity, values, *where))  # kept in the history
        return Change(document_id, spans=True, span_ids=(span.id,))

    def write_tone(self, document_id: int, value: int | None) -> Change:
        if self.tone_name is None:
            raise AnnotatorError("the project's schema has no document tone")
        now = utcnow()
        tone_name = self.tone_name

        def work(conn: Connection) -> bool:
            where = (
                DocumentLabel.document_id == document_id,
                DocumentLabel.annotator_id == self.annotator_id,
                DocumentLabel.name == tone_name,
            )
            put_one(
                conn,
                DocumentLabel,
                where,
                None if value is None else {"value": value},
                now,
                conflict=("document_id", "annotator_id", "name"),
                document_id=document_id,
                annotator_id=self.annotator_id,
                name=tone_name,
            )
            return self.mark_started(conn, document_id)

        return Change(document_id, tone=True, work=self.transact(work))

    def write_polarity(self, document_id: int, entity_id: str, polarity: str | None) -> Change:
        now = utcnow()

        def work(conn: Connection) -> None:
            where = (
                TargetedSentiment.entity_id == entity_id,
                TargetedSentiment.annotator_id == self.annotator_id,
            )
            put_one(
                conn,
                TargetedSentiment,
                where,
                None if polarity is None else {"polarity": polarity},
                now,
                document_id=document_id,
                annotator_id=self.annotator_id,
                entity_id=entity_id,
            )

        self.transact(work)
        return Change(document_id, polarities=True, span_ids=(entity_id,))

    def write_work(self, document_id: int, work: WorkState) -> Change:
        if work.status not in WORK_STATUSES:
            raise AnnotatorError(f"unknown status {work.status!r}")
        self.transact(lambda conn: self._set_work(conn, document_id, work))
        return Change(document_id, work=True)

    def text(self, document_id: int) -> str | None:
        """The document's text; None when there is no such document."""
        with self.project.engine.connect() as conn:
            return conn.scalar(select(Document.text).where(Document.id == document_id))


SNAPSHOT_TABLES = (
    ("entities", Entity),
    ("sentiments", TargetedSentiment),
    ("arguments", EventArgument),
    ("relations", Relation),
)


# ---------------------------------------------------------------------------------------------- commands


class Command:
    """A reversible edit. ``apply`` may be called again after ``revert`` (redo)."""

    text: str = ""

    def apply(self, editor: Editor) -> Change:  # pragma: no cover - interface
        raise NotImplementedError

    def revert(self, editor: Editor) -> Change:  # pragma: no cover - interface
        raise NotImplementedError


def _new_id() -> str:
    return str(uuid.uuid4())


class AddSpans(Command):
    def __init__(
        self, document_id: int, spans: list[tuple[int, int, str]], attributes: dict[str, Any] | None = None
    ):
        self.document_id = document_id
        self.spans = [Span(_new_id(), s, e, label, dict(attributes or {})) for s, e, label in spans]
        n = len(self.spans)
        self.text = f"label {self.spans[0].label}" if n == 1 else f"label {n} spans"

    def apply(self, editor: Editor) -> Change:
        return editor.insert_spans(self.document_id, self.spans)

    def revert(self, editor: Editor) -> Change:
        return editor.delete_spans(self.document_id, [s.id for s in self.spans])


class DeleteSpans(Command):
    def __init__(self, document_id: int, ids: list[str]):
        self.document_id = document_id
        self.ids = list(ids)
        self.saved: dict[str, list[dict[str, Any]]] | None = None
        self.text = "delete span" if len(self.ids) == 1 else f"delete {len(self.ids)} spans"

    def apply(self, editor: Editor) -> Change:
        self.saved = editor.snapshot(self.ids)
        return editor.delete_spans(self.document_id, self.ids)

    def revert(self, editor: Editor) -> Change:
        assert self.saved is not None
        return editor.restore(self.document_id, self.saved)


class Relabel(Command):
    def __init__(self, document_id: int, old: Span, label: str, attributes: dict[str, Any]):
        self.document_id = document_id
        self.old = old
        self.new = replace(old, label=label, attributes=dict(attributes))
        self.text = f"relabel {old.label} → {label}"

    def apply(self, editor: Editor) -> Change:
        editor.check_entity(self.document_id, self.new)
        return editor.update_span(self.document_id, self.new)

    def revert(self, editor: Editor) -> Change:
        return editor.update_span(self.document_id, self.old)


def relabel_attributes(schema, span: Span, label: str) -> dict[str, Any]:
    """The attributes a span keeps when relabelled: those the new label also has, plus its defaults."""
    names = {a.name for a in schema.attributes_for_entity(label)}
    keep = {k: v for k, v in span.attributes.items() if k in names}
    return {**schema.attribute_defaults("entity", label), **keep}


def check_whole_characters(text: str, start: int, end: int) -> None:
    """Refuse a span that is empty, out of the text, or has a boundary inside a grapheme cluster (only the
    stretches around its edges are segmented)."""
    if not (0 <= start < end <= len(text)) or splits_cluster(text, start, end) is not None:
        raise AnnotatorError(f"[{start}, {end}) is not a span of whole characters in this document")


class Reshape(Command):
    """Move a span's boundaries (kept on grapheme clusters: a boundary inside one is refused)."""

    def __init__(self, document_id: int, old: Span, start: int, end: int, text: str):
        check_whole_characters(text, start, end)
        self.document_id, self.old = document_id, old
        self.new = replace(old, start=start, end=end)
        self.text = "move span"

    def apply(self, editor: Editor) -> Change:
        editor.check_span(self.document_id, self.new.start, self.new.end)
        return editor.update_span(self.document_id, self.new)

    def revert(self, editor: Editor) -> Change:
        return editor.update_span(self.document_id, self.old)


class SetTone(Command):
    def __init__(self, document_id: int, old: int | None, new: int | None):
        self.document_id, self.old, self.new = document_id, old, new
        self.text = "clear tone" if new is None else f"tone {new:+d}" if new else "tone 0"

    def apply(self, editor: Editor) -> Change:
        editor.refuse(tone_problem(editor.project.schema, self.new), "tone")
        return editor.write_tone(self.document_id, self.new)

    def revert(self, editor: Editor) -> Change:
        return editor.write_tone(self.document_id, self.old)


class SetPolarity(Command):
    def __init__(self, document_id: int, entity_id: str, old: str | None, new: str | None):
        self.document_id, self.entity_id, self.old, self.new = document_id, entity_id, old, new
        self.text = f"sentiment {new}" if new else "clear sentiment"

    def apply(self, editor: Editor) -> Change:
        if self.new is not None:
            editor.refuse(sentiment_problem(editor.project.schema, "entity", self.new), "sentiment")
        return editor.write_polarity(self.document_id, self.entity_id, self.new)

    def revert(self, editor: Editor) -> Change:
        return editor.write_polarity(self.document_id, self.entity_id, self.old)


class SetWork(Command):
    def __init__(self, document_id: int, old: WorkState, new: WorkState):
        self.document_id, self.old, self.new = document_id, old, new
        self.text = (
            "flag for discussion"
            if new.flagged and not old.flagged
            else f"mark {new.status.replace('_', ' ')}"
        )

    def apply(self, editor: Editor) -> Change:
        return editor.write_work(self.document_id, self.new)

    def revert(self, editor: Editor) -> Change:
        return editor.write_work(self.document_id, self.old)


# ---------------------------------------------------------------------------------------------- helpers


def occurrences(text: str, surface: str, *, whole_words: bool = True) -> list[tuple[int, int]]:
    """Every place ``surface`` occurs in ``text`` without splitting a grapheme cluster and, with
    ``whole_words``, starting and ending on token boundaries (पाक never matches inside पाकिस्तान, nor
    Lashkar inside Lashkar-e-Taiba)."""
    if not surface:
        return []
    if whole_words:
        tokens = tokenize(text)
        starts, ends = {t.start for t in tokens}, {t.end for t in tokens}
    else:
        starts = ends = set(grapheme_boundaries(text))
    out = []
    start = text.find(surface)
    while start != -1:
        end = start + len(surface)
        if start in starts and end in ends:
            out.append((start, end))
        start = text.find(surface, start + 1)
    return out


def label_all(state: DocumentState, text: str, surface: str, label: str) -> list[tuple[int, int, str]]:
    """Spans to add so that every occurrence of ``surface`` carries ``label`` (existing ones skipped)."""
    have = {(s.start, s.end, s.label) for s in state.spans}
    return [(s, e, label) for s, e in occurrences(text, surface) if (s, e, label) not in have]
