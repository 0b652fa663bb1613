"""Export a project as native JSONL, one document a line, streaming.

Documents are read in id order in batches; the annotations of a batch are fetched with one query per table
for the batch's id range (no per-document queries), so export time grows linearly and memory stays flat.
Output is deterministic: annotators by name, entities by (start, end, label, id), events by trigger, so
export → import into a new project → export gives identical bytes.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Text, func, select, type_coerce

from annotator.fileio import atomic_file, staging_dir
from annotator.progress import CancelFlag, Cancelled, ProgressCallback, no_progress
from annotator.services.project import Project
from annotator.services.team import visible_annotator
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
)

BATCH_SIZE = 2000


@dataclass
class ExportReport:
    documents: int = 0
    annotated: int = 0
    path: str = ""


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _loads(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def has_labels(annotation: dict[str, Any]) -> bool:
    """Whether an annotation block (as :class:`_Batch` builds it) holds any label."""
    a = annotation
    return bool(a["entities"] or a["events"] or a["document"] or a["sentiment"] or a["relations"])


def _entity(eid, start, end, label, text, attrs, link_id, link_name) -> dict[str, Any]:
    out = {
        "id": eid,
        "start": start,
        "end": end,
        "label": label,
        "text": text[start:end],
        "attributes": _loads(attrs),
    }
    if link_id is not None:
        out["link"] = {"id": link_id, "name": link_name} if link_name is not None else {"id": link_id}
    return out


class _Batch:
    """Annotations of documents with ids in [lo, hi], grouped by (document id, annotator id)."""

    def __init__(self, conn: Connection, lo: int, hi: int, annotators: dict[int, str]):
        self.annotators = annotators
        in_range = lambda col: col.between(lo, hi)  # noqa: E731
        self.status: dict[tuple[int, int], str] = {
            (d, a): s
            for d, a, s in conn.execute(
                select(WorkItem.document_id, WorkItem.annotator_id, WorkItem.status).where(
                    in_range(WorkItem.document_id)
                )
            )
        }
        self.entities = defaultdict(list)
        for row in conn.execute(
            select(
                Entity.document_id,
                Entity.annotator_id,
                Entity.id,
                Entity.start,
                Entity.end,
                Entity.label,
                Entity.attributes,
                Entity.link_id,
                Entity.link_name,
            )
            .where(in_range(Entity.document_id))
            .order_by(Entity.start, Entity.end, Entity.label, Entity.id)
        ):
            self.entities[(row[0], row[1])].append(row[2:])
        self.events = defaultdict(list)
        for row in conn.execute(
            select(
                Event.document_id,
                Event.annotator_id,
                Event.id,
                Event.type,
                Event.trigger_start,
                Event.trigger_end,
                Event.attributes,
            )
            .where(in_range(Event.document_id))
            .order_by(Event.trigger_start, Event.trigger_end, Event.type, Event.id)
        ):
            self.events[(row[0], row[1])].append(row[2:])
        self.arguments = defaultdict(list)
        for event_id, role, entity_id, filler_event_id in conn.execute(
            select(
                EventArgument.event_id,
                EventArgument.role,
                EventArgument.entity_id,
                EventArgument.filler_event_id,
            )
            .join(Event, Event.id == EventArgument.event_id)
            .where(in_range(Event.document_id))
            .order_by(EventArgument.event_id, EventArgument.position, EventArgument.id)
        ):
            self.arguments[event_id].append((role, entity_id or filler_event_id))
        self.relations = defaultdict(list)
        for d, a, rid, rtype, source, target, attrs in conn.execute(
            select(
                Relation.document_id,
                Relation.annotator_id,
                Relation.id,
                Relation.type,
                Relation.from_entity_id,
                Relation.to_entity_id,
                Relation.attributes,
            )
            .where(in_range(Relation.document_id))
            .order_by(Relation.type, Relation.from_entity_id, Relation.to_entity_id, Relation.id)
        ):
            self.relations[(d, a)].append(
                {"id": rid, "type": rtype, "from": source, "to": target, "attributes": _loads(attrs)}
            )
        self.labels = defaultdict(dict)
        for d, a, name, value in conn.execute(
            select(
                DocumentLabel.document_id, DocumentLabel.annotator_id, DocumentLabel.name, DocumentLabel.value
            )
            .where(in_range(DocumentLabel.document_id))
            .order_by(DocumentLabel.name)
        ):
            self.labels[(d, a)][name] = value
        self.sentiments = defaultdict(list)
        for d, a, entity_id, event_id, polarity in conn.execute(
            select(
                TargetedSentiment.document_id,
                TargetedSentiment.annotator_id,
                TargetedSentiment.entity_id,
                TargetedSentiment.event_id,
                TargetedSentiment.polarity,
            )
            .where(in_range(TargetedSentiment.document_id))
            .order_by(func.coalesce(TargetedSentiment.entity_id, TargetedSentiment.event_id))
        ):
            self.sentiments[(d, a)].append({"target": entity_id or event_id, "polarity": polarity})
        keys = (
            set(self.status)
            | set(self.entities)
            | set(self.events)
            | set(self.relations)
            | set(self.labels)
            | set(self.sentiments)
        )
        self.by_document: dict[int, list[int]] = defaultdict(list)
        for d, a in sorted(keys, key=lambda k: (k[0], annotators[k[1]])):
            self.by_document[d].append(a)

    def annotations(self, document_id: int, text: str) -> list[dict[str, Any]]:
        out = []
        for aid in self.by_document.get(document_id, ()):
            key = (document_id, aid)
            out.append(
                {
                    "annotator": self.annotators[aid],
                    "status": self.status.get(key, "in_progress"),
                    "entities": [
                        _entity(eid, s, e, label, text, attrs, link_id, link_name)
                        for eid, s, e, label, attrs, link_id, link_name in self.entities.get(key, ())
                    ],
                    "events": [
                        {
                            "id": eid,
                            "type": etype,
                            "trigger": {"start": s, "end": e, "text": text[s:e]},
                            "arguments": [{"role": r, "entity": f} for r, f in self.arguments.get(eid, ())],
                            "attributes": _loads(attrs),
                        }
                        for eid, etype, s, e, attrs in self.events.get(key, ())
                    ],
                    "relations": self.relations.get(key, []),
                    "document": self.labels.get(key, {}),
                    "sentiment": self.sentiments.get(key, []),
                }
            )
        return out


def document_annotations(
    project: Project, conn: Connection, document_id: int, text: str
) -> list[dict[str, Any]]:
    """One document's native annotation blocks (every annotator's), as the JSONL export writes them."""
    annotators = dict(conn.execute(select(Annotator.id, Annotator.name)).all())
    return _Batch(conn, document_id, document_id, annotators).annotations(document_id, text)


def document_batches(project: Project, conn: Connection, batch_size: int, cancel: CancelFlag | None):
    """(rows, annotations) per batch of documents in id order; rows are (id, external id, title, text,
    meta as stored JSON text)."""
    annotators = dict(conn.execute(select(Annotator.id, Annotator.name)).all())
    last_id = 0
    while True:
        if cancel is not None:
            cancel.check()
        # meta is read as its stored JSON text (written canonical: compact, sorted keys, UTF-8) and
        # spliced into the line as is, rather than decoded and encoded again.
        rows = conn.execute(
            select(
                Document.id,
                Document.external_id,
                Document.title,
                Document.text,
                type_coerce(Document.meta, Text),
            )
            .where(Document.id > last_id)
            .order_by(Document.id)
            .limit(batch_size)
        ).all()
        if not rows:
            return
        yield rows, _Batch(conn, rows[0][0], rows[-1][0], annotators)
        last_id = rows[-1][0]


def write_jsonl(
    project: Project,
    out: IO[str],
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
    batch_size: int = BATCH_SIZE,
    viewer: str | None = None,
) -> ExportReport:
    """Native JSONL to ``out``. With ``viewer`` (an annotator of the project), export what that person may
    see: in blind mode an annotator (role ``annotator``) sees only their own annotations."""
    only = visible_annotator(project, viewer)  # None: everyone's
    report = ExportReport()
    with project.engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(Document)) or 0
        for rows, batch in document_batches(project, conn, batch_size, cancel):
            lines = []
            for doc_id, ext_id, title, text, meta in rows:
                if not isinstance(meta, str):  # drivers that decode JSON columns themselves (psycopg)
                    meta = json_dumps(meta)
                anns = batch.annotations(doc_id, text)
                if only is not None:
                    anns = [a for a in anns if a["annotator"] == only]
                report.annotated += bool(anns)
                lines.append(
                    f'{{"id":{_dumps(ext_id)},"title":{_dumps(title)},"text":{_dumps(text)},'
                    f'"meta":{meta},"annotations":{_dumps(anns) if anns else "[]"}}}'
                )
            out.write("\n".join(lines))
            out.write("\n")
            report.documents += len(rows)
            progress(report.documents, total, "exporting")
    return report


_UNSAFE_NAME = re.compile(r'[<>:"\\|?*\x00-\x1f]')


def brat_file_name(external_id: str) -> str:
    """A relative file name for a document id: path separators kept, characters that some file systems
    refuse replaced by ``_``, and no ``..`` parts."""
    parts = [
        _UNSAFE_NAME.sub("_", p)
        for p in external_id.replace("\\", "/").split("/")
        if p not in ("", ".", "..")
    ]
    return "/".join(parts) or "document"


def export_brat(
    project: Project,
    folder: str | Path,
    *,
    annotator: str | None = None,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
    viewer: str | None = None,
) -> ExportReport:
    """brat standoff: one ``NAME.txt`` + ``NAME.ann`` per document, for one annotator (brat has one set of
    annotations per document). Without ``annotator``, a document annotated by several people is an error.
    Written into a temporary folder renamed into place when complete; ``folder`` must not exist yet or be
    empty. Titles and document-level labels have no brat form and are not written. ``viewer``: as in
    :func:`write_jsonl` (in blind mode an annotator exports only their own annotations)."""
    from annotator.errors import AnnotatorError
    from annotator.formats import brat

    only = visible_annotator(project, viewer)  # None: everyone's
    if only is not None and annotator not in (None, only):
        raise AnnotatorError(
            f"blind annotation: {only} may export only their own annotations, not {annotator}'s"
        )

    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise AnnotatorError(f"{folder}: exists and is not an empty folder")
    if not folder.parent.exists():
        raise AnnotatorError(f"{folder}: folder {folder.parent} does not exist")
    equivalence = {
        r.name for r in getattr(project.schema, "relations", ()) if getattr(r, "equivalence", False)
    }
    report = ExportReport()
    used: set[str] = set()
    # a staging folder beside the target becomes it when complete (annotator.fileio)
    with staging_dir(folder) as tmp, project.engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(Document)) or 0
        for rows, batch in document_batches(project, conn, BATCH_SIZE, cancel):
            for doc_id, ext_id, _title, text, _meta in rows:
                anns = batch.annotations(doc_id, text)
                if only is not None:
                    anns = [a for a in anns if a["annotator"] == only]
                if annotator is not None:
                    anns = [a for a in anns if a["annotator"] == annotator]
                elif len(anns) > 1:
                    names = ", ".join(a["annotator"] for a in anns)
                    raise AnnotatorError(
                        f"document {ext_id}: annotated by {names}; choose one with --annotator"
                    )
                name = brat_file_name(ext_id)
                if name in used:
                    name = f"{name}-{doc_id}"
                used.add(name)
                try:
                    brat.write_document(
                        tmp,
                        name,
                        text,
                        _explicit_false(anns[0], project.schema) if anns else None,
                        equivalence_types=equivalence,
                    )
                except ValueError as exc:
                    raise AnnotatorError(f"document {ext_id}: cannot be written as brat: {exc}") from exc
                report.annotated += bool(anns)
            report.documents += len(rows)
            progress(report.documents, total, "exporting")
    report.path = str(folder)
    return report


def _explicit_false(block: dict[str, Any], schema: Any) -> dict[str, Any]:
    """``block`` with each unset flag (``false``) whose schema default is true written ``"false"``: brat
    writes a flag only when set, and an import gives a missing attribute its default, which would turn it on
    again (the brat import reads ``false`` back as the flag unset)."""
    for key, owner, type_key in (
        ("entities", "entity", "label"),
        ("events", "event", "type"),
        ("relations", "relation", "type"),
    ):
        for item in block.get(key) or ():
            attributes = item.get("attributes") or {}
            if not any(value is False for value in attributes.values()):
                continue
            try:
                defaults = schema.attribute_defaults(owner, item.get(type_key))
            except (KeyError, ValueError, TypeError, AttributeError):
                continue
            item["attributes"] = {
                name: "false" if value is False and defaults.get(name) is True else value
                for name, value in attributes.items()
            }
    return block


def export_jsonl(
    project: Project,
    path: str | Path,
    *,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
    viewer: str | None = None,
) -> ExportReport:
    """Write native JSONL to ``path`` atomically: a temporary file renamed into place when complete, so a
    failed or cancelled export never leaves a truncated file behind (or clobbers an older good one).
    ``viewer``: as in :func:`write_jsonl`."""
    path = Path(path)
    with atomic_file(path) as fh:
        report = write_jsonl(project, fh, progress=progress, cancel=cancel, viewer=viewer)
    report.path = str(path)
    return report


__all__ = ["Cancelled", "ExportReport", "export_brat", "export_jsonl", "write_jsonl"]
