"""`clinrules lint`: formats, exit codes, --explain, configuration."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from clinrules.cli.main import cli
from clinrules.compiler import compile_source, dumps

DATA = Path(__file__).parents[1] / "lint" / "data"
EXAMPLE = DATA / "cervicogenic.rules"
SARIF_SCHEMA = Path(__file__).parents[1] / "lint" / "sarif-schema-2.1.0.json"

CONFLICT = '''ruleset "Imaging" version 1.0.0
source 1: "s"
input duration: number in weeks from 0 to 520
input fever: yes/no
decision imaging: one of [no imaging, MRI]
rule a: IF duration < 6 weeks THEN no imaging BECAUSE "x" [1]
rule b: IF fever THEN MRI BECAUSE "y" [1]
'''
CLEAN = '''ruleset "Imaging" version 1.0.0
source 1: "s"
input fever: yes/no
decision imaging: one of [no imaging, MRI]
rule a: IF no fever THEN no imaging BECAUSE "x" [1]
rule b: IF fever THEN MRI BECAUSE "y" [1]
'''


def run(*args):
    return CliRunner().invoke(cli, ["lint", *args])


def test_text_output_shows_place_code_source_line_caret_and_witness(tmp_path):
    path = tmp_path / "example.rules"
    shutil.copy(EXAMPLE, path)
    result = run(str(path))
    assert result.exit_code == 0, result.output  # a gap is a warning
    out = result.output
    assert (f"{path}:19:1: warning[CR002 gap]: `imaging` gets no option for patients with duration "
            "exactly 6 weeks") in out
    assert "    decision imaging: one of [no imaging, MRI cervical spine without contrast]\n    ^\n" in out
    assert "    witness:\n" in out and "      duration                6 weeks\n" in out
    assert out.rstrip().endswith("4 findings (0 errors, 2 warnings, 2 info)")


def test_conflict_exits_1_and_json_has_the_fixed_keys(tmp_path):
    path = tmp_path / "c.rules"
    path.write_text(CONFLICT)
    result = run("--format", "json", str(path))
    assert result.exit_code == 1
    findings = json.loads(result.output)["findings"]
    conflict = next(f for f in findings if f["name"] == "conflict")
    assert {"code", "name", "severity", "message", "file", "line", "column", "rules", "witness"} <= set(conflict)
    assert conflict["code"] == "CR001" and conflict["severity"] == "error"
    assert conflict["rules"] == ["a", "b"] and conflict["line"] == 7 and conflict["column"] == 1
    assert conflict["witness"] == {"duration": "5 weeks", "fever": True}
    assert conflict["file"] == str(path)


def test_clean_file_exits_0(tmp_path):
    path = tmp_path / "ok.rules"
    path.write_text(CLEAN)
    result = run(str(path))
    assert result.exit_code == 0
    assert result.output == "0 findings (0 errors, 0 warnings, 0 info)\n"


def test_directory_and_compiled_json(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "c.rules").write_text(CONFLICT)
    (tmp_path / "ok.rules").write_text(CLEAN)
    result = run("--format", "json", str(tmp_path))
    assert result.exit_code == 1
    files = {f["file"] for f in json.loads(result.output)["findings"]}
    assert files == {str(tmp_path / "sub" / "c.rules")}
    compiled = tmp_path / "c.json"
    compiled.write_text(dumps(compile_source(CONFLICT, "c.rules")))
    (tmp_path / "c.rules").write_text(CONFLICT)
    result = run(str(compiled))
    assert result.exit_code == 1
    assert f"{compiled}:7:1: error[CR001 conflict]" in result.output
    assert "    rule b: IF fever THEN MRI BECAUSE \"y\" [1]\n    ^\n" in result.output


def test_compile_errors_exit_2_with_diagnostics(tmp_path):
    path = tmp_path / "bad.rules"
    path.write_text(CLEAN.replace("IF fever", "IF fevr"))
    result = run(str(path))
    assert result.exit_code == 2
    assert "bad.rules:6:" in result.output and "fevr" in result.output


def _lint_process(*args, cwd):
    exe = shutil.which("clinrules")
    assert exe, "the clinrules executable is not installed"
    return subprocess.run([exe, "lint", *args], capture_output=True, text=True, timeout=120, cwd=cwd)


def test_a_file_that_does_not_compile_prints_only_its_errors(tmp_path):
    (tmp_path / "bad.rules").write_text(CLEAN.replace("IF fever", "IF fevr"))
    done = _lint_process("bad.rules", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout.startswith("bad.rules:6:12: error: `fevr` is not declared; did you mean `fever`?\n")
    assert "findings" not in done.stdout  # no "0 findings" for a file never analysed
    assert done.stderr == ""


def test_errors_and_findings_of_other_files_both_show(tmp_path):
    (tmp_path / "bad.rules").write_text(CLEAN.replace("IF fever", "IF fevr"))
    (tmp_path / "c.rules").write_text(CONFLICT)
    done = _lint_process("bad.rules", "c.rules", cwd=tmp_path)
    assert done.returncode == 2
    assert "bad.rules:6:12: error:" in done.stdout and "c.rules:7:1: error[CR001 conflict]" in done.stdout
    assert done.stdout.rstrip().endswith("2 findings (1 error, 1 warning, 0 info)")


def test_json_and_sarif_carry_compile_errors_as_findings(tmp_path):
    from clinrules.schemas import load_schema

    (tmp_path / "bad.rules").write_text(CLEAN.replace("IF fever", "IF fevr"))
    done = _lint_process("--format", "json", "bad.rules", cwd=tmp_path)
    assert done.returncode == 2
    data = json.loads(done.stdout)
    jsonschema.validate(data, load_schema("lint-report"))
    (finding,) = data["findings"]
    assert finding["name"] == "input-error" and finding["code"] == "undeclared-name"
    assert (finding["file"], finding["line"], finding["column"], finding["severity"]) == ("bad.rules", 6, 12, "error")
    assert finding["rules"] == [] and finding["witness"] is None
    assert data["diagnostics"][0]["code"] == "undeclared-name"
    done = _lint_process("--format", "sarif", "bad.rules", cwd=tmp_path)
    assert done.returncode == 2
    sarif = json.loads(done.stdout)
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(sarif)
    (result,) = sarif["runs"][0]["results"]
    assert result["ruleId"] == "input-error" and result["level"] == "error"
    assert result["properties"]["code"] == "undeclared-name"
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 6, "startColumn": 12}
    assert sarif["runs"][0]["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "input-error"


def test_unreadable_inputs_exit_2(tmp_path):
    result = run(str(tmp_path / "missing.rules"))
    assert result.exit_code == 2 and "it does not exist" in result.output
    bad = tmp_path / "x.json"
    bad.write_text("{not json")
    result = run(str(bad))
    assert result.exit_code == 2 and "the compiled ruleset is not valid JSON" in result.output
    wrong = tmp_path / "y.json"
    wrong.write_text('{"format": "other"}')
    result = run(str(wrong))
    assert result.exit_code == 2 and "not a compiled clinrules ruleset" in result.output
    assert run().exit_code == 2


def test_sarif_is_valid_against_the_official_schema(tmp_path):
    path = tmp_path / "example.rules"
    shutil.copy(EXAMPLE, path)
    (tmp_path / "c.rules").write_text(CONFLICT)
    result = run("--format", "sarif", str(tmp_path))
    assert result.exit_code == 1
    sarif = json.loads(result.output)
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.Draft4Validator(schema).validate(sarif)
    driver = sarif["runs"][0]["tool"]["driver"]
    assert [r["id"] for r in driver["rules"]][:2] == ["CR001", "CR002"]
    assert driver["rules"][1]["helpUri"].endswith("clinrules/lint/docs/gap.md")
    levels = {r["ruleId"]: r["level"] for r in sarif["runs"][0]["results"]}
    assert levels["CR001"] == "error" and levels["CR002"] == "warning" and levels["CR006"] == "note"


def test_explain_prints_the_doc_page():
    result = run("--explain", "CR002")
    assert result.exit_code == 0
    assert result.output.startswith("# CR002 gap (warning)")
    assert run("--explain", "gap").output == result.output
    bad = run("--explain", "CR999")
    assert bad.exit_code == 2 and "unknown lint code `CR999`" in bad.output


def test_project_config_is_found_walking_up(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.clinrules.lint]\nseverity = {conflict = "warning"}\ndisable = ["unused-input"]\n')
    (tmp_path / "rules").mkdir()
    path = tmp_path / "rules" / "c.rules"
    path.write_text(CONFLICT)
    result = run("--format", "json", str(path))
    assert result.exit_code == 0
    findings = json.loads(result.output)["findings"]
    assert [f["severity"] for f in findings if f["name"] == "conflict"] == ["warning"]


def test_bad_project_config_exits_2(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.clinrules.lint]\ndisable = ["no-such-code"]\n')
    path = tmp_path / "c.rules"
    path.write_text(CONFLICT)
    result = run(str(path))
    assert result.exit_code == 2
    assert "`disable` names unknown lint code `no-such-code`" in result.output


def test_output_is_deterministic(tmp_path):
    path = tmp_path / "example.rules"
    shutil.copy(EXAMPLE, path)
    assert run("--format", "json", str(path)).output == run("--format", "json", str(path)).output


def test_installed_executable(tmp_path):
    path = tmp_path / "c.rules"
    path.write_text(CONFLICT)
    exe = shutil.which("clinrules")
    assert exe, "the clinrules console script is installed"
    proc = subprocess.run([exe, "lint", "--format", "json", str(path)], capture_output=True, text=True)
    assert proc.returncode == 1
    names = [f["name"] for f in json.loads(proc.stdout)["findings"]]
    assert names == ["gap", "conflict"]
    help_proc = subprocess.run([exe, "lint", "--help"], capture_output=True, text=True)
    assert help_proc.returncode == 0 and "--explain" in help_proc.stdout
