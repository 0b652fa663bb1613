"""Status-bar lines never go stale: the line about a focused suggestion goes once it is decided (or the
focus moves to a span), an outage line goes with the next saved change, and what was said about one
document is gone when another opens."""

from PySide6.QtCore import Qt

from annotator.services.annotate import AddSpans
from tests.ui.test_suggestions_ui import suggested
from tests.ui.test_workbench import workbench  # noqa: F401 (the fixture)


def test_the_line_about_a_suggestion_goes_when_it_is_decided(qtbot, workbench):  # noqa: F811
    window, view = workbench, workbench.view
    suggested(qtbot, window)
    for suggestion in list(window.suggestions)[1:]:  # leave one suggestion
        view.select_suggestion(suggestion.id)
        qtbot.keyClick(view, Qt.Key.Key_Backspace)
    last = window.suggestions[0]
    view.select_suggestion(last.id)
    assert window.statusBar().currentMessage().startswith("Suggested ")
    qtbot.keyClick(view, Qt.Key.Key_Backspace)  # the last one rejected: nothing is focused now
    assert window.suggestions == []
    assert not window.statusBar().currentMessage().startswith("Suggested ")


def test_the_line_about_a_suggestion_goes_when_a_span_is_selected(qtbot, workbench):  # noqa: F811
    window, view = workbench, workbench.view
    suggested(qtbot, window)
    window.run(AddSpans(window.document_id, [(0, 9, "GPE")]))
    view.select_suggestion(window.suggestions[-1].id)
    assert window.statusBar().currentMessage().startswith("Suggested ")
    view.select_span(view.spans()[0].id)
    assert not window.statusBar().currentMessage().startswith("Suggested ")


def test_an_outage_line_goes_with_the_next_saved_change_and_another_document(
    qtbot,
    workbench,  # noqa: F811
    monkeypatch,
):
    import psycopg
    from sqlalchemy.exc import OperationalError

    window = workbench
    suggested(qtbot, window)
    real = window.editor.insert_spans
    calls = []

    def down_once(document_id, spans):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("INSERT", {}, psycopg.OperationalError("server closed the connection"))
        return real(document_id, spans)

    monkeypatch.setattr(window.editor, "insert_spans", down_once)
    window.run(AddSpans(window.document_id, [(0, 9, "GPE")]))
    assert window.statusBar().currentMessage().startswith("The database server is unreachable")
    qtbot.wait(50)
    assert window.statusBar().currentMessage().startswith("The database server is unreachable")  # it stays
    window.run(AddSpans(window.document_id, [(0, 9, "GPE")]))  # the server is back
    assert window.statusBar().currentMessage() == ""
    window.run(AddSpans(window.document_id, [(20, 25, "GPE")]))
    calls.clear()
    window.run(AddSpans(window.document_id, [(30, 31, "GPE")]))
    assert window.statusBar().currentMessage().startswith("The database server is unreachable")
    window.step(1)  # another document: the line was about the one left
    assert window.statusBar().currentMessage() == ""
