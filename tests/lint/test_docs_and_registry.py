"""Every code has a doc page whose bad example shows it and whose fixed
example does not; codes are unique and stable."""

from __future__ import annotations

import re

import pytest

from clinrules.lint import CODES, lookup
from tests.lint.conftest import lint_text


def _blocks(page: str) -> tuple[str, str]:
    bad = re.search(r"## Bad\n\n```\n(.*?)```", page, re.S).group(1)
    fixed = re.search(r"## Fixed\n\n```\n(.*?)```", page, re.S).group(1)
    return bad, fixed


@pytest.mark.parametrize("code", CODES, ids=lambda c: c.name)
def test_doc_page_examples_show_and_fix_the_finding(code):
    page = code.doc()
    assert page.startswith(f"# {code.code} {code.name} ({code.severity})")
    for section in ("## What it finds", "## Why it matters to patients", "## Bad", "## Fixed"):
        assert section in page
    bad, fixed = _blocks(page)
    assert code.name in {f.name for f in lint_text(bad)}
    assert code.name not in {f.name for f in lint_text(fixed)}


def test_codes_are_unique_and_looked_up_by_code_or_name():
    assert len({c.code for c in CODES}) == len(CODES) == len({c.name for c in CODES})
    assert [c.code for c in CODES] == [f"CR{i:03d}" for i in range(1, len(CODES) + 1)]
    assert lookup("cr002").name == "gap" and lookup("gap").code == "CR002"
    assert lookup("nothing") is None
    assert {c.severity for c in CODES} <= {"error", "warning", "info"}
    assert "precedence" in lookup("suppression-without-reason").doc().lower()
