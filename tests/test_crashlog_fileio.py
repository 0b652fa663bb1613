"""Unexpected errors (one line + a log file, never a bare traceback) and temporaries beside their target."""

import os
import sys

import pytest

from annotator import cli, crashlog, fileio
from annotator.settings import data_home

DEAD_PID = 999_999_999  # beyond pid_max: never a live process


def test_unexpected_error_exits_70_with_one_line_naming_the_log(tmp_path, capsys, monkeypatch):
    def boom(args):
        raise KeyError("surprise")

    monkeypatch.setattr(cli, "cmd_stats", boom)
    assert cli.main(["stats", str(tmp_path / "p.annotator")]) == crashlog.EXIT_INTERNAL
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    assert "unexpected error (KeyError: 'surprise')" in lines[0]
    logs = list((data_home() / "logs").glob("error-*.log"))
    assert len(logs) == 1 and str(logs[0]) in lines[0]
    text = logs[0].read_text(encoding="utf-8")
    assert "Traceback" in text and "boom" in text and "annotator stats" in text


def test_user_errors_keep_exit_1(tmp_path, capsys):
    assert cli.main(["stats", str(tmp_path / "missing.annotator")]) == cli.EXIT_ERROR
    assert not (data_home() / "logs").exists()


def test_logs_are_capped(monkeypatch):
    monkeypatch.setattr(crashlog, "KEEP", 3)
    for n in range(6):
        crashlog.write_log(RuntimeError(str(n)))
    assert len(list(crashlog.log_dir().glob("error-*.log"))) == 3


def test_describe_user_error_is_its_message():
    from annotator.errors import AnnotatorError

    assert crashlog.describe(AnnotatorError("x.jsonl:3: bad\nthing")) == "x.jsonl:3: bad; thing"
    assert not crashlog.log_dir().exists()


def test_gui_hook_shows_one_line_and_logs(qtbot, monkeypatch, capsys):
    from PySide6.QtWidgets import QMessageBox

    from annotator.ui import app

    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    app.install_error_hook()
    try:
        raise ValueError("in a slot")
    except ValueError:
        sys.excepthook(*sys.exc_info())
    assert len(shown) == 1 and "ValueError: in a slot" in shown[0]
    assert str(crashlog.log_dir()) in shown[0]
    assert "Traceback" not in capsys.readouterr().err


def _leftovers(folder, name):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(f".{name}."))


def test_atomic_file_replaces_only_when_complete(tmp_path):
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), fileio.atomic_file(target) as fh:
        fh.write("half")
        raise RuntimeError
    assert target.read_text() == "old\n" and _leftovers(tmp_path, "out.jsonl") == []
    with fileio.atomic_file(target) as fh:
        fh.write("new\n")
    assert target.read_text() == "new\n" and _leftovers(tmp_path, "out.jsonl") == []


def test_leftovers_of_dead_processes_are_swept_and_nothing_else(tmp_path):
    target = tmp_path / "export"
    dead_file = tmp_path / f".export.{DEAD_PID}{fileio.SUFFIX}"
    dead_dir = tmp_path / f".export.{DEAD_PID}{fileio.SUFFIX}-dir"
    live = tmp_path / f".export.{os.getppid()}{fileio.SUFFIX}-dir"  # a running process's (our parent)
    dead_file.write_text("x")
    dead_dir.mkdir()
    (dead_dir / "a.txt").write_text("x")
    live.mkdir()
    unrelated = [tmp_path / ".export.keep", tmp_path / f".export.{DEAD_PID}.tmp", tmp_path / ".other.1.tmp"]
    for path in unrelated:
        path.write_text("mine")
    with fileio.staging_dir(target) as tmp:
        (tmp / "doc.txt").write_text("text")
    assert (target / "doc.txt").read_text() == "text"
    assert not dead_file.exists() and not dead_dir.exists() and live.exists()
    assert all(p.read_text() == "mine" for p in unrelated)


def test_the_scratch_folder_sweeps_every_dead_leftover_and_nothing_else(tmp_path):
    folder = fileio.scratch_folder()
    stale = [
        folder / f".package-ab.{DEAD_PID}{fileio.SUFFIX}-dir",
        folder / f".x.{DEAD_PID}{fileio.SUFFIX}-wal",
    ]
    stale[0].mkdir()
    stale[1].write_text("x")
    mine = folder / "notes.txt"
    mine.write_text("keep")
    assert fileio.scratch_folder() == folder
    assert not any(p.exists() for p in stale) and mine.read_text() == "keep"
