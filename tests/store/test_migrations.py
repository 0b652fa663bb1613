"""Alembic migrations: one head, models match the migrations, every revision upgrades with data."""

import sqlite3

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from annotator.store import database
from annotator.store.database import _alembic_config, head_revision, include_name, make_engine, upgrade
from annotator.store.models import Base


def script() -> ScriptDirectory:
    return ScriptDirectory.from_config(_alembic_config())


def test_single_head():
    assert len(script().get_heads()) == 1


def test_models_match_migrations(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine)
    with engine.connect() as conn:
        opts = {"compare_type": True, "include_name": include_name}
        diff = compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata)
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


def test_every_revision_upgrades_to_head_keeping_data(tmp_path):
    """Upgrade an empty database to each revision in turn, add a document there, then go to head."""
    revisions = list(reversed(list(script().walk_revisions())))
    assert revisions[0].down_revision is None
    for rev in revisions:
        engine = make_engine(f"sqlite:///{tmp_path / f'{rev.revision}.db'}")
        upgrade(engine, rev.revision)
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO documents (external_id, title, text, content_hash, meta, created_at) "
                    "VALUES ('d1', 'शीर्षक', 'पाठ', :h, '{}', '2025-01-01 00:00:00')"
                ),
                {"h": "0" * 64},
            )
            conn.execute(
                text("INSERT INTO annotators (name, created_at) VALUES ('asha', '2025-01-01 00:00:00')")
            )
            conn.execute(
                text(
                    "INSERT INTO work_items (id, document_id, annotator_id, status, created_at, updated_at) "
                    "VALUES ('w1', 1, 1, 'done', '2025-01-01 00:00:00', '2025-01-01 00:00:00')"
                )
            )
            _add_annotation_rows(conn)
        upgrade(engine)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT title, text FROM documents")).all() == [("शीर्षक", "पाठ")]
            # rows that refer to entities survive migrations that rebuild tables (foreign keys are off)
            for table in ("entities", "events", "event_arguments", "targeted_sentiments"):
                assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 1, table
            # 0002 added the flag: existing work items are not flagged, with no comment
            assert conn.execute(text("SELECT status, flagged, comment FROM work_items")).all() == [
                ("done", 0, None)
            ]
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
        engine.dispose()


def _add_annotation_rows(conn) -> None:
    t = "'2025-01-01 00:00:00'"
    conn.execute(
        text(
            'INSERT INTO entities (id, document_id, annotator_id, start, "end", label, attributes, '
            f"created_at, updated_at) VALUES ('e1', 1, 1, 0, 3, 'GPE', '{{}}', {t}, {t})"
        )
    )
    conn.execute(
        text(
            "INSERT INTO events (id, document_id, annotator_id, type, trigger_start, trigger_end, "
            f"attributes, created_at, updated_at) VALUES ('v1', 1, 1, 'ATTACK', 0, 3, '{{}}', {t}, {t})"
        )
    )
    conn.execute(
        text(
            "INSERT INTO event_arguments (id, event_id, annotator_id, position, role, entity_id, "
            f"created_at, updated_at) VALUES ('a1', 'v1', 1, 0, 'Place', 'e1', {t}, {t})"
        )
    )
    conn.execute(
        text(
            "INSERT INTO targeted_sentiments (id, document_id, annotator_id, entity_id, polarity, "
            f"created_at, updated_at) VALUES ('s1', 1, 1, 'e1', 'NEG', {t}, {t})"
        )
    )


def test_downgrade_to_base_and_back(tmp_path):
    from alembic import command

    engine = make_engine(f"sqlite:///{tmp_path / 'd.db'}")
    upgrade(engine)
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), "base")
    with engine.connect() as conn:
        assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    with engine.connect() as conn:
        assert "entities" in inspect(conn).get_table_names()


def test_pragmas_on_every_connection(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == database.BUSY_TIMEOUT_MS
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_plain_create_engine_has_no_pragmas(tmp_path):
    # guards the test above: the pragmas come from make_engine, not from SQLite defaults
    engine = create_engine(f"sqlite:///{tmp_path / 'q.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 0


@pytest.fixture
def older_migrations(tmp_path, monkeypatch):
    """A copy of the migrations with one extra revision on top, so the real head is 'older'."""
    import shutil

    src = database.migrations_dir()
    dst = tmp_path / "migrations"
    shutil.copytree(src, dst)
    head = head_revision()
    (dst / "versions" / "9999_test_extra.py").write_text(
        f'''
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("extra", sa.Integer(), nullable=True))
    # copies the table and drops the old one: must not cascade into the rows that refer to it
    with op.batch_alter_table("entities", recreate="always") as batch:
        batch.add_column(sa.Column("extra", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("entities", recreate="always") as batch:
        batch.drop_column("extra")
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("extra")
'''
    )
    return dst


def test_older_project_is_backed_up_then_upgraded(tmp_path, monkeypatch, older_migrations):
    from annotator.services.project import init_project

    path = tmp_path / "old.annotator"
    with init_project(path) as p, p.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO documents (external_id, title, text, content_hash, meta, created_at) "
                "VALUES ('d1', 't', 'पुराना पाठ', :h, '{}', '2025-01-01 00:00:00')"
            ),
            {"h": "1" * 64},
        )
        conn.execute(text("INSERT INTO annotators (name, created_at) VALUES ('asha', '2025-01-01 00:00:00')"))
        _add_annotation_rows(conn)
    old_head = head_revision()
    monkeypatch.setattr(database, "migrations_dir", lambda: older_migrations)
    result = database.open_database(path, create=False)
    try:
        assert result.upgraded_from == old_head
        assert result.backup is not None and result.backup.exists()
        with result.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999"
            assert conn.execute(text("SELECT text, extra FROM documents")).all() == [("पुराना पाठ", None)]
            for table in ("entities", "event_arguments", "targeted_sentiments"):
                assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 1, table
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        result.engine.dispose()
    # the backup is the old database, complete (WAL content included) and still at the old revision
    con = sqlite3.connect(result.backup)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (old_head,)
        assert con.execute("SELECT text FROM documents").fetchall() == [("पुराना पाठ",)]
        assert "extra" not in [r[1] for r in con.execute("PRAGMA table_info(documents)")]
    finally:
        con.close()


def test_newer_project_is_refused_and_left_alone(tmp_path):
    from annotator.services.project import init_project

    path = tmp_path / "new.annotator"
    init_project(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = 'ffff_future'")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(database.ProjectOpenError, match=r"newer annotator.*ffff_future"):
        database.open_database(path, create=False)
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("new.annotator.bak-*"))
