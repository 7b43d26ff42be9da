"""One test (or a few) per lint code, on real `.rules` snippets."""

from __future__ import annotations

from pathlib import Path

from clinrules.lint import lint
from tests.lint.conftest import HEAD, compile_rules, lint_text

EXAMPLE = Path(__file__).with_name("data") / "cervicogenic.rules"


def test_language_example_reports_the_gap_at_exactly_six_weeks():
    doc = compile_rules(EXAMPLE.read_text(), "cervicogenic.rules")
    gaps = [f for f in lint(doc) if f.name == "gap"]
    assert len(gaps) == 1
    gap = gaps[0]
    assert gap.code == "CR002" and gap.severity == "warning"
    # the region is exactly where the editor's definition `red flags` is no
    assert gap.message == "`imaging` gets no option for patients with duration exactly 6 weeks, no red flags"
    assert gap.witness["duration"] == "6 weeks"
    assert gap.witness["upper back pain"] is True and gap.witness["cervicogenic dizziness"] is True
    assert gap.witness["fever"] is False and gap.witness["history of malignancy"] is False
    assert (gap.file, gap.line, gap.column) == ("cervicogenic.rules", 19, 1)
    lint_text(EXAMPLE.read_text())  # every witness replays


def test_conflict_names_both_rules_and_a_patient_for_whom_both_fire():
    text = HEAD + '''
rule conservative: IF duration < 6 weeks THEN no imaging BECAUSE "x" [1]
rule fever needs MRI: IF fever THEN MRI BECAUSE "y" [1]
'''
    (conflict,) = lint_text(text, codes={"conflict"})
    assert conflict.code == "CR001" and conflict.severity == "error"
    assert conflict.rules == ("conservative", "fever needs MRI")
    assert conflict.message == ("rules `conservative` and `fever needs MRI` can both fire for "
                                "`imaging` with different options: `no imaging` and `MRI`")
    # nearest the middle of the range (0 to 520 weeks) inside `< 6 weeks`
    assert conflict.witness == {"duration": "5 weeks", "fever": True}
    assert conflict.line == 8


def test_no_conflict_when_rules_are_exclusive_at_the_boundary():
    text = HEAD + '''
rule a: IF duration < 6 weeks THEN no imaging BECAUSE "x" [1]
rule b: IF duration >= 6 weeks THEN MRI BECAUSE "y" [1]
'''
    assert lint_text(text, codes={"conflict", "gap"}) == []


def test_conflict_after_exact_unit_conversion():
    text = HEAD + '''
rule a: IF duration <= 42 days THEN no imaging BECAUSE "x" [1]
rule b: IF duration >= 6 weeks THEN MRI BECAUSE "y" [1]
'''
    (conflict,) = lint_text(text, codes={"conflict"})
    assert conflict.witness["duration"] == "6 weeks"


def test_gap_witness_uses_another_unit_when_needed():
    text = HEAD + '''
rule a: IF duration < 10 days THEN no imaging BECAUSE "x" [1]
rule b: IF duration > 10 days THEN MRI BECAUSE "y" [1]
'''
    (gap,) = lint_text(text, codes={"gap"})
    assert gap.witness["duration"] == "10 days"
    assert "duration exactly 10 days" in gap.message


def test_gap_lists_each_region_with_a_witness():
    text = HEAD + '''
rule a: IF duration < 6 weeks AND fever THEN no imaging BECAUSE "x" [1]
rule b: IF duration > 6 weeks THEN MRI BECAUSE "y" [1]
'''
    gaps = lint_text(text, codes={"gap"})
    assert [g.extra["region"] for g in gaps] == ["duration less than 6 weeks, no fever",
                                                 "duration exactly 6 weeks"]
    assert [g.witness for g in gaps] == [{"duration": "5 weeks", "fever": False},
                                         {"duration": "6 weeks", "fever": False}]
    assert gaps[0].message.endswith("(region 1 of 2)")
    assert all(g.extra["regions_total"] == 2 for g in gaps)


def test_no_gap_with_otherwise_or_for_any_of():
    text = HEAD + '''
rule a: IF fever THEN MRI BECAUSE "x" [1]
rule rest: OTHERWISE no imaging BECAUSE "y" [1]
'''
    assert lint_text(text, codes={"gap"}) == []
    text = HEAD.replace("one of [no imaging, MRI]", "any of [no imaging, MRI]") + '''
rule a: IF fever THEN MRI BECAUSE "x" [1]
rule b: IF duration > 2 weeks THEN no imaging BECAUSE "x" [1]
'''
    assert lint_text(text, codes={"gap", "conflict"}) == []


def test_gap_only_inside_scope_and_ranges():
    text = HEAD.replace('version 1.0.0', 'version 1.0.0 applies when fever') + '''
rule a: IF duration < 6 weeks THEN no imaging BECAUSE "x" [1]
rule b: IF duration >= 6 weeks THEN MRI BECAUSE "y" [1]
'''
    assert lint_text(text, codes={"gap"}) == []


def test_integer_score_thresholds_leave_no_gap():
    text = '''ruleset "Score" version 1.0.0
source 1: "s"
input a: yes/no
input b: yes/no
input c: yes/no
input d: yes/no
input e: yes/no
define points: score of [a: 1, b: 1, c: 1, d: 1, e: 1]
decision plan: one of [low, mid, high]
rule low: IF points <= 1 THEN low BECAUSE "x" [1]
rule mid: IF points between 2 and 3 THEN mid BECAUSE "x" [1]
rule high: IF points >= 4 THEN high BECAUSE "x" [1]
'''
    assert lint_text(text, codes={"gap", "conflict", "dead-rule"}) == []
    broken = text.replace("points >= 4", "points >= 5")
    (gap,) = lint_text(broken, codes={"gap"})
    # exactly four points: five regions (which four items), said once as the score's value
    assert gap.message == "`plan` gets no option for patients with points = 4"
    assert gap.extra["region"] == "points = 4" and gap.extra["regions_total"] == 5
    assert sum(v is True for v in gap.witness.values()) == 4
    regions = gap.extra["regions"]
    assert [r["region"] for r in regions][-1] == "no a, b, c, d, e"
    assert all(sum(v is True for v in r["witness"].values()) == 4 for r in regions)


def test_dead_rule_contradictory_bounds():
    text = HEAD + '''
rule chronic: IF duration > 8 weeks AND duration < 6 weeks THEN MRI BECAUSE "x" [1]
rule rest: OTHERWISE no imaging BECAUSE "y" [1]
'''
    (dead,) = lint_text(text, codes={"dead-rule"})
    assert dead.code == "CR003" and dead.severity == "error" and dead.witness is None
    assert dead.message == ("rule `chronic` can never fire: `duration > 8 weeks AND duration < 6 weeks` "
                            "is never true inside the scope and the input ranges")


def test_dead_rule_outside_range_and_outside_scope():
    text = HEAD.replace('version 1.0.0', 'version 1.0.0 applies when fever') + '''
rule too long: IF duration > 600 weeks THEN MRI BECAUSE "x" [1]
rule never in scope: IF no fever THEN MRI BECAUSE "x" [1]
rule rest: OTHERWISE no imaging BECAUSE "y" [1]
'''
    dead = lint_text(text, codes={"dead-rule"})
    assert [d.rules for d in dead] == [("too long",), ("never in scope",)]


def test_missing_data_rule_is_not_dead():
    text = HEAD + '''
rule ask: IF duration is missing THEN no imaging BECAUSE "x" [1]
rule known: IF duration is known THEN MRI BECAUSE "x" [1]
'''
    assert lint_text(text, codes={"dead-rule"}) == []


def test_otherwise_dead_when_rules_cover_everything_known():
    text = HEAD + '''
rule a: IF duration < 6 weeks THEN no imaging BECAUSE "x" [1]
rule b: IF duration >= 6 weeks THEN MRI BECAUSE "y" [1]
rule rest: OTHERWISE no imaging BECAUSE "y" [1]
'''
    (dead,) = lint_text(text, codes={"dead-rule"})
    assert dead.rules == ("rest",)
    alive = text.replace("IF duration < 6 weeks", "IF duration is known AND duration < 6 weeks") \
                .replace("IF duration >= 6 weeks", "IF duration is known AND duration >= 6 weeks")
    assert lint_text(alive, codes={"dead-rule"}) == []


def test_masked_rule_under_first_match_names_the_masking_rule():
    text = HEAD.replace("[no imaging, MRI]", "[no imaging, MRI] first match") + '''
rule any pain: IF duration > 2 weeks THEN MRI BECAUSE "x" [1]
rule long pain: IF duration > 6 weeks THEN no imaging BECAUSE "x" [1]
rule rest: OTHERWISE no imaging BECAUSE "x" [1]
'''
    (masked,) = lint_text(text, codes={"masked-rule"})
    assert masked.code == "CR004" and masked.rules == ("long pain", "any pain")
    assert "can never decide `imaging`" in masked.message and "`any pain`" in masked.message
    fixed = text.replace("rule any pain: IF duration > 2 weeks THEN MRI BECAUSE \"x\" [1]\n", "") + \
        'rule any pain: IF duration > 2 weeks THEN MRI BECAUSE "x" [1]\n'
    assert lint_text(fixed, codes={"masked-rule"}) == []


def test_masked_rule_under_priority():
    text = HEAD.replace("[no imaging, MRI]", "[MRI, no imaging] with priority") + '''
rule wait: IF duration > 6 weeks AND fever THEN no imaging BECAUSE "x" [1]
rule scan: IF fever THEN MRI BECAUSE "x" [1]
rule rest: OTHERWISE no imaging BECAUSE "x" [1]
'''
    (masked,) = lint_text(text, codes={"masked-rule"})
    assert masked.rules == ("wait", "scan")


def test_redundant_rule_reports_the_covered_rule():
    text = HEAD + '''
rule fever needs MRI: IF fever THEN MRI BECAUSE "x" [1]
rule long fever: IF fever AND duration > 2 weeks THEN MRI BECAUSE "x" [1]
rule rest: OTHERWISE no imaging BECAUSE "x" [1]
'''
    (red,) = lint_text(text, codes={"redundant-rule"})
    assert red.code == "CR005" and red.rules == ("long fever", "fever needs MRI")
    assert red.message == ("rule `long fever` is redundant: rule `fever needs MRI` chooses the same "
                           "options and fires for every patient this rule fires for")


def test_unused_declarations():
    text = '''ruleset "Imaging" version 1.0.0
source 1: "a"
source 2: "b"
input duration: number in weeks from 0 to 520
input fever: yes/no
input smoker: yes/no
define persistent: duration > 6 weeks
decision imaging: one of [no imaging, MRI, CT]
rule scan: IF fever THEN MRI BECAUSE "x" [1]
rule rest: OTHERWISE no imaging BECAUSE "x" [1]
'''
    found = {f.name: f for f in lint_text(text)}
    assert found["unused-input"].message == "input `smoker` is declared but no condition reads it"
    assert found["unused-input"].line == 6 and found["unused-input"].severity == "info"
    assert found["unused-definition"].message.startswith("definition `persistent` is declared")
    assert found["unused-option"].message == "option `CT` of `imaging` is never chosen by any rule"
    assert found["unused-source"].message == "source 2 is never cited by any rule"
    assert found["unused-source"].line == 3
    assert [f.message for f in lint_text(text) if f.name == "unused-input"] == [
        "input `smoker` is declared but no condition reads it"]


def test_missing_rationale_both_forms():
    text = HEAD + '''
rule a: IF fever THEN MRI
rule b: OTHERWISE no imaging BECAUSE "default"
'''
    msgs = [f.message for f in lint_text(text, codes={"missing-rationale"})]
    assert msgs == ["rule `a` has no `BECAUSE`: say why, and cite a source",
                    "rule `b` gives a reason but cites no source (add `[N]`)"]


def test_mixed_and_or_reads_the_grouped_flags():
    text = HEAD + '''
rule a: IF fever AND duration > 2 weeks OR duration > 12 weeks THEN MRI BECAUSE "x" [1]
rule rest: OTHERWISE no imaging BECAUSE "x" [1]
'''
    (mixed,) = lint_text(text, codes={"mixed-and-or"})
    assert mixed.code == "CR011" and mixed.line == 7
    assert "(fever AND duration > 2 weeks) OR duration > 12 weeks" in mixed.message
    grouped = text.replace("IF fever AND duration > 2 weeks OR", "IF (fever AND duration > 2 weeks) OR")
    assert lint_text(grouped, codes={"mixed-and-or"}) == []


def test_unnamed_rule_suggests_a_name():
    text = HEAD + '''
IF fever THEN MRI BECAUSE "x" [1]
rule rest: OTHERWISE no imaging BECAUSE "x" [1]
'''
    (unnamed,) = lint_text(text, codes={"unnamed-rule"})
    assert unnamed.rules == ("rule 1",)
    assert unnamed.message.endswith('e.g. `rule "MRI when fever":`')


def test_suppression_with_reason_suppresses_and_without_reason_is_reported():
    text = HEAD.replace("decision imaging", "# lint: allow gap -- 6 weeks goes to a clinician\ndecision imaging") + '''
rule a: IF duration < 6 weeks THEN no imaging BECAUSE "x" [1]
rule b: IF duration > 6 weeks THEN MRI BECAUSE "y" [1]
'''
    assert lint_text(text, codes={"gap", "suppression-without-reason"}) == []
    bare = text.replace(" -- 6 weeks goes to a clinician", "")
    found = lint_text(bare, codes={"gap", "suppression-without-reason"})
    assert sorted(f.name for f in found) == ["gap", "suppression-without-reason"]
    sup = next(f for f in found if f.name == "suppression-without-reason")
    assert sup.message.startswith("`# lint: allow gap` on `imaging` gives no reason")


def test_suppression_by_code_on_a_rule():
    text = HEAD + '''
rule a: IF duration < 6 weeks THEN no imaging BECAUSE "x" [1]
# lint: allow CR001 -- fever is triaged before this ruleset runs
rule b: IF fever THEN MRI BECAUSE "y" [1]
'''
    assert lint_text(text, codes={"conflict"}) == []


def test_project_config_changes_severity_and_disables():
    text = HEAD + '''
IF fever THEN MRI BECAUSE "x" [1]
rule rest: OTHERWISE no imaging BECAUSE "x" [1]
'''
    found = lint_text(text, config={"severity": {"unnamed-rule": "warning"}, "disable": ["CR006"]})
    assert [(f.name, f.severity) for f in found if f.name == "unnamed-rule"] == [("unnamed-rule", "warning")]
    assert not [f for f in found if f.name == "unused-input"]


def test_gap_names_a_definition_only_where_the_region_is_exactly_it():
    text = HEAD.replace("input fever: yes/no", "input fever: yes/no\ninput rash: yes/no\n"
                        "define infection signs: any of [fever, rash]") + '''
rule early: IF duration < 6 weeks AND no infection signs THEN no imaging BECAUSE "x" [1]
rule infection: IF infection signs AND duration > 2 weeks THEN MRI BECAUSE "x" [1]
rule late: IF duration > 6 weeks THEN MRI BECAUSE "x" [1]
'''
    gaps = lint_text(text, codes={"gap"})
    assert [g.extra["region"] for g in gaps] == [
        # where `infection signs` is yes the region comes in two boxes, each
        # only part of the definition: said in input words
        "duration at most 2 weeks, fever, no rash",
        "duration at most 2 weeks, rash",
        "duration exactly 6 weeks, no infection signs",
    ]
    # one input is said in its own words, not as a one-input definition
    single = text.replace("any of [fever, rash]", "any of [fever]")
    assert [g.extra["region"] for g in lint_text(single, codes={"gap"})] == [
        "duration at most 2 weeks, fever", "duration exactly 6 weeks, no fever"]
