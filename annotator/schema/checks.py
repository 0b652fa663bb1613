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
    "argument_problem",
    "entity_problem",
    "event_problem",
    "relation_problem",
    "sentiment_problem",
    "tone_problem",
    "with_defaults",
]
