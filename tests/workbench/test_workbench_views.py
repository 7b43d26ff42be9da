"""The workbench's answers for the text being edited: the same whether the
last check and the loaded ruleset are kept or made afresh, and made afresh
as soon as the text (or its path) changes."""

from __future__ import annotations

import copy

from clinrules.workbench import views

RULES = '''ruleset "Neck imaging" version 1.0.0

source 1: "Guideline, 2025"

input duration: number in weeks from 0 to 520
input red flags: yes/no

decision imaging: one of [MRI, no imaging]

rule mri: IF duration > 6 weeks AND no red flags THEN MRI BECAUSE "Persistent." [1]
rule wait: IF duration <= 6 weeks THEN no imaging BECAUSE "Acute." [1]
'''


def _fresh() -> None:
    views._last = views._LastText()


def test_answers_for_the_same_text_are_the_same_kept_or_not():
    _fresh()
    facts = {"duration": "8 weeks", "red flags": False}
    first = (views.problems(RULES, "a.rules"), views.schema(RULES, "a.rules"),
             views.evaluate(RULES, "a.rules", facts))
    kept = views._last.checked
    doc = copy.deepcopy(kept.doc)
    again = (views.problems(RULES, "a.rules"), views.schema(RULES, "a.rules"),
             views.evaluate(RULES, "a.rules", facts))
    assert again == first
    assert views._last.checked is kept and views._last.ruleset is not None
    assert kept.doc == doc and kept.findings is None  # linting and loading changed nothing kept
    _fresh()
    assert (views.problems(RULES, "a.rules"), views.schema(RULES, "a.rules"),
            views.evaluate(RULES, "a.rules", facts)) == first
    assert first[2]["result"]["decisions"]["imaging"]["value"] == "MRI"


def test_a_new_text_or_path_is_checked_and_loaded_afresh():
    _fresh()
    facts = {"duration": "8 weeks", "red flags": False}
    assert views.evaluate(RULES, "a.rules", facts)["result"]["decisions"]["imaging"]["value"] == "MRI"
    changed = RULES.replace("duration > 6 weeks", "duration > 9 weeks").replace("duration <= 6", "duration <= 9")
    assert views.evaluate(changed, "a.rules", facts)["result"]["decisions"]["imaging"]["value"] == "no imaging"
    broken = RULES.replace("THEN MRI", "THEN MRU")
    answer = views.evaluate(broken, "a.rules", facts)
    assert answer["result"] is None and answer["problems"]
    assert views.problems(broken, "a.rules")["compiled"] is False
    first = views._last.checked
    views.problems(broken, "b.rules")
    assert views._last.checked is not first and views._last.checked.path == "b.rules"
