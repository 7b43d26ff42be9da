"""The large generated table the speed figures are quoted on, as `.rules` text.

The published DMN benchmark shape of `benchmarks/lint.py` (a k-d partition of
five numeric inputs, one rule per cell), written as a clinical editor would
write it: five lab-style inputs with declared units, each rule a conjunction
of bounds in those units. With the default 1,490 rules the file is about
355 KB. Five cells are left out (gaps) and five get a second rule with another
option (conflicts), so `clinrules lint` has real findings to report.

`python benchmarks/table.py OUT.rules [--rules N]` writes it to a file.
"""

from __future__ import annotations

import random
import sys

INPUTS = [  # name, unit
    ("CRP", "mg/L"),
    ("ESR", "mm/h"),
    ("creatinine", "umol/L"),
    ("heart rate", "/min"),
    ("weight", "kg"),
]
TOP = 1000
OPTIONS = ["observe", "repeat tests", "refer", "admit"]
RULES = 1490
PLANTED = 5


def _partition(cells: int, rng: random.Random) -> list[dict]:
    leaves = [{name: (0, TOP) for name, _ in INPUTS}]
    while len(leaves) < cells:
        idx = rng.randrange(len(leaves))
        leaf = leaves[idx]
        names = [k for k, (lo, hi) in leaf.items() if hi - lo >= 2]
        if not names:
            continue
        name = rng.choice(names)
        lo, hi = leaf[name]
        cut = rng.randint(lo + 1, hi - 1)
        a, b = dict(leaf), dict(leaf)
        a[name], b[name] = (lo, cut), (cut, hi)
        leaves[idx] = a
        leaves.append(b)
    return leaves


def _condition(cell: dict) -> str:
    parts = []
    for name, unit in INPUTS:
        lo, hi = cell[name]
        if lo > 0:
            parts.append(f"{name} >= {lo} {unit}")
        if hi < TOP:
            parts.append(f"{name} < {hi} {unit}")
    return " AND ".join(parts) if parts else "true"


def generate(rules: int = RULES, planted: int = PLANTED, seed: int = 7) -> str:
    """`rules` rules in all: `planted` cells dropped, `planted` doubled."""
    rng = random.Random(seed)
    cells = _partition(rules, rng)
    chosen = rng.sample(range(len(cells)), 2 * planted)
    dropped, doubled = set(chosen[:planted]), chosen[planted:]
    lines = [
        f'ruleset "Generated table of {rules} rules" version 1.0.0',
        "",
        'source 1: "Generated for the speed benchmarks"',
        "",
    ]
    for name, unit in INPUTS:
        lines.append(f"input {name}: number in {unit} from 0 to {TOP}")
    lines += ["", "decision plan: one of [" + ", ".join(OPTIONS) + "]", ""]
    option_of = {}
    for i, cell in enumerate(cells):
        if i in dropped:
            continue
        option_of[i] = rng.choice(OPTIONS)
        lines.append(f"rule cell {i}:\n  IF {_condition(cell)}\n  THEN {option_of[i]}\n"
                     f'  BECAUSE "Cell {i} of the partition." [1]\n')
    for i in doubled:
        other = rng.choice([o for o in OPTIONS if o != option_of[i]])
        lines.append(f"rule second {i}:\n  IF {_condition(cells[i])}\n  THEN {other}\n"
                     f'  BECAUSE "A planted conflict with cell {i}." [1]\n')
    return "\n".join(lines)


def patients(count: int, seed: int = 11, as_strings: bool = True) -> list[dict]:
    """Random patients for the table: unit strings (`"12.5 mg/L"`) as callers
    send them, or plain numbers in the declared units."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        facts = {}
        for name, unit in INPUTS:
            value = round(rng.uniform(0, TOP), 1)
            facts[name] = f"{value} {unit}" if as_strings else value
        out.append(facts)
    return out


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--rules", type=int, default=RULES)
    args = ap.parse_args()
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write(generate(args.rules))
    sys.exit(0)
