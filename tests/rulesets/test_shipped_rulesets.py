"""The rulesets shipped in rulesets/ compile, lint clean, and pass their fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinrules.compiler import compile_file
from clinrules.lint import lint
from clinrules.testing import run_paths

REPO = Path(__file__).resolve().parents[2]
RULESETS = sorted((REPO / "rulesets").glob("*.rules"))


def test_there_are_shipped_rulesets():
    assert RULESETS


@pytest.mark.parametrize("path", RULESETS, ids=lambda p: p.name)
def test_ruleset_compiles_and_lints_clean(path):
    doc = compile_file(path)
    findings = lint(doc)
    assert [f for f in findings] == []


@pytest.mark.parametrize("path", RULESETS, ids=lambda p: p.name)
def test_ruleset_is_in_canonical_layout(path):
    from clinrules.dsl.format import format_source

    text = path.read_text("utf-8")
    assert format_source(text, str(path)) == text, f"run `clinrules fmt {path.name}`"


@pytest.fixture(scope="module")
def session():
    return run_paths([REPO / "fixtures"])


def test_every_fixture_case_passes(session):
    problems = [
        f"{f.path.name}: {f.error}" if f.error else f"{f.path.name}: {c.name}: {c.error or c.failures}"
        for f in session.files
        for c in (f.cases or [None])
        if f.error or c.status != "passed"
    ]
    assert problems == []
    assert session.exit_code == 0
    assert session.total > 0


def test_every_ruleset_has_fixtures(session):
    tested = {f.ruleset_path.resolve() for f in session.files}
    assert [p.name for p in RULESETS if p.resolve() not in tested] == []


def test_cervicogenic_ruleset_carries_its_sources_and_codes():
    doc = compile_file(REPO / "rulesets" / "cervicogenic-upper-back-pain.rules")
    assert [s["number"] for s in doc["sources"]] == [1, 2, 3, 4, 5, 6, 7]
    assert doc["scope"]["text"] == "upper back pain AND cervicogenic dizziness"
    (imaging,) = [d for d in doc["decisions"] if d["name"] == "imaging"]
    mri = {o["name"]: o for o in imaging["options"]}["MRI cervical spine without contrast"]
    assert mri["codes"] == [{"system": "CPT", "code": "72141"}]
    assert all(r["because"] and r["because"]["citations"] for r in doc["rules"])
