"""`clinrules eval`: text and JSON results, explain, stdin, and clear errors (exit 2)."""

import json
import shutil
import subprocess

import pytest
from click.testing import CliRunner

from clinrules.cli.main import cli
from clinrules.compiler import compile_source, dumps

RULES = """\
ruleset "Imaging" version 1.0.0
source 1: "Guideline, 2025"
input duration: number in weeks from 0 to 520
input fever: yes/no
decision imaging: one of [no imaging, MRI]
rule early: IF duration < 6 weeks AND NOT fever THEN no imaging BECAUSE "acute" [1]
rule late: IF duration >= 6 weeks OR fever THEN MRI
"""


@pytest.fixture
def files(tmp_path):
    rules = tmp_path / "imaging.rules"
    rules.write_text(RULES, encoding="utf-8")
    compiled = tmp_path / "imaging.json"
    compiled.write_text(dumps(compile_source(RULES, "imaging.rules")), encoding="utf-8")
    facts = tmp_path / "patient.json"
    facts.write_text(json.dumps({"duration": "41 days", "fever": "no"}), encoding="utf-8")
    return rules, compiled, facts, tmp_path


def run(*args, stdin=None):
    return CliRunner().invoke(cli, ["eval", *map(str, args)], input=stdin)


def test_json_result_from_rules_and_from_compiled_json(files):
    rules, compiled, facts, _ = files
    for ruleset in (rules, compiled):
        result = run(ruleset, "--facts", facts, "--format", "json")
        assert result.exit_code == 0, result.output
        out = json.loads(result.output)
        assert out["decisions"]["imaging"] == {"status": "decided", "value": "no imaging", "fired": ["early"], "needs": []}
        assert out["citations"] == [{"number": 1, "citation": "Guideline, 2025"}]
        assert "trace" not in out


def test_text_explain(files):
    rules, _, facts, _ = files
    result = run(rules, "--facts", facts, "--explain")
    assert result.exit_code == 0
    assert "imaging: no imaging" in result.output
    assert "why: duration 41 days < 6 weeks: yes; NOT fever: yes (fever no)" in result.output


def test_facts_from_stdin(files):
    rules, _, _, _ = files
    result = run(rules, "--facts", "-", "--format", "json", stdin='{"duration": 2}')
    assert result.exit_code == 0
    assert json.loads(result.output)["decisions"]["imaging"] == {
        "status": "undecided", "value": None, "fired": [], "needs": ["fever"]
    }


def test_bad_facts_exit_2_and_list_every_problem(files):
    rules, _, _, tmp = files
    bad = tmp / "bad.json"
    bad.write_text('{"duraton": 3, "fever": "perhaps"}', encoding="utf-8")
    result = run(rules, "--facts", bad)
    assert result.exit_code == 2
    assert "`duraton` is not an input of this ruleset" in result.output
    assert "hint: did you mean `duration`?" in result.output
    assert "`fever` is yes/no: expected yes or no, got `perhaps`" in result.output
    result = run(rules, "--facts", bad, "--format", "json")
    assert result.exit_code == 2
    assert sorted(d["code"] for d in json.loads(result.output)["diagnostics"]) == [
        "bad-fact-type", "bad-fact-unknown-input"
    ]


@pytest.mark.parametrize(
    "content,message",
    [("{nope", "the facts file is not valid JSON"), ("[1, 2]", "the facts must be a JSON object")],
)
def test_unreadable_facts(files, content, message):
    rules, _, _, tmp = files
    bad = tmp / "bad.json"
    bad.write_text(content, encoding="utf-8")
    result = run(rules, "--facts", bad)
    assert result.exit_code == 2
    assert message in result.output


def test_missing_files_exit_2(files):
    rules, _, facts, tmp = files
    assert run(tmp / "nope.json", "--facts", facts).exit_code == 2
    result = run(rules, "--facts", tmp / "nope.json")
    assert result.exit_code == 2
    assert "cannot read the facts" in result.output


def test_rules_with_errors_exit_2(files):
    _, _, facts, tmp = files
    broken = tmp / "broken.rules"
    broken.write_text(RULES + "rule bad: IF temperature > 3 THEN MRI\n", encoding="utf-8")
    result = run(broken, "--facts", facts)
    assert result.exit_code == 2
    assert "temperature" in result.output
    assert "Traceback" not in result.output


def test_installed_executable(files):
    rules, _, facts, _ = files
    exe = shutil.which("clinrules")
    assert exe
    done = subprocess.run([exe, "eval", str(rules), "--facts", str(facts), "--format", "json"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["decisions"]["imaging"]["value"] == "no imaging"
    done = subprocess.run([exe, "eval", str(rules), "--facts", "-"], input='{"fever": 7}', capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "`fever` is yes/no" in done.stderr
