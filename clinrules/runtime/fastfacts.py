"""The fast path of fact checking: the usual, well-formed record, read quickly.

Callers send the same shapes again and again: a plain dict keyed by input
names, yes/no values as booleans, numbers as ints or floats in the declared
unit, or unit strings (`"12.5 mg/L"`). This reader handles exactly those, with
everything it needs worked out once per input when the ruleset is loaded
(name spellings, option spellings, unit spellings and the exact factor and
offset that take each unit into the input's declared unit).

It never reports anything: on the first value it is not sure of (an unknown
name, a duplicate, a value out of range, an exponent, a mapping, any error at
all) it gives up, and the full checker in `facts.py` reads the record from the
start. So errors are the full checker's, unchanged, and every value the fast
path accepts is the one the full checker would produce: the same `Fraction`,
the same `written` text (the tests hold both paths to that, value by value).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from clinrules.runtime.model import InputSpec
from clinrules.runtime.units import UnitTable

MISS = object()  # "not sure: let the full checker read the record"

# A plain decimal (no exponent) at the start of a unit string; the rest is the unit.
_PLAIN = re.compile(r"\s*([+-]?)([0-9]*)(?:\.([0-9]*))?")  # other digits: the full way
# A decimal with more digits than this goes the full way (its reach is checked there).
_MAX_DIGITS = 400
# Spellings remembered per input beyond those known at load (`MG/L`, `Crp`).
_REMEMBER = 256

_POW10 = tuple(10**i for i in range(40))  # a float's repr has at most 17 digits, 4 leading zeros
_YES = {"yes": True, "true": True, "no": False, "false": False}


def _exact(n: int, d: int) -> Fraction:
    """Fraction(n, d) for d > 0, built without Fraction's general-purpose checks."""
    g = math.gcd(n, d)
    value = _new(Fraction)
    value._numerator, value._denominator = n // g, d // g
    return value


def _trusted() -> bool:
    """Whether `_exact` agrees with Fraction on this Python (its fields are private)."""
    try:
        cases = [(0, 1), (4524, 10), (-125, 10), (7, 1), (10**30 + 5, 10**12)]
        return all(_exact(n, d) == Fraction(n, d) and hash(_exact(n, d)) == hash(Fraction(n, d))
                   and repr(_exact(n, d)) == repr(Fraction(n, d)) for n, d in cases)
    except Exception:  # noqa: BLE001 - another Python's Fraction: use it as it is
        return False


_new = object.__new__
if not _trusted():
    _exact = Fraction  # noqa: F811


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _decimal(sign: str, whole: str, frac: str | None) -> tuple[int, int] | None:
    """(numerator, denominator) of a plain decimal's parts, not reduced."""
    frac = frac or ""
    digits = whole + frac
    if not digits or len(digits) > _MAX_DIGITS:
        return None
    n = int(digits)
    return (-n if sign == "-" else n), 10 ** len(frac)


class FastReader:
    """Reads a plain, valid record into the checker's (vector, written), or MISS."""

    def __init__(self, inputs: list[InputSpec], units: UnitTable, by_key: dict) -> None:
        self.inputs = inputs
        self.size = len(inputs)
        self.by_key = by_key
        self.names: dict[str, InputSpec] = {}
        for spec in inputs:
            for spelling in (spec.key, spec.name):
                if by_key.get(_fold(spelling)) is spec:
                    self.names.setdefault(spelling, spec)
        self.readers = [self._reader(spec, units) for spec in inputs]
        self.quantity = tuple(spec.type == "quantity" for spec in inputs)

    # --- the record ------------------------------------------------------------

    def read(self, facts: dict):
        vector = [None] * self.size
        written = [None] * self.size
        seen = set()
        names = self.names
        for name, raw in facts.items():
            spec = names.get(name) if type(name) is str else None
            if spec is None:
                if type(name) is not str:
                    return MISS
                spec = self.by_key.get(_fold(name))
                if spec is None:
                    return MISS
                if len(names) < 4 * self.size + _REMEMBER:
                    names[name] = spec
            index = spec.index
            if index in seen:
                return MISS
            seen.add(index)
            if raw is None:
                continue
            value = self.readers[index](raw)
            if value is MISS:
                return MISS
            vector[index] = value
            if self.quantity[index] and type(raw) is str:
                written[index] = raw
        return vector, written

    # --- one input ---------------------------------------------------------------

    def _reader(self, spec: InputSpec, units: UnitTable):
        if spec.type == "yes/no":
            return _yes_no
        if spec.type == "one of":
            return _OptionReader(spec)
        return _NumberReader(spec, units)


def _yes_no(raw):
    if raw is True or raw is False:
        return raw
    if type(raw) is str:
        value = _YES.get(raw.strip().casefold())
        if value is not None:
            return value
    return MISS


class _OptionReader:
    def __init__(self, spec: InputSpec) -> None:
        self.index = {key: i for i, key in enumerate(spec.option_keys)}
        self.known = dict(self.index)
        for i, shown in enumerate(spec.options):
            if self.index.get(_fold(shown)) == i:
                self.known.setdefault(shown, i)

    def __call__(self, raw):
        if type(raw) is not str:
            return MISS
        found = self.known.get(raw)
        if found is None:
            found = self.index.get(_fold(raw))
            if found is None:
                return MISS
            if len(self.known) < 2 * len(self.index) + _REMEMBER:
                self.known[raw] = found
        return found


class _NumberReader:
    """A number or quantity input: plain numbers, and unit strings of its dimension."""

    def __init__(self, spec: InputSpec, units: UnitTable) -> None:
        self.spec = spec
        self.units = units
        self.low = None if spec.low is None else (spec.low.numerator, spec.low.denominator)
        self.high = None if spec.high is None else (spec.high.numerator, spec.high.denominator)
        # unit spelling -> (a, b): the value in the declared unit is x * a + b
        self.conversions: dict[str, tuple[Fraction, Fraction] | None] = {}
        if spec.type == "quantity" and spec.unit is not None:
            for spelling in units.spellings(spec.dimension):
                self._conversion(spelling)

    def _conversion(self, text: str):
        """The exact (factor, offset) for a unit spelling, worked out once."""
        if text in self.conversions:
            return self.conversions[text]
        spec = self.spec
        unit = self.units.lookup(text, spec.dimension)
        found = None
        if unit is not None and unit.dimension == spec.dimension and spec.unit is not None:
            if unit is spec.unit:
                found = (Fraction(1), Fraction(0))
            else:
                target = spec.unit
                found = (unit.factor / target.factor, (unit.offset - target.offset) / target.factor)
        if found is not None or len(self.conversions) < _REMEMBER:
            self.conversions[text] = found
        return found

    def __call__(self, raw):
        kind = type(raw)
        if kind is int:
            return self._ranged(raw, 1)
        if kind is float:
            if not math.isfinite(raw):
                return MISS
            text = repr(raw)  # the shortest decimal that reads back as this float, as the full checker
            if "e" in text:
                value = Fraction(text)
                return self._ranged(value.numerator, value.denominator)
            whole, _, frac = text.partition(".")
            return self._ranged(int(whole + frac), _POW10[len(frac)])  # "-0.5" -> -05 / 10
        if kind is not str:
            return MISS
        number, space, unit_text = raw.partition(" ")
        whole, _, frac = number.partition(".")
        if space and number.isascii() and whole.isdigit() and (not frac or frac.isdigit()) \
                and len(number) < 18:  # the usual `12.5 mg/L`
            parts = int(whole + frac), _POW10[len(frac)]
        else:
            match = _PLAIN.match(raw)
            parts = _decimal(match.group(1), match.group(2), match.group(3))
            rest = raw[match.end():]
            if rest[:1] in ("e", "E"):  # an exponent, or a unit starting with e: the full way
                return MISS
            unit_text = rest
        if parts is None:
            return MISS
        unit_text = unit_text.strip()
        if not unit_text:
            return self._ranged(*parts)
        if self.spec.type != "quantity":
            return MISS
        conversion = self._conversion(unit_text)
        if conversion is None:
            return MISS
        factor, offset = conversion
        if factor == 1 and not offset:
            return self._ranged(*parts)
        value = Fraction(*parts)
        value = value * factor + offset
        return self._ranged(value.numerator, value.denominator)

    def _ranged(self, n: int, d: int):
        """Fraction(n, d) (d > 0) when it is within the input's range, else MISS."""
        low, high = self.low, self.high
        if low is not None and n * low[1] < low[0] * d:
            return MISS
        if high is not None and n * high[1] > high[0] * d:
            return MISS
        return _exact(n, d)
