"""The six coverage metrics, each a plain function over the compiled document
and the observed cases.

Each returns `(items, covered_by)`; `METRIC_FUNCTIONS` lists them in report
order. None of them evaluates anything: they only read what the one
evaluator reported for each case (`Observation`).

Which cases count: nodes of the scope (and of the definitions it uses) count
in every case; every other node only in cases whose scope is not `no`,
because outside the scope no rule is consulted.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Callable, Sequence

from clinrules.testing import coverage_ir as ir
from clinrules.testing.coverage_model import Item, MetricCoverage, Observation

Covered = tuple[list[Item], list[tuple[str, ...]]]

_OUTCOMES = ("yes", "no")


def _counts(node_id: int, scope_ids: frozenset[int], obs: Observation) -> bool:
    return node_id in scope_ids or obs.in_scope


def rules_metric(doc: dict, observations: Sequence[Observation]) -> Covered:
    """A rule is covered when it fired in at least one case."""
    items, covered = [], []
    for rule in doc.get("rules", []):
        line, column = ir.at(rule)
        items.append(Item("rules", "rule", rule["name"], line, column, (("rule", rule["name"]),)))
        covered.append(tuple(o.label for o in observations if rule["name"] in o.fired))
    return items, covered


def options_metric(doc: dict, observations: Sequence[Observation]) -> Covered:
    """An option is covered when some case's decision chose it (alone, or as
    one of an `any of` decision's options)."""
    items, covered = [], []
    for decision in doc.get("decisions", []):
        line, column = ir.at(decision)
        for option in decision.get("options", []):
            items.append(Item(
                "options", "option", f"{decision['name']}: {option['name']}", line, column,
                (("decision", decision["name"]), ("option", option["name"])),
            ))
            covered.append(tuple(
                o.label for o in observations
                if _chose(o.decisions.get(decision["name"]), option["name"])
            ))
    return items, covered


def _chose(decision: tuple | None, option: str) -> bool:
    if not decision:
        return False
    _, value = decision
    if isinstance(value, (tuple, list)):
        return option in value
    return value == option


def conditions_metric(doc: dict, observations: Sequence[Observation]) -> Covered:
    """Each atomic condition (input, compare, between, in, known) seen yes and
    seen no: two items per atom. `unknown` covers neither."""
    scope_ids = ir.scope_node_ids(doc)
    items, covered = [], []
    for node in ir.atoms(doc):
        line, column = ir.at(node)
        for outcome in _OUTCOMES:
            items.append(Item(
                "conditions", "condition", node["text"], line, column,
                (("id", node["id"]), ("outcome", outcome)),
            ))
            covered.append(tuple(
                o.label for o in observations
                if _counts(node["id"], scope_ids, o)
                and o.condition_values.get(node["id"]) == outcome
            ))
    return items, covered


def mcdc_metric(doc: dict, observations: Sequence[Observation]) -> Covered:
    """Modified condition/decision coverage, unique-cause with masking.

    For every atom a rule depends on (through its condition definitions; a
    comparison on a score is one atom), a pair of
    cases where the atom is yes in one and no in the other, the rule's
    condition is yes in one and no in the other, and every other atom of the
    rule either has the same value in both or is masked in both (an AND with
    another input that is no, an OR with another that is yes, on every path
    to the rule). `OTHERWISE` rules have no condition and no items.
    """
    items, covered = [], []
    consulted = [o for o in observations if o.in_scope]
    for rule in doc.get("rules", []):
        if not rule.get("condition"):
            continue
        graph = ir.rule_graph(doc, rule)
        masks = {
            (i, atom["id"]): ir.masked(graph, atom["id"], dict(o.condition_values))
            for i, o in enumerate(consulted) for atom in graph.atoms
        }
        for atom in graph.atoms:
            line, column = ir.at(atom)
            items.append(Item(
                "mcdc", "mcdc", f"{atom['text']} in rule {rule['name']}", line, column,
                (("id", atom["id"]), ("rule", rule["name"]), ("rule_line", ir.at(rule)[0])),
            ))
            covered.append(_mcdc_pair(graph, atom["id"], consulted, masks))
    return items, covered


def independence_pair(graph: ir.RuleGraph, atom_id: int, a: Observation, b: Observation,
                      mask_a: Callable[[int], bool], mask_b: Callable[[int], bool]) -> bool:
    va, vb = a.condition_values.get(atom_id), b.condition_values.get(atom_id)
    ra, rb = a.condition_values.get(graph.root), b.condition_values.get(graph.root)
    if {va, vb} != {"yes", "no"} or {ra, rb} != {"yes", "no"}:
        return False
    for other in graph.atoms:
        oid = other["id"]
        if oid == atom_id:
            continue
        if a.condition_values.get(oid) == b.condition_values.get(oid):
            continue
        if not (mask_a(oid) and mask_b(oid)):
            return False
    return True


def _mcdc_pair(graph, atom_id, consulted, masks) -> tuple[str, ...]:
    for i, a in enumerate(consulted):
        if a.condition_values.get(atom_id) != "yes":
            continue
        for j, b in enumerate(consulted):
            if b.condition_values.get(atom_id) != "no":
                continue
            if independence_pair(graph, atom_id, a, b,
                                 lambda oid, i=i: masks[(i, oid)],
                                 lambda oid, j=j: masks[(j, oid)]):
                return (a.label, b.label)
    return ()


# --- boundaries --------------------------------------------------------------


def _fraction(value) -> Fraction | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if isinstance(value, (float, Decimal, str)):
        try:
            return Fraction(str(value))
        except (ValueError, ZeroDivisionError):
            return None
    return None


class Domain:
    """Where a threshold's subject can lie: an input's range, or a score's
    reachable sums (its min and max when there are too many items)."""

    def __init__(self, low: Fraction | None, high: Fraction | None,
                 values: frozenset[Fraction] | None = None):
        self.low, self.high, self.values = low, high, values

    def feasible(self, side: str, threshold: Fraction) -> bool:
        if self.values is not None:
            test = {"at": threshold.__eq__, "below": threshold.__gt__,
                    "above": threshold.__lt__}[side]
            return any(test(v) for v in self.values)
        if side == "at":
            return (self.low is None or self.low <= threshold) and (
                self.high is None or threshold <= self.high)
        if side == "below":
            return self.low is None or self.low < threshold
        return self.high is None or threshold < self.high


def _subject(doc: dict, node: dict):
    """(domain, value-of(observation)) for a numeric comparison, else None."""
    if node.get("input"):
        spec = ir.inputs(doc).get(node["input"])
        if not spec or spec.get("type") not in ("number", "quantity"):
            return None
        rng = spec.get("range") or {}
        domain = Domain(_fraction(rng.get("min")), _fraction(rng.get("max")))
        key = node["input"]
        return domain, lambda o: _fraction(o.facts.get(key))
    if node.get("score"):
        definition = ir.definitions(doc).get(node["score"])
        if not definition:
            return None
        domain = Domain(_fraction(definition.get("min")), _fraction(definition.get("max")),
                        ir.score_values(definition))
        return domain, lambda o: ir.observed_score(definition, dict(o.condition_values))
    return None


def boundary_targets(doc: dict) -> list[tuple[dict, str, str, Fraction, str]]:
    """(node, which, written, threshold, side) for every feasible boundary point."""
    targets = []
    for node in ir.all_nodes(doc):
        if node["op"] == "compare":
            thresholds = [("value", node.get("written") or node["value"], node["value"])]
        elif node["op"] == "between":
            thresholds = [
                ("low", node.get("written_low") or node["low"], node["low"]),
                ("high", node.get("written_high") or node["high"], node["high"]),
            ]
        else:
            continue
        subject = _subject(doc, node)
        if subject is None:
            continue
        domain, _ = subject
        for which, written, exact in thresholds:
            threshold = Fraction(exact)
            for side in ("below", "at", "above"):
                if domain.feasible(side, threshold):
                    targets.append((node, which, str(written), threshold, side))
    return targets


def boundaries_metric(doc: dict, observations: Sequence[Observation]) -> Covered:
    """Each numeric threshold tested exactly at it, below it and above it
    (any value on that side, within the input's range or the score's
    reachable values; sides that cannot occur are not counted)."""
    scope_ids = ir.scope_node_ids(doc)
    items, covered = [], []
    subjects: dict[int, object] = {}
    for node, which, written, threshold, side in boundary_targets(doc):
        if node["id"] not in subjects:
            subjects[node["id"]] = _subject(doc, node)[1]
        value_of = subjects[node["id"]]
        line, column = ir.at(node)
        # items name inputs and scores as the editor declared them, as the
        # missing-data items do, not by their matching keys
        if node.get("input"):
            subject = ("input", ir.inputs(doc)[node["input"]]["name"])
        else:
            subject = ("score", ir.definitions(doc)[node["score"]]["name"])
        items.append(Item(
            "boundaries", "boundary", node["text"], line, column,
            (("id", node["id"]), subject,
             ("threshold", written), ("exact", _exact(threshold)), ("side", side)),
        ))
        hits = []
        for o in observations:
            if not _counts(node["id"], scope_ids, o):
                continue
            value = value_of(o)
            if value is None:
                continue
            if (side == "at" and value == threshold) or (side == "below" and value < threshold) \
                    or (side == "above" and value > threshold):
                hits.append(o.label)
        covered.append(tuple(hits))
    return items, covered


def _exact(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    return f"{value.numerator}/{value.denominator}"


# --- missing data ------------------------------------------------------------


def missing_data_inputs(doc: dict) -> list[tuple[dict, bool]]:
    """(input, read by the scope) for every input the scope or a rule reads."""
    scope_inputs = set(ir.inputs_read(doc, doc.get("scope")))
    rule_inputs: set[str] = set()
    for rule in doc.get("rules", []):
        rule_inputs.update(ir.inputs_read(doc, rule.get("condition")))
    return [
        (spec, spec["key"] in scope_inputs)
        for spec in doc.get("inputs", [])
        if spec["key"] in scope_inputs or spec["key"] in rule_inputs
    ]


def missing_data_metric(doc: dict, observations: Sequence[Observation]) -> Covered:
    """Each input the scope or a rule reads, left unknown in at least one case."""
    items, covered = [], []
    for spec, in_scope_condition in missing_data_inputs(doc):
        line, column = ir.at(spec)
        items.append(Item("missing_data", "missing data", f"{spec['name']} unknown", line, column,
                          (("input", spec["name"]),)))
        covered.append(tuple(
            o.label for o in observations
            if (in_scope_condition or o.in_scope) and o.facts.get(spec["key"]) is None
        ))
    return items, covered


METRIC_FUNCTIONS: tuple[tuple[str, Callable[[dict, Sequence[Observation]], Covered]], ...] = (
    ("rules", rules_metric),
    ("options", options_metric),
    ("conditions", conditions_metric),
    ("mcdc", mcdc_metric),
    ("boundaries", boundaries_metric),
    ("missing_data", missing_data_metric),
)


def measure(doc: dict, observations: Sequence[Observation]) -> dict[str, MetricCoverage]:
    """Every metric for one ruleset, in report order."""
    out = {}
    for name, function in METRIC_FUNCTIONS:
        items, covered = function(doc, observations)
        out[name] = MetricCoverage(name, tuple(items), tuple(tuple(c) for c in covered))
    return out
