"""Two shortcuts of the compiler stages change nothing.

Stage `conditions` lowers each distinct comparison of an input once and
copies it where it is written again (`Compilation.lowered`), and it tells
stage `nesting` how deep each rule can be (`Compilation.nesting_bounds`), so
that it walks only the rules that might be too deep. Here the
stages run with and without them on texts near the nesting limit and on
every `.rules` file of the repository: the same diagnostics, the same
document.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clinrules import dsl
from clinrules.compiler import api
from clinrules.compiler.emit import emit
from clinrules.compiler.state import Compilation
from clinrules.errors import RulesError
from clinrules.limits import MAX_NESTING, _plain_depth

ROOT = Path(__file__).resolve().parents[2]
RULES_FILES = sorted(p for p in ROOT.rglob("*.rules") if ".venv" not in p.parts)
HEAD = ('ruleset "x"\ninput a: number from 0 to 9\ninput b: number from 0 to 9\ninput f: yes/no\n'
        "input s: one of [l, r]\ndefine d: f\ndecision plan: one of [x, y]\n")


def _outcome(text: str, shortcuts: bool) -> tuple[list, str | None]:
    """(diagnostics, compiled document) of the stages, with or without the shortcuts."""
    try:
        comp = Compilation(dsl.parse_all(text, "x.rules"), "x.rules")
    except RulesError as exc:
        return [exc.diagnostics], None
    if not shortcuts:
        comp.lowered = _Forgetful()
    for name, stage in api.STAGES:
        if name == "nesting" and not shortcuts:
            comp.nesting_bounds.clear()
        stage(comp)
    if comp.diagnostics:
        return comp.diagnostics, None
    emit(comp)
    return [], json.dumps(comp.doc, sort_keys=True)


class _Forgetful(dict):
    """A `lowered` that keeps nothing: every comparison lowered anew."""

    def __setitem__(self, key, value) -> None:
        pass


def _deep(shape: str, n: int) -> str:
    if shape == "first known":
        return "NOT " * n + "first known of [a, b] > 1"
    if shape == "no":
        return "NOT " * n + "no f"
    if shape == "is no":
        return "NOT " * n + "f is no"
    if shape == "none of":
        return "none of [" * n + "a > 1" + "]" * n
    if shape == "definition":
        return "NOT " * n + "d"
    return "(" * n + "a between 1 and 2" + ")" * n


@pytest.mark.parametrize("shape", ["first known", "no", "is no", "none of", "definition", "parens"])
def test_conditions_near_the_limit_are_reported_alike(shape):
    for n in range(MAX_NESTING - 6, MAX_NESTING + 1):
        text = HEAD + f"rule r: IF {_deep(shape, n)} THEN x\nrule q: IF a > 1 AND a > 1 THEN y\n"
        assert _outcome(text, True) == _outcome(text, False), n


@pytest.mark.parametrize("path", RULES_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_rules_file_compiles_alike(path):
    text = path.read_text("utf-8")
    assert _outcome(text, True) == _outcome(text, False)


def test_a_repeated_comparison_is_lowered_once_and_placed_where_written():
    text = HEAD + "rule r: IF a > 1 AND b > 1 THEN x\nrule q: IF\n  a > 1 THEN y\n"
    doc = api.compile_source(text, "x.rules")
    first, second = doc["rules"][0]["condition"]["args"][0], doc["rules"][1]["condition"]
    assert first["text"] == second["text"] == "a > 1"
    assert first["at"] != second["at"] and first["id"] != second["id"]
    assert first is not second


def test_the_bound_is_met_exactly_by_first_known():
    comp = Compilation(dsl.parse_all(HEAD + f"rule r: IF {_deep('first known', 96)} THEN x\n", "x.rules"), "x.rules")
    for _name, stage in api.STAGES:
        stage(comp)
    assert comp.nesting_bounds == {0: (MAX_NESTING, ())}
    assert _plain_depth(comp.rules[0]["condition"]) == MAX_NESTING


@pytest.mark.parametrize("used", ["e", "no e", "e is no", "sc > 1", "sc between 1 and 2", "first known of [a, sc] > 1"])
def test_rules_reading_deep_definitions_are_reported_alike(used):
    head = HEAD + "define e: " + "NOT " * 45 + "f\ndefine sc: score of [" + "NOT " * 45 + "e: 1]\n"
    for n in range(0, 60, 3):
        text = head + f"rule r: IF {'NOT ' * n}{used} THEN x\n"
        assert _outcome(text, True) == _outcome(text, False), n
