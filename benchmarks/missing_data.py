"""Deciding with missing data: the cost of reasoning over completions.

Run: `python benchmarks/missing_data.py` (all sizes) or `--smoke` (fewest
patients, smallest table: a quick check that the benchmark itself works).

A decision that Kleene logic leaves open is settled over every completion
of the patient (LANGUAGE.md, Missing data) by cutting the patient's box of
completions into cells (clinrules/runtime/completions.py). This prints, per
patient with facts already validated, median and p99 next to the same
patients with every input known:

- the seed ruleset with every red-flag finding unknown (13 inputs), scope
  and duration known: the contract's own example, at scale;
- the generated 1,500-rule decision table over 5 numeric inputs (the
  linter benchmark's DMN shape, `benchmarks/lint.py`) with 1, 2, 3 and 5
  inputs unknown.

Targets: seed all-unknown median under 50 µs; table with 2 unknown inputs
median under 200 µs.

How the cost grows. Once per decision (on the first patient Kleene logic
cannot settle) the whole space is partitioned into cells of constant
result and indexed: about linear in the rules for a table of disjoint cells
(a few seconds for 1,500 rules). Per patient, finding the cells it meets is
one big-integer AND per known input; the results are read off per result;
`needs` is the costly part when the decision is undecided: for each unknown
input, for each cell met, one AND per other unknown input, so it grows with
(cells met) x (unknown inputs)^2. The worst case is every input unknown:
then every cell is met (here 1,500 rules cut into some 8,600 cells, about
15 ms per patient on a loaded machine).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from evaluate import measure, row  # noqa: E402
from lint import MAX, OPTIONS, make_inputs, partition  # noqa: E402

from clinrules.compiler import compile_file, compile_source  # noqa: E402
from clinrules.runtime import load  # noqa: E402

SEED = ROOT / "rulesets" / "cervicogenic-upper-back-pain.rules"
SCOPE = ("upper back pain", "cervicogenic dizziness")


def seed_patients(rs, rng: random.Random, count: int) -> tuple[list, list]:
    """(all known, every red flag unknown): the same patients."""
    known, unknown = [], []
    for _ in range(count):
        facts = {"upper back pain": True, "cervicogenic dizziness": True,
                 "duration": f"{rng.randint(0, 20)} weeks"}
        full = dict(facts)
        for spec in rs.inputs:
            if spec.name in facts:
                continue
            if spec.type == "yes/no":
                full[spec.name] = rng.random() < 0.05
            elif spec.type in ("number", "quantity"):
                full[spec.name] = rng.randint(0, int(min(spec.high or 100, 40)))
        known.append(rs.validate_facts(full))
        unknown.append(rs.validate_facts(facts))
    return known, unknown


def table_text(rules: int, seed: int = 7) -> str:
    """The linter benchmark's partition of 5 numeric inputs into `rules`
    disjoint cells, one rule each, as `.rules` text for the real compiler."""
    rng = random.Random(seed)
    inputs = make_inputs(5, 0, 0)
    lines = [f'ruleset "Generated table of {rules} rules" version 1.0.0']
    lines += [f"input {spec['name']}: number from 0 to {MAX}" for spec in inputs]
    lines.append("decision d: one of [" + ", ".join(OPTIONS) + "]")
    for i, cell in enumerate(partition(inputs, rules, rng)):
        parts = []
        for key, (_, lo, lo_closed, hi, hi_closed) in sorted(cell.items()):
            if lo > 0 or not lo_closed:
                parts.append(f"{key} {'>=' if lo_closed else '>'} {lo}")
            if hi < MAX or not hi_closed:
                parts.append(f"{key} {'<=' if hi_closed else '<'} {hi}")
        condition = " AND ".join(parts) or f"{inputs[0]['name']} >= 0"
        lines.append(f"rule cell {i}: IF {condition} THEN {rng.choice(OPTIONS)}")
    return "\n".join(lines) + "\n"


def table_patients(rs, rng: random.Random, count: int, missing: int) -> tuple[list, list]:
    names = [spec.name for spec in rs.inputs]
    known, unknown = [], []
    for _ in range(count):
        full = {name: rng.randint(0, MAX) for name in names}
        gone = set(rng.sample(names, missing))
        known.append(rs.validate_facts(full))
        unknown.append(rs.validate_facts({k: v for k, v in full.items() if k not in gone}))
    return known, unknown


def undecided_share(rs, patients) -> float:
    results = [rs.evaluate_validated(f) for f in patients]
    open_ = sum(1 for r in results for d in r.decisions.values() if d.status == "undecided")
    total = sum(len(r.decisions) for r in results)
    return open_ / total if total else 0.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="few patients, small table")
    parser.add_argument("--patients", type=int, default=None)
    args = parser.parse_args(argv)
    count = args.patients or (30 if args.smoke else 2000)
    rng = random.Random(11)
    results = {}

    print(f"{'case':<52} {'median µs':>10} {'p99 µs':>10} {'patients/s':>14}")
    rs = load(compile_file(SEED))
    known, unknown = seed_patients(rs, rng, count)
    print(row("seed ruleset: every input known", measure(rs.evaluate_validated, known)))
    seed = measure(rs.evaluate_validated, unknown)
    print(row("seed ruleset: every red flag unknown", seed))
    print(f"  decisions undecided: {undecided_share(rs, unknown):.0%} "
          "(acute pain: the red flags decide; persistent pain: MRI whatever they are)")
    results["seed, every red flag unknown"] = (seed["median_us"], 50)

    rules = 150 if args.smoke else 1500
    doc = compile_source(table_text(rules), "table.rules")
    table = load(doc)
    print(f"-- generated table of {len(doc['rules'])} rules over 5 numeric inputs")
    start = time.perf_counter()
    index = table.completions.index(table.decision_plans[0])
    cells = len(index[0].cells) if index else 0
    print(f"  once per decision, on the first patient Kleene logic leaves open: {cells:,} cells "
          f"indexed in {time.perf_counter() - start:.2f} s")
    for missing in (1, 2, 3, 5):
        known, unknown = table_patients(table, rng, count if missing < 5 else max(10, count // 20), missing)
        if missing == 1:
            print(row("  every input known", measure(table.evaluate_validated, known)))
        got = measure(table.evaluate_validated, unknown, repeat=1 if missing == 5 else 3)
        print(row(f"  {missing} input{'s' if missing > 1 else ''} unknown", got))
        print(f"    decisions undecided: {undecided_share(table, unknown[:200]):.0%}")
        if missing == 2:
            results[f"{len(doc['rules'])}-rule table, 2 unknown"] = (got["median_us"], 200)
    print()
    for name, (median, target) in results.items():
        verdict = "ok" if median < target else "MISSED"
        print(f"{name}: median {median:.1f} µs (target < {target}): {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
