"""The workbench driven through its real widgets (pytest-qt, offscreen), checked in the database."""

import json

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QTextCursor
from PySide6.QtWidgets import QInputDialog
from sqlalchemy import select

from annotator.services.importing import import_paths
from annotator.services.project import init_project, open_project
from annotator.settings import Settings
from annotator.store.models import DocumentLabel, Entity, TargetedSentiment, WorkItem

HINDI = "पाकिस्तान के विदेश मंत्री इशाक डार ने कहा कि पाकिस्तान शांति चाहता है। लश्कर-ए-तैयबा पर प्रतिबंध लगा।"
EMOJI = "🙏🇮🇳 आज 😊 श्रीनगर में हमला हुआ। 👍 Srinagar attack."
ENGLISH = "Militants attacked an army post in Kupwara on Tuesday."


@pytest.fixture
def workbench(qtbot, tmp_path):
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    application()
    path = tmp_path / "w.annotator"
    project = init_project(path)
    src = tmp_path / "d.jsonl"
    src.write_text(
        "\n".join(
            json.dumps(d, ensure_ascii=False)
            for d in [
                {"id": "hi", "title": "हिंदी", "text": HINDI, "lang": "hi"},
                {"id": "emoji", "title": "Emoji", "text": EMOJI, "lang": "hi-en"},
                {"id": "en", "title": "English", "text": ENGLISH, "lang": "en"},
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    assert import_paths(project, [src]).ok
    settings = Settings(annotator="asha")
    window = MainWindow(project, settings)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    window.view.setFocus()
    yield window
    window.close()
    window.project.close()


def entities(window):
    with window.project.session() as s:
        return [
            (e.start, e.end, e.label) for e in s.scalars(select(Entity).order_by(Entity.start, Entity.label))
        ]


def key(qtbot, window, k, mods=Qt.KeyboardModifier.NoModifier, text=None):
    qtbot.keyClick(window.view, k, mods)


def select_keyboard(qtbot, window, start, words):
    view = window.view
    cursor = view.textCursor()
    cursor.setPosition(window.view.offsets.to_qt(start))
    view.setTextCursor(cursor)
    for _ in range(words):
        qtbot.keyClick(
            view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
        )


def test_keyboard_select_and_hotkey_labels_a_span(qtbot, workbench, tmp_path):
    assert workbench.view.text == HINDI
    select_keyboard(qtbot, workbench, 0, 1)
    qtbot.keyClick(workbench.view, Qt.Key.Key_G)
    assert entities(workbench) == [(0, 9, "GPE")]
    assert [(s.start, s.end, s.label) for s in workbench.view.spans()] == [(0, 9, "GPE")]
    assert workbench.annotations.count() == 1
    assert workbench.annotations.row_texts(0) == ("पाकिस्तान", "GPE", "", "")
    # the highlight is painted on the word: the pixel under the word is tinted, outside it is not
    rect = workbench.view._span_rects(0, 9)[0].translated(workbench.view.viewport().pos())
    image = workbench.view.grab().toImage()
    image.save(str(tmp_path / "labelled.png"))
    # (a pixel above the headline, clear of the selected span's outline drawn inside the word's own box)
    row = [
        image.pixelColor(QPoint(x, int(rect.top() + 3)))
        for x in range(int(rect.left()) + 4, int(rect.right()) - 4)
    ]
    names = [c.name() for c in row]
    inside = QColor(max(set(names), key=names.count))  # the colour of most of the row
    outside = image.pixelColor(QPoint(int(rect.left() + 2), int(rect.bottom() + 200)))  # blank page
    label_color = QColor(workbench.colors["GPE"])
    assert outside.name() == "#ffffff"
    assert inside.name() != "#ffffff" and abs(inside.hue() - label_color.hue()) < 25, inside.name()
    # the list shows the label count and the document is in progress
    row = workbench.list_model.document(workbench.list_model.row_for(workbench.document_id))
    assert (row.labels, row.status) == (1, "in_progress")


def test_mouse_selection_snaps_to_the_whole_word(qtbot, workbench):
    view = workbench.view
    start = HINDI.index("इशाक") + 1  # inside the word
    end = HINDI.index("डार") + 1

    def point(cp):
        cursor = QTextCursor(view.document())
        cursor.setPosition(view.offsets.to_qt(cp))
        return view.cursorRect(cursor).center()

    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=point(start))
    qtbot.mouseMove(view.viewport(), point(end))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=point(end))
    s, e = view.selection()
    assert HINDI[s:e] == "इशाक डार"
    qtbot.keyClick(view, Qt.Key.Key_P)
    assert entities(workbench) == [(s, e, "PER")]


def test_undo_redo_delete_relabel(qtbot, workbench):
    view = workbench.view
    select_keyboard(qtbot, workbench, 0, 1)
    qtbot.keyClick(view, Qt.Key.Key_G)
    assert entities(workbench) == [(0, 9, "GPE")]
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert entities(workbench) == [] and view.spans() == []
    qtbot.keyClick(
        view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert entities(workbench) == [(0, 9, "GPE")] and len(view.spans()) == 1
    # Tab selects the span (the next span or suggestion after the cursor), a hotkey relabels it, Delete
    # removes it
    view.select_span("")
    view.moveCursor(QTextCursor.MoveOperation.Start)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert view.selected_span_id() == view.spans()[0].id
    qtbot.keyClick(view, Qt.Key.Key_O)
    assert entities(workbench) == [(0, 9, "ORG")]
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert entities(workbench) == []
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert entities(workbench) == [(0, 9, "ORG")]
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert entities(workbench) == [(0, 9, "GPE")]


def test_overlapping_and_nested_spans(qtbot, workbench):
    view = workbench.view
    select_keyboard(qtbot, workbench, 0, 4)  # पाकिस्तान के विदेश मंत्री
    qtbot.keyClick(view, Qt.Key.Key_T)
    select_keyboard(qtbot, workbench, 0, 1)
    qtbot.keyClick(view, Qt.Key.Key_G)
    outer = HINDI.index("मंत्री") + len("मंत्री")
    assert entities(workbench) == [(0, 9, "GPE"), (0, outer, "TITLE")]
    depths = sorted(p.depth for p in view._spans)
    assert depths == [0, 1]  # nested spans are drawn at different depths (distinct underlines)


def test_label_all_occurrences(qtbot, workbench):
    view = workbench.view
    select_keyboard(qtbot, workbench, 0, 1)
    qtbot.keyClick(view, Qt.Key.Key_G)
    qtbot.keyClick(
        view, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    second = HINDI.index("पाकिस्तान", 1)
    assert entities(workbench) == [(0, 9, "GPE"), (second, second + 9, "GPE")]
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert entities(workbench) == [(0, 9, "GPE")]


def test_emoji_before_span_highlight_sits_on_the_text(qtbot, workbench):
    workbench.open_document_id(2)
    view = workbench.view
    assert view.text == EMOJI
    start = EMOJI.index("श्रीनगर")
    select_keyboard(qtbot, workbench, start, 1)
    assert EMOJI.__getitem__(slice(*view.snapped_selection())) == "श्रीनगर"
    qtbot.keyClick(view, Qt.Key.Key_G)
    assert entities(workbench) == [(start, start + len("श्रीनगर"), "GPE")]
    # the painted range is the same text in Qt's coordinates (emoji count two UTF-16 units there)
    (painted,) = view._spans
    cursor = QTextCursor(view.document())
    cursor.setPosition(painted.qt_start)
    cursor.setPosition(painted.qt_end, QTextCursor.MoveMode.KeepAnchor)
    assert cursor.selectedText() == "श्रीनगर"
    assert painted.qt_start == start + 4  # 🙏, 🇮🇳 (two regional indicators) and 😊 are astral


def test_reopen_shows_the_same_spans(qtbot, workbench, tmp_path):
    from annotator.ui.main_window import MainWindow

    select_keyboard(qtbot, workbench, 0, 1)
    qtbot.keyClick(workbench.view, Qt.Key.Key_G)
    location = workbench.project.location
    workbench.close()
    workbench.project.close()
    again = MainWindow(open_project(location), Settings(annotator="asha"))
    qtbot.addWidget(again)
    again.open_document_id(1)
    assert [(s.start, s.end, s.label) for s in again.view.spans()] == [(0, 9, "GPE")]
    other = MainWindow(open_project(location), Settings(annotator="ravi"))
    qtbot.addWidget(other)
    other.open_document_id(1)
    assert other.view.spans() == []  # labels are per annotator
    again.project.close()
    other.project.close()


def test_tone_and_targeted_sentiment(qtbot, workbench):
    view = workbench.view
    qtbot.keyClick(view, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)  # first level: -2
    with workbench.project.session() as s:
        assert s.scalars(select(DocumentLabel.value)).all() == [-2]
    assert workbench.sentiment.tone_buttons[-2].isChecked()
    assert [a.isChecked() for a in workbench.tone_actions] == [True, False, False, False, False]
    workbench.sentiment.tone_buttons[1].click()
    with workbench.project.session() as s:
        assert s.scalars(select(DocumentLabel.value)).all() == [1]
    assert [a.data() for a in workbench.tone_actions if a.isChecked()] == [1]  # the menu ticks the tone
    select_keyboard(qtbot, workbench, 0, 1)
    qtbot.keyClick(view, Qt.Key.Key_G)
    qtbot.keyClicks(view, "-")
    with workbench.project.session() as s:
        assert s.scalars(select(TargetedSentiment.polarity)).all() == ["NEG"]
    assert workbench.annotations.row_texts(0)[2] == "NEG"
    qtbot.keyClicks(view, "+")
    with workbench.project.session() as s:
        assert s.scalars(select(TargetedSentiment.polarity)).all() == ["POS"]
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    with workbench.project.session() as s:
        assert s.scalars(select(TargetedSentiment.polarity)).all() == ["NEG"]


def test_mark_done_moves_to_next_undone_and_flag(qtbot, workbench, monkeypatch):
    qtbot.keyClick(workbench.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with workbench.project.session() as s:
        assert [(w.document_id, w.status) for w in s.scalars(select(WorkItem))] == [(1, "done")]
    assert workbench.document_id == 2
    assert workbench.progress_label.text().startswith("1 / 3 done")
    monkeypatch.setattr(
        "annotator.ui.window_documents.ask_multiline", lambda *a, **k: ("ATTACK or PROTEST?", True)
    )
    qtbot.keyClick(
        workbench.view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    with workbench.project.session() as s:
        item = s.scalars(select(WorkItem).where(WorkItem.document_id == 2)).one()
        assert (item.flagged, item.comment) == (True, "ATTACK or PROTEST?")
    workbench.filter_box.setCurrentIndex(6)  # flagged
    assert [workbench.list_model.document(r).external_id for r in range(workbench.list_model.rowCount())] == [
        "emoji"
    ]
    workbench.filter_box.setCurrentIndex(4)  # done
    assert [workbench.list_model.document(r).external_id for r in range(workbench.list_model.rowCount())] == [
        "hi"
    ]
    workbench.open_document_id(3)  # hidden by the filter: the list shows everything again
    assert workbench.filter_box.currentIndex() == 0 and workbench.document_id == 3


def test_search_finds_devanagari_from_latin_and_opens_it(qtbot, workbench):
    workbench.focus_search()
    qtbot.keyClicks(workbench.search_box, "srinagar")
    qtbot.keyClick(workbench.search_box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: workbench.search_results.count() > 0, timeout=10000)
    assert (
        "श्रीनगर" in workbench.search_results.item(0).text()
        or "Srinagar" in workbench.search_results.item(0).text()
    )
    qtbot.keyClick(workbench.search_results, Qt.Key.Key_Return)
    assert workbench.document_id == 2
    s, e = workbench.view.selection()
    assert EMOJI[s:e] in ("श्रीनगर", "Srinagar")


def test_romanized_reading_aid(qtbot, workbench):
    qtbot.keyClick(workbench.view, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert workbench.romanized.isVisible()
    assert workbench.romanized.toPlainText().startswith("pākistāna")
    select_keyboard(qtbot, workbench, HINDI.index("इशाक"), 2)
    workbench.update_romanized()
    assert workbench.romanized.toPlainText() == "iśāka ḍāra"
    # the whole document again, read from the top whatever was shown before
    view = workbench.view
    cursor = view.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.End)
    view.setTextCursor(cursor)
    workbench.romanized.setPlainText("x\n" * 500)
    workbench.romanized.moveCursor(QTextCursor.MoveOperation.End)
    workbench.update_romanized()
    assert workbench.romanized.textCursor().position() == 0
    assert workbench.romanized.verticalScrollBar().value() == 0


def test_document_list_model(qtmodeltester, workbench):
    qtmodeltester.check(workbench.list_model)
    workbench.list_model.set_filter({"done"})
    qtmodeltester.check(workbench.list_model)
    qtmodeltester.check(workbench.annotations.span_model)


def test_first_run_asks_the_name_once(qtbot, monkeypatch):
    from annotator.ui.app import application, ask_annotator_name

    application()
    asked = []
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (asked.append(1) or "  Meera  ", True))
    settings = Settings.load()
    assert ask_annotator_name(settings)
    assert Settings.load().annotator == "Meera"
    assert ask_annotator_name(Settings.load()) and asked == [1]


def test_no_argument_starts_the_gui(monkeypatch):
    import annotator.ui.app as app
    from annotator.cli import main

    seen = []
    monkeypatch.setattr(app, "run", lambda location=None, as_name=None: seen.append(location) or 0)
    assert main([]) == 0 and seen == [None]
    assert main(["gui", "x.annotator"]) == 0 and seen == [None, "x.annotator"]


def test_hover_shows_label_and_romanization(qtbot, workbench):
    from PySide6.QtWidgets import QToolTip

    select_keyboard(qtbot, workbench, 0, 1)
    qtbot.keyClick(workbench.view, Qt.Key.Key_G)
    view = workbench.view
    cursor = QTextCursor(view.document())
    cursor.setPosition(3)
    qtbot.mouseMove(view.viewport(), view.cursorRect(cursor).center())
    qtbot.waitUntil(lambda: QToolTip.isVisible() or bool(QToolTip.text()), timeout=3000)
    assert QToolTip.text() == "GPE: पाकिस्तान — pākistāna"


def test_palette_click_and_annotation_list_select_and_delete(qtbot, workbench):
    select_keyboard(qtbot, workbench, 0, 1)
    palette = workbench.label_palette
    row = [palette.item(i).data(Qt.ItemDataRole.UserRole) for i in range(palette.count())].index("LOC")
    rect = palette.visualItemRect(palette.item(row))
    qtbot.mouseClick(palette.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert entities(workbench) == [(0, 9, "LOC")]
    workbench.view.select_span("")
    panel = workbench.annotations
    qtbot.mouseClick(
        panel.viewport(),
        Qt.MouseButton.LeftButton,
        pos=panel.visualRect(panel.span_model.index(0, 0)).center(),
    )
    assert workbench.view.selected_span_id() == workbench.view.spans()[0].id
    qtbot.keyClick(panel, Qt.Key.Key_Delete)
    assert entities(workbench) == []


def test_zoom_skip_and_snap_toggle(qtbot, workbench):
    size = workbench.view.font().pointSizeF()
    qtbot.keyClick(workbench.view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert workbench.view.font().pointSizeF() > size
    assert Settings.load().zoom > 0
    qtbot.keyClick(workbench.view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert workbench.view.font().pointSizeF() == size
    qtbot.keyClick(
        workbench.view, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    with workbench.project.session() as s:
        assert [(w.document_id, w.status) for w in s.scalars(select(WorkItem))] == [(1, "skipped")]
    assert workbench.document_id == 2
    # without word snapping a selection inside a word stays inside it (still whole characters)
    qtbot.keyClick(workbench.view, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert not workbench.view.snap_to_tokens and Settings.load().snap_to_tokens is False
    start = EMOJI.index("श्रीनगर")
    workbench.view.select_range(start, start + 2)  # श + virama: half of the conjunct श्री
    assert workbench.view.snapped_selection() == (start, start + 4)  # the whole cluster श्री, not the word


def test_import_in_the_background_updates_the_list(qtbot, workbench, tmp_path):
    src = tmp_path / "more.jsonl"
    src.write_text(json.dumps({"id": "new", "title": "नया", "text": "नई ख़बर।"}, ensure_ascii=False) + "\n")
    task = workbench.import_paths([str(src)])
    qtbot.waitUntil(lambda: task.finished, timeout=20000)
    qtbot.waitUntil(lambda: workbench.list_model.total() == 4, timeout=5000)
    assert workbench.list_model.document(3).external_id == "new"


def test_choose_project_last_then_demo(qtbot, tmp_path):
    from annotator.ui.app import choose_project

    settings = Settings(annotator="asha")
    with choose_project(None, settings) as demo:
        assert demo.location.endswith("demo.annotator")
    init_project(tmp_path / "mine.annotator").close()
    settings.last_project = str(tmp_path / "mine.annotator")
    with choose_project(None, settings) as last:
        assert last.location == str(tmp_path / "mine.annotator")
    settings.last_project = str(tmp_path / "moved-away.annotator")
    with choose_project(None, settings) as fallback:
        assert fallback.location.endswith("demo.annotator")


def test_shifted_letter_is_not_an_entity_hotkey(qtbot, workbench):
    select_keyboard(qtbot, workbench, 0, 1)
    qtbot.keyClicks(workbench.view, "F")  # FRONT_OF's relation key, not FAC's 'f'
    assert entities(workbench) == []
    qtbot.keyClicks(workbench.view, "f")
    assert entities(workbench) == [(0, 9, "FAC")]


def test_brat_schema_palette_leaves_out_abstract_types(qtbot, tmp_path):
    from annotator.ui.main_window import MainWindow
    from tests.conftest import corpus

    conf = corpus("brat-tutorials", "news", "annotation.conf")
    project = init_project(tmp_path / "brat.annotator", conf)
    window = MainWindow(project, Settings(annotator="asha"))
    qtbot.addWidget(window)
    names = [
        window.label_palette.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(window.label_palette.count())
    ]
    abstract = [e.name for e in project.schema.entities if e.abstract]
    assert names and not set(names) & set(abstract)
    assert names == [e.name for e in project.schema.entities if not e.abstract]
    window.close()
    project.close()


def test_leads_see_others_labels_read_only_annotators_do_not(qtbot, workbench):
    from annotator.services.team import add_annotator
    from annotator.ui.main_window import MainWindow

    select_keyboard(qtbot, workbench, 0, 1)
    qtbot.keyClick(workbench.view, Qt.Key.Key_G)  # asha's label
    add_annotator(workbench.project, "lina", "lead")
    add_annotator(workbench.project, "ravi", "annotator")
    lead = MainWindow(workbench.project, Settings(annotator="lina"))
    qtbot.addWidget(lead)
    lead.open_document_id(1)
    assert lead.view.spans() == []
    lead.show_labels_of("asha")
    assert [(s.start, s.end, s.label) for s in lead.view.spans()] == [(0, 9, "GPE")]
    assert "read-only" in lead.windowTitle()
    lead.view.select_span(lead.view.spans()[0].id)
    lead.delete_selected()  # refused: not the lead's labels
    assert "read-only" in lead.statusBar().currentMessage()
    assert entities(workbench) == [(0, 9, "GPE")]
    ravi = MainWindow(workbench.project, Settings(annotator="ravi"))
    qtbot.addWidget(ravi)
    ravi.open_document_id(1)
    ravi.show_labels_of("asha")  # blind annotation: refused
    assert ravi.editor.annotator == "ravi" and ravi.view.spans() == []


def test_a_damaged_last_project_is_named_and_the_demo_opens(tmp_path, monkeypatch, qtbot):
    from PySide6.QtWidgets import QMessageBox

    from annotator.services.project import init_project
    from annotator.settings import Settings
    from annotator.ui import app

    broken = tmp_path / "broken.annotator"
    with init_project(broken):
        pass
    data = bytearray(broken.read_bytes())
    data[100:4096] = b"\xa5" * (4096 - 100)
    broken.write_bytes(bytes(data))
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    settings = Settings(annotator="asha", last_project=str(broken))
    project = app.choose_project(None, settings)
    try:
        assert "demo" in str(project.location)
    finally:
        project.close()
    assert len(shown) == 1 and f"{broken}: the project file is damaged" in shown[0]
    assert "Opening the demo project" in shown[0]


def test_double_click_and_drag_leave_the_danda_and_brackets_out(qtbot, workbench):
    view = workbench.view
    text = view.text
    danda = text.index("।")
    word_start = text.rindex(" ", 0, danda) + 1

    def point(cp):
        cursor = QTextCursor(view.document())
        cursor.setPosition(view.offsets.to_qt(cp))
        return view.cursorRect(cursor).center()

    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point(word_start + 1))
    s, e = view.snapped_selection()
    assert text[s:e] == text[word_start:danda] and "।" not in text[s:e]
    # a drag over the word and the danda after it gives the same span
    view.select_range(word_start, danda + 1)
    assert view.snapped_selection() == (word_start, danda)


def test_a_drag_that_starts_inside_the_selection_makes_a_new_selection(qtbot, workbench):
    view = workbench.view
    text = view.text

    def point(cp):
        cursor = QTextCursor(view.document())
        cursor.setPosition(view.offsets.to_qt(cp))
        return view.cursorRect(cursor).center()

    first = text.index("इशाक")
    view.select_range(first, first + len("इशाक डार"))
    inside = first + 2
    end = text.index(" ", inside + len("इशाक डार") + 1)
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=point(inside))
    # Qt would keep the selection here to drag the selected text away; a new selection starts instead
    assert not view.textCursor().hasSelection()
    qtbot.mouseMove(view.viewport(), point(end))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=point(end))
    s, e = view.selection()
    assert (s, e) != (first, first + len("इशाक डार"))
    assert s >= first and e > first + len("इशाक डार")


def test_tooltips_follow_the_romanization_and_show_notes_and_confidence(qtbot, workbench):
    from annotator.services.annotate import Span

    view = workbench.view
    span = Span("s1", 0, len("पाकिस्तान"), "GPE", {"confidence": "low", "note": "maybe\nthe army"})
    assert view.describe([span]) == (
        "GPE: पाकिस्तान — pākistāna\n    confidence: low\n    note: maybe the army"
    )
    workbench.set_scheme("itrans")
    assert view.describe([span]).splitlines()[0] == "GPE: पाकिस्तान — pAkistAna"


def test_span_boundaries_move_by_keyboard_and_undo(qtbot, workbench):
    view = workbench.view
    first = HINDI.index("इशाक")
    select_keyboard(qtbot, workbench, first, 1)
    qtbot.keyClick(view, Qt.Key.Key_P)  # PER on इशाक
    [span] = view.spans()
    view.select_span(span.id)
    qtbot.keyClicks(view, "]")  # the end one word right: इशाक डार
    assert entities(workbench) == [(first, HINDI.index("डार") + len("डार"), "PER")]
    qtbot.keyClicks(view, "}")  # and back
    assert entities(workbench) == [(first, first + len("इशाक"), "PER")]
    qtbot.keyClicks(view, "{")  # a span keeps at least one word
    assert entities(workbench) == [(first, first + len("इशाक"), "PER")]
    assert workbench.statusBar().currentMessage() == "The span cannot move further that way."
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert entities(workbench) == [(first, first + len("इशाक"), "PER")]  # both moves undone
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert entities(workbench) == []


def test_the_annotations_table_shows_what_is_set_on_a_label(qtbot, workbench, monkeypatch):
    """Confidence and a note, once set by keyboard, show in the Annotations table (and its tooltip)."""
    view = workbench.view
    select_keyboard(qtbot, workbench, 0, 1)
    qtbot.keyClick(view, Qt.Key.Key_G)
    view.select_span(view.spans()[0].id)
    qtbot.keyClicks(view, "c")  # confidence: high
    monkeypatch.setattr(
        "annotator.ui.window_frames.ask_multiline", lambda *a, **k: ("maybe\nthe army as a whole", True)
    )
    qtbot.keyClicks(view, "#")
    assert workbench.annotations.row_texts(0) == (
        "पाकिस्तान",
        "GPE",
        "",
        "confidence: high · note: maybe the army as a whole",
    )
    model = workbench.annotations.span_model
    assert model.data(model.index(0, 3), Qt.ItemDataRole.ToolTipRole) == (
        "confidence: high\nnote: maybe the army as a whole"
    )
