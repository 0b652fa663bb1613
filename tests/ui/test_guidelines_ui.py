"""Guidelines in the workbench: the labels panel's and the text's tooltips say what the schema tells
annotators (rendered Markdown, examples), F1 on a selected label opens its guideline (Help → Keys when
nothing is selected), and a new schema version's guideline is what shows after it is applied."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from annotator.schema import parse_schema
from annotator.services import schema_change
from annotator.services.annotate import Span
from tests.ui.test_schema_dialog import TEXT, guided_schema_text, make_window  # noqa: F401


def palette_tooltip(window, name: str) -> str:
    palette = window.label_palette
    return next(
        palette.item(i).toolTip()
        for i in range(palette.count())
        if palette.item(i).data(Qt.ItemDataRole.UserRole) == name
    )


def select_label(window, label: str) -> Span:
    span = next(s for s in window.view.spans() if s.label == label)
    window.view.select_span(span.id)
    window.view.setFocus()
    return span


def test_the_labels_panel_tooltip_renders_the_guideline_and_examples(make_window):  # noqa: F811
    window = make_window("asha", guided_schema_text())
    tip = palette_tooltip(window, "ARMED_GROUP")
    assert "A non-state armed group" in tip  # the description
    assert "font-weight" in tip and "group" in tip  # **group** rendered bold, not asterisks
    assert "**" not in tip
    assert "लश्कर-ए-तैयबा के आतंकियों ने" in tip and "पीपुल्स लिबरेशन गुरिल्ला आर्मी (PLGA)" in tip
    assert "<li" in tip  # the bullets and examples are lists
    # a label without a guideline: its description only
    assert "Geo-political" in palette_tooltip(window, "GPE") or "GPE" in palette_tooltip(window, "GPE")
    label = QLabel(tip)
    label.setWordWrap(True)
    label.setFixedWidth(460)
    label.adjustSize()
    label.grab().save("/tmp/guideline-tooltip.png")


def test_the_text_tooltip_adds_the_guideline_of_a_guided_label(make_window):  # noqa: F811
    window = make_window("asha", guided_schema_text())
    window.open_document_id(1)
    group = next(s for s in window.view.spans() if s.label == "ARMED_GROUP")
    place = next(s for s in window.view.spans() if s.label == "LOC")
    said = window.view.describe([group])
    assert said.startswith("<p") and "ARMED_GROUP: लश्कर-ए-तैयबा" in said
    assert "fronts and wings" in said and "TRF ने ज़िम्मेदारी ली" in said
    # a label the schema says nothing more about keeps the plain tooltip
    assert window.view.describe([place]).startswith("LOC: पहलगाम — ")
    assert "<" not in window.view.describe([place])


def test_f1_shows_the_selected_labels_guideline_else_the_keys(qtbot, make_window):  # noqa: F811
    window = make_window("asha", guided_schema_text())
    window.open_document_id(1)
    window.view.select_span("")
    qtbot.keyClick(window.view, Qt.Key.Key_F1)  # nothing selected: Help → Keys, as before
    assert window.keys_dialog is not None and window.keys_dialog.isVisible()
    assert window.guideline_dialog is None
    rows = window.keys_dialog.rows()
    assert (
        "1 … 9",
        "give the selected annotation that choice",
        "the schema review list has the focus",
    ) in rows
    assert (
        "Return",
        "keep the type proposed for the selected annotation",
        "the schema review list has the focus",
    ) in rows
    assert ("F1", "Guideline of the selected label (else Keys)", "menu") in rows
    assert ("Ctrl+Shift+R", "Review split annotations here", "menu") in rows
    window.keys_dialog.close()

    select_label(window, "ARMED_GROUP")
    qtbot.keyClick(window.view, Qt.Key.Key_F1)
    dialog = window.guideline_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "Guideline: ARMED_GROUP"
    text = dialog.browser.toPlainText()
    assert "Label the group, not its leader" in text  # rendered: no asterisks
    assert "लश्कर-ए-तैयबा के आतंकियों ने" in text and "Examples" in text
    dialog.grab().save("/tmp/guideline-dialog.png")
    dialog.close()

    select_label(window, "LOC")
    qtbot.keyClick(window.view, Qt.Key.Key_F1)
    assert window.guideline_dialog.windowTitle() == "Guideline: LOC"
    assert "gives no guideline or examples" in window.guideline_dialog.browser.toPlainText()


def test_a_new_schema_versions_guideline_shows_after_it_is_applied(make_window):  # noqa: F811
    window = make_window("meera", guided_schema_text())
    window.open_document_id(1)
    changed = guided_schema_text().replace("not its leader or its spokesman", "never its leader")
    schema_change.apply(window.project, parse_schema(changed))
    window.reload_schema()
    assert "never its leader" in palette_tooltip(window, "ARMED_GROUP")
    group = next(s for s in window.view.spans() if s.label == "ARMED_GROUP")
    assert "never its leader" in window.view.describe([group])
    assert schema_change.versions(window.project)[-1].number == 2


def test_a_roles_guideline_shows_on_its_row_in_the_events_panel(qtbot, make_window, tmp_path):  # noqa: F811
    import json

    from annotator.services.importing import import_paths

    said = "The group that *carried out* the attack, not one that claimed it."
    guided = guided_schema_text().replace(
        '  name = "Attacker"\n', f'  name = "Attacker"\n  guideline = "{said}"\n', 1
    )
    text = "सोपोर में हमला हुआ।"
    window = make_window("asha", guided)
    start = text.index("हमला")
    record = {
        "id": "d3",
        "title": "सोपोर",
        "text": text,
        "annotations": [
            {
                "annotator": "asha",
                "events": [{"id": "E1", "type": "ATTACK", "trigger": {"start": start, "end": start + 4}}],
            }
        ],
    }
    src = tmp_path / "e.jsonl"
    src.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_paths(window.project, [src]).ok
    window.reload_list()
    window.open_document_id(3)
    [event] = window.frames.events
    window.activate_event(event.id)
    top = window.events_panel.tree.topLevelItem(0)
    attacker = next(top.child(i) for i in range(top.childCount()) if "Attacker" in top.child(i).text(0))
    assert "carried out" in attacker.toolTip(0) and "font-style:italic" in attacker.toolTip(0)
    target = next(top.child(i) for i in range(top.childCount()) if "Target" in top.child(i).text(0))
    assert target.toolTip(0) == ""
    qtbot.keyClick(window.view, Qt.Key.Key_F1)  # the active event is what is selected: its type's guideline
    assert window.guideline_dialog.windowTitle() == "Guideline: ATTACK"


def test_the_tone_menu_follows_a_new_tone_scale(make_window):  # noqa: F811
    window = make_window("meera")
    window.open_document_id(1)
    assert window.tone_actions[0].text() == "Tone very negative"
    changed = guided_schema_text().replace('label = "very negative"', 'label = "grim"', 1)
    schema_change.apply(window.project, parse_schema(changed))
    window.reload_schema()
    assert window.tone_actions[0].text() == "Tone grim"
    assert window.tone_actions[0].shortcut().toString() == "Alt+1"
    assert len([a for a in window.actions() if a.text().startswith("Tone ")]) == len(window.tone_actions)
    window.tone_actions[0].trigger()
    assert window.state.tone == -2 and window.tone_actions[0].isChecked()
