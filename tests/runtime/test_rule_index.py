"""The rule index built at load (`Plan.masks`): for every slot and state,
the rules a top-level conjunct rules out (`no`) and those it leaves short of
yes (`ny`), exactly as marking each state of each conjunct's table would."""

from __future__ import annotations

import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from clinrules.compiler import compile_source
from clinrules.runtime import load
from clinrules.runtime.conditions import NO, YES
from clinrules.runtime.plan import _state_masks

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import table  # noqa: E402
from compile import generate  # noqa: E402


def _marked(plan) -> dict:
    """The masks by definition: each state of each conjunct's table, one by one."""
    masks: dict = {}
    for rule, root in zip(plan.rules, plan.rule_roots):
        if root is None:
            continue
        bit = 1 << rule.index
        for c in plan._conjuncts(root):
            if c is None:
                continue
            slot, truth = c
            no, ny = masks.setdefault(slot, ([0] * len(truth), [0] * len(truth)))
            for state, value in enumerate(truth):
                if value == NO:
                    no[state] |= bit
                if value != YES:
                    ny[state] |= bit
    return {slot: (tuple(no), tuple(ny)) for slot, (no, ny) in sorted(masks.items())}


def _texts():
    for path in sorted((ROOT / "rulesets").glob("*.rules")):
        yield path.read_text("utf-8")
    yield generate(200)
    yield table.generate(300)
    yield table.generate()  # the 1,490-rule speed table


def test_the_index_is_the_marked_states_of_every_conjunct():
    seen = 0
    for text in _texts():
        plan = load(compile_source(text, "x.rules")).plan
        assert plan.masks == _marked(plan)
        seen += 1
    assert seen >= 3


def test_a_rule_with_two_conjuncts_on_one_input_is_in_the_union_of_their_states():
    text = '''ruleset "Two sides of one input" version 1.0.0

input CRP: number in mg/L from 0 to 1000
input fever: yes/no

decision plan: one of [observe, refer]

rule band: IF CRP >= 10 mg/L AND CRP < 50 mg/L AND NOT fever THEN refer
rule low: IF CRP <= 10 mg/L THEN observe
rule exact: IF CRP = 50 mg/L AND CRP != 10 mg/L THEN observe
'''
    plan = load(compile_source(text, "x.rules")).plan
    assert plan.masks == _marked(plan)


spans = st.lists(st.tuples(st.integers(0, 30), st.integers(1, 12)), min_size=1, max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.integers(0, 8), spans, min_size=1, max_size=6))
def test_overlapping_and_touching_spans_of_a_rule_count_once(by_rule):
    size = 45
    found = {1 << rule: [(start, min(start + length, size)) for start, length in items]
             for rule, items in by_rule.items()}
    expected = [0] * size
    for bit, items in found.items():
        for start, end in items:
            for state in range(start, end):
                expected[state] |= bit
    assert _state_masks(size, {bit: list(items) for bit, items in found.items()}) == tuple(expected)
