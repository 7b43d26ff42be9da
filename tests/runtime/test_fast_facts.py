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


MOLAR = """
ruleset "m"
input glucose: number in mmol/L from 0 to 60, molar mass 180.16 g/mol
input creatinine: number in umol/L, molar mass 113.12 g/mol
input BUN: number in mg/dL from 0 to 300, molar mass 28.014 g/mol
decision d: one of [x]
rule r: IF glucose > 7 mmol/L THEN x
"""


@pytest.mark.parametrize("facts", [
    {"glucose": "126 mg/dL"},  # mass concentration for a molar input: the full way, same answer
    {"glucose": "7.2 mmol/L", "creatinine": "1.1 mg/dL", "BUN": "7.1 mmol/L"},
    {"glucose": "1.26 g/L"},
    {"glucose": 7.2, "creatinine": 88, "BUN": 20.5},
    {"glucose": "2000 mg/dL"},  # out of range once converted
    {"glucose": "7 mol"},
])
def test_molar_mass_inputs(build, facts):
    assert_same(build(MOLAR), facts)


def test_every_unit_spelling_of_every_input(rs):
    """Each accepted spelling of each quantity input's dimension, with integer,
    decimal, padded and out-of-range values: fast equals full."""
    units = rs._checker.units
    for spec in rs.inputs:
        if spec.type != "quantity":
            continue
        for spelling in units.spellings(spec.dimension):
            for number in ("0", "7", "12.5", "0.05", "500", "99999", "1."):
                for text in (f"{number} {spelling}", f"{number}  {spelling} ", f"{number}{spelling}"):
                    assert_same(rs, {spec.name: text})


@pytest.mark.parametrize("value", [
    0.1, 12.5, 0.05, 1.005, 0.3, 0.1 + 0.2, -0.0, 0.0, 7.0, 519.99, 520.0, 520.1, 1e-7, 5e-324, 2.5e-5,
    123456789012.3, 999999999999.9, 1e12, 1e12 + 0.5, 1e15 - 1, 1e15, 1e15 + 2, 2.0**53, 1e16, 1e22, 1e300,
    -1.5, 0.125, 1 / 3, 2 / 3, 0.000123, 100.0001, 3.14159, 1234.5678,
])
def test_floats_are_read_as_their_shortest_decimal(rs, value):
    """The arithmetic shortcut for short decimals gives the full checker's exact value (repr's reading)."""
    for name in ("duration", "free", "count", "temperature"):
        facts = assert_same(rs, {name: value})
        if not isinstance(facts, list) and name == "free":
            assert facts.values["free"] == Fraction(repr(value))


@given(st.floats(allow_nan=False, allow_infinity=False))
@settings(max_examples=500, deadline=None)
def test_any_float_fast_equals_full(rs, value):
    facts = assert_same(rs, {"free": value, "duration": value})
    if not isinstance(facts, list):
        assert facts.values["free"] == Fraction(repr(value))


@pytest.mark.parametrize("facts", [
    {"free": 10**30}, {"free": -(10**30)}, {"count": -1}, {"count": 11}, {"count": 10}, {"count": 0},
    {"count": "10"}, {"count": "10.0"}, {"count": "-0"}, {"count": "0010"}, {"count": "1_0"}, {"count": " 3 "},
    {"free": "-3.5"}, {"free": "+3.5"}, {"free": ".5"}, {"free": "5."}, {"free": "1" * 500},
    {"fever": None}, {"fever": 0}, {"fever": "YES"}, {"fever": " no "}, {"fever": b"yes"}, {"fever": [True]},
    {"side": "LEFT"}, {"side": "both"}, {"side": 1}, {"side": None},
    {"duration": b"7"}, {"duration": [7]}, {"duration": Fraction(7, 2)}, {"free": Fraction(1, 3)},
    {"nope": None}, {"": 1},
])
def test_values_of_every_kind(rs, facts):
    assert_same(rs, facts)


def test_a_record_shape_is_remembered_and_still_checked(rs):
    """The names of a record are worked out once; the values are read every time."""
    reader = rs._checker.fast
    good = {"fever": True, "CRP": "12 mg/L"}
    assert_same(rs, good)
    assert tuple(good) in reader.shapes
    assert assert_same(rs, {"fever": True, "CRP": "1200 mg/L"})[0][0] == "bad-fact-range"
    assert_same(rs, {"CRP": "12 mg/L", "fever": True})  # another order: another shape
    for _ in range(2):  # an unknown name, remembered as "not sure", still gets the full checker's error
        assert assert_same(rs, {"fever": True, "fevr": True})[0][0] == "bad-fact-unknown-input"
    for _ in range(2):
        assert assert_same(rs, {"fever": True, "Fever": True})[0][0] == "bad-fact-duplicate"
    for i in range(1000):
        reader.read({f"fever{' ' * (i % 40)}": True, "CRP": "1 mg/L", "x" * (i % 7): 1})
    assert len(reader.shapes) == fastfacts._REMEMBER
    # beyond the remembered shapes, records are read the same way, without generated code
    for i in range(400):
        facts = {f"Fever{' ' * (i % 40)}": i % 2 == 0, f"CRP{' ' * (i // 40)}": f"{i} mg/L",
                 "side": ["left", "Right", None][i % 3], "duration": 0.5 * i}
        if i % 50 == 0:
            facts["count"] = 11  # out of range: the full checker's error
        assert_same(rs, facts)
        assert reader.read(facts) is not fastfacts.MISS or i % 50 == 0 or facts["duration"] > 520
    assert len(reader.shapes) <= fastfacts._REMEMBER


def test_settlements_remembered_equal_settled_afresh(build):
    """`DecisionPlan.settled` (remembered) is `settle` for every F and U a
    ruleset sends: the benchmark table, patients with
    missing values, each evaluated twice with the same result."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "table.py"
    spec = importlib.util.spec_from_file_location("speed_table", path)
    table = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(table)
    rs = build(table.generate(80, planted=3))
    patients = table.patients(300)
    for n, facts in enumerate(patients):
        for key in list(facts)[: n % 3]:
            facts[key] = None
        first = rs.evaluate(facts).to_json()
        assert rs.evaluate(facts).to_json() == first
    (dp,) = rs.decision_plans
    assert len(dp._settled) > 50
    assert any(U for _, U in dp._settled) and any(F for F, _ in dp._settled)
    for (F, U), got in dp._settled.items():
        assert got == dp.settle(F, U)
