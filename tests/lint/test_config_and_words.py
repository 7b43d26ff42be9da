"""Project configuration parsing, and how values are written back."""

from __future__ import annotations

from fractions import Fraction

import pytest

from clinrules.errors import RulesError
from clinrules.lint import find_config
from clinrules.lint.config import from_table
from clinrules.space.regions import Region
from clinrules.exact import decimal_text
from tests.lint.conftest import HEAD, lint_text


def test_config_accepts_names_and_codes():
    config = from_table({"severity": {"unnamed-rule": "warning", "CR002": "error"}, "disable": ["gap"]})
    assert config.severity == {"CR012": "warning", "CR002": "error"}
    assert config.disable == frozenset({"CR002"})


@pytest.mark.parametrize("table, message", [
    ({"severity": {"gap": "fatal"}}, "severity of `gap` must be one of error, warning, info, not `fatal`"),
    ({"severity": {"nope": "error"}}, "`severity` names unknown lint code `nope`"),
    ({"disable": "gap"}, "`disable` must be a list of lint codes or names"),
    ({"ignore": []}, "[tool.clinrules.lint] has unknown setting(s) ignore"),
])
def test_bad_config_is_a_clear_error(table, message):
    with pytest.raises(RulesError) as err:
        from_table(table, "pyproject.toml")
    assert err.value.diagnostics[0].code == "bad-lint-config"
    assert message in err.value.diagnostics[0].message


def test_find_config_walks_up_to_the_nearest_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.clinrules.lint]\ndisable = ["unused-source"]\n')
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    (tmp_path / "a" / "pyproject.toml").write_text('[project]\nname = "x"\n')
    config = find_config(inner / "r.rules")
    assert config.disable == frozenset({"CR009"})
    assert config.path == str(tmp_path / "pyproject.toml")
    (tmp_path / "a" / "pyproject.toml").write_text("not = [toml")
    with pytest.raises(RulesError):
        find_config(inner / "r.rules")


def test_inline_allow_beats_project_config():
    text = HEAD + '''
rule a: IF duration < 6 weeks THEN no imaging BECAUSE "x" [1]
# lint: allow conflict -- fever patients never reach this ruleset
rule b: IF fever THEN MRI BECAUSE "y" [1]
'''
    found = lint_text(text, config={"severity": {"conflict": "warning"}})
    assert [f for f in found if f.name == "conflict"] == []


def test_decimal_text_is_exact():
    assert decimal_text(Fraction(21, 2)) == "10.5"
    assert decimal_text(Fraction(-1, 8)) == "-0.125"
    assert decimal_text(Fraction(10, 7)) is None
    assert decimal_text(Fraction(6)) == "6"


def test_nice_values_inside_open_intervals():
    assert Region(Fraction(6), Fraction(520), False).nice() == 7
    assert Region(Fraction(6), Fraction(13, 2), False).nice() == Fraction(61, 10)
    assert Region(None, Fraction(0), False).nice() == -1
    assert Region(Fraction(5), None, False).nice() == 6


def test_non_terminating_open_interval_value_uses_a_decimal_in_the_input_unit():
    text = HEAD + '''
rule a: IF duration < 10 days THEN no imaging BECAUSE "x" [1]
rule b: IF duration > 11 days THEN MRI BECAUSE "y" [1]
'''
    (gap,) = lint_text(text, codes={"gap"})
    assert gap.witness["duration"] == "1.5 weeks"  # 10.5 days, written in the input's unit
    assert gap.extra["region"] == "duration at least 10 days and at most 11 days"


def test_an_unreadable_pyproject_is_one_error_for_lint_and_build(tmp_path):
    from clinrules.lint.config import find_config
    from clinrules.testing.build_policy import find_policy

    (tmp_path / "pyproject.toml").write_text("[tool.clinrules\n", encoding="utf-8")
    for find in (find_config, find_policy):
        with pytest.raises(RulesError) as err:
            find(tmp_path)
        assert err.value.diagnostics[0].code == "bad-project-config"
        assert "cannot read" in err.value.diagnostics[0].message
