"""Check documents (issue 18): documents whose adjudicated gold scores the annotators who are given them.

* The lead marks documents with gold as checks (:func:`mark_checks`; ``annotator checks add``); a document
  without gold is refused with one line, and nothing is marked.
* ``annotator assign … --checks SHARE`` (:func:`annotator.services.team.assign`) mixes checks into every
  named annotator's assignments (``Assignment.is_check``) with :func:`check_assignments`, and gives check
  documents no regular assignment (their gold is known).
* Blind: nothing an annotator sees tells a check from other work — the document list, its filters, the
  window and a work package carry no trace of it (a package's assignments are made afresh, without the
  flag, and ``check_documents`` never travels).
* Scored apart from agreement: :func:`check_scores` gives, per annotator and layer, the annotator's finished
  work on the checks they were assigned as checks against gold — precision, recall and F1 for entities and
  events (:class:`annotator.agreement.adjudication.ScoreCounts`, the figures of ``scores_against_gold``),
  accuracy and Krippendorff's alpha (:func:`annotator.agreement.coefficients.krippendorff_alpha`) for the
  document tone.
* Never counted twice in datasets: an annotator's labels on a check document are an exam, not data; the
  dataset export takes a check document's gold only (:mod:`annotator.services.datasets`).

No Qt here.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, union

from annotator.annotations import GOLD
from annotator.errors import AnnotatorError
from annotator.services.project import Project
from annotator.store.models import (
    Annotator,
    Assignment,
    CheckDocument,
    Document,
    DocumentLabel,
    Entity,
    Event,
    GoldProvenance,
    new_uuid,
    utcnow,
)

#: the layers a check scores
CHECK_LAYERS = ("entities", "events", "tone")


# ---------------------------------------------------------------------------------------------- marking


def check_document_ids(conn: Connection) -> set[int]:
    """Store ids of the documents marked as checks."""
    return set(conn.scalars(select(CheckDocument.document_id)))


def _resolve(conn: Connection, external_ids: Iterable[str]) -> dict[str, list[int]]:
    """External id -> the store ids of the documents with it; an id no document has is an error."""
    wanted = list(dict.fromkeys(external_ids))
    if not wanted:
        raise AnnotatorError("name at least one document (its id as imported)")
    for e in wanted:  # bytes that are not UTF-8 on the command line: no stored id is that
        if any("\ud800" <= ch <= "\udfff" for ch in e):
            raise AnnotatorError(f"no document with id {e!r} here (not UTF-8 text); nothing changed")
    found: dict[str, list[int]] = {}
    for i in range(0, len(wanted), 500):
        for doc_id, ext in conn.execute(
            select(Document.id, Document.external_id).where(Document.external_id.in_(wanted[i : i + 500]))
        ):
            found.setdefault(ext, []).append(doc_id)
    missing = [e for e in wanted if e not in found]
    if missing:
        raise AnnotatorError(f"no document with id {missing[0]!r} in this project; nothing changed")
    return {e: sorted(found[e]) for e in wanted}


def documents_with_gold(conn: Connection, document_ids: Iterable[int] | None = None) -> set[int]:
    """The documents with adjudicated gold: a gold decision recorded, or gold labels."""
    gold = select(Annotator.id).where(Annotator.name == GOLD).scalar_subquery()
    parts = [select(GoldProvenance.document_id)] + [
        select(model.document_id).where(model.annotator_id == gold)
        for model in (Entity, Event, DocumentLabel)
    ]
    out = set(conn.scalars(union(*parts)))
    return out if document_ids is None else out & set(document_ids)


def mark_checks(project: Project, external_ids: Iterable[str], marked_by: str | None = None) -> list[str]:
    """Mark documents as checks; returns the ids newly marked (one already marked is left as it is). A
    document without gold is refused (one line) and nothing is marked."""
    with project.engine.begin() as conn:
        docs = _resolve(conn, external_ids)
        with_gold = documents_with_gold(conn, [d for ids in docs.values() for d in ids])
        for ext, ids in docs.items():
            if any(d not in with_gold for d in ids):
                raise AnnotatorError(
                    f"document {ext} has no adjudicated gold: only a document with gold can be a check "
                    "(adjudicate it first); nothing marked"
                )
        marked = check_document_ids(conn)
        by = None
        if marked_by is not None:
            by = conn.scalar(select(Annotator.id).where(Annotator.name == marked_by))
        fresh = [(ext, d) for ext, ids in docs.items() for d in ids if d not in marked]
        if fresh:
            now = utcnow()
            conn.execute(
                insert(CheckDocument),
                [{"document_id": d, "marked_by": by, "marked_at": now} for _ext, d in fresh],
            )
    return list(dict.fromkeys(ext for ext, _d in fresh))


def unmark_checks(project: Project, external_ids: Iterable[str]) -> list[str]:
    """Unmark documents; returns the ids that were checks. Their check assignments not started yet go
    (the annotator never sees them); started ones stay, as ordinary work."""
    with project.engine.begin() as conn:
        docs = _resolve(conn, external_ids)
        marked = check_document_ids(conn)
        gone = [(ext, d) for ext, ids in docs.items() for d in ids if d in marked]
        if gone:
            conn.execute(delete(CheckDocument).where(CheckDocument.document_id.in_([d for _e, d in gone])))
    if gone:
        unmark_assignments(project, [d for _ext, d in gone])
    return list(dict.fromkeys(ext for ext, _d in gone))


def toggle_check(project: Project, document_id: int, lead: str) -> str:
    """Mark the document as a check, or unmark it when it is one (the window's Team → Mark as check);
    only a lead may. Returns the line to show; raises AnnotatorError (one line) when refused."""
    from annotator.services.team import annotator_role

    if annotator_role(project, lead) != "lead":
        raise AnnotatorError("only a lead marks check documents")
    with project.engine.connect() as conn:
        ext = conn.scalar(select(Document.external_id).where(Document.id == document_id))
        if ext is None:
            raise AnnotatorError(f"no document with id {document_id}")
        marked = document_id in check_document_ids(conn)
    if marked:
        with project.engine.begin() as conn:
            conn.execute(delete(CheckDocument).where(CheckDocument.document_id == document_id))
        unmark_assignments(project, [document_id])
        return f"{ext} is no longer a check document."
    with project.engine.begin() as conn:
        if not documents_with_gold(conn, [document_id]):
            raise AnnotatorError(
                f"document {ext} has no adjudicated gold: only a document with gold can be a check "
                "(adjudicate it first)"
            )
        by = conn.scalar(select(Annotator.id).where(Annotator.name == lead))
        conn.execute(insert(CheckDocument).values(document_id=document_id, marked_by=by, marked_at=utcnow()))
    return (
        f"{ext} is a check document now: `annotator assign … --checks SHARE` gives it to annotators, blind."
    )


def unmark_assignments(project: Project, document_ids: list[int]) -> None:
    """The check assignments of documents no longer checks: those not started go, started ones stay."""
    from annotator.services.team import _started_pairs

    with project.engine.begin() as conn:
        started = _started_pairs(conn)
        for row_id, doc_id, aid in conn.execute(
            select(Assignment.id, Assignment.document_id, Assignment.annotator_id).where(
                Assignment.document_id.in_(document_ids), Assignment.is_check.is_(True)
            )
        ).all():
            if (doc_id, aid) not in started:
                conn.execute(delete(Assignment).where(Assignment.id == row_id))


@dataclass(frozen=True)
class CheckInfo:
    external_id: str
    title: str
    marked_by: str | None
    marked_at: datetime
    assigned: int  # annotators given it as a check


def list_checks(project: Project) -> list[CheckInfo]:
    with project.engine.connect() as conn:
        assigned: dict[int, int] = {}
        for (doc_id,) in conn.execute(select(Assignment.document_id).where(Assignment.is_check.is_(True))):
            assigned[doc_id] = assigned.get(doc_id, 0) + 1
        rows = conn.execute(
            select(
                CheckDocument.document_id,
                Document.external_id,
                Document.title,
                Annotator.name,
                CheckDocument.marked_at,
            )
            .join(Document, Document.id == CheckDocument.document_id)
            .outerjoin(Annotator, Annotator.id == CheckDocument.marked_by)
            .order_by(Document.external_id, Document.id)
        ).all()
    return [CheckInfo(ext, title, by, at, assigned.get(d, 0)) for d, ext, title, by, at in rows]


# ---------------------------------------------------------------------------------------------- assigning


def checks_for(share: float, load: int) -> int:
    """How many checks an annotator with ``load`` regular documents is given so that checks are about
    ``share`` of all their assignments: ``round(share × load / (1 − share))``, at least one when there is a
    share and a load."""
    if share <= 0 or load <= 0:
        return 0
    return max(1, round(share * load / (1.0 - share))) if share < 1 else load


def check_assignments(
    conn: Connection,
    share: float,
    loads: dict[int, int],
    rng: random.Random,
    started: set[tuple[int, int]],
) -> tuple[set[tuple[int, int]], set[tuple[int, int]], int]:
    """(wanted check pairs, check pairs kept because started, checks available) for the annotators of
    ``loads`` (annotator id -> regular documents). An annotator already holding check assignments keeps
    those (up to their number), and is given more from the checks they have never worked on, drawn with
    ``rng``; a document the annotator labelled or was assigned as regular work is never their check."""
    if not 0.0 <= share < 1.0:
        raise AnnotatorError(f"--checks must be a share from 0 up to (not including) 1, not {share}")
    checks = sorted(check_document_ids(conn))
    existing: dict[int, list[int]] = {}
    regular: set[tuple[int, int]] = set()
    for doc_id, aid, is_check in conn.execute(
        select(Assignment.document_id, Assignment.annotator_id, Assignment.is_check)
    ):
        if is_check:
            existing.setdefault(aid, []).append(doc_id)
        else:
            regular.add((doc_id, aid))
    wanted: set[tuple[int, int]] = set()
    kept_started: set[tuple[int, int]] = set()
    check_set = set(checks)
    for aid in sorted(loads):
        mine = sorted(d for d in existing.get(aid, []) if d in check_set)
        for d in mine:
            if (d, aid) in started:
                kept_started.add((d, aid))
        need = checks_for(share, loads[aid])
        keep = [d for d in mine if (d, aid) in started]
        keep += [d for d in mine if (d, aid) not in started][: max(0, need - len(keep))]
        pool = [d for d in checks if d not in mine and (d, aid) not in started and (d, aid) not in regular]
        draws = {d: rng.random() for d in pool}  # always drawn: the stream does not depend on the share
        pool.sort(key=lambda d: draws[d])
        chosen = keep + pool[: max(0, need - len(keep))]
        wanted.update((d, aid) for d in chosen)
    return wanted, kept_started, len(checks)


def insert_check_assignments(conn: Connection, pairs: Iterable[tuple[int, int]]) -> None:
    rows = [
        {"id": new_uuid(), "document_id": d, "annotator_id": a, "is_check": True, "created_at": utcnow()}
        for d, a in sorted(pairs)
    ]
    if rows:
        conn.execute(insert(Assignment), rows)


# ---------------------------------------------------------------------------------------------- scores


def check_scores(project: Project, *, include_unfinished: bool = False) -> dict[str, dict[str, Any]]:
    """Each annotator's score on the checks they were given as checks, per layer, against gold:
    ``{"asha": {"entities": {"precision", "recall", "f1", "units"}, "events": {…}, "tone": {"accuracy",
    "alpha", "units"}}}`` (``units``: check documents scored; a figure is None when undefined; a layer
    the checks' gold does not have is left out). Only finished work counts (``include_unfinished``: any
    labels)."""
    from annotator.agreement.adjudication import check_scores_of
    from annotator.annotations import Layer
    from annotator.store.reading import read_batches

    tone_name = project.schema.document_sentiment.name if project.schema.document_sentiment else None
    with project.engine.connect() as conn:
        names = dict(conn.execute(select(Annotator.id, Annotator.name)).all())
        given: dict[int, set[str]] = {}
        for doc_id, aid in conn.execute(
            select(Assignment.document_id, Assignment.annotator_id)
            .join(CheckDocument, CheckDocument.document_id == Assignment.document_id)
            .where(Assignment.is_check.is_(True))
        ):
            given.setdefault(doc_id, set()).add(names[aid])
        if not given:
            return {}
        batches = read_batches(
            conn,
            documents=sorted(given),
            layers=(Layer.ENTITIES, Layer.EVENTS, Layer.TONE, Layer.STATUS),
            with_text=False,
            presence=include_unfinished,
        )
        return check_scores_of(batches, given, tone_name, include_unfinished=include_unfinished)


def format_check_scores(scores: dict[str, dict[str, Any]]) -> str:
    def fmt(x: Any) -> str:
        return "-" if x is None else f"{x:.3f}" if isinstance(x, float) else str(x)

    lines = ["on checks         layer     precision  recall  f1     accuracy  alpha  documents"]
    for name, layers in scores.items():
        for layer in CHECK_LAYERS:
            s = layers.get(layer)
            if s is None:
                continue
            lines.append(
                f"  {name:<16}{layer:<10}{fmt(s.get('precision')):>9}  {fmt(s.get('recall')):>6}  "
                f"{fmt(s.get('f1')):>5}  {fmt(s.get('accuracy')):>8}  {fmt(s.get('alpha')):>5}  {s['units']}"
            )
    return "\n".join(lines)


__all__ = [
    "CHECK_LAYERS",
    "CheckInfo",
    "check_assignments",
    "check_document_ids",
    "check_scores",
    "checks_for",
    "documents_with_gold",
    "format_check_scores",
    "list_checks",
    "mark_checks",
    "toggle_check",
    "unmark_checks",
]
