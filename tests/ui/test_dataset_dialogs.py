"""File → Export dataset… and File → Import from another tool…, driven through their widgets."""

import json

from annotator.services.importing import import_paths
from annotator.services.project import init_project
from annotator.settings import Settings
from tests.services.test_datasets import ASHA, EXPECTED_CONLL, TEXT, block


def _window(qtbot, project):
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    application()
    window = MainWindow(project, Settings(annotator="lina"))
    qtbot.addWidget(window)
    return window


def test_export_dataset_from_the_dialog(qtbot, tmp_path, monkeypatch):
    from annotator.ui import window_files
    from annotator.ui.dataset_dialogs import DatasetExportDialog

    project = init_project(tmp_path / "p.annotator")
    src = tmp_path / "d.jsonl"
    doc = {"id": "d1", "text": TEXT, "annotations": [block("asha", ASHA, tone=-2)]}
    src.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_paths(project, [src]).ok
    window = _window(qtbot, project)
    shown = []
    monkeypatch.setattr(window_files.QMessageBox, "information", lambda _w, _t, text: shown.append(text))

    dialog = DatasetExportDialog(["gold", "majority", "asha"], window)
    qtbot.addWidget(dialog)
    dialog.set.setCurrentText("asha")
    qtbot.keyClicks(dialog.split, "60/40")
    dialog.message.clear()
    assert dialog.choice() is None and "Choose a folder" in dialog.message.text()  # no folder yet
    qtbot.keyClicks(dialog.out, str(tmp_path / "ds"))
    qtbot.keyClicks(dialog.split, "/x")
    assert dialog.choice() is None and "whole numbers" in dialog.message.text()
    dialog.split.clear()
    task = window.export_dataset_dialog(dialog)
    qtbot.waitUntil(lambda: task.finished, timeout=20000)
    assert (tmp_path / "ds" / "full.conll").read_text(encoding="utf-8") == EXPECTED_CONLL
    assert window.last_dataset_report.documents["full"] == 1
    # the rules applied are shown to the user
    assert "crosses a token boundary (widened): 1" in shown[0] and "overlaps a longer span" in shown[0]

    dialog.format.setCurrentIndex(1)  # Hugging Face, split 60/40 into a second folder
    dialog.out.setText(str(tmp_path / "hf"))
    qtbot.keyClicks(dialog.split, "60/40")
    task = window.export_dataset_dialog(dialog)
    qtbot.waitUntil(lambda: task.finished, timeout=20000)
    files = sorted(p.name for p in (tmp_path / "hf").iterdir())
    assert files == ["README.md", "labels.json", "test.jsonl", "train.jsonl"]
    window.close()
    project.close()


def test_import_from_another_tool_dialog(qtbot, tmp_path):
    from annotator.ui.dataset_dialogs import ForeignImportDialog

    project = init_project(tmp_path / "p.annotator")
    window = _window(qtbot, project)
    src = tmp_path / "x.conll"
    src.write_text("अमित\tB-PERSON\nशाह\tI-PERSON\nने\tO\n\nदिल्ली\tB-GPE\n", encoding="utf-8")
    dialog = ForeignImportDialog(window)
    qtbot.addWidget(dialog)
    assert dialog.choice() is None and "Choose the files" in dialog.message.text()
    dialog.paths.setText(str(src))
    qtbot.keyClicks(dialog.annotator, "hiner")
    qtbot.keyClicks(dialog.label_map, "GPE")
    assert dialog.choice() is None and "FROM=TO" in dialog.message.text()
    dialog.label_map.setText("GPE=LOC")
    paths, options = dialog.choice()
    task = window.import_paths(paths, **options)
    qtbot.waitUntil(lambda: task.finished, timeout=20000)
    from annotator.store.reading import read_documents

    with project.engine.connect() as conn:
        found = [
            (name, [(doc.text[e.start : e.end], e.label) for e in labels.entities])
            for doc in read_documents(conn)
            for name, labels in doc.sets.items()
        ]
    assert found == [("hiner", [("अमित शाह", "PER")]), ("hiner", [("दिल्ली", "LOC")])]
    assert window.list_model.rowCount() == 2
    actions = {a.text(): a for a in window.menuBar().actions()[0].menu().actions()}
    assert "Import from another &tool…" in actions
    assert actions["Export &dataset…"].shortcut().toString() == "Ctrl+Shift+E"
    window.close()
    project.close()
