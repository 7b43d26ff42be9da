"""The threshold index: tables built from positions agree with testing values."""

import operator
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from clinrules.runtime.conditions import NO, UNKNOWN, YES, Regions

CMP = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "=": operator.eq, "!=": operator.ne}
thresholds = st.sets(st.fractions(min_value=-50, max_value=50, max_denominator=12), min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(thresholds, st.data())
def test_compare_and_between_tables_agree_with_testing_each_region(points, data):
    regions = Regions(points)
    value = data.draw(st.sampled_from(sorted(points)))
    for cmp, test in CMP.items():
        assert regions.compare_table(cmp, value) == regions.table(lambda x: test(x, value)), cmp
    low, high = sorted(data.draw(st.lists(st.sampled_from(sorted(points)), min_size=2, max_size=2)))
    assert regions.between_table(low, high) == regions.table(lambda x: low <= x <= high)
    assert regions.between_table(high, low) == regions.table(lambda x: high <= x <= low)


def test_exact_threshold_is_its_own_region():
    # states of a duration cut at 6 and 8 weeks: <6, =6, between, =8, >8, unknown
    regions = Regions({Fraction(6), Fraction(8)})
    assert regions.compare_table("=", Fraction(6)) == (NO, YES, NO, NO, NO, UNKNOWN)
    assert regions.compare_table(">", Fraction(6)) == (NO, NO, YES, YES, YES, UNKNOWN)
    assert regions.between_table(Fraction(6), Fraction(8)) == (NO, YES, YES, YES, NO, UNKNOWN)
