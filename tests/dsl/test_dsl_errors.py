"""Syntax errors: the editor's words, and the line and column to act on."""

from __future__ import annotations

import pytest

from clinrules.dsl import parse
from clinrules.errors import RulesError

from dsl_helpers import syntax_error, where


@pytest.mark.parametrize("text, message, line, column", [
    # conditions
    ("rule x: IF a AND b c: d", "expected `THEN` after the condition of rule `x`, found `:`", 2, 21),
    ("IF fever no imaging", "expected `THEN` after the condition of the rule at line 2, found the end of the file", 2, 20),
    ("IF THEN x", "expected a condition after `IF`, found `THEN`", 2, 4),
    ("IF fever AND THEN x", "expected a condition after `AND`, found `THEN`", 2, 14),
    ("define x: not", "expected a condition after `not`, found the end of the file", 2, 14),
    ("IF a is not THEN b", "expected an option after `is not`, found `THEN`", 2, 13),
    ("define x: duration < weeks", "a quantity needs a number before its unit", 2, 22),
    ("define x: a >", "expected a number after `>`, found the end of the file", 2, 14),
    ("input x: number from 0 to", "expected a number after `to`, found the end of the file", 2, 26),
    ("define x: a is at 5", "expected `least` or `most` after `is at`, found `5`", 2, 19),
    ("define x: a is more 5", "expected `than` after `more`, found `5`", 2, 21),
    ("define x: at least two of [a]",
     "expected how many, as a whole number, after `at least`, as in `at least 2 of [...]`, found `two`", 2, 20),
    ("define x: any of a, b", "expected `[` after `of`, found `a`", 2, 18),
    ("define x: no (a)", "expected a name after `no`, found `(`", 2, 14),
    ("define x: a is", "expected an option, `one of [...]`, `missing`, `known`, `at least`, `at most`, "
                       "`more than` or `less than` after `is`, found the end of the file", 2, 15),
    ("define x: score of [a: b]", "expected the points (a number) after `:` in the score, found `b`", 2, 24),
    # brackets
    ("define x: any of [a, b\nIF a THEN b", "unclosed `[`", 2, 18),
    ("define x: (a AND b", "unclosed `(`", 2, 11),
    ("decision d: one of [a, b", "unclosed `[`", 2, 20),
    ("define x: a > 5 weeks)", "this `)` has no matching `(`", 2, 22),
    ("define x: (a ]", "expected `)` to close the `(` at line 2, column 11, found `]`", 2, 14),
    # statements
    ("input fever yes/no", "expected `:` after the input name `fever yes/no`, found the end of the file", 2, 19),
    ("input fever is yes/no", "expected `:` after the input name `fever`, found `is`", 2, 13),
    ("input x: boolean", "expected the type of input `x` after `:`: `yes/no`, `number`, `number in UNIT` "
                         "or `one of [...]`, found `boolean`", 2, 10),
    ("input x: number in", "expected a unit after `number in`, such as `weeks` or `mm/h`, found the end of the file", 2, 19),
    ("decision x:", "expected `one of [...]` or `any of [...]` after `decision x:`, found the end of the file", 2, 12),
    ("decision d: one of [a] with", "expected `priority` or `first match` after `with`, found the end of the file", 2, 28),
    ("rule x: THEN y", "expected `IF` or `OTHERWISE` after `rule x:`, found `THEN`", 2, 9),
    ("rule x IF a THEN b", "expected `:` after the rule name `x`, found `IF`", 2, 8),
    ("code x: CPT", "expected the code value after `CPT`, such as `72141`, found the end of the file", 2, 12),
    ("source 1 \"x\"", "expected `:` after `source 1`, found the text \"x\"", 2, 10),
    ("source x: \"y\"", "expected the source number after `source`, as in `source 1: \"Citation\"`, found `x`", 2, 8),
    ("IF a THEN", "expected an option after `THEN`, found the end of the file", 2, 10),
    ("IF a THEN b,", "expected an option after `,`, found the end of the file", 2, 13),
    ("IF a THEN b BECAUSE", "expected the reason in double quotes after `BECAUSE`, found the end of the file", 2, 20),
    ("IF a THEN b BECAUSE \"x\" [1, x]", "expected a source number after `,`, found `x`", 2, 29),
    ("OTHERWISE x", "`OTHERWISE` needs a named rule", 2, 1),
    ("decision d: any of [a] with priority",
     "an `any of` decision chooses every option its rules name, so `priority` does not apply", 2, 24),
    ("define x: \"\"", "a quoted name cannot be empty", 2, 11),
    ("define x: a @ b", "`@` cannot appear here", 2, 13),
])
def test_syntax_error_messages(text, message, line, column):
    diagnostic = syntax_error(text)
    assert diagnostic.message == message
    assert where(diagnostic) == (line, column)
    assert diagnostic.file == "bad.rules"
    assert diagnostic.source_line == (('ruleset "Test rules"\n' + text).split("\n")[line - 1])
    assert diagnostic.code in {"syntax-error", "unclosed-bracket", "unexpected-character"}


def test_unclosed_bracket_hint_names_where_to_close_it():
    diagnostic = syntax_error("define x: any of [a, b\nIF a THEN b")
    assert diagnostic.code == "unclosed-bracket"
    assert diagnostic.hint == "close it with `]` before `IF` at line 3"


def test_typo_of_then_is_pointed_out():
    diagnostic = syntax_error("IF fever THN x")
    assert diagnostic.hint == "`THN` was read as part of a name: did you mean `THEN`?"


def test_typo_of_statement_keyword_gets_a_suggestion():
    diagnostic = syntax_error("rulle x: IF a THEN b")
    assert where(diagnostic) == (2, 1)
    assert diagnostic.hint == "did you mean `rule`?"
    assert "found `rulle`" in diagnostic.message


def test_option_swallowed_into_the_condition_is_explained():
    diagnostic = syntax_error("IF fever no imaging")
    assert diagnostic.hint == "`fever no imaging` was read as one name: is `THEN` missing?"


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n# and another"])
def test_empty_files(text):
    diagnostic = syntax_error(text, header=False)
    assert diagnostic.code == "missing-header"
    assert diagnostic.message == 'the file has no rules: a rules file starts with `ruleset "TITLE"`'


def test_missing_header():
    diagnostic = syntax_error("rule x: IF a THEN b", header=False)
    assert diagnostic.code == "missing-header"
    assert diagnostic.message == '`ruleset "TITLE"` must be the first statement'
    assert where(diagnostic) == (1, 1)


def test_misspelled_header_gets_a_suggestion():
    diagnostic = syntax_error('rulset "x"', header=False)
    assert diagnostic.code == "missing-header" and diagnostic.hint == "did you mean `ruleset`?"


def test_second_header():
    diagnostic = syntax_error('input a: yes/no\nruleset "Again"')
    assert diagnostic.code == "duplicate-header"
    assert where(diagnostic) == (3, 1)


def test_title_must_be_quoted():
    diagnostic = syntax_error("ruleset Low back pain", header=False)
    assert diagnostic.message.startswith("expected the title in double quotes after `ruleset`")
    assert where(diagnostic) == (1, 9)


def test_empty_title():
    assert syntax_error('ruleset ""', header=False).message == "the ruleset title is empty"


def test_unterminated_string():
    diagnostic = syntax_error('IF a THEN b BECAUSE "no end')
    assert diagnostic.code == "unterminated-string"
    assert diagnostic.message == 'this text has no closing `"`'
    assert where(diagnostic) == (2, 21)


def test_string_running_into_the_next_line_is_reported_at_its_start():
    diagnostic = syntax_error('IF a THEN b BECAUSE "oops [1]\nIF c THEN d BECAUSE "fine" [2]')
    assert diagnostic.code == "unterminated-string"
    assert where(diagnostic) == (2, 21)
    assert "runs on to line 3" in diagnostic.hint


def test_binary_junk():
    diagnostic = syntax_error('ruleset "x" version 1.0.0\x00\x01', header=False)
    assert diagnostic.code == "unexpected-character"
    assert "U+0000" in diagnostic.message
    assert where(diagnostic) == (1, 26)


def test_replacement_characters_from_bad_utf8():
    diagnostic = syntax_error("input caf\ufffd: yes/no")
    assert diagnostic.code == "unexpected-character"
    assert "U+FFFD" in diagnostic.message


def test_not_text():
    with pytest.raises(RulesError) as info:
        parse(b'ruleset "x"', "bytes.rules")  # type: ignore[arg-type]
    assert info.value.diagnostics[0].code == "not-text"


def test_positions_with_tabs_and_crlf():
    diagnostic = syntax_error("input a: yes/no\r\n\tIF a\r\n\tTHEN")
    assert where(diagnostic) == (4, 6)
    assert diagnostic.source_line == "\tTHEN"


def test_error_renders_with_a_caret():
    diagnostic = syntax_error("IF THEN x")
    assert diagnostic.render() == (
        "bad.rules:2:4: error: expected a condition after `IF`, found `THEN`\n"
        "    IF THEN x\n"
        "       ^^^^"
    )


def test_deep_nesting_is_an_error_or_a_tree_never_a_crash():
    text = 'ruleset "x"\ndefine d: ' + "(" * 3000 + "a" + ")" * 3000
    try:
        parse(text, "deep.rules")
    except RulesError as error:
        assert error.diagnostics[0].code != "internal-error"


def test_name_that_holds_and_needs_quotes():
    diagnostic = syntax_error("decision d: one of [nausea and vomiting, b]")
    assert diagnostic.message == "expected `,` or `]` after `nausea`, found `and`"
    assert where(diagnostic) == (2, 28)
    assert diagnostic.hint == 'a name that holds `and` must be written in double quotes, e.g. "nausea and ..."'
    assert syntax_error("input nausea and vomiting: yes/no").hint.startswith("a name that holds `and`")


def test_lone_surrogates_from_undecodable_bytes():
    diagnostic = syntax_error("input caf\udce9: yes/no")
    assert diagnostic.code == "not-utf8"
    assert where(diagnostic) == (2, 10)
    assert diagnostic.source_line == "input caf\ufffd: yes/no"


def test_control_characters_even_inside_quotes():
    diagnostic = syntax_error('source 1: "a\x07b"')
    assert diagnostic.code == "unexpected-character"
    assert "U+0007" in diagnostic.message
    assert where(diagnostic) == (2, 13)


def test_statement_list_in_messages_does_not_offer_a_second_header():
    diagnostic = syntax_error("input b: yes/no extra words")
    assert diagnostic.message == (
        "expected `from`, `typical` or a new statement (`rule`, `IF`, `define`, `input`, `decision`, `code` or "
        "`source`) after `yes/no`, found `extra`"
    )


@pytest.mark.parametrize("written, meant", [("=>", ">="), ("=<", "<="), ("<>", "!=")])
def test_comparison_written_the_other_way_round(written, meant):
    diagnostic = syntax_error(f"IF a {written} 5 THEN b")
    assert diagnostic.message == f"`{written}` is not a comparison; did you mean `{meant}`?"
    assert where(diagnostic) == (2, 6)
    assert diagnostic.hint == f"write `{meant}`"


def test_misspelt_because_is_named_in_the_hint():
    diagnostic = syntax_error('rule x: IF a THEN MRI BECUASE "reason" [1]')
    assert diagnostic.message == 'expected `BECAUSE` before the reason, found the text "reason"'
    assert where(diagnostic) == (2, 31)
    assert diagnostic.hint == "`BECUASE` was read as part of the option `MRI BECUASE`: did you mean `BECAUSE`?"


def test_reason_without_because():
    diagnostic = syntax_error('IF a THEN b "reason"')
    assert diagnostic.message == 'expected `BECAUSE` before the reason, found the text "reason"'
    assert diagnostic.hint == 'write `BECAUSE "..."` after the options'


def test_missing_then_before_the_option_is_suggested():
    diagnostic = syntax_error("IF a > 6 weeks MRI")
    assert diagnostic.message == "expected `THEN` after the condition of the rule at line 2, found `MRI`"
    assert diagnostic.hint == "is `THEN` missing before `MRI`?"
