"""A loaded ruleset: validate facts, evaluate patients.

`evaluate_validated` is the hot path: one call of the generated `front`
code, a few bitset operations to find the rules that are yes or unknown, and
the decision closed forms (see `decide`) over those rules only. The explain
path records every node with the generated recording functions and feeds
the same closed forms; both are built from the same plan.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import NamedTuple

from clinrules.errors import Diagnostic, RulesError
from clinrules.exact import decimal_text, exact_str
from clinrules.runtime.conditions import NAMES, NO, UNKNOWN, YES
from clinrules.runtime.completions import NOT_APPLICABLE, Completions
from clinrules.runtime.decide import CONFLICT, DecisionPlan
from clinrules.runtime.facts import FactChecker, Facts, show
from clinrules.runtime.model import read_decisions, read_inputs, read_rules
from clinrules.runtime.plan import Plan
from clinrules.runtime.result import DecisionResult, Possibility, Result, ScoreRange
from clinrules.runtime.units import UnitTable


def _number(value) -> str:
    """An exact score value as people write it: `2`, `4.5`, else a ratio."""
    return decimal_text(value) or exact_str(value)


_tuple_new = tuple.__new__  # a NamedTuple built without its generated __new__ (a Python call)
_REMEMBER = 4096  # recipes remembered per ruleset


class _Recipe(NamedTuple):
    """Everything a Result holds but the patient's facts, with tuples where
    it has lists: what a set of yes and unknown rules gives (`rows`: per
    decision, DecisionResult's fields). `general` when it depends on those
    rules alone (no completions consulted, no explain): then it is
    remembered, and the next patient with the same rules gets a copy."""

    applicable: bool | None
    rows: tuple
    fired: tuple
    fired_index: tuple
    needs: tuple
    general: bool


def _bits(mask: int) -> list[int]:
    """Positions of the set bits, ascending."""
    if mask.bit_count() <= 8:
        out = []
        while mask:
            low = mask & -mask
            out.append(low.bit_length() - 1)
            mask ^= low
        return out
    text = bin(mask)
    last = len(text) - 1
    out = []
    pos = text.find("1", 2)
    while pos != -1:
        out.append(last - pos)
        pos = text.find("1", pos + 1)
    out.reverse()
    return out


class CompiledRuleset:
    """One compiled ruleset, ready to evaluate patients (see `load`)."""

    def __init__(self, doc: dict, source: str | None = None) -> None:
        self.doc = doc
        self.source = source or doc.get("source_file")
        self.title = doc.get("title")
        self.version = doc.get("version")
        self.units = UnitTable(doc.get("units") or {})
        self.inputs = read_inputs(doc, self.units, self.source)
        self.decision_specs = read_decisions(doc)
        self.rules = read_rules(doc, self.decision_specs, self.source)
        self.plan = Plan(doc, self.inputs, self.rules, self.source)
        self.decision_plans = [DecisionPlan(spec, self.rules) for spec in self.decision_specs]
        self._checker = FactChecker(self.inputs, self.units, self)
        self._rule_decisions = [tuple(d for d, _ in r.actions) for r in self.rules]
        self._rule_names = [r.name for r in self.rules]
        self._input_names = [s.name for s in self.inputs]
        self._sources = {s["number"]: s["citation"] for s in doc.get("sources") or ()}
        self._recipes: dict = {}  # yes rules (and unknown ones) -> _Recipe, see `_evaluate`

    # --- facts ------------------------------------------------------------------

    def validate_facts(self, facts: Mapping, *, source: str | None = None) -> Facts:
        """Check and convert one patient's facts; RulesError lists every problem."""
        return self._checker.check(facts, source)

    def facts_schema(self) -> dict:
        from clinrules.runtime.schema import facts_schema

        return facts_schema(self.doc)

    # --- evaluation -------------------------------------------------------------

    def evaluate(self, facts: Mapping, *, explain: bool = False) -> Result:
        if explain:
            return self.evaluate_validated(self._checker.check(facts), explain=True)
        return self._evaluate(self._checker.check(facts))  # validated here: no owner to check

    def evaluate_validated(self, facts: Facts, *, explain: bool = False) -> Result:
        if not isinstance(facts, Facts) or facts.owner is not self:
            raise RulesError(
                [Diagnostic("bad-fact-owner", "these facts were validated for another ruleset; validate them with this one")]
            )
        if explain:
            return self._explain(facts, self.plan.front(facts.vector)[0])
        return self._evaluate(facts)

    def _evaluate(self, facts: Facts) -> Result:
        plan = self.plan
        S, scope, no, ny = plan.front(facts.vector)
        if scope == NO:
            return self._not_applicable(facts)
        candidates = plan.all_rules ^ no  # (no is within all_rules: `all_rules & ~no` without negative ints)
        if ny is no and not (plan.partial and candidates & plan.partial):
            # every candidate is a plain rule and yes (`ny` is `no`: none is unknown)
            key = candidates
            recipe = self._recipes.get(key)
            if recipe is not None and scope == YES:
                return self._build(recipe, facts.values)
            yes = _bits(candidates)
            unknown = []
        else:
            full = plan.full
            yes = _bits(candidates & ~ny & full)
            unknown = _bits(candidates & ny & full)
            partial = candidates & plan.partial
            if partial:
                fns = plan.rule_fns
                for i in _bits(partial):
                    v = fns[i](S)
                    if v == YES:
                        yes.append(i)
                    elif v == UNKNOWN:
                        unknown.append(i)
                yes.sort()
                unknown.sort()
            key = (tuple(yes), tuple(unknown))
            recipe = self._recipes.get(key)
            if recipe is not None and scope == YES:
                return self._build(recipe, facts.values)
        recipe = self._recipe(facts, S, scope, yes, unknown, {})
        if recipe is None:
            return self._not_applicable(facts)
        if recipe.general and scope == YES and len(self._recipes) < _REMEMBER:
            self._recipes[key] = recipe
        return self._build(recipe, facts.values)

    def _not_applicable(self, facts: Facts, **extra) -> Result:
        return self._build(self._not_applicable_recipe, facts.values, extra)

    @cached_property
    def _not_applicable_recipe(self) -> _Recipe:
        rows = tuple((p.spec.name, p.spec.kind, "not applicable", None, (), (), None, (), (), ())
                     for p in self.decision_plans)
        return _Recipe(False, rows, (), (), (), True)

    def _build(self, recipe: _Recipe, values: dict, extra: dict | None = None) -> Result:
        """The Result of a recipe: new lists and dicts for every patient (callers may change theirs)."""
        decisions = {}
        for name, kind, status, value, fired, needs, conflicting, regardless, possible, scores in recipe.rows:
            decisions[name] = _tuple_new(DecisionResult, (
                name, kind, status, list(value) if value.__class__ is tuple else value, list(fired), list(needs),
                None if conflicting is None else list(conflicting), regardless, possible, scores))
        if extra:
            return Result(recipe.applicable, decisions, list(recipe.fired), list(recipe.needs), values,
                          ruleset=self, fired_index=recipe.fired_index, **extra)
        return _tuple_new(Result, (recipe.applicable, decisions, list(recipe.fired), list(recipe.needs), values,
                                   None, None, None, self, recipe.fired_index))

    def _finish(self, facts: Facts, S, scope: int, yes, unknown, R: dict, explain: bool = False,
                **extra) -> Result:
        recipe = self._recipe(facts, S, scope, yes, unknown, R, explain)
        if recipe is None:
            return self._not_applicable(facts, **extra)
        return self._build(recipe, facts.values, extra)

    def _recipe(self, facts: Facts, S, scope: int, yes, unknown, R: dict, explain: bool = False) -> _Recipe | None:
        """What the patient's Result holds, from its yes and unknown rules
        (rule order); None when the scope is no in every completion."""
        by_decision = self._rule_decisions
        fired_by: dict[int, list[int]] = {}
        unknown_by: dict[int, list[int]] = {}
        for i in yes:
            for d in by_decision[i]:
                got = fired_by.get(d)
                if got is None:
                    fired_by[d] = [i]
                else:
                    got.append(i)
        for i in unknown:
            for d in by_decision[i]:
                got = unknown_by.get(d)
                if got is None:
                    unknown_by[d] = [i]
                else:
                    got.append(i)
        rule_names = self._rule_names
        patient = None
        scope_varies = False
        if scope == UNKNOWN:
            # Kleene cannot tell; the completions can (`ESR > 20 OR ESR <= 20` is yes)
            patient = self.completions.patient(facts.vector)
            over = self.completions.scope_is(patient)
            if over is False:
                return None
            scope_varies = over is None
        rows = []
        all_fired: list[int] = []
        all_needs: set[int] = set()
        for dp in self.decision_plans:
            F = fired_by.get(dp.index, ())
            U = unknown_by.get(dp.index, ())
            spec = dp.spec
            conflicting = None
            value = None
            regardless = ()
            possible = ()
            scores = ()
            needs = None
            settled, outcome, conflicting_set, _, otherwise_fired = (
                dp.settled(F, U) if (F or U) else dp.empty
            )
            # a conflict with open rules: they may join it in every completion
            if settled and not scope_varies and not (U and outcome == CONFLICT):
                fired = dp.otherwise_rules if otherwise_fired else F
                if explain and U:
                    regardless = self._regardless(U, S, R)
            else:
                if patient is None:
                    patient = self.completions.patient(facts.vector)
                got = self.completions.settle(dp, patient, tuple(F), tuple(U), scope_varies, explain)
                if len(got.outcomes) == 1:
                    outcome = got.outcomes[0]
                    conflicting_set = got.conflicting
                    # OTHERWISE took effect: no rule fired and its result stands
                    fired = F or (dp.otherwise_rules if dp.fallback and outcome == dp.fallback_outcome else ())
                    if explain:
                        regardless = self._regardless(U, S, R)
                else:
                    outcome = None
                    needs = got.needs
                    fired = () if scope_varies else F
                    if explain:
                        possible = self._possible(dp, got)
                        scores = self._open_scores(U, patient)
            if outcome is None:
                status = "undecided"
            elif outcome == NOT_APPLICABLE:
                status = "not applicable"
            elif dp.any_of:
                status = "decided"
                value = tuple(spec.options[j] for j in sorted(outcome))  # a list in the Result
            elif outcome >= 0:
                status = "decided"
                value = spec.options[outcome]
            elif outcome == CONFLICT:
                status = "conflict"
                conflicting = tuple(spec.options[j] for j in sorted(conflicting_set))
            else:
                status = "undecided"
            if fired:
                all_fired += fired
            if needs:
                all_needs |= needs
                needs_names = tuple(self._names_of_inputs(needs))
            else:
                needs_names = ()
            rows.append((spec.name, spec.kind, status, value, tuple(rule_names[i] for i in fired), needs_names,
                         conflicting, regardless, possible, scores))
        if len(self.decision_plans) > 1 and all_fired:
            fired_index = tuple(sorted(set(all_fired)))
        else:
            fired_index = tuple(all_fired)
        return _Recipe(
            None if scope_varies else True,
            tuple(rows),
            tuple(rule_names[i] for i in fired_index),
            fired_index,
            tuple(self._names_of_inputs(all_needs)) if all_needs else (),
            patient is None and not explain,
        )

    # --- missing data -------------------------------------------------------------

    @cached_property
    def completions(self) -> Completions:
        """The region space of completions, built the first time a patient
        with missing data is not settled by Kleene logic alone."""
        return Completions(self.doc)

    def _regardless(self, unknown, S, R: dict) -> tuple:
        """Unknown inputs read by a decision's unknown rules: a decided
        result holds whatever they are."""
        plan = self.plan
        reads: set = set()
        for u in unknown:
            reads |= plan.rule_needs(u, S, R)
        return tuple(self._names_of_inputs(reads)) if reads else ()

    def _open_scores(self, unknown, patient) -> tuple:
        """The scores the decision's open rules compare, with the values
        each can still take (`CURB-65 is 1 or 2`) and the unknown inputs
        behind that."""
        plan = self.plan
        found: list[int] = []
        seen_defs: set[int] = set()
        stack = [plan.rule_roots[u] for u in unknown]
        while stack:
            node = stack.pop()
            if node is None:
                continue
            if node.definition is not None and node.definition not in seen_defs:
                seen_defs.add(node.definition)
                d = plan.defs[node.definition]
                if d.kind == "score":
                    found.append(d.index)
                stack.extend([d.root] if d.root is not None else d.items)
            stack.extend(node.children)
        out = []
        for index in sorted(found):
            d = plan.defs[index]
            values = self.completions.score_values(d.raw, patient)
            if values is None or len(values) < 2:
                continue
            reads = set()
            for item in d.items:
                reads |= item.reads
            missing = [i for i in sorted(reads) if patient.get(i) is None]
            out.append(ScoreRange(d.name, tuple(_number(v) for v in values), tuple(self._names_of_inputs(missing))))
        return tuple(out)

    def _possible(self, dp: DecisionPlan, got) -> tuple:
        spec = dp.spec
        whens = self.completions.conditions_of(got.cells)
        out = []
        for outcome in got.outcomes:
            when = whens[outcome]
            if outcome == NOT_APPLICABLE:
                out.append(Possibility("not applicable", None, when))
            elif dp.any_of:
                out.append(Possibility("decided", [spec.options[j] for j in sorted(outcome)], when))
            elif outcome >= 0:
                out.append(Possibility("decided", spec.options[outcome], when))
            elif outcome == CONFLICT:
                out.append(Possibility("conflict", None, when, [spec.options[j] for j in sorted(got.conflicting)]))
            else:
                out.append(Possibility("undecided", None, when))
        return tuple(out)

    def _names_of_inputs(self, indexes) -> list[str]:
        names = self._input_names
        return [names[i] for i in sorted(indexes)]

    # --- explain ----------------------------------------------------------------

    def _explain(self, facts: Facts, S) -> Result:
        """The recording path: every node's value, then the same closed forms."""
        from clinrules.runtime.explain import trace_steps

        plan = self.plan
        R = plan.record_all(S)
        scope = R[plan.scope.id] if plan.scope is not None else YES
        rule_values = {}
        yes, unknown = [], []
        for rule, root in zip(self.rules, plan.rule_roots):
            if root is None:
                continue
            v = R[root.id]
            rule_values[rule.name] = NAMES[v]
            if v == YES:
                yes.append(rule.index)
            elif v == UNKNOWN:
                unknown.append(rule.index)
        condition_values = {node_id: NAMES[v] for node_id, v in sorted(R.items())}
        extra = {"condition_values": condition_values, "rule_values": rule_values}
        if scope == NO:
            return self._not_applicable(facts, trace={}, **extra)
        result = self._finish(facts, S, scope, yes, unknown, dict(R), explain=True, **extra)
        trace = {}
        for i in result.fired_index:
            trace[self._rule_names[i]] = trace_steps(self, plan.rule_roots[i], R, facts)
        return result._replace(trace=trace)

    # --- helpers for results ----------------------------------------------------

    def citations_of(self, rule_indexes) -> list[dict]:
        numbers = sorted({n for i in rule_indexes for n in self.rules[i].citations})
        return [{"number": n, "citation": self._sources.get(n, "")} for n in numbers]

    def shown(self, input_index: int, facts: Facts) -> str:
        written = facts.written[input_index] if facts.written else None
        return show(self.inputs[input_index], facts.vector[input_index], written)
