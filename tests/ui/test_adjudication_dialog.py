"""The adjudication window: queue, every annotator's spans, open items resolved by keyboard into gold."""

import json
import re

from PySide6.QtCore import Qt
from sqlalchemy import select

from annotator.services.importing import import_paths
from annotator.services.project import init_project
from annotator.services.team import add_annotator
from annotator.settings import Settings
from annotator.store.models import Annotator, Entity, GoldProvenance
from tests.ui.test_agreement_dialog import TEXT, block


def gold(project):
    with project.session() as s:
        rows = s.execute(
            select(Entity.start, Entity.end, Entity.label)
            .join(Annotator, Annotator.id == Entity.annotator_id)
            .where(Annotator.name == "gold")
            .order_by(Entity.start)
        ).all()
    return [tuple(r) for r in rows]


def rows(dialog):
    """(item key, proposer) of each row of the items list; None for a heading or a decision."""
    return [dialog.items.item(i).data(Qt.ItemDataRole.UserRole) for i in range(dialog.items.count())]


def open_keys(dialog):
    """The item keys listed open, in list order (each once)."""
    return list(dict.fromkeys(r[0] for r in rows(dialog) if r))


def all_decided(dialog):
    """Nothing left open, the document still shown with its decisions and listed as all decided."""
    return (
        not open_keys(dialog)
        and dialog.items.count() > 0
        and "all decided" in dialog.queue.currentItem().text()
    )


def test_adjudicate_by_keyboard(qtbot, tmp_path):
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    application()
    project = init_project(tmp_path / "a.annotator")
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
    assert dialog is not None and dialog.queue.count() == 1
    # the view shows both annotators' spans, coloured by annotator
    assert {s.label for s in dialog.view.spans()} == {"asha", "ravi"}
    # majority with two annotators: the shared पाकिस्तान is accepted by the policy, the rest is open
    entries = rows(dialog)
    assert ("entity 13-17 GPE", "asha") in entries and ("entity 13-17 ORG", "ravi") in entries
    # what the policy agrees on was accepted when the window opened (in the background)
    qtbot.waitUntil(lambda: dialog.task.finished, timeout=20000)
    assert (0, 9, "GPE") in gold(project)
    assert any(s.label == "gold" for s in dialog.view.spans())
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)  # again: changes nothing
    qtbot.waitUntil(lambda: dialog.task.finished, timeout=20000)
    assert gold(project).count((0, 9, "GPE")) == 1
    # accept ravi's ORG for भारत, reject asha's GPE for it, by keyboard
    row = rows(dialog).index(("entity 13-17 ORG", "ravi"))
    dialog.items.setCurrentRow(row)
    qtbot.keyClick(dialog.items, Qt.Key.Key_Return)
    assert (13, 17, "ORG") in gold(project)
    keys = open_keys(dialog)
    assert "entity 13-17 ORG" not in keys
    if "entity 13-17 GPE" in keys:
        dialog.items.setCurrentRow([r and r[0] for r in rows(dialog)].index("entity 13-17 GPE"))
        qtbot.keyClick(dialog.items, Qt.Key.Key_X)
    # edit in place: asha's दिल्ली goes into gold as a LOC
    keys = open_keys(dialog)
    dialog.items.setCurrentRow([r and r[0] for r in rows(dialog)].index(f"entity {delhi[0]}-{delhi[1]} GPE"))
    dialog.edit_selected("LOC")
    assert (delhi[0], delhi[1], "LOC") in gold(project)
    # accept everything else at once (the tone)
    qtbot.keyClick(dialog.items, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    assert all_decided(dialog) and dialog.queue.count() == 1
    assert (13, 17, "GPE") not in gold(project)
    # the agreement dashboard now shows each annotator against gold
    agreement = window.show_agreement()
    qtbot.waitUntil(lambda: agreement.report is not None, timeout=20000)
    names = [agreement.gold.verticalHeaderItem(i).text() for i in range(agreement.gold.rowCount())]
    assert "ravi" in names and "asha" in names
    assert agreement.gold_scores["ravi"]["precision"] == 1.0  # both of ravi's spans are gold
    # plain annotators are not let in
    ravi = MainWindow(project, Settings(annotator="ravi"))
    qtbot.addWidget(ravi)
    assert ravi.show_adjudication() is None
    window.close()
    project.close()


def test_every_annotators_events_and_sentiment_are_drawn(qtbot, tmp_path):
    from annotator.ui.adjudication_dialog import AdjudicationDialog
    from annotator.ui.app import application

    application()
    project = init_project(tmp_path / "e.annotator")
    met = (TEXT.index("मिले"), TEXT.index("मिले") + 4)

    def with_frame(name, polarity):
        b = block(name, [(0, 9, "GPE")], 0)
        b["events"] = [
            {"id": "E1", "type": "MEET", "trigger": {"start": met[0], "end": met[1]}, "arguments": []}
        ]
        b["sentiment"] = [{"target": "T0", "polarity": polarity}]
        return b

    doc = {"id": "d", "text": TEXT, "annotations": [with_frame("asha", "NEG"), with_frame("ravi", "POS")]}
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_paths(project, [src]).ok
    dialog = AdjudicationDialog(project, "lina", pre_accept=False)
    qtbot.addWidget(dialog)
    assert sorted(t[1] for t in dialog.view._triggers) == ["asha", "ravi"]  # drawn in each one's colour
    assert sorted(dialog.view._polarities.values()) == ["NEG", "POS"]  # each one's badge on the span
    keys = open_keys(dialog)
    assert any(k.startswith("sentiment") for k in keys)  # the polarity dispute is open
    project.close()


def test_take_a_version_with_the_boundaries_selected_in_the_text(qtbot, tmp_path):
    from annotator.ui.adjudication_dialog import AdjudicationDialog
    from annotator.ui.app import application

    application()
    project = init_project(tmp_path / "r.annotator")
    start = TEXT.index("दिल्ली")
    doc = {
        "id": "d",
        "text": TEXT,
        "annotations": [
            block("asha", [(start, start + 6, "GPE")], 0),
            block("ravi", [(start, start + 10, "GPE")], 0),  # दिल्ली में
        ],
    }
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_paths(project, [src]).ok
    dialog = AdjudicationDialog(project, "lina", pre_accept=False)
    qtbot.addWidget(dialog)
    entries = rows(dialog)
    dialog.items.setCurrentRow(entries.index((f"entity {start}-{start + 6} GPE", "asha")))
    wider = TEXT.index("मंत्री") + 2  # inside मंत्री: the selection snaps to whole words
    dialog.view.select_range(wider, start + 7)  # ... and the trailing space is trimmed
    qtbot.keyClick(dialog.items, Qt.Key.Key_B)
    assert gold(project) == [(TEXT.index("मंत्री"), start + 6, "GPE")]  # asha's version, new boundaries
    project.close()


def _event_dialog(qtbot, tmp_path, monkeypatch, answer, pre_accept=False):
    """Three annotators' frames of one DIE event (tests.services.test_adjudication.doc1); the dialogs that
    ask for a role, type or argument answered by ``answer(options)``."""
    from annotator.ui.adjudication_dialog import AdjudicationDialog
    from annotator.ui.app import application
    from tests.services.test_adjudication import doc1, load

    application()
    project = init_project(tmp_path / "ev.annotator")
    load(project, tmp_path, doc1())
    dialog = AdjudicationDialog(project, "lina", pre_accept=pre_accept)
    qtbot.addWidget(dialog)
    monkeypatch.setattr(dialog, "_choose", lambda _title, _prompt, options, _current=0: answer(options))
    if pre_accept:
        qtbot.waitUntil(lambda: dialog.task.finished, timeout=20000)
    else:
        dialog.policy.setCurrentText("unanimous")  # every frame open
    return project, dialog


def _select(dialog, key, name):
    entries = rows(dialog)
    dialog.items.setCurrentRow(entries.index((key, name)))


def _gold_events(project):
    from tests.services.test_adjudication import T1, gold_block

    gold = gold_block(project, "d1")
    spans = {e["id"]: (T1[e["start"] : e["end"]], e["label"]) for e in gold["entities"]}
    return [
        (e["type"], sorted((a["role"], *spans[a["entity"]]) for a in e["arguments"])) for e in gold["events"]
    ]


def test_three_annotators_event_frames_by_keyboard(qtbot, tmp_path, monkeypatch):
    """The majority frame is pre-accepted; the adjudicator takes meera's frame instead and adds the
    victims selected in the text (n), then settles the rest by keyboard."""
    from tests.services.test_adjudication import FRAME_AR, FRAME_M, NUM1, T1, at

    project, dialog = _event_dialog(qtbot, tmp_path, monkeypatch, lambda options: "Victim", pre_accept=True)
    assert _gold_events(project) == [
        ("DIE", [("Agent", "लश्कर-ए-तैयबा", "ARMED_GROUP"), ("Place", "पहलगाम", "GPE")])
    ]
    shown = [dialog.items.item(i).text() for i in range(dialog.items.count())]
    assert any("event" in t and "“मार डाला”: Place = “पहलगाम”" in t and t.endswith("← meera") for t in shown)
    assert not any(re.search(r"\d+-\d+", t.split("“")[0]) for t in shown), shown  # text, not offsets
    _select(dialog, FRAME_M, "meera")
    dialog.view.select_range(*at(T1, "26 लोगों"))
    qtbot.keyClick(dialog.items, Qt.Key.Key_N)
    # meera's frame replaced the majority's on this trigger, with the new Victim (a PER: the only label)
    assert _gold_events(project) == [("DIE", [("Place", "पहलगाम", "GPE"), ("Victim", "26 लोगों", "PER")])]
    keys = set(open_keys(dialog))
    assert FRAME_AR not in keys and FRAME_M not in keys and NUM1 in keys
    assert dialog.queue.currentItem().text().endswith(f"{len(keys)} open · decided in part")  # kept current
    _select(dialog, NUM1, "asha")
    qtbot.keyClick(dialog.items, Qt.Key.Key_X)
    _select(dialog, "tone tone=-1", "meera")
    qtbot.keyClick(dialog.items, Qt.Key.Key_Return)
    assert all_decided(dialog) and dialog.queue.count() == 1
    with project.engine.connect() as conn:
        rules = {
            r.rule for r in conn.execute(select(GoldProvenance).where(GoldProvenance.decided_by == "lina"))
        }
    assert rules == {"edited", "rejected", "manual"}
    project.close()


def test_leave_an_argument_out_by_keyboard(qtbot, tmp_path, monkeypatch):
    from tests.services.test_adjudication import FRAME_AR

    project, dialog = _event_dialog(
        qtbot, tmp_path, monkeypatch, lambda options: next(o for o in options if o.startswith("Place"))
    )
    _select(dialog, FRAME_AR, "ravi")
    qtbot.keyClick(dialog.items, Qt.Key.Key_R)
    assert _gold_events(project) == [("DIE", [("Agent", "लश्कर-ए-तैयबा", "ARMED_GROUP")])]
    project.close()


def test_retype_an_event_by_keyboard(qtbot, tmp_path, monkeypatch):
    from tests.services.test_adjudication import FRAME_M

    project, dialog = _event_dialog(qtbot, tmp_path, monkeypatch, lambda options: "ATTACK")
    _select(dialog, FRAME_M, "meera")
    qtbot.keyClick(dialog.items, Qt.Key.Key_E)
    assert _gold_events(project) == [("ATTACK", [("Place", "पहलगाम", "GPE")])]
    # a refusal goes to the status line and writes nothing: no text selected for a new argument
    dialog.view.select_range(0, 0)
    _select(dialog, "tone tone=-2", "asha")
    qtbot.keyClick(dialog.items, Qt.Key.Key_N)
    assert "Select an event frame" in dialog.status.text()
    assert _gold_events(project) == [("ATTACK", [("Place", "पहलगाम", "GPE")])]
    project.close()


def test_shift_a_leaves_conflicting_tones_open(qtbot, tmp_path):
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    application()
    project = init_project(tmp_path / "a.annotator")
    doc = {
        "id": "d1",
        "title": "बैठक",
        "text": TEXT,
        "annotations": [block("asha", [(0, 9, "GPE")], -1), block("ravi", [(0, 9, "LOC")], 0)],
    }
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    assert import_paths(project, [src]).ok
    add_annotator(project, "lina", "adjudicator")
    window = MainWindow(project, Settings(annotator="lina"))
    qtbot.addWidget(window)
    dialog = window.show_adjudication()
    qtbot.waitUntil(lambda: dialog.task.finished, timeout=20000)
    versions = [r for r in rows(dialog) if r]
    assert len(versions) == 4  # two tones, two labels of one span
    qtbot.keyClick(dialog.items, Qt.Key.Key_A, Qt.KeyboardModifier.ShiftModifier)
    assert [r for r in rows(dialog) if r] == versions and gold(project) == []
    assert "4 left open at 2 place(s) where versions conflict" in dialog.status.text()
    with project.engine.connect() as conn:
        assert conn.execute(select(GoldProvenance.id)).all() == []
    window.close()
    project.close()


def test_no_annotator_colour_looks_like_gold():
    from annotator.ui.adjudication_dialog import GOLD_COLOR, PALETTE

    def rgb(color):
        return [int(color[i : i + 2], 16) for i in (1, 3, 5)]

    gold = rgb(GOLD_COLOR)
    for color in PALETTE:
        distance = sum((a - b) ** 2 for a, b in zip(rgb(color), gold, strict=True)) ** 0.5
        assert distance > 120, color
