"""Events (trigger + typed argument roles + attributes), relations, entity attributes and canonical links:
reading one annotator's frames on a document, and reversible commands that commit at once.

Like :mod:`annotator.services.annotate`, undo lives here: each command keeps what it needs to put things
back (ids of rows it created, snapshots of rows it deleted). No Qt.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sqlalchemy import delete, func, select

from annotator.errors import AnnotatorError
from annotator.schema import Schema
from annotator.schema.checks import argument_problem, event_problem, relation_problem, with_defaults
from annotator.services.annotate import Change, Command, Editor
from annotator.store.database import json_value, raw_json
from annotator.store.models import Entity, Event, EventArgument, Relation, TargetedSentiment, utcnow
from annotator.store.writes import bury, change, delete_rows, insert_new, restore_rows, select_rows


@dataclass(slots=True)
class Argument:
    id: str
    role: str
    filler_id: str
    filler_kind: str  # "entity" or "event"


@dataclass(slots=True)
class EventFrame:
    id: str
    type: str
    start: int
    end: int
    attributes: dict[str, Any] = field(compare=True, hash=False, default_factory=dict)
    arguments: tuple[Argument, ...] = ()


@dataclass(slots=True)
class RelationLink:
    id: str
    type: str
    from_id: str
    to_id: str
    attributes: dict[str, Any] = field(compare=True, hash=False, default_factory=dict)


@dataclass
class Frames:
    document_id: int
    events: list[EventFrame]
    relations: list[RelationLink]
    links: dict[str, tuple[str, str | None]]  # entity id -> (canonical id, name)


def load_frames(editor: Editor, document_id: int) -> Frames:
    aid = editor.annotator_id
    with editor.project.engine.connect() as conn:
        args: dict[str, list[Argument]] = {}
        for r in conn.execute(
            select(
                EventArgument.id,
                EventArgument.event_id,
                EventArgument.role,
                EventArgument.entity_id,
                EventArgument.filler_event_id,
            )
            .join(Event, Event.id == EventArgument.event_id)
            .where(Event.document_id == document_id, Event.annotator_id == aid)
            .order_by(EventArgument.position, EventArgument.id)
        ):
            filler, kind = (r.entity_id, "entity") if r.entity_id else (r.filler_event_id, "event")
            args.setdefault(r.event_id, []).append(Argument(r.id, r.role, filler, kind))
        events = [
            EventFrame(
                r.id, r.type, r.trigger_start, r.trigger_end, json_value(r[4]), tuple(args.get(r.id, ()))
            )
            for r in conn.execute(
                select(
                    Event.id, Event.type, Event.trigger_start, Event.trigger_end, raw_json(Event.attributes)
                )
                .where(Event.document_id == document_id, Event.annotator_id == aid)
                .order_by(Event.trigger_start, Event.trigger_end, Event.type, Event.id)
            )
        ]
        relations = [
            RelationLink(r.id, r.type, r.from_entity_id, r.to_entity_id, r.attributes or {})
            for r in conn.execute(
                select(
                    Relation.id,
                    Relation.type,
                    Relation.from_entity_id,
                    Relation.to_entity_id,
                    Relation.attributes,
                )
                .where(Relation.document_id == document_id, Relation.annotator_id == aid)
                .order_by(Relation.type, Relation.id)
            )
        ]
        links = {
            r.id: (r.link_id, r.link_name)
            for r in conn.execute(
                select(Entity.id, Entity.link_id, Entity.link_name).where(
                    Entity.document_id == document_id, Entity.annotator_id == aid, Entity.link_id.is_not(None)
                )
            )
        }
    return Frames(document_id, events, relations, links)


def frame_problems(schema: Schema, frames: Frames, labels: dict[str, str]) -> dict[str, list[str]]:
    """Schema problems per event id: wrong filler types, missing required roles, wrong counts.
    ``labels`` maps entity ids to their labels."""
    types = {e.id: e.type for e in frames.events}
    out: dict[str, list[str]] = {}
    for event in frames.events:
        pairs = [
            (
                a.role,
                labels.get(a.filler_id, "?") if a.filler_kind == "entity" else types.get(a.filler_id, "?"),
            )
            for a in event.arguments
        ]
        problems = schema.check_arguments(event.type, pairs)
        if problems:
            out[event.id] = problems
    return out


def _new_id() -> str:
    return str(uuid.uuid4())


class AddEvent(Command):
    """A new event on a trigger span, with the schema's default attributes."""

    def __init__(self, document_id: int, event_type: str, start: int, end: int, attributes: dict[str, Any]):
        self.document_id, self.type, self.start, self.end = document_id, event_type, start, end
        self.attributes = dict(attributes)
        self.id = _new_id()
        self.text = f"event {event_type}"

    def apply(self, editor: Editor) -> Change:
        editor.check_span(self.document_id, self.start, self.end)
        schema = editor.project.schema
        self.attributes = with_defaults(schema, "event", self.type, self.attributes)  # as on import
        editor.refuse(event_problem(schema, self.type, self.attributes), f"event {self.type}")
        now = utcnow()
        row = {
            "id": self.id,
            "document_id": self.document_id,
            "annotator_id": editor.annotator_id,
            "type": self.type,
            "trigger_start": self.start,
            "trigger_end": self.end,
            "attributes": self.attributes,
            "created_at": now,
            "updated_at": now,
        }

        def work(conn) -> bool:
            insert_new(conn, Event.__table__, [row])
            return editor.mark_started(conn, self.document_id)

        return Change(self.document_id, frames=True, work=editor.transact(work))

    def revert(self, editor: Editor) -> Change:
        table = Event.__table__
        editor.transact(lambda conn: delete_rows(conn, table, self.document_id, table.c.id == self.id))
        return Change(self.document_id, frames=True)


class DeleteEvent(Command):
    """Removes an event with its arguments (not the entities that filled them)."""

    def __init__(self, document_id: int, event_id: str):
        self.document_id, self.event_id = document_id, event_id
        self.saved: list[tuple[Any, list[dict[str, Any]]]] = []
        self.text = "delete event"

    def apply(self, editor: Editor) -> Change:
        arg, sen = EventArgument.__table__, TargetedSentiment.__table__

        def work(conn) -> None:
            saved = [
                (Event.__table__, select_rows(conn, Event.__table__, Event.__table__.c.id == self.event_id)),
                (
                    arg,
                    select_rows(
                        conn, arg, arg.c.event_id == self.event_id, arg.c.filler_event_id == self.event_id
                    ),
                ),
                (sen, select_rows(conn, sen, sen.c.event_id == self.event_id)),
            ]
            now = utcnow()
            for table, rows in saved:
                bury(conn, table, rows, self.document_id, now)
            conn.execute(delete(Event).where(Event.id == self.event_id))
            if saved[0][1] or not self.saved:  # a retry after a landed commit finds nothing: keep the rows
                self.saved = saved

        editor.transact(work)
        return Change(self.document_id, frames=True, polarities=True)

    def revert(self, editor: Editor) -> Change:
        editor.transact(lambda conn: restore_rows(conn, self.saved))
        return Change(self.document_id, frames=True, polarities=True)


class Retype(Command):
    """Change an event's type; its arguments stay (roles the new type lacks show up as problems)."""

    def __init__(self, document_id: int, event_id: str, old: str, new: str):
        self.document_id, self.event_id, self.old, self.new = document_id, event_id, old, new
        self.text = f"retype {old} → {new}"

    def _write(self, editor: Editor, event_type: str) -> Change:
        editor.transact(lambda conn: change(conn, Event, {"type": event_type}, Event.id == self.event_id))
        return Change(self.document_id, frames=True)

    def apply(self, editor: Editor) -> Change:
        editor.refuse(event_problem(editor.project.schema, self.new), f"event {self.new}")
        return self._write(editor, self.new)

    def revert(self, editor: Editor) -> Change:
        return self._write(editor, self.old)


class AddArgument(Command):
    def __init__(self, document_id: int, event_id: str, role: str, filler_id: str, filler_kind: str):
        self.document_id, self.event_id, self.role = document_id, event_id, role
        self.filler_id, self.filler_kind = filler_id, filler_kind
        self.id = _new_id()
        self.text = f"fill {role}"

    def _check(self, editor: Editor) -> None:
        """The role must be the event type's, take the filler's type and have room (as on import)."""
        with editor.project.engine.connect() as conn:
            event_type = conn.scalar(select(Event.type).where(Event.id == self.event_id))
            if self.filler_kind == "entity":
                filler_type = conn.scalar(select(Entity.label).where(Entity.id == self.filler_id))
            else:
                filler_type = conn.scalar(select(Event.type).where(Event.id == self.filler_id))
            filled = conn.scalar(
                select(func.count())
                .select_from(EventArgument)
                .where(EventArgument.event_id == self.event_id, EventArgument.role == self.role)
            )
        if event_type is None or filler_type is None or self.filler_id == self.event_id:
            raise AnnotatorError(f"argument {self.role}: the event or its filler is not in this document")
        problem = argument_problem(editor.project.schema, event_type, self.role, filler_type, filled or 0)
        editor.refuse(problem, f"argument {self.role}")

    def apply(self, editor: Editor) -> Change:
        self._check(editor)
        now = utcnow()

        def work(conn) -> None:
            position = conn.scalar(
                select(func.coalesce(func.max(EventArgument.position), -1)).where(
                    EventArgument.event_id == self.event_id
                )
            )
            row = {
                "id": self.id,
                "event_id": self.event_id,
                "annotator_id": editor.annotator_id,
                "position": position + 1,
                "role": self.role,
                "entity_id": self.filler_id if self.filler_kind == "entity" else None,
                "filler_event_id": self.filler_id if self.filler_kind == "event" else None,
                "created_at": now,
                "updated_at": now,
            }
            insert_new(conn, EventArgument.__table__, [row])

        editor.transact(work)
        return Change(self.document_id, frames=True)

    def revert(self, editor: Editor) -> Change:
        table = EventArgument.__table__
        editor.transact(lambda conn: delete_rows(conn, table, self.document_id, table.c.id == self.id))
        return Change(self.document_id, frames=True)


class RemoveArgument(Command):
    def __init__(self, document_id: int, argument_id: str):
        self.document_id, self.argument_id = document_id, argument_id
        self.saved: list[tuple[Any, list[dict[str, Any]]]] = []
        self.text = "remove argument"

    def apply(self, editor: Editor) -> Change:
        table = EventArgument.__table__

        def work(conn) -> None:
            rows = delete_rows(conn, table, self.document_id, table.c.id == self.argument_id)
            if rows or not self.saved:  # a retry after a landed commit finds nothing: keep the rows
                self.saved = [(table, rows)]

        editor.transact(work)
        return Change(self.document_id, frames=True)

    def revert(self, editor: Editor) -> Change:
        editor.transact(lambda conn: restore_rows(conn, self.saved))
        return Change(self.document_id, frames=True)


class SetAttributes(Command):
    """Replace the attributes of an entity, event or relation."""

    MODELS: ClassVar[dict[str, Any]] = {"entity": Entity, "event": Event, "relation": Relation}

    def __init__(self, document_id: int, kind: str, row_id: str, old: dict[str, Any], new: dict[str, Any]):
        self.document_id, self.model, self.row_id = document_id, self.MODELS[kind], row_id
        self.kind = kind
        self.old, self.new = dict(old), dict(sorted(new.items()))
        changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
        self.text = f"set {', '.join(changed) or 'attributes'}"

    def _write(self, editor: Editor, values: dict[str, Any]) -> Change:
        model, row_id = self.model, self.row_id
        editor.transact(lambda conn: change(conn, model, {"attributes": values}, model.id == row_id))
        if self.kind == "entity":
            return Change(self.document_id, spans=True, span_ids=(self.row_id,))
        return Change(self.document_id, frames=True)

    def apply(self, editor: Editor) -> Change:
        column = self.model.label if self.kind == "entity" else self.model.type
        with editor.project.engine.connect() as conn:
            type_name = conn.scalar(select(column).where(self.model.id == self.row_id))
        if type_name is None:
            raise AnnotatorError(f"the {self.kind} is not in this document")
        problems = editor.project.schema.check_attributes(self.kind, type_name, self.new)
        editor.refuse("; ".join(problems), f"{self.kind} {type_name}")
        return self._write(editor, self.new)

    def revert(self, editor: Editor) -> Change:
        return self._write(editor, self.old)


class SetLink(Command):
    """Tie an entity to a canonical actor: an id (e.g. a Wikidata id) and a name; None clears it."""

    def __init__(
        self,
        document_id: int,
        entity_id: str,
        old: tuple[str | None, str | None],
        new: tuple[str | None, str | None],
    ):
        self.document_id, self.entity_id, self.old, self.new = document_id, entity_id, old, new
        self.text = "clear canonical link" if new[0] is None else f"link to {new[0]}"

    def _write(self, editor: Editor, value: tuple[str | None, str | None]) -> Change:
        values = {"link_id": value[0], "link_name": value[1]}
        editor.transact(lambda conn: change(conn, Entity, values, Entity.id == self.entity_id))
        return Change(self.document_id, frames=True)

    def apply(self, editor: Editor) -> Change:
        return self._write(editor, self.new)

    def revert(self, editor: Editor) -> Change:
        return self._write(editor, self.old)


class AddRelation(Command):
    def __init__(
        self, document_id: int, relation_type: str, from_id: str, to_id: str, attributes: dict[str, Any]
    ):
        self.document_id, self.type, self.from_id, self.to_id = document_id, relation_type, from_id, to_id
        self.attributes = dict(attributes)
        self.id = _new_id()
        self.text = f"relation {relation_type}"

    def apply(self, editor: Editor) -> Change:
        schema = editor.project.schema
        self.attributes = with_defaults(schema, "relation", self.type, self.attributes)  # as on import
        now = utcnow()
        row = {
            "id": self.id,
            "document_id": self.document_id,
            "annotator_id": editor.annotator_id,
            "type": self.type,
            "from_entity_id": self.from_id,
            "to_entity_id": self.to_id,
            "attributes": self.attributes,
            "created_at": now,
            "updated_at": now,
        }
        with editor.project.engine.connect() as conn:
            labels = dict(
                conn.execute(
                    select(Entity.id, Entity.label).where(Entity.id.in_([self.from_id, self.to_id]))
                ).all()
            )
        if self.from_id == self.to_id or len(labels) < 2:
            raise AnnotatorError(f"relation {self.type}: it needs two labels of this document")
        problem = relation_problem(
            editor.project.schema, self.type, labels[self.from_id], labels[self.to_id], self.attributes
        )
        editor.refuse(problem, f"relation {self.type}")
        editor.transact(lambda conn: insert_new(conn, Relation.__table__, [row]))
        return Change(self.document_id, frames=True)

    def revert(self, editor: Editor) -> Change:
        table = Relation.__table__
        editor.transact(lambda conn: delete_rows(conn, table, self.document_id, table.c.id == self.id))
        return Change(self.document_id, frames=True)


class DeleteRelation(Command):
    def __init__(self, document_id: int, relation_id: str):
        self.document_id, self.relation_id = document_id, relation_id
        self.saved: list[tuple[Any, list[dict[str, Any]]]] = []
        self.text = "delete relation"

    def apply(self, editor: Editor) -> Change:
        table = Relation.__table__

        def work(conn) -> None:
            rows = delete_rows(conn, table, self.document_id, table.c.id == self.relation_id)
            if rows or not self.saved:  # a retry after a landed commit finds nothing: keep the rows
                self.saved = [(table, rows)]

        editor.transact(work)
        return Change(self.document_id, frames=True)

    def revert(self, editor: Editor) -> Change:
        editor.transact(lambda conn: restore_rows(conn, self.saved))
        return Change(self.document_id, frames=True)
