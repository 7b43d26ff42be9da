"""Inputs, values and regions in the editor's words.

Shared by the linter (witnesses, gap regions) and the runtime (why a
decision is undecided: which values of a needed input lead where), so both
say a region the same way.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Sequence

from clinrules.exact import decimal_text
from clinrules.exact import exact_str as exact_text
from clinrules.space.regions import Dim, Region, exact


class Words:
    """Renders values of one document's inputs."""

    def __init__(self, doc: dict, dims: Sequence[Dim]):
        self.doc = doc
        self.dims = dims

    def quantity(self, dim: Dim, value: Fraction, written: str | None = None) -> str:
        spec = dim.input
        text = decimal_text(value)
        if text is not None:
            return f"{text} {spec.get('unit_written') or spec.get('unit')}"
        if written:
            return written
        table = (self.doc.get("units") or {}).get(spec.get("dimension") or "", {}).get("units", {})
        own = table.get(spec.get("unit"))
        if own:
            base = value * Fraction(own["factor"]) + Fraction(own["offset"])
            for code in sorted(table):
                unit = table[code]
                converted = (base - Fraction(unit["offset"])) / Fraction(unit["factor"])
                text = decimal_text(converted)
                if text is not None:
                    alias = max(unit.get("aliases") or [code], key=lambda a: (len(a), a))
                    return f"{text} {alias}"
        return f"{exact_text(value)} {spec.get('unit_written') or spec.get('unit')}"

    def number_value(self, dim: Dim, value: Fraction, written: str | None = None):
        if dim.type == "quantity":
            return self.quantity(dim, value, written)
        if value.denominator == 1:
            return int(value)
        return decimal_text(value) or exact_text(value)

    def value(self, dim: Dim, index: int):
        """The fact value for value `index` of `dim`."""
        item = dim.values[index]
        if dim.type == "yes/no":
            return bool(item)
        if dim.type == "one of":
            for option in dim.input["options"]:
                if " ".join(option.split()).casefold() == item:
                    return option
            return item
        region: Region = item
        if region.point:
            return self.number_value(dim, region.lo, region.written)  # type: ignore[arg-type]
        return self.number_value(dim, region.nice(target(dim)))

    def value_text(self, dim: Dim, value: Fraction, written: str | None = None) -> str:
        shown = self.number_value(dim, value, written)
        return str(shown)


def target(dim: Dim) -> Fraction | None:
    """The value a witness of a number input stays near: its declared
    `typical` value, else the middle of its declared range (None without
    one: then the lowest short value of a region is shown)."""
    spec = dim.input
    if spec.get("typical") is not None:
        return exact(str(spec["typical"]))
    rng = spec.get("range") or {}
    if rng.get("min") is not None and rng.get("max") is not None:
        return (exact(str(rng["min"])) + exact(str(rng["max"]))) / 2
    return None


def describe(dim: Dim, mask: int, words: Words) -> str:
    """One input's part of a region, as an editor would say it."""
    mask &= dim.known
    if dim.type == "yes/no":
        return dim.name if mask == 1 else f"no {dim.name}"
    if dim.type == "one of":
        names = [words.value(dim, i) for i in dim.value_bits(mask)]
        if len(names) == 1:
            return f"{dim.name} is {names[0]}"
        return f"{dim.name} is one of [{', '.join(names)}]"
    runs: list[tuple[int, int]] = []
    for i in dim.value_bits(mask):
        if runs and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    last = len(dim.values) - 1
    parts = []
    for first, end in runs:
        lo_region: Region = dim.values[first]
        hi_region: Region = dim.values[end]
        if first == end and lo_region.point:
            parts.append(f"{dim.name} exactly {words.value_text(dim, lo_region.lo, lo_region.written)}")
            continue
        bits = []
        if first > 0 and lo_region.lo is not None:
            text = words.value_text(dim, lo_region.lo, lo_region.written)
            bits.append(("at least " if lo_region.point else "more than ") + text)
        if end < last and hi_region.hi is not None:
            text = words.value_text(dim, hi_region.hi, hi_region.written)
            bits.append(("at most " if hi_region.point else "less than ") + text)
        parts.append(f"{dim.name} " + " and ".join(bits) if bits else f"any {dim.name}")
    return " or ".join(parts)
