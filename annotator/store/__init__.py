"""Storage: the project database (SQLAlchemy 2 ORM tables, engine, migrations). No Qt here."""

from annotator.store.database import OpenResult, ProjectOpenError, open_database
from annotator.store.models import (
    Annotator,
    Base,
    Document,
    DocumentLabel,
    Entity,
    Event,
    EventArgument,
    Setting,
    TargetedSentiment,
    WorkItem,
)

__all__ = [
    "Annotator",
    "Base",
    "Document",
    "DocumentLabel",
    "Entity",
    "Event",
    "EventArgument",
    "OpenResult",
    "ProjectOpenError",
    "Setting",
    "TargetedSentiment",
    "WorkItem",
    "open_database",
]
