"""Opening project files: new, not SQLite, corrupt, foreign tables, missing."""

import sqlite3

import pytest

from annotator.services.project import init_project, open_project
from annotator.store.database import ProjectOpenError


def test_init_then_open(tmp_path):
    path = tmp_path / "x.annotator"
    with init_project(path) as p:
        assert p.schema.name
    with open_project(path) as p:
        assert p.schema.entity_type("PER") is not None


def test_init_refuses_existing(tmp_path):
    path = tmp_path / "x.annotator"
    init_project(path).close()
    with pytest.raises(Exception, match="already exists"):
        init_project(path)


def test_open_missing(tmp_path):
    with pytest.raises(ProjectOpenError, match=r"no such project"):
        open_project(tmp_path / "nope.annotator")
    assert not (tmp_path / "nope.annotator").exists()


def test_not_sqlite(tmp_path):
    path = tmp_path / "notes.annotator"
    path.write_text("just some text, not a database\n")
    with pytest.raises(ProjectOpenError, match=r"notes.annotator: not an annotator project \(not a SQLite"):
        open_project(path)
    assert path.read_text() == "just some text, not a database\n"


def test_corrupt_database(tmp_path):
    path = tmp_path / "c.annotator"
    init_project(path).close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # wreck the schema page, keep the magic header
    path.write_bytes(bytes(data))
    with pytest.raises(
        ProjectOpenError, match=r"c.annotator: the project file is damaged \(.*(malformed|not a database)"
    ):
        open_project(path)


def test_foreign_sqlite_database(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE invoices (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(ProjectOpenError, match=r"not an annotator project.*invoices"):
        open_project(path)
    con = sqlite3.connect(path)
    assert [r[0] for r in con.execute("SELECT name FROM sqlite_master")] == ["invoices"]
    con.close()


def test_database_without_schema_setting(tmp_path):
    from annotator.store.database import open_database

    path = tmp_path / "bare.annotator"
    open_database(path).engine.dispose()
    with pytest.raises(ProjectOpenError, match="no label schema"):
        open_project(path)
