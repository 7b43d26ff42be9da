"""Coverage metrics on small real rulesets, each checked by hand."""

from __future__ import annotations

import textwrap
from fractions import Fraction
from pathlib import Path

import pytest

from clinrules.testing.coverage import coverage_of_paths
from clinrules.testing.coverage_model import percent_text, percent_value


def measure(tmp_path: Path, rules: str, fixture: str):
    (tmp_path / "r.rules").write_text(textwrap.dedent(rules), encoding="utf-8")
    (tmp_path / "r.yaml").write_text("ruleset: r.rules\n" + textwrap.dedent(fixture), encoding="utf-8")
    run = coverage_of_paths([tmp_path / "r.yaml"])
    assert not run.diagnostics, run.diagnostics
    (rc,) = run.rulesets
    return rc


def missing(metric) -> list[tuple]:
    out = []
    for item in metric.missing:
        d = item.as_dict()
        out.append((d["line"], d["column"], d.get("outcome") or d.get("side") or d.get("rule")
                    or d.get("option") or d.get("input")))
    return out


FEVER = """\
    ruleset "Fever advice" version 1.0.0
    source 1: "A guideline, 2025"
    input temperature: number in Cel from 30 to 45
    input cough: yes/no
    decision advice: one of [rest, see doctor]
    rule high fever:
      IF temperature > 38 Cel
      THEN see doctor
      BECAUSE "x" [1]
    """


def test_rule_firing_in_every_case_can_leave_its_boundary_untested(tmp_path):
    rc = measure(tmp_path, FEVER, """\
        cases:
          - name: hot
            given: {temperature: 39 Cel}
            expect: {advice: see doctor}
          - name: very hot
            given: {temperature: 40.5 Cel}
            expect: {advice: see doctor}
        """)
    assert (rc.metrics["rules"].covered, rc.metrics["rules"].total) == (1, 1)
    assert rc.metrics["rules"].percent == 100.0
    boundaries = rc.metrics["boundaries"]
    assert (boundaries.covered, boundaries.total) == (1, 3)
    assert boundaries.percent == 33.3
    assert missing(boundaries) == [(7, 6, "below"), (7, 6, "at")]
    assert boundaries.missing[0].as_dict()["threshold"] == "38 Cel"
    # `rest` is never chosen: the options metric says so, at the decision
    assert missing(rc.metrics["options"]) == [(5, 1, "rest")]


def test_boundary_cases_at_and_around_the_threshold_cover_it(tmp_path):
    rc = measure(tmp_path, FEVER, """\
        cases:
          - {name: at, given: {temperature: 38 Cel}, expect: {advice: undecided}}
          - {name: below, given: {temperature: 37.9 Cel}, expect: {advice: undecided}}
          - {name: above, given: {temperature: 38.1 Cel}, expect: {advice: see doctor}}
        """)
    b = rc.metrics["boundaries"]
    assert (b.covered, b.total) == (3, 3)
    assert dict(zip([i.get("side") for i in b.items], b.covered_by)) == {
        "below": ("below",), "at": ("at",), "above": ("above",)}


def test_sides_outside_the_range_are_not_counted(tmp_path):
    rc = measure(tmp_path, """\
        ruleset "Edge" version 1.0.0
        source 1: "A guideline, 2025"
        input temperature: number in Cel from 30 to 45
        decision advice: one of [warm]
        rule warm:
          IF temperature >= 30 Cel OR temperature between 40 Cel and 45 Cel
          THEN warm
          BECAUSE "x" [1]
        """, """\
        cases:
          - {name: a, given: {temperature: 30 Cel}, expect: {advice: warm}}
        """)
    b = rc.metrics["boundaries"]
    # >= 30: at, above (no value below the range); between: 40 below/at/above, 45 below/at
    assert [(i.text, i.get("threshold"), i.get("side")) for i in b.items] == [
        ("temperature >= 30 Cel", "30 Cel", "at"),
        ("temperature >= 30 Cel", "30 Cel", "above"),
        ("temperature between 40 Cel and 45 Cel", "40 Cel", "below"),
        ("temperature between 40 Cel and 45 Cel", "40 Cel", "at"),
        ("temperature between 40 Cel and 45 Cel", "40 Cel", "above"),
        ("temperature between 40 Cel and 45 Cel", "45 Cel", "below"),
        ("temperature between 40 Cel and 45 Cel", "45 Cel", "at"),
    ]
    assert (b.covered, b.total) == (3, 7)  # 30 is at 30, below 40, below 45


def test_thresholds_compare_exactly_after_unit_conversion(tmp_path):
    rc = measure(tmp_path, """\
        ruleset "Duration" version 1.0.0
        source 1: "A guideline, 2025"
        input duration: number in weeks from 0 to 520
        decision imaging: one of [MRI]
        rule persistent:
          IF duration >= 6 weeks
          THEN MRI
          BECAUSE "x" [1]
        """, """\
        cases:
          - {name: 42 days, given: {duration: 42 days}, expect: {imaging: MRI}}
          - {name: 1007 hours, given: {duration: 1007 h}, expect: {imaging: undecided}}
        """)
    b = rc.metrics["boundaries"]
    assert dict(zip([i.get("side") for i in b.items], b.covered_by)) == {
        "below": ("1007 hours",), "at": ("42 days",), "above": ()}


SCORE = """\
    ruleset "Throat" version 1.0.0
      applies when sore throat
    source 1: "A guideline, 2025"
    input sore throat: yes/no
    input fever: yes/no
    input swollen tonsils: yes/no
    input cough: yes/no
    input age: number in years from 0 to 120
    define centor: score of [fever: 1, swollen tonsils: 1, no cough: 1]
    decision test: one of [rapid strep test, no test]
    rule likely strep:
      IF centor >= 2 AND age > 3 years
      THEN rapid strep test
      BECAUSE "x" [1]
    rule unlikely strep:
      OTHERWISE no test
      BECAUSE "y" [1]
    """


def test_score_thresholds_use_the_observed_score(tmp_path):
    rc = measure(tmp_path, SCORE, """\
        defaults: {sore throat: yes, cough: yes, age: 30 years}
        cases:
          - {name: two, given: {fever: yes, swollen tonsils: yes}, expect: {test: rapid strep test}}
          - {name: one, given: {fever: yes, swollen tonsils: no}, expect: {test: no test}}
          - {name: unknown score, given: {fever: null, swollen tonsils: no}, expect: {test: no test}}
        """)
    b = rc.metrics["boundaries"]
    score = [(i.get("side"), by) for i, by in zip(b.items, b.covered_by) if i.get("score")]
    # centor is 0..3: below (1), at (2), above (3); the unknown-fever case has no score
    assert score == [("below", ("one",)), ("at", ("two",)), ("above", ())]


def test_condition_outcomes_count_only_inside_the_scope(tmp_path):
    rc = measure(tmp_path, SCORE, """\
        defaults: {cough: yes, age: 30 years, swollen tonsils: no}
        cases:
          - {name: in scope, given: {sore throat: yes, fever: yes}, expect: {test: no test}}
          - {name: out of scope, given: {sore throat: no, fever: no}, expect: {test: not applicable}}
        """)
    c = rc.metrics["conditions"]
    seen = {(i.text, i.get("outcome")): by for i, by in zip(c.items, c.covered_by)}
    # the scope's own condition counts in every case
    assert seen[("sore throat", "yes")] == ("in scope",)
    assert seen[("sore throat", "no")] == ("out of scope",)
    # rule conditions only inside it: fever was `no` only outside the scope
    assert seen[("fever", "yes")] == ("in scope",)
    assert seen[("fever", "no")] == ()
    # atoms: sore throat, fever, swollen tonsils, cough, centor >= 2, age > 3 years
    assert (c.covered, c.total) == (7, 12)
    assert (9, 26, "no") in missing(c)  # `fever` in the score, line 9, column 26


def test_rules_and_options(tmp_path):
    rc = measure(tmp_path, """\
        ruleset "Options" version 1.0.0
        source 1: "A guideline, 2025"
        input a: yes/no
        input b: yes/no
        decision plan: one of [x, y, z]
        decision tests: any of [t1, t2]
        rule ra:
          IF a THEN x, t1 BECAUSE "x" [1]
        rule rb:
          IF b AND NOT a THEN y BECAUSE "y" [1]
        rule rest:
          OTHERWISE z BECAUSE "z" [1]
        rule tests two:
          IF b THEN t2 BECAUSE "t" [1]
        """, """\
        cases:
          - {name: a only, given: {a: yes, b: no}, expect: {plan: x, tests: [t1]}}
          - {name: both, given: {a: yes, b: yes}, expect: {plan: x, tests: [t1, t2]}}
        """)
    r = rc.metrics["rules"]
    assert [(i.text, by) for i, by in zip(r.items, r.covered_by)] == [
        ("ra", ("a only", "both")), ("rb", ()), ("rest", ()), ("tests two", ("both",))]
    assert missing(r) == [(9, 1, "rb"), (11, 1, "rest")]
    o = rc.metrics["options"]
    assert [(i.text, by) for i, by in zip(o.items, o.covered_by)] == [
        ("plan: x", ("a only", "both")), ("plan: y", ()), ("plan: z", ()),
        ("tests: t1", ("a only", "both")), ("tests: t2", ("both",))]
    assert o.missing[0].as_dict() == {
        "what": "option", "text": "plan: y", "line": 5, "column": 1, "decision": "plan", "option": "y"}
    assert o.percent == 60.0


MCDC = """\
    ruleset "MCDC" version 1.0.0
    source 1: "A guideline, 2025"
    input a: yes/no
    input b: yes/no
    input c: yes/no
    decision d: any of [x]
    define either: b OR c
    rule r:
      IF a AND either THEN x BECAUSE "x" [1]
    """


def _pairs(metric):
    return {i.text.split(" in rule ")[0]: by for i, by in zip(metric.items, metric.covered_by)}


def test_mcdc_unique_cause_pairs_through_a_definition(tmp_path):
    rc = measure(tmp_path, MCDC, """\
        cases:
          - {name: Y, given: {a: yes, b: yes, c: no}, expect: {d: [x]}}
          - {name: N1, given: {a: no, b: yes, c: no}, expect: {d: []}}
          - {name: N2, given: {a: yes, b: no, c: no}, expect: {d: []}}
        """)
    m = rc.metrics["mcdc"]
    assert _pairs(m) == {"a": ("Y", "N1"), "b": ("Y", "N2"), "c": ()}
    assert (m.covered, m.total) == (2, 3)
    (gap,) = m.missing
    assert gap.as_dict()["line"] == 7 and gap.as_dict()["rule"] == "r"


def test_mcdc_allows_a_masked_condition_to_differ(tmp_path):
    rc = measure(tmp_path, MCDC, """\
        cases:
          - {name: Y, given: {a: yes, b: yes, c: yes}, expect: {d: [x]}}
          - {name: N, given: {a: no, b: yes, c: no}, expect: {d: []}}
        """)
    # c differs, but b is yes in both, so the OR masks c: the pair shows a
    assert _pairs(rc.metrics["mcdc"])["a"] == ("Y", "N")


def test_mcdc_rejects_pairs_where_another_condition_also_matters(tmp_path):
    rc = measure(tmp_path, MCDC, """\
        cases:
          - {name: Y, given: {a: yes, b: yes, c: no}, expect: {d: [x]}}
          - {name: N, given: {a: no, b: no, c: no}, expect: {d: []}}
        """)
    # b changed too and is not masked when a is yes: neither a nor b is shown
    assert _pairs(rc.metrics["mcdc"]) == {"a": (), "b": (), "c": ()}


def test_unknown_values_never_cover_a_condition_outcome(tmp_path):
    rc = measure(tmp_path, MCDC, """\
        cases:
          - {name: all unknown, given: {}, expect: {d: undecided}}
        """)
    c = rc.metrics["conditions"]
    assert c.covered == 0 and c.total == 6
    assert rc.metrics["mcdc"].covered == 0
    m = rc.metrics["missing_data"]
    assert (m.covered, m.total) == (3, 3)


def test_missing_data_counts_inputs_that_rules_read(tmp_path):
    rc = measure(tmp_path, """\
        ruleset "Missing" version 1.0.0
        source 1: "A guideline, 2025"
        input fever: yes/no
        input ESR: number in mm/h from 0 to 200
        input note: yes/no
        decision plan: one of [labs]
        define inflamed: ESR > 20 mm/h
        rule r:
          IF fever OR inflamed THEN labs BECAUSE "x" [1]
        """, """\
        cases:
          - {name: no ESR, given: {fever: yes, ESR: null, note: no}, expect: {plan: labs}}
        """)
    m = rc.metrics["missing_data"]
    # `note` is read by no rule: not an item
    assert [(i.get("input"), by) for i, by in zip(m.items, m.covered_by)] == [
        ("fever", ()), ("ESR", ("no ESR",))]
    assert missing(m) == [(3, 1, "fever")]


def test_percentages_never_round_up_to_100():
    assert percent_value(1999, 2000) == 99.9
    assert percent_value(19999, 20000) == 99.9
    assert percent_text(2, 3) == "66.6"
    assert percent_value(0, 0) == 100.0


def test_fail_under_compares_exactly(tmp_path):
    rc = measure(tmp_path, FEVER, """\
        cases:
          - {name: hot, given: {temperature: 39 Cel}, expect: {advice: see doctor}}
        """)
    b = rc.metrics["boundaries"]  # 1 of 3
    assert b.under(Fraction(3334, 100))
    assert not b.under(Fraction(100, 3))


def test_json_shape(tmp_path):
    rc = measure(tmp_path, FEVER, """\
        cases:
          - {name: hot, given: {temperature: 39 Cel}, expect: {advice: see doctor}}
        """)
    data = rc.as_dict()
    assert set(data["metrics"]) == {"rules", "options", "conditions", "mcdc", "boundaries", "missing_data"}
    b = data["metrics"]["boundaries"]
    assert {k: b[k] for k in ("covered", "total", "percent")} == {"covered": 1, "total": 3, "percent": 33.3}
    assert b["missing"][0] == {
        "what": "boundary", "text": "temperature > 38 Cel", "line": 7, "column": 6, "id": b["missing"][0]["id"],
        "input": "temperature", "threshold": "38 Cel", "exact": "38", "side": "below"}


@pytest.mark.parametrize("given, covered", [("{cough: yes}", 0), ("{temperature: 39 Cel}", 1)])
def test_cases_the_runtime_rejects_cover_nothing(tmp_path, given, covered):
    rc = measure(tmp_path, FEVER, f"""\
        cases:
          - {{name: bad, given: {{temperature: 99 Cel}}, expect: {{advice: see doctor}}}}
          - {{name: ok, given: {given}, expect: {{advice: see doctor}}}}
        """)
    assert [o.name for o in rc.observations] == ["ok"]
    assert rc.metrics["rules"].covered == covered


def _without_places(doc: dict, rule_name: str) -> dict:
    """The document with every position of one rule (and its condition) removed."""
    import copy

    from clinrules.testing import coverage_ir as ir

    doc = copy.deepcopy(doc)
    rule = next(r for r in doc["rules"] if r["name"] == rule_name)
    del rule["at"]
    for node in ir.walk(rule["condition"]):
        del node["at"]
    return doc


def test_items_without_a_position_have_null_line_and_column_and_every_renderer_copes(tmp_path):
    from clinrules.testing.coverage_lines import (
        branches,
        describe_item,
        line_marks,
        unplaced,
    )
    from clinrules.testing.coverage_metrics import measure as measure_doc
    from clinrules.testing.coverage_model import RulesetCoverage
    from clinrules.testing.coverage_text import render_ruleset as render_text
    from clinrules.testing.html_report import render_ruleset as render_html

    placed = measure(tmp_path, FEVER, """\
        cases:
          - {name: mild, given: {temperature: 37 Cel, cough: no}, expect: {advice: undecided}}
        """)
    doc = _without_places(placed.doc, "high fever")
    rc = RulesetCoverage(placed.ruleset, doc, placed.observations, measure_doc(doc, placed.observations),
                         placed.path)
    assert missing(rc.metrics["rules"]) == [(None, None, "high fever")]
    assert rc.as_dict()["metrics"]["rules"]["missing"][0]["line"] is None
    assert {(d["line"], d["column"]) for d in rc.as_dict()["metrics"]["mcdc"]["missing"]} == {(None, None)}
    assert rc.as_dict()["metrics"]["mcdc"]["missing"][0]["rule_line"] is None
    # what keeps its place is unchanged
    assert missing(rc.metrics["missing_data"]) == [(3, 1, "temperature")]

    text = render_text(rc)
    assert f"    {rc.ruleset}: rule `high fever` fires\n" in text
    assert f"    {rc.ruleset}:3:1: `temperature` left unknown\n" in text
    assert None not in line_marks(rc) and 7 not in line_marks(rc)
    nowhere = unplaced(rc)
    assert nowhere.line is None and nowhere.status == "partial"  # `no` of the condition was seen
    assert "rule `high fever` fires" in [describe_item(i) for i in nowhere.missing]
    assert all(b.line is not None for b in branches(rc))
    assert unplaced(placed) is None

    html = render_html(rc)
    row = html.split('<tr id="Lnone"', 1)[1].split("</tr>", 1)[0]
    assert 'class="partial"' in row and "(no line)" in row and "rule `high fever` fires" in row
    assert '<span class="case">mild</span>' in row
    assert '<tr id="Lnone"' not in render_html(placed)

    from clinrules.testing.suggest import Unsuggested, render_yaml

    (rule_item,) = rc.metrics["rules"].missing
    yaml_text = render_yaml(rc, [], [Unsuggested("rules", rule_item, "no patient")])
    assert "# not suggested: rule `high fever` fires: no patient\n" in yaml_text
