"""The published JSON Schemas of clinrules' machine-readable outputs match
what the commands really print.

Every output is produced by the real command (click's CliRunner) on the
shipped ruleset and fixtures and on small `.rules` snippets chosen to reach
every shape: each decision status, conflicts, undecided with needs, `any of`
lists, lint findings with and without witnesses, failing and erroring cases,
coverage with missing items and suggestions, failed builds and input errors.
A mutated output must be rejected, so the schemas are not vacuous.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from clinrules.cli.main import cli
from clinrules.schemas import load_schema, problems

ROOT = Path(__file__).parents[2]
SHIPPED_RULES = ROOT / "rulesets" / "cervicogenic-upper-back-pain.rules"
SHIPPED_FIXTURES = ROOT / "fixtures" / "cervicogenic-upper-back-pain.yaml"

OUTPUT_SCHEMAS = ("eval-result", "lint-report", "test-report", "coverage-report", "build-report", "diagnostics")

# scope, one-of with a gap and a conflict, any-of, first match with a masked
# rule and an OTHERWISE, a definition, unused pieces, a bare rule.
RULES = """\
ruleset "Imaging" version 1.0.0
  applies when back pain
source 1: "A guideline, 2025"
source 2: "Never cited"
input back pain: yes/no
input duration: number in weeks from 0 to 520
input fever: yes/no
input ESR: number in mm/h from 0 to 200
input unused thing: yes/no
define elevated ESR: ESR > 20 mm/h
decision imaging: one of [no imaging, MRI]
decision labs: any of [ESR test, CRP test, never chosen]
decision plan: one of [rest, refer] first match
rule acute: IF duration < 6 weeks THEN no imaging BECAUSE "acute" [1]
rule persistent: IF duration > 6 weeks THEN MRI BECAUSE "persistent" [1]
rule fever imaging: IF fever THEN MRI BECAUSE "fever" [1]
rule fever labs: IF fever THEN ESR test, CRP test BECAUSE "fever" [1]
rule esr labs: IF elevated ESR THEN CRP test BECAUSE "esr" [1]
rule refer fever: IF fever THEN refer BECAUSE "refer" [1]
rule refer esr fever: IF fever AND elevated ESR THEN rest BECAUSE "masked" [1]
rule otherwise rest: OTHERWISE rest BECAUSE "default" [1]
IF duration > 100 weeks AND fever OR elevated ESR THEN refer
"""

FIXTURE = """\
ruleset: ../rulesets/imaging.rules
defaults: {back pain: yes, fever: no, ESR: 10 mm/h}
cases:
  - {name: acute, given: {duration: 2 weeks}, expect: {imaging: no imaging, labs: [], plan: rest}}
  - {name: wrong on purpose, given: {duration: 7 weeks}, expect: {imaging: no imaging}, fired: [acute], needs: [fever]}
  - {name: bad fact, given: {duration: 2 kg}, expect: {imaging: no imaging}}
  - {name: out of scope, given: {back pain: no}, expect: {imaging: not applicable}}
  - {name: unknown fever, given: {duration: 2 weeks, fever: null}, expect: {imaging: undecided}, needs: [fever]}
"""


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def output(*args: str, exit_code: int) -> dict:
    result = invoke(*args)
    assert result.exit_code == exit_code, (result.stdout, result.stderr)
    return json.loads(result.stdout)


def assert_valid(name: str, data) -> None:
    found = problems(name, data)
    assert found == [], found
    Draft202012Validator(load_schema(name)).validate(data)


def assert_rejected(name: str, data, where: str) -> None:
    found = problems(name, data)
    assert found, f"{name} accepted a mutated document"
    assert any(p.path.startswith(where) for p in found), found


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "rulesets").mkdir()
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "rulesets" / "imaging.rules").write_text(RULES, encoding="utf-8")
    (tmp_path / "fixtures" / "imaging.yaml").write_text(FIXTURE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def facts(project: Path, data: dict) -> str:
    path = project / "facts.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


# --- the schemas themselves ----------------------------------------------------------


@pytest.mark.parametrize("name", OUTPUT_SCHEMAS)
def test_each_schema_is_a_valid_draft_2020_12_schema_with_its_id(name):
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == f"https://clinrules.org/schemas/{name}/1.json"
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize("name", ("lint-report", "test-report", "coverage-report", "build-report"))
def test_embedded_diagnostic_shape_is_the_published_one(name):
    assert load_schema(name)["$defs"]["diagnostic"] == load_schema("diagnostics")["$defs"]["diagnostic"]


def test_test_report_embeds_the_published_eval_result_shape():
    test_defs = load_schema("test-report")["$defs"]
    for key, value in load_schema("eval-result")["$defs"].items():
        assert json.dumps(test_defs["result_" + key]) == json.dumps(value).replace("#/$defs/", "#/$defs/result_")


def test_build_report_findings_are_the_published_lint_finding_shape():
    assert load_schema("build-report")["$defs"]["finding"] == load_schema("lint-report")["$defs"]["finding"]


def test_build_and_coverage_reports_share_the_metric_shapes():
    build, coverage = load_schema("build-report")["$defs"], load_schema("coverage-report")["$defs"]
    for key in coverage:
        if key.startswith(("metric_", "item_")):
            assert build[key] == coverage[key], key


def test_the_docs_list_every_output_schema():
    text = (ROOT / "docs" / "compiled-format.md").read_text(encoding="utf-8")
    section = text.split("## Other published schemas", 1)[1]
    for name in OUTPUT_SCHEMAS:
        assert f"clinrules/schemas/{name}.schema.json" in section


# --- eval ----------------------------------------------------------------------------------

EVAL_CASES = {
    "decided": ({"back pain": True, "duration": "2 weeks", "fever": False, "ESR": "30 mm/h"},
                {"imaging": ("decided", "no imaging"), "labs": ("decided", ["CRP test"])}),
    "any of with two options": ({"back pain": True, "duration": "8 weeks", "fever": True, "ESR": "10 mm/h"},
                                {"imaging": ("decided", "MRI"), "labs": ("decided", ["ESR test", "CRP test"])}),
    "conflict": ({"back pain": True, "duration": "2 weeks", "fever": True, "ESR": "10 mm/h"},
                 {"imaging": ("conflict", None)}),
    "gap: undecided without needs": ({"back pain": True, "duration": "6 weeks", "fever": False, "ESR": "10 mm/h"},
                                     {"imaging": ("undecided", None), "plan": ("decided", "rest")}),
    "undecided with needs": ({"back pain": True, "duration": "2 weeks"}, {"imaging": ("undecided", None),
                                                                           "labs": ("undecided", None)}),
    "not applicable": ({"back pain": False}, {"imaging": ("not applicable", None)}),
    "scope unknown": ({}, {"plan": ("undecided", None)}),
}


@pytest.mark.parametrize("explain", [False, True], ids=["plain", "explain"])
@pytest.mark.parametrize("case", list(EVAL_CASES))
def test_eval_outputs_validate(project, case, explain):
    given, expected = EVAL_CASES[case]
    args = ["eval", "rulesets/imaging.rules", "--facts", facts(project, given), "--format", "json"]
    data = output(*args, *(["--explain"] if explain else []), exit_code=0)
    assert_valid("eval-result", data)
    assert ("trace" in data) is explain
    for decision, (status, value) in expected.items():
        assert (data["decisions"][decision]["status"], data["decisions"][decision]["value"]) == (status, value)


def test_eval_needs_and_conflicting_are_reported_as_the_schema_describes(project):
    conflict = output("eval", "rulesets/imaging.rules", "--facts", facts(project, EVAL_CASES["conflict"][0]),
                      "--format", "json", exit_code=0)
    assert conflict["decisions"]["imaging"]["conflicting"] == ["no imaging", "MRI"]
    undecided = output("eval", "rulesets/imaging.rules", "--facts", facts(project, EVAL_CASES["undecided with needs"][0]),
                       "--format", "json", exit_code=0)
    assert undecided["decisions"]["imaging"]["needs"] == ["fever"]


def test_eval_of_the_shipped_ruleset_validates(project):
    path = facts(project, {"upper back pain": True, "cervicogenic dizziness": True, "duration": "7 weeks", "fever": True})
    data = output("eval", str(SHIPPED_RULES), "--facts", path, "--format", "json", "--explain", exit_code=0)
    assert_valid("eval-result", data)
    assert data["citations"]


def test_eval_schema_rejects_mutations(project):
    data = output("eval", "rulesets/imaging.rules", "--facts", facts(project, EVAL_CASES["conflict"][0]),
                  "--format", "json", "--explain", exit_code=0)
    for mutate, where in [
        (lambda d: d["decisions"]["imaging"].update(status="maybe"), "decisions/imaging"),
        (lambda d: d["decisions"]["imaging"].pop("conflicting"), "decisions/imaging"),
        (lambda d: d["decisions"]["labs"].update(value=None), "decisions/labs"),
        (lambda d: d.update(applicable="yes"), "applicable"),
        (lambda d: d.update(extra=1), ""),
        (lambda d: d["trace"]["acute"][0].update(value=True), "trace/acute/0"),
    ]:
        bad = copy.deepcopy(data)
        mutate(bad)
        assert_rejected("eval-result", bad, where)


# --- diagnostics ---------------------------------------------------------------------------


def test_input_errors_of_every_command_validate_as_diagnostics(project):
    bad = facts(project, {"back pain": "maybe", "duration": "2 kg", "zzz": 1})
    data = output("eval", "rulesets/imaging.rules", "--facts", bad, "--format", "json", exit_code=2)
    assert_valid("diagnostics", data)
    assert [d["code"] for d in data["diagnostics"]] == ["bad-fact-type", "bad-fact-unit", "bad-fact-unknown-input"]
    (project / "broken.rules").write_text('ruleset "B"\ninput x: yes/no\nrule r: IF y THEN z\n', encoding="utf-8")
    compile_error = output("eval", "broken.rules", "--facts", bad, "--format", "json", exit_code=2)
    assert_valid("diagnostics", compile_error)
    assert all(d["line"] == 3 for d in compile_error["diagnostics"])
    assert_valid("diagnostics", output("test", "missing-dir", "--format", "json", exit_code=2))
    assert_valid("diagnostics", output("coverage", "missing-dir", "--format", "json", exit_code=2))


def test_diagnostics_schema_rejects_mutations(project):
    data = output("test", "missing-dir", "--format", "json", exit_code=2)
    for mutate, where in [
        (lambda d: d["diagnostics"][0].pop("code"), "diagnostics/0"),
        (lambda d: d["diagnostics"][0].update(line="3"), "diagnostics/0/line"),
        (lambda d: d["diagnostics"][0].update(severity="fatal"), "diagnostics/0/severity"),
        (lambda d: d.update(findings=[]), ""),
    ]:
        bad = copy.deepcopy(data)
        mutate(bad)
        assert_rejected("diagnostics", bad, where)


# --- lint ----------------------------------------------------------------------------------


def test_lint_report_with_every_kind_of_finding_validates(project):
    data = output("lint", "rulesets/imaging.rules", "--format", "json", exit_code=1)
    assert_valid("lint-report", data)
    by_name = {}
    for finding in data["findings"]:
        by_name.setdefault(finding["name"], finding)
    assert {"conflict", "gap", "masked-rule", "unused-input", "unused-option", "unused-source",
            "unnamed-rule", "mixed-and-or"} <= set(by_name)
    assert by_name["conflict"]["witness"] and by_name["gap"]["witness"]
    assert by_name["unused-input"]["witness"] is None
    assert by_name["masked-rule"]["masked_by"] == ["refer fever"]
    assert "diagnostics" not in data


def test_lint_report_of_the_shipped_ruleset_and_with_unreadable_input_validates(project):
    assert_valid("lint-report", output("lint", str(SHIPPED_RULES), "--format", "json", exit_code=0))
    data = output("lint", "rulesets/imaging.rules", "nowhere.rules", "--format", "json", exit_code=2)
    assert_valid("lint-report", data)
    assert data["diagnostics"][0]["code"] == "unreadable-file"
    assert data["findings"]


def test_lint_schema_rejects_mutations(project):
    data = output("lint", "rulesets/imaging.rules", "--format", "json", exit_code=1)
    gap = next(i for i, f in enumerate(data["findings"]) if f["name"] == "gap")
    unused = next(i for i, f in enumerate(data["findings"]) if f["name"] == "unused-input")
    for mutate, where in [
        (lambda d: d["findings"][gap].pop("region"), f"findings/{gap}"),
        (lambda d: d["findings"][gap].update(code="CR001"), f"findings/{gap}"),
        (lambda d: d["findings"][unused].update(witness={"fever": True}), f"findings/{unused}"),
        (lambda d: d["findings"][unused].update(severity="fatal"), f"findings/{unused}/severity"),
        (lambda d: d.update(diagnostics=[]), "diagnostics"),
    ]:
        bad = copy.deepcopy(data)
        mutate(bad)
        assert_rejected("lint-report", bad, where)


# --- test -----------------------------------------------------------------------------------


def test_test_report_with_passing_failing_and_erroring_cases_validates(project):
    data = output("test", "fixtures", "--format", "json", exit_code=1)
    assert_valid("test-report", data)
    cases = data["files"][0]["cases"]
    assert [c["status"] for c in cases] == ["passed", "failed", "error", "passed", "passed"]
    assert [d["code"] for d in cases[2]["diagnostics"]] == ["bad-fact-unit"]
    assert cases[2]["diagnostics"][0]["message"] in cases[2]["error"]
    assert all(c["diagnostics"] == [] for c in cases if c["status"] != "error")


def test_test_report_with_a_file_that_cannot_be_run_validates(project):
    (project / "fixtures" / "broken.yaml").write_text("ruleset: ../rulesets/nowhere.rules\ncases:\n  - {name: x, expect: {a: b}}\n",
                                                      encoding="utf-8")
    data = output("test", "fixtures", "--format", "json", exit_code=2)
    assert_valid("test-report", data)
    broken = next(f for f in data["files"] if f["error"] is not None)
    assert broken["error"]["diagnostics"][0]["code"] == "fixture-ruleset-missing"


def test_test_report_of_the_shipped_fixtures_validates(project):
    data = output("test", str(SHIPPED_FIXTURES), "--format", "json", exit_code=0)
    assert_valid("test-report", data)
    assert data["summary"]["passed"] == data["summary"]["cases"] > 0


def test_test_report_schema_rejects_mutations(project):
    data = output("test", "fixtures", "--format", "json", exit_code=1)
    for mutate, where in [
        (lambda d: d["files"][0]["cases"][1].update(failures=[]), "files/0/cases/1"),
        (lambda d: d["files"][0]["cases"][2].update(error=None), "files/0/cases/2"),
        (lambda d: d["files"][0]["cases"][2].update(diagnostics=[]), "files/0/cases/2"),
        (lambda d: d["files"][0]["cases"][2].pop("diagnostics"), "files/0/cases/2"),
        (lambda d: d["files"][0]["cases"][2]["diagnostics"][0].pop("code"), "files/0/cases/2/diagnostics/0"),
        (lambda d: d["files"][0]["cases"][1].update(diagnostics=d["files"][0]["cases"][2]["diagnostics"]),
         "files/0/cases/1"),
        (lambda d: d["files"][0]["cases"][0]["result"].pop("citations"), "files/0/cases/0/result"),
        (lambda d: d["summary"].update(exit_code=3), "summary/exit_code"),
        (lambda d: d["files"][0]["cases"][0]["facts"].update(duration=2.5), "files/0/cases/0/facts/duration"),
    ]:
        bad = copy.deepcopy(data)
        mutate(bad)
        assert_rejected("test-report", bad, where)


# --- coverage --------------------------------------------------------------------------------


def test_coverage_report_with_missing_items_and_suggestions_validates(project):
    data = output("coverage", "fixtures", "--format", "json", "--suggest", exit_code=0)
    assert_valid("coverage-report", data)
    (ruleset,) = data["rulesets"]
    for metric in ruleset["metrics"].values():
        assert metric["missing"] or metric["covered"] == metric["total"]
    assert all(ruleset["metrics"][m]["missing"] for m in ("rules", "options", "conditions", "boundaries"))
    assert ruleset["suggestions"]["cases"]


def test_coverage_report_of_one_metric_and_of_the_shipped_fixtures_validates(project):
    data = output("coverage", "fixtures", "--format", "json", "--metric", "boundaries", exit_code=0)
    assert_valid("coverage-report", data)
    assert list(data["rulesets"][0]["metrics"]) == ["boundaries"]
    assert_valid("coverage-report", output("coverage", str(SHIPPED_FIXTURES), "--format", "json", exit_code=0))


SCORE_RULES = """\
ruleset "Score" version 1.0.0
input fever: yes/no
input ESR: number in mm/h from 0 to 200
define risk: score of [fever: 2, ESR > 20 mm/h: 1]
decision plan: one of [rest, refer]
rule high: IF risk >= 2 THEN refer
rule low: IF risk < 2 THEN rest
"""


def test_coverage_report_with_score_boundaries_validates(project):
    (project / "rulesets" / "score.rules").write_text(SCORE_RULES, encoding="utf-8")
    (project / "fixtures" / "score.yaml").write_text(
        "ruleset: ../rulesets/score.rules\ncases:\n  - {name: a, given: {fever: yes, ESR: 5}, expect: {plan: refer}}\n",
        encoding="utf-8")
    data = output("coverage", "fixtures/score.yaml", "--format", "json", "--suggest", exit_code=0)
    assert_valid("coverage-report", data)
    missing = data["rulesets"][0]["metrics"]["boundaries"]["missing"]
    assert {m.get("score") for m in missing} == {None, "risk"}


def test_coverage_report_with_a_fixture_that_cannot_be_run_validates(project):
    (project / "fixtures" / "broken.yaml").write_text("ruleset: ../rulesets/nowhere.rules\ncases:\n  - {name: x, expect: {a: b}}\n",
                                                      encoding="utf-8")
    data = output("coverage", "fixtures", "--format", "json", exit_code=2)
    assert_valid("coverage-report", data)
    assert data["diagnostics"][0]["code"] == "fixture-ruleset-missing"


def test_coverage_schema_rejects_mutations(project):
    data = output("coverage", "fixtures", "--format", "json", "--suggest", exit_code=0)
    metrics = "rulesets/0/metrics"
    for mutate, where in [
        (lambda d: d["rulesets"][0]["metrics"]["rules"]["missing"][0].update(what="option"), metrics + "/rules"),
        (lambda d: d["rulesets"][0]["metrics"]["boundaries"]["missing"][0].update(side="beside"), metrics + "/boundaries"),
        (lambda d: d["rulesets"][0]["metrics"].update(branches={}), metrics),
        (lambda d: d["rulesets"][0]["metrics"]["rules"].update(percent=101), metrics + "/rules/percent"),
        (lambda d: d["rulesets"][0]["suggestions"]["cases"][0].update(review=False), "rulesets/0/suggestions"),
        (lambda d: d["rulesets"][0]["metrics"]["rules"]["missing"][0].update(line=0), metrics + "/rules"),
        (lambda d: d["rulesets"][0]["metrics"]["mcdc"]["missing"][0].update(column=0), metrics + "/mcdc"),
        (lambda d: d["rulesets"][0]["metrics"]["mcdc"]["missing"][0].update(rule_line=0), metrics + "/mcdc"),
    ]:
        bad = copy.deepcopy(data)
        mutate(bad)
        assert_rejected("coverage-report", bad, where)


def test_coverage_items_without_a_place_validate_with_null_line_and_column(project):
    data = output("coverage", "fixtures", "--format", "json", exit_code=0)
    for metric in data["rulesets"][0]["metrics"].values():
        for item in metric["missing"]:
            item.update(line=None, column=None)
            if "rule_line" in item:
                item["rule_line"] = None
    assert_valid("coverage-report", data)


# --- build -----------------------------------------------------------------------------------


@pytest.fixture
def shipped(tmp_path: Path, monkeypatch) -> Path:
    shutil.copytree(ROOT / "rulesets", tmp_path / "rulesets")
    shutil.copytree(ROOT / "fixtures", tmp_path / "fixtures")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_report_json_of_a_passing_build_validates(shipped):
    result = invoke("build", "--out", "dist")
    assert result.exit_code == 0, result.stdout
    report = json.loads((shipped / "dist" / "report.json").read_text(encoding="utf-8"))
    assert_valid("build-report", report)
    assert report["ok"] is True and "out" not in report
    printed = output("build", "--out", "dist2", "--format", "json", exit_code=0)
    assert_valid("build-report", printed)
    assert printed["out"] == "dist2"


def test_failing_builds_print_reports_that_validate(project):
    (project / "rulesets" / "broken.rules").write_text('ruleset "B"\ninput x: yes/no\nrule r: IF y THEN z\n',
                                                       encoding="utf-8")
    data = output("build", "--format", "json", "--fail-under", "100", exit_code=1)
    assert_valid("build-report", data)
    by_name = {r["name"]: r for r in data["rulesets"]}
    assert by_name["broken"]["compile"]["errors"] and by_name["broken"]["coverage"] is None
    assert by_name["imaging"]["lint"]["errors"] > 0
    findings = {f["name"]: f for f in by_name["imaging"]["lint"]["findings"]}
    assert findings["conflict"]["witness"] and findings["conflict"]["rules"]
    assert findings["gap"]["region"] and findings["masked-rule"]["masked_by"] == ["refer fever"]
    assert findings["unused-input"]["file"] == "rulesets/imaging.rules"
    assert {f["status"] for f in by_name["imaging"]["test"]["failures"]} == {"failed", "error"}
    assert data["under_fail_under"] and data["out"] is None
    missing = output("build", "--rulesets", "nowhere", "--format", "json", exit_code=2)
    assert_valid("build-report", missing)
    assert missing["input_errors"][0]["code"] == "build-no-rulesets"


def test_build_report_schema_rejects_mutations(shipped):
    assert invoke("build", "--out", "dist").exit_code == 0
    report = json.loads((shipped / "dist" / "report.json").read_text(encoding="utf-8"))
    for mutate, where in [
        (lambda d: d["rulesets"][0]["coverage"].pop("mcdc"), "rulesets/0/coverage"),
        (lambda d: d["rulesets"][0]["lint"].update(errors=-1), "rulesets/0/lint/errors"),
        (lambda d: d["rulesets"][0].update(source_sha256="abc"), "rulesets/0/source_sha256"),
        (lambda d: d.update(out="dist"), ""),
        (lambda d: d["rulesets"][0]["compile"].update(ok=False), "rulesets/0"),
    ]:
        bad = copy.deepcopy(report)
        mutate(bad)
        assert_rejected("build-report", bad, where)


def test_build_report_schema_rejects_mutated_findings(project):
    data = output("build", "--format", "json", exit_code=1)
    assert [r["name"] for r in data["rulesets"]] == ["imaging"]
    findings = data["rulesets"][0]["lint"]["findings"]
    gap = next(i for i, f in enumerate(findings) if f["name"] == "gap")
    unused = next(i for i, f in enumerate(findings) if f["name"] == "unused-input")
    where = "rulesets/0/lint/findings/"
    for mutate, at in [
        (lambda d: d["rulesets"][0]["lint"]["findings"][gap].pop("witness"), f"{gap}"),
        (lambda d: d["rulesets"][0]["lint"]["findings"][gap].pop("region"), f"{gap}"),
        (lambda d: d["rulesets"][0]["lint"]["findings"][unused].pop("rules"), f"{unused}"),
        (lambda d: d["rulesets"][0]["lint"]["findings"][unused].pop("file"), f"{unused}"),
        (lambda d: d["rulesets"][0]["lint"]["findings"][unused].update(witness={"fever": True}), f"{unused}"),
    ]:
        bad = copy.deepcopy(data)
        mutate(bad)
        assert_rejected("build-report", bad, where + at)


def test_the_installed_executable_prints_outputs_that_validate(project):
    import subprocess

    exe = shutil.which("clinrules")
    assert exe, "the clinrules executable is not installed"
    done = subprocess.run([exe, "eval", "rulesets/imaging.rules", "--facts", facts(project, {"back pain": False}),
                           "--format", "json", "--explain"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert_valid("eval-result", json.loads(done.stdout))
    done = subprocess.run([exe, "lint", "nowhere.rules", "--format", "json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert_valid("lint-report", json.loads(done.stdout))


def test_lint_report_schema_knows_every_lint_code():
    from clinrules.lint import CODES

    finding = load_schema("lint-report")["$defs"]["finding"]
    assert finding["properties"]["code"]["enum"] == [c.code for c in CODES]
    assert finding["properties"]["name"]["enum"] == [c.name for c in CODES]
