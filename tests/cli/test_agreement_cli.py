"""`annotator agreement`: the label confusion matrix with its "(none)" row and column, as text and JSON."""

import json

from annotator.cli import main
from annotator.services.importing import import_paths
from annotator.services.project import init_project

TEXT = "पाकिस्तान और भारत के विदेश मंत्री 12 मई को दिल्ली में मिले।"


def at(surface, label):
    start = TEXT.index(surface)
    return {"start": start, "end": start + len(surface), "label": label}


def block(name, entities):
    return {
        "annotator": name,
        "status": "done",
        "entities": [{"id": f"T{i}", **e} for i, e in enumerate(entities)],
    }


def project_path(tmp_path):
    # only asha labels दिल्ली, only ravi विदेश मंत्री; भारत is GPE for asha, ORG for ravi; ravi's NUM on "12"
    # overlaps asha's DATE "12 मई": a DATE/NUM confusion, not a missing span on either side
    asha = [at("पाकिस्तान", "GPE"), at("भारत", "GPE"), at("12 मई", "DATE"), at("दिल्ली", "GPE")]
    ravi = [at("पाकिस्तान", "GPE"), at("भारत", "ORG"), at("12", "NUM"), at("विदेश मंत्री", "TITLE")]
    record = {
        "id": "d1",
        "title": "",
        "text": TEXT,
        "annotations": [block("asha", asha), block("ravi", ravi)],
    }
    source = tmp_path / "d.jsonl"
    source.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    path = tmp_path / "p.annotator"
    with init_project(path) as project:
        assert import_paths(project, [source]).ok
    return str(path)


def test_json_confusion_has_the_none_row_and_column(tmp_path, capsys):
    target = project_path(tmp_path)
    assert main(["agreement", target, "--layer", "entities", "--json", "--quiet"]) == 0
    confusion = json.loads(capsys.readouterr().out)["entities"]["confusion"]
    assert confusion == {
        "DATE": {"NUM": 1},
        "GPE": {"GPE": 1, "ORG": 1, "(none)": 1},  # दिल्ली: only asha
        "(none)": {"TITLE": 1},  # विदेश मंत्री: only ravi
    }


def test_text_shows_the_confusion_as_a_table_with_none(tmp_path, capsys):
    target = project_path(tmp_path)
    assert main(["agreement", target, "--layer", "entities", "--quiet"]) == 0
    lines = capsys.readouterr().out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("confusion"))
    assert "(none)" in lines[start]  # the legend says what the row and column mean
    header = lines[start + 1].split()
    assert header == ["DATE", "GPE", "NUM", "ORG", "TITLE", "(none)"]
    rows = {
        cells[0]: dict(zip(header, cells[1:], strict=True)) for cells in map(str.split, lines[start + 2 :])
    }
    assert list(rows) == header
    assert rows["GPE"] == {"DATE": ".", "GPE": "1", "NUM": ".", "ORG": "1", "TITLE": ".", "(none)": "1"}
    assert rows["(none)"]["TITLE"] == "1" and rows["DATE"]["NUM"] == "1"
    assert rows["(none)"]["(none)"] == "."
