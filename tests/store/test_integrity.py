"""Damaged, foreign, empty and odd files: refused with one line before anything writes, left byte for byte.

`annotator check` and `annotator repair` are tested in tests/cli/test_check_repair.py."""

import hashlib
import json
import os
import shutil
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
    assert 1 < page < len(data) // page_size - 1  # an interior page, not the first or the last
    assert data[page * page_size] == 0x0D  # a table b-tree leaf (documents), not a freelist page
    data[page * page_size : page * page_size + 64] = b"\xa5" * 64  # the page header and cell pointers
    path.write_bytes(bytes(data))
    return page


def checkpoint(path):
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    assert not path.with_name(path.name + "-wal").exists()


@pytest.fixture
def damaged(tmp_path, capsys):
    path = make_project(tmp_path)
    checkpoint(path)
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


def test_a_damaged_project_with_a_wal_left_by_a_crash_is_refused_and_kept(tmp_path, capsys):
    path = make_project(tmp_path)
    checkpoint(path)
    live = sqlite3.connect(path)  # a writer that dies: its last commit is only in the -wal
    live.execute("PRAGMA wal_autocheckpoint = 0")
    live.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('blind', 'off')")
    live.commit()
    crashed = tmp_path / "crashed.annotator"
    crashed.write_bytes(path.read_bytes())
    crashed.with_name(crashed.name + "-wal").write_bytes(path.with_name(path.name + "-wal").read_bytes())
    live.close()
    assert crashed.with_name(crashed.name + "-wal").stat().st_size > 0
    damage_page_holding(crashed, b"MARK00200")
    before = digest(crashed)[:2]  # the file and its -wal (SQLite may add the -shm index to read them)
    for command, code, err in run_all(crashed, tmp_path, capsys):
        assert code == 1 and len(err.strip().splitlines()) == 1, (command, err)
        assert f"{crashed}: the project file is damaged" in err, (command, err)
    assert digest(crashed)[:2] == before


def test_the_window_s_open_refuses_another_application_s_database_too(tmp_path):
    from annotator.services.project import init_project, open_project
    from annotator.store.database import ProjectOpenError, open_database

    path = tmp_path / "places.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    con.commit()
    con.close()
    header = path.read_bytes()[18:20]
    assert header == b"\x01\x01"  # a rollback-journal database: WAL mode would make it 2, 2
    before = digest(path)
    for attempt in (lambda: open_project(path), lambda: open_database(path, create=True)):
        with pytest.raises(ProjectOpenError, match=r"not an annotator project.*moz_places"):
            attempt()
    with pytest.raises(Exception, match="already exists"):
        init_project(path)
    assert digest(path) == before


def test_a_project_of_a_newer_annotator_is_refused_before_anything_opens_it(tmp_path, capsys, monkeypatch):
    from annotator.store import database

    path = make_project(tmp_path, n=3)
    checkpoint(path)
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = 'ffff_future'")
    con.commit()
    con.close()
    checkpoint(path)
    before = digest(path)
    engines = []
    real = database.make_engine
    monkeypatch.setattr(database, "make_engine", lambda url: engines.append(url) or real(url))
    for command, code, err in run_all(path, tmp_path, capsys):
        assert code == 1 and len(err.strip().splitlines()) == 1, (command, err)
        assert "written by a newer annotator (schema revision ffff_future" in err, (command, err)
    assert engines == []  # refused by the read-only look: no connection that could write was made
    assert digest(path) == before
    assert not list(tmp_path.glob("p.annotator.bak-*"))


def test_a_file_cut_at_a_page_boundary_is_refused_by_its_header_alone(tmp_path, capsys, monkeypatch):
    from annotator.store import database

    monkeypatch.setattr(database, "OPEN_CHECK_BUDGET_S", 0.0)  # no quick_check: the header must tell
    path = make_project(tmp_path, n=200)
    checkpoint(path)
    data = path.read_bytes()
    page_size = int.from_bytes(data[16:18], "big")
    pages = len(data) // page_size
    path.write_bytes(data[: pages // 2 * page_size])
    before = digest(path)
    assert main(["stats", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}: the project file is damaged (truncated: {pages // 2} of its {pages} pages" in err
    assert len(err.strip().splitlines()) == 1
    assert digest(path) == before


def test_damage_beyond_the_open_check_s_budget_fails_the_read_with_the_same_line(
    damaged, tmp_path, capsys, monkeypatch
):
    from annotator.store import database

    monkeypatch.setattr(database, "OPEN_CHECK_BUDGET_S", 0.0)  # as if the file were too large to check whole
    sound = make_project(tmp_path, n=3, name="sound.annotator")
    assert main(["stats", str(sound)]) == 0  # an unfinished check lets a sound project open
    capsys.readouterr()
    before = digest(damaged)[0]
    assert main(["export", str(damaged), "--out", str(tmp_path / "out.jsonl"), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert f"{damaged}: the project file is damaged (database disk image is malformed)" in err
    assert digest(damaged)[0] == before
    assert not (tmp_path / "out.jsonl").exists()


def _as_plain_user(tmp_path, *args):
    """Run annotator in a process that file permissions bind (root loses its right to ignore them)."""
    cmd = [sys.executable, "-m", "annotator", *args]
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv: permissions cannot be tested")
        cmd = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--inh-caps", "-all", *cmd]
    env = {**os.environ, "ANNOTATOR_HOME": str(tmp_path / "home")}
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env)


def test_unreadable_files_and_read_only_folders_get_one_line_and_stay_as_they_were(tmp_path):
    path = make_project(tmp_path, n=5)
    checkpoint(path)
    noread = tmp_path / "noread.annotator"
    noread.write_bytes(path.read_bytes())
    noread.chmod(0)
    folder = tmp_path / "readonly"
    folder.mkdir()
    locked = folder / "p.annotator"
    locked.write_bytes(path.read_bytes())
    folder.chmod(0o555)
    try:
        for target, expected in ((noread, "cannot be read: Permission denied"), (locked, "is read-only")):
            for args in (["stats"], ["settings"], ["export", "--out", str(tmp_path / "o.jsonl")]):
                done = _as_plain_user(tmp_path, args[0], str(target), *args[1:])
                assert done.returncode == 1, (target, args, done.stderr)
                assert len(done.stderr.strip().splitlines()) == 1 and expected in done.stderr, done.stderr
                assert str(target) in done.stderr
        assert sorted(p.name for p in folder.iterdir()) == ["p.annotator"]
        assert locked.read_bytes() == path.read_bytes()
    finally:
        folder.chmod(0o755)
        noread.chmod(0o644)
    assert noread.read_bytes() == path.read_bytes()


@pytest.mark.parametrize(
    "command",
    [["agreement", "--json"], ["search", "पहलगाम"], ["stats"], ["jsonl-export"]],
    ids=["agreement", "search", "stats", "jsonl"],
)
def test_damage_beyond_the_budget_is_one_line_for_every_reader(
    damaged, tmp_path, capsys, monkeypatch, command
):
    """Readers that take the driver's rows directly (the store readers, search on a plain sqlite3
    connection) report a damaged page as the rest do: one line naming the file, exit 1, nothing changed."""
    from annotator.store import database

    monkeypatch.setattr(database, "OPEN_CHECK_BUDGET_S", 0.0)
    before = digest(damaged)[0]
    if command == ["jsonl-export"]:
        argv = ["export", str(damaged), "--out", str(tmp_path / "o.jsonl"), "--quiet"]
    else:
        argv = [command[0], str(damaged), *command[1:]]
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 1, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert f"{damaged}: the project file is damaged" in err, err
    assert digest(damaged)[0] == before


# --- the look before opening remembers a sound check ----------------------------------------------------


def _settled(path, monkeypatch):
    """Let ``path`` count as settled (changed longer ago than the look's margin) without waiting seconds."""
    import time

    from annotator.store import database

    monkeypatch.setattr(database, "SETTLED_S", 0.2)
    time.sleep(0.3)


def _counting_quick_checks(monkeypatch):
    from annotator.store import database

    calls = []
    real = database._quick_check
    monkeypatch.setattr(database, "_quick_check", lambda con, budget: calls.append(1) or real(con, budget))
    return calls


def test_a_sound_check_is_remembered_outside_the_project_and_not_repeated(tmp_path, capsys, monkeypatch):
    from annotator.store import database

    path = make_project(tmp_path, n=20)
    checkpoint(path)
    _settled(path, monkeypatch)
    calls = _counting_quick_checks(monkeypatch)
    listing = sorted(p.name for p in tmp_path.iterdir() if p.name != "home")
    before = digest(path)
    assert main(["stats", str(path)]) == 0
    assert calls == [1]
    remembered = json.loads((tmp_path / "home" / "open-checks.json").read_text())
    assert list(remembered) == [str(path.resolve())]
    for args in (["stats", str(path)], ["search", str(path), "pahalgam", "--quiet"], ["stats", str(path)]):
        assert main(args) == 0
    # the search builds the index (a write): the next look checks again, and remembers once it settled
    assert calls == [1, 1]
    _settled(path, monkeypatch)
    assert main(["stats", str(path)]) == 0 and main(["stats", str(path)]) == 0
    assert calls == [1, 1, 1]
    assert database._remembered(path) == database._file_state(path)
    capsys.readouterr()
    checkpoint(path)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "home") == listing  # nothing beside it
    assert digest(path) != before  # (the index was built)


def test_damage_after_a_remembered_check_is_refused_before_anything_reads_it(tmp_path, capsys, monkeypatch):
    """A page overwritten after a sound check, with the size kept and the modification time put back:
    the kernel's status-change time still moved, so the look checks again and refuses the file."""
    path = make_project(tmp_path)
    checkpoint(path)
    _settled(path, monkeypatch)
    calls = _counting_quick_checks(monkeypatch)
    assert main(["stats", str(path)]) == 0 and main(["stats", str(path)]) == 0
    assert calls == [1]
    info = path.stat()
    damage_page_holding(path, b"MARK00200")
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (info.st_size, info.st_mtime_ns)
    assert path.read_bytes()[24:28] == path.read_bytes()[92:96]  # the change counter kept too
    capsys.readouterr()
    before = digest(path)
    for command, code, err in run_all(path, tmp_path, capsys):
        assert code == 1 and len(err.strip().splitlines()) == 1, (command, err)
        assert f"{path}: the project file is damaged" in err and "Traceback" not in err, (command, err)
    assert digest(path) == before


@pytest.mark.parametrize("command", [["search", "पहलगाम"], ["stats"]], ids=["search", "stats"])
def test_damage_that_changes_no_part_of_the_state_is_met_by_the_read(tmp_path, capsys, monkeypatch, command):
    """The trade-off, stated: damage that bypasses the file system (a failing disk, a write to the raw
    device) keeps every part of the remembered state, so the look does not check again; the read that
    meets the damaged page fails with the same one line, and forgets the check, so the next look refuses
    the file before anything reads it."""
    from annotator.store import database

    path = make_project(tmp_path)
    assert main(["search", str(path), "pahalgam", "--quiet"]) == 0  # the index, for search's own reads
    checkpoint(path)
    _settled(path, monkeypatch)
    assert main(["stats", str(path)]) == 0
    state = database._remembered(path)
    assert state is not None
    damage_page_holding(path, b"MARK00200")
    monkeypatch.setattr(database, "_file_state", lambda p: state)  # as if the damage had left no trace
    capsys.readouterr()
    calls = _counting_quick_checks(monkeypatch)
    code = main([command[0], str(path), *command[1:]])
    err = capsys.readouterr().err
    if command == ["stats"] and code == 0:  # stats may not read the damaged page: the next reader will
        code = main(["export", str(path), "--out", str(tmp_path / "o.jsonl"), "--quiet"])
        err = capsys.readouterr().err
    assert calls == []
    assert code == 1 and len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert f"{path}: the project file is damaged" in err, err
    assert database._remembered(path) is None
    assert main(["stats", str(path)]) == 1  # the look checks again, and refuses
    assert calls == [1] and "the project file is damaged" in capsys.readouterr().err


def test_a_check_is_not_remembered_for_a_file_changed_moments_ago_or_with_a_wal(tmp_path, monkeypatch):
    from annotator.store import database

    path = make_project(tmp_path, n=5)
    checkpoint(path)
    assert database._file_state(path) is None  # just written: a write in the same clock tick could hide
    _settled(path, monkeypatch)
    state = database._file_state(path)
    assert state is not None and state[-1] is None
    wal = path.with_name(path.name + "-wal")
    wal.write_bytes(b"")
    os.utime(wal, ns=(0, 0))
    assert database._file_state(path) is None  # its change time moved, whatever its modification time says
    _settled(path, monkeypatch)
    with_wal = database._file_state(path)
    assert with_wal is not None and with_wal[:-1] == state[:-1] and with_wal != state  # the -wal counts
    wal.unlink()


def test_checks_are_remembered_in_the_settings_folder(tmp_path, monkeypatch):
    from annotator.settings import data_home
    from annotator.store import database

    assert database._checks_file().parent == data_home()
    monkeypatch.delenv("ANNOTATOR_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert database._checks_file().parent == data_home() == tmp_path / "xdg" / "annotator"
