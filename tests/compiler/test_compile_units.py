from fractions import Fraction

import pytest

from clinrules.compiler import units
from clinrules.compiler.units import convert, lookup


def u(text):
    unit = lookup(text)
    assert unit is not None, text
    return unit


@pytest.mark.parametrize(
    "spellings, code",
    [
        (["s", "sec", "second", "seconds"], "s"),
        (["min", "minute", "minutes", "mins"], "min"),
        (["h", "hour", "hours", "hr", "hrs"], "h"),
        (["d", "day", "days"], "d"),
        (["wk", "week", "weeks", "Weeks", "WEEKS"], "wk"),
        (["mo", "month", "months"], "mo"),
        (["a", "y", "yr", "year", "years"], "a"),
        (["mm/h", "mm/hr"], "mm/h"),
        (["mg/dL", "mg/dl", "MG/DL"], "mg/dL"),
        (["ug/mL", "µg/mL", "μg/mL", "mcg/mL"], "ug/mL"),
        (["umol/L", "µmol/L"], "umol/L"),
        (["10*9/L", "10^9/L", "x10^9/L"], "10*9/L"),
        (["/min", "bpm", "per min"], "/min"),
        (["mmHg", "mm Hg", "mm[Hg]"], "mm[Hg]"),
        (["Cel", "°C", "C", "degC"], "Cel"),
        (["[degF]", "°F", "degF"], "[degF]"),
        (["lb", "lbs", "pounds"], "[lb_av]"),
        (["in", "inch", "inches"], "[in_i]"),
        (["%", "percent"], "%"),
        (["mL", "ml"], "mL"),
    ],
)
def test_spellings_find_their_ucum_unit(spellings, code):
    for text in spellings:
        assert u(text).code == code, text


def test_unknown_unit_is_none_and_close_units_are_suggested():
    assert lookup("wekks") is None
    assert "weeks" in units.suggestions("wekks")
    assert units.suggestions("mg/dll")[0] == "mg/dL"


def test_every_alias_belongs_to_one_unit_and_factors_are_positive():
    seen = {}
    for unit in units.UNITS:
        assert unit.factor > 0
        assert unit.dimension in units.DIMENSIONS
        for alias in unit.aliases:
            assert seen.setdefault(alias, unit.code) == unit.code, alias


def test_exact_conversions():
    assert convert(Fraction(12), u("mg/L"), u("mg/dL")) == Fraction(6, 5)
    assert convert(Fraction(3, 2), u("months"), u("days")) == Fraction("45.65625")
    assert convert(Fraction(10), u("days"), u("weeks")) == Fraction(10, 7)
    assert convert(Fraction(6), u("weeks"), u("days")) == 42
    assert convert(Fraction(1), u("year"), u("days")) == Fraction("365.25")
    assert convert(Fraction(1), u("lb"), u("kg")) == Fraction("0.45359237")
    assert convert(Fraction(1), u("in"), u("cm")) == Fraction("2.54")
    assert convert(Fraction(10), u("10^3/uL"), u("10*9/L")) == 10


def test_temperature_is_affine_and_exact():
    assert convert(Fraction("100.4"), u("°F"), u("°C")) == 38
    assert convert(Fraction(0), u("Cel"), u("[degF]")) == 32
    assert convert(Fraction(-40), u("°C"), u("°F")) == -40
    assert convert(Fraction(0), u("Cel"), u("K")) == Fraction("273.15")


def test_mmhg_is_not_converted_to_pascals():
    assert u("mmHg").dimension != u("kPa").dimension
    with pytest.raises(ValueError):
        convert(Fraction(1), u("mmHg"), u("kPa"))
