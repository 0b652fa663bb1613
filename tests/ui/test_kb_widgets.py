"""The knowledge-base type-ahead and panel on their own (pytest-qt, offscreen), fed by a small in-memory
search: keys, rows, debouncing, refusals said in the dialog, merge asked and carried out. The window's
wiring to the stored base is tested in test_kb_workbench.py."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from annotator.ui.kb_dialog import KbLinkDialog, key_hint
from annotator.ui.kb_panel import KbPanel


@dataclass(frozen=True)
class FakeHit:  # the shape of services.kb.KbHit
    uuid: str
    name: str
    label: str
    aliases: tuple[str, ...] = ()
    parent_name: str | None = None
    description: str = ""
    matched: str = ""

    @property
    def id(self) -> str:
        return "Q" + self.uuid


@dataclass(frozen=True)
class FakeMention:  # the shape of services.kb.KbMention
    document_id: int
    document_title: str
    snippet: str
    entity_id: str
    annotator: str = "asha"


ENTRIES = [
    FakeHit("1", "Pahalgam", "GPE", ("पहलगाम", "Pahalgām"), "Anantnag", "a town in Kashmir"),
    FakeHit("2", "Lashkar-e-Taiba", "ORG", ("LeT", "लश्कर-ए-तैयबा")),
    FakeHit("3", "The Resistance Front", "ORG", ("TRF", "द रेजिस्टेंस फ्रंट"), "Lashkar-e-Taiba"),
    FakeHit("4", "Pahalgam", "LOC", ("पहलगाम घाटी",)),
]


@dataclass
class FakeBase:
    entries: list[FakeHit] = field(default_factory=lambda: list(ENTRIES))
    queries: list[str] = field(default_factory=list)

    def search(self, query: str, label: str | None = None) -> list[FakeHit]:
        self.queries.append(query)
        q = query.casefold()
        out = []
        for e in self.entries:
            if label is not None and e.label != label:
                continue
            spelled = next((s for s in (e.name, *e.aliases) if q in s.casefold()), None)
            if spelled is not None:
                out.append(FakeHit(**{**e.__dict__, "matched": spelled}))
        return out


def dialog_for(qtbot, base, **kw):
    calls: dict[str, list] = {"link": [], "typed": [], "new": [], "clear": []}
    answers = kw.pop("answers", {})

    def answer(name, value):
        calls[name].append(value)
        return answers.get(name)

    text = kw.pop("text", "Pahalgam")
    dialog = KbLinkDialog(
        text,
        kw.pop("label", "GPE"),
        kw.pop("current", (None, None)),
        base.search,
        lambda hit: answer("link", hit),
        lambda typed: answer("typed", typed),
        lambda: answer("new", True),
        lambda: answer("clear", True),
        **kw,
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.searched == text, timeout=10000)  # the entity's own text, at once
    return dialog, calls


def type_text(widget, text):
    """Type ``text`` a character at a time as a keyboard (or an input method) does; QTest's keyClicks types
    ASCII only."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    for char in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))


def type_query(qtbot, dialog, text):
    dialog.query.selectAll()
    type_text(dialog.query, text)
    qtbot.waitUntil(lambda: dialog.searched == text, timeout=10000)


@pytest.fixture
def app():
    from annotator.ui.app import application

    return application()


def test_type_ahead_in_both_scripts_and_by_acronym(qtbot, app):
    dialog, _ = dialog_for(qtbot, FakeBase())
    # opened on the entity's text: its entries listed at once, the entity's label (GPE) first
    assert [r[:2] for r in dialog.rows()] == [("Pahalgam", "GPE"), ("Pahalgam", "LOC")]
    type_query(qtbot, dialog, "पहलगाम")
    assert dialog.rows()[0] == ("Pahalgam", "GPE", "पहलगाम", "Anantnag", "Pahalgām")
    assert dialog.rows()[1] == ("Pahalgam", "LOC", "पहलगाम घाटी", "", "")
    type_query(qtbot, dialog, "LeT")
    assert dialog.rows() == [("Lashkar-e-Taiba", "ORG", "LeT", "", "लश्कर-ए-तैयबा")]
    type_query(qtbot, dialog, "trf")
    assert dialog.rows() == [("The Resistance Front", "ORG", "TRF", "Lashkar-e-Taiba", "द रेजिस्टेंस फ्रंट")]


def test_keystrokes_typed_fast_are_one_search(qtbot, app):
    base = FakeBase()
    dialog, _ = dialog_for(qtbot, base)
    base.queries.clear()
    qtbot.keyClicks(dialog.query, "lashkar")  # faster than the debounce interval
    qtbot.waitUntil(lambda: dialog.searched == "lashkar", timeout=10000)
    assert len(base.queries) == 1


def test_up_down_and_enter_link_the_chosen_entry(qtbot, app):
    dialog, calls = dialog_for(qtbot, FakeBase())
    type_query(qtbot, dialog, "pahalgam")
    qtbot.keyClick(dialog.query, Qt.Key.Key_Down)
    assert dialog.chosen().label == "LOC"
    qtbot.keyClick(dialog.query, Qt.Key.Key_Down)  # stays on the last
    qtbot.keyClick(dialog.query, Qt.Key.Key_Up)
    assert dialog.chosen().label == "GPE"
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    assert [h.id for h in calls["link"]] == ["Q1"]
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()


def test_enter_right_after_typing_links_what_was_typed(qtbot, app):
    dialog, calls = dialog_for(qtbot, FakeBase())
    dialog.query.clear()
    qtbot.keyClicks(dialog.query, "LeT")
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)  # before the debounced search ran
    qtbot.waitUntil(lambda: calls["link"] != [], timeout=10000)  # linked once the rows answer "LeT"
    assert [h.id for h in calls["link"]] == ["Q2"]


def test_a_refused_link_is_said_and_the_dialog_stays(qtbot, app):
    dialog, calls = dialog_for(qtbot, FakeBase(), answers={"link": "Not done: the document is read-only"})
    assert calls["link"] == []
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    assert [h.id for h in calls["link"]] == ["Q1"]
    assert dialog.isVisible() and dialog.message.text() == "Not done: the document is read-only"


def test_typed_id_and_name_links_when_no_entry_matches(qtbot, app):
    dialog, calls = dialog_for(qtbot, FakeBase())
    type_query(qtbot, dialog, "Q999 | Somewhere")
    assert dialog.rows() == [] and "typed id | name" in dialog.message.text()
    qtbot.keyClick(dialog.query, Qt.Key.Key_Return)
    assert calls["typed"] == ["Q999 | Somewhere"] and calls["link"] == []


def test_new_entry_from_span_allowed_and_refused(qtbot, app):
    dialog, calls = dialog_for(qtbot, FakeBase(), text="Kokernag")
    assert dialog.rows() == []
    qtbot.keyClick(dialog.query, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert calls["new"] == [True] and not dialog.isVisible()
    refusal = "Only the lead adds entries to this project's knowledge base."
    dialog, calls = dialog_for(qtbot, FakeBase(), text="Kokernag", new_refusal=refusal)
    qtbot.keyClick(dialog.query, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert calls["new"] == [] and dialog.isVisible() and dialog.message.text() == refusal


def test_ctrl_delete_clears_and_escape_closes(qtbot, app):
    dialog, calls = dialog_for(qtbot, FakeBase(), current=("Q1", "Pahalgam"))
    assert dialog.current.text() == "Linked to Pahalgam (Q1)"
    qtbot.keyClick(dialog.query, Qt.Key.Key_Delete, Qt.KeyboardModifier.ControlModifier)
    assert calls["clear"] == [True]
    dialog, calls = dialog_for(qtbot, FakeBase())
    qtbot.keyClick(dialog.query, Qt.Key.Key_Escape)
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()
    assert calls == {"link": [], "typed": [], "new": [], "clear": []}


def test_the_hints_come_from_the_key_table():
    assert key_hint("kb") == (
        "↑ ↓ choose  ·  Enter link  ·  Ctrl+N new entry from this span  ·  Ctrl+Del clear link  ·  Esc close"
    )
    assert key_hint("kb panel") == "Enter open  ·  m merge two"


def panel_for(qtbot, base, mentions, merged):
    def merge(keep, gone):
        merged.append((keep, gone))
        kept = next(e for e in base.entries if e.uuid == keep)
        goes = next(e for e in base.entries if e.uuid == gone)
        base.entries.remove(goes)
        index = base.entries.index(kept)
        base.entries[index] = FakeHit(**{**kept.__dict__, "aliases": (*kept.aliases, goes.name)})
        mentions[keep] = mentions.get(keep, []) + mentions.pop(gone, [])
        return None

    panel = KbPanel(["GPE", "LOC", "ORG"], base.search, lambda entry_id: mentions.get(entry_id, []), merge)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    qtbot.waitUntil(lambda: panel.listed == ("", None), timeout=10000)
    return panel


def test_panel_filters_lists_mentions_opens_and_merges(qtbot, app):
    base = FakeBase()
    mentions = {
        "1": [FakeMention(1, "हमला", "…पहलगाम में हमला…", "e1")],
        "4": [FakeMention(2, "Valley", "…the Pahalgam valley…", "e2", "ravi")],
    }
    merged: list = []
    panel = panel_for(qtbot, base, mentions, merged)
    assert len(panel.rows()) == 4  # everything, with no filter
    type_text(panel.filter, "पहलगाम")
    qtbot.waitUntil(lambda: len(panel.rows()) == 2, timeout=10000)
    assert [r[:2] for r in panel.rows()] == [("Pahalgam", "GPE"), ("Pahalgam", "LOC")]
    assert panel.mention_rows() == ["हमला  (asha)\n    …पहलगाम में हमला…"]
    panel.label_box.setCurrentText("LOC")
    qtbot.waitUntil(lambda: panel.listed == ("पहलगाम", "LOC"), timeout=10000)
    assert [r[:2] for r in panel.rows()] == [("Pahalgam", "LOC")]
    assert panel.mention_rows() == ["Valley  (ravi)\n    …the Pahalgam valley…"]
    panel.label_box.setCurrentText("All labels")
    qtbot.waitUntil(lambda: panel.listed == ("पहलगाम", None), timeout=10000)
    assert panel.chosen().uuid == "4"  # the chosen entry stays chosen when the filter widens
    # Return on an entry goes to its mentions; Return on a mention opens it
    opened = []
    panel.mentionOpened.connect(opened.append)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert panel.mention_list.hasFocus()
    qtbot.keyClick(panel.mention_list, Qt.Key.Key_Return)
    assert [m.entity_id for m in opened] == ["e2"]
    # m with one entry selected: said; with two: asked which stays, then merged and listed again
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_M)
    assert panel.merge_box is None and "Select two entries" in panel.message.text()
    panel.select_entries(["1", "4"])
    qtbot.keyClick(panel.table, Qt.Key.Key_M)
    box = panel.merge_box
    assert box is not None and "«Pahalgam» (GPE, Q1)" in box.text()
    keep_first = next(b for b in box.buttons() if b.text() == "Keep «Pahalgam»")
    keep_first.click()
    assert merged == [("1", "4")]
    qtbot.waitUntil(lambda: len(panel.rows()) == 1, timeout=10000)
    assert [r[:2] for r in panel.rows()] == [("Pahalgam", "GPE")]
    assert panel.mention_rows() == [
        "हमला  (asha)\n    …पहलगाम में हमला…",
        "Valley  (ravi)\n    …the Pahalgam valley…",
    ]


def test_panel_merge_refused_is_said(qtbot, app):
    base = FakeBase()
    refusal = "Only the lead merges."
    panel = KbPanel(["GPE"], base.search, lambda _e: [], lambda k, g: None, merge_refusal=refusal)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: len(panel.rows()) == 4, timeout=10000)
    panel.select_entries(["1", "4"])
    panel.ask_merge()
    assert panel.merge_box is None and panel.message.text() == "Only the lead merges."


def test_the_search_runs_off_the_gui_thread(qtbot, app):
    import threading

    threads = []
    release = threading.Event()

    def slow(query):
        threads.append(threading.current_thread())
        release.wait(5)  # a knowledge base building its index
        return FakeBase().search(query)

    dialog = KbLinkDialog(
        "LeT", "ORG", (None, None), slow, lambda h: None, lambda t: None, lambda: None, lambda: None
    )
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: threads != [], timeout=10000)
    assert dialog.rows() == [] and dialog.isVisible()  # the window is not waiting for the search
    qtbot.keyClick(dialog.query, Qt.Key.Key_End)
    qtbot.keyClicks(dialog.query, "x")  # typing goes on meanwhile
    assert dialog.query.text() == "LeTx"
    release.set()
    qtbot.waitUntil(lambda: dialog.searched == "LeTx", timeout=10000)
    assert threads[0] is not threading.main_thread() and dialog.rows() == []
    dialog.close()


def test_a_snippet_cut_inside_a_character_starts_at_its_next_word():
    from annotator.ui.kb_panel import mention_line

    cut = FakeMention(1, "सोनागढ़ में विस्फोट", "ीसगढ़ के सोनागढ़ ज़िले में नक्सलियों ने", "e1", "demo")
    assert mention_line(cut) == "सोनागढ़ में विस्फोट  (demo)\n    …के सोनागढ़ ज़िले में नक्सलियों ने"
    whole = FakeMention(1, "T", "छत्तीसगढ़ के सोनागढ़", "e1", "")
    assert mention_line(whole) == "T\n    छत्तीसगढ़ के सोनागढ़"


def test_panel_says_when_it_lists_only_the_first_mentions(qtbot, app):
    base = FakeBase()
    many = [FakeMention(n, f"doc {n}", "…", f"e{n}") for n in range(3)]
    panel = KbPanel(
        ["GPE"], base.search, lambda uuid: many[:2] if uuid == "1" else [], lambda k, g: None, "", 2
    )
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitUntil(lambda: panel.listed == ("", None), timeout=10000)
    assert panel.chosen().uuid == "1" and len(panel.mention_rows()) == 2
    assert panel.mentions_title.text() == "Linked mentions across the project (the first 2):"
    panel.table.setCurrentCell(1, 0)
    assert panel.mentions_title.text() == "Linked mentions across the project:"
