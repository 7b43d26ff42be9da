"""Masked and redundant rules at the edges of their definitions
(clinrules/lint/docs/masked-rule.md, redundant-rule.md): missing data and
writing order, each a regression found by the brute-force property test."""

from __future__ import annotations

from tests.lint.conftest import HEAD, lint_text

FIRST = HEAD.replace("[no imaging, MRI]", "[no imaging, MRI] first match")


def test_masked_rule_has_a_witness_patient_for_whom_it_fires_and_another_rule_decides():
    text = FIRST + '''
rule any pain: IF duration > 2 weeks THEN MRI BECAUSE "x" [1]
rule long pain: IF duration > 6 weeks THEN no imaging BECAUSE "x" [1]
rule rest: OTHERWISE no imaging BECAUSE "x" [1]
'''
    (masked,) = lint_text(text, codes={"masked-rule"})  # lint_text replays the witness
    assert masked.witness == {"duration": "260 weeks", "fever": False}  # the middle of 0 to 520 weeks
    assert masked.extra["decision"] == "imaging" and masked.extra["masked_by"] == ["any pain"]


def test_rule_that_fires_only_while_an_earlier_rule_is_unknown_is_masked():
    # whenever `no duration` fires, `long pain` is unknown: the runtime
    # leaves `imaging` undecided, so `no duration` never decides
    text = FIRST + '''
rule long pain: IF duration > 6 weeks THEN MRI BECAUSE "x" [1]
rule no duration: IF duration is missing THEN no imaging BECAUSE "x" [1]
rule rest: OTHERWISE no imaging BECAUSE "x" [1]
'''
    (masked,) = lint_text(text, codes={"masked-rule"})
    assert masked.rules == ("no duration", "long pain")
    assert masked.witness == {"duration": None, "fever": False}


def test_rule_that_decides_only_for_patients_with_missing_data_is_not_masked():
    # with every input known `known duration` always fires first, but when
    # the duration is missing `fever` decides: it is not masked
    text = FIRST + '''
rule known duration: IF duration is known THEN no imaging BECAUSE "x" [1]
rule fever: IF fever THEN MRI BECAUSE "x" [1]
rule rest: OTHERWISE no imaging BECAUSE "x" [1]
'''
    assert lint_text(text, codes={"masked-rule", "dead-rule"}) == []


def test_earlier_rule_with_the_same_option_masks_only_where_it_fires():
    text = FIRST + '''
rule early: IF duration < 6 weeks AND fever THEN MRI BECAUSE "x" [1]
rule fever: IF fever THEN MRI BECAUSE "x" [1]
rule rest: OTHERWISE no imaging BECAUSE "x" [1]
'''
    # `fever` decides for a patient with fever and unknown duration
    # (`early` is unknown but would choose the same option)
    assert lint_text(text, codes={"masked-rule"}) == []
    (red,) = lint_text(text, codes={"redundant-rule"})
    assert red.rules == ("early", "fever")


def test_first_match_rule_covered_by_a_later_one_is_not_redundant_when_a_rule_between_could_take_over():
    text = FIRST + '''
rule settled: IF NOT fever AND duration < 6 weeks THEN no imaging BECAUSE "x" [1]
rule very early: IF duration < 1 weeks THEN MRI BECAUSE "x" [1]
rule no fever: IF NOT fever THEN no imaging BECAUSE "x" [1]
'''
    # without `settled`, a patient with no fever at 3 days would get MRI
    assert lint_text(text, codes={"redundant-rule"}) == []
    # with no rule between them it is redundant
    swapped = FIRST + '''
rule very early: IF duration < 1 weeks THEN MRI BECAUSE "x" [1]
rule settled: IF NOT fever AND duration < 6 weeks THEN no imaging BECAUSE "x" [1]
rule no fever: IF NOT fever THEN no imaging BECAUSE "x" [1]
'''
    (red,) = lint_text(swapped, codes={"redundant-rule"})
    assert red.rules == ("settled", "no fever")
    # and without `first match`, order does not matter
    plain = text.replace("[no imaging, MRI] first match", "[no imaging, MRI]")
    (red,) = lint_text(plain, codes={"redundant-rule"})
    assert red.rules == ("settled", "no fever")


def test_a_rule_yes_while_its_would_be_cover_is_unknown_is_not_redundant():
    # the two rules agree on every patient with every input known, but with
    # the duration missing `fever` is yes and `fever either way` unknown:
    # only `fever` decides MRI then
    text = HEAD + '''
rule fever: IF fever THEN MRI BECAUSE "x" [1]
rule fever either way: IF (fever AND duration > 6 weeks) OR (fever AND duration <= 6 weeks) THEN MRI BECAUSE "x" [1]
rule rest: OTHERWISE no imaging BECAUSE "x" [1]
'''
    (red,) = lint_text(text, codes={"redundant-rule"})
    assert red.rules == ("fever either way", "fever")
