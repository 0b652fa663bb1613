"""A package of one annotator may touch only that annotator's rows: attacks are refused, nothing written."""

import sqlite3
from datetime import timedelta

import pytest
from sqlalchemy import select

from annotator.services.annotate import AddSpans, Editor
from annotator.services.packages import PackageError, export_package, import_packages
from annotator.store.models import Annotator, Assignment, Entity, utcnow
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


# ------------------------------------------------------------------------------------------------------
# every table hashed: "nothing written" means no row of any table changed, not only the exported labels


def digest(project) -> str:
    import hashlib

    from annotator.store.models import Base

    h = hashlib.sha256()
    with project.engine.connect() as conn:
        for table in Base.metadata.sorted_tables:
            h.update(table.name.encode())
            rows = sorted(repr(tuple(r)) for r in conn.execute(select(table)))
            h.update(repr(rows).encode())
    return h.hexdigest()


def refused(lead, packages, *words):  # noqa: F811
    before = digest(lead)
    with pytest.raises(PackageError) as caught:
        import_packages(lead, packages)
    message = str(caught.value)
    assert all(w in message for w in words), message
    assert "\n" not in message
    assert digest(lead) == before
    return message


def ravi_offline(lead, tmp_path):  # noqa: F811
    """ravi's package with a label he made offline (not in the project yet), and that label's id."""
    from annotator.services.project import open_project

    out = tmp_path / "ravi.package"
    export_package(lead, "ravi", out)
    with open_project(out) as offline:
        editor = Editor(offline, "ravi")
        doc = offline.session().scalar(select(Assignment.document_id).order_by(Assignment.document_id))
        AddSpans(doc, [(0, 9, "GPE")]).apply(editor)
        entity = offline.session().scalars(select(Entity)).one()
    return out, entity.id


def shared_doc(package):
    """The package's id of document d2 (the lead's document 3: assigned to both asha and ravi)."""
    con = sqlite3.connect(package)
    try:
        return con.execute("SELECT id FROM documents WHERE external_id = 'd2'").fetchone()[0]
    finally:
        con.close()


ENTITY = (
    'INSERT INTO entities (id, document_id, annotator_id, start, "end", label, attributes, created_at, '
    "updated_at) VALUES (:id, :doc, :asha, 0, 9, :label, '{}', :t, :t)"
)
EVENT = (
    "INSERT INTO events (id, document_id, annotator_id, type, trigger_start, trigger_end, attributes, "
    "created_at, updated_at) VALUES (:id, :doc, :asha, 'Attack', 0, 3, '{}', :t, :t)"
)
TOMB = (
    "INSERT INTO tombstones (id, table_name, document_id, annotator_id, deleted_at) "
    "VALUES (:id, :table, :doc, :asha, :t)"
)


def later(**delta):
    return str((utcnow() + timedelta(**(delta or {"minutes": 5}))).replace(tzinfo=None))


def test_a_takeover_through_another_package_of_the_same_import_is_refused(lead, tmp_path):  # noqa: F811
    """ravi's new label is not in the project when the packages are checked: asha's package reusing its id
    must not take it over once ravi's package has been merged first in the same import."""
    ravi, label = ravi_offline(lead, tmp_path)
    asha = asha_package(lead, tmp_path)
    crafted(asha, (ENTITY, {"id": label, "label": "ORG", "t": later()}))
    message = refused(lead, [ravi, asha], "entities", label, "ravi")
    assert asha.name in message


def test_a_deletion_through_another_package_of_the_same_import_is_refused(lead, tmp_path):  # noqa: F811
    ravi, label = ravi_offline(lead, tmp_path)
    asha = asha_package(lead, tmp_path)
    crafted(asha, (TOMB, {"id": label, "table": "entities", "t": later()}))
    refused(lead, [ravi, asha], "entities", label, "ravi")


def test_a_reference_into_another_package_of_the_same_import_is_refused(lead, tmp_path):  # noqa: F811
    ravi, label = ravi_offline(lead, tmp_path)
    asha = asha_package(lead, tmp_path)
    crafted(
        asha,
        (ENTITY, {"id": "e-asha", "label": "GPE", "t": later()}),
        (
            "INSERT INTO relations (id, document_id, annotator_id, type, from_entity_id, to_entity_id, "
            "attributes, created_at, updated_at) VALUES ('r-x', :doc, :asha, 'LOCATED_IN', 'e-asha', :b, "
            "'{}', :t, :t)",
            {"b": label, "t": later()},
        ),
    )
    refused(lead, [ravi, asha], "entities", label, "ravi")


def test_a_tombstone_naming_another_table_cannot_shadow_another_annotators_id(
    lead,  # noqa: F811
    ravis_label,
    tmp_path,
):
    """Ids are unique across tables (a tombstone is found by id alone): asha's tombstone for 'relations'
    carrying ravi's entity id would sit on his id in the project."""
    package = asha_package(lead, tmp_path)
    crafted(package, (TOMB, {"id": ravis_label["id"], "table": "relations", "t": later()}))
    refused(lead, [package], ravis_label["id"], "ravi")


def test_a_row_of_another_table_cannot_reuse_another_annotators_id(lead, ravis_label, tmp_path):  # noqa: F811
    package = asha_package(lead, tmp_path)
    crafted(
        package,
        (EVENT, {"id": ravis_label["id"], "t": later()}),
    )
    refused(lead, [package], ravis_label["id"], "ravi")


def test_an_argument_of_ashas_event_cannot_name_ravis_entity(lead, ravis_label, tmp_path):  # noqa: F811
    """References to other annotators' rows are refused: in blind mode asha never saw ravi's entity."""
    package = asha_package(lead, tmp_path)
    crafted(
        package,
        (EVENT, {"id": "ev-asha", "t": later()}),
        (
            "INSERT INTO event_arguments (id, event_id, annotator_id, position, role, entity_id, created_at, "
            "updated_at) VALUES ('arg-x', 'ev-asha', :asha, 0, 'Place', :e, :t, :t)",
            {"e": ravis_label["id"], "t": later()},
        ),
    )
    refused(lead, [package], "entities", ravis_label["id"], "ravi")


def test_an_accepted_suggestion_cannot_name_ravis_label(lead, ravis_label, tmp_path):  # noqa: F811
    package = asha_package(lead, tmp_path)
    crafted(
        package,
        (
            'INSERT INTO suggestions (id, document_id, annotator_id, kind, start, "end", label, source, '
            "score, detail, status, annotation_id, created_at, decided_at) VALUES ('s-x', :doc, :asha, "
            "'entity', 0, 9, 'GPE', 'gazetteer', 1.0, '', 'accepted', :e, :t, :t)",
            {"e": ravis_label["id"], "t": later()},
        ),
    )
    refused(lead, [package], ravis_label["id"], "ravi")


@pytest.mark.parametrize("owner", ["gold", "lead"])
def test_ids_of_gold_or_the_leads_rows_cannot_be_taken(lead, tmp_path, owner):  # noqa: F811
    with lead.engine.begin() as conn:
        conn.execute(Annotator.__table__.insert().values(name=owner, role="lead", created_at=utcnow()))
    AddSpans(3, [(0, 9, "GPE")]).apply(Editor(lead, owner))
    with lead.engine.connect() as conn:
        theirs = conn.scalar(
            select(Entity.id)
            .join(Annotator, Annotator.id == Entity.annotator_id)
            .where(Annotator.name == owner)
        )
    package = asha_package(lead, tmp_path)
    crafted(package, (ENTITY, {"id": theirs, "label": "ORG", "t": later()}))
    refused(lead, [package], "entities", theirs, owner)
    package.unlink()
    tombstoned = asha_package(lead, tmp_path)
    crafted(tombstoned, (TOMB, {"id": theirs, "table": "entities", "t": later()}))
    refused(lead, [tombstoned], "entities", theirs, owner)


def test_a_header_naming_another_annotator_than_its_rows_is_refused(lead, tmp_path):  # noqa: F811
    from tests.services.test_packages import rewrite_header

    package = asha_package(lead, tmp_path)
    crafted(package, (ENTITY, {"id": "e-1", "label": "GPE", "t": later()}))
    rewrite_header(package, annotator="ravi")
    refused(lead, [package], "'ravi'", "missing")
    crafted(
        package,
        ("INSERT INTO annotators (name, role, created_at) VALUES ('ravi', 'annotator', :t)", {"t": later()}),
    )
    refused(lead, [package], "asha", "made for ravi only")


def test_the_same_id_twice_in_a_package_is_refused(lead, tmp_path):  # noqa: F811
    package = asha_package(lead, tmp_path)
    crafted(
        package,
        (ENTITY, {"id": "dup-1", "label": "GPE", "t": later()}),
        (EVENT, {"id": "dup-1", "t": later()}),
    )
    refused(lead, [package], "dup-1", "twice")


def test_the_same_id_twice_in_one_table_without_its_key_is_refused(lead, tmp_path):  # noqa: F811
    """A crafted file can drop a table's primary key and hold an id twice."""
    package = asha_package(lead, tmp_path)
    loosen(package, "entities")
    crafted(
        package,
        (ENTITY, {"id": "dup-2", "label": "GPE", "t": later()}),
        (ENTITY, {"id": "dup-2", "label": "ORG", "t": later()}),
    )
    refused(lead, [package], "dup-2", "twice")


@pytest.mark.parametrize(
    "sql,words",
    [
        (
            "CREATE TRIGGER t AFTER INSERT ON settings BEGIN DELETE FROM entities; END",
            ["trigger", "t"],
        ),
        ("CREATE VIEW v AS SELECT * FROM entities", ["view", "v"]),
        ("CREATE TABLE loot (x)", ["table", "loot"]),
    ],
    ids=["trigger", "view", "extra table"],
)
def test_triggers_views_and_extra_tables_are_refused(lead, ravis_label, tmp_path, sql, words):  # noqa: F811
    package = asha_package(lead, tmp_path)
    crafted(package, (sql, {}))
    refused(lead, [package], *words)


def test_a_view_in_place_of_a_table_is_refused(lead, ravis_label, tmp_path):  # noqa: F811
    """A view named like a table would feed the merge rows of the attacker's choosing."""
    package = asha_package(lead, tmp_path)
    con = sqlite3.connect(package)
    con.executescript("DROP TABLE tombstones; CREATE VIEW tombstones AS SELECT * FROM entities;")
    con.close()
    refused(lead, [package], "view", "tombstones")


def loosen(package, table):
    """Drop a table's constraints (NOT NULL, CHECK, keys), as a crafted file can."""
    con = sqlite3.connect(package)
    con.executescript(
        f"CREATE TABLE loose AS SELECT * FROM {table}; DROP TABLE {table}; "
        f"ALTER TABLE loose RENAME TO {table};"
    )
    con.commit()
    con.close()


FAR = "'9999-12-31 00:00:00.000000'"
OLD = "'2025-01-01 00:00:00.000000'"


@pytest.mark.parametrize(
    "table,sql,words",
    [
        (None, TOMB.replace(":t)", FAR + ")"), ["t-far", "in the future"]),
        (None, ENTITY.replace(":t, :t)", f"{OLD}, {FAR})"), ["t-far", "in the future"]),
        ("entities", ENTITY.replace(":t, :t)", f"{OLD}, NULL)"), ["t-far", "updated_at"]),
        (None, ENTITY.replace(":t, :t)", "'yesterday-ish', 'now-ish')"), ["entities", "cannot be read"]),
        ("entities", ENTITY.replace("0, 9", "'zero', 9"), ["t-far", "start"]),
        (None, ENTITY.replace(":label", "'" + "X" * 200 + "'"), ["t-far", "label"]),
        (None, ENTITY.replace("0, 9", "5, 100000"), ["t-far", "outside"]),
        ("entities", ENTITY.replace("0, 9", "9, 0"), ["t-far", "outside"]),
        (
            "work_items",
            "INSERT INTO work_items (id, document_id, annotator_id, status, flagged, created_at, "
            "updated_at) VALUES ('t-far', (SELECT id FROM documents WHERE external_id = 'd1'), :asha, "
            "'stolen', "
            "0, :t, :t)",
            ["work_items", "t-far", "status", "not one of"],
        ),
    ],
    ids=[
        "tombstone in 9999",
        "row in 9999",
        "null time",
        "garbage time",
        "text for a number",
        "over-long label",
        "span past the text",
        "span backwards",
        "unknown status",
    ],
)
def test_rows_with_bad_values_are_refused(lead, tmp_path, table, sql, words):  # noqa: F811
    package = asha_package(lead, tmp_path)
    if table:
        loosen(package, table)
    crafted(package, (sql, {"id": "t-far", "table": "entities", "label": "GPE", "t": later()}))
    refused(lead, [package], *words)


def test_a_package_of_a_million_tiny_rows_is_refused_quickly(lead, tmp_path):  # noqa: F811
    import time

    package = asha_package(lead, tmp_path)
    con = sqlite3.connect(package)
    asha = con.execute("SELECT id FROM annotators WHERE name = 'asha'").fetchone()[0]
    con.executemany(
        "INSERT INTO tombstones (id, table_name, document_id, annotator_id, deleted_at) "
        "VALUES (?, 'entities', 1, ?, '2025-01-01 00:00:00.000000')",
        ((f"t{i}", asha) for i in range(1_000_000)),
    )
    con.commit()
    con.close()
    started = time.monotonic()
    refused(lead, [package], "1,000,", "rows")
    assert time.monotonic() - started < 10


def test_many_rows_within_the_limit_merge_in_bounded_time(lead, tmp_path):  # noqa: F811
    """The checks run in batches, not one query per row: counted, not timed (a time bound fails on a busy
    machine)."""
    from sqlalchemy import event

    package = asha_package(lead, tmp_path)
    con = sqlite3.connect(package)
    asha = con.execute("SELECT id FROM annotators WHERE name = 'asha'").fetchone()[0]
    con.executemany(
        "INSERT INTO tombstones (id, table_name, document_id, annotator_id, deleted_at) "
        "VALUES (?, 'event_arguments', 1, ?, '2025-01-01 00:00:00.000000')",
        ((f"t{i}", asha) for i in range(40_000)),
    )
    con.commit()
    con.close()
    statements: list[int] = []

    def count(*_args):
        statements.append(1)

    event.listen(lead.engine, "before_cursor_execute", count)
    try:
        import_packages(lead, [package])
    finally:
        event.remove(lead.engine, "before_cursor_execute", count)
    assert 0 < len(statements) < 4_000, len(statements)  # 40,000 tombstones: batches, not a query each


def test_predictable_imported_ids_give_no_power_over_others(lead, tmp_path):  # noqa: F811
    """ravi's imported labels have ids derived from the document, his name and the file's id (T1): asha can
    compute them, and still cannot touch them."""
    import json

    from annotator.formats.native import storage_id
    from annotator.services.importing import import_paths
    from annotator.store.models import Document
    from tests.services.test_packages import TEXTS

    src = tmp_path / "ravi.jsonl"
    ann = {"annotator": "ravi", "entities": [{"id": "T1", "start": 0, "end": 9, "label": "GPE"}]}
    src.write_text(
        json.dumps({"id": "d2", "text": TEXTS[2], "annotations": [ann]}, ensure_ascii=False) + "\n"
    )
    assert import_paths(lead, [src]).ok
    with lead.engine.connect() as conn:
        digest_d2 = conn.scalar(select(Document.content_hash).where(Document.external_id == "d2"))
        stored = conn.scalars(
            select(Entity.id)
            .join(Annotator, Annotator.id == Entity.annotator_id)
            .where(Annotator.name == "ravi")
        ).all()
    predicted = storage_id("T1", digest_d2, "ravi", "entity")
    assert stored == [predicted]  # predictable indeed
    assert storage_id("T1", digest_d2, "asha", "entity") != predicted  # and not shared with asha's T1
    package = asha_package(lead, tmp_path)
    crafted(package, (TOMB, {"id": predicted, "table": "entities", "t": later()}))
    refused(lead, [package], predicted, "ravi")
    package.unlink()
    package = asha_package(lead, tmp_path)
    crafted(package, (ENTITY, {"id": predicted, "label": "ORG", "t": later()}))
    refused(lead, [package], predicted, "ravi")


def test_a_leftover_of_a_killed_merge_is_swept_by_the_next(lead, tmp_path, monkeypatch):  # noqa: F811
    import tempfile

    from annotator.fileio import scratch_folder

    system_tmp = tmp_path / "system-tmp"
    system_tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(system_tmp))
    dead = scratch_folder() / ".package.999999999.annotator-tmp-dir"
    dead.mkdir()
    (dead / "package.annotator").write_bytes(b"half a copy")
    alive = scratch_folder() / f".package.{__import__('os').getpid()}.annotator-tmp-dir"  # this process's
    package = asha_package(lead, tmp_path)
    import_packages(lead, [package])
    assert not dead.exists()
    assert not alive.exists()
    assert list(system_tmp.iterdir()) == []
