"""Stage `inputs`: give every input its type, unit and valid range.

Conditions are checked against these, and the runtime rejects facts outside
the range, so a range that runs backwards or a unit nobody knows must stop
here rather than turn into silent nonsense later.
"""

from __future__ import annotations

import re

from clinrules.compiler import units, values
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
            measure = values.Measure(stmt.name.text, kind, unit, t.unit)
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
    return InputInfo(stmt, kind, unit, options, low, high, typical)


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
