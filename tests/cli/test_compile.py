"""`clinrules compile FILE... [-o OUT]`: through click's CliRunner and the installed executable."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from clinrules.cli.main import cli
from clinrules.compiler import compile_source, dumps
from clinrules.schemas import validator

GOOD = """\
ruleset "Imaging" version 1.0.0
source 1: "Back pain guideline, 2025"
input duration: number in weeks from 0 to 520
input fever: yes/no
decision imaging: one of [no imaging, MRI]
rule early care: IF duration < 42 days AND NOT fever THEN no imaging BECAUSE "Settles." [1]
rule late: IF duration >= 6 weeks OR fever THEN MRI BECAUSE "Persists." [1]
"""
OTHER = 'ruleset "Other"\ninput fever: yes/no\ndecision d: any of [rest]\nrule r: IF fever THEN rest\n'
BAD = 'ruleset "Bad"\ninput fever: yes/no\ndecision d: one of [x]\nrule r: IF fevr THEN x\n'


@pytest.fixture
def files(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "imaging.rules").write_text(GOOD, encoding="utf-8")
    (src / "other.rules").write_text(OTHER, encoding="utf-8")
    (src / "bad.rules").write_text(BAD, encoding="utf-8")
    (src / "binary.rules").write_bytes(b"\x00\xff")
    return src


def run(*args):
    return CliRunner().invoke(cli, ["compile", *map(str, args)])


def test_compile_writes_name_json_into_out(files, tmp_path):
    out = tmp_path / "out" / "nested"
    result = run(files / "imaging.rules", files / "other.rules", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == f"wrote {out / 'imaging.json'}\nwrote {out / 'other.json'}\n"
    text = (out / "imaging.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    assert list(validator("compiled-ruleset").iter_errors(doc)) == []
    assert text == dumps(doc)
    assert doc["title"] == "Imaging"
    assert doc["source_file"] == "imaging.rules"
    assert doc["source_sha256"] == hashlib.sha256(GOOD.encode("utf-8")).hexdigest()
    assert doc["rules"][0]["condition"]["args"][0]["value"] == "6"
    assert json.loads((out / "other.json").read_text(encoding="utf-8"))["title"] == "Other"


def test_output_equals_the_library_and_is_byte_stable(files, tmp_path):
    for target in ("a", "b"):
        assert run(files / "imaging.rules", "-o", tmp_path / target).exit_code == 0
    first = (tmp_path / "a" / "imaging.json").read_bytes()
    assert first == (tmp_path / "b" / "imaging.json").read_bytes()
    assert first.decode("utf-8") == dumps(compile_source(GOOD, "imaging.rules"))


def test_dash_writes_to_stdout(files):
    result = run(files / "imaging.rules", "-o", "-")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"] == "Imaging"
    assert result.stdout == dumps(compile_source(GOOD, "imaging.rules"))


def test_dash_takes_exactly_one_file(files):
    result = run(files / "imaging.rules", files / "other.rules", "-o", "-")
    assert result.exit_code == 2
    assert "exactly one file" in result.stderr


def test_errors_are_reported_and_nothing_is_written(files, tmp_path):
    out = tmp_path / "out"
    result = run(files / "bad.rules", files / "imaging.rules", "-o", out)
    assert result.exit_code == 1
    assert f"{files / 'bad.rules'}:4:12: error: `fevr` is not declared; did you mean `fever`?" in result.stdout
    assert not (out / "bad.json").exists()
    assert (out / "imaging.json").exists()


def test_errors_with_dash_go_to_stderr(files):
    result = run(files / "bad.rules", "-o", "-")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "did you mean `fever`?" in result.stderr


def test_json_report(files, tmp_path):
    out = tmp_path / "out"
    result = run("--format", "json", files / "bad.rules", files / "imaging.rules", "-o", out)
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["written"] == [str(out / "imaging.json")]
    assert [(d["code"], d["line"], d["column"]) for d in report["diagnostics"]] == [("undeclared-name", 4, 12)]


def test_unreadable_file_exits_2(files, tmp_path):
    result = run(files / "binary.rules", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "is a binary file" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_missing_file_and_bad_option_are_usage_errors(files, tmp_path):
    assert run(files / "nope.rules").exit_code == 2
    assert run("--format", "yaml", files / "imaging.rules").exit_code == 2
    assert run().exit_code == 2


def test_out_that_is_a_file_is_a_usage_error(files, tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("x")
    result = run(files / "imaging.rules", "-o", blocker)
    assert result.exit_code == 2
    assert "is not a directory" in result.stderr


def test_two_files_with_one_output_name_is_a_usage_error(files, tmp_path):
    twin = tmp_path / "twin"
    twin.mkdir()
    (twin / "imaging.rules").write_text(GOOD, encoding="utf-8")
    result = run(files / "imaging.rules", twin / "imaging.rules", "-o", tmp_path / "out")
    assert result.exit_code == 2
    assert "would both be written" in result.stderr


def test_help():
    result = run("--help")
    assert result.exit_code == 0
    assert "-o, --output" in result.stdout and "--format" in result.stdout


def test_installed_executable(files, tmp_path):
    exe = shutil.which("clinrules")
    assert exe, "the clinrules console script is not installed on PATH"
    out = tmp_path / "installed"
    done = subprocess.run([exe, "compile", str(files / "imaging.rules"), "-o", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (out / "imaging.json").read_text(encoding="utf-8") == dumps(compile_source(GOOD, "imaging.rules"))
    piped = subprocess.run([exe, "compile", str(files / "bad.rules"), "-o", "-"],
                           capture_output=True, text=True, timeout=120)
    assert piped.returncode == 1
    assert piped.stdout == ""
    assert "did you mean `fever`?" in piped.stderr
