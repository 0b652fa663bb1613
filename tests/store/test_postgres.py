"""The same program on PostgreSQL: migrations, import, export, stats (skipped without a server)."""

import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from annotator.services.exporting import export_jsonl
from annotator.services.importing import import_paths
from annotator.services.project import init_project, open_project
from annotator.services.stats import project_stats
from annotator.store.models import Base, Document, Entity
from tests.services.test_native_jsonl import native_record, write


def test_models_match_migrations_on_postgres(pg_url):
    with init_project(pg_url) as project, project.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_round_trip_matches_sqlite(pg_url, tmp_path):
    plain = {"id": "p", "title": "", "text": "Plain English text.", "meta": {"lang": "en", "b": [1, 2]}}
    src = write(tmp_path / "n.jsonl", native_record(), plain)
    with init_project(tmp_path / "s.annotator") as sqlite_project:
        assert import_paths(sqlite_project, [src]).ok
        export_jsonl(sqlite_project, tmp_path / "sqlite.jsonl")
    with init_project(pg_url) as project:
        report = import_paths(project, [src, src])
        assert report.ok, report.errors
        assert (report.documents_added, report.documents_existing) == (2, 2)
        export_jsonl(project, tmp_path / "pg.jsonl")
        stats = project_stats(project)
        with project.session() as s:
            assert s.scalar(select(func.count()).select_from(Document)) == 2
            assert s.scalar(select(func.count()).select_from(Entity)) == 3
    assert (tmp_path / "pg.jsonl").read_bytes() == (tmp_path / "sqlite.jsonl").read_bytes()
    assert json.loads((tmp_path / "pg.jsonl").read_text().splitlines()[1])["meta"] == {
        "b": [1, 2],
        "lang": "en",
    }
    assert stats.documents == 2 and stats.entities["GPE"] == 1 and stats.annotators == ["asha"]
    with open_project(pg_url) as again:
        assert again.schema.entity_type("PER").name == "PER"


def test_concurrent_writers_keep_both_sets_of_labels(pg_url, tmp_path):
    """Two processes label the same document at the same time on one server: nothing is lost."""
    import subprocess
    import sys
    import textwrap

    with init_project(pg_url) as project:
        src = write(tmp_path / "d.jsonl", {"id": "d", "text": "पहलगाम  " * 400})
        assert import_paths(project, [src]).ok
    worker = textwrap.dedent(
        """
        import sys
        from annotator.services.annotate import AddSpans, Editor
        from annotator.services.project import open_project
        with open_project(sys.argv[1]) as project:
            editor = Editor(project, sys.argv[2])
            for i in range(0, 400, 2):
                start = 8 * (i + int(sys.argv[3]))
                AddSpans(1, [(start, start + 6, "GPE")]).apply(editor)
        """
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", worker, pg_url, name, str(offset)])
        for name, offset in (("asha", 0), ("ravi", 1))
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    with open_project(pg_url) as project, project.session() as s:
        from annotator.store.models import Annotator

        rows = s.execute(
            select(Annotator.name, func.count())
            .join(Entity, Entity.annotator_id == Annotator.id)
            .group_by(Annotator.name)
            .order_by(Annotator.name)
        ).all()
    assert rows == [("asha", 200), ("ravi", 200)]
