"""Suggested cases: each one, pasted into the fixture, raises the metric it
was suggested for, and passes (its `expect` is what the ruleset decides)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from clinrules.testing.coverage import METRICS, coverage_of_paths
from clinrules.testing.runner import run_paths
from clinrules.testing.suggest import render_yaml, suggest

RULES = """\
    ruleset "Throat" version 1.0.0
      applies when sore throat
    source 1: "A guideline, 2025"
    input sore throat: yes/no
    input fever: yes/no
    input swollen tonsils: yes/no
    input cough: yes/no
    input age: number in years from 0 to 120
    input setting: one of [clinic, hospital]
    define centor: score of [fever: 1, swollen tonsils: 1, no cough: 1, age < 15 years: 1]
    define very young: age < 3 years
    decision test: one of [rapid strep test, no test]
    decision extras: any of [culture, review]
    rule likely strep:
      IF centor >= 3 AND age between 3 years and 80 years
      THEN rapid strep test
      BECAUSE "x" [1]
    rule unlikely strep:
      OTHERWISE no test
      BECAUSE "y" [1]
    rule hospital culture:
      IF setting is hospital AND (fever OR very young)
      THEN culture
      BECAUSE "z" [1]
    rule review elderly:
      IF age > 80 years THEN review
      BECAUSE "w" [1]
    """

FIXTURE = """\
    ruleset: r.rules
    defaults: {sore throat: yes, cough: no, age: 30 years, setting: clinic}
    cases:
      - name: typical strep
        given: {fever: yes, swollen tonsils: yes}
        expect: {test: rapid strep test, extras: []}
    """


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "r.rules").write_text(textwrap.dedent(RULES), encoding="utf-8")
    (tmp_path / "r.yaml").write_text(textwrap.dedent(FIXTURE), encoding="utf-8")
    return tmp_path


def _coverage(path: Path):
    run = coverage_of_paths([path])
    assert not run.diagnostics
    return run.rulesets[0]


@pytest.mark.parametrize("metric", METRICS)
def test_suggested_cases_raise_their_metric(project, metric):
    before = _coverage(project / "r.yaml")
    assert before.metrics[metric].missing, "the starting fixture must leave something to cover"
    made, unmade = suggest(before, [metric])
    assert made and not unmade
    text = render_yaml(before, made, unmade)
    assert text.count("# review:") == sum(len(s.cases) for s in made)

    fixture = yaml.safe_load(textwrap.dedent(FIXTURE))
    fixture["cases"] += yaml.safe_load(text)["cases"]
    (project / "more.yaml").write_text(yaml.safe_dump(fixture, sort_keys=False), encoding="utf-8")
    after = _coverage(project / "more.yaml")
    assert after.metrics[metric].covered > before.metrics[metric].covered
    assert after.metrics[metric].missing == ()
    # every suggested case passes: its expectation is today's decision
    session = run_paths([project / "more.yaml"])
    assert session.failed == 0 and session.total == len(fixture["cases"])


def test_a_suggested_case_is_a_whole_patient_ready_to_paste(project):
    rc = _coverage(project / "r.yaml")
    made, _ = suggest(rc, ["rules"])
    # the first patient (age 81, nearest the middle of 0 to 120 years outside
    # `between 3 and 80`) also covers `review elderly`
    assert [s.item.text for s in made] == ["unlikely strep", "hospital culture"]
    suggestion = made[0]
    (case,) = suggestion.cases
    # every input given, so fixture defaults cannot change the patient
    assert list(case.given) == ["sore throat", "fever", "swollen tonsils", "cough", "age", "setting"]
    assert case.expect["test"] == "no test"
    text = render_yaml(rc, made)
    assert "  # review: added to cover rule `unlikely strep` fires (rules)" in text
    assert yaml.safe_load(text)["cases"][0]["expect"]["test"] == "no test"


def test_boundary_suggestion_sits_exactly_on_the_threshold(project):
    rc = _coverage(project / "r.yaml")
    made, _ = suggest(rc, ["boundaries"])
    at = [s for s in made if s.item.get("side") == "at"]
    assert {s.item.get("threshold") for s in at} == {"15 years", "3 years", "80 years"}
    for suggestion in at:
        assert suggestion.cases[0].given["age"] == suggestion.item.get("threshold")


def test_what_no_patient_can_cover_is_reported_not_invented(tmp_path):
    (tmp_path / "r.rules").write_text(textwrap.dedent("""\
        ruleset "Dead" version 1.0.0
        source 1: "A guideline, 2025"
        input temperature: number in Cel from 30 to 45
        decision advice: one of [see doctor]
        rule impossible:
          IF temperature > 50 Cel THEN see doctor
          BECAUSE "x" [1]
        """), encoding="utf-8")
    (tmp_path / "r.yaml").write_text(textwrap.dedent("""\
        ruleset: r.rules
        cases:
          - {name: warm, given: {temperature: 37 Cel}, expect: {advice: undecided}}
        """), encoding="utf-8")
    rc = _coverage(tmp_path / "r.yaml")
    made, unmade = suggest(rc, ["rules", "conditions"])
    assert made == []
    assert [(u.metric, u.item.text) for u in unmade] == [
        ("rules", "impossible"), ("conditions", "temperature > 50 Cel")]
    text = render_yaml(rc, made, unmade)
    assert "cases: []" in text
    assert "# not suggested: rule `impossible` fires (line 5): no patient inside the scope" in text
