"""Units in patient facts, read from the compiled document's own table.

The runtime never imports the compiler's unit table: the compiled `units`
section lists, for every dimension an input uses, each accepted spelling and
its exact factor and offset. A fact written `42 days` for a duration kept in
weeks is converted with those numbers, exactly.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class UnitDef:
    code: str
    dimension: str
    factor: Fraction
    offset: Fraction
    aliases: tuple[str, ...]

    def convert_to(self, value: Fraction, target: "UnitDef") -> Fraction:
        if self is target:
            return value
        return (value * self.factor + self.offset - target.offset) / target.factor


# Grams and moles meet only through a molar mass (g/mol), between these
# dimensions and their base units (UCUM's own rule for mass <-> substance).
MOLAR_BASES = {"mass concentration": "g/L", "substance concentration": "mol/L"}


def convert_molar(value: Fraction, source: UnitDef, target: UnitDef, molar_mass: Fraction) -> Fraction:
    """`value` in a mass concentration as a substance concentration or back, exactly."""
    base = value * source.factor + source.offset
    base = base / molar_mass if source.dimension == "mass concentration" else base * molar_mass
    return (base - target.offset) / target.factor


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


class UnitTable:
    """Looks up spellings the way the compiler does: exactly first, then
    case-insensitively when that leaves a single unit."""

    def __init__(self, units_section: dict) -> None:
        self.bases = {dimension: units_section[dimension].get("base") for dimension in units_section}
        self.units: dict[tuple[str, str], UnitDef] = {}
        self._exact: dict[str, list[UnitDef]] = {}
        self._folded: dict[str, list[UnitDef]] = {}
        for dimension in sorted(units_section):
            for code, spec in sorted(units_section[dimension]["units"].items()):
                unit = UnitDef(
                    code,
                    dimension,
                    Fraction(spec["factor"]),
                    Fraction(spec.get("offset", "0")),
                    tuple(sorted({code, *spec.get("aliases", ())})),
                )
                self.units[(dimension, code)] = unit
                for alias in unit.aliases:
                    self._exact.setdefault(alias, []).append(unit)
                    bucket = self._folded.setdefault(_fold(alias), [])
                    if unit not in bucket:
                        bucket.append(unit)

    def get(self, dimension: str, code: str) -> UnitDef | None:
        return self.units.get((dimension, code))

    def lookup(self, text: str, dimension: str) -> UnitDef | None:
        """The unit `text` names, preferring one of `dimension` when a spelling
        is shared; a unit of another dimension is returned so the caller can
        say "wrong dimension" instead of "unknown unit"."""
        spaced = " ".join(text.split())
        candidates = (spaced, spaced.replace(" ", ""))
        for table, fold in ((self._exact, False), (self._folded, True)):
            for candidate in candidates:
                units = table.get(_fold(candidate) if fold else candidate, [])
                same = [u for u in units if u.dimension == dimension]
                if len(same) == 1:
                    return same[0]
                if len(units) == 1:
                    return units[0]
        return None

    def spellings(self, dimension: str) -> list[str]:
        out: set[str] = set()
        for (dim, _), unit in self.units.items():
            if dim == dimension:
                out.update(unit.aliases)
        return sorted(out)

    def suggest(self, text: str, dimension: str, limit: int = 3) -> list[str]:
        spellings = self.spellings(dimension)
        by_fold: dict[str, str] = {}
        for spelling in spellings:
            by_fold.setdefault(_fold(spelling), spelling)
        hits = difflib.get_close_matches(_fold(text), list(by_fold), n=limit, cutoff=0.5)
        return [by_fold[h] for h in hits]
