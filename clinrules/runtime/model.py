"""The compiled document read once into typed, index-addressed parts.

Everything the runtime does per patient works on positions (input 3, rule
17, option 1), never on names or JSON lookups; this module is where names
become positions, and where a hand-made or damaged document that the schema
cannot catch (a reference to an undeclared input, a definition cycle) is
rejected with a RulesError instead of failing later with a KeyError.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from clinrules.errors import Diagnostic, RulesError
from clinrules.runtime.units import MOLAR_BASES, UnitDef, UnitTable


@dataclass(frozen=True)
class InputSpec:
    index: int
    name: str
    key: str
    type: str  # "yes/no" | "number" | "quantity" | "one of"
    unit: UnitDef | None
    unit_written: str | None
    dimension: str | None
    low: Fraction | None
    high: Fraction | None
    options: tuple[str, ...]  # display names, for "one of"
    option_keys: tuple[str, ...]
    molar_mass: Fraction | None = None  # g/mol: facts in the other concentration family convert

    def describe(self) -> str:
        """The type in words, for messages: `a number in weeks`."""
        if self.type == "yes/no":
            return "yes/no"
        if self.type == "number":
            return "a number"
        if self.type == "quantity":
            return f"a number in {self.unit_written}"
        return "one of [" + ", ".join(self.options) + "]"


@dataclass(frozen=True)
class DecisionSpec:
    index: int
    name: str
    key: str
    kind: str  # "one of" | "any of"
    policy: str | None  # None | "priority" | "first match"
    options: tuple[str, ...]
    option_index: dict


@dataclass(frozen=True)
class RuleSpec:
    index: int
    name: str
    otherwise: bool
    condition: dict | None
    actions: tuple[tuple[int, frozenset], ...]  # (decision index, option indices)
    citations: tuple[int, ...]
    because: str | None


def bad_doc(message: str, source: str | None) -> RulesError:
    return RulesError([Diagnostic("bad-compiled-ruleset", message, file=source)])


def _frac(text, what: str, source: str | None) -> Fraction:
    try:
        return Fraction(str(text))
    except (ValueError, ZeroDivisionError):
        raise bad_doc(f"{what}: `{text}` is not an exact number", source) from None


def read_inputs(doc: dict, units: UnitTable, source: str | None) -> list[InputSpec]:
    out: list[InputSpec] = []
    for i, raw in enumerate(doc["inputs"]):
        unit = None
        if raw["type"] == "quantity":
            unit = units.get(raw.get("dimension") or "", raw.get("unit") or "")
            if unit is None:
                raise bad_doc(
                    f"input `{raw['name']}`: unit `{raw.get('unit')}` is missing from the units table",
                    source,
                )
        rng = raw.get("range") or None
        low = _frac(rng["min"], f"input `{raw['name']}`", source) if rng and rng.get("min") is not None else None
        high = _frac(rng["max"], f"input `{raw['name']}`", source) if rng and rng.get("max") is not None else None
        options = tuple(raw.get("options") or ())
        molar_mass = _molar_mass(raw, units, source) if raw.get("molar_mass") is not None else None
        out.append(
            InputSpec(
                index=i,
                name=raw["name"],
                key=raw["key"],
                type=raw["type"],
                unit=unit,
                unit_written=raw.get("unit_written") or raw.get("unit"),
                dimension=raw.get("dimension"),
                low=low,
                high=high,
                options=options,
                option_keys=tuple(" ".join(o.split()).casefold() for o in options),
                molar_mass=molar_mass,
            )
        )
    return out


def _molar_mass(raw: dict, units: UnitTable, source: str | None) -> Fraction:
    """A declared molar mass, checked: positive, on a mass or substance
    concentration, with both families and their usual bases in the table."""
    what = f"input `{raw['name']}`: molar mass"
    value = _frac(raw["molar_mass"], what, source)
    if value <= 0:
        raise bad_doc(f"{what} `{raw['molar_mass']}` is not more than 0", source)
    if raw.get("dimension") not in MOLAR_BASES or any(
        units.bases.get(dimension) != base for dimension, base in MOLAR_BASES.items()
    ):
        raise bad_doc(
            f"{what} needs a mass or substance concentration and both in the units table "
            f"(bases {', '.join(MOLAR_BASES.values())})",
            source,
        )
    return value


def read_decisions(doc: dict) -> list[DecisionSpec]:
    out = []
    for i, raw in enumerate(doc["decisions"]):
        options = tuple(o["name"] for o in raw["options"])
        out.append(
            DecisionSpec(
                index=i,
                name=raw["name"],
                key=raw["key"],
                kind=raw["kind"],
                policy=raw.get("policy"),
                options=options,
                option_index={o["key"]: j for j, o in enumerate(raw["options"])},
            )
        )
    return out


def read_rules(doc: dict, decisions: list[DecisionSpec], source: str | None) -> list[RuleSpec]:
    by_key = {d.key: d for d in decisions}
    out = []
    for i, raw in enumerate(doc["rules"]):
        grouped: dict[int, set[int]] = {}
        for action in raw["actions"]:
            decision = by_key.get(action["decision"])
            if decision is None or action["option"] not in decision.option_index:
                raise bad_doc(
                    f"rule `{raw['name']}` chooses `{action['decision']}: {action['option']}`, "
                    "which no decision declares",
                    source,
                )
            grouped.setdefault(decision.index, set()).add(decision.option_index[action["option"]])
        because = raw.get("because") or None
        otherwise = bool(raw.get("otherwise"))
        if not otherwise and raw.get("condition") is None:
            raise bad_doc(f"rule `{raw['name']}` has no condition and is not OTHERWISE", source)
        out.append(
            RuleSpec(
                index=i,
                name=raw["name"],
                otherwise=otherwise,
                condition=None if otherwise else raw["condition"],
                actions=tuple((d, frozenset(o)) for d, o in sorted(grouped.items())),
                citations=tuple(because.get("citations") or ()) if because else (),
                because=because.get("text") if because else None,
            )
        )
    return out
