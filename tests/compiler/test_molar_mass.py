"""`molar mass M g/mol` on an input: mass and substance concentrations convert exactly.

Thresholds in conditions and ranges (compiler), facts (runtime) and the facts
schema all go through the declared molar mass; without one, mixing mg/dL and
mmol/L stays an error whose hint says how to declare it.
"""

from __future__ import annotations

import json
from fractions import Fraction

import jsonschema
import pytest

from clinrules.compiler import compile_source
from clinrules.errors import RulesError
from clinrules.lint import lint
from clinrules.runtime import facts_schema, load

BASE = """\
ruleset "Molar"
input glucose: number in mmol/L from 0 to 60, molar mass 180.16 g/mol
input BUN: number in mg/dL from 0 to 300, molar mass 28.014 g/mol
input sodium: number in mmol/L from 100 to 180
input fever: yes/no
decision d: one of [high, normal]
"""


def compiled(extra: str) -> dict:
    return compile_source(BASE + extra, "molar.rules")


def diagnostics(extra: str, base: str = BASE) -> list:
    with pytest.raises(RulesError) as info:
        compile_source(base + extra, "molar.rules")
    return info.value.diagnostics


def inputs(doc: dict) -> dict:
    return {i["key"]: i for i in doc["inputs"]}


# --- compiler ----------------------------------------------------------------------


def test_threshold_in_mg_per_dl_becomes_exact_mmol_per_l():
    doc = compiled("rule r: IF glucose > 200 mg/dL THEN high\nrule o: OTHERWISE normal\n")
    node = doc["rules"][0]["condition"]
    # 200 mg/dL = 2 g/L = 2 / 180.16 mol/L = 2000 / 180.16 mmol/L, kept exact
    assert Fraction(node["value"]) == Fraction(2000) / Fraction("180.16") == Fraction(6250, 563)
    assert node["written"] == "200 mg/dL"


def test_threshold_in_mmol_per_l_on_a_mass_input():
    doc = compiled("rule r: IF BUN > 7 mmol/L THEN high\nrule o: OTHERWISE normal\n")
    # 7 mmol/L of urea carry 7 * 28.014 mg of nitrogen per litre: 19.6098 mg/dL
    assert doc["rules"][0]["condition"]["value"] == "19.6098"


def test_range_may_be_written_in_the_other_family():
    base = 'ruleset "r"\ninput glucose: number in mmol/L from 0 to 1081 mg/dL, molar mass 180.16 g/mol\n'
    doc = compile_source(base + "decision d: one of [a]\nrule o: OTHERWISE a\n", "r.rules")
    assert Fraction(doc["inputs"][0]["range"]["max"]) == Fraction(10810) / Fraction("180.16")


def test_compiled_input_carries_molar_mass_and_both_unit_families():
    doc = compiled("rule o: OTHERWISE normal\n")
    by_key = inputs(doc)
    assert by_key["glucose"]["molar_mass"] == "180.16"
    assert by_key["bun"]["molar_mass"] == "28.014"
    assert by_key["sodium"]["molar_mass"] is None and by_key["fever"]["molar_mass"] is None
    assert set(doc["units"]) == {"mass concentration", "substance concentration"}
    assert doc["units"]["mass concentration"]["base"] == "g/L"


def test_without_molar_mass_the_families_do_not_mix():
    found = diagnostics("rule r: IF sodium > 300 mg/dL THEN high\nrule o: OTHERWISE normal\n")
    assert [d.code for d in found] == ["unit-mismatch"]
    assert "molar mass" in found[0].hint and "g/mol" in found[0].hint
    assert (found[0].location.line, found[0].location.column) == (7, 21)


@pytest.mark.parametrize(
    "declaration, message",
    [
        ("input x: yes/no, molar mass 10 g/mol", "`x` is a yes/no input; a molar mass only applies"),
        ("input x: number in weeks, molar mass 10 g/mol", "`x` is measured in weeks; a molar mass only applies"),
        ("input x: number, molar mass 10 g/mol", "`x` is a plain number; a molar mass only applies"),
        ("input x: one of [a, b], molar mass 10 g/mol", "`x` is a one-of input; a molar mass only applies"),
        ("input x: number in mmol/L, molar mass 10 kg/mol", "must be given in g/mol"),
        ("input x: number in mmol/L, molar mass 10", "must be given in g/mol"),
        ("input x: number in mmol/L, molar mass 0 g/mol", "must be more than 0 g/mol"),
        ("input x: number in mmol/L, molar mass -5 g/mol", "must be more than 0 g/mol"),
    ],
)
def test_bad_molar_mass_is_reported_at_the_number(declaration, message):
    base = 'ruleset "r"\n' + declaration + "\ndecision d: one of [a]\nrule o: OTHERWISE a\n"
    with pytest.raises(RulesError) as info:
        compile_source(base, "r.rules")
    found = info.value.diagnostics
    assert len(found) == 1, [d.render() for d in found]
    assert message in found[0].message
    assert found[0].location.line == 2
    assert found[0].location.column == declaration.index("molar mass") + len("molar mass ") + 1


def test_syntax_after_a_unit_offers_the_molar_mass():
    with pytest.raises(RulesError) as info:
        compile_source('ruleset "r"\ninput x: number in mmol/L molar 5\n', "r.rules")
    assert "`, molar mass M g/mol`" in info.value.diagnostics[0].message


# --- lint: the boundaries meet exactly ------------------------------------------------


def test_thresholds_in_two_families_leave_no_gap_and_no_conflict():
    doc = compiled(
        'rule r: IF BUN > 7 mmol/L THEN high BECAUSE "CURB-65"\n'
        'rule s: IF BUN <= 19.6098 mg/dL THEN normal BECAUSE "CURB-65"\n'
    )
    names = {f.name for f in lint(doc)}
    assert not names & {"gap", "conflict", "dead-rule"}


def test_a_hair_off_the_converted_boundary_is_a_gap():
    doc = compiled(
        'rule r: IF BUN > 7 mmol/L THEN high BECAUSE "CURB-65"\n'
        'rule s: IF BUN < 19.6098 mg/dL THEN normal BECAUSE "CURB-65"\n'
    )
    gaps = [f for f in lint(doc) if f.name == "gap"]
    assert len(gaps) == 1
    assert load(doc).validate_facts(gaps[0].witness).values["bun"] == Fraction("19.6098")


# --- runtime and facts schema ------------------------------------------------------------


@pytest.fixture(scope="module")
def ruleset():
    return load(compiled("rule r: IF glucose > 11 mmol/L THEN high\nrule o: OTHERWISE normal\n"))


@pytest.mark.parametrize(
    "fact, expected",
    [
        ("250 mg/dL", Fraction(2500) / Fraction("180.16")),
        ({"value": "1.8016", "unit": "g/L"}, Fraction(10)),
        ("11 mmol/L", Fraction(11)),
        (5, Fraction(5)),
    ],
)
def test_facts_in_either_family_are_read_exactly(ruleset, fact, expected):
    assert ruleset.validate_facts({"glucose": fact}).values["glucose"] == expected


def test_decisions_read_converted_facts(ruleset):
    # 198.176 mg/dL is exactly 11 mmol/L: not more than 11
    assert ruleset.evaluate({"glucose": "198.176 mg/dL"}).decisions["d"].value == "normal"
    assert ruleset.evaluate({"glucose": "198.177 mg/dL"}).decisions["d"].value == "high"


def test_a_converted_fact_outside_the_range_is_refused(ruleset):
    with pytest.raises(RulesError) as info:
        ruleset.validate_facts({"glucose": "2000 mg/dL"})
    (d,) = info.value.diagnostics
    assert d.code == "bad-fact-range"
    assert "2000 mg/dL" in d.message and "0 to 60 mmol/L" in d.message


def test_without_molar_mass_a_mass_fact_is_refused(ruleset):
    with pytest.raises(RulesError) as info:
        ruleset.validate_facts({"sodium": "300 mg/dL"})
    assert [d.code for d in info.value.diagnostics] == ["bad-fact-dimension"]


def test_facts_schema_carries_the_range_in_every_unit(ruleset):
    schema = facts_schema(ruleset.doc)
    validator = jsonschema.Draft202012Validator(schema)
    cases = [
        ({"glucose": {"value": 1080.96, "unit": "mg/dL"}}, True),  # exactly 60 mmol/L
        ({"glucose": {"value": 1081, "unit": "mg/dL"}}, False),
        ({"glucose": {"value": 60, "unit": "mmol/L"}}, True),
        ({"glucose": {"value": 61}}, False),
        ({"sodium": {"value": 150, "unit": "mmol/L"}}, True),
        ({"sodium": {"value": 190, "unit": "mmol/L"}}, False),
        ({"glucose": "108 mg/dL"}, True),
    ]
    for facts, accepted in cases:
        assert (not list(validator.iter_errors(facts))) is accepted, facts
        try:
            ruleset.validate_facts(facts)
            runtime_accepts = True
        except RulesError:
            runtime_accepts = False
        assert runtime_accepts is accepted, facts


def test_hand_edited_molar_mass_is_refused_on_load():
    doc = compiled("rule o: OTHERWISE normal\n")
    doc = json.loads(json.dumps(doc))
    doc["inputs"][0]["molar_mass"] = "0"
    with pytest.raises(RulesError) as info:
        load(doc)
    assert info.value.diagnostics[0].code == "bad-compiled-ruleset"
    assert "molar mass" in info.value.diagnostics[0].message
