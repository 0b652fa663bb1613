"""Tests of annotator.schema.brat_conf: brat annotation.conf (+ visual.conf, kb_shortcuts.conf) -> Schema."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from annotator.schema import (
    BUILTIN_ATTRIBUTES,
    Schema,
    SchemaError,
    load_schema_file,
    parse_annotation_conf,
    parse_schema,
    schema_to_toml,
)
from annotator.schema.brat_conf import PALETTE, is_annotation_conf
from tests.conftest import corpus


def _brat(*parts: str) -> Schema:
    return load_schema_file(corpus("brat-tutorials", *parts))


def _round_trips(schema: Schema) -> None:
    again = parse_schema(schema.source_text, "stored")
    assert again == schema
    assert again.fingerprint == schema.fingerprint
    assert parse_schema(schema_to_toml(schema)) == schema


# ------------------------------------------------------------------------------------- the brat tutorials


def test_news_entities_colours_and_hotkeys() -> None:
    schema = _brat("news", "annotation.conf")
    assert schema.name == "brat-news"
    assert schema.naming == "brat"
    assert schema.entity_type_names == ("Person", "Organization", "GPE", "Money")
    # Colours from visual.conf (bgColor), normalised to #RRGGBB.
    assert [e.color for e in schema.entities] == ["#FF821C", "#A7C2FF", "#FFD412", "#007000"]
    # kb_shortcuts.conf says "P person": matched case-insensitively, lower case for entity types; "M Money"
    # is left out with a note, since m is the workbench's relation key (annotator.keymap)
    assert [e.hotkey for e in schema.entities] == ["p", "o", "g", None]
    notes: list[str] = []
    load_schema_file(corpus("brat-tutorials", "news", "annotation.conf"), notes)
    assert any("Money keeps no key: 'm' is the workbench's key to mark" in n for n in notes), notes
    # Descriptions are visual.conf's display names, else the name.
    assert schema.entity_type("GPE").description == "Geo-political entity"
    assert schema.entity_type("Money").description == "Money"
    _round_trips(schema)


def test_news_events_hierarchy_and_roles() -> None:
    schema = _brat("news", "annotation.conf")
    assert schema.event_type_names == (
        "Life",
        "Be-born",
        "Marry",
        "Divorce",
        "Die",
        "Transaction",
        "Transfer-ownership",
        "Transfer-money",
        "Business",
        "Start-org",
        "Merge-org",
        "End-org",
        "Report",
    )
    life = schema.event_type("Life")
    assert life.abstract and life.roles == () and life.hotkey is None
    assert schema.event_type("Be-born").parent == "Life"
    assert schema.event_type("Transfer-money").parent == "Transaction"
    assert schema.event_type("Report").parent is None
    assert schema.subtypes("Business") == ("Start-org", "Merge-org", "End-org")
    assert schema.assignable_event_type_names == (
        "Be-born",
        "Marry",
        "Divorce",
        "Die",
        "Transfer-ownership",
        "Transfer-money",
        "Start-org",
        "Merge-org",
        "End-org",
        "Report",
    )
    assert "abstract event type" in schema.check_attributes("event", "Life", {})[0]

    def bounds(event: str, role: str) -> tuple[int, int | None, str]:
        r = schema.role(event, role)
        return r.min, r.max, r.cardinality_label

    assert bounds("Be-born", "Person-Arg") == (1, 1, "exactly one")  # no suffix
    assert bounds("Be-born", "Place-Arg") == (0, 1, "optional")  # ?
    assert bounds("Marry", "Person-Arg") == (2, 2, "exactly 2")  # {2}
    assert bounds("Merge-org", "Org-Arg") == (1, None, "one or more")  # +
    assert schema.event_type("Die").role_names == ("Person-Arg", "Agent-Arg", "Place-Arg")
    # <POG>=Person|Organization|GPE
    assert schema.role("Die", "Agent-Arg").types == ("Person", "Organization", "GPE")
    assert schema.role("Transfer-money", "Money-Arg").types == ("Money",)
    assert schema.role("Be-born", "Person-Arg").description == "Person"  # visual.conf: Person-Arg | Person
    # Event-Arg:<EVENT> takes every assignable event type.
    assert schema.role("Report", "Event-Arg").types == schema.assignable_event_type_names
    assert schema.check_role_filler("Report", "Event-Arg", "Marry") is None
    assert schema.check_role_filler("Report", "Event-Arg", "Person") is not None
    assert schema.check_arguments("Marry", [("Person-Arg", "Person")]) == [
        "Marry.Person-Arg: needs at least 2 argument(s), has 1"
    ]


def test_news_relations_and_attributes() -> None:
    schema = _brat("news", "annotation.conf")
    assert schema.relation_type_names == (
        "Located",
        "Geographical_part",
        "Family",
        "Employment",
        "Ownership",
        "Origin",
        "Alias",
    )
    located = schema.relation_type("Located")
    assert (located.from_types, located.to_types, located.symmetric) == (("Person",), ("GPE",), False)
    alias = schema.relation_type("Alias")  # <REL-TYPE>:symmetric-transitive
    assert alias.equivalence and alias.symmetric
    assert alias.from_types == alias.to_types == ("Person",)
    assert schema.relation_type("Geographical_part").description == "Geographical part"
    assert schema.check_relation("Ownership", "Person", "Organization") is None
    assert schema.check_relation("Ownership", "Organization", "Person") is not None
    # Arg:<ENTITY> / Arg:<EVENT> attributes apply to every entity / event type.
    assert [(a.name, a.kind, a.values) for a in schema.entity_attributes] == [
        ("Individual", "flag", ()),
        ("Mention", "choice", ("Name", "Nominal", "Other")),
    ]
    assert [(a.name, a.kind, a.values) for a in schema.event_attributes] == [
        ("Negation", "flag", ()),
        ("Confidence", "choice", ("High", "Neutral", "Low")),
    ]
    names = [a.name for a in schema.attributes_for_event("Die")]
    assert names == ["Negation", "Confidence", "note", "confidence"]
    assert schema.check_attributes("event", "Die", {"Negation": True, "Confidence": "Low"}) == []
    assert schema.check_attributes("entity", "Person", {"Mention": "Pronoun"}) == [
        "Person.Mention: 'Pronoun' is not one of: Name, Nominal, Other"
    ]
    assert schema.attributes_for_relation("Alias") == BUILTIN_ATTRIBUTES


def test_bio() -> None:
    schema = _brat("bio", "annotation.conf")
    assert schema.name == "brat-bio"
    assert schema.entity_type_names == ("Protein", "Simple_chemical", "Complex", "Organism")
    assert [e.color for e in schema.entities] == ["#7FA2FF", "#8FCFFF", "#8F97FF", "#FFCCAA"]
    assert [e.hotkey for e in schema.entities] == ["p", "s", "x", "o"]  # C Cause / T Theme: roles, ignored
    assert schema.event_type_names == (
        "Gene_expression",
        "Binding",
        "Positive_regulation",
        "Negative_regulation",
    )
    assert schema.event_type("Positive_regulation").color == "#E0FF00"
    assert schema.event_type("Gene_expression").color == PALETTE[0]  # no colour in visual.conf
    assert schema.role("Binding", "Theme").cardinality == "one_or_more"
    theme = schema.role("Positive_regulation", "Theme")
    assert theme.types == (*schema.event_type_names, "Protein")  # <EVENT>|Protein
    assert (theme.min, theme.max) == (1, 1)
    assert schema.role("Negative_regulation", "Cause").cardinality == "optional"
    assert schema.check_role_filler("Positive_regulation", "Cause", "Binding") is None
    assert schema.relation_type_names == ("Part-of", "Member-of", "Equiv")
    part_of = schema.relation_type("Part-of")
    assert (part_of.from_types, part_of.to_types) == (("Protein",), ("Complex",))
    # Equiv is declared on three lines: one relation with the union of their types.
    equiv = schema.relation_type("Equiv")
    assert equiv.equivalence
    assert equiv.from_types == equiv.to_types == ("Protein", "Simple_chemical", "Organism")
    assert [(a.name, a.values) for a in schema.event_attributes] == [
        ("Negation", ()),
        ("Confidence", ("Possible", "Likely", "Certain")),
    ]
    _round_trips(schema)


def test_source_text_is_toml_naming_the_conversion() -> None:
    schema = _brat("news", "annotation.conf")
    text = schema.source_text
    assert text.startswith(
        "# Label schema converted by annotator from the brat configuration annotation.conf"
    )
    assert 'naming = "brat"' in text
    assert 'parent = "Life"' in text
    assert "cardinality = 2" in text
    assert "equivalence = true" in text
    assert "visual.conf" in schema.description and "kb_shortcuts.conf" in schema.description


def test_load_schema_file_dispatch(tmp_path) -> None:
    news = corpus("brat-tutorials", "news", "annotation.conf")
    from_file = load_schema_file(news)
    assert load_schema_file(news.parent) == from_file  # a folder holding annotation.conf
    # brat content under another name is recognised by its section headers.
    renamed = tmp_path / "ace" / "schema.txt"
    renamed.parent.mkdir()
    shutil.copy(news, renamed)
    converted = load_schema_file(renamed)
    assert converted.name == "brat-ace"
    assert converted.entity_type_names == from_file.entity_type_names
    assert converted.entity_type("Person").hotkey is None  # no kb_shortcuts.conf beside it
    # TOML stays TOML, whatever the name.
    toml = tmp_path / "mine.toml"
    toml.write_text(from_file.source_text, encoding="utf-8")
    assert load_schema_file(toml) == from_file
    with pytest.raises(FileNotFoundError):
        load_schema_file(tmp_path / "nope.conf")


def test_is_annotation_conf() -> None:
    assert is_annotation_conf("[entities]\nPerson\n")
    assert is_annotation_conf("# c\n  [events]  \nX\n")
    assert not is_annotation_conf('[schema]\nname = "x"\n[[entities]]\nname = "PER"\n')
    assert not is_annotation_conf('[schema]\nname = "x"\n[entities]\nname = "PER"\n')


# ----------------------------------------------------------------------------------- synthetic confs

CONF = """\
# A configuration using the rest of brat's syntax.
<ACTOR>=Person|Organization
<PLACE>=GPE|Facility

[entities]
!Actor
\tPerson
\t\tOfficial
\tOrganization
GPE
Facility

[relations]
<OVERLAP>\tArg1:Person, Arg2:Person, <OVL-TYPE>:contain
Based-in\tArg1:Organization, Arg2:<PLACE>
Neighbour  Arg1:GPE, Arg2:Facility, <REL-TYPE>:symmetric
Related    Arg1:<ANY>, Arg2:<ANY>

[events]
Attack\tAttacker*:<ACTOR>, Target{1-3}:<ANY>, Place?:<PLACE>
!Speech
\tStatement  Speaker:Actor, Topic?:<EVENT>

[attributes]
Negated   Arg:<EVENT>
Rank      Arg:Actor, Value:Senior|Junior
Certain   Arg:<RELATION>
Disputed  Arg:Based-in|GPE
"""


def test_synthetic_conf() -> None:
    schema = parse_annotation_conf(CONF, "conf/annotation.conf")
    assert schema.name == "brat-conf"
    assert schema.entity_type_names == ("Actor", "Person", "Official", "Organization", "GPE", "Facility")
    assert schema.ancestors("Official") == ("Person", "Actor")
    assert schema.entity_type("Actor").abstract
    attack = schema.event_type("Attack")
    assert [(r.name, r.min, r.max) for r in attack.roles] == [
        ("Attacker", 0, None),
        ("Target", 1, 3),
        ("Place", 0, 1),
    ]
    assert attack.role("Attacker").types == ("Person", "Organization")
    # <ANY> in a role: every assignable entity and event type.
    assert attack.role("Target").types == (
        "Person",
        "Official",
        "Organization",
        "GPE",
        "Facility",
        "Attack",
        "Statement",
    )
    assert attack.role("Target").cardinality_label == "1 to 3"
    statement = schema.event_type("Statement")
    assert statement.parent == "Speech"
    assert statement.role("Speaker").types == ("Actor",)  # an abstract type: its subtypes fill the role
    assert schema.check_role_filler("Statement", "Speaker", "Official") is None
    assert schema.check_role_filler("Statement", "Speaker", "GPE") is not None
    # Relations: <OVERLAP> skipped; symmetric with different sides -> their union on both.
    assert schema.relation_type_names == ("Based-in", "Neighbour", "Related")
    neighbour = schema.relation_type("Neighbour")
    assert neighbour.symmetric and not neighbour.equivalence
    assert neighbour.from_types == neighbour.to_types == ("GPE", "Facility")
    assert schema.relation_type("Based-in").to_types == ("GPE", "Facility")
    # <ANY> in a relation: entity types only.
    assert schema.relation_type("Related").from_types == (
        "Person",
        "Official",
        "Organization",
        "GPE",
        "Facility",
    )
    # Attributes: schema-wide for <EVENT>/<RELATION>; an abstract type's attribute goes to its subtypes.
    assert [a.name for a in schema.event_attributes] == ["Negated"]
    assert [a.name for a in schema.relation_attributes] == ["Certain"]
    for name in ("Person", "Official", "Organization"):
        assert [a.name for a in schema.entity_type(name).attributes] == ["Rank"], name
    assert schema.entity_type("Actor").attributes == ()
    assert [a.name for a in schema.entity_type("GPE").attributes] == ["Disputed"]
    assert [a.name for a in schema.relation_type("Based-in").attributes] == ["Disputed"]
    # No visual.conf: palette colours, unique per kind; no kb_shortcuts.conf: no hotkeys.
    assert [e.color for e in schema.entities] == list(PALETTE[:6])
    assert all(t.hotkey is None for t in (*schema.entities, *schema.events, *schema.relations))
    _round_trips(schema)
    assert parse_annotation_conf(CONF, "conf/annotation.conf") == schema  # stable


def test_visual_conf_colours_and_shortcuts() -> None:
    visual = """\
[labels]
Person | Human being | Hum
[drawing]
SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen
Person\tbgColor:lightgreen
Official\tbgColor:#abc
Organization\tbgColor:#AABBCC
GPE\tbgColor:not-a-colour
Based-in\tcolor:#123456, dashArray:3-3
Attack\tbgColor:#FFEE00
"""
    shortcuts = """\
# key  type
P\tperson
O Official
x Organization
N Neighbour
A Actor
G GPE
g Facility
S Speaker
"""
    schema = parse_annotation_conf(CONF, "annotation.conf", visual=visual, shortcuts=shortcuts)
    colours = {e.name: e.color for e in schema.entities}
    assert colours["Person"] == "#90EE90"  # CSS name
    assert colours["Official"] == "#AABBCC"  # #abc shorthand
    assert colours["Organization"] == PALETTE[1]  # #AABBCC is taken: the palette's next free colour
    assert colours["GPE"] == PALETTE[2]  # not understood
    assert schema.relation_type("Based-in").color == "#123456"  # arcs: color, not bgColor
    assert schema.event_type("Attack").color == "#FFEE00"
    assert schema.entity_type("Person").description == "Human being"
    keys = schema.hotkeys()
    assert keys["p"] == ("entity", "Person")  # case-insensitive name, lower-case key
    assert keys["o"] == ("entity", "Official")
    assert keys["x"] == ("entity", "Organization")
    assert keys["N"] == ("relation", "Neighbour")  # relations: upper case (Shift+letter)
    assert keys["g"] == ("entity", "GPE")  # 'g' twice: the first wins
    assert schema.entity_type("Facility").hotkey is None
    assert schema.entity_type("Actor").hotkey is None  # abstract types take none
    assert "a" not in keys and "s" not in keys and "S" not in keys
    _round_trips(schema)


def test_many_types_get_unique_generated_colours() -> None:
    names = [f"T{i}" for i in range(60)]
    schema = parse_annotation_conf("[entities]\n" + "\n".join(names) + "\n", "annotation.conf")
    colours = [e.color for e in schema.entities]
    assert len({c.lower() for c in colours}) == 60
    assert all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in colours)


# ----------------------------------------------------------------------------------------- errors

ERRORS = [
    (
        "[entities]\nPerson\n[events]\nDie  Victim:<PER>\n",
        "line 4: Die.Victim: unknown macro <PER> (defined: none)",
    ),
    (
        "[entities]\nPerson\n[events]\nDie  Victim{0}:Person\n",
        "line 4: Die.Victim: cardinality '{0}' must allow",
    ),
    (
        "[entities]\nPerson\n[events]\nDie  Victim{3-1}:Person\n",
        "line 4: Die.Victim: cardinality '{3-1}' must",
    ),
    ("[entities]\nPerson\n[events]\nDie  Victim{x}:Person\n", "line 4: Die.Victim: cardinality '{x}' is not"),
    ("[entities]\nPerson\n[events]\nDie  Victim\n", "line 4: Die: 'Victim' is not Role:Type|Type"),
    (
        "[entities]\nPerson\n[events]\nDie  Victim:Person, Victim?:Person\n",
        "line 4: Die: role 'Victim' given twice",
    ),
    ("[entities]\nPerson\nPerson\n", "line 3: type 'Person' declared twice (also line 2)"),
    ("[entities]\nPerson\n[events]\nPerson\n", "line 4: type 'Person' declared twice (also line 2)"),
    ("[entities]\nPerson Name\n", "line 2: an entity line holds one type name, not 'Person Name'"),
    ("[entities]\nPer son\n", "line 2: an entity line holds one type name"),
    ("[entities]\nPerson\n\t\tOfficial\n", "line 3: Official is indented 2 tab(s), more than one level"),
    ("Person\n[entities]\nPerson\n", "line 1: text before the first section"),
    ("[entities]\n[relations]\n", "line 1: no entity types: [entities] must list at least one"),
    (
        "[entities]\nPerson\n[events]\nDie\n[relations]\nKilled  Arg1:Person, Arg2:Die\n",
        "line 6: relation Killed argument 2: 'Die' is an event type; a relation connects entities",
    ),
    (
        "[entities]\nPerson\n[relations]\nKnows  Arg1:Person\n",
        "line 4: relation Knows: needs exactly two arguments, has 1",
    ),
    ("[entities]\nPerson\n[relations]\nKnows\n", "line 4: relation Knows: needs two arguments"),
    (
        "[entities]\nPerson\n[relations]\nKnows  Arg1:Person, Arg2:Person, <REL-TYPE>:transitive\n",
        "line 4: relation Knows: <REL-TYPE> 'transitive' is not supported (only symmetric and",
    ),
    (
        "[entities]\nPerson\n[relations]\nKnows  Arg1+:Person, Arg2:Person\n",
        "line 4: relation Knows: argument 'Arg1+': a relation argument takes no cardinality",
    ),
    (
        "[entities]\nPerson\n[relations]\nKnows  Arg1:Person, Arg2:Person\nKnows  Arg1:Person, Arg2:Person, "
        "<REL-TYPE>:symmetric\n",
        "line 5: relation Knows: <REL-TYPE> symmetric differs from line 4 (none)",
    ),
    ("[entities]\nPerson\n[attributes]\nNegated\n", "line 4: attribute Negated: missing Arg:Type"),
    (
        "[entities]\nPerson\n[attributes]\nMood  Arg:Person, Value:Sad|Sad\n",
        "line 4: attribute Mood: a value is given twice",
    ),
    (
        "[entities]\nPerson\n[attributes]\nnote  Arg:<ENTITY>\n",
        "line 4: attribute note: 'note' is a built-in attribute of kind 'text'; rename it",
    ),
    (
        "[entities]\nPerson\n[attributes]\nA  Arg:Person\nA  Arg:Person\n",
        "line 5: attribute A: declared twice (also line 4)",
    ),
    ("<ENTITY>=Person\n[entities]\nPerson\n", "line 1: <ENTITY> is built into brat and cannot be redefined"),
    (
        "<A>=<B>\n<B>=<A>\n[entities]\nPerson\n[events]\nDie  Victim:<A>\n",
        "line 6: Die.Victim: macro <A> refers to itself",
    ),
]


@pytest.mark.parametrize(("text", "expected"), ERRORS)
def test_conf_errors_name_the_line(text: str, expected: str) -> None:
    with pytest.raises(SchemaError) as info:
        parse_annotation_conf(text, "bad.conf")
    problems = info.value.problems
    assert any(p.startswith(f"bad.conf: {expected}") for p in problems), "\n".join(problems)
    assert all(re.match(r"bad\.conf: line \d+: ", p) for p in problems), problems


def test_all_conf_errors_are_collected() -> None:
    text = "[entities]\nPerson\nPerson\n[events]\nDie  Victim:Person, Place?:<LOC>\n[attributes]\nA\n"
    with pytest.raises(SchemaError) as info:
        parse_annotation_conf(text, "bad.conf")
    assert [p.split(":")[1].strip() for p in info.value.problems] == ["line 3", "line 5", "line 7"]


#: What brat accepts (server/src/projectconfig.py) and the conversion takes, saying how in a note.
NOTES = [
    (
        "[entities]\nPerson\n[events]\nDie  Victim:Persn\n",
        "line 4: Die.Victim: type 'Persn' is declared nowhere",
    ),
    ("[entities]\nPer.son\n", "line 2: entity type 'Per.son' is stored as 'Per_son'"),
    ("[entities]\nPerson\n[things]\nX\n", "line 3: section [things] is not one of"),
    (
        "[entities]\nPerson\n[relations]\nPerson  Arg1:Person, Arg2:Person\n",
        "line 4: relation 'Person' is also a type (line 2): the relation is named 'Person-relation'",
    ),
    (
        "[entities]\nPerson\n[attributes]\nMood  Arg:Person, Value:Sad|so so\n",
        "line 4: attribute Mood: value 'so so' is stored as 'so_so'",
    ),
    (
        "[entities]\nPerson\n[attributes]\nMood  Arg:Persons\n",
        "line 4: attribute Mood: type 'Persons' is declared nowhere (did you mean 'Person'?",
    ),
    (
        "[entities]\nDNA_methylation|GO:0006306\n",
        "line 2: entity type DNA_methylation: alternative names GO:0006306",
    ),
]


@pytest.mark.parametrize(("text", "expected"), NOTES)
def test_what_brat_accepts_converts_with_a_note(text: str, expected: str) -> None:
    notes: list[str] = []
    parse_annotation_conf(text, "ok.conf", notes=notes)
    assert any(n.startswith(f"ok.conf: {expected}") for n in notes), notes


def test_brat_syntax_separators_spans_indents_macros_defaults() -> None:
    text = (
        "[spans]\nProtein\n----------\nOrganism\n Human\n\tMouse\n"  # brat: a space is a level too
        "[events]\n<ARGS>=Theme:Protein, Cause?:Protein\n<EMPTY>=\nBinding  <ARGS>\n"
        "Gene_expression  Theme:Protein <EMPTY>\n"
        "-----\n"
        "[relations]\n<ARGS>=Arg1:Protein, Arg2:Protein\nEquiv  <ARGS>, <REL-TYPE>:symmetric-transitive\n"
        "Near  Arg1:Protein, Arg2:TODO\n"
        "[attributes]\nOTHER  Arg:<ENTITY>, Value:Typo+UNK|Other\n"
        "Polarity  Arg:<EVENT>, Value:Neg|Pos, <DEFAULT>:Pos\n"
    )
    notes: list[str] = []
    schema = parse_annotation_conf(text, "brat.conf", notes=notes)
    assert [e.name for e in schema.entities] == ["Protein", "Organism", "Human", "Mouse"]
    assert {e.name: e.parent for e in schema.entities}["Mouse"] == "Organism"
    binding = schema.event_type("Binding")
    assert [r.name for r in binding.roles] == ["Theme", "Cause"]
    assert [r.name for r in schema.relations] == ["Equiv"]
    assert any("relation Near: no declared entity type on one side; left out" in n for n in notes)
    other = next(a for a in schema.entity_attributes if a.name == "OTHER")
    assert other.values == ("Typo_UNK", "Other")
    polarity = next(a for a in schema.event_attributes if a.name == "Polarity")
    assert polarity.default == "Pos"


def test_conf_file_errors_name_the_file(tmp_path) -> None:
    path = tmp_path / "annotation.conf"
    path.write_text("[entities]\nPerson\n[events]\nDie  Victim:Persn\n", encoding="utf-8")
    notes: list[str] = []
    load_schema_file(path, notes)
    assert notes[0].startswith("annotation.conf: line 4: Die.Victim: type 'Persn' is declared nowhere")
    path.write_text("[entities]\nPerson\nPerson\n", encoding="utf-8")
    with pytest.raises(SchemaError, match=r"^annotation\.conf: line 3: type 'Person' declared twice"):
        load_schema_file(path)
    path.write_bytes(b"[entities]\nPers\xf6n\n")
    with pytest.raises(SchemaError, match=r"annotation\.conf: line 2: not valid UTF-8"):
        load_schema_file(path)


BRAT_CONFIGURATIONS = sorted((Path(__file__).parents[1] / "fixtures" / "brat-configurations").glob("*.conf"))


def test_every_configuration_of_brat_is_a_fixture() -> None:
    # brat's configurations/ holds 41; example-data/ holds 10 more annotation.conf files, each a copy of one
    # of these or of the tutorials' (tests below): every one of brat's 51 is tested
    assert len(BRAT_CONFIGURATIONS) == 41


def _entity_terms(text: str) -> list[str]:
    """The first terms of [entities]/[spans] lines, read independently of the converter: what brat stores
    (projectconfig.py: the first of ``A|B`` in storage form, ``!`` dropped; separators, comments, macros
    and ``<...>`` lines skipped)."""
    section, names = "", []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or re.fullmatch(r"-+", line):
            continue
        if line.startswith("["):
            section = line.strip("[] ")
        elif section in ("entities", "spans") and not line.startswith("<"):
            term = line.split()[0].removeprefix("!").split("|")[0]
            names.append(re.sub(r"[^a-zA-Z0-9_-]", "_", term.replace(" ", "_")))
    return names


def _tutorial_configuration(name: str) -> Path:
    return corpus("brat-tutorials", name, "annotation.conf")


@pytest.mark.parametrize(
    "path",
    [*BRAT_CONFIGURATIONS, "tutorials/news", "tutorials/bio"],
    ids=lambda p: p.stem if isinstance(p, Path) else p,
)
def test_brats_own_configurations_make_projects(path, tmp_path, capsys) -> None:
    from annotator.cli import main
    from annotator.services.project import open_project

    if isinstance(path, str):
        path = _tutorial_configuration(path.split("/")[1])
    project = tmp_path / "p.annotator"
    assert main(["init", str(project), "--schema", str(path)]) == 0, capsys.readouterr().err
    out, err = capsys.readouterr()
    assert "created" in out
    assert all(line.startswith("note: ") for line in err.splitlines())
    text = path.read_text(encoding="utf-8")
    with open_project(project) as opened:
        schema = opened.schema
    # every entity type brat would offer is in the project, under the name brat stores it by
    assert [e.name for e in schema.entities] == list(dict.fromkeys(_entity_terms(text)))
    # every name changed on the way is said in a note line naming its line
    for number, raw in enumerate(text.splitlines(), 1):
        first = raw.strip().split()[0].removeprefix("!") if raw.strip() else ""
        if first.startswith(("#", "<", "[", "-")) or not first:
            continue
        term = first.split("|")[0]
        if "|" in first or re.search(r"[^a-zA-Z0-9_-]", term):
            assert f"line {number}: " in err, (number, raw)


def test_a_fifo_given_as_schema_is_refused_without_blocking(tmp_path) -> None:
    import os
    import signal

    fifo = tmp_path / "annotation.conf"
    os.mkfifo(fifo)
    signal.alarm(20)  # a blocking read would end the test here instead of hanging the suite
    try:
        with pytest.raises(SchemaError, match="not a regular file"):
            load_schema_file(fifo)
    finally:
        signal.alarm(0)


def test_names_brat_stores_differently_keep_what_the_conf_says_in_their_description() -> None:
    notes: list[str] = []
    text = "[entities]\nProtein\nDNA_methylation|GO:0006306\nCell+line\n[attributes]\nOTHER  Arg:<ENTITY>\n"
    schema = parse_annotation_conf(text, "ok.conf", notes=notes)
    # the name is the one brat writes in .ann files (what export writes and import reads); the rest is kept
    assert [e.name for e in schema.entities] == ["Protein", "DNA_methylation", "Cell_line"]
    described = {e.name: e.description for e in schema.entities}
    assert described["DNA_methylation"] == "DNA methylation (brat: DNA_methylation|GO:0006306)"
    assert described["Cell_line"] == "Cell line (brat: Cell+line)"
    assert described["Protein"] == "Protein"
    assert [n.split(": ", 1)[1] for n in notes] == [
        "line 3: entity type DNA_methylation: alternative names GO:0006306 (brat shows them) kept only in "
        "its description",
        "line 4: entity type 'Cell+line' is stored as 'Cell_line' (brat's storage form)",
    ]
