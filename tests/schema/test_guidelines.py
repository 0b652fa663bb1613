"""Guidelines and examples travel with the schema: parsed, looked up by name, written back, versioned."""

from annotator.schema import default_schema, parse_schema, schema_to_toml

SCHEMA = '''
[schema]
name = "g"
version = "1"

[[entities]]
name = "ARMED_GROUP"
color = "#AABBCC"
description = "A non-state armed group."
guideline = """
Label the **group**, not its leader.

* fronts (TRF) are groups too
"""
examples = ["लश्कर-ए-तैयबा", "TRF"]
  [[entities.attributes]]
  name = "size"
  kind = "count"
  guideline = "Only when the article gives a number."

[[events]]
name = "ATTACK"
color = "#EE2233"
description = "A violent act."
  [[events.roles]]
  name = "Attacker"
  types = ["ARMED_GROUP"]
  description = "Who attacked."
  guideline = "The group that *carried out* the attack, not one that claimed it later."
  examples = ["TRF के आतंकियों ने"]
'''


def test_guidelines_are_parsed_and_looked_up_by_name():
    schema = parse_schema(SCHEMA)
    description, guideline, examples = schema.guide("ARMED_GROUP")
    assert description == "A non-state armed group."
    assert "**group**" in guideline and examples == ("लश्कर-ए-तैयबा", "TRF")
    assert schema.guide("ATTACK.Attacker")[1].startswith("The group that *carried out*")
    assert schema.guide("ATTACK.Attacker")[2] == ("TRF के आतंकियों ने",)
    assert schema.guide("@size")[1] == "Only when the article gives a number."
    assert schema.guide("ARMED_GROUP@size")[1] == "Only when the article gives a number."
    assert schema.guide("@confidence")[0].startswith("How sure")  # a built-in attribute
    assert schema.guide("ATTACK")[1:] == ("", ())
    assert schema.guide("NOPE") is None and schema.guide("ATTACK.Nobody") is None


def test_guidelines_are_written_back_and_take_part_in_the_fingerprint():
    schema = parse_schema(SCHEMA)
    again = parse_schema(schema_to_toml(schema))
    assert again == schema and again.fingerprint == schema.fingerprint
    changed = parse_schema(SCHEMA.replace("not its leader", "nor its leader"))
    assert changed.fingerprint != schema.fingerprint  # a new guideline is a new schema version


def test_a_schema_without_guidelines_keeps_its_fingerprint():
    # the default schema's fingerprint from before schemas carried guidelines: work packages made then
    # still match their project
    assert default_schema().fingerprint.startswith("1fa90613f64f")


def test_bad_guideline_values_are_reported():
    bad = SCHEMA.replace('examples = ["लश्कर-ए-तैयबा", "TRF"]', "examples = 3")
    try:
        parse_schema(bad)
    except ValueError as exc:
        assert "entities[0].examples" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("accepted examples = 3")
