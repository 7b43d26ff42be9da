"""Rules: names (named and bare), OTHERWISE, actions, BECAUSE and citations."""

from __future__ import annotations


from clinrules.compiler import compile_source


def test_language_example_rules(example):
    rules = compile_source(example, "x.rules")["rules"]
    assert [(r["name"], r["key"], r["named"], r["index"]) for r in rules] == [
        ("early conservative care", "early conservative care", True, 0),
        ("rule 2", "rule 2", False, 1),
        ("red flags need imaging", "red flags need imaging", True, 2),
    ]
    first, bare, third = rules
    assert first["actions"] == [{"decision": "imaging", "option": "no imaging"}]
    assert first["because"] == {
        "text": "Acute symptoms (<6 weeks) typically resolve with conservative management.",
        "citations": [1, 2]}
    assert first["at"] == {"line": 22, "column": 1}
    assert bare["because"] is None
    assert bare["at"] == {"line": 27, "column": 1}
    assert bare["actions"] == [{"decision": "imaging", "option": "mri cervical spine without contrast"}]
    assert third["because"]["citations"] == [2]
    assert all(r["otherwise"] is False for r in rules)


def test_bare_rules_are_numbered_among_all_rules(build):
    doc = build(
        "rule first: IF fever THEN imaging: MRI\n"
        "IF no fever THEN imaging: no imaging\n"
        "rule third: IF fever THEN physio\n"
        "IF fever THEN referral: MRI\n"
    )
    assert [r["name"] for r in doc["rules"]] == ["first", "rule 2", "third", "rule 4"]
    assert [r["named"] for r in doc["rules"]] == [True, False, True, False]
    assert [r["index"] for r in doc["rules"]] == [0, 1, 2, 3]


def test_rule_name_keeps_spelling_and_matches_folded(build):
    rule = build("rule  Early   CARE: IF fever THEN physio\n")["rules"][0]
    assert (rule["name"], rule["key"]) == ("Early CARE", "early care")


def test_otherwise_rule(build):
    doc = build(
        "rule scan: IF fever THEN imaging: MRI\n"
        'rule default: OTHERWISE imaging: no imaging BECAUSE "Nothing else applies." [1]\n'
    )
    default = doc["rules"][1]
    assert default["otherwise"] is True
    assert default["condition"] is None
    assert default["actions"] == [{"decision": "imaging", "option": "no imaging"}]
    assert default["because"] == {"text": "Nothing else applies.", "citations": [1]}


def test_otherwise_for_two_decisions_in_one_rule(build):
    doc = build("rule default: OTHERWISE no imaging, physio\n")
    assert doc["rules"][0]["actions"] == [
        {"decision": "imaging", "option": "no imaging"}, {"decision": "referral", "option": "physio"}]


def test_actions_resolve_unique_options_and_qualified_shared_ones(build):
    rule = build("rule r: IF fever THEN imaging: MRI, Referral : mri AND physio\n")["rules"][0]
    assert rule["actions"] == [
        {"decision": "imaging", "option": "mri"},
        {"decision": "referral", "option": "mri"},
        {"decision": "referral", "option": "physio"},
    ]


def test_any_of_rule_may_choose_several_options(build):
    rule = build("rule r: IF fever THEN referral: MRI, physio\n")["rules"][0]
    assert [a["option"] for a in rule["actions"]] == ["mri", "physio"]


def test_qualifying_an_unshared_option_is_allowed(build):
    rule = build("rule r: IF fever THEN imaging: no imaging\n")["rules"][0]
    assert rule["actions"] == [{"decision": "imaging", "option": "no imaging"}]


def test_because_without_citations_and_citations_without_text(build):
    doc = build(
        'rule a: IF fever THEN physio BECAUSE "Common sense."\n'
        "rule b: IF no fever THEN imaging: no imaging BECAUSE [1]\n"
    )
    assert doc["rules"][0]["because"] == {"text": "Common sense.", "citations": []}
    assert doc["rules"][1]["because"] == {"text": "", "citations": [1]}


def test_multi_line_because_text_is_folded(build):
    rule = build('rule a: IF fever THEN physio BECAUSE "First line,\n    second line." [1]\n')["rules"][0]
    assert rule["because"]["text"] == "First line, second line."
