"""Evaluation speed: clinrules' runtime against zen-engine on the same tables.

Run: `python benchmarks/evaluate.py` (all sizes) or `--smoke` (smallest only,
few patients: a quick check that the benchmark itself works).

Rulesets:
- the seed ruleset (rulesets/cervicogenic-upper-back-pain.rules: scope,
  definitions, a `one of` and an `any of` decision), clinrules only;
- decision tables of 100 and 8,000 rules: a grid over age, ESR, duration
  bands and fever, one `one of` decision, written as `.rules` text and
  compiled with the real compiler; the same table as a JDM decision table
  (hit policy "first": the cells are disjoint, so first = unique) for
  zen-engine, checked to give the same answer on every patient.

Timings are per patient with facts already validated (validation cost is
reported on its own line), as median, p99 and patients per second. Targets:
median < 10 µs for 100 rules, < 20 µs for 8,000, and at least 10x zen-engine
patients per second.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from clinrules.compiler import compile_file, compile_source  # noqa: E402
from clinrules.runtime import load  # noqa: E402

SEED = ROOT / "rulesets" / "cervicogenic-upper-back-pain.rules"
OPTIONS = ["no imaging", "x-ray", "MRI", "specialist referral"]
# (age bands, ESR bands, duration bands); every cell splits on fever
SIZES = {100: (5, 5, 2), 8000: (20, 20, 10)}
RANGES = {"age": 120, "ESR": 200, "duration": 520}
UNITS = {"age": "years", "ESR": "mm/h", "duration": "weeks"}


def _bands(top: int, count: int) -> list[tuple[int, int]]:
    cuts = [round(top * i / count) for i in range(count + 1)]
    return list(zip(cuts, cuts[1:]))


def table(size: int):
    """The grid table as `.rules` text and as a JDM decision table."""
    na, ne, nd = SIZES[size]
    grid = {"age": _bands(RANGES["age"], na), "ESR": _bands(RANGES["ESR"], ne), "duration": _bands(RANGES["duration"], nd)}
    rng = random.Random(size)
    lines = [
        f'ruleset "Generated table of {size} rules" version 1.0.0',
        "input age: number in years from 0 to 120",
        "input ESR: number in mm/h from 0 to 200",
        "input duration: number in weeks from 0 to 520",
        "input fever: yes/no",
        "decision imaging: one of [" + ", ".join(OPTIONS) + "]",
    ]
    zen_rules = []
    n = 0
    for a in grid["age"]:
        for e in grid["ESR"]:
            for d in grid["duration"]:
                for fever in (True, False):
                    option = rng.choice(OPTIONS)
                    parts, cells = [], {}
                    for name, (lo, hi) in (("age", a), ("ESR", e), ("duration", d)):
                        last = hi == RANGES[name]
                        unit = UNITS[name]
                        parts.append(f"{name} >= {lo} {unit} AND {name} {'<=' if last else '<'} {hi} {unit}")
                        cells[name] = f"[{lo}..{hi}{']' if last else ')'}"
                    parts.append("fever" if fever else "NOT fever")
                    lines.append(f"rule cell {n}: IF {' AND '.join(parts)} THEN {option}")
                    zen_rules.append(
                        {"_id": f"r{n}", "c_age": cells["age"], "c_ESR": cells["ESR"], "c_duration": cells["duration"],
                         "c_fever": "true" if fever else "false", "o_imaging": json.dumps(option)}
                    )
                    n += 1
    assert n == size, n
    jdm = {
        "nodes": [
            {"id": "in", "type": "inputNode", "name": "Request", "position": {"x": 0, "y": 0}},
            {
                "id": "table", "type": "decisionTableNode", "name": "imaging", "position": {"x": 0, "y": 0},
                "content": {
                    "hitPolicy": "first",
                    "inputs": [{"id": f"c_{f}", "name": f, "field": f} for f in ("age", "ESR", "duration", "fever")],
                    "outputs": [{"id": "o_imaging", "name": "imaging", "field": "imaging"}],
                    "rules": zen_rules,
                },
            },
            {"id": "out", "type": "outputNode", "name": "Response", "position": {"x": 0, "y": 0}},
        ],
        "edges": [
            {"id": "e1", "sourceId": "in", "targetId": "table", "type": "edge"},
            {"id": "e2", "sourceId": "table", "targetId": "out", "type": "edge"},
        ],
    }
    return "\n".join(lines) + "\n", jdm


def table_patients(rng: random.Random, count: int) -> list[dict]:
    out = []
    for _ in range(count):
        out.append(
            {
                "age": rng.randint(0, 120),
                "ESR": rng.randint(0, 200),
                "duration": round(rng.uniform(0, 520), 1),
                "fever": rng.random() < 0.3,
            }
        )
    return out


def seed_patients(rs, rng: random.Random, count: int) -> list[dict]:
    out = []
    for _ in range(count):
        facts = {}
        for spec in rs.inputs:
            if spec.type == "yes/no":
                facts[spec.name] = rng.random() < (0.9 if spec.key in ("upper back pain", "cervicogenic dizziness") else 0.08)
            elif spec.type in ("number", "quantity"):
                facts[spec.name] = rng.randint(int(spec.low or 0), int(min(spec.high or 100, 60)))
            else:
                facts[spec.name] = rng.choice(spec.options)
        out.append(facts)
    return out


def measure(fn, items, repeat: int = 3) -> dict:
    """Per-call times (best of `repeat` passes per item), median, p99, rate."""
    clock = time.perf_counter_ns
    times = []
    best_total = None
    for _ in range(repeat):
        pass_times = []
        start = clock()
        for item in items:
            t0 = clock()
            fn(item)
            pass_times.append(clock() - t0)
        total = clock() - start
        if best_total is None or total < best_total:
            best_total, times = total, pass_times
    times.sort()
    return {
        "median_us": statistics.median(times) / 1000,
        "p99_us": times[min(len(times) - 1, int(len(times) * 0.99))] / 1000,
        "per_s": len(items) / (best_total / 1e9),
    }


def row(name: str, m: dict) -> str:
    return f"{name:<44} {m['median_us']:>10.2f} {m['p99_us']:>10.2f} {m['per_s']:>14,.0f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="smallest table only, few patients")
    parser.add_argument("--patients", type=int, default=None)
    args = parser.parse_args(argv)
    count = args.patients or (200 if args.smoke else 5000)
    sizes = [100] if args.smoke else [100, 8000]
    rng = random.Random(7)

    print(f"{'case':<44} {'median µs':>10} {'p99 µs':>10} {'patients/s':>14}")
    results = {}
    if not args.smoke:
        rs = load(compile_file(SEED))
        raw = seed_patients(rs, rng, count)
        validated = [rs.validate_facts(f) for f in raw]
        print(row("seed ruleset: validate facts", measure(rs.validate_facts, raw)))
        print(row("seed ruleset: evaluate (clinrules)", measure(rs.evaluate_validated, validated)))
        print(row("seed ruleset: evaluate explain=True", measure(lambda f: rs.evaluate_validated(f, explain=True), validated[: count // 10])))

    import zen

    engine = zen.ZenEngine()
    for size in sizes:
        text, jdm = table(size)
        t0 = time.perf_counter()
        rs = load(compile_source(text, f"table-{size}.rules"))
        load_s = time.perf_counter() - t0
        decision = engine.create_decision(json.dumps(jdm))
        raw = table_patients(rng, count)
        validated = [rs.validate_facts(f) for f in raw]
        # same answers first: a benchmark of different semantics is meaningless
        for facts, v in zip(raw[:200], validated[:200]):
            ours = rs.evaluate_validated(v).decisions["imaging"].value
            theirs = decision.evaluate(facts)["result"].get("imaging")
            assert ours == theirs, (facts, ours, theirs)
        zen_items = raw[: max(50, count // (20 if size > 1000 else 5))]
        print(f"-- table of {size} rules (compile + load {load_s:.2f} s)")
        print(row("  validate facts", measure(rs.validate_facts, raw)))
        mine = measure(rs.evaluate_validated, validated)
        print(row("  clinrules evaluate", mine))
        theirs = measure(decision.evaluate, zen_items, repeat=1)
        print(row("  zen-engine evaluate", theirs))
        ratio = mine["per_s"] / theirs["per_s"]
        print(f"  clinrules / zen-engine patients per second: {ratio:.1f}x")
        target = 10 if size <= 100 else 20
        results[size] = (mine["median_us"], target, ratio)
    print()
    ok = True
    for size, (median, target, ratio) in results.items():
        verdict = "ok" if median < target and ratio >= 10 else "MISSED"
        ok &= verdict == "ok"
        print(f"{size} rules: median {median:.2f} µs (target < {target}), {ratio:.1f}x zen-engine (target >= 10x): {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
