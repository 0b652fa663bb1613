"""Project → Change schema… driven through its real widgets: leads only, the diff shown before anything
changes, Apply only when nothing is refused, the apply in the background, the window reloaded after."""

import json

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from annotator.schema import default_schema, schema_to_toml
from annotator.services import schema_change
from annotator.services.importing import import_paths
from annotator.services.project import init_project
from annotator.services.team import add_annotator
from annotator.settings import Settings
from annotator.store.models import Entity

TEXT = "लश्कर-ए-तैयबा के आतंकियों ने पहलगाम में हमला किया। TRF ने पहाड़ी इलाके से ज़िम्मेदारी ली।"
SECOND = "कुपवाड़ा में सेना की चौकी पर हमला हुआ। श्रीनगर में बंद रहा।"


def at(text: str, surface: str) -> dict:
    start = text.index(surface)
    return {"start": start, "end": start + len(surface)}


def block(name: str) -> dict:
    return {
        "annotator": name,
        "status": "in_progress",
        "entities": [
            {"id": "T1", **at(TEXT, "लश्कर-ए-तैयबा"), "label": "ARMED_GROUP"},
            {"id": "T2", **at(TEXT, "TRF"), "label": "ARMED_GROUP"},
            {"id": "T3", **at(TEXT, "पहलगाम"), "label": "LOC"},
            {"id": "T4", **at(TEXT, "पहाड़ी इलाके"), "label": "LOC"},
        ],
    }


def second_block(name: str) -> dict:
    return {
        "annotator": name,
        "status": "in_progress",
        "entities": [
            {"id": "T1", **at(SECOND, "कुपवाड़ा"), "label": "LOC"},
            {"id": "T2", **at(SECOND, "श्रीनगर"), "label": "LOC"},
        ],
    }


GUIDED = '''name = "ARMED_GROUP"
guideline = """
Label the **group**, not its leader or its spokesman.

* fronts and wings (TRF, PAFF) are groups too
* a group's *name in Hindi* is labelled as it is written
"""
examples = ["लश्कर-ए-तैयबा के आतंकियों ने", "TRF ने ज़िम्मेदारी ली", "पीपुल्स लिबरेशन गुरिल्ला आर्मी (PLGA)"]
'''


def guided_schema_text() -> str:
    return schema_to_toml(default_schema()).replace('name = "ARMED_GROUP"\n', GUIDED, 1)


@pytest.fixture
def make_window(qtbot, tmp_path):
    """A window on a project where asha (annotator) and meera (lead) labelled two documents, working as
    ``name``; the project's schema is ``schema_text`` (the default one otherwise)."""
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    application()
    made = []

    def make(name: str = "meera", schema_text: str | None = None):
        schema_path = None
        if schema_text is not None:
            schema_path = tmp_path / "schema.toml"
            schema_path.write_text(schema_text, encoding="utf-8")
        project = init_project(tmp_path / "p.annotator", schema_path)
        src = tmp_path / "d.jsonl"
        records = [
            {"id": "d1", "title": "हमला", "text": TEXT, "annotations": [block("asha"), block("meera")]},
            {"id": "d2", "title": "कुपवाड़ा", "text": SECOND, "annotations": [second_block("meera")]},
        ]
        src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
        assert import_paths(project, [src]).ok
        add_annotator(project, "meera", "lead")
        window = MainWindow(project, Settings(annotator=name))
        qtbot.addWidget(window)
        window.resize(1400, 900)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)  # the review list's keys need the focus
        made.append(window)
        return window

    yield make
    for window in made:
        window.close()
        window.project.close()


def labels(window, annotator_name: str | None = None) -> list[tuple[str, str]]:
    from annotator.store.models import Annotator

    with window.project.session() as s:
        query = select(Entity.start, Entity.label, Annotator.name).join(
            Annotator, Annotator.id == Entity.annotator_id
        )
        return sorted(
            (str(start), label)
            for start, label, name in s.execute(query)
            if annotator_name is None or name == annotator_name
        )


def write_schema(tmp_path, text: str, name: str = "new.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def renamed_text() -> str:
    return schema_to_toml(default_schema()).replace('"ARMED_GROUP"', '"MILITANT_GROUP"')


def test_an_annotator_is_told_the_schema_is_for_leads(make_window):
    window = make_window("asha")
    assert window.change_schema_dialog() is None
    assert window.schema_dialog is None
    assert "for leads" in window.statusBar().currentMessage()


def test_a_refused_change_shows_every_problem_and_cannot_be_applied(qtbot, make_window, tmp_path):
    window = make_window()
    dialog = window.change_schema_dialog()
    assert dialog is not None and dialog.isVisible()
    path = write_schema(tmp_path, renamed_text())
    qtbot.keyClicks(dialog.path, str(path))
    qtbot.mouseClick(dialog.diff_button, Qt.MouseButton.LeftButton)
    shown = dialog.diff_view.toPlainText()
    assert "refused:" in shown and "ARMED_GROUP" in shown  # in use, not mapped: refused with its count
    assert not dialog.apply_button.isEnabled()
    # a mapping that does not parse: every problem said, nothing diffed
    qtbot.keyClicks(dialog.renames, "ARMED_GROUP")
    qtbot.keyClicks(dialog.splits, "LOC=GPE")
    qtbot.keyClick(dialog.renames, Qt.Key.Key_Return)
    shown = dialog.diff_view.toPlainText()
    assert "--rename ARMED_GROUP: write OLD=NEW" in shown and "--split LOC=GPE: write A=B|C" in shown
    assert not dialog.apply_button.isEnabled()
    # a file that does not parse: one line naming it
    bad = write_schema(tmp_path, "[[entities]\nname = ", "bad.toml")
    dialog.path.clear()
    qtbot.keyClicks(dialog.path, str(bad))
    dialog.renames.clear()
    dialog.splits.clear()
    qtbot.mouseClick(dialog.diff_button, Qt.MouseButton.LeftButton)
    assert dialog.diff_view.toPlainText().startswith(f"refused: {bad}")
    assert not dialog.apply_button.isEnabled()
    assert labels(window).count(("0", "ARMED_GROUP")) == 2  # nothing changed
    assert schema_change.versions(window.project)[-1].number == 1


def test_a_lead_diffs_then_applies_a_rename_and_the_window_follows(qtbot, make_window, tmp_path):
    window = make_window()
    window.open_document_id(1)
    assert [s.label for s in window.view.spans()][:1] == ["ARMED_GROUP"]
    dialog = window.change_schema_dialog()
    path = write_schema(tmp_path, renamed_text())
    qtbot.keyClicks(dialog.path, str(path))
    qtbot.keyClicks(dialog.renames, "ARMED_GROUP=MILITANT_GROUP")
    qtbot.keyClick(dialog.renames, Qt.Key.Key_Return)
    shown = dialog.diff_view.toPlainText()
    assert shown.startswith("schema version 1 → 2:")
    assert "entity ARMED_GROUP → MILITANT_GROUP (rename): 4 entities" in shown
    assert dialog.apply_button.isEnabled(), shown
    assert labels(window).count(("0", "ARMED_GROUP")) == 2  # the diff changed nothing
    # an edit after the diff: Apply waits for a new diff
    qtbot.keyClicks(dialog.drops, "X")
    assert not dialog.apply_button.isEnabled()
    dialog.drops.clear()
    qtbot.mouseClick(dialog.diff_button, Qt.MouseButton.LeftButton)
    assert dialog.apply_button.isEnabled()
    dialog.grab().save("/tmp/schema-dialog.png")
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    task = window._tasks[-1]  # the apply runs in the window's background task, its progress over the dialog
    assert task._dialog is not None and task._dialog.parentWidget() is dialog
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20000)
    # stored, versioned, and the window shows the new schema
    assert ("0", "MILITANT_GROUP") in labels(window) and ("0", "ARMED_GROUP") not in labels(window)
    assert schema_change.versions(window.project)[-1].number == 2
    assert schema_change.versions(window.project)[-1].applied_by == "meera"
    palette = [window.label_palette.item(i).text() for i in range(window.label_palette.count())]
    assert "MILITANT_GROUP  [a]" in palette and not any(p.startswith("ARMED_GROUP") for p in palette)
    assert window.hotkeys["a"] == "MILITANT_GROUP" and "MILITANT_GROUP" in window.colors
    assert window.document_id == 1 and window.view.spans()[0].label == "MILITANT_GROUP"
    message = window.statusBar().currentMessage()
    assert "Schema version 2 applied" in message and "backup: " in message and ".annotator" in message
    # the keys work with the new label: relabel पहलगाम by its key
    window.view.select_span(next(s.id for s in window.view.spans() if s.label == "LOC"))
    window.view.setFocus()
    qtbot.keyClick(window.view, Qt.Key.Key_A)
    assert window.view.spans()[2].label == "MILITANT_GROUP"


def test_a_split_queues_for_review_and_the_status_says_so(qtbot, make_window, tmp_path):
    window = make_window()
    dialog = window.change_schema_dialog()
    path = write_schema(tmp_path, schema_to_toml(default_schema()))
    qtbot.keyClicks(dialog.path, str(path))
    qtbot.keyClicks(dialog.splits, "LOC=LOC|GPE")
    assert dialog.show_diff()
    assert "split" in dialog.diff_view.toPlainText()
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20000)
    assert "6 annotation(s) queued for review" in window.statusBar().currentMessage()
    assert len(schema_change.review_queue(window.project)) == 6


def test_an_apply_refused_at_the_last_moment_lists_its_problems_and_the_dialog_stays(
    qtbot, make_window, tmp_path, monkeypatch
):
    window = make_window()
    dialog = window.change_schema_dialog()
    qtbot.keyClicks(dialog.path, str(write_schema(tmp_path, renamed_text())))
    qtbot.keyClicks(dialog.renames, "ARMED_GROUP=MILITANT_GROUP")
    assert dialog.show_diff()

    def refused(*args, **kwargs):  # as when another lead applied a version since the diff
        raise schema_change.SchemaChangeError(["schema version 2 was applied meanwhile; diff again"])

    monkeypatch.setattr(schema_change, "apply", refused)
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.close_button.isEnabled(), timeout=20000)
    assert dialog.isVisible()
    assert dialog.diff_view.toPlainText() == "refused: schema version 2 was applied meanwhile; diff again"
    assert dialog.state.text() == "Not applied: nothing changed."
    assert not dialog.apply_button.isEnabled()
    assert schema_change.versions(window.project)[-1].number == 1
    assert ("0", "ARMED_GROUP") in labels(window)
