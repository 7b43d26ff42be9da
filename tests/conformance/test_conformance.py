"""Rulesets and fixtures written from LANGUAGE.md alone, expected results
worked out by hand from the contract: every case must pass, and every ruleset
must compile to a document that validates against the compiled schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from clinrules.compiler import compile_file, dumps
from clinrules.schemas import load_schema
from clinrules.testing import run_paths

HERE = Path(__file__).resolve().parent
RULESETS = sorted((HERE / "rulesets").glob("*.rules"))
FIXTURES = sorted((HERE / "fixtures").glob("*.yaml"))


def test_there_are_conformance_files():
    assert RULESETS and FIXTURES


@pytest.mark.parametrize("path", RULESETS, ids=lambda p: p.name)
def test_ruleset_compiles_and_validates(path):
    doc = compile_file(path)
    jsonschema.validate(json.loads(dumps(doc)), load_schema("compiled-ruleset"))


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_every_case_passes(path):
    session = run_paths([path])
    problems = [
        f"{f.path.name}: {f.error}" if f.error else f"{f.path.name}: {c.name}: {c.error or c.failures}"
        for f in session.files
        for c in (f.cases or [None])
        if f.error or c.status != "passed"
    ]
    assert problems == []
    assert session.total > 0
