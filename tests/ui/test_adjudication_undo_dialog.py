"""The adjudication window's undo stack: Ctrl+Z takes a decision back (the item open again, gold's rows
exactly as before), Ctrl+Shift+Z makes it again; a rejection, accept-all and the policy pass are one step
each; a decision someone changed since is not taken back."""

import json

from PySide6.QtCore import Qt

from annotator.services.adjudication import reject
from annotator.services.importing import import_paths
from annotator.services.project import init_project
from annotator.services.team import add_annotator
from annotator.settings import Settings
from tests.services.test_adjudication_undo import dump
from tests.ui.test_adjudication_dialog import gold, open_keys, rows
from tests.ui.test_agreement_dialog import TEXT, block

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def _dialog(qtbot, tmp_path):
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    application()
    project = init_project(tmp_path / "u.annotator")
    pak, bharat, delhi = (0, 9), (13, 17), (TEXT.index("दिल्ली"), TEXT.index("दिल्ली") + 6)
    doc = {
        "id": "d1",
        "title": "बैठक",
        "text": TEXT,
        "annotations": [
            block("asha", [(*pak, "GPE"), (*bharat, "GPE"), (*delhi, "GPE")], -1),
            block("ravi", [(*pak, "GPE"), (*bharat, "ORG")], -1),
        ],
    }
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_paths(project, [src]).ok
    add_annotator(project, "lina", "adjudicator")
    window = MainWindow(project, Settings(annotator="lina"))
    qtbot.addWidget(window)
    dialog = window.show_adjudication()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.task.finished, timeout=20000)  # the policy's pass: one step
    dialog.activateWindow()
    dialog.items.setFocus()
    return project, window, dialog


def _select(dialog, version):
    dialog.items.setCurrentRow(rows(dialog).index(version))


def test_undo_and_redo_a_decision_by_keyboard(qtbot, tmp_path):
    project, window, dialog = _dialog(qtbot, tmp_path)
    assert dialog.undo_stack.count() == 1 and (0, 9, "GPE") in gold(project)
    before = dump(project)
    _select(dialog, ("entity 13-17 ORG", "ravi"))
    qtbot.keyClick(dialog.items, Qt.Key.Key_Return)
    assert (13, 17, "ORG") in gold(project) and "entity 13-17 ORG" not in open_keys(dialog)
    decided = dump(project)

    qtbot.keyClick(dialog.items, Qt.Key.Key_Z, CTRL)  # the decision taken back
    assert "entity 13-17 ORG" in open_keys(dialog)  # open again in the list
    assert (13, 17, "ORG") not in gold(project)
    assert dump(project) == before  # gold, provenance, tombstones: every row as before
    assert "Undone" in dialog.status.text()

    qtbot.keyClick(dialog.items, Qt.Key.Key_Z, CTRL | SHIFT)  # and made again
    assert "entity 13-17 ORG" not in open_keys(dialog)
    assert dump(project) == decided

    # a rejection of the dispute (both versions) is one step; the buttons do what the keys do
    qtbot.keyClick(dialog.items, Qt.Key.Key_Z, CTRL)
    _select(dialog, ("entity 13-17 GPE", "asha"))
    qtbot.keyClick(dialog.items, Qt.Key.Key_X)
    assert not {"entity 13-17 GPE", "entity 13-17 ORG"} & set(open_keys(dialog))
    qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    assert {"entity 13-17 GPE", "entity 13-17 ORG"} <= set(open_keys(dialog))
    assert dump(project) == before

    # accept-all is one step too
    qtbot.keyClick(dialog.items, Qt.Key.Key_A, SHIFT)
    assert len(open_keys(dialog)) < 4
    qtbot.keyClick(dialog.items, Qt.Key.Key_Z, CTRL)
    assert dump(project) == before

    # and so is the policy's pass made when the window opened: gold as before the window
    qtbot.keyClick(dialog.items, Qt.Key.Key_Z, CTRL)
    assert gold(project) == []
    assert not dialog.undo_stack.canUndo() and not dialog.undo_button.isEnabled()
    window.close()
    project.close()


def test_a_decision_changed_since_is_not_taken_back(qtbot, tmp_path):
    project, window, dialog = _dialog(qtbot, tmp_path)
    _select(dialog, ("entity 13-17 ORG", "ravi"))
    qtbot.keyClick(dialog.items, Qt.Key.Key_Return)
    reject(project, dialog.document_id, "entity 13-17 ORG", "mina")  # another adjudicator, meanwhile
    now = dump(project)
    qtbot.keyClick(dialog.items, Qt.Key.Key_Z, CTRL)
    assert "changed since" in dialog.status.text()
    assert dump(project) == now  # mina's rejection stays
    assert dialog.undo_stack.count() == 1  # the decision left the history; the policy's pass is there
    window.close()
    project.close()
