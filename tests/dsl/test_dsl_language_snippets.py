"""Every form the language reference shows, written as an editor would."""

from __future__ import annotations

import pytest

from clinrules.dsl import ast

from dsl_helpers import parse_body

SNIPPETS = {
    # statements table
    'source 1: "Guideline Directed Topic Overview, 2025"': ast.Source,
    "input upper back pain: yes/no": ast.Input,
    "input pain score: number": ast.Input,
    "input duration: number in weeks from 0 to 520": ast.Input,
    "input side: one of [left, right, both]": ast.Input,
    "define red flags: any of [fever, history of malignancy]": ast.Define,
    "define score: score of [fever: 1, history of malignancy: 2]": ast.Define,
    "decision imaging: one of [no imaging, MRI]": ast.Decision,
    "decision imaging: one of [no imaging, MRI] with priority": ast.Decision,
    "decision imaging: one of [no imaging, MRI] first match": ast.Decision,
    "decision tests: any of [ESR, CRP]": ast.Decision,
    "code MRI cervical spine without contrast: CPT 72141": ast.Code,
    'rule red flags need imaging: IF red flags THEN MRI BECAUSE "Red flags." [2]': ast.Rule,
    "IF duration > 6 weeks AND no red flags THEN MRI cervical spine without contrast": ast.Rule,
    'rule default: OTHERWISE no imaging BECAUSE "Nothing else applies." [1]': ast.Rule,
    "IF a THEN imaging: no imaging": ast.Rule,
    # conditions table
    "define c1: red flags": ast.Define,
    "define c2: NOT fever": ast.Define,
    "define c3: no red flags": ast.Define,
    "define c4: a AND b": ast.Define,
    "define c5: a OR b": ast.Define,
    "define c6: ( a OR b ) AND c": ast.Define,
    "define c7: ESR > 20 mm/h AND ESR >= 20 mm/h AND ESR < 20 mm/h AND ESR <= 20 mm/h AND ESR = 20 mm/h "
    "AND ESR != 20 mm/h": ast.Define,
    "define c8: pain score is at least 4 OR pain score is at most 4 OR pain score is more than 4 "
    "OR pain score is less than 4": ast.Define,
    "define c9: duration between 2 and 6 weeks": ast.Define,
    "define c10: side is left OR side is not left OR side is one of [left, right]": ast.Define,
    "define c11: ESR is missing OR ESR is known": ast.Define,
    "define c12: any of [a, b] AND all of [a, b] AND none of [a, b] AND at least 2 of [a, b, c]": ast.Define,
    # units named by the reference
    "define u1: x > 30 min OR x > 2 h OR x > 2 hours OR x > 3 d OR x > 3 days OR x > 1 wk OR x > 6 weeks": ast.Define,
    "define u2: x > 1 mo OR x > 1.5 months OR x > 1 a OR x > 2 y OR x > 2 years": ast.Define,
    "define u3: x > 20 mm/h OR x > 10 mg/L OR x > 1 mg/dL OR x > 5 mmol/L OR x > 12 g/dL OR x > 11 10*9/L": ast.Define,
    "define u4: x > 92 % OR x > 100 /min OR x > 90 mmHg OR x > 80 kg OR x > 170 cm OR x > 38 Cel OR x > 38 °C": ast.Define,
}


@pytest.mark.parametrize("snippet", list(SNIPPETS))
def test_each_reference_snippet_parses(snippet):
    (statement,) = parse_body(snippet).statements
    assert isinstance(statement, SNIPPETS[snippet])


def test_all_snippets_together_in_one_file():
    rules_file = parse_body("\n".join(SNIPPETS))
    assert [type(s) for s in rules_file.statements] == list(SNIPPETS.values())


def test_units_are_kept_as_written():
    (define,) = parse_body(list(SNIPPETS)[-1]).statements
    assert [arg.value.unit for arg in define.body.args] == ["%", "/min", "mmHg", "kg", "cm", "Cel", "°C"]
