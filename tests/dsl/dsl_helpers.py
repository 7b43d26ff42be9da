"""Helpers shared by the parser tests."""

from __future__ import annotations

from pathlib import Path

import re

import pytest
from hypothesis import strategies as st

from clinrules.dsl import parse
from clinrules.errors import RulesError

DATA = Path(__file__).parent / "data"
HEADER = 'ruleset "Test rules"\n'


def parse_body(body: str):
    """Parse `body` under a minimal header (its statements start on line 2)."""
    return parse(HEADER + body, "test.rules")


def only(body: str):
    """The one statement of `body`."""
    (statement,) = parse_body(body).statements
    return statement


def condition(text: str):
    """The condition `text`, read as the body of a definition."""
    return only(f"define it: {text}").body


def syntax_error(text: str, *, header: bool = True):
    """The single diagnostic parsing `text` raises."""
    with pytest.raises(RulesError) as info:
        parse((HEADER + text) if header else text, "bad.rules")
    diagnostics = info.value.diagnostics
    assert len(diagnostics) == 1, diagnostics
    return diagnostics[0]


def where(diagnostic) -> tuple[int, int]:
    return diagnostic.location.line, diagnostic.location.column


def tokens_of(text: str) -> list[str]:
    """`text` cut into the pieces mutations move around: strings, comments,
    white space, words, numbers, single characters."""
    return re.findall(r'"[^"]*"|#[^\n]*|\s+|[^\W\d_][\w\'/-]*|\d+(?:\.\d+)?|\S', text)


@st.composite
def mutated(draw, tokens: list[str], spare: list[str]):
    """A text of `tokens` with 1 to 4 random edits: deletions, duplicates,
    swaps, insertions of `spare` pieces and truncations."""
    tokens = list(tokens)
    for _ in range(draw(st.integers(1, 4))):
        if not tokens:
            break
        i = draw(st.integers(0, len(tokens) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "swap", "insert", "truncate"]))
        if action == "delete":
            del tokens[i]
        elif action == "duplicate":
            tokens.insert(i, tokens[i])
        elif action == "swap":
            j = draw(st.integers(0, len(tokens) - 1))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif action == "insert":
            tokens.insert(i, " " + draw(st.sampled_from(spare)) + " ")
        else:
            tokens = tokens[:i]
    return "".join(tokens)
