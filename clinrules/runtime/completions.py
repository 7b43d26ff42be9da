"""Deciding over every completion of a patient (LANGUAGE.md, Missing data).

A completion gives every unknown input a value in its declared range. A
decision is decided when all completions give it the same result, and an
unknown input is needed when, for some values of the others, changing it
alone changes the result.

Kleene evaluation (the fast path in `ruleset`) already settles most
patients: when no unknown rule could change the outcome even taken as an
independent yes/no, every completion agrees. Only when it cannot settle a
decision is this module asked, and it answers exactly without enumerating
values: in the region space of completions (`clinrules.space`, the space
the linter reasons in) the patient is a box, known inputs fixed and unknown
ones free; each unknown rule's yes and no regions are cut to that box, and
the box is partitioned into cells on which every one of those rules is
constant (`space.partition`). The results of the cells are the results the
patient can still get; the inputs across which two cells of different
results face each other are what the decision needs.
"""

from __future__ import annotations

from bisect import bisect_left
from fractions import Fraction
from typing import NamedTuple

from clinrules.runtime.decide import CONFLICT, NOTHING, DecisionPlan
from clinrules.space.boxes import Box, restrict
from clinrules.space.conditions import Conditions
from clinrules.space.partition import dependent_dims, partition, widen
from clinrules.space.regions import PRESENCE, build_dims
from clinrules.space.words import Words, describe

NOT_APPLICABLE = "not applicable"


class Cell(NamedTuple):
    """Part of the patient's completions with one result."""

    box: Box
    outcome: object  # an option index, NOTHING, CONFLICT, a frozenset (any of) or NOT_APPLICABLE


class Settled(NamedTuple):
    """A decision settled over the completions of one patient."""

    outcomes: tuple  # the distinct results, in a stable order
    conflicting: frozenset  # options in conflict in every completion that conflicts
    needs: frozenset  # input positions
    cells: tuple  # Cell, for explanations


class Completions:
    """The completion space of one compiled ruleset, built on first need."""

    def __init__(self, doc: dict, dims: list | None = None) -> None:
        """`dims`: a space shared with another document (the semantic diff
        compares two versions over the thresholds of both); by default the
        document's own."""
        self.doc = doc
        self.dims = dims if dims is not None else build_dims(doc, presence=True)
        self.conds = Conditions(doc, self.dims)
        self.words = Words(doc, self.dims)
        self.value_dims = [d for d in self.dims if d.type != PRESENCE]
        self.presence = [d for d in self.dims if d.type == PRESENCE]
        self._points: dict[int, tuple[list[Fraction], list[int]]] = {}
        for dim in self.value_dims:
            if dim.type in ("number", "quantity"):
                pts = [(r.lo, i) for i, r in enumerate(dim.values) if r.point]
                self._points[dim.index] = ([p for p, _ in pts], [i for _, i in pts])
        position = {d.key: d.index for d in self.value_dims}
        self._supplied = [(d.index, position[d.key]) for d in self.presence]
        self._rule_conditions = [r.get("condition") for r in doc.get("rules", [])]

    # --- the patient as a box -------------------------------------------------

    def _region(self, index: int, value) -> int:
        points, where = self._points[index]
        if not isinstance(value, Fraction):
            value = Fraction(value)
        k = bisect_left(points, value)
        if k < len(points) and points[k] == value:
            return where[k]
        if k < len(points):
            return where[k] - 1
        return len(self.dims[index].values) - 1

    def patient(self, vector: tuple) -> Box:
        """Known inputs at their value, unknown ones free; whether each was
        supplied is fixed, as it is in every completion."""
        box: Box = {}
        for dim in self.value_dims:
            value = vector[dim.index]
            if value is None:
                continue
            if dim.type == "yes/no":
                box[dim.index] = 1 if value else 2
            elif dim.type == "one of":
                box[dim.index] = 1 << value
            else:
                box[dim.index] = 1 << self._region(dim.index, value)
        for d, i in self._supplied:
            box[d] = 2 if vector[i] is None else 1
        return box

    # --- what a condition can still be ------------------------------------------

    def _item(self, condition: dict | None, patient: Box) -> tuple[list[Box], list[Box]]:
        return (restrict(self.conds.yes(condition), patient, self.dims),
                restrict(self.conds.no(condition), patient, self.dims))

    def scope_is(self, patient: Box) -> bool | None:
        """The scope over every completion: True, False, or None when it differs."""
        yes, no = self._item(self.doc.get("scope"), patient)
        if not no:
            return True
        if not yes:
            return False
        return None

    # --- settling one decision ----------------------------------------------------

    def settle(self, plan: DecisionPlan, patient: Box, fired: tuple, unknown: tuple,
               scope_varies: bool) -> Settled:
        """`fired`: the decision's rules yes in every completion (Kleene yes);
        `unknown`: those Kleene left unknown, in rule order."""
        items = []
        if scope_varies:
            items.append(self._item(self.doc.get("scope"), patient))
        items += [self._item(self._rule_conditions[u], patient) for u in unknown]
        offset = 1 if scope_varies else 0
        conflicting: list = []  # per conflicting cell, the options in conflict

        def result(flags: tuple) -> object:
            if scope_varies and not flags[0]:
                return NOT_APPLICABLE
            chosen = sorted(fired + tuple(u for u, yes in zip(unknown, flags[offset:]) if yes))
            settlement = plan.settle(tuple(chosen), ()) if chosen else plan.empty
            if settlement.outcome == CONFLICT:
                conflicting.append(settlement.conflicting)
            return settlement.outcome

        cells = [Cell(box, outcome) for box, outcome in partition(items, patient, self.dims, result)]
        outcomes = tuple(sorted({c.outcome for c in cells}, key=_order))
        needs: frozenset = frozenset()
        if len(outcomes) > 1:
            free = [d.index for d in self.value_dims if d.index not in patient]
            needs = frozenset(dependent_dims([(c.box, c.outcome) for c in cells], free, patient, self.dims))
        in_every = frozenset.intersection(*conflicting) if conflicting else frozenset()
        return Settled(outcomes, in_every, needs, tuple(cells))

    # --- in words -------------------------------------------------------------------

    def conditions_of(self, cells) -> dict:
        """Per result, the conditions on the unknown inputs that lead to it,
        in the editor's words, widest first."""
        by_outcome: dict = {}
        for cell in cells:
            by_outcome.setdefault(cell.outcome, []).append(cell.box)
        out = {}
        for outcome, boxes in by_outcome.items():
            out[outcome] = tuple(self.describe(box) for box in widen(boxes, self.dims))
        return out

    def describe(self, box: Box) -> str:
        """A region of completions in words: the unknown inputs it narrows."""
        parts = [describe(self.dims[d], mask, self.words)
                 for d, mask in sorted(box.items()) if self.dims[d].type != PRESENCE]
        return " and ".join(parts) if parts else "any values"


def _order(outcome) -> tuple:
    """Results in a stable order: options by position, then no option,
    conflict, not applicable."""
    if outcome == NOT_APPLICABLE:
        return (3, ())
    if isinstance(outcome, frozenset):
        return (0, tuple(sorted(outcome)))
    if outcome == CONFLICT:
        return (2, ())
    if outcome == NOTHING:
        return (1, ())
    return (0, (outcome,))
