"""Offline work packages: export, work offline, merge back — lossless, idempotent, order-independent, safe."""

import itertools
import json
import sqlite3

import pytest
from sqlalchemy import insert, select

from annotator.services.annotate import AddSpans, DeleteSpans, Editor, Relabel, SetTone
from annotator.services.exporting import export_jsonl
from annotator.services.importing import import_paths
from annotator.services.packages import PackageError, export_package, import_packages, project_id
from annotator.services.project import init_project, open_project
from annotator.store.models import Annotator, Assignment, Entity, Tombstone, utcnow

TEXTS = [f"पाकिस्तान और भारत के बीच बातचीत संख्या {i} हुई। Delhi talks {i}." for i in range(6)]
PEOPLE = ("asha", "ravi", "meera")


def assign(project, plan):
    with project.engine.begin() as conn:
        for name in PEOPLE:
            conn.execute(insert(Annotator).values(name=name, role="annotator", created_at=utcnow()))
        ids = dict(conn.execute(select(Annotator.name, Annotator.id)).all())
        conn.execute(
            insert(Assignment),
            [
                {"id": f"{name}-{doc}", "document_id": doc, "annotator_id": ids[name], "created_at": utcnow()}
                for name, docs in plan.items()
                for doc in docs
            ],
        )


@pytest.fixture
def lead(project, tmp_path):
    """The lead's project, on SQLite and on PostgreSQL (packages are always SQLite files)."""
    src = tmp_path / "d.jsonl"
    src.write_text(
        "\n".join(json.dumps({"id": f"d{i}", "text": t}, ensure_ascii=False) for i, t in enumerate(TEXTS))
        + "\n",
        encoding="utf-8",
    )
    assert import_paths(project, [src]).ok
    assign(project, {"asha": [1, 2, 3], "ravi": [3, 4], "meera": [5, 6, 1]})
    # asha labelled document 1 in the lead's project before going offline
    AddSpans(1, [(0, 9, "GPE")]).apply(Editor(project, "asha"))
    project_id(project)
    return project


def copy_project(src, dst):
    """A consistent copy of an open project (its WAL included)."""
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    a.backup(b)
    a.close()
    b.close()


def snapshot(project, tmp_path, name):
    out = tmp_path / f"{name}.jsonl"
    export_jsonl(project, out)
    return out.read_bytes()


def work_offline(package_path, annotator):
    """What an annotator does in the app with their package: labels, a relabel, a deletion, a tone."""
    with open_project(package_path) as package:
        assert package.package["annotator"] == annotator
        editor = Editor(package, annotator)
        doc_ids = sorted(package.session().scalars(select(Assignment.document_id)).all())
        first = doc_ids[0]
        AddSpans(first, [(13, 17, "GPE"), (38, 43, "GPE")]).apply(editor)
        SetTone(first, None, 1).apply(editor)
        state = editor.state(first)
        Relabel(first, state.spans[-1], "LOC", {}).apply(editor)
        if annotator == "asha":  # delete the span made in the lead's project before the package
            DeleteSpans(first, [s.id for s in state.spans if (s.start, s.end) == (0, 9)]).apply(editor)


def clone(lead, tmp_path, name):
    """An exact copy of the lead's project on the same backend (SQLite: the backup API; PostgreSQL: a
    database made from it as a template)."""
    from sqlalchemy import create_engine, text

    if lead.engine.dialect.name == "sqlite":
        copy = tmp_path / f"{name}.annotator"
        copy_project(lead.location, copy)
        return open_project(copy)
    lead.engine.dispose()
    url = lead.engine.url
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"'))
    admin.dispose()
    return open_project(url.set(database=name).render_as_string(hide_password=False))


def test_round_trip_three_annotators_any_order(lead, tmp_path):
    packages = {}
    for name in PEOPLE:
        packages[name] = tmp_path / f"{name}.package"
        assert export_package(lead, name, packages[name]) == {"asha": 3, "ravi": 2, "meera": 3}[name]
        work_offline(packages[name], name)
    results = set()
    for order in itertools.permutations(PEOPLE):
        with clone(lead, tmp_path, "c_" + "_".join(order)) as project:
            report = import_packages(project, [packages[n] for n in order])
            assert report.packages == 3 and report.deleted == 1 and report.added > 0
            first = snapshot(project, tmp_path, "x")
            again = import_packages(project, [packages[n] for n in order])  # idempotent
            assert (again.added, again.updated, again.deleted) == (0, 0, 0)
            assert snapshot(project, tmp_path, "y") == first
            with project.session() as s:
                assert s.scalars(select(Entity).where(Entity.start == 0, Entity.end == 9)).all() == []
                assert len(s.scalars(select(Tombstone)).all()) == 1
        results.add(first)
    assert len(results) == 1  # every order gives the same project
    exported = [json.loads(line) for line in results.pop().decode().splitlines()]
    by_doc = {d["id"]: {a["annotator"]: a for a in d["annotations"]} for d in exported}
    assert by_doc["d0"]["asha"]["document"] == {"tone": 1}
    assert sorted(e["label"] for e in by_doc["d0"]["asha"]["entities"]) == ["GPE", "LOC"]
    assert set(by_doc["d0"]) == {"asha", "meera"}  # doc 1 was assigned to both; each keeps their own


def test_later_change_wins_and_is_reported(lead, tmp_path):
    package = tmp_path / "asha.package"
    export_package(lead, "asha", package)
    # the lead's project changes asha's span first; the package changes it later
    editor = Editor(lead, "asha")
    span = editor.state(1).spans[0]
    Relabel(1, span, "LOC", {}).apply(editor)
    with open_project(package) as offline:
        offline_editor = Editor(offline, "asha")
        Relabel(1, offline_editor.state(1).spans[0], "FAC", {}).apply(offline_editor)
    report = import_packages(lead, [package])
    assert report.updated == 1 and any("later change" in c for c in report.conflicts)
    assert [s.label for s in editor.state(1).spans] == ["FAC"]


def rewrite_header(path, **changes):
    con = sqlite3.connect(path)
    header = json.loads(con.execute("SELECT value FROM settings WHERE key = 'package'").fetchone()[0])
    header.update(changes)
    con.execute("UPDATE settings SET value = ? WHERE key = 'package'", (json.dumps(header),))
    con.commit()
    con.close()


def tamper(path, sql):
    con = sqlite3.connect(path)
    con.execute(sql)
    con.commit()
    con.close()


@pytest.mark.parametrize(
    "damage,message",
    [
        (lambda p, t: tamper(p, "UPDATE documents SET text = text || 'x' WHERE id = 1"), "was altered"),
        (lambda p, t: rewrite_header(p, project_id="someone-else"), "another project"),
        (
            lambda p, t: (
                tamper(
                    p,
                    "INSERT INTO annotators (id, name, role, created_at) VALUES "
                    "(99, 'intruder', 'annotator', '2025-01-01 00:00:00')",
                )
                or tamper(p, "UPDATE entities SET annotator_id = 99")
            ),
            "made for asha only",
        ),
        (lambda p, t: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 3]), "damaged or truncated"),
        (lambda p, t: p.write_text("not a database"), "not a work package"),
        (lambda p, t: copy_project(t, p), "not a work package"),  # a plain project file
    ],
    ids=["text altered", "other project", "other annotator", "truncated", "not sqlite", "not a package"],
)
def test_bad_packages_are_refused_and_nothing_is_written(lead, tmp_path, damage, message):
    package = tmp_path / "asha.package"
    export_package(lead, "asha", package)
    with open_project(package) as offline:
        AddSpans(2, [(13, 17, "GPE")]).apply(Editor(offline, "asha"))
    other = tmp_path / "other.annotator"
    init_project(other).close()
    damage(package, other)
    before = snapshot(lead, tmp_path, "before")
    with pytest.raises(PackageError, match=message):
        import_packages(lead, [package])
    assert snapshot(lead, tmp_path, "after") == before


def test_package_for_another_schema_is_refused(lead, tmp_path):
    package = tmp_path / "asha.package"
    export_package(lead, "asha", package)
    tamper(package, "UPDATE settings SET value = replace(value, 'PER', 'PERSON') WHERE key = 'schema'")
    with pytest.raises(PackageError):
        import_packages(lead, [package])


def test_export_errors(lead, tmp_path):
    from annotator.errors import AnnotatorError

    with pytest.raises(AnnotatorError, match="no annotator called 'nobody'"):
        export_package(lead, "nobody", tmp_path / "x.package")
    (tmp_path / "exists.package").write_text("")
    with pytest.raises(AnnotatorError, match="already exists"):
        export_package(lead, "asha", tmp_path / "exists.package")


def test_cli_package_export_and_import(tmp_path, capsys):
    from annotator.cli import main

    project = tmp_path / "lead.annotator"
    assert main(["init", str(project)]) == 0
    src = tmp_path / "d.jsonl"
    src.write_text(
        "\n".join(json.dumps({"id": f"d{i}", "text": t}, ensure_ascii=False) for i, t in enumerate(TEXTS))
        + "\n",
        encoding="utf-8",
    )
    assert main(["import", str(project), str(src), "--quiet"]) == 0
    assert main(["annotators", "add", str(project), "asha"]) == 0
    assert main(["assign", str(project), "--annotators", "asha", "--seed", "1"]) == 0
    package = tmp_path / "asha.package"
    assert main(["package", "export", str(project), "--annotator", "asha", "--out", str(package)]) == 0
    assert "6 document(s)" in capsys.readouterr().out
    with open_project(package) as offline:
        AddSpans(1, [(0, 9, "GPE")]).apply(Editor(offline, "asha"))
    assert main(["package", "import", str(project), str(package), "--quiet"]) == 0
    assert "1 package(s): 2 added" in capsys.readouterr().out
    package.write_bytes(package.read_bytes()[:2000])
    assert main(["package", "import", str(project), str(package), "--quiet"]) == 1
    assert "damaged or truncated" in capsys.readouterr().err


def test_decided_suggestions_travel_with_the_package(lead, tmp_path):
    """A rejected suggestion goes to the laptop (not suggested there again); one accepted offline comes
    back as the record of its label's source; merging twice changes nothing."""
    from annotator.services.suggestions import (
        AcceptSuggestions,
        RejectSuggestions,
        compute_suggestions,
        open_suggestions,
    )
    from annotator.store.models import Suggestion

    made = compute_suggestions(lead, 2, "asha", settings=None)
    delhi = next(s for s in made if TEXTS[1][s.start : s.end] == "Delhi")
    RejectSuggestions(2, [delhi]).apply(Editor(lead, "asha"))
    path = tmp_path / "asha.package"
    export_package(lead, "asha", path)
    with open_project(path) as package:
        with package.engine.connect() as conn:
            assert conn.execute(select(Suggestion.status, Suggestion.label)).all() == [
                ("rejected", delhi.label)
            ]
        with package.engine.connect() as conn:
            doc = dict(conn.execute(select_docs()).all())[TEXTS[1]]
        offline = compute_suggestions(package, doc, "asha")
        assert "Delhi" not in [TEXTS[1][s.start : s.end] for s in offline]
        pak = next(s for s in offline if TEXTS[1][s.start : s.end] == "पाकिस्तान")
        AcceptSuggestions(doc, [pak]).apply(Editor(package, "asha"))
    report = import_packages(lead, [path])
    with lead.engine.connect() as conn:
        rows = conn.execute(
            select(Suggestion.status, Suggestion.source, Suggestion.start, Suggestion.annotation_id).where(
                Suggestion.document_id == 2, Suggestion.status != "open"
            )
        ).all()
        entity = conn.execute(select(Entity.id, Entity.label).where(Entity.document_id == 2)).all()
    accepted = [r for r in rows if r.status == "accepted"]
    assert len(accepted) == 1 and accepted[0].source == "gazetteer" and accepted[0].start == pak.start
    assert entity == [(accepted[0].annotation_id, "GPE")]
    assert [s.start for s in open_suggestions(lead, 2, "asha")].count(pak.start) == 0  # settled here too
    assert report.added >= 2
    again = import_packages(lead, [path])
    assert again.added == 0 and again.updated == 0


def select_docs():
    from annotator.store.models import Document

    return select(Document.text, Document.id)
