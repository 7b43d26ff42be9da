"""How a decision is settled from its fired (F) and unknown (U) rules.

The contract: a decision is made only when every way its unknown rules
could turn out (each independently yes or no) gives the same outcome. With
outcome(S) the policy's result for a set S of firing rules, that holds
exactly when no single unknown rule u changes it: outcome(F + {u}) ==
outcome(F) for every u in U (for each policy, outcomes of larger sets are
determined by the single additions; the property tests check this against
enumeration). The u that do change it are the *breaking* rules: their
unknown inputs are what the decision needs.

One-of outcomes are an option index, NOTHING (-1) or CONFLICT (-2); any-of
outcomes are frozensets of option indices.
"""

from __future__ import annotations

from typing import NamedTuple

from clinrules.runtime.model import DecisionSpec, RuleSpec

NOTHING = -1
CONFLICT = -2
_REMEMBER = 4096  # settlements remembered per decision


def _classify(options: frozenset) -> int:
    if not options:
        return NOTHING
    if len(options) == 1:
        return next(iter(options))
    return CONFLICT


class Settlement(NamedTuple):
    settled: bool
    outcome: object  # one of: int; any of: frozenset
    conflicting: frozenset  # options in conflict, when outcome is CONFLICT
    breaking: tuple[int, ...]  # unknown rules that could change the outcome
    otherwise_fired: bool  # the OTHERWISE rules took effect


class DecisionPlan:
    """One decision's policy as closed forms over rule positions."""

    def __init__(self, spec: DecisionSpec, rules: list[RuleSpec]) -> None:
        self.spec = spec
        self.index = spec.index
        self.any_of = spec.kind == "any of"
        self.policy = spec.policy
        d = spec.index
        self.opts = {r.index: o for r in rules if not r.otherwise for dd, o in r.actions if dd == d}
        self.otherwise_rules = [r.index for r in rules if r.otherwise and any(dd == d for dd, _ in r.actions)]
        fallback: frozenset = frozenset()
        for r in rules:
            if r.otherwise:
                for dd, o in r.actions:
                    if dd == d:
                        fallback |= o
        self.fallback = fallback  # options of the OTHERWISE rules
        if self.any_of:
            self.fallback_outcome = fallback
        elif self.policy == "priority":
            self.fallback_outcome = min(fallback) if fallback else NOTHING
        else:
            self.fallback_outcome = _classify(fallback)
        self.empty = self.settle((), ())
        self._settled: dict = {}  # (F, U) -> Settlement, see `settled`

    def settled(self, F, U) -> Settlement:
        """`settle(F, U)`, remembered: a settlement depends on F and U only
        (and is immutable), and a table sends the same few again and again."""
        key = (tuple(F), tuple(U))
        got = self._settled.get(key)
        if got is None:
            got = self.settle(F, U)
            if len(self._settled) < _REMEMBER:
                self._settled[key] = got
        return got

    def _single(self, options: frozenset):
        if self.any_of:
            return options
        if self.policy == "priority":
            return min(options)
        return _classify(options)

    def settle(self, F, U) -> Settlement:
        """F and U: rule positions in rule order."""
        opts = self.opts
        if not F:
            outcome = self.fallback_outcome
            conflicting = self.fallback if outcome == CONFLICT else frozenset()
            breaking = tuple(u for u in U if self._single(opts[u]) != outcome)
            fallback_fired = not breaking and bool(self.otherwise_rules) and bool(self.fallback)
            return Settlement(not breaking, outcome, conflicting, breaking, fallback_fired)
        if self.any_of:
            fired: frozenset = frozenset().union(*(opts[f] for f in F))
            breaking = tuple(u for u in U if not opts[u] <= fired)
            return Settlement(not breaking, fired, frozenset(), breaking, False)
        if self.policy == "priority":
            best = min(min(opts[f]) for f in F)
            breaking = tuple(u for u in U if min(opts[u]) < best)
            return Settlement(not breaking, best, frozenset(), breaking, False)
        if self.policy == "first match":
            first = F[0]
            outcome = _classify(opts[first])
            conflicting = opts[first] if outcome == CONFLICT else frozenset()
            breaking = tuple(u for u in U if u < first and _classify(opts[u]) != outcome)
            return Settlement(not breaking, outcome, conflicting, breaking, False)
        fired = frozenset().union(*(opts[f] for f in F))
        outcome = _classify(fired)
        if outcome == CONFLICT:
            return Settlement(True, outcome, fired, (), False)
        breaking = tuple(u for u in U if not opts[u] <= fired)
        return Settlement(not breaking, outcome, frozenset(), breaking, False)
