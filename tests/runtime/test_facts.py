"""Bad facts: every problem reported at once, each naming the input; nothing evaluated."""

from fractions import Fraction

import pytest

from clinrules.errors import RulesError

RULES = """
ruleset "t"
input fever: yes/no
input duration: number in weeks from 0 to 520
input ESR: number in mm/h from 0 to 200
input count: number from 0 to 10
input side: one of [left, right, both]
decision d: one of [x]
rule r: IF fever THEN x
"""


@pytest.fixture(scope="module")
def rs(build):
    return build(RULES)


def problems(rs, facts):
    with pytest.raises(RulesError) as info:
        rs.evaluate(facts)
    return [(d.code, d.message, d.hint) for d in info.value.diagnostics]


def test_accepted_spellings(build, rs):
    facts = rs.evaluate(
        {"Fever": "YES", "  duration ": "1.5 months", "esr": {"value": "12", "unit": "mm/h"}, "COUNT": "3", "side": "Right"}
    ).facts
    assert facts == {
        "fever": True,
        "duration": Fraction(45.65625) / 7,
        "esr": Fraction(12),
        "count": Fraction(3),
        "side": "right",
    }
    assert rs.evaluate({"fever": "false", "duration": 7}).facts["fever"] is False
    assert rs.evaluate({}).facts == {"fever": None, "duration": None, "esr": None, "count": None, "side": None}


def test_unknown_input_suggests_the_closest(build, rs):
    assert problems(rs, {"duraton": 3}) == [
        ("bad-fact-unknown-input", "`duraton` is not an input of this ruleset", "did you mean `duration`?")
    ]


def test_wrong_type(build, rs):
    assert problems(rs, {"fever": 1}) == [("bad-fact-type", "`fever` is yes/no: expected yes or no, got 1", None)]
    assert problems(rs, {"side": 2})[0][1] == "`side` is one of [left, right, both]: expected one of the options, got 2"
    assert problems(rs, {"duration": "soon"})[0][1] == "`duration` is a number in weeks: `soon` is not a number"


def test_a_yes_no_value_is_not_a_number(build, rs):
    assert problems(rs, {"count": True}) == [
        ("bad-fact-type", "`count` is a number: got the yes/no value true, not a number", None)
    ]


def test_unknown_unit_suggests(build, rs):
    (code, message, hint), = problems(rs, {"duration": "7 weeeks"})
    assert (code, message) == ("bad-fact-unit", "`duration`: `weeeks` is not a unit of time (it is measured in weeks)")
    assert hint.startswith("did you mean") and "`weeks`" in hint


def test_unit_of_the_wrong_dimension(build, rs):
    (code, message, _), = problems(rs, {"ESR": "3 weeks"})
    assert code == "bad-fact-dimension"
    assert message.startswith("`ESR` is ") and "`weeks` is a unit of time" in message


def test_plain_number_takes_no_unit(build, rs):
    assert problems(rs, {"count": "3 mm/h"})[0][:2] == ("bad-fact-unit", "`count` is a plain number and takes no unit (got `mm/h`)")


def test_option_not_in_list_suggests(build, rs):
    assert problems(rs, {"side": "lefft"}) == [
        ("bad-fact-option", "`side`: `lefft` is not one of left, right, both", "did you mean `left`?")
    ]


def test_value_outside_the_range_says_the_range_with_its_unit(build, rs):
    assert problems(rs, {"duration": "11 years"}) == [
        (
            "bad-fact-range",
            "`duration` is 11 years, outside the valid range 0 to 520 weeks",
            None,
        )
    ]
    assert problems(rs, {"count": -1})[0][1] == "`count` is -1, outside the valid range 0 to 10"


def test_every_problem_is_reported_together(build, rs):
    codes = sorted(code for code, _, _ in problems(rs, {"fever": "maybe", "side": "up", "nope": 1, "count": 11}))
    assert codes == ["bad-fact-option", "bad-fact-range", "bad-fact-type", "bad-fact-unknown-input"]


def test_two_spellings_of_one_input(build, rs):
    assert problems(rs, {"fever": True, "FEVER": False}) == [
        ("bad-fact-duplicate", "`fever` and `FEVER` both give the input `fever`", None)
    ]


def test_facts_must_be_a_mapping(build, rs):
    assert problems(rs, ["fever"])[0][:2] == (
        "bad-fact-mapping",
        "patient facts must be a mapping of input names to values, not a list",
    )


def test_validation_is_separate_from_evaluation(build, rs):
    facts = rs.validate_facts({"fever": True})
    assert rs.evaluate_validated(facts).decisions["d"].value == "x"
    other = build(RULES)
    with pytest.raises(RulesError) as info:
        other.evaluate_validated(facts)
    assert info.value.diagnostics[0].code == "bad-fact-owner"


def test_nan_is_not_a_number(build, rs):
    assert problems(rs, {"count": float("nan")})[0][0] == "bad-fact-type"


def test_a_unit_this_ruleset_does_not_use_is_not_called_unknown(build, rs):
    # mg/L is a real unit, but no input of this ruleset is a mass concentration
    (code, message, _), = problems(rs, {"ESR": "20 mg/L"})
    assert code == "bad-fact-unit"
    assert message.startswith("`ESR`: `mg/L` is not a unit of ")
    assert message.endswith("(it is measured in mm/h)")


def test_a_yes_no_value_picks_the_option_of_that_name(build):
    """`one of [yes, no, former]` given true/false (a YAML `yes`, a JSON `true`)."""
    rs = build(
        """
        ruleset "t"
        input smoker: one of [yes, no, former]
        input flag: one of [True, False]
        decision d: one of [x]
        rule r: IF smoker is yes THEN x
        """
    )
    assert rs.evaluate({"smoker": True}).facts["smoker"] == "yes"
    assert rs.evaluate({"smoker": False}).facts["smoker"] == "no"
    assert rs.evaluate({"smoker": True}).decisions["d"].value == "x"
    assert rs.evaluate({"flag": False}).facts["flag"] == "False"
    # Without an option of that name a yes/no value is still wrong for `side`.
    assert problems(build(RULES), {"side": True}) == [
        ("bad-fact-type", "`side` is one of [left, right, both]: expected one of the options, got true", None)
    ]
