"""The checks one annotation item must pass, the same for the importer and the workbench's commands.

Each function returns the one-line reason an item is refused, or None. The importer (``validate``) words
its messages around them with the record's ids; the commands (``services.annotate``/``frames``) raise them
as :class:`annotator.errors.AnnotatorError`, so a command called from the API refuses what the importer
refuses. Pure: a schema and values in, a sentence out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from annotator.schema.model import Schema


def with_defaults(schema: Schema, kind: str, type_name: str, attributes: Mapping[str, Any]) -> dict[str, Any]:
    """``attributes`` over the schema's defaults for a ``kind`` ("entity", "event", "relation") of type
    ``type_name``, sorted by name: what is stored, on import and from a command alike. An unknown type
    gets no defaults (its check says why it is refused)."""
    defaults = schema.attribute_defaults(kind, type_name) if schema.kind_of(type_name) == kind else {}
    return dict(sorted({**defaults, **attributes}.items()))


def entity_problem(schema: Schema, label: str, attributes: Mapping[str, Any] | None = None) -> str | None:
    """An entity label the schema has, with valid attributes (an abstract type cannot be assigned);
    ``attributes`` None checks the label only."""
    if not isinstance(label, str) or schema.kind_of(label) != "entity":
        return f"unknown label {label!r} (known: {', '.join(schema.entity_type_names)})"
    if attributes is None:  # the type only
        return None
    return "; ".join(schema.check_attributes("entity", label, attributes)) or None


def event_problem(schema: Schema, event_type: str, attributes: Mapping[str, Any] | None = None) -> str | None:
    """An event type the schema has, with valid attributes."""
    if not isinstance(event_type, str) or schema.kind_of(event_type) != "event":
        return f"unknown event type {event_type!r} (known: {', '.join(schema.event_type_names)})"
    if attributes is None:  # the type only (a retype keeps the attributes, checked as problems)
        return None
    return "; ".join(schema.check_attributes("event", event_type, attributes)) or None


def argument_problem(
    schema: Schema, event_type: str, role: str, filler_type: str, filled: int = 0
) -> str | None:
    """A role of ``event_type`` that takes a filler of ``filler_type``, with room for one more argument
    (``filled``: the arguments the role has already)."""
    if schema.kind_of(event_type) != "event":
        return f"unknown event type {event_type!r}"
    role_names = schema.event_type(event_type).role_names
    if role not in role_names:
        return f"unknown role {role!r} for {event_type} (known: {', '.join(role_names)})"
    problem = schema.check_role_filler(event_type, role, filler_type)
    if problem:
        return problem
    most = schema.role(event_type, role).max
    if most is not None and filled >= most:
        return f"role {role} takes at most {most} argument(s)"
    return None


def relation_problem(
    schema: Schema,
    relation_type: str,
    from_label: str,
    to_label: str,
    attributes: Mapping[str, Any] | None = None,
) -> str | None:
    """A relation type the schema allows between these labels, with valid attributes."""
    problem = schema.check_relation(relation_type, from_label, to_label)
    if problem:
        return problem
    if attributes is None:
        return None
    return "; ".join(schema.check_attributes("relation", relation_type, attributes)) or None


class TypeChecks:
    """The checks of :func:`entity_problem` and :func:`event_problem` whose answer depends on the type name
    alone, asked once per name of one schema (schemas are frozen) instead of once per item: an import
    checks 100,000 spans of a handful of labels."""

    def __init__(self, schema: Schema):
        self.schema = schema
        self._plain: dict[tuple[str, str], tuple[str | None, dict[str, Any], str | None]] = {}
        self._attributes: dict[tuple[Any, ...], tuple[dict[str, Any], str | None]] = {}

    def plain(self, kind: str, type_name: Any) -> tuple[str | None, dict[str, Any], str | None]:
        """For an item of ``kind`` ("entity" or "event") and type ``type_name`` that gives no attributes of
        its own: (the type's problem, the attributes stored for it — :func:`with_defaults` of none — and
        their problem). The same answers as the functions themselves; the dict is a new one each call."""
        key = (kind, type_name)
        found = self._plain.get(key) if isinstance(type_name, str) else None
        if found is None:
            problem = entity_problem if kind == "entity" else event_problem
            type_problem = problem(self.schema, type_name)
            attributes = {} if type_problem else with_defaults(self.schema, kind, type_name, {})
            found = (
                type_problem,
                attributes,
                None if type_problem else problem(self.schema, type_name, attributes),
            )
            if isinstance(type_name, str):
                self._plain[key] = found
        return found[0], dict(found[1]), found[2]

    def with_attributes(
        self, kind: str, type_name: str, attributes: Mapping[str, Any]
    ) -> tuple[dict[str, Any], str | None]:
        """For an item of a known ``kind`` and ``type_name`` ("entity", "event") giving ``attributes``:
        (:func:`with_defaults` of them, the problem :func:`entity_problem` or :func:`event_problem` finds
        in those), asked once per distinct set of plain values (text, integers, true/false, null, compared
        with their types); other values (floats: -0.0 equals 0.0) are checked each time."""
        key: tuple[Any, ...] | None = None
        if isinstance(type_name, str) and all(
            type(name) is str and type(value) in _PLAIN for name, value in attributes.items()
        ):
            key = (kind, type_name, *((name, type(value), value) for name, value in attributes.items()))
        found = self._attributes.get(key) if key is not None else None
        if found is None:
            problem = entity_problem if kind == "entity" else event_problem
            stored = with_defaults(self.schema, kind, type_name, attributes)
            found = (stored, problem(self.schema, type_name, stored))
            if key is not None and len(self._attributes) < 10_000:
                self._attributes[key] = found
        return dict(found[0]), found[1]


_PLAIN = (str, int, bool, type(None))
_memos: dict[int, TypeChecks] = {}


def type_checks(schema: Schema) -> TypeChecks:
    """The :class:`TypeChecks` of ``schema`` (one per schema object, kept while it is in use)."""
    memo = _memos.get(id(schema))
    if memo is None or memo.schema is not schema:
        if len(_memos) >= 16:
            _memos.clear()
        memo = _memos[id(schema)] = TypeChecks(schema)
    return memo


def sentiment_problem(schema: Schema, target_kind: str, polarity: str) -> str | None:
    return schema.check_targeted_sentiment(target_kind, polarity)


def tone_problem(schema: Schema, value: int | None) -> str | None:
    """A value on the schema's document scale (None clears, and is always allowed)."""
    scale = schema.document_sentiment
    if scale is None:
        return "the project's schema has no document tone"
    if value is None:
        return None
    return "; ".join(schema.check_document_sentiment({scale.name: value})) or None


__all__ = [
    "TypeChecks",
    "argument_problem",
    "entity_problem",
    "event_problem",
    "relation_problem",
    "sentiment_problem",
    "tone_problem",
    "type_checks",
    "with_defaults",
]
