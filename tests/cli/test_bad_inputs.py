"""Every command on bad input: a clear message naming the place, exit 2 (or 1
for findings), never a traceback; and the same input twice gives the same bytes.

The inputs are the ones editors, QA engineers and downstream apps really
produce: empty, binary and non-UTF-8 files, folders where files belong,
missing files, conditions nested thousands of levels deep, numbers with
thousands of digits or absurd exponents, YAML that is a list, JSON with the
wrong types, facts with NaN, Infinity, 1e400 or a yes for a number.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.dom.minidom

import pytest
from click.testing import CliRunner

from clinrules.cli.main import cli

SMALL = """\
ruleset "Small" version 1.0.0
source 1: "Guideline, 2025"
input fever: yes/no
input age: number in years from 0 to 120
decision test: one of [do it, skip it]
rule old with fever: IF fever AND age > 50 years THEN do it BECAUSE "x" [1]
rule otherwise skip: OTHERWISE skip it BECAUSE "y" [1]
"""

FIXTURE = """\
ruleset: ../rulesets/small.rules
cases:
  - name: old with fever
    given: {fever: yes, age: 60 years}
    expect: {test: do it}
  - name: young with fever
    given: {fever: yes, age: 20 years}
    expect: {test: skip it}
"""


def _nested(depth: int, open_: str = "(", close: str = ")") -> str:
    return (
        'ruleset "Deep"\ninput a: yes/no\ndecision d: one of [p, q]\n'
        f"rule r: IF {open_ * depth}a{close * depth} THEN p\nrule s: IF NOT a THEN q\n"
    )


def _definition_chain(n: int, reverse: bool = False) -> str:
    if reverse:  # each definition uses the next one, declared later
        defs = "".join(f"define d{i}: d{i + 1}\n" for i in range(n)) + f"define d{n}: a\n"
        top = "d0"
    else:
        defs = "define d0: a\n" + "".join(f"define d{i}: d{i - 1}\n" for i in range(1, n))
        top = f"d{n - 1}"
    return (f'ruleset "Chain"\ninput a: yes/no\n{defs}decision d: one of [p, q]\n'
            f"rule r: IF {top} THEN p\nrule s: IF NOT {top} THEN q\n")


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / "rulesets").mkdir()
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "rulesets" / "small.rules").write_text(SMALL, encoding="utf-8")
    (tmp_path / "fixtures" / "small.yaml").write_text(FIXTURE, encoding="utf-8")
    (tmp_path / "folder").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args, stdin: str | None = None):
    result = CliRunner().invoke(cli, [str(a) for a in args], input=stdin)
    # An uncaught exception in a command is a traceback for the user.
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), (
        f"{args}: {type(result.exception).__name__}: {result.exception}"
    )
    assert "Traceback" not in result.output
    return result


# --- bad .rules files, for every command that reads one ----------------------------------

BAD_RULES = {
    "empty": (b"", "is empty"),
    "binary": (b"\x00\x01\x02\xff binary", "is a binary file"),
    "latin-1": ('ruleset "café"\n'.encode("latin-1"), "is not UTF-8 text"),
    "deep parentheses": (_nested(5000).encode(), "nested more than 100 levels deep"),
    "deep NOT": (('ruleset "x"\ninput a: yes/no\ndecision d: one of [p, q]\nrule r: IF '
                  + "NOT " * 3000 + "a THEN p\n").encode(), "nested more than 100 levels deep"),
    "deep any of": (_nested(800, "any of [", "]").encode(), "nested more than 100 levels deep"),
    "definition chain": (_definition_chain(600).encode(), "`d100` is nested 101 levels deep"),
    "definition chain declared backwards": (_definition_chain(1500, reverse=True).encode(),
                                            "is nested 101 levels deep"),
    "number with 5000 digits": (('ruleset "x"\ninput a: number from 0 to 1' + "0" * 5000 + "\n").encode(),
                                "too long to be a number (5001 digits)"),
    "points with 5000 digits": (('ruleset "x"\ninput a: yes/no\ndefine s: score of [a: 1' + "0" * 5000
                                 + "]\n").encode(), "too long to be a number of points"),
}

RULES_COMMANDS = {
    "check": lambda p: ["check", p],
    "check json": lambda p: ["check", "--format", "json", p],
    "compile": lambda p: ["compile", "-o", "out", p],
    "compile json": lambda p: ["compile", "--format", "json", "-o", "-", p],
    "lint": lambda p: ["lint", p],
    "lint json": lambda p: ["lint", "--format", "json", p],
    "lint sarif": lambda p: ["lint", "--format", "sarif", p],
    "schema": lambda p: ["schema", p],
    "eval": lambda p: ["eval", p, "--facts", "facts.json"],
    "eval json": lambda p: ["eval", p, "--facts", "facts.json", "--format", "json"],
}


@pytest.mark.parametrize("command", sorted(RULES_COMMANDS))
@pytest.mark.parametrize("case", sorted(BAD_RULES))
def test_bad_rules_file(project, command, case):
    content, words = BAD_RULES[case]
    (project / "bad.rules").write_bytes(content)
    (project / "facts.json").write_text('{"a": true}')
    result = invoke(*RULES_COMMANDS[command]("bad.rules"))
    assert result.exit_code in (1, 2), result.output
    assert "bad.rules" in result.output
    assert words in result.output
    if command.endswith("json") and not command.startswith(("compile", "lint")):
        json.loads(result.stdout)


def test_deep_conditions_point_at_the_first_level_too_many(project):
    (project / "deep.rules").write_text(_nested(300))
    result = invoke("check", "--format", "json", "deep.rules")
    (diag,) = json.loads(result.stdout)["diagnostics"]
    assert diag["code"] == "nested-too-deeply"
    assert (diag["line"], diag["column"]) == (4, len("rule r: IF ") + 101)


def test_conditions_at_the_limit_still_compile_lint_and_evaluate(project):
    (project / "ok.rules").write_text(_nested(100))
    (project / "chain.rules").write_text(_definition_chain(98))  # `NOT d97` adds two levels
    (project / "facts.json").write_text('{"a": true}')
    for name in ("ok.rules", "chain.rules"):
        assert invoke("check", name).exit_code == 0
        assert invoke("lint", name).exit_code in (0, 1)
        result = invoke("eval", name, "--facts", "facts.json", "--format", "json")
        assert result.exit_code == 0
        assert json.loads(result.stdout)["decisions"]["d"]["value"] == "p"


@pytest.mark.parametrize("command", ["check", "compile", "lint", "schema", "eval"])
@pytest.mark.parametrize("target,words", [("missing.rules", "does not exist"), ("folder", "is a folder")])
def test_missing_file_or_folder_where_a_ruleset_belongs(project, command, target, words):
    (project / "facts.json").write_text("{}")
    args = {"check": ["check", target], "compile": ["compile", "-o", "out", target], "lint": ["lint", target],
            "schema": ["schema", target], "eval": ["eval", target, "--facts", "facts.json"]}[command]
    if command == "lint" and target == "folder":
        words = "no .rules files under `folder`"
    result = invoke(*args)
    assert result.exit_code == 2
    assert target in result.output and words in result.output.replace("'", "`")


@pytest.mark.parametrize("command", ["check", "compile"])
def test_missing_file_is_still_a_json_report(project, command):
    args = ["check"] if command == "check" else ["compile", "-o", "out"]
    result = invoke(*args, "--format", "json", "missing.rules", "rulesets/small.rules")
    assert result.exit_code == 2
    (diag,) = json.loads(result.stdout)["diagnostics"]
    assert diag["file"] == "missing.rules" and "it does not exist" in diag["message"]


# --- bad compiled JSON, the same words from eval, schema, lint and test -------------------------

def _compiled(project) -> dict:
    result = invoke("compile", "-o", "-", "rulesets/small.rules")
    return json.loads(result.stdout)


def _deep_ir(doc: dict, depth: int) -> dict:
    node = doc["rules"][0]["condition"]
    for i in range(depth):
        node = {"op": "not", "form": "not", "arg": node, "id": 1000 + i, "at": {"line": 6, "column": 12},
                "text": "NOT fever"}
    doc["rules"][0]["condition"] = node
    return doc


BAD_JSON = {
    "not JSON": (lambda doc: "{", "the compiled ruleset is not valid JSON"),
    "empty": (lambda doc: "", "the compiled ruleset is empty"),
    "a list": (lambda doc: "[]", "a compiled ruleset is a JSON object"),
    "a string": (lambda doc: '"x"', "a compiled ruleset is a JSON object"),
    "no format": (lambda doc: '{"format_version": 1}', "it has no `format`"),
    "future version": (lambda doc: json.dumps({**doc, "format_version": 99}), "version 99 is not supported"),
    "rules not a list": (lambda doc: json.dumps({**doc, "rules": "x"}), "`/rules`: 'x' is not of type 'array'"),
    "nested 100000 deep": (lambda doc: "[" * 100000 + "]" * 100000, "nested too deeply to read"),
    "conditions 300 deep": (lambda doc: json.dumps(_deep_ir(doc, 300)), "nested 302 levels deep"),
    "integer with 5000 digits": (lambda doc: '{"format": 1' + "0" * 5000 + "}", "number too long to read"),
}

JSON_COMMANDS = {
    "eval": lambda p: ["eval", p, "--facts", "facts.json"],
    "eval json": lambda p: ["eval", p, "--facts", "facts.json", "--format", "json"],
    "schema": lambda p: ["schema", p],
    "lint": lambda p: ["lint", p],
    "lint json": lambda p: ["lint", "--format", "json", p],
    "test": lambda p: ["test", "fixtures/bad.yaml"],
}


@pytest.mark.parametrize("command", sorted(JSON_COMMANDS))
@pytest.mark.parametrize("case", sorted(BAD_JSON))
def test_bad_compiled_ruleset(project, command, case):
    make, words = BAD_JSON[case]
    (project / "bad.json").write_text(make(_compiled(project)), encoding="utf-8")
    (project / "facts.json").write_text('{"fever": true}')
    (project / "fixtures" / "bad.yaml").write_text(
        "ruleset: ../bad.json\ncases:\n  - name: a\n    given: {fever: yes}\n    expect: {test: do it}\n")
    result = invoke(*JSON_COMMANDS[command]("bad.json"))
    assert result.exit_code == 2, result.output
    assert "bad.json" in result.output and words in result.output
    if command.endswith("json"):
        data = json.loads(result.stdout)
        assert any(words in d["message"] for d in data["diagnostics"])


def test_deep_compiled_conditions_are_refused_by_the_runtime_api(project):
    from clinrules.errors import RulesError
    from clinrules.runtime import load

    with pytest.raises(RulesError) as info:
        load(_deep_ir(_compiled(project), 150), source="hand-made.json")
    (diag,) = info.value.diagnostics
    assert diag.file == "hand-made.json"
    assert "at `/rules/0/condition`" in diag.message and "rule `old with fever`" in diag.message


# --- bad patient facts ------------------------------------------------------------------

BAD_FACTS = {
    "NaN": ('{"fever": true, "age": NaN}', "got `NaN`, which is not a number"),
    "Infinity": ('{"fever": true, "age": Infinity}', "got an infinite number"),
    "1e400": ('{"fever": true, "age": 1e400}', "outside the valid range 0 to 120 years"),
    "exponent 1e999999999": ('{"fever": true, "age": 1e999999999}', "too large or too small a number"),
    "text exponent": ('{"fever": true, "age": "1e999999999 years"}', "too large or too small a number"),
    "bool for a number": ('{"fever": true, "age": true}', "got the yes/no value true, not a number"),
    "number for yes/no": ('{"fever": 1, "age": 60}', "`fever` is yes/no: expected yes or no, got 1"),
    "a list": ("[]", "the facts must be a JSON object"),
    "not JSON": ("{", "the facts file is not valid JSON"),
    "empty": ("", "the facts file is empty"),
    "nested 100000 deep": ("[" * 100000 + "]" * 100000, "the facts file is nested too deeply to read"),
    "integer with 5000 digits": ('{"age": 1' + "0" * 5000 + "}", "a number too long to read"),
    "unknown input": ('{"fevr": true}', "`fevr` is not an input of this ruleset"),
}


@pytest.mark.parametrize("fmt", ["text", "json"])
@pytest.mark.parametrize("case", sorted(BAD_FACTS))
def test_bad_facts(project, case, fmt):
    content, words = BAD_FACTS[case]
    (project / "facts.json").write_text(content, encoding="utf-8")
    result = invoke("eval", "rulesets/small.rules", "--facts", "facts.json", "--format", fmt)
    assert result.exit_code == 2
    assert "facts.json" in result.output and words in result.output
    if fmt == "json":
        assert json.loads(result.stdout)["diagnostics"]


def test_non_utf8_and_binary_facts(project):
    (project / "facts.json").write_bytes(b'{"fever": "\xe9"}')
    result = invoke("eval", "rulesets/small.rules", "--facts", "facts.json")
    assert result.exit_code == 2 and "the facts file is not UTF-8 text (bad byte at line 1)" in result.output


@pytest.mark.parametrize("target,words", [("missing.json", "it does not exist"), ("folder", "it is a folder")])
def test_facts_file_missing_or_a_folder(project, target, words):
    result = invoke("eval", "rulesets/small.rules", "--facts", target)
    assert result.exit_code == 2
    assert f"{target}: error: cannot read the facts file: {words}" in result.output


def test_unreadable_facts_file_says_permission_denied(project, monkeypatch):
    # The tests run as root, for whom chmod 000 denies nothing: deny it here.
    (project / "facts.json").write_text("{}")
    real_open = open

    def deny(path, *args, **kwargs):
        if str(path).endswith("facts.json"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr("builtins.open", deny)
    result = invoke("eval", "rulesets/small.rules", "--facts", "facts.json")
    assert result.exit_code == 2
    assert "cannot read the facts file: permission denied" in result.output


def test_exact_decimals_in_facts_are_not_rounded(project):
    # As a float, 50.0000000000000000000000000001 is 50.0 and `age > 50` would be no.
    (project / "facts.json").write_text('{"fever": true, "age": 50.0000000000000000000000000001}')
    result = invoke("eval", "rulesets/small.rules", "--facts", "facts.json", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["decisions"]["test"]["value"] == "do it"


# --- bad fixtures, for test and coverage ---------------------------------------------------

BAD_FIXTURES = {
    "a list": ("list.yaml", "- a\n- b\n", "this file is not a fixture file"),
    "a scalar": ("scalar.yaml", "just text\n", "this file is not a fixture file"),
    "empty": ("empty.yaml", "", "the fixture file is empty"),
    "broken YAML": ("broken.yaml", "ruleset: [\n", "the fixture file is not valid YAML"),
    "binary": ("bin.yaml", b"\xff\xfe\x00", "the fixture file is not UTF-8 text"),
    "alias that contains itself": ("alias.yaml", "a: &a [*a]\n", "a YAML alias contains itself"),
    "nested 3000 deep YAML": ("deep.yaml", "ruleset: x\ncases: " + "[" * 3000 + "]" * 3000 + "\n",
                              "nested too deeply to read"),
    "nested 3000 deep JSON": ("deep.json", '{"cases": ' + "[" * 3000 + "]" * 3000 + "}",
                              "nested too deeply to read"),
    "ruleset is a folder": ("folder.yaml", "ruleset: ../folder\ncases:\n  - name: a\n    given: {}\n"
                            "    expect: {test: do it}\n", "is a folder, not a ruleset file"),
    "ruleset too deep": ("deeprs.yaml", "ruleset: ../deep.rules\ncases:\n  - name: a\n    given: {}\n"
                         "    expect: {test: do it}\n", "nested more than 100 levels deep"),
    "ruleset is binary": ("binrs.yaml", "ruleset: ../binary.rules\ncases:\n  - name: a\n    given: {}\n"
                          "    expect: {test: do it}\n", "is a binary file"),
    "cases is a mapping": ("casesmap.yaml", "ruleset: ../rulesets/small.rules\ncases: {a: 1}\n",
                           "`cases` must be a list"),
}


@pytest.mark.parametrize("command", ["test", "test json", "test junit", "coverage", "coverage json"])
@pytest.mark.parametrize("case", sorted(BAD_FIXTURES))
def test_bad_fixture(project, command, case):
    name, content, words = BAD_FIXTURES[case]
    (project / "deep.rules").write_text(_nested(500))
    (project / "binary.rules").write_bytes(b"\x00\x01")
    target = project / "fixtures" / name
    target.write_bytes(content if isinstance(content, bytes) else content.encode())
    verb, _, fmt = command.partition(" ")
    result = invoke(verb, *(["--format", fmt] if fmt else []), target)
    assert result.exit_code == 2, result.output
    assert words in result.output.replace("&quot;", '"').replace("&#96;", "`")
    if fmt == "json":
        json.loads(result.stdout)
    if fmt == "junit":
        xml.dom.minidom.parseString(result.stdout)


@pytest.mark.parametrize("command", ["test", "coverage"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_folder_without_fixtures_is_an_input_error(project, command, fmt):
    result = invoke(command, "--format", fmt, "folder")
    assert result.exit_code == 2
    assert "no fixture files under `folder`" in result.output
    if fmt == "json":
        assert json.loads(result.stdout)["diagnostics"][0]["code"] == "fixture-not-found"


@pytest.mark.parametrize("command", ["test", "coverage"])
def test_missing_fixture_path_is_a_json_report(project, command):
    result = invoke(command, "--format", "json", "nowhere.yaml")
    assert result.exit_code == 2
    assert json.loads(result.stdout)["diagnostics"][0]["file"] == "nowhere.yaml"


def test_fixture_facts_with_nan_are_reported_per_case(project):
    (project / "fixtures" / "nan.yaml").write_text(
        "ruleset: ../rulesets/small.rules\ncases:\n  - name: nan age\n    given: {fever: yes, age: .nan}\n"
        "    expect: {test: do it}\n  - name: huge exponent\n    given: {fever: yes, age: 1e999999999}\n"
        "    expect: {test: do it}\n")
    result = invoke("test", "fixtures/nan.yaml")
    assert result.exit_code == 1
    assert "got `NaN`, which is not a number" in result.output
    assert "too large or too small a number" in result.output


# --- options ------------------------------------------------------------------------------

@pytest.mark.parametrize("args,words", [
    (["check", "--format", "xml", "rulesets/small.rules"], "'xml' is not one of"),
    (["lint", "--format", "junit", "rulesets/small.rules"], "'junit' is not one of"),
    (["eval", "rulesets/small.rules"], "Missing option '--facts'"),
    (["eval", "rulesets/small.rules", "--facts", "f.json", "--bogus"], "No such option"),
    (["coverage", "--fail-under", "nan"], "`nan` is not a percentage"),
    (["coverage", "--fail-under", "1e400"], "is not between 0 and 100"),
    (["coverage", "--html", "rulesets/small.rules"], "is a file"),
    (["test", "-o", "folder", "fixtures"], "is a directory"),
    (["build", "--rulesets", "rulesets/small.rules"], "is a file, not a directory"),
    (["compile", "-o", "-", "rulesets/small.rules", "rulesets/small.rules"], "takes exactly one file"),
    (["lint", "--explain", "CR999"], "unknown lint code `CR999`"),
])
def test_bad_options(project, args, words):
    result = invoke(*args)
    assert result.exit_code == 2
    assert words in result.output


def test_build_with_a_too_deep_ruleset_fails_without_traceback(project):
    (project / "rulesets" / "deep.rules").write_text(_nested(1000))
    result = invoke("build", "--out", "dist", "--format", "json")
    assert result.exit_code in (1, 2)
    assert "nested more than 100 levels deep" in result.output
    assert not (project / "dist" / "report.json").exists()


# --- the installed executable -------------------------------------------------------------

def test_installed_clinrules_reports_bad_input_without_traceback(project):
    exe = shutil.which("clinrules")
    assert exe, "the clinrules executable is not installed"
    (project / "deep.rules").write_text(_nested(5000))
    (project / "facts.json").write_text('{"fever": true, "age": NaN}')
    for args, words in [
        (["check", "deep.rules"], "nested more than 100 levels deep"),
        (["eval", "rulesets/small.rules", "--facts", "facts.json"], "got `NaN`"),
        (["test", "folder"], "no fixture files under `folder`"),
    ]:
        done = subprocess.run([exe, *args], capture_output=True, text=True, timeout=120, cwd=project)
        assert done.returncode in (1, 2), done
        assert "Traceback" not in done.stdout + done.stderr
        assert words in done.stdout + done.stderr


# --- determinism: the same input twice gives the same bytes ----------------------------------

def _twice(*args) -> tuple[str, str]:
    first = invoke(*args)
    second = invoke(*args)
    return first.stdout, second.stdout


@pytest.mark.parametrize("args", [
    ["compile", "-o", "-", "rulesets/small.rules"],
    ["check", "--format", "json", "rulesets/small.rules"],
    ["lint", "--format", "json", "rulesets/small.rules"],
    ["lint", "--format", "sarif", "rulesets/small.rules"],
    ["test", "--format", "json", "fixtures"],
    ["test", "--format", "junit", "fixtures"],
    ["coverage", "--format", "json", "fixtures"],
    ["coverage", "--format", "json", "--suggest", "fixtures"],
    ["eval", "rulesets/small.rules", "--facts", "facts.json", "--format", "json", "--explain"],
    ["schema", "rulesets/small.rules"],
])
def test_reports_are_byte_identical_run_to_run(project, args):
    (project / "facts.json").write_text('{"fever": true, "age": "61 years"}')
    first, second = _twice(*args)
    assert first and first == second


def test_reports_with_findings_are_byte_identical(project):
    (project / "gap.rules").write_text(
        'ruleset "Gap"\ninput d: number in weeks from 0 to 52\ndecision x: one of [a, b]\n'
        "rule r: IF d < 6 weeks THEN a\nrule s: IF d > 6 weeks THEN b\nrule t: IF d > 3 weeks THEN a\n")
    for fmt in ("json", "sarif", "text"):
        first, second = _twice("lint", "--format", fmt, "gap.rules")
        assert "gap" in first and first == second


def test_build_report_is_byte_identical(project):
    assert invoke("build", "--out", "one").exit_code == 0
    assert invoke("build", "--out", "two").exit_code == 0
    one = (project / "one" / "report.json").read_bytes()
    two = (project / "two" / "report.json").read_bytes()
    assert one == two.replace(b'"two', b'"one')
    for compiled in (project / "one").glob("*.json"):
        assert compiled.read_bytes() == (project / "two" / compiled.name).read_bytes().replace(b'"two', b'"one')
