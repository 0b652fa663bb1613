"""Keys declared once (annotator.keymap): the window dispatches through the table, Help → Keys (F1) shows
the real map for the project's schema, and a schema stored before the workbench's keys were refused (PER on
``m``) opens with that key left out and said, so relation marking stays reachable."""

import json

from PySide6.QtCore import Qt
from sqlalchemy import update

from annotator.keymap import WORKBENCH_KEYS
from annotator.services.importing import import_paths
from annotator.services.project import SCHEMA_KEY, init_project, open_project
from annotator.settings import Settings
from annotator.store.models import Setting
from tests.ui.test_workbench import HINDI, entities, select_keyboard, workbench  # noqa: F401


def test_every_declared_key_has_an_intent_in_the_window(workbench):  # noqa: F811
    actions = workbench._key_actions()
    assert sorted({b.action for b in WORKBENCH_KEYS} - set(actions)) == []


def test_help_keys_shows_the_real_map(qtbot, workbench):  # noqa: F811
    qtbot.keyClick(workbench, Qt.Key.Key_F1)
    dialog = workbench.keys_dialog
    assert dialog.isVisible()
    rows = dialog.rows()
    assert ("m", "mark the selected span as a relation's source", "") in rows
    assert ("g", "label GPE", "") in rows
    assert ("1", "make a ATTACK event on the selection", "no event is active") in rows
    assert ("1", "fill role 1 of the active event", "an event is active") in rows
    assert ("Ctrl+Z", "Undo", "menu") in rows
    dialog.close()


def test_a_stored_schema_with_a_workbench_key_opens_without_that_key(qtbot, tmp_path):
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    application()
    path = tmp_path / "old.annotator"
    project = init_project(path)
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps({"id": "hi", "text": HINDI}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_paths(project, [src]).ok
    old_text = project.schema.source_text.replace('hotkey = "p"', 'hotkey = "m"', 1)
    with project.engine.begin() as conn:  # as a project made before the rule stored it
        conn.execute(update(Setting).where(Setting.key == SCHEMA_KEY).values(value=old_text))
    project.close()
    project = open_project(path)
    assert project.schema.entity_type("PER").hotkey == "m"
    window = MainWindow(project, Settings(annotator="asha"))
    qtbot.addWidget(window)
    window.show()
    assert "m" not in window.hotkeys
    shown = [window.label_palette.item(i).text() for i in range(window.label_palette.count())]
    assert "PER" in shown and "GPE  [g]" in shown  # the palette shows only keys that work
    assert window.statusBar().currentMessage().startswith("PER has no key here: 'm' is the workbench's key")
    select_keyboard(qtbot, window, 0, 1)
    qtbot.keyClick(window.view, Qt.Key.Key_G)
    assert entities(window) == [(0, 9, "GPE")]
    window.view.select_span(window.view.spans()[0].id)
    qtbot.keyClick(window.view, Qt.Key.Key_M)  # marks the relation source; no PER label is made
    assert window.marked_span == window.view.spans()[0].id
    assert [e[2] for e in entities(window)] == ["GPE"]
    window.close()
    project.close()
