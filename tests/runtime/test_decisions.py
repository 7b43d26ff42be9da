"""Every status and every policy, with the needs the contract asks for."""


SEED = """
ruleset "imaging" version 1.0.0 applies when upper back pain
source 1: "Guideline one"
source 2: "Guideline two"
input upper back pain: yes/no
input duration: number in weeks from 0 to 520
input fever: yes/no
input history of malignancy: yes/no
input ESR: number in mm/h from 0 to 200
define red flags: any of [fever, history of malignancy, ESR > 20 mm/h]
decision imaging: one of [no imaging, MRI]
rule early: IF duration < 6 weeks AND no red flags THEN no imaging BECAUSE "acute" [1, 2]
rule late: IF duration > 6 weeks AND no red flags THEN MRI BECAUSE "persistent" [2]
rule flags: IF red flags THEN MRI BECAUSE "red flags" [2]
"""

CALM = {"upper back pain": True, "fever": False, "history of malignancy": False, "ESR": 10}


def test_decided_with_fired_rule_and_citations(build):
    r = build(SEED).evaluate({**CALM, "duration": "7 weeks"})
    d = r.decisions["imaging"]
    assert (d.status, d.value, d.fired, d.needs, d.conflicting) == ("decided", "MRI", ["late"], [], None)
    assert r.applicable is True and r.fired == ["late"] and r.needs == []
    assert r.to_json()["citations"] == [{"number": 2, "citation": "Guideline two"}]


def test_gap_is_undecided_with_empty_needs(build):
    d = build(SEED).evaluate({**CALM, "duration": "42 days"}).decisions["imaging"]
    assert (d.status, d.value, d.fired, d.needs) == ("undecided", None, [], [])


def test_missing_data_never_means_no_red_flags(build):
    r = build(SEED).evaluate({**CALM, "duration": "2 weeks", "ESR": None})
    d = r.decisions["imaging"]
    assert (d.status, d.fired, d.needs) == ("undecided", [], ["ESR"])
    assert r.needs == ["ESR"]


def test_a_fired_rule_and_an_unknown_rule_with_the_same_option_decide(build):
    # `flags` fires (fever); `late` is unknown (ESR unknown) but would choose MRI too
    d = build(SEED).evaluate({**CALM, "duration": "7 weeks", "fever": True, "ESR": None}).decisions["imaging"]
    assert (d.status, d.value, d.fired, d.needs) == ("decided", "MRI", ["flags"], [])


def test_fired_rule_with_unknown_rule_of_another_option_is_undecided(build):
    d = build(SEED).evaluate(
        {**CALM, "duration": "2 weeks", "history of malignancy": None, "fever": False}
    ).decisions["imaging"]
    assert (d.status, d.fired, d.needs) == ("undecided", [], ["history of malignancy"])


def test_conflict_reports_both_options_never_picks(build):
    text = SEED + "rule override: IF fever THEN no imaging\n"
    d = build(text).evaluate({**CALM, "duration": "2 weeks", "fever": True}).decisions["imaging"]
    assert (d.status, d.value, d.conflicting) == ("conflict", None, ["no imaging", "MRI"])
    assert d.fired == ["flags", "override"]
    assert d.to_json()["conflicting"] == ["no imaging", "MRI"]


def test_scope_no_is_not_applicable_and_nothing_fires(build):
    r = build(SEED).evaluate({**CALM, "upper back pain": False, "duration": "7 weeks"})
    assert r.applicable is False and r.fired == [] and r.needs == []
    d = r.decisions["imaging"]
    assert (d.status, d.value, d.fired, d.needs) == ("not applicable", None, [], [])


def test_scope_unknown_needs_scope_inputs_only_when_decided_inside(build):
    r = build(SEED).evaluate({**CALM, "upper back pain": None, "duration": "7 weeks"})
    d = r.decisions["imaging"]
    assert r.applicable is None
    assert (d.status, d.value, d.fired, d.needs) == ("undecided", None, [], ["upper back pain"])


def test_scope_unknown_adds_rule_needs_when_undecided_inside_too(build):
    r = build(SEED).evaluate({**CALM, "upper back pain": None, "duration": "2 weeks", "ESR": None})
    assert r.decisions["imaging"].needs == ["upper back pain", "ESR"]


def test_scope_unknown_needs_only_the_scope_when_inside_is_decided_whatever_esr(build):
    # inside the scope imaging is MRI whatever ESR is: only the scope is open
    r = build(SEED).evaluate({**CALM, "upper back pain": None, "duration": "7 weeks", "ESR": None})
    assert r.decisions["imaging"].needs == ["upper back pain"]


# --- deciding over every completion (LANGUAGE.md, Missing data) -------------------


def test_persistent_pain_is_mri_whatever_esr_is(build):
    # `late` (no red flags) and `flags` (red flags) both choose MRI at 7 weeks
    r = build(SEED).evaluate({**CALM, "duration": "7 weeks", "ESR": None}, explain=True)
    d = r.decisions["imaging"]
    assert (d.status, d.value, d.fired, d.needs) == ("decided", "MRI", [], [])
    assert d.regardless == ("ESR",)
    assert "imaging: MRI, whatever ESR is" in r.explain_text()


def test_acute_pain_with_unknown_esr_says_which_values_lead_where(build):
    r = build(SEED).evaluate({**CALM, "duration": "2 weeks", "ESR": None}, explain=True)
    d = r.decisions["imaging"]
    assert [(p.value, p.when) for p in d.possible] == [
        ("no imaging", ("ESR at most 20 mm/h",)),
        ("MRI", ("ESR more than 20 mm/h",)),
    ]
    assert "no imaging if ESR at most 20 mm/h" in r.explain_text()
    assert d.to_json()["possible"][1] == {"status": "decided", "value": "MRI", "when": ["ESR more than 20 mm/h"]}


def test_every_red_flag_unknown_at_seven_weeks_needs_nothing(build):
    r = build(SEED).evaluate({"upper back pain": True, "duration": "7 weeks"})
    assert (r.decisions["imaging"].status, r.needs) == ("decided", [])


def test_an_unknown_rule_that_is_yes_in_every_completion_decides(build):
    text = """
    ruleset "t"
    input n: number from 0 to 10
    decision d: one of [x, y]
    rule both sides: IF n > 3 OR n <= 3 THEN x
    rule never: IF n > 5 AND n < 4 THEN y
    """
    d = build(text).evaluate({}).decisions["d"]
    assert (d.status, d.value, d.needs) == ("decided", "x", [])


def test_needs_only_inputs_that_change_the_result_alone(build):
    text = """
    ruleset "t"
    input a: yes/no
    input b: yes/no
    input c: yes/no
    decision d: one of [x, y]
    rule r1: IF a AND b THEN x
    rule r2: IF NOT (a AND b) THEN y
    rule r3: IF c AND NOT c THEN x
    """
    d = build(text).evaluate({}).decisions["d"]
    assert (d.status, d.needs) == ("undecided", ["a", "b"])  # c never matters


def test_banded_score_items_on_one_input_are_decided_together(build):
    # age unknown: the items 65-74 and >= 75 cannot both count, so the score
    # is 0, 1 or 2 and never 3: `score >= 3` is no in every completion
    text = """
    ruleset "t"
    input age: number in years from 0 to 120
    input confusion: yes/no
    define risk: score of [age between 65 and 74 years: 1, age >= 75 years: 2, confusion: 1]
    decision admit: one of [yes, no]
    rule high: IF risk >= 4 THEN yes
    rule low: IF risk < 4 THEN no
    """
    d = build(text).evaluate({"confusion": True}).decisions["admit"]
    assert (d.status, d.value, d.needs) == ("decided", "no", [])


def test_scope_that_holds_in_every_completion_applies(build):
    text = """
    ruleset "t" applies when n > 3 OR n <= 3
    input n: number from 0 to 10
    decision d: one of [x]
    rule r: IF n >= 0 THEN x
    """
    r = build(text).evaluate({})
    assert r.applicable is True and r.decisions["d"].value == "x"


def test_is_missing_stays_yes_in_every_completion(build):
    text = """
    ruleset "t"
    input ESR: number in mm/h from 0 to 200
    decision d: one of [x, y]
    rule "missing or high": IF ESR is missing OR ESR > 20 mm/h THEN x
    rule low: IF ESR is known AND ESR <= 20 mm/h THEN y
    """
    d = build(text).evaluate({}).decisions["d"]
    assert (d.status, d.value, d.needs) == ("decided", "x", [])


def test_needs_follow_only_unknown_parts_of_a_condition(build):
    text = """
    ruleset "t"
    input a: yes/no
    input b: yes/no
    input c: yes/no
    decision d: one of [x, y]
    rule r1: IF a OR b THEN x
    rule r2: IF c THEN y
    """
    rs = build(text)
    # a no, b unknown: only b is needed for r1; c known no
    assert rs.evaluate({"a": False, "c": False}).decisions["d"].needs == ["b"]
    # a yes: r1 fires; r2 unknown could add y: only c is needed
    assert rs.evaluate({"a": True}).decisions["d"].needs == ["c"]


PRIORITY = """
ruleset "t"
input a: yes/no
input b: yes/no
input c: yes/no
decision d: one of [urgent, soon, routine] with priority
rule r1: IF a THEN routine
rule r2: IF b THEN urgent
rule r3: IF c THEN soon
"""


def test_priority_picks_the_option_listed_first(build):
    d = build(PRIORITY).evaluate({"a": True, "b": True, "c": True}).decisions["d"]
    assert (d.status, d.value, d.fired) == ("decided", "urgent", ["r1", "r2", "r3"])


def test_priority_undecided_only_by_unknown_rules_of_higher_priority(build):
    rs = build(PRIORITY)
    d = rs.evaluate({"a": None, "b": None, "c": True}).decisions["d"]
    assert (d.status, d.needs) == ("undecided", ["b"])  # r1 (routine) cannot win over soon
    d = rs.evaluate({"a": None, "b": True, "c": None}).decisions["d"]
    assert (d.status, d.value) == ("decided", "urgent")


FIRST = """
ruleset "t"
input a: yes/no
input b: yes/no
input c: yes/no
decision d: one of [x, y] first match
rule r1: IF a THEN x
rule r2: IF b THEN y
rule r3: IF c THEN x
rule r4: OTHERWISE y
"""


def test_first_match_takes_the_earliest_firing_rule(build):
    d = build(FIRST).evaluate({"a": False, "b": True, "c": True}).decisions["d"]
    assert (d.status, d.value, d.fired) == ("decided", "y", ["r2", "r3"])


def test_first_match_unknown_earlier_rule_with_another_option_needs_it(build):
    rs = build(FIRST)
    d = rs.evaluate({"a": None, "b": True, "c": False}).decisions["d"]
    assert (d.status, d.fired, d.needs) == ("undecided", ["r2"], ["a"])
    # an unknown earlier rule with the same option does not stand in the way
    d = rs.evaluate({"a": None, "b": False, "c": True}).decisions["d"]
    assert (d.status, d.value, d.needs) == ("decided", "x", [])


def test_otherwise_fires_when_no_rule_decides(build):
    r = build(FIRST).evaluate({"a": False, "b": False, "c": False})
    d = r.decisions["d"]
    assert (d.status, d.value, d.fired) == ("decided", "y", ["r4"])
    assert r.fired == ["r4"]


def test_otherwise_with_unknown_rules_needs_only_those_that_differ(build):
    rs = build(FIRST)
    # r2 unknown would give y, the same as OTHERWISE; r1 unknown would give x
    d = rs.evaluate({"a": None, "b": None, "c": False}).decisions["d"]
    assert (d.status, d.fired, d.needs) == ("undecided", [], ["a"])
    d = rs.evaluate({"a": False, "b": None, "c": False}).decisions["d"]
    assert (d.status, d.value, d.fired, d.needs) == ("decided", "y", ["r4"], [])


ANY = """
ruleset "t"
input a: yes/no
input b: yes/no
decision tests: any of [ESR, CRP, WBC]
rule r1: IF a THEN ESR, CRP
rule r2: IF b THEN CRP
rule r3: IF a AND b THEN WBC
"""


def test_any_of_collects_every_fired_option_in_declaration_order(build):
    d = build(ANY).evaluate({"a": True, "b": True}).decisions["tests"]
    assert (d.status, d.value, d.fired) == ("decided", ["ESR", "CRP", "WBC"], ["r1", "r2", "r3"])


def test_any_of_with_nothing_chosen_is_decided_empty(build):
    d = build(ANY).evaluate({"a": False, "b": False}).decisions["tests"]
    assert (d.status, d.value, d.fired, d.needs) == ("decided", [], [], [])
    assert d.to_json()["value"] == []


def test_any_of_undecided_when_an_unknown_rule_could_add_an_option(build):
    rs = build(ANY)
    d = rs.evaluate({"a": True, "b": None}).decisions["tests"]
    assert (d.status, d.value, d.fired, d.needs) == ("undecided", None, ["r1"], ["b"])
    # nothing fired and r2 unknown could choose CRP where nothing is chosen
    d = rs.evaluate({"a": False, "b": None}).decisions["tests"]
    assert (d.status, d.needs) == ("undecided", ["b"])


def test_any_of_settled_when_unknown_rules_add_nothing_new(build):
    text = ANY.replace("rule r3: IF a AND b THEN WBC\n", "")
    d = build(text).evaluate({"a": True, "b": None}).decisions["tests"]
    assert (d.status, d.value, d.needs) == ("decided", ["ESR", "CRP"], [])


def test_rule_acting_on_two_decisions_fires_once(build):
    text = """
    ruleset "t"
    input a: yes/no
    decision d1: one of [x, y]
    decision d2: any of [p, q]
    rule both: IF a THEN x, p
    """
    r = build(text).evaluate({"a": True})
    assert r.fired == ["both"]
    assert r.decisions["d1"].value == "x" and r.decisions["d2"].value == ["p"]
