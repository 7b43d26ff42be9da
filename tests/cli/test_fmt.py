"""`clinrules fmt FILE... [--check] [--diff]`: through click's CliRunner and the installed executable."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from clinrules.cli.main import cli

MESSY = """\
RULESET "Imaging"   VERSION 1.0.0
input fever:YES/NO   # from the triage form
decision imaging: one of [no imaging, MRI]
rule fever: if fever then MRI
"""

TIDY = """\
ruleset "Imaging" version 1.0.0

input fever: yes/no  # from the triage form

decision imaging: one of [no imaging, MRI]

rule fever:
  IF fever
  THEN MRI
"""


@pytest.fixture
def files(tmp_path):
    (tmp_path / "messy.rules").write_text(MESSY, encoding="utf-8")
    (tmp_path / "tidy.rules").write_text(TIDY, encoding="utf-8")
    (tmp_path / "syntax.rules").write_text('ruleset "S"\ninput fever yes/no\n', encoding="utf-8")
    (tmp_path / "latin1.rules").write_bytes('ruleset "é"\n'.encode("latin-1"))
    return tmp_path


def run(*args):
    return CliRunner().invoke(cli, ["fmt", *map(str, args)])


def test_help():
    result = run("--help")
    assert result.exit_code == 0
    assert "Usage: cli fmt" in result.output or "Usage:" in result.output
    for option in ("--check", "--diff", "--format"):
        assert option in result.output


def test_rewrites_a_file_that_changes(files):
    result = run(files / "messy.rules")
    assert result.exit_code == 0, result.output
    assert (files / "messy.rules").read_text(encoding="utf-8") == TIDY
    assert f"reformatted {files / 'messy.rules'}\n" in result.stdout
    assert result.stdout.endswith("1 file reformatted, 0 files already formatted\n")


def test_leaves_a_formatted_file_untouched(files):
    path = files / "tidy.rules"
    os.utime(path, (1_000_000_000, 1_000_000_000))
    result = run(path)
    assert result.exit_code == 0
    assert result.stdout == "0 files reformatted, 1 file already formatted\n"
    assert path.stat().st_mtime == 1_000_000_000  # not even rewritten with the same text


def test_check_lists_files_that_would_change_and_writes_nothing(files):
    result = run("--check", files / "messy.rules", files / "tidy.rules")
    assert result.exit_code == 1
    assert f"would reformat {files / 'messy.rules'}\n" in result.stdout
    assert "tidy.rules" not in result.stdout
    assert result.stdout.endswith("1 file would be reformatted, 1 file already formatted\n")
    assert (files / "messy.rules").read_text(encoding="utf-8") == MESSY


def test_check_on_formatted_files_exits_0(files):
    result = run("--check", files / "tidy.rules")
    assert result.exit_code == 0
    assert "would reformat" not in result.stdout


def test_diff_prints_a_unified_diff_and_writes_nothing(files):
    path = files / "messy.rules"
    result = run("--diff", path)
    assert result.exit_code == 1
    assert f"--- {path}\n+++ {path} (formatted)\n" in result.stdout
    assert '\n-RULESET "Imaging"   VERSION 1.0.0\n' in result.stdout
    assert '\n+ruleset "Imaging" version 1.0.0\n' in result.stdout
    assert "+  IF fever\n" in result.stdout
    assert path.read_text(encoding="utf-8") == MESSY


def test_diff_of_a_formatted_file_is_empty(files):
    result = run("--diff", files / "tidy.rules")
    assert result.exit_code == 0
    assert "---" not in result.stdout


def test_a_syntax_error_exits_2_with_the_parsers_diagnostic(files):
    path = files / "syntax.rules"
    result = run(path, files / "messy.rules")
    assert result.exit_code == 2
    assert f"{path}:2:" in result.stderr and "error:" in result.stderr
    assert "^" in result.stderr
    assert path.read_text(encoding="utf-8") == 'ruleset "S"\ninput fever yes/no\n'
    # the good file is still formatted
    assert (files / "messy.rules").read_text(encoding="utf-8") == TIDY
    assert "1 file with errors, not formatted" in result.stdout


def test_unreadable_files_exit_2(files):
    missing = files / "missing.rules"
    result = run(missing, files / "latin1.rules")
    assert result.exit_code == 2
    assert f"{missing}: error: cannot read the rules file: it does not exist" in result.stderr
    assert "is not UTF-8 text (bad byte at line 1)" in result.stderr


def test_json_report(files):
    result = run("--check", "--format", "json", files / "messy.rules", files / "syntax.rules")
    assert result.exit_code == 2
    report = json.loads(result.stdout)
    by_file = {r["file"]: r for r in report["files"]}
    assert by_file[str(files / "messy.rules")]["changed"] is True
    assert by_file[str(files / "syntax.rules")]["ok"] is False
    assert [d["line"] for d in report["diagnostics"]] == [2]


def test_json_with_diff_carries_the_diff(files):
    result = run("--diff", "--format", "json", files / "messy.rules")
    assert result.exit_code == 1
    (diff,) = json.loads(result.stdout)["diffs"]
    assert "+  THEN MRI\n" in diff


def test_crlf_files_keep_their_line_endings(files):
    path = files / "crlf.rules"
    path.write_bytes(MESSY.replace("\n", "\r\n").encode("utf-8"))
    assert run(path).exit_code == 0
    assert path.read_bytes() == TIDY.replace("\n", "\r\n").encode("utf-8")


def test_installed_executable(files):
    exe = shutil.which("clinrules")
    assert exe, "the clinrules console script is not installed on PATH"
    done = subprocess.run([exe, "fmt", "--check", str(files / "messy.rules")], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1
    assert "would reformat" in done.stdout
    done = subprocess.run([exe, "fmt", str(files / "messy.rules")], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert (files / "messy.rules").read_text(encoding="utf-8") == TIDY
