"""Each semantic error: stable code, message in clinical words, position, hint.

Positions are computed from the snippet (`at(line_text, token)`), so each
test shows which word the caret must point at. Snippets are added to the
conftest BASE ruleset, whose first added line is line 13.
"""

from __future__ import annotations

import pytest

from clinrules.compiler import compile_source
from clinrules.errors import RulesError

LINE = 13  # first line added to BASE


def at(text: str, token: str, occurrence: int = 1) -> int:
    """1-based column of the n-th `token` in `text`."""
    index = -1
    for _ in range(occurrence):
        index = text.index(token, index + 1)
    return index + 1


def check(diagnostic, code: str, line: int, column: int, message: str, hint: str | None = None):
    assert diagnostic.code == code, diagnostic.render()
    assert (diagnostic.location.line, diagnostic.location.column) == (line, column), diagnostic.render()
    assert diagnostic.message == message
    if hint is not None:
        assert diagnostic.hint == hint
    assert diagnostic.file == "test.rules"
    assert diagnostic.severity == "error"
    assert diagnostic.source_line is not None


# --- names ----------------------------------------------------------------------


def test_undeclared_name_suggests_the_closest(error):
    text = "rule r: IF redflags THEN physio"
    check(error(text + "\n"), "undeclared-name", LINE, at(text, "redflags"),
          "`redflags` is not declared; did you mean `red flags`?")


def test_undeclared_name_suggests_a_name_holding_the_typed_word():
    d = _one('ruleset "T"\ninput history of malignancy: yes/no\ndecision d: one of [x]\n'
             "rule r: IF malignancy THEN x\n")
    assert d.code == "undeclared-name"
    assert d.message == "`malignancy` is not declared; did you mean `history of malignancy`?"
    assert (d.location.line, d.location.column) == (4, 12)


def test_undeclared_name_without_close_names_has_no_suggestion(error):
    d = error("rule r: IF zzzzqqq THEN physio\n")
    assert d.message == "`zzzzqqq` is not declared"
    assert "declare it" in d.hint


def test_undeclared_name_in_scope():
    d = _one('ruleset "T" applies when fevr\ninput fever: yes/no\n')
    check_loose(d, "undeclared-name", 1, 26, "`fevr` is not declared; did you mean `fever`?")


def test_undeclared_subject_of_comparison(error):
    text = "rule r: IF durration > 6 weeks THEN physio"
    check(error(text + "\n"), "undeclared-name", LINE, at(text, "durration"),
          "`durration` is not declared; did you mean `duration`?")


def test_undeclared_name_in_is_missing(error):
    text = "rule r: IF ESRR is missing THEN physio"
    check(error(text + "\n"), "undeclared-name", LINE, at(text, "ESRR"),
          "`ESRR` is not declared; did you mean `ESR`?")


def test_name_declared_twice_any_case_and_spacing(error):
    text = "define  FEVER : ESR > 3 mm/h"
    check(error(text + "\n"), "declared-twice", LINE, at(text, "FEVER"),
          "`FEVER` is declared twice: it is already an input (line 3)")


def test_decision_and_input_share_one_namespace(error):
    text = "decision side: one of [a, b]"
    check(error(text + "\n"), "declared-twice", LINE, at(text, "side"),
          "`side` is declared twice: it is already an input (line 7)")


def test_option_and_definition_share_one_namespace(error):
    text = "decision other: one of [red flags, none]"
    check(error(text + "\n"), "declared-twice", LINE, at(text, "red flags"),
          "`red flags` is declared twice: it is already a definition (line 8)")


def test_option_listed_twice_in_a_decision(error):
    text = "decision other: one of [x, y, X]"
    check(error(text + "\n"), "declared-twice", LINE, at(text, "X"),
          f"`X` is listed twice in decision `other` (first on line 13, column {at(text, 'x')})",
          "list each option once")


def test_option_listed_twice_in_a_one_of_input(error):
    text = "input colour: one of [red, Red]"
    check(error(text + "\n"), "declared-twice", LINE, at(text, "Red"),
          f"`Red` is listed twice in `colour` (first on line 13, column {at(text, 'red')})")


def test_source_declared_twice(error):
    check(error('source 1: "Again"\n'), "declared-twice", LINE, 1,
          "source 1 is declared twice (first on line 2)", "give each source its own number")


def test_definition_cycle_of_one(error):
    text = "define loop: loop OR fever"
    check(error(text + "\n"), "definition-cycle", LINE, at(text, "loop", 2),
          "`loop` is defined in terms of itself")


def test_definition_cycle_through_others_is_reported_once(errors):
    found = errors("define a: b\ndefine b: c AND fever\ndefine c: a\n")
    assert [d.code for d in found] == ["definition-cycle"]
    d = found[0]
    assert (d.location.line, d.location.column) == (LINE + 2, 11)
    assert d.message == "`c` is defined in terms of itself: `c` -> `a` -> `b` -> `c`"


def test_definition_cycle_through_a_score(error):
    d = error("define s: score of [t: 1]\ndefine t: s >= 1\n")
    assert d.code == "definition-cycle"
    assert (d.location.line, d.location.column) == (LINE + 1, 11)
    assert d.message == "`t` is defined in terms of itself: `t` -> `s` -> `t`"


def test_rule_names_must_be_unique(error):
    text = "rule Scan: IF no fever THEN physio"
    d = error("rule scan: IF fever THEN physio\n" + text + "\n")
    check(d, "duplicate-rule-name", LINE + 1, at(text, "Scan"),
          "rule `Scan` is declared twice (first on line 13)", "give each rule its own name")


def test_named_rule_clashing_with_a_bare_rule_number(error):
    d = error("IF fever THEN physio\nrule rule 1: IF no fever THEN physio\n")
    check(d, "duplicate-rule-name", LINE + 1, 6, "rule `rule 1` is declared twice (first on line 13)",
          "give each rule its own name; bare rules are named `rule N` by position")


def test_two_otherwise_rules_for_one_decision(error):
    d = error("rule a: OTHERWISE imaging: MRI\nrule b: OTHERWISE no imaging\n")
    check(d, "duplicate-otherwise", LINE + 1, 6,
          "`imaging` already has an OTHERWISE rule (`a`, line 13)", "keep one OTHERWISE rule per decision")


def test_otherwise_rules_for_different_decisions_are_fine(build):
    doc = build("rule a: OTHERWISE imaging: MRI\nrule b: OTHERWISE physio\n")
    assert [r["otherwise"] for r in doc["rules"]] == [True, True]


def test_rule_choosing_two_options_of_one_of_decision(error):
    text = "rule r: IF fever THEN imaging: MRI, no imaging"
    check(error(text + "\n"), "one-of-two-options", LINE, at(text, "no imaging"),
          "rule `r` chooses both `MRI` and `no imaging` for `imaging`, which takes only one option",
          "split it into two rules, or make `imaging` an `any of` decision")


def test_rule_choosing_one_option_twice(error):
    text = "rule r: IF fever THEN physio AND Physio"
    check(error(text + "\n"), "duplicate-action", LINE, at(text, "Physio"),
          "rule `r` chooses `Physio` twice")


def test_shared_option_must_be_qualified(error):
    text = "rule r: IF fever THEN MRI"
    check(error(text + "\n"), "ambiguous-option", LINE, at(text, "MRI"),
          "`MRI` is an option of both `imaging` and `referral`; say which decision it is for",
          "`imaging: MRI` or `referral: MRI`")


def test_action_option_not_in_any_decision_suggests(error):
    text = "rule r: IF fever THEN fysio"
    check(error(text + "\n"), "unknown-option", LINE, at(text, "fysio"),
          "`fysio` is not an option of any decision; did you mean `physio`?")


def test_qualified_action_option_not_in_that_decision(error):
    text = "rule r: IF fever THEN imaging: physio"
    check(error(text + "\n"), "unknown-option", LINE, at(text, "physio"),
          "`physio` is not an option of `imaging`", "its options are: no imaging, MRI")


def test_qualified_by_an_undeclared_decision(error):
    text = "rule r: IF fever THEN imagng: MRI"
    check(error(text + "\n"), "undeclared-name", LINE, at(text, "imagng"),
          "`imagng` is not declared; did you mean `imaging`?")


def test_qualified_by_something_that_is_not_a_decision(error):
    text = "rule r: IF fever THEN fever: MRI"
    check(error(text + "\n"), "not-a-decision", LINE, at(text, "fever", 2), "`fever` is an input, not a decision")


def test_action_naming_an_input(error):
    text = "rule r: IF fever THEN ESR"
    check(error(text + "\n"), "unknown-option", LINE, at(text, "ESR"),
          "`ESR` is an input, not an option of any decision")


def test_code_for_an_undeclared_name(error):
    text = "code physiotherapy: SNOMED 1"
    check(error(text + "\n"), "undeclared-name", LINE, at(text, "physiotherapy"),
          "`physiotherapy` is not declared; did you mean `physio`?")


def test_decision_used_as_a_condition(error):
    text = "rule r: IF imaging THEN physio"
    check(error(text + "\n"), "decision-in-condition", LINE, at(text, "imaging"),
          "`imaging` is a decision; conditions can only test inputs and definitions")


def test_option_used_as_a_condition(error):
    text = "rule r: IF physio THEN physio"
    check(error(text + "\n"), "decision-in-condition", LINE, at(text, "physio"),
          "`physio` is an option of `referral`; conditions can only test inputs and definitions")


def test_input_option_used_as_a_condition(error):
    text = "rule r: IF left THEN physio"
    check(error(text + "\n"), "not-a-condition", LINE, at(text, "left"),
          "`left` is an option of `side`, not a condition", "write `side is left`")


# --- types and units -------------------------------------------------------------


def test_unit_of_the_wrong_dimension(error):
    text = "rule r: IF ESR > 6 weeks THEN physio"
    check(error(text + "\n"), "unit-mismatch", LINE, at(text, "6 weeks"),
          "`ESR` is measured in mm/h; `6 weeks` is a time",
          "write it in mm/h or another unit of the same kind, e.g. `6 mm/h`")


def test_quantity_without_its_unit(error):
    text = "rule r: IF duration > 6 THEN physio"
    check(error(text + "\n"), "missing-unit", LINE, at(text, "6"),
          "`6` has no unit, but `duration` is measured in weeks; give a unit, e.g. `6 weeks`",
          "write `6 weeks`")


def test_unit_on_a_plain_number(error):
    text = "rule r: IF age > 6 years THEN physio"
    check(error(text + "\n"), "unexpected-unit", LINE, at(text, "6 years"),
          "`age` is a plain number; `6 years` has a unit",
          "remove the unit `years`, or declare the input as `number in years`")


def test_unit_on_a_score(error):
    text = "rule r: IF wells >= 2 points THEN physio"
    check(error(text + "\n"), "unexpected-unit", LINE, at(text, "2 points"),
          "`wells` is a score (points); `2 points` has a unit", "remove the unit `points`")


def test_unknown_unit_in_a_condition_suggests_close_units(error):
    text = "rule r: IF duration > 6 wekks THEN physio"
    check(error(text + "\n"), "unknown-unit", LINE, at(text, "6 wekks"),
          "`wekks` is not a unit clinrules knows", "did you mean `weeks`?")


def test_unknown_unit_of_an_input_points_at_the_unit(error):
    text = "input creatinine: number in umol/dl"
    d = error(text + "\n")
    check(d, "unknown-unit", LINE, at(text, "umol/dl"), "`umol/dl` is not a unit clinrules knows")
    assert d.hint.startswith("did you mean `")
    assert "umol/L" in d.hint or "µmol/L" in d.hint


def test_unknown_unit_without_close_units_lists_examples(error):
    d = error("input x: number in zorkmids\n")
    assert d.code == "unknown-unit"
    assert d.hint.startswith("units follow UCUM")


def test_mmhg_is_not_converted_to_kpa(error):
    text = "input bp: number in mmHg\nrule r: IF bp > 16 kPa THEN physio"
    d = error(text + "\n")
    assert d.code == "unit-mismatch"
    assert "does not convert between mmHg and pascals" in d.hint


def test_comparing_a_yes_no_input_with_a_number(error):
    text = "rule r: IF fever > 2 THEN physio"
    check(error(text + "\n"), "compare-non-number", LINE, at(text, "fever"),
          "`fever` is a yes/no input, not a number; it cannot be compared with `2`",
          "use `fever` or `no fever`")


def test_comparing_a_condition_with_a_number(error):
    text = "rule r: IF red flags between 1 and 2 THEN physio"
    check(error(text + "\n"), "compare-non-number", LINE, at(text, "red flags"),
          "`red flags` is a condition (yes/no), not a number; it cannot be compared with `1 and 2`")


def test_comparing_a_one_of_input_with_a_number(error):
    text = "rule r: IF side >= 2 THEN physio"
    check(error(text + "\n"), "compare-non-number", LINE, at(text, "side"),
          "`side` is a one-of input, not a number; it cannot be compared with `2`", "write `side is left`")


@pytest.mark.parametrize(
    "subject, message, hint",
    [
        ("age", "`age` is a number, not a condition (yes/no)", "compare it, e.g. `age > 2`"),
        ("duration", "`duration` is a quantity, not a condition (yes/no)",
         "compare it, e.g. `duration > 6 weeks`"),
        ("wells", "`wells` is a score, not a condition (yes/no)", "compare it, e.g. `wells >= 2`"),
        ("side", "`side` is a one-of input, not a condition (yes/no)", "test an option, e.g. `side is left`"),
    ],
)
def test_non_condition_used_as_a_condition(error, subject, message, hint):
    text = f"rule r: IF fever AND {subject} THEN physio"
    check(error(text + "\n"), "not-a-condition", LINE, at(text, subject), message, hint)


def test_no_on_a_number(error):
    text = "rule r: IF no age THEN physio"
    check(error(text + "\n"), "not-a-condition", LINE, at(text, "age"),
          "`age` is a number, not a condition (yes/no)")


def test_score_item_that_is_not_a_condition(error):
    text = "define s2: score of [fever: 1, age: 2]"
    check(error(text + "\n"), "not-a-condition", LINE, at(text, "age"),
          "`age` is a number, not a condition (yes/no)")


def test_is_option_not_in_the_input_list_suggests(error):
    text = "rule r: IF side is lfet THEN physio"
    check(error(text + "\n"), "unknown-option", LINE, at(text, "lfet"),
          "`lfet` is not an option of `side`; did you mean `left`?", "its options are: left, right, both")


def test_is_one_of_with_an_unknown_option(error):
    text = "rule r: IF side is not one of [left, rigth] THEN physio"
    check(error(text + "\n"), "unknown-option", LINE, at(text, "rigth"),
          "`rigth` is not an option of `side`; did you mean `right`?")


def test_is_option_on_a_number_input(error):
    text = "rule r: IF age is old THEN physio"
    check(error(text + "\n"), "not-one-of", LINE, at(text, "age"),
          "`age` is a number; `is OPTION` only tests one-of inputs", "compare it, e.g. `age > 2`")


def test_is_option_on_a_score(error):
    text = "rule r: IF wells is high THEN physio"
    check(error(text + "\n"), "not-one-of", LINE, at(text, "wells"),
          "`wells` is a score; `is OPTION` only tests one-of inputs")


def test_is_option_other_than_yes_no_on_a_yes_no_input(error):
    text = "rule r: IF fever is high THEN physio"
    check(error(text + "\n"), "not-one-of", LINE, at(text, "high"),
          "`fever` is yes or no; it cannot be `high`", "write `fever is yes` or `fever is no`")


def test_is_one_of_on_a_yes_no_input(error):
    text = "rule r: IF fever is one of [yes] THEN physio"
    check(error(text + "\n"), "not-one-of", LINE, at(text, "fever"),
          "`fever` is yes or no; `is one of [...]` only tests one-of inputs")


def test_is_missing_on_a_definition(error):
    text = "rule r: IF red flags is missing THEN physio"
    check(error(text + "\n"), "not-an-input", LINE, at(text, "red flags"),
          "`red flags` is a definition; only inputs can be `missing`")


def test_citing_an_undeclared_source(error):
    text = 'rule r: IF fever THEN physio BECAUSE "Guideline." [1, 3]'
    check(error(text + "\n"), "unknown-source", LINE, at(text, "3"),
          "source 3 is not declared", 'add `source 3: "..."` (declared sources: 1)')


@pytest.mark.parametrize("k, verdict", [(3, "never be true"), (0, "never be false")])
def test_at_least_k_out_of_range(error, k, verdict):
    text = f"rule r: IF at least {k} of [fever, red flags] THEN physio"
    check(error(text + "\n"), "bad-count", LINE, at(text, "at least"),
          f"`at least {k} of` a list of 2 can {verdict}", "use a number from 1 to 2")


def test_between_running_backwards(error):
    text = "rule r: IF duration between 6 and 2 weeks THEN physio"
    check(error(text + "\n"), "bad-range", LINE, at(text, "6"),
          "`between 6 and 2 weeks` can never be true: the first value is the larger",
          "write the smaller value first: `between 2 and 6 weeks`")


def test_between_running_backwards_after_conversion(error):
    text = "rule r: IF duration between 1 week and 6 days THEN physio"
    d = error(text + "\n")
    assert d.code == "bad-range"
    assert d.hint == "write the smaller value first: `between 6 days and 1 week`"


def test_between_low_takes_the_unit_of_the_high_and_is_checked(error):
    text = "rule r: IF ESR between 2 and 6 weeks THEN physio"
    d = error(text + "\n")  # one error: the lent unit of the low is not reported again
    check(d, "unit-mismatch", LINE, at(text, "6 weeks"), "`ESR` is measured in mm/h; `6 weeks` is a time")


def test_input_range_running_backwards(error):
    text = "input pain: number from 10 to 0"
    check(error(text + "\n"), "bad-range", LINE, at(text, "10"),
          "the range of `pain` runs backwards: from `10` to `0`")


def test_range_on_a_yes_no_input(error):
    text = "input cough: yes/no from 0 to 1"
    check(error(text + "\n"), "range-on-type", LINE, at(text, "0"),
          "`cough` is a yes/no input; only numbers have a range", "remove `from ... to ...`")


def test_range_in_the_wrong_dimension(error):
    text = "input wait: number in days from 0 to 2 mg"
    check(error(text + "\n"), "unit-mismatch", LINE, at(text, "2 mg"),
          "`wait` is measured in days; `2 mg` is a mass")


@pytest.mark.parametrize(
    "version, hint",
    [("1.0", "write `version 1.0.0`"), ("v1.2.3", "write `version 1.2.3`"), ("2", "write `version 2.0.0`"),
     ('"first"', "write `version 1.0.0`"), ("01.0.0", "write `version 1.0.0`")],
)
def test_version_must_be_semver(version, hint):
    d = _one(f'ruleset "T"\n  version {version}\n')
    shown = version.strip('"')
    check_loose(d, "bad-version", 2, at(f"  version {version}", shown),
                f"`{shown}` is not a version of the form MAJOR.MINOR.PATCH, such as `1.0.0`")
    assert d.hint == hint


# --- helpers for snippets that are not added to BASE ----------------------------


def _one(text: str):
    with pytest.raises(RulesError) as info:
        compile_source(text, "test.rules")
    found = info.value.diagnostics
    assert len(found) == 1, [d.render() for d in found]
    return found[0]


def check_loose(d, code, line, column, message):
    assert d.code == code, d.render()
    assert (d.location.line, d.location.column) == (line, column), d.render()
    assert d.message == message


def test_action_option_with_a_word_too_many_suggests_the_option(error):
    text = "rule r: IF fever THEN physio session"
    check(error(text + "\n"), "unknown-option", LINE, at(text, "physio"),
          "`physio session` is not an option of any decision; did you mean `physio`?",
          "a rule's THEN names options listed in a `decision` statement: no imaging, MRI, physio")


def test_a_number_with_an_exponent_is_named_as_such(errors):
    found = errors("input a: number from 0 to 10\ndecision d: one of [p, q]\nrule r: IF a > 1e4 THEN p\n")
    (error,) = [e for e in found if e.code == "bad-number"]
    assert "`1e4` is written with an exponent" in error.message
    assert "10000" in error.hint
