"""Project statistics: documents, annotators, counts per label, work statuses."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select

from annotator.services.project import Project
from annotator.store.models import (
    WORK_STATUSES,
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


@dataclass
class ProjectStats:
    documents: int = 0
    characters: int = 0
    annotators: list[str] = field(default_factory=list)
    entities: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    arguments: dict[str, int] = field(default_factory=dict)
    # event type -> role -> share of that type's events with at least one filler for the role
    role_fill: dict[str, dict[str, float]] = field(default_factory=dict)
    relations: dict[str, int] = field(default_factory=dict)
    document_labels: dict[str, dict[int, int]] = field(default_factory=dict)
    sentiments: dict[str, int] = field(default_factory=dict)
    statuses: dict[str, dict[str, int]] = field(default_factory=dict)  # annotator -> status -> count

    def as_dict(self) -> dict:
        return {
            "documents": self.documents,
            "characters": self.characters,
            "annotators": self.annotators,
            "entities": self.entities,
            "events": self.events,
            "arguments": self.arguments,
            "role_fill": self.role_fill,
            "relations": self.relations,
            "document_labels": {
                k: {str(v): n for v, n in d.items()} for k, d in self.document_labels.items()
            },
            "sentiments": self.sentiments,
            "statuses": self.statuses,
        }


def project_stats(project: Project) -> ProjectStats:
    stats = ProjectStats()
    with project.engine.connect() as conn:
        stats.documents, stats.characters = conn.execute(
            select(func.count(Document.id), func.coalesce(func.sum(func.length(Document.text)), 0))
        ).one()
        stats.annotators = list(conn.execute(select(Annotator.name).order_by(Annotator.name)).scalars())

        def counts(col):
            return dict(conn.execute(select(col, func.count()).group_by(col).order_by(col)).all())

        # Keep the schema's order, then any stored label the schema no longer knows.
        def ordered(found: dict[str, int], names: list[str]) -> dict[str, int]:
            out = {n: found.get(n, 0) for n in names}
            out.update({k: v for k, v in found.items() if k not in out})
            return out

        stats.entities = ordered(counts(Entity.label), [t.name for t in project.schema.entities])
        stats.events = ordered(counts(Event.type), [t.name for t in project.schema.events])
        stats.arguments = counts(EventArgument.role)
        filled = select(EventArgument.event_id, EventArgument.role).distinct().subquery()
        fills = {
            (etype, role): n
            for etype, role, n in conn.execute(
                select(Event.type, filled.c.role, func.count())
                .join(filled, filled.c.event_id == Event.id)
                .group_by(Event.type, filled.c.role)
            )
        }
        for etype, n_events in stats.events.items():
            if not n_events:
                continue
            try:
                roles = project.schema.event_type(etype).role_names
            except KeyError:  # a type the schema no longer has
                roles = tuple(sorted(r for t, r in fills if t == etype))
            stats.role_fill[etype] = {
                role: round(fills.get((etype, role), 0) / n_events, 4) for role in roles
            }
        relation_names = list(getattr(project.schema, "relation_type_names", ()))
        stats.relations = ordered(counts(Relation.type), relation_names)
        for name, value, n in conn.execute(
            select(DocumentLabel.name, DocumentLabel.value, func.count())
            .group_by(DocumentLabel.name, DocumentLabel.value)
            .order_by(DocumentLabel.name, DocumentLabel.value)
        ):
            stats.document_labels.setdefault(name, {})[value] = n
        stats.sentiments = counts(TargetedSentiment.polarity)
        for name, status, n in conn.execute(
            select(Annotator.name, WorkItem.status, func.count())
            .join(WorkItem, WorkItem.annotator_id == Annotator.id)
            .group_by(Annotator.name, WorkItem.status)
            .order_by(Annotator.name)
        ):
            stats.statuses.setdefault(name, dict.fromkeys(WORK_STATUSES, 0))[status] = n
    return stats


def format_stats(stats: ProjectStats, location: str) -> str:
    lines = [f"Project {location}", f"  documents: {stats.documents} ({stats.characters} characters)"]
    lines.append(
        f"  annotators: {len(stats.annotators)}"
        + (f" ({', '.join(stats.annotators)})" if stats.annotators else "")
    )

    def block(title: str, counts: dict) -> None:
        total = sum(counts.values())
        lines.append(f"  {title}: {total}")
        width = max((len(str(k)) for k in counts), default=0)
        for key, n in counts.items():
            lines.append(f"    {str(key).ljust(width)}  {n}")

    block("entities", stats.entities)
    block("events", stats.events)
    if stats.arguments:
        block("event arguments", stats.arguments)
    if stats.role_fill:
        lines.append("  role fill rate (events of the type with the role filled):")
        for etype, roles in stats.role_fill.items():
            cells = "  ".join(f"{role} {share:.0%}" for role, share in roles.items())
            lines.append(f"    {etype}: {cells}")
    if stats.relations:
        block("relations", stats.relations)
    for name, values in stats.document_labels.items():
        block(f"document {name}", {f"{v:+d}" if v else "0": n for v, n in values.items()})
    if stats.sentiments:
        block("targeted sentiment", stats.sentiments)
    if stats.statuses:
        lines.append("  work status:")
        width = max(len(a) for a in stats.statuses)
        for annotator, by_status in stats.statuses.items():
            cells = "  ".join(f"{s} {n}" for s, n in by_status.items())
            lines.append(f"    {annotator.ljust(width)}  {cells}")
    return "\n".join(lines)
