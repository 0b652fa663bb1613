"""A package of one annotator may touch only that annotator's rows: attacks are refused, nothing written."""

import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import select

from annotator.services.annotate import AddSpans, Editor
from annotator.services.packages import PackageError, export_package, import_packages
from annotator.store.models import Annotator, Entity, utcnow
from tests.services.test_packages import lead, snapshot  # noqa: F401 - the fixture


@pytest.fixture
def ravis_label(lead):  # noqa: F811
    """ravi's entity in the lead's project, on document 3 (assigned to both asha and ravi)."""
    AddSpans(3, [(0, 9, "GPE")]).apply(Editor(lead, "ravi"))
    with lead.engine.connect() as conn:
        ravi = conn.scalar(select(Annotator.id).where(Annotator.name == "ravi"))
        return conn.execute(select(Entity).where(Entity.annotator_id == ravi)).mappings().one()


def asha_package(lead, tmp_path):  # noqa: F811
    out = tmp_path / "asha.package"
    export_package(lead, "asha", out)
    return out


def assert_refused(lead, tmp_path, package, words):  # noqa: F811
    before = snapshot(lead, tmp_path, "before")
    with pytest.raises(PackageError) as caught:
        import_packages(lead, [package])
    message = str(caught.value)
    assert all(w in message for w in words), message
    assert "\n" not in message
    assert snapshot(lead, tmp_path, "after") == before


def crafted(package, *statements):
    con = sqlite3.connect(package)
    asha = con.execute("SELECT id FROM annotators WHERE name = 'asha'").fetchone()[0]
    doc = con.execute("SELECT id FROM documents ORDER BY id LIMIT 1").fetchone()[0]
    for sql, params in statements:
        con.execute(sql, {"asha": asha, "doc": doc, **params})
    con.commit()
    con.close()


def test_a_tombstone_cannot_delete_another_annotators_label(lead, ravis_label, tmp_path):  # noqa: F811
    package = asha_package(lead, tmp_path)
    crafted(
        package,
        (
            "INSERT INTO tombstones (id, table_name, document_id, annotator_id, deleted_at) "
            "VALUES (:id, 'entities', :doc, :asha, :t)",
            {"id": ravis_label["id"], "t": str(utcnow().replace(tzinfo=None))},
        ),
    )
    assert_refused(lead, tmp_path, package, ["entities", ravis_label["id"], "ravi's", "nothing merged"])


def test_a_row_cannot_take_over_another_annotators_label(lead, ravis_label, tmp_path):  # noqa: F811
    package = asha_package(lead, tmp_path)
    later = str((utcnow() + timedelta(hours=1)).replace(tzinfo=None))
    crafted(
        package,
        (
            'INSERT INTO entities (id, document_id, annotator_id, start, "end", label, attributes, '
            "created_at, updated_at) VALUES (:id, :doc, :asha, 0, 9, 'ORG', '{}', :t, :t)",
            {"id": ravis_label["id"], "t": later},
        ),
    )
    assert_refused(lead, tmp_path, package, ["entities", ravis_label["id"], "ravi's"])


def test_a_relation_cannot_point_at_another_annotators_entity(lead, ravis_label, tmp_path):  # noqa: F811
    AddSpans(3, [(13, 17, "GPE")]).apply(Editor(lead, "asha"))
    package = asha_package(lead, tmp_path)
    con = sqlite3.connect(package)
    mine = con.execute(
        "SELECT id FROM entities WHERE document_id = (SELECT id FROM documents WHERE external_id = 'd2')"
    ).fetchone()
    con.close()
    assert mine is not None
    now = str(utcnow().replace(tzinfo=None))
    crafted(
        package,
        (
            "INSERT INTO relations (id, document_id, annotator_id, type, from_entity_id, to_entity_id, "
            "attributes, created_at, updated_at) "
            "VALUES ('r-x', (SELECT id FROM documents WHERE external_id = 'd2'), :asha, 'LOCATED_IN', "
            ":a, :b, '{}', :t, :t)",
            {"a": mine[0], "b": ravis_label["id"], "t": now},
        ),
    )
    assert_refused(lead, tmp_path, package, ["entities", ravis_label["id"], "ravi's"])


def test_rows_of_another_annotator_inside_the_package_are_refused(lead, tmp_path):  # noqa: F811
    package = asha_package(lead, tmp_path)
    now = str(utcnow().replace(tzinfo=None))
    crafted(
        package,
        ("INSERT INTO annotators (name, role, created_at) VALUES ('ravi', 'annotator', :t)", {"t": now}),
        (
            'INSERT INTO entities (id, document_id, annotator_id, start, "end", label, attributes, '
            "created_at, updated_at) VALUES ('e-x', :doc, (SELECT id FROM annotators WHERE name = 'ravi'), "
            "0, 9, 'ORG', '{}', :t, :t)",
            {"t": now},
        ),
    )
    assert_refused(lead, tmp_path, package, ["ravi", "made for asha only"])


def test_rows_dated_in_the_future_are_refused(lead, tmp_path):  # noqa: F811
    package = asha_package(lead, tmp_path)
    far = "9999-01-01 00:00:00.000000"
    crafted(
        package,
        (
            'INSERT INTO entities (id, document_id, annotator_id, start, "end", label, attributes, '
            "created_at, updated_at) VALUES ('e-future', :doc, :asha, 0, 9, 'ORG', '{}', :t, :t)",
            {"t": far},
        ),
    )
    assert_refused(lead, tmp_path, package, ["e-future", "in the future"])


def test_a_new_annotator_from_a_package_is_never_a_lead(lead, tmp_path):  # noqa: F811
    package = asha_package(lead, tmp_path)
    con = sqlite3.connect(package)
    con.execute("UPDATE annotators SET role = 'lead' WHERE name = 'asha'")
    con.commit()
    con.close()
    with lead.engine.begin() as conn:
        conn.execute(Annotator.__table__.delete().where(Annotator.name == "asha"))
    import_packages(lead, [package])
    with lead.engine.connect() as conn:
        assert conn.scalar(select(Annotator.role).where(Annotator.name == "asha")) == "annotator"


def test_predictable_ids_give_no_power_over_others(lead, ravis_label, tmp_path):  # noqa: F811
    """Imported labels have ids derived from their content; knowing one is not enough to touch it."""
    package = asha_package(lead, tmp_path)
    later = str((utcnow() + timedelta(minutes=5)).replace(tzinfo=None))
    crafted(
        package,
        (
            "INSERT INTO tombstones (id, table_name, document_id, annotator_id, deleted_at) "
            "VALUES (:id, 'entities', :doc, :asha, :t)",
            {"id": ravis_label["id"], "t": later},
        ),
    )
    with pytest.raises(PackageError):
        import_packages(lead, [package])
    with lead.engine.connect() as conn:
        assert conn.scalar(select(Entity.id).where(Entity.id == ravis_label["id"])) == ravis_label["id"]


def test_killed_merges_and_exports_leave_nothing_behind(lead, tmp_path, monkeypatch):  # noqa: F811
    import tempfile

    from annotator.fileio import SUFFIX, scratch_folder

    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    scratch = scratch_folder()
    dead_copy = scratch / f".package-0123.999999999{SUFFIX}-dir"
    dead_copy.mkdir()
    (dead_copy / "package.annotator").write_bytes(b"x" * 100)
    out = tmp_path / "asha.package"
    dead_export = [tmp_path / f".asha.package.999999999{SUFFIX}{s}" for s in ("", "-wal", "-shm")]
    for path in dead_export:
        path.write_bytes(b"half")
    export_package(lead, "asha", out)
    assert not any(p.exists() for p in dead_export)
    import_packages(lead, [out])
    assert list(scratch.iterdir()) == []
    assert list(system_tmp.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir() if SUFFIX in p.name) == []
