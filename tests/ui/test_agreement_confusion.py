"""The agreement dashboard's confusion matrix: a read-only "(none)" row and column for spans only one
annotator of a pair labelled, and the documents behind each of its cells."""

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView

from annotator.services.importing import import_paths
from annotator.services.project import init_project

TEXT = "पाकिस्तान और भारत के विदेश मंत्री दिल्ली में मिले।"


def at(surface, label):
    start = TEXT.index(surface)
    return {"start": start, "end": start + len(surface), "label": label}


def block(name, entities):
    return {
        "annotator": name,
        "status": "done",
        "entities": [{"id": f"T{i}", **e} for i, e in enumerate(entities)],
    }


def test_confusion_has_a_none_row_and_column(qtbot, tmp_path):
    from annotator.ui.agreement_dialog import AgreementDialog
    from annotator.ui.app import application

    application()
    project = init_project(tmp_path / "a.annotator")
    docs = [
        {  # दिल्ली: only asha; भारत: GPE for asha, ORG for ravi
            "id": "d1",
            "text": TEXT,
            "annotations": [
                block("asha", [at("पाकिस्तान", "GPE"), at("भारत", "GPE"), at("दिल्ली", "GPE")]),
                block("ravi", [at("पाकिस्तान", "GPE"), at("भारत", "ORG")]),
            ],
        },
        {  # विदेश मंत्री: only ravi
            "id": "d2",
            "text": TEXT + " दूसरी बार।",  # another article (the same text would be stored once)
            "annotations": [
                block("asha", [at("पाकिस्तान", "GPE")]),
                block("ravi", [at("पाकिस्तान", "GPE"), at("विदेश मंत्री", "TITLE")]),
            ],
        },
    ]
    src = tmp_path / "d.jsonl"
    src.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in docs) + "\n", encoding="utf-8")
    assert import_paths(project, [src]).ok
    opened = []
    dialog = AgreementDialog(project, opened.append)
    qtbot.addWidget(dialog)
    dialog.compute()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20000)

    table = dialog.confusion
    assert table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    rows = [table.verticalHeaderItem(i).text() for i in range(table.rowCount())]
    columns = [table.horizontalHeaderItem(j).text() for j in range(table.columnCount())]
    assert rows == columns == ["GPE", "ORG", "TITLE", "(none)"]
    assert table.verticalHeaderItem(3).toolTip() and table.horizontalHeaderItem(3).toolTip()

    def cell(la, lb):
        return table.item(rows.index(la), columns.index(lb)).text()

    assert cell("GPE", "GPE") == "2" and cell("GPE", "ORG") == "1"
    assert cell("GPE", "(none)") == "1"  # asha's दिल्ली
    assert cell("(none)", "TITLE") == "1"  # ravi's विदेश मंत्री
    assert cell("(none)", "(none)") == "" and cell("TITLE", "(none)") == ""

    # each cell leads to the documents behind it, the "(none)" ones too
    def ids():
        return [
            dialog.documents.item(i).data(Qt.ItemDataRole.UserRole) for i in range(dialog.documents.count())
        ]

    table.cellDoubleClicked.emit(rows.index("GPE"), columns.index("(none)"))
    assert ids() == [1]
    table.cellDoubleClicked.emit(rows.index("(none)"), columns.index("TITLE"))
    assert ids() == [2]
    table.cellDoubleClicked.emit(rows.index("GPE"), columns.index("ORG"))
    assert ids() == [1]
    table.cellDoubleClicked.emit(rows.index("GPE"), columns.index("GPE"))
    assert ids() == [1, 2]
    dialog.documents.itemActivated.emit(dialog.documents.item(1))
    assert opened == [2]
    # the JSON export keeps the same key
    dialog.export(tmp_path / "a.json", "json")
    confusion = json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["entities"]["confusion"]
    assert confusion["GPE"]["(none)"] == 1 and confusion["(none)"] == {"TITLE": 1}
    dialog.close()
    project.close()
