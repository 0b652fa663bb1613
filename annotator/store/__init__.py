"""Storage: the project database (SQLAlchemy 2 ORM tables, engine, migrations). No Qt here.

The names below are loaded when first asked for (PEP 562): importing a module of this package, such as
``annotator.store.database`` for a search on a plain sqlite3 connection, does not load SQLAlchemy's ORM
and the models (about a quarter of a second)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_DATABASE = frozenset({"OpenResult", "ProjectOpenError", "open_database"})
_MODELS = frozenset(
    {
        "Annotator",
        "Base",
        "Document",
        "DocumentLabel",
        "Entity",
        "Event",
        "EventArgument",
        "Setting",
        "TargetedSentiment",
        "WorkItem",
    }
)


def __getattr__(name: str) -> Any:
    if name in _DATABASE:
        from annotator.store import database

        return getattr(database, name)
    if name in _MODELS:
        from annotator.store import models

        return getattr(models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
