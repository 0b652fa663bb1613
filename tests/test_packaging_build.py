"""The smoke test (``annotator smoke-test``: a project made and opened, a span labelled through the real
window) from the source install, and against the built app in dist/ when one has been built
(``python packaging/build.py``; CI's build workflow builds it first). Each runs as its own process, as a
person starts the program."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from annotator import __version__

REPO = Path(__file__).resolve().parents[1]


def _load_build_script():
    """packaging/build.py as a module (by its path: a folder named build/ beside it must not shadow it)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("annotator_build_script", REPO / "packaging" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_build = _load_build_script()
executable, info_path, source_digest = _build.executable, _build.info_path, _build.source_digest

BUILT = executable()


def _stale() -> str:
    """Why the built app in dist/ is not this checkout's (empty when it is): built before the sources
    changed, its tests would test other code."""
    import json

    try:
        info = json.loads(info_path().read_text("utf-8"))
    except (OSError, ValueError):
        return f"{info_path()} is missing: not a build of packaging/build.py"
    if info.get("source_digest") != source_digest():
        return f"the built app in {BUILT.parent} was built from other sources: run packaging/build.py again"
    return ""


needs_build = pytest.mark.skipif(
    not BUILT.exists() or bool(_stale()),
    reason=f"no built app at {BUILT} (python packaging/build.py makes it)"
    if not BUILT.exists()
    else _stale(),
)


def offscreen_env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ANNOTATOR_HOME": str(tmp_path / "home")}
    env.pop("PYTHONPATH", None)
    return env


def run(argv: list[str], tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, env=offscreen_env(tmp_path), timeout=300)


def check_smoke(done: subprocess.CompletedProcess, frozen: bool) -> None:
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"smoke: annotator {__version__}, schema revision ") and lines[0].endswith(
        f"frozen={frozen}"
    )
    assert "smoke: labelled 'पाकिस्तान' as GPE through the window (key 'g') and read it back" in lines
    assert lines[-1] == "smoke: ok"


def test_smoke_test_from_the_source_install(tmp_path):
    check_smoke(
        run([sys.executable, "-m", "annotator", "smoke-test", "--dir", str(tmp_path / "s")], tmp_path), False
    )
    assert (tmp_path / "s" / "smoke.annotator").is_file()  # the project it made, kept in the folder given


def test_smoke_test_fails_loudly_when_the_label_is_not_made(tmp_path, monkeypatch):
    """The smoke test is a test: a window that does not label fails it with the step named."""
    from annotator.ui import smoke

    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setenv("ANNOTATOR_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(smoke, "FIRST_WORD", "")  # an empty selection: the key makes no label
    assert smoke.main(str(tmp_path / "s")) == 1


@needs_build
def test_the_built_app_prints_its_version_and_passes_the_smoke_test(tmp_path):
    version = run([str(BUILT), "--version"], tmp_path)
    assert version.returncode == 0, version.stderr
    first, revision, *_ = version.stdout.splitlines()
    assert first == f"annotator {__version__}"
    from annotator.store.database import head_revision

    assert revision == f"schema revision {head_revision()}"
    check_smoke(run([str(BUILT), "smoke-test"], tmp_path), True)


@needs_build
def test_the_built_app_upgrades_a_project_of_the_first_release_with_its_migrations(tmp_path):
    """The migrations are read from files inside the built app (Alembic's script directory): the oldest
    fixture is backed up and upgraded by it, its labels counted."""
    import sqlite3

    from annotator.store.database import head_revision

    releases = REPO / "tests" / "fixtures" / "releases"
    project = tmp_path / "old.annotator"
    con = sqlite3.connect(project)
    con.executescript((releases / "0001.sql").read_text("utf-8"))
    con.close()
    done = run([str(BUILT), "stats", str(project), "--json"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert list(tmp_path.glob("old.annotator.bak-0001-*"))
    con = sqlite3.connect(project)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [(head_revision(),)]
    assert con.execute("SELECT count(*) FROM entities").fetchone() == (3,)
    con.close()
