"""Gaps and conflicts in the editor's own terms: a set of score values, a
definition's side, or a conjunction of them, said once with one witness;
the regions of the inputs behind it stay in JSON and under --verbose.
Every witness (the finding's and each region's) replays through the runtime."""

from __future__ import annotations

import json

from click.testing import CliRunner

from clinrules import runtime
from clinrules.cli.main import cli
from tests.lint.conftest import compile_rules, lint_text

CURB = '''ruleset "CURB-65" version 1.0.0
source 1: "Lim WS et al. Thorax 2003;58:377-82"
input confusion: yes/no
input urea: number in mmol/L from 0 to 100, typical 5
input respiratory rate: number in /min from 0 to 80, typical 16
input systolic blood pressure: number in mmHg from 0 to 300, typical 120
input diastolic blood pressure: number in mmHg from 0 to 200, typical 80
input age: number in years from 18 to 120, typical 50
define low blood pressure: systolic blood pressure < 90 mmHg OR diastolic blood pressure <= 60 mmHg
define CURB-65: score of [confusion: 1, urea > 7 mmol/L: 1, respiratory rate >= 30 /min: 1,
  low blood pressure: 1, age >= 65 years: 1]
decision care: one of [home treatment, short admission, hospital admission]
rule low risk: IF CURB-65 <= 1 THEN home treatment BECAUSE "0-1" [1]
rule moderate: IF CURB-65 = 2 THEN short admission BECAUSE "2" [1]
rule severe: IF CURB-65 >= 4 THEN hospital admission BECAUSE "4-5" [1]
'''


def _replay_regions(doc, finding):
    ruleset = runtime.load(doc)
    for item in finding.extra["regions"]:
        got = ruleset.evaluate(item["witness"]).decisions["care"]
        assert got.status == "undecided" and list(got.needs) == [], item


def test_a_missing_score_value_is_one_gap_named_by_the_score():
    (gap,) = lint_text(CURB, codes={"gap"})
    assert gap.message == "`care` gets no option for patients with CURB-65 = 3"
    assert gap.extra["region"] == "CURB-65 = 3" and gap.extra["regions_total"] == 16
    assert len(gap.extra["regions"]) == 16
    # one witness, with values a clinician recognises
    assert gap.witness == {"confusion": True, "urea": "5 mmol/L", "respiratory rate": "16 /min",
                           "systolic blood pressure": "89 mmHg", "diastolic blood pressure": "80 mmHg",
                           "age": "66 years"}
    _replay_regions(compile_rules(CURB), gap)


def test_several_values_and_a_definition_side_together():
    text = CURB.replace("IF CURB-65 >= 4 THEN", "IF CURB-65 >= 1 AND low blood pressure THEN")
    (gap,) = lint_text(text, codes={"gap"})
    assert gap.extra["region"] == "CURB-65 is 3 or 4, no low blood pressure"
    conflicts = lint_text(text, codes={"conflict"})
    assert [c.extra.get("region") for c in conflicts] == ["CURB-65 = 1, low blood pressure",
                                                          "CURB-65 = 2, low blood pressure"]
    assert conflicts[0].message.endswith(", for patients with CURB-65 = 1, low blood pressure")


def test_at_least_and_at_most_read_as_such():
    (gap,) = lint_text(CURB.replace("CURB-65 >= 4", "CURB-65 >= 6"), codes={"gap"})
    assert gap.extra["region"] == "CURB-65 at least 3"
    (gap,) = lint_text(CURB.replace("CURB-65 <= 1", "CURB-65 = 7").replace("CURB-65 >= 4", "CURB-65 >= 3"),
                       codes={"gap"})
    assert gap.extra["region"] == "CURB-65 at most 1"


def test_a_definitions_side_alone():
    text = '''ruleset "Imaging" version 1.0.0
source 1: "s"
input fever: yes/no
input history of malignancy: yes/no
input ESR: number in mm/h from 0 to 200, typical 10
input duration: number in weeks from 0 to 520, typical 3
define red flags: any of [fever, history of malignancy, ESR > 20 mm/h]
decision imaging: one of [no imaging, MRI]
rule early: IF duration < 6 weeks AND no red flags THEN no imaging BECAUSE "x" [1]
rule late: IF duration >= 6 weeks AND no red flags THEN MRI BECAUSE "y" [1]
'''
    (gap,) = lint_text(text, codes={"gap"})
    assert gap.message == "`imaging` gets no option for patients with red flags"
    assert gap.witness["duration"] == "3 weeks" and gap.witness["ESR"] in ("10 mm/h", "21 mm/h")


def test_gaps_that_are_not_such_a_set_stay_one_per_region():
    # CURB-65 = 2 without confusion, and CURB-65 = 3: no conjunction of terms says exactly that
    text = CURB.replace("rule moderate: IF CURB-65 = 2", "rule moderate: IF CURB-65 = 2 AND confusion")
    gaps = lint_text(text, codes={"gap"})
    assert len(gaps) > 1
    assert all(g.message.endswith(f"(region {n} of {len(gaps)})") for n, g in enumerate(gaps, start=1))
    assert all("regions" not in g.extra for g in gaps)


def test_text_counts_the_regions_and_verbose_lists_them(tmp_path):
    path = tmp_path / "curb.rules"
    path.write_text(CURB)
    plain = CliRunner().invoke(cli, ["lint", str(path)])
    assert "gets no option for patients with CURB-65 = 3\n" in plain.output
    assert "    (16 regions of the inputs; --verbose lists them)\n" in plain.output
    assert "region 1 of" not in plain.output
    verbose = CliRunner().invoke(cli, ["lint", "--verbose", str(path)])
    assert "    regions of the inputs (16):\n      1. confusion, urea at most 7 mmol/L" in verbose.output
    assert "      16. no confusion" in verbose.output
    data = json.loads(CliRunner().invoke(cli, ["lint", "--format", "json", str(path)]).output)
    (gap,) = [f for f in data["findings"] if f["name"] == "gap"]
    assert gap["regions_total"] == 16 and len(gap["regions"]) == 16
    assert set(gap["regions"][0]) == {"region", "witness"}
    sarif = json.loads(CliRunner().invoke(cli, ["lint", "--format", "sarif", str(path)]).output)
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "CR002"]
    assert result["message"]["text"].endswith("CURB-65 = 3")
    assert result["properties"]["region"] == "CURB-65 = 3" and len(result["properties"]["regions"]) == 16


CONFORMANCE = __import__("pathlib").Path(__file__).parents[1] / "conformance"


def test_the_editors_curb65_without_its_score_3_rule():
    """The issue's scenario on the conformance ruleset: one gap in the
    score's words, a witness with values a clinician recognises."""
    text = (CONFORMANCE / "rulesets" / "curb-65.rules").read_text(encoding="utf-8")
    start = text.index("rule severe:")
    text = text[:start] + text[text.index("rule very severe:"):]
    (gap,) = lint_text(text, codes={"gap"})
    assert gap.message == "`site of care` gets no option for patients with CURB-65 = 3"
    assert gap.witness == {"new confusion": True, "urea": "30 mg/dL", "respiratory rate": "16 /min",
                           "systolic blood pressure": "89 mmHg", "diastolic blood pressure": "75 mmHg",
                           "age": "66 years"}
    doc = compile_rules(text)
    ruleset = runtime.load(doc)
    for item in gap.extra["regions"]:
        got = ruleset.evaluate(item["witness"]).decisions["site of care"]
        assert got.status == "undecided" and list(got.needs) == [], item


def test_suggested_cases_use_typical_values(tmp_path):
    import yaml

    from clinrules.testing.coverage import coverage_of_paths
    from clinrules.testing.suggest import suggest

    fixture = yaml.safe_load((CONFORMANCE / "fixtures" / "curb-65.yaml").read_text(encoding="utf-8"))
    fixture["ruleset"] = str(CONFORMANCE / "rulesets" / "curb-65.rules")
    fixture["cases"] = fixture["cases"][:1]
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(fixture), encoding="utf-8")
    rc = coverage_of_paths([tmp_path / "c.yaml"]).rulesets[0]
    made, unmade = suggest(rc, ["rules"])
    assert not unmade and len(made) == 3
    moderate = made[0].cases[0].given
    assert moderate == {"new confusion": True, "urea": "30 mg/dL", "respiratory rate": "16 /min",
                        "systolic blood pressure": "89 mmHg", "diastolic blood pressure": "75 mmHg",
                        "age": "50 years"}
