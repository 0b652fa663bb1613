"""Documents as an annotator sees them: the work list and one document with its labels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, cast, overload

from sqlalchemy import Connection, String, Table, func, select

from annotator.services.project import Project
from annotator.store.models import Annotator, Assignment, Document, Entity, WorkItem


@dataclass(frozen=True, slots=True)
class DocumentRow:
    """One line of the document list."""

    id: int
    external_id: str
    title: str
    lang: str
    status: str  # the annotator's status ("todo" when the annotator has not started)
    labels: int  # the annotator's entity count
    flagged: bool
    assigned: bool = False  # assigned to the annotator (listed first)


@dataclass(frozen=True)
class DocumentText:
    id: int
    external_id: str
    title: str
    text: str
    meta: dict[str, Any]
    #: False when ``text`` is only the beginning of the document's text (:func:`load_short_text`)
    complete: bool = True


@overload
def annotator_id(project: Project, name: str, *, create: Literal[True] = True) -> int: ...
@overload
def annotator_id(project: Project, name: str, *, create: bool) -> int | None: ...
def annotator_id(project: Project, name: str, *, create: bool = True) -> int | None:
    """The id of the annotator called ``name``, created on first use (with ``create`` False: None for an
    annotator not stored)."""
    with project.engine.begin() as conn:
        return annotator_id_in(conn, name, create=create)


def annotator_id_in(conn: Connection, name: str, *, create: bool = False) -> int | None:
    """:func:`annotator_id` inside a transaction the caller holds."""
    from annotator.store.models import utcnow

    found = conn.scalar(select(Annotator.id).where(Annotator.name == name))
    if found is None and create:
        found = conn.execute(
            # a Table; the declarative base types __table__ as a FromClause
            cast(Table, Annotator.__table__)
            .insert()
            .values(name=name, created_at=utcnow())
            .returning(Annotator.id)
        ).scalar_one()
    return found


def list_documents(project: Project, annotator: int | None) -> list[DocumentRow]:
    """Every document with this annotator's status and label count: the documents assigned to the
    annotator first, then the others, each in import order (two queries; ordering in Python is cheaper
    than making SQLite sort 100,000 joined rows)."""
    counts = (
        select(Entity.document_id, func.count().label("n"))
        .where(Entity.annotator_id == annotator)
        .group_by(Entity.document_id)
        .subquery()
    )
    work = select(WorkItem).where(WorkItem.annotator_id == annotator).subquery()
    lang = func.coalesce(Document.meta["lang"].as_string(), "").cast(String)
    stmt = (
        select(
            Document.id,
            Document.external_id,
            Document.title,
            lang,
            func.coalesce(work.c.status, "todo"),
            func.coalesce(counts.c.n, 0),
            func.coalesce(work.c.flagged, False),
        )
        .outerjoin(work, work.c.document_id == Document.id)
        .outerjoin(counts, counts.c.document_id == Document.id)
        .order_by(Document.id)
    )
    with project.engine.connect() as conn:
        mine = set(conn.scalars(select(Assignment.document_id).where(Assignment.annotator_id == annotator)))
        rows = [
            DocumentRow(doc_id, external_id, title, language, status, labels, bool(flagged), doc_id in mine)
            for doc_id, external_id, title, language, status, labels, flagged in conn.execute(stmt)
        ]
    if mine:
        rows = [r for r in rows if r.assigned] + [r for r in rows if not r.assigned]
    return rows


def document_row(project: Project, annotator: int | None, document_id: int) -> DocumentRow:
    """One row of :func:`list_documents`, fresh (after a change)."""
    with project.engine.connect() as conn:
        doc = conn.execute(
            select(Document.id, Document.external_id, Document.title, Document.meta).where(
                Document.id == document_id
            )
        ).one()
        work = conn.execute(
            select(WorkItem.status, WorkItem.flagged).where(
                WorkItem.document_id == document_id, WorkItem.annotator_id == annotator
            )
        ).first()
        n = conn.scalar(
            select(func.count()).where(Entity.document_id == document_id, Entity.annotator_id == annotator)
        )
        assigned = conn.scalar(
            select(func.count()).where(
                Assignment.document_id == document_id, Assignment.annotator_id == annotator
            )
        )
    meta = doc.meta if isinstance(doc.meta, dict) else {}
    return DocumentRow(
        doc.id,
        doc.external_id,
        doc.title,
        str(meta.get("lang") or ""),
        work.status if work else "todo",
        n or 0,
        bool(work.flagged) if work else False,
        bool(assigned),
    )


def titles(project: Project, document_ids: list[int]) -> dict[int, tuple[str, str]]:
    """``{id: (external id, title)}`` of the documents, in one query (no texts loaded)."""
    with project.engine.connect() as conn:
        rows = conn.execute(
            select(Document.id, Document.external_id, Document.title).where(Document.id.in_(document_ids))
        )
        return {r.id: (r.external_id, r.title) for r in rows}


def newest_document(project: Project) -> int:
    """The highest document id (0 when there is none): one index look-up, cheap enough to poll, so a
    window notices documents another process (``annotator import``) added."""
    with project.engine.connect() as conn:
        return conn.scalar(select(func.max(Document.id))) or 0


def load_text(project: Project, document_id: int) -> DocumentText:
    with project.engine.connect() as conn:
        row = conn.execute(
            select(Document.id, Document.external_id, Document.title, Document.text, Document.meta).where(
                Document.id == document_id
            )
        ).one()
    return DocumentText(row.id, row.external_id, row.title, row.text, row.meta or {})


def load_short_text(project: Project, document_id: int, at_most: int) -> DocumentText:
    """The document with its text when the text has at most ``at_most`` characters; a longer one with only
    its first ``at_most + 1`` characters and ``complete`` False, so that a caller who must not wait long
    (the window's GUI thread) reads a long text with :func:`load_text` elsewhere. One query, which hands
    over at most ``at_most + 1`` characters (the database still reads the stored value: about 5–20 ms
    for a 20 MB text on SQLite, against 30–60 ms to hand all of it to Python)."""
    head = func.substr(Document.text, 1, at_most + 1).label("head")
    with project.engine.connect() as conn:
        row = conn.execute(
            select(Document.id, Document.external_id, Document.title, head, Document.meta).where(
                Document.id == document_id
            )
        ).one()
    text = row.head or ""
    return DocumentText(
        row.id, row.external_id, row.title, text, row.meta or {}, complete=len(text) <= at_most
    )
