"""The finite abstraction of every input: what makes the analysis exact.

A numeric input is cut at every threshold any condition compares it with
(clipped to its declared range): each threshold is a point region, each open
interval between two consecutive thresholds is a region. Every condition of
the language is constant on each region, so a condition becomes a Boolean
function over region choices and the linter never enumerates numbers.
Numbers are rational-valued, so every open interval holds patients.

Every input also gets a `missing` value: dead-rule analysis must see that
`ESR is missing` can be true, and an `OTHERWISE` rule may fire while a rule
choosing the same option is unknown. Gap and conflict analysis restrict
every input to its known values.
"""

from __future__ import annotations

import math
from functools import lru_cache
from dataclasses import dataclass
from fractions import Fraction
from typing import Collection, Iterator

MISSING = "missing"


@lru_cache(maxsize=65536)
def exact(text: str) -> Fraction:
    """An exact number string of the IR (`"6"`, `"45.65625"`, `"10/7"`)."""
    if text.isdigit():
        return Fraction(int(text))
    return Fraction(text)


@dataclass(frozen=True)
class Region:
    """One value class of a numeric input: a point or an open interval.

    `lo`/`hi` are None for an unbounded end. `written` keeps how the editor
    wrote a threshold point (`"10 days"`), the best way to show it back."""

    lo: Fraction | None
    hi: Fraction | None
    point: bool
    written: str | None = None

    def sample(self) -> Fraction:
        """A representative value: any point of the region gives the same
        truth to every condition of the ruleset."""
        if self.point:
            return self.lo  # type: ignore[return-value]
        if self.lo is None and self.hi is None:
            return Fraction(0)
        if self.lo is None:
            return self.hi - 1  # type: ignore[operator]
        if self.hi is None:
            return self.lo + 1
        return (self.lo + self.hi) / 2

    def nice(self, near: Fraction | None = None) -> Fraction:
        """A short value inside the region, for witnesses people read.

        With `near` (the input's typical value, or the middle of its range):
        `near` itself when it lies inside, else the value inside nearest to
        it at the coarsest precision that fits (whole numbers, then tenths,
        ...), so a low blood pressure shows as 89 mmHg, not 1 mmHg. Without
        it: the first integer above the lower end, else the shortest decimal."""
        if self.point:
            return self.lo  # type: ignore[return-value]
        lo, hi = self.lo, self.hi
        if near is not None:
            if (lo is None or near > lo) and (hi is None or near < hi):
                return near
            step = Fraction(1)
            while True:
                value = Fraction(math.floor(near / step + Fraction(1, 2))) * step
                if lo is not None and value <= lo:
                    value = Fraction(math.floor(lo / step) + 1) * step
                if hi is not None and value >= hi:
                    value = Fraction(math.ceil(hi / step) - 1) * step
                if (lo is None or value > lo) and (hi is None or value < hi):
                    return value
                step /= 10
        if lo is None and hi is None:
            return Fraction(0)
        if lo is None:
            return Fraction(math.ceil(hi) - 1)  # type: ignore[arg-type]
        candidate = Fraction(math.floor(lo) + 1)
        if hi is None or candidate < hi:
            return candidate
        step = Fraction(1, 10)
        while True:
            value = Fraction(math.floor(lo / step) + 1) * step
            if value < hi:
                return value
            step /= 10


@dataclass(frozen=True)
class Dim:
    """One input as the analysis sees it: its finite list of values.

    `values` are Region objects (numbers, quantities), True/False (yes/no)
    or option keys (one of); `missing` adds a last value standing for an
    input the caller did not supply."""

    index: int
    key: str
    name: str
    type: str
    values: tuple
    missing: bool
    input: dict

    def __post_init__(self) -> None:
        size = len(self.values) + (1 if self.missing else 0)
        object.__setattr__(self, "size", size)
        object.__setattr__(self, "full", (1 << size) - 1)
        object.__setattr__(self, "known", (1 << len(self.values)) - 1)
        object.__setattr__(self, "missing_bit", (1 << len(self.values)) if self.missing else 0)

    def value_bits(self, mask: int) -> Iterator[int]:
        i = 0
        while mask:
            if mask & 1:
                yield i
            mask >>= 1
            i += 1


def walk(node: dict | None) -> Iterator[dict]:
    """Every node of a condition tree, parent before children."""
    if node is None:
        return
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        children = current.get("args")
        if children:
            stack.extend(reversed(children))
        elif current.get("arg") is not None:
            stack.append(current["arg"])


def all_conditions(doc: dict) -> Iterator[dict]:
    """Every condition root of the document: scope, definitions, rules."""
    if doc.get("scope") is not None:
        yield doc["scope"]
    for definition in doc.get("definitions", []):
        if definition.get("kind") == "score":
            for item in definition.get("items", []):
                yield item["condition"]
        elif definition.get("condition") is not None:
            yield definition["condition"]
    for rule in doc.get("rules", []):
        if rule.get("condition") is not None:
            yield rule["condition"]


def _thresholds(doc: dict, extra: list[dict]) -> tuple[dict, dict]:
    """Per input, its thresholds and how each was first written; and the
    inputs `is known`/`is missing` read. Thresholds are gathered as the IR's
    exact strings and made numbers once each (a large table repeats them)."""
    texts: dict[str, dict[str, tuple | None]] = {}  # input -> threshold text -> (n, first writing)
    missing: dict[str, bool] = {}
    n = 0
    roots = list(all_conditions(doc)) + extra
    for root in roots:
        for node in walk(root):
            op = node.get("op")
            key = node.get("input")
            if op == "known":
                missing[key] = True
            elif op == "compare" and key is not None:
                seen = texts.setdefault(key, {})
                if seen.get(node["value"]) is None:
                    how = node.get("written")
                    seen[node["value"]] = (n, how) if how else None
                    n += 1
            elif op == "between" and key is not None:
                seen = texts.setdefault(key, {})
                for bound, text in (("low", "written_low"), ("high", "written_high")):
                    if seen.get(node[bound]) is None:
                        how = node.get(text)
                        seen[node[bound]] = (n, how) if how else None
                        n += 1
    # numbers keyed by (numerator, denominator), equal exactly when the
    # numbers are (hashing a Fraction is slow, and a table has thousands)
    points: dict[str, dict[tuple[int, int], Fraction]] = {}
    written: dict[str, dict[tuple[int, int], str]] = {}
    for key, seen in texts.items():
        values = points[key] = {}
        first: dict[tuple[int, int], tuple] = {}
        for text, how in seen.items():
            value = exact(text)
            number = (value.numerator, value.denominator)
            values[number] = value
            if how is not None and (number not in first or how < first[number]):
                first[number] = how  # the earliest writing of this number, whatever its text
        written[key] = {number: how[1] for number, how in first.items()}
    return {"points": points, "written": written}, missing


def numeric_regions(cuts: Collection[Fraction], rng: dict | None, written: dict) -> tuple[Region, ...]:
    """The regions of a numeric input cut at `cuts` (distinct numbers),
    inside its range; `written[(numerator, denominator)]` is how a
    threshold was written."""
    lo = exact(str(rng["min"])) if rng and rng.get("min") is not None else None
    hi = exact(str(rng["max"])) if rng and rng.get("max") is not None else None
    # ordered by exact integer keys (value times a common denominator):
    # comparing Fractions is slow, and a large table has thousands of cuts
    scale = math.lcm(*(c.denominator for c in cuts), *(e.denominator for e in (lo, hi) if e is not None))
    key = lambda c: c.numerator * (scale // c.denominator)  # noqa: E731
    low = None if lo is None else key(lo)
    high = None if hi is None else key(hi)
    inside = sorted((c for c in cuts if (low is None or key(c) > low) and (high is None or key(c) < high)), key=key)
    regions: list[Region] = []
    prev = lo
    if lo is not None:
        regions.append(Region(lo, lo, True, written.get((lo.numerator, lo.denominator))))
    for cut in inside:
        regions.append(Region(prev, cut, False))
        regions.append(Region(cut, cut, True, written.get((cut.numerator, cut.denominator))))
        prev = cut
    if hi is not None and lo is not None and hi == lo:
        return tuple(regions)
    regions.append(Region(prev, hi, False))
    if hi is not None:
        regions.append(Region(hi, hi, True, written.get((hi.numerator, hi.denominator))))
    return tuple(regions)


def build_dims(doc: dict, extra: list[dict] | None = None, *, presence: bool = False) -> list[Dim]:
    """The analysis space of a document (plus any extra condition trees a
    caller asks about, whose thresholds must be cut too).

    By default every input has a `missing` value beside its known ones: the
    linter's space, where a missing input makes comparisons unknown.
    With `presence=True` it is the space of *completions* (LANGUAGE.md,
    Missing data): an input's value dimension holds only values it can have,
    and whether the caller supplied it is a dimension of its own (a
    `presence` dim, values known/missing, after all the value dims), read
    only by `is known`/`is missing`. An unknown input then has every value
    while `ESR is missing` stays yes, as in every completion of the patient.
    """
    cuts, missing = _thresholds(doc, extra or [])
    dims = []
    for index, spec in enumerate(doc.get("inputs", [])):
        key = spec["key"]
        kind = spec["type"]
        if kind == "yes/no":
            values: tuple = (True, False)
        elif kind == "one of":
            values = tuple(" ".join(o.split()).casefold() for o in spec["options"])
        else:
            own = cuts["written"].get(key, {})
            values = numeric_regions(cuts["points"].get(key, {}).values(), spec.get("range"), own)
        dims.append(Dim(index, key, spec["name"], kind, values, not presence, spec))
    if presence:
        for spec in doc.get("inputs", []):
            if missing.get(spec["key"]):
                dims.append(Dim(len(dims), spec["key"], spec["name"], PRESENCE, (True, False), False, spec))
    return dims


PRESENCE = "presence"  # a presence dim's type: value 0 is "known", value 1 "missing"
