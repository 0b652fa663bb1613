"""Label schemas: which entity and event types, roles, attributes and sentiment scales a project uses.

Pure Python (no Qt, no database). A schema is written in TOML (format: :mod:`annotator.schema.loader`,
``resources/schemas/README.md``), validated on load, and represented by the frozen dataclasses of
:mod:`annotator.schema.model`.

>>> from annotator.schema import default_schema
>>> schema = default_schema()
>>> schema.role("ATTACK", "Attacker").types
('PER', 'ORG', 'ARMED_GROUP', 'GPE')
"""

from annotator.schema.loader import SchemaError, default_schema, load_schema, parse_schema
from annotator.schema.model import (
    ATTRIBUTE_KINDS,
    OWNER_KINDS,
    SENTIMENT_TARGET_KINDS,
    AttributeDef,
    DocumentSentiment,
    EntityType,
    EventType,
    Role,
    Schema,
    SentimentLevel,
    TargetedSentiment,
)

__all__ = [
    "ATTRIBUTE_KINDS",
    "OWNER_KINDS",
    "SENTIMENT_TARGET_KINDS",
    "AttributeDef",
    "DocumentSentiment",
    "EntityType",
    "EventType",
    "Role",
    "Schema",
    "SchemaError",
    "SentimentLevel",
    "TargetedSentiment",
    "default_schema",
    "load_schema",
    "parse_schema",
]
