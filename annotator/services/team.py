"""The team of a project: annotators with roles, assignment of documents with overlap, and blind mode.

* Every annotator has a role (:data:`annotator.store.models.ROLES`): ``annotator`` labels documents,
  ``adjudicator`` and ``lead`` may also see everyone's work.
* :func:`assign` gives every document one annotator and a reproducible random fraction of the documents
  (``overlap``) ``per_doc`` different annotators, keeping workloads balanced. Running it again keeps work
  already started and may move only assignments nobody has started.
* Blind mode (the project setting ``blind``, on unless set to ``"false"``): an annotator never sees other
  annotators' labels; :func:`visible_annotator` says whose labels a viewer may see.

No Qt here.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, delete, func, insert, select, union, update

from annotator.errors import AnnotatorError
from annotator.services.project import Project
from annotator.settings import Settings
from annotator.store.models import (
    ROLES,
    Annotator,
    Assignment,
    Document,
    DocumentLabel,
    Entity,
    Event,
    Relation,
    Setting,
    TargetedSentiment,
    WorkItem,
    new_uuid,
    utcnow,
)

BLIND_KEY = "blind"
STARTED_STATUSES = ("in_progress", "done", "skipped")


def annotator_for(project: Project, settings: Settings) -> str:
    """Who labels in a window on ``project``: a work package's own annotator, else the name in the
    settings."""
    package = project.package
    return package["annotator"] if package else settings.annotator


# ---------------------------------------------------------------------------------------------- people


@dataclass(frozen=True)
class AnnotatorInfo:
    """One member of the team as ``annotators list`` shows it."""

    name: str
    role: str
    assigned: int  # documents assigned to them
    done: int  # documents they marked done


@dataclass(frozen=True)
class AnnotatorChange:
    """What :func:`add_annotator` did: ``previous_role`` is None for a new annotator."""

    name: str
    role: str
    previous_role: str | None

    @property
    def created(self) -> bool:
        return self.previous_role is None

    @property
    def changed(self) -> bool:
        return self.previous_role is not None and self.previous_role != self.role

    def summary(self) -> str:
        if self.created:
            return f"added {self.name} ({self.role})"
        if self.changed:
            return f"{self.name}: role changed from {self.previous_role} to {self.role}"
        return f"{self.name} is already {self.role} (unchanged)"


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise AnnotatorError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    return role


def check_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise AnnotatorError("an annotator needs a name")
    if "," in name:
        raise AnnotatorError(f"annotator name {name!r} may not contain a comma")
    return name


def add_annotator(project: Project, name: str, role: str = "annotator") -> AnnotatorChange:
    """Add an annotator with a role; for a name already in the project, set its role."""
    name, role = check_name(name), _check_role(role)
    with project.engine.begin() as conn:
        previous = conn.scalar(select(Annotator.role).where(Annotator.name == name))
        if previous is None:
            conn.execute(insert(Annotator).values(name=name, role=role, created_at=utcnow()))
        elif previous != role:
            conn.execute(update(Annotator).where(Annotator.name == name).values(role=role))
    return AnnotatorChange(name, role, previous)


def list_annotators(project: Project) -> list[AnnotatorInfo]:
    """Every annotator of the project by name, with role, assigned and done counts."""
    assigned = (
        select(Assignment.annotator_id, func.count().label("n")).group_by(Assignment.annotator_id).subquery()
    )
    done = (
        select(WorkItem.annotator_id, func.count().label("n"))
        .where(WorkItem.status == "done")
        .group_by(WorkItem.annotator_id)
        .subquery()
    )
    stmt = (
        select(
            Annotator.name,
            Annotator.role,
            func.coalesce(assigned.c.n, 0),
            func.coalesce(done.c.n, 0),
        )
        .outerjoin(assigned, assigned.c.annotator_id == Annotator.id)
        .outerjoin(done, done.c.annotator_id == Annotator.id)
        .order_by(Annotator.name)
    )
    with project.engine.connect() as conn:
        return [AnnotatorInfo(*row) for row in conn.execute(stmt)]


def annotator_role(project: Project, name: str) -> str | None:
    """The role of the annotator called ``name``, or None when there is none."""
    with project.engine.connect() as conn:
        return conn.scalar(select(Annotator.role).where(Annotator.name == name))


# ---------------------------------------------------------------------------------------------- blind mode


def blind_mode(project: Project) -> bool:
    """Whether blind annotation is on (the default: a missing setting means on)."""
    with project.engine.connect() as conn:
        value = conn.scalar(select(Setting.value).where(Setting.key == BLIND_KEY))
    return value is None or value.strip().lower() != "false"


def set_blind_mode(project: Project, on: bool) -> None:
    value = "true" if on else "false"
    with project.engine.begin() as conn:
        if conn.execute(update(Setting).where(Setting.key == BLIND_KEY).values(value=value)).rowcount == 0:
            conn.execute(insert(Setting).values(key=BLIND_KEY, value=value))


def visible_annotator(project: Project, viewer: str | None) -> str | None:
    """Whose labels ``viewer`` may see: their own name when blind mode is on and they are an annotator
    (role ``annotator``), else None (everyone's). An unknown viewer is an error."""
    if viewer is None:
        return None
    role = annotator_role(project, viewer)
    if role is None:
        raise AnnotatorError(
            f"{viewer!r} is not an annotator of this project (see `annotator annotators list`)"
        )
    if role == "annotator" and blind_mode(project):
        return viewer
    return None


# ---------------------------------------------------------------------------------------------- assignment


@dataclass
class AssignReport:
    documents: int = 0
    seed: int = 0
    per_doc: int = 1
    overlap_documents: int = 0  # documents with more than one annotator after assigning
    added: int = 0
    kept: int = 0  # assignments left as they were (kept_started of them because work had started)
    kept_started: int = 0
    removed: int = 0
    loads: dict[str, int] = field(default_factory=dict)  # per named annotator, after assigning
    #: check documents (``--checks``): None when not asked; else added, kept, removed and marked checks
    checks: tuple[int, int, int, int] | None = None

    def summary(self) -> str:
        lines = [
            f"{self.documents} document(s), {self.overlap_documents} with {self.per_doc}+ annotators "
            f"(seed {self.seed})",
            f"assignments: {self.added} added, {self.kept} kept ({self.kept_started} already started), "
            f"{self.removed} removed",
        ]
        if self.checks is not None:
            added, kept, removed, available = self.checks
            lines.append(
                f"check assignments: {added} added, {kept} kept, {removed} removed "
                f"({available} check document(s) marked)"
            )
        width = max((len(n) for n in self.loads), default=0)
        lines += [f"  {name:<{width}}  {n}" for name, n in self.loads.items()]
        return "\n".join(lines)


def _started_pairs(conn: Connection) -> set[tuple[int, int]]:
    """(document id, annotator id) pairs where the annotator has begun: a started status or any label."""
    parts = [
        select(WorkItem.document_id, WorkItem.annotator_id).where(WorkItem.status.in_(STARTED_STATUSES)),
        *(
            select(model.document_id, model.annotator_id).distinct()
            for model in (Entity, Event, Relation, DocumentLabel, TargetedSentiment)
        ),
    ]
    return {(d, a) for d, a in conn.execute(union(*parts))}


def assign(
    project: Project,
    annotators: list[str],
    *,
    per_doc: int | None = None,
    overlap: float = 0.0,
    seed: int | None = None,
    checks: float | None = None,
) -> AssignReport:
    """Assign every document of the project to the named annotators (who must exist).

    Every document gets one annotator; ``round(overlap × documents)`` documents, drawn with ``seed``, get
    ``per_doc`` different annotators (default 2 when ``overlap`` > 0, else 1). Each assignment goes to the
    least-loaded annotators, ties broken by the seeded generator, so loads differ by at most one where the
    work already started allows it. Same seed and same project state give the same assignment.

    An existing assignment is kept when its annotator has started that document (status in progress,
    done or skipped, or any label); it counts toward the document's annotators and its annotator's load.
    Unstarted assignments may move (when the load is tied, the previous assignee is preferred); the
    kept ones of annotators not named stay too. Without ``seed`` a random one is drawn and reported.

    Check documents (:mod:`annotator.services.checks`) get no regular assignment; with ``checks`` (a share,
    e.g. 0.05) every named annotator is also given check documents (``is_check``) so that they are about
    that share of their assignments (:func:`~annotator.services.checks.check_assignments`); without it,
    check assignments stay as they are.
    """
    names = sorted({check_name(n) for n in annotators})
    if not names:
        raise AnnotatorError("name at least one annotator to assign documents to")
    if not 0.0 <= overlap <= 1.0:
        raise AnnotatorError(f"overlap must be between 0 and 1, not {overlap}")
    if per_doc is None:
        per_doc = min(2, len(names)) if overlap > 0 else 1
    if per_doc < 1:
        raise AnnotatorError(f"--per-doc must be at least 1, not {per_doc}")
    if per_doc > len(names):
        raise AnnotatorError(
            f"--per-doc {per_doc} needs at least {per_doc} annotators, "
            f"but {len(names)} named ({', '.join(names)})"
        )
    if seed is None:
        seed = random.SystemRandom().randrange(2**31)
    rng = random.Random(seed)

    with project.engine.begin() as conn:
        ids = dict(conn.execute(select(Annotator.name, Annotator.id).where(Annotator.name.in_(names))).all())
        missing = [n for n in names if n not in ids]
        if missing:
            raise AnnotatorError(
                f"unknown annotator(s): {', '.join(missing)}; add them first with "
                "`annotator annotators add PROJECT NAME`"
            )
        from annotator.services.checks import check_document_ids

        check_ids = check_document_ids(conn)
        docs = [d for d in conn.scalars(select(Document.id).order_by(Document.id)) if d not in check_ids]
        existing = {
            (d, a): i
            for i, d, a in conn.execute(
                select(Assignment.id, Assignment.document_id, Assignment.annotator_id).where(
                    Assignment.is_check.is_(False)
                )
            )
        }
        started = _started_pairs(conn)

        kept_started = {pair for pair in existing if pair in started}
        on_doc: dict[int, set[int]] = defaultdict(set)  # document -> annotators kept on it
        load = dict.fromkeys(ids.values(), 0)
        for d, a in kept_started:
            on_doc[d].add(a)
            if a in load:
                load[a] += 1
        previous = {pair for pair in existing if pair not in kept_started}

        # which documents get per_doc annotators: those already started by several, then a seeded sample
        k = min(len(docs), round(overlap * len(docs))) if per_doc > 1 else 0
        forced = [d for d in docs if len(on_doc[d]) > 1]
        rest = [d for d in docs if len(on_doc[d]) <= 1]
        multi = set(forced) | set(rng.sample(rest, max(0, k - len(forced))))

        order = [ids[n] for n in names]
        wanted: set[tuple[int, int]] = set()
        for d in docs:
            need = (per_doc if d in multi else 1) - len(on_doc[d])
            if need <= 0:
                continue
            candidates = [a for a in order if a not in on_doc[d]]
            draws = {a: rng.random() for a in candidates}  # always drawn: the stream does not depend on ties
            candidates.sort(key=lambda a: (load[a], (d, a) not in previous, draws[a]))
            for a in candidates[:need]:
                wanted.add((d, a))
                load[a] += 1

        removed = previous - wanted
        added = wanted - previous
        if removed:
            gone = [existing[pair] for pair in removed]
            for i in range(0, len(gone), 500):
                conn.execute(delete(Assignment).where(Assignment.id.in_(gone[i : i + 500])))
        if added:
            now = utcnow()
            conn.execute(
                insert(Assignment),
                [
                    {"id": new_uuid(), "document_id": d, "annotator_id": a, "created_at": now}
                    for d, a in sorted(added)
                ],
            )
        per_document: dict[int, int] = defaultdict(int)
        for d, _a in kept_started | wanted:
            per_document[d] += 1
        check_counts = None
        if checks is not None:
            check_counts = _assign_checks(conn, checks, {a: load[a] for a in order}, rng, started)

    kept = len(kept_started) + len(previous & wanted)
    by_id = {v: k for k, v in ids.items()}
    return AssignReport(
        documents=len(docs),
        seed=seed,
        per_doc=per_doc,
        overlap_documents=sum(1 for n in per_document.values() if n > 1),
        added=len(added),
        kept=kept,
        kept_started=len(kept_started),
        removed=len(removed),
        loads={by_id[a]: load[a] for a in order},
        checks=check_counts,
    )


def _assign_checks(
    conn: Connection, share: float, loads: dict[int, int], rng: random.Random, started: set[tuple[int, int]]
) -> tuple[int, int, int, int]:
    """Check assignments of the named annotators made to fit ``share``: (added, kept, removed, marked)."""
    from annotator.services.checks import check_assignments, insert_check_assignments

    wanted, _kept_started, available = check_assignments(conn, share, loads, rng, started)
    existing = {
        (d, a): i
        for i, d, a in conn.execute(
            select(Assignment.id, Assignment.document_id, Assignment.annotator_id).where(
                Assignment.is_check.is_(True), Assignment.annotator_id.in_(list(loads))
            )
        )
    }
    removed = [i for pair, i in existing.items() if pair not in wanted and pair not in started]
    for i in range(0, len(removed), 500):
        conn.execute(delete(Assignment).where(Assignment.id.in_(removed[i : i + 500])))
    added = wanted - set(existing)
    insert_check_assignments(conn, added)
    return len(added), len(existing) - len(removed), len(removed), available


def assignments(project: Project) -> list[tuple[str, str]]:
    """Every assignment as (document external id, annotator name), sorted; for reports and tests."""
    stmt = (
        select(Document.external_id, Annotator.name)
        .join(Assignment, Assignment.document_id == Document.id)
        .join(Annotator, Annotator.id == Assignment.annotator_id)
        .order_by(Document.external_id, Annotator.name)
    )
    with project.engine.connect() as conn:
        return [(d, a) for d, a in conn.execute(stmt)]


__all__ = [
    "ROLES",
    "AnnotatorChange",
    "AnnotatorInfo",
    "AssignReport",
    "add_annotator",
    "annotator_role",
    "assign",
    "assignments",
    "blind_mode",
    "list_annotators",
    "set_blind_mode",
    "visible_annotator",
]
