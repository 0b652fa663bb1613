"""`annotator check` and `annotator repair`: the way out of a damaged project."""

import re
import sqlite3

import pytest

from annotator.cli import main
from tests.store.test_integrity import checkpoint, damage_page_holding, digest, make_project


@pytest.fixture
def damaged(tmp_path, capsys):
    path = make_project(tmp_path)
    checkpoint(path)
    damage_page_holding(path, b"MARK00200")
    capsys.readouterr()
    return path


def readable_documents(path) -> set[str]:
    """The documents of a damaged file that can still be read, asked one rowid at a time."""
    con = sqlite3.connect(f"{path.as_uri()}?mode=ro&immutable=1", uri=True)
    found = set()
    for rowid in range(1, 1000):
        try:
            row = con.execute("SELECT external_id FROM documents WHERE rowid = ?", (rowid,)).fetchone()
        except sqlite3.DatabaseError:
            continue
        if row:
            found.add(row[0])
    con.close()
    return found


def test_check_says_ok_or_damaged_with_the_reason(damaged, tmp_path, capsys):
    before = digest(damaged)
    assert main(["check", str(damaged)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{damaged}: damaged (")
    assert re.search(r"(malformed|Tree \d+ page \d+|btreeInitPage|free space corruption)", out), out
    assert f"annotator repair {damaged} NEW.annotator" in out
    assert digest(damaged) == before
    sound = make_project(tmp_path, n=3, name="sound.annotator")
    checkpoint(sound)
    capsys.readouterr()
    assert main(["check", str(sound)]) == 0
    assert capsys.readouterr().out.strip() == f"{sound}: ok"


def test_check_refuses_what_is_not_a_project_file(tmp_path, capsys):
    assert main(["check", str(tmp_path / "missing.annotator")]) == 1
    assert "no such project file" in capsys.readouterr().err
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n")
    assert main(["check", str(text)]) == 1
    assert "not a SQLite database" in capsys.readouterr().err
    assert not (tmp_path / "missing.annotator").exists()


def test_repair_copies_every_readable_row_and_reports_the_counts(damaged, tmp_path, capsys):
    expected = readable_documents(damaged)
    assert "d200" not in expected and 300 < len(expected) < 400  # one page of documents lost
    before = digest(damaged)
    out = tmp_path / "fixed.annotator"
    assert main(["repair", str(damaged), str(out)]) == 0
    printed = capsys.readouterr().out
    assert digest(damaged) == before  # never modified
    counts = dict(re.findall(r"^(\w+): (\d+) row\(s\) copied", printed, re.M))
    lost = int(re.search(r"^documents: \d+ row\(s\) copied, (\d+) unreadable", printed, re.M).group(1))
    assert f"repaired copy written to {out}: " in printed and f"{damaged} was not changed" in printed

    con = sqlite3.connect(out)
    ids = {row[0] for row in con.execute("SELECT external_id FROM documents")}
    entities = con.execute("SELECT count(*) FROM entities").fetchone()[0]
    con.close()
    assert ids == expected  # every readable document, nothing else
    assert int(counts["documents"]) == len(ids) and lost == 400 - len(ids)
    assert int(counts["entities"]) == entities == len(ids)  # each document's label; the lost ones' left out
    assert re.search(rf"^entities: {entities} row\(s\) copied, {400 - len(ids)} left out", printed, re.M)

    # the copy is a sound, working project at the same schema revision
    assert main(["check", str(out)]) == 0
    assert main(["stats", str(out)]) == 0
    assert main(["search", str(out), "pahalgam", "--quiet"]) == 0
    assert "MARK" in capsys.readouterr().out
    assert main(["settings", str(out), "blind", "off"]) == 0


def test_repair_of_a_sound_project_keeps_every_row(tmp_path, capsys):
    sound = make_project(tmp_path, n=20, name="sound.annotator")
    checkpoint(sound)
    capsys.readouterr()
    out = tmp_path / "copy.annotator"
    assert main(["repair", str(sound), str(out)]) == 0
    printed = capsys.readouterr().out
    assert "documents: 20 row(s) copied\n" in printed and "every row was kept" in printed
    assert main(["check", str(out)]) == 0


def test_repair_never_overwrites_and_never_writes_the_source(damaged, tmp_path, capsys):
    before = digest(damaged)
    existing = tmp_path / "taken.annotator"
    existing.write_bytes(b"keep me")
    empty = tmp_path / "empty.annotator"
    empty.write_bytes(b"")
    for target in (existing, empty, damaged):
        assert main(["repair", str(damaged), str(target)]) == 1
        err = capsys.readouterr().err
        assert "already exists" in err and len(err.strip().splitlines()) == 1, err
    assert existing.read_bytes() == b"keep me" and empty.read_bytes() == b""
    assert main(["repair", str(damaged), str(tmp_path / "no" / "such" / "folder.annotator")]) == 1
    assert "does not exist" in capsys.readouterr().err
    other = tmp_path / "places.sqlite"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY)")
    con.commit()
    con.close()
    assert main(["repair", str(other), str(tmp_path / "x.annotator")]) == 1
    assert "not an annotator project" in capsys.readouterr().err
    assert not (tmp_path / "x.annotator").exists()
    assert digest(damaged) == before
