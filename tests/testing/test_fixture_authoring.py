"""Fixtures as an editor writes them from LANGUAGE.md: YAML's own readings
(`yes` is a boolean, an empty key is null) must not turn a valid fixture
into an error."""

from __future__ import annotations

import pytest

from clinrules.errors import RulesError
from clinrules.testing import run_file
from tests.testing.conftest import write

YES_NO_OPTIONS = """\
ruleset "Admission"
input smoker: one of [yes, no, former]
input pump: one of [on, off]
input heart rate: number in /min from 0 to 300
decision admit: one of [yes, no]
decision monitoring: any of [on, telemetry]
rule fast heart: IF heart rate > 120 /min THEN admit: yes, monitoring: telemetry BECAUSE "x"
rule smokers: IF smoker is yes THEN admit: yes BECAUSE "x"
rule pump on: IF pump is on THEN monitoring: on BECAUSE "x"
rule usual: OTHERWISE admit: no BECAUSE "x"
"""


@pytest.fixture
def admission(tmp_path):
    write(tmp_path / "rulesets" / "admission.rules", YES_NO_OPTIONS)

    def make(text: str, name: str = "admission.yaml"):
        return run_file(write(tmp_path / "fixtures" / name, text))

    return make


def test_options_called_yes_and_no_in_expect_and_given(admission):
    run = admission(
        """\
        ruleset: ../rulesets/admission.rules
        defaults: {heart rate: 80 /min, pump: off}
        cases:
          - name: a smoker is admitted
            given: {smoker: yes}
            expect: {admit: yes, monitoring: []}
          - name: a non-smoker is not
            given: {smoker: No}
            expect: {admit: no}
          - name: pump on
            given: {smoker: no, pump: on}
            expect: {admit: NO, monitoring: [on]}
          - name: both
            given: {smoker: no, pump: ON, heart rate: 130}
            expect: {admit: yes, monitoring: [telemetry, On]}
        """
    )
    assert [(c.name, c.status, c.failures) for c in run.cases] == [
        ("a smoker is admitted", "passed", []),
        ("a non-smoker is not", "passed", []),
        ("pump on", "passed", []),
        ("both", "passed", []),
    ]
    assert run.cases[2].result.facts["pump"] == "on"


def test_a_yes_option_that_is_wrong_still_fails_readably(admission):
    run = admission(
        """\
        ruleset: ../rulesets/admission.rules
        cases:
          - name: not a smoker
            given: {smoker: no, heart rate: 80, pump: off}
            expect: {admit: yes}
        """
    )
    (case,) = run.cases
    assert case.failures == ["admit: expected yes, got no"]


def test_json_true_for_an_option_called_yes(admission):
    run = admission(
        '{"ruleset": "../rulesets/admission.rules", "cases": [\n'
        ' {"name": "smoker", "given": {"smoker": true, "heart rate": 80, "pump": "off"}, "expect": {"admit": "yes"}}]}\n',
        name="admission.json",
    )
    assert [c.status for c in run.cases] == ["passed"]


def test_a_yes_expected_for_a_decision_without_such_option_names_the_option(admission):
    with pytest.raises(RulesError) as info:
        admission(
            """\
            ruleset: ../rulesets/admission.rules
            cases:
              - name: wrong
                given: {smoker: no}
                expect: {monitoring: [yes]}
            """
        )
    (d,) = info.value.diagnostics
    assert d.code == "fixture-unknown-option"
    assert d.message == 'in case "wrong": `yes` is not an option of the decision `monitoring`'
    assert (d.location.line, d.location.column) == (5, 27)


def test_empty_defaults_and_given_mean_no_facts(fixture_file):
    run = run_file(
        fixture_file(
            """\
            ruleset: ../rulesets/imaging.rules
            defaults:
              # all commented out for now
            cases:
              - name: nothing known
                given:
                expect: {imaging: undecided}
                needs: [back pain, duration, fever, ESR, side]
            """
        )
    )
    (case,) = run.cases
    assert case.status == "passed", case.failures
    assert case.facts == {}


def test_a_description_at_the_top_of_the_file(fixture_file):
    run = run_file(
        fixture_file(
            """\
            ruleset: ../rulesets/imaging.rules
            description: back pain cases from the 2025 audit
            cases:
              - name: out of scope
                given: {back pain: no}
                expect: {imaging: not applicable}
            """
        )
    )
    assert [c.status for c in run.cases] == ["passed"]


def test_other_unknown_top_level_keys_are_still_caught(fixture_file):
    with pytest.raises(RulesError) as info:
        run_file(
            fixture_file(
                """\
                ruleset: ../rulesets/imaging.rules
                default: {back pain: yes}
                cases:
                  - name: a
                    expect: {imaging: undecided}
                """
            )
        )
    (d,) = info.value.diagnostics
    assert d.message == "unknown key `default`"
    assert d.hint == "did you mean `defaults`?"
