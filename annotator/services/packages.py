"""Offline work packages: one annotator's documents and labels in a file they open, work on, and return.

A package is itself a project file (same schema, same migrations) holding the annotator's assigned
documents, their labels and tombstones so far, and a header (settings key ``package``): the project's
id, the annotator, the schema fingerprint. The annotator opens it in the app like any project.

Merging a returned package is:

* **safe** — refused, with nothing written, when the file is not SQLite, fails SQLite's integrity check,
  belongs to another project or schema, holds a document whose text does not match its hash or is not in
  the project, or holds labels of anyone but the annotator it was made for; when any row, tombstone or
  reference of it names another annotator's row (by id, in any table, here or in another package of the
  same import); when it holds a trigger, a view or a foreign table, too many rows, an id twice, a value
  of the wrong type, a span outside its document or a time in the future;
* **lossless** — every row keeps its UUID, annotator and created/updated times; deletions travel as
  tombstones;
* **ordered** — for a row changed in both places, the later change wins (ties keep the project's), and
  the report lists it; a deletion wins over an older change and loses to a newer one;
* **idempotent and order-independent** — importing a package twice changes nothing, and packages of
  different annotators touch disjoint rows, so any order gives the same project.

The annotator's *decided* suggestions travel too (accepted: the record of where a label came from;
rejected: not to be suggested again); open ones are made afresh wherever the document is opened.

Each package merges in one transaction. Rows are read and written in batches, not one query per row.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Table, insert, select
from sqlalchemy.exc import DataError, IntegrityError, StatementError

from annotator.errors import AnnotatorError
from annotator.fileio import scratch_folder, sweep, temp_name
from annotator.progress import CancelFlag, ProgressCallback, no_progress
from annotator.services import kb
from annotator.services.project import Project, open_project
from annotator.services.schema_change import current_version, package_version, plans_since, replay
from annotator.store.database import (
    WRITTEN_BY_KEY,
    ProjectOpenError,
    known_revisions,
    newer_message,
    open_database,
)
from annotator.store.models import (
    LABEL_TABLES,
    Annotator,
    Assignment,
    Base,
    Document,
    DocumentLabel,
    Entity,
    Event,
    EventArgument,
    Incident,
    IncidentMention,
    Relation,
    SchemaReview,
    SchemaVersion,
    Setting,
    Suggestion,
    TargetedSentiment,
    Tombstone,
    WorkItem,
    WorkSession,
    utcnow,
)
from annotator.store.writes import (
    as_utc,
    delete_where,
    forget_tombstone,
    insert_rows,
    later_wins,
    merge_tombstones,
    update_where,
)

FORMAT = 1
CHUNK = 500
#: label tables in the order rows can be inserted (what they refer to first)
TABLES = LABEL_TABLES
#: an annotator's incidents and the links of their events to them (issue 17): owned rows like labels,
#: after the labels in insert order (a mention refers to an event and an incident)
INCIDENT_TABLES = (Incident, IncidentMention)
ROW_TABLES = (*TABLES, *INCIDENT_TABLES)
BY_NAME = {m.__tablename__: m for m in (*ROW_TABLES, WorkItem)}


class PackageError(AnnotatorError):
    """A package that cannot be merged; nothing was written."""


@dataclass
class MergeReport:
    packages: int = 0
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)
    kb_added: int = 0  # knowledge-base entries and aliases
    kb_updated: int = 0
    kb_refused: list[str] = field(default_factory=list)  # knowledge-base edits its annotator may not make
    sessions: int = 0  # work sessions (time spent) added or brought to a later end; not labels

    def summary(self) -> str:
        time = f"; {self.sessions} work session(s) of time spent" if self.sessions else ""
        return (
            f"{self.packages} package(s): {self.added} added, {self.updated} updated, "
            f"{self.deleted} deleted, {self.unchanged} unchanged, "
            f"{len(self.conflicts)} conflict(s) resolved by time{time}"
        )


def project_id(project: Project) -> str:
    """The project's identity (made on first use), which its packages carry."""
    found = project.setting("project_id")
    if found is None:
        found = str(uuid.uuid4())
        project.set_setting("project_id", found)
    return found


def _table(model: Any) -> Table:
    """A model's table (the declarative base types ``__table__`` as a FromClause; it is a Table)."""
    return cast(Table, model.__table__)


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _select_in(conn: Connection, table, column, values: list) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for chunk in _chunks(values):
        out.extend(dict(r._mapping) for r in conn.execute(select(table).where(column.in_(chunk))))
    return out


# ------------------------------------------------------------------------------------------------ export


def export_package(
    project: Project,
    annotator: str,
    out: str | Path,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
) -> int:
    """Write ``annotator``'s package to ``out`` (a new file); returns the number of documents."""
    out = Path(out)
    if out.exists():
        raise AnnotatorError(f"{out}: already exists")
    if not out.parent.exists():
        raise AnnotatorError(f"{out}: folder {out.parent} does not exist")
    pid = project_id(project)
    kb.ensure_seeded(project)  # the package carries the knowledge base (read-only unless the lead allows)
    with project.engine.connect() as conn:
        person = conn.execute(select(Annotator).where(Annotator.name == annotator)).first()
        if person is None:
            raise AnnotatorError(f"no annotator called {annotator!r} in this project")
        doc_ids = list(
            conn.execute(
                select(Assignment.document_id)
                .where(Assignment.annotator_id == person.id)
                .order_by(Assignment.document_id)
            ).scalars()
        )
        if not doc_ids:
            raise AnnotatorError(f"no documents are assigned to {annotator} (annotator assign …)")
        documents = _select_in(conn, Document.__table__, Document.__table__.c.id, doc_ids)
        rows = _annotator_rows(conn, person.id, doc_ids)
        version = current_version(conn)
        schema_versions = [dict(r._mapping) for r in conn.execute(select(SchemaVersion.__table__))]
        kb_rows = kb.package_rows(conn)
    sweep(out)  # what a killed export to the same file left
    tmp = temp_name(out)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{tmp}{suffix}").unlink(missing_ok=True)
    try:
        result = open_database(tmp, create=True)
        try:
            with result.engine.begin() as target:
                header = {
                    "format": FORMAT,
                    "project_id": pid,
                    "annotator": annotator,
                    "role": person.role,
                    "schema_fingerprint": project.schema.fingerprint,
                    "schema_version": version,
                    "package_id": str(uuid.uuid4()),
                    "created_at": utcnow().isoformat(),
                    "documents": len(documents),
                }
                target.execute(
                    insert(Setting),
                    [
                        {"key": "schema", "value": project.schema.source_text},
                        {"key": "project_id", "value": pid},
                        {"key": "package", "value": json.dumps(header, ensure_ascii=False)},
                    ],
                )
                target.execute(
                    insert(Annotator),
                    [
                        {
                            "id": person.id,
                            "name": annotator,
                            "role": person.role,
                            "created_at": person.created_at,
                        }
                    ],
                )
                if schema_versions:  # the package knows the versions up to its own
                    target.execute(insert(SchemaVersion), schema_versions)
                kb.write_package_rows(target, kb_rows)
                target.execute(insert(Document), documents)
                target.execute(
                    insert(Assignment),
                    [
                        {
                            "id": str(uuid.uuid4()),
                            "document_id": d,
                            "annotator_id": person.id,
                            "created_at": utcnow(),
                        }
                        for d in doc_ids
                    ],
                )
                for name, table_rows in rows.items():
                    if table_rows:
                        model: Any = _EXTRA.get(name) or BY_NAME.get(name) or Tombstone
                        insert_rows(target, model.__table__, table_rows)
                progress(len(documents), len(documents), "package written")
        finally:
            result.engine.dispose()
        for suffix in ("-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        os.replace(tmp, out)
    except BaseException:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{tmp}{suffix}").unlink(missing_ok=True)
        raise
    return len(documents)


def _annotator_rows(
    conn: Connection, annotator_id: int, doc_ids: list[int]
) -> dict[str, list[dict[str, Any]]]:
    """Every label row (and tombstone and work item) of one annotator on these documents."""
    out: dict[str, list[dict[str, Any]]] = {}
    doc_set = set(doc_ids)
    for model in (*ROW_TABLES, WorkItem, Tombstone, Suggestion):
        table = _table(model)
        if model is EventArgument:
            event_ids = [r["id"] for r in out["events"]]
            out["event_arguments"] = _select_in(conn, table, table.c.event_id, event_ids)
            continue
        if model is Incident:  # the incidents the documents' mentions belong to: filled below
            out["incidents"] = []
            continue
        rows = _select_in(conn, table, table.c.document_id, doc_ids)
        out[table.name] = [
            r
            for r in rows
            if r["annotator_id"] == annotator_id
            and r["document_id"] in doc_set
            and (model is not Suggestion or r["status"] != "open")
        ]
    incidents = sorted({m["incident_id"] for m in out["incident_mentions"]})
    table = _table(Incident)
    out["incidents"][:] = [
        r for r in _select_in(conn, table, table.c.id, incidents) if r["annotator_id"] == annotator_id
    ]
    sessions = _table(WorkSession)  # the time they spent so far (issue 18): merged back once each
    out[sessions.name] = [
        r
        for r in _select_in(conn, sessions, sessions.c.document_id, doc_ids)
        if r["annotator_id"] == annotator_id
    ]
    return out


# ------------------------------------------------------------------------------------------------ import


@dataclass
class _Package:
    path: str
    copy: Path  # a checked private copy (the returned file is never touched); removed after the merge
    header: dict[str, Any]
    annotator: dict[str, Any]
    doc_map: dict[int, int]  # package document id -> project document id
    doc_length: dict[int, int] = field(default_factory=dict)  # package document id -> its text's length
    #: the project's schema version the package was made under, and the plans (each with the version it
    #: made) that bring its rows to the version in force (see services.schema_change.replay)
    version: int = 1
    plans: list = field(default_factory=list)
    reviews: list[dict[str, Any]] = field(default_factory=list)  # split annotations to queue, once merged

    def rows(self) -> dict[str, list[dict[str, Any]]]:
        """Every label row, work item and tombstone: read when this package is merged, one at a time.
        Raises PackageError for a value that cannot be read as its column's type (a crafted file)."""
        con = open_database(self.copy, create=False).engine
        out: dict[str, list[dict[str, Any]]] = {}
        try:
            with con.connect() as conn:
                for model in (*ROW_TABLES, WorkItem, Tombstone, Suggestion, WorkSession):
                    name = model.__tablename__
                    try:
                        out[name] = [dict(r._mapping) for r in conn.execute(select(model.__table__))]
                    except (ValueError, TypeError, OverflowError, StatementError) as exc:
                        reason = str(getattr(exc, "orig", exc)).splitlines()[0][:200]
                        raise PackageError(
                            f"{self.path}: {name} hold a value that cannot be read ({reason}) "
                            "— nothing merged"
                        ) from None
        finally:
            con.dispose()
        self.reviews = replay(out, self.plans, self.version)
        return out

    def discard(self) -> None:
        shutil.rmtree(self.copy.parent, ignore_errors=True)


def _read_package(project: Project, path: Path, pid: str) -> _Package:
    """Copy the package aside and check everything about it. Raises PackageError."""
    if not path.is_file():
        raise PackageError(f"{path}: no such file")
    with path.open("rb") as fh:
        if fh.read(16) != b"SQLite format 3\x00":
            raise PackageError(f"{path}: not a work package (not a SQLite file)")
    # a private copy in this program's scratch folder (never the system's temporary folder, where a
    # killed merge's copies would pile up): the folder's dead leftovers are swept first
    tmpdir = temp_name(scratch_folder() / f"package-{uuid.uuid4().hex[:12]}", "-dir")
    tmpdir.mkdir()
    try:
        copy = tmpdir / "package.annotator"
        src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            status = src.execute("PRAGMA integrity_check").fetchone()[0]
            if status != "ok":
                raise PackageError(f"{path}: damaged or truncated ({status})")
            _check_newer(src, path)
            _check_structure(src, path)
            dst = sqlite3.connect(copy)
            src.backup(dst)
            dst.close()
        except sqlite3.DatabaseError as exc:
            raise PackageError(f"{path}: damaged or truncated ({exc})") from None
        finally:
            src.close()
        try:
            package = open_project(copy)
        except (ProjectOpenError, AnnotatorError) as exc:
            raise PackageError(f"{path}: {exc}") from None
        try:
            return _check(project, package, path, pid, copy)
        finally:
            package.close()
    except BaseException:
        shutil.rmtree(tmpdir, ignore_errors=True)
        raise


#: At most this many rows (labels, tombstones, suggestions, work items, documents, annotators) in a package,
#: counted before any is read: one annotator's work is far less (the merge benchmark's packages hold
#: 20,000 labels); a crafted file of millions of tiny rows would take the merge's time and memory.
MAX_PACKAGE_ROWS = 500_000
#: Tables a package (a project file) may hold: the project's, Alembic's, SQLite's own and the search
#: index's (an FTS5 table with its shadow tables). Nothing else, and no trigger or view: a merge reads data.
_KNOWN_TABLES = frozenset(Base.metadata.tables) | {"alembic_version"}


def _check_newer(con: sqlite3.Connection, path: Path) -> None:
    """Refuse a package of a newer annotator (a revision this program does not know) naming the version
    it needs, before its tables are looked at: it may hold tables this program has never heard of."""
    try:
        revisions = [r for (r,) in con.execute("SELECT version_num FROM alembic_version")]
        if len(revisions) != 1 or revisions[0] in known_revisions():
            return
        row = con.execute("SELECT value FROM settings WHERE key = ?", (WRITTEN_BY_KEY,)).fetchone()
    except sqlite3.OperationalError:  # no such table: the structure check and the open say what is wrong
        return
    written_by = row[0] if row else None
    raise PackageError(
        newer_message(path, revisions[0], written_by, what="work package", outcome="nothing merged")
    )


def _check_structure(con: sqlite3.Connection, path: Path) -> None:
    """Refuse a package holding a trigger, a view or a table a project does not have, or too many rows.
    Reads only ``sqlite_master`` and row counts (no trigger can run on a read)."""
    for kind, name in con.execute("SELECT type, name FROM sqlite_master ORDER BY type, name"):
        if kind == "index":
            continue
        known = name in _KNOWN_TABLES or name.startswith(("sqlite_", "search_index"))
        if kind != "table" or not known:
            raise PackageError(
                f"{path}: holds a {kind} {name!r} that no work package has (a crafted file?) — nothing merged"
            )
    total = 0
    for model in (*ROW_TABLES, WorkItem, Tombstone, Suggestion, Document, Annotator):
        total += con.execute(f'SELECT count(*) FROM "{model.__tablename__}"').fetchone()[0]
    if con.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'work_sessions'").fetchone():
        # a package made since migration 0012 holds its annotator's time spent
        total += con.execute('SELECT count(*) FROM "work_sessions"').fetchone()[0]
    if total > MAX_PACKAGE_ROWS:
        raise PackageError(
            f"{path}: holds {total:,} rows, more than one annotator's package can ({MAX_PACKAGE_ROWS:,}) "
            "— nothing merged"
        )


def _check(project: Project, package: Project, path: Path, pid: str, copy: Path) -> _Package:
    header = package.package
    if header is None:
        raise PackageError(f"{path}: not a work package (a project file without a package header)")
    if header.get("project_id") != pid:
        raise PackageError(f"{path}: a package of another project ({header.get('project_id')})")
    with project.engine.connect() as conn:
        version, reason = package_version(conn, header, package.schema.fingerprint)
        plans = plans_since(conn, version) if version is not None else []
    if version is None:
        raise PackageError(f"{path}: {reason}; nothing merged")
    name = header.get("annotator")
    with package.engine.connect() as conn:
        people = [dict(r._mapping) for r in conn.execute(select(Annotator))]
        person = next((p for p in people if p["name"] == name), None)
        if person is None:
            raise PackageError(f"{path}: the package's annotator {name!r} is missing from it")
        owners: set[int] = set()
        for model in (*ROW_TABLES, WorkItem, Tombstone, Suggestion, WorkSession):
            owners.update(conn.execute(select(model.annotator_id).distinct()).scalars())
        strangers = owners - {person["id"]}
        if strangers:
            names = sorted(p["name"] for p in people if p["id"] in strangers) or sorted(map(str, strangers))
            raise PackageError(f"{path}: holds labels of {', '.join(names)}, but it was made for {name} only")
        documents = {}
        lengths: dict[int, int] = {}
        for doc_id, ext_id, digest, text in conn.execute(
            select(Document.id, Document.external_id, Document.content_hash, Document.text)
        ):
            if hashlib.sha256(text.encode("utf-8")).hexdigest() != digest:
                raise PackageError(f"{path}: the text of document {ext_id} was altered")
            documents[doc_id] = (ext_id, digest)
            lengths[doc_id] = len(text)
        for model in (
            Entity,
            Event,
            Relation,
            DocumentLabel,
            TargetedSentiment,
            IncidentMention,
            WorkItem,
            Tombstone,
            Suggestion,
        ):
            stray = conn.scalar(
                select(model.document_id).where(model.document_id.not_in(list(documents) or [-1])).limit(1)
            )
            if stray is not None:
                raise PackageError(f"{path}: {model.__tablename__} refer to a document not in the package")
    local: dict[str, int] = {}
    hashes = [digest for _ext, digest in documents.values()]
    with project.engine.connect() as conn:
        for chunk in _chunks(hashes):
            local.update(
                conn.execute(
                    select(Document.content_hash, Document.id).where(Document.content_hash.in_(chunk))
                ).all()
            )
    doc_map: dict[int, int] = {}
    for doc_id, (ext_id, digest) in documents.items():
        if digest not in local:
            raise PackageError(f"{path}: document {ext_id} is not in this project")
        doc_map[doc_id] = local[digest]
    return _Package(str(path), copy, header, person, doc_map, lengths, version, plans)


#: How far in the future a time in a package may lie (laptop clocks drift; a row dated years ahead would
#: win every later merge by its time).
CLOCK_TOLERANCE = timedelta(days=1)
#: every table whose rows have an owner (``annotator_id``); ids are unique across all of them (a tombstone
#: is found by its id alone)
_OWNED = (*ROW_TABLES, WorkItem, Suggestion, Tombstone, WorkSession)
#: owned tables a package carries beside the label tables (by name, for writing a package)
_EXTRA = {m.__tablename__: m for m in (Suggestion, WorkSession)}
#: what rows refer to, by id (besides documents and annotators)
_REFERENCES = {
    "incident_mentions": ("incident_id", "event_id"),
    "event_arguments": ("event_id", "entity_id", "filler_event_id"),
    "relations": ("from_entity_id", "to_entity_id"),
    "targeted_sentiments": ("entity_id", "event_id"),
    "suggestions": ("annotation_id",),
}
#: spans, checked against their document's text
_SPANS = {
    "entities": ("start", "end"),
    "events": ("trigger_start", "trigger_end"),
    "suggestions": ("start", "end"),
}

#: columns with a fixed set of values (the project's CHECK constraints)
_CHOICES = {
    ("work_items", "status"): ("todo", "in_progress", "done", "skipped"),
    ("suggestions", "status"): ("open", "accepted", "rejected"),
    ("suggestions", "kind"): ("entity", "event"),
}


def _python_type(column) -> type | None:
    try:
        kind = column.type.python_type
    except NotImplementedError:  # pragma: no cover - every column of these tables has one
        return None
    return None if kind is object else kind


def _fits(value: Any, kind: type) -> bool:
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _check_values(pkg: _Package, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Every value of the right type, length and presence, spans inside their document, no time in the
    future (a row dated 9999 would win every later merge). Raises PackageError naming table, id, column."""
    limit = utcnow() + CLOCK_TOLERANCE
    for model in (*ROW_TABLES, WorkItem, Tombstone, Suggestion, WorkSession):
        table = _table(model)
        columns = [(c.name, _python_type(c), c.nullable, getattr(c.type, "length", None)) for c in table.c]
        span = _SPANS.get(table.name)
        for row in rows[table.name]:

            def bad(what: str, table=table, row=row) -> None:
                row_id = str(row.get("id"))[:60]
                raise PackageError(f"{pkg.path}: {table.name} {row_id} {what} — nothing merged")

            for name, kind, nullable, length in columns:
                value = row.get(name)
                if value is None:
                    if not nullable:
                        bad(f"has no {name}")
                    continue
                if kind is not None and not _fits(value, kind):
                    bad(f"has {name} {value!r:.40}, not a {kind.__name__}")
                choices = _CHOICES.get((table.name, name))
                if choices and value not in choices:
                    bad(f"has {name} {value!r:.40}, not one of {', '.join(choices)}")
                if length and isinstance(value, str) and len(value) > length:
                    bad(f"has a {name} longer than {length} characters")
                if isinstance(value, datetime) and as_utc(value) > limit:
                    bad(f"is dated {value:%Y-%m-%d %H:%M}, in the future (check the laptop's clock)")
            if span:
                start, end = row[span[0]], row[span[1]]
                size = pkg.doc_length.get(row["document_id"], 0)
                if not 0 <= start < end <= size:
                    bad(f"has a span {start}–{end} outside its document (0–{size})")
            if model is WorkSession:  # as native JSONL's "time" on import
                active, length = row["active_seconds"], (row["ended_at"] - row["started_at"]).total_seconds()
                if not 0 <= active < float("inf"):
                    bad(f"has active_seconds {active!r}, not a number of seconds >= 0")
                if length < 0:
                    bad("ends before it starts")


def _check_ownership(
    conn: Connection,
    pkg: _Package,
    rows: dict[str, list[dict[str, Any]]],
    claimed: dict[str, tuple[str, str]] | None = None,
) -> None:
    """A package may touch only its annotator's rows: every row and tombstone is matched by id **and**
    owner, in every table, against the project and against the other packages of the same import
    (``claimed``: id -> (table, annotator)), and what its rows refer to must be the annotator's too. Ids
    are unique in the package. Raises PackageError (before anything is written) naming the table, the id
    and the owner."""
    name = pkg.annotator["name"]
    if name == "gold":
        raise PackageError(f"{pkg.path}: a package cannot carry the adjudicated (gold) set")
    aid = conn.scalar(select(Annotator.id).where(Annotator.name == name))
    names = dict(conn.execute(select(Annotator.id, Annotator.name)).all())
    claimed = claimed or {}

    def refuse(table: str, row_id: str, whose: str | None, what: str = "is") -> None:
        raise PackageError(
            f"{pkg.path}: {table} {row_id} {what} {whose or 'another annotator'}'s; a package of {name} may "
            f"change only {name}'s labels — nothing merged"
        )

    def twice(row_id: str, where: str) -> None:
        raise PackageError(f"{pkg.path}: id {row_id} appears twice in the package ({where}) — nothing merged")

    # ids unique in the package (rows of any table; tombstones), and one work item / document label a key
    own: dict[str, str] = {}
    for model in (*ROW_TABLES, WorkItem, Suggestion, WorkSession):
        for row in rows[model.__tablename__]:
            if row["id"] in own:
                twice(row["id"], f"{own[row['id']]} and {model.__tablename__}")
            own[row["id"]] = model.__tablename__
    dead: set[str] = set()
    for tomb in rows["tombstones"]:
        if tomb["id"] in dead:
            twice(tomb["id"], "tombstones")
        dead.add(tomb["id"])
        if tomb["table_name"] not in BY_NAME:
            raise PackageError(f"{pkg.path}: a tombstone names an unknown table {tomb['table_name']!r}")
    for table_name, key in (("work_items", ("document_id",)), ("document_labels", ("document_id", "name"))):
        seen: set[tuple] = set()
        for row in rows[table_name]:
            k = tuple(row[c] for c in key)
            if k in seen:
                twice(row["id"], f"{table_name} of the same document")
            seen.add(k)

    # what the package's rows refer to and is not in it: the annotator's rows here
    referred: dict[str, tuple[str, str]] = {}
    for table_name, columns in _REFERENCES.items():
        for row in rows[table_name]:
            for column in columns:
                target = row[column]
                if target and target not in own:
                    referred.setdefault(target, (table_name, row["id"]))

    # every id, row or tombstone or referred to, in every table of the project and of the other packages
    ids = [*own, *dead, *referred]
    for owned in _OWNED:
        table = _table(owned)
        for chunk in _chunks(ids):
            found = conn.execute(select(table.c.id, table.c.annotator_id).where(table.c.id.in_(chunk)))
            for row_id, owner in found:
                if owner != aid:
                    _refuse_id(refuse, table.name, row_id, names.get(owner), referred)
    for row_id in ids:
        other = claimed.get(row_id)
        if other is not None and other[1] != name:
            _refuse_id(refuse, other[0], row_id, other[1], referred, "in another package of this import ")


def _refuse_id(refuse, table: str, row_id: str, whose: str | None, referred, where: str = "") -> None:
    by = f"(referred to by {referred[row_id][0]} {referred[row_id][1]}) " if row_id in referred else ""
    refuse(table, row_id, whose, f"{by}{where}is")


def _claim(claimed: dict[str, tuple[str, str]], pkg: _Package, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Record the ids a checked package will write, for the checks of the other packages of the import."""
    for table_name, table_rows in rows.items():
        for row in table_rows:
            claimed.setdefault(row["id"], (table_name, pkg.annotator["name"]))


def _comparable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("created_at", "updated_at")}


#: the rows each table's rows refer to (besides documents and annotators)
_TARGETS = {
    EventArgument: (("event_id", Event), ("entity_id", Entity), ("filler_event_id", Event)),
    Relation: (("from_entity_id", Entity), ("to_entity_id", Entity)),
    TargetedSentiment: (("entity_id", Entity), ("event_id", Event)),
    IncidentMention: (("event_id", Event), ("incident_id", Incident)),
}


def _with_targets(
    conn: Connection, model, rows: list[dict[str, Any]], report: MergeReport
) -> list[dict[str, Any]]:
    """Leave out rows whose entity or event was deleted here (more recently than the package's version)."""
    targets = _TARGETS.get(model)
    if not targets or not rows:
        return rows
    present: dict[Any, set[str]] = {}
    for column, target in targets:
        wanted = list({r[column] for r in rows if r[column]})
        if wanted:
            table = _table(target)
            present.setdefault(target, set()).update(
                r["id"] for r in _select_in(conn, table, table.c.id, wanted)
            )
    kept = []
    for row in rows:
        missing = [row[c] for c, t in targets if row[c] and row[c] not in present.get(t, set())]
        if missing:
            report.conflicts.append(
                f"{model.__tablename__} {row['id']}: left out, it refers to "
                f"{', '.join(missing)}, deleted here"
            )
        else:
            kept.append(row)
    return kept


def _merge(
    conn: Connection, pkg: _Package, report: MergeReport, rows: dict[str, list[dict[str, Any]]]
) -> None:
    # the annotator, by name (ids differ between files)
    aid = conn.scalar(select(Annotator.id).where(Annotator.name == pkg.annotator["name"]))
    if aid is None:
        aid = conn.execute(
            insert(Annotator)
            .values(
                name=pkg.annotator["name"],
                role="annotator",  # a package never brings a role (a lead's or adjudicator's) with it
                created_at=pkg.annotator["created_at"],
            )
            .returning(Annotator.id)
        ).scalar_one()

    def local_row(row: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {k: as_utc(v) if isinstance(v, datetime) else v for k, v in row.items()}
        if "annotator_id" in out:
            out["annotator_id"] = aid
        if "document_id" in out:
            out["document_id"] = pkg.doc_map[out["document_id"]]
        return out

    _merge_sessions(conn, pkg, report, rows.get(WorkSession.__tablename__, []), aid)
    tombs = {r["id"]: local_row(r) for r in rows["tombstones"]}
    ids = [r["id"] for name in rows if name != "tombstones" for r in rows[name]] + list(tombs)
    local_tombs = {r["id"]: r for r in _select_in(conn, Tombstone.__table__, Tombstone.__table__.c.id, ids)}

    # rows: insert, update (later wins), or leave
    for model in (*ROW_TABLES, WorkItem):
        table = _table(model)
        incoming = [local_row(r) for r in rows[table.name]]
        if not incoming:
            continue
        existing: dict[Any, dict[str, Any]]
        key: Callable[[dict[str, Any]], Any]
        if model is WorkItem:  # one per (document, annotator): match on that, not on the id
            existing = {
                (r["document_id"], r["annotator_id"]): r
                for r in _select_in(conn, table, table.c.document_id, [r["document_id"] for r in incoming])
                if r["annotator_id"] == aid
            }
            key = lambda r: (r["document_id"], r["annotator_id"])  # noqa: E731
        elif model is IncidentMention:  # one per event: match on it (linked in both places, two ids)
            existing = {
                r["event_id"]: r
                for r in _select_in(conn, table, table.c.event_id, [r["event_id"] for r in incoming])
                if r["annotator_id"] == aid
            }
            key = lambda r: r["event_id"]  # noqa: E731
        elif model is DocumentLabel:
            existing = {
                (r["document_id"], r["annotator_id"], r["name"]): r
                for r in _select_in(conn, table, table.c.document_id, [r["document_id"] for r in incoming])
                if r["annotator_id"] == aid
            }
            key = lambda r: (r["document_id"], r["annotator_id"], r["name"])  # noqa: E731
        else:
            existing = {r["id"]: r for r in _select_in(conn, table, table.c.id, [r["id"] for r in incoming])}
            key = lambda r: r["id"]  # noqa: E731
        fresh = []
        for row in incoming:
            mine = existing.get(key(row))
            if mine is None:
                dead = local_tombs.get(row["id"])
                if dead is not None and as_utc(dead["deleted_at"]) >= row["updated_at"]:
                    report.unchanged += 1  # deleted here after this version was made
                    continue
                fresh.append(row)
                if dead is not None:
                    forget_tombstone(conn, row["id"], aid)
                continue
            if _comparable({**row, "id": mine["id"]}) == _comparable(mine):
                report.unchanged += 1
                continue
            what = f"{table.name} {row['id']}"
            if later_wins(conn, table, mine, row, aid):  # the stored row is aid's: checked, and again
                report.updated += 1
                report.conflicts.append(
                    f"{what}: the package's later change ({row['updated_at']}) replaced "
                    f"the project's ({mine['updated_at']})"
                )
            else:
                report.conflicts.append(
                    f"{what}: kept the project's later change ({mine['updated_at']}) over "
                    f"the package's ({row['updated_at']})"
                )
        fresh = _with_targets(conn, model, fresh, report)
        if fresh:
            insert_rows(conn, table, fresh)
            report.added += len(fresh)

    # deletions: a tombstone wins over an older row, loses to a newer one
    for table_name in (
        "event_arguments",
        "relations",
        "targeted_sentiments",
        "document_labels",
        "incident_mentions",
        "events",
        "entities",
        "incidents",
    ):
        model = BY_NAME[table_name]
        table = _table(model)
        buried = [t for t in tombs.values() if t["table_name"] == table_name]
        if not buried:
            continue
        alive = {r["id"]: r for r in _select_in(conn, table, table.c.id, [t["id"] for t in buried])}
        for tomb in buried:
            living = alive.get(tomb["id"])
            if living is None:
                continue
            if as_utc(living["updated_at"]) <= tomb["deleted_at"]:
                delete_where(conn, table, table.c.id == tomb["id"], table.c.annotator_id == aid)
                report.deleted += 1
            else:
                report.conflicts.append(
                    f"{table_name} {tomb['id']}: kept, changed here after it was deleted in the package"
                )
    # remember the deletions (the later date wins)
    merge_tombstones(conn, list(tombs.values()), local_tombs, aid)
    _merge_suggestions(conn, [local_row(r) for r in rows["suggestions"] if r["status"] != "open"], report)


def _merge_sessions(
    conn: Connection, pkg: _Package, report: MergeReport, rows: list[dict[str, Any]], aid: int
) -> None:
    """Work sessions (time spent, issue 18): a new one is added; the same session (its id) from this
    package and an earlier one, or from two packages, counts once, its later end kept (a session saved
    again after the first package was made); a session of a document the package does not hold is left
    out and said in the report."""
    table = _table(WorkSession)
    incoming = []
    for row in rows:
        local = pkg.doc_map.get(row["document_id"])
        if local is None:
            report.conflicts.append(
                f"work_sessions {row['id']}: left out, its document ({row['document_id']} in the package) "
                "is not one of the package's documents"
            )
            continue
        fixed = {k: as_utc(v) if isinstance(v, datetime) else v for k, v in row.items()}
        incoming.append({**fixed, "annotator_id": aid, "document_id": local})
    stored = {r["id"]: r for r in _select_in(conn, table, table.c.id, [r["id"] for r in incoming])}
    fresh = []
    for row in incoming:
        mine = stored.get(row["id"])
        if mine is None:
            fresh.append(row)
        elif as_utc(mine["ended_at"]) < row["ended_at"]:
            update_where(
                conn,
                WorkSession,
                {k: row[k] for k in ("ended_at", "active_seconds", "labels")},
                table.c.id == row["id"],
                table.c.annotator_id == aid,
            )
            report.sessions += 1
    insert_rows(conn, table, fresh)
    report.sessions += len(fresh)


def _merge_kb(conn: Connection, pkg: _Package, report: MergeReport, project: Project) -> None:
    """The package's knowledge base: entries and aliases by UUID, the later change winning; edits by an
    annotator the lead does not allow to edit are listed (as conflicts) and not merged."""
    labels = project.schema.entity_type_names
    merged = kb.merge_package(conn, pkg.path, kb.read_package_rows(pkg.copy), pkg.annotator["name"], labels)
    report.kb_added += merged.added  # apart from the label counts of the summary
    report.kb_updated += merged.updated
    report.kb_refused += merged.refused
    report.conflicts += merged.refused


def _queue_reviews(conn: Connection, pkg: _Package) -> None:
    """The package's annotations of types split since it was made wait for review, like the project's."""
    if not pkg.reviews:
        return
    aid = conn.scalar(select(Annotator.id).where(Annotator.name == pkg.annotator["name"]))
    ids = [r["id"] for r in pkg.reviews]
    present: set[str] = set()
    for model in (Entity, Event):
        for chunk in _chunks(ids):
            present.update(conn.execute(select(model.id).where(model.id.in_(chunk))).scalars())
    queued: set[str] = set()
    for chunk in _chunks(ids):
        queued.update(conn.execute(select(SchemaReview.id).where(SchemaReview.id.in_(chunk))).scalars())
    fresh = [
        {**r, "annotator_id": aid, "document_id": pkg.doc_map.get(r["document_id"], r["document_id"])}
        for r in pkg.reviews
        if r["id"] in present and r["id"] not in queued
    ]
    insert_rows(conn, SchemaReview.__table__, fresh)


def _merge_suggestions(conn: Connection, incoming: list[dict[str, Any]], report: MergeReport) -> None:
    """Decided suggestions: new ones are added (replacing an open one of the same span and label here);
    one decided in both places keeps the later decision."""
    if not incoming:
        return
    table = _table(Suggestion)
    known = {r["id"]: r for r in _select_in(conn, table, table.c.id, [r["id"] for r in incoming])}
    fresh = []
    for row in incoming:
        mine = known.get(row["id"])
        if mine is None:
            delete_where(
                conn,
                Suggestion,
                Suggestion.document_id == row["document_id"],
                Suggestion.annotator_id == row["annotator_id"],
                Suggestion.status == "open",
                Suggestion.kind == row["kind"],
                Suggestion.start == row["start"],
                Suggestion.end == row["end"],
                Suggestion.label == row["label"],
            )
            fresh.append(row)
        elif (mine["status"], mine["annotation_id"]) != (row["status"], row["annotation_id"]):
            if mine["decided_at"] is None or row["decided_at"] > as_utc(mine["decided_at"]):
                update_where(
                    conn,
                    Suggestion,
                    dict(
                        status=row["status"], annotation_id=row["annotation_id"], decided_at=row["decided_at"]
                    ),
                    Suggestion.id == row["id"],
                    Suggestion.annotator_id == row["annotator_id"],
                )
                report.updated += 1
        else:
            report.unchanged += 1
    if fresh:
        insert_rows(conn, Suggestion, fresh)
        report.added += len(fresh)


def import_packages(
    project: Project,
    paths: list[str | Path],
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
) -> MergeReport:
    """Merge returned packages, each all or nothing; raises PackageError naming the bad file."""
    pid = project_id(project)
    packages: list[_Package] = []
    claimed: dict[str, tuple[str, str]] = {}  # ids of the packages checked so far -> (table, annotator)
    try:
        for p in paths:  # every check before any write
            pkg = _read_package(project, Path(p), pid)
            packages.append(pkg)
            rows = pkg.rows()
            _check_values(pkg, rows)
            with project.engine.connect() as conn:
                _check_ownership(conn, pkg, rows, claimed)
            _claim(claimed, pkg, rows)
            del rows
        claimed.clear()
        report = MergeReport()
        for n, pkg in enumerate(packages, 1):
            if cancel is not None:
                cancel.check()
            rows = pkg.rows()
            try:
                with project.engine.begin() as conn:
                    _check_ownership(conn, pkg, rows)  # again, in the transaction that writes
                    _merge(conn, pkg, report, rows)
                    _queue_reviews(conn, pkg)
                    _merge_kb(conn, pkg, report, project)
            except (IntegrityError, DataError) as exc:
                reason = str(exc.orig).splitlines()[0][:200]
                raise PackageError(
                    f"{pkg.path}: refused by the project's database ({reason}); nothing of it was merged"
                ) from None
            del rows
            pkg.discard()
            report.packages += 1
            progress(n, len(packages), f"merged {Path(pkg.path).name}")
        return report
    finally:
        for pkg in packages:
            pkg.discard()
