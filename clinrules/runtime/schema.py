"""A JSON Schema (draft 2020-12) for the facts of one ruleset.

Downstream apps use it to build forms and to check records before they call
the runtime. It describes the declared spellings; the runtime itself is more
lenient (names and options match case-insensitively). Ranges are carried
for JSON numbers and, per unit, for `{"value": V, "unit": U}` objects (each
bound converted exactly, then rounded outwards to the nearest JSON number, so
the schema never rejects a value the runtime accepts). A number written as
text (`"150 mmol/L"`) is checked for its spelling here and for its range by
the runtime only: a regular expression cannot compare numbers.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from clinrules.runtime.exact import fmt
from clinrules.runtime.units import MOLAR_BASES, UnitTable, convert_molar

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_YES_NO = r"^\s*(?:[Yy][Ee][Ss]|[Nn][Oo]|[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])\s*$"


def _json_number(value: Fraction, outward: float) -> int | float | None:
    """A bound as a JSON number: exact when it can be, else the nearest float
    on the lenient side (`outward` is -inf for a minimum, +inf for a maximum)."""
    if value.denominator == 1:
        return value.numerator
    try:
        as_float = float(value)
    except OverflowError:
        return None
    if not math.isfinite(as_float):
        return None
    if (Fraction(as_float) > value) if outward < 0 else (Fraction(as_float) < value):
        as_float = math.nextafter(as_float, outward)
    return as_float


def _bounds(raw: dict, convert=None) -> dict:
    """`minimum`/`maximum` of the input's range, converted by `convert` (a unit)."""
    rng = raw.get("range") or {}
    out = {}
    for key, word, outward in (("min", "minimum", -math.inf), ("max", "maximum", math.inf)):
        if rng.get(key) is not None:
            value = Fraction(str(rng[key]))
            number = _json_number(convert(value) if convert else value, outward)
            if number is not None:
                out[word] = number
    return out


def _unit_ranges(raw: dict, units: dict) -> list[dict]:
    """For a `{"value", "unit"}` object: the range in whichever unit it names."""
    if not raw.get("range"):
        return []
    table = UnitTable(units)
    own = table.get(raw["dimension"], raw["unit"])
    if own is None:
        return []
    rules = [{"if": {"not": {"required": ["unit"]}}, "then": {"properties": {"value": _bounds(raw)}}}]
    for (dimension, _code), unit in sorted(table.units.items()):
        if dimension == raw["dimension"]:
            convert = lambda v, u=unit: own.convert_to(v, u)  # noqa: E731
        elif raw.get("molar_mass") is not None and {dimension, raw["dimension"]} == set(MOLAR_BASES):
            mass = Fraction(str(raw["molar_mass"]))
            convert = lambda v, u=unit: convert_molar(v, own, u, mass)  # noqa: E731
        else:
            continue
        bounds = _bounds(raw, convert)
        if bounds:
            rules.append({
                "if": {"properties": {"unit": {"enum": list(unit.aliases)}}, "required": ["unit"]},
                "then": {"properties": {"value": bounds}},
            })
    return rules


def _spellings(raw: dict, units: dict) -> list[str]:
    dimensions = {raw["dimension"]}
    if raw.get("molar_mass") is not None and raw["dimension"] in MOLAR_BASES:
        dimensions |= set(MOLAR_BASES) & set(units)
    return sorted(
        {alias for d in dimensions for spec in units[d]["units"].values() for alias in spec.get("aliases", ())}
        | {code for d in dimensions for code in units[d]["units"]}
    )


def _input_schema(raw: dict, units: dict) -> dict:
    kind = raw["type"]
    nullable = {"type": "null", "description": "unknown"}
    if kind == "yes/no":
        choices = [{"type": "boolean"}, {"type": "string", "pattern": _YES_NO}]
        description = f"{raw['name']}: yes or no"
    elif kind == "one of":
        choices = [{"type": "string", "enum": list(raw["options"])}]
        description = f"{raw['name']}: one of " + ", ".join(raw["options"])
    elif kind == "number":
        choices = [{"type": "number", **_bounds(raw)}, {"type": "string", "pattern": rf"^\s*{_NUMBER}\s*$"}]
        description = f"{raw['name']}: a number"
    else:
        spellings = _spellings(raw, units)
        alternatives = "|".join(re.escape(s) for s in sorted(spellings, key=lambda s: (-len(s), s)))
        choices = [
            {"type": "number", **_bounds(raw), "description": f"in {raw.get('unit_written') or raw['unit']}"},
            {"type": "string", "pattern": rf"^\s*{_NUMBER}\s*(?:(?:{alternatives})\s*)?$"},
            {
                "type": "object",
                "properties": {
                    "value": {"type": ["number", "string"]},
                    "unit": {"type": "string", "enum": spellings},
                },
                "required": ["value"],
                "additionalProperties": False,
                **({"allOf": ranges} if (ranges := _unit_ranges(raw, units)) else {}),
            },
        ]
        description = f"{raw['name']}: a number in {raw.get('unit_written') or raw['unit']}"
    rng = raw.get("range")
    if rng and kind in ("number", "quantity"):
        unit = f" {raw.get('unit_written') or raw.get('unit')}" if kind == "quantity" else ""
        low = fmt(Fraction(str(rng["min"]))) if rng.get("min") is not None else "-inf"
        high = fmt(Fraction(str(rng["max"]))) if rng.get("max") is not None else "inf"
        description += f", from {low} to {high}{unit}"
    return {"description": description, "anyOf": choices + [nullable]}


def facts_schema(doc: dict) -> dict:
    """JSON Schema for one patient's facts under the compiled ruleset `doc`."""
    units = doc.get("units") or {}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Facts for {doc.get('title')}",
        "description": "One patient. Leave an input out, or give null, when it is not known.",
        "type": "object",
        "properties": {raw["name"]: _input_schema(raw, units) for raw in doc["inputs"]},
        "additionalProperties": False,
    }
