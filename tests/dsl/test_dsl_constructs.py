"""Every statement and condition form of the language, as syntax trees."""

from __future__ import annotations

import pytest

from clinrules.dsl import ast

from dsl_helpers import condition, only, parse_body


# --- header ---------------------------------------------------------------------


def test_header_alone():
    from clinrules.dsl import parse

    rules_file = parse('ruleset "Low back pain"', "t.rules")
    assert rules_file.header.title == "Low back pain"
    assert rules_file.header.version is None and rules_file.header.scope is None
    assert rules_file.statements == ()


@pytest.mark.parametrize("text, version", [
    ('ruleset "T" version 1.0.0', "1.0.0"),
    ('ruleset "T" version 2.10.3-rc.1', "2.10.3-rc.1"),
    ('ruleset "T" version 3', "3"),
    ('ruleset "T" version "2024-05"', "2024-05"),
])
def test_header_version(text, version):
    from clinrules.dsl import parse

    assert parse(text, "t").header.version == version


def test_header_scope_without_version():
    from clinrules.dsl import parse

    header = parse('ruleset "T" applies when adult AND NOT pregnant', "t").header
    assert header.version is None
    assert isinstance(header.scope, ast.And)
    assert header.scope.args[1].form == "not"


# --- statements -----------------------------------------------------------------------


def test_source():
    source = only('source 12: "NICE guideline NG59, 2016"')
    assert (source.number, source.citation) == (12, "NICE guideline NG59, 2016")
    assert (source.loc.line, source.loc.column, source.loc.end_column) == (2, 1, 39)


def test_string_escapes_and_line_breaks():
    source = only('source 1: "The \\"Red Book\\",\n     2nd edition"')
    assert source.citation == 'The "Red Book", 2nd edition'


@pytest.mark.parametrize("text, kind, unit", [
    ("input fever: yes/no", "yes/no", None),
    ("input fever: YES/NO", "yes/no", None),
    ("input pain score: number", "number", None),
    ("input duration: number in weeks", "number", "weeks"),
    ("input WBC count: number in 10*9/L", "number", "10*9/L"),
    ("input temperature: number in °C", "number", "°C"),
    ("input saturation: number in %", "number", "%"),
    ("input heart rate: number in /min", "number", "/min"),
])
def test_input_types(text, kind, unit):
    itype = only(text).type
    assert (itype.kind, itype.unit, itype.low, itype.high) == (kind, unit, None, None)


def test_input_range_with_and_without_units():
    itype = only("input duration: number in weeks from 0 to 10 years").type
    assert (itype.low.number, itype.low.unit) == ("0", None)
    assert (itype.high.number, itype.high.unit) == ("10", "years")
    itype = only("input change: number from -5.5 to +5").type
    assert (itype.low.number, itype.high.number) == ("-5.5", "5")


def test_input_one_of():
    statement = only("input side: one of [left, right, both sides, \"not known\"]")
    assert statement.type.kind == "one of"
    assert [o.text for o in statement.type.options] == ["left", "right", "both sides", "not known"]
    assert statement.type.options[3].quoted


def test_define_condition():
    define = only("define elevated ESR: ESR > 20 mm/h")
    assert define.name.text == "elevated ESR"
    assert isinstance(define.body, ast.Compare)


def test_define_score_with_negative_and_decimal_points():
    define = only("define Wells score: score of [clinical signs of DVT: 3, "
                  "alternative diagnosis less likely: 1.5, age > 65 years: -1, cancer: +1]")
    score = define.body
    assert isinstance(score, ast.Score)
    assert [item.points for item in score.items] == ["3", "1.5", "-1", "1"]
    assert score.items[0].condition.name.text == "clinical signs of DVT"
    assert score.items[2].condition.value.unit == "years"


@pytest.mark.parametrize("text, kind, policy", [
    ("decision imaging: one of [no imaging, MRI]", "one of", None),
    ("decision imaging: one of [no imaging, MRI] with priority", "one of", "priority"),
    ("decision imaging: one of [no imaging, MRI] first match", "one of", "first match"),
    ("decision imaging: one of [no imaging, MRI] with first match", "one of", "first match"),
    ("decision tests: any of [ESR, CRP]", "any of", None),
])
def test_decisions(text, kind, policy):
    decision = only(text)
    assert (decision.kind, decision.policy, len(decision.options)) == (kind, policy, 2)


@pytest.mark.parametrize("text, system, value", [
    ("code MRI: CPT 72141", "CPT", "72141"),
    ("code CRP: LOINC 1988-5", "LOINC", "1988-5"),
    ("code neck pain: ICD-10 M54.2", "ICD-10", "M54.2"),
    ("code fever: SNOMED 279039007", "SNOMED", "279039007"),
    ('code fever: "http://snomed.info/sct" "386661006"', "http://snomed.info/sct", "386661006"),
])
def test_codes(text, system, value):
    code = only(text)
    assert (code.system, code.value) == (system, value)


def test_named_rule_with_because_and_citations():
    rule = only('rule acute: IF duration < 6 weeks THEN no imaging BECAUSE "Self-limiting." [1, 2]')
    assert rule.name.text == "acute"
    assert not rule.otherwise
    assert rule.because.text == "Self-limiting."
    assert [(c.number, c.loc.column) for c in rule.because.citations] == [(1, 77), (2, 80)]
    assert (rule.loc.line, rule.loc.column) == (2, 1)


def test_because_with_citations_only():
    rule = only("IF a THEN b BECAUSE [3]")
    assert rule.because.text == "" and [c.number for c in rule.because.citations] == [3]


def test_bare_rule_location_is_at_if():
    rules_file = parse_body("input a: yes/no\n\n   IF a THEN b")
    rule = rules_file.statements[1]
    assert rule.name is None
    assert (rule.loc.line, rule.loc.column) == (4, 4)


def test_otherwise_rule():
    rule = only('rule default: OTHERWISE no imaging BECAUSE "Nothing else applies."')
    assert rule.otherwise and rule.condition is None
    assert rule.actions[0].option.text == "no imaging"


def test_actions_separated_by_comma_and_and():
    rule = only("IF a THEN ESR, CRP AND white cell count, imaging: no imaging")
    assert [a.option.text for a in rule.actions] == ["ESR", "CRP", "white cell count", "no imaging"]
    assert [a.decision.text if a.decision else None for a in rule.actions] == [None, None, None, "imaging"]


# --- conditions -------------------------------------------------------------------------


def test_ref_not_and_no():
    assert condition("fever").name.text == "fever"
    negation = condition("NOT fever")
    assert (negation.form, negation.arg.name.text) == ("not", "fever")
    no = condition("no red flags")
    assert (no.form, no.arg.name.text) == ("no", "red flags")
    assert (no.loc.column, no.loc.end_column) == (12, 24)


def test_not_binds_tighter_than_and_and_than_or():
    tree = condition("NOT a AND b OR c AND NOT d")
    assert isinstance(tree, ast.Or)
    left, right = tree.args
    assert isinstance(left, ast.And) and isinstance(left.args[0], ast.Not)
    assert isinstance(right, ast.And) and isinstance(right.args[1], ast.Not)


def test_chains_are_flattened():
    assert len(condition("a AND b AND c AND d").args) == 4
    assert len(condition("a OR b OR c").args) == 3


def test_parentheses_are_kept_as_groups():
    tree = condition("(a OR b) AND c")
    assert isinstance(tree, ast.And)
    group = tree.args[0]
    assert isinstance(group, ast.Group) and isinstance(group.arg, ast.Or)
    assert (group.loc.column, group.loc.end_column) == (12, 20)
    nested = condition("NOT ((a))")
    assert isinstance(nested.arg, ast.Group) and isinstance(nested.arg.arg, ast.Group)


@pytest.mark.parametrize("text, op", [
    ("age > 65 years", ">"), ("age >= 65 years", ">="), ("age < 65 years", "<"),
    ("age <= 65 years", "<="), ("age = 65 years", "="), ("age != 65 years", "!="),
    ("age ≥ 65 years", ">="), ("age ≤ 65 years", "<="), ("age ≠ 65 years", "!="), ("age == 65 years", "="),
])
def test_comparisons(text, op):
    compare = condition(text)
    assert (compare.subject.text, compare.op, compare.value.number, compare.value.unit, compare.words) == (
        "age", op, "65", "years", False)


@pytest.mark.parametrize("text, op", [
    ("pain score is at least 4", ">="), ("pain score is at most 4", "<="),
    ("pain score is more than 4", ">"), ("pain score is less than 4", "<"),
])
def test_comparisons_in_words(text, op):
    compare = condition(text)
    assert (compare.subject.text, compare.op, compare.value.number, compare.value.unit, compare.words) == (
        "pain score", op, "4", None, True)


@pytest.mark.parametrize("text, number, unit", [
    ("x > 6 weeks", "6", "weeks"), ("x > 1.5 months", "1.5", "months"), ("x > 20 mm/h", "20", "mm/h"),
    ("x > 12 mg/L", "12", "mg/L"), ("x > 11 10*9/L", "11", "10*9/L"), ("x > 92 %", "92", "%"),
    ("x > 92%", "92", "%"), ("x > 100 /min", "100", "/min"), ("x > 90 mmHg", "90", "mmHg"),
    ("x > 38 °C", "38", "°C"), ("x > 38.5 Cel", "38.5", "Cel"), ("x > -2", "-2", None),
    ("x > 6weeks", "6", "weeks"), ("x > .5", ".5", None),
])
def test_values_and_units(text, number, unit):
    value = condition(text).value
    assert (value.number, value.unit) == (number, unit)


def test_between_with_and_without_low_unit():
    between = condition("duration between 2 and 6 weeks")
    assert (between.low.number, between.low.unit, between.high.number, between.high.unit) == ("2", None, "6", "weeks")
    between = condition("duration between 2 weeks and 3 months AND fever")
    assert isinstance(between, ast.And)
    assert between.args[0].low.unit == "weeks"


@pytest.mark.parametrize("text, options, negated, one_of", [
    ("side is left", ["left"], False, False),
    ("side is not left", ["left"], True, False),
    ("side is one of [left, both sides]", ["left", "both sides"], False, True),
    ("side is not one of [left, right]", ["left", "right"], True, True),
    ("fever is yes", ["yes"], False, False),
    ("fever is no", ["no"], False, False),
])
def test_is_option(text, options, negated, one_of):
    test = condition(text)
    assert isinstance(test, ast.IsOption)
    assert ([o.text for o in test.options], test.negated, test.one_of) == (options, negated, one_of)


@pytest.mark.parametrize("text, known", [
    ("ESR is missing", False), ("ESR is known", True), ("ESR is not missing", True), ("ESR is not known", False),
])
def test_presence(text, known):
    presence = condition(text)
    assert isinstance(presence, ast.Presence)
    assert (presence.subject.text, presence.known) == ("ESR", known)


@pytest.mark.parametrize("text, kind, k", [
    ("any of [a, b]", "any", None), ("all of [a, b]", "all", None),
    ("none of [a, b]", "none", None), ("at least 2 of [a, b]", "at least", 2),
])
def test_counting_conditions(text, kind, k):
    count = condition(text)
    assert (count.kind, count.k, [arg.name.text for arg in count.args]) == (kind, k, ["a", "b"])


def test_counting_conditions_hold_any_condition_and_span_lines():
    count = condition("any of [\n  ESR > 20 mm/h,\n  CRP > 10 mg/L OR fever,\n  (a AND b),\n]")
    assert [type(arg).__name__ for arg in count.args] == ["Compare", "Or", "Group"]
    assert (count.loc.line, count.loc.end_line) == (2, 6)


def test_keywords_are_case_insensitive():
    rule = only("Rule R: if A and not B Or C tHeN D because \"x\"")
    assert isinstance(rule.condition, ast.Or)
    assert rule.because.text == "x"
    assert only("DEFINE X: Age Is At Least 4 AND y IS MISSING").body.args[0].op == ">="
    assert only("INPUT S: ONE OF [A]").type.kind == "one of"


def test_comments_anywhere():
    rules_file = parse_body("# a comment\ninput a: yes/no # trailing\nIF a # inside\n THEN b # end")
    assert [type(s).__name__ for s in rules_file.statements] == ["Input", "Rule"]


def test_quoted_text_keeps_hash_signs():
    assert only('source 1: "Issue #4 of the journal"').citation == "Issue #4 of the journal"


def test_free_form_line_breaks():
    rule = only("rule\nsplit\nname\n:\nIF\na\n>\n5\nweeks\nTHEN\nb")
    assert rule.name.text == "split name"
    assert rule.condition.value.unit == "weeks"
