"""Offline work packages: one annotator's documents and labels in a file they open, work on, and return.

A package is itself a project file (same schema, same migrations) holding the annotator's assigned
documents, their labels and tombstones so far, and a header (settings key ``package``): the project's
id, the annotator, the schema fingerprint. The annotator opens it in the app like any project.

Merging a returned package is:

* **safe** — refused, with nothing written, when the file is not SQLite, fails SQLite's integrity check,
  belongs to another project or schema, holds a document whose text does not match its hash or is not in
  the project, or holds labels of anyone but the annotator it was made for;
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
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from annotator.errors import AnnotatorError
from annotator.fileio import scratch_folder, sweep, temp_name
from annotator.services.progress import CancelFlag, ProgressCallback, no_progress
from annotator.services.project import Project, open_project
from annotator.store.database import ProjectOpenError, open_database
from annotator.store.models import (
    Annotator,
    Assignment,
    Document,
    DocumentLabel,
    Entity,
    Event,
    EventArgument,
    Relation,
    Setting,
    Suggestion,
    TargetedSentiment,
    Tombstone,
    WorkItem,
    utcnow,
)

FORMAT = 1
CHUNK = 500
#: label tables in the order rows can be inserted (what they refer to first)
TABLES = (Entity, Event, EventArgument, Relation, DocumentLabel, TargetedSentiment)
BY_NAME = {m.__tablename__: m for m in (*TABLES, WorkItem)}


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

    def summary(self) -> str:
        return (
            f"{self.packages} package(s): {self.added} added, {self.updated} updated, "
            f"{self.deleted} deleted, {self.unchanged} unchanged, "
            f"{len(self.conflicts)} conflict(s) resolved by time"
        )


def project_id(project: Project) -> str:
    """The project's identity (made on first use), which its packages carry."""
    found = project.setting("project_id")
    if found is None:
        found = str(uuid.uuid4())
        project.set_setting("project_id", found)
    return found


def _chunks(items: list, size: int = CHUNK):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _select_in(conn: Connection, table, column, values: list) -> list[dict[str, Any]]:
    out = []
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
                        model = (
                            Suggestion if name == Suggestion.__tablename__ else BY_NAME.get(name, Tombstone)
                        )
                        target.execute(insert(model.__table__), table_rows)
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
    for model in (*TABLES, WorkItem, Tombstone, Suggestion):
        table = model.__table__
        if model is EventArgument:
            event_ids = [r["id"] for r in out["events"]]
            out["event_arguments"] = _select_in(conn, table, table.c.event_id, event_ids)
            continue
        rows = _select_in(conn, table, table.c.document_id, doc_ids)
        out[table.name] = [
            r
            for r in rows
            if r["annotator_id"] == annotator_id
            and r["document_id"] in doc_set
            and (model is not Suggestion or r["status"] != "open")
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

    def rows(self) -> dict[str, list[dict[str, Any]]]:
        """Every label row, work item and tombstone: read when this package is merged, one at a time."""
        con = open_database(self.copy, create=False).engine
        try:
            with con.connect() as conn:
                return {
                    model.__tablename__: [dict(r._mapping) for r in conn.execute(select(model.__table__))]
                    for model in (*TABLES, WorkItem, Tombstone, Suggestion)
                }
        finally:
            con.dispose()

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


def _check(project: Project, package: Project, path: Path, pid: str, copy: Path) -> _Package:
    header = package.package
    if header is None:
        raise PackageError(f"{path}: not a work package (a project file without a package header)")
    if header.get("project_id") != pid:
        raise PackageError(f"{path}: a package of another project ({header.get('project_id')})")
    if (
        header.get("schema_fingerprint") != project.schema.fingerprint
        or package.schema.fingerprint != project.schema.fingerprint
    ):
        raise PackageError(f"{path}: made with another label schema than this project's")
    name = header.get("annotator")
    with package.engine.connect() as conn:
        people = [dict(r._mapping) for r in conn.execute(select(Annotator))]
        person = next((p for p in people if p["name"] == name), None)
        if person is None:
            raise PackageError(f"{path}: the package's annotator {name!r} is missing from it")
        owners: set[int] = set()
        for model in (*TABLES, WorkItem, Tombstone, Suggestion):
            owners.update(conn.execute(select(model.annotator_id).distinct()).scalars())
        strangers = owners - {person["id"]}
        if strangers:
            names = sorted(p["name"] for p in people if p["id"] in strangers) or sorted(map(str, strangers))
            raise PackageError(f"{path}: holds labels of {', '.join(names)}, but it was made for {name} only")
        documents = {}
        for doc_id, ext_id, digest, text in conn.execute(
            select(Document.id, Document.external_id, Document.content_hash, Document.text)
        ):
            if hashlib.sha256(text.encode("utf-8")).hexdigest() != digest:
                raise PackageError(f"{path}: the text of document {ext_id} was altered")
            documents[doc_id] = (ext_id, digest)
        for model in (
            Entity,
            Event,
            Relation,
            DocumentLabel,
            TargetedSentiment,
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
    return _Package(str(path), copy, header, person, doc_map)


#: How far in the future a time in a package may lie (laptop clocks drift; a row dated years ahead would
#: win every later merge by its time).
CLOCK_TOLERANCE = timedelta(days=1)
_TIME_COLUMNS = ("created_at", "updated_at", "deleted_at", "decided_at")


def _check_ownership(conn: Connection, pkg: _Package, rows: dict[str, list[dict[str, Any]]]) -> None:
    """A package may touch only its annotator's rows: every row and tombstone is matched by id **and**
    owner against the project, and what its rows refer to must be the annotator's too. Raises
    PackageError (before anything is written) naming the table, the id and the owner."""
    name = pkg.annotator["name"]
    if name == "gold":
        raise PackageError(f"{pkg.path}: a package cannot carry the adjudicated (gold) set")
    aid = conn.scalar(select(Annotator.id).where(Annotator.name == name))
    names = dict(conn.execute(select(Annotator.id, Annotator.name)).all())

    def refuse(table: str, row_id: str, owner: int | None, what: str = "") -> None:
        whose = names.get(owner, "another annotator") if owner is not None else "another annotator"
        raise PackageError(
            f"{pkg.path}: {table} {row_id} {what or 'is'} {whose}'s here; a package of {name} may change "
            f"only {name}'s labels — nothing merged"
        )

    limit = utcnow() + CLOCK_TOLERANCE
    for table_name, table_rows in rows.items():
        for row in table_rows:
            for column in _TIME_COLUMNS:
                value = row.get(column)
                if isinstance(value, datetime) and _utc(value) > limit:
                    raise PackageError(
                        f"{pkg.path}: {table_name} {row.get('id')} is dated {value:%Y-%m-%d %H:%M}, in the "
                        "future (check the laptop's clock) — nothing merged"
                    )

    # rows with owners of their own, matched by id (work items and document labels by their key too)
    for model in (Entity, Event, Relation, DocumentLabel, TargetedSentiment, WorkItem, Suggestion, Tombstone):
        table = model.__table__
        for mine in _select_in(conn, table, table.c.id, [r["id"] for r in rows[table.name]]):
            if mine["annotator_id"] != aid:
                refuse(table.name, mine["id"], mine["annotator_id"])

    # arguments belong to their event's annotator
    package_events = {r["id"] for r in rows["events"]}
    own_events = package_events | {
        r["id"]
        for r in _select_in(
            conn, Event.__table__, Event.__table__.c.id, [r["event_id"] for r in rows["event_arguments"]]
        )
        if r["annotator_id"] == aid
    }
    arg_table = EventArgument.__table__
    for mine in _select_in(conn, arg_table, arg_table.c.id, [r["id"] for r in rows["event_arguments"]]):
        owner = conn.scalar(select(Event.annotator_id).where(Event.id == mine["event_id"]))
        if owner != aid:
            refuse("event_arguments", mine["id"], owner)
    for row in rows["event_arguments"]:
        if row["event_id"] not in own_events:
            owner = conn.scalar(select(Event.annotator_id).where(Event.id == row["event_id"]))
            if owner is not None:
                refuse("event_arguments", row["id"], owner, "belongs to an event that is")

    # what rows refer to: the annotator's own entities and events (in the package or here)
    own = {
        Entity: {r["id"] for r in rows["entities"]},
        Event: package_events,
    }
    for model, targets in _TARGETS.items():
        for column, target in targets:
            wanted = [
                r[column] for r in rows[model.__tablename__] if r[column] and r[column] not in own[target]
            ]
            table = target.__table__
            for found in _select_in(conn, table, table.c.id, wanted):
                if found["annotator_id"] != aid:
                    refuse(target.__tablename__, found["id"], found["annotator_id"], "(referred to) is")

    # tombstones may delete only the annotator's rows
    for tomb in rows["tombstones"]:
        model = BY_NAME.get(tomb["table_name"])
        if model is None:
            raise PackageError(f"{pkg.path}: a tombstone names an unknown table {tomb['table_name']!r}")
        table = model.__table__
        target = conn.execute(select(table).where(table.c.id == tomb["id"])).first()
        if target is None:
            continue
        target = dict(target._mapping)
        owner = (
            conn.scalar(select(Event.annotator_id).where(Event.id == target["event_id"]))
            if model is EventArgument
            else target.get("annotator_id")
        )
        if owner != aid:
            refuse(tomb["table_name"], tomb["id"], owner, "(a deletion in the package) is")


def _utc(value: datetime) -> datetime:
    """Times as aware UTC: SQLite gives them back naive (stored as UTC), PostgreSQL aware."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _comparable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in ("created_at", "updated_at")}


#: the rows each table's rows refer to (besides documents and annotators)
_TARGETS = {
    EventArgument: (("event_id", Event), ("entity_id", Entity), ("filler_event_id", Event)),
    Relation: (("from_entity_id", Entity), ("to_entity_id", Entity)),
    TargetedSentiment: (("entity_id", Entity), ("event_id", Event)),
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
            table = target.__table__
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


def _merge(conn: Connection, pkg: _Package, report: MergeReport) -> None:
    rows = pkg.rows()
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
        out = {k: _utc(v) if isinstance(v, datetime) else v for k, v in row.items()}
        if "annotator_id" in out:
            out["annotator_id"] = aid
        if "document_id" in out:
            out["document_id"] = pkg.doc_map[out["document_id"]]
        return out

    tombs = {r["id"]: local_row(r) for r in rows["tombstones"]}
    ids = [r["id"] for name in rows if name != "tombstones" for r in rows[name]] + list(tombs)
    local_tombs = {r["id"]: r for r in _select_in(conn, Tombstone.__table__, Tombstone.__table__.c.id, ids)}

    # rows: insert, update (later wins), or leave
    for model in (*TABLES, WorkItem):
        table = model.__table__
        incoming = [local_row(r) for r in rows[table.name]]
        if not incoming:
            continue
        if model is WorkItem:  # one per (document, annotator): match on that, not on the id
            existing = {
                (r["document_id"], r["annotator_id"]): r
                for r in _select_in(conn, table, table.c.document_id, [r["document_id"] for r in incoming])
                if r["annotator_id"] == aid
            }
            key = lambda r: (r["document_id"], r["annotator_id"])  # noqa: E731
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
                if dead is not None and _utc(dead["deleted_at"]) >= row["updated_at"]:
                    report.unchanged += 1  # deleted here after this version was made
                    continue
                fresh.append(row)
                if dead is not None:
                    conn.execute(delete(Tombstone).where(Tombstone.id == row["id"]))
                continue
            if _comparable({**row, "id": mine["id"]}) == _comparable(mine):
                report.unchanged += 1
                continue
            what = f"{table.name} {row['id']}"
            if row["updated_at"] > _utc(mine["updated_at"]):
                values = {k: v for k, v in row.items() if k not in ("id", "created_at")}
                conn.execute(update(table).where(table.c.id == mine["id"]).values(**values))
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
            conn.execute(insert(table), fresh)
            report.added += len(fresh)

    # deletions: a tombstone wins over an older row, loses to a newer one
    for table_name in (
        "event_arguments",
        "relations",
        "targeted_sentiments",
        "document_labels",
        "events",
        "entities",
    ):
        model = BY_NAME[table_name]
        table = model.__table__
        dead = [t for t in tombs.values() if t["table_name"] == table_name]
        if not dead:
            continue
        alive = {r["id"]: r for r in _select_in(conn, table, table.c.id, [t["id"] for t in dead])}
        for tomb in dead:
            row = alive.get(tomb["id"])
            if row is None:
                continue
            if _utc(row["updated_at"]) <= tomb["deleted_at"]:
                conn.execute(delete(table).where(table.c.id == tomb["id"]))
                report.deleted += 1
            else:
                report.conflicts.append(
                    f"{table_name} {tomb['id']}: kept, changed here after it was deleted in the package"
                )
    # remember the deletions (the later date wins)
    new_tombs = []
    for tomb in tombs.values():
        mine = local_tombs.get(tomb["id"])
        if mine is None:
            new_tombs.append(tomb)
        elif tomb["deleted_at"] > _utc(mine["deleted_at"]):
            conn.execute(
                update(Tombstone).where(Tombstone.id == tomb["id"]).values(deleted_at=tomb["deleted_at"])
            )
    if new_tombs:
        conn.execute(insert(Tombstone), new_tombs)
    _merge_suggestions(conn, [local_row(r) for r in rows["suggestions"] if r["status"] != "open"], report)


def _merge_suggestions(conn: Connection, incoming: list[dict[str, Any]], report: MergeReport) -> None:
    """Decided suggestions: new ones are added (replacing an open one of the same span and label here);
    one decided in both places keeps the later decision."""
    if not incoming:
        return
    table = Suggestion.__table__
    known = {r["id"]: r for r in _select_in(conn, table, table.c.id, [r["id"] for r in incoming])}
    fresh = []
    for row in incoming:
        mine = known.get(row["id"])
        if mine is None:
            conn.execute(
                delete(Suggestion).where(
                    Suggestion.document_id == row["document_id"],
                    Suggestion.annotator_id == row["annotator_id"],
                    Suggestion.status == "open",
                    Suggestion.kind == row["kind"],
                    Suggestion.start == row["start"],
                    Suggestion.end == row["end"],
                    Suggestion.label == row["label"],
                )
            )
            fresh.append(row)
        elif (mine["status"], mine["annotation_id"]) != (row["status"], row["annotation_id"]):
            if mine["decided_at"] is None or row["decided_at"] > _utc(mine["decided_at"]):
                conn.execute(
                    update(Suggestion)
                    .where(Suggestion.id == row["id"])
                    .values(
                        status=row["status"], annotation_id=row["annotation_id"], decided_at=row["decided_at"]
                    )
                )
                report.updated += 1
        else:
            report.unchanged += 1
    if fresh:
        conn.execute(insert(Suggestion), fresh)
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
    try:
        for p in paths:  # every check before any write
            pkg = _read_package(project, Path(p), pid)
            packages.append(pkg)
            with project.engine.connect() as conn:
                _check_ownership(conn, pkg, pkg.rows())
        report = MergeReport()
        for n, pkg in enumerate(packages, 1):
            if cancel is not None:
                cancel.check()
            with project.engine.begin() as conn:
                _merge(conn, pkg, report)
            pkg.discard()
            report.packages += 1
            progress(n, len(packages), f"merged {Path(pkg.path).name}")
        return report
    finally:
        for pkg in packages:
            pkg.discard()
