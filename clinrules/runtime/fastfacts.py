"""The fast path of fact checking: the usual, well-formed record, read quickly.

Callers send the same shapes again and again: a plain dict keyed by input
names, yes/no values as booleans, numbers as ints or floats in the declared
unit, or unit strings (`"12.5 mg/L"`). This reader handles exactly those, with
everything it needs worked out once per input when the ruleset is loaded
(name spellings, option spellings, unit spellings and the exact factor and
offset that take each unit into the input's declared unit), and once per
record shape (its names, in order) a straight-line reader that builds the
Facts' values, vector and written spellings directly.

It never reports anything: on the first value it is not sure of (an unknown
name, a duplicate, a value out of range, an exponent, a mapping, any error at
all) it gives up, and the full checker in `facts.py` reads the record from the
start. So errors are the full checker's, unchanged, and every value the fast
path accepts is the one the full checker would produce: the same `Fraction`,
the same `written` text (the tests hold both paths to that, value by value).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction

from clinrules.runtime.model import InputSpec
from clinrules.runtime.units import UnitTable

MISS = object()  # "not sure: let the full checker read the record"

# A plain decimal (no exponent) at the start of a unit string; the rest is the unit.
_PLAIN = re.compile(r"\s*([+-]?)([0-9]*)(?:\.([0-9]*))?")  # other digits: the full way
# A decimal with more digits than this goes the full way (its reach is checked there).
_MAX_DIGITS = 400
# Spellings remembered per input beyond those known at load (`MG/L`, `Crp`).
_REMEMBER = 256

_POW10 = tuple(10**i for i in range(40))  # a float's repr has at most 17 digits, 4 leading zeros
_YES = {"yes": True, "true": True, "no": False, "false": False}


def _exact(n: int, d: int) -> Fraction:
    """Fraction(n, d) for d > 0, built without Fraction's general-purpose checks."""
    g = math.gcd(n, d)
    value = _new(Fraction)
    value._numerator, value._denominator = n // g, d // g
    return value


def _trusted() -> bool:
    """Whether `_exact` agrees with Fraction on this Python (its fields are private)."""
    try:
        cases = [(0, 1), (4524, 10), (-125, 10), (7, 1), (10**30 + 5, 10**12)]
        return all(_exact(n, d) == Fraction(n, d) and hash(_exact(n, d)) == hash(Fraction(n, d))
                   and repr(_exact(n, d)) == repr(Fraction(n, d)) for n, d in cases)
    except Exception:  # noqa: BLE001 - another Python's Fraction: use it as it is
        return False


_new = object.__new__
if not _trusted():
    _exact = Fraction  # noqa: F811


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _decimal(sign: str, whole: str, frac: str | None) -> tuple[int, int] | None:
    """(numerator, denominator) of a plain decimal's parts, not reduced."""
    frac = frac or ""
    digits = whole + frac
    if not digits or len(digits) > _MAX_DIGITS:
        return None
    n = int(digits)
    return (-n if sign == "-" else n), 10 ** len(frac)


class FastReader:
    """Reads a plain, valid record into the checker's (vector, written), or MISS."""

    def __init__(self, inputs: list[InputSpec], units: UnitTable, by_key: dict) -> None:
        self.inputs = inputs
        self.size = len(inputs)
        self.by_key = by_key
        self.names: dict[str, InputSpec] = {}
        for spec in inputs:
            for spelling in (spec.key, spec.name):
                if by_key.get(_fold(spelling)) is spec:
                    self.names.setdefault(spelling, spec)
        self.readers = [self._reader(spec, units) for spec in inputs]
        # the names of a record, in order -> its generated reader, or None (not sure)
        self.shapes: dict[tuple, object] = {}

    # --- the record ------------------------------------------------------------

    def read(self, facts: dict):
        """(values, vector, written) of the Facts, or MISS."""
        names = tuple(facts)
        shape = self.shapes.get(names, MISS)
        if shape is MISS:
            shape = self._shape(names)
        if shape is None:
            return MISS
        return shape(facts)

    def _shape(self, record: tuple):
        """The reader of records with these names (in this order), generated
        once: None when a name is not text, not an input, or an input twice."""
        names = self.names
        specs = []
        seen = set()
        for name in record:
            if type(name) is not str:
                specs = None
                break
            spec = names.get(name)
            if spec is None:
                spec = self.by_key.get(_fold(name))
                if spec is None:
                    specs = None
                    break
                if len(names) < 4 * self.size + _REMEMBER:
                    names[name] = spec
            if spec.index in seen:
                specs = None
                break
            seen.add(spec.index)
            specs.append(spec)
        if len(self.shapes) >= _REMEMBER:  # many shapes: read this one without generating code
            return None if specs is None else self._loop(specs)
        shape = self.shapes[record] = None if specs is None else self._generate(specs)
        return shape

    def _loop(self, specs: list[InputSpec]):
        """What `_generate` writes out, as a loop (for shapes beyond those remembered)."""
        entries = [(spec.index, self.readers[spec.index].read, spec.type == "quantity") for spec in specs]
        inputs = self.inputs

        def read(facts):
            vector = [None] * len(inputs)
            written = [None] * len(inputs)
            for (index, reader, quantity), raw in zip(entries, facts.values()):
                if raw is not None:
                    value = vector[index] = reader(raw)
                    if value is MISS:
                        return MISS
                    if quantity and type(raw) is str:
                        written[index] = raw
            values = {}
            for spec, value in zip(inputs, vector):
                values[spec.key] = spec.options[value] if spec.type == "one of" and value is not None else value
            return values, tuple(vector), tuple(written)

        return read

    def _generate(self, specs: list[InputSpec]):
        """Straight-line code for one shape: each value read by its input's
        reader, then the Facts' values (by key, options by display name),
        vector (by position) and written spellings (unit strings as given)."""
        ns: dict = {"MISS": MISS}
        given = {spec.index for spec in specs}
        raws = [f"a{spec.index}" for spec in specs]
        lines = ["def read(facts):", f"    {', '.join(raws)}, = facts.values()"] if specs else ["def read(facts):"]
        for spec in specs:
            i = spec.index
            lines += [f"    if a{i} is None:", f"        v{i} = None", "    else:"]
            reader = self.readers[i]
            if isinstance(reader, _NumberReader):  # its own code, written in
                lines += reader.code(ns, f"a{i}", f"v{i}", "        ")
            else:
                ns[f"R{i}"] = reader.read
                lines += [f"        v{i} = R{i}(a{i})", f"        if v{i} is MISS:", "            return MISS"]
        values, vector, written = [], [], []
        for spec in self.inputs:
            i = spec.index
            ns[f"K{i}"] = spec.key
            if i not in given:
                values.append(f"K{i}: None")
                vector.append("None")
                written.append("None")
                continue
            if spec.type == "one of":
                ns[f"O{i}"] = spec.options
                values.append(f"K{i}: None if v{i} is None else O{i}[v{i}]")
            else:
                values.append(f"K{i}: v{i}")
            vector.append(f"v{i}")
            written.append(f"a{i} if type(a{i}) is str else None" if spec.type == "quantity" else "None")
        lines.append(f"    return {{{', '.join(values)}}}, ({''.join(v + ', ' for v in vector)}), "
                     f"({''.join(f'({w}), ' for w in written)})")
        exec(compile("\n".join(lines) + "\n", "<clinrules fast facts>", "exec"), ns)
        return ns["read"]

    # --- one input ---------------------------------------------------------------

    def _reader(self, spec: InputSpec, units: UnitTable):
        if spec.type == "yes/no":
            return _YesNoReader()
        if spec.type == "one of":
            return _OptionReader(spec)
        return _NumberReader(spec, units)


class _YesNoReader:
    def __init__(self) -> None:
        self.read = _yes_no


def _yes_no(raw):
    if raw is True or raw is False:
        return raw
    if type(raw) is str:
        value = _YES.get(raw.strip().casefold())
        if value is not None:
            return value
    return MISS


class _OptionReader:
    def __init__(self, spec: InputSpec) -> None:
        self.index = {key: i for i, key in enumerate(spec.option_keys)}
        self.known = dict(self.index)
        for i, shown in enumerate(spec.options):
            if self.index.get(_fold(shown)) == i:
                self.known.setdefault(shown, i)
        self.read = self.__call__

    def __call__(self, raw):
        if type(raw) is not str:
            return MISS
        found = self.known.get(raw)
        if found is None:
            found = self.index.get(_fold(raw))
            if found is None:
                return MISS
            if len(self.known) < 2 * len(self.index) + _REMEMBER:
                self.known[raw] = found
        return found


_SAME = (Fraction(1), Fraction(0))  # the declared unit itself: no arithmetic


class _NumberReader:
    """A number or quantity input: plain numbers, and unit strings of its dimension.

    `read` is generated code (`code`) with everything worked out at load
    written in (range as integers, the unit spellings' exact factor and
    offset): one call per value, or none when a record reader inlines it."""

    def __init__(self, spec: InputSpec, units: UnitTable) -> None:
        self.spec = spec
        self.units = units
        # unit spelling -> (a, b): the value in the declared unit is x * a + b
        self.conversions: dict[str, tuple[Fraction, Fraction] | None] = {}
        if spec.type == "quantity" and spec.unit is not None:
            for spelling in units.spellings(spec.dimension):
                self._conversion(spelling)
        self.read = self._make()

    def _conversion(self, text: str):
        """The exact (factor, offset) for a unit spelling, worked out once."""
        if text in self.conversions:
            return self.conversions[text]
        spec = self.spec
        unit = self.units.lookup(text, spec.dimension)
        found = None
        if unit is not None and unit.dimension == spec.dimension and spec.unit is not None:
            if unit is spec.unit:
                found = _SAME
            else:
                target = spec.unit
                found = (unit.factor / target.factor, (unit.offset - target.offset) / target.factor)
                if found == _SAME:
                    found = _SAME
        if found is not None or len(self.conversions) < _REMEMBER:
            self.conversions[text] = found
        return found

    def code(self, ns: dict, raw: str, out: str, indent: str) -> list[str]:
        """Lines that read the value named `raw` into `out` (a Fraction in the
        declared unit, within range) or return MISS, with everything worked
        out at load written in as constants (their names added to `ns`).
        The per-input `read` is these lines in a function of its own; the
        record readers of `FastReader._generate` inline them, so both read
        alike by construction."""
        spec = self.spec
        i = spec.index
        ns.update({"MISS": MISS, "_SAME": _SAME, "_F": Fraction, "_new": _new, "_gcd": math.gcd,
                   "_isfinite": math.isfinite, "_fp": _float_parts, "_P10": _POW10, "_PLAIN": _PLAIN,
                   "_dec": _decimal, f"C{i}": self.conversions, f"CV{i}": self._conversion})
        lines = [
            f"k = {raw}.__class__",
            "if k is float:",
            f"    if -1e12 < {raw} < 1e12:",  # (not NaN): a short decimal is found by arithmetic, see _float_parts
            f"        if {raw}.is_integer():",
            f"            n = int({raw})",
            "            d = 1",
            "        else:",
            f"            n = round({raw} * 10)",
            "            d = 10",
            f"            if n / 10 != {raw}:",
            f"                n, d = _fp({raw})",
            f"    elif _isfinite({raw}):",
            f"        n, d = _fp({raw})",
            "    else:",
            "        return MISS",
            "elif k is int:",
            f"    n = {raw}",
            "    d = 1",
            "elif k is str:",
            f"    number, space, unit = {raw}.partition(' ')",
            "    whole, _, frac = number.partition('.')",
            "    if space and whole.isdigit() and (frac.isdigit() or not frac) and number.isascii() "
            "and len(number) < 18:",  # the usual `12.5 mg/L`
            "        n = int(whole + frac)",
            "        d = _P10[len(frac)]",
            "    else:",
            f"        match = _PLAIN.match({raw})",
            "        parts = _dec(match.group(1), match.group(2), match.group(3))",
            f"        unit = {raw}[match.end():]",
            "        if parts is None or unit[:1] in ('e', 'E'):",  # an exponent, or a unit starting with e: the full way
            "            return MISS",
            "        n, d = parts",
            f"    found = C{i}.get(unit)",
            "    if found is not _SAME:",
            "        if found is None:",
            "            unit = unit.strip()",
            "            if unit:",
        ]
        if spec.type != "quantity":
            lines.append("                return MISS")
        else:
            lines += [f"                found = CV{i}(unit)", "                if found is None:",
                      "                    return MISS"]
        lines += [
            "            else:",
            "                found = _SAME",
            "        if found is not _SAME:",
            "            value = _F(n, d) * found[0] + found[1]",
            "            n = value.numerator",
            "            d = value.denominator",
            "else:",
            "    return MISS",
        ]
        # Fraction(n, d) when it is within the input's range (d > 0)
        out_of_range = []
        for bound, test in ((spec.low, "<"), (spec.high, ">")):
            if bound is not None:
                b_n, b_d = bound.numerator, bound.denominator
                left = "n" if b_d == 1 else f"n * {b_d}"
                right = "0" if b_n == 0 else f"{b_n} * d"
                out_of_range.append(f"{left} {test} {right}")
        if out_of_range:
            lines += [f"if {' or '.join(out_of_range)}:", "    return MISS"]
        if _exact is Fraction:  # this Python's Fraction, as it is
            lines.append(f"{out} = _F(n, d)")
        else:
            lines += ["if d != 1:", "    g = _gcd(n, d)", "    if g != 1:", "        n //= g", "        d //= g",
                      f"{out} = _new(_F)", f"{out}._numerator = n", f"{out}._denominator = d"]
        return [indent + line for line in lines]

    def _make(self):
        """The value in the declared unit (a Fraction within range), else MISS: `code` as a function."""
        ns: dict = {}
        lines = ["def read(raw):"] + self.code(ns, "raw", "value", "    ") + ["    return value"]
        exec(compile("\n".join(lines) + "\n", f"<clinrules fast facts {self.spec.key}>", "exec"), ns)
        return ns["read"]

    def __call__(self, raw):
        return self.read(raw)


def _float_parts(raw: float) -> tuple[int, int]:
    """(n, d) of a finite float's shortest decimal text (`0.1` is 1/10), as the full checker reads it.

    A decimal of at most 15 significant digits that reads back as the float is
    the only one that short (any two differ by more than the float's spacing),
    so it is the shortest text's value: found by arithmetic, without the text."""
    if -1e15 < raw < 1e15:
        if raw.is_integer():
            return int(raw), 1
        for d in (10, 100, 1000):
            n = round(raw * d)
            if n / d == raw and -10**15 < n < 10**15:
                return n, d
    text = repr(raw)  # the shortest decimal that reads back as this float
    if "e" in text:
        value = Fraction(text)
        return value.numerator, value.denominator
    whole, _, frac = text.partition(".")
    return int(whole + frac), _POW10[len(frac)]  # "-0.5" -> -05 / 10
