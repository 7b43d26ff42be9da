"""`clinrules test`: through click's CliRunner and the installed executable."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from clinrules.cli.main import cli

REPO = Path(__file__).resolve().parents[2]

RULES = """\
ruleset "Imaging" version 1.0.0
  applies when back pain
source 1: "Back pain guideline, 2025"
input back pain: yes/no
input duration: number in weeks from 0 to 520
input fever: yes/no
decision imaging: one of [no imaging, MRI]
rule early care: IF duration < 6 weeks AND NOT fever THEN no imaging BECAUSE "Settles." [1]
rule late: IF duration >= 6 weeks OR fever THEN MRI BECAUSE "Persists." [1]
"""

PASSING = """\
ruleset: ../rulesets/imaging.rules
defaults: {back pain: yes, fever: no}
cases:
  - name: early
    given: {duration: 2 weeks}
    expect: {imaging: no imaging}
  - name: boundary
    given: {duration: 42 days}
    expect: {imaging: MRI}
"""

FAILING = PASSING + """\
  - name: wrong
    given: {duration: 7 weeks}
    expect: {imaging: no imaging}
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "rulesets").mkdir()
    (tmp_path / "rulesets" / "imaging.rules").write_text(RULES)
    (tmp_path / "fixtures").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args):
    return CliRunner().invoke(cli, ["test", *args])


def test_help():
    result = invoke("--help")
    assert result.exit_code == 0
    assert "--format [text|json|junit]" in result.output
    assert "default fixtures/" in result.output


def test_all_pass_exit_0(project):
    (project / "fixtures" / "imaging.yaml").write_text(PASSING)
    result = invoke()
    assert result.exit_code == 0, result.output
    assert "  PASS  early\n  PASS  boundary\n" in result.output
    assert result.output.endswith("2 cases in 1 fixture file: 2 passed, 0 failed\n")


def test_a_failure_exit_1_with_diff_and_trace(project):
    (project / "fixtures" / "imaging.yaml").write_text(FAILING)
    result = invoke("fixtures")
    assert result.exit_code == 1
    assert "  FAIL  wrong  [line 10]\n        imaging: expected no imaging, got MRI\n" in result.output
    assert "rule `late` fired" in result.output
    assert result.output.endswith("3 cases in 1 fixture file: 2 passed, 1 failed\n")


def test_fixture_error_exit_2(project):
    (project / "fixtures" / "imaging.yaml").write_text(PASSING.replace("expect: {imaging: MRI}", "expect: {imagng: MRI}"))
    result = invoke()
    assert result.exit_code == 2
    assert "\nfixtures/imaging.yaml:9:14: error: in case \"boundary\": the ruleset has no decision `imagng`" in result.output
    assert "hint: did you mean `imaging`?" in result.output
    assert "Traceback" not in result.output


def test_missing_path_exit_2(project):
    result = invoke("nowhere")
    assert result.exit_code == 2
    assert "no such file or directory: `nowhere`" in result.output


def test_json_format(project):
    (project / "fixtures" / "imaging.yaml").write_text(FAILING)
    result = invoke("--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert (data["summary"]["passed"], data["summary"]["failed"]) == (2, 1)


def test_junit_to_a_file(project):
    (project / "fixtures" / "imaging.yaml").write_text(FAILING)
    result = invoke("--format", "junit", "-o", "report.xml")
    assert result.exit_code == 1
    assert result.output == "3 cases in 1 fixture file: 2 passed, 1 failed\n"
    root = ET.parse(project / "report.xml").getroot()
    assert (root.get("tests"), root.get("failures")) == ("3", "1")


def test_unwritable_output_exit_2(project):
    (project / "fixtures" / "imaging.yaml").write_text(PASSING)
    result = invoke("-o", "missing-dir/report.txt")
    assert result.exit_code == 2
    assert "cannot write the report" in result.output


def test_bad_format_is_a_usage_error(project):
    result = invoke("--format", "html")
    assert result.exit_code == 2


def test_installed_executable_runs_the_shipped_fixtures():
    exe = shutil.which("clinrules")
    assert exe, "the clinrules console script is not installed"
    done = subprocess.run([exe, "test", "fixtures/"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.rstrip().endswith(" failed")
    assert " 0 failed" in done.stdout.splitlines()[-1]


def test_installed_executable_exit_1(project):
    (project / "fixtures" / "imaging.yaml").write_text(FAILING)
    done = subprocess.run([shutil.which("clinrules"), "test", "--format", "junit"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    ET.fromstring(done.stdout)
