"""Rule suggestions: dates, numbers and casualty counts, event triggers."""

from itertools import pairwise
from pathlib import Path

import pytest

from annotator.schema import default_schema
from annotator.suggest import rules
from annotator.text import normalize

CORPORA = Path(__file__).resolve().parents[2].parent / "shared" / "corpora"


def corpus(*parts: str) -> Path:
    path = CORPORA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared corpus file {path} not present (see shared/corpora/SOURCES.md)")
    return path


def found(text: str, kind: str | None = None) -> list[tuple[str, str]]:
    """(surface, label) of the rule suggestions, checking that the offsets slice the text."""
    out = []
    for s in rules.find(text):
        assert 0 <= s.start < s.end <= len(text)
        assert s.source == "rules" and s.detail
        if kind is None or s.kind == kind:
            out.append((text[s.start : s.end], s.label))
    return out


def details(text: str) -> list[tuple[str, str, float]]:
    return [(text[s.start : s.end], s.detail, s.score) for s in rules.find(text)]


# --- dates -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date", "rule"),
    [
        ("मुलाकात (26 जुलाई)को हुई", "26 जुलाई", "date_day_month"),
        ("22 अप्रैल को हमला", "22 अप्रैल", "date_day_month"),
        ("२२ अप्रैल 2025 को", "२२ अप्रैल 2025", "date_day_month"),
        ("on 26 July 2025,", "26 July 2025", "date_day_month"),
        ("the 26th of July", "26th of July", "date_day_month"),
        ("on July 26 the", "July 26", "date_month_day"),
        ("July 25, 2025", "July 25, 2025", "date_month_day"),
        ("जुलाई 2025 में", "जुलाई 2025", "date_month_year"),
        ("12 सितम्बर को", "12 सितम्बर", "date_day_month"),  # nasal consonant spelling of सितंबर
        ("on 22.04.2025", "22.04.2025", "date_numeric"),
        ("दिनांक २२/०४/२०२५", "२२/०४/२०२५", "date_numeric"),
        ("on 2025-04-22.", "2025-04-22", "date_numeric"),
        ("मंगलवार को", "मंगलवार", "date_weekday"),
        ("बुधवार रात हमला", "बुधवार रात", "date_weekday"),
        ("गुरुवार देर शाम", "गुरुवार देर शाम", "date_weekday"),
        ("on Sunday evening", "Sunday evening", "date_weekday"),
        ("सुबह करीब 6 बजे", "सुबह करीब 6 बजे", "date_time"),
        ("करीब साढ़े सात बजे", "करीब साढ़े सात बजे", "date_time"),
        ("at 3.40 am on", "3.40 am", "date_time"),
        ("साल 2019 में", "साल 2019", "date_year"),
        ("since 2019,", "2019", "date_year"),
        ("2019 में हुआ", "2019", "date_year"),
        ("इस महीने", "इस महीने", "date_relative"),
        ("पिछले सप्ताह", "पिछले सप्ताह", "date_relative"),
        ("इस अगस्त में", "इस अगस्त", "date_relative"),
        ("कुछ ही दिन पहले", "कुछ ही दिन पहले", "date_relative"),
        ("last week", "last week", "date_relative"),
        ("two days ago", "two days ago", "date_relative"),
        ("met today", "today", "date_relative"),
        ("in August", "August", "date_month"),
    ],
)
def test_dates(text, date, rule):
    dates = [(text[s.start : s.end], s.detail) for s in rules.find(text) if s.label == "DATE"]
    assert dates == [(date, rule)]


@pytest.mark.parametrize(
    "text",
    [
        "32.13.2025 को",  # no such day or month
        "26/11 के हमले",  # the Mumbai attacks, no year
        "you may go",  # the verb, not the month
        "2000 में से 20",  # "of 2000", not the year 2000
        "फ्लैग मार्च निकाला",  # a march (parade), not the month
    ],
)
def test_not_dates(text):
    assert [s for s in rules.find(text) if s.label == "DATE"] == []


# --- numbers -----------------------------------------------------------------------------------------------


def test_casualty_counts_mark_the_number_only():
    text = "पहलगाम हमले में 26 लोगों की मौत हुई। 5 जवान शहीद, दो आतंकी ढेर।"
    nums = [(text[s.start : s.end], s.detail, s.score) for s in rules.find(text) if s.label == "NUM"]
    assert nums == [
        ("26", "casualty_count", 0.9),
        ("5", "casualty_count", 0.9),
        ("दो", "casualty_count", 0.9),
    ]
    i = text.index("26")
    assert next((s.start, s.end) for s in rules.find(text) if s.label == "NUM") == (i, i + 2)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Militants killed 12 people", "12"),
        ("12 killed in the blast", "12"),
        ("killed at least 12", "at least 12"),
        ("two soldiers were injured", "two"),
        ("one soldier was killed", "one"),
        ("the death toll rose to 26", "26"),
        ("कम से कम 5 लोग घायल", "कम से कम 5"),
        ("तीन श्रद्धालुओं की मौत", "तीन"),
    ],
)
def test_casualty_counts(text, number):
    nums = [(text[s.start : s.end], s.detail) for s in rules.find(text) if s.label == "NUM"]
    assert nums == [(number, "casualty_count")]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("1,200 लोगों को निकाला गया", [("1,200", "number")]),
        ("कुल २६ लोग", [("२६", "number")]),
        ("1,20,000 रुपये", [("1,20,000", "number")]),
        ("5.5 लाख का जुर्माना", [("5.5 लाख", "number")]),
        ("१५-२० हथियारबंद लोग", [("१५-२०", "number")]),
        ("दो संदिग्धों को पकड़ा", [("दो", "number_word")]),
        ("तीन साल की सजा", [("तीन", "number_word")]),
        ("four militants arrested", [("four", "number_word")]),
        ("twenty-five houses", [("twenty-five", "number_word")]),
        ("एक दर्जन गाड़ियां", [("एक दर्जन", "number_word")]),
        ("दर्जनों घर जले", [("दर्जनों", "number_vague")]),
        ("dozens of houses", [("dozens", "number_vague")]),
    ],
)
def test_numbers(text, numbers):
    assert [(text[s.start : s.end], s.detail) for s in rules.find(text) if s.label == "NUM"] == numbers


@pytest.mark.parametrize(
    "text",
    [
        "5वीं बटालियन",  # an ordinal
        "the 26th",
        "AK-47 राइफल",  # a weapon's name
        "G20 summit",
        "26/11",
        "मुंबई हाईकोर्ट की दो टूक",  # an idiom: "plainly"
        "एक पोस्ट में लिखा",  # an article
        "one of them",
        "@MIshaqDar50 pic.twitter.com/QZB9RZwIA8 #Delhi2025",  # handles, URLs, hashtags
        "उसने कहा दो।",  # "give"
    ],
)
def test_not_numbers(text):
    assert [(text[s.start : s.end], s.detail) for s in rules.find(text) if s.label == "NUM"] == []


def test_dates_and_numbers_do_not_overlap():
    text = "22 अप्रैल 2025 को सुबह करीब 6 बजे 3 लोग मारे गए"
    entities = [(s.start, s.end, s.label) for s in rules.find(text) if s.kind == "entity"]
    assert [(text[a:b], label) for a, b, label in entities] == [
        ("22 अप्रैल 2025", "DATE"),
        ("सुबह करीब 6 बजे", "DATE"),
        ("3", "NUM"),
    ]
    assert all(a[1] <= b[0] for a, b in pairwise(entities))


# --- triggers ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "triggers"),
    [
        ("हमला हुआ, हमले में, हमलों के बाद", [("हमला", "ATTACK"), ("हमले", "ATTACK"), ("हमलों", "ATTACK")]),
        ("militants attacked; the attack", [("attacked", "ATTACK"), ("attack", "ATTACK")]),
        ("डार से मुलाकात की, मुलाक़ात", [("मुलाकात", "MEET"), ("मुलाक़ात", "MEET")]),
        ("Rubio met Dar", [("met", "MEET")]),
        ("दो संदिग्ध गिरफ्तार, तीसरा गिरफ़्तार", [("गिरफ्तार", "ARREST"), ("गिरफ़्तार", "ARREST")]),
        ("Police arrested two", [("arrested", "ARREST")]),
        ("26 लोगों की मौत", [("मौत", "DIE")]),
        ("तीन जवान मारे गए", [("मारे गए", "DIE")]),
        ("दो लोग घायल", [("घायल", "INJURE")]),
        ("ठेकेदार का अपहरण", [("अपहरण", "ABDUCT")]),
        ("सघन तलाशी अभियान चलाया", [("सघन तलाशी अभियान", "SECURITY_OPERATION")]),
        ("मुठभेड़ में", [("मुठभेड़", "SECURITY_OPERATION")]),
        ("बैठक में, बयान जारी", [("बैठक", "MEET"), ("बयान", "STATEMENT")]),
        ("उन्होंने कहा", [("कहा", "STATEMENT")]),
        ("संगठन को प्रतिबंधित किया", [("प्रतिबंधित", "DESIGNATE")]),
        ("the two sides signed a ceasefire", [("signed", "AGREE"), ("ceasefire", "AGREE")]),
        ("धरना प्रदर्शन किया", [("धरना प्रदर्शन", "PROTEST")]),
        ("वे गृह मंत्री से मिले और", [("मिले", "MEET")]),
        ("पाकिस्तान से मिले हथियार", []),  # "weapons received from"
        ("हमलावर फरार, attacker fled", []),  # longer words
    ],
)
def test_triggers(text, triggers):
    assert found(text, "event") == triggers


def test_trigger_labels_are_event_types_of_the_default_schema():
    schema = default_schema()
    assert set(rules.TRIGGERS) <= set(schema.assignable_event_type_names)
    text = "हमला मौत घायल अपहरण गिरफ्तार मुठभेड़ बैठक बयान प्रतिबंधित समझौता प्रदर्शन"
    assert [s.label for s in rules.find(text)] == [
        "ATTACK", "DIE", "INJURE", "ABDUCT", "ARREST", "SECURITY_OPERATION", "MEET", "STATEMENT", "DESIGNATE",
        "AGREE", "PROTEST",
    ]  # fmt: skip
    assert {s.kind for s in rules.find(text)} == {"event"}


def test_scores_and_rule_names():
    text = "22 अप्रैल को 26 लोगों की मौत, 3 घायल, आज अभियान"
    assert details(text) == [
        ("22 अप्रैल", "date_day_month", 0.9),
        ("26", "casualty_count", 0.9),
        ("मौत", "trigger_lexicon:मौत", 0.6),
        ("3", "casualty_count", 0.9),
        ("घायल", "trigger_lexicon:घायल", 0.6),
        ("आज", "date_relative", 0.7),
        ("अभियान", "trigger_lexicon:अभियान", 0.4),
    ]


# --- the seed article -------------------------------------------------------------------------------------


def test_rules_on_the_seed_article():
    text = normalize(corpus("seed-article", "hindi-news-us-pakistan-meeting.txt").read_text(encoding="utf-8"))
    suggestions = rules.find(text)
    got = [(text[s.start : s.end], s.label, s.kind, s.detail) for s in suggestions]
    for expected in [
        ("शुक्रवार", "DATE", "entity", "date_weekday"),
        ("26 जुलाई", "DATE", "entity", "date_day_month"),
        ("मुलाकात", "MEET", "event", "trigger_lexicon:मुलाक़ात"),
        ("Met", "MEET", "event", "trigger_lexicon:met"),
        ("July 25, 2025", "DATE", "entity", "date_month_day"),
        ("बताया", "STATEMENT", "event", "trigger_lexicon:बयान"),
        ("बैठक", "MEET", "event", "trigger_lexicon:मुलाक़ात"),
        ("इस अगस्त", "DATE", "entity", "date_relative"),
        ("इस महीने", "DATE", "entity", "date_relative"),
        ("22 अप्रैल", "DATE", "entity", "date_day_month"),
        ("हमले", "ATTACK", "event", "trigger_lexicon:हमला"),
        ("जिम्मेदारी ली", "STATEMENT", "event", "trigger_lexicon:बयान"),
        ("26", "NUM", "entity", "casualty_count"),
        ("मौत", "DIE", "event", "trigger_lexicon:मौत"),
        ("5.5 लाख", "NUM", "entity", "number"),
    ]:
        assert expected in got
    # exact offsets of the casualty sentence: "... जिसमें 26 लोगों की मौत हुई थी।"
    i = text.index("26 लोगों की मौत")
    spans = {(s.start, s.end, s.label) for s in suggestions}
    assert (i, i + 2, "NUM") in spans and (i + 12, i + 15, "DIE") in spans
    j = text.index("(26 जुलाई)")
    assert (j + 1, j + 9, "DATE") in spans
    # the handle @MIshaqDar50, the URL and the idiom दो टूक give no numbers; 2025 belongs to the date
    assert [t for t, label, *_ in got if label == "NUM"] == ["आठ", "26", "तीन", "5.5 लाख"]
    keys = [(s.start, s.end, s.label, s.kind) for s in suggestions]
    assert len(keys) == len(set(keys)) and keys == sorted(keys, key=lambda k: (k[0], k[1]))
