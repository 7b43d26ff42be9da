"""Walking the compiled condition trees for coverage.

Coverage only reads the compiled document (docs/compiled-format.md). These
helpers answer the structural questions every metric asks: which nodes are
atomic conditions, which atoms a rule depends on once its definitions are
followed, how a node's value reaches the rule's outcome (for masking), and
which nodes are consulted only inside the scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Iterator

#: Conditions that read the patient directly. A `ref` is not atomic: its
#: value is the definition's, whose own atoms are counted once, where the
#: definition is written.
ATOM_OPS = frozenset({"input", "compare", "between", "in", "known"})


def children(node: dict) -> list[dict]:
    if "args" in node:
        return list(node["args"])
    if "arg" in node:
        return [node["arg"]]
    return []


def walk(node: dict | None) -> Iterator[dict]:
    """Depth-first, parent before children (the order ids are assigned in)."""
    if node is None:
        return
    yield node
    for child in children(node):
        yield from walk(child)


def at(obj: dict) -> tuple[int | None, int | None]:
    """(line, column) where the node is written; None for each part the
    document does not give (an unknown place is null in every report, never 0)."""
    where = obj.get("at") or {}
    line, column = where.get("line"), where.get("column")
    return (int(line) if line is not None else None), (int(column) if column is not None else None)


def definitions(doc: dict) -> dict[str, dict]:
    return {d["key"]: d for d in doc.get("definitions", [])}


def inputs(doc: dict) -> dict[str, dict]:
    return {i["key"]: i for i in doc.get("inputs", [])}


def definition_roots(definition: dict) -> list[dict]:
    """The condition trees of a definition: one, or one per score item."""
    if definition.get("kind") == "score":
        return [item["condition"] for item in definition.get("items", [])]
    return [definition["condition"]] if definition.get("condition") else []


def trees(doc: dict) -> Iterator[tuple[str, str | None, dict]]:
    """Every condition tree: (owner kind, owner name, root), in id order."""
    if doc.get("scope"):
        yield "scope", None, doc["scope"]
    for definition in doc.get("definitions", []):
        for root in definition_roots(definition):
            yield "definition", definition["name"], root
    for rule in doc.get("rules", []):
        if rule.get("condition"):
            yield "rule", rule["name"], rule["condition"]


def all_nodes(doc: dict) -> Iterator[dict]:
    for _, _, root in trees(doc):
        yield from walk(root)


def atoms(doc: dict) -> list[dict]:
    return [node for node in all_nodes(doc) if node["op"] in ATOM_OPS]


def referenced_definitions(doc: dict, root: dict | None) -> list[str]:
    """Definitions a tree reaches, directly or through other definitions and
    score comparisons, in first-reached order."""
    defs = definitions(doc)
    seen: list[str] = []
    stack = [root] if root else []
    while stack:
        node = stack.pop(0)
        for sub in walk(node):
            key = sub.get("definition") if sub["op"] == "ref" else sub.get("score")
            if key and key not in seen and key in defs:
                seen.append(key)
                stack.extend(definition_roots(defs[key]))
    return seen


def inputs_read(doc: dict, root: dict | None) -> list[str]:
    """Input keys a tree reads, through every definition it references."""
    defs = definitions(doc)
    roots = ([root] if root else []) + [
        r for key in referenced_definitions(doc, root) for r in definition_roots(defs[key])
    ]
    found: list[str] = []
    for tree in roots:
        for node in walk(tree):
            key = node.get("input")
            if key and key not in found:
                found.append(key)
    return found


def scope_node_ids(doc: dict) -> frozenset[int]:
    """Nodes consulted in every case: the scope and what it references.

    Every other node only counts in cases where the scope is not `no`:
    outside the scope no rule is consulted, so nothing it reads is tested.
    """
    scope = doc.get("scope")
    if not scope:
        return frozenset()
    defs = definitions(doc)
    ids = {n["id"] for n in walk(scope)}
    for key in referenced_definitions(doc, scope):
        for root in definition_roots(defs[key]):
            ids.update(n["id"] for n in walk(root))
    return frozenset(ids)


# --- how a node reaches a rule's outcome ------------------------------------


@dataclass(frozen=True)
class Edge:
    """`child` feeds `parent`; `siblings` are the other inputs of that step.

    `kind` is the parent's op, or "ref" (a definition's root feeding a
    reference to it). Only and / or / at least can mask a child.
    """

    child: int
    parent: int
    kind: str
    siblings: tuple[int, ...]
    k: int = 0


@dataclass(frozen=True)
class RuleGraph:
    """A rule's condition with its condition definitions followed: every path
    from an atom to the rule's root, and the atoms it depends on.

    A comparison on a score is one atom: its point items add up to a number,
    they are not part of the rule's yes/no logic (condition coverage still
    counts each item's own atoms).
    """

    rule: str
    root: int
    atoms: tuple[dict, ...]
    parents: dict  # node id -> tuple[Edge, ...]


def rule_graph(doc: dict, rule: dict) -> RuleGraph:
    defs = definitions(doc)
    parents: dict[int, list[Edge]] = {}
    atom_nodes: dict[int, dict] = {}
    visited_defs: set[str] = set()

    def add(edge: Edge) -> None:
        parents.setdefault(edge.child, [])
        if edge not in parents[edge.child]:
            parents[edge.child].append(edge)

    def visit(node: dict) -> None:
        if node["op"] in ATOM_OPS:
            atom_nodes.setdefault(node["id"], node)
        kids = children(node)
        ids = [c["id"] for c in kids]
        for child in kids:
            others = tuple(i for i in ids if i != child["id"])
            add(Edge(child["id"], node["id"], node["op"], others, int(node.get("k", 0) or 0)))
            visit(child)
        if node["op"] == "ref":
            definition = defs.get(node.get("definition"))
            if definition:
                for root in definition_roots(definition):
                    add(Edge(root["id"], node["id"], "ref", ()))
                visit_def(definition)

    def visit_def(definition: dict) -> None:
        if definition["key"] in visited_defs:
            return
        visited_defs.add(definition["key"])
        for root in definition_roots(definition):
            visit(root)

    visit(rule["condition"])
    ordered = tuple(sorted(atom_nodes.values(), key=lambda n: n["id"]))
    return RuleGraph(
        rule=rule["name"],
        root=rule["condition"]["id"],
        atoms=ordered,
        parents={k: tuple(v) for k, v in parents.items()},
    )


def edge_masks(edge: Edge, values: dict[int, str]) -> bool:
    """Whether the other inputs of this step fix its value whatever the child is."""
    others = [values.get(i, "unknown") for i in edge.siblings]
    if edge.kind == "and":
        return "no" in others
    if edge.kind == "or":
        return "yes" in others
    if edge.kind == "at least":
        yes = others.count("yes")
        unknown = others.count("unknown")
        return yes >= edge.k or yes + unknown < edge.k - 1
    return False


def masked(graph: RuleGraph, node_id: int, values: dict[int, str]) -> bool:
    """A node is masked when, on every path to the rule's root, some step is
    decided by its other inputs: its value cannot change the rule's outcome."""
    memo: dict[int, bool] = {}

    def go(current: int) -> bool:
        if current == graph.root:
            return False
        if current in memo:
            return memo[current]
        edges = graph.parents.get(current, ())
        result = bool(edges) and all(edge_masks(e, values) or go(e.parent) for e in edges)
        memo[current] = result
        return result

    return go(node_id)


# --- numbers --------------------------------------------------------------


def score_values(definition: dict, limit: int = 16) -> frozenset[Fraction] | None:
    """Every value a score can add up to, or None when there are too many
    items to list them (then only its min and max bound it)."""
    items = definition.get("items", [])
    if len(items) > limit:
        return None
    sums = {Fraction(0)}
    for item in items:
        points = Fraction(item["points"])
        sums |= {s + points for s in sums}
    return frozenset(sums)


def observed_score(definition: dict, values: dict[int, str]) -> Fraction | None:
    """The score a case reached, read from its items' observed values; None
    while any item is unknown."""
    total = Fraction(0)
    for item in definition.get("items", []):
        value = values.get(item["condition"]["id"], "unknown")
        if value == "unknown":
            return None
        if value == "yes":
            total += Fraction(item["points"])
    return total
