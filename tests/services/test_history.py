"""The audit trail: creation, changes (row before and after), deletions, undo and schema versions, per
document and exported as CSV (read back with the csv module)."""

import csv
import json

from annotator.cli import main
from annotator.schema import default_schema, parse_schema, schema_to_toml
from annotator.schema.evolution import parse_mapping
from annotator.services import schema_change
from annotator.services.annotate import AddSpans, DeleteSpans, Editor, Relabel, SetTone
from annotator.services.frames import SetAttributes
from annotator.services.history import CSV_COLUMNS, history
from annotator.services.importing import import_paths

TEXT = "पहलगाम में हमला हुआ। Delhi में बैठक हुई।"


def setup(project, tmp_path):
    src = tmp_path / "d.jsonl"
    src.write_text(
        "\n".join(json.dumps({"id": i, "text": TEXT}, ensure_ascii=False) for i in ("d1",)) + "\n",
        encoding="utf-8",
    )
    assert import_paths(project, [src]).ok
    return Editor(project, "asha")


def test_created_changed_deleted_restored_in_order(project, tmp_path):
    editor = setup(project, tmp_path)
    AddSpans(1, [(0, 6, "GPE")]).apply(editor)
    span = editor.state(1).spans[0]
    Relabel(1, span, "LOC", {}).apply(editor)
    relabelled = editor.state(1).spans[0]
    SetAttributes(1, "entity", relabelled.id, dict(relabelled.attributes), {"note": "गाँव"}).apply(editor)
    deletion = DeleteSpans(1, [relabelled.id])
    deletion.apply(editor)
    deletion.revert(editor)  # undo puts it back
    SetTone(1, None, -1).apply(editor)
    SetTone(1, -1, 1).apply(editor)
    entries = history(project, document="d1")
    spans = [e for e in entries if e.table == "entities"]
    assert [e.action for e in spans] == ["created", "changed", "changed", "deleted", "restored"]
    assert spans[0].what == "entity 0-6 GPE «पहलगाम»" and spans[0].annotator == "asha"
    assert spans[1].before["label"] == "GPE" and spans[1].after["label"] == "LOC"
    assert spans[2].before["attributes"] == {} and spans[2].after["attributes"] == {"note": "गाँव"}
    assert spans[3].before["label"] == "LOC" and spans[3].after is None
    assert spans[4].after["id"] == span.id
    tones = [e for e in entries if e.table == "document_labels"]
    assert [(e.action, (e.before or {}).get("value"), (e.after or {}).get("value")) for e in tones] == [
        ("created", None, -1),
        ("changed", -1, 1),
    ]
    assert [e.at for e in entries] == sorted(e.at for e in entries)


def test_schema_versions_appear_and_csv_reads_back(sqlite_project, tmp_path, capsys):
    editor = setup(sqlite_project, tmp_path)
    AddSpans(1, [(0, 6, "ARMED_GROUP")]).apply(editor)
    new = parse_schema(schema_to_toml(default_schema()).replace('"ARMED_GROUP"', '"MILITANT_GROUP"'))
    schema_change.apply(
        sqlite_project, new, parse_mapping(renames=["ARMED_GROUP=MILITANT_GROUP"]), applied_by="lead"
    )
    entries = history(sqlite_project)
    assert entries[-1].action == "schema" and entries[-1].annotator == "lead"
    assert entries[-1].after == {
        "mapping": {"drop": [], "merge": [], "rename": ["ARMED_GROUP=MILITANT_GROUP"], "split": []}
    }
    location = str(sqlite_project.location)
    sqlite_project.close()
    out = tmp_path / "history.csv"
    assert main(["history", location, "--csv", str(out)]) == 0
    with out.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["action"] for r in rows] == ["created", "schema"]
    # never changed by a person: the row as it is, made under version 1 (the schema entry says what changed)
    made = json.loads(rows[0]["after"])
    assert (made["label"], made["schema_version"]) == ("MILITANT_GROUP", 1)
    assert main(["history", location, "--csv", str(out)]) == 1  # never overwrites a file
    assert "already exists" in capsys.readouterr().err
    assert main(["history", location, "--document", "nope"]) == 1
    assert "no document 'nope'" in capsys.readouterr().err
