"""The shape of fixture files: the JSON Schema and its messages."""

from __future__ import annotations

import json
from importlib import resources

import jsonschema
import pytest

from clinrules.errors import RulesError
from clinrules.testing.fixtures import fixture_schema, read_fixture


def problems(fixture_file, text, name="imaging.yaml"):
    with pytest.raises(RulesError) as info:
        read_fixture(fixture_file(text, name))
    return info.value.diagnostics


def test_schema_is_valid_draft_2020_12():
    schema = json.loads(resources.files("clinrules.schemas").joinpath("fixtures.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert fixture_schema() == schema


def test_a_valid_fixture_reads(fixture_file, project):
    source = read_fixture(
        fixture_file(
            """\
            ruleset: ../rulesets/imaging.rules
            cases:
              - name: a
                given: {duration: 2 weeks}
                expect: {imaging: no imaging}
            """
        )
    )
    assert source.ruleset == "../rulesets/imaging.rules"
    assert source.ruleset_path == project / "rulesets" / "imaging.rules"


def test_missing_ruleset_and_cases(fixture_file):
    (d,) = problems(fixture_file, "ruleset: x.rules\n")
    assert d.code == "fixture-not-fixture"
    (d,) = problems(fixture_file, "cases: [{name: a, expect: {imaging: MRI}}]\n")
    assert d.code == "fixture-schema"
    assert d.message == "missing `ruleset`"


def test_empty_cases(fixture_file):
    ds = problems(fixture_file, "ruleset: x.rules\ncases: []\n")
    assert [d.message for d in ds] == ["`cases` is empty: a fixture file needs at least one case"]
    assert ds[0].location.line == 2


def test_unknown_key_in_a_case_suggests_the_right_one(fixture_file):
    (d,) = problems(
        fixture_file,
        """\
        ruleset: x.rules
        cases:
          - name: persistent pain
            given: {}
            expected: {imaging: MRI}
        """,
    )
    assert d.message == 'in case "persistent pain": unknown key `expected`'
    assert d.hint == "did you mean `expect`?"
    assert (d.location.line, d.location.column) == (5, 5)
    assert d.file.endswith("imaging.yaml")


def test_case_without_name_is_numbered(fixture_file):
    (d,) = problems(
        fixture_file,
        """\
        ruleset: x.rules
        cases:
          - name: ok
            expect: {imaging: MRI}
          - expect: {imaging: MRI}
        """,
    )
    assert d.message == "in case #2: missing `name`"
    assert d.location.line == 5


def test_case_that_checks_nothing(fixture_file):
    (d,) = problems(
        fixture_file,
        """\
        ruleset: x.rules
        cases:
          - name: lazy
            given: {fever: yes}
        """,
    )
    assert d.message == 'in case "lazy": the case checks nothing'
    assert d.hint == "give `expect`, `fired` or `needs`"


def test_bad_fact_value_type(fixture_file):
    (d,) = problems(
        fixture_file,
        """\
        ruleset: x.rules
        cases:
          - name: nested
            given:
              fever: [yes]
            expect: {imaging: MRI}
        """,
    )
    assert d.message.startswith('in case "nested": the value of `fever` must be yes/no, a number')
    assert d.location.line == 5


def test_bad_expect_value(fixture_file):
    (d,) = problems(
        fixture_file,
        """\
        ruleset: x.rules
        cases:
          - name: odd
            expect: {imaging: 3}
        """,
    )
    assert d.message.startswith('in case "odd": the expected value of `imaging` must be an option name')
    assert d.location.line == 4


def test_needs_listed_twice(fixture_file):
    (d,) = problems(
        fixture_file,
        """\
        ruleset: x.rules
        cases:
          - name: twice
            needs: [ESR, ESR]
        """,
    )
    assert d.message == 'in case "twice": `needs` lists `ESR` twice'


def test_every_problem_is_reported_at_once_in_order(fixture_file):
    ds = problems(
        fixture_file,
        """\
        ruleset: x.rules
        extra: 1
        cases:
          - name: a
            fired: rule
          - name: ""
            expect: {}
        """,
    )
    assert [d.location.line for d in ds] == [2, 5, 6, 7]
    assert ds[0].message == "unknown key `extra`"
    assert ds[1].message == 'in case "a": `fired` must be a list'
    assert ds[2].message == 'in case "": `name` is empty'
    assert ds[3].message == 'in case "": `expect` is empty'


def test_defaults_errors_say_defaults(fixture_file):
    (d,) = problems(
        fixture_file,
        """\
        ruleset: x.rules
        defaults:
          fever: {a: 1}
        cases:
          - {name: a, expect: {imaging: MRI}}
        """,
    )
    assert d.message.startswith("in `defaults`: the value of `fever`")
    assert d.location.line == 3


def test_json_fixture_errors_have_lines(fixture_file):
    ds = problems(
        fixture_file,
        '{\n  "ruleset": "x.rules",\n  "cases": [\n    {"name": "a", "expect": {"imaging": "MRI"}, "given": 5}\n  ]\n}\n',
        name="imaging.json",
    )
    (d,) = ds
    assert d.message == 'in case "a": `given` must be a mapping'
    assert (d.location.line, d.location.column) == (4, 49)


def test_unreadable_fixture(fixture_file, project):
    path = project / "fixtures" / "bin.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(RulesError) as info:
        read_fixture(path)
    assert info.value.diagnostics[0].code == "fixture-unreadable"
    with pytest.raises(RulesError) as info:
        read_fixture(project / "fixtures" / "none.yaml")
    assert info.value.diagnostics[0].code == "fixture-unreadable"
