"""brat through a project: what the project writes it reads back; nothing unreadable costs a folder."""

import json
import os

import pytest

from annotator.cli import main


def _content(block):
    """An annotation block without ids: entities, events (roles by filler span), relations, attributes."""
    spans = {e["id"]: (e["start"], e["end"], e["label"]) for e in block.get("entities", [])}
    events = {}
    for ev in block.get("events", []):
        events[ev["id"]] = (ev["type"], ev["trigger"]["start"], ev["trigger"]["end"])
    entities = sorted(
        (*spans[e["id"]], json.dumps(e.get("attributes") or {}, sort_keys=True)) for e in block["entities"]
    )
    frames = sorted(
        (
            *events[ev["id"]],
            json.dumps(ev.get("attributes") or {}, sort_keys=True),
            tuple(
                sorted(
                    (a["role"], spans.get(a.get("entity")) or events.get(a.get("event")) or ())
                    for a in ev.get("arguments", [])
                )
            ),
        )
        for ev in block.get("events", [])
    )
    relations = sorted((r["type"], spans[r["from"]], spans[r["to"]]) for r in block.get("relations", []))
    return entities, frames, relations


def _blocks(path, annotator=None):
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        doc = json.loads(line)
        for block in doc["annotations"]:
            if annotator in (None, block["annotator"]):
                out[doc["text"]] = _content(block)
    return out


def test_counts_and_attributes_survive_brat_export_and_import(tmp_path, capsys):
    text = "LeT attacked Pahalgam; 5 killed, 0 injured."
    doc = {
        "id": "d1",
        "text": text,
        "annotations": [
            {
                "annotator": "asha",
                "status": "done",
                "entities": [{"id": "T1", "start": 0, "end": 3, "label": "ARMED_GROUP"}],
                "events": [
                    {
                        "id": "E1",
                        "type": "DIE",
                        "trigger": {"start": 25, "end": 31},
                        "attributes": {"killed": 5, "modality": "actual", "confidence": "high"},
                        "arguments": [{"role": "Agent", "entity": "T1"}],
                    },
                    {
                        "id": "E2",
                        "type": "INJURE",
                        "trigger": {"start": 35, "end": 42},
                        "attributes": {"injured": 0, "modality": "actual", "note": "none hurt"},
                    },
                ],
            }
        ],
    }
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    first, second = tmp_path / "a.annotator", tmp_path / "b.annotator"
    for project in (first, second):
        assert main(["init", str(project)]) == 0
    assert main(["import", str(first), str(source), "--quiet"]) == 0, capsys.readouterr().err
    assert main(["export", str(first), "--format", "brat", "--out", str(tmp_path / "brat"), "--quiet"]) == 0
    assert main(["import", str(second), str(tmp_path / "brat"), "--quiet"]) == 0, capsys.readouterr().err
    for project, name in ((first, "a.jsonl"), (second, "b.jsonl")):
        assert main(["export", str(project), "--out", str(tmp_path / name), "--quiet"]) == 0
    before, after = _blocks(tmp_path / "a.jsonl"), _blocks(tmp_path / "b.jsonl")
    assert after == before
    [frames] = [content[1] for content in after.values()]
    assert any('"killed": 5' in f[3] for f in frames) and any('"injured": 0' in f[3] for f in frames)


def test_demo_project_round_trips_through_brat_per_annotator(tmp_path, capsys):
    from annotator.services.demo import ensure_demo_project
    from annotator.services.project import open_project

    demo = ensure_demo_project()
    with open_project(demo) as project, project.engine.connect() as conn:
        names = [r[0] for r in conn.exec_driver_sql("select name from annotators order by name")]
    assert main(["export", str(demo), "--out", str(tmp_path / "original.jsonl"), "--quiet"]) == 0
    compared = 0
    for name in names:
        out = tmp_path / f"brat-{name}"
        args = ["export", str(demo), "--format", "brat", "--annotator", name, "--out", str(out), "--quiet"]
        assert main(args) == 0, capsys.readouterr().err
        again = tmp_path / f"{name}.annotator"
        assert main(["init", str(again)]) == 0
        assert main(["import", str(again), str(out), "--quiet"]) == 0, capsys.readouterr().err
        assert main(["export", str(again), "--out", str(tmp_path / f"back-{name}.jsonl"), "--quiet"]) == 0
        original = _blocks(tmp_path / "original.jsonl", name)
        read_back = _blocks(tmp_path / f"back-{name}.jsonl")
        assert read_back == original, name
        compared += sum(len(c[0]) + len(c[1]) for c in original.values())
    assert compared > 50


def test_self_equivalence_is_reported_not_dropped_silently(tmp_path, capsys):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "d.txt").write_text("LeT attacked Delhi.\n", encoding="utf-8")
    (folder / "d.ann").write_text("T1\tORG 0 3\tLeT\n*\tALIAS_OF T1 T1\n", encoding="utf-8")
    project = tmp_path / "p.annotator"
    main(["init", str(project)])
    capsys.readouterr()
    assert main(["import", str(project), str(folder), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "ALIAS_OF of an entity with itself (T1), left out" in err


def test_unreadable_ann_files_cost_only_their_document(tmp_path, capsys):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "good.txt").write_text("LeT attacked.\n", encoding="utf-8")
    (folder / "good.ann").write_text("T1\tORG 0 3\tLeT\n", encoding="utf-8")
    for name in ("loop", "dir", "fifo", "bad"):
        (folder / f"{name}.txt").write_text(f"{name} text.\n", encoding="utf-8")
    os.symlink("loop.ann", folder / "loop.ann")
    (folder / "dir.ann").mkdir()
    os.mkfifo(folder / "fifo.ann")
    (folder / "bad.ann").write_bytes(b"T1\tORG 0 3\tb\xff\n")
    (folder / "orphan.ann").write_text("T1\tORG 0 1\tx\n", encoding="utf-8")
    project = tmp_path / "p.annotator"
    main(["init", str(project)])
    capsys.readouterr()
    assert main(["import", str(project), str(folder), "--quiet"]) == 3
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert "Traceback" not in err
    assert any("loop.ann: cannot be read" in line for line in lines)
    assert any("dir.ann: cannot be read: a folder" in line for line in lines)
    assert any("fifo.ann: cannot be read: not a regular file" in line for line in lines)
    assert any("bad.ann:1: invalid UTF-8" in line for line in lines)
    assert any("orphan.ann: annotations without a text file" in line for line in lines)
    assert len(lines) == 5
    out = tmp_path / "out.jsonl"
    assert main(["export", str(project), "--out", str(out), "--quiet"]) == 0
    [doc] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert doc["id"] == "good" and doc["annotations"][0]["entities"][0]["label"] == "ORG"


@pytest.mark.parametrize("leftover", ["-dir", ""])
def test_a_killed_brat_or_jsonl_exports_leftover_is_swept(tmp_path, leftover, capsys):
    from annotator.fileio import SUFFIX

    project = tmp_path / "p.annotator"
    main(["init", str(project)])
    target = tmp_path / ("out" if leftover else "out.jsonl")
    dead = tmp_path / f".{target.name}.999999999{SUFFIX}{leftover}"
    if leftover:
        dead.mkdir()
    else:
        dead.write_text("half")
    args = ["--format", "brat"] if leftover else []
    assert main(["export", str(project), *args, "--out", str(target), "--quiet"]) == 0
    assert not dead.exists() and target.exists()
    assert [p.name for p in tmp_path.iterdir() if SUFFIX in p.name] == []


def test_a_value_outside_brats_storage_form_imports_as_the_schema_stores_it(tmp_path, capsys):
    conf = tmp_path / "annotation.conf"
    conf.write_text(
        "[spans]\nWord\n-----\n[attributes]\nOTHER  Arg:<ENTITY>, Value:Typo+UNK|Other\n", encoding="utf-8"
    )
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "d.txt").write_text("teh word\n", encoding="utf-8")
    (folder / "d.ann").write_text("T1\tWord 0 3\tteh\nA1\tOTHER T1 Typo+UNK\n", encoding="utf-8")
    project = tmp_path / "p.annotator"
    assert main(["init", str(project), "--schema", str(conf)]) == 0
    assert "'Typo+UNK' is stored as 'Typo_UNK'" in capsys.readouterr().err
    assert main(["import", str(project), str(folder), "--quiet"]) == 0, capsys.readouterr().err
    out = tmp_path / "o.jsonl"
    assert main(["export", str(project), "--out", str(out), "--quiet"]) == 0
    [doc] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert doc["annotations"][0]["entities"][0]["attributes"] == {"OTHER": "Typo_UNK"}
