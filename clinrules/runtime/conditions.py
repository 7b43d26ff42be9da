"""Condition nodes prepared for evaluation: every leaf becomes a lookup table.

A leaf reads one *slot*: an input's state (for a number, the region of the
number line between the thresholds the ruleset compares it with; for a
yes/no input no/yes/unknown; for a `one of` input the option) or a condition
definition's value. Its truth for every state is computed here once, with
exact Fractions, so that per patient a comparison is a tuple index.

Truth values are the integers NO=0, UNKNOWN=1, YES=3: with that encoding
Kleene AND is `&`, OR is `|` and NOT is the table `NOT3`.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from fractions import Fraction
from math import lcm

NO, UNKNOWN, YES = 0, 1, 3
NAMES = {NO: "no", UNKNOWN: "unknown", YES: "yes"}
NOT3 = (YES, UNKNOWN, UNKNOWN, NO)
CMP = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "=": operator.eq,
    "!=": operator.ne,
}
CMP_CODES = {op: i for i, op in enumerate(CMP)}
CMP_FUNCS = tuple(CMP.values())


@dataclass(eq=False)
class Node:
    """One condition node, ready for code generation and for `needs`."""

    id: int
    op: str
    text: str
    children: tuple["Node", ...] = ()
    slot: int | None = None  # table leaves: the slot they read
    table: tuple | None = None  # table leaves: truth per slot state
    input: int | None = None  # leaves on an input: its position
    definition: int | None = None  # ref / score comparisons: the definition's position
    k: int | None = None  # at least
    score_args: tuple = ()  # score comparisons: ("cmp", code, t) or ("between", lo, hi), scaled
    reads: frozenset = field(default_factory=frozenset)  # inputs read, through definitions too

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


class Regions:
    """The number line of one numeric input cut at every threshold used on it.

    With sorted thresholds t0 < ... < t(m-1), state 2j+1 is exactly tj and
    state 2j the open interval below it (state 2m above the last); state
    2m+1 is unknown. A value is placed with one `bisect_right` on integers:
    thresholds are scaled by the lcm `scale` of their denominators and
    doubled, the value v by `2*floor(v*scale) + (1 if not whole)`, which
    orders exactly like the Fractions.
    """

    def __init__(self, thresholds: set[Fraction]) -> None:
        self.points = sorted(thresholds)
        self.scale = lcm(*(t.denominator for t in self.points)) if self.points else 1
        bounds = []
        for t in self.points:
            doubled = 2 * int(t * self.scale)
            bounds += [doubled, doubled + 1]
        self.bounds = tuple(bounds)
        self.unknown = 2 * len(self.points) + 1
        self._position = {t: 2 * i + 1 for i, t in enumerate(self.points)}
        self._tables: dict[tuple, tuple] = {}

    def representative(self, state: int) -> Fraction:
        m = len(self.points)
        if state % 2 == 1:
            return self.points[state // 2]
        j = state // 2
        if m == 0:
            return Fraction(0)
        if j == 0:
            return self.points[0] - 1
        if j == m:
            return self.points[-1] + 1
        return (self.points[j - 1] + self.points[j]) / 2

    def table(self, test) -> tuple:
        """Truth per state of any test on the value (slow: one Fraction test per state)."""
        return tuple(YES if test(self.representative(s)) else NO for s in range(self.unknown)) + (UNKNOWN,)

    def between_table(self, low: Fraction, high: Fraction) -> tuple:
        """Truth per state of `low <= value <= high`, both thresholds of this input.

        Built from the thresholds' positions alone, with no arithmetic, so
        loading an 8,000-rule ruleset does not cost millions of Fraction
        comparisons; one tuple per distinct test, shared by every leaf that
        makes it (a large table repeats its thresholds)."""
        key = ("between", low, high)
        table = self._tables.get(key)
        if table is None:
            first, last = self._state_of(low), self._state_of(high)
            if first > last:
                table = (NO,) * self.unknown + (UNKNOWN,)
            else:
                table = (NO,) * first + (YES,) * (last - first + 1) + (NO,) * (self.unknown - last - 1) + (UNKNOWN,)
            table = self._tables[key] = table
        return table

    def compare_table(self, cmp: str, value: Fraction) -> tuple:
        """Truth per state of `value_of_patient CMP value`, a threshold of this input."""
        key = (cmp, value)
        table = self._tables.get(key)
        if table is None:
            at, states = self._state_of(value), self.unknown
            below, on, above = at, 1, states - at - 1
            runs = {
                ">": ((NO, below + on), (YES, above)),
                ">=": ((NO, below), (YES, on + above)),
                "<": ((YES, below), (NO, on + above)),
                "<=": ((YES, below + on), (NO, above)),
                "=": ((NO, below), (YES, on), (NO, above)),
                "!=": ((YES, below), (NO, on), (YES, above)),
            }[cmp]
            table = ()
            for v, n in runs:
                table += (v,) * n
            table = self._tables[key] = table + (UNKNOWN,)
        return table

    def _state_of(self, threshold: Fraction) -> int:
        return self._position[threshold]


def scale_of(values) -> int:
    dens = [Fraction(v).denominator for v in values]
    return lcm(*dens) if dens else 1
