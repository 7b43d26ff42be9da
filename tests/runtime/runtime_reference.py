"""A brute-force reference evaluator, written straight from the contract.

It reads the compiled JSON with Fractions, evaluates every node recursively
in Kleene logic (what traces show), computes scores by enumerating every
way the unknown items could turn out, and settles decisions by enumerating
every *completion* of the patient (LANGUAGE.md, Missing data): every unknown
input takes each value of its threshold intervals (every threshold any
condition compares it with, a value between each two, and one beyond each
end, inside the declared range), while `is known`/`is missing` keep what the
caller supplied. Slow and obvious on purpose: the runtime must agree with it.
"""

from __future__ import annotations

import itertools
import operator
from fractions import Fraction

CMP = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "=": operator.eq, "!=": operator.ne}
NOTHING = ("nothing",)
NOT_APPLICABLE = ("not applicable",)
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
            supplied = self.supplied if self.supplied is not None else self.facts
            return "yes" if (supplied[node["input"]] is not None) == node["known"] else "no"
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

    # --- completions ------------------------------------------------------------

    def candidates(self, key: str) -> list:
        """The values an unknown input is tried with."""
        spec = self.inputs[key]
        if spec["type"] == "yes/no":
            return [True, False]
        if spec["type"] == "one of":
            return list(spec["options"])
        points: set[Fraction] = set()

        def visit(node):
            if node is None:
                return
            if node.get("input") == key and node["op"] == "compare":
                points.add(Fraction(node["value"]))
            if node.get("input") == key and node["op"] == "between":
                points.update((Fraction(node["low"]), Fraction(node["high"])))
            for child in [node.get("arg")] + list(node.get("args") or ()):
                visit(child)

        visit(self.doc.get("scope"))
        for d in self.doc["definitions"]:
            visit(d.get("condition"))
            for item in d.get("items") or ():
                visit(item["condition"])
        for r in self.doc["rules"]:
            visit(r.get("condition"))
        rng = spec.get("range") or {}
        lo = Fraction(str(rng["min"])) if rng.get("min") is not None else None
        hi = Fraction(str(rng["max"])) if rng.get("max") is not None else None
        ordered = sorted(points | {b for b in (lo, hi) if b is not None})
        values = set(ordered)
        values.update((a + b) / 2 for a, b in zip(ordered, ordered[1:]))
        if ordered:
            values.update((ordered[0] - 1, ordered[-1] + 1))
        else:
            values.add(Fraction(0))
        return sorted(v for v in values if (lo is None or v >= lo) and (hi is None or v <= hi))

    def completions(self):
        unknown = [k for k in self.order if self.facts[k] is None]
        for combo in itertools.product(*(self.candidates(k) for k in unknown)):
            yield dict(zip(unknown, combo))

    def two_valued(self, filled: dict) -> "Reference":
        """The same patient completed: values filled in, presence kept."""
        ref = Reference(self.doc, {**self.facts, **filled})
        ref.supplied = self.facts if self.supplied is None else self.supplied
        return ref

    supplied = None

    def completed(self) -> list:
        """Every completion with its scope and the rules firing in it."""
        if getattr(self, "_completed", None) is None:
            table = []
            for completion in self.completions():
                ref = self.two_valued(completion)
                scope = ref.ev(self.doc["scope"]) if self.doc["scope"] else "yes"
                assert scope != "unknown"
                firing = [r["name"] for r in self.doc["rules"] if not r["otherwise"] and ref.ev(r["condition"]) == "yes"]
                table.append((completion, scope, firing))
            self._completed = table
        return self._completed

    def decide(self, dec, scope, rule_values) -> dict:
        names = {o["key"]: o["name"] for o in dec["options"]}
        order = [o["key"] for o in dec["options"]]
        unknown = [k for k in self.order if self.facts[k] is None]
        table = []
        conflicting = None  # options in conflict in every completion
        for completion, in_scope, firing in self.completed():
            if in_scope == "no":
                table.append((completion, NOT_APPLICABLE))
                continue
            outcome = self.outcome(dec, firing)
            if isinstance(outcome, tuple) and outcome[:1] == (CONFLICT,):
                conflicting = set(outcome[1]) if conflicting is None else conflicting & outcome[1]
                outcome = CONFLICT
            table.append((completion, outcome))
        results = {r for _, r in table}
        mine = [r for r in self.doc["rules"] if not r["otherwise"] and self._opts(r, dec)]
        F = [r["name"] for r in mine if rule_values.get(r["name"]) == "yes"]
        otherwise = [r["name"] for r in self.doc["rules"] if r["otherwise"] and self._opts(r, dec)]
        fallback = self.outcome(dec, [])
        if isinstance(fallback, tuple) and fallback[:1] == (CONFLICT,):
            fallback = CONFLICT
        needs: set[str] = set()
        if len(results) > 1:
            for u in unknown:
                groups: dict = {}
                for completion, r in table:
                    rest = tuple(sorted((k, v) for k, v in completion.items() if k != u))
                    groups.setdefault(rest, set()).add(r)
                if any(len(g) > 1 for g in groups.values()):
                    needs.add(u)
            res = {"status": "undecided", "value": None}
            fired = [] if scope == "unknown" else list(F)
        else:
            (base,) = results
            fired = list(F)
            if not F and otherwise and base == fallback and base not in (NOTHING, frozenset()):
                fired = otherwise
            if base == NOT_APPLICABLE:
                res = {"status": "not applicable", "value": None}
                fired = []
            elif dec["kind"] == "any of":
                res = {"status": "decided", "value": [names[k] for k in order if k in base]}
            elif base == CONFLICT:
                res = {"status": "conflict", "value": None, "conflicting": [names[k] for k in order if k in conflicting]}
            elif base == NOTHING:
                res = {"status": "undecided", "value": None}
            else:
                res = {"status": "decided", "value": names[base]}
        res["fired"] = fired
        res["needs"] = [self.inputs[k]["name"] for k in self.order if k in needs]
        return res

    def applicable(self) -> bool | None:
        if not self.doc["scope"]:
            return True
        seen = {in_scope for _, in_scope, _ in self.completed()}
        return True if seen == {"yes"} else False if seen == {"no"} else None
