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
