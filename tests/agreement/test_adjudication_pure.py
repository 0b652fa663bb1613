"""Adjudication's pure parts, without a database: item keys, policies, items, pooling, majority, disputes,
the policy's accepted keys and scores against gold."""

from __future__ import annotations

import pytest

from annotator.agreement.adjudication import (
    EventVersion,
    Item,
    ItemKey,
    ItemKeyError,
    ScoreCounts,
    SentimentVersion,
    ToneVersion,
    accepts,
    check_policy,
    closer,
    disputes,
    format_scores,
    items_of,
    key_order,
    majority_labels,
    policy_accepted,
    pool,
    position_of,
)
from annotator.annotations import AnnotationSet, Entity
from annotator.errors import AnnotatorError

# every kind of key the adjudication tests use
KEYS = [
    "entity 0-6 GPE",
    "entity 10-24 ARMED_GROUP",
    "entity 41-43 NUM",
    "event 48-56 DIE",
    "event 48-56 DIE Agent=10-24 Place=0-6",
    "event 48-56 DIE Place=0-6",
    "tone tone=-2",
    "tone tone=1",
    "sentiment entity 10-24 ARMED_GROUP=NEG",
    "sentiment event 48-56 DIE=POS",
]


@pytest.mark.parametrize("text", KEYS)
def test_item_keys_round_trip(text):
    key = ItemKey.parse(text)
    assert key.format() == text
    assert str(key) == text
    assert ItemKey.parse(key.format()) == key
    assert hash(key) == hash(ItemKey.parse(text))  # a frozen value


def test_item_key_parts():
    frame = ItemKey.parse("event 48-56 DIE Agent=10-24 Place=0-6")
    assert (frame.kind, frame.bounds, frame.label) == ("event", (48, 56), "DIE")
    assert frame.arguments == (("Agent", 10, 24), ("Place", 0, 6))
    assert frame.head == ItemKey.event(48, 56, "DIE")
    assert frame.position == "event 48-56" and frame.layer == "events" and frame.mention is None
    entity = ItemKey.parse("entity 0-6 GPE")
    assert entity == ItemKey.entity(0, 6, "GPE")
    assert entity.mention == (0, 6, "GPE") and entity.position == "entity 0-6" and entity.slot == str(entity)
    tone = ItemKey.parse("tone tone=-2")
    assert tone == ItemKey.tone("tone", -2)
    assert (tone.label, tone.value, tone.slot, tone.position, tone.bounds) == (
        "tone",
        "-2",
        "tone tone",
        "tone tone",
        (0, 0),
    )
    sentiment = ItemKey.parse("sentiment entity 10-24 ARMED_GROUP=NEG")
    assert sentiment == ItemKey.sentiment(ItemKey.entity(10, 24, "ARMED_GROUP"), "NEG")
    assert sentiment.target == ItemKey.entity(10, 24, "ARMED_GROUP")
    assert sentiment.slot == sentiment.position == "sentiment entity 10-24 ARMED_GROUP"
    assert sentiment.bounds == (10, 24) and sentiment.layer == "sentiment"
    # a sentiment names its event target without the frame's arguments
    assert ItemKey.sentiment(frame, "POS").format() == "sentiment event 48-56 DIE=POS"
    assert ItemKey.argument("Agent=10-24") == ("Agent", 10, 24)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "entity",
        "entity 0-6",
        "entity 0-6 GPE extra",
        "entity 0:6 GPE",
        "entity a-6 GPE",
        "entity -1-6 GPE",
        "event 48-56",
        "event 48-56 DIE Agent",
        "event 48-56 DIE Agent=10",
        "relation 0-6 GPE",
        "tone",
        "tone tone",
        "tone =1",
        "sentiment entity 10-24 ARMED_GROUP",
        "sentiment tone tone=1=NEG",
        "sentiment event 48-56 DIE Agent=10-24=POS",
        "sentiment entity 10-24 ARMED_GROUP=",
        "sentiment entity 10:24 ARMED_GROUP=NEG",
    ],
)
def test_malformed_item_keys_are_refused_in_one_line(text):
    with pytest.raises(ItemKeyError) as caught:
        ItemKey.parse(text)
    message = str(caught.value)
    assert "\n" not in message and repr(text) in message
    assert isinstance(caught.value, AnnotatorError) and isinstance(caught.value, ValueError)
    with pytest.raises(ItemKeyError):
        ItemKey.argument("Agent")


def test_keys_order_by_layer_then_offset():
    keys = [
        "tone tone=1",
        "entity 10-14 PER",
        "event 5-9 DIE",
        "entity 9-12 GPE",
        "sentiment entity 3-8 GPE=NEG",
    ]
    assert sorted(keys, key=key_order) == [
        "entity 9-12 GPE",
        "entity 10-14 PER",
        "event 5-9 DIE",
        "tone tone=1",
        "sentiment entity 3-8 GPE=NEG",
    ]
    assert position_of("event 48-56 DIE Place=0-6") == "event 48-56"


def test_policies():
    for policy in ("majority", "unanimous", "min:1", "min:3"):
        assert check_policy(policy) == policy
    for policy in ("most", "min:0", "min:x", "min:"):
        with pytest.raises(AnnotatorError, match="unknown policy"):
            check_policy(policy)
    assert accepts("unanimous", 3, 3) and not accepts("unanimous", 2, 3)
    assert accepts("majority", 2, 3) and not accepts("majority", 1, 2)  # a tie stays open
    assert accepts("min:2", 2, 5) and not accepts("min:2", 1, 5)


def block(name, entities=(), events=(), document=None, sentiment=()):
    """An annotation set, written as its native JSONL block."""
    return AnnotationSet.from_native(
        {
            "annotator": name,
            "entities": [dict(id=i, start=s, end=e, label=label) for i, s, e, label in entities],
            "events": [
                dict(
                    id=i,
                    type=t,
                    trigger={"start": s, "end": e},
                    arguments=[{"role": r, "entity": f} for r, f in args],
                )
                for i, s, e, t, args in events
            ],
            "document": document or {},
            "sentiment": [dict(target=t, polarity=p) for t, p in sentiment],
            "relations": [],
        }
    )


ANN = block(
    "asha",
    entities=[("T1", 0, 6, "GPE"), ("T2", 10, 24, "ARMED_GROUP")],
    events=[("E1", 48, 56, "DIE", [("Place", "T1"), ("Agent", "T2")])],
    document={"tone": -2},
    sentiment=[("T2", "NEG"), ("E1", "POS")],
)


def test_items_of_a_block():
    items = items_of(ANN)
    assert sorted(items) == sorted(
        [
            "entity 0-6 GPE",
            "entity 10-24 ARMED_GROUP",
            "event 48-56 DIE Agent=10-24 Place=0-6",
            "tone tone=-2",
            "sentiment entity 10-24 ARMED_GROUP=NEG",
            "sentiment event 48-56 DIE=POS",
        ]
    )
    frame = items["event 48-56 DIE Agent=10-24 Place=0-6"]
    assert (frame.layer, frame.label, frame.slot, frame.table) == ("events", "DIE", frame.key, "events")
    version = frame.versions["asha"]
    assert isinstance(version, EventVersion) and version.event.id == "E1"
    assert version.frame == (("Agent", (10, 24), "entity"), ("Place", (0, 6), "entity"))
    assert items["tone tone=-2"].slot == "tone tone"
    assert items["sentiment entity 10-24 ARMED_GROUP=NEG"].versions["asha"] == SentimentVersion(
        "T2", "NEG", "entity 10-24 ARMED_GROUP"
    )
    assert items["tone tone=-2"].versions["asha"] == ToneVersion("tone", -2)
    assert items["entity 0-6 GPE"].versions["asha"] == Entity("T1", 0, 6, "GPE")
    for key, item in items.items():
        assert item.ident == ItemKey.parse(key) and item.ident.format() == key


def test_pooling_and_majority():
    ravi = block("ravi", entities=[("X1", 0, 6, "GPE"), ("X2", 30, 34, "PER")], document={"tone": -1})
    meena = block("meena", entities=[("Y1", 0, 6, "GPE"), ("Y2", 30, 34, "PER")], document={"tone": -1})
    pooled = pool({"asha": ANN, "ravi": ravi, "meena": meena})
    assert sorted(pooled["entity 0-6 GPE"].versions) == ["asha", "meena", "ravi"]
    assert sorted(pooled["entity 30-34 PER"].versions) == ["meena", "ravi"]
    spans, labels = majority_labels([ANN, ravi, meena, block("gold", entities=[("G", 1, 2, "PER")])])
    assert spans == [(0, 6, "GPE"), (30, 34, "PER")]
    assert labels == {"tone": -1}
    assert majority_labels([ANN, block("gold")]) is None  # one counted annotator
    spans, labels = majority_labels([ANN, ravi, meena], "min:1")
    assert labels == {}  # two tones accepted: neither counts


def item(key, *proposers):
    ident = ItemKey.parse(key)
    return Item(key, ident.slot, ident.layer, ident.label, {p: ToneVersion(p, 0) for p in proposers})


def test_disputes_group_values_of_one_position_and_boundary_variants():
    items = [
        item("entity 0-6 GPE", "a"),
        item("entity 0-9 GPE", "b"),  # a boundary variant of the first
        item("entity 0-6 LOC", "c"),  # another label of the first span
        item("entity 20-25 PER", "a"),
        item("entity 24-30 LOC", "b"),  # overlaps, another label: its own dispute
        item("event 48-56 DIE", "a"),
        item("event 48-56 DIE Place=0-6", "b"),
        item("tone tone=1", "a"),
        item("tone tone=2", "b"),
    ]
    groups = [[i.key for i in g] for g in disputes(items)]
    assert groups == [
        ["entity 0-6 GPE", "entity 0-9 GPE", "entity 0-6 LOC"],
        ["entity 20-25 PER"],
        ["entity 24-30 LOC"],
        ["event 48-56 DIE", "event 48-56 DIE Place=0-6"],
        ["tone tone=1", "tone tone=2"],
    ]


def test_the_policy_leaves_out_what_a_person_decided_and_two_variants():
    pooled = {
        i.key: i
        for i in [
            item("entity 0-6 GPE", "a", "b"),
            item("entity 0-9 GPE", "a", "b"),  # both variants accepted by min:2: both stay open
            item("entity 20-25 PER", "a", "b"),
            item("entity 30-35 PER", "a", "b"),
            item("entity 40-45 ORG", "a", "b"),
            item("entity 50-55 ORG", "a"),
            item("tone tone=1", "a", "b"),
            item("tone tone=2", "a", "b"),  # two values of one slot: neither
        ]
    }
    closed = closer({"entity 30-35"}, [(41, 44, "ORG")])
    accepted = policy_accepted("min:2", pooled, 3, person_keys={"entity 20-25 PER"}, closed=closed)
    assert accepted == set()
    assert policy_accepted("min:1", pooled, 2, person_slots={"tone tone"}) == {
        "entity 20-25 PER",
        "entity 30-35 PER",
        "entity 40-45 ORG",
        "entity 50-55 ORG",
    }


def test_scores_against_gold():
    gold = block("gold", entities=[("G1", 0, 6, "GPE"), ("G2", 10, 24, "ARMED_GROUP")])
    ravi = block("ravi", entities=[("X1", 0, 6, "GPE"), ("X2", 30, 34, "PER")])
    counts = ScoreCounts()
    counts.add(gold, {"asha": ANN, "ravi": ravi})
    counts.add(block("gold"), {"asha": ANN})  # empty gold: not a unit
    scores = counts.scores()
    assert scores["asha"] == {"precision": 2 / 3, "recall": 1.0, "f1": 0.8, "units": 1}
    assert scores["ravi"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "units": 1}
    text = format_scores(scores)
    assert text.splitlines()[0].startswith("against gold")
    assert "asha" in text and "0.667" in text
