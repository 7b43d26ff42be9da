"""The statement-by-statement parser gives exactly the tree (or the error)
of `clinrules.dsl.parse`, edit after edit."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from clinrules.dsl import parse
from clinrules.errors import RulesError
from clinrules.lsp.incremental import StatementCache

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from compile import generate  # noqa: E402

TRICKY = '''
# lint: allow CR006 -- kept for the next version
input spare: yes/no

rule long reason:
  IF fever
  THEN CT
  BECAUSE "A reason on two lines,
rule looks like a statement here but is inside the string." [1]

# a comment about the next rule
rule curly: IF night sweats THEN radiograph BECAUSE “curly quotes” [2]
'''


def outcome(parser, text: str):
    try:
        return parser(text, "x.rules")
    except RulesError as exc:
        return [d.as_dict() for d in exc.diagnostics]


def test_random_edits_match_the_whole_parse():
    text = generate(80) + TRICKY
    cache = StatementCache()
    rng = random.Random(12)
    assert outcome(cache.parse, text) == outcome(parse, text)
    reused = 0
    for step in range(60):
        lines = text.split("\n")
        i = rng.randrange(len(lines))
        kind = rng.choice(["blank", "delete", "digit", "typo", "dup", "join", "header"])
        if kind == "blank":
            lines.insert(i, "")
        elif kind == "delete" and len(lines) > 300:
            del lines[i]
        elif kind == "digit":
            lines[i] = lines[i].replace("4", "5", 1)
        elif kind == "typo":
            lines[i] = lines[i].replace("fever", "fevr", 1).replace("THEN", "THN", 1)
        elif kind == "dup":
            lines.insert(i, lines[i])
        elif kind == "join" and i + 1 < len(lines):
            lines[i:i + 2] = [lines[i] + " " + lines[i + 1]]
        elif kind == "header" and step % 10 == 0:
            lines[0] = lines[0].replace("1.0.0", f"1.0.{step}")
        text = "\n".join(lines)
        got = outcome(cache.parse, text)
        assert got == outcome(parse, text), (step, kind, i)
        if cache.reparsed >= 0:
            reused += 1
    assert reused > 30  # most edits were parsed statement by statement


def test_an_edit_reparses_one_statement_and_moves_the_rest():
    text = generate(100)
    cache = StatementCache()
    cache.parse(text, "x.rules")
    lines = text.split("\n")
    rule = next(i for i, line in enumerate(lines) if line.startswith("rule r50:"))
    lines[rule] = lines[rule].replace("rule r50:", "rule r50 renamed:")
    edited = "\n".join(lines)
    assert cache.parse(edited, "x.rules") == parse(edited, "x.rules")
    assert cache.reparsed == 1
    lines.insert(40, "")  # the statement there changes, every one below moves down a line
    moved = "\n".join(lines)
    assert cache.parse(moved, "x.rules") == parse(moved, "x.rules")
    assert cache.reparsed == 1


@pytest.mark.parametrize("text", ["", "# only a comment\n", "\ufeffruleset \"x\"\n" + "\n" * 300,
                                  "ruleset \"x\"\r\n" + "input a: yes/no\r\n" * 300])
def test_odd_texts_are_parsed_whole(text):
    cache = StatementCache()
    assert outcome(cache.parse, text) == outcome(parse, text)


def test_a_syntax_error_after_moved_statements_leaves_the_cache_consistent():
    text = generate(100)
    cache = StatementCache()
    cache.parse(text, "x.rules")
    lines = text.split("\n")
    rule = next(i for i, line in enumerate(lines) if line.startswith("rule r80:"))
    broken = lines[:30] + [""] + lines[30:rule + 1] + ["  THEN THEN"] + lines[rule + 2:]
    assert outcome(cache.parse, "\n".join(broken)) == outcome(parse, "\n".join(broken))
    assert isinstance(outcome(parse, "\n".join(broken)), list)  # the error, not a tree
    fixed = lines[:30] + [""] + lines[30:]
    assert cache.parse("\n".join(fixed), "x.rules") == parse("\n".join(fixed), "x.rules")
    assert cache.parse(text, "x.rules") == parse(text, "x.rules")
