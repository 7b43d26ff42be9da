"""Every decision's results over the whole space of completions.

The runtime settles one patient at a time: its box (known inputs fixed,
unknown ones free) is cut into cells of constant result. With nothing fixed
the same partition over the *whole* space of completions, value dims and
presence dims alike, is `Completions.whole_space`. That
partition is all a backend needs to decide any patient exactly as the
runtime does (LANGUAGE.md, Missing data):

- a result is possible for a patient iff some cell of that result is
  compatible with the patient's box;
- the decision is decided iff exactly one result is possible;
- an unknown input is needed iff two cells of different results, both
  compatible with the patient, are apart only on that input.

The SQL backends compile these cells into predicates, and the semantic
diff compares the cells of two versions over one shared space.
"""

from __future__ import annotations

from typing import NamedTuple, Sequence

from clinrules.runtime.completions import NOT_APPLICABLE, Cell, Completions
from clinrules.runtime.decide import CONFLICT, NOTHING
from clinrules.space.regions import Dim

__all__ = ["CONFLICT", "NOTHING", "NOT_APPLICABLE", "DecisionCells", "decision_cells", "result_label"]


class DecisionCells(NamedTuple):
    """One decision's partition of the whole completion space."""

    index: int
    name: str
    key: str
    kind: str
    options: tuple  # option names, in declaration order
    cells: tuple  # Cell(box, outcome)
    conflicting: tuple  # per cell: the options in conflict there (a frozenset of positions), or None
    rules: tuple  # the rule positions that set this decision (not OTHERWISE)
    otherwise: tuple  # the OTHERWISE rules' positions
    fallback: object  # the outcome the OTHERWISE rules give (or NOTHING)
    has_fallback: bool


def decision_cells(ruleset, dims: Sequence[Dim] | None = None) -> list[DecisionCells]:
    """The cells of every decision of a loaded ruleset (`runtime.load`),
    over its own space or over `dims` (a space shared with another
    version)."""
    doc = ruleset.doc
    completions = ruleset.completions if dims is None else Completions(doc, list(dims))
    scope_varies = doc.get("scope") is not None
    out = []
    for dp in ruleset.decision_plans:
        rules = tuple(r.index for r in ruleset.rules
                      if not r.otherwise and any(d == dp.index for d, _ in r.actions))
        whole = sorted(((c.box, c.outcome, opts) for c, opts in completions.whole_space(dp, rules, scope_varies)),
                       key=_key)
        cells = tuple(Cell(box, outcome) for box, outcome, _ in whole)
        conflicting = tuple(opts for _, _, opts in whole)
        spec = dp.spec
        out.append(DecisionCells(dp.index, spec.name, spec.key, spec.kind, tuple(spec.options), cells, conflicting,
                                 rules, tuple(dp.otherwise_rules), dp.fallback_outcome,
                                 bool(dp.otherwise_rules) and bool(dp.fallback)))
    return out


def _key(cell) -> tuple:
    box, outcome, conflicting = cell
    return (repr(_sortable(outcome)), repr(_sortable(conflicting)), sorted(box.items()))


def _sortable(outcome):
    if isinstance(outcome, frozenset):
        return tuple(sorted(outcome))
    return outcome


def result_label(decision: DecisionCells, outcome) -> tuple:
    """A result in words that do not depend on option positions, so two
    versions of a ruleset compare by meaning: (status, value)."""
    if outcome == NOT_APPLICABLE:
        return ("not applicable", None)
    if isinstance(outcome, frozenset):
        return ("decided", tuple(sorted(" ".join(decision.options[j].split()).casefold() for j in outcome)))
    if outcome == CONFLICT:
        return ("conflict", None)
    if outcome == NOTHING:
        return ("undecided", None)
    return ("decided", " ".join(decision.options[outcome].split()).casefold())
