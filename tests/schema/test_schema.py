"""Tests of annotator.schema: the model, the loader's validation and the shipped default schema."""

from __future__ import annotations

import dataclasses
import re
import unicodedata

import pytest

from annotator.resources import resource_path
from annotator.schema import (
    AttributeDef,
    Schema,
    SchemaError,
    default_schema,
    load_schema,
    parse_schema,
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
    assert [a.name for a in mini.attributes_for_event("DIE")] == ["modality", "killed", "confirmed"]
    assert [a.name for a in mini.attributes_for_event("ATTACK")] == ["modality"]
    assert [a.name for a in mini.attributes_for_entity("ORG")] == ["actor_type"]
    assert mini.attributes_for_entity("PER") == ()
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
        ("entity", "PER", {"actor_type": "civilians"}, ["PER: unknown attribute 'actor_type' (known: none)"]),
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
        mini.check_attributes("relation", "PER", {})


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
    pytest.param("[schema]", "relations = []\n[schema]", "relations: unknown key", id="root-unknown"),
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
        "allowed: name, color, hotkey, description, attributes)",
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
    hotkeys = [t.hotkey for t in (*schema.entities, *schema.events)]
    assert len(set(hotkeys)) == len(hotkeys) == len(schema.hotkeys())


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
