"""Hostile and damaged input against this session's new ways in: ``annotator kb import`` (TSV, CSV, JSONL,
Wikidata slices) and native JSONL's ``"time"`` blocks.

Each case asserts the project's rules: a one-line error naming the file and line and the reason, the good
records of the same file kept, nothing damaged stored, nothing dropped without a line saying so, and never
exit 70 (an unexpected error).
"""

from __future__ import annotations

import codecs
import json
import sqlite3

import pytest

from annotator.cli import main


@pytest.fixture
def proj(tmp_path, capsys):
    path = tmp_path / "p.annotator"
    assert main(["init", str(path)]) == 0
    assert main(["annotators", "add", str(path), "lead", "--role", "lead"]) == 0
    capsys.readouterr()
    return path


def kb_import(proj, src, capsys, *options):
    code = main(["kb", "import", str(proj), str(src), "--annotator", "lead", "--quiet", *options])
    out = capsys.readouterr()
    return code, out.out.strip(), out.err.strip().splitlines()


def entries(proj, where="1=1"):
    con = sqlite3.connect(proj)
    try:
        return con.execute(
            f"SELECT canonical_id, name, label FROM kb_entries WHERE {where} ORDER BY 1"
        ).fetchall()
    finally:
        con.close()


def stored_texts(proj):
    con = sqlite3.connect(proj)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM kb_entries")]
        return names + [r[0] for r in con.execute("SELECT text FROM kb_aliases")]
    finally:
        con.close()


def clean(texts):
    return all(
        "\x00" not in t and "\n" not in t and not any("\ud800" <= c <= "\udfff" for c in t) for t in texts
    )


# ------------------------------------------------------------------------------------------ encodings


def test_utf16_with_bom_is_read(proj, tmp_path, capsys):
    src = tmp_path / "excel.tsv"  # Excel's "Unicode text": UTF-16 LE with a BOM
    src.write_bytes(codecs.BOM_UTF16_LE + "name\tlabel\nKokernag\tGPE\nकोकरनाग\tGPE\n".encode("utf-16-le"))
    code, out, err = kb_import(proj, src, capsys)
    assert (code, err) == (0, [])
    assert out.startswith("2 entries added")
    assert {n for _, n, _ in entries(proj, "created_by = 'lead'")} == {"Kokernag", "कोकरनाग"}


def test_latin1_and_truncated_gzip_are_one_line_each(proj, tmp_path, capsys):
    latin = tmp_path / "latin.tsv"
    latin.write_bytes(b"name\tlabel\nM\xfcnchen\tGPE\n")
    code, _out, err = kb_import(proj, latin, capsys)
    assert code == 3 and len(err) == 1 and err[0].startswith(f"{latin}: not UTF-8 text")
    gz = tmp_path / "slice.json.gz"
    gz.write_bytes(codecs.encode(b"[\n]\n", "zlib")[:5])
    code, _out, err = kb_import(proj, gz, capsys, "--label-map", "Q5=PER")
    assert code == 3 and len(err) == 1 and err[0].startswith(f"{gz}: ")
    assert entries(proj, "created_by = 'lead'") == []


def test_nul_byte_refused_naming_the_line_and_the_next_line_kept(proj, tmp_path, capsys):
    src = tmp_path / "nul.tsv"
    src.write_bytes(b"name\tlabel\nDel\x00hi\tGPE\nKokernag\tGPE\n")
    code, out, err = kb_import(proj, src, capsys)
    assert code == 3
    assert err == [f"{src}:2: name has a control character (U+0000) at offset 3"]
    assert out == "1 entry added, 0 updated; 1 line(s) refused"
    assert entries(proj, "created_by = 'lead'") == [("kb:kokernag", "Kokernag", "GPE")]
    assert clean(stored_texts(proj))


def test_lone_surrogates_in_json_escapes_are_refused_not_a_crash(proj, tmp_path, capsys):
    src = tmp_path / "s.jsonl"
    src.write_text(
        '{"name":"\\ud800x","label":"GPE"}\n'
        '{"name":"Ok","label":"GPE","aliases":["\\udfff"]}\n'
        '{"name":"Fine","label":"GPE","\\ud801":1}\n'
        '{"name":"Kokernag","label":"GPE"}\n',
        encoding="utf-8",
    )
    code, _out, err = kb_import(proj, src, capsys)
    assert code == 3  # was exit 70: printing the stored name failed in UTF-8
    assert err == [
        f"{src}:1: name has a lone surrogate (U+D800) at offset 0",
        f"{src}:2: aliases has a lone surrogate (U+DFFF) at offset 0",
        f"{src}:3: unknown field(s) \\ud801",
    ]
    assert entries(proj, "created_by = 'lead'") == [("kb:kokernag", "Kokernag", "GPE")]
    dump = tmp_path / "s.json"
    dump.write_text('[\n{"id":"\\udc00","labels":{}}\n]\n', encoding="utf-8")
    code, _out, err = kb_import(proj, dump, capsys, "--label-map", "Q5=PER")
    assert code == 3 and err == [f"{dump}:2: id \\udc00 holds a control character or lone surrogate"]
    assert clean(stored_texts(proj))


def test_crlf_lines_and_a_file_already_stored_say_so(proj, tmp_path, capsys):
    src = tmp_path / "crlf.tsv"
    src.write_bytes(b"name\tlabel\r\nKokernag\tGPE\r\nZorbagh\tGPE\r\n")
    code, out, err = kb_import(proj, src, capsys)
    assert (code, err, out) == (0, [], "2 entries added, 0 updated")
    assert [n for _, n, _ in entries(proj, "created_by = 'lead'")] == ["Kokernag", "Zorbagh"]
    # imported twice: nothing doubled, and the summary says why nothing was added
    code, out, err = kb_import(proj, src, capsys)
    assert (code, err, out) == (0, [], "0 entries added, 0 updated, 2 already stored as they are")
    assert len(entries(proj, "created_by = 'lead'")) == 2


def test_the_same_jsonl_twice_doubles_nothing(proj, tmp_path, capsys):
    src = tmp_path / "people.jsonl"
    src.write_text(
        json.dumps({"id": "Q380468", "name": "Hafiz Saeed", "label": "PER", "aliases": ["हाफ़िज़ सईद"]}) + "\n",
        encoding="utf-8",
    )
    assert kb_import(proj, src, capsys)[0] == 0
    con = sqlite3.connect(proj)
    before = con.execute("SELECT count(*) FROM kb_aliases").fetchone()[0]
    con.close()
    code, out, _err = kb_import(proj, src, capsys)
    assert (code, out) == (0, "0 entries added, 0 updated, 1 already stored as they are")
    con = sqlite3.connect(proj)
    assert con.execute("SELECT count(*) FROM kb_aliases").fetchone()[0] == before
    con.close()
    assert entries(proj, "canonical_id = 'Q380468'") == [("Q380468", "Hafiz Saeed", "PER")]


def test_empty_files(proj, tmp_path, capsys):
    tsv = tmp_path / "empty.tsv"
    tsv.write_bytes(b"")
    code, _out, err = kb_import(proj, tsv, capsys)
    assert (code, err) == (3, [f"{tsv}: no header line (name, label, …)"])
    jsonl = tmp_path / "empty.jsonl"
    jsonl.write_bytes(b"\n\n")
    assert kb_import(proj, jsonl, capsys) == (0, "0 entries added, 0 updated", [])


def test_a_huge_line_is_one_entry(proj, tmp_path, capsys):
    src = tmp_path / "huge.tsv"
    src.write_text("name\tlabel\n" + "क" * 200_000 + "\tGPE\nKokernag\tGPE\n", encoding="utf-8")
    code, out, err = kb_import(proj, src, capsys)
    assert (code, err) == (0, [])
    assert out.startswith("2 entries added")


# ------------------------------------------------------------------------------------------ aliases, names


def test_empty_whitespace_combining_and_zwj_names_and_aliases(proj, tmp_path, capsys):
    src = tmp_path / "odd.tsv"
    src.write_text(
        "name\tlabel\taliases\n"
        "\u0301\tGPE\t\n"  # only a combining mark
        "\u200d\tGPE\t\n"  # only a ZWJ
        "   \tGPE\t\n"  # only spaces
        "Kokernag\tGPE\t \n"  # a blank aliases cell: no aliases
        "Anantnag\tGPE\ta|\u200f\n"  # an alias that is only an RTL mark
        "\u200fکراچی\tGPE\tKarachi\n",  # an RTL mark before an Urdu name: kept as given
        encoding="utf-8",
    )
    code, out, err = kb_import(proj, src, capsys)
    assert code == 3
    assert err == [
        f"{src}:2: name '\u0301' has no letters or digits",
        f"{src}:3: name '\\u200d' has no letters or digits",
        f"{src}:4: no name",
        f"{src}:6: '\\u200f' in aliases has no letters or digits",
    ]
    assert out == "2 entries added, 0 updated; 4 line(s) refused"
    names = {n for _, n, _ in entries(proj, "created_by = 'lead'")}
    assert names == {"Kokernag", "\u200fکراچی"}


def test_csv_quoted_newlines_and_a_missing_header(proj, tmp_path, capsys):
    src = tmp_path / "q.csv"
    src.write_text(
        'name,label,aliases\n"Multi\nline",GPE,\nKokernag,GPE,"a\nb"\nZorbagh,GPE,\n', encoding="utf-8"
    )
    code, _out, err = kb_import(proj, src, capsys)
    assert code == 3
    assert err == [
        f"{src}:3: name has a control character (U+000A) at offset 5",
        f"{src}:5: aliases has a control character (U+000A) at offset 1",
    ]
    assert entries(proj, "created_by = 'lead'") == [("kb:zorbagh", "Zorbagh", "GPE")]
    assert clean(stored_texts(proj))
    headless = tmp_path / "headless.csv"
    headless.write_text("Delhi,GPE\nAgra,GPE\n", encoding="utf-8")
    code, _out, err = kb_import(proj, headless, capsys)
    assert code == 3 and len(err) == 1
    assert err[0].startswith(f"{headless}:1: bad header (no 'name' column; no 'label' column;")


def test_label_map_to_a_label_the_schema_lacks(proj, tmp_path, capsys):
    src = tmp_path / "l.tsv"
    src.write_text("name\tlabel\nKokernag\tPLACE\nZorbagh\tGPE\n", encoding="utf-8")
    code, _out, err = kb_import(proj, src, capsys, "--label-map", "PLACE=TOWN")
    assert code == 3
    assert len(err) == 1 and err[0].startswith(f"{src}:2: label 'TOWN' is not an entity type of the schema")
    assert entries(proj, "created_by = 'lead'") == [("kb:zorbagh", "Zorbagh", "GPE")]


# ------------------------------------------------------------------------------------------ ids


def test_duplicate_ids_in_a_file_and_ids_that_collide_with_stored_entries(proj, tmp_path, capsys):
    src = tmp_path / "dup.jsonl"
    src.write_text(
        '{"id":"Q1","name":"Kokernag","label":"GPE"}\n'
        '{"id":"Q1","name":"Kokarnag","label":"GPE"}\n'  # the same thing: a spelling of it
        '{"id":"Q1","name":"Kokernag Singh","label":"PER"}\n'  # another thing under the same id
        '{"id":"kb:delhi","name":"Dilli","label":"PER"}\n',  # a built-in GPE's id with another label
        encoding="utf-8",
    )
    code, out, err = kb_import(proj, src, capsys)
    assert code == 3
    assert err == [
        f"{src}:3: id Q1 was given as GPE (Kokernag) earlier in the file, not PER",
        f"{src}:4: id kb:delhi is stored as GPE (Delhi), not PER",
    ]
    assert out == "1 entry added, 0 updated, 1 joined to an earlier line of the same id; 2 line(s) refused"
    assert entries(proj, "canonical_id IN ('Q1', 'kb:delhi')") == [
        ("Q1", "Kokernag", "GPE"),
        ("kb:delhi", "Delhi", "GPE"),
    ]
    assert main(["kb", "list", str(proj), "--json", "--query", "Dilli"]) == 0
    found = json.loads(capsys.readouterr().out)["entries"]
    assert all("Dilli" not in e["aliases"] for e in found)  # no person's spelling on the place


# ------------------------------------------------------------------------------------------ Wikidata


def test_wikidata_slice_with_missing_labels_claims_and_wrong_types(proj, tmp_path, capsys):
    p31 = {"P31": [{"mainsnak": {"datavalue": {"value": {"id": "Q5"}}}}]}
    lines = [
        {"id": "Q9", "labels": {}},
        {"id": "Q10", "labels": {"en": {"value": "X"}}, "claims": []},
        {"id": "Q11", "labels": "x"},
        {"id": 5},
        {"id": "Q12", "labels": {"en": {"value": "Y"}}, "claims": {"P31": "Q5"}},
        {"id": "Q14", "labels": {"en": {"value": "Rahul Sharma"}}, "aliases": {"en": "x"}, "claims": p31},
    ]
    src = tmp_path / "slice.json"
    text = "[\n" + ",\n".join(json.dumps(x) for x in lines) + ',\n{"id":"Q21","lab'  # cut off mid-write
    src.write_text(text, encoding="utf-8")
    code, _out, err = kb_import(proj, src, capsys, "--label-map", "Q5=PER")
    assert code == 3
    assert err == [
        f"{src}:2: Q9: no label in any language",
        f"{src}:3: Q10: no instance-of (P31) in --label-map (e.g. --label-map Q5=PER,Q4830453=ORG)",
        f"{src}:4: Q11: labels, aliases or claims are malformed",
        f"{src}:5: expected a Wikidata entity (an object with an id)",
        f"{src}:6: Q12: no instance-of (P31) in --label-map (e.g. --label-map Q5=PER,Q4830453=ORG)",
        f"{src}:8: invalid JSON: Unterminated string starting at (column 13)",
    ]
    assert entries(proj, "created_by = 'lead'") == [("Q14", "Rahul Sharma", "PER")]


# ------------------------------------------------------------------------------------------ native "time"


def _time_record(doc, *sessions):
    return json.dumps(
        {
            "id": doc,
            "text": "Attack in Delhi.",
            "annotations": [{"annotator": "asha", "entities": [], "time": {"sessions": list(sessions)}}],
        }
    )


def _session(started, ended, active, sid="s1"):
    return {"id": sid, "started": started, "ended": ended, "active_seconds": active}


def test_native_time_blocks_refused_one_line_each_and_the_good_one_kept(tmp_path, capsys):
    proj = tmp_path / "n.annotator"
    assert main(["init", str(proj)]) == 0
    a, b = "2026-01-01T10:00:00+05:30", "2026-01-01T11:00:00+05:30"
    records = [
        _time_record("d1", _session(a, b, -5)),
        '{"id":"d2","text":"x","annotations":[{"annotator":"asha","time":{"sessions":[{"id":"s1",'
        '"started":"2026-01-01T10:00:00Z","ended":"2026-01-01T11:00:00Z","active_seconds":NaN}]}}]}',
        '{"id":"d3","text":"x","annotations":[{"annotator":"asha","time":{"sessions":[{"id":"s1",'
        '"started":"2026-01-01T10:00:00Z","ended":"2026-01-01T11:00:00Z","active_seconds":Infinity}]}}]}',
        _time_record("d4", _session(b, a, 5)),
        _time_record("d5", _session("2026-01-01T10:00:00", "2026-01-01T11:00:00", 5)),
        _time_record("d6", _session("0001-01-01T00:00:00+14:00", b, 5)),  # was exit 70 (OverflowError)
        _time_record("d7", _session(a, "9999-12-31T23:59:59-14:00", 5)),
        _time_record("d8", _session(a, b, 5), _session(a, b, 5)),
        '{"id":"d9","text":"bad \\ud800 surrogate"}',
        _time_record("d10", _session(a, b, 5)),
    ]
    src = tmp_path / "t.jsonl"
    src.write_text("\r\n".join(records) + "\r\n", encoding="utf-8")
    code = main(["import", str(proj), str(src), "--quiet"])
    err = capsys.readouterr().err.splitlines()
    assert code == 3
    w = "annotator 'asha': time.sessions"
    assert err == [
        f"error: {src}:1: {w}[0]: 'active_seconds' must be a number of seconds >= 0, not -5",
        f"error: {src}:2: {w}[0]: 'active_seconds' must be a number of seconds >= 0, not nan",
        f"error: {src}:3: {w}[0]: 'active_seconds' must be a number of seconds >= 0, not inf",
        f"error: {src}:4: {w}[0]: ends before it starts",
        f"error: {src}:5: {w}[0]: 'started' needs its UTC offset ('2026-01-01T10:00:00')",
        f"error: {src}:6: {w}[0]: 'started' is out of range in UTC ('0001-01-01T00:00:00+14:00')",
        f"error: {src}:7: {w}[0]: 'ended' is out of range in UTC ('9999-12-31T23:59:59-14:00')",
        f"error: {src}:8: {w}[1]: session s1 appears twice",
        f"error: {src}:9: lone surrogate U+D800 (not a character) in the text at offset 4",
    ]
    con = sqlite3.connect(proj)
    rows = con.execute("SELECT active_seconds FROM work_sessions").fetchall()
    con.close()
    assert rows == [(5.0,)]


# ------------------------------------------------------------------------------------------ work packages


@pytest.fixture
def team(tmp_path, capsys):
    from annotator.services.project import open_project
    from annotator.services.team import assign

    path = tmp_path / "lead.annotator"
    assert main(["init", str(path)]) == 0
    for name in ("lead", "asha", "ravi"):
        assert (
            main(["annotators", "add", str(path), name, *(["--role", "lead"] if name == "lead" else [])]) == 0
        )
    src = tmp_path / "d.jsonl"
    src.write_text(
        "".join(json.dumps({"id": f"d{i}", "text": f"Attack in Delhi {i}."}) + "\n" for i in range(4))
    )
    assert main(["import", str(path), str(src), "--quiet"]) == 0
    with open_project(path) as project:
        assign(project, {"asha": [1, 2], "ravi": [3]})
    capsys.readouterr()
    return path


@pytest.mark.parametrize(
    ("who", "started", "ended", "active", "why"),
    [
        ("ravi", 1, 2, 5.0, "but it was made for asha only"),
        ("asha", 1, 2, -5.0, "has active_seconds -5.0, not a number of seconds >= 0"),
        ("asha", 1, 2, float("inf"), "has active_seconds inf, not a number of seconds >= 0"),
        ("asha", 2, 1, 5.0, "ends before it starts"),
    ],
)
def test_a_package_with_damaged_or_foreign_sessions_is_refused(
    team, tmp_path, who, started, ended, active, why
):
    from annotator.services.packages import PackageError, export_package, import_packages
    from annotator.services.project import open_project
    from annotator.store.models import new_uuid

    package = tmp_path / "asha.annotator"
    with open_project(team) as project:
        export_package(project, "asha", package)
    con = sqlite3.connect(package)
    con.execute("PRAGMA ignore_check_constraints = ON")  # another tool wrote it, or it was crafted
    found = con.execute("SELECT id FROM annotators WHERE name = ?", (who,)).fetchone()
    lead = sqlite3.connect(team)
    person = (
        found[0] if found else lead.execute("SELECT id FROM annotators WHERE name = ?", (who,)).fetchone()[0]
    )
    lead.close()
    document = con.execute("SELECT min(id) FROM documents").fetchone()[0]
    con.execute(
        "INSERT INTO work_sessions (id, document_id, annotator_id, started_at, ended_at, active_seconds,"
        " labels) VALUES (?, ?, ?, ?, ?, ?, 0)",
        (new_uuid(), document, person, f"2026-01-0{started} 10:00:00", f"2026-01-0{ended} 10:00:00", active),
    )
    con.commit()
    con.close()
    with open_project(team) as project, pytest.raises(PackageError) as refused:
        import_packages(project, [package])
    assert why in str(refused.value) and str(package) in str(refused.value)
    con = sqlite3.connect(team)
    assert con.execute("SELECT count(*) FROM work_sessions").fetchone()[0] == 0
    con.close()


# ------------------------------------------------------------------------------------------ command lines


def _argv_bytes(text: str) -> str:
    """An argument as Python gets it from a shell whose bytes are not UTF-8 (surrogate-escaped)."""
    return text.encode("latin-1").decode("utf-8", "surrogateescape")


@pytest.mark.parametrize(
    "args",
    [
        ["kb", "list", "{p}", "--query", "{x}"],
        ["kb", "list", "{p}", "--label", "{x}"],
        ["kb", "add", "{p}", "--name", "{x}", "--label", "GPE", "--annotator", "lead"],
        ["kb", "export", "{p}", "--out", "{out}", "--label", "{x}"],
    ],
)
def test_arguments_that_are_not_utf8_are_one_line_not_exit_70(proj, tmp_path, capsys, args):
    x = _argv_bytes("D\xfclli")
    argv = [a.format(p=proj, x=x, out=tmp_path / "o.tsv") for a in args]
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].endswith("'D\\udcfclli' is not UTF-8 text (the terminal's encoding?)")
    assert not (tmp_path / "o.tsv").exists()


def test_checks_with_an_id_that_is_not_utf8(proj, tmp_path, capsys):
    src = tmp_path / "d.jsonl"
    src.write_text('{"id":"d1","text":"Attack in Delhi."}\n', encoding="utf-8")
    assert main(["import", str(proj), str(src), "--quiet"]) == 0
    capsys.readouterr()
    code = main(["checks", "add", str(proj), _argv_bytes("d\xff"), "--by", "lead"])
    assert code == 1  # was exit 70: the id went to the database as it was
    assert capsys.readouterr().err.strip() == (
        "annotator: error: no document with id 'd\\udcff' here (not UTF-8 text); nothing changed"
    )


# ------------------------------------------------------------------------------------------ scripts at import


def test_language_and_script_of_odd_records(tmp_path, capsys):
    proj = tmp_path / "s.annotator"
    assert main(["init", str(proj)]) == 0
    records = [
        {"id": "marks", "text": "\u0301\u0301\u0301"},  # only combining marks
        {"id": "zwj", "text": "\u200d\u200d"},  # only ZWJ
        {"id": "urdu", "text": "\u200fکراچی میں دھماکہ\u200f Karachi"},  # RTL marks, mixed scripts
        {"id": "number", "text": "x2", "lang": 5},
        {"id": "list", "text": "x3", "lang": ["hi"]},
        {"id": "meta", "text": "x4", "meta": {"lang": 7}},
        {"id": "empty", "text": "x5 Delhi", "lang": ""},
    ]
    src = tmp_path / "s.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    assert main(["import", str(proj), str(src), "--quiet"]) == 3
    assert capsys.readouterr().err.splitlines() == [
        f"error: {src}:4: 'lang' must be a language code (text), not 5",
        f"error: {src}:5: 'lang' must be a language code (text), not ['hi']",
        f"error: {src}:6: 'lang' must be a language code (text), not 7",
    ]
    con = sqlite3.connect(proj)
    meta = {e: json.loads(m) for e, m in con.execute("SELECT external_id, meta FROM documents")}
    con.close()
    assert meta == {
        "marks": {"lang": "und", "script": "Zyyy"},
        "zwj": {"lang": "und", "script": "Zyyy"},
        "urdu": {"lang": "ur", "script": "Arab"},
        "empty": {"lang": "en", "script": "Latn"},
    }


# ------------------------------------------------------------------------------------------ problem report


def test_problem_report_with_a_broken_note_and_a_folder_among_the_logs(tmp_path, monkeypatch):
    import zipfile

    from annotator.services import report

    monkeypatch.setenv("ANNOTATOR_HOME", str(tmp_path / "home"))
    logs = report.log_dir()
    logs.mkdir(parents=True, exist_ok=True)
    (logs / "error-1.log").write_bytes(b"Traceback\nValueError: '\xff\xfe Attack in Delhi' \x00\n")
    (logs / "error-2.log").mkdir()  # a folder of a log's name: was IsADirectoryError, no report
    path = report.write_report(
        tmp_path / "report", note="pasted \ud800 half a pair"
    )  # was UnicodeEncodeError
    with zipfile.ZipFile(path) as zf:
        assert zf.namelist() == ["report.json", "logs/error-1.log"]
        summary = json.loads(zf.read("report.json"))
        assert summary["note"] == "pasted \ud800 half a pair" and summary["logs"] == ["error-1.log"]
        assert b"Attack in Delhi" not in zf.read("logs/error-1.log")
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["report.zip"]


# ------------------------------------------------------------------------------------------ smoke-test


def test_smoke_test_leaves_a_persons_files_in_its_folder_alone(tmp_path):
    import os
    import subprocess
    import sys

    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "article.jsonl").write_text("precious\n", encoding="utf-8")
    (folder / "smoke.annotator").write_bytes(b"")
    env = {**os.environ, "ANNOTATOR_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "smoke-test", "--dir", str(folder)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0  # it refuses the folder …
    assert (folder / "article.jsonl").read_text(encoding="utf-8") == "precious\n"  # … and touched nothing


def test_label_map_files_not_utf8_and_a_label_mapped_twice(proj, tmp_path, capsys):
    src = tmp_path / "l.tsv"
    src.write_text("name\tlabel\nZorbagh\tPLACE\n", encoding="utf-8")
    latin = tmp_path / "map.txt"
    latin.write_bytes(b"PLACE=GPE\n\xc4rger=X\n")  # was exit 70 (UnicodeDecodeError)
    assert main(["kb", "import", str(proj), str(src), "--label-map", str(latin), "--annotator", "lead"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"annotator: error: {latin}: the label map cannot be read as UTF-8 text (")
    twice = ["--label-map", "PLACE=GPE,PLACE=LOC", "--annotator", "lead"]
    assert main(["kb", "import", str(proj), str(src), *twice]) == 1
    assert capsys.readouterr().err.strip() == (
        "annotator: error: --label-map entry 'PLACE=LOC': 'PLACE' is mapped to 'GPE' already"
    )
    assert entries(proj, "created_by = 'lead'") == []


# ------------------------------------------------------------------------------ exports onto the project


def test_kb_export_onto_the_project_file_is_refused(proj, capsys):
    before = proj.read_bytes()[:16]
    assert before.startswith(b"SQLite format 3")
    assert main(["kb", "export", str(proj), "--out", str(proj), "--format", "tsv"]) == 1
    assert capsys.readouterr().err.strip() == (
        f"annotator: error: {proj}: is the project itself; export to another file"
    )
    assert proj.read_bytes()[:16] == before
    assert main(["stats", str(proj)]) == 0  # the project is still a project


def test_export_onto_the_project_file_is_refused(proj, capsys):
    main(["export", str(proj), "--out", str(proj)])
    assert proj.read_bytes()[:15] == b"SQLite format 3"
