"""Bad records never cost good ones and never print a traceback: surrogates, deep nesting, NUL, empty
files, FIFOs, file names that are not UTF-8, Label Studio quirks, label maps with '='."""

import json
import os
import subprocess
import sys

import pytest

from annotator.cli import main
from annotator.errors import AnnotatorError
from annotator.services.importing import parse_label_map

GOOD = ["first good document", "second good document"]


@pytest.fixture
def project(tmp_path, capsys):
    path = tmp_path / "p.annotator"
    assert main(["init", str(path)]) == 0
    capsys.readouterr()
    return path


def texts(project, tmp_path):
    out = tmp_path / "out.jsonl"
    assert main(["export", str(project), "--out", str(out), "--quiet"]) == 0
    return sorted(json.loads(line)["text"] for line in out.read_text(encoding="utf-8").splitlines())


def run_import(project, path, fmt, capsys):
    code = main(["import", str(project), str(path), "--format", fmt, "--quiet"])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return code, [line for line in err.splitlines() if line.startswith("error: ")]


def good_and(bad, fmt):
    """A file of the format with the two good records around one bad record (raw JSON text of its
    value for ``text`` and the extra fields)."""
    docs = [{"text": GOOD[0]}, bad, {"text": GOOD[1]}]
    if fmt in ("jsonl", "doccano", "prodigy"):
        return "".join(d if isinstance(d, str) else json.dumps(d) + "\n" for d in docs)
    if fmt == "labelstudio":
        return "[" + ",\n".join(d if isinstance(d, str) else json.dumps({"data": d}) for d in docs) + "]"
    raise AssertionError(fmt)


SURROGATES = {
    "text": '{"text": "bad \\ud800 text"}\n',
    "title": '{"text": "a bad title", "title": "\\udfff"}\n',
    "id": '{"text": "a bad id", "id": "\\ud800"}\n',
    "meta": '{"text": "bad meta", "meta": {"k": ["\\udbff"]}}\n',
}


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "prodigy", "labelstudio"])
@pytest.mark.parametrize("field", sorted(SURROGATES))
def test_lone_surrogates_cost_only_their_record(project, tmp_path, capsys, fmt, field):
    bad = SURROGATES[field]
    if fmt == "labelstudio":
        bad = '{"data": ' + bad.strip() + "}"
    if fmt in ("doccano", "prodigy") and field == "title":
        bad = '{"text": "a bad title", "meta": {"title": "\\udfff"}}\n'
    path = tmp_path / ("in.json" if fmt == "labelstudio" else "in.jsonl")
    path.write_text(good_and(bad, fmt), encoding="utf-8")
    code, errors = run_import(project, path, fmt, capsys)
    assert code == 3
    assert len(errors) == 1 and "lone surrogate" in errors[0] and f"{path}:" in errors[0], errors
    assert texts(project, tmp_path) == GOOD


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "prodigy", "labelstudio"])
def test_deep_nesting_costs_only_its_record(project, tmp_path, capsys, fmt):
    deep = "[" * 5000 + "]" * 5000
    bad = '{"text": "deep", "meta": {"x": ' + deep + "}}"
    if fmt == "labelstudio":
        bad = '{"data": {"text": "deep", "x": ' + deep + "}}"
    else:
        bad += "\n"
    path = tmp_path / ("in.json" if fmt == "labelstudio" else "in.jsonl")
    path.write_text(good_and(bad, fmt), encoding="utf-8")
    code, errors = run_import(project, path, fmt, capsys)
    assert code == 3
    assert len(errors) == 1 and "nested too deeply" in errors[0], errors
    assert texts(project, tmp_path) == GOOD


NUL_FILES = {
    "jsonl": ("in.jsonl", json.dumps({"text": "bad\x00text"}) + "\n"),
    "csv": ("in.csv", "id,text\nn,bad\x00text\n"),
    "conll": ("in.conll", "bad\x00\tO\n"),
    "doccano": ("in.jsonl", json.dumps({"text": "bad\x00", "label": []}) + "\n"),
    "prodigy": ("in.jsonl", json.dumps({"text": "bad\x00", "spans": []}) + "\n"),
    "labelstudio": ("in.json", json.dumps([{"data": {"text": "bad\x00"}}])),
    "text": ("in.txt", "Title\n\nbad\x00text\n"),
    "html": ("in.html", "<p>bad\x00text in a paragraph</p>"),
}


@pytest.mark.parametrize("fmt", sorted(NUL_FILES))
def test_nul_is_refused_the_same_way_in_every_format(project, tmp_path, capsys, fmt):
    name, content = NUL_FILES[fmt]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    code, errors = run_import(project, path, fmt, capsys)
    assert code == 3 and len(errors) == 1, errors
    assert "NUL character" in errors[0] and str(path) in errors[0]
    assert texts(project, tmp_path) == []


EMPTY = {
    "jsonl": "in.jsonl",
    "csv": "in.csv",
    "text": "in.txt",
    "html": "in.html",
    "conll": "in.conll",
    "doccano": "in.jsonl",
    "prodigy": "in.jsonl",
    "labelstudio": "in.json",
    "webanno": "in.tsv",
}


@pytest.mark.parametrize("content", ["", "\ufeff", " \n\n\t\n"])
@pytest.mark.parametrize("fmt", sorted(EMPTY))
def test_empty_files_behave_the_same_in_every_format(project, tmp_path, capsys, fmt, content):
    path = tmp_path / EMPTY[fmt]
    path.write_text(content, encoding="utf-8")
    code, errors = run_import(project, path, fmt, capsys)
    assert (code, errors) == (3, [f"error: {path}: empty file: nothing to import"])


def test_a_file_name_that_is_not_utf8_does_not_cost_the_folder(project, tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text("Title\n\nA good body.\n", encoding="utf-8")
    with open(os.fsencode(folder) + b"/bad\xff.txt", "w", encoding="utf-8") as fh:
        fh.write("Title\n\nThe body of a badly named file.\n")
    assert main(["import", str(project), str(folder), "--quiet"]) == 0
    assert "Traceback" not in capsys.readouterr().err
    out = tmp_path / "out.jsonl"
    assert main(["export", str(project), "--out", str(out), "--quiet"]) == 0
    ids = sorted(json.loads(line)["id"] for line in out.read_text(encoding="utf-8").splitlines())
    assert ids == ["bad\\xff.txt", "good.txt"]


def test_fifos_never_hang(tmp_path):
    project = tmp_path / "p.annotator"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.jsonl").write_text(json.dumps({"text": GOOD[0]}) + "\n", encoding="utf-8")
    os.mkfifo(folder / "pipe.jsonl")
    os.mkfifo(tmp_path / "given.jsonl")
    cmd = [sys.executable, "-m", "annotator"]
    env = {**os.environ, "ANNOTATOR_HOME": str(tmp_path / "home")}
    subprocess.run([*cmd, "init", str(project)], check=True, env=env, capture_output=True, timeout=60)
    for target in (folder, tmp_path / "given.jsonl"):
        done = subprocess.run(
            [*cmd, "import", str(project), str(target), "--quiet"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 3, done.stderr
        assert "not a regular file" in done.stderr and "Traceback" not in done.stderr


def test_label_studio_file_that_is_not_utf8_is_one_error(project, tmp_path, capsys):
    tasks = [{"data": {"text": f"task {i} café"}} for i in range(50)]
    raw = json.dumps(tasks, indent=2, ensure_ascii=False).encode("utf-8").replace("é".encode(), b"\xe9")
    path = tmp_path / "ls.json"
    path.write_bytes(raw)
    code, errors = run_import(project, path, "labelstudio", capsys)
    assert code == 3
    reason = "invalid UTF-8 (byte 0xE9); file must be UTF-8 or UTF-16 with BOM (byte 45); nothing read"
    assert errors == [f"error: {path}:4: {reason}"]


def test_label_studio_tasks_without_a_data_object(project, tmp_path, capsys):
    tasks = [
        {"text": "a task written without data", "id": 7},
        {"data": {"text": "a usual task"}},
        {
            "text": "LeT attacked",
            "annotations": [
                {
                    "result": [
                        {
                            "id": "r1",
                            "type": "labels",
                            "from_name": "label",
                            "to_name": "text",
                            "value": {"start": 0, "end": 3, "text": "LeT", "labels": ["ARMED_GROUP"]},
                        }
                    ]
                }
            ],
        },
    ]
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    code, errors = run_import(project, path, "labelstudio", capsys)
    assert (code, errors) == (0, [])
    out = tmp_path / "out.jsonl"
    assert main(["export", str(project), "--out", str(out), "--quiet"]) == 0
    docs = {
        json.loads(line)["text"]: json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()
    }
    assert sorted(docs) == ["LeT attacked", "a task written without data", "a usual task"]
    assert docs["a task written without data"]["id"] == "7"
    [entity] = docs["LeT attacked"]["annotations"][0]["entities"]
    assert (entity["start"], entity["end"], entity["label"]) == (0, 3, "ARMED_GROUP")


def test_label_map_quoting(tmp_path):
    assert parse_label_map('"B=C"=ORG,"Org, Inc."=ORG, X = Y ,Z=-') == {
        "B=C": "ORG",
        "Org, Inc.": "ORG",
        "X": "Y",
        "Z": "-",
    }
    path = tmp_path / "map.txt"
    path.write_text('# a comment\nA=B\tPER\n"Q\\"=1"=LOC\nPLAIN=GPE\n', encoding="utf-8")
    assert parse_label_map(str(path)) == {"A=B": "PER", 'Q"=1': "LOC", "PLAIN": "GPE"}
    for bad in ('"unclosed=ORG', '"A"ORG', "novalue"):
        with pytest.raises(AnnotatorError):
            parse_label_map(bad)


def test_label_map_with_equals_maps_a_webanno_value(project, tmp_path, capsys):
    path = tmp_path / "in.jsonl"
    doc = {
        "text": "LeT attacked",
        "annotations": [
            {"annotator": "x", "entities": [{"id": "T1", "start": 0, "end": 3, "label": "GROUP=ARMED"}]}
        ],
    }
    path.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    code = main(["import", str(project), str(path), "--format", "doccano", "--quiet"])
    capsys.readouterr()
    doccano = tmp_path / "d.jsonl"
    doccano.write_text(json.dumps({"text": "LeT attacked", "label": [[0, 3, "GROUP=ARMED"]]}) + "\n")
    code = main(
        [
            "import",
            str(project),
            str(doccano),
            "--format",
            "doccano",
            "--label-map",
            '"GROUP=ARMED"=ARMED_GROUP',
        ]
    )
    assert code == 0, capsys.readouterr().err
    out = tmp_path / "out.jsonl"
    assert main(["export", str(project), "--out", str(out), "--quiet"]) == 0
    [doc] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert doc["annotations"][0]["entities"][0]["label"] == "ARMED_GROUP"


def test_a_looping_link_in_a_folder_is_one_line(project, tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.jsonl").write_text(json.dumps({"text": GOOD[0]}) + "\n", encoding="utf-8")
    os.symlink("loop.jsonl", folder / "loop.jsonl")
    code = main(["import", str(project), str(folder), "--quiet"])
    err = capsys.readouterr().err
    assert code == 3 and "Traceback" not in err
    assert [line for line in err.splitlines() if line.startswith("error:")] == [
        f"error: {folder / 'loop.jsonl'}: cannot be read: Too many levels of symbolic links"
    ]
    assert texts(project, tmp_path) == [GOOD[0]]


@pytest.mark.parametrize("fmt", ["jsonl", "doccano", "prodigy"])
def test_a_number_past_pythons_digit_limit_costs_only_its_record(project, tmp_path, capsys, fmt):
    path = tmp_path / "in.jsonl"
    path.write_text(good_and('{"text": "huge", "n": ' + "9" * 5000 + "}\n", fmt), encoding="utf-8")
    code, errors = run_import(project, path, fmt, capsys)
    assert code == 3 and len(errors) == 1 and "more than 4,300 digits" in errors[0]
    assert texts(project, tmp_path) == GOOD


def test_the_same_doccano_record_twice_stores_its_labels_once(project, tmp_path, capsys):
    record = json.dumps({"text": "LeT struck Pahalgam", "label": [[0, 3, "ARMED_GROUP"], [11, 19, "GPE"]]})
    path = tmp_path / "d.jsonl"
    path.write_text(record + "\n" + record + "\n", encoding="utf-8")
    code, errors = run_import(project, path, "doccano", capsys)
    assert (code, errors) == (0, [])
    out = tmp_path / "out.jsonl"
    assert main(["export", str(project), "--out", str(out), "--quiet"]) == 0
    [doc] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(e["start"], e["label"]) for e in doc["annotations"][0]["entities"]] == [
        (0, "ARMED_GROUP"),
        (11, "GPE"),
    ]
