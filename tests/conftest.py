import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPORA = SHARED / "corpora"


def corpus(*parts: str) -> Path:
    """A file of the shared test corpora, or skip the test saying why."""
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared corpus file {path} not present (see shared/corpora/SOURCES.md)")
    return path


def _backends():
    """Storage suites run on SQLite and on PostgreSQL: a server from $ANNOTATOR_TEST_POSTGRES_URL (a
    template like postgresql+psycopg://user@host/{db} that may create databases), else a throwaway one
    started from the machine's PostgreSQL binaries; skipped, saying why, when neither is there."""
    return ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


@pytest.fixture(params=_backends())
def project(request, tmp_path):
    from annotator.services.project import init_project

    target = tmp_path / "p.annotator" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    with init_project(target) as p:
        yield p


@pytest.fixture
def sqlite_project(tmp_path):
    """For tests about the SQLite file itself."""
    from annotator.services.project import init_project

    with init_project(tmp_path / "p.annotator") as p:
        yield p


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_HOME", str(tmp_path / "home"))


@pytest.fixture(scope="session")
def _pg_server():
    import os

    from tests import pg

    configured = os.environ.get("ANNOTATOR_TEST_POSTGRES_URL")
    if configured:
        yield configured
        return
    reason = pg.unavailable_reason()
    if reason:
        pytest.skip(f"PostgreSQL suites skipped: {reason}; set ANNOTATOR_TEST_POSTGRES_URL to run them")
    with pg.postgres_server() as template:
        yield template


@pytest.fixture
def pg_url(_pg_server, request):
    """A fresh, empty PostgreSQL database for one test."""
    import re
    import uuid

    from tests import pg

    name = "t_" + re.sub(r"\W", "_", request.node.name)[:40].lower() + "_" + uuid.uuid4().hex[:8]
    return pg.create_database(_pg_server, name)
