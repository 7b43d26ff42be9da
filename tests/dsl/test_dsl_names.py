"""Names: multi-word, with numbers, quoted, and the words that end them."""

from __future__ import annotations

import pytest

from clinrules.dsl import ast

from dsl_helpers import condition, only, parse_body, syntax_error


@pytest.mark.parametrize("name", [
    "fever",
    "red flags",
    "history of malignancy",
    "MRI cervical spine without contrast",
    "type 2 diabetes",
    "marker 1",
    "C2-C7 tenderness",
    "patient's own report",
    "mm/h limit",
    "HbA1c",
    "pain with no trauma",
    "referral from GP to ED in any case",
    "température élevée",
    "under_score name",
    "score 2 of 3",
])
def test_multi_word_names_keep_every_word(name):
    assert only(f"input {name}: yes/no").name.text == name
    assert condition(f"x AND {name}").args[1].name.text == name


def test_option_names_may_start_with_condition_words():
    decision = only("decision imaging: one of [no imaging, not now, any imaging, all views]")
    assert [o.text for o in decision.options] == ["no imaging", "not now", "any imaging", "all views"]
    rule = only("IF a THEN no imaging")
    assert rule.actions[0].option.text == "no imaging"


def test_white_space_inside_names_is_folded():
    name = only("input history   of\n  malignancy: yes/no").name
    assert name.text == "history of malignancy"
    assert (name.loc.line, name.loc.end_line) == (2, 3)


def test_name_key_is_case_and_space_insensitive():
    first = only("input History  of Malignancy: yes/no").name
    assert first.text == "History of Malignancy"
    assert first.key == "history of malignancy"


def test_quoted_names_hold_words_that_would_end_them():
    define = only('define "nausea and vomiting": "nausea and vomiting" OR "no show"')
    assert define.name.text == "nausea and vomiting" and define.name.quoted
    assert [arg.name.text for arg in define.body.args] == ["nausea and vomiting", "no show"]
    assert define.name.key == "nausea and vomiting"


@pytest.mark.parametrize("word", ["and", "or", "then", "because", "is", "between", "ruleset", "source",
                                  "input", "define", "decision", "code", "rule", "if"])
def test_words_that_end_a_name(word):
    with pytest.raises(Exception):
        only(f"input fever {word} chills: yes/no")


def test_and_ends_a_name_in_a_condition():
    tree = condition("nausea and vomiting")
    assert isinstance(tree, ast.And)
    assert [arg.name.text for arg in tree.args] == ["nausea", "vomiting"]


def test_statement_words_may_start_a_declared_name():
    # `code status` is a common clinical name: `code` only starts a statement
    # where a statement can start.
    rules_file = parse_body("input code status: one of [full, DNR]\nIF code status is DNR THEN comfort care")
    assert rules_file.statements[0].name.text == "code status"
    assert rules_file.statements[1].condition.subject.text == "code status"


def test_keyword_prefixes_do_not_split_words():
    # `rules`, `iffy`, `nothing`, `android` start like keywords but are words.
    tree = condition("rules met AND iffy result AND nothing AND android OR oral")
    assert [arg.name.text for arg in tree.args[0].args] == ["rules met", "iffy result", "nothing", "android"]
    assert tree.args[1].name.text == "oral"


def test_condition_names_cannot_start_with_no_or_not():
    assert isinstance(condition("no show"), ast.Not)  # `no` applies to the name `show`
    assert isinstance(condition("not yet walking"), ast.Not)
    # declared and quoted, such names work everywhere
    rules_file = parse_body('input all of the above: yes/no\nIF "all of the above" THEN x')
    assert rules_file.statements[1].condition.name.text == "all of the above"


@pytest.mark.parametrize("text", ["at risk of falls", "any bleeding", "all symptoms resolved", "none reported"])
def test_condition_names_may_start_with_any_all_none_at(text):
    # LANGUAGE.md: only the listed words end a name; `any`, `all`, `none` and
    # `at` start a counting condition only before `of` / `least`.
    tree = condition(f"{text} AND b")
    assert tree.args[0].name.text == text
    assert condition(f"{text} > 3").subject.text == text
    assert condition(f"NOT {text.upper()}").arg.name.text == text.upper()
    assert condition(f"x is {text}").options[0].text == text


def test_counting_words_still_count():
    assert condition("at least 2 of [a, b, c]").kind == "at least"
    assert condition("any of [a, b]").kind == "any"
    assert condition("all of\n  [a, b]").kind == "all"
    assert condition("none of [a, b]").kind == "none"
    assert condition("age is at least 5").op == ">="
    diagnostic = syntax_error("define x: at least two of [a, b]")
    assert diagnostic.message.startswith("expected how many, as a whole number, after `at least`")


def test_single_counting_word_is_a_name():
    rules_file = parse_body("decision d: one of [none, any, all]")
    assert [o.text for o in rules_file.statements[0].options] == ["none", "any", "all"]


def test_option_after_is_can_be_multi_word():
    test = condition("smoking status is former smoker AND b")
    assert test.args[0].options[0].text == "former smoker"
