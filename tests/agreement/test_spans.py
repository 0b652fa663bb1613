"""Span agreement: exact vs overlap F1, per label, token kappa on Devanagari, confusion, events."""

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.agreement.spans import (
    MISSING,
    EntityComparison,
    EventComparison,
    EventUnit,
    bio_tags,
    label_confusion,
    match_exact,
    match_overlap,
    span_f1,
)
from annotator.text.segment import tokenize

A = [(0, 5, "PER"), (10, 20, "ORG"), (30, 35, "GPE"), (40, 45, "LOC")]
B = [(0, 5, "PER"), (12, 20, "ORG"), (30, 35, "LOC"), (50, 55, "NUM")]


def test_exact_vs_overlap_f1():
    assert match_exact(A, B) == [(0, 0)]
    assert match_overlap(A, B) == [(0, 0), (1, 1)]  # (30, 35) overlaps but labels differ
    assert span_f1(A, B, "exact").value == pytest.approx(2 * 1 / 8)
    assert span_f1(A, B, "overlap").value == pytest.approx(2 * 2 / 8)
    assert span_f1([], [], "exact").reason == "no spans"
    with pytest.raises(ValueError):
        span_f1(A, B, "fuzzy")


def test_overlap_matching_is_one_to_one_greedy_by_size():
    a = [(0, 10, "ORG")]
    b = [(0, 3, "ORG"), (2, 10, "ORG")]
    assert match_overlap(a, b) == [(0, 1)]  # the larger overlap wins; the other b span stays unmatched
    assert span_f1(a, b, "overlap").value == pytest.approx(2 / 3)
    assert match_exact([(1, 2, "X"), (1, 2, "X")], [(1, 2, "X")]) == [(0, 0)]


def test_per_label_and_confusion():
    cmp = EntityComparison()
    cmp.add(A, B)
    cmp.add([(0, 3, "PER")], [(0, 3, "PER")])
    assert cmp.f1("exact").value == pytest.approx(2 * 2 / 10) and cmp.f1("exact").units == 2
    per = {
        label: (c["exact"].figure().value, c["overlap"].figure().value) for label, c in cmp.per_label.items()
    }
    assert per == {
        "PER": (1.0, 1.0),
        "ORG": (0.0, 1.0),
        "GPE": (0.0, 0.0),
        "LOC": (0.0, 0.0),
        "NUM": (0.0, 0.0),
    }
    assert dict(label_confusion(A, B)) == {
        ("PER", "PER"): 1,
        ("ORG", "ORG"): 1,
        ("GPE", "LOC"): 1,
        ("LOC", MISSING): 1,  # (40, 45) only A labelled
        (MISSING, "NUM"): 1,  # (50, 55) only B labelled
    }
    assert cmp.confusion[("PER", "PER")] == 2
    assert cmp.token_kappa().reason == "no tokens"


def test_confusion_pairs_spans_one_to_one_and_counts_the_missing():
    a = [(0, 10, "PER"), (0, 10, "ORG"), (20, 30, "GPE"), (40, 50, "FAC"), (60, 65, "DATE")]
    b = [(0, 10, "PER"), (20, 24, "LOC"), (25, 30, "GPE"), (40, 50, "LOC"), (70, 72, "NUM")]
    confusion = label_confusion(a, b)
    assert dict(confusion) == {
        ("PER", "PER"): 1,
        ("ORG", MISSING): 1,  # nested in the PER both agree on: b has no ORG there, not a PER/ORG mix-up
        ("GPE", "GPE"): 1,  # same label first, although the LOC overlaps as much
        (MISSING, "LOC"): 1,  # b's (20, 24) LOC: a's GPE is already paired
        ("FAC", "LOC"): 1,
        ("DATE", MISSING): 1,
        (MISSING, "NUM"): 1,
    }
    # every span counted once: rows add up to a's spans, columns to b's, the diagonal to overlap matches
    for label in {s[2] for s in a}:
        assert sum(n for (la, _), n in confusion.items() if la == label) == sum(s[2] == label for s in a)
    for label in {s[2] for s in b}:
        assert sum(n for (_, lb), n in confusion.items() if lb == label) == sum(s[2] == label for s in b)
    assert sum(n for (la, lb), n in confusion.items() if la == lb) == len(match_overlap(a, b)) == 2
    assert label_confusion([], [(1, 2, "PER")]) == {(MISSING, "PER"): 1}
    assert label_confusion([(1, 2, "PER")], []) == {("PER", MISSING): 1}
    # a span split in two by the other annotator is paired with one part; the other part is missing
    assert dict(label_confusion([(0, 10, "ORG")], [(0, 3, "ORG"), (3, 10, "GPE")])) == {
        ("ORG", "ORG"): 1,
        (MISSING, "GPE"): 1,
    }


def test_bio_tags_and_token_kappa_on_devanagari():
    text = "पहलगाम में लश्कर-ए-तैयबा के आतंकियों ने हमला किया"
    tokens = [(t.start, t.end) for t in tokenize(text)]
    words = [text[s:e] for s, e in tokens]
    assert words == ["पहलगाम", "में", "लश्कर-ए-तैयबा", "के", "आतंकियों", "ने", "हमला", "किया"]

    def at(surface, label):
        start = text.index(surface)
        return (start, start + len(surface), label)

    a = [at("पहलगाम", "GPE"), at("लश्कर-ए-तैयबा के आतंकियों", "ARMED_GROUP")]
    b = [at("पहलगाम", "LOC"), at("लश्कर-ए-तैयबा", "ARMED_GROUP")]
    tags_a, tags_b = bio_tags(tokens, a), bio_tags(tokens, b)
    assert tags_a == ["B-GPE", "O", "B-ARMED_GROUP", "I-ARMED_GROUP", "I-ARMED_GROUP", "O", "O", "O"]
    assert tags_b == ["B-LOC", "O", "B-ARMED_GROUP", "O", "O", "O", "O", "O"]
    # nested spans: a token takes the longest span covering it
    assert bio_tags(tokens, [at("लश्कर-ए-तैयबा", "ORG"), at("लश्कर-ए-तैयबा के", "ARMED_GROUP")])[2:4] == [
        "B-ARMED_GROUP",
        "I-ARMED_GROUP",
    ]
    cmp = EntityComparison()
    cmp.add(a, b, tokens)
    # 8 tokens, 5 agree (O, B-AG, O, O, O at 1, 2, 5, 6, 7): p_o = 5/8.
    # tags a: B-GPE 1, O 4, B-AG 1, I-AG 2; b: B-LOC 1, O 6, B-AG 1 -> p_e = (4·6 + 1·1) / 64 = 25/64
    kappa = cmp.token_kappa()
    assert kappa.units == 8
    assert kappa.value == pytest.approx((5 / 8 - 25 / 64) / (1 - 25 / 64))


def test_events_trigger_argument_and_attribute_agreement():
    attack_a = EventUnit(
        10, 15, "ATTACK", (("Agent", (0, 5)), ("Place", (20, 25))), (("modality", "actual"),)
    )
    attack_b = EventUnit(
        10, 14, "ATTACK", (("Agent", (0, 5)), ("Place", (20, 26))), (("modality", "actual"),)
    )
    die_a = EventUnit(30, 35, "DIE", (("Victim", (40, 45)),), ())
    die_b = EventUnit(30, 35, "DIE", (("Victim", (40, 45)),), (("killed", "3"),))
    arrest_b = EventUnit(50, 55, "ARREST", (), ())
    injure_a = EventUnit(50, 55, "INJURE", (), ())  # same span, other type: no match
    cmp = EventComparison()
    cmp.add([attack_a, die_a, injure_a], [attack_b, die_b, arrest_b])
    assert cmp.trigger_f1().value == pytest.approx(2 * 2 / 6)
    # arguments of matched events: a {Agent, Place(20,25), Victim}, b {Agent, Place(20,26), Victim}:
    # 2 of 3 each
    assert cmp.argument_f1().value == pytest.approx(2 * 2 / 6) and cmp.argument_f1().units == 2
    assert cmp.attribute_agreement().value == pytest.approx(0.5)

    empty = EventComparison()
    empty.add([], [])
    assert empty.trigger_f1().reason == "no events"
    assert empty.argument_f1().reason == "no matched events"
    assert empty.attribute_agreement().value is None


_spans = st.lists(
    st.builds(
        lambda s, n, label: (s, s + n, label), st.integers(0, 40), st.integers(1, 8), st.sampled_from("ABC")
    ),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(
    _spans,
    _spans,
    st.lists(st.integers(1, 4), max_size=15),
    st.lists(st.tuples(st.integers(1, 3), st.sampled_from("ABC")), max_size=3),
)
def test_comparison_counts_equal_the_dense_tags_and_per_label_sums(a, b, widths, events):
    """What EntityComparison adds (the tags of only the tokens a span touches, O/O as the rest; per-label
    hits counted once per mode) equals the plain definitions: the dense BIO tags zipped, and each label's
    matches counted in the matchings."""
    tokens, pos = [], 0
    for w in widths:
        tokens.append((pos, pos + w))
        pos += w + 1
    cmp = EntityComparison()
    cmp.add(a, b, tokens)
    assert cmp.tags == Counter(zip(bio_tags(tokens, a), bio_tags(tokens, b), strict=True))
    for mode in ("exact", "overlap"):
        matched = match_exact(a, b) if mode == "exact" else match_overlap(a, b)
        for label, counts in cmp.per_label.items():
            hits = sum(1 for i, _j in matched if a[i][2] == label)
            assert (counts[mode].matched, counts[mode].a, counts[mode].b) == (
                hits,
                sum(s[2] == label for s in a),
                sum(s[2] == label for s in b),
            )
    units_a = [EventUnit(s, s + 2, t, (("Agent", (s, s + 1)),)) for s, t in events]
    units_b = [  # the first with the same arguments (all match), the second with one more
        EventUnit(s, s + 2, t, (("Agent", (s, s + 1)),) + ((("Place", (0, 1)),) if k else ()))
        for k, (s, t) in enumerate(events[:2])
    ]
    ev = EventComparison()
    ev.add(units_a, units_b)
    pairs = match_overlap(units_a, units_b, key=lambda e: (e.start, e.end, e.type))
    expected = sum(
        sum((Counter(units_a[i].arguments) & Counter(units_b[j].arguments)).values()) for i, j in pairs
    )
    assert ev.arguments.matched == expected
