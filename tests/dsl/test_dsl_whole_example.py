"""The whole example of the language reference, and the shipped ruleset."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinrules.dsl import ast, parse

from dsl_helpers import DATA

EXAMPLE = (DATA / "cervicogenic-upper-back-pain.rules").read_text(encoding="utf-8")
SHIPPED = Path(__file__).resolve().parents[2] / "rulesets" / "cervicogenic-upper-back-pain.rules"


def test_header_title_version_and_scope():
    header = parse(EXAMPLE, "example.rules").header
    assert header.title == "Upper back pain in cervicogenic dizziness"
    assert header.version == "1.0.0"
    assert isinstance(header.scope, ast.And)
    assert [ref.name.text for ref in header.scope.args] == ["upper back pain", "cervicogenic dizziness"]
    assert (header.loc.line, header.loc.column) == (2, 1)


def test_statement_kinds_in_order():
    rules_file = parse(EXAMPLE, "example.rules")
    kinds = [type(s).__name__ for s in rules_file.statements]
    assert kinds == ["Source"] * 2 + ["Input"] * 7 + ["Define"] * 2 + ["Decision", "Code"] + ["Rule"] * 3
    assert rules_file.path == "example.rules"
    assert rules_file.text == EXAMPLE


def test_inputs():
    inputs = {s.name.text: s.type for s in parse(EXAMPLE, "e").statements if isinstance(s, ast.Input)}
    assert inputs["upper back pain"].kind == "yes/no"
    duration = inputs["duration"]
    assert (duration.kind, duration.unit, duration.low.number, duration.high.number) == ("number", "weeks", "0", "520")
    assert inputs["ESR"].unit == "mm/h"
    assert [o.text for o in inputs["side"].options] == ["left", "right", "both"]
    assert "history of malignancy" in inputs


def test_rules():
    rules = [s for s in parse(EXAMPLE, "e").statements if isinstance(s, ast.Rule)]
    early, bare, red = rules
    assert early.name.text == "early conservative care"
    assert (early.loc.line, early.loc.column) == (22, 1)
    compare, no_flags = early.condition.args
    assert (compare.subject.text, compare.op, compare.value.number, compare.value.unit) == ("duration", "<", "6", "weeks")
    assert no_flags.form == "no" and no_flags.arg.name.text == "red flags"
    assert [a.option.text for a in early.actions] == ["no imaging"]
    assert early.because.text.startswith("Acute symptoms (<6 weeks)")
    assert [c.number for c in early.because.citations] == [1, 2]
    assert bare.name is None and (bare.loc.line, bare.loc.column) == (27, 1)
    assert bare.condition.args[0].op == ">"
    assert bare.because is None
    assert red.actions[0].option.text == "MRI cervical spine without contrast"
    assert [c.number for c in red.because.citations] == [2]


def test_decision_and_code():
    statements = parse(EXAMPLE, "e").statements
    decision = next(s for s in statements if isinstance(s, ast.Decision))
    assert decision.kind == "one of" and decision.policy is None
    assert [o.text for o in decision.options] == ["no imaging", "MRI cervical spine without contrast"]
    code = next(s for s in statements if isinstance(s, ast.Code))
    assert (code.name.text, code.system, code.value) == ("MRI cervical spine without contrast", "CPT", "72141")


@pytest.mark.skipif(not SHIPPED.exists(), reason="shipped ruleset not present")
def test_shipped_ruleset_parses():
    rules_file = parse(SHIPPED.read_text(encoding="utf-8"), SHIPPED.name)
    names = [s.name.text for s in rules_file.statements if isinstance(s, ast.Define)]
    assert "infection or inflammation suspected" in names


def test_crlf_and_tabs_give_the_same_tree_and_positions():
    plain = parse(EXAMPLE, "e")
    crlf = parse(EXAMPLE.replace("\n", "\r\n").replace("  ", "\t"), "e")
    assert [type(s) for s in plain.statements] == [type(s) for s in crlf.statements]
    assert [s.loc.line for s in plain.statements] == [s.loc.line for s in crlf.statements]
    assert crlf.statements[-1].because.text == plain.statements[-1].because.text


def test_byte_order_mark_is_ignored():
    rules_file = parse("\ufeff" + EXAMPLE, "e")
    assert rules_file.header.title == "Upper back pain in cervicogenic dizziness"
    assert rules_file.text.startswith("\ufeff")
