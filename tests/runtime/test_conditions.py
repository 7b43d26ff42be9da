"""Kleene logic, every condition form, scores with unknown items, exact units."""

from fractions import Fraction

import pytest



def one_rule(build, inputs: str, condition: str, extra: str = ""):
    return build(f'ruleset "t"\n{inputs}\n{extra}\ndecision d: any of [x]\nrule r: IF {condition} THEN x\n')


def value(rs, facts) -> str:
    return rs.evaluate(facts, explain=True).rule_values["r"]


YN = "input a: yes/no\ninput b: yes/no"


@pytest.mark.parametrize(
    "condition,a,b,expected",
    [
        ("a AND b", None, False, "no"),
        ("a AND b", None, True, "unknown"),
        ("a OR b", None, True, "yes"),
        ("a OR b", None, False, "unknown"),
        ("NOT a", None, True, "unknown"),
        ("NOT a", False, None, "yes"),
        ("a is missing", None, None, "yes"),
        ("a is known", None, None, "no"),
        ("a is known", False, None, "yes"),
        ("none of [a, b]", False, None, "unknown"),
        ("none of [a, b]", False, False, "yes"),
    ],
)
def test_kleene(build, condition, a, b, expected):
    assert value(one_rule(build, YN, condition), {"a": a, "b": b}) == expected


@pytest.mark.parametrize(
    "facts,expected",
    [
        ({"a": True, "b": True, "c": None}, "yes"),  # 2 yes >= 2
        ({"a": True, "b": None, "c": False}, "unknown"),
        ({"a": True, "b": False, "c": False}, "no"),
        ({"a": None, "b": None, "c": False}, "unknown"),
        ({"a": False, "b": None, "c": False}, "no"),  # at most 1 can be yes
    ],
)
def test_at_least(build, facts, expected):
    rs = one_rule(build, "input a: yes/no\ninput b: yes/no\ninput c: yes/no", "at least 2 of [a, b, c]")
    assert value(rs, facts) == expected


SCORE = """
input a: yes/no
input b: yes/no
input c: yes/no
"""
SCORE_DEF = "define s: score of [a: 1, b: 2, c: 4]"


@pytest.mark.parametrize(
    "condition,facts,expected",
    [
        # known a: s is 1 + {0, 2} + {0, 4} = {1, 3, 5, 7}
        ("s >= 1", {"a": True}, "yes"),
        ("s >= 2", {"a": True}, "unknown"),
        ("s > 7", {"a": True}, "no"),
        # `=` and between are exact over the achievable sums, not min..max
        ("s = 4", {"a": True}, "no"),
        ("s = 3", {"a": True}, "unknown"),
        ("s != 4", {"a": True}, "yes"),
        ("s between 3.5 and 4.5", {"a": True}, "no"),
        ("s between 2 and 3", {"a": True}, "unknown"),
        ("s between 1 and 7", {"a": True}, "yes"),
        # every item known
        ("s = 5", {"a": True, "b": False, "c": True}, "yes"),
        ("s < 5", {"a": True, "b": False, "c": True}, "no"),
        # a score of at least 4 already reached by the known items
        ("s >= 4", {"c": True}, "yes"),
    ],
)
def test_score_with_unknown_items(build, condition, facts, expected):
    assert value(one_rule(build, SCORE, condition, SCORE_DEF), facts) == expected


def test_score_needs_the_unknown_items_inputs(build):
    rs = build('ruleset "t"\n' + SCORE + SCORE_DEF + "\ndecision d: one of [x]\nrule r: IF s >= 3 THEN x\n")
    assert rs.evaluate({"a": True, "b": None, "c": False}).decisions["d"].needs == ["b"]
    assert rs.evaluate({"a": True, "b": None, "c": None}).decisions["d"].needs == ["b", "c"]


def test_fractional_points_are_exact(build):
    rs = one_rule(build, "input a: yes/no\ninput b: yes/no", "s = 0.3", "define s: score of [a: 0.1, b: 0.2]")
    assert value(rs, {"a": True, "b": True}) == "yes"
    assert value(rs, {"a": True, "b": None}) == "unknown"


QUANTITY = "input duration: number in weeks from 0 to 520"


@pytest.mark.parametrize(
    "fact,lt6,ge6",
    [
        ("41 days", "yes", "no"),
        ("42 days", "no", "yes"),
        ("1007 h", "yes", "no"),
        ("1008 hours", "no", "yes"),
        ("1.37 months", "yes", "no"),
        ("1.38 months", "no", "yes"),
        (6, "no", "yes"),
        (5.99, "yes", "no"),
        ({"value": 42, "unit": "d"}, "no", "yes"),
        ({"value": "6", "unit": "wk"}, "no", "yes"),
        (None, "unknown", "unknown"),
    ],
)
def test_units_convert_exactly_at_the_threshold(build, fact, lt6, ge6):
    rs = build(f'ruleset "t"\n{QUANTITY}\ndecision d: any of [x, y]\nrule r1: IF duration < 6 weeks THEN x\nrule r2: IF duration >= 42 days THEN y\n')
    got = rs.evaluate({"duration": fact}, explain=True).rule_values
    assert (got["r1"], got["r2"]) == (lt6, ge6)


def test_float_facts_are_read_through_their_decimal_text(build):
    rs = one_rule(build, "input n: number", "n = 0.3")
    r = rs.evaluate({"n": 0.1 + 0.2}, explain=True)  # 0.30000000000000004 is not 0.3
    assert r.rule_values["r"] == "no"
    assert rs.evaluate({"n": 0.3}).facts["n"] == Fraction(3, 10)
    assert value(rs, {"n": "0.3"}) == "yes"


def test_thresholds_with_ratios_are_exact(build):
    rs = one_rule(build, QUANTITY, "duration > 10 days")  # 10/7 weeks
    assert value(rs, {"duration": "10 days"}) == "no"
    assert value(rs, {"duration": "241 h"}) == "yes"
    assert value(rs, {"duration": Fraction(10, 7)}) == "no"


def test_one_of_inputs_match_options_by_key(build):
    rs = one_rule(build, "input side: one of [left, right, both]", "side is one of [left, both]")
    assert value(rs, {"side": "LEFT"}) == "yes"
    assert value(rs, {"side": " right "}) == "no"
    assert rs.evaluate({"side": "Both"}).facts["side"] == "both"
    rs = one_rule(build, "input side: one of [left, right, both]", "side is not right")
    assert value(rs, {"side": None}) == "unknown"


def test_definitions_referenced_before_they_are_declared(build):
    rs = build(
        'ruleset "t"\ninput a: yes/no\ninput b: yes/no\n'
        "define outer: inner AND b\ndefine inner: NOT a\n"
        "decision d: one of [x]\nrule r: IF outer THEN x\n"
    )
    assert rs.evaluate({"a": False, "b": True}).decisions["d"].value == "x"
    assert rs.evaluate({"a": None, "b": True}).decisions["d"].needs == ["a"]
