"""Deciding over every completion of a patient (LANGUAGE.md, Missing data).

A completion gives every unknown input a value in its declared range. A
decision is decided when all completions give it the same result, and an
unknown input is needed when, for some values of the others, changing it
alone changes the result.

Kleene evaluation (the fast path in `ruleset`) already settles most
patients: when no unknown rule could change the outcome even taken as an
independent yes/no, every completion agrees. Only when it cannot settle a
decision is this module asked, and it answers exactly without enumerating
values, in the region space of completions (`clinrules.space`, the space
the linter reasons in):

- once per decision, the whole space is partitioned into cells on which the
  decision's result is constant (`space.partition`, splitting along the
  rules' own boundaries and stopping as soon as Kleene logic settles a
  cell), and the cells are indexed (`space.cellindex`);
- per patient, the patient is a box (known inputs fixed, unknown ones
  free, whether each was supplied fixed): the cells it meets are a few
  big-integer ANDs, their results are the results the patient can still
  get, and the inputs across which two of them face each other are what
  the decision needs.

A decision whose whole-space partition would exceed `cell_limit` cells is
partitioned inside each patient's box instead (slower, same answers; the
property tests run both).
"""

from __future__ import annotations

from bisect import bisect_left
from fractions import Fraction
from typing import NamedTuple

from clinrules.runtime.decide import CONFLICT, NOTHING, DecisionPlan
from clinrules.space.boxes import Box, merge_boxes, restrict
from clinrules.space.conditions import Conditions
from clinrules.space.cellindex import CellIndex
from clinrules.space.partition import TooManyCells, dependent_dims, partition, widen
from clinrules.space.regions import PRESENCE, build_dims
from clinrules.space.words import Words, describe

NOT_APPLICABLE = "not applicable"
CELL_LIMIT = 20000  # cells of one decision over the whole space, indexed once


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
        self._indexes: dict = {}
        self.cell_limit = CELL_LIMIT
        self._score_nodes: dict = {}

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
               scope_varies: bool, explain: bool = False) -> Settled:
        """`fired`: the decision's rules yes in every completion (Kleene yes);
        `unknown`: those Kleene left unknown, in rule order.

        The decision's cells over the whole space are computed once and
        indexed; the patient's results are those of the cells it meets. A
        decision too intricate to partition whole (more than `cell_limit`
        cells) is partitioned inside each patient's box instead."""
        index = self.index(plan)
        if index is None:
            return self._settle_inside(plan, patient, fired, unknown, scope_varies, explain)
        cells, conflicts = index
        meets = cells.meeting(patient)
        outcomes = tuple(sorted(cells.results_in(meets), key=_order))
        needs: frozenset = frozenset()
        if len(outcomes) > 1:
            free = [d.index for d in self.value_dims if d.index not in patient]
            needs = frozenset(cells.needs(meets, free))
        in_every = frozenset()
        if CONFLICT in outcomes:
            sets = [conflicts[j] for j in range(len(conflicts)) if meets >> j & 1 and conflicts[j] is not None]
            in_every = frozenset.intersection(*sets)
        found = tuple(Cell(box, result) for box, result in cells.boxes(meets, patient)) if explain else ()
        return Settled(outcomes, in_every, needs, found)

    def whole_space(self, plan: DecisionPlan, rules: tuple, scope_varies: bool) -> tuple:
        """The decision's cells over the whole space, merged per result
        (and, for conflicts, per set of options in conflict), each with
        those options (a frozenset of option positions; None for any other
        result): what a backend compiles ("this result is possible"
        predicates in SQL) and what the semantic diff compares across
        versions."""
        raw = self._partition(plan, {}, (), rules, scope_varies, merge=True)
        return tuple((Cell(box, CONFLICT), key[1]) if isinstance(key, tuple) else (Cell(box, key), None)
                     for box, key in raw)

    def index(self, plan: DecisionPlan):
        """(CellIndex, per cell the options in conflict or None) of one
        decision over the whole space, or None when too large."""
        if plan.index not in self._indexes:
            rules = tuple(r for r in sorted(plan.opts))
            has_scope = self.doc.get("scope") is not None
            try:
                raw = self._partition(plan, {}, (), rules, has_scope, merge=False, limit=self.cell_limit)
            except TooManyCells:
                self._indexes[plan.index] = None
            else:
                cells = [(box, CONFLICT if isinstance(key, tuple) else key) for box, key in raw]
                conflicts = [key[1] if isinstance(key, tuple) else None for _, key in raw]
                self._indexes[plan.index] = (CellIndex(cells, self.dims), conflicts)
        return self._indexes[plan.index]

    def _settle_inside(self, plan, patient, fired, unknown, scope_varies, explain) -> Settled:
        raw = self._partition(plan, patient, fired, unknown, scope_varies, merge=explain)
        cells = [Cell(box, CONFLICT if isinstance(key, tuple) else key) for box, key in raw]
        outcomes = tuple(sorted({c.outcome for c in cells}, key=_order))
        needs: frozenset = frozenset()
        if len(outcomes) > 1:
            free = [d.index for d in self.value_dims if d.index not in patient]
            needs = frozenset(dependent_dims([(c.box, c.outcome) for c in cells], free, patient, self.dims))
        sets = [key[1] for _, key in raw if isinstance(key, tuple)]
        in_every = frozenset.intersection(*sets) if sets else frozenset()
        return Settled(outcomes, in_every, needs, tuple(cells))

    def _partition(self, plan, patient, fired, unknown, scope_varies, merge, limit=None):
        """Cells of the patient's box (the whole space for `{}`) with their
        results; a conflict's result is (CONFLICT, the options in conflict)."""
        items = []
        if scope_varies:
            items.append(self._item(self.doc.get("scope"), patient))
        items += [self._item(self._rule_conditions[u], patient) for u in unknown]
        offset = 1 if scope_varies else 0

        def outcome(yes: list[int], still: list[int]):
            if scope_varies:
                if 0 in still:
                    return None  # the scope first: outside it nothing else counts
                if not yes or yes[0] != 0:
                    return NOT_APPLICABLE
            chosen = tuple(sorted(fired + tuple(unknown[i - offset] for i in yes if i >= offset)))
            open_rules = tuple(unknown[i - offset] for i in still)
            settlement = plan.settle(chosen, open_rules) if (chosen or open_rules) else plan.empty
            if not settlement.settled:
                return None
            if settlement.outcome == CONFLICT:
                if open_rules:
                    return None  # pin the open rules down: they may join the conflict everywhere
                return (CONFLICT, settlement.conflicting)
            return settlement.outcome

        return partition(items, patient, self.dims, outcome, merge=merge, limit=limit)

    # --- scores --------------------------------------------------------------------

    def score_values(self, definition: dict, patient: Box) -> list[Fraction] | None:
        """Every value the score can take over the patient's completions,
        exactly (items on one input cannot both count if their bands are
        apart): each sum of its points is tried as `score = sum` against the
        patient's box. None for a score of more than 12 items."""
        points = [Fraction(str(item["points"])) for item in definition["items"]]
        if len(points) > 12:
            return None
        sums = {Fraction(0)}
        for p in points:
            sums |= {x + p for x in sums}
        out = []
        for value in sorted(sums):
            # kept: the condition memo is keyed by node identity
            node = self._score_nodes.setdefault(
                (definition["key"], value),
                {"op": "compare", "score": definition["key"], "cmp": "=", "value": str(value)})
            if restrict(self.conds.yes(node), patient, self.dims):
                out.append(value)
        return out

    # --- in words -------------------------------------------------------------------

    def conditions_of(self, cells) -> dict:
        """Per result, the conditions on the unknown inputs that lead to it,
        in the editor's words, widest first."""
        by_outcome: dict = {}
        for cell in cells:
            by_outcome.setdefault(cell.outcome, []).append(cell.box)
        out = {}
        for outcome, boxes in by_outcome.items():
            merged = merge_boxes(boxes, self.dims)
            out[outcome] = tuple(self.describe(box) for box in widen(merged, self.dims))
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
