"""The column mapping file: which column holds which input, in which unit.

```yaml
columns:
  duration: {column: duration_days, unit: days}   # input name: column and unit
  fever: fever_flag                               # or just the column
```

Inputs the file does not name are read from the column of the same name,
in the input's own unit. A unit is any spelling the compiled ruleset's unit
table accepts for the input's dimension; the conversion is exact
(`Column.to_column` maps a threshold to the column's unit with Fractions).
"""

from __future__ import annotations

from fractions import Fraction
from typing import NamedTuple

import yaml

from clinrules.errors import Diagnostic, RulesError
from clinrules.files import read_bytes
from clinrules.runtime.units import UnitTable


class Column(NamedTuple):
    input: dict  # the input's declaration (compiled JSON)
    index: int  # the input's position
    name: str  # the column in the data
    factor: Fraction  # column value * factor + offset = value in the input's unit
    offset: Fraction

    def to_column(self, value: Fraction) -> Fraction:
        """A value in the input's unit, in the column's unit."""
        return (value - self.offset) / self.factor


def _fail(message: str, file: str | None, hint: str | None = None) -> RulesError:
    return RulesError([Diagnostic("bad-column-mapping", message, file=file, hint=hint)])


def read_mapping(path: str | None) -> dict:
    if path is None:
        return {}
    try:
        raw = yaml.safe_load(read_bytes(path, what="the column mapping").decode("utf-8"))
    except yaml.YAMLError as exc:
        raise _fail(f"the column mapping is not valid YAML: {exc}", path) from None
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not isinstance(raw.get("columns", {}), dict) or set(raw) - {"columns"}:
        raise _fail("the column mapping must be `columns:` followed by `INPUT: COLUMN` or "
                    "`INPUT: {column: COLUMN, unit: UNIT}` lines", path)
    return raw.get("columns") or {}


def columns(doc: dict, mapping: dict, available: list[str], file: str | None) -> list[Column]:
    """Every input of the ruleset with its column; every problem at once."""
    units = UnitTable(doc.get("units") or {})
    by_name = {i["name"]: (n, i) for n, i in enumerate(doc.get("inputs", []))}
    problems = []
    for name in mapping:
        if name not in by_name:
            problems.append(Diagnostic("bad-column-mapping", f"the mapping names `{name}`, which is not an input "
                                       f"of the ruleset", file=file))
    out = []
    for name, (index, spec) in by_name.items():
        entry = mapping.get(name, name)
        if isinstance(entry, str):
            entry = {"column": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("column", name), str) or set(entry) - {"column", "unit"}:
            problems.append(Diagnostic("bad-column-mapping", f"`{name}`: write a column name or "
                                       "{column: NAME, unit: UNIT}", file=file))
            continue
        column = entry.get("column", name)
        if column not in available:
            problems.append(Diagnostic("missing-column", f"input `{name}` is read from column `{column}`, "
                                       "which the data does not have", file=file,
                                       hint=f"the columns are: {', '.join(available)}"))
            continue
        factor, offset = Fraction(1), Fraction(0)
        unit_text = entry.get("unit")
        if unit_text is not None:
            if spec["type"] != "quantity":
                problems.append(Diagnostic("bad-column-mapping", f"`{name}` is {spec['type']} and takes no unit "
                                           f"(got `{unit_text}`)", file=file))
                continue
            unit = units.lookup(str(unit_text), spec["dimension"])
            own = units.get(spec["dimension"], spec["unit"])
            if unit is None or unit.dimension != spec["dimension"] or own is None:
                problems.append(Diagnostic("bad-column-mapping", f"`{unit_text}` is not a unit of {spec['dimension']} "
                                           f"for `{name}`", file=file,
                                           hint="units: " + ", ".join(units.spellings(spec["dimension"]))))
                continue
            factor = unit.factor / own.factor
            offset = (unit.offset - own.offset) / own.factor
        out.append(Column(spec, index, column, factor, offset))
    if problems:
        raise RulesError(problems)
    return out
