"""Exact numbers in and out of the runtime.

Thresholds in the compiled JSON are exact number strings, and patient values
must meet them exactly: a duration of `0.1` weeks is one tenth, not the binary
float nearest to it. So every number that enters is turned into a `Fraction`
through its decimal text, and every number shown to people is written back as
a terminating decimal when it has one.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction
from numbers import Number

from clinrules.exact import exact_str

NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def to_fraction(value) -> Fraction | None:
    """The exact value of a JSON/YAML/Python number, or None if it is not one.

    Floats go through their shortest decimal repr, so `0.1` is 1/10 (the
    number the person wrote), never 3602879701896397/36028797018963968.
    Booleans are not numbers here: callers reject them with their own message.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return Fraction(repr(value))
    if isinstance(value, Fraction):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite() or not within_reach(value):
            return None
        return Fraction(value)
    if isinstance(value, Number):
        return None
    return None


def parse_number(text: str) -> Fraction | None:
    """A plain decimal number written as text (`"7"`, `"-0.5"`, `"1e3"`);
    None for anything else, and for an exponent out of reach (`1e999999999`)."""
    text = text.strip()
    if NUMBER_RE.fullmatch(text) and within_reach(Decimal(text)):
        return Fraction(text)
    return None


# No clinical value is written with a thousand digits; an exponent beyond
# this would make exact arithmetic build numbers with millions of digits
# (`1e999999999` would take minutes), so such a value is refused instead.
MAX_EXPONENT = 1000


def within_reach(value: Decimal) -> bool:
    """Whether `value` is zero or within 10^±MAX_EXPONENT, so exact arithmetic on it stays quick."""
    return value.is_zero() or -MAX_EXPONENT <= value.adjusted() <= MAX_EXPONENT


def fmt(value: Fraction) -> str:
    """A terminating decimal when the value has one, else `p/q`."""
    return exact_str(value)
