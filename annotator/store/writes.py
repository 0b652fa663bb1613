"""The one module that writes annotation rows: insert (by id, idempotent), update or upsert one row,
delete with tombstones, restore deleted rows, and the transaction that is retried once when the server
connection breaks. Commands (services.annotate, services.frames, services.suggestions) write through it;
the rules of a write — tombstones travel in work packages, a restored row is the later change — live here
once.

Nothing here imports Qt or the services.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Connection, Engine, delete, insert, or_, select, update

from annotator.store.database import is_connection_error
from annotator.store.models import LABEL_TABLES, AnnotationHistory, Event, Tombstone, utcnow

_LABEL_TABLE_NAMES = frozenset(model.__tablename__ for model in LABEL_TABLES)

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql import Insert as PostgresInsert
    from sqlalchemy.dialects.sqlite import Insert as SQLiteInsert

T = TypeVar("T")


def transact(engine: Engine, work: Callable[[Connection], T], *, pause: float = 0.5) -> T:
    """Run ``work`` in one transaction; when the connection to the server breaks during it (a restart, a
    dropped network) run it once more on a fresh connection, ``pause`` seconds later.

    ``work`` must be idempotent, because a commit whose acknowledgement was lost may have landed: insert
    rows with :func:`insert_new`; an update or an upsert is idempotent by nature. A second failure is
    raised (the caller tells the person in one line, see :func:`unreachable_message`)."""
    try:
        with engine.begin() as conn:
            return work(conn)
    except Exception as exc:
        if not is_connection_error(exc):
            raise
    time.sleep(pause)
    with engine.begin() as conn:
        return work(conn)


def dialect_insert(dialect_name: str, table: Any) -> SQLiteInsert | PostgresInsert:
    """The INSERT of SQLite (``dialect_name`` "sqlite") or else PostgreSQL, which can skip or update a row
    whose unique key is stored already (``on_conflict_do_nothing`` / ``on_conflict_do_update``)."""
    if dialect_name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table)
    from sqlalchemy.dialects.postgresql import insert as postgres_insert

    return postgres_insert(table)


def insert_new(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert rows keyed by their ``id``, leaving alone a row whose id is already stored: a write retried
    by :func:`transact` after its first commit landed adds nothing twice. (Ids are fresh UUIDs made before
    the write, so a stored id is this very row.)"""
    if not rows:
        return
    name = conn.dialect.name
    if name in ("sqlite", "postgresql"):
        conn.execute(dialect_insert(name, table).on_conflict_do_nothing(index_elements=["id"]), rows)
        return
    stored = set(conn.scalars(select(table.c.id).where(table.c.id.in_([r["id"] for r in rows]))))
    fresh = [r for r in rows if r["id"] not in stored]
    if fresh:
        conn.execute(table.insert(), fresh)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def remember(
    conn: Connection, table: Any, rows: list[dict[str, Any]], action: str, now, document_id: int | None = None
) -> None:
    """Keep ``rows`` of ``table`` as they were before ``action`` (``changed``, ``deleted``), or as they were
    put back (``restored``), in the annotation history. Rows without a ``document_id`` (event arguments)
    take ``document_id`` or their event's."""
    table = getattr(table, "__table__", table)
    if not rows or table.name not in _LABEL_TABLE_NAMES:  # labels only (not tombstones, provenance)
        return
    history = []
    for row in rows:
        doc = row.get("document_id", document_id)
        if doc is None and row.get("event_id") is not None:
            doc = conn.scalar(select(Event.document_id).where(Event.id == row["event_id"]))
        if doc is None or row.get("annotator_id") is None:
            continue
        history.append(
            {
                "row_id": row["id"],
                "table_name": table.name,
                "document_id": doc,
                "annotator_id": row["annotator_id"],
                "action": action,
                "at": now,
                "before": {key: _plain(value) for key, value in row.items()},
            }
        )
    if history:
        conn.execute(insert(AnnotationHistory), history)


def change(conn: Connection, model: Any, values: dict[str, Any], *conditions: Any) -> int:
    """Change the annotation rows of ``model`` matching all ``conditions`` (an edit: ``updated_at`` is set
    now), keeping each as it was in the history; returns how many changed."""
    table = model.__table__
    now = utcnow()
    rows = [dict(r._mapping) for r in conn.execute(select(table).where(*conditions))]
    if not rows:
        return 0
    remember(conn, table, rows, "changed", now)
    return conn.execute(update(model).where(*conditions).values(**values, updated_at=now)).rowcount


def bury(conn: Connection, table, rows: list[dict[str, Any]], document_id: int, now) -> None:
    """Record the deletion of ``rows`` (tombstones travel in work packages; see services.packages) and keep
    them in the annotation history."""
    if not rows:
        return
    remember(conn, table, rows, "deleted", now, document_id)
    ids = [r["id"] for r in rows]
    conn.execute(delete(Tombstone).where(Tombstone.id.in_(ids)))
    conn.execute(
        insert(Tombstone),
        [
            {
                "id": r["id"],
                "table_name": table.name,
                "document_id": document_id,
                "annotator_id": r["annotator_id"],
                "deleted_at": now,
            }
            for r in rows
        ],
    )


def restore_rows(conn: Connection, tables: list[tuple[Any, list[dict[str, Any]]]]) -> None:
    """Put deleted rows back (undo): same ids, their tombstones removed, and updated now, so the
    restoration is the later change when work is merged."""
    now = utcnow()
    for table, rows in tables:
        if rows:
            conn.execute(delete(Tombstone).where(Tombstone.id.in_([r["id"] for r in rows])))
            insert_new(conn, table, [{**r, "updated_at": now} for r in rows])
            remember(conn, table, rows, "restored", now)


def put_one(
    conn: Connection,
    model,
    where: tuple,
    values: dict[str, Any] | None,
    now,
    *,
    conflict: tuple[str, ...] = (),
    **identity: Any,
) -> None:
    """Set (update, else insert with a new id and ``identity``) or, with ``values`` None, delete (with a
    tombstone) the one row of ``model`` matching ``where``. With ``conflict`` (the columns of the table's
    unique constraint that ``where`` matches) the set is one atomic upsert (``INSERT … ON CONFLICT DO
    UPDATE`` on SQLite and PostgreSQL), so two sessions of one annotator (two laptops on one server)
    cannot both insert: update-then-insert races under READ COMMITTED and the loser's change was lost."""
    if values is None:
        table = model.__table__
        rows = [dict(r._mapping) for r in conn.execute(select(table).where(*where))]
        bury(conn, table, rows, identity["document_id"], now)
        conn.execute(delete(model).where(*where))
    elif conflict and conn.dialect.name in ("sqlite", "postgresql"):
        table = model.__table__
        remember(
            conn, table, [dict(r._mapping) for r in conn.execute(select(table).where(*where))], "changed", now
        )
        stmt = dialect_insert(conn.dialect.name, model).values(
            id=str(uuid.uuid4()), created_at=now, updated_at=now, **identity, **values
        )
        conn.execute(
            stmt.on_conflict_do_update(index_elements=list(conflict), set_={**values, "updated_at": now})
        )
    elif not change(conn, model, values, *where):
        conn.execute(
            insert(model).values(id=str(uuid.uuid4()), created_at=now, updated_at=now, **identity, **values)
        )


def insert_missing(conn: Connection, model: Any, rows: list[dict[str, Any]]) -> int:
    """Insert the rows whose id is not stored yet (an import read twice, a package merged again); returns
    how many were inserted. Looks the ids up in chunks, so it also counts on drivers whose bulk insert
    reports no row count."""
    if not rows:
        return 0
    ids = [r["id"] for r in rows]
    present: set[str] = set()
    for i in range(0, len(ids), 500):
        present.update(conn.execute(select(model.id).where(model.id.in_(ids[i : i + 500]))).scalars())
    fresh = [r for r in rows if r["id"] not in present]
    if fresh:
        conn.execute(insert(model), fresh)
    return len(fresh)


def merge_tombstones(
    conn: Connection, incoming: list[dict[str, Any]], stored: dict[str, dict[str, Any]], annotator_id: int
) -> None:
    """Deletions made elsewhere (a work package): a new tombstone is kept; one known here keeps the later
    date. ``stored``: this project's tombstones of those ids."""
    fresh = []
    for tomb in incoming:
        mine = stored.get(tomb["id"])
        if mine is None:
            fresh.append(tomb)
        elif tomb["deleted_at"] > as_utc(mine["deleted_at"]):
            conn.execute(
                update(Tombstone)
                .where(Tombstone.id == tomb["id"], Tombstone.annotator_id == annotator_id)
                .values(deleted_at=tomb["deleted_at"])
            )
    if fresh:
        conn.execute(insert(Tombstone), fresh)


def forget_tombstone(conn: Connection, row_id: str, annotator_id: int) -> None:
    """A row deleted here comes back (a later version merged from a package): its tombstone goes."""
    conn.execute(delete(Tombstone).where(Tombstone.id == row_id, Tombstone.annotator_id == annotator_id))


def as_utc(value: datetime) -> datetime:
    """Times as aware UTC: SQLite gives them back naive (stored as UTC), PostgreSQL aware."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def select_rows(conn: Connection, table: Any, *conditions: Any) -> list[dict[str, Any]]:
    """The rows of ``table`` matching any of ``conditions``, as dicts (a snapshot for undo)."""
    return [dict(r._mapping) for r in conn.execute(select(table).where(or_(*conditions)))]


def delete_rows(conn: Connection, table: Any, document_id: int, *conditions: Any) -> list[dict[str, Any]]:
    """Delete the rows matching any of ``conditions``, each with a tombstone; returns them (for undo)."""
    rows = select_rows(conn, table, *conditions)
    bury(conn, table, rows, document_id, utcnow())
    conn.execute(table.delete().where(or_(*conditions)))
    return rows


# ------------------------------------------------------------------ plain writes by id and by condition
# (adjudication's gold rows and provenance, work packages' merges, and undo that puts rows back exactly)


def insert_rows(conn: Connection, model: Any, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` as they are, in one executemany; a stored id is an error (IntegrityError), not
    skipped: for writes that must refuse a row they did not expect (a package's, a decision's)."""
    if rows:
        conn.execute(insert(model), rows)


def update_where(conn: Connection, model: Any, values: dict[str, Any], *conditions: Any) -> int:
    """Set ``values`` on the rows of ``model`` matching all ``conditions``; returns how many matched.
    Nothing is added: a column updated on every change (``updated_at``) is set only if ``values`` says so
    or the model's own ``onupdate`` does."""
    return conn.execute(update(model).where(*conditions).values(**values)).rowcount


def delete_where(conn: Connection, model: Any, *conditions: Any) -> int:
    """Delete the rows of ``model`` matching all ``conditions``, without tombstones (rows that never
    travel, or a deletion recorded by the caller); returns how many matched."""
    return conn.execute(delete(model).where(*conditions)).rowcount


def later_wins(
    conn: Connection, table: Any, stored: dict[str, Any], incoming: dict[str, Any], annotator_id: int
) -> bool:
    """Merge one version of a row made elsewhere into the stored one of the same annotator: the later
    change (``updated_at``) wins. Returns True when ``incoming`` replaced ``stored`` (every column but the
    id and the creation time), False when the stored one was kept."""
    if incoming["updated_at"] <= as_utc(stored["updated_at"]):
        return False
    remember(conn, table, [stored], "changed", utcnow())
    values = {k: v for k, v in incoming.items() if k not in ("id", "created_at")}
    update_where(conn, table, values, table.c.id == stored["id"], table.c.annotator_id == annotator_id)
    return True


def put_versions(
    conn: Connection,
    changes: list[tuple[Any, list[tuple[dict[str, Any] | None, dict[str, Any] | None]]]],
    *,
    referred: int = 2,
) -> None:
    """Make rows exactly the given versions (undo and redo of a recorded change): ``changes`` lists tables
    parents first, each with (stored version, wanted version) pairs of one id, None for no row. Every column
    is written as given (``updated_at`` too: the row is what it was, not a new change) and no tombstone is
    made or removed unless it is itself one of the rows.

    Order keeps foreign keys and unique keys satisfied: new rows of the first ``referred`` tables (those
    the rest refer to, such as entities and events; they have no unique key but the id) go in first,
    then updates, then deletions children first (so a row pointing at a deleted one was moved away before
    the cascade), then the other new rows parents first (after the deletions, so a row replacing another
    of the same unique key, such as a document's tone, finds its place free)."""
    inserts: list[tuple[Any, list[dict[str, Any]]]] = []
    updates: list[tuple[Any, list[dict[str, Any]]]] = []
    deletes: list[tuple[Any, list[Any]]] = []
    for table, pairs in changes:
        inserts.append((table, [want for have, want in pairs if have is None and want is not None]))
        updates.append((table, [want for have, want in pairs if have is not None and want is not None]))
        deletes.append((table, [have["id"] for have, want in pairs if have is not None and want is None]))
    now = utcnow()
    for table, pairs in changes:
        remember(
            conn,
            table,
            [have for have, want in pairs if have is not None and want is not None],
            "changed",
            now,
        )
        remember(
            conn, table, [have for have, want in pairs if have is not None and want is None], "deleted", now
        )
        remember(
            conn, table, [want for have, want in pairs if have is None and want is not None], "restored", now
        )
    for table, rows in inserts[:referred]:
        insert_rows(conn, table, rows)
    for table, rows in updates:
        for row in rows:
            update_where(conn, table, row, table.c.id == row["id"])
    for table, ids in reversed(deletes):
        for i in range(0, len(ids), 500):
            delete_where(conn, table, table.c.id.in_(ids[i : i + 500]))
    for table, rows in inserts[referred:]:
        insert_rows(conn, table, rows)
