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


# --- what fails the build: [tool.clinrules] and the default safety policy -------------------

GAP_RULES = RULES.replace("IF temperature <= 38 Cel", "IF temperature < 38 Cel")
GAP_FIXTURE = FIXTURE.replace("38 Cel}, expect: {advice: rest}", "37 Cel}, expect: {advice: rest}")


def with_gap(project: Path, rules: str = GAP_RULES) -> None:
    """A ruleset with a gap at exactly 38 Cel, and passing cases that avoid it."""
    (project / "rulesets" / "fever.rules").write_text(rules, encoding="utf-8")
    (project / "fixtures" / "fever.yaml").write_text(GAP_FIXTURE, encoding="utf-8")


def test_a_gap_warning_fails_the_build_by_default(project):
    with_gap(project)
    result = build()
    assert result.exit_code == 1, result.output
    assert "FAIL rulesets/fever.rules: lint 0 error(s) 1 warning(s)" in result.output
    assert "fails: lint findings fail the build (1 gap; fail-on = 'safety')" in result.output
    assert "warning: `advice` gets no option for patients with temperature exactly 38 Cel [CR002]" in result.output
    assert "# lint: allow CODE -- reason" in result.output
    assert "build failed: nothing written" in result.output
    assert not (project / "dist").exists()
    data = json.loads(build("--format", "json").output)
    (entry,) = data["rulesets"]
    assert entry["ok"] is False and entry["lint"]["ok"] is False and entry["lint"]["blocking"] == 1
    assert data["policy"] == {"fail_on": "safety", "require_cases": True, "coverage_fail_under": None,
                              "config": None}


def test_a_suppression_with_a_reason_accepts_a_known_gap(project):
    accepted = GAP_RULES.replace("decision advice:", "# lint: allow gap -- 38 Cel is never recorded\ndecision advice:")
    with_gap(project, accepted)
    assert build().exit_code == 0
    without_reason = GAP_RULES.replace("decision advice:", "# lint: allow gap\ndecision advice:")
    with_gap(project, without_reason)
    assert build().exit_code == 1


def test_project_config_lowers_the_gate_to_errors(project):
    with_gap(project)
    (project / "pyproject.toml").write_text('[tool.clinrules]\nfail-on = "error"\n', encoding="utf-8")
    result = build("--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["policy"]["fail_on"] == "error" and data["policy"]["config"].endswith("pyproject.toml")
    assert data["rulesets"][0]["lint"]["warnings"] == 1 and data["rulesets"][0]["lint"]["blocking"] == 0
    # the command line overrides the project
    assert build("--fail-on", "safety").exit_code == 1
    assert build("--fail-on", "warning").exit_code == 1


def test_lint_configuration_of_the_project_applies_to_the_build(project):
    with_gap(project)
    (project / "pyproject.toml").write_text('[tool.clinrules.lint]\ndisable = ["gap"]\n', encoding="utf-8")
    result = build("--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["rulesets"][0]["lint"]["findings"] == []


def test_a_ruleset_without_cases_fails_unless_the_project_allows_it(project):
    (project / "fixtures" / "fever.yaml").unlink()
    result = build()
    assert result.exit_code == 1, result.output
    assert "cases 0/0 passed" in result.output
    assert "fails: no fixture cases exercise it (require-cases = true)" in result.output
    assert "hint: add fixture cases for it" in result.output
    (project / "pyproject.toml").write_text("[tool.clinrules]\nrequire-cases = false\n", encoding="utf-8")
    assert build().exit_code == 0


def test_coverage_fail_under_from_the_project(project):
    (project / "fixtures" / "fever.yaml").write_text(
        FIXTURE.replace("38 Cel}, expect: {advice: rest}", "30 Cel}, expect: {advice: rest}"), encoding="utf-8")
    (project / "pyproject.toml").write_text("[tool.clinrules]\ncoverage-fail-under = 90\n", encoding="utf-8")
    result = build()
    assert result.exit_code == 1
    assert "boundaries coverage under --fail-under" in result.output
    assert build("--fail-under", "0").exit_code == 0  # the command line wins


@pytest.mark.parametrize("table,words", [
    ('fail-on = "everything"', "`fail-on` must be one of 'safety', 'error', 'warning', 'info'"),
    ("fail_on = \"error\"", "unknown setting `fail_on`"),
    ("require-cases = 1", "`require-cases` must be true or false"),
    ("coverage-fail-under = 120", "`coverage-fail-under` must be a percentage from 0 to 100"),
    ('coverage-fail-under = "90"', "`coverage-fail-under` must be a percentage"),
])
def test_bad_build_settings_exit_2(project, table, words):
    (project / "pyproject.toml").write_text(f"[tool.clinrules]\n{table}\n", encoding="utf-8")
    result = build()
    assert result.exit_code == 2
    assert words in result.output and "pyproject.toml" in result.output
    assert not (project / "dist").exists()
    json_result = build("--format", "json")
    assert json_result.exit_code == 2
    data = json.loads(json_result.stdout)
    assert words in data["input_errors"][0]["message"]
    import jsonschema

    from clinrules.schemas import load_schema

    jsonschema.validate(data, load_schema("build-report"))


def test_the_shipped_repository_builds_with_the_default_policy(tmp_path):
    root = Path(__file__).parents[2]
    exe = shutil.which("clinrules")
    done = subprocess.run([exe, "build", "--out", str(tmp_path / "dist")], capture_output=True, text=True,
                          timeout=120, cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "build ok" in done.stdout
