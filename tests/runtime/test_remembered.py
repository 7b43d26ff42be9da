"""What evaluation works out once and reuses gives what working it out every time gives.

A patient's Result is remembered by its set of yes (and unknown) rules and
copied for the next patient with the same set; a numeric input's state is
found in a table listed at load instead of by bisection; and `front` says
"no rule is unknown" by returning `no` itself as `ny`. None of this may
show: results, their JSON and explain output stay those of a ruleset that
remembers nothing, and every patient gets lists and dicts of its own.
"""

from __future__ import annotations

from bisect import bisect_right
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinrules.runtime import ruleset as ruleset_module

RULES = """
ruleset "t"
input fever: yes/no
input CRP: number in mg/L from 0 to 500
input ESR: number in mm/h from 0 to 200
input side: one of [left, right]
decision plan: one of [observe, refer, admit]
decision tests: any of [blood count, culture, imaging]
rule calm: IF NOT fever AND CRP < 10 mg/L THEN observe
rule raised: IF CRP >= 10 mg/L AND CRP < 100.5 mg/L THEN refer
rule high: IF CRP >= 100.5 mg/L THEN admit
rule clash: IF fever AND ESR > 40 mm/h THEN observe
rule count: IF fever THEN blood count
rule grow: IF fever AND ESR >= 20 mm/h THEN culture
rule look: IF side is left OR ESR > 150 mm/h THEN imaging
"""

# one input compared across a span too wide to list: found by bisection
WIDE = """
ruleset "w"
input dose: number in mg
decision d: one of [low, high]
rule lo: IF dose < 0.5 mg THEN low
rule hi: IF dose >= 100000 mg THEN high
"""

PATIENTS = st.fixed_dictionaries({
    "fever": st.sampled_from([True, False, None]),
    "CRP": st.sampled_from([None, 0, 9.9, 10, "10 mg/L", 50, 100.5, "100.5 mg/L", 100.6, 500]),
    "ESR": st.sampled_from([None, 0, 20, 40, 40.5, 150, 151, "20 mm/h"]),
    "side": st.sampled_from(["left", "right", None]),
})


@pytest.fixture(scope="module")
def rs(build):
    return build(RULES)


def _everything(result) -> tuple:
    return (result.to_json(), result._replace(ruleset=None), result.explain_text())


def test_a_remembered_result_is_a_copy_of_its_own(rs):
    patient = {"fever": True, "CRP": 120, "ESR": 45, "side": "left"}
    first = rs.evaluate(patient)
    assert first.decisions["plan"].status == "conflict"
    before = _everything(rs.evaluate(patient))
    # a caller changing its result must not change the next patient's
    first.fired.append("x")
    first.needs.append("x")
    first.decisions["plan"].fired.append("x")
    first.decisions["plan"].conflicting.append("x")
    first.decisions["tests"].value.append("x")
    first.decisions["tests"].needs.append("x")
    first.decisions.clear()
    again = rs.evaluate(patient)
    assert _everything(again) == before
    assert again.decisions["plan"].conflicting == ["observe", "admit"]
    assert again.decisions["tests"].value == ["blood count", "culture", "imaging"]
    assert again.fired is not rs.evaluate(patient).fired


@pytest.fixture(scope="module")
def forgetful(build):
    return build(RULES)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(patients=st.lists(PATIENTS, min_size=1, max_size=6))
def test_remembered_results_are_those_of_a_ruleset_that_remembers_nothing(rs, forgetful, monkeypatch, patients):
    with monkeypatch.context() as patch:
        patch.setattr(ruleset_module, "_REMEMBER", 0)
        expected = [_everything(forgetful.evaluate(p)) for p in patients]
        explained = [forgetful.evaluate(p, explain=True).to_json() for p in patients]
    assert not forgetful._recipes
    assert [_everything(rs.evaluate(p)) for p in patients] == expected
    assert [rs.evaluate(p, explain=True).to_json() for p in patients] == explained


def _state(regions, value: Fraction) -> int:
    """The state as Regions documents it: one bisect on the scaled, doubled value."""
    n, d = (value * regions.scale).as_integer_ratio()
    return bisect_right(regions.bounds, 2 * (n // d) + (1 if n % d else 0))


@pytest.mark.parametrize("text, input_", [(RULES, "CRP"), (RULES, "ESR"), (WIDE, "dose")])
def test_states_by_lookup_are_those_of_the_bisection(build, text, input_):
    rs = build(text)
    plan = rs.plan
    spec = plan.input_by_key[input_.casefold()]
    regions = plan.regions[spec.index]
    if input_ == "dose":
        assert f"L{spec.index}" not in plan.ns  # too wide to list: bisected
    else:
        assert f"L{spec.index}" in plan.ns
    values = set()
    for t in regions.points:
        for delta in (0, Fraction(1, 3), Fraction(1, 2), 1, 2, Fraction(-1, 3), Fraction(-1, 2), -1, -2):
            values.add(t + delta)
    values |= {Fraction(-10**9), Fraction(10**9), Fraction(0), Fraction(10**9, 7)}
    states = set()
    for value in sorted(values):
        vector = [None] * len(plan.inputs)
        vector[spec.index] = value
        S, _, _, _ = plan.front(tuple(vector))
        assert S[spec.index] == _state(regions, value), value
        states.add(S[spec.index])
    assert states == set(range(regions.unknown))  # every region was reached
    vector = [None] * len(plan.inputs)
    assert plan.front(tuple(vector))[0][spec.index] == regions.unknown


def test_ny_is_no_itself_exactly_when_no_rule_is_left_unknown(rs):
    plan = rs.plan
    known = rs.validate_facts({"fever": True, "CRP": 50, "ESR": 30, "side": "right"})
    _, _, no, ny = plan.front(known.vector)
    assert ny is no
    # `side` is read only by a rule that is not a plain conjunction: its own code tells
    side_unknown = rs.validate_facts({"fever": True, "CRP": 50, "ESR": 30, "side": None})
    _, _, no, ny = plan.front(side_unknown.vector)
    assert ny is no
    assert rs.evaluate({"fever": True, "CRP": 50, "ESR": 30}).decisions["tests"].needs == ["side"]
    for missing in ("fever", "CRP", "ESR"):
        facts = rs.validate_facts({"fever": True, "CRP": 50, "ESR": 30, "side": "right", missing: None})
        S, _, no, ny = plan.front(facts.vector)
        expected = 0
        for slot, (_, ny_table) in plan.masks.items():
            expected |= ny_table[S[slot]]
        assert ny == expected
        assert ny is not no and ny != no  # a rule on the missing input is unknown
