"""The linter against brute force: random small rulesets, every patient of a
fine grid (every threshold, the range ends, points between, and missing
values), evaluated by the runtime. Conflicts, gaps and dead rules reported
must be exactly those that exist."""

from __future__ import annotations

import itertools
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinrules import runtime
from clinrules.compiler import compile_source
from clinrules.lint import lint
from clinrules.lint.witness import decimal_text
from tests.lint.conftest import replay

OPTIONS = ["A", "B", "C"]


@st.composite
def rulesets(draw):
    inputs = {"b0": "yes/no", "n0": "number from 0 to 10"}
    if draw(st.booleans()):
        inputs["q0"] = "number in days from 0 to 28"
    if draw(st.booleans()):
        inputs["c0"] = "one of [x, y, z]"
    if draw(st.booleans()):
        inputs["b1"] = "yes/no"
    bools = [k for k, v in inputs.items() if v == "yes/no"]

    def atom(allow_score=True):
        kinds = ["bool", "num", "between"]
        if "q0" in inputs:
            kinds.append("qty")
        if "c0" in inputs:
            kinds.append("opt")
        kinds.append("known")
        if allow_score:
            kinds.append("score")
        kind = draw(st.sampled_from(kinds))
        if kind == "bool":
            name = draw(st.sampled_from(bools))
            return draw(st.sampled_from([name, f"no {name}"]))
        if kind == "num":
            op = draw(st.sampled_from([">", ">=", "<", "<=", "=", "!="]))
            return f"n0 {op} {draw(st.integers(-1, 11))}"
        if kind == "between":
            lo = draw(st.integers(0, 10))
            return f"n0 between {lo} and {lo + draw(st.integers(0, 4))}"
        if kind == "qty":
            op = draw(st.sampled_from([">", ">=", "<", "<="]))
            value = draw(st.sampled_from(["1 week", "2 weeks", "10 days", "3.5 days", "14 days"]))
            return f"q0 {op} {value}"
        if kind == "opt":
            return draw(st.sampled_from(["c0 is x", "c0 is not y", "c0 is one of [x, z]"]))
        if kind == "known":
            name = draw(st.sampled_from(sorted(inputs)))
            return f"{name} is {draw(st.sampled_from(['known', 'missing']))}"
        op = draw(st.sampled_from([">=", "<=", "=", "!=", "<", ">"]))
        return f"s {op} {draw(st.integers(0, 4))}"

    def cond(depth=2, allow_score=True):
        if depth == 0 or draw(st.integers(0, 2)) == 0:
            return atom(allow_score)
        kind = draw(st.sampled_from(["and", "or", "not", "count"]))
        if kind == "not":
            return f"NOT ({cond(depth - 1, allow_score)})"
        if kind == "count":
            args = [cond(depth - 1, allow_score) for _ in range(draw(st.integers(2, 3)))]
            word = draw(st.sampled_from(["any of", "all of", "none of", "at least 2 of"]))
            return f"{word} [{', '.join(args)}]"
        a, b = cond(depth - 1, allow_score), cond(depth - 1, allow_score)
        return f"({a} {kind.upper()} {b})"

    policy = draw(st.sampled_from(["", " first match", " with priority"]))
    scope = ""
    if draw(st.integers(0, 3)) == 0:
        scope = f" applies when {atom(False)}"
    lines = [f'ruleset "P" version 1.0.0{scope}', 'source 1: "s"']
    lines += [f"input {k}: {v}" for k, v in inputs.items()]
    items = [f"{atom(False)}: {draw(st.integers(1, 2))}" for _ in range(draw(st.integers(2, 3)))]
    lines.append(f"define s: score of [{', '.join(items)}]")
    lines.append(f"decision d: one of [A, B, C]{policy}")
    n_rules = draw(st.integers(2, 4))
    for i in range(n_rules):
        lines.append(f'rule r{i}: IF {cond()} THEN {draw(st.sampled_from(OPTIONS))} BECAUSE "x" [1]')
    if draw(st.integers(0, 3)) == 0:
        lines.append(f'rule rest: OTHERWISE {draw(st.sampled_from(OPTIONS))} BECAUSE "x" [1]')
    return "\n".join(lines) + "\n"


def _grid(doc: dict) -> dict[str, list]:
    """Per input: every value class of the whole ruleset, as facts."""
    from clinrules.lint.regions import all_conditions, walk

    cuts: dict[str, set] = {}
    for root in all_conditions(doc):
        for node in walk(root):
            key = node.get("input")
            if node.get("op") == "compare" and key:
                cuts.setdefault(key, set()).add(Fraction(node["value"]))
            if node.get("op") == "between" and key:
                cuts.setdefault(key, set()).update({Fraction(node["low"]), Fraction(node["high"])})
    grid = {}
    for spec in doc["inputs"]:
        if spec["type"] == "yes/no":
            values = [True, False]
        elif spec["type"] == "one of":
            values = list(spec["options"])
        else:
            lo, hi = Fraction(spec["range"]["min"]), Fraction(spec["range"]["max"])
            points = sorted({lo, hi} | {c for c in cuts.get(spec["key"], set()) if lo <= c <= hi})
            between = [(a + b) / 2 for a, b in zip(points, points[1:])]
            nums = sorted(points + between)
            if spec["type"] == "quantity":
                values = [f"{decimal_text(v)} days" for v in nums]
            else:
                values = [int(v) if v.denominator == 1 else decimal_text(v) for v in nums]
        grid[spec["name"]] = values
    return grid


def _brute(doc: dict):
    rs = runtime.load(doc)
    grid = _grid(doc)
    names = list(grid)
    decision = doc["decisions"][0]
    option = {r["name"]: {a["option"] for a in r["actions"]} for r in doc["rules"]}
    regular = [r["name"] for r in doc["rules"] if not r["otherwise"]]
    has_default = any(r["otherwise"] for r in doc["rules"])
    conflicts, gap, fired_ever = set(), False, set()
    for with_missing in (False, True):
        choices = [grid[n] + ([None] if with_missing else []) for n in names]
        for values in itertools.product(*choices):
            if with_missing and None not in values:
                continue
            facts = {n: v for n, v in zip(names, values) if v is not None}
            result = rs.evaluate(facts, explain=True)
            if result.applicable is not True:
                continue
            yes = [r for r in regular if result.rule_values[r] == "yes"]
            fired_ever.update(yes)
            fired_ever.update(result.decisions[decision["name"]].fired)
            if with_missing:
                continue
            if not decision["policy"]:
                for a, b in itertools.combinations(yes, 2):
                    if option[a] != option[b]:
                        conflicts.add(frozenset([a, b]))
            if not yes and not has_default:
                gap = True
    dead = {r["name"] for r in doc["rules"]} - fired_ever
    return conflicts, gap, dead


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rulesets())
def test_conflicts_gaps_and_dead_rules_are_exact(text):
    doc = compile_source(text, "p.rules")
    findings = lint(doc)
    for finding in findings:
        if finding.witness is not None:
            replay(doc, finding)
    conflicts, gap, dead = _brute(doc)
    assert {frozenset(f.rules) for f in findings if f.name == "conflict"} == conflicts, text
    assert any(f.name == "gap" for f in findings) == gap, text
    assert {f.rules[0] for f in findings if f.name == "dead-rule"} == dead, text
