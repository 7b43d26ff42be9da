"""Moving the last findings (`relint.LintMemo`) gives exactly what the
linter gives, and is done only when nothing but positions changed."""

from __future__ import annotations

import sys
from pathlib import Path

from clinrules.lint import lint
from clinrules.lint.config import Config
from clinrules.lsp.checks import check_text
from clinrules.lsp.relint import LintMemo, moved, positions

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from compile import generate  # noqa: E402

EXTRA = '''
decision plan: one of [wait, act] first match

rule act early: IF fever THEN act BECAUSE "x" [1]
rule act again: IF fever AND age > 40 years THEN act BECAUSE "x" [1]
rule wait: IF fever THEN wait
'''


def _full(text: str, config: Config = Config()) -> list[dict]:
    doc = check_text(text, "x.rules").doc
    return [dict(f.as_dict(), rules=list(f.rules)) for f in lint(doc, config=config, file="x.rules")]


def _memo(memo: LintMemo, text: str, config: Config = Config()) -> list[dict]:
    doc = check_text(text, "x.rules").doc
    return [dict(f.as_dict(), rules=list(f.rules)) for f in memo.lint(doc, config, "x.rules")]


def test_moved_findings_are_the_linters():
    text = generate(40) + EXTRA
    memo = LintMemo()
    assert _memo(memo, text) == _full(text) and not memo.reused
    lines = text.split("\n")
    first_rule = next(i for i, line in enumerate(lines) if line.startswith("rule "))
    define = next(i for i, line in enumerate(lines) if line.startswith("define red flags"))
    moved_define = lines[:define] + lines[define + 1:] + [lines[define]]
    edits = [
        ("\n".join(lines[:first_rule] + [""] + lines[first_rule:]), True),  # Enter above every rule
        ("# a note\n" + text, True),  # a comment at the top
        ("\n".join(lines[:-3] + ["", ""] + lines[-3:]), True),  # lines inside the last rules
        ("\n".join(moved_define), True),  # a definition moved below the rules: the order of places changes
        (text.replace("age > 40 years", "age > 41 years"), False),  # a threshold: the analysis changes
        (text.replace("rule act again:", "rule act later:"), False),  # a name: messages change
        (text, False),
    ]
    for new, reused in edits:
        assert _memo(memo, new) == _full(new)
        assert memo.reused == reused, new[:60]
    # a new configuration is a new lint
    config = Config(disable=frozenset({"CR005"}))
    assert _memo(memo, text, config) == _full(text, config) and not memo.reused


def test_positions_of_another_shape_are_compared_as_values():
    doc = check_text(generate(3), "x.rules").doc
    found = positions(doc)
    assert found and all(isinstance(line, int) for line, _ in found)
    assert moved(doc, doc) == found
    odd = dict(doc, rules=[dict(doc["rules"][0], at={"line": 3})] + doc["rules"][1:])
    assert moved(doc, odd) is None
    assert moved(doc, dict(doc, source_sha256="0" * 64)) == found  # the digest of the text is not content
    assert moved(doc, dict(doc, title="other")) is None
