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


@pytest.fixture
def project(tmp_path):
    from annotator.services.project import init_project

    with init_project(tmp_path / "p.annotator") as p:
        yield p


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    monkeypatch.setenv("ANNOTATOR_HOME", str(tmp_path / "home"))


@pytest.fixture(scope="session")
def _pg_server():
    from tests import pg

    reason = pg.unavailable_reason()
    if reason:
        pytest.skip(reason)
    with pg.postgres_server() as template:
        yield template


@pytest.fixture
def pg_url(_pg_server, request):
    """A fresh, empty PostgreSQL database for one test."""
    import re

    from tests import pg

    name = "t_" + re.sub(r"\W", "_", request.node.name)[:50].lower()
    return pg.create_database(_pg_server, name)
