"""The editor logic the server and the workbench share, in process:
problems from the real checker and linter, the name index, hover,
completion and the "did you mean" fixes."""

from __future__ import annotations

from pathlib import Path

from clinrules.lsp import actions, completion, hover
from clinrules.lsp.checks import check_text, lint_checked
from clinrules.lsp.symbols import Index

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "rulesets" / "cervicogenic-upper-back-pain.rules"

TEXT = '''\
ruleset "Side" version 1.0.0

source 1: "A source, 2025"

input side: one of [left, right, "left and right"]
input "nausea and vomiting": yes/no
input ESR: number in mm/h from 0 to 200

decision plan: one of [rest, "scan and review"]

rule by side:
  IF side is left AND ESR > 20 mm/h
  THEN rest
  BECAUSE "Left." [1]

rule otherwise:
  IF NOT (side is left AND ESR > 20 mm/h)
  THEN "scan and review"
  BECAUSE "Else." [1]
'''


def position(text: str, needle: str, offset: int = 0) -> tuple[int, int]:
    for i, line in enumerate(text.split("\n")):
        if needle in line:
            return i, line.index(needle) + offset
    raise AssertionError(needle)


def test_problems_are_the_checker_and_linter_findings():
    checked = check_text(SHIPPED.read_text(), str(SHIPPED))
    assert checked.errors == [] and checked.doc is not None
    assert lint_checked(checked) == []  # the shipped ruleset is clean
    broken = check_text(TEXT.replace("THEN rest", "THEN res"), "x.rules")
    (problem,) = broken.errors
    assert problem.code == "unknown-option" and problem.origin == "check"
    assert actions.suggestions(problem) == ["rest"]
    assert broken.doc is None and lint_checked(broken) == []


def test_a_problem_without_a_place_points_at_the_first_line():
    checked = check_text("", "empty.rules")
    (problem,) = checked.errors
    assert (problem.line, problem.column) == (0, 0) and problem.end_column >= 1


def test_index_resolves_uses_to_declarations():
    checked = check_text(TEXT, "x.rules")
    index = Index(checked.tree)
    line, col = position(TEXT, "side is left", 1)
    sym = index.symbol_at(line, col)
    assert (sym.kind, sym.name) == ("input", "side")
    assert len(sym.uses) == 2
    # `left` after `is` is a value of the input, not an option of a decision
    line, col = position(TEXT, "is left", 4)
    sym = index.symbol_at(line, col)
    assert (sym.kind, sym.owner) == ("input option", "side")
    # a quoted option after THEN
    line, col = position(TEXT, '"scan and review"\n'.strip(), 3)
    line = next(i for i, t in enumerate(TEXT.split("\n")) if t.strip() == 'THEN "scan and review"')
    sym = index.symbol_at(line, 9)
    assert (sym.kind, sym.name, sym.owner) == ("option", "scan and review", "plan")
    # a citation number is its source
    line, col = position(TEXT, '"Left." [1]', len('"Left." ['))
    assert index.symbol_at(line, col).kind == "source"


def test_hover_of_an_option_and_a_source():
    checked = check_text(TEXT, "x.rules")
    index = Index(checked.tree)
    line = next(i for i, t in enumerate(TEXT.split("\n")) if t.strip() == "THEN rest")
    text = hover.hover_markdown(index, index.symbol_at(line, 7), checked.lines)
    assert "an option of the decision `plan` (one of)" in text
    assert "chosen by `by side`" in text and "[1] A source, 2025" in text
    line, col = position(TEXT, "ESR > 20", 1)
    text = hover.hover_markdown(index, index.symbol_at(line, col), checked.lines)
    assert "unit: `mm/h` (a rate in length per time; UCUM `mm/h`)" in text
    assert "range: from 0 to 200" in text


def test_completion_offers_values_after_is_and_quotes_names_that_need_it():
    checked = check_text(TEXT, "x.rules")
    index = Index(checked.tree)
    lines = checked.lines
    line, col = position(TEXT, "side is left", len("side is "))
    labels = [c.label for c in completion.complete(index, lines, line, col)]
    assert labels == ["left", "right", '"left and right"']
    names = [c.label for c in completion.complete(index, lines, line, position(TEXT, "side is left")[1])]
    assert '"nausea and vomiting"' in names and "ESR" in names
    line, col = position(TEXT, "ESR > 20 mm/h", len("ESR > 20 "))
    units = {c.label for c in completion.complete(index, lines, line, col)}
    assert "mm/h" in units and "mg/L" not in units
    line = next(i for i, t in enumerate(lines) if t.strip() == 'THEN "scan and review"')
    assert [c.label for c in completion.complete(index, lines, line, 7)] == ["rest", '"scan and review"']


def test_quick_fix_keeps_the_editors_quotes():
    assert actions.replacement("nausea and vomiting", '"nausea and vomitin"') == '"nausea and vomiting"'
    assert actions.replacement("red flags", "red flag") == "red flags"
    assert actions.replacement("red flags", '"red flag"') == '"red flags"'


def test_no_completion_inside_a_reason_or_a_comment():
    checked = check_text(TEXT, "x.rules")
    index = Index(checked.tree)
    line, col = position(TEXT, '"Left." [1]', 3)
    assert completion.complete(index, checked.lines, line, col) == []
    lines = checked.lines + ["# a note about side "]
    assert completion.complete(index, lines, len(lines) - 1, len(lines[-1])) == []
    line, col = position(TEXT, '"Left." [1]', len('"Left." ['))
    assert completion.complete(index, checked.lines, line, col) != []  # outside the string again
