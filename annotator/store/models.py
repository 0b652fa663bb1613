"""The project database: SQLAlchemy 2 typed ORM tables.

Every annotation row carries a UUID primary key (text), the annotator who made it and created/updated times
in UTC, so that work done on several laptops can be merged later without id collisions. Offsets are code
points of the stored, NFC-normalized document text, half-open ``[start, end)``. Document text never changes
after import; ``content_hash`` is the SHA-256 of its UTF-8 bytes and identifies the document across
projects.

Schema changes go through Alembic (``db/migrations``); ``tests/store/test_migrations.py`` checks that these
models and the migrations agree.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from annotator.annotations import ROLES as ROLES  # the team's roles
from annotator.annotations import WORK_STATUSES as WORK_STATUSES  # the work items' statuses

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_uuid() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar = {dict[str, Any]: JSON, datetime: DateTime(timezone=True)}


class Setting(Base):
    """Project-wide key/value settings; ``schema`` holds the label schema's TOML text."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    external_id: Mapped[str] = mapped_column(String(512), index=True)
    title: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Annotator(Base):
    __tablename__ = "annotators"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(16), default="annotator", server_default="annotator")  # ROLES
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Assignment(Base):
    """A document handed to an annotator by the lead."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("document_id", "annotator_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id", ondelete="CASCADE"), index=True)
    # a check document (gold known) mixed into the assignments by ``assign --checks``; never shown as such
    # to the annotator (blind), scored separately in the lead's progress view
    is_check: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Tombstone(Base):
    """A deleted annotation row (entity, event, argument, relation, label, sentiment): deletions travel in
    work packages like any other change, and the later of a change and a deletion wins on merge."""

    __tablename__ = "tombstones"
    __table_args__ = (Index("ix_tombstones_document_annotator", "document_id", "annotator_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the deleted row's id
    table_name: Mapped[str] = mapped_column(String(32))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id", ondelete="CASCADE"))
    deleted_at: Mapped[datetime] = mapped_column(default=utcnow)


class WorkItem(Base):
    """One annotator's status on one document."""

    __tablename__ = "work_items"
    __table_args__ = (
        UniqueConstraint("document_id", "annotator_id"),
        CheckConstraint("status IN ('todo', 'in_progress', 'done', 'skipped')", name="status_known"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="todo")
    # flagged for discussion (with the lead or adjudicator), with the annotator's comment
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class _AnnotationRow:
    """Columns every annotation row has (a mixin, not a table). ``schema_version`` is the number of the
    label schema version (:class:`SchemaVersion`) the row was made under; NULL means the project's current
    one: rows are written without it, and applying a new schema stamps the rows still NULL with the number
    being replaced (so a write costs nothing, and a row's version is known once it is no longer current)."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    schema_version: Mapped[int | None] = mapped_column(Integer, default=None)


class Entity(_AnnotationRow, Base):
    __tablename__ = "entities"
    __table_args__ = (
        CheckConstraint('start >= 0 AND "end" > start', name="span_valid"),
        Index("ix_entities_document_annotator", "document_id", "annotator_id"),
    )

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(64))
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # canonical link: ties surface forms (लश्कर-ए-तैयबा, LeT, Lashkar-e-Taiba) to one actor
    link_id: Mapped[str | None] = mapped_column(String(300), default=None, index=True)
    link_name: Mapped[str | None] = mapped_column(Text, default=None)


class Event(_AnnotationRow, Base):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("trigger_start >= 0 AND trigger_end > trigger_start", name="trigger_valid"),
        Index("ix_events_document_annotator", "document_id", "annotator_id"),
    )

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(64))
    trigger_start: Mapped[int] = mapped_column(Integer)
    trigger_end: Mapped[int] = mapped_column(Integer)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)

    arguments: Mapped[list[EventArgument]] = relationship(
        back_populates="event",
        order_by="EventArgument.position",
        cascade="all, delete-orphan",
        foreign_keys="EventArgument.event_id",
    )


class EventArgument(_AnnotationRow, Base):
    """A role filled by an entity or by another event (nested events) of the same annotator."""

    __tablename__ = "event_arguments"
    __table_args__ = (
        CheckConstraint(
            "(entity_id IS NOT NULL AND filler_event_id IS NULL) "
            "OR (entity_id IS NULL AND filler_event_id IS NOT NULL)",
            name="one_filler",
        ),
    )

    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    role: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(
        ForeignKey("entities.id", ondelete="CASCADE"), index=True, default=None
    )
    filler_event_id: Mapped[str | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True, default=None
    )

    event: Mapped[Event] = relationship(back_populates="arguments", foreign_keys=[event_id])


class Relation(_AnnotationRow, Base):
    """A typed, directed tie between two entities of the same annotator (FRONT_OF, MEMBER_OF …)."""

    __tablename__ = "relations"
    __table_args__ = (Index("ix_relations_document_annotator", "document_id", "annotator_id"),)

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(64))
    from_entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), index=True)
    to_entity_id: Mapped[str] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"), index=True)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)


class DocumentLabel(_AnnotationRow, Base):
    """A document-level label of one annotator, e.g. ``tone = -2``."""

    __tablename__ = "document_labels"
    __table_args__ = (UniqueConstraint("document_id", "annotator_id", "name"),)

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    value: Mapped[int] = mapped_column(Integer)


class TargetedSentiment(_AnnotationRow, Base):
    """Polarity of the text toward one entity or event."""

    __tablename__ = "targeted_sentiments"
    __table_args__ = (
        CheckConstraint(
            "(entity_id IS NOT NULL AND event_id IS NULL) OR (entity_id IS NULL AND event_id IS NOT NULL)",
            name="one_target",
        ),
        Index("ix_targeted_sentiments_document_annotator", "document_id", "annotator_id"),
    )

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id", ondelete="CASCADE"))
    entity_id: Mapped[str | None] = mapped_column(
        ForeignKey("entities.id", ondelete="CASCADE"), index=True, default=None
    )
    event_id: Mapped[str | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True, default=None
    )
    polarity: Mapped[str] = mapped_column(String(16))


#: The tables of labels, in the order their rows can be inserted (what a row refers to comes first).
LABEL_TABLES = (Entity, Event, EventArgument, Relation, DocumentLabel, TargetedSentiment)


class GoldProvenance(Base):
    """How one gold item was decided. Gold is the annotation set of the reserved annotator ``gold``; ``id``
    is the gold row's id. ``decided_by`` is the adjudicator's name, or None when a rule (``rule``:
    ``majority``, ``unanimous``, ``min:N``) decided; ``rule`` is ``manual`` for a person's acceptance,
    ``edited`` for a version a person accepted and then changed (or a row a person added while editing),
    and ``rejected`` for a person's decision that ``item_key`` is not gold (then ``id`` names no row).
    ``item_key`` is the item as adjudication compares it (see :mod:`annotator.services.adjudication`)."""

    __tablename__ = "gold_provenance"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(32))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    item_key: Mapped[str] = mapped_column(Text)
    proposed_by: Mapped[list[str]] = mapped_column(JSON, default=list)
    decided_by: Mapped[str | None] = mapped_column(String(200), default=None)
    rule: Mapped[str] = mapped_column(String(32))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    source_ids: Mapped[list[str]] = mapped_column(JSON, default=list)


class DatasetSplit(Base):
    """The split (``train``, ``dev``, ``test`` …) a document was given in a dataset export, per *scheme*
    (ratios, seed and stratification, e.g. ``80/10/10 seed=13 by=source``): kept so that a document never
    moves between splits when documents are added and the dataset exported again."""

    __tablename__ = "dataset_splits"

    scheme: Mapped[str] = mapped_column(String(200), primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    split: Mapped[str] = mapped_column(String(32))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)


class Suggestion(Base):
    """A label proposed to an annotator on a document by a gazetteer, a rule, an earlier label of theirs
    (propagation) or the project's model. Never an annotation: exports and agreement do not see it until the
    annotator accepts it, which makes an entity (or event) of theirs named by ``annotation_id``; the row
    stays, ``accepted``, as the record of where that label came from. ``rejected`` ones are not proposed
    again."""

    __tablename__ = "suggestions"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'accepted', 'rejected')", name="status_known"),
        Index("ix_suggestions_document_annotator", "document_id", "annotator_id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))  # entity | event
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(32))  # gazetteer | rules | propagation | model
    score: Mapped[float] = mapped_column(Float)
    detail: Mapped[str] = mapped_column(Text, default="")
    # the knowledge-base entry that explains it (its canonical id; ``detail`` its name): accepting links
    link_id: Mapped[str | None] = mapped_column(String(300), default=None)
    status: Mapped[str] = mapped_column(String(16), default="open")
    annotation_id: Mapped[str | None] = mapped_column(String(36), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(default=None)


class SuggestionModel(Base):
    """A model trained on the project's labels (its bytes), with what it was trained on and its measured
    precision/recall on held-out documents. The newest one suggests."""

    __tablename__ = "suggestion_models"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    trained_at: Mapped[datetime] = mapped_column(default=utcnow)
    documents: Mapped[int] = mapped_column(Integer)
    spans: Mapped[int] = mapped_column(Integer)
    labels_seen: Mapped[int] = mapped_column(Integer)  # entity rows in the project when it was trained
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # whose it is in blind mode (trained on gold and their own labels only); NULL: the shared model
    annotator_id: Mapped[int | None] = mapped_column(
        ForeignKey("annotators.id", ondelete="CASCADE"), default=None
    )


class SchemaVersion(Base):
    """One version of the project's label schema: version 1 is the schema the project was made with; each
    ``annotator schema apply`` adds the next, with its TOML text, who applied it and when, and the mapping
    (renames, merges, drops, splits; JSON, see :class:`annotator.schema.evolution.SchemaMapping`) that took
    the stored annotations from the version before. The settings key ``schema`` holds the newest's text."""

    __tablename__ = "schema_versions"

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    fingerprint: Mapped[str] = mapped_column(String(64))
    source_text: Mapped[str] = mapped_column(Text)
    mapping: Mapped[str] = mapped_column(Text, default="")
    applied_by: Mapped[str | None] = mapped_column(String(200), default=None)
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)
    summary: Mapped[str] = mapped_column(Text, default="")


class SchemaReview(Base):
    """An annotation whose type was split (``--split A=B|C``): it was given ``label`` provisionally (the
    rule's proposal, else the first choice) and waits for a person to pick among ``choices``. ``id`` is the
    annotation row's id; the row goes when the annotation is deleted, and is marked ``reviewed`` once a
    person has picked."""

    __tablename__ = "schema_reviews"
    __table_args__ = (Index("ix_schema_reviews_document_annotator", "document_id", "annotator_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    table_name: Mapped[str] = mapped_column(String(32))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    source_label: Mapped[str] = mapped_column(String(64))
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    reason: Mapped[str] = mapped_column(Text, default="")
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)


class AnnotationHistory(Base):
    """An annotation row as it was before a change, a deletion or an undo's restoration (``action``:
    ``changed``, ``deleted``, ``restored``): with the rows' own creation times and annotators and the
    schema versions, the history of every annotation (who made, changed and deleted it, and when), not only
    its last state. ``before`` is the whole row (times in ISO 8601); written by ``store/writes.py``."""

    __tablename__ = "annotation_history"
    __table_args__ = (Index("ix_annotation_history_document_id", "document_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    row_id: Mapped[str] = mapped_column(String(36), index=True)
    table_name: Mapped[str] = mapped_column(String(32))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    before: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class Incident(_AnnotationRow, Base):
    """One real-world event reported by many articles: a cluster of event mentions (events annotated in
    documents) of one annotator (gold: the adjudicated one), with the incident's own fields. Figures
    (``killed``, ``injured``, ``arrested``) are kept per source on the mentions; ``figure_rule`` says how the
    incident's figure is chosen from them (``latest`` report, ``highest``, or ``manual``: ``figures``)."""

    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_annotator_date", "annotator_id", "date_start"),
        Index("ix_incidents_place_key", "place_key"),
        CheckConstraint("figure_rule IN ('latest', 'highest', 'manual')", name="rule_known"),
    )

    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(64), default="")
    date_start: Mapped[str | None] = mapped_column(String(10), default=None)  # YYYY-MM-DD
    date_end: Mapped[str | None] = mapped_column(String(10), default=None)
    place_id: Mapped[str | None] = mapped_column(String(300), default=None)  # a canonical link
    place_name: Mapped[str | None] = mapped_column(Text, default=None)
    place_key: Mapped[str | None] = mapped_column(String(300), default=None)  # cross-script key of the name
    actors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{"id": …, "name": …}]
    figure_rule: Mapped[str] = mapped_column(String(16), default="latest")
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # the manual figures
    notes: Mapped[str] = mapped_column(Text, default="")


class IncidentMention(_AnnotationRow, Base):
    """An event of a document linked to an incident (an event is in at most one incident), with the counts
    that source reports."""

    __tablename__ = "incident_mentions"
    __table_args__ = (Index("ix_incident_mentions_document_annotator", "document_id", "annotator_id"),)

    incident_id: Mapped[str] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id", ondelete="CASCADE"))
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"killed": 3, "injured": 5}


class WorkSession(Base):
    """One stretch of work by one annotator on one document, measured by the workbench: from opening the
    document to leaving it (or closing the window), ``active_seconds`` counting only time with the window
    focused and input within the project's idle cut-off. Kept whole (not only a running total) so figures
    can be recomputed; the UUID makes the same session arriving in two work packages count once."""

    __tablename__ = "work_sessions"
    __table_args__ = (
        Index("ix_work_sessions_annotator_document", "annotator_id", "document_id"),
        CheckConstraint("active_seconds >= 0", name="active_not_negative"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    annotator_id: Mapped[int] = mapped_column(ForeignKey("annotators.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime] = mapped_column(default=utcnow)
    active_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    labels: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # labels saved in it


class CheckDocument(Base):
    """A document the lead marked as a check: its adjudicated gold scores annotators who are given it."""

    __tablename__ = "check_documents"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    marked_by: Mapped[int | None] = mapped_column(
        ForeignKey("annotators.id", ondelete="SET NULL"), default=None
    )
    marked_at: Mapped[datetime] = mapped_column(default=utcnow)


class KbEntry(Base):
    """An entry of the project's knowledge base: a person, group, force or place the team links mentions to
    (``canonical_id``, e.g. ``Q485436``, is what an entity's ``link_id`` holds). ``label`` is an entity type
    of the schema; ``parent_id`` another entry's UUID (a front of a group, a district of a state); places
    may have coordinates and ``admin_areas`` (names, largest first: country, state, district). Versioned
    like labels: a UUID, who changed it and when (the later change wins when work packages merge); a
    deleted or merged entry stays as a tombstone (``deleted_at``; ``merged_into`` the entry it went into).
    ``match_keys`` holds the suggestion matcher's keys of the entry (one ``score<TAB>keys`` line each,
    computed when its spellings change), so the matcher is built without transliterating anything."""

    __tablename__ = "kb_entries"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    canonical_id: Mapped[str] = mapped_column(String(300), unique=True)
    name: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(64), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[str | None] = mapped_column(String(36), default=None, index=True)
    latitude: Mapped[float | None] = mapped_column(Float, default=None)
    longitude: Mapped[float | None] = mapped_column(Float, default=None)
    admin_areas: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(32), default="manual")  # builtin | import | manual | span
    match_keys: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(200), default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # set by every edit
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)
    merged_into: Mapped[str | None] = mapped_column(String(36), default=None)


class KbAlias(Base):
    """A spelling of a knowledge-base entry, in any script (``script``: ISO 15924, ``Deva``, ``Latn``…).
    ``key`` is the folded spelling aliases are matched and told apart by (one per entry); ``links`` counts
    the entities linked to the entry with this text (aliases grown from links: ``source`` ``link``), and
    ``added_by`` is who wrote it or first linked it. A deleted alias stays as a tombstone (``deleted_at``)."""

    __tablename__ = "kb_aliases"
    __table_args__ = (UniqueConstraint("entry_id", "key"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_uuid)
    entry_id: Mapped[str] = mapped_column(ForeignKey("kb_entries.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    script: Mapped[str] = mapped_column(String(8), default="")
    key: Mapped[str] = mapped_column(String(300), index=True)
    roman: Mapped[str] = mapped_column(String(300), default="")  # a non-Latin spelling's Latin key
    phonetic: Mapped[str] = mapped_column(String(300), default="")  # the cross-script key of its words
    links: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    source: Mapped[str] = mapped_column(String(16), default="written")  # written | link
    added_by: Mapped[str | None] = mapped_column(String(200), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)  # set by every edit (not by link counts)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)


class KbKey(Base):
    """A type-ahead search key of a knowledge-base alias (kept by :mod:`annotator.services.kb`, derived
    from the alias; never written by hand): the whole spelling's key (``kind`` 0), its romanization (1),
    the key from one of its words on (2), its phonetic key marked ``~`` (3). Searched by prefix ranges on
    the ``key`` index, so the database sorts and searches, not Python."""

    __tablename__ = "kb_keys"
    # an alias's keys, and whether its whole-spelling key is the alias's current one, from the index alone
    __table_args__ = (Index("ix_kb_keys_alias_id", "alias_id", "kind", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alias_id: Mapped[str] = mapped_column(ForeignKey("kb_aliases.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(Text, index=True)
    kind: Mapped[int] = mapped_column(Integer, default=0)
