"""The label schema as immutable data: entity, event and relation types, roles, attributes, sentiment.

Instances are normally built by :mod:`annotator.schema.loader`, which validates a TOML schema file; the
classes here trust their input and do no validation of their own beyond what lookups need. Everything is
frozen (tuples instead of lists) so a schema can be shared freely between threads and cached.

The ``check_*`` helpers validate *annotations* against the schema and return human-readable problems
(an empty list / ``None`` means "fine"); they never raise for bad annotation data, only for programming
errors such as an unknown ``owner_kind``.

Types may form a hierarchy (``parent``; schemas converted from brat use it): a subtype is accepted
wherever one of its ancestors is (role fillers, relation arguments), and an ``abstract`` type only groups
its subtypes and cannot be assigned itself.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

# the states of one annotator's work on a document, defined with the annotation model
from annotator.annotations import WORK_STATUSES as WORK_STATUSES

#: The kinds of attribute a schema may declare.
ATTRIBUTE_KINDS: tuple[str, ...] = ("choice", "count", "flag", "text")
#: What carries attributes (``owner_kind`` of :meth:`Schema.check_attributes`).
OWNER_KINDS: tuple[str, ...] = ("entity", "event", "relation")
#: What targeted sentiment may point at.
SENTIMENT_TARGET_KINDS: tuple[str, ...] = ("entity", "event")

#: How a schema's names are checked: ``strict`` (UPPER_SNAKE types, ``Capitalised`` roles, lower_snake
#: attributes) or ``brat`` (brat's ``[A-Za-z0-9_-]+`` for all of them, for converted brat configurations).
NAMINGS: tuple[str, ...] = ("strict", "brat")

#: Named role cardinalities (the ``cardinality`` sugar of a schema file) -> ``(min, max)``; ``max=None``
#: is unbounded. An integer cardinality N means exactly N: ``(N, N)``.
CARDINALITIES: dict[str, tuple[int, int | None]] = {
    "optional": (0, 1),
    "one": (1, 1),
    "one_or_more": (1, None),
    "any": (0, None),
}

AttributeValue = str | int | bool


_T = TypeVar("_T")


def _look_up(index: Mapping[str, _T], kind: str, name: str) -> _T:
    """``index[name]``, or a ``KeyError`` that names the known ``kind`` types."""
    try:
        return index[name]
    except KeyError:
        known = ", ".join(index) or "none"
        raise KeyError(f"unknown {kind} type {name!r} (known: {known})") from None


def _describe(value: Any) -> str:
    return "null" if value is None else repr(value)


def _with_guide(out: dict[str, Any], guideline: str, examples: tuple[str, ...]) -> dict[str, Any]:
    """``out`` with the guideline and examples when there are any (a schema without them keeps the
    fingerprint it had before schemas carried guidelines)."""
    if guideline:
        out["guideline"] = guideline
    if examples:
        out["examples"] = list(examples)
    return out


def cardinality_name(lo: int, hi: int | None) -> str | int | None:
    """The schema-file ``cardinality`` that writes the bounds ``(lo, hi)``: a name of
    :data:`CARDINALITIES`, an integer N for "exactly N", or ``None`` when only ``min``/``max`` can."""
    for name, bounds in CARDINALITIES.items():
        if bounds == (lo, hi):
            return name
    if hi is not None and lo == hi:
        return lo
    return None


def cardinality_label(lo: int, hi: int | None) -> str:
    """The bounds ``(lo, hi)`` in words: "optional", "exactly one", "one or more", "any number",
    "exactly 2", "at least 2", "at most 3", "2 to 4"."""
    named = {(0, 1): "optional", (1, 1): "exactly one", (1, None): "one or more", (0, None): "any number"}
    if (lo, hi) in named:
        return named[(lo, hi)]
    if hi is None:
        return f"at least {lo}"
    if lo == hi:
        return f"exactly {lo}"
    if lo == 0:
        return f"at most {hi}"
    return f"{lo} to {hi}"


@dataclass(frozen=True)
class AttributeDef:
    """One attribute of an entity, event or relation type.

    ``kind`` is one of :data:`ATTRIBUTE_KINDS`: ``choice`` (one of ``values``), ``count`` (an int >= 0),
    ``flag`` (a bool) or ``text`` (a string). ``default`` is what an editor pre-fills; ``required`` means a
    finished annotation must carry the attribute (with a non-null value).
    """

    name: str
    kind: str
    values: tuple[str, ...] = ()
    default: AttributeValue | None = None
    required: bool = False
    description: str = ""
    guideline: str = ""  # Markdown: what annotators are told, shown on hover and with F1
    examples: tuple[str, ...] = ()

    def check_value(self, value: Any) -> str | None:
        """Why ``value`` is not acceptable for this attribute, or ``None`` when it is."""
        if self.kind == "choice":
            if not isinstance(value, str) or value not in self.values:
                return f"{_describe(value)} is not one of: {', '.join(self.values)}"
        elif self.kind == "count":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                return f"{_describe(value)} is not a non-negative integer"
        elif self.kind == "flag":
            if not isinstance(value, bool):
                return f"{_describe(value)} is not true or false"
        elif self.kind == "text":
            if not isinstance(value, str):
                return f"{_describe(value)} is not a string"
        else:  # pragma: no cover - the loader only builds known kinds
            return f"attribute kind {self.kind!r} is unknown"
        return None

    def to_dict(self) -> dict[str, Any]:
        out = {
            "name": self.name,
            "kind": self.kind,
            "values": list(self.values),
            "default": self.default,
            "required": self.required,
            "description": self.description,
        }
        return _with_guide(out, self.guideline, self.examples)


#: Attributes every entity, event and relation may carry without the schema declaring them: a free-text
#: ``note`` and the annotator's ``confidence``. :meth:`Schema.attributes_for` lists them after the declared
#: ones. A schema may declare an attribute of one of these names only with the same kind; that declaration
#: then takes the built-in's place (e.g. to make ``confidence`` required).
BUILTIN_ATTRIBUTES: tuple[AttributeDef, ...] = (
    AttributeDef(
        name="note",
        kind="text",
        description="Free-text remark on this annotation, e.g. why a hard case was labelled so.",
    ),
    AttributeDef(
        name="confidence",
        kind="choice",
        values=("high", "medium", "low"),
        description="How sure the annotator is of this annotation.",
    ),
)


@dataclass(frozen=True)
class Role:
    """An argument role of an event type.

    ``types`` names the entity types (or event types, for roles such as Topic or Crime) that may fill the
    role; a subtype of a listed type fills it too (:meth:`Schema.check_role_filler`; :meth:`accepts` looks
    at the list only). ``min``/``max`` bound how many arguments of this role one event may have;
    ``max=None`` means unbounded. Schema files may write the bounds as a ``cardinality``
    (:data:`CARDINALITIES`); the model keeps only ``min``/``max``.
    """

    name: str
    types: tuple[str, ...]
    min: int = 0
    max: int | None = None
    description: str = ""
    guideline: str = ""  # Markdown: what annotators are told, shown on hover and with F1
    examples: tuple[str, ...] = ()

    @property
    def unbounded(self) -> bool:
        return self.max is None

    @property
    def cardinality(self) -> str | int | None:
        """The schema-file ``cardinality`` of these bounds (``"optional"``, ``2`` …), or ``None`` when only
        ``min``/``max`` express them (e.g. 2 to 4)."""
        return cardinality_name(self.min, self.max)

    @property
    def cardinality_label(self) -> str:
        """The bounds in words: "optional", "exactly one", "one or more", "any number", "exactly 2" …"""
        return cardinality_label(self.min, self.max)

    def accepts(self, type_name: str) -> bool:
        """Whether ``type_name`` is listed in :attr:`types` (exactly: subtypes are the schema's business)."""
        return type_name in self.types

    def to_dict(self) -> dict[str, Any]:
        out = {
            "name": self.name,
            "types": list(self.types),
            "min": self.min,
            "max": self.max,
            "description": self.description,
        }
        return _with_guide(out, self.guideline, self.examples)


@dataclass(frozen=True)
class EntityType:
    """An entity (span) label such as ``PER``. ``attributes`` are the type-specific ones.

    ``parent`` names the entity type this one is a subtype of (``None`` for a top-level type); an
    ``abstract`` type only groups its subtypes and cannot be assigned to a span.
    """

    name: str
    color: str
    description: str
    hotkey: str | None = None
    attributes: tuple[AttributeDef, ...] = ()
    parent: str | None = None
    abstract: bool = False
    guideline: str = ""  # Markdown: what annotators are told, shown on hover and with F1
    examples: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = {
            "name": self.name,
            "color": self.color,
            "hotkey": self.hotkey,
            "description": self.description,
            "parent": self.parent,
            "abstract": self.abstract,
            "attributes": [a.to_dict() for a in self.attributes],
        }
        return _with_guide(out, self.guideline, self.examples)


@dataclass(frozen=True)
class EventType:
    """An event label such as ``ATTACK``, with its roles and type-specific attributes.

    The attributes every event carries (e.g. ``modality``) live in :attr:`Schema.event_attributes`; use
    :meth:`Schema.attributes_for_event` for the full list. ``parent`` and ``abstract`` as for
    :class:`EntityType`; a subtype does not inherit its parent's roles.
    """

    name: str
    color: str
    description: str
    hotkey: str | None = None
    roles: tuple[Role, ...] = ()
    attributes: tuple[AttributeDef, ...] = ()
    parent: str | None = None
    abstract: bool = False
    guideline: str = ""  # Markdown: what annotators are told, shown on hover and with F1
    examples: tuple[str, ...] = ()

    @property
    def role_names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.roles)

    def role(self, name: str) -> Role:
        """The role called ``name``; ``KeyError`` if this event type has none."""
        for role in self.roles:
            if role.name == name:
                return role
        raise KeyError(f"event type {self.name} has no role {name!r} (roles: {', '.join(self.role_names)})")

    def to_dict(self) -> dict[str, Any]:
        out = {
            "name": self.name,
            "color": self.color,
            "hotkey": self.hotkey,
            "description": self.description,
            "parent": self.parent,
            "abstract": self.abstract,
            "roles": [r.to_dict() for r in self.roles],
            "attributes": [a.to_dict() for a in self.attributes],
        }
        return _with_guide(out, self.guideline, self.examples)


@dataclass(frozen=True)
class RelationType:
    """A typed tie between two entities, such as ``MEMBER_OF`` (a PER to an ARMED_GROUP).

    ``from_types`` are the entity types accepted as the first argument, ``to_types`` those accepted as the
    second (subtypes included). A ``symmetric`` relation has no direction (A–B is the same as B–A); its
    ``to_types`` equal its ``from_types``. An ``equivalence`` (brat's ``symmetric-transitive``, e.g.
    ``ALIAS_OF``) is symmetric and transitive: A–B and B–C imply A–C; ``symmetric`` is then true too.
    The attributes every relation carries are in :attr:`Schema.relation_attributes`.
    """

    name: str
    color: str
    description: str
    from_types: tuple[str, ...]
    to_types: tuple[str, ...]
    hotkey: str | None = None
    symmetric: bool = False
    equivalence: bool = False
    attributes: tuple[AttributeDef, ...] = ()
    guideline: str = ""  # Markdown: what annotators are told, shown on hover and with F1
    examples: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out = {
            "name": self.name,
            "color": self.color,
            "hotkey": self.hotkey,
            "description": self.description,
            "from": list(self.from_types),
            "to": list(self.to_types),
            "symmetric": self.symmetric,
            "equivalence": self.equivalence,
            "attributes": [a.to_dict() for a in self.attributes],
        }
        return _with_guide(out, self.guideline, self.examples)


@dataclass(frozen=True)
class SentimentLevel:
    """One step of the document sentiment scale, e.g. ``-2`` = "very negative"."""

    value: int
    label: str
    description: str = ""
    hotkey: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "label": self.label,
            "description": self.description,
            "hotkey": self.hotkey,
        }


@dataclass(frozen=True)
class DocumentSentiment:
    """An ordered scale for the tone of a whole document; ``levels`` are in strictly increasing order.

    ``name`` is the key under which a document annotation stores the chosen value
    (``{"tone": -2}`` for ``name = "tone"``).
    """

    name: str
    levels: tuple[SentimentLevel, ...]
    description: str = ""

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(level.value for level in self.levels)

    def level(self, value: int) -> SentimentLevel:
        """The level with ``value``; ``KeyError`` if there is none."""
        for level in self.levels:
            if level.value == value and not isinstance(value, bool):
                return level
        raise KeyError(f"{self.name}: no level {value!r} (levels: {', '.join(map(str, self.values))})")

    def check(self, value: Any) -> str | None:
        """Why ``value`` is not a level of this scale, or ``None`` when it is."""
        if isinstance(value, bool) or not isinstance(value, int) or value not in self.values:
            return f"{self.name}: {_describe(value)} is not one of: {', '.join(map(str, self.values))}"
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "levels": [level.to_dict() for level in self.levels],
        }


@dataclass(frozen=True)
class TargetedSentiment:
    """Polarity toward one entity or event; ``targets`` is a subset of :data:`SENTIMENT_TARGET_KINDS`."""

    polarities: tuple[str, ...]
    targets: tuple[str, ...]
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "polarities": list(self.polarities),
            "targets": list(self.targets),
            "description": self.description,
        }


@dataclass(frozen=True)
class Schema:
    """A complete label schema.

    ``source_text`` is the TOML text the schema was parsed from (stored in project databases so a project
    is self-contained); it does not take part in equality. ``fingerprint`` is the SHA-256 (hex) of the
    canonical JSON form of the content (:meth:`to_dict`), so reformatting or re-commenting the TOML keeps
    it, while any change of names, order, colours, descriptions, ... changes it.

    Entity, event and relation type names share one namespace. ``naming`` is one of :data:`NAMINGS`.
    """

    name: str
    version: str
    entities: tuple[EntityType, ...]
    events: tuple[EventType, ...] = ()
    description: str = ""
    entity_attributes: tuple[AttributeDef, ...] = ()
    event_attributes: tuple[AttributeDef, ...] = ()
    document_sentiment: DocumentSentiment | None = None
    targeted_sentiment: TargetedSentiment | None = None
    relations: tuple[RelationType, ...] = ()
    relation_attributes: tuple[AttributeDef, ...] = ()
    naming: str = "strict"
    source_text: str = field(default="", compare=False, repr=False)
    fingerprint: str = field(init=False, compare=False, repr=False)
    _entity_index: dict[str, EntityType] = field(init=False, compare=False, repr=False, hash=False)
    _event_index: dict[str, EventType] = field(init=False, compare=False, repr=False, hash=False)
    _relation_index: dict[str, RelationType] = field(init=False, compare=False, repr=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_entity_index", {e.name: e for e in self.entities})
        object.__setattr__(self, "_event_index", {e.name: e for e in self.events})
        object.__setattr__(self, "_relation_index", {r.name: r for r in self.relations})
        canonical = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        object.__setattr__(self, "fingerprint", hashlib.sha256(canonical.encode("utf-8")).hexdigest())

    # ------------------------------------------------------------------ lookups

    @property
    def entity_type_names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.entities)

    @property
    def event_type_names(self) -> tuple[str, ...]:
        return tuple(e.name for e in self.events)

    @property
    def relation_type_names(self) -> tuple[str, ...]:
        return tuple(r.name for r in self.relations)

    @property
    def assignable_entity_type_names(self) -> tuple[str, ...]:
        """The entity types a span may be given: all but the abstract ones."""
        return tuple(e.name for e in self.entities if not e.abstract)

    @property
    def assignable_event_type_names(self) -> tuple[str, ...]:
        """The event types an event may be given: all but the abstract ones."""
        return tuple(e.name for e in self.events if not e.abstract)

    def kind_of(self, type_name: str) -> str | None:
        """``"entity"``, ``"event"`` or ``"relation"`` for a known type name, else ``None``."""
        if type_name in self._entity_index:
            return "entity"
        if type_name in self._event_index:
            return "event"
        if type_name in self._relation_index:
            return "relation"
        return None

    def entity_type(self, name: str) -> EntityType:
        """The entity type called ``name``; ``KeyError`` if unknown."""
        return _look_up(self._entity_index, "entity", name)

    def event_type(self, name: str) -> EventType:
        """The event type called ``name``; ``KeyError`` if unknown."""
        return _look_up(self._event_index, "event", name)

    def relation_type(self, name: str) -> RelationType:
        """The relation type called ``name``; ``KeyError`` if unknown."""
        return _look_up(self._relation_index, "relation", name)

    def role(self, event: str, role: str) -> Role:
        """Role ``role`` of event type ``event``; ``KeyError`` if either is unknown."""
        return self.event_type(event).role(role)

    def _type(self, name: str) -> EntityType | EventType | None:
        return self._entity_index.get(name) or self._event_index.get(name)

    def guide(self, name: str) -> tuple[str, str, tuple[str, ...]] | None:
        """What annotators are told about ``name`` — a type (``ATTACK``), a role (``ATTACK.Attacker``) or an
        attribute (``@modality``, or ``TYPE@name`` for a type's own): (description, guideline Markdown,
        examples), or None when the schema has no such name."""
        if "@" in name:
            owner, _, attr_name = name.partition("@")
            pools: list[tuple[AttributeDef, ...]] = []
            if owner:
                kind = self.kind_of(owner)
                if kind is not None:
                    pools.append(self.attributes_for(kind, owner))
            else:
                pools += [self.entity_attributes, self.event_attributes, self.relation_attributes]
                pools += [e.attributes for e in self.entities]
                pools += [e.attributes for e in self.events]
                pools += [r.attributes for r in self.relations]
                pools.append(BUILTIN_ATTRIBUTES)
            for pool in pools:
                for attr in pool:
                    if attr.name == attr_name:
                        return attr.description, attr.guideline, attr.examples
            return None
        if "." in name:
            event, _, role_name = name.partition(".")
            found_event = self._event_index.get(event)
            role = next((r for r in found_event.roles if r.name == role_name), None) if found_event else None
            return (role.description, role.guideline, role.examples) if role else None
        found = self._entity_index.get(name) or self._event_index.get(name) or self._relation_index.get(name)
        return (found.description, found.guideline, found.examples) if found else None

    def ancestors(self, type_name: str) -> tuple[str, ...]:
        """The entity or event types ``type_name`` is a subtype of, nearest first (``()`` for a top-level
        or unknown type)."""
        chain: list[str] = []
        current = self._type(type_name)
        while current is not None and current.parent is not None and current.parent not in chain:
            chain.append(current.parent)
            current = self._type(current.parent)
        return tuple(chain)

    def subtypes(self, type_name: str) -> tuple[str, ...]:
        """Every entity or event type below ``type_name`` in the hierarchy, in schema order."""
        types: tuple[EntityType | EventType, ...] = (*self.entities, *self.events)
        return tuple(t.name for t in types if type_name in self.ancestors(t.name))

    def is_a(self, type_name: str, other: str) -> bool:
        """Whether ``type_name`` is ``other`` or one of its subtypes."""
        return type_name == other or other in self.ancestors(type_name)

    def _accepted(self, type_name: str, accepted: Iterable[str]) -> bool:
        names = (type_name, *self.ancestors(type_name))
        return any(name in names for name in accepted)

    def _with_builtins(self, declared: tuple[AttributeDef, ...]) -> tuple[AttributeDef, ...]:
        names = {a.name for a in declared}
        return declared + tuple(a for a in BUILTIN_ATTRIBUTES if a.name not in names)

    def attributes_for_entity(self, name: str) -> tuple[AttributeDef, ...]:
        """All attributes of entity type ``name``: the schema-wide ones, the type-specific ones, then the
        :data:`BUILTIN_ATTRIBUTES` not declared by either."""
        return self._with_builtins(self.entity_attributes + self.entity_type(name).attributes)

    def attributes_for_event(self, name: str) -> tuple[AttributeDef, ...]:
        """All attributes of event type ``name``: the schema-wide ones (e.g. modality), its own, then the
        :data:`BUILTIN_ATTRIBUTES` not declared by either."""
        return self._with_builtins(self.event_attributes + self.event_type(name).attributes)

    def attributes_for_relation(self, name: str) -> tuple[AttributeDef, ...]:
        """All attributes of relation type ``name``: the schema-wide ones, its own, then the
        :data:`BUILTIN_ATTRIBUTES` not declared by either."""
        return self._with_builtins(self.relation_attributes + self.relation_type(name).attributes)

    def attributes_for(self, owner_kind: str, type_name: str) -> tuple[AttributeDef, ...]:
        """:meth:`attributes_for_entity`, :meth:`attributes_for_event` or :meth:`attributes_for_relation`
        by ``owner_kind``."""
        if owner_kind == "entity":
            return self.attributes_for_entity(type_name)
        if owner_kind == "event":
            return self.attributes_for_event(type_name)
        if owner_kind == "relation":
            return self.attributes_for_relation(type_name)
        raise ValueError(f"owner_kind must be one of {OWNER_KINDS}, not {owner_kind!r}")

    def attribute_defaults(self, owner_kind: str, type_name: str) -> dict[str, AttributeValue]:
        """The attributes that have a default, with it: what an editor pre-fills for a new annotation."""
        return {
            a.name: a.default for a in self.attributes_for(owner_kind, type_name) if a.default is not None
        }

    def hotkeys(self) -> dict[str, tuple[str, str]]:
        """Every hotkey -> (``"entity"`` | ``"event"`` | ``"relation"`` | ``"level"``, type name or level
        value as text). Relation hotkeys may be upper-case letters (Shift+letter)."""
        keys: dict[str, tuple[str, str]] = {}
        for entity in self.entities:
            if entity.hotkey:
                keys[entity.hotkey] = ("entity", entity.name)
        for event in self.events:
            if event.hotkey:
                keys[event.hotkey] = ("event", event.name)
        for relation in self.relations:
            if relation.hotkey:
                keys[relation.hotkey] = ("relation", relation.name)
        if self.document_sentiment is not None:
            for level in self.document_sentiment.levels:
                if level.hotkey:
                    keys[level.hotkey] = ("level", str(level.value))
        return keys

    # ------------------------------------------------------------------ annotation checks

    def check_attributes(self, owner_kind: str, type_name: str, attributes: Mapping[str, Any]) -> list[str]:
        """Problems with the attribute values of one entity (``owner_kind="entity"``), event or relation
        annotation.

        Reports an abstract type (which cannot be assigned), unknown attributes, values of the wrong kind
        (choice not among the values, count not a non-negative int, flag not a bool, text not a string)
        and missing required attributes. The :data:`BUILTIN_ATTRIBUTES` are always known. A value of
        ``None`` counts as "not set". An unknown ``type_name`` is reported as a problem; an unknown
        ``owner_kind`` raises ``ValueError``.
        """
        if owner_kind not in OWNER_KINDS:
            raise ValueError(f"owner_kind must be one of {OWNER_KINDS}, not {owner_kind!r}")
        indexes: dict[str, Mapping[str, EntityType | EventType | RelationType]] = {
            "entity": self._entity_index,
            "event": self._event_index,
            "relation": self._relation_index,
        }
        index = indexes[owner_kind]
        if type_name not in index:
            return [f"unknown {owner_kind} type {type_name!r} (known: {', '.join(index) or 'none'})"]
        owner = index[type_name]
        if isinstance(owner, EntityType | EventType) and owner.abstract:
            below = ", ".join(s for s in self.subtypes(type_name) if not self._abstract(s)) or "none"
            return [f"{type_name}: abstract {owner_kind} type, cannot be assigned (use a subtype: {below})"]
        defs = {a.name: a for a in self.attributes_for(owner_kind, type_name)}
        problems: list[str] = []
        for name, value in attributes.items():
            attr = defs.get(name)
            if attr is None:
                known = ", ".join(defs) or "none"
                problems.append(f"{type_name}: unknown attribute {name!r} (known: {known})")
            elif value is not None:
                problem = attr.check_value(value)
                if problem:
                    problems.append(f"{type_name}.{name}: {problem}")
        for attr in defs.values():
            if attr.required and attributes.get(attr.name) is None:
                problems.append(f"{type_name}: missing required attribute {attr.name!r}")
        return problems

    def _abstract(self, type_name: str) -> bool:
        found = self._type(type_name)
        return found is not None and found.abstract

    def check_role_filler(self, event_type: str, role: str, filler_type: str) -> str | None:
        """Why an argument of type ``filler_type`` (an entity or event type name) cannot fill ``role`` of
        ``event_type``, or ``None`` when it can: when the role lists the type or one of its ancestors."""
        event = self._event_index.get(event_type)
        if event is None:
            return f"unknown event type {event_type!r} (known: {', '.join(self._event_index)})"
        found = next((r for r in event.roles if r.name == role), None)
        if found is None:
            return f"{event_type}: unknown role {role!r} (roles: {', '.join(event.role_names)})"
        if not self._accepted(filler_type, found.types):
            accepted = ", ".join(found.types)
            return f"{event_type}.{role}: {filler_type!r} cannot fill this role (accepted: {accepted})"
        return None

    def role_entity_labels(self, event_type: str, role: str) -> tuple[str, ...]:
        """The assignable entity labels that may fill ``role`` of ``event_type`` (in schema order; empty for
        a role that only events fill)."""
        return tuple(
            t
            for t in self.assignable_entity_type_names
            if self.check_role_filler(event_type, role, t) is None
        )

    def check_arguments(self, event_type: str, arguments: Iterable[tuple[str, str]]) -> list[str]:
        """Problems with the arguments of one event annotation, given as ``(role, filler_type)`` pairs:
        unknown roles, unaccepted filler types, fewer than ``min`` or more than ``max`` per role."""
        event = self._event_index.get(event_type)
        if event is None:
            return [f"unknown event type {event_type!r} (known: {', '.join(self._event_index)})"]
        problems: list[str] = []
        counts: dict[str, int] = {}
        for role, filler_type in arguments:
            problem = self.check_role_filler(event_type, role, filler_type)
            if problem:
                problems.append(problem)
            counts[role] = counts.get(role, 0) + 1
        for role_def in event.roles:
            n = counts.get(role_def.name, 0)
            if n < role_def.min:
                problems.append(
                    f"{event_type}.{role_def.name}: needs at least {role_def.min} argument(s), has {n}"
                )
            if role_def.max is not None and n > role_def.max:
                problems.append(
                    f"{event_type}.{role_def.name}: allows at most {role_def.max} argument(s), has {n}"
                )
        return problems

    def check_relation(self, relation_type: str, from_type: str, to_type: str) -> str | None:
        """Why a relation of ``relation_type`` from an entity of ``from_type`` to one of ``to_type`` is not
        allowed, or ``None`` when it is. A subtype counts as its ancestors; a symmetric relation (and an
        equivalence) accepts its arguments in either order."""
        relation = self._relation_index.get(relation_type)
        if relation is None:
            known = ", ".join(self._relation_index) or "none"
            return f"unknown relation type {relation_type!r} (known: {known})"
        for type_name in (from_type, to_type):
            if type_name not in self._entity_index:
                kind = self.kind_of(type_name)
                what = f"an {kind} type" if kind else "an unknown type"
                return f"{relation_type}: {type_name!r} is {what}; a relation connects entities"
        from_ok = self._accepted(from_type, relation.from_types)
        to_ok = self._accepted(to_type, relation.to_types)
        if from_ok and to_ok:
            return None
        if relation.symmetric:
            if self._accepted(to_type, relation.from_types) and self._accepted(from_type, relation.to_types):
                return None
            bad = to_type if from_ok else from_type
            accepted = ", ".join(relation.from_types)
            return f"{relation_type}: {bad!r} cannot take part in this relation (accepted: {accepted})"
        if not from_ok:
            accepted = ", ".join(relation.from_types)
            return f"{relation_type}: {from_type!r} cannot be the first argument (accepted: {accepted})"
        accepted = ", ".join(relation.to_types)
        return f"{relation_type}: {to_type!r} cannot be the second argument (accepted: {accepted})"

    def check_document_sentiment(self, document: Mapping[str, Any]) -> list[str]:
        """Problems with a document-level annotation such as ``{"tone": -2}`` (the key is the scale's name;
        a missing key means "not annotated yet" and is fine)."""
        scale = self.document_sentiment
        problems: list[str] = []
        for key, value in document.items():
            if scale is None or key != scale.name:
                expected = scale.name if scale is not None else "none (the schema has no document sentiment)"
                problems.append(f"document: unknown key {key!r} (expected: {expected})")
            elif value is not None:
                problem = scale.check(value)
                if problem:
                    problems.append(f"document: {problem}")
        return problems

    def check_targeted_sentiment(self, target_kind: str, polarity: str) -> str | None:
        """Why ``polarity`` toward a target of ``target_kind`` (``"entity"``/``"event"``) is not allowed,
        or ``None`` when it is."""
        ts = self.targeted_sentiment
        if ts is None:
            return "the schema has no targeted sentiment"
        if target_kind not in ts.targets:
            return f"sentiment toward an {target_kind} is not allowed (targets: {', '.join(ts.targets)})"
        if polarity not in ts.polarities:
            return f"polarity {_describe(polarity)} is not one of: {', '.join(ts.polarities)}"
        return None

    # ------------------------------------------------------------------ serialisation

    def to_dict(self) -> dict[str, Any]:
        """The canonical content as plain JSON-able data (everything except ``source_text``)."""
        return {
            "name": self.name,
            "version": self.version,
            "description": self.description,
            "naming": self.naming,
            "entities": [e.to_dict() for e in self.entities],
            "events": [e.to_dict() for e in self.events],
            "relations": [r.to_dict() for r in self.relations],
            "entity_attributes": [a.to_dict() for a in self.entity_attributes],
            "event_attributes": [a.to_dict() for a in self.event_attributes],
            "relation_attributes": [a.to_dict() for a in self.relation_attributes],
            "document_sentiment": self.document_sentiment.to_dict() if self.document_sentiment else None,
            "targeted_sentiment": self.targeted_sentiment.to_dict() if self.targeted_sentiment else None,
        }
