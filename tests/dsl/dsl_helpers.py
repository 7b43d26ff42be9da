"""Helpers shared by the parser tests."""

from __future__ import annotations

from pathlib import Path

import pytest

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
