"""The annotation model above the store: typed, immutable values for what people label.

The labels themselves (entities, events, arguments, relations, sentiment, links) are named tuples:
typed and immutable like frozen dataclasses but built four times faster, which matters when a reader
builds 100,000 of them for an export; the sets and documents that hold them are frozen dataclasses.

One annotator's work on one document is an :class:`AnnotationSet` (its entities, events with their
arguments, relations, document labels such as tone, targeted sentiment, and the work status); a
:class:`Document` carries its text and the sets read for it. The store's readers
(:mod:`annotator.store.reading`) yield these values; services (agreement, adjudication, datasets,
suggestions, export) consume them instead of dictionaries, and :meth:`AnnotationSet.to_native` /
:meth:`AnnotationSet.from_native` convert to and from an annotation block of native JSONL (the shape
``annotator export`` writes and ``annotator import`` reads).

Offsets are code points of the document's stored NFC text, half-open. Ids are the rows' UUIDs. Which sets
take part in a comparison (done work, or any labelled work when unfinished work is included; never gold) is
decided in one place, :func:`counted`.

Vocabulary: a *span* here is only ever a pair of offsets; an :class:`Entity` is a labelled span, an
:class:`Event` has a trigger span.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NamedTuple

#: The set that holds adjudicated (gold) annotations is stored under this annotator name.
GOLD = "gold"

#: Work statuses of a document for one annotator (``todo`` until the first label).
WORK_STATUSES: tuple[str, ...] = ("todo", "in_progress", "done", "skipped")
#: The status of a set that has labels but no work item (imported labels, suggestions' gold).
DEFAULT_STATUS = "in_progress"
#: The roles of a team's members.
ROLES: tuple[str, ...] = ("annotator", "adjudicator", "lead")

#: The empty attribute mapping (shared: read-only)
EMPTY: Mapping[str, Any] = MappingProxyType({})


class Layer(StrEnum):
    """What a reader can be asked for: each layer is one kind of label (and one or two tables)."""

    ENTITIES = "entities"
    EVENTS = "events"  # with their arguments
    RELATIONS = "relations"
    TONE = "tone"  # document labels (the tone scale and any other document-level label)
    SENTIMENT = "sentiment"  # targeted sentiment
    STATUS = "status"  # work status


#: Every layer (what a reader reads when not told otherwise).
ALL_LAYERS: frozenset[Layer] = frozenset(Layer)


def _frozen(attributes: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(attributes)) if attributes else EMPTY


class Link(NamedTuple):
    """A canonical link of an entity (a knowledge-base id and, when known, its name)."""

    id: str
    name: str | None = None

    def to_native(self) -> dict[str, str]:
        return {"id": self.id, "name": self.name} if self.name is not None else {"id": self.id}


class Entity(NamedTuple):
    id: str
    start: int
    end: int
    label: str
    attributes: Mapping[str, Any] = EMPTY
    link: Link | None = None

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    def to_native(self, text: str) -> dict[str, Any]:
        eid, start, end, label, attributes, link = self  # one unpacking: an export makes 100,000 of these
        out: dict[str, Any] = {
            "id": eid,
            "start": start,
            "end": end,
            "label": label,
            "text": text[start:end],
            "attributes": dict(attributes) if attributes else {},
        }
        if link is not None:
            out["link"] = link.to_native()
        return out

    @classmethod
    def from_native(cls, item: Mapping[str, Any]) -> Entity:
        link = item.get("link")
        return cls(
            item["id"],
            item["start"],
            item["end"],
            item["label"],
            _frozen(item.get("attributes")),
            Link(link["id"], link.get("name")) if link else None,
        )


class Argument(NamedTuple):
    """A role of an event filled by an entity or by another event (``filler`` is its id)."""

    role: str
    filler: str

    def to_native(self) -> dict[str, str]:
        return {"role": self.role, "entity": self.filler}


class Event(NamedTuple):
    id: str
    type: str
    start: int  # the trigger's span
    end: int
    arguments: tuple[Argument, ...] = ()
    attributes: Mapping[str, Any] = EMPTY

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    def to_native(self, text: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "trigger": {"start": self.start, "end": self.end, "text": text[self.start : self.end]},
            "arguments": [a.to_native() for a in self.arguments],
            "attributes": dict(self.attributes),
        }

    @classmethod
    def from_native(cls, item: Mapping[str, Any]) -> Event:
        trigger = item["trigger"]
        return cls(
            item["id"],
            item["type"],
            trigger["start"],
            trigger["end"],
            tuple(Argument(a["role"], a["entity"]) for a in item.get("arguments") or ()),
            _frozen(item.get("attributes")),
        )


class Relation(NamedTuple):
    id: str
    type: str
    source: str  # entity ids
    target: str
    attributes: Mapping[str, Any] = EMPTY

    def to_native(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "from": self.source,
            "to": self.target,
            "attributes": dict(self.attributes),
        }

    @classmethod
    def from_native(cls, item: Mapping[str, Any]) -> Relation:
        return cls(item["id"], item["type"], item["from"], item["to"], _frozen(item.get("attributes")))


class Sentiment(NamedTuple):
    """A polarity towards an entity or an event (``target`` is its id)."""

    target: str
    polarity: str

    def to_native(self) -> dict[str, str]:
        return {"target": self.target, "polarity": self.polarity}


@dataclass(frozen=True, slots=True)
class AnnotationSet:
    """One annotator's annotations of one document. Layers a reader was not asked for are empty."""

    annotator: str
    status: str = DEFAULT_STATUS
    entities: tuple[Entity, ...] = ()
    events: tuple[Event, ...] = ()
    relations: tuple[Relation, ...] = ()
    tone: Mapping[str, int] = field(
        default_factory=lambda: EMPTY
    )  # document labels by name (the tone scale among them)
    sentiment: tuple[Sentiment, ...] = ()
    #: set by a reader that did not read every label layer: whether the set has labels in those it did not
    labelled: bool | None = field(default=None, compare=False)

    @property
    def has_labels(self) -> bool:
        """Whether the set holds any label (in any layer, read or not, when the reader noted it)."""
        return bool(
            self.labelled or self.entities or self.events or self.tone or self.sentiment or self.relations
        )

    @property
    def is_gold(self) -> bool:
        return self.annotator == GOLD

    def spans(self) -> dict[str, tuple[int, int]]:
        """The span of every entity and event trigger, by id."""
        out = {e.id: e.span for e in self.entities}
        out.update((ev.id, ev.span) for ev in self.events)
        return out

    def to_native(self, text: str) -> dict[str, Any]:
        """The set as an annotation block of native JSONL (the keys and order ``annotator export`` writes)."""
        return {
            "annotator": self.annotator,
            "status": self.status,
            "entities": [e.to_native(text) for e in self.entities],
            "events": [ev.to_native(text) for ev in self.events],
            "relations": [r.to_native() for r in self.relations],
            "document": dict(self.tone),
            "sentiment": [s.to_native() for s in self.sentiment],
        }

    @classmethod
    def from_native(cls, block: Mapping[str, Any]) -> AnnotationSet:
        """A set from a (validated) annotation block of native JSONL; missing layers are empty."""
        return cls(
            block["annotator"],
            block.get("status") or DEFAULT_STATUS,
            tuple(Entity.from_native(e) for e in block.get("entities") or ()),
            tuple(Event.from_native(ev) for ev in block.get("events") or ()),
            tuple(Relation.from_native(r) for r in block.get("relations") or ()),
            _frozen(block.get("document")),
            tuple(Sentiment(s["target"], s["polarity"]) for s in block.get("sentiment") or ()),
        )

    @classmethod
    def empty(cls, annotator: str) -> AnnotationSet:
        return cls(annotator)


@dataclass(frozen=True, slots=True)
class Document:
    """A stored document (``id`` is the store's, ``external_id`` the one it was imported with) and the
    annotation sets a reader gathered for it, by annotator name."""

    id: int
    external_id: str
    title: str
    text: str
    sets: Mapping[str, AnnotationSet] = field(default_factory=lambda: EMPTY)
    meta: Mapping[str, Any] = field(default_factory=lambda: EMPTY)

    @property
    def gold(self) -> AnnotationSet | None:
        return self.sets.get(GOLD)

    def counted(
        self, annotators: Collection[str] | None = None, *, include_unfinished: bool = False
    ) -> dict[str, AnnotationSet]:
        """The sets that take part in a comparison (see :func:`counted`), by annotator name."""
        return {s.annotator: s for s in counted(self.sets.values(), annotators, include_unfinished)}

    def blocks(self) -> list[dict[str, Any]]:
        """The sets as annotation blocks of native JSONL, in the export's order (annotator name)."""
        return [self.sets[name].to_native(self.text) for name in sorted(self.sets)]


def counts(annotation_set: AnnotationSet, *, include_unfinished: bool = False) -> bool:
    """Whether a set takes part in agreement, adjudication, majority and scores: never gold; work marked
    done, or, when unfinished work is included, any set with a label."""
    if annotation_set.is_gold:
        return False
    return annotation_set.status == "done" or (include_unfinished and annotation_set.has_labels)


def counted(
    sets: Iterable[AnnotationSet],
    annotators: Collection[str] | None = None,
    include_unfinished: bool = False,
) -> Iterator[AnnotationSet]:
    """The sets that count (:func:`counts`), of ``annotators`` only when given."""
    wanted = set(annotators) if annotators else None
    for s in sets:
        if (wanted is None or s.annotator in wanted) and counts(s, include_unfinished=include_unfinished):
            yield s


__all__ = [
    "ALL_LAYERS",
    "DEFAULT_STATUS",
    "GOLD",
    "ROLES",
    "WORK_STATUSES",
    "AnnotationSet",
    "Argument",
    "Document",
    "Entity",
    "Event",
    "Layer",
    "Link",
    "Relation",
    "Sentiment",
    "counted",
    "counts",
]
