"""One run reports every semantic error of a file, sorted by position, and
nothing but RulesError ever leaves the compiler."""

from __future__ import annotations

import pytest

from clinrules.compiler import compile_file, compile_source
from clinrules.errors import RulesError

BROKEN = """\
ruleset "Broken" version 1.0 applies when adult
input fever: yes/no
input duration: number in weeks from 0 to 520
input ESR: number in mm/h from 0 to 200
input age: number in years
define red flags: any of [fever, ESR > 20 mg/L]
define red flags: fever
decision imaging: one of [no imaging, MRI]
rule early: IF duration < 6 AND no red flag THEN no imaging BECAUSE "x" [4]
rule early: IF ESR > 6 weeks THEN MRI, no imaging
rule late: IF fever > 1 THEN scan
"""


def test_every_error_of_a_file_at_once_sorted_by_position():
    with pytest.raises(RulesError) as info:
        compile_source(BROKEN, "broken.rules")
    found = [(d.location.line, d.location.column, d.code) for d in info.value.diagnostics]
    assert found == [
        (1, 26, "bad-version"),
        (1, 43, "undeclared-name"),  # adult
        (6, 40, "unit-mismatch"),  # 20 mg/L
        (7, 8, "declared-twice"),  # red flags
        (9, 27, "missing-unit"),  # duration < 6
        (9, 36, "undeclared-name"),  # red flag -> red flags
        (9, 74, "unknown-source"),
        (10, 6, "duplicate-rule-name"),
        (10, 22, "unit-mismatch"),  # ESR > 6 weeks
        (10, 40, "one-of-two-options"),
        (11, 15, "compare-non-number"),  # fever > 1
        (11, 30, "unknown-option"),  # scan
    ]
    assert found == sorted(found)
    messages = {d.code: d.message for d in info.value.diagnostics}
    assert "did you mean `red flags`?" in [d.message for d in info.value.diagnostics][5]
    assert messages["bad-version"].startswith("`1.0` is not a version")


def test_str_of_the_error_renders_every_diagnostic():
    with pytest.raises(RulesError) as info:
        compile_source(BROKEN, "broken.rules")
    text = str(info.value)
    assert text.count("broken.rules:") == 12
    assert "broken.rules:9:36: error: `red flag` is not declared; did you mean `red flags`?" in text
    assert "    rule early: IF duration < 6 AND no red flag THEN" in text


def test_syntax_error_is_a_rules_error_with_position():
    with pytest.raises(RulesError) as info:
        compile_source('ruleset "T"\ninput fever yes/no\n', "s.rules")
    d = info.value.diagnostics[0]
    assert d.code == "syntax-error"
    assert (d.file, d.location.line) == ("s.rules", 2)


@pytest.mark.parametrize(
    "text",
    ["", "   \n\n", "\x00\x01binary", "ruleset", 'ruleset "', "rule r: IF x THEN y", "\ufeff", "]]]][[[(",
     'ruleset "T"\n' + "(" * 500 + "fever" + ")" * 500, 'ruleset "T" version 99999999999999999999.0.0'],
)
def test_odd_text_is_a_rules_error_or_compiles(text):
    try:
        compile_source(text, "odd.rules")
    except RulesError as exc:
        assert exc.diagnostics
        for d in exc.diagnostics:
            assert d.render()


def test_compile_file_rejects_empty_binary_and_non_utf8(tmp_path):
    cases = {
        "empty.rules": (b"", "`{}` is empty"),
        "blank.rules": (b"  \n\t\n", "`{}` is empty"),
        "binary.rules": (b"ruleset \"T\"\x00\x00", "`{}` is a binary file, not a rules file"),
        "latin1.rules": ('ruleset "T"\ninput température: yes/no\n'.encode("latin-1"),
                         "`{}` is not UTF-8 text (bad byte at line 2)"),
    }
    for name, (data, message) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(RulesError) as info:
            compile_file(path)
        (d,) = info.value.diagnostics
        assert d.code == "unreadable-file"
        assert d.message == message.format(path)
        assert d.file == str(path)


def test_compile_file_missing_file(tmp_path):
    with pytest.raises(RulesError) as info:
        compile_file(tmp_path / "nope.rules")
    (d,) = info.value.diagnostics
    assert d.code == "unreadable-file"
    assert d.message.startswith(f"cannot read `{tmp_path / 'nope.rules'}`")


def test_compile_file_directory_is_unreadable(tmp_path):
    with pytest.raises(RulesError) as info:
        compile_file(tmp_path)
    assert info.value.diagnostics[0].code == "unreadable-file"


def test_compile_file_accepts_bom_and_crlf(tmp_path):
    path = tmp_path / "crlf.rules"
    raw = '\ufeffruleset "T"\r\ninput fever: yes/no\r\ndecision d: one of [x]\r\nrule r: IF fever THEN x\r\n'
    path.write_bytes(raw.encode("utf-8"))
    doc = compile_file(path)
    assert doc["rules"][0]["at"] == {"line": 4, "column": 1}
    assert doc["source_file"] == "crlf.rules"
