"""Numbers written in conditions and ranges, checked against what they measure.

A threshold is only meaningful in the dimension of its subject: `ESR > 6
weeks` and `duration > 6` are both errors an editor must see, and a correct
one is converted exactly into the subject's declared unit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from clinrules.compiler import units
from clinrules.compiler.names import did_you_mean
from clinrules.compiler.numbers import bad_number_message, parse_exact
from clinrules.compiler.state import Compilation
from clinrules.dsl import ast


# `1e4` lexes as the number 1 with the "unit" e4: say what the editor meant.
_EXPONENT = re.compile(r"[eE][+-]?\d+")


@dataclass(frozen=True)
class Measure:
    """What a subject measures: a quantity in a unit, a plain number or a score."""

    display: str  # subject name for messages
    kind: str  # "quantity" | "number" | "score"
    unit: units.Unit | None = None  # quantity only; None when its unit is unknown
    unit_written: str | None = None
    molar_mass: Fraction | None = None  # g/mol: mass and substance concentrations convert


def written(value: ast.Value) -> str:
    return value.number if value.unit is None else f"{value.number} {value.unit}"


def resolve(comp: Compilation, value: ast.Value, measure: Measure, unit_text: str | None = None) -> Fraction | None:
    """The exact value in the subject's unit, or None after reporting why not.

    `unit_text` stands in for a unit the editor left out where the language
    lends one (`between 2 and 6 weeks`).
    """
    try:
        number = parse_exact(value.number)
    except ValueError:
        comp.error("bad-number", bad_number_message(value.number), value.loc,
                   hint="write a decimal number such as `6` or `1.5`")
        return None
    if value.unit is not None and _EXPONENT.fullmatch(value.unit):
        comp.error("bad-number",
                   f"`{value.number}{value.unit}` is written with an exponent; numbers in rules are plain decimals",
                   value.loc, hint="write the number out in full, e.g. `10000` for `1e4`")
        return None
    unit_text = value.unit if value.unit is not None else unit_text
    if measure.kind != "quantity":
        if value.unit is None:
            return number
        what = "a score (points)" if measure.kind == "score" else "a plain number"
        hint = f"remove the unit `{value.unit}`"
        if measure.kind == "number":
            hint += f", or declare the input as `number in {value.unit}`"
        comp.error("unexpected-unit", f"`{measure.display}` is {what}; `{written(value)}` has a unit",
                   value.loc, hint=hint)
        return None
    if unit_text is None:
        example = f"{value.number} {measure.unit_written}"
        comp.error(
            "missing-unit",
            f"`{value.number}` has no unit, but `{measure.display}` is measured in {measure.unit_written}; "
            f"give a unit, e.g. `{example}`",
            value.loc,
            hint=f"write `{example}`",
        )
        return None
    if measure.unit is None and value.unit is None:  # the subject's own unit was unknown: reported
        return None
    unit = units.lookup(unit_text)
    if unit is None:
        unknown_unit(comp, unit_text, value.loc)
        return None
    if measure.unit is None:  # the subject's own unit was unknown: already reported
        return None
    if unit.dimension != measure.unit.dimension:
        converted = units.convert_molar(number, unit, measure.unit, measure.molar_mass)
        if converted is not None:
            return converted
        shown = written(value) if value.unit is not None else f"{value.number} {unit_text}"
        comp.error(
            "unit-mismatch",
            f"`{measure.display}` is measured in {measure.unit_written}; `{shown}` is "
            f"{units.DIMENSIONS[unit.dimension].noun}",
            value.loc,
            hint=mismatch_hint(measure.unit, unit, value.number, measure.unit_written),
        )
        return None
    return units.convert(number, unit, measure.unit)


def mismatch_hint(expected: units.Unit, got: units.Unit, number: str, unit_written: str | None) -> str:
    pressures = {"mercury pressure", "pressure"}
    if {expected.dimension, got.dimension} == pressures:
        return (
            "clinrules does not convert between mmHg and pascals (UCUM and the conventional "
            f"definition of mmHg differ); write the value in {unit_written}"
        )
    if {expected.dimension, got.dimension} == units.MOLAR_DIMENSIONS:
        return (
            f"write it in {unit_written}, or declare the substance's molar mass on the input so "
            f"{got.code} converts exactly: `number in {unit_written}, molar mass 180.16 g/mol` (glucose)"
        )
    return f"write it in {unit_written} or another unit of the same kind, e.g. `{number} {unit_written}`"


def unknown_unit(comp: Compilation, text: str, loc) -> None:
    close = units.suggestions(text)
    hint = did_you_mean(close) if close else "units follow UCUM, e.g. `weeks`, `mg/L`, `mmol/L`, `mm/h`, `%`"
    comp.error("unknown-unit", f"`{text}` is not a unit clinrules knows", loc, hint=hint)
