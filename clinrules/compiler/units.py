"""The exact unit table: which units exist, how they convert, how they are spelled.

A threshold of `6 weeks` against a duration kept in days must be exactly
`42`, and `12 mg/L` exactly `1.2 mg/dL`, or the linter would invent gaps at
the boundary. So every factor and offset here is an exact `Fraction`, and
only conversions that are exact by definition are listed: mmHg is kept apart
from kPa because UCUM (133.322 Pa) and the conventional definition
(133.322387415 Pa) disagree, and picking one would silently move thresholds.

Codes follow UCUM where UCUM has one; aliases are the spellings editors use.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

F = Fraction


@dataclass(frozen=True)
class Dimension:
    name: str  # key in the compiled `units` table, e.g. "time"
    base: str  # unit code every factor is relative to
    noun: str  # for messages: "`6 weeks` is a time"


@dataclass(frozen=True)
class Unit:
    code: str  # UCUM code where one exists, e.g. "wk", "mm[Hg]", "Cel"
    dimension: str
    factor: Fraction  # value in base = v * factor + offset
    offset: Fraction
    aliases: tuple[str, ...]  # accepted spellings, the code among them

    def to_base(self, value: Fraction) -> Fraction:
        return value * self.factor + self.offset

    def from_base(self, value: Fraction) -> Fraction:
        return (value - self.offset) / self.factor


DIMENSIONS: dict[str, Dimension] = {
    d.name: d
    for d in (
        Dimension("time", "s", "a time"),
        Dimension("length per time", "mm/h", "a rate in length per time"),
        Dimension("mass concentration", "g/L", "a mass concentration"),
        Dimension("substance concentration", "mol/L", "a substance concentration"),
        Dimension("equivalent concentration", "meq/L", "an equivalent concentration"),
        Dimension("catalytic concentration", "U/L", "an enzyme activity"),
        Dimension("number concentration", "/L", "a count per volume"),
        Dimension("fraction", "%", "a percentage"),
        Dimension("frequency", "/min", "a rate per time"),
        Dimension("mercury pressure", "mm[Hg]", "a pressure in mmHg"),
        Dimension("pressure", "Pa", "a pressure"),
        Dimension("mass", "g", "a mass"),
        Dimension("length", "m", "a length"),
        Dimension("volume", "L", "a volume"),
        Dimension("temperature", "K", "a temperature"),
        Dimension("mass per area", "kg/m2", "a body mass index"),
        Dimension("filtration rate", "mL/min/{1.73_m2}", "a filtration rate"),
        Dimension("volume flow", "mL/min", "a volume per time"),
    )
}


def _u(code: str, dimension: str, factor, offset=0, aliases: tuple[str, ...] = ()) -> Unit:
    return Unit(code, dimension, F(factor), F(offset), tuple(sorted({code, *aliases})))


_MICRO = ("u", "µ", "μ", "mc")  # ASCII, micro sign U+00B5, Greek mu U+03BC, "mcg"


def _micro(rest: str) -> tuple[str, ...]:
    return tuple(prefix + rest for prefix in _MICRO)


_KELVIN_OF_CELSIUS_ZERO = F("273.15")

UNITS: tuple[Unit, ...] = (
    # time
    _u("s", "time", 1, aliases=("sec", "secs", "second", "seconds")),
    _u("min", "time", 60, aliases=("mins", "minute", "minutes")),
    _u("h", "time", 3600, aliases=("hr", "hrs", "hour", "hours")),
    _u("d", "time", 86400, aliases=("day", "days")),
    _u("wk", "time", 7 * 86400, aliases=("wks", "week", "weeks")),
    _u("mo", "time", F("30.4375") * 86400, aliases=("mos", "month", "months")),
    _u("a", "time", F("365.25") * 86400, aliases=("y", "yr", "yrs", "year", "years")),
    # erythrocyte sedimentation rate and the like
    _u("mm/h", "length per time", 1, aliases=("mm/hr", "mm/hour", "mm/1h")),
    # mass concentration, base g/L
    _u("g/L", "mass concentration", 1, aliases=("g/l",)),
    _u("g/dL", "mass concentration", 10, aliases=("g/dl",)),
    _u("mg/mL", "mass concentration", 1, aliases=("mg/ml",)),
    _u("mg/dL", "mass concentration", F(1, 100), aliases=("mg/dl",)),
    _u("mg/L", "mass concentration", F(1, 1000), aliases=("mg/l",)),
    _u("ug/mL", "mass concentration", F(1, 1000), aliases=_micro("g/mL")),
    _u("ug/dL", "mass concentration", F(1, 10**5), aliases=_micro("g/dL")),
    _u("ug/L", "mass concentration", F(1, 10**6), aliases=_micro("g/L")),
    _u("ng/mL", "mass concentration", F(1, 10**6), aliases=("ng/ml",)),
    _u("ng/dL", "mass concentration", F(1, 10**8), aliases=("ng/dl",)),
    _u("ng/L", "mass concentration", F(1, 10**9), aliases=("ng/l",)),
    _u("pg/mL", "mass concentration", F(1, 10**9), aliases=("pg/ml",)),
    # substance concentration, base mol/L
    _u("mol/L", "substance concentration", 1),
    _u("mmol/L", "substance concentration", F(1, 10**3), aliases=("mmol/l",)),
    _u("umol/L", "substance concentration", F(1, 10**6), aliases=_micro("mol/L")),
    _u("nmol/L", "substance concentration", F(1, 10**9), aliases=("nmol/l",)),
    _u("pmol/L", "substance concentration", F(1, 10**12), aliases=("pmol/l",)),
    # equivalents and enzyme activity: not convertible to moles or grams
    _u("meq/L", "equivalent concentration", 1, aliases=("mEq/L", "mEq/l", "meq/l")),
    _u("U/L", "catalytic concentration", 1, aliases=("IU/L", "[IU]/L", "U/l", "IU/l")),
    _u("kU/L", "catalytic concentration", 1000, aliases=("kIU/L",)),
    # counts per volume, base /L
    _u("/L", "number concentration", 1, aliases=("/l",)),
    _u("/uL", "number concentration", 10**6, aliases=(*_micro("/L")[1:], "/mm3", "cells/uL", "/mcL")),
    _u("10*6/L", "number concentration", 10**6, aliases=("10^6/L", "x10^6/L", "×10^6/L")),
    _u("10*9/L", "number concentration", 10**9, aliases=("10^9/L", "x10^9/L", "×10^9/L", "10E9/L", "G/L")),
    _u("10*12/L", "number concentration", 10**12, aliases=("10^12/L", "x10^12/L", "×10^12/L", "10E12/L", "T/L")),
    _u("10*3/uL", "number concentration", 10**9, aliases=("10^3/uL", "x10^3/uL", "×10^3/uL", "K/uL", "10^3/µL", "x10^3/µL", "10*3/mm3")),
    _u("10*6/uL", "number concentration", 10**12, aliases=("10^6/uL", "x10^6/uL", "×10^6/uL", "M/uL", "10^6/µL", "x10^6/µL")),
    # percent
    _u("%", "fraction", 1, aliases=("percent",)),
    # rates per time, base /min
    _u("/min", "frequency", 1, aliases=("per min", "per minute", "/minute", "bpm", "beats/min", "breaths/min", "{beats}/min", "{breaths}/min")),
    _u("/s", "frequency", 60, aliases=("per second",)),
    _u("/h", "frequency", F(1, 60), aliases=("per hour", "/hr")),
    _u("/d", "frequency", F(1, 1440), aliases=("per day", "/day")),
    # pressures: mmHg on its own (see the module docstring)
    _u("mm[Hg]", "mercury pressure", 1, aliases=("mmHg", "mm Hg", "mmhg")),
    _u("Pa", "pressure", 1),
    _u("kPa", "pressure", 1000, aliases=("kpa",)),
    _u("cm[H2O]", "pressure", F("98.0665"), aliases=("cmH2O", "cm H2O", "cmh2o")),
    # mass, base g; the avoirdupois pound and ounce are exact by definition
    _u("g", "mass", 1, aliases=("gram", "grams")),
    _u("kg", "mass", 1000, aliases=("kilogram", "kilograms", "kgs")),
    _u("mg", "mass", F(1, 1000), aliases=("milligram", "milligrams")),
    _u("ug", "mass", F(1, 10**6), aliases=("µg", "μg", "mcg", "microgram", "micrograms")),
    _u("[lb_av]", "mass", F("453.59237"), aliases=("lb", "lbs", "pound", "pounds")),
    _u("[oz_av]", "mass", F("28.349523125"), aliases=("oz", "ounce", "ounces")),
    # length, base m; the international inch and foot are exact
    _u("m", "length", 1, aliases=("metre", "metres", "meter", "meters")),
    _u("cm", "length", F(1, 100), aliases=("centimetre", "centimetres", "centimeter", "centimeters")),
    _u("mm", "length", F(1, 1000), aliases=("millimetre", "millimetres", "millimeter", "millimeters")),
    _u("[in_i]", "length", F("0.0254"), aliases=("in", "inch", "inches")),
    _u("[ft_i]", "length", F("0.3048"), aliases=("ft", "foot", "feet")),
    # volume, base L
    _u("L", "volume", 1, aliases=("l", "liter", "liters", "litre", "litres")),
    _u("dL", "volume", F(1, 10), aliases=("dl",)),
    _u("mL", "volume", F(1, 1000), aliases=("ml",)),
    _u("uL", "volume", F(1, 10**6), aliases=("µL", "μL", "mcL")),
    # temperature, base K: exact affine conversions
    _u("K", "temperature", 1, aliases=("kelvin",)),
    _u("Cel", "temperature", 1, _KELVIN_OF_CELSIUS_ZERO, aliases=("°C", "℃", "C", "degC", "celsius", "Celsius")),
    _u("[degF]", "temperature", F(5, 9), _KELVIN_OF_CELSIUS_ZERO - F(32) * F(5, 9), aliases=("°F", "℉", "F", "degF", "fahrenheit", "Fahrenheit")),
    # body mass index, filtration and flow rates
    _u("kg/m2", "mass per area", 1, aliases=("kg/m^2", "kg/m²")),
    _u("mL/min/{1.73_m2}", "filtration rate", 1, aliases=("mL/min/1.73m2", "mL/min/1.73 m2", "mL/min/1.73m²", "mL/min/1.73 m²", "ml/min/1.73m2", "mL/min/1.73m^2")),
    _u("mL/min", "volume flow", 1, aliases=("ml/min",)),
    _u("L/min", "volume flow", 1000, aliases=("l/min",)),
    _u("mL/h", "volume flow", F(1, 60), aliases=("ml/h", "mL/hr", "ml/hr")),
)


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


@lru_cache(maxsize=None)
def _indexes() -> tuple[dict[str, Unit], dict[str, tuple[Unit, ...]]]:
    exact: dict[str, Unit] = {}
    folded: dict[str, list[Unit]] = {}
    for unit in UNITS:
        for alias in unit.aliases:
            other = exact.setdefault(alias, unit)
            assert other is unit, f"alias {alias!r} of {unit.code} and {other.code}"
            bucket = folded.setdefault(_fold(alias), [])
            if unit not in bucket:
                bucket.append(unit)
    return exact, {k: tuple(v) for k, v in folded.items()}


@lru_cache(maxsize=4096)  # pure; the same few units are written again and again
def lookup(text: str) -> Unit | None:
    """The unit an editor meant by `text`, or None.

    Spelled exactly as in the table first; otherwise case-insensitively,
    but only when that leaves a single unit (so `MG/DL` works and nothing
    guesses between two units).
    """
    exact, folded = _indexes()
    spaced = " ".join(text.split())
    for candidate in (spaced, spaced.replace(" ", "")):
        if candidate in exact:
            return exact[candidate]
    for candidate in (spaced, spaced.replace(" ", "")):
        units = folded.get(_fold(candidate), ())
        if len(units) == 1:
            return units[0]
    return None


def suggestions(text: str, limit: int = 3) -> list[str]:
    """Close spellings the table knows, for an unknown unit."""
    exact, _ = _indexes()
    by_fold: dict[str, str] = {}
    for alias in sorted(exact):
        by_fold.setdefault(_fold(alias), alias)
    hits = difflib.get_close_matches(_fold(text), list(by_fold), n=4 * limit, cutoff=0.6)
    out: list[str] = []
    units: set[str] = set()
    for hit in hits:
        unit = exact[by_fold[hit]]
        if unit.code not in units:
            units.add(unit.code)
            out.append(by_fold[hit])
    return out[:limit]


def units_of(dimension: str) -> tuple[Unit, ...]:
    return tuple(u for u in UNITS if u.dimension == dimension)


def convert(value: Fraction, source: Unit, target: Unit) -> Fraction:
    """`value` in `source` expressed exactly in `target` (same dimension)."""
    if source.dimension != target.dimension:
        raise ValueError(f"cannot convert {source.code} to {target.code}")
    if source is target:
        return value
    return target.from_base(source.to_base(value))


# --- molar mass: between mass and substance concentrations ------------------------

# UCUM converts grams to moles only through a substance's molar mass: an input
# that declares one (`molar mass 180.16 g/mol`) reads mg/dL and mmol/L alike.
MOLAR_MASS_UNIT = "g/mol"
MOLAR_DIMENSIONS = frozenset({"mass concentration", "substance concentration"})


def molar_partner(dimension: str) -> str | None:
    """The dimension a molar mass converts `dimension` to and from, or None."""
    if dimension not in MOLAR_DIMENSIONS:
        return None
    return next(iter(MOLAR_DIMENSIONS - {dimension}))


def convert_molar(value: Fraction, source: Unit, target: Unit, molar_mass: Fraction | None) -> Fraction | None:
    """`value` in `source` expressed exactly in `target`, through `molar_mass`
    (g/mol) when one is a mass and the other a substance concentration; None
    when the two cannot be converted."""
    if source.dimension == target.dimension:
        return convert(value, source, target)
    if molar_mass is None or {source.dimension, target.dimension} != MOLAR_DIMENSIONS:
        return None
    base = source.to_base(value)  # g/L or mol/L
    base = base / molar_mass if source.dimension == "mass concentration" else base * molar_mass
    return target.from_base(base)
