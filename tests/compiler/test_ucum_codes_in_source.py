"""Every unit spelling the unit table accepts (without a space) can be
written in a `.rules` file, UCUM codes in square brackets included.

LANGUAGE.md: units follow UCUM where UCUM has a code, and the compiled
`units` table is keyed by UCUM codes such as `[degF]`, `mm[Hg]`, `[lb_av]`.
At the time of writing the parser's UNIT terminal (clinrules/dsl/rules.lark)
refuses `[` and `]`, so the bracketed codes fail with a syntax error: those
cases are the parser bug this file documents (owned by clinrules/dsl).
"""

from __future__ import annotations

import pytest

from clinrules.compiler import compile_source
from clinrules.compiler.units import UNITS

SPELLINGS = sorted({alias for unit in UNITS for alias in unit.aliases if " " not in alias})


def _source(spelling: str) -> str:
    return (f'ruleset "T"\ninput level: number in {spelling}\ndecision d: one of [a]\n'
            f"rule r: IF level > 5 {spelling} THEN a\n")


@pytest.mark.parametrize("spelling", [s for s in SPELLINGS if "[" not in s])
def test_unit_spelling_can_be_written(spelling):
    doc = compile_source(_source(spelling), "t.rules")
    assert doc["rules"][0]["condition"]["value"] == "5"


@pytest.mark.parametrize("spelling", [s for s in SPELLINGS if "[" in s])
def test_bracketed_ucum_code_can_be_written(spelling):
    doc = compile_source(_source(spelling), "t.rules")
    assert doc["inputs"][0]["unit_written"] == spelling
    assert doc["rules"][0]["condition"]["value"] == "5"
