"""Whatever the text, parse() returns a tree or raises RulesError: never a crash."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinrules.dsl import ast, parse
from clinrules.errors import RulesError

from dsl_helpers import DATA, mutated, tokens_of

EXAMPLE = (DATA / "cervicogenic-upper-back-pain.rules").read_text(encoding="utf-8")
EXTRA = (
    'define s: score of [fever: 1, ESR > 20 mm/h: -1.5] # lint: allow unused-definition -- x\n'
    'decision tests: any of [ESR test, "CRP (mg/L)"]\n'
    'rule d: OTHERWISE imaging: no imaging\n'
    'IF (side is not left OR side is one of [right]) AND at least 2 of [fever, ESR is missing] '
    'AND duration between 2 and 6 weeks THEN ESR test, "CRP (mg/L)"\n'
)
SOURCE = EXAMPLE + EXTRA
TOKENS = tokens_of(SOURCE)
SPARE = ["IF", "THEN", "AND", "OR", "NOT", "no", "is", "[", "]", "(", ")", ":", ",", "\"", "6", "weeks",
         "rule", "define", "between", "at least", "of", "\n", "#", "-", "°C", "\x00", "\ufffd", "\t", "\r"]

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(text: str) -> None:
    try:
        result = parse(text, "fuzz.rules")
    except RulesError as error:
        assert error.diagnostics
        line_count = text.count("\n") + text.count("\r") + 1
        for diagnostic in error.diagnostics:
            assert diagnostic.code != "internal-error", diagnostic
            assert diagnostic.message and "Token(" not in diagnostic.message
            assert diagnostic.file == "fuzz.rules"
            if diagnostic.location is not None:
                assert 1 <= diagnostic.location.line <= line_count
                assert diagnostic.location.column >= 1
        return
    assert isinstance(result, ast.RulesFile)


def test_the_unmutated_source_parses():
    assert len(parse(SOURCE, "fuzz.rules").statements) == 20


@SETTINGS
@given(st.text(max_size=300))
def test_random_text(text):
    _check(text)


@SETTINGS
@given(st.text(max_size=200))
def test_random_text_after_a_header(text):
    _check('ruleset "fuzz"\n' + text)




@SETTINGS
@given(mutated(TOKENS, SPARE))
def test_mutated_valid_sources(text):
    _check(text)
