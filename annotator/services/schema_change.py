"""Changing a project's label schema mid-project without losing an annotation: show the versions, diff a new
schema against what is stored, apply it (renames, merges, drops and splits rewrite the stored rows in one
transaction, after a backup), and the review queue of split types.

The rules:

* what the new schema adds (types, roles, attributes, values, hotkeys, colours, guidelines) applies at once;
* a rename or merge rewrites every row that carries the name — annotations of every annotator and gold,
  events' roles, relations, open and decided suggestions, gold provenance — and keeps the rows' ids and
  times (a mechanical rewrite is not a change that should win a later merge; work packages made under the
  older version replay the same mapping on their rows, see :func:`replay`);
* a type, role, attribute or value the new schema lacks is refused while annotations use it, naming the
  counts, unless the mapping renames, merges, drops or splits it; ``--drop`` deletes the annotations (and
  what hangs on them: arguments, relations, sentiment) or removes the attribute or value from them;
* a split gives each annotation of the old type one of the new types provisionally (the gazetteer's type
  when it knows the span, else the first), and queues it for a person to confirm (:func:`review_queue`);
* each application is a numbered :class:`~annotator.store.models.SchemaVersion` with who applied it, when,
  and the mapping; the rows still marked "current" are stamped with the version being replaced, so every
  annotation records the version it was made under;
* a new schema that does not parse, a mapping with unknown names, or one that would leave an annotation
  invalid is refused with every problem listed and nothing changed; applying the version in force again
  changes nothing.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Text, cast, func, insert, or_, select

from annotator.errors import AnnotatorError
from annotator.progress import CancelFlag, ProgressCallback, no_progress
from annotator.schema import Schema, SchemaError
from annotator.schema.checks import entity_problem, event_problem, relation_problem, sentiment_problem
from annotator.schema.evolution import (
    DROP,
    KEEP,
    MERGE,
    REMOVED,
    RENAME,
    SPLIT,
    Plan,
    SchemaMapping,
    make_plan,
)
from annotator.services.project import SCHEMA_KEY, Project
from annotator.store.models import (
    LABEL_TABLES,
    Annotator,
    Document,
    DocumentLabel,
    Entity,
    Event,
    EventArgument,
    GoldProvenance,
    Incident,
    Relation,
    SchemaReview,
    SchemaVersion,
    Setting,
    Suggestion,
    TargetedSentiment,
    utcnow,
)

NO_MAPPING = SchemaMapping()


class SchemaChangeError(AnnotatorError):
    """A schema change refused; ``problems`` lists every reason (nothing was changed)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        head = problems[0] if len(problems) == 1 else f"{len(problems)} problems, nothing changed"
        super().__init__(head if len(problems) == 1 else head + ":\n  " + "\n  ".join(problems))


# ---------------------------------------------------------------------------------------------- versions


@dataclass(frozen=True)
class VersionInfo:
    number: int
    fingerprint: str
    applied_by: str | None
    applied_at: str
    mapping: str
    summary: str

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "fingerprint": self.fingerprint,
            "applied_by": self.applied_by,
            "applied_at": self.applied_at,
            "mapping": json.loads(self.mapping) if self.mapping else {},
            "summary": self.summary,
        }


def versions(project: Project) -> list[VersionInfo]:
    """The project's schema versions, oldest first (a project made before versions were kept shows its one
    schema as version 1)."""
    with project.engine.connect() as conn:
        rows = conn.execute(select(SchemaVersion).order_by(SchemaVersion.number)).all()
    if not rows:
        return [VersionInfo(1, project.schema.fingerprint, None, "", "", "the project's schema")]
    return [
        VersionInfo(
            r.number, r.fingerprint, r.applied_by, r.applied_at.isoformat(), r.mapping or "", r.summary or ""
        )
        for r in rows
    ]


def version_text(project: Project, number: int) -> str:
    """The TOML of schema version ``number`` as it was applied (its labels, guidelines and examples: what
    annotators were told while it was in force)."""
    with project.engine.connect() as conn:
        text = conn.scalar(select(SchemaVersion.source_text).where(SchemaVersion.number == number))
        known = list(conn.scalars(select(SchemaVersion.number).order_by(SchemaVersion.number)))
    if text is None:
        if not known and number == 1:
            from annotator.schema import schema_to_toml

            return project.schema.source_text or schema_to_toml(project.schema)
        shown = ", ".join(map(str, known)) or "1"
        raise AnnotatorError(f"no schema version {number} in this project (versions: {shown})")
    return text


def current_version(conn: Connection) -> int:
    """The number of the schema version in force (1 for a project without recorded versions)."""
    return int(conn.scalar(select(func.max(SchemaVersion.number))) or 1)


def version_schemas(conn: Connection) -> dict[int, tuple[Schema, SchemaMapping]]:
    """Every recorded version's schema and the mapping that led to it (replayed on older packages)."""
    from annotator.schema import parse_schema

    out = {}
    for number, text, mapping in conn.execute(
        select(SchemaVersion.number, SchemaVersion.source_text, SchemaVersion.mapping)
    ):
        schema = parse_schema(text, source=f"schema version {number}", workbench_keys=False)
        out[number] = (schema, SchemaMapping.from_json(mapping or None))
    return out


def show(project: Project) -> dict[str, Any]:
    """The schema in force, as ``annotator schema show --json`` prints it: its version, the versions before,
    and for every type, role and attribute how many stored annotations carry it."""
    schema = project.schema
    with project.engine.connect() as conn:
        usage = _usage(conn)
        number = current_version(conn)
        pending = conn.scalar(select(func.count()).where(SchemaReview.reviewed.is_(False))) or 0
    return {
        "version": number,
        "fingerprint": schema.fingerprint,
        "name": schema.name,
        "entities": [
            {"name": e.name, "parent": e.parent, "count": usage.types.get(("entity", e.name), 0)}
            for e in schema.entities
        ],
        "events": [
            {
                "name": e.name,
                "count": usage.types.get(("event", e.name), 0),
                "roles": [{"name": r.name, "count": usage.roles.get((e.name, r.name), 0)} for r in e.roles],
            }
            for e in schema.events
        ],
        "relations": [
            {"name": r.name, "count": usage.types.get(("relation", r.name), 0)} for r in schema.relations
        ],
        "attributes": dict(sorted(usage.attributes.items())),
        "tone": schema.document_sentiment.name if schema.document_sentiment else None,
        "awaiting_review": pending,
        "versions": [v.to_json() for v in versions(project)],
    }


# ---------------------------------------------------------------------------------------------- usage


@dataclass
class _Usage:
    """What stored annotations carry, counted (all annotators, gold included)."""

    types: Counter[tuple[str, str]] = field(default_factory=Counter)  # (kind, name)
    roles: Counter[tuple[str, str]] = field(default_factory=Counter)  # (event type, role)
    attributes: Counter[str] = field(default_factory=Counter)
    values: Counter[tuple[str, str]] = field(default_factory=Counter)
    #: (kind, type, attributes JSON) → count: every distinct attribute set, checked against the new schema
    attribute_sets: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    #: (event type, role, filler kind, filler type) → count
    fillers: Counter[tuple[str, str, str, str]] = field(default_factory=Counter)
    #: (relation type, from label, to label) → count
    ends: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    tones: Counter[tuple[str, int]] = field(default_factory=Counter)
    #: (target kind, polarity, target type) → count
    polarities: Counter[tuple[str, str, str]] = field(default_factory=Counter)


def _usage(conn: Connection) -> _Usage:
    usage = _Usage()
    for kind, model, column in (
        ("entity", Entity, Entity.label),
        ("event", Event, Event.type),
        ("relation", Relation, Relation.type),
    ):
        text = cast(model.attributes, Text)
        for name, attrs, n in conn.execute(select(column, text, func.count()).group_by(column, text)):
            usage.types[(kind, name)] += n
            usage.attribute_sets[(kind, name, attrs or "{}")] += n
            values = json.loads(attrs) if attrs else {}
            for key, value in values.items():
                usage.attributes[key] += n
                if isinstance(value, str):
                    usage.values[(key, value)] += n
    filler = Entity.__table__.alias("filler")
    filler_event = Event.__table__.alias("filler_event")
    query = (
        select(
            Event.type,
            EventArgument.role,
            filler.c.label,
            filler_event.c.type,
            func.count(),
        )
        .select_from(EventArgument)
        .join(Event, Event.id == EventArgument.event_id)
        .outerjoin(filler, filler.c.id == EventArgument.entity_id)
        .outerjoin(filler_event, filler_event.c.id == EventArgument.filler_event_id)
        .group_by(Event.type, EventArgument.role, filler.c.label, filler_event.c.type)
    )
    for event_type, role, entity_label, event_label, n in conn.execute(query):
        usage.roles[(event_type, role)] += n
        if entity_label is not None:
            usage.fillers[(event_type, role, "entity", entity_label)] += n
        else:
            usage.fillers[(event_type, role, "event", event_label)] += n
    a, b = Entity.__table__.alias("a"), Entity.__table__.alias("b")
    query = (
        select(Relation.type, a.c.label, b.c.label, func.count())
        .select_from(Relation)
        .join(a, a.c.id == Relation.from_entity_id)
        .join(b, b.c.id == Relation.to_entity_id)
        .group_by(Relation.type, a.c.label, b.c.label)
    )
    for relation_type, from_label, to_label, n in conn.execute(query):
        usage.ends[(relation_type, from_label, to_label)] += n
    for name, value, n in conn.execute(
        select(DocumentLabel.name, DocumentLabel.value, func.count()).group_by(
            DocumentLabel.name, DocumentLabel.value
        )
    ):
        usage.tones[(name, value)] += n
        usage.types[("tone", name)] += n
    target_entity, target_event = Entity.__table__.alias("te"), Event.__table__.alias("tv")
    query = (
        select(TargetedSentiment.polarity, target_entity.c.label, target_event.c.type, func.count())
        .select_from(TargetedSentiment)
        .outerjoin(target_entity, target_entity.c.id == TargetedSentiment.entity_id)
        .outerjoin(target_event, target_event.c.id == TargetedSentiment.event_id)
        .group_by(TargetedSentiment.polarity, target_entity.c.label, target_event.c.type)
    )
    for polarity, entity_label, event_label, n in conn.execute(query):
        if entity_label is not None:
            usage.polarities[("entity", polarity, entity_label)] += n
        else:
            usage.polarities[("event", polarity, event_label or "")] += n
    return usage


# ---------------------------------------------------------------------------------------------- diff


@dataclass
class SchemaDiff:
    """What applying a new schema would do: the plan's lines with the counts of stored annotations each
    touches, notes, and the problems that refuse it (empty when it may be applied)."""

    version: int  # the version in force
    plan: Plan
    lines: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    unchanged: bool = False  # the new schema is the one in force and the mapping says nothing

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "next_version": self.version if self.unchanged else self.version + 1,
            "unchanged": self.unchanged,
            "changes": self.lines,
            "notes": self.notes,
            "problems": self.problems,
            "mapping": json.loads(self.plan.mapping.to_json()),
        }

    def text(self) -> str:
        if self.unchanged:
            return f"the new schema is version {self.version}, in force already: nothing would change"
        out = [f"schema version {self.version} → {self.version + 1}:"]
        out += [f"  {line}" for line in self.lines or ["no change to any stored annotation"]]
        out += [f"  note: {line}" for line in self.notes]
        out += [f"  refused: {line}" for line in self.problems]
        return "\n".join(out)


def _count(n: int, what: str) -> str:
    if n == 1:
        return f"1 {what}"
    plural = what[:-1] + "ies" if what.endswith("y") else what + "s"
    return f"{n:,} {plural}"


def load_new_schema(path: str | Path) -> Schema:
    """A new schema file (TOML, or brat ``annotation.conf``), as :func:`apply` and :func:`diff` take it;
    one line naming the file when it does not parse."""
    from annotator.schema.brat_conf import load_schema_file

    path = Path(path)
    try:
        return load_schema_file(path)
    except SchemaError as exc:
        name, full = path.name, str(path)

        def named(problem: str) -> str:  # the path as given, once
            if problem.startswith(full):
                return problem
            if problem.startswith(name + ":"):
                return full + problem[len(name) :]
            return f"{full}: {problem}"

        problems = [named(p) for p in exc.problems]
        raise SchemaChangeError(problems) from exc
    except OSError as exc:
        where = exc.filename or path
        raise SchemaChangeError([f"{where}: cannot be read ({exc.strerror or exc})"]) from exc


def diff(project: Project, new: Schema, mapping: SchemaMapping = NO_MAPPING) -> SchemaDiff:
    """What applying ``new`` with ``mapping`` would do to the stored annotations, and why it would be
    refused (read only)."""
    with project.engine.connect() as conn:
        return _diff(conn, project.schema, new, mapping)


def _diff(conn: Connection, old: Schema, new: Schema, mapping: SchemaMapping) -> SchemaDiff:
    plan = make_plan(old, new, mapping)
    result = SchemaDiff(current_version(conn), plan, problems=list(plan.problems))
    if new.fingerprint == old.fingerprint:
        recorded = conn.scalar(select(SchemaVersion.mapping).where(SchemaVersion.number == result.version))
        if mapping.empty or mapping == SchemaMapping.from_json(recorded or None):
            result.unchanged = True  # the version in force, given again (with the mapping that made it)
            result.problems = []
            return result
    usage = _usage(conn)
    problems, lines, notes = result.problems, result.lines, result.notes
    for name, fate in plan.types.items():
        kind = plan.kinds[name]
        n = usage.types.get((kind, name), 0)
        what = {"entity": "entity", "event": "event", "relation": "relation", "tone": "tone label"}[kind]
        if fate.how == REMOVED:
            if n:
                problems.append(
                    f"{_count(n, what)} labelled {name}, which the new schema lacks: map it "
                    f"(--rename {name}=…, --merge {name}+…=…, --split {name}=…|…) or --drop {name}"
                )
            else:
                lines.append(f"{kind} {name}: removed (no annotation uses it)")
        elif fate.how != KEEP:
            lines.append(f"{kind} {fate.describe(name)}: {_count(n, what)}")
    for (event, role), fate in plan.roles.items():
        n = usage.roles.get((event, role), 0)
        if fate.how == REMOVED and plan.types[event].how not in (DROP, SPLIT):
            if n:
                problems.append(
                    f"{_count(n, 'argument')} in role {event}.{role}, which the new schema lacks: "
                    f"--rename {event}.{role}=… or --drop {event}.{role}"
                )
        elif fate.how not in (KEEP, REMOVED):
            lines.append(f"role {event}.{fate.describe(role)}: {_count(n, 'argument')}")
    for attr, fate in plan.attributes.items():
        n = usage.attributes.get(attr, 0)
        if fate.how == REMOVED:
            if n:
                problems.append(
                    f"{_count(n, 'annotation')} carry attribute @{attr}, which the new schema lacks: "
                    f"--rename @{attr}=@… or --drop @{attr}"
                )
        elif fate.how != KEEP:
            lines.append(f"attribute @{fate.describe(attr)}: {_count(n, 'annotation')}")
    for (attr, value), fate in plan.values.items():
        n = usage.values.get((attr, value), 0)
        if plan.attributes.get(attr, None) is not None and plan.attributes[attr].how == DROP:
            continue
        if fate.how == REMOVED:
            if n and plan.attributes[attr].how != REMOVED:
                problems.append(
                    f"{_count(n, 'annotation')} carry @{attr} = {value!r}, which the new schema lacks: "
                    f"--rename @{attr}:{value}=@{attr}:… or --drop @{attr}:{value}"
                )
        elif fate.how != KEEP:
            lines.append(f"value @{attr}:{fate.describe(value)}: {_count(n, 'annotation')}")
    for added in plan.added:
        lines.append(f"new {added}")
    if not problems:
        _check_stored(plan, usage, problems, notes)
    if mapping.drops:
        cascade = _cascade_counts(conn, plan)
        if cascade:
            notes.append("dropping also deletes what hangs on the dropped annotations: " + cascade)
    return result


def _split_choices(plan: Plan, name: str) -> tuple[str, ...]:
    fate = plan.types.get(name)
    return fate.choices if fate is not None and fate.how == SPLIT else ()


def _new_names(plan: Plan, name: str) -> tuple[str, ...]:
    """What an old type becomes: one name, the choices of a split, or () when dropped or removed."""
    choices = _split_choices(plan, name)
    if choices:
        return choices
    new = plan.new_type(name)
    return (new,) if new else ()


def _check_stored(plan: Plan, usage: _Usage, problems: list[str], notes: list[str]) -> None:
    """Every distinct stored annotation shape, mapped, checked against the new schema with the checks the
    importer and the commands use; each problem named with how many annotations it concerns."""
    new, old = plan.new, plan.old
    missing_required: Counter[str] = Counter()
    for (kind, name, attrs_json), n in usage.attribute_sets.items():
        attributes = plan.new_attributes(json.loads(attrs_json) if attrs_json else {})
        for new_name in _new_names(plan, name):
            check = {"entity": entity_problem, "event": event_problem}.get(kind)
            if check is not None:
                problem = check(new, new_name, attributes)
            else:
                problem = "; ".join(new.check_attributes("relation", new_name, attributes)) or None
            if not problem:
                continue
            kept = []
            for part in problem.split("; "):
                if "missing required attribute" in part:
                    attr_name = part.rsplit("'", 2)[-2] if "'" in part else part
                    was_required = any(
                        a.name == attr_name and a.required
                        for a in (old.attributes_for(kind, name) if old.kind_of(name) == kind else ())
                    )
                    if not was_required:
                        missing_required[f"{new_name} lacks the new required attribute {attr_name!r}"] += n
                        continue
                kept.append(part)
            if kept:
                problems.append(f"{_count(n, kind)} labelled {name} would be invalid: {'; '.join(kept)}")
    for line, n in sorted(missing_required.items()):
        notes.append(f"{_count(n, 'stored annotation')}: {line} (kept; the workbench asks for it)")
    for (event, role, _filler_kind, filler), n in usage.fillers.items():
        if plan.types.get(event, None) is not None and plan.types[event].how == DROP:
            continue
        new_role = plan.new_role(event, role)
        if new_role is None:
            continue  # dropped or reported above
        for new_event in _new_names(plan, event):
            for new_filler in _new_names(plan, filler):
                problem = new.check_role_filler(new_event, new_role, new_filler)
                if problem:
                    problems.append(f"{_count(n, 'argument')} ({event}.{role} filled by {filler}): {problem}")
    for (relation, from_label, to_label), n in usage.ends.items():
        if plan.types.get(relation) is not None and plan.types[relation].how == DROP:
            continue
        new_relation = plan.new_type(relation)
        if new_relation is None:
            continue
        for a in _new_names(plan, from_label):
            for b in _new_names(plan, to_label):
                problem = relation_problem(new, new_relation, a, b)
                if problem:
                    problems.append(f"{_count(n, 'relation')} {relation} {from_label}→{to_label}: {problem}")
    for (name, value), n in usage.tones.items():
        fate = plan.types.get(name)
        if fate is not None and fate.how == DROP:
            continue
        new_name = plan.new_type(name) or name
        for problem in new.check_document_sentiment({new_name: value}):
            problems.append(f"{_count(n, 'tone label')} {name} = {value}: {problem}")
    for (target_kind, polarity, target), n in usage.polarities.items():
        if not _new_names(plan, target):
            continue  # the target goes with a drop
        problem = sentiment_problem(new, target_kind, polarity)
        if problem:
            problems.append(
                f"{_count(n, 'targeted sentiment')} {polarity} toward an {target_kind}: {problem}"
            )


def _cascade_counts(conn: Connection, plan: Plan) -> str:
    dropped_entities = [n for n, f in plan.types.items() if f.how == DROP and plan.kinds[n] == "entity"]
    dropped_events = [n for n, f in plan.types.items() if f.how == DROP and plan.kinds[n] == "event"]
    parts = []
    if dropped_entities:
        ids = select(Entity.id).where(Entity.label.in_(dropped_entities))
        n_args = conn.scalar(select(func.count()).where(EventArgument.entity_id.in_(ids))) or 0
        n_rel = (
            conn.scalar(
                select(func.count()).where(Relation.from_entity_id.in_(ids) | Relation.to_entity_id.in_(ids))
            )
            or 0
        )
        n_sent = conn.scalar(select(func.count()).where(TargetedSentiment.entity_id.in_(ids))) or 0
        parts += [_count(n_args, "argument"), _count(n_rel, "relation"), _count(n_sent, "targeted sentiment")]
    if dropped_events:
        ids = select(Event.id).where(Event.type.in_(dropped_events))
        n_args = (
            conn.scalar(
                select(func.count()).where(
                    EventArgument.event_id.in_(ids) | EventArgument.filler_event_id.in_(ids)
                )
            )
            or 0
        )
        n_sent = conn.scalar(select(func.count()).where(TargetedSentiment.event_id.in_(ids))) or 0
        parts += [_count(n_args, "argument of or by them"), _count(n_sent, "targeted sentiment on them")]
    return ", ".join(p for p in parts if not p.startswith("0 "))


# ---------------------------------------------------------------------------------------------- apply


@dataclass
class ApplyReport:
    version: int  # the version now in force
    changed: bool
    lines: list[str] = field(default_factory=list)
    backup: Path | None = None
    queued: int = 0  # annotations waiting for review (splits)
    merged_duplicates: int = 0

    def text(self) -> str:
        if not self.changed:
            return f"schema version {self.version} is in force already; nothing changed"
        out = [f"schema version {self.version} applied"]
        if self.backup is not None:
            out.append(f"  backup: {self.backup}")
        out += [f"  {line}" for line in self.lines]
        if self.merged_duplicates:
            out.append(f"  {_count(self.merged_duplicates, 'duplicate entity')} made by the merge removed")
        if self.queued:
            out.append(
                f"  {_count(self.queued, 'annotation')} of split types given a type provisionally and "
                "queued for review (annotator schema review, or the workbench's review queue)"
            )
        return "\n".join(out)


def apply(
    project: Project,
    new: Schema,
    mapping: SchemaMapping = NO_MAPPING,
    *,
    applied_by: str | None = None,
    backup: bool = True,
    progress: ProgressCallback = no_progress,
    cancel: CancelFlag | None = None,
) -> ApplyReport:
    """Make ``new`` the project's schema (see the module's docstring); refused with every problem listed
    (:class:`SchemaChangeError`) and nothing changed when :func:`diff` finds problems. A SQLite project is
    backed up next to its file first."""
    from annotator.schema import schema_to_toml

    if project.package is not None:
        raise SchemaChangeError(
            [f"{project.location}: a work package takes its schema from the project; change the project's"]
        )
    with project.engine.connect() as conn:
        found = _diff(conn, project.schema, new, mapping)
    if found.unchanged:
        return ApplyReport(found.version, changed=False)
    if found.problems:
        raise SchemaChangeError(found.problems)
    if cancel is not None:
        cancel.check()
    saved = None
    if backup and project.engine.dialect.name == "sqlite":
        from annotator.store.database import backup_sqlite

        saved = backup_sqlite(Path(project.location), f"schema{found.version}")
    progress(0, 3, "rewriting the stored annotations")
    text = new.source_text or schema_to_toml(new)
    with project.engine.begin() as conn:
        number = current_version(conn)
        if number != found.version:  # pragma: no cover - someone applied a version meanwhile
            raise SchemaChangeError([f"schema version {number} was applied meanwhile; diff again"])
        from annotator.store import writes

        if not conn.scalar(select(func.count()).select_from(SchemaVersion)):  # versions not kept yet
            writes.insert_rows(conn, SchemaVersion, [_first_version(project.schema)])
        for model in LABEL_TABLES:
            writes.update_where(conn, model, {"schema_version": number}, model.schema_version.is_(None))
        queued, duplicates = _rewrite(conn, found.plan, number + 1, progress)
        progress(2, 3, "recording the version")
        conn.execute(
            insert(SchemaVersion),
            [
                {
                    "number": number + 1,
                    "fingerprint": new.fingerprint,
                    "source_text": text,
                    "mapping": mapping.to_json(),
                    "applied_by": applied_by,
                    "applied_at": utcnow(),
                    "summary": "; ".join(found.lines)[:4000],
                }
            ],
        )
        writes.update_where(conn, Setting, {"value": text}, Setting.key == SCHEMA_KEY)
    from annotator.schema import parse_schema

    project.schema = parse_schema(text, source=f"{project.location} (stored schema)", workbench_keys=False)
    progress(3, 3, "done")
    report = ApplyReport(number + 1, True, found.lines, saved, queued, duplicates)
    return report


def _first_version(schema: Schema) -> dict[str, Any]:
    """Version 1's row: the schema a project is made with."""
    from annotator.schema import schema_to_toml

    return {
        "number": 1,
        "fingerprint": schema.fingerprint,
        "source_text": schema.source_text or schema_to_toml(schema),
        "mapping": "",
        "applied_by": None,
        "applied_at": utcnow(),
        "summary": "the schema the project was made with",
    }


def _rewrite(conn: Connection, plan: Plan, version: int, progress: ProgressCallback) -> tuple[int, int]:
    """Rewrite, drop and queue the stored rows as ``plan`` says; returns (queued for review, duplicates
    removed)."""
    from annotator.store import writes

    # roles first: they are matched by their event type's old name
    for (event, role), fate in plan.roles.items():
        if fate.how in (RENAME, MERGE) and fate.to and fate.to != role:
            writes.update_where(
                conn,
                EventArgument,
                {"role": fate.to},
                EventArgument.role == role,
                EventArgument.event_id.in_(select(Event.id).where(Event.type == event)),
            )
        elif fate.how == DROP and plan.types[event].how != DROP:
            writes.delete_where(
                conn,
                EventArgument,
                EventArgument.role == role,
                EventArgument.event_id.in_(select(Event.id).where(Event.type == event)),
            )
    # drops: the rows and what hangs on them (arguments, relations, sentiment: cascades)
    dropped = {
        kind: [n for n, f in plan.types.items() if f.how == DROP and plan.kinds[n] == kind]
        for kind in plan.kinds.values()
    }
    if dropped.get("entity"):
        writes.delete_where(conn, Entity, Entity.label.in_(dropped["entity"]))
        writes.delete_where(
            conn, Suggestion, Suggestion.kind == "entity", Suggestion.label.in_(dropped["entity"])
        )
    if dropped.get("event"):
        writes.delete_where(conn, Event, Event.type.in_(dropped["event"]))
        writes.delete_where(
            conn, Suggestion, Suggestion.kind == "event", Suggestion.label.in_(dropped["event"])
        )
    if dropped.get("relation"):
        writes.delete_where(conn, Relation, Relation.type.in_(dropped["relation"]))
    if dropped.get("tone"):
        writes.delete_where(conn, DocumentLabel, DocumentLabel.name.in_(dropped["tone"]))
    # renames and merges
    for kind, model, column, suggestion_kind in (
        ("entity", Entity, "label", "entity"),
        ("event", Event, "type", "event"),
        ("relation", Relation, "type", None),
        ("tone", DocumentLabel, "name", None),
    ):
        for old, new in plan.type_map(kind).items():
            if old == new:
                continue
            writes.update_where(conn, model, {column: new}, getattr(model, column) == old)
            if kind == "event":  # an incident's type is an event type
                writes.update_where(conn, Incident, {"type": new}, Incident.type == old)
            if suggestion_kind:
                writes.update_where(
                    conn,
                    Suggestion,
                    {"label": new},
                    Suggestion.kind == suggestion_kind,
                    Suggestion.label == old,
                )
    progress(1, 3, "attributes, splits and gold provenance")
    _rewrite_attributes(conn, plan)
    queued = _split(conn, plan, version)
    duplicates = _merge_duplicates(conn, plan)
    _rewrite_provenance(conn, plan)
    return queued, duplicates


def _rewrite_attributes(conn: Connection, plan: Plan) -> None:
    from annotator.store import writes

    touched = {a for a, f in plan.attributes.items() if f.how != KEEP}
    touched |= {a for (a, _v), f in plan.values.items() if f.how != KEEP}
    if not touched:
        return
    for model in (Entity, Event, Relation):
        text = cast(model.attributes, Text)
        condition = or_(*(text.like(f'%"{attr}"%') for attr in sorted(touched)))
        rows = conn.execute(select(model.id, model.attributes).where(condition)).all()
        for row_id, attributes in rows:
            new_attributes = plan.new_attributes(attributes or {})
            if new_attributes != attributes:
                writes.update_where(conn, model, {"attributes": new_attributes}, model.id == row_id)


def _rule_label(text: str, start: int, end: int, choices: tuple[str, ...]) -> tuple[str, str] | None:
    """The type among ``choices`` the shipped gazetteer gives the span's text, with the reason."""
    from annotator.suggest.gazetteer import default_gazetteer

    surface = text[start:end]
    for found in default_gazetteer(frozenset(choices)).find(surface):
        if found.start == 0 and found.end == len(surface) and found.label in choices:
            return found.label, f"gazetteer: {surface} is {found.label}"
    return None


def _split(conn: Connection, plan: Plan, version: int) -> int:
    """Give every annotation of a split type a type provisionally and queue it for review, a batch of rows
    at a time (a document's text is read once per batch, not once per annotation)."""
    from annotator.store import writes

    queued = 0
    for name, fate in plan.types.items():
        if fate.how != SPLIT:
            continue
        kind = plan.kinds[name]
        model, column, start, end = (
            (Entity, Entity.label, Entity.start, Entity.end)
            if kind == "entity"
            else (Event, Event.type, Event.trigger_start, Event.trigger_end)
        )
        rows = conn.execute(
            select(model.id, model.document_id, model.annotator_id, start, end)
            .where(column == name)
            .order_by(model.document_id)
        ).all()
        for b in range(0, len(rows), 2000):
            batch = rows[b : b + 2000]
            texts: dict[int, str] = {}
            if kind == "entity":
                doc_ids = sorted({r[1] for r in batch})
                texts = dict(
                    conn.execute(select(Document.id, Document.text).where(Document.id.in_(doc_ids))).all()
                )
            by_label: dict[str, list[str]] = {}
            reviews = []
            for row_id, doc_id, annotator_id, s, e in batch:
                rule = _rule_label(texts[doc_id], s, e, fate.choices) if kind == "entity" else None
                label, reason = (
                    rule if rule else (fate.choices[0], "no rule applies: the first of the choices")
                )
                by_label.setdefault(label, []).append(row_id)
                reviews.append(
                    {
                        "id": row_id,
                        "table_name": model.__tablename__,
                        "document_id": doc_id,
                        "annotator_id": annotator_id,
                        "version": version,
                        "source_label": name,
                        "choices": list(fate.choices),
                        "reason": reason,
                        "reviewed": False,
                        "reviewed_at": None,
                    }
                )
            for label, ids in by_label.items():
                for i in range(0, len(ids), 500):
                    writes.update_where(conn, model, {column.key: label}, model.id.in_(ids[i : i + 500]))
            review_ids = [r["id"] for r in reviews]
            for i in range(0, len(review_ids), 500):
                writes.delete_where(conn, SchemaReview, SchemaReview.id.in_(review_ids[i : i + 500]))
            writes.insert_rows(conn, SchemaReview, reviews)
            queued += len(reviews)
        # suggestions of the old type: open ones are made afresh, decided ones keep their record
        writes.delete_where(
            conn, Suggestion, Suggestion.kind == kind, Suggestion.label == name, Suggestion.status == "open"
        )
        writes.update_where(
            conn, Suggestion, {"label": fate.choices[0]}, Suggestion.kind == kind, Suggestion.label == name
        )
    return queued


def _merge_duplicates(conn: Connection, plan: Plan) -> int:
    """Entities a merge made identical (same document, annotator, span and now label): the oldest stays,
    what referred to another is pointed at it, and the others are deleted with tombstones (so a package
    made under the older version does not bring them back). One window query finds them."""
    from annotator.store import writes

    targets = {f.to for n, f in plan.types.items() if f.how == MERGE and plan.kinds[n] == "entity" and f.to}
    if not targets:
        return 0
    group = (Entity.document_id, Entity.annotator_id, Entity.start, Entity.end, Entity.label)
    order = (Entity.created_at, Entity.id)
    ranked = (
        select(
            Entity.id,
            Entity.document_id,
            Entity.annotator_id,
            func.row_number().over(partition_by=group, order_by=order).label("n"),
            func.first_value(Entity.id).over(partition_by=group, order_by=order).label("keep"),
        )
        .where(Entity.label.in_(sorted(targets)))
        .subquery()
    )
    pairs = conn.execute(
        select(ranked.c.id, ranked.c.keep, ranked.c.document_id, ranked.c.annotator_id).where(ranked.c.n > 1)
    ).all()
    if not pairs:
        return 0
    keep_for = {dup: keep for dup, keep, _doc, _ann in pairs}
    dups = list(keep_for)
    for model, column in (
        (EventArgument, EventArgument.entity_id),
        (Relation, Relation.from_entity_id),
        (Relation, Relation.to_entity_id),
        (TargetedSentiment, TargetedSentiment.entity_id),
        (Suggestion, Suggestion.annotation_id),
    ):
        for i in range(0, len(dups), 500):
            found = conn.execute(select(model.id, column).where(column.in_(dups[i : i + 500]))).all()
            for row_id, dup in found:
                writes.update_where(conn, model, {column.key: keep_for[dup]}, model.id == row_id)
    now = utcnow()
    by_doc: dict[int, list[dict[str, Any]]] = {}
    for dup, _keep, doc, ann in pairs:
        by_doc.setdefault(doc, []).append({"id": dup, "annotator_id": ann})
    for doc, rows in by_doc.items():
        writes.bury(conn, Entity.__table__, rows, doc, now)
    for i in range(0, len(dups), 500):
        writes.delete_where(conn, Entity, Entity.id.in_(dups[i : i + 500]))
    return len(dups)


def _rewrite_provenance(conn: Connection, plan: Plan) -> None:
    """Gold provenance names items by their labels and roles (item keys): rewrite those the plan renames,
    and forget provenance of gold rows that were dropped."""
    from annotator.agreement.adjudication import ItemKey, ItemKeyError
    from annotator.store import writes

    for table, model in (("entities", Entity), ("events", Event)):
        writes.delete_where(
            conn,
            GoldProvenance,
            GoldProvenance.table_name == table,
            GoldProvenance.rule != "rejected",
            GoldProvenance.id.not_in(select(model.id)),
        )

    def mapped(key: ItemKey) -> ItemKey | None:
        if key.kind in ("entity", "event"):
            label = plan.new_type(key.label)
            choices = _split_choices(plan, key.label)
            if label is None and not choices:
                return None
            arguments = []
            for role, s, e in key.arguments:
                new_role = plan.new_role(key.label, role)
                if new_role is None:
                    continue
                arguments.append((new_role, s, e))
            return ItemKey(key.kind, key.start, key.end, label or choices[0], tuple(arguments))
        if key.kind == "tone":
            label = plan.new_type(key.label)
            return None if label is None else ItemKey("tone", label=label, value=key.value)
        if key.target is not None:
            target = mapped(key.target)
            return None if target is None else ItemKey("sentiment", value=key.value, target=target)
        return key

    for row_id, text in conn.execute(select(GoldProvenance.id, GoldProvenance.item_key)).all():
        try:
            key = ItemKey.parse(text)
        except ItemKeyError:
            continue
        new_key = mapped(key)
        if new_key is None:
            writes.delete_where(conn, GoldProvenance, GoldProvenance.id == row_id)
        elif new_key != key:
            writes.update_where(
                conn, GoldProvenance, {"item_key": new_key.format()}, GoldProvenance.id == row_id
            )


# ---------------------------------------------------------------------------------------------- packages


def plans_since(conn: Connection, version: int) -> list[tuple[int, Plan]]:
    """The plans that took the project's annotations from schema ``version`` to the one in force, each with
    the number of the version it made (what a package made under ``version`` replays on its rows)."""
    known = version_schemas(conn)
    return [
        (number, make_plan(known[number - 1][0], known[number][0], known[number][1]))
        for number in sorted(known)
        if number > version and number - 1 in known
    ]


def package_version(conn: Connection, header: dict[str, Any], fingerprint: str) -> tuple[int | None, str]:
    """The project's schema version a work package was made under (its header's number, checked against the
    recorded fingerprint; a package made before versions were kept is found by its fingerprint), or None
    with the reason it cannot be merged."""
    known = {
        number: fp for number, fp in conn.execute(select(SchemaVersion.number, SchemaVersion.fingerprint))
    }
    current = max(known, default=1)
    number = header.get("schema_version")
    made_with = header.get("schema_fingerprint")
    if made_with != fingerprint:
        return None, "its header and its schema disagree (altered)"
    if isinstance(number, int) and not isinstance(number, bool):
        if number > current:
            return None, (
                f"made under schema version {number}, newer than this project's ({current}): merge it "
                "into the project it came from, or apply that version here first"
            )
        if known.get(number, fingerprint if not known else None) != fingerprint:
            return None, f"made with another label schema than this project's version {number}"
        return number, ""
    matches = [n for n, fp in known.items() if fp == fingerprint]
    if not known:
        return 1, ""
    if not matches:
        return None, "made with another label schema than this project's"
    return max(matches), ""


def replay(
    rows: dict[str, list[dict[str, Any]]], plans: list[tuple[int, Plan]], version: int
) -> list[dict[str, Any]]:
    """Bring a package's rows (by table name, as read from the file) from schema ``version`` to the one in
    force by the recorded plans, as :func:`apply` did to the project's rows: rows are stamped with the
    version they were made under; renames and merges rewrite them; drops remove them and what hangs on
    them; a split gives the first choice provisionally. Returns the review rows of split annotations."""
    for table in (
        "entities",
        "events",
        "event_arguments",
        "relations",
        "document_labels",
        "targeted_sentiments",
    ):
        for row in rows.get(table, ()):
            if row.get("schema_version") is None:
                row["schema_version"] = version
    reviews: dict[str, dict[str, Any]] = {}
    for number, plan in plans:
        event_types = {r["id"]: r["type"] for r in rows.get("events", ())}
        kept_args = []
        for arg in rows.get("event_arguments", ()):
            old_type = event_types.get(arg["event_id"], "")
            fate = plan.roles.get((old_type, arg["role"]))
            if fate is not None and fate.how == DROP:
                continue
            if fate is not None and fate.how in (RENAME, MERGE) and fate.to:
                arg["role"] = fate.to
            kept_args.append(arg)
        rows["event_arguments"] = kept_args
        gone: set[str] = set()
        for table, column in (
            ("entities", "label"),
            ("events", "type"),
            ("relations", "type"),
            ("document_labels", "name"),
        ):
            kept = []
            for row in rows.get(table, ()):
                name = row[column]
                fate = plan.types.get(name)
                if fate is not None and fate.how == DROP:
                    gone.add(row["id"])
                    continue
                if fate is not None and fate.how == SPLIT:
                    row[column] = fate.choices[0]
                    reviews[row["id"]] = {
                        "id": row["id"],
                        "table_name": table,
                        "document_id": row["document_id"],
                        "annotator_id": row["annotator_id"],
                        "version": number,
                        "source_label": name,
                        "choices": list(fate.choices),
                        "reason": "made under an older schema version: the first of the choices",
                        "reviewed": False,
                        "reviewed_at": None,
                    }
                elif fate is not None and fate.how in (RENAME, MERGE) and fate.to:
                    row[column] = fate.to
                if "attributes" in row and isinstance(row["attributes"], dict):
                    row["attributes"] = plan.new_attributes(row["attributes"])
                kept.append(row)
            rows[table] = kept
        # what hangs on dropped rows goes with them (the project's foreign keys cascade the same way)
        while True:
            before = len(gone)
            rows["event_arguments"] = [
                a
                for a in rows.get("event_arguments", ())
                if a["event_id"] not in gone
                and a.get("entity_id") not in gone
                and a.get("filler_event_id") not in gone
            ]
            for table, refs in (
                ("relations", ("from_entity_id", "to_entity_id")),
                ("targeted_sentiments", ("entity_id", "event_id")),
            ):
                kept = []
                for row in rows.get(table, ()):
                    if any(row.get(ref) in gone for ref in refs):
                        gone.add(row["id"])
                    else:
                        kept.append(row)
                rows[table] = kept
            if len(gone) == before:
                break
        for incident in rows.get("incidents", ()):
            fate = plan.types.get(incident.get("type") or "")
            if fate is not None and fate.how in (RENAME, MERGE) and fate.to:
                incident["type"] = fate.to
            elif fate is not None and fate.how in (DROP, SPLIT):
                incident["type"] = ""  # set again from its events, or by a person
        for suggestion in rows.get("suggestions", ()):
            fate = plan.types.get(suggestion["label"])
            if fate is not None and fate.how in (RENAME, MERGE) and fate.to:
                suggestion["label"] = fate.to
            elif fate is not None and fate.how == SPLIT:
                suggestion["label"] = fate.choices[0]
        rows["suggestions"] = [
            r
            for r in rows.get("suggestions", ())
            if plan.types.get(r["label"], None) is None or plan.types[r["label"]].how != DROP
        ]
    return [
        r for table in ("entities", "events") for row in rows.get(table, ()) if (r := reviews.get(row["id"]))
    ]


# ---------------------------------------------------------------------------------------------- review


@dataclass(frozen=True)
class ReviewItem:
    id: str
    table: str
    document_id: int
    external_id: str
    annotator: str
    start: int
    end: int
    surface: str
    label: str  # given provisionally
    source_label: str
    choices: tuple[str, ...]
    reason: str


def review_queue(
    project: Project, *, annotator: str | None = None, document_id: int | None = None
) -> list[ReviewItem]:
    """The annotations of split types waiting for a person's choice, in document order."""
    out: list[ReviewItem] = []
    with project.engine.connect() as conn:
        for model, label, start, end in (
            (Entity, Entity.label, Entity.start, Entity.end),
            (Event, Event.type, Event.trigger_start, Event.trigger_end),
        ):
            query = (
                select(
                    SchemaReview.id,
                    SchemaReview.document_id,
                    Document.external_id,
                    Annotator.name,
                    start,
                    end,
                    Document.text,
                    label,
                    SchemaReview.source_label,
                    SchemaReview.choices,
                    SchemaReview.reason,
                )
                .join(model, model.id == SchemaReview.id)
                .join(Document, Document.id == SchemaReview.document_id)
                .join(Annotator, Annotator.id == SchemaReview.annotator_id)
                .where(SchemaReview.reviewed.is_(False))
            )
            if annotator is not None:
                query = query.where(Annotator.name == annotator)
            if document_id is not None:
                query = query.where(SchemaReview.document_id == document_id)
            for row in conn.execute(query):
                rid, doc, ext, name, s, e, text, current, source, choices, reason = row
                out.append(
                    ReviewItem(
                        rid,
                        model.__tablename__,
                        doc,
                        ext,
                        name,
                        s,
                        e,
                        text[s:e],
                        current,
                        source,
                        tuple(choices),
                        reason,
                    )
                )
    out.sort(key=lambda r: (r.document_id, r.start, r.end, r.id))
    return out


def resolve(project: Project, item_id: str, label: str) -> None:
    """A person's choice for a queued annotation: its type becomes ``label`` (one of the choices; marked
    as a change of the annotation, so it travels in packages) and it leaves the queue."""
    from annotator.store import writes

    def work(conn: Connection) -> None:
        review = conn.execute(select(SchemaReview).where(SchemaReview.id == item_id)).first()
        if review is None or review.reviewed:
            raise AnnotatorError(f"{item_id}: not waiting for review")
        if label not in review.choices:
            raise AnnotatorError(f"{label}: not one of the choices ({', '.join(review.choices)})")
        now = utcnow()
        model, column = (Entity, "label") if review.table_name == "entities" else (Event, "type")
        writes.update_where(conn, model, {column: label, "updated_at": now}, model.id == item_id)
        writes.update_where(
            conn, SchemaReview, {"reviewed": True, "reviewed_at": now}, SchemaReview.id == item_id
        )

    from annotator.store.writes import transact

    transact(project.engine, work)


def accept_proposals(project: Project, item_ids: Iterable[str] | None = None) -> int:
    """Confirm the provisional type of queued annotations (all, or those named); returns how many."""
    from annotator.store import writes

    ids = None if item_ids is None else list(item_ids)
    with project.engine.begin() as conn:
        conditions = [SchemaReview.reviewed.is_(False)]
        if ids is not None:
            conditions.append(SchemaReview.id.in_(ids or [""]))
        return writes.update_where(
            conn, SchemaReview, {"reviewed": True, "reviewed_at": utcnow()}, *conditions
        )


__all__ = [
    "ApplyReport",
    "ReviewItem",
    "SchemaChangeError",
    "SchemaDiff",
    "VersionInfo",
    "accept_proposals",
    "apply",
    "current_version",
    "diff",
    "load_new_schema",
    "package_version",
    "plans_since",
    "replay",
    "resolve",
    "review_queue",
    "show",
    "version_schemas",
    "version_text",
    "versions",
]
