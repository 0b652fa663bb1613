"""No export replaces the project it reads: an --out naming the project file (or the files SQLite keeps
beside it) is refused in one line, and the project is left a project."""

import pytest

from annotator.cli import main


@pytest.fixture
def proj(tmp_path, capsys):
    path = tmp_path / "p.annotator"
    assert main(["init", str(path)]) == 0
    assert main(["annotators", "add", str(path), "asha"]) == 0
    capsys.readouterr()
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["export", "{p}", "--out", "{out}"],
        ["export", "{p}", "--out", "{out}", "--format", "brat"],
        ["package", "export", "{p}", "--annotator", "asha", "--out", "{out}"],
        ["incidents", "export", "{p}", "--out", "{out}"],
        ["kb", "export", "{p}", "--out", "{out}", "--format", "tsv"],
    ],
)
@pytest.mark.parametrize("suffix", ["", "-wal"])
def test_an_export_onto_the_project_is_refused(proj, capsys, command, suffix):
    out = proj.with_name(proj.name + suffix)
    before = proj.read_bytes()
    argv = [a.format(p=proj, out=out) for a in command]
    assert main(argv) == 1, argv
    assert (
        capsys.readouterr().err.strip()
        == f"annotator: error: {out}: is the project itself; export to another file"
    )
    assert proj.read_bytes() == before
    assert main(["stats", str(proj)]) == 0  # still a project


def test_a_relative_path_to_the_project_is_refused_too(proj, capsys, monkeypatch):
    monkeypatch.chdir(proj.parent)
    assert main(["export", str(proj), "--out", f"./{proj.name}"]) == 1
    assert "is the project itself" in capsys.readouterr().err
