"""`# lint: allow CODE -- reason` comments attach to the statement they mark."""

from __future__ import annotations

from dsl_helpers import parse_body, syntax_error, where


def test_trailing_comment_on_the_statement():
    (statement,) = parse_body("input a: yes/no  # lint: allow unused-input -- kept for version 2").statements
    (suppression,) = statement.suppressions
    assert suppression.codes == ("unused-input",)
    assert suppression.reason == "kept for version 2"
    assert (suppression.loc.line, suppression.loc.column) == (2, 18)


def test_comment_lines_directly_above():
    rules_file = parse_body(
        "decision d: one of [x, y]\n"
        "# lint: allow gap, conflict -- reviewed with cardiology\n"
        "# an ordinary comment in between\n"
        "# lint: allow redundant-rule -- kept for clarity\n"
        "rule r: IF a THEN x\n"
    )
    decision, rule = rules_file.statements
    assert decision.suppressions == ()
    assert [s.codes for s in rule.suppressions] == [("gap", "conflict"), ("redundant-rule",)]
    assert rule.suppressions[0].reason == "reviewed with cardiology"


def test_comment_on_a_later_line_of_a_multi_line_rule():
    (rule,) = parse_body("rule r:\n  IF a\n  THEN x  # lint: allow missing-because\n").statements
    (suppression,) = rule.suppressions
    assert suppression.codes == ("missing-because",)
    assert suppression.reason == ""  # the linter reports a missing reason


def test_definitions_and_bare_rules_take_suppressions():
    define, rule = parse_body(
        "define d: a  # lint: allow unused-definition -- used by the next release\n"
        "# LINT: Allow mixed-and-or — precedence is intended\n"
        "IF a AND b OR c THEN x\n"
    ).statements
    assert define.suppressions[0].codes == ("unused-definition",)
    assert rule.suppressions[0].codes == ("mixed-and-or",)
    assert rule.suppressions[0].reason == "precedence is intended"


def test_ordinary_comments_are_not_suppressions():
    (rule,) = parse_body("# lint is a tool\n# allow me to explain\nIF a THEN x # lintel\n").statements
    assert rule.suppressions == ()


def test_a_blank_line_detaches_the_comment():
    diagnostic = syntax_error("# lint: allow gap -- reason\n\nIF a THEN x")
    assert diagnostic.code == "misplaced-suppression"
    assert where(diagnostic) == (2, 1)


def test_suppression_on_a_source_is_an_error():
    diagnostic = syntax_error('source 1: "x"  # lint: allow unused-source -- later')
    assert diagnostic.code == "misplaced-suppression"
    assert diagnostic.message.startswith("a `source` statement has no lint findings to allow")


def test_malformed_suppressions():
    assert syntax_error("IF a THEN x # lint: allow -- why").message == "`# lint: allow` names no finding code to allow"
    diagnostic = syntax_error("IF a THEN x # lint: ignore gap")
    assert diagnostic.code == "bad-suppression"
    assert where(diagnostic) == (2, 13)
    assert syntax_error("IF a THEN x # lint: allow gap! -- x").code == "bad-suppression"


def test_all_misplaced_suppressions_are_reported_together():
    import pytest

    from clinrules.dsl import parse
    from clinrules.errors import RulesError

    with pytest.raises(RulesError) as info:
        parse('ruleset "x"  # lint: allow gap -- a\nsource 1: "y" # lint: allow x -- b\n', "s.rules")
    assert [d.location.line for d in info.value.diagnostics] == [1, 2]


def test_codes_are_kept_as_written():
    (rule,) = parse_body("IF a THEN x  # lint: allow CR011 Gap -- both spellings\n").statements
    assert rule.suppressions[0].codes == ("CR011", "Gap")
