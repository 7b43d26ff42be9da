"""The fast path of fact checking gives exactly what the full checker gives.

`validate_facts` reads the usual record (a dict of booleans, numbers and
unit strings) on a fast path and hands anything else to the full checker.
Whatever the record, the outcome must be the full checker's: the same
Facts (exact values, written spellings) or the same diagnostics.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinrules.errors import RulesError
from clinrules.runtime import fastfacts

RULES = """
ruleset "t"
input fever: yes/no
input duration: number in weeks from 0 to 520
input ESR: number in mm/h from 0 to 200
input CRP: number in mg/L from 0 to 500
input temperature: number in Cel from 30 to 45
input count: number from 0 to 10
input free: number
input side: one of [left, right, both]
input heart rate: number in /min
decision d: one of [x]
rule r: IF fever THEN x
"""


@pytest.fixture(scope="module")
def rs(build):
    return build(RULES)


def outcome(fn, facts):
    try:
        return fn(facts)
    except RulesError as exc:
        return [(d.code, d.message, d.hint, d.file) for d in exc.diagnostics]


def assert_same(rs, facts):
    checker = rs._checker
    fast = outcome(checker.check, facts)
    full = outcome(checker.check_fully, facts)
    assert fast == full, facts
    if not isinstance(fast, list):  # same values, and exactly the same kinds of values
        assert [type(v) for v in fast.vector] == [type(v) for v in full.vector]
    return fast


def test_the_usual_records_take_the_fast_path(rs):
    reader = rs._checker.fast
    for facts in (
        {"fever": True, "duration": 7, "ESR": 12.5, "CRP": "12.5 mg/L", "side": "left"},
        {"fever": "no", "duration": "41 days", "CRP": "1.2 mg/dL", "temperature": "98.6 [degF]", "count": "3"},
        {"Fever": False, "heart rate": "72 /min", "ESR": None, "free": -3},
    ):
        assert reader.read(facts) is not fastfacts.MISS, facts
        assert_same(rs, facts)


def test_exact_values_and_written_spellings(rs):
    facts = rs.validate_facts({"duration": "41 days", "CRP": "1.2 mg/dL", "ESR": 0.1, "temperature": "98.6 [degF]"})
    assert facts.values["duration"] == Fraction(41, 7)
    assert facts.values["crp"] == Fraction(12)
    assert facts.values["esr"] == Fraction(1, 10)
    assert facts.values["temperature"] == Fraction(37)
    assert facts.written[rs.inputs[1].index] == "41 days"


@pytest.mark.parametrize("facts", [
    {"duration": 600},  # out of range
    {"duration": "600 weeks"},
    {"duration": "-1 days"},
    {"duration": "7 kg"},  # another dimension
    {"duration": "7 fortnights"},  # unknown unit
    {"count": "3 mg"},  # a plain number takes no unit
    {"duration": "1e2 days"},  # exponents go the full way
    {"duration": "7e"},
    {"duration": "seven"},
    {"duration": "."},
    {"duration": " 7  weeks "},
    {"duration": "7weeks"},
    {"duration": "+7 weeks"},
    {"duration": "٧ weeks"},  # other digits
    {"duration": True},
    {"duration": {"value": 7, "unit": "days"}},
    {"duration": float("nan")},
    {"duration": float("inf")},
    {"duration": 1e300},
    {"duration": 1e-300},
    {"fever": 1},
    {"fever": "maybe"},
    {"side": "Left "},
    {"side": "up"},
    {"side": True},
    {"unknown": 1},
    {"fever": True, "FEVER": False},  # the same input twice
    {"duration": None, "Duration": 3},
    {5: True},
    {"heart rate": "72 per minute"},
    {"temperature": "310.15 K"},
    {"temperature": "29 Cel"},
])
def test_every_odd_record_gets_the_full_checkers_answer(rs, facts):
    assert_same(rs, facts)


def test_a_mapping_that_is_not_a_dict_goes_the_full_way(rs):
    from types import MappingProxyType

    assert_same(rs, MappingProxyType({"fever": True, "duration": 3}))
    assert_same(rs, [("fever", True)])


def test_remembered_spellings_are_bounded(rs):
    reader = rs._checker.fast
    for i in range(2000):
        reader.read({"Fever" + " " * (i % 50): True, "CRP": f"{i} mg/L"})
    assert len(reader.names) <= 4 * len(rs.inputs) + fastfacts._REMEMBER
    assert all(len(r.conversions) <= 400 for r in reader.readers if hasattr(r, "conversions"))


UNITS = ["", " weeks", " days", " wk", " d", " months", " mg/L", " mg/dL", " g/L", " mm/h", " /min", " Cel",
         " [degF]", " K", " kg", " furlongs", "weeks", "  weeks  ", " WEEKS"]
numbers = st.one_of(
    st.integers(-10, 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-1000, max_value=10**6).map(str),
    st.fractions(min_value=-10, max_value=1000),
    st.booleans(),
    st.none(),
)
unit_strings = st.builds(lambda n, u: f"{n}{u}", st.one_of(st.integers(-5, 800), st.decimals(
    allow_nan=False, allow_infinity=False, places=2, min_value=0, max_value=800)), st.sampled_from(UNITS))
names = st.sampled_from(["fever", "duration", "ESR", "CRP", "temperature", "count", "free", "side",
                         "heart rate", "Duration", " crp ", "esr", "nope"])
values = st.one_of(numbers, unit_strings, st.sampled_from(["yes", "no", "true", "left", "Right", "both", "x"]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(names, values, max_size=6))
def test_any_record_fast_equals_full(rs, facts):
    assert_same(rs, facts)
