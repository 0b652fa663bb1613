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

import json
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any

from sqlalchemy import ColumnElement, Connection, Text, func, literal, select, type_coerce

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
from annotator.store import models as m

BATCH_SIZE = 2000
#: Layers that hold labels (and the tables that tell whether a set has any, for :attr:`labelled`).
_LABEL_TABLES = {
    Layer.ENTITIES: m.Entity,
    Layer.EVENTS: m.Event,
    Layer.RELATIONS: m.Relation,
    Layer.TONE: m.DocumentLabel,
    Layer.SENTIMENT: m.TargetedSentiment,
}

_Key = tuple[int, int]  # (document id, annotator id)


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


def _text(column: Any) -> Any:
    return type_coerce(column, Text)


def _plain_rows(conn: Connection, query: Any) -> Sequence[Any]:
    """The rows of a query as the driver gives them: plain tuples, without SQLAlchemy's row objects and
    result processing (the columns read here are integers, strings and JSON read as text, which need
    none), a third of the time of reading a large project's labels. A driver error while fetching (a page
    damaged beyond what the look before opening read) is met again through SQLAlchemy's own fetch, so that
    it is reported as every driver error is (one line naming the damaged file), not as a bare error."""
    result = conn.execute(query)
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
    return conn.execute(query).all()


def annotator_names(conn: Connection) -> dict[int, str]:
    return {aid: name for aid, name in conn.execute(select(m.Annotator.id, m.Annotator.name))}


class _Sets:
    """The annotation sets of a batch of documents, one query per table read."""

    def __init__(
        self,
        conn: Connection,
        where: Any,  # document id column -> condition
        annotator_ids: Collection[int] | None,
        layers: frozenset[Layer],
        presence: bool,
    ):
        def rows(
            *columns: Any, table: Any, order: Sequence[Any] = (), distinct: bool = False
        ) -> Iterable[Any]:
            condition: ColumnElement[bool] = where(table.document_id)
            if annotator_ids is not None:
                condition = condition & table.annotator_id.in_(annotator_ids)
            query = select(table.document_id, table.annotator_id, *columns).where(condition).order_by(*order)
            return _plain_rows(conn, query.distinct() if distinct else query)

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
            for d, a, status in rows(m.WorkItem.status, table=m.WorkItem):
                self.status[(d, a)] = status
            self.keys.update(self.status)
        if Layer.ENTITIES in layers:
            E = m.Entity
            for d, a, eid, s, e, label, attrs, link_id, link_name in rows(
                E.id, E.start, E.end, E.label, _text(E.attributes), E.link_id, E.link_name,
                table=E, order=(E.start, E.end, E.label, E.id),
            ):  # fmt: skip
                link = Link(link_id, link_name) if link_id is not None else None
                self.entities[(d, a)].append(Entity(eid, s, e, label, attributes(attrs), link))
            self.keys.update(self.entities)
        if Layer.EVENTS in layers:
            V, A = m.Event, m.EventArgument
            arguments: dict[str, list[Argument]] = defaultdict(list)
            condition: ColumnElement[bool] = where(V.document_id)
            if annotator_ids is not None:
                condition = condition & V.annotator_id.in_(annotator_ids)
            for event_id, role, entity_id, filler_event_id in _plain_rows(
                conn,
                select(A.event_id, A.role, A.entity_id, A.filler_event_id)
                .join(V, V.id == A.event_id)
                .where(condition)
                .order_by(A.event_id, A.position, A.id),
            ):
                arguments[event_id].append(Argument(role, entity_id or filler_event_id or ""))
            for d, a, vid, vtype, s, e, attrs in rows(
                V.id, V.type, V.trigger_start, V.trigger_end, _text(V.attributes),
                table=V, order=(V.trigger_start, V.trigger_end, V.type, V.id),
            ):  # fmt: skip
                self.events[(d, a)].append(
                    Event(vid, vtype, s, e, tuple(arguments.get(vid, ())), attributes(attrs))
                )
            self.keys.update(self.events)
        if Layer.RELATIONS in layers:
            R = m.Relation
            for d, a, rid, rtype, source, target, attrs in rows(
                R.id, R.type, R.from_entity_id, R.to_entity_id, _text(R.attributes),
                table=R, order=(R.type, R.from_entity_id, R.to_entity_id, R.id),
            ):  # fmt: skip
                self.relations[(d, a)].append(Relation(rid, rtype, source, target, attributes(attrs)))
            self.keys.update(self.relations)
        if Layer.TONE in layers:
            L = m.DocumentLabel
            for d, a, name, value in rows(L.name, L.value, table=L, order=(L.name,)):
                self.tone[(d, a)][name] = value
            self.keys.update(self.tone)
        if Layer.SENTIMENT in layers:
            T = m.TargetedSentiment
            for d, a, entity_id, event_id, polarity in rows(
                T.entity_id, T.event_id, T.polarity, table=T,
                order=(func.coalesce(T.entity_id, T.event_id),),
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
    conn: Connection,
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
    unfinished work is included). A document with no set is yielded too (with no sets)."""
    names = annotator_names(conn)
    annotator_ids = None
    if annotators is not None:
        wanted = set(annotators)
        annotator_ids = [aid for aid, name in names.items() if name in wanted]
    wanted_layers = frozenset(layers) | ({Layer.STATUS} if statuses is not None else frozenset())
    status_filter = set(statuses) if statuses is not None else None
    text_column: Any = m.Document.text if with_text else literal("")
    meta_column: Any = m.Document.meta if with_meta else literal(None)
    base = select(m.Document.id, m.Document.external_id, m.Document.title, text_column, meta_column)

    def batch(rows: Sequence[Any], where: Any) -> list[Document]:
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
            rows = _plain_rows(conn, base.where(m.Document.id.in_(chunk)).order_by(m.Document.id))
            if rows:
                yield batch(rows, lambda column, chunk=chunk: column.in_(chunk))
        return
    last_id = 0
    while True:
        if cancel is not None:
            cancel.check()
        rows = _plain_rows(
            conn, base.where(m.Document.id > last_id).order_by(m.Document.id).limit(batch_size)
        )
        if not rows:
            return
        lo, hi = rows[0][0], rows[-1][0]
        yield batch(rows, lambda column, lo=lo, hi=hi: column.between(lo, hi))
        last_id = hi


def read_documents(conn: Connection, **filters: Any) -> Iterator[Document]:
    """:func:`read_batches`, one document at a time."""
    for documents in read_batches(conn, **filters):
        yield from documents


def read_document(conn: Connection, document_id: int, **filters: Any) -> Document | None:
    """One document (by store id) with its sets, or None when there is no such document."""
    return next(read_documents(conn, documents=[document_id], **filters), None)


def count_documents(conn: Connection) -> int:
    return conn.scalar(select(func.count()).select_from(m.Document)) or 0


__all__ = ["BATCH_SIZE", "count_documents", "read_batches", "read_document", "read_documents"]
