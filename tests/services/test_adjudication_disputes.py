"""Adjudication of one mention marked with different boundaries: one dispute, decided once; gold refuses a
second overlapping span of one label unless asked; a person's decisions are listed and can be taken back."""

import pytest
from sqlalchemy import select

from annotator.errors import AnnotatorError
from annotator.services.adjudication import (
    GOLD,
    OverlapError,
    accept_uncontested,
    auto_adjudicate,
    decide,
    decided_documents,
    decisions,
    disputes,
    edit_gold_entity,
    open_items,
    reject,
    reopen,
)
from annotator.store.models import Annotator, Entity, GoldProvenance
from tests.services.test_adjudication import ARM1, FRAME_AR, GPE1, at, block, doc1, load

TEXT = "Pakistan’s army chief Asim Munir met Imran Khan in Rawalpindi."


def ent(eid, surface, label, *, end_extra=0):
    s, e = at(TEXT, surface)
    e += end_extra
    return {"id": eid, "start": s, "end": e, "label": label, "text": TEXT[s:e], "attributes": {}}


def key(surface, label, *, end_extra=0):
    s, e = at(TEXT, surface)
    return f"entity {s}-{e + end_extra} {label}"


MUNIR, CHIEF_MUNIR = key("Asim Munir", "PER"), key("chief Asim Munir", "PER")
PINDI, PINDI_DOT = key("Rawalpindi", "GPE"), key("Rawalpindi", "GPE", end_extra=1)  # off by one
PAK, ARMY = key("Pakistan", "GPE"), key("Pakistan’s army", "ARMED_GROUP")


def record(*extra):
    asha = block(
        "asha",
        entities=[
            ent("A", "Pakistan", "GPE"),
            ent("B", "Asim Munir", "PER"),
            ent("C", "Imran Khan", "PER"),
            ent("D", "Rawalpindi", "GPE"),
        ],
    )
    ravi = block(
        "ravi",
        entities=[
            ent("A", "Pakistan’s army", "ARMED_GROUP"),
            ent("B", "chief Asim Munir", "PER"),
            ent("C", "Imran Khan", "PER"),
            ent("D", "Rawalpindi", "GPE", end_extra=1),
        ],
    )
    return {"id": "m", "title": "meeting", "text": TEXT, "meta": {}, "annotations": [asha, ravi, *extra]}


@pytest.fixture
def meeting(project, tmp_path):
    load(project, tmp_path, record())
    return project


def gold_spans(project):
    with project.engine.connect() as conn:
        rows = conn.execute(
            select(Entity.start, Entity.end, Entity.label)
            .join(Annotator, Annotator.id == Entity.annotator_id)
            .where(Annotator.name == GOLD)
            .order_by(Entity.start, Entity.end)
        ).all()
    return [(TEXT[s:e], label) for s, e, label in rows]


def test_boundary_variants_of_one_mention_are_one_dispute(meeting):
    groups = [sorted(i.key for i in g) for g in disputes(open_items(meeting, 1, policy="unanimous"))]
    assert sorted([MUNIR, CHIEF_MUNIR]) in groups
    assert sorted([PINDI, PINDI_DOT]) in groups
    # another label over part of a span is another mention: its own dispute
    assert [PAK] in groups and [ARMY] in groups
    assert len(groups) == 4  # Imran Khan is agreed (unanimous), not open


def test_deciding_one_variant_closes_the_others(meeting):
    decide(meeting, 1, CHIEF_MUNIR, accept_from="ravi", adjudicator="lina")
    keys = {i.key for i in open_items(meeting, 1, policy="unanimous")}
    assert MUNIR not in keys and CHIEF_MUNIR not in keys
    assert PINDI in keys and PINDI_DOT in keys
    assert [s for s in gold_spans(meeting) if s[1] == "PER"] == [("chief Asim Munir", "PER")]
    # a policy run afterwards does not bring the other variant back
    auto_adjudicate(meeting, "min:1")
    assert ("Asim Munir", "PER") not in gold_spans(meeting)


def test_accept_all_and_policies_never_take_two_variants(meeting):
    accepted, contested = accept_uncontested(meeting, 1, policy="unanimous", adjudicator="lina")
    assert accepted == 2  # Pakistan (GPE) and Pakistan's army (ARMED_GROUP)
    assert {i.key for i in contested} == {MUNIR, CHIEF_MUNIR, PINDI, PINDI_DOT}
    assert sorted(gold_spans(meeting)) == [("Pakistan", "GPE"), ("Pakistan’s army", "ARMED_GROUP")]


def test_min1_leaves_both_variants_open(meeting):
    report = auto_adjudicate(meeting, "min:1")
    spans = gold_spans(meeting)
    assert ("Imran Khan", "PER") in spans and ("Pakistan", "GPE") in spans
    assert not any(label == "PER" and "Munir" in text for text, label in spans)
    assert not any(text.startswith("Rawalpindi") for text, _label in spans)
    assert {MUNIR, CHIEF_MUNIR, PINDI, PINDI_DOT} <= set(report.per_document[0].open)


def test_overlapping_gold_of_one_label_is_refused_unless_asked(meeting):
    decide(meeting, 1, MUNIR, accept_from="asha", adjudicator="lina")
    with pytest.raises(OverlapError) as refused:
        decide(meeting, 1, CHIEF_MUNIR, accept_from="ravi", adjudicator="lina")
    message = str(refused.value)
    assert "\n" not in message and "PER “Asim Munir”" in message and "overlapping" in message
    assert [s for s in gold_spans(meeting) if s[1] == "PER"] == [("Asim Munir", "PER")]
    # an edit's new boundaries are checked too
    imran = key("Imran Khan", "PER")
    with pytest.raises(OverlapError):
        edit_gold_entity(
            meeting, 1, imran, accept_from="asha", adjudicator="lina", bounds=at(TEXT, "Munir met Imran Khan")
        )
    assert ("Imran Khan", "PER") not in gold_spans(meeting)  # nothing written
    # asked for: both are kept
    decide(meeting, 1, CHIEF_MUNIR, accept_from="ravi", adjudicator="lina", allow_overlap=True)
    assert [s for s in gold_spans(meeting) if "Munir" in s[0]] == [
        ("chief Asim Munir", "PER"),
        ("Asim Munir", "PER"),
    ]


def test_a_rule_made_variant_is_replaced_by_a_persons_choice(project, tmp_path):
    meera = block("meera", entities=[ent("A", "Asim Munir", "PER")])
    load(project, tmp_path, record(meera))
    auto_adjudicate(project, "majority")  # Asim Munir: asha and meera; Imran Khan: asha and ravi
    assert ("Asim Munir", "PER") in gold_spans(project)
    assert CHIEF_MUNIR in {i.key for i in open_items(project, 1)}
    decide(project, 1, CHIEF_MUNIR, accept_from="ravi", adjudicator="lina")
    assert [s for s in gold_spans(project) if "Munir" in s[0]] == [("chief Asim Munir", "PER")]


def test_decisions_are_listed_and_can_be_taken_back(meeting):
    decide(meeting, 1, MUNIR, accept_from="asha", adjudicator="lina")
    edit_gold_entity(
        meeting, 1, PINDI_DOT, accept_from="ravi", adjudicator="lina", bounds=at(TEXT, "Rawalpindi")
    )
    reject(meeting, 1, ARMY, "lina")
    listed = {(d.key, d.rule, d.decided_by, d.gold_key) for d in decisions(meeting, 1)}
    assert listed == {
        (MUNIR, "manual", "lina", MUNIR),
        (PINDI_DOT, "edited", "lina", PINDI),
        (ARMY, "rejected", "lina", None),
    }
    assert [(d[0], d[3]) for d in decided_documents(meeting)] == [(1, 3)]
    # take the acceptance back: the dispute is open again, with both variants, and gold has neither
    reopen(meeting, 1, MUNIR)
    keys = {i.key for i in open_items(meeting, 1, policy="unanimous")}
    assert {MUNIR, CHIEF_MUNIR} <= keys
    assert not any("Munir" in text for text, _label in gold_spans(meeting))
    decide(meeting, 1, CHIEF_MUNIR, accept_from="ravi", adjudicator="lina")  # changed: no overlap refused
    assert [s for s in gold_spans(meeting) if "Munir" in s[0]] == [("chief Asim Munir", "PER")]
    # the rejection is forgotten: the item is open again
    reopen(meeting, 1, ARMY)
    assert ARMY in {i.key for i in open_items(meeting, 1, policy="unanimous")}
    with meeting.engine.connect() as conn:
        kept = conn.scalars(select(GoldProvenance.item_key).where(GoldProvenance.decided_by == "lina")).all()
    assert sorted(kept) == sorted([CHIEF_MUNIR, PINDI_DOT])
    with pytest.raises(AnnotatorError, match="nobody decided"):
        reopen(meeting, 1, ARMY)


def test_reopen_refuses_a_span_a_gold_event_uses(project, tmp_path):
    load(project, tmp_path, doc1())
    decide(project, 1, FRAME_AR, accept_from="ravi", adjudicator="lina")  # brings its fillers
    with pytest.raises(AnnotatorError, match="the DIE event's Place in gold uses"):
        reopen(project, 1, GPE1)
    reopen(project, 1, FRAME_AR)  # the frame first, then its filler
    reopen(project, 1, GPE1)
    assert ARM1 in {d.key for d in decisions(project, 1)}


def test_open_items_come_in_text_order(project, tmp_path):
    text = "In Delhi, Modi met Sharif."

    def span(eid, surface, label):
        s = text.index(surface)
        return {
            "id": eid,
            "start": s,
            "end": s + len(surface),
            "label": label,
            "text": surface,
            "attributes": {},
        }

    asha = block("asha", entities=[span("A", "Delhi", "GPE"), span("B", "Modi", "PER")])
    ravi = block("ravi", entities=[span("A", "Sharif", "PER")])
    load(project, tmp_path, {"id": "t", "title": "t", "text": text, "meta": {}, "annotations": [asha, ravi]})
    order = [i.key for i in open_items(project, 1, policy="unanimous")]
    assert order == ["entity 3-8 GPE", "entity 10-14 PER", "entity 19-25 PER"]  # 3 before 10, by number
