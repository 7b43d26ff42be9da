"""Suggested fixture cases for what the fixtures leave uncovered.

For every uncovered rule, option, condition outcome, MC/DC pair, boundary
point and missing-data input, a target condition is built over the compiled
trees (`{"op": "node"}` points at an existing node) and the linter's exact
solver (`clinrules.lint.find_patient`) finds a patient inside the scope and
the input ranges. The patient is evaluated by the runtime, so the suggested
`expect` is what the ruleset decides today, and kept only when adding it to
the observed cases really covers the item (checked with the same metric).
Each suggested case carries a `# review:` comment: the expected decision
must be confirmed clinically, not copied.

Suggestions are greedy: a suggested case that also covers later items makes
suggestions for them unnecessary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import yaml

from clinrules.errors import RulesError
from clinrules.testing import coverage_ir as ir
from clinrules.testing.coverage_lines import describe_item
from clinrules.testing.coverage_metrics import METRIC_FUNCTIONS, independence_pair
from clinrules.testing.coverage_model import METRICS, Item, Observation, RulesetCoverage

MCDC_PARTNER_TRIES = 12


@dataclass(frozen=True)
class SuggestedCase:
    name: str
    given: dict  # input display name -> value as a fixture writes it (None = unknown)
    expect: dict  # decision display name -> option, list of options, or status
    reason: str


@dataclass(frozen=True)
class Suggestion:
    """One or two cases (an MC/DC pair may need both) for one item."""

    metric: str
    item: Item
    cases: tuple[SuggestedCase, ...]


@dataclass(frozen=True)
class Unsuggested:
    metric: str
    item: Item
    why: str


# --- condition trees built for the solver --------------------------------------


def node(node_id: int) -> dict:
    return {"op": "node", "id": node_id}


def const(value: bool) -> dict:
    return {"op": "const", "value": value}


def neg(arg: dict) -> dict:
    return {"op": "not", "form": "not", "arg": arg}


def conj(*args: dict) -> dict:
    args = tuple(a for a in args if a is not None)
    if not args:
        return const(True)
    if len(args) == 1:
        return args[0]
    return {"op": "and", "form": "and", "grouped": True, "args": list(args)}


def disj(*args: dict) -> dict:
    return {"op": "or", "form": "or", "grouped": True, "args": list(args)}


def _scope(doc: dict) -> dict | None:
    return node(doc["scope"]["id"]) if doc.get("scope") else None


def _atom_value(node_id: int, value: str) -> dict | None:
    if value == "yes":
        return node(node_id)
    if value == "no":
        return neg(node(node_id))
    return None


# --- the engine ------------------------------------------------------------------


class Suggester:
    """Finds, evaluates and checks patients for one ruleset's missing items."""

    def __init__(self, rc: RulesetCoverage, find_patient: Callable | None = None,
                 evaluate: Callable | None = None) -> None:
        self.rc = rc
        self.doc = rc.doc
        if find_patient is None:
            from clinrules.lint import find_patient
        self.find_patient = find_patient
        if evaluate is None:
            from clinrules.runtime import load

            ruleset = load(self.doc)
            evaluate = lambda facts: ruleset.evaluate(facts, explain=True)  # noqa: E731
        self.evaluate = evaluate
        self.observations: list[Observation] = list(rc.observations)
        self.names = {o.name for o in rc.observations}
        self.inputs = self.doc.get("inputs", [])
        self.scope_ids = ir.scope_node_ids(self.doc)

    # -- patients

    def patient(self, condition: dict, *, outside_scope: bool = False) -> dict | None:
        """A whole patient for whom `condition` is yes: inside the scope, or,
        for the scope's own conditions, anywhere in the input ranges (the
        solver then sees a copy of the ruleset without its scope, and the
        condition carries the scope's nodes themselves)."""
        doc = {**self.doc, "scope": None} if outside_scope else self.doc
        try:
            witness = self.find_patient(doc, condition)
        except RulesError:
            return None
        if witness is None:
            return None
        return self._full(witness)

    def _full(self, witness: dict) -> dict:
        """Every input by display name, unknown ones as None: a suggested
        case must not silently inherit a fixture's defaults."""
        by_key = {" ".join(str(k).split()).casefold(): v for k, v in witness.items()}
        return {spec["name"]: by_key.get(spec["key"]) for spec in self.inputs}

    def observe(self, given: dict, name: str) -> Observation | None:
        try:
            result = self.evaluate(given)
        except RulesError:
            return None
        return Observation.from_result(result, name=name, label=name)

    def _name(self, reason: str) -> str:
        name, n = reason, 2
        while name in self.names:
            name, n = f"{reason} ({n})", n + 1
        return name

    def covers(self, metric: str, item: Item, extra: Sequence[Observation]) -> bool:
        function = dict(METRIC_FUNCTIONS)[metric]
        items, covered = function(self.doc, [*self.observations, *extra])
        for candidate, by in zip(items, covered):
            if candidate == item:
                return bool(by)
        return False

    def case(self, obs: Observation, given: dict, reason: str) -> SuggestedCase:
        return SuggestedCase(obs.name, given, expected(self.doc, obs), reason)

    def accept(self, metric: str, item: Item, found: list[tuple[Observation, dict]]) -> Suggestion:
        cases = []
        for obs, given in found:
            self.observations.append(obs)
            self.names.add(obs.name)
            cases.append(self.case(obs, given, describe_item(item)))
        return Suggestion(metric, item, tuple(cases))

    def try_targets(self, metric: str, item: Item, targets: Sequence[dict],
                    adjust: Callable[[dict], dict] | None = None,
                    outside_scope: bool = False) -> Suggestion | None:
        for target in targets:
            given = self.patient(target, outside_scope=outside_scope)
            if given is None:
                continue
            if adjust:
                given = adjust(given)
            obs = self.observe(given, self._name(f"covers: {describe_item(item)}"))
            if obs is not None and self.covers(metric, item, [obs]):
                return self.accept(metric, item, [(obs, given)])
        return None

    # -- targets per metric

    def rule_fires(self, rule: dict) -> dict:
        if rule.get("condition"):
            return conj(_scope(self.doc), node(rule["condition"]["id"]))
        return conj(_scope(self.doc), *[neg(node(r["condition"]["id"])) for r in self._rivals(rule)])

    def _rivals(self, rule: dict) -> list[dict]:
        decisions = {a["decision"] for a in rule.get("actions", [])}
        return [
            r for r in self.doc.get("rules", [])
            if r is not rule and r.get("condition")
            and decisions & {a["decision"] for a in r.get("actions", [])}
        ]

    def option_targets(self, decision_key: str, option_key: str) -> list[dict]:
        decision = next(d for d in self.doc["decisions"] if d["key"] == decision_key)
        rules = [r for r in self.doc.get("rules", [])
                 if any(a["decision"] == decision_key for a in r.get("actions", []))]
        order = [o["key"] for o in decision.get("options", [])]

        def option_of(rule: dict) -> str:
            return next(a["option"] for a in rule["actions"] if a["decision"] == decision_key)

        targets = []
        for rule in rules:
            if option_of(rule) != option_key:
                continue
            if not rule.get("condition"):
                others = [neg(node(r["condition"]["id"])) for r in rules if r.get("condition")]
                targets.append(conj(_scope(self.doc), *others))
                continue
            if decision.get("kind") == "any of":
                blockers = []
            elif decision.get("policy") == "first match":
                blockers = [r for r in rules if r["index"] < rule["index"] and r.get("condition")]
            elif decision.get("policy") == "priority":
                blockers = [r for r in rules if r.get("condition")
                            and order.index(option_of(r)) < order.index(option_key)]
            else:
                blockers = [r for r in rules if r.get("condition") and option_of(r) != option_key]
            targets.append(conj(_scope(self.doc), node(rule["condition"]["id"]),
                                *[neg(node(r["condition"]["id"])) for r in blockers]))
        return targets

    def node_of(self, node_id: int) -> dict:
        return next(n for n in ir.all_nodes(self.doc) if n["id"] == node_id)

    def within_scope(self, node_id: int, condition: dict) -> dict:
        return condition if node_id in self.scope_ids else conj(_scope(self.doc), condition)

    def boundary_target(self, item: Item) -> dict:
        source = self.node_of(item.get("id"))
        cmp = {"at": "=", "below": "<", "above": ">"}[item.get("side")]
        probe = {"op": "compare", "cmp": cmp, "value": item.get("exact"),
                 "written": item.get("threshold"), "text": source["text"], "at": source.get("at")}
        probe["input" if source.get("input") else "score"] = source.get("input") or source.get("score")
        return self.within_scope(source["id"], probe)

    # -- MC/DC

    def mcdc(self, item: Item) -> Suggestion | None:
        rule = next(r for r in self.doc["rules"] if r["name"] == item.get("rule"))
        graph = ir.rule_graph(self.doc, rule)
        atom_id = item.get("id")
        consulted = [o for o in self.observations if o.in_scope]
        for base in consulted[:MCDC_PARTNER_TRIES]:
            found = self._partner(graph, atom_id, base, item)
            if found:
                return self.accept("mcdc", item, [found])
        for value in ("yes", "no"):
            pivot = self._determining(graph, rule, atom_id, value)
            if pivot is None:
                continue
            given = self.patient(pivot)
            if given is None:
                continue
            first = self.observe(given, self._name(f"covers: {describe_item(item)}"))
            if first is None:
                continue
            self.names.add(first.name)
            found = self._partner(graph, atom_id, first, item, pending=[first])
            self.names.discard(first.name)
            if found:
                return self.accept("mcdc", item, [(first, given), found])
        return None

    def _partner(self, graph, atom_id, base: Observation, item: Item,
                 pending: Sequence[Observation] = ()) -> tuple[Observation, dict] | None:
        value = base.condition_values.get(atom_id)
        if value not in ("yes", "no") or base.condition_values.get(graph.root) not in ("yes", "no"):
            return None
        fixed = []
        for other in graph.atoms:
            if other["id"] == atom_id:
                continue
            constraint = _atom_value(other["id"], base.condition_values.get(other["id"], "unknown"))
            if constraint is None:
                return None
            fixed.append(constraint)
        flipped = _atom_value(atom_id, "no" if value == "yes" else "yes")
        given = self.patient(conj(_scope(self.doc), flipped, *fixed))
        if given is None:
            return None
        obs = self.observe(given, self._name(f"covers: {describe_item(item)} (pair)"))
        if obs is None:
            return None
        no_mask = lambda _oid: False  # noqa: E731
        if not independence_pair(graph, atom_id, base, obs, no_mask, no_mask):
            return None
        if not self.covers("mcdc", item, [*pending, obs]):
            return None
        return obs, given

    def _determining(self, graph, rule: dict, atom_id: int, value: str) -> dict | None:
        """Scope, the atom at `value`, and the rule's condition differing with
        the atom forced yes and forced no (the atom decides the rule)."""
        high = self._inline(rule["condition"], atom_id, True)
        low = self._inline(rule["condition"], atom_id, False)
        if high is None or low is None:
            return None
        differs = disj(conj(high, neg(low)), conj(neg(high), low))
        return conj(_scope(self.doc), _atom_value(atom_id, value), differs)

    def _inline(self, tree: dict, atom_id: int, forced: bool, depth: int = 0) -> dict | None:
        """The tree with condition definitions written out and the atom
        replaced by a constant (a comparison on a score stays one atom)."""
        if depth > 64:
            return None
        if tree["id"] == atom_id:
            return const(forced)
        op = tree["op"]
        if op in ir.ATOM_OPS:
            return node(tree["id"])
        if op == "ref":
            definition = ir.definitions(self.doc).get(tree.get("definition"))
            if not definition:
                return node(tree["id"])
            return self._inline(definition["condition"], atom_id, forced, depth + 1)
        parts = [self._inline(c, atom_id, forced, depth + 1) for c in ir.children(tree)]
        if any(p is None for p in parts):
            return None
        out = {k: v for k, v in tree.items() if k not in ("args", "arg", "id")}
        if "arg" in tree:
            out["arg"] = parts[0]
        else:
            out["args"] = parts
        return out

    # -- missing data

    def missing(self, item: Item) -> Suggestion | None:
        spec = next(s for s in self.inputs if s["name"] == item.get("input"))
        bases = [conj(_scope(self.doc), node(r["condition"]["id"]))
                 for r in self.doc.get("rules", []) if r.get("condition")
                 and spec["key"] in ir.inputs_read(self.doc, r["condition"])]
        bases.append(conj(_scope(self.doc)))

        def unknown(given: dict) -> dict:
            return {**given, spec["name"]: None}

        return self.try_targets("missing_data", item, bases, unknown)

    # -- one item

    def suggest(self, metric: str, item: Item) -> Suggestion | None:
        if self.covers(metric, item, []):
            return None  # an earlier suggestion already covers it
        if metric == "rules":
            rule = next(r for r in self.doc["rules"] if r["name"] == item.get("rule"))
            return self.try_targets(metric, item, [self.rule_fires(rule)])
        if metric == "options":
            decision = next(d for d in self.doc["decisions"] if d["name"] == item.get("decision"))
            option = next(o for o in decision["options"] if o["name"] == item.get("option"))
            return self.try_targets(metric, item, self.option_targets(decision["key"], option["key"]))
        if metric == "conditions":
            if item.get("id") in self.scope_ids:
                in_tree = any(n["id"] == item.get("id") for n in ir.walk(self.doc["scope"]))
                atom = self.node_of(item.get("id")) if in_tree else node(item.get("id"))
                target = atom if item.get("outcome") == "yes" else neg(atom)
                return self.try_targets(metric, item, [target], outside_scope=True)
            target = _atom_value(item.get("id"), item.get("outcome"))
            return self.try_targets(metric, item, [conj(_scope(self.doc), target)])
        if metric == "boundaries":
            return self.try_targets(metric, item, [self.boundary_target(item)],
                                    outside_scope=item.get("id") in self.scope_ids)
        if metric == "mcdc":
            return self.mcdc(item)
        if metric == "missing_data":
            return self.missing(item)
        return None


def expected(doc: dict, obs: Observation) -> dict:
    """What the ruleset decides today, in fixture `expect` form."""
    kinds = {d["name"]: d.get("kind") for d in doc.get("decisions", [])}
    out = {}
    for name, (status, value) in obs.decisions.items():
        if status != "decided":
            out[name] = status
        elif kinds.get(name) == "any of":
            out[name] = list(value or ())
        else:
            out[name] = value
    return out


def suggest(rc: RulesetCoverage, metrics: Sequence[str] = METRICS,
            find_patient: Callable | None = None) -> tuple[list[Suggestion], list[Unsuggested]]:
    """Suggestions for every uncovered item of the selected metrics, in
    report order, and the items no patient could be found for."""
    engine = Suggester(rc, find_patient=find_patient)
    made, unmade = [], []
    for metric in metrics:
        for item in rc.metrics[metric].missing:
            if engine.covers(metric, item, []):
                continue
            found = engine.suggest(metric, item)
            if found is None:
                unmade.append(Unsuggested(metric, item, _why(metric)))
            else:
                made.append(found)
    return made, unmade


def _why(metric: str) -> str:
    if metric == "mcdc":
        return ("no pair of patients inside the scope and ranges where this condition alone "
                "changes the rule (it may be masked or coupled to another condition)")
    return "no patient inside the scope and the input ranges can cover it"


# --- YAML ------------------------------------------------------------------------------


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        value = [str(v) for v in value]
    else:
        value = str(value)
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6)
    text = text.strip()
    if text.endswith("\n..."):
        text = text[:-4].strip()
    if text.endswith("..."):
        text = text[:-3].strip()
    return text


def _key(name: str) -> str:
    return _scalar(name)


def render_yaml(rc: RulesetCoverage, suggestions: Sequence[Suggestion],
                unsuggested: Sequence[Unsuggested] = ()) -> str:
    """Cases ready to paste under a fixture's `cases:` for this ruleset."""
    lines = [f"# Suggested cases for {rc.ruleset}: paste them under `cases:` of its fixture."]
    if not suggestions:
        lines.append("cases: []")
    else:
        lines.append("cases:")
    for suggestion in suggestions:
        for case in suggestion.cases:
            lines.append(f"  # review: added to cover {case.reason} ({suggestion.metric}); the expected")
            lines.append("  # decision is what the ruleset decides today: confirm it clinically.")
            lines.append(f"  - name: {_scalar(case.name)}")
            lines.append("    given:")
            for name, value in case.given.items():
                lines.append(f"      {_key(name)}: {_scalar(value)}")
            lines.append("    expect:")
            for name, value in case.expect.items():
                lines.append(f"      {_key(name)}: {_scalar(value)}")
    for missing in unsuggested:
        where = f" (line {missing.item.line})" if missing.item.line is not None else ""
        lines.append(f"# not suggested: {describe_item(missing.item)}{where}: {missing.why}")
    return "\n".join(lines) + "\n"


def as_json(suggestions: Sequence[Suggestion], unsuggested: Sequence[Unsuggested]) -> dict:
    return {
        "cases": [
            {"metric": s.metric, "item": s.item.as_dict(), "name": c.name,
             "given": c.given, "expect": c.expect, "review": True}
            for s in suggestions for c in s.cases
        ],
        "not_suggested": [
            {"metric": u.metric, "item": u.item.as_dict(), "why": u.why} for u in unsuggested
        ],
    }
