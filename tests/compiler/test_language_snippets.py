"""Every code snippet of LANGUAGE.md compiles, and each compiled document
validates against the shipped schema.

The whole example is compiled as it stands; the fragments of the tables
(statement forms, input types, units, condition forms, actions) are
wrapped in a minimal ruleset that declares the names they use.
"""

from __future__ import annotations

import pytest

from clinrules.compiler import compile_source
from clinrules.schemas import validator

PRELUDE = """\
ruleset "Snippets" version 1.0.0
source 1: "A guideline"
source 2: "Another guideline"
input upper back pain: yes/no
input fever: yes/no
input history of malignancy: yes/no
input duration: number in weeks from 0 to 520
input ESR: number in mm/h from 0 to 200
input side: one of [left, right, both]
input marker 1: yes/no
define elevated inflammatory markers: ESR > 20 mm/h
define red flags: any of [fever, history of malignancy, elevated inflammatory markers]
decision imaging: one of [no imaging, MRI cervical spine without contrast]
"""


def compiles(text: str) -> dict:
    doc = compile_source(text, "snippet.rules")
    assert list(validator("compiled-ruleset").iter_errors(doc)) == []
    return doc


def test_the_whole_example(example):
    doc = compiles(example)
    assert [r["name"] for r in doc["rules"]] == ["early conservative care", "rule 2", "red flags need imaging"]


# --- statements ------------------------------------------------------------------

STATEMENTS = [
    'ruleset "Title only"',
    'ruleset "With version" version 1.0.0',
    'ruleset "With scope" applies when fever',
    'ruleset "Both" version 2.3.4 applies when NOT fever',
    'source 7: "Causes of Right-Sided Neck Pain. Practical Summaries of Clinical Guidelines, 2026"',
    "input smoker: yes/no",
    "input count: number",
    "input pain score: number from 0 to 10",
    "input weight: number in kg from 0 to 500",
    "input laterality: one of [left, right, both]",
    "define acute: duration < 6 weeks",
    "define wells: score of [fever: 1.5, history of malignancy: 1, side is left: -1]",
    "decision follow up: one of [phone call, visit]",
    "decision follow up: one of [phone call, visit] with priority",
    "decision follow up: one of [phone call, visit] first match",
    "decision extras: any of [leaflet, physio]",
    "code fever: SNOMED 386661006",
    "code ESR: LOINC 4537-7",
    "code MRI cervical spine without contrast: CPT 72141",
    "code history of malignancy: ICD-10 Z85.9",
    'rule early conservative care: IF duration < 6 weeks AND no red flags THEN no imaging '
    'BECAUSE "Acute symptoms typically resolve." [1, 2]',
    "IF duration > 6 weeks AND no red flags THEN MRI cervical spine without contrast",
    'rule default: OTHERWISE no imaging BECAUSE "Nothing else applies." [1]',
    "rule default: OTHERWISE no imaging",
]


@pytest.mark.parametrize("statement", STATEMENTS)
def test_statement_forms(statement):
    if statement.startswith("ruleset"):
        compiles(statement + "\n" + PRELUDE.split("\n", 1)[1])
    else:
        compiles(PRELUDE + statement + "\n")


# --- names ----------------------------------------------------------------------

NAMES = [
    "fever", "red flags", "history of malignancy", "MRI cervical spine without contrast", "type 2 diabetes",
    "C2-C7 pain", "marker 2", "pain of no concern", "pain not otherwise specified", "pain with numbness",
    "O'Brien sign", "head/neck pain",
]


@pytest.mark.parametrize("name", NAMES)
def test_names(name):
    key = " ".join(name.split()).casefold()
    text = PRELUDE.replace("input marker 1: yes/no", "") if name == "fever" else PRELUDE
    if name in ("fever", "red flags", "history of malignancy", "MRI cervical spine without contrast"):
        doc = compiles(text)
    else:
        doc = compiles(text + f"input {name}: yes/no\nrule r: IF {name.upper()} THEN no imaging\n")
        assert doc["rules"][0]["condition"]["input"] == key
    names = {i["name"] for i in doc["inputs"]} | {d["name"] for d in doc["definitions"]}
    names |= {o["name"] for d in doc["decisions"] for o in d["options"]}
    assert name in names


def test_quoted_name_holding_an_ending_word():
    doc = compiles(PRELUDE + 'input "nausea and vomiting": yes/no\n'
                   'rule r: IF "Nausea  and vomiting" THEN no imaging\n')
    assert doc["rules"][0]["condition"]["input"] == "nausea and vomiting"


def test_keywords_are_case_insensitive_and_layout_is_free():
    doc = compiles(PRELUDE + "RULE Shout:\n  if fever\n    aNd\n  NO red flags then\n no imaging  # note\n"
                   "If Fever Or Red Flags Then MRI cervical spine without contrast\n")
    assert [r["name"] for r in doc["rules"]] == ["Shout", "rule 2"]


# --- input types and units -----------------------------------------------------------

UNITS = [
    "min", "h", "hours", "hour", "d", "days", "day", "wk", "weeks", "week", "mo", "months", "month",
    "a", "y", "years", "year", "mm/h", "mg/L", "mg/dL", "mmol/L", "g/dL", "10*9/L", "%", "/min", "mmHg",
    "kg", "cm", "Cel", "°C",
]


@pytest.mark.parametrize("unit", UNITS)
def test_units_named_by_the_language(unit):
    doc = compiles(PRELUDE + f"input level: number in {unit} from 0 to 100\n"
                   f"rule r: IF level > 5 {unit} THEN no imaging\n")
    level = next(i for i in doc["inputs"] if i["key"] == "level")
    assert level["type"] == "quantity" and level["unit_written"] == unit
    assert doc["rules"][0]["condition"]["value"] == "5"


def test_six_weeks_is_forty_two_days():
    doc = compiles(PRELUDE + "rule r: IF duration > 42 days THEN no imaging\n")
    assert doc["rules"][0]["condition"]["value"] == "6"


# --- conditions -------------------------------------------------------------------------

CONDITIONS = [
    "fever", "elevated inflammatory markers", "NOT fever", "no red flags", "no fever",
    "fever AND history of malignancy", "fever OR history of malignancy", "(fever OR red flags) AND upper back pain",
    "duration > 6 weeks", "duration >= 6 weeks", "duration < 6 weeks", "duration <= 6 weeks",
    "duration = 6 weeks", "duration != 6 weeks", "duration is at least 6 weeks", "duration is at most 6 weeks",
    "duration is more than 6 weeks", "duration is less than 6 weeks", "duration between 2 and 6 weeks",
    "ESR between 10 mm/h and 20 mm/h", "side is left", "side is not left", "side is one of [left, right]",
    "ESR is missing", "ESR is known", "any of [fever, history of malignancy]", "all of [fever, upper back pain]",
    "none of [fever, history of malignancy]", "at least 2 of [fever, history of malignancy, upper back pain]",
    "duration > 8 weeks AND duration < 6 weeks", "upper back pain AND fever OR history of malignancy",
]


@pytest.mark.parametrize("condition", CONDITIONS)
def test_condition_forms(condition):
    compiles(PRELUDE + f"rule r: IF {condition} THEN no imaging\n")


def test_score_comparison():
    compiles(PRELUDE + "define wells: score of [fever: 1.5, history of malignancy: 1]\n"
             "rule r: IF wells >= 2 THEN no imaging\n")


# --- actions ----------------------------------------------------------------------------------


def test_actions_separated_by_comma_or_and_and_qualified_shared_options():
    doc = compiles(PRELUDE + "decision advice: any of [no imaging, rest, leaflet]\n"
                   "rule r: IF fever THEN imaging: no imaging, advice: no imaging AND rest, leaflet\n")
    assert doc["rules"][0]["actions"] == [
        {"decision": "imaging", "option": "no imaging"}, {"decision": "advice", "option": "no imaging"},
        {"decision": "advice", "option": "rest"}, {"decision": "advice", "option": "leaflet"}]
