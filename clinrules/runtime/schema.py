"""A JSON Schema (draft 2020-12) for the facts of one ruleset.

Downstream apps use it to build forms and to check records before they call
the runtime. It describes the declared spellings; the runtime itself is more
lenient (names and options match case-insensitively), never stricter.
"""

from __future__ import annotations

import re
from fractions import Fraction

from clinrules.runtime.exact import fmt

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_YES_NO = r"^\s*(?:[Yy][Ee][Ss]|[Nn][Oo]|[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])\s*$"


def _json_number(text) -> int | float | None:
    """A bound as a JSON number, only when that is exact."""
    value = Fraction(str(text))
    if value.denominator == 1:
        return value.numerator
    as_float = float(value)
    return as_float if Fraction(repr(as_float)) == value else None


def _bounds(raw: dict) -> dict:
    rng = raw.get("range") or {}
    out = {}
    for key, word in (("min", "minimum"), ("max", "maximum")):
        if rng.get(key) is not None:
            number = _json_number(rng[key])
            if number is not None:
                out[word] = number
    return out


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
        spellings = sorted(
            {alias for spec in units[raw["dimension"]]["units"].values() for alias in spec.get("aliases", ())}
            | set(units[raw["dimension"]]["units"])
        )
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
