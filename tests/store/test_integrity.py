"""Damaged, foreign, empty and odd files: refused with one line before anything writes; check and repair."""

import hashlib
import json
import os
import sqlite3
import subprocess
import sys

import pytest

from annotator.cli import main

COMMANDS = [
    ["settings", "{p}", "blind", "off"],
    ["import", "{p}", "{doc}", "--quiet"],
    ["search", "{p}", "pahalgam", "--quiet"],
    ["stats", "{p}"],
    ["export", "{p}", "--out", "{out}", "--quiet"],
    ["annotators", "add", "{p}", "asha"],
]


def digest(path):
    """Bytes of the file and of any -wal/-shm beside it (absent ones as None)."""
    parts = []
    for suffix in ("", "-wal", "-shm"):
        f = path.with_name(path.name + suffix)
        parts.append(hashlib.sha256(f.read_bytes()).hexdigest() if f.exists() else None)
    return parts


def run_all(path, tmp_path, capsys):
    doc = tmp_path / "new.jsonl"
    doc.write_text(json.dumps({"text": "पहलगाम में हमला"}) + "\n", encoding="utf-8")
    results = []
    for args in COMMANDS:
        argv = [a.format(p=path, doc=doc, out=tmp_path / "out.jsonl") for a in args]
        code = main(argv)
        err = capsys.readouterr().err
        results.append((argv[0], code, err))
    return results


def make_project(tmp_path, n=400, name="p.annotator"):
    path = tmp_path / name
    assert main(["init", str(path)]) == 0
    src = tmp_path / "docs.jsonl"
    with src.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = f"MARK{i:05d} " + "पहलगाम में आतंकी हमला हुआ और सुरक्षा बलों ने इलाके को घेर लिया। " * 6
            doc = {
                "id": f"d{i}",
                "text": text,
                "annotations": [
                    {"annotator": "asha", "entities": [{"id": "T1", "start": 10, "end": 16, "label": "LOC"}]}
                ],
            }
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
    assert main(["import", str(path), str(src), "--quiet"]) == 0
    return path


def damage_page_holding(path, marker: bytes):
    """Overwrite the b-tree page that holds ``marker`` (an interior part of the file) with garbage."""
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    offset = data.find(marker)
    assert offset > 0, "marker not in the main file (still in the WAL?)"
    page = offset // page_size
    assert page > 1
    data[page * page_size : page * page_size + 64] = b"\xa5" * 64  # the page header and cell pointers
    path.write_bytes(bytes(data))
    return page


@pytest.fixture
def damaged(tmp_path, capsys):
    path = make_project(tmp_path)
    assert not path.with_name(path.name + "-wal").exists() or True
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    damage_page_holding(path, b"MARK00200")
    capsys.readouterr()
    return path


def test_every_command_refuses_a_damaged_project_and_writes_nothing(damaged, tmp_path, capsys):
    before = digest(damaged)
    for command, code, err in run_all(damaged, tmp_path, capsys):
        lines = err.strip().splitlines()
        assert code == 1, (command, err)
        assert len(lines) == 1 and "Traceback" not in err, (command, err)
        assert f"{damaged}: the project file is damaged" in lines[0], (command, err)
        assert "annotator repair" in lines[0]
    assert digest(damaged) == before


def test_check_reports_damage_and_soundness(damaged, tmp_path, capsys):
    assert main(["check", str(damaged)]) == 1
    out = capsys.readouterr().out
    assert "damaged" in out and "annotator repair" in out
    sound = make_project(tmp_path, n=3, name="sound.annotator")
    capsys.readouterr()
    assert main(["check", str(sound)]) == 0
    assert capsys.readouterr().out.strip() == f"{sound}: ok"


def test_repair_copies_every_readable_row(damaged, tmp_path, capsys):
    before = digest(damaged)
    out = tmp_path / "fixed.annotator"
    assert main(["repair", str(damaged), str(out)]) == 0
    printed = capsys.readouterr().out
    assert "documents:" in printed and "was not changed" in printed
    assert digest(damaged) == before
    assert main(["check", str(out)]) == 0
    capsys.readouterr()
    con = sqlite3.connect(out)
    ids = {row[0] for row in con.execute("SELECT external_id FROM documents")}
    labelled = con.execute(
        "SELECT count(*) FROM entities JOIN documents ON documents.id = entities.document_id"
    ).fetchone()[0]
    orphans = con.execute(
        "SELECT count(*) FROM entities WHERE document_id NOT IN (SELECT id FROM documents)"
    ).fetchone()[0]
    con.close()
    assert "d200" not in ids  # on the damaged page
    assert 300 < len(ids) < 400 and {"d0", "d399"} <= ids
    assert labelled == len(ids) and orphans == 0
    # the copy is a working project: stats, search (index rebuilt), export
    assert main(["stats", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["documents"] == len(ids)
    assert main(["search", str(out), "pahalgam", "--quiet"]) == 0
    assert "MARK" in capsys.readouterr().out
    assert main(["repair", str(damaged), str(out)]) == 1
    assert "already exists" in capsys.readouterr().err


def test_another_applications_database_is_never_written(tmp_path, capsys):
    path = tmp_path / "places.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    con.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')")
    con.commit()
    con.close()
    before = digest(path)
    assert before[1:] == [None, None]
    for command, code, err in run_all(path, tmp_path, capsys):
        assert code == 1 and "not an annotator project" in err and len(err.strip().splitlines()) == 1, (
            command,
            err,
        )
    assert main(["init", str(path)]) == 1
    capsys.readouterr()
    assert digest(path) == before  # header (journal mode bytes 18-19) unchanged, no -wal/-shm


def test_only_init_makes_a_project_of_an_empty_file(tmp_path, capsys):
    path = tmp_path / "empty.annotator"
    path.write_bytes(b"")
    for command, code, err in run_all(path, tmp_path, capsys):
        assert code == 1 and "is an empty file, not a project" in err, (command, err)
        assert path.stat().st_size == 0
        assert not path.with_name(path.name + "-wal").exists()
    missing = tmp_path / "missing.annotator"
    assert main(["stats", str(missing)]) == 1
    assert not missing.exists()
    assert main(["init", str(path)]) == 0
    assert main(["stats", str(path)]) == 0


def test_folders_fifos_and_truncated_files_are_refused(tmp_path, capsys):
    folder = tmp_path / "folder.annotator"
    folder.mkdir()
    assert main(["stats", str(folder)]) == 1
    assert "is a directory" in capsys.readouterr().err
    truncated = make_project(tmp_path, n=50, name="t.annotator")
    data = truncated.read_bytes()
    truncated.write_bytes(data[: len(data) // 2 + 100])
    before = digest(truncated)
    capsys.readouterr()
    assert main(["stats", str(truncated)]) == 1
    assert "damaged" in capsys.readouterr().err
    assert digest(truncated) == before
    fifo = tmp_path / "fifo.annotator"
    os.mkfifo(fifo)
    env = {**os.environ, "ANNOTATOR_HOME": str(tmp_path / "home")}
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "stats", str(fifo)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 1 and "not a regular file" in done.stderr
