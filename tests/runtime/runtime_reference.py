"""A brute-force reference evaluator, written straight from the contract.

It reads the compiled JSON with Fractions, evaluates every node recursively
in Kleene logic, computes scores by enumerating every way the unknown items
could turn out, and settles decisions by enumerating every subset of the
unknown rules. Slow and obvious on purpose: the runtime must agree with it.
"""

from __future__ import annotations

import itertools
import operator
from fractions import Fraction

CMP = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "=": operator.eq, "!=": operator.ne}
NOTHING = ("nothing",)
CONFLICT = ("conflict",)


class Reference:
    def __init__(self, doc: dict, facts: dict) -> None:
        self.doc = doc
        self.facts = facts  # by input key: Fraction / bool / option name / None
        self.inputs = {i["key"]: i for i in doc["inputs"]}
        self.order = [i["key"] for i in doc["inputs"]]
        self.defs = {d["key"]: d for d in doc["definitions"]}
        self.values: dict[int, str] = {}

    # --- conditions -----------------------------------------------------------

    def score_values(self, key: str) -> set[Fraction]:
        d = self.defs[key]
        known = Fraction(0)
        unknown = []
        for item in d["items"]:
            v = self.ev(item["condition"])
            if v == "yes":
                known += Fraction(item["points"])
            elif v == "unknown":
                unknown.append(Fraction(item["points"]))
        out = set()
        for bits in itertools.product((0, 1), repeat=len(unknown)):
            out.add(known + sum((p for p, b in zip(unknown, bits) if b), Fraction(0)))
        return out

    def ev(self, node: dict) -> str:
        v = self._ev(node)
        self.values[node["id"]] = v
        return v

    def _ev(self, node: dict) -> str:
        op = node["op"]
        if op == "input":
            x = self.facts[node["input"]]
            return "unknown" if x is None else ("yes" if x else "no")
        if op == "ref":
            return self.ev(self.defs[node["definition"]]["condition"])
        if op == "not":
            return {"yes": "no", "no": "yes", "unknown": "unknown"}[self.ev(node["arg"])]
        if op in ("and", "or", "at least"):
            vals = [self.ev(a) for a in node["args"]]  # every child: no short-circuit
            if op == "and":
                return "no" if "no" in vals else ("unknown" if "unknown" in vals else "yes")
            if op == "or":
                return "yes" if "yes" in vals else ("unknown" if "unknown" in vals else "no")
            yes = vals.count("yes")
            if yes >= node["k"]:
                return "yes"
            if yes + vals.count("unknown") < node["k"]:
                return "no"
            return "unknown"
        if op == "known":
            return "yes" if (self.facts[node["input"]] is not None) == node["known"] else "no"
        if op == "in":
            x = self.facts[node["input"]]
            if x is None:
                return "unknown"
            hit = " ".join(x.split()).casefold() in node["options"]
            return "yes" if hit != bool(node.get("negated")) else "no"
        if op in ("compare", "between"):
            if op == "compare":
                test = lambda x: CMP[node["cmp"]](x, Fraction(node["value"]))  # noqa: E731
            else:
                test = lambda x: Fraction(node["low"]) <= x <= Fraction(node["high"])  # noqa: E731
            if "input" in node:
                x = self.facts[node["input"]]
                return "unknown" if x is None else ("yes" if test(x) else "no")
            results = {test(s) for s in self.score_values(node["score"])}
            return "yes" if results == {True} else ("no" if results == {False} else "unknown")
        raise AssertionError(op)

    def needs(self, node: dict) -> set[str]:
        """Inputs under the unknown parts of an unknown node."""
        if self.ev(node) != "unknown":
            return set()
        op = node["op"]
        if op in ("input", "in", "compare", "between") and "input" in node:
            return {node["input"]}
        if op == "ref":
            return self.needs(self.defs[node["definition"]]["condition"])
        if op in ("compare", "between"):
            out = set()
            for item in self.defs[node["score"]]["items"]:
                out |= self.needs(item["condition"])
            return out
        children = [node["arg"]] if op == "not" else node["args"]
        out = set()
        for c in children:
            out |= self.needs(c)
        return out

    # --- decisions ------------------------------------------------------------

    def evaluate(self) -> dict:
        doc = self.doc
        scope = self.ev(doc["scope"]) if doc["scope"] else "yes"
        for d in doc["definitions"]:
            if d["kind"] == "condition":
                self.ev(d["condition"])
            else:
                for item in d["items"]:
                    self.ev(item["condition"])
        rule_values = {}
        for r in doc["rules"]:
            if not r["otherwise"]:
                rule_values[r["name"]] = self.ev(r["condition"])
        out = {}
        for dec in doc["decisions"]:
            out[dec["name"]] = self.decide(dec, scope, rule_values)
        return {"scope": scope, "decisions": out, "rule_values": rule_values, "values": dict(self.values)}

    def _opts(self, rule, dec) -> frozenset:
        return frozenset(a["option"] for a in rule["actions"] if a["decision"] == dec["key"])

    def outcome(self, dec, firing: list) -> object:
        """outcome(S) straight from the contract's table."""
        order = [o["key"] for o in dec["options"]]
        rules = [r for r in self.doc["rules"] if not r["otherwise"] and self._opts(r, dec)]
        fallback = frozenset().union(
            *[self._opts(r, dec) for r in self.doc["rules"] if r["otherwise"] and self._opts(r, dec)]
        )
        chosen = [r for r in rules if r["name"] in firing]
        if dec["kind"] == "any of":
            opts = frozenset().union(*[self._opts(r, dec) for r in chosen]) if chosen else fallback
            return frozenset(opts)
        if dec["policy"] == "priority":
            opts = frozenset().union(*[self._opts(r, dec) for r in chosen]) if chosen else fallback
            return min(opts, key=order.index) if opts else NOTHING
        if dec["policy"] == "first match":
            opts = self._opts(chosen[0], dec) if chosen else fallback
        else:
            opts = frozenset().union(*[self._opts(r, dec) for r in chosen]) if chosen else fallback
        if not opts:
            return NOTHING
        if len(opts) == 1:
            return next(iter(opts))
        return (CONFLICT, opts)

    def decide(self, dec, scope, rule_values) -> dict:
        names = {o["key"]: o["name"] for o in dec["options"]}
        order = [o["key"] for o in dec["options"]]
        if scope == "no":
            return {"status": "not applicable", "value": None, "fired": [], "needs": []}
        mine = [r for r in self.doc["rules"] if not r["otherwise"] and self._opts(r, dec)]
        F = [r["name"] for r in mine if rule_values[r["name"]] == "yes"]
        U = [r["name"] for r in mine if rule_values[r["name"]] == "unknown"]

        def same(a, b):
            if isinstance(a, tuple) and isinstance(b, tuple) and a[:1] == (CONFLICT,) == b[:1]:
                return True
            return a == b

        base = self.outcome(dec, F)
        settled = all(
            same(self.outcome(dec, F + list(sub)), base)
            for k in range(len(U) + 1)
            for sub in itertools.combinations(U, k)
        )
        breaking = [u for u in U if not same(self.outcome(dec, F + [u]), base)]
        assert settled == (not breaking), "single additions must decide settlement"
        needs: set[str] = set()
        for r in mine:
            if r["name"] in breaking:
                needs |= self.needs(r["condition"])
        otherwise = [r["name"] for r in self.doc["rules"] if r["otherwise"] and self._opts(r, dec)]
        fired = list(F)
        if settled:
            needs = set()
            if not F and otherwise and base not in (NOTHING, frozenset()):
                fired = [r["name"] for r in self.doc["rules"] if r["name"] in F or r["name"] in otherwise]
            if dec["kind"] == "any of":
                res = {"status": "decided", "value": [names[k] for k in order if k in base]}
            elif isinstance(base, tuple) and base[:1] == (CONFLICT,):
                res = {"status": "conflict", "value": None, "conflicting": [names[k] for k in order if k in base[1]]}
            elif base == NOTHING:
                res = {"status": "undecided", "value": None}
            else:
                res = {"status": "decided", "value": names[base]}
        else:
            res = {"status": "undecided", "value": None}
        if scope == "unknown":
            inside_undecided = res["status"] == "undecided"
            scope_needs = self.needs(self.doc["scope"])
            needs = scope_needs | (needs if inside_undecided else set())
            res = {"status": "undecided", "value": None}
            fired = []
        res["fired"] = fired
        res["needs"] = [self.inputs[k]["name"] for k in self.order if k in needs]
        return res
