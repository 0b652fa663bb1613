"""`annotator kb`: import each format with bad lines (reported FILE:LINE, good ones kept, exit 3), export
that imports back to the same entries, list --json, add, merge, mentions, and the lead's permission."""

import json

import pytest

from annotator.cli import main


@pytest.fixture
def proj(tmp_path, capsys):
    path = tmp_path / "p.annotator"
    assert main(["init", str(path)]) == 0
    assert main(["annotators", "add", str(path), "lead", "--role", "lead"]) == 0
    assert main(["annotators", "add", str(path), "asha"]) == 0
    capsys.readouterr()
    return path


def listed(proj, capsys, *options):
    assert main(["kb", "list", str(proj), "--json", *options]) == 0
    return json.loads(capsys.readouterr().out)["entries"]


def test_import_tsv_reports_bad_lines_and_keeps_good_ones(proj, tmp_path, capsys):
    src = tmp_path / "districts.tsv"
    src.write_text(
        "id\tname\tlabel\taliases\tparent\nQ1\tKokernag\tGPE\tकोकरनाग\tkb:anantnag\nQ2\t\tGPE\t\t\n"
        "Q3\tX\tWEIRD\t\t\n",
        encoding="utf-8",
    )
    assert main(["kb", "import", str(proj), str(src), "--annotator", "lead", "--quiet"]) == 3
    out = capsys.readouterr()
    assert out.err.splitlines() == [
        f"{src}:3: no name",
        f"{src}:4: label 'WEIRD' is not an entity type of the schema (ARMED_GROUP, DATE, FAC, GPE, LOC, NUM, "
        "ORG, PER, TITLE, WEAPON); map it with --label-map",
    ]
    assert "1 entry added, 0 updated; 2 line(s) refused" in out.out
    (entry,) = listed(proj, capsys, "--query", "कोकरनाग")
    assert entry["id"] == "Q1" and entry["aliases"] == ["कोकरनाग"]
    assert entry["parent"] == {"id": "kb:anantnag", "name": "Anantnag"}


def test_import_jsonl_and_wikidata_with_a_label_map(proj, tmp_path, capsys):
    src = tmp_path / "people.jsonl"
    src.write_text(
        json.dumps({"id": "Q380468", "name": "Hafiz Saeed", "label": "PERSON", "aliases": ["हाफ़िज़ सईद"]})
        + "\n{oops\n",
        encoding="utf-8",
    )
    code = main(["kb", "import", str(proj), str(src), "--annotator", "lead", "--label-map", "PERSON=PER"])
    assert code == 3
    assert f"{src}:2: invalid JSON" in capsys.readouterr().err
    dump = tmp_path / "slice.json"
    item = {
        "id": "Q10",
        "labels": {"en": {"value": "Kokernag"}, "hi": {"value": "कोकरनाग"}},
        "claims": {"P31": [{"mainsnak": {"datavalue": {"value": {"id": "Q515"}}}}]},
    }
    dump.write_text("[\n" + json.dumps(item, ensure_ascii=False) + "\n]\n", encoding="utf-8")
    args = ["kb", "import", str(proj), str(dump), "--annotator", "lead", "--label-map", "Q515=GPE"]
    assert main(args) == 0
    capsys.readouterr()
    assert [e["id"] for e in listed(proj, capsys, "--query", "hafiz")] == ["Q380468"]
    (place,) = listed(proj, capsys, "--query", "कोकरनाग")
    assert (place["id"], place["label"], place["aliases"]) == ("Q10", "GPE", ["कोकरनाग"])


@pytest.mark.parametrize("fmt", ["tsv", "csv", "jsonl", "wikidata"])
def test_export_imports_back_to_the_same_entries(proj, tmp_path, capsys, fmt):
    add = ["--name", "Hafiz Saeed", "--label", "PER", "--id", "Q380468", "--alias", "हाफ़िज़ सईद"]
    assert main(["kb", "add", str(proj), *add, "--parent", "kb:lashkar-e-taiba", "--annotator", "lead"]) == 0
    capsys.readouterr()
    before = listed(proj, capsys)
    out = tmp_path / f"kb.{fmt}"
    label_map = "Q1=ARMED_GROUP,Q2=GPE,Q3=LOC,Q4=ORG,Q5=PER,Q6=TITLE,Q7=WEAPON,Q8=FAC"
    assert (
        main(["kb", "export", str(proj), "--out", str(out), "--format", fmt, "--label-map", label_map]) == 0
    )
    assert f"{len(before)} entries written" in capsys.readouterr().out
    fresh = tmp_path / "fresh.annotator"
    assert main(["init", str(fresh)]) == 0
    assert main(["kb", "allow-edits", str(fresh), "on", "--annotator", "lead"]) == 1  # no lead there yet
    assert main(["annotators", "add", str(fresh), "lead", "--role", "lead"]) == 0
    assert main(["kb", "import", str(fresh), str(out), "--format", fmt, "--label-map", label_map,
                 "--annotator", "lead"]) == 0  # fmt: skip
    capsys.readouterr()
    after = listed(fresh, capsys)

    def comparable(entries):
        return sorted(
            (e["id"], e["name"], e["label"], sorted(e["aliases"]), e.get("parent")) for e in entries
        )

    assert comparable(after) == comparable(before)


def test_list_json_add_merge_mentions_and_permission(proj, tmp_path, capsys):
    entries = listed(proj, capsys, "--label", "ARMED_GROUP")
    assert {"id", "name", "label", "aliases"} <= set(entries[0])
    assert all(e["label"] == "ARMED_GROUP" for e in entries) and len(entries) == 51
    assert main(["kb", "add", str(proj), "--name", "Lashkar-i-Tayyaba", "--label", "ARMED_GROUP",
                 "--annotator", "asha"]) == 1  # fmt: skip
    assert "asha may not edit the knowledge base" in capsys.readouterr().err
    assert main(["kb", "allow-edits", str(proj), "on", "--annotator", "asha"]) == 1
    assert main(["kb", "allow-edits", str(proj), "on", "--annotator", "lead"]) == 0
    assert main(["kb", "add", str(proj), "--name", "Lashkar-i-Tayyaba", "--label", "ARMED_GROUP",
                 "--annotator", "asha"]) == 0  # fmt: skip
    assert "added kb:lashkar-i-tayyaba | Lashkar-i-Tayyaba (ARMED_GROUP)" in capsys.readouterr().out
    src = tmp_path / "d.jsonl"
    text = "Lashkar-i-Tayyaba ने हमला किया।"
    entity = {
        "id": "T1",
        "start": 0,
        "end": 17,
        "label": "ARMED_GROUP",
        "link": {"id": "kb:lashkar-i-tayyaba"},
    }
    record = {"id": "d1", "text": text, "annotations": [{"annotator": "asha", "entities": [entity]}]}
    src.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert main(["import", str(proj), str(src), "--quiet"]) == 0
    args = ["kb", "merge", str(proj), "kb:lashkar-e-taiba", "kb:lashkar-i-tayyaba", "--annotator", "lead"]
    assert main(args) == 0
    assert "1 link(s) moved" in capsys.readouterr().out
    assert main(["kb", "mentions", str(proj), "kb:lashkar-e-taiba", "--json"]) == 0
    mentions = json.loads(capsys.readouterr().out)["mentions"]
    assert [(m["text"], m["annotator"], m["document"]) for m in mentions] == [
        ("Lashkar-i-Tayyaba", "asha", 1)
    ]
    assert main(["kb", "list", str(proj), "--query", "LeT"]) == 0
    assert capsys.readouterr().out.startswith("kb:lashkar-e-taiba\tARMED_GROUP\tLashkar-e-Taiba")
