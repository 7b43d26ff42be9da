"""Conditions of the compiled document as unions of boxes.

For every condition node the analysis needs two sets of patients: where it
is *yes* and where it is *no* (Kleene logic: with a missing input it may be
neither). Both are built bottom-up in negation normal form, so `NOT` never
needs a complement: `no(A AND B) = no(A) OR no(B)`. A score is a function
of its items; a comparison on it is expanded exactly by walking the items
with the set of sums still possible (an item whose truth is unknown may
add its points or not, as the runtime reads it).
"""

from __future__ import annotations

from fractions import Fraction
from functools import cached_property
from typing import Sequence

from clinrules.space.boxes import FALSE, TRUE, Box, and_dnf, complement, intersect_all, or_dnf, simplify
from clinrules.space.regions import PRESENCE, Dim, exact, walk

_NEGATE = {">": "<=", "<=": ">", "<": ">=", ">=": "<", "=": "!=", "!=": "=",
           "between": "outside", "outside": "between"}


def holds(op: str, value: Fraction, a: Fraction, b: Fraction | None = None) -> bool:
    if op == ">":
        return value > a
    if op == ">=":
        return value >= a
    if op == "<":
        return value < a
    if op == "<=":
        return value <= a
    if op == "=":
        return value == a
    if op == "!=":
        return value != a
    if op == "between":
        return a <= value <= b  # type: ignore[operator]
    return not (a <= value <= b)  # type: ignore[operator]


def _all_hold(op: str, lo: Fraction, hi: Fraction, a: Fraction, b: Fraction | None) -> bool:
    """Every value in [lo, hi] satisfies the comparison."""
    if op in (">", ">="):
        return holds(op, lo, a)
    if op in ("<", "<="):
        return holds(op, hi, a)
    if op == "=":
        return lo == hi == a
    if op == "!=":
        return hi < a or lo > a
    if op == "between":
        return a <= lo and hi <= b  # type: ignore[operator]
    return hi < a or lo > b  # type: ignore[operator]


def _none_hold(op: str, lo: Fraction, hi: Fraction, a: Fraction, b: Fraction | None) -> bool:
    neg = _NEGATE[op]
    return _all_hold(neg, lo, hi, a, b)


def _conjunction(parts: list[list[Box]]) -> list[Box]:
    """Where every part is yes (shortest parts first: the product stays small)."""
    if set(map(len, parts)) == {1}:  # one box each (a table row's bounds)
        box = intersect_all([part[0] for part in parts])
        return FALSE if box is None else [box]
    out = TRUE
    for part in sorted(parts, key=len):
        out = and_dnf(out, part)
        if not out:
            break
    return out


class Conditions:
    """Yes/no box sets of the condition nodes of one document."""

    def __init__(self, doc: dict, dims: Sequence[Dim]):
        self.doc = doc
        self.dims = dims
        self.by_key = {d.key: d for d in dims if d.type != PRESENCE}
        self.presence = {d.key: d for d in dims if d.type == PRESENCE}
        self.defs = {d["key"]: d for d in doc.get("definitions", [])}
        self._memo: dict[int, list[Box]] = {}  # 2 * id(node) + polarity (see `_get`)
        self._scores: dict[tuple, list[Box]] = {}
        self._masks: dict[tuple, list[Box]] = {}  # comparison of an input -> its box list
        self._shared: dict[tuple, list[Box]] = {}  # see `_share`
        self._points: dict[int, dict] = {}
        self._support: dict[int, frozenset] = {}

    @cached_property
    def nodes(self) -> dict[int, dict]:
        """Shared condition nodes by id (indexed on the first `node`
        reference: most documents have none, and walking every condition
        of a large table is a good part of building the space)."""
        nodes: dict[int, dict] = {}
        roots = [self.doc.get("scope")]
        for definition in self.doc.get("definitions", []):
            roots.append(definition.get("condition"))
            roots.extend(item["condition"] for item in definition.get("items", []) or [])
        roots.extend(rule.get("condition") for rule in self.doc.get("rules", []))
        for root in roots:
            for node in walk(root):
                if "id" in node:
                    nodes[node["id"]] = node
        return nodes

    # -- public ---------------------------------------------------------

    def yes(self, node: dict | None) -> list[Box]:
        return TRUE if node is None else self._get(node, True)

    def no(self, node: dict | None) -> list[Box]:
        return FALSE if node is None else self._get(node, False)

    def not_no(self, node: dict | None) -> list[Box]:
        """Where the node is yes or unknown: where it might fire."""
        if node is None:
            return TRUE
        if not (self.support(node) & self.missing_inputs()):
            return self.yes(node)
        return complement(self.no(node), {}, self.dims)

    def missing_inputs(self) -> frozenset:
        return frozenset(d.key for d in self.dims if d.missing)

    def support(self, node: dict) -> frozenset:
        """The inputs a node reads, through definitions and scores."""
        key = id(node)
        if key not in self._support:
            found: set[str] = set()
            for sub in walk(node):
                if sub.get("input"):
                    found.add(sub["input"])
                elif sub.get("op") == "ref":
                    found |= self._def_support(sub["definition"])
                elif sub.get("score"):
                    found |= self._def_support(sub["score"])
                elif sub.get("op") == "node":
                    found |= self.support(self.nodes[sub["id"]])
            self._support[key] = frozenset(found)
        return self._support[key]

    def _def_support(self, key: str) -> frozenset:
        definition = self.defs[key]
        if definition.get("kind") == "score":
            out: frozenset = frozenset()
            for item in definition["items"]:
                out |= self.support(item["condition"])
            return out
        return self.support(definition["condition"])

    # -- construction ---------------------------------------------------

    def _get(self, node: dict, polarity: bool) -> list[Box]:
        key = 2 * id(node) + polarity  # an int: no tuple per node for the collector to track
        got = self._memo.get(key)
        if got is None:
            got = self._memo[key] = self._build(node, polarity)
        return got

    def _build(self, node: dict, yes: bool) -> list[Box]:
        op = node["op"]
        if (op == "compare" or op == "between") and not node.get("score"):
            return self._compare(node, yes)
        if op == "and" or op == "or":
            # comparisons (most of a table's nodes) by their text key,
            # without a memo entry per node
            parts = [self._compare(arg, yes) if arg["op"] == "compare" and not arg.get("score")
                     else self._get(arg, yes) for arg in node["args"]]
            conjunction = (op == "and") == yes
            return self._share(("and" if conjunction else "or", *map(id, parts)),
                               lambda: _conjunction(parts) if conjunction else or_dnf(*parts))
        if op == "not":
            return self._get(node["arg"], not yes)
        if op == "ref":
            definition = self.defs[node["definition"]]
            return self._get(definition["condition"], yes)
        if op == "const":
            return TRUE if bool(node["value"]) == yes else FALSE
        if op == "node":
            return self._get(self.nodes[node["id"]], yes)
        if op == "at least":
            args = node["args"]
            k = int(node["k"]) if yes else len(args) - int(node["k"]) + 1
            parts = [self._get(a, yes) for a in args]
            return self._share(("at least", k, *map(id, parts)), lambda: self._at_least(k, parts))
        if op == "input":
            dim = self.by_key[node["input"]]
            return self._atom(dim.index, 1 << (0 if yes else 1))
        if op == "known":
            want_known = bool(node["known"]) == yes
            present = self.presence.get(node["input"])
            if present is not None:  # the space of completions
                return self._atom(present.index, 1 if want_known else 2)
            dim = self.by_key[node["input"]]
            if want_known:
                return self._atom(dim.index, dim.known) if dim.missing else TRUE
            return self._atom(dim.index, dim.missing_bit) if dim.missing else FALSE
        if op == "in":
            dim = self.by_key[node["input"]]
            chosen = {" ".join(o.split()).casefold() for o in node["options"]}
            mask = sum(1 << i for i, v in enumerate(dim.values) if v in chosen)
            if node.get("negated"):
                mask = dim.known & ~mask
            if not yes:
                mask = dim.known & ~mask
            return self._atom(dim.index, mask)
        if op == "compare" or op == "between":  # on a score
            cmp = node["cmp"] if op == "compare" else "between"
            a = exact(node["value"] if op == "compare" else node["low"])
            b = exact(node["high"]) if op == "between" else None
            return self._score(node["score"], cmp if yes else _NEGATE[cmp], a, b)
        raise ValueError(f"unknown condition op {op!r}")

    def _share(self, key: tuple, make) -> list[Box]:
        """One list for every node built the same way (from the same part
        lists, or one input's same mask): a large table repeats its
        conditions, and the analysis memoises its questions per list.
        Parts are named by id: each is a list this object keeps in its
        memos for its life (or TRUE/FALSE), so no other list takes its id."""
        got = self._shared.get(key)
        if got is None:
            got = self._shared[key] = make()
        return got

    def _atom(self, d: int, mask: int) -> list[Box]:
        """Patients whose input d has a value of `mask`."""
        return self._share(("box", d, mask), lambda: [{d: mask}]) if mask else FALSE

    def _compare(self, node: dict, yes: bool) -> list[Box]:
        """A comparison of an input: a large table compares each input
        with the same few thresholds again and again, so one mask per
        comparison text."""
        op = node["op"]
        cmp = node["cmp"] if op == "compare" else "between"
        key = (node["input"], cmp if yes else _NEGATE[cmp],
               node["value"] if op == "compare" else node["low"], node.get("high"))
        found = self._masks.get(key)
        if found is None:
            found = self._masks[key] = self._build_compare(node, op, cmp, yes)
        return found

    def _build_compare(self, node: dict, op: str, cmp: str, yes: bool) -> list[Box]:
        a = exact(node["value"] if op == "compare" else node["low"])
        b = exact(node["high"]) if op == "between" else None
        if not yes:
            cmp = _NEGATE[cmp]
        dim = self.by_key[node["input"]]
        return self._atom(dim.index, self._compare_mask(dim, cmp, a, b))

    def _split(self, dim: Dim, t: Fraction) -> tuple[int, int, int]:
        """Masks of the regions below, at and above the threshold `t`
        (every threshold is a region boundary, so no region straddles it)."""
        points = self._points.get(dim.index)
        if points is None:
            # keyed by (numerator, denominator): hashing a Fraction is slow
            points = {(r.lo.numerator, r.lo.denominator): i for i, r in enumerate(dim.values) if r.point}
            self._points[dim.index] = points
        n = len(dim.values)
        i = points.get((t.numerator, t.denominator))
        if i is not None:
            return (1 << i) - 1, 1 << i, dim.known & ~((1 << (i + 1)) - 1)
        first = dim.values[0] if n else None
        if first is not None and (first.lo is not None and t < first.lo):
            return 0, 0, dim.known
        if first is not None and first.lo is None and first.hi is None:
            raise ValueError("threshold missing from the regions")
        return dim.known, 0, 0

    def _compare_mask(self, dim: Dim, cmp: str, a: Fraction, b: Fraction | None) -> int:
        below, at, above = self._split(dim, a)
        if cmp == ">":
            return above
        if cmp == ">=":
            return at | above
        if cmp == "<":
            return below
        if cmp == "<=":
            return below | at
        if cmp == "=":
            return at
        if cmp == "!=":
            return below | above
        below_b, at_b, _ = self._split(dim, b)  # type: ignore[arg-type]
        inside = (at | above) & (below_b | at_b)
        return inside if cmp == "between" else dim.known & ~inside

    def _at_least(self, k: int, parts: list[list[Box]]) -> list[Box]:
        memo: dict[tuple[int, int], list[Box]] = {}

        def rec(i: int, need: int) -> list[Box]:
            if need <= 0:
                return TRUE
            if len(parts) - i < need:
                return FALSE
            key = (i, need)
            if key not in memo:
                memo[key] = or_dnf(and_dnf(parts[i], rec(i + 1, need - 1)), rec(i + 1, need))
            return memo[key]

        return rec(0, k)

    def _score(self, key: str, cmp: str, a: Fraction, b: Fraction | None) -> list[Box]:
        """Patients for whom the comparison holds for every sum the score
        can still take (items with unknown truth may count or not)."""
        memo_key = ("score", key, cmp, a, b)
        if memo_key in self._scores:
            return self._scores[memo_key]
        definition = self.defs[key]
        items = []
        ext = self.missing_inputs()
        for item in definition["items"]:
            cond = item["condition"]
            yes_set, no_set = self._get(cond, True), self._get(cond, False)
            unknown = FALSE
            if self.support(cond) & ext:
                unknown = complement(or_dnf(yes_set, no_set), {}, self.dims)
            items.append((exact(str(item["points"])), yes_set, no_set, unknown))
        n = len(items)
        rem_min = [Fraction(0)] * (n + 1)
        rem_max = [Fraction(0)] * (n + 1)
        for i in range(n - 1, -1, -1):
            p = items[i][0]
            rem_min[i] = rem_min[i + 1] + min(p, 0)
            rem_max[i] = rem_max[i + 1] + max(p, 0)
        memo: dict[tuple, list[Box]] = {}

        def rec(i: int, sums: frozenset) -> list[Box]:
            if all(_all_hold(cmp, s + rem_min[i], s + rem_max[i], a, b) for s in sums):
                return TRUE
            if any(_none_hold(cmp, s + rem_min[i], s + rem_max[i], a, b) for s in sums):
                return FALSE
            if i == n:
                return TRUE if all(holds(cmp, s, a, b) for s in sums) else FALSE
            state = (i, sums)
            if state in memo:
                return memo[state]
            p, yes_set, no_set, unknown = items[i]
            out = or_dnf(
                and_dnf(yes_set, rec(i + 1, frozenset(s + p for s in sums))),
                and_dnf(no_set, rec(i + 1, sums)),
                and_dnf(unknown, rec(i + 1, sums | frozenset(s + p for s in sums))) if unknown else FALSE,
            )
            memo[state] = out
            return out

        result = simplify(rec(0, frozenset([Fraction(0)])))
        self._scores[memo_key] = result
        return result
