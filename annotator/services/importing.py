"""Import documents (and the annotations that come with them) into a project.

Streaming and batched: records are read one at a time, normalized (NFC, LF), hashed and inserted with
SQLAlchemy Core ``executemany`` in batches, one commit per batch, so memory stays flat and a crash loses at
most the batch in flight. A document whose text is already stored (same content hash) is not stored again;
annotations that come with it attach to the stored one. Bad records are reported with file:line and reason
while good ones are imported; ``strict`` imports nothing when any record is bad.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, cast

from sqlalchemy import JSON, Connection, DateTime, Table, func, insert, select

from annotator.errors import AnnotatorError, RecordError, RecordWarning
from annotator.formats.native import AnnotationIn, AnnotationProblem, derive_id, validate_annotations
from annotator.formats.records import (
    FOREIGN,
    SourceRecord,
    detect_format,
    expand_paths,
    known_extensions,
    read_path,
)
from annotator.progress import CancelFlag, Cancelled, ProgressCallback, no_progress
from annotator.services.project import Project
from annotator.services.team import check_name
from annotator.store.database import json_dumps
from annotator.store.models import (
    Annotator,
    Document,
    DocumentLabel,
    Entity,
    Event,
    EventArgument,
    Relation,
    TargetedSentiment,
    WorkItem,
    WorkSession,
    utcnow,
)
from annotator.store.writes import dialect_insert
from annotator.text.normalization import (
    SpanMismatch,
    content_hash,
    normalize,
    normalize_with_map,
    remap_span,
)

BATCH_SIZE = 1000
#: Commit at most this often (seconds): each commit waits for the disk (synchronous=FULL), so committing
#: every batch would cost more than inserting it; a crash loses at most this much of an import.
COMMIT_INTERVAL = 1.0


@dataclass
class ImportReport:
    files: int = 0
    records: int = 0
    documents_added: int = 0
    documents_existing: int = 0
    annotations_added: int = 0
    annotations_existing: int = 0
    errors: list[RecordError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    cancelled: bool = False
    strict_rolled_back: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.cancelled

    def summary(self) -> str:
        parts = [
            f"{self.documents_added} document(s) added",
            f"{self.documents_existing} already present",
            f"{self.annotations_added} annotation row(s) added",
        ]
        if self.annotations_existing:
            parts.append(f"{self.annotations_existing} already present")
        if self.errors:
            parts.append(f"{len(self.errors)} bad record(s)")
        if self.strict_rolled_back:
            parts.append("nothing imported (--strict)")
        if self.cancelled:
            parts.append("cancelled")
        return ", ".join(parts)


@dataclass(slots=True)
class _Prepared:
    record: SourceRecord
    text: str
    title: str
    content_hash: str
    external_id: str
    annotations: list[AnnotationIn]


#: Code points no record may carry, in any format: lone surrogates (``"\ud800"`` escaped in JSON is not a
#: character; UTF-8 cannot store it) and NUL (PostgreSQL text cannot hold it; Qt cuts text there).
_FORBIDDEN = re.compile("[\x00\ud800-\udfff]")


def _forbidden(value: Any, field: str, depth: int = 0) -> str | None:
    """Why ``value`` (a record's field, searched through lists and objects) cannot be stored, or None."""
    if isinstance(value, str):
        found = _FORBIDDEN.search(value)
        if found is None:
            return None
        char = found.group()
        what = (
            "NUL character (U+0000)"
            if char == "\x00"
            else f"lone surrogate U+{ord(char):04X} (not a character)"
        )
        return f"{what} in {field} at offset {found.start()}"
    if depth > 200:
        return f"{field} is nested too deeply"
    if depth < 200 and not _forbidden_here(value):
        # no string at this level holds one: look only into the lists and objects inside (the same first
        # finding as the walk below, which looks at every item in order)
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, dict | list):
                    problem = _forbidden(item, f"{field}.{key}" if isinstance(key, str) else field, depth + 1)
                    if problem:
                        return problem
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict | list):
                    problem = _forbidden(item, f"{field}[{i}]", depth + 1)
                    if problem:
                        return problem
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            problem = _forbidden(key, f"a key of {field}", depth + 1) or _forbidden(
                item,
                f"{field}.{key}" if isinstance(key, str) and not _FORBIDDEN.search(key) else field,
                depth + 1,
            )
            if problem:
                return problem
    elif isinstance(value, list):
        for i, item in enumerate(value):
            problem = _forbidden(item, f"{field}[{i}]", depth + 1)
            if problem:
                return problem
    return None


def _forbidden_here(value: Any) -> bool:
    """Whether a string key or item of a list or object (not those nested deeper) may hold a forbidden
    character: one search over them all."""
    if isinstance(value, dict):
        strings = [k for k in value if isinstance(k, str)]
        strings += [v for v in value.values() if isinstance(v, str)]
    elif isinstance(value, list):
        strings = [v for v in value if isinstance(v, str)]
    else:
        return False
    return _FORBIDDEN.search("".join(strings)) is not None


_dumps = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def _surely_storable(record: SourceRecord) -> bool:
    """True when the record's text, title and id hold no forbidden character, nor its metadata and
    annotations written as one JSON text (which keeps a lone surrogate as it is, so that UTF-8 cannot
    encode it, and writes a NUL ``\\u0000``), which has too few brackets to nest 200 deep. False says
    only "look closer": the walk in :func:`check_storable` decides."""
    search = _FORBIDDEN.search
    for value in (record.text, record.title, record.external_id):
        if value is not None and (not isinstance(value, str) or search(value) is not None):
            return False
    try:
        dumped = _dumps([record.meta, record.annotations])
        dumped.encode()
    except (TypeError, ValueError, RecursionError):
        return False  # not JSON values (another reader's), a surrogate (UnicodeEncodeError), too deep
    return "\\u0000" not in dumped and dumped.count("[") + dumped.count("{") <= 200


def check_storable(record: SourceRecord) -> None:
    """The same rule for every format: a record holding a NUL or a lone surrogate anywhere (text, title,
    id, metadata, annotations) is refused with the field and offset; raises RecordError."""
    if _surely_storable(record):
        return
    for value, name in (
        (record.text, "the text"),
        (record.title, "the title"),
        (record.external_id, "the id"),
        (record.meta, "meta"),
        (record.annotations, "annotations"),
    ):
        problem = _forbidden(value, name)
        if problem:
            raise RecordError(record.where, problem)


def _detect_language(record: SourceRecord, text: str) -> None:
    """A record that gives no ``lang`` gets its language and script (``meta["lang"]``, ISO 639-1, and
    ``meta["script"]``, ISO 15924) detected from its letters (:func:`annotator.text.scripts.detect_script`).
    A record that gives its language keeps its metadata as given, with the script added only where the
    language is written in two scripts in the region (Punjabi, Sindhi: read from the text); otherwise the
    script is the language's (:data:`annotator.text.scripts.LANGUAGE_SCRIPT`)."""
    from annotator.text.scripts import LANGUAGE_SCRIPT, detect_script, language_code

    given = record.meta.get("lang")
    if given is not None and not isinstance(given, str):  # 5, ["hi"]: stored, the list would show them
        raise RecordError(record.where, f"'lang' must be a language code (text), not {given!r:.40}")
    if given and language_code(given) in LANGUAGE_SCRIPT:
        return
    script, lang = detect_script(text, given or None)
    if not given:
        record.meta["lang"] = lang
    record.meta.setdefault("script", script)


def prepare(record: SourceRecord, project: Project) -> _Prepared:
    """Normalize one record and validate its annotations; raises RecordError."""
    check_storable(record)
    tokens = record.meta.get("tokens")
    if record.annotations or tokens:
        text, offset_map = normalize_with_map(record.text)
    else:
        text, offset_map = normalize(record.text), None
    if tokens:
        record.meta["tokens"] = _remap_tokens(tokens, record, text, offset_map)
    digest = content_hash(text)
    title = " ".join(normalize(record.title).split())
    _detect_language(record, text)
    annotations: list[AnnotationIn] = []
    if record.annotations:
        assert offset_map is not None  # made above whenever there are annotations
        try:
            annotations = validate_annotations(
                record.annotations,
                schema=project.schema,
                original=record.text,
                normalized=text,
                offset_map=offset_map,
                content_hash=digest,
            )
        except AnnotationProblem as exc:
            raise RecordError(record.where, str(exc)) from None
    external_id = record.external_id or f"sha256:{digest[:16]}"
    return _Prepared(record, text, title, digest, external_id, annotations)


def _remap_tokens(tokens: Any, record: SourceRecord, text: str, offset_map) -> list[list[int]]:
    """The source's own tokenization (``meta["tokens"]``: ``[start, end]`` pairs) in the stored text."""
    if not isinstance(tokens, list):
        raise RecordError(record.where, "meta 'tokens' must be a list of [start, end] pairs")
    out = []
    for pair in tokens:
        try:
            start, end = remap_span(record.text, pair[0], pair[1], offset_map, text)
        except (SpanMismatch, TypeError, IndexError, KeyError) as exc:
            raise RecordError(record.where, f"token {pair!r}: {exc}") from None
        out.append([start, end])
    return out


class _DocumentInserter:
    """Insert document rows with one driver-level executemany per batch.

    The statement is SQLAlchemy Core's own INSERT, compiled once for the connection's dialect; values go
    through the column types' bind processors (JSON, DateTime) exactly as Core would apply them, but
    without Core's per-row parameter bookkeeping, which costs as much as SQLite's insert itself here.
    """

    COLUMNS = ("external_id", "title", "text", "content_hash", "meta", "created_at")
    SKIP_DUPLICATES_DIALECTS = ("sqlite", "postgresql")

    def __init__(self, conn: Connection):
        self.conn = conn
        dialect = conn.dialect
        table = cast(Table, Document.__table__)  # a Table; the declarative base types it as a FromClause
        stmt = insert(table)
        # Where the database can skip a row whose text is stored already (same content hash) by itself,
        # let it: no look-up query per batch, and the row count says how many were new.
        self.skips_duplicates = dialect.name in self.SKIP_DUPLICATES_DIALECTS
        if self.skips_duplicates:
            stmt = dialect_insert(dialect.name, table).on_conflict_do_nothing(
                index_elements=[table.c.content_hash]
            )
        compiled = stmt.compile(dialect=dialect, column_keys=list(self.COLUMNS))
        self.sql = str(compiled)
        # qmark-style drivers (sqlite3) take tuples in COLUMNS order; named styles (psycopg) take dicts
        self.positional = compiled.positional
        if self.positional and tuple(compiled.positiontup or ()) != self.COLUMNS:  # pragma: no cover
            raise RuntimeError(f"unexpected INSERT parameter order {compiled.positiontup}")
        identity = lambda v: v  # noqa: E731

        def processor(column):
            return column.type.dialect_impl(dialect).bind_processor(dialect) or identity

        # JSON: our engine's serializer (canonical text) where the column is JSON text; else the type's own
        self.meta_out = json_dumps if dialect.name == "sqlite" else processor(table.c.meta)
        self.time_out = processor(table.c.created_at)

    def __call__(self, batch: list[_Prepared], now) -> int:
        """Insert the batch's documents; returns how many were new (if the database skips duplicates)."""
        created = self.time_out(now)
        meta_out = self.meta_out
        rows = [
            (p.external_id, p.title, p.text, p.content_hash, meta_out(p.record.meta), created) for p in batch
        ]
        if self.positional:
            return self.conn.exec_driver_sql(self.sql, rows).rowcount
        named = [dict(zip(self.COLUMNS, row, strict=True)) for row in rows]
        return self.conn.exec_driver_sql(self.sql, named).rowcount


class _RowInserter:
    """Insert annotation rows of one table with one driver-level executemany per call, skipping a row whose
    id is stored already (``INSERT … ON CONFLICT (id) DO NOTHING``; the row count says how many were new).

    Like :class:`_DocumentInserter`: the statement is Core's own, compiled once; rows are tuples of
    ``columns`` (every column of the table but ``schema_version``, in its order: checked) whose JSON and
    time values the caller converted (:func:`_value_out`). ``conflict``
    ``()`` skips a row that collides with any unique key (a work item: one per document and annotator).
    Other databases than SQLite and PostgreSQL look the keys up first, as
    ``annotator.store.writes.insert_missing`` does."""

    def __init__(
        self, conn: Connection, model: Any, columns: tuple[str, ...], conflict: tuple[str, ...] = ("id",)
    ):
        self.conn = conn
        self.model = model
        table = cast(Table, model.__table__)
        dialect = conn.dialect
        # every column but the schema version (NULL: the version in force, see store.models)
        written = [c for c in table.columns if c.key != "schema_version"]
        if columns != tuple(c.key for c in written):  # pragma: no cover - a model changed
            raise RuntimeError(f"{table.name}: the import writes {columns}, the table has other columns")
        self.columns = columns
        self.conflict = conflict
        self.native = dialect.name in _DocumentInserter.SKIP_DUPLICATES_DIALECTS
        stmt = insert(table)
        if self.native:
            stmt = dialect_insert(dialect.name, table).on_conflict_do_nothing(
                index_elements=list(conflict) or None
            )
        compiled = stmt.compile(dialect=dialect, column_keys=list(self.columns))
        self.sql = str(compiled)
        self.positional = compiled.positional
        if self.positional and tuple(compiled.positiontup or ()) != self.columns:  # pragma: no cover
            raise RuntimeError(f"unexpected INSERT parameter order {compiled.positiontup}")
        # other columns whose type converts a value for the driver (SQLite's Boolean): converted here
        self._convert = [
            (i, fn)
            for i, column in enumerate(written)
            if not isinstance(column.type, JSON | DateTime)
            and (fn := column.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        ]

    def __call__(self, rows: list[tuple]) -> int:
        """Insert ``rows``; returns how many were new."""
        if not rows:
            return 0
        if self._convert:
            converted = []
            for row in rows:
                values = list(row)
                for i, fn in self._convert:
                    values[i] = fn(values[i])
                converted.append(tuple(values))
            rows = converted
        if not self.native:
            return self._insert_missing(rows)
        if self.positional:
            return self.conn.exec_driver_sql(self.sql, rows).rowcount
        columns = self.columns
        return self.conn.exec_driver_sql(
            self.sql, [dict(zip(columns, row, strict=True)) for row in rows]
        ).rowcount

    def _insert_missing(self, rows: list[tuple]) -> int:  # pragma: no cover - SQLite and PostgreSQL skip
        named = [dict(zip(self.columns, row, strict=True)) for row in rows]
        model = self.model
        if self.conflict == ("id",):
            ids = [r["id"] for r in named]
            present: set[str] = set()
            for i in range(0, len(ids), 500):
                present.update(self.conn.scalars(select(model.id).where(model.id.in_(ids[i : i + 500]))))
            fresh = [row for row, r in zip(rows, named, strict=True) if r["id"] not in present]
        else:
            fresh = [
                row
                for row, r in zip(rows, named, strict=True)
                if self.conn.execute(
                    select(model.id).where(
                        model.document_id == r["document_id"], model.annotator_id == r["annotator_id"]
                    )
                ).first()
                is None
            ]
        if fresh:
            if self.positional:
                self.conn.exec_driver_sql(self.sql, fresh)
            else:
                self.conn.exec_driver_sql(
                    self.sql, [dict(zip(self.columns, row, strict=True)) for row in fresh]
                )
        return len(fresh)


def _value_out(conn: Connection, column: Any) -> Callable[[Any], Any]:
    """What Core does to a value of ``column`` before the driver sees it (JSON: our engine's canonical text
    on SQLite; times: the dialect's format)."""
    dialect = conn.dialect
    if isinstance(column.type, JSON) and dialect.name == "sqlite":
        return json_dumps
    return column.type.dialect_impl(dialect).bind_processor(dialect) or (lambda v: v)


_OWNER = "document_id annotator_id "  # the columns of a document's annotation rows, first and last
_ROW = " id created_at updated_at"


class _Writer:
    """Inserts prepared records batch by batch on one connection.

    A batch's documents go in with one statement; its annotation rows are gathered per table and go in with
    one statement per table (work items, entities, events, arguments, relations, tone, sentiment: parents
    first). A document and annotator met twice in one batch (the same text twice) has the first one's rows
    stored before the second is looked at, so the outcome is the one of writing record by record."""

    #: The tables written, parents first, with the columns of the tuples gathered for each (see
    #: :meth:`_write_annotations`)
    COLUMNS: ClassVar[dict[Any, tuple[str, ...]]] = {
        model: tuple(names.split())
        for model, names in (
            (WorkItem, "id document_id annotator_id status flagged comment created_at updated_at"),
            (Entity, _OWNER + "start end label attributes link_id link_name" + _ROW),
            (Event, _OWNER + "type trigger_start trigger_end attributes" + _ROW),
            (EventArgument, "event_id annotator_id position role entity_id filler_event_id" + _ROW),
            (Relation, _OWNER + "type from_entity_id to_entity_id attributes" + _ROW),
            (DocumentLabel, _OWNER + "name value" + _ROW),
            (TargetedSentiment, _OWNER + "entity_id event_id polarity" + _ROW),
            (WorkSession, "id document_id annotator_id started_at ended_at active_seconds labels"),
        )
    }

    def __init__(self, conn: Connection, report: ImportReport):
        self.conn = conn
        self.report = report
        self.annotators: dict[str, int] = dict(conn.execute(select(Annotator.name, Annotator.id)).all())
        self._insert_documents = _DocumentInserter(conn)
        # documents made by this import hold no labels but the ones it writes: no look-up needed for them
        self._stored_before = conn.scalar(select(func.max(Document.id))) or 0
        self._written: set[tuple[int, int]] = set()  # (document, annotator) given labels by this import
        self._inserters = {
            model: _RowInserter(conn, model, columns, () if model is WorkItem else ("id",))
            for model, columns in self.COLUMNS.items()
        }
        self._pending: dict[Any, list[tuple]] = {model: [] for model in self.COLUMNS}
        self._pending_pairs: set[tuple[int, int]] = set()
        #: events that name an incident: (event id, incident id, annotator id, document id, figures, where)
        self._incident_links: list[tuple[str, str, int, int, dict[str, int], str]] = []
        entity_table = cast(Table, Entity.__table__)
        self._json_out = _value_out(conn, entity_table.c.attributes)
        self._time_out = _value_out(conn, entity_table.c.created_at)
        self._empty_json = self._json_out({})

    def write(self, batch: list[_Prepared]) -> None:
        now = utcnow()
        existing: dict[str, int] = {}
        if self._insert_documents.skips_duplicates:
            added = self._insert_documents(batch, now)
            self.report.documents_added += added
            self.report.documents_existing += len(batch) - added
        else:
            self._write_documents_checked(batch, now, existing)
        annotated = [p for p in batch if p.annotations]
        if not annotated:
            return
        wanted = list({p.content_hash for p in annotated} - set(existing))
        for i in range(0, len(wanted), 500):
            existing.update(
                self.conn.execute(
                    select(Document.content_hash, Document.id).where(
                        Document.content_hash.in_(wanted[i : i + 500])
                    )
                ).all()
            )
        stamp = self._time_out(now)
        for p in annotated:
            self._write_annotations(existing[p.content_hash], p, stamp)
        self._flush()

    def _flush(self) -> None:
        """Insert the gathered rows, parents first."""
        for model, rows in self._pending.items():
            if not rows:
                continue
            added = self._inserters[model](rows)
            if model is not WorkItem and model is not WorkSession:  # sessions: time spent, not labels
                self.report.annotations_existing += len(rows) - added
                self.report.annotations_added += added
            rows.clear()
        self._pending_pairs.clear()
        if self._incident_links:  # after the events they name are stored
            from annotator.services.incidents import attach_mentions

            self.report.warnings.extend(attach_mentions(self.conn, self._incident_links))
            self._incident_links.clear()

    def _write_documents_checked(self, batch: list[_Prepared], now, existing: dict[str, int]) -> None:
        """Insert only documents whose hash is not stored yet, looking the hashes up first."""
        hashes = list({p.content_hash for p in batch})
        for i in range(0, len(hashes), 500):
            chunk = hashes[i : i + 500]
            existing.update(
                self.conn.execute(
                    select(Document.content_hash, Document.id).where(Document.content_hash.in_(chunk))
                ).all()
            )
        fresh: list[_Prepared] = []
        new_hashes: set[str] = set()
        for p in batch:
            if p.content_hash in existing or p.content_hash in new_hashes:
                self.report.documents_existing += 1
                continue
            new_hashes.add(p.content_hash)
            fresh.append(p)
        if fresh:
            self._insert_documents(fresh, now)
            self.report.documents_added += len(fresh)

    def _annotator_id(self, name: str) -> int:
        if name not in self.annotators:
            self.annotators[name] = self.conn.execute(
                insert(Annotator).values(name=name, created_at=utcnow()).returning(Annotator.id)
            ).scalar_one()
        return self.annotators[name]

    def _same_entities(self, document_id: int, aid: int, entities) -> dict[str, str]:
        """Incoming entity id -> the id of the annotator's stored entity with the same span and label
        (another id: a stored one with the incoming id is handled as 'already present')."""
        fresh = document_id > self._stored_before and (document_id, aid) not in self._written
        self._written.add((document_id, aid))
        if not entities or fresh:
            return {}
        stored = {
            (r.start, r.end, r.label): r.id
            for r in self.conn.execute(
                select(Entity.id, Entity.start, Entity.end, Entity.label).where(
                    Entity.document_id == document_id, Entity.annotator_id == aid
                )
            )
        }
        out = {}
        for e in entities:
            found = stored.get((e.start, e.end, e.label))
            if found is not None and found != e.id:
                out[e.id] = found
        return out

    def _json(self, value: dict[str, Any]) -> Any:
        return self._json_out(value) if value else self._empty_json

    def _write_annotations(self, document_id: int, p: _Prepared, stamp: Any) -> None:
        """Gather the rows of one record's annotation blocks (looking up what is stored only for documents
        stored before this import, or given labels by it already)."""
        pending = self._pending
        json_out = self._json
        for ann in p.annotations:
            aid = self._annotator_id(ann.annotator)
            self.report.warnings.extend(
                f"{p.record.where}: annotator '{ann.annotator}': {w}" for w in ann.warnings
            )
            pair = (document_id, aid)
            if pair in self._pending_pairs:
                self._flush()  # the same text twice in one batch: the first one's rows are looked up stored
            self._pending_pairs.add(pair)
            # a document and annotator with a status already keeps it (the unique key skips the new one)
            pending[WorkItem].append((ann.status_id, document_id, aid, ann.status, False, None, stamp, stamp))
            # a label the annotator already has on this document (the same record twice in a doccano or
            # Label Studio file, whose ids are made per line) is not stored twice: what refers to the new
            # one refers to the stored one
            same = self._same_entities(document_id, aid, ann.entities)
            self.report.annotations_existing += len(same)
            ent_id = lambda i, same=same: same.get(i, i)  # noqa: E731
            have_rel = (
                {
                    (r.type, r.from_entity_id, r.to_entity_id)
                    for r in self.conn.execute(
                        select(Relation.type, Relation.from_entity_id, Relation.to_entity_id).where(
                            Relation.document_id == document_id, Relation.annotator_id == aid
                        )
                    )
                }
                if same
                else set()
            )
            have_pol = (
                set(
                    self.conn.execute(
                        select(TargetedSentiment.entity_id).where(
                            TargetedSentiment.document_id == document_id,
                            TargetedSentiment.annotator_id == aid,
                        )
                    ).scalars()
                )
                if same
                else set()
            )
            # tuples of each table's COLUMNS
            pending[Entity].extend(
                (
                    document_id,
                    aid,
                    e.start,
                    e.end,
                    e.label,
                    json_out(e.attributes),
                    e.link_id,
                    e.link_name,
                    e.id,
                    stamp,
                    stamp,
                )
                for e in ann.entities
                if e.id not in same
            )
            pending[Event].extend(
                (document_id, aid, e.type, e.start, e.end, json_out(e.attributes), e.id, stamp, stamp)
                for e in ann.events
            )
            self._incident_links.extend(
                (e.id, e.incident, aid, document_id, e.incident_figures, p.record.where)
                for e in ann.events
                if e.incident is not None
            )
            pending[EventArgument].extend(
                (
                    e.id,
                    aid,
                    pos,
                    a.role,
                    ent_id(a.entity_id) if a.entity_id else None,
                    a.event_id,
                    a.id,
                    stamp,
                    stamp,
                )
                for e in ann.events
                for pos, a in enumerate(e.arguments)
            )
            pending[Relation].extend(
                (
                    document_id,
                    aid,
                    r.type,
                    ent_id(r.from_id),
                    ent_id(r.to_id),
                    json_out(r.attributes),
                    r.id,
                    stamp,
                    stamp,
                )
                for r in ann.relations
                if (r.type, ent_id(r.from_id), ent_id(r.to_id)) not in have_rel
            )
            pending[DocumentLabel].extend(
                (document_id, aid, lab.name, lab.value, lab.id, stamp, stamp) for lab in ann.labels
            )
            pending[WorkSession].extend(  # native JSONL's "time": the sessions, each once (by id)
                (
                    s.id,
                    document_id,
                    aid,
                    self._time_out(s.started),
                    self._time_out(s.ended),
                    s.active_seconds,
                    s.labels,
                )
                for s in ann.sessions
            )
            pending[TargetedSentiment].extend(
                (
                    document_id,
                    aid,
                    ent_id(s.entity_id) if s.entity_id else None,
                    s.event_id,
                    s.polarity,
                    s.id,
                    stamp,
                    stamp,
                )
                for s in ann.sentiments
                if not (s.entity_id and ent_id(s.entity_id) in have_pol)
            )


def import_records(
    project: Project,
    items: Iterable[tuple[SourceRecord | RecordError, int]],
    *,
    total: int | None = None,
    strict: bool = False,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
    report: ImportReport | None = None,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Import records (or read errors) with a running byte position for progress."""
    report = report or ImportReport()
    conn = project.engine.connect()
    try:
        trans = conn.begin()
        last_commit = time.monotonic()
        writer = _Writer(conn, report)
        batch: list[_Prepared] = []
        for n, (item, position) in enumerate(items):
            if cancel is not None and cancel.cancelled:
                raise Cancelled()
            if n % 200 == 0:
                progress(position, total, "importing")
            if isinstance(item, RecordWarning):  # a reader's note on what it left out: not a bad record
                report.warnings.append(str(item))
                continue
            report.records += 1
            if isinstance(item, RecordError):
                report.errors.append(item)
                continue
            try:
                prepared = prepare(item, project)
            except RecordError as exc:
                report.errors.append(exc)
                continue
            if strict and report.errors:
                continue  # keep validating to report every bad record; nothing will be written
            batch.append(prepared)
            if len(batch) >= batch_size:
                writer.write(batch)
                batch.clear()
                if not strict and time.monotonic() - last_commit >= COMMIT_INTERVAL:
                    trans.commit()
                    trans = conn.begin()
                    last_commit = time.monotonic()
        if strict and report.errors:
            trans.rollback()
            report.strict_rolled_back = True
            report.documents_added = report.documents_existing = 0
            report.annotations_added = report.annotations_existing = 0
            return report
        if batch:
            writer.write(batch)
        trans.commit()
        progress(total or 0, total, "imported")
    except Cancelled:
        # Cancel means stop, not undo: whole batches already written are valid and kept (strict mode
        # keeps nothing); the records read since the last batch are not imported.
        report.cancelled = True
        if strict:
            trans.rollback()
            report.strict_rolled_back = True
            report.documents_added = report.documents_existing = 0
            report.annotations_added = report.annotations_existing = 0
        else:
            trans.commit()
    except BaseException:
        if conn.in_transaction():
            conn.rollback()
        raise
    finally:
        conn.close()
    return report


#: Entity labels of other tools and datasets that mean one of the default schema's labels; used for a label
#: the project's schema lacks, unless ``label_map`` says otherwise (HiNER, IL-NER, spaCy/OntoNotes, CoNLL).
SYNONYMS = {
    "PERSON": "PER",
    "LOCATION": "LOC",
    "ORGANIZATION": "ORG",
    "ORGANISATION": "ORG",
    "NUMEX": "NUM",
    "TIMEX": "DATE",
    "NEP": "PER",
    "NEL": "LOC",
    "NEO": "ORG",
    "NETI": "DATE",
    "NEN": "NUM",
    "CARDINAL": "NUM",
    "QUANTITY": "NUM",
    "TIME": "DATE",
}
DROP = "-"
#: Reader options each format takes (see :func:`annotator.formats.records.read_path`).
READ_OPTIONS = {
    "conll": ("scheme", "group", "tag_column"),
    "text": ("clean", "read_also"),
    "html": ("clean", "read_also"),
}


class _Relabel:
    """Gives the annotation blocks of another tool's file their annotator (``annotator``, else the format's
    name; a reader's ``#2``, ``#3`` suffix for a task's further annotations is kept) and the project's
    labels: entity labels through ``label_map``, then :data:`SYNONYMS` for labels the schema lacks; relation
    types through ``label_map``. A label or type mapped to ``-`` is left out (an entity with the relations
    that use it); a relation type the schema lacks is left out too. Ids are made unique per record
    (``file:line#T1``), so two records of one text never collide. Counts what it changed."""

    def __init__(self, project: Project, fmt: str, annotator: str | None, label_map: dict[str, str]):
        self.name = annotator or fmt
        known = set(project.schema.entity_type_names)
        self.map = {k: v for k, v in SYNONYMS.items() if k not in known and v in known} | dict(label_map)
        self.relation_types = {r.name for r in getattr(project.schema, "relations", ())}
        self.changed: Counter = Counter()

    def _label(self, label: Any) -> Any:
        new = self.map.get(label, label) if isinstance(label, str) else label
        if new != label:
            self.changed[(label, new)] += 1
        return new

    def __call__(self, record: SourceRecord) -> SourceRecord:
        for block in record.annotations:
            if not isinstance(block, dict):
                continue
            suffix = str(block.get("annotator") or "").partition("#")[2]
            block["annotator"] = f"{self.name}#{suffix}" if suffix else self.name
            ids: dict[Any, str] = {}
            kept = []
            for entity in block.get("entities") or []:
                if not isinstance(entity, dict):
                    kept.append(entity)
                    continue
                new = self._label(entity.get("label"))
                if new == DROP:
                    continue
                entity["label"] = new
                ids[entity.get("id")] = entity["id"] = f"{record.where}#{entity.get('id')}"
                kept.append(entity)
            if "entities" in block:
                block["entities"] = kept
            relations = []
            for relation in block.get("relations") or []:
                if not isinstance(relation, dict):
                    relations.append(relation)
                    continue
                given_type: Any = relation.get("type")  # JSON: an odd or missing type is simply not mapped
                rtype = self.map.get(given_type, given_type)
                if rtype != relation.get("type"):
                    self.changed[(relation.get("type"), rtype)] += 1
                if rtype == DROP or relation.get("from") not in ids or relation.get("to") not in ids:
                    continue
                if rtype not in self.relation_types:
                    self.changed[(rtype, "left out (no such relation in the schema)")] += 1
                    continue
                relation.update(
                    type=rtype,
                    id=f"{record.where}#{relation.get('id')}",
                    **{"from": ids[relation["from"]], "to": ids[relation["to"]]},
                )
                relations.append(relation)
            if "relations" in block:
                block["relations"] = relations
        return record

    def summary(self) -> str | None:
        if not self.changed:
            return None
        parts = [
            f"{old} → {'left out' if new == DROP else new} ({n})"
            for (old, new), n in sorted(self.changed.items())
        ]
        return f"labels of {self.name}: " + ", ".join(parts)


def parse_label_map(text: str | None) -> dict[str, str]:
    """``PERSON=PER,MISC=-`` (or a file of such lines) as a mapping; ``-`` leaves a label out.

    A label holding ``=``, ``,`` or spaces at its ends is written in double quotes with JSON escapes
    (``"B=C"=ORG``, ``"Org, Inc."=ORG``); in a file, a line may also be ``FROM<TAB>TO`` (the tab separates,
    so FROM may hold ``=``)."""
    if not text:
        return {}
    path = Path(text)
    is_file = path.is_file()
    try:
        entries = path.read_text(encoding="utf-8").splitlines() if is_file else _split_outside_quotes(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise AnnotatorError(f"{path}: the label map cannot be read as UTF-8 text ({exc})") from None
    out: dict[str, str] = {}
    for n, raw in enumerate(entries, 1):
        entry = raw.strip()
        if not entry or (is_file and entry.startswith("#")):
            continue
        where = f"{path}:{n}" if is_file else f"--label-map entry {entry!r}"
        if is_file and "\t" in raw.strip("\r\n") and not entry.startswith('"'):
            old, _, new = raw.strip("\r\n").partition("\t")
            old, new = _label_map_side(old.strip(), where), _label_map_side(new.strip(), where)
        else:
            old, rest = _label_map_from(entry, where)
            new = _label_map_side(rest.strip(), where)
        if not old or not new:
            raise AnnotatorError(f"{where}: expected FROM=TO (TO may be '-' to leave the label out)")
        if out.get(old, new) != new:
            raise AnnotatorError(f"{where}: {old!r} is mapped to {out[old]!r} already")
        out[old] = new
    return out


def _split_outside_quotes(text: str) -> list[str]:
    """``a=b,"c,d"=e`` → ``['a=b', '"c,d"=e']``: commas inside double quotes do not separate."""
    parts: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for char in text:
        if quoted and escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _label_map_from(entry: str, where: str) -> tuple[str, str]:
    """The FROM side of ``FROM=TO`` (quoted or up to the first ``=``) and the rest after ``=``."""
    if entry.startswith('"'):
        import json

        try:
            old, end = json.JSONDecoder().raw_decode(entry)
        except json.JSONDecodeError as exc:
            raise AnnotatorError(f"{where}: bad quoted label: {exc.msg}") from None
        rest = entry[end:].lstrip()
        if not rest.startswith("="):
            raise AnnotatorError(f"{where}: expected '=' after the quoted label")
        return str(old), rest[1:]
    if "=" not in entry:
        raise AnnotatorError(f"{where}: expected FROM=TO (TO may be '-' to leave the label out)")
    old, _, rest = entry.partition("=")
    return old.strip(), rest


def _label_map_side(value: str, where: str) -> str:
    if value.startswith('"'):
        import json

        try:
            decoded = json.loads(value)
        except json.JSONDecodeError as exc:
            raise AnnotatorError(f"{where}: bad quoted label: {exc.msg}") from None
        if not isinstance(decoded, str):
            raise AnnotatorError(f"{where}: a quoted label must be a string")
        return decoded
    return value


def import_paths(
    project: Project,
    paths: Iterable[str | Path],
    *,
    fmt: str | None = None,
    strict: bool = False,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
    annotator: str | None = None,
    label_map: dict[str, str] | None = None,
    **read_options: Any,
) -> ImportReport:
    """Import files and folders (recursively) in the given or detected format. A folder holding brat
    ``.ann`` files is read as brat standoff (``NAME.txt`` + ``NAME.ann``) unless another format is given.
    Labels from another tool's format (:data:`~annotator.formats.records.FOREIGN`) belong to annotator
    ``annotator`` (default: the format's name) and go through ``label_map``; ``read_options`` go to the
    format's reader."""
    given = [Path(p) for p in paths]
    if fmt == "brat" or (fmt is None and given and all(_is_brat_folder(p) for p in given)):
        return _import_brat(project, given, strict=strict, progress=progress, cancel=cancel)
    files = expand_paths(given, fmt)
    if not files:
        raise AnnotatorError(
            "nothing to import: no files of a known type (" + ", ".join(known_extensions()) + ")"
        )
    formats = {fmt or detect_format(path) for path, _ in files}
    if (annotator or label_map) and not formats & set(FOREIGN):
        raise AnnotatorError(
            "--annotator and --label-map apply to labels from other tools (" + ", ".join(FOREIGN) + ")"
        )
    if annotator is not None:
        annotator = check_name(annotator)
        if annotator == "gold":
            raise AnnotatorError("'gold' is the adjudicated set; imported labels need another annotator name")
    sizes = [_size(path) for path, _ in files]
    total = sum(sizes)
    report = ImportReport(files=len(files))
    relabel = {f: _Relabel(project, f, annotator, label_map or {}) for f in formats if f in FOREIGN}

    read_options = {k: v for k, v in read_options.items() if v is not None}
    for key in read_options:
        if not any(f is not None and key in READ_OPTIONS.get(f, ()) for f in formats):
            takes = [f for f, keys in READ_OPTIONS.items() if key in keys]
            raise AnnotatorError(f"option {key!r} applies to {' and '.join(takes)} files, not to these")

    cleaned: Counter = Counter()
    carry = _TitledEarlier(project)

    def items():
        done = 0
        for (path, name), size in zip(files, sizes, strict=True):
            file_fmt = fmt or detect_format(path)  # None: not a known type (read_path says so)
            change = relabel.get(file_fmt) if file_fmt is not None else None
            takes = READ_OPTIONS.get(file_fmt, ()) if file_fmt is not None else ()
            options = {k: v for k, v in read_options.items() if k in takes}
            for item, pos in read_path(path, fmt, name, **options):
                if change is not None and isinstance(item, SourceRecord):
                    item = change(item)
                if file_fmt == "text" and isinstance(item, SourceRecord):
                    item = carry.over(item)
                if isinstance(item, SourceRecord) and isinstance(item.meta.get("cleanup"), dict):
                    cleaned.update(
                        documents=1,
                        lines=item.meta["cleanup"].get("removed_lines", 0),
                        quotes=item.meta["cleanup"].get("quotes", 0),
                    )
                yield item, done + pos
            done += size
        if cleaned["lines"] or cleaned["quotes"]:
            report.warnings.append(
                f"clean-up: {cleaned['lines']} 'read also' line(s) cut and {cleaned['quotes']} embedded "
                f"post(s) marked as quotes in {cleaned['documents']} document(s)"
            )
        for change in relabel.values():
            summary = change.summary()
            if summary:
                report.warnings.append(summary)
        report.warnings.extend(carry.notes)

    return import_records(
        project, items(), total=total, strict=strict, progress=progress, cancel=cancel, report=report
    )


def _is_brat_folder(path: Path) -> bool:
    return path.is_dir() and next(path.rglob("*.ann"), None) is not None


def _import_brat(project: Project, folders: list[Path], **options) -> ImportReport:
    from annotator.formats import brat

    for folder in folders:
        if not folder.is_dir():
            raise AnnotatorError(f"{folder}: brat import takes folders of .txt and .ann files")
    schema = project.schema
    event_roles = {name: schema.event_type(name).role_names for name in schema.event_type_names}
    sizes = [sum(_size(p) for p in f.rglob("*") if p.suffix in (".txt", ".ann")) for f in folders]
    report = ImportReport(files=len(folders))

    def items():
        done = 0
        for folder, size in zip(folders, sizes, strict=True):
            for item, pos in brat.read_folder(
                folder, event_types=set(event_roles), event_roles=event_roles, warnings=report.warnings
            ):
                if isinstance(item, SourceRecord):
                    for block in item.annotations:
                        _type_brat_attributes(block, schema)
                yield item, done + pos
            done += size

    return import_records(project, items(), total=sum(sizes), report=report, **options)


class _TitledEarlier:
    """Plain-text files imported before the title line stayed in the text: their document holds the text
    below the title. Importing such a file again makes a document with the whole text, and the labels of
    the earlier document (every annotator's: entities, events, relations, sentiment, tone, status) come
    along, moved by the title's length and checked like any imported label; the earlier document stays."""

    def __init__(self, project: Project):
        self.project = project
        self.notes: list[str] = []

    def over(self, record: SourceRecord) -> SourceRecord:
        from annotator.store.reading import read_document

        if record.annotations or not record.external_id:
            return record
        text = normalize(record.text)
        with self.project.engine.connect() as conn:
            earlier = conn.execute(
                select(Document.id, Document.text).where(
                    Document.external_id == record.external_id, Document.text != text
                )
            ).all()
            for doc_id, old_text in earlier:
                offset = len(text) - len(old_text)
                if (
                    offset <= 0
                    or not text.endswith(old_text)
                    or text[:offset].strip() != normalize(record.title)
                ):
                    continue
                earlier_doc = read_document(conn, doc_id)
                blocks = earlier_doc.blocks() if earlier_doc is not None else []
                if not blocks:
                    continue
                for block in blocks:
                    _shift(block, offset)
                record.text, record.annotations = text, blocks
                self.notes.append(
                    f"{record.where}: the earlier import kept the title line out of the text; its labels "
                    f"({len(blocks)} annotator(s)) were carried over to the whole text"
                )
                break
        return record


def _shift(block: dict[str, Any], offset: int) -> None:
    """Move a native block's spans by ``offset`` and give its rows new given ids (the stored ids belong to
    the earlier document's rows, which stay), with every reference renamed alike."""
    ids: dict[str, str] = {}
    for kind, prefix in (("entities", "T"), ("events", "E"), ("relations", "R")):
        for n, item in enumerate(block.get(kind) or (), 1):
            ids[item["id"]] = new = f"{prefix}{n}"
            item["id"] = new
    for entity in block.get("entities") or ():
        entity["start"] += offset
        entity["end"] += offset
    for event in block.get("events") or ():
        event["trigger"]["start"] += offset
        event["trigger"]["end"] += offset
        for argument in event.get("arguments") or ():
            for key in ("entity", "event"):
                if argument.get(key) in ids:
                    argument[key] = ids[argument[key]]
    for relation in block.get("relations") or ():
        relation["from"], relation["to"] = ids.get(relation["from"]), ids.get(relation["to"])
    for sentiment in block.get("sentiment") or ():
        sentiment["target"] = ids.get(sentiment["target"], sentiment["target"])


def _size(path: Path) -> int:
    """A file's size for progress; 0 for what cannot be read (the reader reports it, by name)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


_DIGITS = re.compile(r"[0-9]+")


def _type_brat_attributes(block: dict[str, Any], schema) -> None:
    """brat attribute values are text (``A1\tkilled E1 5``): a ``count`` attribute of the schema takes the
    number written in ASCII digits, so what the project exports as brat imports again; a ``choice`` value
    that a converted annotation.conf stores in brat's storage form (``Typo+UNK`` → ``Typo_UNK``) is read
    as stored."""
    from annotator.schema.brat_conf import storage_form

    for key, owner, type_key in (
        ("entities", "entity", "label"),
        ("events", "event", "type"),
        ("relations", "relation", "type"),
    ):
        for item in block.get(key) or ():
            attributes = item.get("attributes")
            if not attributes:
                continue
            try:
                defs = {a.name: a for a in schema.attributes_for(owner, item.get(type_key))}
            except (KeyError, ValueError, TypeError):
                continue  # an unknown type: the validator names it
            for name, value in attributes.items():
                attr = defs.get(name)
                if attr is None or not isinstance(value, str):
                    continue
                plain = value.strip(" ")  # brat keeps a value's spaces: only a text attribute needs them
                if attr.kind == "count" and len(plain) <= 18 and _DIGITS.fullmatch(plain):
                    attributes[name] = int(plain)
                elif attr.kind == "flag" and plain == "false":  # a flag whose default is true, unset
                    attributes[name] = False
                elif attr.kind == "choice" and value not in attr.values:
                    stored = storage_form(plain).lstrip("_-")  # as a converted annotation.conf stores it
                    if stored in attr.values:
                        attributes[name] = stored


__all__ = ["ImportReport", "derive_id", "import_paths", "import_records", "prepare"]
