"""Exact number strings, shared by the compiler, the runtime and the linter.

Thresholds decide who gets a scan: a number is a `Fraction` from the moment
it leaves the source text, the patient record or the compiled JSON until it
is written out again, and it is written as the compiled format's exact
number string: an integer (`"6"`), a terminating decimal (`"45.65625"`,
`"-0.5"`) or, only when the decimal would never end, a ratio (`"10/7"`).
All three read back with `Fraction(s)`.

Like `clinrules.errors`, this module imports nothing from the package, so
the runtime can use it without pulling in the parser.
"""

from __future__ import annotations

from fractions import Fraction


def decimal_text(value: Fraction | int) -> str | None:
    """The exact terminating decimal of `value`, or None when it has none."""
    if type(value) is not Fraction:  # a Fraction is used as it is: rebuilding it is costly
        value = Fraction(value)
    den = value.denominator
    twos = fives = 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return None
    places = max(twos, fives)
    if places == 0:
        return str(value.numerator)
    scaled = abs(value.numerator) * 10**places // value.denominator
    whole, frac = divmod(scaled, 10**places)
    sign = "-" if value < 0 else ""
    return f"{sign}{whole}.{frac:0{places}d}"


def exact_str(value: Fraction | int) -> str:
    """The exact number string of the compiled format."""
    if type(value) is not Fraction:
        value = Fraction(value)
    return decimal_text(value) or f"{value.numerator}/{value.denominator}"
