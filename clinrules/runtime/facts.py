"""Patient facts: checked, converted to exact values, once, before any rule runs.

A wrong fact must never be half-used: every problem of a record is found
and reported together (one Diagnostic each, code family `bad-fact-...`) and
nothing is evaluated. A value that passes is exact: a quantity is a
`Fraction` in the input's declared unit, whatever unit the caller wrote.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from clinrules.errors import Diagnostic, RulesError
from clinrules.runtime.exact import NUMBER_RE, fmt, parse_number, to_fraction
from clinrules.runtime.fastfacts import MISS, FastReader
from clinrules.runtime.model import InputSpec
from clinrules.runtime.units import MOLAR_BASES, UnitTable, convert_molar

_new = object.__new__
_YES = {"yes": True, "true": True, "no": False, "false": False}


def fold(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Facts:
    """Validated facts of one patient for one ruleset.

    `values` is keyed by input key (Fraction in the input's unit, bool,
    option display name, or None for unknown) and lists every input.
    `vector` holds the same by input position, options as their index: it is
    what the evaluator reads. `owner` ties the facts to the ruleset that
    checked them.
    """

    values: dict
    vector: tuple
    owner: object
    written: tuple = ()  # the caller's own spelling of quantities ("41 days"), for display


def show(spec: InputSpec, value, written=None) -> str:
    """A validated value as a clinician reads it: `7 weeks`, `no`, `left`;
    a quantity the caller gave in another unit as they wrote it (`41 days`)."""
    if value is None:
        return "unknown"
    if spec.type == "yes/no":
        return "yes" if value else "no"
    if spec.type == "one of":
        return value if isinstance(value, str) else spec.options[value]
    if spec.type == "quantity":
        if isinstance(written, str):
            return " ".join(written.split())
        if isinstance(written, Mapping) and isinstance(written.get("unit"), str):
            return f"{_plain(written.get('value'))} {written['unit']}"
        return f"{_brief(fmt(value))} {spec.unit_written}"
    return _brief(fmt(value))


def _brief(text: str) -> str:
    """A number too long to read in a message, shortened (`10000000000…` with its digit count)."""
    return text if len(text) <= 40 else f"{text[:12]}… ({len(text)} digits)"


def _plain(raw) -> str:
    number = to_fraction(raw)
    return fmt(number) if number is not None else str(raw).strip()


def range_text(spec: InputSpec) -> str:
    unit = f" {spec.unit_written}" if spec.type == "quantity" else ""
    if spec.low is not None and spec.high is not None:
        return f"{fmt(spec.low)} to {fmt(spec.high)}{unit}"
    if spec.low is not None:
        return f"at least {fmt(spec.low)}{unit}"
    return f"at most {fmt(spec.high)}{unit}"


class FactChecker:
    """Turns a raw mapping into `Facts` for one ruleset."""

    def __init__(self, inputs: list[InputSpec], units: UnitTable, owner: object) -> None:
        self.inputs = inputs
        self.units = units
        self.owner = owner
        self.by_key = {spec.key: spec for spec in inputs}
        self.fast = FastReader(inputs, units, self.by_key)
        self._keys = tuple(spec.key for spec in inputs)
        self._options = tuple((spec.index, spec.key, spec.options) for spec in inputs if spec.type == "one of")

    def check(self, facts, source: str | None = None) -> Facts:
        if type(facts) is dict:  # the usual record: see fastfacts.py; anything odd comes back MISS
            fast = self.fast
            names = tuple(facts)  # FastReader.read, written in
            shape = fast.shapes.get(names, MISS)
            if shape is MISS:
                shape = fast._shape(names)
            read = MISS if shape is None else shape(facts)
            if read is not MISS:
                values, vector, written = read
                facts = _new(Facts)  # Facts(...) without the frozen dataclass's four guarded assignments
                facts.__dict__.update(values=values, vector=vector, owner=self.owner, written=written)
                return facts
        return self.check_fully(facts, source)

    def check_fully(self, facts, source: str | None = None) -> Facts:
        """Every problem of the record, or its Facts: the reference reading."""
        problems: list[Diagnostic] = []

        def bad(code: str, message: str, hint: str | None = None) -> None:
            problems.append(Diagnostic(code, message, file=source, hint=hint))

        if not isinstance(facts, Mapping):
            bad(
                "bad-fact-mapping",
                f"patient facts must be a mapping of input names to values, not {_kind(facts)}",
            )
            raise RulesError(problems)
        vector: list = [None] * len(self.inputs)
        written: list = [None] * len(self.inputs)
        seen: dict[int, str] = {}
        for raw_name, raw_value in facts.items():
            if not isinstance(raw_name, str):
                bad("bad-fact-name", f"fact name {raw_name!r} is not text; name an input of this ruleset")
                continue
            spec = self.by_key.get(fold(raw_name))
            if spec is None:
                close = difflib.get_close_matches(
                    fold(raw_name), [s.key for s in self.inputs], n=3, cutoff=0.6
                )
                names = [self.by_key[k].name for k in close]
                hint = (
                    "did you mean " + " or ".join(f"`{n}`" for n in names) + "?"
                    if names
                    else "inputs: " + ", ".join(s.name for s in self.inputs)
                )
                bad("bad-fact-unknown-input", f"`{raw_name}` is not an input of this ruleset", hint)
                continue
            if spec.index in seen:
                bad(
                    "bad-fact-duplicate",
                    f"`{seen[spec.index]}` and `{raw_name}` both give the input `{spec.name}`",
                )
                continue
            seen[spec.index] = raw_name
            if raw_value is None:
                continue
            vector[spec.index] = self._value(spec, raw_value, bad)
            if spec.type == "quantity" and isinstance(raw_value, (str, Mapping)):
                written[spec.index] = raw_value
        if problems:
            raise RulesError(problems)
        return self._facts(vector, written)

    def _facts(self, vector: list, written: list) -> Facts:
        values = dict(zip(self._keys, vector))
        for index, key, options in self._options:  # options by their display name
            value = vector[index]
            if value is not None:
                values[key] = options[value]
        facts = _new(Facts)  # Facts(...) without the frozen dataclass's four guarded assignments
        facts.__dict__.update(values=values, vector=tuple(vector), owner=self.owner, written=tuple(written))
        return facts

    # --- one value -----------------------------------------------------------

    def _value(self, spec: InputSpec, raw, bad):
        if spec.type == "yes/no":
            if isinstance(raw, bool):
                return raw
            if isinstance(raw, str) and raw.strip().casefold() in _YES:
                return _YES[raw.strip().casefold()]
            bad("bad-fact-type", f"`{spec.name}` is yes/no: expected yes or no, got {_shown(raw)}")
            return None
        if spec.type == "one of":
            if isinstance(raw, bool):
                # `one of [yes, no, unsure]` given a yes/no value: the option of that name.
                for word in ("yes", "true") if raw else ("no", "false"):
                    if word in spec.option_keys:
                        return spec.option_keys.index(word)
            if not isinstance(raw, str):
                bad(
                    "bad-fact-type",
                    f"`{spec.name}` is {spec.describe()}: expected one of the options, got {_shown(raw)}",
                )
                return None
            key = fold(raw)
            if key in spec.option_keys:
                return spec.option_keys.index(key)
            close = difflib.get_close_matches(key, list(spec.option_keys), n=3, cutoff=0.6)
            hint = (
                "did you mean " + " or ".join(f"`{spec.options[spec.option_keys.index(c)]}`" for c in close) + "?"
                if close
                else None
            )
            bad(
                "bad-fact-option",
                f"`{spec.name}`: `{raw}` is not one of " + ", ".join(spec.options),
                hint,
            )
            return None
        value = self._number(spec, raw, bad)
        if value is None:
            return None
        if (spec.low is not None and value < spec.low) or (spec.high is not None and value > spec.high):
            bad(
                "bad-fact-range",
                f"`{spec.name}` is {show(spec, value, raw)}, "
                f"outside the valid range {range_text(spec)}",
            )
            return None
        return value

    def _number(self, spec: InputSpec, raw, bad) -> Fraction | None:
        """The value in the input's unit, or None after reporting why not."""
        if isinstance(raw, bool):
            bad(
                "bad-fact-type",
                f"`{spec.name}` is {spec.describe()}: got the yes/no value {str(raw).lower()}, not a number",
            )
            return None
        number = to_fraction(raw)
        if number is not None:
            return number
        unit_text: str | None = None
        if isinstance(raw, str):
            text = raw.strip()
            match = NUMBER_RE.match(text)
            if not match:
                bad("bad-fact-type", f"`{spec.name}` is {spec.describe()}: `{raw}` is not a number")
                return None
            number = parse_number(match.group(0))
            if number is None:
                bad("bad-fact-type", f"`{spec.name}`: `{match.group(0)}` is too large or too small a number")
                return None
            unit_text = text[match.end():].strip() or None
        elif isinstance(raw, Mapping):
            extra = sorted(str(k) for k in raw if k not in ("value", "unit"))
            if extra or "value" not in raw:
                bad(
                    "bad-fact-type",
                    f"`{spec.name}`: a value with a unit is written {{\"value\": 7, \"unit\": \"wk\"}}"
                    + (f"; unexpected key `{extra[0]}`" if extra else "; `value` is missing"),
                )
                return None
            inner = raw["value"]
            number = None if isinstance(inner, bool) else to_fraction(inner)
            if number is None and isinstance(inner, str):
                number = parse_number(inner)
            if number is None:
                bad("bad-fact-type", f"`{spec.name}`: {_shown(inner)} is not a number")
                return None
            unit_text = raw.get("unit")
            if unit_text is not None and not isinstance(unit_text, str):
                bad("bad-fact-unit", f"`{spec.name}`: the unit must be text, not {_shown(unit_text)}")
                return None
        else:
            bad("bad-fact-type", f"`{spec.name}` is {spec.describe()}: got {_shown(raw)}")
            return None
        if unit_text is None:
            return number
        if spec.type == "number":
            bad(
                "bad-fact-unit",
                f"`{spec.name}` is a plain number and takes no unit (got `{unit_text}`)",
            )
            return None
        unit = self.units.lookup(unit_text, spec.dimension)
        if unit is None:
            close = self.units.suggest(unit_text, spec.dimension)
            hint = "did you mean " + " or ".join(f"`{c}`" for c in close) + "?" if close else (
                f"`{spec.name}` is in {spec.unit_written}"
            )
            # Only the dimensions this ruleset's inputs use are in the compiled
            # table: `mg/L` for a rate is not a unit *of this input*.
            bad("bad-fact-unit",
                f"`{spec.name}`: `{unit_text}` is not a unit of {spec.dimension} (it is measured in "
                f"{spec.unit_written})", hint)
            return None
        if unit.dimension != spec.dimension and spec.molar_mass is not None and unit.dimension in MOLAR_BASES:
            return convert_molar(number, unit, spec.unit, spec.molar_mass)
        if unit.dimension != spec.dimension:
            bad(
                "bad-fact-dimension",
                f"`{spec.name}` is {spec.dimension} in {spec.unit_written}, but `{unit_text}` "
                f"is a unit of {unit.dimension}",
                f"give `{spec.name}` in {spec.unit_written} or another unit of {spec.dimension}",
            )
            return None
        return unit.convert_to(number, spec.unit)


def _shown(raw) -> str:
    if isinstance(raw, bool):
        return str(raw).lower()
    if isinstance(raw, str):
        return f"`{raw}`"
    if isinstance(raw, Decimal) and raw.is_finite():
        return f"`{raw}`, too large or too small a number"
    if isinstance(raw, float) and not math.isfinite(raw):
        return "`NaN`, which is not a number" if math.isnan(raw) else "an infinite number"
    if isinstance(raw, (int, float)):
        return _brief(repr(raw))
    return _kind(raw)


def _kind(raw) -> str:
    if isinstance(raw, Mapping):
        return "a mapping"
    if isinstance(raw, (list, tuple)):
        return "a list"
    return f"a {type(raw).__name__}"
