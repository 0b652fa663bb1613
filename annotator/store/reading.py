"""Readers of the store: documents and their annotation sets as values of :mod:`annotator.annotations`.

A caller says what it needs and reads only that: some documents (by store id) or all of them in id order,
some annotators (by name) or everyone, some layers (tone only, say) and some work statuses. Each layer is
one query per table for a batch of documents; a batch is an id range when every document is read and an
``IN`` list when documents are named, so reading one document costs the same whether it is the first of a
project or the hundred-thousandth (the annotation tables are indexed by document and annotator).

Order is the export's: documents by id, sets by annotator name, entities by (start, end, label, id), events
by (trigger, type, id), arguments by position, relations by (type, source, target, id), document labels by
name, sentiment by target id.
"""

from __future__ import annotations

import functools
import json
import sys
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from operator import itemgetter
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from annotator.annotations import (
    ALL_LAYERS,
    DEFAULT_STATUS,
    EMPTY,
    AnnotationSet,
    Argument,
    Document,
    Entity,
    Event,
    Layer,
    Link,
    Relation,
    Sentiment,
)
from annotator.progress import CancelFlag

if TYPE_CHECKING:
    from sqlalchemy import Connection

# The queries are plain SQL that SQLite and PostgreSQL both run (the tables of annotator.store.models;
# the one reserved column name, "end", quoted), with positional parameters in the driver's own style:
# they run on a SQLAlchemy connection or on a plain DB-API connection (sqlite3), so that a reader such as
# ``annotator agreement`` on a project file need not import SQLAlchemy and the models.

BATCH_SIZE = 2000
#: Layers that hold labels (and the tables that tell whether a set has any, for :attr:`labelled`).
_LABEL_TABLES = {
    Layer.ENTITIES: "entities",
    Layer.EVENTS: "events",
    Layer.RELATIONS: "relations",
    Layer.TONE: "document_labels",
    Layer.SENTIMENT: "targeted_sentiments",
}

_Key = tuple[int, int]  # (document id, annotator id)
_new = tuple.__new__
#: (start, end, label, id): the order of a set's entities
_ENTITY_ORDER = itemgetter(1, 2, 3, 0)


def _attribute_decoder() -> Callable[[Any], Mapping[str, Any]]:
    """A decoder of attribute columns read as their stored JSON text, decoding each distinct text once: most
    rows hold ``{}`` or one of a few values, so a project of 100,000 spans decodes a handful of strings, not
    100,000. The values are read-only mappings, so sharing one between rows is safe."""
    seen: dict[str, Mapping[str, Any]] = {}

    def decode(value: Any) -> Mapping[str, Any]:
        try:
            return seen[value]
        except (KeyError, TypeError):  # not seen yet; or a dict: a driver that decodes JSON (psycopg)
            pass
        if not isinstance(value, str):
            return MappingProxyType(value) if value else EMPTY
        decoded = json.loads(value)
        found = MappingProxyType(decoded) if decoded else EMPTY
        if len(seen) < 10_000:
            seen[value] = found
        return found

    return decode


def _meta(value: Any) -> Mapping[str, Any]:
    if isinstance(value, str):
        value = json.loads(value)
    return MappingProxyType(value) if isinstance(value, dict) else EMPTY


def _marker(conn: Any) -> str:
    """The driver's positional parameter marker: ``?`` (sqlite3) or ``%s`` (psycopg)."""
    if hasattr(conn, "exec_driver_sql"):
        style = conn.dialect.paramstyle
    else:
        style = getattr(sys.modules.get(type(conn).__module__.split(".")[0]), "paramstyle", "qmark")
    return "?" if style == "qmark" else "%s"


def _is_sqlite(conn: Any) -> bool:
    if hasattr(conn, "exec_driver_sql"):
        return conn.dialect.name == "sqlite"
    return type(conn).__module__.split(".")[0] == "sqlite3"


def _in(column: str, values: Sequence[int], marker: str) -> tuple[str, list[int]]:
    """``column IN (...)`` with one parameter per value (never empty: ``IN ()`` is not SQL everywhere)."""
    if not values:
        return f"{column} IN (NULL)", []
    return f"{column} IN ({', '.join([marker] * len(values))})", list(values)


def _between(column: str, lo: int, hi: int, marker: str) -> tuple[str, list[int]]:
    return f"{column} BETWEEN {marker} AND {marker}", [lo, hi]


def _plain_rows(conn: Any, sql: str, params: Sequence[Any] = ()) -> Sequence[Any]:
    """The rows of a query as the driver gives them: plain tuples, without SQLAlchemy's row objects and
    result processing (the columns read here are integers, strings and JSON read as text, which need
    none), a third of the time of reading a large project's labels. ``conn`` is a SQLAlchemy connection or
    a DB-API one (:mod:`sqlite3`). On a SQLAlchemy connection, a driver error while fetching (a page
    damaged beyond what the look before opening read) is met again through SQLAlchemy's own fetch, so that
    it is reported as every driver error is (one line naming the damaged file), not as a bare error; on a
    DB-API connection the driver's error is the caller's to report."""
    params = tuple(params)
    if not hasattr(conn, "exec_driver_sql"):
        cursor = conn.cursor()
        try:
            cursor.execute(sql, params)
            return cursor.fetchall()
        finally:
            cursor.close()
    result = conn.exec_driver_sql(sql, params)
    try:
        cursor = result.cursor
        if cursor is None:
            return []
        try:
            return cursor.fetchall()
        except conn.dialect.loaded_dbapi.Error:
            pass
    finally:
        result.close()
    return conn.exec_driver_sql(sql, params).all()


#: the same, for callers outside the store (a query of their own on either kind of connection)
plain_rows = _plain_rows


def annotator_names(conn: Connection | Any) -> dict[int, str]:
    return {aid: name for aid, name in _plain_rows(conn, "SELECT id, name FROM annotators")}


class _Sets:
    """The annotation sets of a batch of documents, one query per table read."""

    def __init__(
        self,
        conn: Connection | Any,
        where: Callable[[str], tuple[str, list[int]]],  # document id column -> condition, parameters
        annotator_ids: Collection[int] | None,
        layers: frozenset[Layer],
        presence: bool,
    ):
        marker = _marker(conn)

        def condition(table: str) -> tuple[str, list[int]]:
            out, params = where(f"{table}.document_id")
            if annotator_ids is not None:
                also, more = _in(f"{table}.annotator_id", list(annotator_ids), marker)
                out, params = f"{out} AND {also}", params + more
            return out, params

        def rows(
            *columns: str, table: str, order: Sequence[str] = (), distinct: bool = False
        ) -> Iterable[Any]:
            names = ", ".join(f"{table}.{c}" for c in ("document_id", "annotator_id", *columns))
            where_sql, params = condition(table)
            sql = f"SELECT {'DISTINCT ' if distinct else ''}{names} FROM {table} WHERE {where_sql}"
            if order:  # by set first (the same order within a set), so that a set's rows come together
                sql += f" ORDER BY {table}.document_id, {table}.annotator_id, " + ", ".join(order)
            return _plain_rows(conn, sql, params)

        attributes = _attribute_decoder()
        self.keys: set[_Key] = set()
        self.status: dict[_Key, str] = {}
        self.labelled: set[_Key] = set()
        self.entities: dict[_Key, list[Entity]] = defaultdict(list)
        self.events: dict[_Key, list[Event]] = defaultdict(list)
        self.relations: dict[_Key, list[Relation]] = defaultdict(list)
        self.tone: dict[_Key, dict[str, int]] = defaultdict(dict)
        self.sentiment: dict[_Key, list[Sentiment]] = defaultdict(list)

        if Layer.STATUS in layers:
            for d, a, status in rows("status", table="work_items"):
                self.status[(d, a)] = status
            self.keys.update(self.status)
        if Layer.ENTITIES in layers:
            # The most numerous rows. A set's list is looked up once per set, and the named tuples are made
            # by tuple.__new__, as their own constructor does, without its Python call. On SQLite each
            # set's list is sorted here (an ORDER BY over the batch took twice the time of the read; the
            # order is the same: BINARY collation is UTF-8 byte order, which is code point order); a
            # server sorts in SQL, by its own collation.
            here = _is_sqlite(conn)
            last: _Key = (-1, -1)  # no set yet
            found: list[Entity] = []
            for d, a, eid, s, e, label, attrs, link_id, link_name in rows(
                "id", "start", '"end"', "label", "attributes", "link_id", "link_name",
                table="entities",
                order=() if here else ("entities.start", 'entities."end"', "entities.label", "entities.id"),
            ):  # fmt: skip
                if d != last[0] or a != last[1]:
                    last = (d, a)
                    found = self.entities[last]
                link = None if link_id is None else _new(Link, (link_id, link_name))
                found.append(_new(Entity, (eid, s, e, label, attributes(attrs), link)))
            if here:
                for found in self.entities.values():
                    found.sort(key=_ENTITY_ORDER)
            self.keys.update(self.entities)
        if Layer.EVENTS in layers:
            arguments: dict[str, list[Argument]] = defaultdict(list)
            where_sql, params = condition("events")
            for event_id, role, entity_id, filler_event_id in _plain_rows(
                conn,
                "SELECT event_arguments.event_id, event_arguments.role, event_arguments.entity_id, "
                "event_arguments.filler_event_id FROM event_arguments "
                "JOIN events ON events.id = event_arguments.event_id "
                f"WHERE {where_sql} "
                "ORDER BY event_arguments.event_id, event_arguments.position, event_arguments.id",
                params,
            ):
                arguments[event_id].append(_new(Argument, (role, entity_id or filler_event_id or "")))
            for d, a, vid, vtype, s, e, attrs in rows(
                "id", "type", "trigger_start", "trigger_end", "attributes",
                table="events",
                order=("events.trigger_start", "events.trigger_end", "events.type", "events.id"),
            ):  # fmt: skip
                self.events[(d, a)].append(
                    _new(Event, (vid, vtype, s, e, tuple(arguments.get(vid, ())), attributes(attrs)))
                )
            self.keys.update(self.events)
        if Layer.RELATIONS in layers:
            for d, a, rid, rtype, source, target, attrs in rows(
                "id", "type", "from_entity_id", "to_entity_id", "attributes",
                table="relations",
                order=(
                    "relations.type", "relations.from_entity_id", "relations.to_entity_id", "relations.id"
                ),
            ):  # fmt: skip
                self.relations[(d, a)].append(Relation(rid, rtype, source, target, attributes(attrs)))
            self.keys.update(self.relations)
        if Layer.TONE in layers:
            for d, a, name, value in rows(
                "name", "value", table="document_labels", order=("document_labels.name",)
            ):
                self.tone[(d, a)][name] = value
            self.keys.update(self.tone)
        if Layer.SENTIMENT in layers:
            for d, a, entity_id, event_id, polarity in rows(
                "entity_id", "event_id", "polarity", table="targeted_sentiments",
                order=("coalesce(targeted_sentiments.entity_id, targeted_sentiments.event_id)",),
            ):  # fmt: skip
                self.sentiment[(d, a)].append(Sentiment(entity_id or event_id or "", polarity))
            self.keys.update(self.sentiment)
        # sets with labels in layers not read, so that has_labels (and so "counted") does not depend on
        # which layers a caller asked for
        unread = [table for layer, table in _LABEL_TABLES.items() if layer not in layers]
        if presence and unread:
            self.labelled = {(d, a) for table in unread for d, a in rows(table=table, distinct=True)}
            self.keys.update(self.labelled)

    def sets(
        self, document_id: int, annotator_ids: Iterable[int], names: dict[int, str]
    ) -> list[AnnotationSet]:
        out = []
        for aid in annotator_ids:
            key = (document_id, aid)
            out.append(
                AnnotationSet(
                    names[aid],
                    self.status.get(key, DEFAULT_STATUS),
                    tuple(self.entities.get(key, ())),
                    tuple(self.events.get(key, ())),
                    tuple(self.relations.get(key, ())),
                    self.tone.get(key) or {},
                    tuple(self.sentiment.get(key, ())),
                    labelled=key in self.labelled or None,
                )
            )
        return out


def read_batches(
    conn: Connection | Any,
    *,
    documents: Iterable[int] | None = None,
    annotators: Collection[str] | None = None,
    layers: Collection[Layer] = ALL_LAYERS,
    statuses: Collection[str] | None = None,
    with_text: bool = True,
    with_meta: bool = False,
    presence: bool = False,
    batch_size: int = BATCH_SIZE,
    cancel: CancelFlag | None = None,
) -> Iterator[list[Document]]:
    """Documents with their annotation sets, a batch (a list) at a time, in document id order.

    ``documents``: store ids to read (all documents when None); ``annotators``: names whose sets are read
    (everyone's when None; a name the project does not know reads nothing for it); ``layers``: the layers
    read (others are empty in the sets); ``statuses``: only sets with one of these work statuses (a set
    without a work item has status ``in_progress``; filtering reads the status layer); ``with_text``: read
    the texts (``""`` when False); ``with_meta``: read the documents' meta (empty when False);
    ``presence``: note, for the label layers not read, whether a set has labels there
    (:attr:`AnnotationSet.has_labels` then answers for every layer, as :func:`counted` needs when
    unfinished work is included). A document with no set is yielded too (with no sets). ``conn``: a
    SQLAlchemy connection, or a DB-API connection to a project file (:mod:`sqlite3`)."""
    names = annotator_names(conn)
    annotator_ids = None
    if annotators is not None:
        wanted = set(annotators)
        annotator_ids = [aid for aid, name in names.items() if name in wanted]
    wanted_layers = frozenset(layers) | ({Layer.STATUS} if statuses is not None else frozenset())
    status_filter = set(statuses) if statuses is not None else None
    marker = _marker(conn)
    text_column = "documents.text" if with_text else "''"
    meta_column = "documents.meta" if with_meta else "NULL"
    base = (
        f"SELECT documents.id, documents.external_id, documents.title, {text_column}, {meta_column} "
        "FROM documents"
    )

    def batch(rows: Sequence[Any], where: Callable[[str], tuple[str, list[int]]]) -> list[Document]:
        found = _Sets(conn, where, annotator_ids, wanted_layers, presence)
        by_document: dict[int, list[int]] = defaultdict(list)
        for d, a in sorted(found.keys, key=lambda k: (k[0], names[k[1]])):
            by_document[d].append(a)
        out = []
        for doc_id, ext_id, title, text, meta in rows:
            sets = found.sets(doc_id, by_document.get(doc_id, ()), names)
            if status_filter is not None:
                sets = [s for s in sets if s.status in status_filter]
            out.append(
                Document(
                    doc_id,
                    ext_id,
                    title,
                    text,
                    {s.annotator: s for s in sets},
                    _meta(meta) if with_meta else EMPTY,
                )
            )
        return out

    if documents is not None:
        ids = sorted(set(documents))
        for i in range(0, len(ids), batch_size):
            if cancel is not None:
                cancel.check()
            chunk = ids[i : i + batch_size]
            where_sql, params = _in("documents.id", chunk, marker)
            rows = _plain_rows(conn, f"{base} WHERE {where_sql} ORDER BY documents.id", params)
            if rows:
                yield batch(rows, functools.partial(_in, values=chunk, marker=marker))
        return
    last_id = 0
    while True:
        if cancel is not None:
            cancel.check()
        rows = _plain_rows(
            conn,
            f"{base} WHERE documents.id > {marker} ORDER BY documents.id LIMIT {marker}",
            (last_id, batch_size),
        )
        if not rows:
            return
        lo, hi = rows[0][0], rows[-1][0]
        yield batch(rows, functools.partial(_between, lo=lo, hi=hi, marker=marker))
        last_id = hi


def read_documents(conn: Connection | Any, **filters: Any) -> Iterator[Document]:
    """:func:`read_batches`, one document at a time."""
    for documents in read_batches(conn, **filters):
        yield from documents


def read_document(conn: Connection | Any, document_id: int, **filters: Any) -> Document | None:
    """One document (by store id) with its sets, or None when there is no such document."""
    return next(read_documents(conn, documents=[document_id], **filters), None)


def count_documents(conn: Connection | Any) -> int:
    return _plain_rows(conn, "SELECT count(*) FROM documents")[0][0] or 0


__all__ = ["BATCH_SIZE", "count_documents", "read_batches", "read_document", "read_documents"]
