"""Upgrades between builds: projects made by every earlier schema revision's own code open, are backed up
and upgraded with their labels intact; a project or work package of a newer build is refused with the
version it needs, and nothing is changed or half-merged.

The fixtures (tests/fixtures/releases/NNNN.sql, made by make_fixtures.py beside them) are SQL dumps of
projects that the code of each revision made with `annotator init` and `annotator import`."""

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator import __version__
from annotator.annotations import Layer
from annotator.services.annotate import AddSpans, Editor
from annotator.services.exporting import export_jsonl
from annotator.services.importing import import_paths
from annotator.services.packages import PackageError, export_package, import_packages
from annotator.services.project import init_project, open_project
from annotator.store.database import WRITTEN_BY_KEY, ProjectOpenError, head_revision, known_revisions
from annotator.store.models import Annotator, Assignment, Setting, utcnow
from annotator.store.reading import read_documents

RELEASES = Path(__file__).resolve().parents[1] / "fixtures" / "releases"
MANIFEST = json.loads((RELEASES / "manifest.json").read_text("utf-8"))


def restore(revision: str, target: Path) -> Path:
    con = sqlite3.connect(target)
    con.executescript((RELEASES / f"{revision}.sql").read_text("utf-8"))
    con.close()
    return target


def labels(project) -> dict:
    with project.engine.connect() as conn:
        docs = list(read_documents(conn))
    return {
        "entities": sorted(
            [d.external_id, name, e.start, e.end, e.label]
            for d in docs
            for name, s in d.sets.items()
            for e in s.entities
        ),
        "events": sorted(
            (d.external_id, name, ev.type, ev.start, ev.end, len(ev.arguments))
            for d in docs
            for name, s in d.sets.items()
            for ev in s.events
        ),
        "tone": sorted(
            (d.external_id, name, dict(s.tone)) for d in docs for name, s in d.sets.items() if s.tone
        ),
        "sentiment": sorted(
            (d.external_id, name, t.polarity) for d in docs for name, s in d.sets.items() for t in s.sentiment
        ),
        "text": {d.external_id: d.text for d in docs},
    }


def test_every_committed_revision_has_a_fixture():
    """A release that adds a migration adds its fixture (make_fixtures.py): every revision below this
    program's head, from the first on."""
    revisions = sorted(MANIFEST)
    assert revisions[0] == "0001"
    assert revisions == [f"{n:04d}" for n in range(1, len(revisions) + 1)]
    assert set(revisions) <= known_revisions()
    missing = sorted(known_revisions() - {head_revision()} - set(revisions))
    assert not missing, f"no fixture of revision(s) {missing}: run tests/fixtures/releases/make_fixtures.py"
    for revision in revisions:
        assert (RELEASES / f"{revision}.sql").is_file()


@pytest.mark.parametrize("revision", sorted(MANIFEST))
def test_a_project_of_an_older_build_is_backed_up_upgraded_and_keeps_its_labels(tmp_path, revision):
    path = restore(revision, tmp_path / f"old-{revision}.annotator")
    with open_project(path) as project:
        assert project.upgraded_from == revision
        assert project.backup is not None and project.backup.exists()
        got = labels(project)
        assert project.setting(WRITTEN_BY_KEY) == __version__  # the upgrade names this build
    # the labels the old code stored, every one, at the same offsets (the manifest: read from the old file)
    assert got["entities"] == MANIFEST[revision]["entities"]
    assert got["events"] == [("rel-hi", "asha", "ATTACK", 23, 27, 1)]
    assert got["tone"] == [("rel-hi", "asha", {"tone": -2})]
    assert got["sentiment"] == [("rel-hi", "asha", "NEG")]
    assert got["text"]["rel-hi"].startswith("पहलगाम में")
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(head_revision(),)]
    con.close()
    # the backup is the old project as it was: its revision, its labels
    backup = sqlite3.connect(project.backup)
    assert backup.execute("SELECT version_num FROM alembic_version").fetchall() == [(revision,)]
    assert backup.execute("SELECT count(*) FROM entities").fetchone()[0] == len(
        MANIFEST[revision]["entities"]
    )
    backup.close()
    # opened again: nothing more to do
    with open_project(path) as again:
        assert again.upgraded_from is None and again.backup is None


def future(path: Path, revision: str = "0999_future", version: str | None = "9.4.0") -> None:
    """Make a project file look like a newer build's: an unknown revision, stamped with that build."""
    con = sqlite3.connect(path)
    with con:
        con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        con.execute("DELETE FROM settings WHERE key = ?", (WRITTEN_BY_KEY,))
        if version:
            con.execute("INSERT INTO settings (key, value) VALUES (?, ?)", (WRITTEN_BY_KEY, version))
    con.close()


def test_a_new_project_names_the_build_that_made_it(tmp_path):
    with init_project(tmp_path / "n.annotator") as project:
        assert project.setting(WRITTEN_BY_KEY) == __version__


def test_a_project_of_a_newer_build_is_refused_naming_the_version_needed(tmp_path):
    path = tmp_path / "new.annotator"
    init_project(path).close()
    future(path)
    before = path.read_bytes()
    with pytest.raises(ProjectOpenError) as refused:
        open_project(path)
    message = str(refused.value)
    assert "install annotator 9.4.0 or later" in message and "0999_future" in message
    assert f"this is annotator {__version__}" in message and "nothing was changed" in message
    assert path.read_bytes() == before
    assert not list(tmp_path.glob("new.annotator.bak-*"))


def test_a_newer_project_without_a_recorded_version_names_the_revision(tmp_path):
    path = tmp_path / "new.annotator"
    init_project(path).close()
    future(path, version=None)
    with pytest.raises(ProjectOpenError, match=r"install an annotator that knows revision 0999_future"):
        open_project(path)


def test_an_unknown_revision_stamped_with_this_version_does_not_ask_for_this_version(tmp_path):
    """A later development build of the same version (or a damaged stamp): "install 0.1.0 or later" would
    send the person to the build they have."""
    path = tmp_path / "new.annotator"
    init_project(path).close()
    future(path, version=__version__)
    with pytest.raises(ProjectOpenError) as refused:
        open_project(path)
    message = str(refused.value)
    assert f"install annotator {__version__} or later" not in message
    assert f"a build of annotator {__version__} that knows revision 0999_future" in message


def test_the_newer_build_refusal_on_an_engine_reads_the_stamp_too(tmp_path):
    """The same message when the look before opening is not what finds it (a URL: e.g. a server)."""
    path = tmp_path / "new.annotator"
    init_project(path).close()
    future(path)
    with pytest.raises(ProjectOpenError, match=r"install annotator 9\.4\.0 or later"):
        open_project(f"sqlite:///{path}")


# ---------------------------------------------------------------- work packages across builds


@pytest.fixture
def lead(tmp_path):
    project = init_project(tmp_path / "lead.annotator")
    src = tmp_path / "d.jsonl"
    texts = [f"पाकिस्तान और भारत के बीच बातचीत {i} हुई। Delhi talks {i}." for i in range(3)]
    src.write_text(
        "".join(
            json.dumps({"id": f"d{i}", "text": t}, ensure_ascii=False) + "\n" for i, t in enumerate(texts)
        ),
        encoding="utf-8",
    )
    assert import_paths(project, [src]).ok
    with project.engine.begin() as conn:
        from sqlalchemy import insert

        for name in ("asha", "ravi"):
            conn.execute(insert(Annotator).values(name=name, role="annotator", created_at=utcnow()))
        ids = dict(conn.execute(select(Annotator.name, Annotator.id)).all())
        conn.execute(
            insert(Assignment),
            [
                {"id": f"{n}-{d}", "document_id": d, "annotator_id": ids[n], "created_at": utcnow()}
                for n, docs in {"asha": [1, 2], "ravi": [3]}.items()
                for d in docs
            ],
        )
    yield project
    project.close()


def package_with_work(lead, tmp_path, name: str, doc: int) -> Path:
    path = tmp_path / f"{name}.package"
    export_package(lead, name, path)
    with open_project(path) as package:
        AddSpans(doc, [(0, 9, "GPE")]).apply(Editor(package, name))
    return path


def downgrade(path: Path, revision: str) -> None:
    """The package as an older build wrote it: its schema taken back to ``revision``."""
    from alembic import command

    from annotator.store.database import _alembic_config, make_engine

    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        command.downgrade(_alembic_config(conn), revision)
    engine.dispose()


def snapshot(project, tmp_path, name) -> bytes:
    out = tmp_path / f"{name}.jsonl"
    export_jsonl(project, out)
    return out.read_bytes()


def test_a_package_of_an_older_build_merges(lead, tmp_path):
    older = sorted(r for r in known_revisions() if r != head_revision())[-1]  # the build before this one
    package = package_with_work(lead, tmp_path, "asha", 1)
    downgrade(package, older)
    report = import_packages(lead, [package])
    assert report.packages == 1 and report.added >= 1
    with lead.engine.connect() as conn:
        got = [
            (d.id, n, e.span, e.label)
            for d in read_documents(conn, layers=[Layer.ENTITIES])
            for n, s in d.sets.items()
            for e in s.entities
        ]
    assert got == [(1, "asha", (0, 9), "GPE")]


def test_a_package_of_a_newer_build_is_refused_with_the_reason_and_nothing_is_merged(lead, tmp_path):
    good = package_with_work(lead, tmp_path, "asha", 1)
    newer = package_with_work(lead, tmp_path, "ravi", 3)
    future(newer)
    con = sqlite3.connect(newer)  # a newer build's tables: named by the version, not as a crafted file
    con.execute("CREATE TABLE future_things (id TEXT PRIMARY KEY)")
    con.commit()
    con.close()
    before = snapshot(lead, tmp_path, "before")
    with pytest.raises(PackageError) as refused:
        import_packages(lead, [good, newer])  # the good one first: still nothing of either is merged
    message = str(refused.value)
    assert message.startswith(f"{newer}: this work package was written by a newer annotator")
    assert "install annotator 9.4.0 or later" in message and message.endswith("nothing merged")
    assert snapshot(lead, tmp_path, "after") == before
    with lead.session() as s:
        assert s.get(Setting, WRITTEN_BY_KEY).value == __version__
