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
