"""brat through a project: init with annotation.conf, import the folder, export brat again (CLI)."""

import pytest

from annotator.cli import main
from tests.conftest import corpus
from tests.formats.test_brat import canonical_lines


@pytest.mark.parametrize("name", ["news", "bio"])
def test_brat_tutorials_round_trip_through_a_project(name, tmp_path, capsys):
    folder = corpus("brat-tutorials", name)
    project = tmp_path / f"{name}.annotator"
    assert main(["init", str(project), "--schema", str(folder / "annotation.conf")]) == 0
    assert main(["import", str(project), str(folder), "--quiet"]) == 0, capsys.readouterr().err
    out = tmp_path / "out"
    assert main(["export", str(project), "--format", "brat", "--out", str(out), "--quiet"]) == 0
    originals = sorted(p.relative_to(folder) for p in folder.glob("*.txt"))
    assert sorted(p.relative_to(out) for p in out.glob("*.txt")) == originals
    for rel in originals:
        assert (out / rel).read_bytes() == (folder / rel).read_bytes(), rel
        original_ann = (folder / rel).with_suffix(".ann").read_text(encoding="utf-8")
        written_ann = (out / rel).with_suffix(".ann").read_text(encoding="utf-8")
        assert canonical_lines(written_ann) == canonical_lines(original_ann), rel
    capsys.readouterr()
    assert main(["stats", str(project), "--json"]) == 0
    assert '"relations"' in capsys.readouterr().out


def test_brat_export_needs_one_annotator(tmp_path, capsys):
    import json

    project = tmp_path / "p.annotator"
    main(["init", str(project)])
    text = "पहलगाम में हमला।"
    doc = {
        "text": text,
        "annotations": [
            {"annotator": name, "entities": [{"id": "T1", "start": 0, "end": 6, "label": "GPE"}]}
            for name in ("asha", "ravi")
        ],
    }
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["import", str(project), str(src), "--quiet"]) == 0
    assert main(["export", str(project), "--format", "brat", "--out", str(tmp_path / "b"), "--quiet"]) == 1
    assert "annotated by asha, ravi; choose one with --annotator" in capsys.readouterr().err
    assert not (tmp_path / "b").exists()
    assert (
        main(
            [
                "export",
                str(project),
                "--format",
                "brat",
                "--annotator",
                "ravi",
                "--out",
                str(tmp_path / "b"),
                "--quiet",
            ]
        )
        == 0
    )
    (ann,) = (tmp_path / "b").glob("*.ann")
    assert ann.read_text(encoding="utf-8") == "T1\tGPE 0 6\tपहलगाम\n"


# ---------------------------------------------------------------------------------------------------------
# what the project exports as brat it imports again, every attribute kind; nothing lost without a line

MINI_SCHEMA = """
[schema]
name = "mini"
version = "1.0"
description = "Every attribute kind."

[[entities]]
name = "PER"
color = "#EE8866"
description = "A person."

  [[entities.attributes]]
  name = "named"
  kind = "flag"
  default = true
  description = "Named, unless unset."

  [[entities.attributes]]
  name = "minor"
  kind = "flag"
  description = "A minor."

  [[entities.attributes]]
  name = "why"
  kind = "text"
  description = "Why."

  [[entities.attributes]]
  name = "age"
  kind = "count"
  description = "Age."

  [[entities.attributes]]
  name = "mood"
  kind = "choice"
  values = ["sad", "glad"]
  default = "glad"
  description = "Mood."
"""


def _attributes(path):
    import json

    [doc] = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    [block] = doc["annotations"]
    return [(e["start"], e["end"], e["attributes"]) for e in block["entities"]]


def test_every_attribute_kind_round_trips_through_brat(tmp_path, capsys):
    import json

    schema = tmp_path / "mini.toml"
    schema.write_text(MINI_SCHEMA, encoding="utf-8")
    entities = [
        # a flag whose default is true, unset: brat writes no line for it, and the import gave the default
        {
            "start": 0,
            "end": 4,
            "attributes": {"named": False, "minor": True, "why": " two  spaces ", "age": 0},
        },
        {"start": 9, "end": 13, "attributes": {"named": True, "minor": False, "age": 41, "mood": "sad"}},
        {"start": 18, "end": 23, "attributes": {"note": "tab\tinside, spaces after  ", "confidence": "low"}},
    ]
    doc = {
        "id": "d1",
        "text": "Asha met Ravi and Meena.",
        "annotations": [
            {
                "annotator": "asha",
                "status": "done",
                "entities": [{"id": f"e{n}", "label": "PER", **e} for n, e in enumerate(entities)],
            }
        ],
    }
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    first, second = tmp_path / "a.annotator", tmp_path / "b.annotator"
    for project in (first, second):
        assert main(["init", str(project), "--schema", str(schema)]) == 0
    assert main(["import", str(first), str(source), "--quiet"]) == 0, capsys.readouterr().err
    out = tmp_path / "brat"
    assert main(["export", str(first), "--format", "brat", "--out", str(out), "--quiet"]) == 0
    ann = (out / "d1.ann").read_text(encoding="utf-8")
    assert "\tnamed T1 false\n" in ann and "\tnamed T2\n" in ann and "\twhy T1  two  spaces \n" in ann
    assert main(["import", str(second), str(out), "--quiet"]) == 0, capsys.readouterr().err
    for project, name in ((first, "a.jsonl"), (second, "b.jsonl")):
        assert main(["export", str(project), "--out", str(tmp_path / name), "--quiet"]) == 0
    before, after = _attributes(tmp_path / "a.jsonl"), _attributes(tmp_path / "b.jsonl")
    # an unset flag without a default has brat's one form of unset, no line: it reads back absent, unset too
    assert before[1][2].pop("minor") is False
    assert after == before
    assert after[0][2] == {"named": False, "minor": True, "why": " two  spaces ", "age": 0, "mood": "glad"}


def _folder_with_bad_documents(tmp_path):
    import os

    folder = tmp_path / "b"
    folder.mkdir()
    good = {"good1": ("LeT", "Pahalgam"), "good2": ("JeM", "Pulwama")}
    for name, (group, place) in good.items():
        (folder / f"{name}.txt").write_text(f"{group} attacked {place}.\n", encoding="utf-8")
        spans = f"T1\tARMED_GROUP 0 3\t{group}\nT2\tGPE 13 {13 + len(place)}\t{place}\n"
        (folder / f"{name}.ann").write_text(spans, encoding="utf-8")
    for name in ("loop", "dir", "secret", "latin1", "nul", "digits", "selfalias"):
        (folder / f"{name}.txt").write_text(f"The {name} document.\n", encoding="utf-8")
    os.symlink("loop.ann", folder / "loop.ann")
    (folder / "dir.ann").mkdir()
    (folder / "secret.ann").write_text("T1\tPER 0 3\tThe\n", encoding="utf-8")
    (folder / "latin1.ann").write_bytes(b"T1\tPER 0 3\tThe\nT2\tPER 4 10\tl\xe4tin1\n")
    (folder / "nul.ann").write_text(
        "T1\tPER 0 3\tThe\n#1\tAnnotatorNotes T1\tbad\x00note\n", encoding="utf-8"
    )
    (folder / "digits.ann").write_text("T1\tPER 0 " + "9" * 5000 + "\tThe\n", encoding="utf-8")
    (folder / "selfalias.ann").write_text("T1\tPER 4 13\tselfalias\n*\tALIAS_OF T1 T1\n", encoding="utf-8")
    (folder / "bare.txt").write_text("A text brat has not opened yet.\n", encoding="utf-8")
    (folder / "orphan.ann").write_text("T1\tPER 0 1\tx\n", encoding="utf-8")
    return folder


def test_unreadable_and_hostile_documents_cost_only_themselves_through_the_cli(tmp_path, capsys, monkeypatch):
    from pathlib import Path

    from annotator.services.project import open_project

    folder = _folder_with_bad_documents(tmp_path)
    read_bytes = Path.read_bytes

    def refuse_secret(self):  # tests run as root, which chmod 000 does not stop
        if self.name == "secret.ann":
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refuse_secret)
    project = tmp_path / "p.annotator"
    assert main(["init", str(project)]) == 0
    capsys.readouterr()
    assert main(["import", str(project), str(folder), "--quiet"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert sorted(line for line in lines if line.startswith("error: ")) == sorted(
        [
            f"error: {folder / 'digits.ann'}:1: T1: offset of 5000 digits, outside the text (length 21)",
            f"error: {folder / 'dir.ann'}: cannot be read: a folder",
            f"error: {folder / 'latin1.ann'}:2: invalid UTF-8 at byte 28 (0xE4); brat files must be UTF-8",
            f"error: {folder / 'loop.ann'}: cannot be read: Too many levels of symbolic links",
            f"error: {folder / 'nul.ann'}:2: NUL character (U+0000) at column 25",
            f"error: {folder / 'orphan.ann'}: annotations without a text file (.txt) next to them",
            f"error: {folder / 'secret.ann'}: cannot be read: Permission denied",
        ]
    )
    bare = f"{folder / 'bare.txt'}: no bare.ann beside it: imported as a document without annotations"
    assert f"warning: {bare}" in lines
    assert (
        f"warning: {folder / 'selfalias.ann'}:2: equivalence ALIAS_OF of an entity with itself (T1), left out"
        in lines
    )
    with open_project(project) as opened, opened.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "select d.external_id, e.label, substr(d.text, e.start + 1, e.end - e.start) from entities e "
            "join documents d on d.id = e.document_id order by d.external_id, e.start"
        ).all()
        documents = sorted(r[0] for r in conn.exec_driver_sql("select external_id from documents"))
    assert rows == [
        ("good1", "ARMED_GROUP", "LeT"),
        ("good1", "GPE", "Pahalgam"),
        ("good2", "ARMED_GROUP", "JeM"),
        ("good2", "GPE", "Pulwama"),
        ("selfalias", "PER", "selfalias"),
    ]
    assert documents == ["bare", "good1", "good2", "selfalias"]


def test_a_killed_exports_leftover_goes_and_nothing_else(tmp_path, capsys):
    import os

    from annotator.fileio import SUFFIX

    project = tmp_path / "p.annotator"
    assert main(["init", str(project)]) == 0
    dead_dir = tmp_path / f".out.999999999{SUFFIX}-dir"
    dead_file = tmp_path / f".out.jsonl.999999999{SUFFIX}"
    other_target = tmp_path / f".other.999999999{SUFFIX}-dir"  # another target's: its own export sweeps it
    live = tmp_path / f".out.{os.getppid()}{SUFFIX}-dir"  # a running process's
    for folder in (dead_dir, other_target, live):
        folder.mkdir()
        (folder / "half.ann").write_text("T1\tX 0 1\tx\n", encoding="utf-8")
    dead_file.write_text('{"id":', encoding="utf-8")
    unrelated = {tmp_path / "notes.txt": b"mine\n", tmp_path / ".out.keep": b"dot file\n"}
    for path, data in unrelated.items():
        path.write_bytes(data)
    assert main(["export", str(project), "--format", "brat", "--out", str(tmp_path / "out"), "--quiet"]) == 0
    assert main(["export", str(project), "--out", str(tmp_path / "out.jsonl"), "--quiet"]) == 0
    assert not dead_dir.exists() and not dead_file.exists()
    assert other_target.is_dir() and live.is_dir() and (live / "half.ann").exists()
    assert all(path.read_bytes() == data for path, data in unrelated.items())
    assert (tmp_path / "out").is_dir() and (tmp_path / "out.jsonl").is_file()


def test_counts_and_choices_with_spaces_around_them_import_typed(tmp_path, capsys):
    import json

    folder = tmp_path / "b"
    folder.mkdir()
    text = "Five killed in Sukma.\n"
    (folder / "d.txt").write_text(text, encoding="utf-8")
    (folder / "d.ann").write_text(
        "T1\tDIE 5 11\tkilled\nE1\tDIE:T1\nA1\tkilled E1 5 \nA2\tconfidence E1 high \n", encoding="utf-8"
    )
    (folder / "huge.txt").write_text("Many killed.\n", encoding="utf-8")
    (folder / "huge.ann").write_text(f"T1\tDIE 5 11\tkilled\nE1\tDIE:T1\nA1\tkilled E1 {'9' * 5000}\n")
    project = tmp_path / "p.annotator"
    assert main(["init", str(project)]) == 0
    assert main(["import", str(project), str(folder), "--quiet"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.splitlines()) == 1
    assert "huge.txt: annotator 'brat': event E1: DIE.killed: " in err and "not a non-negative integer" in err
    out = tmp_path / "o.jsonl"
    assert main(["export", str(project), "--out", str(out), "--quiet"]) == 0
    [doc] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    [event] = doc["annotations"][0]["events"]
    assert event["attributes"] == {"killed": 5, "confidence": "high", "modality": "actual"}
