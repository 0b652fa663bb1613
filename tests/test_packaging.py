"""The wheel carries the migrations and resources, and an installed copy creates a project from them."""

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_wheel_contains_migrations_and_works(tmp_path):
    build = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp_path),
            str(REPO),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    (wheel,) = tmp_path.glob("annotator-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "annotator/_data/migrations/env.py" in names
    assert any(n.startswith("annotator/_data/migrations/versions/0001") for n in names)
    assert "annotator/_data/resources/schemas/default.toml" in names
    assert "annotator/_data/resources/demo/articles.jsonl" in names
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    # Run from an unrelated folder with only the installed copy on the path (no source checkout).
    code = (
        "import annotator.resources as r, sys\n"
        "from annotator.services.project import init_project, open_project\n"
        "assert str(r.migrations_dir()).startswith(sys.argv[1]), r.migrations_dir()\n"
        "init_project(sys.argv[2]).close()\n"
        "p = open_project(sys.argv[2]); print(p.schema.name); p.close()\n"
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    run = subprocess.run(
        [sys.executable, "-c", code, str(site), str(work / "x.annotator")],
        capture_output=True,
        text=True,
        cwd=work,
        timeout=120,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip()
