"""Lint benchmark: planted conflicts and gaps in large generated rulesets.

Shapes: the published DMN benchmark of Calvanese et al. (1,500 rules over 5
numeric inputs), and 1,000 and 5,000 rules over 20 inputs (numbers, yes/no,
one-of). Each ruleset starts as a k-d partition of the input space (one rule
per cell, so no conflict and no gap), then problems are planted: some cells
are deleted (gaps) and some cells get a second rule with another option
(conflicts). The linter must report exactly the planted problems.

The same questions are put to z3 as a straightforward SMT encoding (one
solver, every rule a Boolean defined by its condition; a pairwise overlap
query per pair of rules with different options; one gap query per decision,
blocking each found cell to look for more). z3 is given a time budget; past
it, its total is extrapolated from the measured rate and marked so.

Run: python benchmarks/lint.py [--smoke] [--z3-budget SECONDS]
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
import tracemalloc
from fractions import Fraction

from clinrules.lint import lint
from clinrules.lint.analysis import Analysis
from clinrules.lint.gaps import uncovered_regions

OPTIONS = ["o1", "o2", "o3", "o4"]
MAX = 1000


class Builder:
    """Builds compiled documents (docs/compiled-format.md) directly."""

    def __init__(self) -> None:
        self.next_id = 0

    def node(self, op: str, text: str, **fields) -> dict:
        node = {"op": op, "id": self.next_id, "at": {"line": 1, "column": 1}, "text": text}
        self.next_id += 1
        node.update(fields)
        return node


def make_inputs(n_numeric: int, n_yesno: int, n_oneof: int) -> list[dict]:
    inputs = []
    for i in range(n_numeric):
        inputs.append({"name": f"x{i}", "key": f"x{i}", "type": "number", "unit": None,
                       "range": {"min": "0", "max": str(MAX)}, "options": None, "codes": [],
                       "at": {"line": 2 + i, "column": 1}})
    for i in range(n_yesno):
        inputs.append({"name": f"b{i}", "key": f"b{i}", "type": "yes/no", "unit": None, "range": None,
                       "options": None, "codes": [], "at": {"line": 40 + i, "column": 1}})
    for i in range(n_oneof):
        inputs.append({"name": f"c{i}", "key": f"c{i}", "type": "one of", "unit": None, "range": None,
                       "options": ["p", "q", "r", "s"], "codes": [], "at": {"line": 80 + i, "column": 1}})
    return inputs


def partition(inputs: list[dict], cells: int, rng: random.Random) -> list[dict]:
    """Split the input space into `cells` disjoint boxes covering it.

    A cell maps input key -> ("num", lo, lo_closed, hi, hi_closed) or
    ("set", frozenset of values)."""
    full: dict = {}
    for spec in inputs:
        if spec["type"] == "number":
            full[spec["key"]] = ("num", 0, True, MAX, True)
        elif spec["type"] == "yes/no":
            full[spec["key"]] = ("set", frozenset([True, False]))
        else:
            full[spec["key"]] = ("set", frozenset(spec["options"]))
    leaves = [full]
    while len(leaves) < cells:
        idx = max(range(len(leaves)), key=lambda i: rng.random()) if len(leaves) > 64 else rng.randrange(len(leaves))
        leaf = leaves[idx]
        keys = [k for k, v in leaf.items()
                if (v[0] == "num" and v[3] - v[1] >= 2) or (v[0] == "set" and len(v[1]) > 1)]
        if not keys:
            continue
        key = rng.choice(keys)
        part = leaf[key]
        if part[0] == "num":
            _, lo, lo_c, hi, hi_c = part
            t = rng.randint(lo + 1, hi - 1)
            a, b = dict(leaf), dict(leaf)
            a[key] = ("num", lo, lo_c, t, False)
            b[key] = ("num", t, True, hi, hi_c)
        else:
            values = sorted(part[1], key=str)
            rng.shuffle(values)
            cut = rng.randint(1, len(values) - 1)
            a, b = dict(leaf), dict(leaf)
            a[key] = ("set", frozenset(values[:cut]))
            b[key] = ("set", frozenset(values[cut:]))
        leaves[idx] = a
        leaves.append(b)
    return leaves


def condition(builder: Builder, cell: dict, full: dict) -> dict:
    parts = []
    for key, part in cell.items():
        if part == full[key]:
            continue
        if part[0] == "num":
            _, lo, lo_c, hi, hi_c = part
            if lo > 0 or not lo_c:
                cmp = ">=" if lo_c else ">"
                parts.append(builder.node("compare", f"{key} {cmp} {lo}", input=key, cmp=cmp,
                                          value=str(lo), written=str(lo)))
            if hi < MAX or not hi_c:
                cmp = "<=" if hi_c else "<"
                parts.append(builder.node("compare", f"{key} {cmp} {hi}", input=key, cmp=cmp,
                                          value=str(hi), written=str(hi)))
        elif isinstance(next(iter(part[1])), bool):
            value = next(iter(part[1]))
            atom = builder.node("input", key, input=key)
            parts.append(atom if value else builder.node("not", f"no {key}", arg=atom, form="no"))
        else:
            opts = sorted(part[1])
            parts.append(builder.node("in", f"{key} is one of {opts}", input=key, options=opts, negated=False))
    if not parts:
        return builder.node("const", "true", value=True)
    if len(parts) == 1:
        return parts[0]
    return builder.node("and", " AND ".join(p["text"] for p in parts), args=parts, form="and", grouped=False)


def generate(rules: int, n_numeric: int, n_yesno: int, n_oneof: int, planted: int, seed: int):
    """A document with `planted` gaps and `planted` conflicts, plus the
    planted cells (for checking)."""
    rng = random.Random(seed)
    inputs = make_inputs(n_numeric, n_yesno, n_oneof)
    cells = partition(inputs, rules, rng)
    full = partition(inputs, 1, rng)[0]
    chosen = rng.sample(range(len(cells)), 2 * planted)
    gap_cells = set(chosen[:planted])
    conflict_cells = chosen[planted:]
    builder = Builder()
    out_rules = []
    option_of = {}

    def add(name: str, cell: dict, option: str) -> None:
        i = len(out_rules)
        out_rules.append({"name": name, "key": name, "named": True, "index": i, "otherwise": False,
                          "condition": condition(builder, cell, full),
                          "actions": [{"decision": "d", "option": option}],
                          "because": {"text": "generated", "citations": [1]},
                          "at": {"line": 1000 + i, "column": 1}, "suppressions": []})

    for i, cell in enumerate(cells):
        if i in gap_cells:
            continue
        option_of[i] = rng.choice(OPTIONS)
        add(f"cell {i}", cell, option_of[i])
    planted_pairs = set()
    for i in conflict_cells:
        other = rng.choice([o for o in OPTIONS if o != option_of[i]])
        add(f"planted {i}", cell=cells[i], option=other)
        planted_pairs.add(frozenset([f"cell {i}", f"planted {i}"]))
    doc = {
        "format": "clinrules-compiled-ruleset", "format_version": 1, "title": "benchmark",
        "version": None, "source_file": "benchmark.rules", "source_sha256": "0" * 64, "scope": None,
        "sources": [{"number": 1, "citation": "generated", "at": {"line": 1, "column": 1}}],
        "units": {}, "inputs": inputs, "definitions": [],
        "decisions": [{"name": "d", "key": "d", "kind": "one of", "policy": None,
                       "options": [{"name": o, "key": o, "codes": []} for o in OPTIONS],
                       "codes": [], "at": {"line": 900, "column": 1}, "suppressions": []}],
        "rules": out_rules,
    }
    return doc, [cells[i] for i in sorted(gap_cells)], planted_pairs


def _center(cell: dict) -> dict:
    point = {}
    for key, part in cell.items():
        if part[0] == "num":
            point[key] = Fraction(part[1] + part[3], 2)
        else:
            point[key] = sorted(part[1], key=str)[0]
    return point


def _in_box(an: Analysis, box: dict, point: dict) -> bool:
    for dim in an.dims:
        value = point[dim.key]
        mask = box.get(dim.index, dim.full)
        if dim.type == "number":
            index = next(i for i, r in enumerate(dim.values)
                         if (r.point and r.lo == value) or (not r.point and (r.lo is None or r.lo < value)
                                                              and (r.hi is None or value < r.hi)))
        elif dim.type == "yes/no":
            index = 0 if value else 1
        else:
            index = dim.values.index(value)
        if not mask >> index & 1:
            return False
    return True


def check(doc: dict, findings, gap_cells, planted_pairs) -> list[str]:
    problems = []
    found_pairs = {frozenset(f.rules) for f in findings if f.name == "conflict"}
    if found_pairs != planted_pairs:
        problems.append(f"conflicts: missed {len(planted_pairs - found_pairs)}, "
                        f"extra {len(found_pairs - planted_pairs)}")
    gaps_found = [f for f in findings if f.name == "gap"]
    if gap_cells and not gaps_found:
        problems.append("no gap reported")
    an = Analysis(doc)
    members = [m for m in an.members["d"]]
    regions = uncovered_regions(an, doc["decisions"][0], members)
    for cell in gap_cells:
        if not any(_in_box(an, r, _center(cell)) for r in regions):
            problems.append("a planted gap was not found")
    for f in gaps_found:
        point = {}
        for dim in an.dims:
            raw = f.witness[dim.name]
            point[dim.key] = Fraction(raw) if dim.type == "number" else (
                raw if dim.type == "one of" else bool(raw))
        if not any(_in_box_cell(cell, point) for cell in gap_cells):
            problems.append(f"gap witness outside every planted gap: {f.witness}")
    return problems


def _in_box_cell(cell: dict, point: dict) -> bool:
    for key, part in cell.items():
        v = point[key]
        if part[0] == "num":
            _, lo, lo_c, hi, hi_c = part
            if v < lo or (v == lo and not lo_c) or v > hi or (v == hi and not hi_c):
                return False
        elif v not in part[1]:
            return False
    return True


# ---------------------------------------------------------------- z3 peer --


def z3_peer(doc: dict, budget: float) -> dict:
    import z3

    variables = {}
    for spec in doc["inputs"]:
        if spec["type"] == "number":
            v = z3.Real(spec["key"])
            variables[spec["key"]] = v
        elif spec["type"] == "yes/no":
            variables[spec["key"]] = z3.Bool(spec["key"])
        else:
            variables[spec["key"]] = z3.Int(spec["key"])

    def enc(node):
        op = node["op"]
        if op == "const":
            return z3.BoolVal(node["value"])
        if op == "and":
            return z3.And([enc(a) for a in node["args"]])
        if op == "not":
            return z3.Not(enc(node["arg"]))
        if op == "input":
            return variables[node["input"]]
        if op == "in":
            spec = next(s for s in doc["inputs"] if s["key"] == node["input"])
            return z3.Or([variables[node["input"]] == spec["options"].index(o) for o in node["options"]])
        value = z3.RealVal(str(Fraction(node["value"])))
        x = variables[node["input"]]
        return {">": x > value, ">=": x >= value, "<": x < value, "<=": x <= value}[node["cmp"]]

    solver = z3.Solver()
    for spec in doc["inputs"]:
        x = variables[spec["key"]]
        if spec["type"] == "number":
            solver.add(x >= 0, x <= MAX)
        elif spec["type"] == "one of":
            solver.add(x >= 0, x < len(spec["options"]))
    flags = []
    for i, rule in enumerate(doc["rules"]):
        b = z3.Bool(f"rule_{i}")
        solver.add(b == enc(rule["condition"]))
        flags.append(b)
    opts = [r["actions"][0]["option"] for r in doc["rules"]]
    start = time.perf_counter()
    pairs = [(i, j) for i in range(len(flags)) for j in range(i + 1, len(flags)) if opts[i] != opts[j]]
    done = 0
    conflicts = 0
    for i, j in pairs:
        if solver.check(flags[i], flags[j]) == z3.sat:
            conflicts += 1
        done += 1
        if time.perf_counter() - start > budget:
            break
    pair_time = time.perf_counter() - start
    pair_total = pair_time * len(pairs) / max(done, 1)
    # one gap query, blocking each found cell (atom valuation) for more
    gap_start = time.perf_counter()
    solver.push()
    solver.add(z3.Not(z3.Or(flags)))
    atoms = []
    for rule in doc["rules"]:
        stack = [rule["condition"]]
        while stack:
            node = stack.pop()
            if node["op"] in ("compare", "in", "input"):
                atoms.append(enc(node))
            stack.extend(node.get("args", []))
            if node.get("arg"):
                stack.append(node["arg"])
    cells = 0
    while cells < 200 and solver.check() == z3.sat and time.perf_counter() - gap_start < budget:
        model = solver.model()
        solver.add(z3.Or([a if z3.is_false(model.eval(a, model_completion=True)) else z3.Not(a)
                          for a in atoms]))
        cells += 1
    solver.pop()
    gap_time = time.perf_counter() - gap_start
    return {"pairs": len(pairs), "pairs_done": done, "pair_time": pair_time,
            "pair_total": pair_total, "extrapolated": done < len(pairs),
            "conflicts_seen": conflicts, "gap_cells": cells, "gap_time": gap_time}


# -------------------------------------------------------------------- run --

SIZES = [
    ("DMN shape: 1,500 rules x 5 inputs", 1500, 5, 0, 0, 0.5),
    ("1,000 rules x 20 inputs", 1000, 14, 4, 2, 2.0),
    ("5,000 rules x 20 inputs", 5000, 14, 4, 2, None),
]
# The smoke run checks that every planted problem is found; it sets no time
# target, so a busy CI machine cannot fail it (timings are for full runs).
SMOKE = [("smoke: 150 rules x 5 inputs", 150, 5, 0, 0, None)]


def run_one(label, rules, num, yesno, oneof, target, planted, z3_budget, seed=7) -> bool:
    doc, gap_cells, planted_pairs = generate(rules, num, yesno, oneof, planted, seed)
    gc.collect()
    tracemalloc.start()
    start = time.perf_counter()
    findings = lint(doc)
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # time without tracemalloc's overhead, the figure the targets are about
    start = time.perf_counter()
    findings = lint(doc)
    plain = time.perf_counter() - start
    an = Analysis(doc)
    start = time.perf_counter()
    regions = uncovered_regions(an, doc["decisions"][0], an.members["d"])
    gap_time = time.perf_counter() - start
    problems = check(doc, findings, gap_cells, planted_pairs)
    n_conf = sum(f.name == "conflict" for f in findings)
    n_gap = sum(f.name == "gap" for f in findings)
    print(f"{label}: {len(doc['rules'])} rules")
    print(f"  lint: {plain:.3f} s (with tracemalloc {elapsed:.3f} s), peak memory {peak / 2**20:.1f} MiB")
    print(f"  found {n_conf} conflicts ({len(planted_pairs)} planted), {n_gap} gap findings over "
          f"{len(regions)} regions ({len(gap_cells)} cells planted); "
          f"gap sweep {gap_time * 1000:.1f} ms = {gap_time * 1000 / max(len(regions), 1):.2f} ms per region")
    ok = not problems
    for problem in problems:
        print(f"  PROBLEM: {problem}")
    if target is not None:
        verdict = "ok" if plain < target else "MISSED"
        print(f"  target < {target} s: {verdict}")
        ok = ok and plain < target
    if peak > 2**30:
        print("  PROBLEM: peak memory over 1 GiB")
        ok = False
    if z3_budget > 0:
        z = z3_peer(doc, z3_budget)
        mark = " (extrapolated from the measured rate)" if z["extrapolated"] else ""
        print(f"  z3: {z['pairs_done']}/{z['pairs']} pair queries in {z['pair_time']:.2f} s; "
              f"all pairs {z['pair_total']:.1f} s{mark}; gap query found {z['gap_cells']} cells in "
              f"{z['gap_time']:.2f} s")
        speedup = (z["pair_total"] + z["gap_time"]) / plain
        print(f"  speed-up over z3: {speedup:.0f}x")
    return ok


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="run only the smallest size, quickly")
    parser.add_argument("--z3-budget", type=float, default=20.0,
                        help="seconds of z3 pair queries per size before extrapolating (0: skip z3)")
    parser.add_argument("--planted", type=int, default=5)
    args = parser.parse_args(argv)
    sizes = SMOKE if args.smoke else SIZES
    budget = min(args.z3_budget, 2.0) if args.smoke else args.z3_budget
    ok = True
    for label, rules, num, yesno, oneof, target in sizes:
        ok = run_one(label, rules, num, yesno, oneof, target, args.planted, budget) and ok
        sys.stdout.flush()
    print("all planted problems found" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
