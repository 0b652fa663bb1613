"""Export a project as native JSONL, one document a line, streaming.

Documents are read in id order in batches; the annotations of a batch are fetched with one query per table
for the batch's id range (no per-document queries), so export time grows linearly and memory stays flat.
Output is deterministic: annotators by name, entities by (start, end, label, id), events by trigger, so
export → import into a new project → export gives identical bytes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Text, select, type_coerce

from annotator.annotations import Document
from annotator.fileio import atomic_file, staging_dir
from annotator.progress import CancelFlag, Cancelled, ProgressCallback, no_progress
from annotator.services.kb import describe_links, link_details
from annotator.services.project import Project
from annotator.services.team import visible_annotator
from annotator.store.database import json_dumps
from annotator.store.models import Document as DocumentRow
from annotator.store.reading import BATCH_SIZE, count_documents, read_batches


@dataclass
class ExportReport:
    documents: int = 0
    annotated: int = 0
    path: str = ""


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _metas(conn: Connection, documents: list[Document]) -> dict[int, str]:
    """The documents' meta as stored JSON text (written canonical: compact, sorted keys, UTF-8), to be
    spliced into the line as is rather than decoded and encoded again."""
    ids = [d.id for d in documents]
    out = {}
    for doc_id, meta in conn.execute(
        select(DocumentRow.id, type_coerce(DocumentRow.meta, Text)).where(
            DocumentRow.id.between(ids[0], ids[-1])
        )
    ):
        out[doc_id] = meta if isinstance(meta, str) else json_dumps(meta)  # psycopg decodes JSON itself
    return out


def _incidents(conn: Connection, documents: list[Document]) -> dict[str, dict[str, Any]]:
    """The incident mentions of the documents' events: event id → ``{"id": incident, "figures": …}`` (the
    figures only when the source gives some), as the event's ``"incident"`` in native JSONL."""
    from annotator.store.models import IncidentMention

    ids = [d.id for d in documents]
    out: dict[str, dict[str, Any]] = {}
    for event_id, incident_id, figures in conn.execute(
        select(IncidentMention.event_id, IncidentMention.incident_id, IncidentMention.figures).where(
            IncidentMention.document_id.between(ids[0], ids[-1])
        )
    ):
        out[event_id] = {"id": incident_id, "figures": figures} if figures else {"id": incident_id}
    return out


def _with_incidents(blocks: list[dict[str, Any]], incidents: dict[str, dict[str, Any]]) -> None:
    for block in blocks:
        for event in block.get("events") or ():
            found = incidents.get(event.get("id"))
            if found is not None:
                event["incident"] = found


def _sessions(conn: Connection, documents: list[Document], only: str | None) -> dict[tuple[int, str], list]:
    """The work sessions of the documents (by document id and annotator name), of ``only`` when given."""
    from annotator.services.timing import sessions_by_document

    found = sessions_by_document(conn, low=documents[0].id, high=documents[-1].id)
    return found if only is None else {k: v for k, v in found.items() if k[1] == only}


def _with_time(doc: Document, blocks: list[dict[str, Any]], sessions: dict[tuple[int, str], list]) -> None:
    """Each annotator's time spent on the document as their block's ``"time"`` (issue 18); an annotator
    with time and no block (opened, nothing labelled yet) gets a block with status ``todo``."""
    from annotator.annotations import AnnotationSet
    from annotator.services.timing import time_block

    names = {name for doc_id, name in sessions if doc_id == doc.id}
    if not names:
        return
    for name in names - {b["annotator"] for b in blocks}:
        blocks.append(AnnotationSet(name, "todo").to_native(doc.text))
    blocks.sort(key=lambda b: b["annotator"])
    for block in blocks:
        found = sessions.get((doc.id, block["annotator"]))
        if found:
            block["time"] = time_block(found)


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
        total = count_documents(conn)
        annotators = [only] if only is not None else None
        for documents in read_batches(conn, annotators=annotators, batch_size=batch_size, cancel=cancel):
            metas = _metas(conn, documents)
            incidents = _incidents(conn, documents)
            sessions = _sessions(conn, documents, only)
            links = link_details(conn, documents)  # links carry their entry's name and type
            lines = []
            for doc in documents:
                anns = doc.blocks()
                if links:
                    describe_links(anns, links)
                if incidents:
                    _with_incidents(anns, incidents)
                report.annotated += bool(anns)
                if sessions:
                    _with_time(doc, anns, sessions)
                lines.append(
                    f'{{"id":{_dumps(doc.external_id)},"title":{_dumps(doc.title)},"text":{_dumps(doc.text)},'
                    f'"meta":{metas[doc.id]},"annotations":{_dumps(anns) if anns else "[]"}}}'
                )
            out.write("\n".join(lines))
            out.write("\n")
            report.documents += len(documents)
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
        total = count_documents(conn)
        readable = [only] if only is not None else None
        for documents in read_batches(conn, annotators=readable, cancel=cancel):
            for doc in documents:
                doc_id, ext_id, text = doc.id, doc.external_id, doc.text
                anns = doc.blocks()
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
            report.documents += len(documents)
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
