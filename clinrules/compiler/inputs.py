"""Stage `inputs`: give every input its type, unit and valid range.

Conditions are checked against these, and the runtime rejects facts outside
the range, so a range that runs backwards or a unit nobody knows must stop
here rather than turn into silent nonsense later.
"""

from __future__ import annotations

import re

from fractions import Fraction

from clinrules.compiler import units, values
from clinrules.compiler.numbers import bad_number_message, parse_exact
from clinrules.compiler.state import Compilation, InputInfo
from clinrules.dsl import ast

_KIND_WORDS = {"yes/no": "a yes/no input", "one of": "a one-of input"}
_IN_WORD = re.compile(r"in\s+", re.IGNORECASE)


def resolve_inputs(comp: Compilation) -> None:
    for stmt in comp.statements(ast.Input):
        info = _resolve(comp, stmt)
        comp.inputs.setdefault(stmt.name.key, info)


def _resolve(comp: Compilation, stmt: ast.Input) -> InputInfo:
    t = stmt.type
    unit = None
    kind = t.kind
    if kind == "number" and t.unit is not None:
        kind = "quantity"
        unit = units.lookup(t.unit)
        if unit is None:
            values.unknown_unit(comp, t.unit, comp.find_after(t.loc, _IN_WORD, t.unit) or t.loc)
    options = {}
    if kind == "one of":
        for option in t.options:
            options.setdefault(option.key, option)
    molar_mass = _molar_mass(comp, stmt, kind, unit) if t.molar_mass is not None else None
    low = high = None
    if t.low is not None or t.high is not None:
        if kind in ("yes/no", "one of"):
            comp.error(
                "range-on-type",
                f"`{stmt.name.text}` is {_KIND_WORDS[kind]}; only numbers have a range",
                (t.low or t.high).loc,
                hint="remove `from ... to ...`",
            )
        else:
            measure = values.Measure(stmt.name.text, kind, unit, t.unit, molar_mass)
            if t.low is not None:
                low = values.resolve(comp, t.low, measure, unit_text=t.unit)
            if t.high is not None:
                high = values.resolve(comp, t.high, measure, unit_text=t.unit)
            if low is not None and high is not None and low > high:
                comp.error(
                    "bad-range",
                    f"the range of `{stmt.name.text}` runs backwards: from "
                    f"`{values.written(t.low)}` to `{values.written(t.high)}`",
                    t.low.loc,
                    hint="write the smaller value first: `from A to B` with A <= B",
                )
                low = high = None
    typical = _typical(comp, stmt, kind, unit, low, high)
    return InputInfo(stmt, kind, unit, options, low, high, molar_mass, typical)


def _molar_mass(comp: Compilation, stmt: ast.Input, kind: str, unit: units.Unit | None) -> Fraction | None:
    """The declared molar mass in g/mol, or None after reporting why it cannot be used.

    Only a mass or a substance concentration converts through a molar mass;
    on anything else the declaration would be silently meaningless.
    """
    value = stmt.type.molar_mass
    name = stmt.name.text
    if kind != "quantity" or (unit is not None and unit.dimension not in units.MOLAR_DIMENSIONS):
        what = f"measured in {stmt.type.unit}" if kind == "quantity" else _KIND_WORDS.get(kind, "a plain number")
        comp.error(
            "bad-molar-mass",
            f"`{name}` is {what}; a molar mass only applies to a mass or substance concentration "
            "(such as mg/dL or mmol/L)",
            value.loc,
            hint="remove `, molar mass ...`, or declare the input as `number in mmol/L`",
        )
        return None
    try:
        number = parse_exact(value.number)
    except ValueError:
        comp.error("bad-number", bad_number_message(value.number), value.loc,
                   hint="write the molar mass as a decimal number, e.g. `180.16 g/mol`")
        return None
    if value.unit is None or "".join(value.unit.split()).casefold() != units.MOLAR_MASS_UNIT.casefold():
        shown = values.written(value)
        comp.error(
            "bad-molar-mass",
            f"the molar mass of `{name}` must be given in g/mol, e.g. `molar mass {value.number} g/mol`; "
            f"got `{shown}`",
            value.loc,
            hint=f"write `molar mass {value.number} g/mol`",
        )
        return None
    if number <= 0:
        comp.error("bad-molar-mass", f"the molar mass of `{name}` must be more than 0 g/mol, not `{value.number}`",
                   value.loc, hint="write the substance's molar mass, e.g. `180.16 g/mol` for glucose")
        return None
    return number


def _typical(comp: Compilation, stmt: ast.Input, kind: str, unit, low, high):
    """`typical V`: a value of a number input, converted like the range
    bounds and inside the range (a witness near it must be a valid fact)."""
    value = stmt.typical
    if value is None:
        return None
    if kind in ("yes/no", "one of"):
        comp.error("typical-on-type",
                   f"`{stmt.name.text}` is {_KIND_WORDS[kind]}; only numbers have a typical value",
                   value.loc, hint="remove `typical ...`")
        return None
    t = stmt.type
    typical = values.resolve(comp, value, values.Measure(stmt.name.text, kind, unit, t.unit), unit_text=t.unit)
    if typical is None:
        return None
    if (low is not None and typical < low) or (high is not None and typical > high):
        comp.error("typical-out-of-range",
                   f"the typical value `{values.written(value)}` of `{stmt.name.text}` is outside its range "
                   f"`from {values.written(t.low)} to {values.written(t.high)}`",
                   value.loc, hint="give a typical value inside the range")
        return None
    return typical
