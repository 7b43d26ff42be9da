"""Loading compiled rulesets: dicts, files, and every way they can be bad."""

import json

import pytest

from clinrules.compiler import compile_source
from clinrules.errors import RulesError
from clinrules.runtime import load

TEXT = 'ruleset "t"\ninput a: yes/no\ndecision d: one of [x]\nrule r: IF a THEN x\n'


def codes(exc):
    return [d.code for d in exc.value.diagnostics]


def test_load_from_a_json_file(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps(compile_source(TEXT, "t.rules")), encoding="utf-8")
    assert load(str(path)).evaluate({"a": True}).decisions["d"].value == "x"
    assert load(path).title == "t"


def test_unknown_format_version_is_refused():
    doc = compile_source(TEXT, "t.rules")
    doc["format_version"] = 2
    with pytest.raises(RulesError) as info:
        load(doc)
    assert codes(info) == ["unsupported-format-version"]
    assert "version 2 is not supported" in info.value.diagnostics[0].message


def test_not_a_compiled_document():
    with pytest.raises(RulesError) as info:
        load({"hello": 1})
    assert codes(info) == ["bad-compiled-ruleset"]


def test_schema_violations_name_the_field():
    doc = compile_source(TEXT, "t.rules")
    del doc["rules"][0]["actions"]
    with pytest.raises(RulesError) as info:
        load(doc)
    assert info.value.diagnostics[0].code == "bad-compiled-ruleset"
    assert "/rules/0" in info.value.diagnostics[0].message


def test_reference_to_an_undeclared_input_is_an_error_not_a_crash():
    doc = compile_source(TEXT, "t.rules")
    doc["rules"][0]["condition"]["input"] = "b"
    with pytest.raises(RulesError) as info:
        load(doc)
    assert "`b`, which is not a declared input" in info.value.diagnostics[0].message


def test_unreadable_and_invalid_files(tmp_path):
    with pytest.raises(RulesError) as info:
        load(str(tmp_path / "missing.json"))
    assert codes(info) == ["unreadable-file"]
    bad = tmp_path / "bad.json"
    bad.write_text("{nope", encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load(str(bad))
    assert codes(info) == ["bad-compiled-json"]
    assert info.value.diagnostics[0].location.line == 1


def test_rules_source_must_be_compiled_first(tmp_path):
    path = tmp_path / "t.rules"
    path.write_text(TEXT, encoding="utf-8")
    with pytest.raises(RulesError) as info:
        load(str(path))
    assert codes(info) == ["not-compiled"]


def test_the_runtime_imports_no_parser():
    import subprocess
    import sys

    code = (
        "import sys, clinrules.runtime\n"
        "bad = [m for m in sys.modules if m == 'lark' or m.startswith(('clinrules.dsl', 'clinrules.compiler'))]\n"
        "print(bad)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stderr
