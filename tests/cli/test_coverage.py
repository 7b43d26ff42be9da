"""`clinrules coverage`: tables, JSON, HTML, --fail-under, --metric, --suggest."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from clinrules.cli.main import cli

RULES = """\
ruleset "Fever advice" version 1.0.0
source 1: "A guideline, 2025"
input temperature: number in Cel from 30 to 45
input cough: yes/no
decision advice: one of [rest, see doctor]
rule high fever:
  IF temperature > 38 Cel
  THEN see doctor
  BECAUSE "x" [1]
rule cough care:
  IF cough AND temperature <= 38 Cel
  THEN rest
  BECAUSE "y" [1]
"""

FIXTURE = """\
ruleset: ../rulesets/fever.rules
defaults: {cough: no}
cases:
  - {name: hot, given: {temperature: 39 Cel}, expect: {advice: see doctor}}
  - {name: hotter, given: {temperature: 41 Cel}, expect: {advice: see doctor}}
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "rulesets").mkdir()
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "rulesets" / "fever.rules").write_text(RULES, encoding="utf-8")
    (tmp_path / "fixtures" / "fever.yaml").write_text(FIXTURE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(cli, ["coverage", *args])


def test_text_table_per_ruleset_and_metric(project):
    result = invoke()  # default path: fixtures/
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "rulesets/fever.rules (2 cases)"
    assert lines[1].split() == ["metric", "covered", "total", "percent"]
    assert lines[2].split() == ["rules", "fired", "1", "2", "50.0%"]
    # `> 38 Cel` and `<= 38 Cel`: both tested only above 38
    assert lines[6].split() == ["boundaries", "2", "6", "33.3%"]
    assert "  not covered (rules fired):" in lines
    assert "    rulesets/fever.rules:10:1: rule `cough care` fires" in lines


def test_json_report(project):
    result = invoke("fixtures/fever.yaml", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    (entry,) = data["rulesets"]
    assert entry["ruleset"] == "rulesets/fever.rules"
    rules = entry["metrics"]["rules"]
    assert (rules["covered"], rules["total"], rules["percent"]) == (1, 2, 50.0)
    assert rules["missing"] == [
        {"what": "rule", "text": "cough care", "line": 10, "column": 1, "rule": "cough care"}]


def test_metric_selects_what_is_reported_and_checked(project):
    result = invoke("--format", "json", "--metric", "rules", "--metric", "options")
    data = json.loads(result.output)
    assert set(data["rulesets"][0]["metrics"]) == {"rules", "options"}
    # options: see doctor only, 1 of 2 = 50%
    assert invoke("--metric", "options", "--fail-under", "50").exit_code == 0
    assert invoke("--metric", "options", "--fail-under", "50.1").exit_code == 1


def test_fail_under_checks_every_metric_exactly(project):
    result = invoke("--fail-under", "34")
    assert result.exit_code == 1
    assert "rulesets/fever.rules: boundaries coverage 33.3% is under 34%" in result.output
    assert "rulesets/fever.rules: rules coverage" not in result.output  # 50% is not under
    # 2 of 6 is 33.33..%: under 33.34 but not under 33.33
    assert invoke("--metric", "boundaries", "--fail-under", "33.34").exit_code == 1
    assert invoke("--metric", "boundaries", "--fail-under", "33.33").exit_code == 0
    assert invoke("--fail-under", "0").exit_code == 0


@pytest.mark.parametrize("value", ["abc", "101", "-1"])
def test_bad_fail_under_is_a_usage_error(project, value):
    result = invoke("--fail-under", value)
    assert result.exit_code == 2
    assert "--fail-under" in result.output


def test_missing_path_exits_2(project):
    result = invoke("nowhere.yaml")
    assert result.exit_code == 2
    assert "no such file or directory: `nowhere.yaml`" in result.output


def test_unreadable_fixture_or_ruleset_exits_2(project):
    (project / "fixtures" / "broken.yaml").write_text(
        "ruleset: ../rulesets/missing.rules\ncases:\n  - {name: a, given: {}, expect: {advice: rest}}\n",
        encoding="utf-8")
    result = invoke()
    assert result.exit_code == 2
    assert "missing.rules" in result.output
    # the fixtures that could run are still measured
    assert "rulesets/fever.rules (2 cases)" in result.output


def test_html_report_is_written(project):
    result = invoke("--html", "out/html")
    assert result.exit_code == 0, result.output
    page = (project / "out" / "html" / "fever.html").read_text(encoding="utf-8")
    assert 'class="uncovered" data-line="10"' in page
    assert (project / "out" / "html" / "index.html").exists()


def test_suggest_prints_fixture_yaml_that_raises_coverage(project):
    result = invoke("--metric", "rules", "--suggest")
    assert result.exit_code == 0, result.output
    text = result.output[result.output.index("# Suggested cases"):]
    assert "  # review: added to cover rule `cough care` fires (rules)" in text
    cases = yaml.safe_load(text)["cases"]
    assert [c["expect"]["advice"] for c in cases] == ["rest"]
    fixture = yaml.safe_load(FIXTURE)
    fixture["cases"] += cases
    (project / "fixtures" / "fever.yaml").write_text(yaml.safe_dump(fixture), encoding="utf-8")
    after = json.loads(invoke("--metric", "rules", "--format", "json").output)
    assert after["rulesets"][0]["metrics"]["rules"]["percent"] == 100.0


def test_suggest_json(project):
    result = invoke("--metric", "rules", "--suggest", "--format", "json")
    data = json.loads(result.output)["rulesets"][0]["suggestions"]
    (case,) = data["cases"]
    assert case["metric"] == "rules" and case["item"]["rule"] == "cough care"
    assert case["given"]["cough"] is True and case["expect"] == {"advice": "rest"}
    assert data["not_suggested"] == []


def test_coverage_data_file_is_written(project):
    result = invoke("--coverage-data", "cov.data")
    assert result.exit_code == 0, result.output
    import coverage

    data = coverage.CoverageData(basename=str(project / "cov.data"))
    data.read()
    assert [Path(f).name for f in data.measured_files()] == ["fever.rules"]


def test_installed_command(project):
    exe = shutil.which("clinrules")
    assert exe
    done = subprocess.run([exe, "coverage", "--format", "json", "--fail-under", "100"],
                          capture_output=True, text=True, timeout=120, cwd=project)
    assert done.returncode == 1
    assert json.loads(done.stdout)["rulesets"][0]["metrics"]["rules"]["covered"] == 1
    assert "is under 100%" in done.stderr


def test_help(project):
    result = invoke("--help")
    assert result.exit_code == 0
    for option in ("--html", "--fail-under", "--metric", "--suggest", "--coverage-data", "--format"):
        assert option in result.output
