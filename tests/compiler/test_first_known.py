"""`first known of [urea, BUN] > 7 mmol/L`: the fallback between alternative tests.

Lowered to existing ops only (known / compare / and / or), so the runtime and
the linter need nothing new; each alternative's threshold goes through its
own unit and molar mass, and `needs` names every alternative when all are
missing.
"""

from __future__ import annotations

import pytest

from clinrules.compiler import compile_source
from clinrules.dsl.format import format_source
from clinrules.errors import RulesError
from clinrules.lint import lint
from clinrules.runtime import load

BASE = """\
ruleset "CURB"
source 1: "Lim 2003"
input urea: number in mmol/L from 0 to 100, molar mass 60.06 g/mol
input BUN: number in mg/dL from 0 to 300, molar mass 28.014 g/mol
input first episode: yes/no
decision care: one of [hospital, home]
"""
RULES = BASE + (
    'rule high: IF first known of [urea, BUN] > 7 mmol/L THEN hospital BECAUSE "CURB-65" [1]\n'
    'rule low: IF first known of [urea, BUN] is at most 7 mmol/L THEN home BECAUSE "CURB-65" [1]\n'
)


@pytest.fixture(scope="module")
def doc():
    return compile_source(RULES, "curb.rules")


def _ops(node):
    yield node
    for child in node.get("args", ()):
        yield from _ops(child)
    if "arg" in node:
        yield from _ops(node["arg"])


def test_lowered_to_known_and_compare_in_each_unit(doc):
    node = doc["rules"][0]["condition"]
    assert node["op"] == "or" and node["text"] == "first known of [urea, BUN] > 7 mmol/L"
    assert {n["op"] for n in _ops(node)} == {"or", "and", "known", "compare"}
    first, second, last = node["args"]
    assert [(a["op"], a.get("input"), a.get("known")) for a in first["args"][:1]] == [("known", "urea", True)]
    assert first["args"][1]["value"] == "7"
    assert [(a["input"], a["known"]) for a in second["args"][:2]] == [("urea", False), ("bun", True)]
    assert second["args"][2]["value"] == "19.6098"  # 7 mmol/L of urea as mg/dL of its nitrogen
    assert [(a["input"], a["known"]) for a in last["args"][:2]] == [("urea", False), ("bun", False)]
    assert [a["value"] for a in last["args"][2]["args"]] == ["7", "19.6098"]


@pytest.mark.parametrize(
    "facts, value, needs",
    [
        ({}, None, ["urea", "BUN"]),
        ({"urea": 8}, "hospital", []),
        ({"urea": 7, "BUN": 40}, "home", []),  # urea is preferred when both are known
        ({"BUN": "19.61 mg/dL"}, "hospital", []),
        ({"BUN": "19.6098 mg/dL"}, "home", []),
        ({"BUN": "2.4 mmol/L"}, "home", []),
    ],
)
def test_whichever_test_is_known_decides(doc, facts, value, needs):
    result = load(doc).evaluate(facts).decisions["care"]
    assert result.value == value
    assert list(result.needs) == needs


def test_lint_finds_no_gap_or_conflict_between_the_two_rules(doc):
    names = {f.name for f in lint(doc)}
    assert not names & {"gap", "conflict", "dead-rule", "masked-rule"}


def test_between_and_words_forms():
    doc = compile_source(BASE + "rule r: IF first known of [urea, BUN] between 2 and 7 mmol/L THEN home\n"
                         "rule o: OTHERWISE hospital\n", "x.rules")
    node = doc["rules"][0]["condition"]
    assert node["text"] == "first known of [urea, BUN] between 2 and 7 mmol/L"
    assert (node["args"][1]["args"][2]["low"], node["args"][1]["args"][2]["high"]) == ("5.6028", "19.6098")


def test_formatter_keeps_it():
    source = BASE + "rule high: IF FIRST   KNOWN of [urea,BUN]>7 mmol/L THEN hospital\n"
    formatted = format_source(source, "x.rules")
    assert "IF first known of [urea, BUN] > 7 mmol/L" in formatted
    assert format_source(formatted, "x.rules") == formatted


def test_a_name_may_still_start_with_first():
    doc = compile_source(BASE + "rule r: IF first episode THEN home\nrule o: OTHERWISE hospital\n", "x.rules")
    node = doc["rules"][0]["condition"]
    assert (node["op"], node["input"]) == ("input", "first episode")


def errors(rule: str, base: str = BASE) -> list:
    with pytest.raises(RulesError) as info:
        compile_source(base + rule + "\nrule o: OTHERWISE hospital\n", "x.rules")
    return info.value.diagnostics


@pytest.mark.parametrize(
    "condition, code, text",
    [
        ("first known of [urea, urea] > 7 mmol/L", "duplicate-name", "listed twice"),
        ("first known of [urea] > 7 mmol/L", "bad-first-known", "at least two inputs"),
        ("first known of [urea, first episode] > 7 mmol/L", "compare-non-number", "`first episode` is a yes/no"),
        ("first known of [urea, BUM] > 7 mmol/L", "undeclared-name", "`BUM` is not declared"),
        ("first known of [urea, BUN] > 7 weeks", "unit-mismatch", "`7 weeks` is a time"),
    ],
)
def test_mistakes_are_named(condition, code, text):
    found = errors(f"rule r: IF {condition} THEN home")
    assert code in [d.code for d in found], [d.render() for d in found]
    assert any(text in d.message for d in found), [d.message for d in found]


def test_a_comparison_that_cannot_go_both_ways_is_refused():
    base = BASE.replace("input BUN: number in mg/dL from 0 to 300", "input BUN: number in mg/dL from 20 to 300")
    found = errors("rule r: IF first known of [urea, BUN] > 7 mmol/L THEN home", base)
    assert [d.code for d in found] == ["first-known-constant"]
    assert "always true within the range of `BUN`" in found[0].message


def test_the_definition_in_the_list_is_refused():
    base = BASE + "define raised: urea > 7 mmol/L\n"
    found = errors("rule r: IF first known of [urea, raised] > 7 mmol/L THEN home", base)
    assert "not-an-input" in [d.code for d in found]
