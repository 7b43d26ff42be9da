"""Exact numbers: the decimal text an editor wrote in, the exact string out.

Thresholds decide who gets a scan; `0.1 + 0.2` must not become
`0.30000000000000004` on the way. Every number is a `Fraction` from the
moment it leaves the source text until it is written as an exact string.
"""

from __future__ import annotations

import functools
import re
from fractions import Fraction

from clinrules.exact import exact_str

_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


@functools.lru_cache(maxsize=8192)  # Fraction(str) is slow; rulesets repeat their thresholds
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


def bad_number_message(text: str, what: str = "a number") -> str:
    """Why `text` was refused by `parse_exact`, shortened when it is very long."""
    shown = text if len(text) <= 40 else text[:12] + "…"
    if _DECIMAL.fullmatch(text.strip()):  # a decimal, but more digits than Python converts
        digits = sum(ch.isdigit() for ch in text)
        return f"`{shown}` is too long to be {what} ({digits} digits)"
    return f"`{shown}` is not {what}"


__all__ = ["parse_exact", "exact_str", "bad_number_message"]
