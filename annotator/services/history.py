"""The audit trail of annotations: who made, changed and deleted each one and when, per document or for
the whole project, readable and exportable (``annotator history``).

It is put together from what the store keeps anyway — every annotation row's creation time and annotator,
the annotation history (each row as it was before a change or a deletion, and as an undo put it back:
``store/writes.py`` writes it on every edit) — and the schema versions (a rename, merge, drop or split
applied by the lead changes many annotations at once: one entry says who applied which mapping when).
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Table, select

from annotator.errors import AnnotatorError
from annotator.services.project import Project
from annotator.store.models import (
    LABEL_TABLES,
    AnnotationHistory,
    Annotator,
    Document,
    Event,
    EventArgument,
    SchemaVersion,
)

ACTIONS = ("created", "changed", "deleted", "restored", "schema")
CSV_COLUMNS = ("at", "action", "document", "annotator", "table", "row_id", "what", "before", "after")


@dataclass(frozen=True)
class HistoryEntry:
    """One event in an annotation's life. ``before``/``after`` are the row as it was and as it became (None
    where there was, or is, no row); ``what`` says in a few words what the row is. A ``created`` entry's
    ``after`` is the row as it was made, or as it is when no person changed it since (a schema version
    renames rows without a history entry each: its own entry names the mapping, and the row keeps the
    number of the version it was made under)."""

    at: str  # ISO 8601, UTC
    action: str  # one of ACTIONS
    document: str  # the document's external id ("" for a schema version)
    annotator: str  # whose annotation (for a schema version: who applied it)
    table: str
    row_id: str
    what: str
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "action": self.action,
            "document": self.document,
            "annotator": self.annotator,
            "table": self.table,
            "row_id": self.row_id,
            "what": self.what,
            "before": self.before,
            "after": self.after,
        }


def _iso(value: Any) -> str:
    """A time as ISO 8601 in UTC with microseconds (SQLite gives stored times back naive, in UTC)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.isoformat(timespec="microseconds")
    return ""


def _plain(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in row.items()}


def describe(table: str, row: dict[str, Any], text: str = "") -> str:
    """A few words naming an annotation row: ``entity 12-18 GPE «पहलगाम»``, ``event ATTACK 30-34`` …"""
    if table == "entities":
        surface = text[row["start"] : row["end"]] if text else ""
        return f"entity {row['start']}-{row['end']} {row['label']}" + (f" «{surface}»" if surface else "")
    if table == "events":
        return f"event {row['type']} {row['trigger_start']}-{row['trigger_end']}"
    if table == "event_arguments":
        return f"argument {row['role']}"
    if table == "relations":
        return f"relation {row['type']}"
    if table == "document_labels":
        return f"{row['name']} = {row['value']}"
    if table == "targeted_sentiments":
        return f"sentiment {row['polarity']}"
    return table


def history(project: Project, *, document: str | None = None) -> list[HistoryEntry]:
    """Every entry of the audit trail, oldest first: of one document (by external id) or of all."""
    with project.engine.connect() as conn:
        return _history(conn, document)


def _history(conn: Connection, document: str | None) -> list[HistoryEntry]:
    names = dict(conn.execute(select(Annotator.id, Annotator.name)).all())
    doc_query = select(Document.id, Document.external_id, Document.text)
    if document is not None:
        doc_query = doc_query.where(Document.external_id == document)
    docs = {d: (ext, text) for d, ext, text in conn.execute(doc_query)}
    if document is not None and not docs:
        raise AnnotatorError(f"no document {document!r} in this project")
    wanted = list(docs) if document is not None else None
    entries: list[HistoryEntry] = []
    sequence: dict[int, int] = {}  # id(entry) -> its place in its row's life (for entries of one instant)
    current: dict[str, tuple[str, dict[str, Any], int]] = {}  # row id -> (table, row, document id)
    for model in LABEL_TABLES:
        table = cast(Table, model.__table__)
        if model is EventArgument:
            query = select(table, Event.document_id.label("_document")).join(
                Event, Event.id == table.c.event_id
            )
            if wanted is not None:
                query = query.where(Event.document_id.in_(wanted))
        else:
            query = select(table)
            if wanted is not None:
                query = query.where(table.c.document_id.in_(wanted))
        for r in conn.execute(query):
            row = dict(r._mapping)
            doc = row.pop("_document", None) or row["document_id"]
            current[row["id"]] = (model.__tablename__, row, doc)
    past: dict[str, list[Any]] = defaultdict(list)
    query = select(AnnotationHistory).order_by(AnnotationHistory.id)
    if wanted is not None:
        query = query.where(AnnotationHistory.document_id.in_(wanted))
    for h in conn.execute(query):
        past[h.row_id].append(h)
    for row_id in set(current) | set(past):
        steps = past.get(row_id, [])
        now = current.get(row_id)
        table_name: str = now[0] if now else steps[0].table_name
        doc = now[2] if now else steps[0].document_id
        ext, text = docs.get(doc, ("", ""))
        # the row as it was made: before its first change or deletion, else as it is
        created_row = _plain(steps[0].before) if steps else _plain(now[1]) if now else {}
        owner_id = created_row.get("annotator_id")
        owner = names.get(owner_id, str(owner_id)) if isinstance(owner_id, int) else ""
        entries.append(
            made := HistoryEntry(
                _iso(created_row.get("created_at")),
                "created",
                ext,
                owner,
                table_name,
                row_id,
                describe(table_name, created_row, text),
                None,
                created_row,
            )
        )
        sequence[id(made)] = 0
        for i, step in enumerate(steps):
            later = steps[i + 1] if i + 1 < len(steps) else None
            if step.action == "changed":
                after = _plain(later.before) if later is not None else (_plain(now[1]) if now else None)
            elif step.action == "restored":
                after = _plain(step.before)
            else:
                after = None
            before = None if step.action == "restored" else _plain(step.before)
            entries.append(
                entry := HistoryEntry(
                    _iso(step.at),
                    step.action,
                    ext,
                    owner,
                    table_name,
                    row_id,
                    describe(table_name, after or before or {}, text) if (after or before) else table_name,
                    before,
                    after,
                )
            )
            sequence[id(entry)] = i + 1
    for number, by, at, mapping, summary in conn.execute(
        select(
            SchemaVersion.number,
            SchemaVersion.applied_by,
            SchemaVersion.applied_at,
            SchemaVersion.mapping,
            SchemaVersion.summary,
        ).where(SchemaVersion.number > 1)
    ):
        entries.append(
            HistoryEntry(
                _iso(at),
                "schema",
                "",
                by or "",
                "schema_versions",
                str(number),
                f"schema version {number}: {summary}",
                None,
                {"mapping": json.loads(mapping) if mapping else {}},
            )
        )
    entries.sort(key=lambda e: (e.at, e.document, e.row_id, sequence.get(id(e), 0)))
    return entries


def write_csv(entries: list[HistoryEntry], out: str | Path) -> int:
    """The entries as CSV (``CSV_COLUMNS``; before and after as JSON text); returns how many rows."""
    from annotator.fileio import atomic_file

    out = Path(out)
    if out.exists():
        raise AnnotatorError(f"{out}: already exists")
    lines: list[list[str]] = []
    for e in entries:
        lines.append(
            [
                e.at,
                e.action,
                e.document,
                e.annotator,
                e.table,
                e.row_id,
                e.what,
                json.dumps(e.before, ensure_ascii=False) if e.before is not None else "",
                json.dumps(e.after, ensure_ascii=False) if e.after is not None else "",
            ]
        )
    with atomic_file(out, "w", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerows(lines)
    return len(lines)


__all__ = ["ACTIONS", "CSV_COLUMNS", "HistoryEntry", "describe", "history", "write_csv"]
