"""Reading YAML and JSON fixture text with the place of every value."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from clinrules.errors import RulesError
from clinrules.testing._source import load_source

YAML = """\
ruleset: r.rules
defaults:
  fever: no
cases:
  - name: first
    given: {duration: 7 weeks, ESR: 20.1}
    expect: {imaging: MRI}
  - name: second
    given:
      no: yes
"""


def test_yaml_values_and_marks(tmp_path: Path):
    src = load_source(tmp_path / "f.yaml", YAML)
    case = src.data["cases"][0]
    assert src.data["defaults"] == {"fever": False}
    assert case["given"] == {"duration": "7 weeks", "ESR": Decimal("20.1")}
    assert src.mark(("cases", 0)) == (5, 5)
    assert src.mark(("cases", 0, "given", "ESR")) == (6, 32)
    assert src.mark(("cases", 1, "expect", "imaging")) == (8, 5)  # nearest written ancestor: the case


def test_yaml_keys_are_names_as_written(tmp_path: Path):
    src = load_source(tmp_path / "f.yaml", YAML)
    assert src.data["cases"][1]["given"] == {"no": True}


def test_yaml_decimals_are_exact(tmp_path: Path):
    src = load_source(tmp_path / "f.yaml", "a: 0.1\nb: 1.5e+3\nc: 7\nd: .inf\n")
    assert src.data["a"] == Decimal("0.1") and isinstance(src.data["a"], Decimal)
    assert src.data["b"] == Decimal("1500")
    assert src.data["c"] == 7
    assert src.data["d"] == float("inf")


def test_yaml_duplicate_key_is_an_error_at_its_line(tmp_path: Path):
    with pytest.raises(RulesError) as info:
        load_source(tmp_path / "f.yaml", "cases:\n  - name: a\n    name: b\n")
    (d,) = info.value.diagnostics
    assert d.code == "fixture-duplicate-key"
    assert "`name` is written twice" in d.message
    assert (d.location.line, d.location.column) == (3, 5)


def test_yaml_syntax_error_names_the_line(tmp_path: Path):
    with pytest.raises(RulesError) as info:
        load_source(tmp_path / "f.yaml", "cases:\n  - name: [a\n")
    (d,) = info.value.diagnostics
    assert d.code == "fixture-syntax"
    assert d.message.startswith("the fixture file is not valid YAML")
    assert d.file == str(tmp_path / "f.yaml")
    assert d.location.line == 3


def test_empty_yaml_is_an_error(tmp_path: Path):
    with pytest.raises(RulesError) as info:
        load_source(tmp_path / "f.yaml", "# nothing\n")
    assert info.value.diagnostics[0].code == "fixture-empty"


def test_yaml_dates_stay_text(tmp_path: Path):
    src = load_source(tmp_path / "f.yaml", "a: 2024-01-01\n")
    assert src.data["a"] == "2024-01-01"


JSON = """{
  "ruleset": "r.rules",
  "cases": [
    {"name": "first",
     "given": {"duration": "7 weeks", "ESR": 20.1, "count": 3, "fever": false, "x": null},
     "expect": {"tests": []}}
  ]
}
"""


def test_json_values_and_marks(tmp_path: Path):
    src = load_source(tmp_path / "f.json", JSON)
    given = src.data["cases"][0]["given"]
    assert given == {"duration": "7 weeks", "ESR": Decimal("20.1"), "count": 3, "fever": False, "x": None}
    assert src.mark(("cases", 0)) == (4, 5)
    assert src.mark(("cases", 0, "given", "ESR")) == (5, 39)
    assert src.mark(("cases", 0, "expect", "tests")) == (6, 17)


@pytest.mark.parametrize(
    "text, message, line, column",
    [
        ('{"a": 1,}', "expected a quoted key", 1, 9),
        ('{"a": 1 "b": 2}', "expected `,` or `}`", 1, 9),
        ('{"a": [1 2]}', "expected `,` or `]`", 1, 10),
        ('{"a": tru}', "unexpected character 't'", 1, 7),
        ('{"a": 1}\n{}', "unexpected text after the end", 2, 1),
        ('{"a": "x', "unterminated string", 1, 7),
        ('{"a": 1, "a": 2}', "`a` is written twice", 1, 10),
    ],
)
def test_json_errors_name_line_and_column(tmp_path: Path, text, message, line, column):
    with pytest.raises(RulesError) as info:
        load_source(tmp_path / "f.json", text)
    (d,) = info.value.diagnostics
    assert message in d.message
    assert (d.location.line, d.location.column) == (line, column)


def test_empty_json_is_an_error(tmp_path: Path):
    with pytest.raises(RulesError) as info:
        load_source(tmp_path / "f.json", "  \n")
    assert info.value.diagnostics[0].code == "fixture-empty"


def test_diagnostic_carries_the_source_line(tmp_path: Path):
    src = load_source(tmp_path / "f.yaml", YAML)
    d = src.diagnostic("x", "msg", ("cases", 0, "given", "ESR"))
    assert d.source_line == "    given: {duration: 7 weeks, ESR: 20.1}"
    assert "^" in d.render()


def test_yaml_merge_keys_let_written_keys_override(tmp_path: Path):
    text = """\
base: &base {fever: no, ESR: 10 mm/h}
cases:
  - name: a
    given:
      <<: *base
      fever: yes
"""
    src = load_source(tmp_path / "f.yaml", text)
    assert src.data["cases"][0]["given"] == {"fever": True, "ESR": "10 mm/h"}
    assert src.mark(("cases", 0, "given", "fever")) == (6, 7)


def test_yaml_non_scalar_key_is_an_error(tmp_path: Path):
    with pytest.raises(RulesError) as info:
        load_source(tmp_path / "f.yaml", "? [a, b]\n: 1\n")
    assert info.value.diagnostics[0].message == "a key must be a plain name, not a list or mapping"


def test_booleans_keep_their_text_as_written(tmp_path: Path):
    """`admit: yes` may name an option called `yes`: the text YAML read as a boolean is kept."""
    src = load_source(tmp_path / "f.yaml", "a: yes\nb: [On, 'no']\nc: true\nd: 1\n")
    assert src.data == {"a": True, "b": [True, "no"], "c": True, "d": 1}
    assert src.booleans == {("a",): "yes", ("b", 0): "On", ("c",): "true"}
    assert src.written(("b", 0), True) == "On"
    assert src.written(("b", 1), "no") == "no"
    assert src.written(("d",), 1) == 1
    js = load_source(tmp_path / "f.json", '{"a": [false, "x"], "b": null}')
    assert js.booleans == {("a", 0): "false"}
