"""The agreement dashboard: heat map, per label, confusion, CSV/JSON export, documents behind a pair."""

import csv
import json

from PySide6.QtCore import Qt

from annotator.services.importing import import_paths
from annotator.services.project import init_project
from annotator.settings import Settings

TEXT = "पाकिस्तान और भारत के विदेश मंत्री दिल्ली में मिले।"


def block(name, spans, tone):
    return {
        "annotator": name,
        "status": "done",
        "entities": [
            {"id": f"T{i}", "start": s, "end": e, "label": label} for i, (s, e, label) in enumerate(spans)
        ],
        "document": {"tone": tone},
    }


def test_dashboard_shows_pairs_labels_confusion_and_exports(qtbot, tmp_path):
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    application()
    project = init_project(tmp_path / "a.annotator")
    pak, bharat, delhi = (0, 9), (13, 17), (TEXT.index("दिल्ली"), TEXT.index("दिल्ली") + 6)
    docs = [
        {
            "id": "d1",
            "title": "बैठक",
            "text": TEXT,
            "annotations": [
                block("asha", [(*pak, "GPE"), (*bharat, "GPE"), (*delhi, "GPE")], -1),
                block("ravi", [(*pak, "GPE"), (*bharat, "ORG")], -1),
            ],
        },
        {
            "id": "d2",
            "title": "दूसरी",
            "text": TEXT + " दूसरी बार।",
            "annotations": [
                block("asha", [(*pak, "GPE")], 0),
                block("ravi", [(*pak, "GPE")], 1),
            ],
        },
    ]
    src = tmp_path / "d.jsonl"
    src.write_text("\n".join(json.dumps(d, ensure_ascii=False) for d in docs) + "\n", encoding="utf-8")
    assert import_paths(project, [src]).ok
    window = MainWindow(project, Settings(annotator="lead"))
    qtbot.addWidget(window)
    dialog = window.show_agreement()
    qtbot.waitUntil(lambda: dialog.report is not None, timeout=20000)
    assert dialog.report.documents == 2 and dialog.report.annotators == ["asha", "ravi"]
    # figures are read only, and an empty "Against gold" says why
    from PySide6.QtWidgets import QAbstractItemView

    for table in (dialog.pairs, dialog.labels, dialog.confusion, dialog.gold):
        assert table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert dialog.gold.item(0, 0).text().startswith("No gold set yet")
    # the summary names figures as people write them; the export's key is the tooltip
    names = []
    for i in range(dialog.summary.topLevelItemCount()):
        top = dialog.summary.topLevelItem(i)
        names.append(top.text(0))
        names += [top.child(j).text(0) for j in range(top.childCount())]
    assert "Document tone" in names and "Krippendorff's alpha" in names
    assert not any("_" in name for name in names), names
    # heat map: the asha/ravi cell holds the pairwise exact entity F1 of the report
    f1 = dialog.data["entities"]["pairwise"]["asha|ravi"]["exact"]["value"]
    assert f1 == 2 * 2 / (4 + 3)  # asha 4 spans, ravi 3, two identical (भारत: GPE vs ORG)
    assert dialog.pairs.item(0, 1).text() == f"{f1:.2f}" and dialog.pairs.item(1, 0).text() == f"{f1:.2f}"
    assert dialog.pairs.item(0, 0).text() == "—"
    # the confusion matrix counts the GPE/ORG disagreement on भारत
    labels = [dialog.confusion.verticalHeaderItem(i).text() for i in range(dialog.confusion.rowCount())]
    assert dialog.confusion.item(labels.index("GPE"), labels.index("ORG")).text() == "1"
    assert dialog.labels.rowCount() >= 1
    # the documents behind the pair, and opening one
    dialog.pairs.cellDoubleClicked.emit(0, 1)
    assert dialog.documents.count() == 2
    window.open_document_id(2)
    dialog.documents.itemActivated.emit(dialog.documents.item(0))
    assert window.document_id == 1
    # any cell leads to its documents: a per-label row, a confusion cell
    assert dialog.show_label_documents("GPE") == [1, 2]
    confusion_labels = [
        dialog.confusion.horizontalHeaderItem(i).text() for i in range(dialog.confusion.columnCount())
    ]
    dialog.confusion.cellDoubleClicked.emit(labels.index("GPE"), confusion_labels.index("ORG"))
    assert [
        dialog.documents.item(i).data(Qt.ItemDataRole.UserRole) for i in range(dialog.documents.count())
    ] == [1]
    # export
    dialog.export(tmp_path / "a.json", "json")
    assert (
        json.loads((tmp_path / "a.json").read_text())["entities"]["pairwise"]["asha|ravi"]["exact"]["value"]
        == f1
    )
    dialog.export(tmp_path / "a.csv", "csv")
    rows = {r["figure"]: r for r in csv.DictReader((tmp_path / "a.csv").open(encoding="utf-8"))}
    assert float(rows["entities.pairwise.asha|ravi.exact"]["value"]) == f1
    assert "tone.krippendorff_alpha.interval" in rows
    dialog.pair_figure.setCurrentText("tone Cohen's kappa")
    assert dialog.pairs.item(0, 1).toolTip()
    window.close()
    project.close()
