"""Moving the last findings (`relint.LintMemo`) gives exactly what the
linter gives, and is done only when nothing but positions changed."""

from __future__ import annotations

import sys
from pathlib import Path

from clinrules.lint import lint
from clinrules.lint.config import Config
from clinrules.lsp.checks import check_text
from clinrules.lsp.incremental import StatementCache
from clinrules.lsp.relint import LintMemo, moved

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
    found = moved(doc, doc)
    assert found and all(was == now and isinstance(was[0], int) for was, now in found)
    odd = dict(doc, rules=[dict(doc["rules"][0], at={"line": 3})] + doc["rules"][1:])
    assert moved(doc, odd) is None
    assert moved(doc, dict(doc, source_sha256="0" * 64)) == found  # the digest of the text is not content
    assert moved(doc, dict(doc, title="other")) is None


def _parsed(cache: StatementCache, text: str):
    checked = check_text(text, "x.rules", parse=cache.parse)
    checked.content = cache.content
    return checked


def test_what_the_text_says_ignores_spacing_comments_and_order():
    text = generate(300)
    lines = text.split("\n")
    rule = next(i for i, line in enumerate(lines) if line.startswith("rule "))
    define = next(i for i, line in enumerate(lines) if line.startswith("define "))
    cache = StatementCache()
    _parsed(cache, text)
    said = cache.content
    assert said is not None
    same = [
        "\n".join(lines[:rule + 1] + ["", "   "] + lines[rule + 1:]),  # blank lines inside a rule
        "\n".join(lines[:rule] + ["# a note about the rule below"] + lines[rule:]),
        "\n".join(lines[:define] + lines[define + 1:] + [lines[define]]),  # a statement moved
        text.replace(" AND ", "   AND\n    ", 1),
    ]
    for new in same:
        _parsed(cache, new)
        assert cache.content == said, new
    changed = [text.replace("duration > 4 weeks", "duration > 4 days", 1), text.replace("rule ", "rule x", 1), text.replace(" > ", " >= ", 1)]
    for new in changed:
        _parsed(cache, new)
        assert cache.content != said
    assert check_text("ruleset \"x\"\ninput", "x.rules", parse=cache.parse).errors  # a syntax error
    assert cache.content is None  # says nothing of a text that did not parse


def test_a_change_in_what_the_text_says_is_linted_not_compared():
    text = generate(300)
    memo, cache = LintMemo(), StatementCache()
    first = _parsed(cache, text)
    assert [f.as_dict() for f in memo.lint(first.doc, Config(), "x.rules", first.content)] == \
        [f.as_dict() for f in lint(first.doc, config=Config(), file="x.rules")]
    spaced = _parsed(cache, text.replace("\nrule ", "\n\nrule ", 5))
    assert _findings(memo, spaced) == _findings_full(spaced) and memo.reused
    threshold = _parsed(cache, text.replace("duration > 4 weeks", "duration > 5 weeks", 1))
    assert _findings(memo, threshold) == _findings_full(threshold) and not memo.reused
    # told nothing (a whole parse): the documents are compared, as without content
    again = check_text(text.replace("\nrule ", "\n\nrule ", 5), "x.rules")
    assert again.content is None
    assert _findings(memo, again) == _findings_full(again) and not memo.reused  # the threshold is back
    same = check_text(text.replace("\nrule ", "\n\n\nrule ", 5), "x.rules")
    assert _findings(memo, same) == _findings_full(same) and memo.reused
    # content that differs while the document does not: linted, the same findings
    renamed = check_text(text, "x.rules")
    renamed.content = ("something else",)
    memo.content = ("before",)
    assert _findings(memo, renamed) == _findings_full(renamed) and not memo.reused


def _findings(memo: LintMemo, checked) -> list[dict]:
    return [f.as_dict() for f in memo.lint(checked.doc, Config(), "x.rules", checked.content)]


def _findings_full(checked) -> list[dict]:
    return [f.as_dict() for f in lint(checked.doc, config=Config(), file="x.rules")]
