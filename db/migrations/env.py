"""Alembic environment for annotator project databases.

Run in-process by ``annotator.store.database`` with a live connection in ``config.attributes["connection"]``
(a frozen build has no ``alembic`` executable). ``render_as_batch`` lets SQLite migrations alter
constraints; the naming convention on the metadata gives every constraint a stable name. ``include_name``
keeps the SQLite search index tables (FTS5 and its shadow tables, which have no model) out of autogenerate.
"""

from alembic import context
from sqlalchemy import create_engine

from annotator.store.database import include_name
from annotator.store.models import Base

config = context.config
target_metadata = Base.metadata


def _configure_and_run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
        include_name=include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure_and_run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as conn:
        _configure_and_run(conn)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
