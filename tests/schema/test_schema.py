"""Tests of annotator.schema: the model, the loader's validation and the shipped default schema."""

from __future__ import annotations

import dataclasses
import json
import re
import unicodedata

import pytest

from annotator.resources import resource_path
from annotator.schema import (
    BUILTIN_ATTRIBUTES,
    AttributeDef,
    RelationType,
    Role,
    Schema,
    SchemaError,
    default_schema,
    load_schema,
    parse_schema,
    schema_to_toml,
)

# A small valid schema; the invalid cases below are single edits of it.
MINI = """\
[schema]
name = "mini"
version = "0.1"

[[entities]]
name = "PER"
color = "#EE8866"
hotkey = "p"
description = "A person."

[[entities]]
name = "ORG"
color = "#77AADD"
hotkey = "o"
description = "An organisation."
  [[entities.attributes]]
  name = "actor_type"
  kind = "choice"
  values = ["state_forces", "rebel_group"]
  description = "ACLED actor type."

[[event_attributes]]
name = "modality"
kind = "choice"
values = ["actual", "future"]
default = "actual"
required = true

[[events]]
name = "ATTACK"
color = "#EE2233"
hotkey = "1"
description = "An attack."
  [[events.roles]]
  name = "Attacker"
  types = ["PER", "ORG"]
  max = 1
  description = "Who attacked."
  [[events.roles]]
  name = "Target"
  types = ["ORG"]
  description = "What was attacked."

[[events]]
name = "DIE"
color = "#AA6666"
hotkey = "2"
description = "A death."
  [[events.roles]]
  name = "Victim"
  types = ["PER"]
  min = 1
  max = "many"
  description = "Who died."
  [[events.roles]]
  name = "Cause"
  types = ["ATTACK"]
  description = "The attack that killed."
  [[events.attributes]]
  name = "killed"
  kind = "count"
  [[events.attributes]]
  name = "confirmed"
  kind = "flag"
  default = false

[document_sentiment]
name = "tone"
  [[document_sentiment.levels]]
  value = -1
  label = "negative"
  description = "Bad news."
  [[document_sentiment.levels]]
  value = 0
  label = "neutral"
  description = "Neither."
  [[document_sentiment.levels]]
  value = 1
  label = "positive"
  description = "Good news."

[targeted_sentiment]
polarities = ["NEG", "NEU", "POS"]
targets = ["entity", "event"]
"""


def edit(old: str, new: str, text: str = MINI) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


@pytest.fixture(scope="module")
def mini() -> Schema:
    return parse_schema(MINI, "mini.toml")


@pytest.fixture(scope="module")
def schema() -> Schema:
    return default_schema()


# ------------------------------------------------------------------------------------------------ the model


def test_mini_schema_parses(mini: Schema) -> None:
    assert mini.name == "mini"
    assert mini.version == "0.1"
    assert mini.entity_type_names == ("PER", "ORG")
    assert mini.event_type_names == ("ATTACK", "DIE")
    attacker = mini.role("ATTACK", "Attacker")
    assert (attacker.types, attacker.min, attacker.max) == (("PER", "ORG"), 0, 1)
    victim = mini.role("DIE", "Victim")
    assert (victim.min, victim.max, victim.unbounded) == (1, None, True)
    assert mini.role("ATTACK", "Target").max is None
    assert mini.kind_of("PER") == "entity"
    assert mini.kind_of("DIE") == "event"
    assert mini.kind_of("NOPE") is None


def test_lookups_raise_key_error_for_unknown_names(mini: Schema) -> None:
    with pytest.raises(KeyError, match="unknown entity type 'LOC'"):
        mini.entity_type("LOC")
    with pytest.raises(KeyError, match="unknown event type 'MEET'"):
        mini.event_type("MEET")
    with pytest.raises(KeyError, match="no role 'Place'"):
        mini.role("ATTACK", "Place")


def test_attributes_for_event_puts_global_before_specific(mini: Schema) -> None:
    names = [a.name for a in mini.attributes_for_event("DIE")]
    assert names == ["modality", "killed", "confirmed", "note", "confidence"]
    assert [a.name for a in mini.attributes_for_event("ATTACK")] == ["modality", "note", "confidence"]
    assert [a.name for a in mini.attributes_for_entity("ORG")] == ["actor_type", "note", "confidence"]
    assert mini.attributes_for_entity("PER") == BUILTIN_ATTRIBUTES
    assert mini.attribute_defaults("event", "DIE") == {"modality": "actual", "confirmed": False}


@pytest.mark.parametrize(
    ("owner", "type_name", "attributes", "expected"),
    [
        ("event", "DIE", {"modality": "actual", "killed": 3, "confirmed": True}, []),
        ("event", "DIE", {"modality": "actual", "killed": 0}, []),
        ("event", "ATTACK", {"modality": "actual", "killed": 3}, ["ATTACK: unknown attribute 'killed'"]),
        ("event", "DIE", {"modality": "maybe"}, ["DIE.modality: 'maybe' is not one of: actual, future"]),
        (
            "event",
            "DIE",
            {"modality": "actual", "killed": -1},
            ["DIE.killed: -1 is not a non-negative integer"],
        ),
        (
            "event",
            "DIE",
            {"modality": "actual", "killed": "3"},
            ["DIE.killed: '3' is not a non-negative integer"],
        ),
        ("event", "DIE", {"modality": "actual", "killed": True}, ["is not a non-negative integer"]),
        ("event", "DIE", {"modality": "actual", "killed": 2.0}, ["is not a non-negative integer"]),
        ("event", "DIE", {"modality": "actual", "confirmed": 1}, ["DIE.confirmed: 1 is not true or false"]),
        ("event", "DIE", {}, ["DIE: missing required attribute 'modality'"]),
        ("event", "DIE", {"modality": None}, ["DIE: missing required attribute 'modality'"]),
        ("event", "DIE", {"modality": "actual", "killed": None}, []),
        ("entity", "ORG", {"actor_type": "rebel_group"}, []),
        ("entity", "ORG", {"actor_type": "rioters"}, ["ORG.actor_type: 'rioters' is not one of"]),
        (
            "entity",
            "PER",
            {"actor_type": "civilians"},
            ["PER: unknown attribute 'actor_type' (known: note, confidence)"],
        ),
        ("entity", "ATTACK", {}, ["unknown entity type 'ATTACK'"]),
        ("event", "PER", {}, ["unknown event type 'PER'"]),
    ],
)
def test_check_attributes(
    mini: Schema, owner: str, type_name: str, attributes: dict, expected: list[str]
) -> None:
    problems = mini.check_attributes(owner, type_name, attributes)
    assert len(problems) == len(expected), problems
    for problem, fragment in zip(problems, expected, strict=True):
        assert fragment in problem


def test_check_attributes_rejects_unknown_owner_kind(mini: Schema) -> None:
    with pytest.raises(ValueError, match="owner_kind"):
        mini.check_attributes("document", "PER", {})


def test_check_role_filler(mini: Schema) -> None:
    assert mini.check_role_filler("ATTACK", "Attacker", "ORG") is None
    assert mini.check_role_filler("DIE", "Cause", "ATTACK") is None  # an event filling a role
    assert "'PER' cannot fill this role (accepted: ORG)" in mini.check_role_filler("ATTACK", "Target", "PER")
    assert "unknown role 'Place'" in mini.check_role_filler("ATTACK", "Place", "ORG")
    assert "unknown event type 'MEET'" in mini.check_role_filler("MEET", "Place", "ORG")


def test_check_arguments_counts_roles(mini: Schema) -> None:
    assert mini.check_arguments("DIE", [("Victim", "PER"), ("Victim", "PER"), ("Cause", "ATTACK")]) == []
    assert mini.check_arguments("DIE", []) == ["DIE.Victim: needs at least 1 argument(s), has 0"]
    problems = mini.check_arguments("ATTACK", [("Attacker", "PER"), ("Attacker", "ORG"), ("Target", "PER")])
    assert problems == [
        "ATTACK.Target: 'PER' cannot fill this role (accepted: ORG)",
        "ATTACK.Attacker: allows at most 1 argument(s), has 2",
    ]


def test_sentiment_checks(mini: Schema) -> None:
    assert mini.check_document_sentiment({"tone": -1}) == []
    assert mini.check_document_sentiment({}) == []
    assert mini.check_document_sentiment({"tone": 2}) == ["document: tone: 2 is not one of: -1, 0, 1"]
    assert mini.check_document_sentiment({"tone": True}) != []
    assert "unknown key 'mood'" in mini.check_document_sentiment({"mood": 0})[0]
    assert mini.document_sentiment is not None
    assert mini.document_sentiment.level(1).label == "positive"
    assert mini.check_targeted_sentiment("entity", "NEG") is None
    assert mini.check_targeted_sentiment("event", "POS") is None
    assert "not one of: NEG, NEU, POS" in mini.check_targeted_sentiment("entity", "negative")
    assert "not allowed" in mini.check_targeted_sentiment("document", "NEG")


def test_schema_is_frozen_and_hashable(mini: Schema) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        mini.name = "other"  # type: ignore[misc]
    assert hash(mini) == hash(parse_schema(MINI))
    assert {mini: 1}[parse_schema(MINI)] == 1


def test_attribute_def_check_value() -> None:
    text = AttributeDef(name="note", kind="text")
    assert text.check_value("anything") is None
    assert text.check_value(3) == "3 is not a string"


# ----------------------------------------------------------------------------------------------- the loader

INVALID = [
    # [schema]
    pytest.param(
        '[schema]\nname = "mini"\nversion = "0.1"\n',
        "",
        "schema: missing required table",
        id="schema-missing",
    ),
    pytest.param('name = "mini"\n', "", "schema.name: missing required field", id="schema-name-missing"),
    pytest.param(
        'name = "mini"', 'name = "my schema"', "schema.name: 'my schema' is not", id="schema-name-syntax"
    ),
    pytest.param(
        'version = "0.1"',
        "version = 0.1",
        'schema.version: must be a string, got float (quote it: "0.1")',
        id="version-float",
    ),
    pytest.param('version = "0.1"', 'version = ""', "schema.version: must not be empty", id="version-empty"),
    pytest.param(
        'version = "0.1"',
        'version = "0.1"\ndescripton = "x"',
        "schema.descripton: unknown key (did you mean 'description'?",
        id="schema-typo",
    ),
    pytest.param("[schema]", "links = []\n[schema]", "links: unknown key", id="root-unknown"),
    # entity types
    pytest.param(
        'color = "#EE8866"',
        'colour = "#EE8866"',
        "entities[0].colour: unknown key (did you mean 'color'?",
        id="colour-typo",
    ),
    pytest.param('color = "#EE8866"\n', "", "entities[0].color: missing required field", id="colour-missing"),
    pytest.param(
        "#EE8866",
        "#EE886",
        "entities[0].color: '#EE886' is not a colour of the form #RRGGBB",
        id="colour-short",
    ),
    pytest.param('"#EE8866"', '"red"', "entities[0].color: 'red' is not a colour", id="colour-name"),
    pytest.param(
        '"#EE8866"', "0xEE8866", "entities[0].color: must be a string, got integer", id="colour-not-string"
    ),
    pytest.param(
        "#77AADD",
        "#ee8866",
        "entities[1].color: colour #ee8866 already used by entities[0]",
        id="colour-duplicate",
    ),
    pytest.param(
        'name = "PER"',
        'name = "Per"',
        "entities[0].name: 'Per' is not an UPPER_SNAKE identifier",
        id="type-name-case",
    ),
    pytest.param(
        'name = "PER"',
        'name = "ARMED-GROUP"',
        "entities[0].name: 'ARMED-GROUP' is not an UPPER_SNAKE",
        id="type-name-hyphen",
    ),
    pytest.param('name = "PER"\n', "", "entities[0].name: missing required field", id="type-name-missing"),
    pytest.param(
        'name = "ORG"',
        'name = "PER"',
        "entities[1].name: duplicate type name 'PER' (also entities[0])",
        id="entity-duplicate",
    ),
    pytest.param(
        'name = "DIE"',
        'name = "ORG"',
        "events[1].name: duplicate type name 'ORG' (also entities[1])",
        id="entity-event-duplicate",
    ),
    pytest.param(
        'hotkey = "1"',
        'hotkey = "p"',
        "events[0].hotkey: hotkey 'p' already used by entities[0] (PER)",
        id="hotkey-duplicate",
    ),
    pytest.param(
        'hotkey = "p"',
        'hotkey = "pp"',
        "entities[0].hotkey: 'pp' is not a single printable ASCII character",
        id="hotkey-long",
    ),
    pytest.param(
        'hotkey = "p"', 'hotkey = " "', "entities[0].hotkey: ' ' is not a single printable", id="hotkey-space"
    ),
    pytest.param(
        'hotkey = "p"',
        'hotkey = "प"',
        "entities[0].hotkey: 'प' is not a single printable ASCII",
        id="hotkey-devanagari",
    ),
    pytest.param(
        'hotkey = "p"',
        'hotkey = "P"',
        "entities[0].hotkey: 'P': letters must be lower case",
        id="hotkey-upper",
    ),
    pytest.param(
        'hotkey = "1"', "hotkey = 1", "events[0].hotkey: must be a string, got integer", id="hotkey-int"
    ),
    pytest.param(
        'description = "A person."\n',
        "",
        "entities[0].description: missing required field",
        id="description-missing",
    ),
    pytest.param(
        'description = "A person."',
        'description = "  "',
        "entities[0].description: must not be empty",
        id="description-empty",
    ),
    # roles
    pytest.param(
        'types = ["PER", "ORG"]',
        'types = ["PER", "ORGG"]',
        "events[0].roles[0].types[1]: unknown type 'ORGG' (did you mean 'ORG'? known: PER, ORG, ATTACK, DIE)",
        id="role-type-unknown",
    ),
    pytest.param(
        'types = ["PER", "ORG"]',
        "types = []",
        "events[0].roles[0].types: must not be empty",
        id="role-types-empty",
    ),
    pytest.param(
        'types = ["PER", "ORG"]\n',
        "",
        "events[0].roles[0].types: missing required field",
        id="role-types-missing",
    ),
    pytest.param(
        'types = ["PER", "ORG"]',
        'types = "PER"',
        "events[0].roles[0].types: must be an array of strings",
        id="role-types-string",
    ),
    pytest.param(
        'types = ["PER", "ORG"]',
        'types = ["PER", "PER"]',
        "events[0].roles[0].types[1]: duplicate 'PER'",
        id="role-types-duplicate",
    ),
    pytest.param(
        'name = "Attacker"',
        'name = "attacker"',
        "events[0].roles[0].name: 'attacker' is not a role name",
        id="role-name-case",
    ),
    pytest.param(
        'name = "Target"',
        'name = "Attacker"',
        "events[0].roles[1].name: duplicate role 'Attacker'",
        id="role-duplicate",
    ),
    pytest.param(
        "  max = 1\n",
        "  min = 2\n  max = 1\n",
        "events[0].roles[0].min: min (2) is greater than max (1)",
        id="role-min-gt-max",
    ),
    pytest.param(
        "  max = 1\n", "  min = -1\n", "events[0].roles[0].min: must be >= 0, got -1", id="role-min-negative"
    ),
    pytest.param(
        "  max = 1\n",
        '  min = "0"\n',
        "events[0].roles[0].min: must be an integer, got string",
        id="role-min-string",
    ),
    pytest.param("  max = 1\n", "  max = 0\n", "events[0].roles[0].max: must be >= 1", id="role-max-zero"),
    pytest.param(
        "  max = 1\n",
        '  max = "lots"\n',
        "events[0].roles[0].max: must be an integer or \"many\", got 'lots'",
        id="role-max-word",
    ),
    pytest.param(
        'types = ["PER", "ORG"]',
        'types = ["PER", "ORG"]\n  maximum = 2',
        "events[0].roles[0].maximum: unknown key (did you mean 'max'?",
        id="role-key-typo",
    ),
    pytest.param(
        '  description = "Who attacked."\n',
        "",
        "events[0].roles[0].description: missing required field",
        id="role-description-missing",
    ),
    # attributes
    pytest.param(
        'kind = "count"',
        'kind = "number"',
        "events[1].attributes[0].kind: 'number' is not one of: choice, count, flag, text",
        id="attr-kind-unknown",
    ),
    pytest.param(
        '  kind = "count"\n',
        "",
        "events[1].attributes[0].kind: missing required field",
        id="attr-kind-missing",
    ),
    pytest.param(
        '  values = ["state_forces", "rebel_group"]\n',
        "",
        "entities[1].attributes[0].values: missing required field",
        id="attr-choice-no-values",
    ),
    pytest.param(
        '["state_forces", "rebel_group"]',
        "[]",
        "entities[1].attributes[0].values: must not be empty",
        id="attr-choice-empty-values",
    ),
    pytest.param(
        '["state_forces", "rebel_group"]',
        '["state forces"]',
        "entities[1].attributes[0].values[0]: 'state forces' is not a token",
        id="attr-choice-bad-value",
    ),
    pytest.param(
        '["actual", "future"]',
        '["actual", "actual"]',
        "event_attributes[0].values[1]: duplicate 'actual'",
        id="attr-choice-duplicate-value",
    ),
    pytest.param(
        'default = "actual"',
        'default = "maybe"',
        "event_attributes[0].default: 'maybe' is not one of: actual, future",
        id="attr-default-not-choice",
    ),
    pytest.param(
        'kind = "count"',
        'kind = "count"\n  values = ["1"]',
        "events[1].attributes[0].values: only choice attributes take values",
        id="attr-values-on-count",
    ),
    pytest.param(
        'kind = "count"',
        'kind = "count"\n  default = -1',
        "events[1].attributes[0].default: -1 is not a non-negative integer",
        id="attr-count-default",
    ),
    pytest.param(
        "default = false",
        'default = "no"',
        "events[1].attributes[1].default: 'no' is not true or false",
        id="attr-flag-default",
    ),
    pytest.param(
        "required = true",
        'required = "yes"',
        "event_attributes[0].required: must be true or false, got string",
        id="attr-required-string",
    ),
    pytest.param(
        'name = "actor_type"',
        'name = "ActorType"',
        "entities[1].attributes[0].name: 'ActorType' is not a lower_snake",
        id="attr-name-case",
    ),
    pytest.param(
        'name = "confirmed"',
        'name = "killed"',
        "events[1].attributes[1].name: duplicate attribute 'killed'",
        id="attr-duplicate",
    ),
    pytest.param(
        'name = "killed"',
        'name = "modality"',
        "events[1].attributes[0].name: attribute 'modality' is already defined for every type in "
        "event_attributes",
        id="attr-shadows-global",
    ),
    pytest.param(
        '  kind = "count"',
        '  kind = "count"\n  requird = true',
        "events[1].attributes[0].requird: unknown key (did you mean 'required'?",
        id="attr-key-typo",
    ),
    # document sentiment
    pytest.param(
        "value = 1",
        "value = -5",
        "document_sentiment.levels[2].value: -5 is not greater than the previous level's 0",
        id="levels-not-increasing",
    ),
    pytest.param(
        "value = 1",
        "value = 0",
        "document_sentiment.levels[2].value: duplicate value 0 (also document_sentiment.levels[1])",
        id="levels-duplicate-value",
    ),
    pytest.param(
        'label = "positive"',
        'label = "neutral"',
        "document_sentiment.levels[2].label: duplicate label 'neutral'",
        id="levels-duplicate-label",
    ),
    pytest.param(
        "value = 1",
        "value = 1.5",
        "document_sentiment.levels[2].value: must be an integer, got float",
        id="levels-value-float",
    ),
    pytest.param(
        "  value = 1\n",
        "",
        "document_sentiment.levels[2].value: missing required field",
        id="levels-value-missing",
    ),
    pytest.param(
        '  label = "positive"\n',
        "",
        "document_sentiment.levels[2].label: missing required field",
        id="levels-label-missing",
    ),
    pytest.param(
        '  description = "Good news."\n',
        "",
        "document_sentiment.levels[2].description: missing required field",
        id="levels-description-missing",
    ),
    pytest.param(
        "  value = 0\n",
        '  value = 0\n  hotkey = "o"\n',
        "document_sentiment.levels[1].hotkey: hotkey 'o' already used by entities[1] (ORG)",
        id="level-hotkey-clash",
    ),
    pytest.param(
        'name = "tone"',
        'name = "Tone"',
        "document_sentiment.name: 'Tone' is not a lower_snake",
        id="doc-sentiment-name",
    ),
    # targeted sentiment
    pytest.param(
        '["NEG", "NEU", "POS"]',
        '["NEG", "NEG"]',
        "targeted_sentiment.polarities[1]: duplicate 'NEG'",
        id="polarities-duplicate",
    ),
    pytest.param(
        '["NEG", "NEU", "POS"]',
        "[]",
        "targeted_sentiment.polarities: must not be empty",
        id="polarities-empty",
    ),
    pytest.param(
        '["entity", "event"]',
        '["entity", "document"]',
        "targeted_sentiment.targets[1]: 'document' is not one of: entity, event",
        id="targets-unknown",
    ),
    pytest.param(
        'targets = ["entity", "event"]',
        'target = ["entity", "event"]',
        "targeted_sentiment.target: unknown key (did you mean 'targets'?",
        id="targeted-typo",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), INVALID)
def test_invalid_schema_names_the_field(old: str, new: str, expected: str) -> None:
    with pytest.raises(SchemaError) as info:
        parse_schema(edit(old, new), "mini.toml")
    problems = info.value.problems
    assert any(f"mini.toml: {expected}" in p for p in problems), "\n".join(problems)
    assert all(p.startswith("mini.toml: ") for p in problems)
    assert str(info.value) == "\n".join(problems)
    assert isinstance(info.value, ValueError)


HEADER = '[schema]\nname = "x"\nversion = "1"\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (HEADER, "<schema>: entities: missing required field"),
        ("entities = []\n" + HEADER, "<schema>: entities: must contain at least one entity type"),
        (
            HEADER + '[entities]\nname = "PER"\n',
            "<schema>: entities: must be an array of tables ([[entities]])",
        ),
        ('entities = ["PER"]\n' + HEADER, "<schema>: entities[0]: must be a table, got string"),
        ('schema = "x"\n', "<schema>: schema: must be a table ([schema]), got string"),
        (
            MINI[: MINI.index("  [[document_sentiment.levels]]")],
            "<schema>: document_sentiment.levels: missing required field",
        ),
        (
            MINI[: MINI.index("  [[document_sentiment.levels]]\n  value = 0")],
            "<schema>: document_sentiment.levels: a scale needs at least two levels",
        ),
        (MINI + "\n[[targeted_sentiment.x]]\n", "<schema>: targeted_sentiment.x: unknown key"),
        (
            MINI
            + '[[events]]\nname = "X"\ncolor = "#123456"\ndescription = "x"\n[events.roles]\nname = "A"\n',
            "<schema>: events[2].roles: must be an array of tables ([[events.roles]]), "
            "not a single table ([events.roles])",
        ),
    ],
)
def test_structural_problems(text: str, expected: str) -> None:
    with pytest.raises(SchemaError) as info:
        parse_schema(text)
    assert any(p.startswith(expected) for p in info.value.problems), "\n".join(info.value.problems)


def test_all_problems_are_collected() -> None:
    text = MINI
    for old, new in [
        ('color = "#EE8866"', 'colour = "#EE8866"'),
        ('types = ["PER", "ORG"]', 'types = ["PER", "ORGG"]'),
        ("value = 1", "value = -5"),
        ('default = "actual"', 'default = "maybe"'),
    ]:
        text = edit(old, new, text)
    with pytest.raises(SchemaError) as info:
        parse_schema(text, "mini.toml")
    assert info.value.problems == [
        "mini.toml: entities[0].colour: unknown key (did you mean 'color'? "
        "allowed: name, color, hotkey, description, parent, abstract, attributes, guideline, examples)",
        "mini.toml: entities[0].color: missing required field",
        "mini.toml: event_attributes[0].default: 'maybe' is not one of: actual, future",
        "mini.toml: events[0].roles[0].types[1]: unknown type 'ORGG' "
        "(did you mean 'ORG'? known: PER, ORG, ATTACK, DIE)",
        "mini.toml: document_sentiment.levels[2].value: -5 is not greater than the previous level's 0 "
        "(list levels in strictly increasing order)",
    ]
    assert str(info.value).splitlines() == info.value.problems


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('[schema]\nname = "x"\nversion = \n', 3),
        ('[schema]\nname = "x"\n\n[[entities]\nname = "PER"\n', 4),
        ('[schema]\nname = "x"\nname = "y"\n', 3),
    ],
)
def test_toml_syntax_error_names_source_and_line(text: str, line: int) -> None:
    with pytest.raises(SchemaError) as info:
        parse_schema(text, "broken.toml")
    (problem,) = info.value.problems
    assert re.match(rf"broken\.toml: line {line}, column \d+: TOML syntax error: \S", problem), problem


def test_toml_syntax_error_at_end_of_document() -> None:
    with pytest.raises(SchemaError, match=r"broken\.toml: line 2 \(end of document\): TOML syntax error"):
        parse_schema('[schema]\nname = """x', "broken.toml")


def test_load_schema_names_the_file(tmp_path) -> None:
    path = tmp_path / "custom.toml"
    path.write_text(edit('name = "PER"', 'name = "per"'), encoding="utf-8")
    with pytest.raises(SchemaError, match=r"^custom\.toml: entities\[0\]\.name: 'per' is not"):
        load_schema(path)


def test_load_schema_rejects_invalid_utf8(tmp_path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(MINI.replace("A person.", "Ein Bürger.").encode("latin-1"))
    with pytest.raises(SchemaError, match=r"latin1\.toml: line \d+: not valid UTF-8"):
        load_schema(path)


def test_load_schema_tolerates_bom(tmp_path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + MINI.encode("utf-8"))
    assert load_schema(path) == parse_schema(MINI)


def test_load_schema_missing_file(tmp_path) -> None:
    with pytest.raises(FileNotFoundError):
        load_schema(tmp_path / "nope.toml")


# ------------------------------------------------------------------------------ source text and fingerprint


def test_source_text_round_trips(schema: Schema) -> None:
    path = resource_path("schemas", "default.toml")
    assert schema.source_text == path.read_text(encoding="utf-8")
    again = parse_schema(schema.source_text, "stored")
    assert again == schema
    assert again.fingerprint == schema.fingerprint
    assert again.source_text == schema.source_text


def test_fingerprint_is_stable(mini: Schema) -> None:
    assert re.fullmatch(r"[0-9a-f]{64}", mini.fingerprint)
    assert parse_schema(MINI).fingerprint == mini.fingerprint
    assert load_schema(resource_path("schemas", "default.toml")).fingerprint == default_schema().fingerprint
    # Comments, blank lines, indentation and key order are not content.
    reformatted = "# a comment\n" + MINI.replace("\n\n", "\n\n\n").replace("  name", "name")
    reformatted = edit('name = "mini"\nversion = "0.1"', 'version = "0.1"  # v\nname = "mini"', reformatted)
    other = parse_schema(reformatted)
    assert other.source_text != mini.source_text
    assert other.fingerprint == mini.fingerprint
    assert other == mini


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("#EE8866", "#EE8867"),
        ('description = "A person."', 'description = "A human."'),
        ('version = "0.1"', 'version = "0.2"'),
        ("  max = 1\n", "  max = 2\n"),
        ('["actual", "future"]', '["future", "actual"]'),
        ('label = "positive"', 'label = "good"'),
        ('hotkey = "p"', 'hotkey = "x"'),
    ],
)
def test_fingerprint_changes_with_content(mini: Schema, old: str, new: str) -> None:
    changed = parse_schema(edit(old, new))
    assert changed.fingerprint != mini.fingerprint
    assert changed != mini


def test_fingerprint_depends_on_type_order(mini: Schema) -> None:
    per = MINI[MINI.index('[[entities]]\nname = "PER"') : MINI.index('[[entities]]\nname = "ORG"')]
    org = MINI[MINI.index('[[entities]]\nname = "ORG"') : MINI.index("[[event_attributes]]")]
    swapped = MINI.replace(per + org, org + per)
    assert parse_schema(swapped).entity_type_names == ("ORG", "PER")
    assert parse_schema(swapped).fingerprint != mini.fingerprint


# --------------------------------------------------------------------------------------- the default schema

ENTITIES = ("PER", "ORG", "ARMED_GROUP", "GPE", "LOC", "FAC", "WEAPON", "TITLE", "DATE", "NUM")
ROLES = {
    "ATTACK": ("Attacker", "Target", "Victim", "Instrument", "Place", "Time"),
    "DIE": ("Agent", "Victim", "Instrument", "Place", "Time"),
    "INJURE": ("Agent", "Victim", "Instrument", "Place", "Time"),
    "ABDUCT": ("Agent", "Victim", "Place", "Time"),
    "ARREST": ("Agent", "Person", "Crime", "Place", "Time"),
    "SECURITY_OPERATION": ("Agent", "Target", "Place", "Time"),
    "MEET": ("Participant", "Topic", "Place", "Time"),
    "STATEMENT": ("Speaker", "Addressee", "Topic", "Place", "Time"),
    "DESIGNATE": ("Agent", "Target", "Time"),
    "AGREE": ("Participant", "Topic", "Place", "Time"),
    "PROTEST": ("Participant", "Topic", "Place", "Time"),
}


def test_default_schema_types(schema: Schema) -> None:
    assert schema.name == "south-asia-security"
    assert schema.entity_type_names == ENTITIES
    assert schema.event_type_names == tuple(ROLES)
    for event, roles in ROLES.items():
        assert schema.event_type(event).role_names == roles, event


def test_default_schema_role_fillers(schema: Schema) -> None:
    assert set(schema.role("ATTACK", "Attacker").types) == {"PER", "ORG", "ARMED_GROUP", "GPE"}
    assert schema.role("ATTACK", "Victim").types == ("PER",)
    assert schema.role("ATTACK", "Instrument").types == ("WEAPON",)
    assert schema.role("DIE", "Instrument").types == ("WEAPON",)
    assert schema.role("ARREST", "Person").types == ("PER",)
    assert "ARMED_GROUP" in schema.role("DESIGNATE", "Target").types
    assert schema.check_role_filler("ARREST", "Crime", "ATTACK") is None  # a Crime may be an event
    assert schema.check_role_filler("STATEMENT", "Topic", "ATTACK") is None
    assert schema.check_role_filler("STATEMENT", "Topic", "ARMED_GROUP") is None
    assert schema.check_role_filler("ATTACK", "Victim", "ORG") is not None
    assert schema.check_role_filler("ATTACK", "Time", "NUM") is not None
    for event in ROLES:
        event_type = schema.event_type(event)
        if "Time" in event_type.role_names:
            assert event_type.role("Time").types == ("DATE",)
            assert event_type.role("Time").max == 1
        if "Place" in event_type.role_names:
            assert set(event_type.role("Place").types) == {"GPE", "LOC", "FAC"}
            assert event_type.role("Place").max == 1
    for event in ("MEET", "AGREE"):
        participant = schema.role(event, "Participant")
        assert (participant.min, participant.max) == (1, None)
    assert schema.role("PROTEST", "Participant").min == 0


def test_default_schema_attributes(schema: Schema) -> None:
    (modality,) = schema.event_attributes
    assert modality.name == "modality"
    assert modality.kind == "choice"
    assert modality.values == ("actual", "future", "hypothetical", "negated", "historical")
    assert modality.default == "actual"
    for event in ROLES:
        assert schema.attributes_for_event(event)[0] is modality
    assert [(a.name, a.kind) for a in schema.event_type("DIE").attributes] == [("killed", "count")]
    assert [(a.name, a.kind) for a in schema.event_type("INJURE").attributes] == [("injured", "count")]
    assert schema.check_attributes("event", "DIE", {"modality": "actual", "killed": 26}) == []
    assert schema.check_attributes("event", "INJURE", {"modality": "future", "injured": 0}) == []
    assert schema.check_attributes("event", "ATTACK", {"modality": "actual", "killed": 2}) != []
    for entity in ("ORG", "ARMED_GROUP"):
        (actor_type,) = schema.entity_type(entity).attributes
        assert actor_type.name == "actor_type"
        assert actor_type.kind == "choice"
        assert not actor_type.required
    assert "state_forces" in schema.entity_type("ORG").attributes[0].values
    assert "rebel_group" in schema.entity_type("ARMED_GROUP").attributes[0].values
    acled = {
        "state_forces",
        "rebel_group",
        "political_militia",
        "identity_militia",
        "rioters",
        "protesters",
        "civilians",
        "external_other",
    }
    covered = set(schema.entity_type("ORG").attributes[0].values) | set(
        schema.entity_type("ARMED_GROUP").attributes[0].values
    )
    assert covered == acled
    for entity in ENTITIES:
        if entity not in ("ORG", "ARMED_GROUP"):
            assert schema.entity_type(entity).attributes == ()


def test_default_schema_sentiment(schema: Schema) -> None:
    tone = schema.document_sentiment
    assert tone is not None and tone.name == "tone"
    assert [(level.value, level.label) for level in tone.levels] == [
        (-2, "very negative"),
        (-1, "negative"),
        (0, "neutral"),
        (1, "positive"),
        (2, "very positive"),
    ]
    targeted = schema.targeted_sentiment
    assert targeted is not None
    assert targeted.polarities == ("NEG", "NEU", "POS")
    assert targeted.targets == ("entity", "event")


def test_default_schema_guidelines_colours_and_hotkeys(schema: Schema) -> None:
    for entity in schema.entities:
        assert entity.description.strip() and "\n" not in entity.description, entity.name
        assert entity.hotkey is not None and entity.hotkey.isalpha(), entity.name
    for event in schema.events:
        assert event.description.strip() and "\n" not in event.description, event.name
        assert event.hotkey is not None, event.name
        for role in event.roles:
            assert role.description.strip() and "\n" not in role.description, (event.name, role.name)
    assert schema.document_sentiment is not None
    for level in schema.document_sentiment.levels:
        assert level.description.strip()
    assert "प्रधानमंत्री" in schema.entity_type("TITLE").description
    colours = [e.color.lower() for e in schema.entities]
    assert len(set(colours)) == len(colours)
    hotkeys = [t.hotkey for t in (*schema.entities, *schema.events, *schema.relations)]
    assert len(set(hotkeys)) == len(hotkeys) == len(schema.hotkeys())
    for relation in schema.relations:
        assert relation.hotkey is not None and relation.hotkey.isupper(), relation.name
        assert relation.description.strip() and "\n" not in relation.description, relation.name
    assert len({r.color.lower() for r in schema.relations}) == len(schema.relations)


def _contrast_with_black(color: str) -> float:
    def channel(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(color[i : i + 2], 16)) for i in (1, 3, 5))
    return (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05) / 0.05


def test_default_entity_colours_are_light_highlights(schema: Schema) -> None:
    # WCAG AAA (7:1) for black text on every entity highlight.
    for entity in schema.entities:
        assert _contrast_with_black(entity.color) >= 7, entity.name


def test_default_schema_text_is_nfc(schema: Schema) -> None:
    assert unicodedata.is_normalized("NFC", schema.source_text)


def test_default_schema_is_cached(schema: Schema) -> None:
    assert default_schema() is schema


# ------------------------------------------------------------------------------------- role cardinality


@pytest.mark.parametrize(
    ("cardinality", "bounds", "label"),
    [
        ('"optional"', (0, 1), "optional"),
        ('"one"', (1, 1), "exactly one"),
        ('"one_or_more"', (1, None), "one or more"),
        ('"any"', (0, None), "any number"),
        ("1", (1, 1), "exactly one"),
        ("3", (3, 3), "exactly 3"),
    ],
)
def test_role_cardinality_sugar(cardinality: str, bounds: tuple, label: str) -> None:
    schema = parse_schema(edit("  max = 1\n", f"  cardinality = {cardinality}\n"))
    role = schema.role("ATTACK", "Attacker")
    assert (role.min, role.max) == bounds
    assert role.cardinality_label == label
    # The sugar is only a way of writing min/max: the same bounds written out give an equal schema.
    lo, hi = bounds
    spelled = f"  min = {lo}\n" + (f"  max = {hi}\n" if hi is not None else "")
    assert parse_schema(edit("  max = 1\n", spelled)) == schema


@pytest.mark.parametrize(
    ("lo", "hi", "label", "cardinality"),
    [
        (0, 3, "at most 3", None),
        (2, None, "at least 2", None),
        (2, 4, "2 to 4", None),
        (2, 2, "exactly 2", 2),
    ],
)
def test_role_cardinality_label_of_min_max(lo: int, hi: int | None, label: str, cardinality) -> None:
    role = Role("X", ("PER",), lo, hi)
    assert role.cardinality_label == label
    assert role.cardinality == cardinality


@pytest.mark.parametrize(
    ("new", "expected"),
    [
        (
            '  cardinality = "one"\n  max = 1\n',
            "events[0].roles[0].cardinality: give either cardinality or min/max, not both",
        ),
        (
            '  cardinality = "one"\n  min = 1\n',
            "events[0].roles[0].cardinality: give either cardinality or min/max, not both",
        ),
        (
            '  cardinality = "optinal"\n',
            "events[0].roles[0].cardinality: 'optinal' is not a cardinality (did you mean 'optional'? "
            'one of "optional", "one", "one_or_more", "any" or an integer >= 1 (exactly N))',
        ),
        ("  cardinality = 0\n", "events[0].roles[0].cardinality: 0 is not a cardinality"),
        ("  cardinality = true\n", "events[0].roles[0].cardinality: true is not a cardinality"),
        ('  cardinality = "many"\n', "events[0].roles[0].cardinality: 'many' is not a cardinality"),
    ],
)
def test_role_cardinality_errors(new: str, expected: str) -> None:
    with pytest.raises(SchemaError) as info:
        parse_schema(edit("  max = 1\n", new), "mini.toml")
    problems = info.value.problems
    assert any(p.startswith(f"mini.toml: {expected}") for p in problems), "\n".join(problems)


# ------------------------------------------------------------------------------------------------ relations

RELATIONS = """
[[relations]]
name = "MEMBER_OF"
color = "#117733"
hotkey = "M"
description = "The person belongs to the organisation."
from = ["PER"]
to = ["ORG"]
  [[relations.attributes]]
  name = "status"
  kind = "choice"
  values = ["current", "former"]

[[relations]]
name = "ALIAS_OF"
color = "#332288"
description = "The same thing under two names."
from = ["PER", "ORG"]
equivalence = true

[[relations]]
name = "KNOWS"
color = "#44AA99"
hotkey = "K"
description = "Two people know each other."
from = ["PER"]
to = ["PER"]
symmetric = true
"""

WITH_RELATIONS = MINI.replace("[document_sentiment]", RELATIONS + "\n[document_sentiment]")


@pytest.fixture(scope="module")
def related() -> Schema:
    return parse_schema(WITH_RELATIONS, "related.toml")


def test_relation_types(related: Schema) -> None:
    assert related.relation_type_names == ("MEMBER_OF", "ALIAS_OF", "KNOWS")
    member = related.relation_type("MEMBER_OF")
    assert isinstance(member, RelationType)
    assert (member.from_types, member.to_types, member.symmetric, member.equivalence) == (
        ("PER",),
        ("ORG",),
        False,
        False,
    )
    assert member.hotkey == "M"
    alias = related.relation_type("ALIAS_OF")
    assert (alias.from_types, alias.to_types) == (("PER", "ORG"), ("PER", "ORG"))
    assert alias.symmetric and alias.equivalence
    knows = related.relation_type("KNOWS")
    assert knows.symmetric and not knows.equivalence
    assert related.kind_of("MEMBER_OF") == "relation"
    assert related.kind_of("PER") == "entity"
    assert related.hotkeys()["M"] == ("relation", "MEMBER_OF")
    assert related.hotkeys()["K"] == ("relation", "KNOWS")
    with pytest.raises(KeyError, match="unknown relation type 'FRONT_OF'"):
        related.relation_type("FRONT_OF")
    assert mini_has_no_relations(parse_schema(MINI))


def mini_has_no_relations(schema: Schema) -> bool:
    with pytest.raises(KeyError, match=r"known: none"):
        schema.relation_type("MEMBER_OF")
    return schema.relations == () and schema.relation_type_names == ()


def test_check_relation(related: Schema) -> None:
    assert related.check_relation("MEMBER_OF", "PER", "ORG") is None
    assert related.check_relation("MEMBER_OF", "ORG", "PER") == (
        "MEMBER_OF: 'ORG' cannot be the first argument (accepted: PER)"
    )
    assert related.check_relation("MEMBER_OF", "PER", "PER") == (
        "MEMBER_OF: 'PER' cannot be the second argument (accepted: ORG)"
    )
    assert related.check_relation("ALIAS_OF", "ORG", "PER") is None  # symmetric: either order
    assert related.check_relation("KNOWS", "PER", "PER") is None
    assert related.check_relation("KNOWS", "PER", "ORG") == (
        "KNOWS: 'ORG' cannot take part in this relation (accepted: PER)"
    )
    assert "unknown relation type 'LIKES'" in related.check_relation("LIKES", "PER", "PER")
    assert "'ATTACK' is an event type; a relation connects entities" in related.check_relation(
        "KNOWS", "PER", "ATTACK"
    )
    assert "'NOPE' is an unknown type" in related.check_relation("KNOWS", "NOPE", "PER")


def test_relation_attributes(related: Schema) -> None:
    names = [a.name for a in related.attributes_for_relation("MEMBER_OF")]
    assert names == ["status", "note", "confidence"]
    assert related.attributes_for("relation", "KNOWS") == BUILTIN_ATTRIBUTES
    assert related.check_attributes("relation", "MEMBER_OF", {"status": "former", "note": "x"}) == []
    assert related.check_attributes("relation", "MEMBER_OF", {"status": "alleged"}) == [
        "MEMBER_OF.status: 'alleged' is not one of: current, former"
    ]
    assert related.check_attributes("relation", "PER", {}) == [
        "unknown relation type 'PER' (known: MEMBER_OF, ALIAS_OF, KNOWS)"
    ]
    assert related.attribute_defaults("relation", "MEMBER_OF") == {}


def test_relation_attributes_for_every_relation() -> None:
    text = WITH_RELATIONS.replace(
        "[[events]]",
        '[[relation_attributes]]\nname = "negated"\nkind = "flag"\ndefault = false\n\n[[events]]',
        1,
    )
    schema = parse_schema(text)
    assert [a.name for a in schema.attributes_for_relation("KNOWS")] == ["negated", "note", "confidence"]
    assert schema.attribute_defaults("relation", "KNOWS") == {"negated": False}


RELATION_INVALID = [
    pytest.param(
        'name = "MEMBER_OF"', 'name = "member_of"', "relations[0].name: 'member_of' is not", id="name"
    ),
    pytest.param(
        'name = "MEMBER_OF"',
        'name = "ORG"',
        "relations[0].name: duplicate type name 'ORG' (also entities[1])",
        id="name-shared-with-entity",
    ),
    pytest.param(
        'name = "KNOWS"',
        'name = "ALIAS_OF"',
        "relations[2].name: duplicate type name 'ALIAS_OF' (also relations[1])",
        id="name-duplicate",
    ),
    pytest.param(
        'from = ["PER"]\nto = ["ORG"]',
        'from = ["PERS"]\nto = ["ORG"]',
        "relations[0].from[0]: unknown entity type 'PERS' (did you mean 'PER'? known: PER, ORG)",
        id="from-unknown",
    ),
    pytest.param(
        'from = ["PER"]\nto = ["ORG"]',
        'from = ["PER"]\nto = ["ATTACK"]',
        "relations[0].to[0]: 'ATTACK' is an event type; a relation connects entities",
        id="to-event",
    ),
    pytest.param(
        'from = ["PER"]\nto = ["ORG"]',
        'from = ["PER"]',
        "relations[0].to: missing required field",
        id="to-missing",
    ),
    pytest.param(
        'from = ["PER"]\nto = ["ORG"]',
        'from = []\nto = ["ORG"]',
        "relations[0].from: must not be empty",
        id="empty",
    ),
    pytest.param(
        'to = ["PER"]\nsymmetric = true',
        'to = ["ORG"]\nsymmetric = true',
        "relations[2].to: a symmetric relation has one list of types, but 'to' (ORG) differs from 'from' "
        "(PER): make them equal or leave 'to' out",
        id="symmetric-sides-differ",
    ),
    pytest.param(
        "equivalence = true",
        "equivalence = true\nsymmetric = false",
        "relations[1].symmetric: an equivalence is symmetric (and transitive): leave out 'symmetric = false'",
        id="equivalence-not-symmetric",
    ),
    pytest.param(
        "symmetric = true",
        'symmetric = "yes"',
        "relations[2].symmetric: must be true or false",
        id="flag-type",
    ),
    pytest.param(
        'hotkey = "M"',
        'hotkey = "p"',
        "relations[0].hotkey: hotkey 'p' already used by entities[0]",
        id="hotkey",
    ),
    pytest.param(
        'hotkey = "M"',
        'hotkey = "MM"',
        "relations[0].hotkey: 'MM' is not a single printable",
        id="hotkey-long",
    ),
    pytest.param(
        'color = "#117733"', 'color = "#332288"', "relations[1].color: colour #332288 already", id="colour"
    ),
    pytest.param(
        'description = "Two people know each other."\n',
        "",
        "relations[2].description: missing required field",
        id="description",
    ),
    pytest.param(
        'from = ["PER"]\nto = ["ORG"]',
        'from = ["PER"]\nto = ["ORG"]\ninverse = "HAS_MEMBER"',
        "relations[0].inverse: unknown key",
        id="unknown-key",
    ),
    pytest.param(
        'values = ["current", "former"]',
        'values = ["current", "former"]\n  required = "no"',
        "relations[0].attributes[0].required: must be true or false",
        id="attribute",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), RELATION_INVALID)
def test_invalid_relations_name_the_field(old: str, new: str, expected: str) -> None:
    with pytest.raises(SchemaError) as info:
        parse_schema(edit(old, new, WITH_RELATIONS), "mini.toml")
    assert any(p.startswith(f"mini.toml: {expected}") for p in info.value.problems), "\n".join(
        info.value.problems
    )


def test_upper_case_hotkeys_are_for_relations_only() -> None:
    # Shift+P for a relation and p for an entity are different keys.
    schema = parse_schema(edit('hotkey = "M"', 'hotkey = "P"', WITH_RELATIONS))
    assert schema.hotkeys()["P"] == ("relation", "MEMBER_OF")
    assert schema.hotkeys()["p"] == ("entity", "PER")
    with pytest.raises(SchemaError, match=r"entities\[0\]\.hotkey: 'P': letters must be lower case"):
        parse_schema(edit('hotkey = "p"', 'hotkey = "P"', WITH_RELATIONS))


# ------------------------------------------------------------------------------------- built-in attributes


def test_builtin_attributes_are_always_known(mini: Schema) -> None:
    assert [(a.name, a.kind) for a in BUILTIN_ATTRIBUTES] == [("note", "text"), ("confidence", "choice")]
    assert BUILTIN_ATTRIBUTES[1].values == ("high", "medium", "low")
    good = {"modality": "actual", "note": "figure from the police", "confidence": "low"}
    assert mini.check_attributes("event", "DIE", good) == []
    assert mini.check_attributes("entity", "PER", {"confidence": "high"}) == []
    assert mini.check_attributes("entity", "PER", {"confidence": "sure"}) == [
        "PER.confidence: 'sure' is not one of: high, medium, low"
    ]
    assert mini.check_attributes("entity", "PER", {"note": 3}) == ["PER.note: 3 is not a string"]
    assert mini.attribute_defaults("entity", "PER") == {}


def test_builtin_attribute_may_be_redeclared_with_its_kind() -> None:
    text = edit(
        '  [[events.attributes]]\n  name = "killed"',
        '  [[events.attributes]]\n  name = "confidence"\n  kind = "choice"\n  values = ["sure", "unsure"]\n'
        '  required = true\n  [[events.attributes]]\n  name = "killed"',
    )
    schema = parse_schema(text)
    names = [a.name for a in schema.attributes_for_event("DIE")]
    assert names == ["modality", "confidence", "killed", "confirmed", "note"]
    assert schema.check_attributes("event", "DIE", {"modality": "actual"}) == [
        "DIE: missing required attribute 'confidence'"
    ]
    assert [a.name for a in schema.attributes_for_event("ATTACK")] == ["modality", "note", "confidence"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'name = "killed"\n  kind = "count"',
            'name = "note"\n  kind = "count"',
            "events[1].attributes[0].kind: 'note' is a built-in attribute of kind 'text'; declare it with "
            "that kind or choose another name",
        ),
        (
            'name = "modality"\nkind = "choice"',
            'name = "confidence"\nkind = "text"',
            "event_attributes[0].kind: 'confidence' is a built-in attribute of kind 'choice'",
        ),
    ],
)
def test_builtin_attribute_redeclared_with_another_kind(old: str, new: str, expected: str) -> None:
    with pytest.raises(SchemaError) as info:
        parse_schema(edit(old, new), "mini.toml")
    assert any(p.startswith(f"mini.toml: {expected}") for p in info.value.problems), info.value.problems


# ------------------------------------------------------------------------------------ hierarchy and naming

HIERARCHY = """\
[schema]
name = "tree"
version = "1"

[[entities]]
name = "ACTOR"
color = "#111111"
description = "Anyone who acts."
abstract = true

[[entities]]
name = "PER"
color = "#222222"
hotkey = "p"
description = "A person."
parent = "ACTOR"

[[entities]]
name = "OFFICIAL"
color = "#333333"
description = "A public official."
parent = "PER"

[[entities]]
name = "ORG"
color = "#444444"
description = "An organisation."
parent = "ACTOR"

[[entities]]
name = "PLACE"
color = "#555555"
description = "A place."

[[events]]
name = "CONFLICT"
color = "#666666"
description = "Any conflict event."
abstract = true

[[events]]
name = "ATTACK"
color = "#777777"
description = "An attack."
parent = "CONFLICT"
  [[events.roles]]
  name = "Attacker"
  types = ["ACTOR"]
  cardinality = "any"
  description = "Who attacked."

[[events]]
name = "REPORT"
color = "#888888"
description = "A report."
  [[events.roles]]
  name = "Topic"
  types = ["CONFLICT"]
  cardinality = "one"
  description = "What is reported."

[[relations]]
name = "LEADS"
color = "#999999"
description = "Leads."
from = ["PER"]
to = ["ACTOR"]
"""


def test_type_hierarchy() -> None:
    schema = parse_schema(HIERARCHY)
    assert schema.entity_type("OFFICIAL").parent == "PER"
    assert schema.entity_type("ACTOR").abstract
    assert schema.ancestors("OFFICIAL") == ("PER", "ACTOR")
    assert schema.ancestors("PLACE") == ()
    assert schema.subtypes("ACTOR") == ("PER", "OFFICIAL", "ORG")
    assert schema.is_a("OFFICIAL", "ACTOR") and not schema.is_a("ACTOR", "OFFICIAL")
    assert schema.assignable_entity_type_names == ("PER", "OFFICIAL", "ORG", "PLACE")
    assert schema.assignable_event_type_names == ("ATTACK", "REPORT")
    # A subtype fills a role (and a relation argument) that names its ancestor.
    assert schema.check_role_filler("ATTACK", "Attacker", "OFFICIAL") is None
    assert schema.check_role_filler("ATTACK", "Attacker", "ORG") is None
    assert schema.check_role_filler("ATTACK", "Attacker", "PLACE") is not None
    assert schema.check_role_filler("REPORT", "Topic", "ATTACK") is None
    assert schema.check_relation("LEADS", "OFFICIAL", "ORG") is None
    assert schema.check_relation("LEADS", "ORG", "PER") is not None
    assert schema.role("ATTACK", "Attacker").accepts("ACTOR")
    assert not schema.role("ATTACK", "Attacker").accepts("PER")  # the list only
    # An abstract type cannot be assigned.
    assert schema.check_attributes("entity", "ACTOR", {}) == [
        "ACTOR: abstract entity type, cannot be assigned (use a subtype: PER, OFFICIAL, ORG)"
    ]
    assert schema.check_attributes("event", "CONFLICT", {}) == [
        "CONFLICT: abstract event type, cannot be assigned (use a subtype: ATTACK)"
    ]
    assert schema.check_attributes("entity", "OFFICIAL", {}) == []


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            'parent = "PER"',
            'parent = "ORG"',
            "entities[2].parent: 'ORG' is not an entity type declared before this one (known: ACTOR, PER)",
        ),
        (
            'parent = "PER"',
            'parent = "ATTACK"',
            "entities[2].parent: 'ATTACK' is not an entity type declared before this one",
        ),
        ('parent = "PER"', 'parent = "OFFICIAL"', "entities[2].parent: a type cannot be its own parent"),
        (
            'parent = "CONFLICT"',
            'parent = "CONFLICTS"',
            "events[1].parent: 'CONFLICTS' is not an event type declared before this one (did you mean "
            "'CONFLICT'?",
        ),
        ("abstract = true", 'abstract = "yes"', "entities[0].abstract: must be true or false"),
        (
            'abstract = true\n\n[[entities]]\nname = "PER"',
            'abstract = true\nhotkey = "a"\n\n[[entities]]\nname = "PER"',
            "entities[0].hotkey: an abstract type cannot be assigned, so it takes no hotkey",
        ),
    ],
)
def test_hierarchy_errors(old: str, new: str, expected: str) -> None:
    with pytest.raises(SchemaError) as info:
        parse_schema(edit(old, new, HIERARCHY), "tree.toml")
    assert any(p.startswith(f"tree.toml: {expected}") for p in info.value.problems), info.value.problems


BRAT_NAMED = """\
[schema]
name = "brat-news"
version = "1.0"
naming = "brat"

[[entities]]
name = "Person"
color = "#FF821C"
description = "Person"

[[event_attributes]]
name = "Negation"
kind = "flag"

[[events]]
name = "Transfer-money"
color = "#77AADD"
description = "Transfer money"
  [[events.roles]]
  name = "Giver-Arg"
  types = ["Person"]
  cardinality = "one"
  description = "Giver"

[[relations]]
name = "Geographical_part"
color = "#EE8866"
description = "Geographical part"
from = ["Person"]
to = ["Person"]
"""


def test_brat_naming_relaxes_name_rules() -> None:
    schema = parse_schema(BRAT_NAMED)
    assert schema.naming == "brat"
    assert schema.event_type_names == ("Transfer-money",)
    assert schema.role("Transfer-money", "Giver-Arg").min == 1
    assert [a.name for a in schema.event_attributes] == ["Negation"]
    with pytest.raises(SchemaError) as info:
        parse_schema(BRAT_NAMED.replace('naming = "brat"\n', ""))
    assert "<schema>: entities[0].name: 'Person' is not an UPPER_SNAKE identifier ([A-Z][A-Z0-9_]*)" in (
        info.value.problems
    )
    assert any("events[0].name: 'Transfer-money' is not" in p for p in info.value.problems)
    assert any("events[0].roles[0].name: 'Giver-Arg' is not a role name" in p for p in info.value.problems)
    assert any("event_attributes[0].name: 'Negation' is not a lower_snake" in p for p in info.value.problems)
    with pytest.raises(SchemaError, match=r"schema\.naming: 'loose' is not one of: strict, brat"):
        parse_schema(BRAT_NAMED.replace('naming = "brat"', 'naming = "loose"'))
    with pytest.raises(SchemaError, match=r"events\[0\]\.name: 'Transfer money' is not a brat name"):
        parse_schema(BRAT_NAMED.replace('name = "Transfer-money"', 'name = "Transfer money"'))


def test_names_fit_the_database_columns() -> None:
    long = "A" * 65
    with pytest.raises(
        SchemaError, match=r"entities\[0\]\.name: 'AAAAAAAAAAAAAAAAAAAA'\.\.\. is longer than 64"
    ):
        parse_schema(edit('name = "PER"', f'name = "{long}"'))
    parse_schema(edit('name = "PER"', f'name = "{long[:64]}"').replace('"PER"', f'"{long[:64]}"'))


# ---------------------------------------------------------------------------------------- writing TOML


@pytest.mark.parametrize(
    "text",
    [MINI, WITH_RELATIONS, HIERARCHY, BRAT_NAMED],
    ids=["mini", "relations", "hierarchy", "brat-named"],
)
def test_schema_to_toml_round_trips(text: str) -> None:
    schema = parse_schema(text)
    written = schema_to_toml(schema)
    again = parse_schema(written, "written.toml")
    assert again == schema
    assert again.fingerprint == schema.fingerprint
    assert again.source_text == written
    assert schema_to_toml(again) == written


def test_schema_to_toml_round_trips_the_default_schema(schema: Schema) -> None:
    written = schema_to_toml(schema, comment="Written back.\nSecond line.")
    assert written.startswith("# Written back.\n# Second line.\n\n[schema]\n")
    again = parse_schema(written)
    assert again == schema
    assert again.fingerprint == schema.fingerprint
    assert 'cardinality = "optional"' in written
    assert "equivalence = true" in written


def test_schema_to_toml_escapes_strings() -> None:
    tricky = 'He said "हमला" \\ then\ttab, new\nline and \x7f and \x01.'
    text = edit('description = "A person."', f"description = {json.dumps(tricky)}".replace("\x7f", "\\u007f"))
    schema = parse_schema(text)
    assert schema.entity_type("PER").description == tricky
    written = schema_to_toml(schema)
    assert parse_schema(written) == schema
    assert "हमला" in written  # UTF-8 kept as it is


def test_schema_to_toml_writes_bounds_without_a_name_as_min_max() -> None:
    schema = parse_schema(edit("  max = 1\n", "  min = 2\n  max = 4\n"))
    written = schema_to_toml(schema)
    assert "  min = 2\n  max = 4\n" in written
    assert parse_schema(written) == schema


# ------------------------------------------------------------------------- the default schema's additions


def test_default_schema_relations(schema: Schema) -> None:
    assert schema.relation_type_names == ("FRONT_OF", "ALIAS_OF", "MEMBER_OF", "LOCATED_IN", "HOLDS_TITLE")
    front = schema.relation_type("FRONT_OF")
    assert set(front.from_types) == set(front.to_types) == {"ARMED_GROUP", "ORG"}
    assert not front.symmetric
    alias = schema.relation_type("ALIAS_OF")
    assert alias.equivalence and alias.symmetric
    assert set(alias.from_types) == {"PER", "ORG", "ARMED_GROUP", "GPE", "LOC", "FAC", "WEAPON"}
    member = schema.relation_type("MEMBER_OF")
    assert set(member.from_types) == {"PER", "ARMED_GROUP", "ORG"}
    assert set(member.to_types) == {"ORG", "ARMED_GROUP", "GPE"}
    located = schema.relation_type("LOCATED_IN")
    assert set(located.from_types) == {"FAC", "LOC", "GPE", "ORG", "ARMED_GROUP"}
    assert set(located.to_types) == {"LOC", "GPE", "FAC"}
    title = schema.relation_type("HOLDS_TITLE")
    assert (title.from_types, title.to_types) == (("PER",), ("TITLE",))
    assert schema.check_relation("FRONT_OF", "ARMED_GROUP", "ARMED_GROUP") is None
    assert schema.check_relation("HOLDS_TITLE", "PER", "TITLE") is None
    assert schema.check_relation("HOLDS_TITLE", "TITLE", "PER") is not None
    assert schema.check_relation("ALIAS_OF", "ORG", "ARMED_GROUP") is None
    assert schema.check_relation("ALIAS_OF", "DATE", "DATE") is not None
    assert schema.check_relation("MEMBER_OF", "PER", "ARMED_GROUP") is None
    assert schema.check_attributes("relation", "MEMBER_OF", {"status": "alleged", "confidence": "low"}) == []
    assert {k: v for k, v in schema.hotkeys().items() if v[0] == "relation"} == {
        "F": ("relation", "FRONT_OF"),
        "A": ("relation", "ALIAS_OF"),
        "M": ("relation", "MEMBER_OF"),
        "L": ("relation", "LOCATED_IN"),
        "H": ("relation", "HOLDS_TITLE"),
    }


def test_default_schema_cardinalities_are_explicit(schema: Schema) -> None:
    roles = schema.source_text.count("[[events.roles]]")
    assert schema.source_text.count("  cardinality = ") == roles
    assert "  min = " not in schema.source_text and "  max = " not in schema.source_text
    for event in schema.events:
        for role in event.roles:
            if role.name in ("Place", "Time"):
                assert role.cardinality_label == "optional", (event.name, role.name)
    assert schema.role("MEET", "Participant").cardinality == "one_or_more"
    assert schema.role("AGREE", "Participant").cardinality_label == "one or more"
    assert schema.role("ATTACK", "Attacker").cardinality == "any"


# ------------------------------------------------------------------------------------- the workbench's keys


def test_a_key_the_workbench_uses_is_refused_naming_what_uses_it() -> None:
    """A label on ``m`` would make relation marking unreachable, one on ``-`` negative sentiment."""
    with pytest.raises(SchemaError, match=r"entities\[0\]\.hotkey: hotkey 'm' is the workbench's key"):
        parse_schema(edit('hotkey = "p"', 'hotkey = "m"', WITH_RELATIONS))
    with pytest.raises(SchemaError, match=r"hotkey '-' is the workbench's key to sentiment toward"):
        parse_schema(edit('hotkey = "p"', 'hotkey = "-"', WITH_RELATIONS))
    with pytest.raises(SchemaError, match=r"relations\[\d\]\.hotkey: hotkey 'Y' is the workbench's"):
        parse_schema(edit('hotkey = "M"', 'hotkey = "Y"', WITH_RELATIONS))
    # digits fill the active event's roles: an entity may not have one, an event type may (the default
    # schema's 1 … 0 make events when none is active)
    with pytest.raises(SchemaError, match=r"hotkey '5' is the workbench's key to fill role 5"):
        parse_schema(edit('hotkey = "p"', 'hotkey = "5"', WITH_RELATIONS))
    assert load_schema(resource_path("schemas", "default.toml")).hotkeys()["1"] == ("event", "ATTACK")


def test_a_stored_schema_from_before_the_rule_still_opens() -> None:
    text = edit('hotkey = "p"', 'hotkey = "m"', WITH_RELATIONS)
    assert parse_schema(text, "stored", workbench_keys=False).entity_type("PER").hotkey == "m"
