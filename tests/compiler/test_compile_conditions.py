"""Every condition form compiles to its IR node (docs/compiled-format.md,
Conditions): op, fields, exact values, `text`, `grouped`, ids."""

from __future__ import annotations

import pytest

from clinrules.compiler import compile_source

FEVER = {"op": "input", "input": "fever", "text": "fever"}
RED_FLAGS = {"op": "ref", "definition": "red flags", "text": "red flags"}


def cond(build, text: str) -> dict:
    return build(f"rule r: IF {text} THEN physio\n")["rules"][0]["condition"]


@pytest.mark.parametrize(
    "written, expected",
    [
        ("fever", FEVER),
        ("FEVER", FEVER),
        ("red flags", RED_FLAGS),
        ("Red   Flags", RED_FLAGS),
        ('"red flags"', RED_FLAGS),
        ("NOT fever", {"op": "not", "form": "not", "arg": FEVER, "text": "NOT fever"}),
        ("no red flags", {"op": "not", "form": "no", "arg": RED_FLAGS, "text": "no red flags"}),
        ("no fever", {"op": "not", "form": "no", "arg": FEVER, "text": "no fever"}),
        ("fever AND red flags", {"op": "and", "form": "and", "grouped": False, "args": [FEVER, RED_FLAGS],
                                 "text": "fever AND red flags"}),
        ("fever or red flags", {"op": "or", "form": "or", "grouped": False, "args": [FEVER, RED_FLAGS],
                                "text": "fever OR red flags"}),
        ("all of [fever]", {"op": "and", "form": "all of", "grouped": False, "args": [FEVER],
                            "text": "all of [fever]"}),
        ("any of [fever]", {"op": "or", "form": "any of", "grouped": False, "args": [FEVER],
                            "text": "any of [fever]"}),
        ("none of [fever, red flags]", {
            "op": "not", "form": "none of", "text": "none of [fever, red flags]",
            "arg": {"op": "or", "form": "any of", "grouped": False, "args": [FEVER, RED_FLAGS],
                    "text": "any of [fever, red flags]"}}),
        ("at least 2 of [fever, red flags, side is left]", {
            "op": "at least", "k": 2, "grouped": False, "text": "at least 2 of [fever, red flags, side is left]",
            "args": [FEVER, RED_FLAGS,
                     {"op": "in", "input": "side", "options": ["left"], "negated": False, "text": "side is left"}]}),
        ("duration > 6 weeks", {"op": "compare", "input": "duration", "cmp": ">", "value": "6",
                                "written": "6 weeks", "text": "duration > 6 weeks"}),
        ("duration >= 42 days", {"op": "compare", "input": "duration", "cmp": ">=", "value": "6",
                                 "written": "42 days", "text": "duration >= 42 days"}),
        ("duration < 10 days", {"op": "compare", "input": "duration", "cmp": "<", "value": "10/7",
                                "written": "10 days", "text": "duration < 10 days"}),
        ("duration <= 1.5 months", {"op": "compare", "input": "duration", "cmp": "<=", "value": "1461/224",
                                    "written": "1.5 months", "text": "duration <= 1.5 months"}),
        ("age = 18", {"op": "compare", "input": "age", "cmp": "=", "value": "18", "written": "18",
                      "text": "age = 18"}),
        ("age != 18", {"op": "compare", "input": "age", "cmp": "!=", "value": "18", "written": "18",
                       "text": "age != 18"}),
        ("age ≥ 18", {"op": "compare", "input": "age", "cmp": ">=", "value": "18", "written": "18",
                      "text": "age >= 18"}),
        ("age is at least 18", {"op": "compare", "input": "age", "cmp": ">=", "value": "18", "written": "18",
                                "text": "age is at least 18"}),
        ("age is at most 18", {"op": "compare", "input": "age", "cmp": "<=", "value": "18", "written": "18",
                               "text": "age is at most 18"}),
        ("age is more than 18", {"op": "compare", "input": "age", "cmp": ">", "value": "18", "written": "18",
                                 "text": "age is more than 18"}),
        ("age is less than 18", {"op": "compare", "input": "age", "cmp": "<", "value": "18", "written": "18",
                                 "text": "age is less than 18"}),
        ("age > -0.5", {"op": "compare", "input": "age", "cmp": ">", "value": "-0.5", "written": "-0.5",
                        "text": "age > -0.5"}),
        ("wells >= 2", {"op": "compare", "score": "wells", "cmp": ">=", "value": "2", "written": "2",
                        "text": "wells >= 2"}),
        ("wells between 0.5 and 1.5", {"op": "between", "score": "wells", "low": "0.5", "high": "1.5",
                                       "written_low": "0.5", "written_high": "1.5",
                                       "text": "wells between 0.5 and 1.5"}),
        ("duration between 2 and 6 weeks", {"op": "between", "input": "duration", "low": "2", "high": "6",
                                            "written_low": "2", "written_high": "6 weeks",
                                            "text": "duration between 2 and 6 weeks"}),
        ("duration between 3 days and 1 week", {"op": "between", "input": "duration", "low": "3/7", "high": "1",
                                                "written_low": "3 days", "written_high": "1 week",
                                                "text": "duration between 3 days and 1 week"}),
        ("age between 18 and 65", {"op": "between", "input": "age", "low": "18", "high": "65",
                                   "written_low": "18", "written_high": "65", "text": "age between 18 and 65"}),
        ("side is left", {"op": "in", "input": "side", "options": ["left"], "negated": False,
                          "text": "side is left"}),
        ("side is LEFT", {"op": "in", "input": "side", "options": ["left"], "negated": False,
                          "text": "side is left"}),
        ("side is not left", {"op": "in", "input": "side", "options": ["left"], "negated": True,
                              "text": "side is not left"}),
        ("side is one of [left, both]", {"op": "in", "input": "side", "options": ["left", "both"],
                                         "negated": False, "text": "side is one of [left, both]"}),
        ("side is not one of [left, both]", {"op": "in", "input": "side", "options": ["left", "both"],
                                             "negated": True, "text": "side is not one of [left, both]"}),
        ("ESR is missing", {"op": "known", "input": "esr", "known": False, "text": "ESR is missing"}),
        ("ESR is not known", {"op": "known", "input": "esr", "known": False, "text": "ESR is missing"}),
        ("ESR is known", {"op": "known", "input": "esr", "known": True, "text": "ESR is known"}),
        ("ESR is not missing", {"op": "known", "input": "esr", "known": True, "text": "ESR is known"}),
        ("side is missing", {"op": "known", "input": "side", "known": False, "text": "side is missing"}),
        ("fever is known", {"op": "known", "input": "fever", "known": True, "text": "fever is known"}),
        ("fever is yes", {"op": "input", "input": "fever", "text": "fever is yes"}),
        ("fever is no", {"op": "not", "form": "not", "arg": FEVER, "text": "fever is no"}),
        ("fever is not yes", {"op": "not", "form": "not", "arg": FEVER, "text": "fever is not yes"}),
        ("fever is not no", {"op": "input", "input": "fever", "text": "fever is not no"}),
        ("red flags is no", {"op": "not", "form": "not", "arg": RED_FLAGS, "text": "red flags is no"}),
    ],
)
def test_condition_forms(build, strip, written, expected):
    assert strip(cond(build, written)) == expected


def test_not_binds_tighter_than_and_tighter_than_or(build):
    node = cond(build, "NOT fever AND red flags OR side is left")
    assert node["op"] == "or"
    assert node["args"][0]["op"] == "and"
    assert node["args"][0]["args"][0]["op"] == "not"
    assert node["text"] == "NOT fever AND red flags OR side is left"


def test_grouped_is_true_only_where_parentheses_were_written(build):
    node = cond(build, "(fever OR red flags) AND NOT (side is left AND age > 3)")
    assert node["grouped"] is False
    assert node["args"][0]["grouped"] is True
    assert node["args"][1]["arg"]["grouped"] is True
    assert node["text"] == "(fever OR red flags) AND NOT (side is left AND age > 3)"
    plain = cond(build, "fever AND red flags OR side is left")
    assert plain["grouped"] is False and plain["args"][0]["grouped"] is False
    whole = cond(build, "((fever AND red flags))")
    assert whole["grouped"] is True and whole["text"] == "fever AND red flags"


def test_parentheses_around_a_leaf_add_nothing(build, strip):
    assert strip(cond(build, "(fever)")) == FEVER
    assert strip(cond(build, "NOT (fever)")) == {"op": "not", "form": "not", "arg": FEVER, "text": "NOT fever"}


def test_counting_lists_may_hold_compound_conditions(build):
    node = cond(build, "any of [fever AND red flags, no fever]")
    assert node["text"] == "any of [fever AND red flags, no fever]"
    assert [a["op"] for a in node["args"]] == ["and", "not"]


def test_at_is_where_each_node_was_written(build):
    node = cond(build, "fever AND duration > 6 weeks")
    assert node["at"] == {"line": 13, "column": 12}
    assert node["args"][1]["at"] == {"line": 13, "column": 22}
    no = cond(build, "no red flags")
    assert no["at"] == {"line": 13, "column": 12} and no["arg"]["at"] == {"line": 13, "column": 15}


def test_text_quotes_names_that_would_not_read_back():
    doc = compile_source(
        'ruleset "T"\n'
        'input "nausea and vomiting": yes/no\n'
        'input "no show": yes/no\n'
        "input type 2 diabetes: yes/no\n"
        'input mood: one of ["at ease", "one-off", upset]\n'
        'rule r: IF "nausea and vomiting" OR "no show" OR type 2 diabetes OR mood is "at ease" '
        "OR mood is one-off THEN x\n"
        "decision d: one of [x]\n",
        "t.rules",
    )
    texts = [a["text"] for a in doc["rules"][0]["condition"]["args"]]
    assert texts == ['"nausea and vomiting"', '"no show"', "type 2 diabetes", 'mood is "at ease"',
                     "mood is one-off"]


def _nodes(node):
    yield node
    if "arg" in node:
        yield from _nodes(node["arg"])
    for child in node.get("args", ()):
        yield from _nodes(child)


ROUND_TRIP = (
    "fever AND (red flags OR side is not one of [left, both]) AND NOT (age > 3 AND ESR is known)",
    "none of [fever, duration between 2 days and 6 weeks, at least 1 of [no red flags, wells >= 1.5]]",
    "fever is no OR all of [fever is yes, side is right] OR duration is at most 1.5 months",
)


@pytest.mark.parametrize("written", ROUND_TRIP)
def test_every_node_text_reads_back_to_the_same_node(build, strip, written):
    for node in _nodes(cond(build, written)):
        again = cond(build, node["text"])
        expected = strip(node)
        if "grouped" in expected:
            expected["grouped"] = False  # the parentheses are the parent's to write
        assert strip(again) == expected, node["text"]


def test_node_ids_are_document_order_parent_first(example):
    doc = compile_source(example, "x.rules")
    ids = []
    for top in [doc["scope"], *(d["condition"] for d in doc["definitions"]),
                *(r["condition"] for r in doc["rules"])]:
        ids.extend(n["id"] for n in _nodes(top))
    assert ids == list(range(1, len(ids) + 1))
    assert doc["scope"]["id"] == 1
    assert [n["id"] for n in _nodes(doc["scope"])] == [1, 2, 3]
    assert doc["definitions"][0]["condition"]["id"] == 4


def test_score_items_and_scope_get_ids_before_rules(build, base):
    doc = build("rule r: IF wells >= 1 THEN physio\n",
                base=base.replace('ruleset "Test rules"', 'ruleset "Test rules" applies when age >= 18'))
    assert doc["scope"]["id"] == 1
    item_ids = [i["condition"]["id"] for i in doc["definitions"][1]["items"]]
    assert item_ids == [5, 6, 7]  # scope 1, red flags 2-4
    assert doc["rules"][0]["condition"]["id"] == 8


def test_scope_condition(build, base, strip):
    doc = build(base=base.replace('ruleset "Test rules"', 'ruleset "Test rules" applies when NOT fever'))
    assert strip(doc["scope"]) == {"op": "not", "form": "not", "arg": FEVER, "text": "NOT fever"}


def test_option_listed_twice_in_is_one_of_is_kept_once(build):
    node = cond(build, "side is one of [left, LEFT, both]")
    assert node["options"] == ["left", "both"]
