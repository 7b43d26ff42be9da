"""The facts JSON Schema accepts what the runtime accepts, and rejects the rest."""

import jsonschema
import pytest

from clinrules.runtime import facts_schema

RULES = """
ruleset "t"
input fever: yes/no
input duration: number in weeks from 0 to 520
input count: number
input side: one of [left, right]
decision d: one of [x]
rule r: IF fever THEN x
"""


@pytest.fixture(scope="module")
def schema(build):
    rs = build(RULES)
    s = facts_schema(rs.doc)
    jsonschema.Draft202012Validator.check_schema(s)
    return jsonschema.Draft202012Validator(s), rs


@pytest.mark.parametrize(
    "facts",
    [
        {"fever": True, "duration": 7, "count": 3, "side": "left"},
        {"fever": "yes", "duration": "42 days", "count": "3"},
        {"duration": {"value": 6, "unit": "wk"}, "side": None},
        {},
    ],
)
def test_valid_facts_pass_both(schema, facts):
    validator, rs = schema
    assert list(validator.iter_errors(facts)) == []
    rs.validate_facts(facts)


@pytest.mark.parametrize(
    "facts",
    [
        {"fevr": True},
        {"fever": 3},
        {"duration": 600},
        {"duration": "7 parsecs"},
        {"side": "up"},
        {"duration": {"value": 6, "unit": "wk", "extra": 1}},
    ],
)
def test_invalid_facts_fail(schema, facts):
    validator, _ = schema
    assert list(validator.iter_errors(facts)) != []


def test_schema_shape(schema):
    validator, _ = schema
    s = validator.schema
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert s["additionalProperties"] is False
    assert list(s["properties"]) == ["fever", "duration", "count", "side"]
    assert "from 0 to 520 weeks" in s["properties"]["duration"]["description"]
