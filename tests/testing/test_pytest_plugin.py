"""The pytest plugin, run as users run it: `pytest fixtures/` in a subprocess
(the plugin is registered through the installed `pytest11` entry point)."""

from __future__ import annotations

import subprocess
import sys
from importlib import metadata
from pathlib import Path

FIXTURE = """\
ruleset: ../rulesets/imaging.rules
defaults: {back pain: yes, fever: no, ESR: 10 mm/h, side: right}
cases:
  - name: early care
    given: {duration: 2 weeks}
    expect: {imaging: no imaging}
  - name: wrong expectation
    given: {duration: 7 weeks}
    expect: {imaging: no imaging}
"""


def run_pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_plugin_is_registered_as_pytest11_entry_point():
    points = metadata.entry_points(group="pytest11")
    assert any(p.name == "clinrules" and p.value == "clinrules.testing.pytest_plugin" for p in points)


def test_plugin_import_is_cheap():
    out = subprocess.run(
        [sys.executable, "-c", "import sys, clinrules.testing.pytest_plugin; "
         "print(sorted(m for m in sys.modules if m.startswith(('clinrules.', 'yaml', 'jsonschema', 'lark'))))"],
        capture_output=True, text=True, check=True,
    )
    assert out.stdout.strip() == "['clinrules.testing', 'clinrules.testing.pytest_plugin']"


def test_pytest_collects_each_case_and_reports_failures(project, fixture_file):
    fixture_file(FIXTURE, "imaging.yaml")
    fixture_file("name: a CI workflow\non: push\n", "workflow.yaml")
    fixture_file('{"cases_note": "no cases key"}', "data.json")
    fixture_file("cases: [{input: 1, output: 2}]\n", "other-tool.yaml")  # no `ruleset`: not ours
    result = run_pytest(project, "fixtures")
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert "1 failed, 1 passed" in out
    assert "PASSED fixtures/imaging.yaml::early care" in out
    assert "FAILED fixtures/imaging.yaml::wrong expectation" in out
    assert 'case "wrong expectation"' in out
    assert "imaging: expected no imaging, got MRI" in out
    assert "rule `persistent pain` fired" in out  # the trace
    assert "_ case: wrong expectation _" in out  # reportinfo names the case
    assert "workflow.yaml" not in out and "data.json" not in out and "other-tool" not in out


def test_pytest_passes_a_clean_fixture(project, fixture_file):
    fixture_file(FIXTURE.split("  - name: wrong")[0])
    result = run_pytest(project, "fixtures")
    assert result.returncode == 0, result.stdout
    assert "1 passed" in result.stdout


def test_pytest_reports_a_broken_fixture_as_a_collection_error(project, fixture_file):
    fixture_file("ruleset: ../rulesets/imaging.rules\ncases:\n  - {name: a, expect: {imagin: MRI}}\n")
    result = run_pytest(project, "fixtures")
    assert result.returncode != 0
    assert "ERROR fixtures/imaging.yaml" in result.stdout
    assert "the ruleset has no decision `imagin`" in result.stdout
    assert "did you mean `imaging`?" in result.stdout
    assert "Traceback" not in result.stdout
