"""The wheel carries the migrations and resources, and an installed copy creates a project from them."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

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


# ---------------------------------------------------------------- one version, the app build (issue 21)


def test_one_version_number_read_by_pyproject_the_changelog_and_the_installed_metadata():
    import re
    import tomllib
    from importlib.metadata import version

    from annotator import __version__

    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "annotator/__init__.py"
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    assert version("annotator") == __version__  # the install agrees (re-install after a bump)
    changelog = (REPO / "CHANGELOG.md").read_text("utf-8")
    releases = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", changelog, re.MULTILINE)
    assert releases and releases[0] == __version__, "the changelog's newest release is the version"
    assert "## [Unreleased]" in changelog


def test_build_tools_are_an_extra_not_a_dependency():
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    assert not any("pyinstaller" in d.lower() for d in project["dependencies"])
    assert any(d.lower().startswith("pyinstaller") for d in project["optional-dependencies"]["build"])


def test_the_icons_made_by_the_build_are_well_formed(tmp_path):
    import struct

    # in its own process: the icons are drawn with a QGuiApplication, which would stay and keep the
    # widget tests after this one from making their QApplication
    done = subprocess.run(
        [sys.executable, str(REPO / "packaging" / "icons.py"), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.returncode == 0, done.stderr
    made = {kind: tmp_path / f"annotator.{kind}" for kind in ("png", "ico", "icns")}
    ico = made["ico"].read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind) == (0, 1) and count == 7  # 16 … 256 px
    for i in range(count):
        _w, _h, _c, _r, _planes, _bits, size, offset = struct.unpack(
            "<BBBBHHII", ico[6 + 16 * i : 22 + 16 * i]
        )
        assert ico[offset : offset + 8] == b"\x89PNG\r\n\x1a\n" and offset + size <= len(ico)
    icns = made["icns"].read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    assert icns[8:12] == b"ic07" and icns[16:24] == b"\x89PNG\r\n\x1a\n"
    assert made["png"].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (REPO / "packaging" / "icon.svg").stat().st_size < 100_000


def test_file_associations_name_both_file_kinds_on_every_platform():
    import configparser
    import xml.etree.ElementTree as ET

    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str  # type: ignore[assignment,method-assign]
    desktop.read(REPO / "packaging" / "linux" / "annotator.desktop", encoding="utf-8")
    entry = desktop["Desktop Entry"]
    assert entry["Exec"] == "annotator %f" and entry["Icon"] == "annotator"
    types = set(entry["MimeType"].strip(";").split(";"))
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime = ET.parse(REPO / "packaging" / "linux" / "annotator-mime.xml").getroot()
    globs = {t.get("type"): t.find("m:glob", ns).get("pattern") for t in mime.findall("m:mime-type", ns)}
    assert globs == {
        "application/x-annotator-project": "*.annotator",
        "application/x-annotator-package": "*.package",
    }
    assert types == set(globs)
    spec = (REPO / "packaging" / "annotator.spec").read_text("utf-8")
    assert "CFBundleDocumentTypes" in spec and '"annotator"),' in spec and '"package"),' in spec
    assert "argv_emulation=mac" in spec
    iss = (REPO / "packaging" / "windows" / "annotator.iss").read_text("utf-8")
    assert 'Subkey: "Software\\Classes\\.annotator"' in iss and 'Subkey: "Software\\Classes\\.package"' in iss


def test_a_project_file_given_alone_opens_in_the_window(monkeypatch, tmp_path):
    """A double-clicked file (`annotator FILE.annotator`, as the associations start it) means `gui FILE`."""
    from annotator import cli

    seen = {}
    monkeypatch.setattr(cli, "cmd_gui", lambda args: seen.setdefault("project", args.project) and 0)
    for name in ("news.annotator", "asha.PACKAGE"):
        seen.clear()
        assert cli.main([str(tmp_path / name)]) == 0
        assert seen["project"] == str(tmp_path / name)


def test_the_spec_bundles_every_resource_folder_and_the_migrations():
    spec = (REPO / "packaging" / "annotator.spec").read_text("utf-8")
    assert '(str(REPO / "resources"), "annotator/_data/resources")' in spec  # fonts, schemas, gazetteers
    assert '(str(REPO / "db" / "migrations"), "annotator/_data/migrations")' in spec
    for folder in ("fonts", "schemas", "gazetteers"):
        assert (REPO / "resources" / folder).is_dir()


def test_version_names_the_schema_revision_and_where_things_live(tmp_path):
    from annotator import __version__
    from annotator.store.database import head_revision

    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.json").write_text('{"last_project": "/data/news.annotator"}', encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"ANNOTATOR_HOME": str(home), "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"annotator {__version__}",
        f"schema revision {head_revision()}",
        f"settings: {home / 'settings.json'}",
        "last project: /data/news.annotator",
        f"error logs: {home / 'logs'}",
    ]


def test_the_build_workflow_builds_and_smoke_tests_on_the_three_systems():
    """.github/workflows/build.yml is not run here: this checks what it says it does."""
    yaml = pytest.importorskip("yaml")
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "build.yml").read_text("utf-8"))
    job = workflow["jobs"]["app"]
    systems = {os.split("-")[0] for os in job["strategy"]["matrix"]["os"]}
    assert systems == {"ubuntu", "windows", "macos"}
    runs = [step.get("run", "") for step in job["steps"]]
    assert any("packaging/build.py --smoke" in r for r in runs)
    assert any("tests/test_packaging_build.py" in r for r in runs)
    assert any(step.get("uses", "").startswith("actions/upload-artifact") for step in job["steps"])
