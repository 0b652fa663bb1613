"""The knowledge base in the workbench, through the real window and the stored base (pytest-qt,
offscreen): ``i`` on an entity, the type-ahead in both scripts and by acronym, Enter links (one undo
step), a new entry from the span (allowed, refused), Project → Knowledge base with an entry's mentions
across the project (Enter opens the document at the mention) and merges (links follow)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from annotator.services import kb
from annotator.services.team import add_annotator
from annotator.store.models import Entity
from tests.ui.test_kb_widgets import type_text
from tests.ui.test_workbench import HINDI, select_keyboard, workbench  # noqa: F401


def links(window) -> dict[str, tuple[str | None, str | None]]:
    with window.project.session() as s:
        return {e.id: (e.link_id, e.link_name) for e in s.scalars(select(Entity))}


def label_word(qtbot, window, word: str, key: Qt.Key, words: int = 1) -> str:
    """Label ``word`` of the open document with the label key ``key``; the new entity's id (selected)."""
    select_keyboard(qtbot, window, window.view.text.index(word), words)
    qtbot.keyClick(window.view, key)
    start = window.view.text.index(word)
    span = next(s for s in window.view.spans() if s.start == start)
    window.view.select_span(span.id)
    return span.id


def open_type_ahead(qtbot, window):
    qtbot.keyClick(window.view, Qt.Key.Key_I)
    dialog = window.kb_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.searched == dialog.query.text().strip(), timeout=20000)
    return dialog


def back_in_window(qtbot, window) -> None:
    """The dialog closed: the window is active again and the keys go to the text."""
    from PySide6.QtWidgets import QApplication

    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=10000)
    assert window.view.hasFocus()


def search_for(qtbot, dialog, text: str) -> list[tuple[str, ...]]:
    dialog.query.selectAll()
    type_text(dialog.query, text)
    qtbot.waitUntil(lambda: dialog.searched == text, timeout=20000)
    return dialog.rows()


def test_i_finds_entries_in_both_scripts_and_enter_links_undoably(qtbot, workbench):  # noqa: F811
    window = workbench
    entity = label_word(qtbot, window, "लश्कर-ए-तैयबा", Qt.Key.Key_A)
    dialog = open_type_ahead(qtbot, window)
    # opened on the entity's own text: its entry first
    assert dialog.rows()[0][:3] == ("Lashkar-e-Taiba", "ARMED_GROUP", "लश्कर-ए-तैयबा")
    rows = search_for(qtbot, dialog, "pahalgam")
    assert rows[0][:2] == ("Pahalgam", "GPE")
    rows = search_for(qtbot, dialog, "पहलगाम")
    assert rows[0][:3] == ("Pahalgam", "GPE", "पहलगाम")
    rows = search_for(qtbot, dialog, "LeT")
    assert rows[0][:3] == ("Lashkar-e-Taiba", "ARMED_GROUP", "LeT")
    assert "लश्कर-ए-तैयबा" in rows[0][4]  # its other spellings
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    assert not dialog.isVisible() and window.kb_dialog is None
    assert links(window)[entity] == ("kb:lashkar-e-taiba", "Lashkar-e-Taiba")
    back_in_window(qtbot, window)
    assert window.view.selected_span_id() == entity  # the entity stays selected, the keys in the text
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert links(window)[entity] == (None, None)
    qtbot.keyClick(
        window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert links(window)[entity] == ("kb:lashkar-e-taiba", "Lashkar-e-Taiba")
    # i again: the link shown; Ctrl+Delete clears it (one more undo step)
    dialog = open_type_ahead(qtbot, window)
    assert dialog.current.text() == "Linked to Lashkar-e-Taiba (kb:lashkar-e-taiba)"
    qtbot.keyClick(dialog.query, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert links(window)[entity] == (None, None)
    back_in_window(qtbot, window)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert links(window)[entity] == ("kb:lashkar-e-taiba", "Lashkar-e-Taiba")


def test_i_without_an_entity_says_so(qtbot, workbench):  # noqa: F811
    window = workbench
    window.view.select_span("")
    qtbot.keyClick(window.view, Qt.Key.Key_I)
    assert window.kb_dialog is None
    assert window.statusBar().currentMessage().startswith("Select an entity")


def test_new_entry_from_the_span_allowed_and_refused(qtbot, workbench):  # noqa: F811
    window = workbench
    entity = label_word(qtbot, window, "इशाक", Qt.Key.Key_P, words=2)
    dialog = open_type_ahead(qtbot, window)
    assert dialog.query.text() == "इशाक डार"
    qtbot.keyClick(dialog.query, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert not dialog.isVisible()
    hit = kb.search(window.project, "इशाक डार", label="PER")[0]
    assert (hit.name, hit.label) == ("इशाक डार", "PER")
    assert links(window)[entity] == (hit.id, "इशाक डार")
    back_in_window(qtbot, window)
    qtbot.keyClick(window.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert links(window)[entity] == (None, None)
    assert kb.get_entry(window.project, hit.id) is not None  # undo takes the link back, not the entry

    # with a lead in the team, an annotator may not add entries (unless the lead allows): said, nothing added
    add_annotator(window.project, "meera", role="lead")
    other = label_word(qtbot, window, "पाकिस्तान", Qt.Key.Key_G)
    before = len(kb.list_entries(window.project))
    dialog = open_type_ahead(qtbot, window)
    type_text(dialog.query, "x")
    qtbot.keyClick(dialog.query, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert dialog.isVisible()
    assert dialog.message.text() == (
        "asha may not add entries: only a lead may edit the knowledge base, unless the lead allows "
        "annotators to."
    )
    assert len(kb.list_entries(window.project)) == before and links(window)[other] == (None, None)
    qtbot.keyClick(dialog.query, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_the_panel_lists_mentions_opens_them_and_merges(qtbot, workbench):  # noqa: F811
    window = workbench
    project = window.project
    entity = label_word(qtbot, window, "लश्कर-ए-तैयबा", Qt.Key.Key_A)
    dialog = open_type_ahead(qtbot, window)
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    hindi = window.document_id
    # a duplicate entry, and an entity of the English document linked to it
    duplicate = kb.add_entry(project, name="Lashkar e Toiba group", label="ARMED_GROUP", by="asha")
    model = window.list_model
    english = next(
        d.id for d in (model.document(r) for r in range(model.rowCount())) if d.external_id == "en"
    )
    window.open_document_id(english)
    assert window.document_id == english
    other = label_word(qtbot, window, "Kupwara", Qt.Key.Key_G)
    dialog = open_type_ahead(qtbot, window)
    type_text(dialog.query, "q")  # nothing matches
    search_for(qtbot, dialog, f"{duplicate.id} | {duplicate.name}")
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)  # the typed id | name
    assert links(window)[other] == (duplicate.id, "Lashkar e Toiba group")
    back_in_window(qtbot, window)

    # Project → Knowledge base (Ctrl+Shift+B)
    qtbot.keyClick(
        window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    panel = window.kb_panel
    assert panel is not None and panel.isVisible()
    qtbot.waitUntil(lambda: panel.listed == ("", None), timeout=20000)
    type_text(panel.filter, "लश्कर-ए-तैयबा")
    qtbot.waitUntil(lambda: panel.listed == ("लश्कर-ए-तैयबा", None), timeout=20000)
    assert panel.rows()[0][:2] == ("Lashkar-e-Taiba", "ARMED_GROUP")
    assert len(panel.mention_rows()) == 1
    title, snippet = panel.mention_rows()[0].split("\n")
    assert title == "हिंदी  (asha)" and "प्रतिबंध" in snippet and "लश्कर-ए-तैयबा" in snippet
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)  # to the entry's mentions
    qtbot.keyClick(panel.mention_list, Qt.Key.Key_Return)  # open the document at the mention
    assert window.document_id == hindi and window.view.selected_span_id() == entity

    # merge: select both entries, m, keep Lashkar-e-Taiba: the English entity's link follows
    panel.filter.clear()
    type_text(panel.filter, "lashkar")
    qtbot.waitUntil(lambda: panel.listed == ("lashkar", None), timeout=20000)
    names = [r[0] for r in panel.rows()]
    assert "Lashkar-e-Taiba" in names and "Lashkar e Toiba group" in names
    keep = next(h.uuid for h in panel.hits if h.name == "Lashkar-e-Taiba")
    panel.select_entries([keep, duplicate.uuid])
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_M)
    box = panel.merge_box
    assert box is not None
    next(b for b in box.buttons() if b.text() == "Keep «Lashkar-e-Taiba»").click()
    assert links(window)[other] == ("kb:lashkar-e-taiba", "Lashkar-e-Taiba")
    assert links(window)[entity] == ("kb:lashkar-e-taiba", "Lashkar-e-Taiba")
    qtbot.waitUntil(lambda: [r[0] for r in panel.rows()].count("Lashkar e Toiba group") == 0, timeout=20000)
    assert len(panel.mention_rows()) == 2  # both entities, in their two documents
    assert "Lashkar e Toiba group" in kb.get_entry(project, "kb:lashkar-e-taiba").alias_texts
    panel.close()


def test_help_keys_lists_the_knowledge_base_keys(qtbot, workbench):  # noqa: F811
    from annotator.keymap import KB_KEYS, WHEN

    window = workbench
    qtbot.keyClick(window.view, Qt.Key.Key_F1)
    rows = window.keys_dialog.rows()
    assert ("i", "link the selected entity to a knowledge-base entry (type-ahead)", "") in rows
    assert ("Ctrl+Shift+B", "Knowledge base…", "menu") in rows
    for binding in KB_KEYS:
        assert (binding.key, binding.help, WHEN[binding.when]) in rows
    assert ("Ctrl+N", "add an entry from the entity's text and label, and link to it", WHEN["kb"]) in rows
    window.keys_dialog.close()


def test_help_keys_lists_the_progress_charts_keys(qtbot, workbench):  # noqa: F811
    from annotator.keymap import PROGRESS_KEYS, WHEN

    window = workbench
    qtbot.keyClick(window.view, Qt.Key.Key_F1)
    rows = window.keys_dialog.rows()
    assert ("Right / Down", "the next bar, point or box of the chart", WHEN["progress"]) in rows
    for binding in PROGRESS_KEYS:  # every key is in the row of its action
        assert any(binding.key in row[0].split(" / ") and row[1] == binding.help for row in rows)
    window.keys_dialog.close()
