"""Helpers for compiler tests: compile a snippet, or collect its errors.

Tests run with `--import-mode=importlib`, so they cannot import this module:
everything they share is a fixture.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from clinrules.compiler import compile_source
from clinrules.errors import RulesError

DATA = Path(__file__).parent / "data"

# The whole example of LANGUAGE.md, verbatim.
LANGUAGE_EXAMPLE = (DATA / "language-example.rules").read_text(encoding="utf-8")

# A small ruleset most tests extend; line numbers of added text start at 13.
BASE = """\
ruleset "Test rules"
source 1: "A guideline, 2025"
input fever: yes/no
input duration: number in weeks from 0 to 520
input ESR: number in mm/h from 0 to 200
input age: number from 0 to 120
input side: one of [left, right, both]
define red flags: any of [fever, ESR > 20 mm/h]
define wells: score of [fever: 1.5, duration > 4 weeks: 1, side is left: -1]
decision imaging: one of [no imaging, MRI]
decision referral: any of [MRI, physio]
code physio: SNOMED 91251008
"""
FIRST_ADDED_LINE = 13


@pytest.fixture
def build():
    """Compile BASE plus `extra`; returns the compiled document."""

    def run(extra: str = "", base: str = BASE) -> dict:
        return compile_source(base + extra, "test.rules")

    return run


@pytest.fixture
def errors():
    """Compile BASE plus `extra`, which must fail; returns its diagnostics."""

    def run(extra: str, base: str = BASE) -> list:
        with pytest.raises(RulesError) as info:
            compile_source(base + extra, "test.rules")
        return info.value.diagnostics

    return run


@pytest.fixture
def error(errors):
    """The single diagnostic of a snippet with exactly one problem."""

    def run(extra: str, base: str = BASE):
        found = errors(extra, base)
        assert len(found) == 1, [d.render() for d in found]
        return found[0]

    return run


@pytest.fixture
def base() -> str:
    return BASE


@pytest.fixture
def example() -> str:
    """The whole example of LANGUAGE.md."""
    return LANGUAGE_EXAMPLE


@pytest.fixture(name="strip")
def strip_fixture():
    return strip


def strip(node):
    """A condition tree without `id` and `at`: what it means, not where it was written."""
    if isinstance(node, dict):
        return {k: strip(v) for k, v in node.items() if k not in ("id", "at")}
    if isinstance(node, list):
        return [strip(v) for v in node]
    return node


