"""The adjudication window with boundary variants: b takes what the person selected in the text (by mouse,
after clicking a version), variants of one mention are one dispute, overlapping gold of one label is asked
for, and decided items stay listed to be reopened and changed by keyboard."""

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QMessageBox

from annotator.services.project import init_project
from tests.services.test_adjudication import load
from tests.services.test_adjudication_disputes import (
    ARMY,
    CHIEF_MUNIR,
    MUNIR,
    PAK,
    PINDI,
    PINDI_DOT,
    TEXT,
    gold_spans,
    record,
)

VERSION, DISPUTE, DECISION = (Qt.ItemDataRole.UserRole + n for n in (0, 2, 3))


def open_dialog(qtbot, tmp_path):
    from annotator.ui.adjudication_dialog import AdjudicationDialog
    from annotator.ui.app import application

    application()
    project = init_project(tmp_path / "m.annotator")
    load(project, tmp_path, record())
    dialog = AdjudicationDialog(project, "lina", pre_accept=False)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.policy.setCurrentText("unanimous")  # Imran Khan agreed; the rest open
    return project, dialog


def row_of(dialog, key, name):
    return next(i for i in range(dialog.items.count()) if dialog.items.item(i).data(VERSION) == (key, name))


def click_row(qtbot, dialog, row):
    rect = dialog.items.visualItemRect(dialog.items.item(row))
    qtbot.mouseClick(dialog.items.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def point(view, cp):
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.offsets.to_qt(cp))
    return view.cursorRect(cursor).center()


def drag(qtbot, view, start, end):
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=point(view, start))
    qtbot.mouseMove(view.viewport(), point(view, end))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=point(view, end))


def open_keys(dialog):
    rows = [dialog.items.item(i).data(VERSION) for i in range(dialog.items.count())]
    return {r[0] for r in rows if r}


def test_b_takes_the_persons_selection_after_a_click_on_a_version(qtbot, tmp_path):
    project, dialog = open_dialog(qtbot, tmp_path)
    view = dialog.view
    assert dialog.selection_note.text().startswith("Nothing selected in the text")
    # ravi's version current: its span is outlined, not selected (a selection is the person's, for b)
    click_row(qtbot, dialog, row_of(dialog, CHIEF_MUNIR, "ravi"))
    assert view.selection()[0] == view.selection()[1]
    assert view.selected_span_id() == next(
        s.id for s in view.spans() if s.label == "ravi" and "Munir" in TEXT[s.start : s.end]
    )
    # a drag that starts inside ravi's span, out to "army": the person's own boundaries
    army = TEXT.index("army")
    drag(qtbot, view, TEXT.index("Munir") + 2, army + 1)
    wanted = (army, TEXT.index("Munir") + len("Munir"))
    assert view.snapped_selection() == wanted
    assert "army chief Asim Munir" in dialog.selection_note.text()
    # clicking asha's version keeps that selection; b takes it, with asha's version
    click_row(qtbot, dialog, row_of(dialog, MUNIR, "asha"))
    assert view.snapped_selection() == wanted
    qtbot.keyClick(dialog.items, Qt.Key.Key_B)
    assert [s for s in gold_spans(project) if s[1] == "PER"] == [("army chief Asim Munir", "PER")]
    # decided once: neither variant of the mention is open any more
    assert MUNIR not in open_keys(dialog) and CHIEF_MUNIR not in open_keys(dialog)
    # b pressed in the document itself, right after the drag, acts on the current version
    click_row(qtbot, dialog, row_of(dialog, PINDI_DOT, "ravi"))
    pindi = TEXT.index("Rawalpindi")
    drag(qtbot, view, pindi + len("Rawalpindi"), pindi)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_B)
    assert ("Rawalpindi", "GPE") in gold_spans(project) and ("Rawalpindi.", "GPE") not in gold_spans(project)
    project.close()


def test_b_without_a_selection_takes_nothing(qtbot, tmp_path):
    project, dialog = open_dialog(qtbot, tmp_path)
    click_row(qtbot, dialog, row_of(dialog, MUNIR, "asha"))
    qtbot.keyClick(dialog.items, Qt.Key.Key_B)  # the version's own span is not preselected
    assert "Select the gold boundaries" in dialog.status.text()
    assert gold_spans(project) == []
    project.close()


def test_variants_of_one_mention_are_listed_as_one_dispute(qtbot, tmp_path):
    project, dialog = open_dialog(qtbot, tmp_path)
    texts = [dialog.items.item(i).text() for i in range(dialog.items.count())]
    heading = next(i for i, t in enumerate(texts) if t.startswith("One mention, 2 boundary variants"))
    assert not dialog.items.item(heading).flags() & Qt.ItemFlag.ItemIsSelectable
    under = {dialog.items.item(heading + n).data(VERSION) for n in (1, 2)}
    assert under == {(MUNIR, "asha"), (CHIEF_MUNIR, "ravi")}
    assert dialog.items.item(heading + 1).data(DISPUTE) == dialog.items.item(heading + 2).data(DISPUTE)
    # x rejects the dispute: both variants, once
    dialog.items.setCurrentRow(heading + 1)
    qtbot.keyClick(dialog.items, Qt.Key.Key_X)
    assert MUNIR not in open_keys(dialog) and CHIEF_MUNIR not in open_keys(dialog)
    # Shift+A takes Pakistan and Pakistan's army (each alone in its dispute), not Rawalpindi's variants
    qtbot.keyClick(dialog.items, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    assert sorted(gold_spans(project)) == [("Pakistan", "GPE"), ("Pakistan’s army", "ARMED_GROUP")]
    assert open_keys(dialog) == {PINDI, PINDI_DOT}
    project.close()


def answer_question(qtbot, button):
    """Press ``button`` on the question box the dialog is about to show (a real modal QMessageBox)."""
    seen = []

    def press():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, press)
            return
        seen.append(box.text())
        box.button(button).click()

    QTimer.singleShot(0, press)
    return seen


def test_overlapping_gold_of_one_label_is_kept_only_when_confirmed(qtbot, tmp_path, monkeypatch):
    project, dialog = open_dialog(qtbot, tmp_path)
    dialog.items.setCurrentRow(row_of(dialog, ARMY, "ravi"))
    qtbot.keyClick(dialog.items, Qt.Key.Key_Return)
    # asha's "Pakistan" relabelled ARMED_GROUP would overlap the gold "Pakistan's army"
    monkeypatch.setattr(dialog, "_choose", lambda _t, _p, options, _c=0: "ARMED_GROUP")
    dialog.items.setCurrentRow(row_of(dialog, PAK, "asha"))
    asked = answer_question(qtbot, QMessageBox.StandardButton.No)
    qtbot.keyClick(dialog.items, Qt.Key.Key_E)
    assert asked and "“Pakistan’s army”" in asked[0] and "Keep both" in asked[0]
    assert gold_spans(project) == [("Pakistan’s army", "ARMED_GROUP")]
    assert dialog.status.text().startswith("Nothing changed: gold already has ARMED_GROUP")
    assert PAK in open_keys(dialog)
    asked = answer_question(qtbot, QMessageBox.StandardButton.Yes)
    qtbot.keyClick(dialog.items, Qt.Key.Key_E)
    assert asked
    assert sorted(gold_spans(project)) == [("Pakistan", "ARMED_GROUP"), ("Pakistan’s army", "ARMED_GROUP")]
    project.close()


def test_decided_items_stay_listed_and_can_be_changed_by_keyboard(qtbot, tmp_path):
    project, dialog = open_dialog(qtbot, tmp_path)
    # decide everything by keyboard: the first version of each dispute
    for _ in range(10):
        if not open_keys(dialog):
            break
        qtbot.keyClick(dialog.items, Qt.Key.Key_Return)
    assert not open_keys(dialog)
    assert gold_spans(project) == [  # in text order
        ("Pakistan", "GPE"),
        ("Pakistan’s army", "ARMED_GROUP"),
        ("chief Asim Munir", "PER"),
        ("Rawalpindi", "GPE"),
    ]
    # the window is not blank: the document stays, listed as all decided, with its decisions
    assert dialog.document_id == 1 and view_text(dialog) == TEXT
    assert "all decided" in dialog.queue.currentItem().text()
    decided = [
        dialog.items.item(i) for i in range(dialog.items.count()) if dialog.items.item(i).data(DECISION)
    ]
    assert len(decided) == 4
    assert any(e.text().startswith("✓ accepted  entity PER “chief Asim Munir” ← ravi") for e in decided)
    # reach the Munir decision with the arrow keys, reopen it (u), take asha's variant instead
    dialog.items.setFocus()
    while dialog.items.currentItem().data(DECISION) != CHIEF_MUNIR:
        before = dialog.items.currentRow()
        qtbot.keyClick(dialog.items, Qt.Key.Key_Down)
        assert dialog.items.currentRow() != before
    qtbot.keyClick(dialog.items, Qt.Key.Key_U)
    assert open_keys(dialog) == {MUNIR, CHIEF_MUNIR}
    assert not any("Munir" in text for text, _label in gold_spans(project))
    assert dialog.items.currentItem().data(DISPUTE) == tuple(sorted((MUNIR, CHIEF_MUNIR)))
    qtbot.keyClick(dialog.items, Qt.Key.Key_Down)
    assert dialog.items.currentItem().data(VERSION) == (MUNIR, "asha")
    qtbot.keyClick(dialog.items, Qt.Key.Key_Return)
    assert [s for s in gold_spans(project) if s[1] == "PER"] == [("Asim Munir", "PER")]
    assert not open_keys(dialog) and "all decided" in dialog.queue.currentItem().text()
    project.close()


def view_text(dialog):
    return dialog.view.text
