"""Explain: every node's value, the trace of fired rules, and the text for clinicians."""

SEED = """
ruleset "Imaging" version 1.0.0 applies when upper back pain
source 2: "Causes of Right-Sided Neck Pain, 2026"
input upper back pain: yes/no
input duration: number in weeks from 0 to 520
input fever: yes/no
input history of malignancy: yes/no
input ESR: number in mm/h from 0 to 200
define red flags: any of [fever, history of malignancy, ESR > 20 mm/h]
decision imaging: one of [no imaging, MRI]
rule late: IF duration > 6 weeks AND no red flags THEN MRI BECAUSE "Persistent symptoms warrant MRI." [2]
rule flags: IF red flags THEN MRI
"""

PATIENT = {"upper back pain": True, "duration": "7 weeks", "fever": "no", "history of malignancy": False, "ESR": "10 mm/h"}


def test_trace_of_a_fired_rule(build):
    r = build(SEED).evaluate(PATIENT, explain=True)
    trace = r.to_json()["trace"]
    assert trace == {
        "late": [
            {"condition": "duration > 6 weeks", "value": "yes", "saw": {"duration": "7 weeks"}},
            {
                "condition": "no red flags",
                "value": "yes",
                "saw": {"fever": "no", "history of malignancy": "no", "ESR": "10 mm/h"},
            },
        ]
    }


def test_condition_values_cover_every_node_without_short_circuit(build):
    rs = build(SEED)
    r = rs.evaluate({**PATIENT, "fever": True}, explain=True)
    ids = set()

    def walk(node):
        ids.add(node["id"])
        for child in [node.get("arg")] + list(node.get("args") or ()):
            if child:
                walk(child)

    walk(rs.doc["scope"])
    for d in rs.doc["definitions"]:
        walk(d["condition"])
    for rule in rs.doc["rules"]:
        walk(rule["condition"])
    assert set(r.condition_values) == ids
    # the OR is yes through fever, and its other parts were still evaluated
    by_text = {}
    for d in rs.doc["definitions"]:
        for a in d["condition"]["args"]:
            by_text[a["text"]] = r.condition_values[a["id"]]
    assert by_text == {"fever": "yes", "history of malignancy": "no", "ESR > 20 mm/h": "no"}
    assert r.rule_values == {"late": "no", "flags": "yes"}


def test_explain_text_for_clinicians(build):
    text = build(SEED).evaluate(PATIENT, explain=True).explain_text()
    assert "imaging: MRI" in text
    assert "rule `late` fired" in text
    assert (
        "why: duration 7 weeks > 6 weeks: yes; no red flags: yes "
        "(fever no, history of malignancy no, ESR 10 mm/h)"
    ) in text
    assert "because: Persistent symptoms warrant MRI. [2]" in text
    assert "[2] Causes of Right-Sided Neck Pain, 2026" in text


def test_explain_text_for_undecided_and_out_of_scope(build):
    rs = build(SEED)
    text = rs.evaluate({**PATIENT, "duration": "2 weeks", "ESR": None}).explain_text()
    assert "imaging: undecided" in text and "needs: ESR" in text
    text = rs.evaluate({**PATIENT, "upper back pain": False}).explain_text()
    assert "Does not apply to this patient: applies when upper back pain is no." in text
    assert "imaging: not applicable" in text


def test_json_output_is_deterministic(build):
    import json

    rs = build(SEED)
    one = json.dumps(rs.evaluate(PATIENT, explain=True).to_json())
    two = json.dumps(build(SEED).evaluate(dict(reversed(PATIENT.items())), explain=True).to_json())
    assert one == two
    assert list(json.loads(one)) == ["applicable", "decisions", "fired", "needs", "citations", "trace"]


CURB = """
ruleset "CURB-65"
input confusion: yes/no
input urea: number in mmol/L from 0 to 100
input respiratory rate: number in /min from 0 to 80
input age: number in years from 18 to 120
define CURB-65: score of [confusion: 1, urea > 7 mmol/L: 1, respiratory rate >= 30 /min: 1,
                          age between 65 and 74 years: 1, age >= 75 years: 2]
decision site of care: one of [home, hospital]
rule low: IF CURB-65 <= 1 THEN home
rule high: IF CURB-65 >= 2 THEN hospital
"""


def test_undecided_score_says_which_values_it_can_still_take(build):
    r = build(CURB).evaluate({"confusion": False, "respiratory rate": 20, "age": "70 years"}, explain=True)
    d = r.decisions["site of care"]
    assert d.needs == ["urea"]
    assert [(s.name, s.values, s.unknown) for s in d.scores] == [("CURB-65", ("1", "2"), ("urea",))]
    text = r.explain_text()
    assert "CURB-65 is 1 or 2: urea unknown" in text
    assert "unknown whether they fire: `low`, `high`" in text
    assert "home if urea at most 7 mmol/L" in text and "hospital if urea more than 7 mmol/L" in text
    assert r.to_json()["decisions"]["site of care"]["scores"] == [
        {"score": "CURB-65", "values": ["1", "2"], "unknown": ["urea"]}]


def test_score_values_are_exact_for_banded_items_on_one_input(build):
    # age unknown: 0, 1 (65-74) or 2 (>= 75), never 3 (both bands at once)
    r = build(CURB).evaluate({"confusion": False, "urea": 5, "respiratory rate": 20}, explain=True)
    (score,) = r.decisions["site of care"].scores
    assert score.values == ("0", "1", "2")


def test_otherwise_names_the_conditions_that_did_not_fire(build):
    text = """
    ruleset "t"
    input fever: yes/no
    input cough: yes/no
    decision advice: one of [rest, see a doctor]
    rule fever needs a doctor: IF fever THEN see a doctor
    rule cough needs a doctor: IF cough AND fever THEN see a doctor
    rule default: OTHERWISE rest
    """
    out = build(text).evaluate({"fever": False, "cough": True}, explain=True).explain_text()
    assert "rule `fever needs a doctor` did not fire: fever: no" in out
    assert "rule `cough needs a doctor` did not fire: cough AND fever: no" in out
