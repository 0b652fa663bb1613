"""Opening a long document (issue 15): its text is read off the GUI thread while the window says
"Opening…", a text that arrives after the person opened another document is dropped, what waits for the
document runs once it is there, its suggestions wait until all of it is in the view, and the romanized
aid shows the beginning of a long text only. The thresholds are made small here so that short texts take
the long path."""

from __future__ import annotations

import gc

import pytest

from annotator.formats.records import SourceRecord
from annotator.services.importing import import_records
from annotator.services.project import init_project
from annotator.settings import Settings

PARAGRAPH = (
    "पाकिस्तान के विदेश मंत्री इशाक डार ने कहा कि पाकिस्तान शांति चाहता है। "
    "Militants attacked an army post in Kupwara on Tuesday, officials said."
)
SMALL = "A small document about Kupwara."


def long_text(paragraphs: int) -> str:
    return "\n\n".join(f"{PARAGRAPH} ({i})" for i in range(paragraphs))


@pytest.fixture
def window(qtbot, tmp_path, monkeypatch):
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    application()
    monkeypatch.setattr(MainWindow, "SYNC_OPEN_CHARS", 2_000)
    project = init_project(tmp_path / "long.annotator")
    text = long_text(60)  # about 9,000 characters: read in the background here
    import_records(project, [(SourceRecord("t", "small", "Small", SMALL, {}), 0)])
    import_records(project, [(SourceRecord("t", "long", "Long report", text, {}), 0)])
    win = MainWindow(project, Settings(annotator="asha"))
    qtbot.addWidget(win)
    win.resize(1100, 700)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: all(t.finished for t in win._tasks), timeout=20_000)
    assert win.document_id == 1  # the first document, short: open at once
    yield win, text
    win.close()
    project.close()


def test_a_long_document_is_read_in_the_background_and_shown_when_it_arrives(window, qtbot):
    win, text = window
    win.open_document(2)
    # nothing is open meanwhile: keys and panels act on nothing, and the window says what is coming
    assert win.document_id is None and win.state is None
    assert win.view.text == ""
    assert "Opening Long report" in win.title.text()
    assert win.statusBar().currentMessage().startswith("Opening Long report")
    assert (
        win.annotations.span_model.rowCount() == 0
        and "Opening Long report" in win.incident_panel.heading.text()
    )
    win.open_document(2)  # asked again while it comes (the list's row is current): nothing more starts
    qtbot.waitUntil(lambda: win.document_id == 2, timeout=20_000)
    assert win.view.text == text and win.session.text == text
    assert "Opening" not in win.title.text() and "Long report" in win.title.text()
    assert not win.statusBar().currentMessage().startswith("Opening Long report")
    assert win.state is not None and win.state.document_id == 2


def test_a_text_that_arrives_after_another_document_was_opened_is_not_shown(window, qtbot):
    win, _text = window
    win.open_document(2)
    assert win.document_id is None
    win.open_document(1)  # short: open at once, before the long one arrives
    assert win.document_id == 1 and win.view.text == SMALL
    qtbot.waitUntil(lambda: all(t.finished for t in win._tasks), timeout=20_000)
    qtbot.wait(50)
    assert win.document_id == 1 and win.view.text == SMALL
    assert "Small" in win.title.text() and "Opening" not in win.title.text()


def test_what_waits_for_a_long_document_runs_once_it_is_open(window, qtbot):
    win, text = window
    seen: list[tuple[int | None, str]] = []
    win.open_document(2)
    win.when_open(2, lambda: seen.append((win.document_id, win.view.text)))
    win.when_open(1, lambda: seen.append((-1, "")))  # neither open nor coming: never runs
    assert seen == []
    qtbot.waitUntil(lambda: win.document_id == 2, timeout=20_000)
    assert seen == [(2, text)]
    win.when_open(2, lambda: seen.append((win.document_id, "again")))  # open already: at once
    assert seen[-1] == (2, "again")
    # asked for a document that another one replaced before it came: dropped
    win.open_document(1)
    win.open_document(2)
    win.when_open(2, lambda: seen.append((0, "stale")))
    win.open_document(1)
    qtbot.waitUntil(lambda: all(t.finished for t in win._tasks), timeout=20_000)
    assert (0, "stale") not in seen and win.document_id == 1


def test_a_search_result_in_a_long_document_is_selected_once_it_arrives(window, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QListWidgetItem

    win, text = window
    start = text.rindex("Kupwara")
    match = type("Match", (), {"start": start, "end": start + len("Kupwara")})()
    item = QListWidgetItem("long")
    item.setData(Qt.ItemDataRole.UserRole, (2, match))
    win.search_results.addItem(item)
    win._open_search_result(item)
    qtbot.waitUntil(lambda: win.document_id == 2, timeout=20_000)
    assert win.view.selection() == (start, start + len("Kupwara"))


def test_suggestions_of_a_long_text_wait_until_all_of_it_is_in_the_view(window, qtbot, monkeypatch):
    from annotator.services.suggestions import has_suggestions
    from annotator.ui import document_view

    win, text = window
    # the view takes this text a part at a time (as it takes a text of more than 300,000 characters)
    monkeypatch.setattr(document_view, "LAZY_LAYOUT_CHARS", 3_000)
    monkeypatch.setattr(document_view, "FIRST_PART_CHARS", 1_000)
    win.open_document(2)
    # held back as it arrives: the rest of the text does not come into the view by itself
    win.when_open(2, lambda: win.view._loader.stop())
    qtbot.waitUntil(lambda: win.document_id == 2, timeout=20_000)
    qtbot.wait(400)
    assert not win.view.loaded()
    assert win.suggestions == [] and not has_suggestions(win.project, 2, "asha")
    assert win.suggestion_task is not None and not win.suggestion_task.finished  # waiting, not failed
    win.view.load_all()
    qtbot.waitUntil(lambda: bool(win.suggestions), timeout=30_000)
    assert has_suggestions(win.project, 2, "asha")
    assert any(text[s.start : s.end] == "Kupwara" for s in win.suggestions)


def test_the_romanized_aid_shows_the_beginning_of_a_long_text(window, qtbot, monkeypatch):
    from annotator.ui import window_search

    win, text = window
    monkeypatch.setattr(window_search, "ROMANIZED_CHARS", 500)
    win.open_document(2)
    qtbot.waitUntil(lambda: win.document_id == 2, timeout=20_000)
    win.show_romanized(True)
    shown = win.romanized.toPlainText()
    assert f"[the first 500 of {len(text):,} characters: select to see more]" in shown
    assert len(shown) < 1_000
    win.open_document(1)
    assert "the first" not in win.romanized.toPlainText()


def test_what_the_window_made_at_start_is_left_out_of_full_collections(window):
    assert gc.get_freeze_count() > 0


def test_a_long_text_with_emoji_is_prepared_for_the_view_off_the_gui_thread(qtbot, tmp_path, monkeypatch):
    """The offset converter (a scan of every character once the text holds one outside the BMP) and the
    search for flags are made in the background with the text, not in the view on the GUI thread."""
    import threading

    from annotator.ui import document_view
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    application()
    monkeypatch.setattr(MainWindow, "SYNC_OPEN_CHARS", 2_000)
    text = "🇮🇳 पहलगाम 😊\n\n" + long_text(40)
    project = init_project(tmp_path / "emoji.annotator")
    import_records(project, [(SourceRecord("t", "small", "Small", SMALL, {}), 0)])
    import_records(project, [(SourceRecord("t", "emoji", "Emoji", text, {}), 0)])
    scans: list[str] = []
    real = document_view.converter_for

    def converter_for(text):
        if text:  # (the view emptied while the text comes is not a scan)
            scans.append(threading.current_thread().name)
        return real(text)

    monkeypatch.setattr(document_view, "converter_for", converter_for)
    win = MainWindow(project, Settings(annotator="asha"))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: all(t.finished for t in win._tasks), timeout=20_000)
    scans.clear()
    win.open_document(2)
    qtbot.waitUntil(lambda: win.document_id == 2, timeout=20_000)
    assert scans and threading.main_thread().name not in scans  # made with the text, in the background
    offsets = win.view.offsets
    start = text.index("पहलगाम")
    assert offsets.to_qt(start) == start + 2 and not offsets.is_identity  # the flag's two astral letters
    assert [letters for _qs, _qe, letters in win.view._flags] in ([], ["IN"])  # as the fonts here draw it
    win.view.select_range(start, start + len("पहलगाम"))
    assert win.view.selection() == (start, start + len("पहलगाम"))
    win.close()
    project.close()
