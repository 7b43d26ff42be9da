"""`find_patient`: a whole patient for a condition tree, or None."""

from __future__ import annotations

from pathlib import Path

from clinrules import runtime
from clinrules.lint import find_patient
from tests.lint.conftest import compile_rules

EXAMPLE = Path(__file__).with_name("data") / "cervicogenic.rules"


def _doc():
    return compile_rules(EXAMPLE.read_text(), "cervicogenic.rules")


def test_patient_for_a_rule_node_replays():
    doc = _doc()
    rule = next(r for r in doc["rules"] if r["name"] == "red flags need imaging")
    patient = find_patient(doc, {"op": "node", "id": rule["condition"]["id"]})
    assert patient is not None
    assert patient["upper back pain"] is True and patient["cervicogenic dizziness"] is True
    result = runtime.load(doc).evaluate(patient)
    assert "red flags need imaging" in result.fired


def test_patient_for_a_new_threshold_and_for_the_impossible():
    doc = _doc()
    cond = {"op": "and", "form": "and", "grouped": False, "id": 10_000, "at": {"line": 1, "column": 1},
            "text": "", "args": [
                {"op": "compare", "input": "esr", "cmp": ">", "value": "150", "written": "150 mm/h",
                 "id": 10_001, "at": {"line": 1, "column": 1}, "text": "ESR > 150 mm/h"},
                {"op": "not", "form": "not", "id": 10_002, "at": {"line": 1, "column": 1}, "text": "",
                 "arg": {"op": "input", "input": "fever", "id": 10_003, "at": {"line": 1, "column": 1},
                         "text": "fever"}}]}
    patient = find_patient(doc, cond)
    assert patient["ESR"] == "151 mm/h" and patient["fever"] is False
    impossible = dict(cond, args=[dict(cond["args"][0], value="250")])
    assert find_patient(doc, impossible) is None
    assert find_patient(doc, {"op": "const", "value": False}) is None
    assert find_patient(doc, {"op": "const", "value": True})["upper back pain"] is True
