"""Whatever text arrives, the compiler answers with a document or a
RulesError: never another exception, never a traceback."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinrules.compiler import compile_source, dumps
from clinrules.errors import RulesError

EXAMPLE = (Path(__file__).parent / "data" / "language-example.rules").read_text(encoding="utf-8")
EXTRA = """
input age: number from 0 to 120
input temperature: number in °C from 30 to 45
define wells: score of [fever: 1.5, duration > 4 weeks: 1, side is left: -1]
decision referral: any of [physio, leaflet]
decision urgency: one of [routine, urgent] with priority
rule u: IF fever THEN urgent
rule r: IF wells between 1 and 2 OR side is not one of [left] OR ESR is missing THEN referral: physio
rule d: OTHERWISE no imaging
IF at least 2 of [fever, temperature >= 100.4 °F, age is at least 65] THEN physio
"""
VALID = EXAMPLE + EXTRA
TOKENS = re.findall(r"\w+|[^\w\s]|\s+", VALID)
NOISE = ["0", "-1", "1.5", "99999999999999999999", "weeks", "mg/L", "(", ")", "[", "]", '"', "#", "\x00",
         "é", "°C", "NOT", "no", "is", "one of", "at least 0 of", "between", "%", " ", "\n", ":", ",", "\r",
         "rule", "IF", "THEN", "OTHERWISE", "define", "input", "version 1.0", "applies when", "score of ["]

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def answer(text: str) -> None:
    try:
        doc = compile_source(text, "fuzz.rules")
    except RulesError as exc:
        assert exc.diagnostics
        for d in exc.diagnostics:
            d.render()
            d.as_dict()
        return
    assert dumps(doc) == dumps(compile_source(text, "fuzz.rules"))


def test_the_seed_source_is_valid():
    answer(VALID)
    compile_source(VALID, "fuzz.rules")


@SETTINGS
@given(st.text(max_size=300))
def test_random_text(text):
    answer(text)


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS + NOISE), max_size=60))
def test_random_token_soup_after_a_header(tokens):
    answer('ruleset "Soup"\n' + "".join(tokens))


@st.composite
def mutated(draw):
    tokens = list(TOKENS)
    for _ in range(draw(st.integers(1, 5))):
        i = draw(st.integers(0, len(tokens) - 1))
        action = draw(st.sampled_from(["delete", "insert", "replace", "noise"]))
        if action == "delete":
            del tokens[i]
        elif action == "insert":
            tokens.insert(i, draw(st.sampled_from(TOKENS)))
        elif action == "replace":
            tokens[i] = draw(st.sampled_from(TOKENS))
        else:
            tokens[i] = draw(st.sampled_from(NOISE))
    return "".join(tokens)


@SETTINGS
@given(mutated())
def test_mutated_valid_sources(text):
    answer(text)
