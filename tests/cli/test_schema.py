"""`clinrules schema`: the facts JSON Schema of a ruleset."""

import json
import shutil
import subprocess

import jsonschema
from click.testing import CliRunner

from clinrules.cli.main import cli

RULES = 'ruleset "t"\ninput fever: yes/no\ninput side: one of [left, right]\ndecision d: one of [x]\nrule r: IF fever THEN x\n'


def test_prints_a_valid_schema(tmp_path):
    path = tmp_path / "t.rules"
    path.write_text(RULES, encoding="utf-8")
    result = CliRunner().invoke(cli, ["schema", str(path)])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.output)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert sorted(schema["properties"]) == ["fever", "side"]
    assert {"type": "string", "enum": ["left", "right"]} in schema["properties"]["side"]["anyOf"]


def test_bad_ruleset_exits_2(tmp_path):
    path = tmp_path / "t.rules"
    path.write_text(RULES + "rule q: IF nothing THEN x\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["schema", str(path)])
    assert result.exit_code == 2
    assert "nothing" in result.output
    assert CliRunner().invoke(cli, ["schema", str(tmp_path / "missing.json")]).exit_code == 2


def test_installed_executable(tmp_path):
    path = tmp_path / "t.rules"
    path.write_text(RULES, encoding="utf-8")
    done = subprocess.run([shutil.which("clinrules"), "schema", str(path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["additionalProperties"] is False
