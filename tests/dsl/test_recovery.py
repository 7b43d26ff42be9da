"""Every syntax error in one run (`parse_all`), each as if it were the only one.

The no-cascade check is strict: a file with several separate mistakes must
report exactly the diagnostics each mistake gives when it is alone in the
file, in file order, and nothing else.
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinrules.cli.main import cli
from clinrules.compiler import compile_source
from clinrules.dsl import parse, parse_all, syntax_errors
from clinrules.dsl.recovery import MAX_ERRORS
from clinrules.errors import RulesError

CLEAN = """\
ruleset "CURB-65" version 1.0.0
source 1: "Lim 2003"
input confusion: yes/no
input urea: number in mmol/L from 0 to 100
input respiratory rate: number in /min from 0 to 80
input age: number from 0 to 120
define curb: score of [confusion: 1, urea > 7 mmol/L: 1, respiratory rate >= 30 /min: 1, age >= 65: 1]
decision care: one of [home, hospital]
rule low: IF curb <= 1 THEN home BECAUSE "low risk" [1]
rule high: IF curb >= 2 THEN hospital BECAUSE "higher risk" [1]
"""

# (line number, the clean line, the same line with one mistake)
MISTAKES = [
    (5, "input respiratory rate: number in /min from 0 to 80", "input respiratory rate number in /min from 0 to 80"),
    (7, "define curb: score of [confusion: 1, urea > 7 mmol/L: 1, respiratory rate >= 30 /min: 1, age >= 65: 1]",
        "define curb: score of [confusion: 1, urea > 7 mmol/L: 1, respiratory rate >= 30 /min: 1, age >= 65 1]"),
    (8, "decision care: one of [home, hospital]", "decision care: one of [home, hospital"),
    (9, 'rule low: IF curb <= 1 THEN home BECAUSE "low risk" [1]', 'rule low: IF curb <= 1 THEN home BECAUSE low risk [1]'),
    (10, 'rule high: IF curb >= 2 THEN hospital BECAUSE "higher risk" [1]',
         'rule high: IF curb >= 2 AND THEN hospital BECAUSE "higher risk" [1]'),
]


def with_mistakes(*which: int) -> str:
    lines = CLEAN.split("\n")
    for i in which:
        number, clean, broken = MISTAKES[i]
        assert lines[number - 1] == clean
        lines[number - 1] = broken
    return "\n".join(lines)


def errors_of(text: str) -> list:
    with pytest.raises(RulesError) as info:
        parse_all(text, "curb.rules")
    return info.value.diagnostics


def alone(i: int):
    found = errors_of(with_mistakes(i))
    assert len(found) == 1, [d.render() for d in found]
    return found[0]


def test_clean_file_parses_the_same():
    assert parse_all(CLEAN, "curb.rules") == parse(CLEAN, "curb.rules")
    assert syntax_errors(CLEAN, "curb.rules") == []


@pytest.mark.parametrize("which", [(0, 2), (1, 3, 4), (0, 1, 2, 3, 4), (2, 4), (0, 4)])
def test_each_mistake_is_reported_as_if_alone(which):
    found = errors_of(with_mistakes(*which))
    assert found == [alone(i) for i in which]
    for d, i in zip(found, which):
        assert d.location.line == MISTAKES[i][0]
        assert d.source_line == MISTAKES[i][2]  # the file's own line, under the caret
        assert "^" in d.render()


def test_the_single_error_api_still_stops_at_the_first():
    with pytest.raises(RulesError) as info:
        parse(with_mistakes(0, 2, 4), "curb.rules")
    assert info.value.diagnostics == [alone(0)]


def test_a_statement_cut_short_by_the_next_one():
    text = CLEAN.replace("input age: number from 0 to 120", "input age:") + "IF curb THEN\n"
    found = errors_of(text)
    assert [(d.location.line, d.message.split(",")[0]) for d in found] == [
        (7, "expected the type of input `age` after `:`: `yes/no`"),
        (11, "expected an option after `THEN`"),
    ]


def test_a_broken_header_does_not_hide_the_statements():
    text = CLEAN.replace('version 1.0.0', 'versoin 1.0.0').replace("[home, hospital]", "[home hospital")
    found = errors_of(text)
    assert [d.location.line for d in found] == [1, 8]
    assert found[1].code == "unclosed-bracket" or "]" in found[1].message


def test_a_second_header_and_a_later_mistake():
    text = with_mistakes(4).replace('source 1: "Lim 2003"\n', 'source 1: "Lim 2003"\nruleset "again"\n')
    found = errors_of(text)
    assert [d.code for d in found] == ["duplicate-header", "syntax-error"]
    assert [d.location.line for d in found] == [3, 11]


def test_an_unterminated_text_does_not_swallow_the_file():
    text = with_mistakes(4).replace('"low risk"', '"low risk')
    found = errors_of(text)
    assert [d.code for d in found] == ["unterminated-string", "syntax-error"]
    assert [d.location.line for d in found] == [9, 10]


def test_a_control_character_and_a_later_mistake():
    text = with_mistakes(4).replace("input confusion", "input con\x07fusion")
    found = errors_of(text)
    assert [d.code for d in found] == ["unexpected-character", "syntax-error"]
    assert [d.location.line for d in found] == [3, 10]


def test_errors_are_capped():
    text = CLEAN + "".join(f"rule r{i}: IF curb >= 2 AND THEN hospital\n" for i in range(MAX_ERRORS + 10))
    found = errors_of(text)
    assert len(found) == MAX_ERRORS
    assert [d.location.line for d in found] == list(range(11, 11 + MAX_ERRORS))


def test_a_missing_header_is_the_only_error():
    found = errors_of(CLEAN.split("\n", 1)[1] + "rule x: IF AND THEN y\n")
    assert [d.code for d in found] == ["missing-header"]


def test_the_compiler_reports_every_syntax_error():
    with pytest.raises(RulesError) as info:
        compile_source(with_mistakes(0, 3, 4), "curb.rules")
    assert [d.location.line for d in info.value.diagnostics] == [5, 9, 10]


def test_check_prints_every_error_with_its_caret(tmp_path):
    path = tmp_path / "curb.rules"
    path.write_text(with_mistakes(0, 2, 4), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(path)])
    assert result.exit_code == 1, result.output
    for i in (0, 2, 4):
        line = MISTAKES[i][0]
        assert f"{path}:{line}:" in result.output
        assert MISTAKES[i][2] in result.output
    assert result.output.count("^") >= 3
    assert "3 errors in 1 of 1 file" in result.output
    data = json.loads(CliRunner().invoke(cli, ["check", "--format", "json", str(path)]).output)
    assert [d["line"] for d in data["diagnostics"]] == [5, 8, 10]


# --- whatever the damage: RulesError only, in file order, located ---------------------

_TOKENS = re.findall(r'"[^"]*"|\s+|[^\W\d_][\w\'/-]*|\d+(?:\.\d+)?|\S', CLEAN)
_SPARE = ["IF", "THEN", "AND", "[", "]", "(", ":", ",", '"', "rule", "ruleset", "\n", "#", "\x00"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(_TOKENS) - 1), st.sampled_from(_SPARE + [""])), max_size=4))
def test_damaged_files_give_ordered_located_errors(edits):
    tokens = list(_TOKENS)
    for index, replacement in edits:
        tokens[index] = replacement
    text = "".join(tokens)
    try:
        parse_all(text, "fuzz.rules")
        return
    except RulesError as error:
        found = error.diagnostics
    assert found and len(found) <= MAX_ERRORS
    assert all(d.code != "internal-error" for d in found), found
    located = [(d.location.line, d.location.column) for d in found if d.location is not None]
    assert located == sorted(set(located))
    with pytest.raises(RulesError) as first:
        parse(text, "fuzz.rules")
    assert first.value.diagnostics[0] == found[0]
