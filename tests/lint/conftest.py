"""Helpers for lint tests: compile real `.rules` snippets, lint them, and
replay every witness with the runtime."""

from __future__ import annotations

import pytest

from clinrules import runtime
from clinrules.compiler import compile_source
from clinrules.lint import lint

HEAD = '''ruleset "Imaging" version 1.0.0
source 1: "Example guideline, 2025"
input duration: number in weeks from 0 to 520
input fever: yes/no
decision imaging: one of [no imaging, MRI]
'''


def compile_rules(text: str, name: str = "snippet.rules") -> dict:
    return compile_source(text, name)


def replay(doc: dict, finding) -> None:
    """Evaluate the finding's witness: it must reproduce the finding."""
    result = runtime.load(doc).evaluate(finding.witness, explain=True)
    if finding.name == "conflict":
        statuses = {d.status for d in result.decisions.values()}
        assert "conflict" in statuses, (finding.witness, result.to_json())
        fired = set(result.fired)
        assert set(finding.rules) <= fired
    elif finding.name == "gap":
        decision = next(d for d in doc["decisions"]
                        if finding.message.startswith(f"`{d['name']}`"))
        got = result.decisions[decision["name"]]
        assert got.status == "undecided" and list(got.needs) == [], (finding.witness, result.to_json())
    elif finding.name == "masked-rule":
        # the rule fires, yet the decision is not made by it
        rule = finding.rules[0]
        assert result.applicable is True and result.rule_values[rule] == "yes", finding.witness
        decision = next(d for d in doc["decisions"] if d["name"] == finding.extra["decision"])
        got = result.decisions[decision["name"]]
        if got.status == "decided":
            if decision["policy"] == "first match":
                assert got.fired[0] != rule, (finding.witness, result.to_json())
            else:
                names = [o["name"] for o in decision["options"]]
                keys = [o["key"] for o in decision["options"]]
                spec = next(r for r in doc["rules"] if r["name"] == rule)
                mine = min(keys.index(a["option"]) for a in spec["actions"]
                           if a["decision"] == decision["key"])
                assert names.index(got.value) < mine, (finding.witness, result.to_json())


def lint_text(text: str, *, codes=None, config=None) -> list:
    """Lint a snippet, replay every witness, keep findings of `codes`."""
    doc = compile_rules(text)
    found = lint(doc, config=config)
    for finding in found:
        if finding.witness is not None:
            replay(doc, finding)
    if codes is not None:
        found = [f for f in found if f.name in codes]
    return found


@pytest.fixture
def head() -> str:
    return HEAD
