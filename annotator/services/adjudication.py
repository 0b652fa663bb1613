"""Adjudication: a gold annotation set decided from several annotators' work, by rule or by a person.

Gold is the annotation set of the reserved annotator ``gold`` (role ``adjudicator``), so every export and
statistics path carries it. Each gold row has a :class:`~annotator.store.models.GoldProvenance` row (same
id) saying who proposed it, from which rows, and who or which rule decided it.

Items are compared across the annotators whose work counts on a document (status done, or any label with
``include_unfinished``; never ``gold``), by an *item key*
(:class:`~annotator.agreement.adjudication.ItemKey`, stored and passed as its text; the pure parts —
policies, items, pooling, majority, disputes, scores — live in :mod:`annotator.agreement.adjudication`):

* ``entity S-E LABEL`` (exact offsets and label);
* ``event S-E TYPE`` followed by `` ROLE=S-E`` per argument, sorted (the frame: trigger, type, fillers);
* ``tone NAME=VALUE`` (one value per document: its *slot* is ``tone NAME``);
* ``sentiment entity S-E LABEL=POLARITY`` or ``sentiment event S-E TYPE=POLARITY`` (one per target).

Policies: ``unanimous`` (every counted annotator), ``majority`` (more than half; ties stay open),
``min:N`` (at least N). Only documents with two or more counted annotators are considered. When a policy
accepts two values of one slot (possible with ``min:N``), neither is accepted. Events are written after
entities, their arguments pointing at the gold entities (or gold events) with the filler's span; an event
or sentiment whose fillers or target are not in gold stays open. Relations are not adjudicated.

Decisions by a person (``decided_by`` set: :func:`decide`, rule ``manual``; :func:`edit_gold_entity` and
:func:`edit_gold_event`, rule ``edited``; and :func:`reject`, rule ``rejected`` with a provenance row whose
id names no gold row) are never changed by :func:`auto_adjudicate`. An accepted item also settles its slot
and its *position* (:func:`position_of`: the span of an entity, the trigger of an event): the other
proposals there are closed, and a gold item there is replaced (what pointed at it now points at the new
one). Rule-made items are replaced by the rule's new result on a re-run,
which changes nothing when nothing changed.

*Boundary variants* of one mention (entity items of one label whose spans overlap: ``Pakistan`` and
``Pakistan's army``, or spans one character apart) are one dispute (:func:`disputes`), as are the values
proposed at one position: a person's acceptance of one variant closes the others, and neither a policy nor
accept-all takes two of them. Gold never gets a second span of one label overlapping a span a person
decided unless asked (``allow_overlap``; else :class:`OverlapError`, one line); a rule-made one there is
replaced. A person's decisions are listed by :func:`decisions` and taken back by :func:`reopen`, which
opens their dispute again.

Any decision, or several, runs as one reversible step through :class:`GoldCommand` (the adjudication
window's undo stack): it records every gold, provenance and tombstone row the decision changed and puts
them back exactly on undo, and again on redo. Gold rows are written through :mod:`annotator.store.writes`.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from types import SimpleNamespace
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, and_, func, insert, select

from annotator.agreement.adjudication import (
    LAYERS,
    TABLES,
    EventVersion,
    Item,
    ItemKey,
    ScoreCounts,
    SentimentVersion,
    ToneVersion,
    check_policy,
    closer,
    disputes,
    format_scores,
    items_of,
    key_order,
    majority_labels,
    order,
    policy_accepted,
    pool,
    position_of,
    variants,
)
from annotator.annotations import GOLD, AnnotationSet
from annotator.annotations import Entity as EntityValue
from annotator.errors import AnnotatorError
from annotator.progress import CancelFlag, ProgressCallback, no_progress
from annotator.services.project import Project
from annotator.store.models import (
    LABEL_TABLES,
    Annotator,
    Document,
    DocumentLabel,
    Entity,
    Event,
    EventArgument,
    GoldProvenance,
    TargetedSentiment,
    Tombstone,
    WorkItem,
    new_uuid,
    utcnow,
)
from annotator.store.reading import read_batches
from annotator.store.writes import (
    bury,
    delete_where,
    insert_rows,
    put_versions,
    select_rows,
    transact,
    update_where,
)

P = ParamSpec("P")
T = TypeVar("T")

MODELS: dict[str, Any] = {
    "entities": Entity,
    "events": Event,
    "document_labels": DocumentLabel,
    "targeted_sentiments": TargetedSentiment,
}


class OverlapError(AnnotatorError):
    """Gold already holds a span of the same label, decided by a person, that overlaps the one asked for."""


@dataclass
class _Doc:
    id: int
    external_id: str
    title: str
    text: str
    counted: dict[str, AnnotationSet]
    gold: AnnotationSet | None


def _documents(
    project: Project,
    conn: Connection,
    annotators: list[str] | None,
    include_unfinished: bool,
    cancel: CancelFlag | None,
    document_id: int | None = None,
):
    """The documents (one when ``document_id`` is given: read by its id, whatever the project's size) with
    the sets that count (:func:`annotator.annotations.counted`) and gold."""
    documents = [document_id] if document_id is not None else None
    for batch in read_batches(
        conn, documents=documents, presence=include_unfinished, batch_size=500, cancel=cancel
    ):
        for doc in batch:
            counted = doc.counted(annotators, include_unfinished=include_unfinished)
            yield _Doc(doc.id, doc.external_id, doc.title, doc.text, counted, doc.gold)


# ---------------------------------------------------------------------------------------------- gold state


@dataclass
class _Gold:
    """The gold items of one document, their rows and provenance."""

    items: dict[str, Item]
    rows: dict[str, tuple[str, str]]  # key -> (table, gold row id)
    provenance: dict[str, Any]  # GoldProvenance rows by id (gold row id, or a rejection's own id)
    tone_ids: dict[str, str]  # tone name -> gold row id
    text: str  # the document's

    def decided_by_person(self) -> tuple[set[str], set[str], set[str]]:
        """(keys decided by a person, slots settled by a person's acceptance, keys rejected)."""
        keys, slots, rejected = set(), set(), set()
        row_slots = {self.rows[k][1]: self.items[k].slot for k in self.rows}
        for prov in self.provenance.values():
            if prov.decided_by is None:
                continue
            keys.add(prov.item_key)
            if prov.rule == "rejected":
                rejected.add(prov.item_key)
            elif prov.id in row_slots:
                slots.add(row_slots[prov.id])
        return keys, slots, rejected

    def mentions_settled(self) -> list[tuple[int, int, str]]:
        """(start, end, label) of the entities a person accepted, as accepted and as they are now; their
        boundary variants are closed with them."""
        current = {i: self.items[k].key for k, (_t, i) in self.rows.items()}
        out = []
        for prov in self.provenance.values():
            if prov.decided_by is not None and prov.rule != "rejected":
                keys = [ItemKey.parse(prov.item_key)]
                if prov.id in current:
                    keys.append(ItemKey.parse(current[prov.id]))
                out += [key.mention for key in keys if key.mention is not None]
        return out

    def positions_settled(self) -> set[str]:
        """Positions (:func:`position_of`) where a person accepted an item, as accepted and as it is now
        (after an edit in place)."""
        current = {i: self.items[k].key for k, (_t, i) in self.rows.items()}
        out = set()
        for prov in self.provenance.values():
            if prov.decided_by is not None and prov.rule != "rejected":
                out.add(position_of(prov.item_key))
                if prov.id in current:
                    out.add(position_of(current[prov.id]))
        return out


def _gold_state(conn: Connection, document_id: int, gold_ann: AnnotationSet | None, text: str) -> _Gold:
    items = items_of(gold_ann or AnnotationSet.empty(GOLD))
    rows: dict[str, tuple[str, str]] = {}
    tone_ids = dict(
        conn.execute(
            select(DocumentLabel.name, DocumentLabel.id)
            .join(Annotator, Annotator.id == DocumentLabel.annotator_id)
            .where(DocumentLabel.document_id == document_id, Annotator.name == GOLD)
        ).all()
    )
    sentiment_ids = {}
    for sid, eid, evid in conn.execute(
        select(TargetedSentiment.id, TargetedSentiment.entity_id, TargetedSentiment.event_id)
        .join(Annotator, Annotator.id == TargetedSentiment.annotator_id)
        .where(TargetedSentiment.document_id == document_id, Annotator.name == GOLD)
    ):
        sentiment_ids[eid or evid] = sid
    for key, item in items.items():
        version = item.versions[GOLD]
        if isinstance(version, ToneVersion):
            rows[key] = (item.table, tone_ids[version.name])
        elif isinstance(version, SentimentVersion):
            rows[key] = (item.table, sentiment_ids[version.target])
        else:
            rows[key] = (item.table, version.id)
    provenance = {
        p.id: p
        for p in conn.execute(
            select(*GoldProvenance.__table__.columns).where(GoldProvenance.document_id == document_id)
        )
    }
    return _Gold(items, rows, provenance, tone_ids, text)


def _gold_id(conn: Connection) -> int:
    found = conn.scalar(select(Annotator.id).where(Annotator.name == GOLD))
    if found is None:
        found = conn.execute(
            insert(Annotator)
            .values(name=GOLD, role="adjudicator", created_at=utcnow())
            .returning(Annotator.id)
        ).scalar_one()
    return found


# ---------------------------------------------------------------------------------------------- writing


class _Writer:
    """Writes gold rows of one document with their provenance, in one transaction. Added rows wait in
    :attr:`pending` and go in with one executemany per table at :meth:`flush` (in the order rows refer to
    each other); deletions run at once."""

    ORDER = (
        "entities",
        "events",
        "event_arguments",
        "document_labels",
        "targeted_sentiments",
        "gold_provenance",
    )

    def __init__(self, conn: Connection, gold_id: int, document_id: int, gold: _Gold):
        self.conn, self.gold_id, self.document_id, self.gold = conn, gold_id, document_id, gold
        self.now = utcnow()
        self.pending: dict[str, list[dict[str, Any]]] = {name: [] for name in self.ORDER}

    def flush(self) -> None:
        tables: dict[str, Any] = {
            t.__tablename__: t for t in (Entity, Event, EventArgument, DocumentLabel, TargetedSentiment)
        }
        tables["gold_provenance"] = GoldProvenance
        for name in self.ORDER:
            if self.pending[name]:
                insert_rows(self.conn, tables[name], self.pending[name])
                self.pending[name] = []

    def _entity_id(self, span: tuple[int, int], kind: str, label: str | None = None) -> str | None:
        found = sorted(
            (self.gold.items[k].label != label, k)
            for k in self.gold.rows
            if self.gold.items[k].ident.kind == kind and self.gold.items[k].ident.bounds == span
        )
        return self.gold.rows[found[0][1]][1] if found else None

    def add(
        self, item: Item, source: str, *, rule: str, decided_by: str | None, proposers: list[str]
    ) -> bool:
        """Copy ``source``'s version of ``item`` into gold; False when its fillers or target are not gold."""
        v = item.versions[source]
        row_id = new_uuid()
        base = {"id": row_id, "document_id": self.document_id, "annotator_id": self.gold_id}
        stamps = {"created_at": self.now, "updated_at": self.now}
        if isinstance(v, EntityValue):
            self.pending["entities"].append(
                dict(
                    **base,
                    **stamps,
                    start=v.start,
                    end=v.end,
                    label=v.label,
                    attributes=dict(v.attributes),
                    link_id=v.link.id if v.link else None,
                    link_name=v.link.name if v.link else None,
                ),
            )
        elif isinstance(v, EventVersion):
            fillers = []
            for role, span, kind in v.frame:
                filler = self._entity_id(span, kind)
                if filler is None:
                    return False
                fillers.append((role, kind, filler))
            self.pending["events"].append(
                dict(
                    **base,
                    **stamps,
                    type=v.event.type,
                    trigger_start=v.event.start,
                    trigger_end=v.event.end,
                    attributes=dict(v.event.attributes),
                ),
            )
            for position, (role, kind, filler) in enumerate(fillers):
                self.pending["event_arguments"].append(
                    dict(
                        id=new_uuid(),
                        event_id=row_id,
                        annotator_id=self.gold_id,
                        position=position,
                        role=role,
                        entity_id=filler if kind == "entity" else None,
                        filler_event_id=filler if kind == "event" else None,
                        **stamps,
                    ),
                )
        elif isinstance(v, ToneVersion):
            if v.name in self.gold.tone_ids:
                return False
            self.pending["document_labels"].append(dict(**base, **stamps, name=v.name, value=v.value))
            self.gold.tone_ids[v.name] = row_id
        else:
            target_key = ItemKey.parse(v.target_key)
            kind, label = target_key.kind, target_key.label
            target = self._entity_id(target_key.bounds, kind, label)
            target_item = next((k for k, (_t, i) in self.gold.rows.items() if i == target), None)
            if target is None or target_item is None or self.gold.items[target_item].label != label:
                return False
            if any(self.gold.items[k].slot == item.slot for k in self.gold.rows):
                return False
            self.pending["targeted_sentiments"].append(
                dict(
                    **base,
                    **stamps,
                    entity_id=target if kind == "entity" else None,
                    event_id=target if kind == "event" else None,
                    polarity=v.polarity,
                ),
            )
        prov = SimpleNamespace(
            id=row_id,
            table_name=item.table,
            document_id=self.document_id,
            item_key=item.key,
            proposed_by=proposers,
            decided_by=decided_by,
            rule=rule,
            decided_at=self.now,
            source_ids=[i for i in (item.versions[p].id for p in proposers) if i],
        )
        self.pending["gold_provenance"].append(dict(vars(prov)))
        self.gold.items[item.key] = item.with_versions({GOLD: v})
        self.gold.rows[item.key] = (item.table, row_id)
        self.gold.provenance[row_id] = prov
        return True

    def replace(self, key: str, new_id: str) -> None:
        """Remove gold item ``key`` after pointing what refers to it (event arguments, sentiment) at the
        gold row ``new_id`` of the same layer."""
        old_id = self.gold.rows[key][1]
        if self.gold.items[key].layer == "entities":
            column, sentiment_column = "entity_id", "entity_id"
        else:
            column, sentiment_column = "filler_event_id", "event_id"
        update_where(
            self.conn,
            EventArgument,
            {column: new_id, "updated_at": self.now},
            getattr(EventArgument, column) == old_id,
        )
        update_where(
            self.conn,
            TargetedSentiment,
            {sentiment_column: new_id, "updated_at": self.now},
            getattr(TargetedSentiment, sentiment_column) == old_id,
        )
        self.remove(key)

    def remove(self, key: str) -> None:
        table, row_id = self.gold.rows.pop(key)
        item = self.gold.items.pop(key)
        model = MODELS[table]
        delete_where(self.conn, model, model.id == row_id)
        delete_where(self.conn, GoldProvenance, GoldProvenance.id == row_id)
        self.gold.provenance.pop(row_id, None)
        if item.layer == "tone":
            version = item.versions[GOLD]
            assert isinstance(version, ToneVersion)  # a tone item's versions are tone values
            self.gold.tone_ids.pop(version.name, None)
        buried = [{"id": row_id, "annotator_id": self.gold_id}]
        bury(self.conn, model.__table__, buried, self.document_id, self.now)


# ---------------------------------------------------------------------------------------------- auto


@dataclass
class DocumentOutcome:
    document_id: int
    external_id: str
    annotators: list[str]
    accepted: list[str] = field(default_factory=list)  # keys the rule put (or kept) in gold
    open: list[str] = field(default_factory=list)  # keys proposed, neither accepted nor decided
    added: int = 0
    removed: int = 0


@dataclass
class AdjudicationReport:
    policy: str
    documents: int = 0
    accepted: int = 0
    open: int = 0
    added: int = 0
    removed: int = 0
    per_document: list[DocumentOutcome] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.documents} document(s) adjudicated by {self.policy}: {self.accepted} item(s) accepted "
            f"({self.added} added, {self.removed} removed), {self.open} left open"
        )


def _closer(gold: _Gold):
    """A test of whether a person's decision closed an item: its position settled, or a boundary variant
    of it accepted."""
    return closer(gold.positions_settled(), gold.mentions_settled())


def _settle(policy: str, doc: _Doc, gold: _Gold) -> tuple[dict[str, Item], set[str]]:
    """(pooled items, keys the policy accepts) for one document, leaving out what a person decided. Two
    accepted boundary variants of one mention (possible with ``min:N``) are both left open."""
    pooled = pool(doc.counted)
    person_keys, person_slots, _rejected = gold.decided_by_person()
    accepted = policy_accepted(
        policy,
        pooled,
        len(doc.counted),
        person_keys=person_keys,
        person_slots=person_slots,
        closed=_closer(gold),
    )
    return pooled, accepted


def _open(pooled: dict[str, Item], gold: _Gold) -> list[str]:
    _keys, person_slots, rejected = gold.decided_by_person()
    closed = _closer(gold)
    return sorted(
        k
        for k, item in pooled.items()
        if k not in gold.rows and k not in rejected and item.slot not in person_slots and not closed(item)
    )


def auto_adjudicate(
    project: Project,
    policy: str,
    *,
    annotators: list[str] | None = None,
    include_unfinished: bool = False,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
) -> AdjudicationReport:
    """Write the items ``policy`` accepts as gold on every document with two or more counted annotators."""
    policy = check_policy(policy)
    if annotators and GOLD in annotators:
        raise AnnotatorError(f"{GOLD!r} is the gold set, not an annotator to adjudicate")
    report = AdjudicationReport(policy)
    journal = _JOURNAL.get()  # a GoldCommand records what this changes, document by document
    saved = {d: replace(c, rows=dict(c.rows)) for d, c in (journal.changes if journal else {}).items()}
    try:
        return _auto_adjudicate(
            project, policy, report, journal, annotators, include_unfinished, progress, cancel
        )
    except BaseException:
        if journal is not None:  # rolled back: none of it to record
            journal.changes, journal.open = saved, {}
        raise


def _auto_adjudicate(
    project: Project,
    policy: str,
    report: AdjudicationReport,
    journal: _Journal | None,
    annotators: list[str] | None,
    include_unfinished: bool,
    progress: ProgressCallback,
    cancel: CancelFlag | None,
) -> AdjudicationReport:
    # documents are read on one connection and gold written on another, one document at a time, so memory
    # does not grow with the project (SQLite's WAL lets the reader keep its snapshot meanwhile)
    with project.engine.connect() as read, project.engine.begin() as conn:
        total = read.scalar(select(func.count()).select_from(Document)) or 0
        gold_id = _gold_id(conn)
        for n, doc in enumerate(_documents(project, read, annotators, include_unfinished, cancel)):
            if n % 100 == 0:
                progress(n, total, "adjudicating")
            if len(doc.counted) < 2:
                continue
            if cancel is not None:
                cancel.check()
            if journal is not None:
                journal.touch(conn, doc.id)
            gold = _gold_state(conn, doc.id, doc.gold, doc.text)
            pooled, accepted = _settle(policy, doc, gold)
            writer = _Writer(conn, gold_id, doc.id, gold)
            outcome = DocumentOutcome(doc.id, doc.external_id, sorted(doc.counted))
            rule_made = {
                k
                for k, (_t, i) in gold.rows.items()
                if i in gold.provenance and gold.provenance[i].decided_by is None
            }
            used = _referenced(conn, doc.id, gold_id)
            for key in sorted(rule_made - accepted, key=lambda k: -order(gold.items[k])):
                if gold.rows[key][1] in used and gold.items[key].layer == "entities":
                    continue  # a person's gold event or sentiment points at it
                writer.remove(key)
                outcome.removed += 1
            for key in sorted(accepted, key=lambda k: (order(pooled[k]), k)):
                item = pooled[key]
                proposers = sorted(item.versions)
                if key in gold.rows:
                    prov = gold.provenance.get(gold.rows[key][1])
                    if prov is not None and prov.decided_by is None:
                        sources = [i for i in (item.versions[p].id for p in proposers) if i]
                        if (prov.proposed_by, prov.source_ids, prov.rule) != (proposers, sources, policy):
                            update_where(
                                conn,
                                GoldProvenance,
                                dict(
                                    proposed_by=proposers,
                                    source_ids=sources,
                                    rule=policy,
                                    decided_at=utcnow(),
                                ),
                                GoldProvenance.id == prov.id,
                            )
                    outcome.accepted.append(key)
                elif writer.add(item, proposers[0], rule=policy, decided_by=None, proposers=proposers):
                    outcome.accepted.append(key)
                    outcome.added += 1
            writer.flush()
            if journal is not None:
                journal.seal(conn)
            outcome.open = _open(pooled, gold)
            report.per_document.append(outcome)
            report.documents += 1
            report.accepted += len(outcome.accepted)
            report.open += len(outcome.open)
            report.added += outcome.added
            report.removed += outcome.removed
        progress(total, total, "adjudicating")
    return report


def _referenced(conn: Connection, document_id: int, gold_id: int) -> set[str]:
    """Gold entity ids a person's gold event argument or sentiment points at."""
    person = select(GoldProvenance.id).where(
        GoldProvenance.document_id == document_id, GoldProvenance.decided_by.is_not(None)
    )
    args = conn.scalars(
        select(EventArgument.entity_id).where(
            EventArgument.annotator_id == gold_id, EventArgument.event_id.in_(person)
        )
    )
    sents = conn.scalars(
        select(TargetedSentiment.entity_id).where(
            TargetedSentiment.annotator_id == gold_id, TargetedSentiment.id.in_(person)
        )
    )
    return {i for i in [*args, *sents] if i}


# ---------------------------------------------------------------------------------------------- a person


def _one_document(project: Project, conn: Connection, document_id: int) -> _Doc:
    for doc in _documents(project, conn, None, True, None, document_id):
        return doc
    raise AnnotatorError(f"no document with id {document_id}")


def _all_versions(project: Project, conn: Connection, document_id: int) -> tuple[_Doc, dict[str, Item]]:
    """The document with the items of every annotator with labels on it (any status; gold left out)."""
    doc = _one_document(project, conn, document_id)
    return doc, pool(doc.counted)


def _overlapping(
    gold: _Gold,
    mention: tuple[int, int, str],
    allow_overlap: bool,
    ignore: AbstractSet[str] = frozenset(),
    *,
    replace_rule_made: bool = True,
) -> list[str]:
    """Gold entity keys of ``mention``'s label overlapping it that a rule made (to be replaced); one a
    person decided (or with no provenance; or any, without ``replace_rule_made``) is refused with
    :class:`OverlapError` unless ``allow_overlap``."""
    made_by_rule = []
    for key in sorted(gold.rows):
        other = gold.items[key].mention
        if key in ignore or other is None or not variants(mention, other):
            continue
        prov = gold.provenance.get(gold.rows[key][1])
        if replace_rule_made and prov is not None and prov.decided_by is None:
            made_by_rule.append(key)
        elif not allow_overlap:
            surface = gold.text[other[0] : other[1]]
            raise OverlapError(
                f"gold already has {other[2]} “{surface}” [{other[0]}, {other[1]}) overlapping "
                f"[{mention[0]}, {mention[1]}), of the same label"
            )
    return made_by_rule


def decide(
    project: Project,
    document_id: int,
    item_key: str,
    *,
    accept_from: str | None,
    adjudicator: str,
    allow_overlap: bool = False,
) -> str:
    """Accept ``accept_from``'s version of the item ``item_key`` (the first proposer's when None) into gold,
    decided by ``adjudicator`` (rule ``manual``); another gold value of its slot (tone, a target's
    sentiment) and a rejection of the key are replaced, and so is a rule-made gold span of its label that
    overlaps it. A span of its label that a person put in gold and that overlaps it is refused with
    :class:`OverlapError` unless ``allow_overlap``. Returns the gold row's id."""
    return _decide(
        project, document_id, item_key, accept_from=accept_from, adjudicator=adjudicator, allow=allow_overlap
    )


def _decide(
    project: Project,
    document_id: int,
    item_key: str,
    *,
    accept_from: str | None,
    adjudicator: str,
    allow: bool,
    final: tuple[int, int, str] | None = None,
) -> str:
    """:func:`decide`, the overlap checked for ``final`` (the span and label an edit will give the gold
    copy) instead of the item's own."""
    with _writing(project, document_id) as conn:
        doc, pooled = _all_versions(project, conn, document_id)
        item = pooled.get(item_key)
        if item is None:
            raise AnnotatorError(f"no annotator proposed {item_key!r} on document {doc.external_id}")
        source = accept_from or sorted(item.versions)[0]
        if source not in item.versions:
            raise AnnotatorError(f"{source} did not propose {item_key!r} on document {doc.external_id}")
        gold_id = _gold_id(conn)
        gold = _gold_state(conn, document_id, doc.gold, doc.text)
        writer = _Writer(conn, gold_id, document_id, gold)
        delete_where(
            conn,
            GoldProvenance,
            GoldProvenance.document_id == document_id,
            GoldProvenance.item_key == item_key,
            GoldProvenance.rule == "rejected",
        )
        for key in [
            k
            for k in gold.rows
            if k == item_key or (gold.items[k].slot == item.slot and item.layer in ("tone", "sentiment"))
        ]:
            writer.remove(key)
        # another label for the span, another frame for the trigger: replaced once this one is in
        competitors = [
            k
            for k in gold.rows
            if gold.items[k].layer == item.layer and gold.items[k].position == item.position
        ]
        mention = final or item.mention
        if mention is not None:  # checked before anything of this item is written
            ignore = {item_key, *competitors}
            competitors += [k for k in _overlapping(gold, mention, allow, ignore) if k not in competitors]
        version = item.versions[source]
        if isinstance(version, SentimentVersion):  # its target comes into gold too: the entity, or the event
            target = ItemKey.parse(version.target_key)
            needed = [(target.format(), lambda i, t=target: i.ident.head == t)]
        elif item.layer == "events":  # its entity fillers come into gold too: any entity at the span
            needed = [
                (
                    ItemKey.entity(sp[0], sp[1], "").position,
                    lambda i, sp=sp: i.ident.kind == "entity" and i.ident.bounds == sp,
                )
                for _r, sp, kind in (version.frame if isinstance(version, EventVersion) else ())
                if kind == "entity"
            ]
        else:
            needed = []
        replaced_by_filler: list[tuple[str, str]] = []
        for prefix, fits in needed:
            if any(fits(gold.items[k]) for k in gold.rows):
                continue
            match = sorted(k for k, i in pooled.items() if fits(i))
            filler = pooled[match[0]] if match else None
            if filler is not None and filler.mention is not None:
                for key in _overlapping(gold, filler.mention, allow, {filler.key}):
                    replaced_by_filler.append((key, filler.key))
            if filler is None or not writer.add(
                filler,
                sorted(filler.versions)[0],
                rule="manual",
                decided_by=adjudicator,
                proposers=sorted(filler.versions),
            ):
                raise AnnotatorError(f"{prefix} is needed by {item_key!r} but cannot be made gold")
        if not writer.add(
            item, source, rule="manual", decided_by=adjudicator, proposers=sorted(item.versions)
        ):
            raise AnnotatorError(f"{item_key!r} cannot be made gold (its fillers or target are not gold)")
        writer.flush()
        row_id = gold.rows[item_key][1]
        for key in competitors:
            writer.replace(key, row_id)
        for key, filler_key in replaced_by_filler:
            if key in gold.rows:
                writer.replace(key, gold.rows[filler_key][1])
        return row_id


def reject(project: Project, document_id: int, item_key: str, adjudicator: str) -> None:
    """Record that ``item_key`` is not gold on the document (decided by ``adjudicator``): a provenance row
    with rule ``rejected`` and an id of its own (no gold row). A gold row of that key goes."""
    with _writing(project, document_id) as conn:
        doc, pooled = _all_versions(project, conn, document_id)
        gold_id = _gold_id(conn)
        gold = _gold_state(conn, document_id, doc.gold, doc.text)
        if item_key in gold.rows:
            _Writer(conn, gold_id, document_id, gold).remove(item_key)
        item = pooled.get(item_key)
        layer = item.layer if item else ItemKey.parse(item_key).layer
        delete_where(
            conn,
            GoldProvenance,
            GoldProvenance.document_id == document_id,
            GoldProvenance.item_key == item_key,
        )
        rejection = dict(
            id=new_uuid(),
            table_name=TABLES.get(layer, layer),
            document_id=document_id,
            item_key=item_key,
            proposed_by=sorted(item.versions) if item else [],
            decided_by=adjudicator,
            rule="rejected",
            decided_at=utcnow(),
            source_ids=[v.id for v in item.versions.values() if v.id] if item else [],
        )
        insert_rows(conn, GoldProvenance, [rejection])


def _mark_edited(project: Project, gold_row_id: str, adjudicator: str) -> None:
    with project.engine.begin() as conn:
        update_where(
            conn,
            GoldProvenance,
            dict(rule="edited", decided_by=adjudicator, decided_at=utcnow()),
            GoldProvenance.id == gold_row_id,
        )


def _in_one_step(
    edit: Callable[Concatenate[Project, int, P], T],
) -> Callable[Concatenate[Project, int, P], T]:
    """An edit in place writes in several transactions (a decision, then the gold editor's commands): as
    one step of a :class:`GoldCommand`, the document is read before the first and after the last."""

    @functools.wraps(edit)
    def in_one_step(project: Project, document_id: int, /, *args: P.args, **kwargs: P.kwargs) -> T:
        with _held(project, document_id):
            return edit(project, document_id, *args, **kwargs)

    return in_one_step


@_in_one_step
def edit_gold_entity(
    project: Project,
    document_id: int,
    item_key: str,
    *,
    accept_from: str | None,
    adjudicator: str,
    label: str | None = None,
    bounds: tuple[int, int] | None = None,
    allow_overlap: bool = False,
) -> str:
    """Accept ``accept_from``'s version of entity item ``item_key`` into gold, then give the gold span
    another ``label`` and/or ``bounds`` (kept on whole characters). Provenance: rule ``edited`` by
    ``adjudicator``, ``item_key`` still naming what was accepted. A gold span a person decided with the
    resulting label that overlaps the resulting span is refused (:class:`OverlapError`) unless
    ``allow_overlap``; one a rule made is replaced. Returns the gold entity's id."""
    from annotator.services.annotate import (
        Editor,
        Relabel,
        Reshape,
        check_whole_characters,
        relabel_attributes,
    )
    from annotator.services.documents import load_text

    own = ItemKey.parse(item_key).mention
    if own is None:
        raise AnnotatorError(f"{item_key!r} is not an entity item")
    if label is not None and label not in project.schema.assignable_entity_type_names:
        raise AnnotatorError(f"{label!r} is not an entity label of this project's schema")
    text = load_text(project, document_id).text
    if bounds is not None:
        check_whole_characters(text, *bounds)  # before anything is written
    final = (*(bounds or own[:2]), label or own[2])
    gold_id = _decide(
        project,
        document_id,
        item_key,
        accept_from=accept_from,
        adjudicator=adjudicator,
        allow=allow_overlap,
        final=final,
    )
    editor = Editor(project, GOLD)
    span = next(s for s in editor.state(document_id).spans if s.id == gold_id)
    if bounds is not None and bounds != (span.start, span.end):
        Reshape(document_id, span, *bounds, text).apply(editor)
        span = next(s for s in editor.state(document_id).spans if s.id == gold_id)
    if label is not None and label != span.label:
        Relabel(document_id, span, label, relabel_attributes(project.schema, span, label)).apply(editor)
    _mark_edited(project, gold_id, adjudicator)
    return gold_id


@_in_one_step
def edit_gold_event(
    project: Project,
    document_id: int,
    item_key: str,
    *,
    accept_from: str | None,
    adjudicator: str,
    event_type: str | None = None,
    remove: Sequence[tuple[str, int, int]] = (),
    add: Sequence[tuple[str, int, int, str | None]] = (),
    allow_overlap: bool = False,
) -> str:
    """Accept ``accept_from``'s frame of event item ``item_key`` into gold, then edit it in place: another
    ``event_type``; ``remove`` arguments given as (role, filler start, filler end); ``add`` arguments
    given as (role, start, end, label). An added filler is the gold entity (or gold event, by its
    trigger) at those offsets that the role accepts; else a proposed entity there, made gold; else a new
    gold entity labelled ``label`` (which may be None when the role accepts one entity type only).
    Provenance: rule ``edited`` by ``adjudicator``. A new or proposed filler overlapping a gold entity of
    its label is refused (:class:`OverlapError`) unless ``allow_overlap``. Returns the gold event's id."""
    from annotator.services.annotate import AddSpans, Editor, check_whole_characters
    from annotator.services.documents import load_text
    from annotator.services.frames import AddArgument, RemoveArgument, Retype, load_frames

    schema = project.schema
    key = ItemKey.parse(item_key)
    if key.kind != "event":
        raise AnnotatorError(f"{item_key!r} is not an event item")
    new_type = event_type or key.label
    if new_type not in schema.event_type_names or schema.event_type(new_type).abstract:
        raise AnnotatorError(f"{new_type!r} is not an event type of this project's schema")
    # everything that can be refused is refused before anything is written
    for role, start, end in remove:
        if (role, start, end) not in key.arguments:
            raise AnnotatorError(f"the {key.label} frame has no {role} argument at [{start}, {end})")
    if add:
        text = load_text(project, document_id).text
        with project.engine.connect() as conn:
            doc, pooled = _all_versions(project, conn, document_id)
            gold_now = _gold_state(conn, document_id, doc.gold, doc.text)
        gold_set = doc.gold or AnnotationSet.empty(GOLD)
        in_gold = [(e.start, e.end, e.label) for e in gold_set.entities]
        in_gold += [(ev.start, ev.end, ev.type) for ev in gold_set.events]
        proposed_spans = [(i.ident.bounds, i.label) for i in pooled.values() if i.layer == "entities"]
    for role, start, end, label in add:
        if role not in schema.event_type(new_type).role_names:
            raise AnnotatorError(
                f"{new_type} has no role {role} (roles: {', '.join(schema.event_type(new_type).role_names)})"
            )
        check_whole_characters(text, start, end)

        def fits(t: str, role: str = role) -> bool:
            return schema.check_role_filler(new_type, role, t) is None

        if any((s, e) == (start, end) and fits(t) for s, e, t in in_gold):
            continue
        proposed_here = sorted(
            t for p, t in proposed_spans if p == (start, end) and fits(t) and label in (None, t)
        )
        if proposed_here:  # made gold by decide(), which replaces a rule's overlapping span
            _overlapping(gold_now, (start, end, proposed_here[0]), allow_overlap)
            continue
        labels = schema.role_entity_labels(new_type, role)
        if label not in labels and not (label is None and len(labels) == 1):
            raise AnnotatorError(
                f"{new_type}.{role} needs a label for [{start}, {end}) "
                f"(one of: {', '.join(labels) or 'none: it takes events'})"
            )
        _overlapping(gold_now, (start, end, label or labels[0]), allow_overlap, replace_rule_made=False)
    gold_id = decide(project, document_id, item_key, accept_from=accept_from, adjudicator=adjudicator)
    editor = Editor(project, GOLD)

    def current():
        frames = load_frames(editor, document_id)
        spans = {s.id: s for s in editor.state(document_id).spans}
        return next(e for e in frames.events if e.id == gold_id), frames, spans

    event, frames, spans = current()
    if event.type != new_type:
        Retype(document_id, gold_id, event.type, new_type).apply(editor)
    bounds = {s.id: (s.start, s.end) for s in spans.values()} | {
        e.id: (e.start, e.end) for e in frames.events
    }
    for role, start, end in remove:
        arg = next(
            (a for a in event.arguments if a.role == role and bounds.get(a.filler_id) == (start, end)), None
        )
        if arg is None:
            raise AnnotatorError(f"the gold {new_type} has no {role} argument at [{start}, {end})")
        RemoveArgument(document_id, arg.id).apply(editor)
    for role, start, end, label in add:
        event, frames, spans = current()
        fitting = [
            s
            for s in spans.values()
            if (s.start, s.end) == (start, end) and schema.check_role_filler(new_type, role, s.label) is None
        ]
        trigger = [
            e
            for e in frames.events
            if (e.start, e.end) == (start, end)
            and e.id != gold_id
            and schema.check_role_filler(new_type, role, e.type) is None
        ]
        if fitting or trigger:
            filler, kind = (fitting[0].id, "entity") if fitting else (trigger[0].id, "event")
        else:  # what the annotators proposed was read above (decisions do not change it)
            proposed = sorted(
                k
                for k, i in pooled.items()
                if i.layer == "entities"
                and i.ident.bounds == (start, end)
                and (label is None or i.label == label)
                and schema.check_role_filler(new_type, role, i.label) is None
            )
            if proposed:
                filler = decide(
                    project,
                    document_id,
                    proposed[0],
                    accept_from=None,
                    adjudicator=adjudicator,
                    allow_overlap=allow_overlap,
                )
            else:
                label = (
                    label or schema.role_entity_labels(new_type, role)[0]
                )  # checked: given, or the only one
                command = AddSpans(
                    document_id, [(start, end, label)], schema.attribute_defaults("entity", label)
                )
                command.apply(editor)
                filler = command.spans[0].id
                _record_new(
                    project, document_id, filler, ItemKey.entity(start, end, label).format(), adjudicator
                )
            kind = "entity"
        AddArgument(document_id, gold_id, role, filler, kind).apply(editor)
    _mark_edited(project, gold_id, adjudicator)
    return gold_id


def _record_new(project: Project, document_id: int, row_id: str, key: str, adjudicator: str) -> None:
    """Provenance of a gold row an adjudicator made that nobody proposed."""
    with _writing(project, document_id) as conn:
        made = dict(
            id=row_id,
            table_name="entities",
            document_id=document_id,
            item_key=key,
            proposed_by=[],
            decided_by=adjudicator,
            rule="edited",
            decided_at=utcnow(),
            source_ids=[],
        )
        insert_rows(conn, GoldProvenance, [made])


# ---------------------------------------------------------------------------------------------- review


def disagreement_queue(
    project: Project,
    *,
    policy: str = "majority",
    layer: str | None = None,
    label: str | None = None,
    include_unfinished: bool = False,
) -> list[tuple[int, str, str, int, float]]:
    """Documents with open items, most disputed first: ``(document id, external id, title, open items,
    disagreement score)``, the score being open items / distinct items proposed. Open: not accepted by
    ``policy``, not in gold, not decided by a person. ``layer`` and ``label`` keep only those items."""
    policy = check_policy(policy)
    if layer is not None and layer not in LAYERS:
        raise AnnotatorError(f"unknown layer {layer!r} (one of {', '.join(LAYERS)})")
    out = []
    with project.engine.connect() as conn:
        for doc in _documents(project, conn, None, include_unfinished, None):
            if len(doc.counted) < 2:
                continue
            gold = _gold_state(conn, doc.id, doc.gold, doc.text)
            pooled, accepted = _settle(policy, doc, gold)
            keep = {
                k: i
                for k, i in pooled.items()
                if (layer is None or i.layer == layer) and (label is None or i.label == label)
            }
            open_items = [k for k in _open(keep, gold) if k not in accepted]
            if keep and open_items:
                out.append((doc.id, doc.external_id, doc.title, len(open_items), len(open_items) / len(keep)))
    out.sort(key=lambda r: (-r[4], -r[3], r[0]))
    return out


def scores_against_gold(project: Project, *, include_unfinished: bool = False) -> dict[str, dict[str, Any]]:
    """Precision, recall and F1 of each annotator against gold (entities exact; events by trigger and type),
    micro-averaged over the documents with gold and their counted work; ``units`` is those documents."""
    counts = ScoreCounts()
    with project.engine.connect() as conn:
        for doc in _documents(project, conn, None, include_unfinished, None):
            if doc.gold is not None:
                counts.add(doc.gold, doc.counted)
    return counts.scores()


__all__ = [
    "GOLD",
    "LAYERS",
    "AdjudicationReport",
    "Decision",
    "DocumentOutcome",
    "Item",
    "ItemKey",
    "OverlapError",
    "auto_adjudicate",
    "check_policy",
    "decide",
    "decided_documents",
    "decisions",
    "disagreement_queue",
    "disputes",
    "format_scores",
    "items_of",
    "majority_labels",
    "position_of",
    "reject",
    "reopen",
    "scores_against_gold",
]


@dataclass(frozen=True)
class Proposals:
    """What every annotator (gold included) marked on one document, for drawing it."""

    entities: list[tuple[str, int, int, str]]  # (id, start, end, annotator)
    triggers: list[tuple[str, str, int, int]]  # (event id, annotator, trigger start, trigger end)
    polarities: dict[str, str]  # entity id -> targeted sentiment polarity


def proposals(project: Project, document_id: int) -> Proposals:
    with project.engine.connect() as conn:
        entities = conn.execute(
            select(Entity.id, Entity.start, Entity.end, Annotator.name)
            .join(Annotator, Annotator.id == Entity.annotator_id)
            .where(Entity.document_id == document_id)
        ).all()
        triggers = conn.execute(
            select(Event.id, Annotator.name, Event.trigger_start, Event.trigger_end)
            .join(Annotator, Annotator.id == Event.annotator_id)
            .where(Event.document_id == document_id)
        ).all()
        polarities = conn.execute(
            select(TargetedSentiment.entity_id, TargetedSentiment.polarity).where(
                TargetedSentiment.document_id == document_id, TargetedSentiment.entity_id.is_not(None)
            )
        ).all()
    return Proposals(
        [(eid, start, end, name) for eid, start, end, name in entities],
        [(vid, name, start, end) for vid, name, start, end in triggers],
        {entity_id: polarity for entity_id, polarity in polarities if entity_id is not None},
    )


def accept_uncontested(
    project: Project, document_id: int, *, policy: str = "majority", adjudicator: str
) -> tuple[int, list[Item]]:
    """Accept every open item of a document that nothing contests, as its first proposer made it; items
    that exclude each other (two tones of the document, two labels of one span, two frames of one trigger,
    two polarities of one target, boundary variants of one mention: one dispute, :func:`disputes`) are
    left open for a person. Returns (how many were accepted, the contested items)."""
    items = open_items(project, document_id, policy=policy)
    groups = disputes(items)
    contested = [item for group in groups if len(group) > 1 for item in group]
    accepted = 0
    for group in groups:
        if len(group) == 1:
            item = group[0]
            decide(
                project, document_id, item.key, accept_from=sorted(item.versions)[0], adjudicator=adjudicator
            )
            accepted += 1
    return accepted, contested


def open_items(
    project: Project, document_id: int, *, policy: str = "majority", include_unfinished: bool = False
) -> list[Item]:
    """The items of one document still waiting for a person (as in :func:`disagreement_queue`), each
    with every proposer's version, in text order."""
    policy = check_policy(policy)
    with project.engine.connect() as conn:
        for doc in _documents(project, conn, None, include_unfinished, None, document_id):
            gold = _gold_state(conn, doc.id, doc.gold, doc.text)
            pooled, accepted = _settle(policy, doc, gold)
            keys = [k for k in _open(pooled, gold) if k not in accepted]
            return sorted((pooled[k] for k in keys), key=lambda i: (order(i), i.ident.order[1], i.key))
    return []


@dataclass(frozen=True)
class Decision:
    """A person's decision on one document, to revisit: the item decided, how, by whom, and the gold item
    it is now (None for a rejection)."""

    key: str
    rule: str  # manual (accepted), edited, rejected
    decided_by: str
    proposed_by: tuple[str, ...]
    gold_key: str | None


def decisions(project: Project, document_id: int) -> list[Decision]:
    """Every decision a person made on a document (:func:`decide`, the edits, :func:`reject`), in the
    order of the items."""
    with project.engine.connect() as conn:
        doc = _one_document(project, conn, document_id)
        gold = _gold_state(conn, document_id, doc.gold, doc.text)
    current = {i: k for k, (_t, i) in gold.rows.items()}
    out = [
        Decision(p.item_key, p.rule, p.decided_by, tuple(p.proposed_by or ()), current.get(p.id))
        for p in gold.provenance.values()
        if p.decided_by is not None
    ]
    return sorted(out, key=lambda d: (key_order(d.key), d.key))


def reopen(project: Project, document_id: int, item_key: str) -> None:
    """Take back a person's decision on ``item_key``: its gold row goes (an acceptance or edit) or its
    rejection is forgotten, so its dispute is open again for another decision. Refused while another gold
    item (an event's argument, a sentiment) points at the row."""
    with _writing(project, document_id) as conn:
        doc = _one_document(project, conn, document_id)
        gold = _gold_state(conn, document_id, doc.gold, doc.text)
        found = [p for p in gold.provenance.values() if p.decided_by is not None and p.item_key == item_key]
        if not found:
            raise AnnotatorError(f"nobody decided {item_key!r} on document {doc.external_id}")
        current = {i: k for k, (_t, i) in gold.rows.items()}
        writer = _Writer(conn, _gold_id(conn), document_id, gold)
        for prov in found:
            key = current.get(prov.id)
            if key is None:
                delete_where(conn, GoldProvenance, GoldProvenance.id == prov.id)
                continue
            users = _users(conn, prov.id)
            if users:
                raise AnnotatorError(f"{users[0]} in gold uses {key!r}: reopen that first")
            writer.remove(key)


def _users(conn: Connection, row_id: str) -> list[str]:
    """Gold items (other than an event's own arguments) that point at the gold row ``row_id``."""
    args = conn.execute(
        select(Event.type, EventArgument.role)
        .join(Event, Event.id == EventArgument.event_id)
        .where((EventArgument.entity_id == row_id) | (EventArgument.filler_event_id == row_id))
    ).all()
    sentiments = conn.scalars(
        select(TargetedSentiment.polarity).where(
            (TargetedSentiment.entity_id == row_id) | (TargetedSentiment.event_id == row_id)
        )
    ).all()
    return [f"the {t} event's {role}" for t, role in args] + [f"the {p} sentiment" for p in sentiments]


def decided_documents(project: Project) -> list[tuple[int, str, str, int]]:
    """Documents with a person's decisions: ``(document id, external id, title, decisions)``."""
    with project.engine.connect() as conn:
        rows = conn.execute(
            select(Document.id, Document.external_id, Document.title, func.count(GoldProvenance.id))
            .join(GoldProvenance, GoldProvenance.document_id == Document.id)
            .where(GoldProvenance.decided_by.is_not(None))
            .group_by(Document.id, Document.external_id, Document.title)
            .order_by(Document.id)
        ).all()
    return [(doc_id, ext_id, title, n) for doc_id, ext_id, title, n in rows]


# ---------------------------------------------------------------------------------------------- undo

#: What a decision may write on a document, parents first: gold's rows (and gold's work state, which an
#: edit in place starts), the provenance of gold items, and the tombstones of gold rows it deleted.
JOURNALED: tuple[Any, ...] = (*LABEL_TABLES, WorkItem, GoldProvenance, Tombstone)

RowKey = tuple[str, Any]  # (table name, row id)
Row = dict[str, Any]
Versions = tuple[Row | None, Row | None]  # (before, after); None: no row


def _scope(conn: Connection, document_id: int) -> dict[RowKey, Row]:
    """Every row a decision on ``document_id`` may write (see :data:`JOURNALED`), as stored now."""
    out: dict[RowKey, Row] = {}
    prov = GoldProvenance.__table__
    for row in select_rows(conn, prov, prov.c.document_id == document_id):
        out[(GoldProvenance.__tablename__, row["id"])] = row
    gold = conn.scalar(select(Annotator.id).where(Annotator.name == GOLD))
    if gold is None:
        return out
    events = select(Event.id).where(Event.document_id == document_id, Event.annotator_id == gold)
    for model in JOURNALED:
        table = model.__table__
        if model is GoldProvenance:
            continue
        if model is EventArgument:
            where = and_(table.c.annotator_id == gold, table.c.event_id.in_(events))
        else:
            where = and_(table.c.document_id == document_id, table.c.annotator_id == gold)
        for row in select_rows(conn, table, where):
            out[(table.name, row["id"])] = row
    return out


def _fingerprint(scope: dict[RowKey, Row]) -> str:
    """One document's gold state (:func:`_scope`) in a few bytes, to tell whether it is as a step left it."""
    return hashlib.sha256(repr(sorted(scope.items(), key=lambda kv: repr(kv[0]))).encode()).hexdigest()


@dataclass
class _Changes:
    """What a step changed on one document: each row's versions before and after, and the whole
    document's gold state before and after (:func:`_fingerprint`)."""

    rows: dict[RowKey, Versions] = field(default_factory=dict)
    before: str = ""
    after: str = ""


class _Journal:
    """The rows a step changed, per document: each document is read before its first write
    (:meth:`touch`) and again when a transaction that wrote it ends (:meth:`seal`); what differs is kept,
    with the version before the step's first change of the row."""

    def __init__(self) -> None:
        self.open: dict[int, dict[RowKey, Row]] = {}
        self.changes: dict[int, _Changes] = {}
        self.held = 0  # > 0: writes in several transactions (an edit in place), sealed once at the end

    def touch(self, conn: Connection, document_id: int) -> None:
        if document_id not in self.open:
            self.open[document_id] = _scope(conn, document_id)

    def seal(self, conn: Connection) -> None:
        for document_id, before in self.open.items():
            after = _scope(conn, document_id)
            mine = self.changes.get(document_id) or _Changes(before=_fingerprint(before))
            for key in before.keys() | after.keys():
                old, new = before.get(key), after.get(key)
                if old != new:
                    mine.rows[key] = (mine.rows[key][0] if key in mine.rows else old, new)
            mine.rows = {k: (old, new) for k, (old, new) in mine.rows.items() if old != new}
            mine.after = _fingerprint(after)
            if mine.rows:
                self.changes[document_id] = mine
            else:
                self.changes.pop(document_id, None)
        self.open.clear()


_JOURNAL: ContextVar[_Journal | None] = ContextVar("adjudication_journal", default=None)


@contextmanager
def _writing(project: Project, document_id: int) -> Iterator[Connection]:
    """A transaction writing gold on one document, recorded when a :class:`GoldCommand` runs it."""
    journal = _JOURNAL.get()
    with project.engine.begin() as conn:
        if journal is not None:
            journal.touch(conn, document_id)
        try:
            yield conn
        except BaseException:
            if journal is not None and not journal.held:
                journal.open.pop(document_id, None)  # rolled back: nothing of it to record
            raise
        if journal is not None and not journal.held:
            journal.seal(conn)


@contextmanager
def _held(project: Project, document_id: int) -> Iterator[None]:
    """Around an edit in place, which writes in several transactions (through the gold editor's commands):
    the document is read before the first and after the last."""
    journal = _JOURNAL.get()
    if journal is None:
        yield
        return
    with project.engine.connect() as conn:
        journal.touch(conn, document_id)
    journal.held += 1
    try:
        yield
    finally:
        journal.held -= 1
        if not journal.held:
            with project.engine.connect() as conn:
                journal.seal(conn)


def _put(project: Project, changes: dict[int, _Changes], forward: bool, text: str) -> None:
    """Make the rows of ``changes`` their versions after (``forward``, redo) or before (undo) the step,
    in one transaction. Refused with a one-line :class:`AnnotatorError`, changing nothing, unless the gold
    of each of its documents is exactly as the step left it (undo) or found it (redo): what someone else
    decided there since is neither erased nor contradicted by rows coming back."""
    what = "redo" if forward else "undo"
    attempts = 0

    def work(conn: Connection) -> None:
        nonlocal attempts
        attempts += 1
        scopes = {d: _scope(conn, d) for d in changes}
        now = {d: _fingerprint(scope) for d, scope in scopes.items()}
        expected = {d: c.before if forward else c.after for d, c in changes.items()}
        wanted = {d: c.after if forward else c.before for d, c in changes.items()}
        if attempts > 1 and now == wanted:
            return  # already so: the first attempt's commit landed, its acknowledgement was lost
        if now != expected:
            raise AnnotatorError(f"cannot {what} “{text}”: gold there was changed since, by another decision")
        current = {k: row for scope in scopes.values() for k, row in scope.items()}
        pairs = {
            k: (current.get(k), after if forward else before)
            for c in changes.values()
            for k, (before, after) in c.rows.items()
        }
        put_versions(
            conn,
            [
                (model.__table__, [pair for k, pair in pairs.items() if k[0] == model.__tablename__])
                for model in JOURNALED
            ],
        )
        if {d: _fingerprint(_scope(conn, d)) for d in changes} != wanted:  # a cascade onto other rows
            raise AnnotatorError(f"cannot {what} “{text}”: it would change gold written since")

    transact(project.engine, work)


class GoldCommand:
    """A decision on gold as one reversible step, like :class:`annotator.services.annotate.Command`
    (``apply`` / ``revert``, ``text`` naming it) but with no editor: ``call`` is any of this module's
    decisions (:func:`decide`, :func:`reject`, :func:`reopen`, :func:`edit_gold_entity`,
    :func:`edit_gold_event`, :func:`accept_uncontested`, :func:`auto_adjudicate`) or several of them.

    The first :meth:`apply` runs ``call`` and records, row by row, what it changed on each document it
    wrote: gold's rows (event arguments, sentiments and work state included), provenance and tombstones,
    with their versions before and after; :attr:`result` is what ``call`` returned. :meth:`revert` puts
    every one of those rows back exactly as it was (same ids, same times; rows it made gone without a
    tombstone, tombstones it made gone) and a later :meth:`apply` makes them exactly what the decision made
    (redo), both in one transaction and refused with a one-line :class:`AnnotatorError`, changing nothing,
    when a row was changed since by someone else. If ``call`` fails after writing part of its work (a bulk
    acceptance, an edit in place writing in steps), that part is taken back before the error is raised."""

    def __init__(self, project: Project, text: str, call: Callable[[], Any]):
        self.project, self.text, self.call = project, text, call
        self.result: Any = None
        self.changes: dict[int, _Changes] | None = None

    @property
    def documents(self) -> list[int]:
        """The documents whose gold the step changed (none before it is applied)."""
        return sorted(self.changes or {})

    @property
    def empty(self) -> bool:
        """Applied and changed nothing (nothing to undo)."""
        return self.changes is not None and not self.changes

    def apply(self) -> list[int]:
        """Decide (the first time) or redo; returns the documents changed."""
        if self.changes is not None:
            _put(self.project, self.changes, True, self.text)
            return self.documents
        journal = _Journal()
        token = _JOURNAL.set(journal)
        try:
            self.result = self.call()
        except BaseException as error:
            if journal.changes:
                try:
                    _put(self.project, journal.changes, False, self.text)
                except Exception as undo_error:  # the first error is the one raised; this one said with it
                    error.add_note(
                        f"part of {self.text!r} stayed saved: taking it back failed ({undo_error})"
                    )
            raise
        finally:
            _JOURNAL.reset(token)
        self.changes = journal.changes
        return self.documents

    def revert(self) -> list[int]:
        """Undo: the rows as they were before the decision; returns the documents changed."""
        if self.changes is None:
            raise AnnotatorError(f"“{self.text}” was not applied")
        _put(self.project, self.changes, False, self.text)
        return self.documents
