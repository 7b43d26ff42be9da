from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinrules.compiler.numbers import exact_str, parse_exact


@pytest.mark.parametrize(
    "value, text",
    [
        (Fraction(6), "6"),
        (Fraction(0), "0"),
        (Fraction(-3), "-3"),
        (Fraction(1461, 32), "45.65625"),
        (Fraction(-1, 2), "-0.5"),
        (Fraction(10, 7), "10/7"),
        (Fraction(-10, 7), "-10/7"),
        (Fraction(6, 5), "1.2"),
        (Fraction(1, 1000), "0.001"),
    ],
)
def test_exact_str_forms(value, text):
    assert exact_str(value) == text


@settings(max_examples=200, deadline=None)
@given(st.fractions())
def test_exact_str_round_trips_through_fraction(value):
    text = exact_str(value)
    assert Fraction(text) == value
    assert "e" not in text.lower()


@pytest.mark.parametrize("text, value", [("1.5", Fraction(3, 2)), ("-2", Fraction(-2)), (".5", Fraction(1, 2)), ("0.1", Fraction(1, 10))])
def test_parse_exact_reads_decimals_exactly(text, value):
    assert parse_exact(text) == value


@pytest.mark.parametrize("text", ["1e3", "1/2", "abc", "", "nan"])
def test_parse_exact_rejects_non_decimals(text):
    with pytest.raises(ValueError):
        parse_exact(text)
