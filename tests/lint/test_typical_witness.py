"""Witnesses a clinician recognises: `typical V` on a number input, else the
middle of its range; the value shown is inside the region, nearest that
value, at the coarsest precision that fits, and replays through the runtime
(`lint_text` replays every witness)."""

from __future__ import annotations

from fractions import Fraction as F

import pytest

from clinrules.compiler import compile_source
from clinrules.dsl.format import format_source
from clinrules.errors import RulesError
from clinrules.space.regions import Region
from tests.lint.conftest import lint_text

VITALS = '''ruleset "Vitals" version 1.0.0
source 1: "s"
input respiratory rate: number in /min from 0 to 80, typical 16
input systolic blood pressure: number in mmHg from 0 to 300 typical 120 mmHg
input oxygen saturation: number in % from 50 to 100
decision review: one of [routine, urgent]
rule fast breathing: IF respiratory rate >= 30 /min THEN urgent BECAUSE "x" [1]
rule low pressure: IF systolic blood pressure < 90 mmHg THEN urgent BECAUSE "x" [1]
rule low saturation: IF oxygen saturation < 92 % THEN urgent BECAUSE "x" [1]
rule well: IF respiratory rate < 20 /min AND systolic blood pressure > 100 mmHg AND oxygen saturation >= 92 %
  THEN routine BECAUSE "x" [1]
'''


@pytest.mark.parametrize("region,near,shown", [
    (Region(F(0), F(90), False), F(120), F(89)),         # nearest whole number below the threshold
    (Region(F(30), F(80), False), F(16), F(31)),
    (Region(F(20), F(30), False), F(25), F(25)),          # the typical value itself, when inside
    (Region(F(7), F("7.5"), False), F(5), F("7.1")),      # no whole number fits: tenths
    (Region(F(0), F(92), False), F(75), F(75)),          # the middle of 50 to 100 %
    (Region(None, F(10, 7), False), F(5), F(1)),
    (Region(F(36), None, False), F("36.8"), F("36.8")),
    (Region(F(6), F(6), True), F(16), F(6)),               # a point is itself
])
def test_the_value_inside_a_region_nearest_the_typical_one(region, near, shown):
    assert region.nice(near) == shown


def test_without_a_typical_value_or_range_the_old_short_value_stays():
    assert Region(F(30), F(80), False).nice() == 31
    assert Region(None, F(90), False).nice() == 89


def test_gap_witness_is_near_typical_values_and_the_middle_of_ranges():
    gaps = lint_text(VITALS, codes={"gap"})
    # a pressure of 90 to 100 mmHg just under 100, breathing at the typical 16 /min, the
    # saturation nearest the middle of 50 to 100 % above 92 %
    assert [g.witness for g in gaps] == [
        {"respiratory rate": "16 /min", "systolic blood pressure": "99 mmHg", "oxygen saturation": "93 %"},
        {"respiratory rate": "21 /min", "systolic blood pressure": "120 mmHg", "oxygen saturation": "93 %"},
    ]


def test_conflict_witness_values_are_plausible():
    conflicts = lint_text(VITALS.replace("< 90 mmHg THEN urgent", "< 90 mmHg THEN routine"), codes={"conflict"})
    witness = conflicts[0].witness
    assert witness["systolic blood pressure"] == "89 mmHg"
    assert witness["respiratory rate"] in ("16 /min", "30 /min", "31 /min")


def test_typical_is_compiled_in_the_input_unit_and_checked_against_the_range():
    doc = compile_source('ruleset "T"\ninput duration: number in weeks from 0 to 520, typical 14 days\n'
                         'input temperature: number in Cel from 30 to 45 typical 98.6 [degF]\n'
                         'input count: number typical 3\ninput fever: yes/no\n', "t.rules")
    by_name = {i["name"]: i for i in doc["inputs"]}
    assert by_name["duration"]["typical"] == "2"
    assert by_name["temperature"]["typical"] == "37"
    assert by_name["count"]["typical"] == "3"
    assert by_name["fever"]["typical"] is None


@pytest.mark.parametrize("declaration,code,words", [
    ("input fever: yes/no, typical 1", "typical-on-type", "`fever` is a yes/no input; only numbers have a typical value"),
    ("input rr: number in /min from 0 to 80, typical 90", "typical-out-of-range",
     "the typical value `90` of `rr` is outside its range `from 0 to 80`"),
    ("input rr: number in /min from 0 to 80, typical 16 kg", "unit-mismatch", None),
    ("input rr: number in /min from 0 to 80, typical", None, None),
])
def test_bad_typical_values_are_errors_at_their_place(declaration, code, words):
    with pytest.raises(RulesError) as info:
        compile_source(f'ruleset "T"\n{declaration}\n', "t.rules")
    (diag,) = info.value.diagnostics
    assert diag.location.line == 2
    if code is not None and code != "unit-mismatch":
        assert diag.code == code and words in diag.message
    if code == "unit-mismatch":
        assert "kg" in diag.message


def test_typical_is_printed_back_by_the_formatter():
    text = 'ruleset "T"\n\ninput rr: number in /min from 0 to 80 typical 16\ninput typical pain: yes/no\n'
    assert format_source(text, "t.rules") == (
        'ruleset "T"\n\ninput rr: number in /min from 0 to 80, typical 16\ninput typical pain: yes/no\n')
