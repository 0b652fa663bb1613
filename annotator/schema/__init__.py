"""Label schemas: which entity, event and relation types, roles, attributes and sentiment scales a project
uses.

Pure Python (no Qt, no database). A schema is written in TOML (format: :mod:`annotator.schema.loader`,
``resources/schemas/README.md``), validated on load, and represented by the frozen dataclasses of
:mod:`annotator.schema.model`. A brat ``annotation.conf`` converts to the same model
(:mod:`annotator.schema.brat_conf`); :func:`load_schema_file` reads either kind of file, and
:func:`schema_to_toml` writes any schema back as TOML.

>>> from annotator.schema import default_schema
>>> schema = default_schema()
>>> schema.role("ATTACK", "Attacker").types
('PER', 'ORG', 'ARMED_GROUP', 'GPE')
>>> schema.role("ATTACK", "Place").cardinality_label
'optional'
>>> schema.check_relation("MEMBER_OF", "PER", "ARMED_GROUP") is None
True
"""

from annotator.schema.brat_conf import load_schema_file, parse_annotation_conf
from annotator.schema.loader import SchemaError, default_schema, load_schema, parse_schema, schema_to_toml
from annotator.schema.model import (
    ATTRIBUTE_KINDS,
    BUILTIN_ATTRIBUTES,
    CARDINALITIES,
    NAMINGS,
    OWNER_KINDS,
    SENTIMENT_TARGET_KINDS,
    AttributeDef,
    DocumentSentiment,
    EntityType,
    EventType,
    RelationType,
    Role,
    Schema,
    SentimentLevel,
    TargetedSentiment,
)

__all__ = [
    "ATTRIBUTE_KINDS",
    "BUILTIN_ATTRIBUTES",
    "CARDINALITIES",
    "NAMINGS",
    "OWNER_KINDS",
    "SENTIMENT_TARGET_KINDS",
    "AttributeDef",
    "DocumentSentiment",
    "EntityType",
    "EventType",
    "RelationType",
    "Role",
    "Schema",
    "SchemaError",
    "SentimentLevel",
    "TargetedSentiment",
    "default_schema",
    "load_schema",
    "load_schema_file",
    "parse_annotation_conf",
    "parse_schema",
    "schema_to_toml",
]
