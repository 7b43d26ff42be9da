"""Exact numbers: the decimal text an editor wrote in, the exact string out.

Thresholds decide who gets a scan; `0.1 + 0.2` must not become
`0.30000000000000004` on the way. Every number is a `Fraction` from the
moment it leaves the source text until it is written as an exact string.
"""

from __future__ import annotations

import re
from fractions import Fraction

_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


def parse_exact(text: str) -> Fraction:
    """The exact value of a decimal as written (`"1.5"`, `"-2"`, `".5"`).

    Raises ValueError for anything that is not a plain decimal: exponents and
    ratios are not part of the language, so they never reach here from the
    parser, and a ValueError means a programming error upstream.
    """
    text = text.strip()
    if not _DECIMAL.fullmatch(text):
        raise ValueError(f"not a decimal number: {text!r}")
    return Fraction(text)


def _terminates(denominator: int) -> bool:
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    return denominator == 1


def exact_str(value: Fraction | int) -> str:
    """The exact number string of the compiled format.

    An integer (`"6"`), a terminating decimal (`"45.65625"`, `"-0.5"`) or,
    when the decimal would never end, a ratio (`"10/7"`). All three read
    back with `Fraction(s)`.
    """
    value = Fraction(value)
    if value.denominator == 1:
        return str(value.numerator)
    if not _terminates(value.denominator):
        return f"{value.numerator}/{value.denominator}"
    sign = "-" if value < 0 else ""
    magnitude = abs(value)
    places = 0
    while (magnitude * 10**places).denominator != 1:
        places += 1
    scaled = int(magnitude * 10**places)
    whole, frac = divmod(scaled, 10**places)
    return f"{sign}{whole}.{frac:0{places}d}"
