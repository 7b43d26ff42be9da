"""`clinrules check FILE...`: through click's CliRunner and the installed executable."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from clinrules.cli.main import cli

GOOD = """\
ruleset "Imaging" version 1.0.0
source 1: "Back pain guideline, 2025"
input duration: number in weeks from 0 to 520
input fever: yes/no
decision imaging: one of [no imaging, MRI]
rule early care: IF duration < 6 weeks AND NOT fever THEN no imaging BECAUSE "Settles." [1]
rule late: IF duration >= 6 weeks OR fever THEN MRI BECAUSE "Persists." [1]
"""

BAD = """\
ruleset "Imaging"
input duration: number in weeks
input fever: yes/no
decision imaging: one of [no imaging, MRI]
rule early: IF duration < 6 AND NOT fevr THEN no imaging
rule late: IF duration > 6 weeks THEN MRI BECAUSE "Persists." [2]
"""


@pytest.fixture
def files(tmp_path):
    (tmp_path / "good.rules").write_text(GOOD, encoding="utf-8")
    (tmp_path / "bad.rules").write_text(BAD, encoding="utf-8")
    (tmp_path / "syntax.rules").write_text('ruleset "S"\ninput fever yes/no\n', encoding="utf-8")
    (tmp_path / "binary.rules").write_bytes(b"\x00\x01\x02")
    (tmp_path / "latin1.rules").write_bytes('ruleset "é"\n'.encode("latin-1"))
    return tmp_path


def run(*args):
    return CliRunner().invoke(cli, ["check", *map(str, args)])


def test_clean_file_exits_0(files):
    result = run(files / "good.rules")
    assert result.exit_code == 0, result.output
    assert result.output == "ok: 1 file checked, no errors\n"


def test_errors_are_rendered_with_line_caret_and_hint(files):
    result = run(files / "bad.rules")
    assert result.exit_code == 1
    path = files / "bad.rules"
    assert f"{path}:5:27: error: `6` has no unit, but `duration` is measured in weeks" in result.output
    assert f"{path}:5:37: error: `fevr` is not declared; did you mean `fever`?" in result.output
    assert f"{path}:6:64: error: source 2 is not declared" in result.output
    assert "    rule early: IF duration < 6 AND NOT fevr THEN no imaging\n" in result.output
    assert "\n    " + " " * 36 + "^^^^\n" in result.output
    assert "  hint: write `6 weeks`" in result.output
    assert result.output.endswith("3 errors in 1 of 1 file\n")
    # sorted by position
    lines = [line for line in result.output.splitlines() if ": error: " in line]
    assert [line.split(":")[1:3] for line in lines] == [["5", "27"], ["5", "37"], ["6", "64"]]


def test_several_files_one_bad(files):
    result = run(files / "good.rules", files / "bad.rules")
    assert result.exit_code == 1
    assert result.output.endswith("3 errors in 1 of 2 files\n")


def test_syntax_error_is_reported_like_the_others(files):
    result = run(files / "syntax.rules")
    assert result.exit_code == 1
    assert f"{files / 'syntax.rules'}:2:" in result.output
    assert ": error: " in result.output


def test_json_format(files):
    result = run("--format", "json", files / "good.rules", files / "bad.rules")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["files"] == [
        {"file": str(files / "good.rules"), "ok": True, "errors": 0},
        {"file": str(files / "bad.rules"), "ok": False, "errors": 3},
    ]
    first = data["diagnostics"][0]
    assert {k: first[k] for k in ("code", "line", "column", "severity", "file")} == {
        "code": "missing-unit", "line": 5, "column": 27, "severity": "error", "file": str(files / "bad.rules")}
    assert data["diagnostics"][1]["message"] == "`fevr` is not declared; did you mean `fever`?"
    assert data["diagnostics"][1]["hint"]


def test_json_format_clean(files):
    result = run("--format", "json", files / "good.rules")
    assert result.exit_code == 0
    assert json.loads(result.output)["diagnostics"] == []


@pytest.mark.parametrize("name, message", [
    ("binary.rules", "is a binary file, not a rules file"),
    ("latin1.rules", "is not UTF-8 text"),
])
def test_unreadable_files_exit_2_without_traceback(files, name, message):
    result = run(files / name)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_missing_file_is_a_usage_error(files):
    result = run(files / "nope.rules")
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_no_file_and_bad_option_are_usage_errors(files):
    assert run().exit_code == 2
    result = run("--format", "xml", files / "good.rules")
    assert result.exit_code == 2
    assert "'xml' is not one of" in result.output


def test_help():
    result = run("--help")
    assert result.exit_code == 0
    assert "Usage: cli check [OPTIONS] FILES..." in result.output or "check [OPTIONS] FILES..." in result.output
    assert "--format" in result.output


def test_installed_executable(files):
    exe = shutil.which("clinrules")
    assert exe, "the clinrules console script is not installed on PATH"
    done = subprocess.run([exe, "check", str(files / "bad.rules")], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "did you mean `fever`?" in done.stdout
    assert "Traceback" not in done.stderr
    clean = subprocess.run([exe, "check", "--format", "json", str(files / "good.rules")],
                           capture_output=True, text=True, timeout=120)
    assert clean.returncode == 0
    assert json.loads(clean.stdout)["files"][0]["ok"] is True
