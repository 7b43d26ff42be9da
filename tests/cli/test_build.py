"""`clinrules build`: compile, lint, test and measure; write only when all pass."""

from __future__ import annotations

import json
import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from clinrules.cli.main import cli
from clinrules.compiler import compile_file, dumps

RULES = """\
ruleset "Fever advice" version 1.0.0
source 1: "A guideline, 2025"
input temperature: number in Cel from 30 to 45
decision advice: one of [rest, see doctor]
rule high fever:
  IF temperature > 38 Cel
  THEN see doctor
  BECAUSE "x" [1]
rule no fever:
  IF temperature <= 38 Cel
  THEN rest
  BECAUSE "y" [1]
"""

FIXTURE = """\
ruleset: ../rulesets/fever.rules
cases:
  - {name: hot, given: {temperature: 39 Cel}, expect: {advice: see doctor}}
  - {name: at 38, given: {temperature: 38 Cel}, expect: {advice: rest}}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "rulesets").mkdir()
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "rulesets" / "fever.rules").write_text(RULES, encoding="utf-8")
    (tmp_path / "fixtures" / "fever.yaml").write_text(FIXTURE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def build(*args: str):
    return CliRunner().invoke(cli, ["build", *args])


def test_a_clean_build_writes_compiled_json_report_and_html(project):
    result = build()
    assert result.exit_code == 0, result.output
    out = project / "dist"
    assert (out / "fever.json").read_text() == dumps(compile_file("rulesets/fever.rules"))
    assert (out / "coverage" / "index.html").exists()
    assert (out / "coverage" / "fever.html").exists()
    report = json.loads((out / "report.json").read_text())
    assert report["ok"] is True
    (entry,) = report["rulesets"]
    assert entry["name"] == "fever" and entry["output"] == "fever.json"
    assert entry["compile"] == {"ok": True, "errors": []}
    assert entry["lint"]["errors"] == 0
    assert {k: entry["test"][k] for k in ("cases", "passed", "failed", "errors")} == {
        "cases": 2, "passed": 2, "failed": 0, "errors": 0}
    assert entry["test"]["fixtures"] == ["fixtures/fever.yaml"]
    assert entry["coverage"]["rules"]["percent"] == 100.0
    assert entry["coverage"]["boundaries"]["covered"] == 4  # at and above each of the two
    assert "ok   rulesets/fever.rules" in result.output
    assert "build ok: 1 ruleset(s) written to dist/" in result.output


def test_build_output_is_deterministic(project):
    assert build("--out", "a").exit_code == 0
    assert build("--out", "b").exit_code == 0
    for name in ("fever.json", "report.json", "coverage/index.html", "coverage/fever.html"):
        assert (project / "a" / name).read_bytes() == (project / "b" / name).read_bytes()


def test_a_failing_case_fails_the_build_and_writes_nothing(project):
    (project / "fixtures" / "fever.yaml").write_text(
        FIXTURE.replace("expect: {advice: rest}", "expect: {advice: see doctor}"), encoding="utf-8")
    result = build("--format", "json")
    assert result.exit_code == 1
    assert not (project / "dist").exists()
    data = json.loads(result.output)
    assert data["ok"] is False and data["out"] is None
    (failure,) = data["rulesets"][0]["test"]["failures"]
    assert failure["case"] == "at 38" and failure["status"] == "failed"


def test_an_error_level_lint_finding_fails_the_build(project):
    (project / "rulesets" / "fever.rules").write_text(
        RULES.replace("IF temperature <= 38 Cel", "IF temperature >= 38 Cel"), encoding="utf-8")
    (project / "fixtures" / "fever.yaml").write_text(
        FIXTURE.replace("expect: {advice: rest}", "expect: {advice: rest}").replace(
            "- {name: hot, given: {temperature: 39 Cel}, expect: {advice: see doctor}}",
            "- {name: hot, given: {temperature: 39 Cel}, expect: {advice: conflict}}"),
        encoding="utf-8")
    result = build()
    assert result.exit_code == 1, result.output
    assert "FAIL rulesets/fever.rules: lint 1 error(s)" in result.output
    assert "[CR001]" in result.output
    assert "build failed: nothing written" in result.output
    assert not (project / "dist").exists()


def test_report_findings_are_the_ones_lint_prints(project):
    (project / "rulesets" / "fever.rules").write_text(
        RULES.replace("IF temperature <= 38 Cel", "IF temperature >= 38 Cel"), encoding="utf-8")
    result = build("--format", "json")
    assert result.exit_code == 1, result.output
    findings = json.loads(result.output)["rulesets"][0]["lint"]["findings"]
    linted = CliRunner().invoke(cli, ["lint", "rulesets/fever.rules", "--format", "json"])
    assert linted.exit_code == 1, linted.output
    assert findings == json.loads(linted.output)["findings"]
    conflict = next(f for f in findings if f["name"] == "conflict")
    assert conflict["file"] == "rulesets/fever.rules"
    assert conflict["rules"] == ["high fever", "no fever"]
    number, unit = conflict["witness"]["temperature"].split()
    assert set(conflict["witness"]) == {"temperature"} and unit == "Cel" and Fraction(number) > 38


def test_a_compile_error_fails_the_build(project):
    (project / "rulesets" / "fever.rules").write_text(
        RULES.replace("IF temperature > 38 Cel", "IF temprature > 38 Cel"), encoding="utf-8")
    result = build()
    assert result.exit_code == 1
    assert "FAIL rulesets/fever.rules: 1 compile error(s)" in result.output
    assert "temprature" in result.output


def test_a_previous_build_is_left_alone_when_the_build_fails(project):
    assert build().exit_code == 0
    before = (project / "dist" / "report.json").read_bytes()
    (project / "rulesets" / "fever.rules").write_text("ruleset oops", encoding="utf-8")
    assert build().exit_code == 1
    assert (project / "dist" / "report.json").read_bytes() == before


def test_fail_under(project):
    (project / "fixtures" / "fever.yaml").write_text(
        FIXTURE.replace("38 Cel}, expect: {advice: rest}", "30 Cel}, expect: {advice: rest}"),
        encoding="utf-8")
    result = build("--fail-under", "100")
    assert result.exit_code == 1
    assert "FAIL rulesets/fever.rules: boundaries coverage under --fail-under" in result.output
    # no case leaves the temperature unknown: missing data is 0%
    assert build("--fail-under", "0").exit_code == 0


def test_missing_rulesets_directory_exits_2(project):
    result = build("--rulesets", "nowhere")
    assert result.exit_code == 2
    assert "the rulesets directory `nowhere` does not exist" in result.output


def test_a_broken_fixture_exits_2(project):
    (project / "fixtures" / "bad.yaml").write_text("ruleset: [\n", encoding="utf-8")
    result = build()
    assert result.exit_code == 2
    assert "fixtures/bad.yaml" in result.output
    assert not (project / "dist").exists()


def test_installed_command(project):
    exe = shutil.which("clinrules")
    assert exe
    done = subprocess.run([exe, "build", "--out", "dist"], capture_output=True, text=True,
                          timeout=120, cwd=project)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (project / "dist" / "fever.json").exists()
    assert json.loads((project / "dist" / "report.json").read_text())["ok"] is True


def test_an_unreadable_ruleset_exits_2(project):
    (project / "rulesets" / "binary.rules").write_bytes(b"\x00\x01ruleset")
    result = build()
    assert result.exit_code == 2
    assert "binary.rules` is a binary file, not a rules file" in result.output
    assert not (project / "dist").exists()
