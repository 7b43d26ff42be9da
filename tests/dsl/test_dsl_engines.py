"""lark-cython and pure Lark read every text the same way.

With the `fast` extra installed (the `test` extra installs it), `parse`
uses lark-cython and falls back to pure Lark for anything that is not
well-formed; `CLINRULES_PURE_LARK=1` forces pure Lark. Both must give the
same tree (positions included), the same comments, the same compiled
document and the same errors, on the shipped and conformance rulesets, a
large generated table, and mutated texts.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from clinrules.compiler import compile_source
from clinrules.dsl import parser
from clinrules.dsl.parser import parse_with_comments
from clinrules.errors import RulesError
from dsl_helpers import mutated, tokens_of

pytest.importorskip("lark_cython", reason="the fast extra (lark-cython) is not installed")

ROOT = Path(__file__).resolve().parents[2]
RULESETS = sorted([*ROOT.glob("rulesets/*.rules"), *ROOT.glob("tests/conformance/rulesets/*.rules")])
EXAMPLE = (ROOT / "tests" / "dsl" / "data" / "cervicogenic-upper-back-pain.rules").read_text("utf-8")
TOKENS = tokens_of(EXAMPLE)
SPARE = ["IF", "THEN", "AND", "OR", "NOT", "no", "is", "[", "]", "(", ")", ":", ",", '"', "6", "weeks",
         "rule", "define", "between", "at least", "of", "\n", "# lint: allow gap -- x", "-", "°C", "\t"]


def _outcome(text: str, pure: bool, monkeypatch, compile_too: bool = False):
    """What each step makes of `text` under one engine: values, or the diagnostics."""
    with monkeypatch.context() as m:
        if pure:
            m.setenv("CLINRULES_PURE_LARK", "1")
        else:
            m.delenv("CLINRULES_PURE_LARK", raising=False)
        assert parser.engine() == ("lark" if pure else "lark-cython")
        try:
            parsed = parse_with_comments(text, "x.rules")
        except RulesError as exc:
            return ("error", exc.diagnostics)
        if not compile_too:
            return parsed
        try:
            return parsed, compile_source(text, "x.rules")
        except RulesError as exc:
            return parsed, ("error", exc.diagnostics)


def _same(text: str, monkeypatch, compile_too: bool = False):
    fast = _outcome(text, False, monkeypatch, compile_too)
    pure = _outcome(text, True, monkeypatch, compile_too)
    assert fast == pure
    return fast


@pytest.mark.parametrize("path", RULESETS, ids=lambda p: p.name)
def test_rulesets_read_and_compile_the_same(path, monkeypatch):
    (tree, comments), doc = _same(path.read_text("utf-8"), monkeypatch, compile_too=True)
    assert tree.statements and isinstance(doc, dict)


def test_a_large_generated_table_reads_the_same(monkeypatch):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import table
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    tree, comments = _same(table.generate(rules=300), monkeypatch)
    assert len(tree.statements) > 300


def test_comments_keep_their_places_under_both_engines(monkeypatch):
    text = ('ruleset "x"\n# first\ninput a: yes/no  # lint: allow unused-input -- kept\n'
            'decision d: one of [p, q]\nIF a THEN p # trailing\n')
    tree, comments = _same(text, monkeypatch)
    assert [(c.text, c.loc.line, c.loc.column, c.loc.end_line, c.loc.end_column) for c in comments] == [
        ("# first", 2, 1, 2, 8),
        ("# lint: allow unused-input -- kept", 3, 18, 3, 52),
        ("# trailing", 5, 13, 5, 23),
    ]
    assert tree.statements[0].suppressions[0].codes == ("unused-input",)


@pytest.mark.parametrize("text", [
    'ruleset "x"\nrule x: IF a AND b c: d',
    'ruleset "x"\nIF THEN x',
    'ruleset "x"\ndefine x: any of [a, b\nIF a THEN b',
    'ruleset "x"\ninput x: boolean',
    'ruleset "x"\ndecision d: any of [a] with priority',
    'ruleset "x"\ndefine x: ""',
    'ruleset "x"\ndefine x: a @ b',
    'ruleset "x"\nsource 1 "x"',
    'ruleset "x"\nOTHERWISE x',
    'ruleset "x"\ninput a: yes/no # lint: allow\n',
    'ruleset "x"\ndefine x: ' + "(" * 150 + "a" + ")" * 150,
    "",
    "# only a comment\n",
    'ruleset ""',
    'input a: yes/no',
])
def test_errors_are_the_same(text, monkeypatch):
    outcome = _same(text, monkeypatch)
    assert outcome[0] == "error" and outcome[1]




@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(mutated(TOKENS, SPARE))
def test_mutated_texts_read_the_same(monkeypatch, text):
    _same(text, monkeypatch)


def test_pure_lark_is_forced_by_the_environment_in_a_fresh_process(tmp_path):
    code = ("from clinrules.dsl import parse, parser\n"
            "f = parse('ruleset \"x\"\\ninput a: yes/no\\n', 'x.rules')\n"
            "print(parser.engine(), len(f.statements))\n")
    for flag, expected in (("1", "lark"), ("0", "lark-cython")):
        # the fast reader off: this is about which Lark engine reads, and its table
        env = {"PATH": "", "CLINRULES_CACHE_DIR": str(tmp_path), "CLINRULES_PURE_LARK": flag,
               "CLINRULES_FAST_READER": "0"}
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                             env=env).stdout
        assert out.split() == [expected, "1"]
    names = sorted(p.name for p in tmp_path.iterdir())
    assert any(n.endswith("-lark-cython.lark-cache") for n in names)  # each engine its own table
    assert any(n.endswith(".lark-cache") and "cython" not in n for n in names)


def test_without_lark_cython_pure_lark_parses(tmp_path):
    code = ("import sys\nsys.modules['lark_cython'] = None  # as if the fast extra were not installed\n"
            "from clinrules.dsl import parse, parser\n"
            "f = parse('ruleset \"x\"\\ninput a: yes/no\\n', 'x.rules')\n"
            "print(parser.engine(), len(f.statements))\n")
    env = {"PATH": "", "CLINRULES_CACHE_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert out.split() == ["lark", "1"]
