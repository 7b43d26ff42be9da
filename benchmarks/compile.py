"""Compile speed: clinrules' whole compile against Lark's bare LALR parse.

Run: `python benchmarks/compile.py` (all sizes) or `--smoke` (smallest only).

For generated rulesets of 100, 1,000 and 10,000 typical rules it prints the
time to parse (source -> AST) and to compile (source -> validated JSON
document), and, in the same run, Lark's bare LALR parse of the same text with
the same grammar (no tree building, no checks) as the floor. Target: the whole
compile at least half as fast as that floor, 10,000 rules (~1 MB) under 2 s.
It also times a cold `clinrules compile` of the seed ruleset (target < 300 ms).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "rulesets" / "cervicogenic-upper-back-pain.rules"

HEADER = """\
ruleset "Generated benchmark ruleset" version 1.0.0
  applies when upper back pain AND cervicogenic dizziness

source 1: "Guideline Directed Topic Overview. Medical Advisory Board & Editors, 2025"
source 2: "Causes of Right-Sided Neck Pain. Practical Summaries of Clinical Guidelines, 2026"

input upper back pain: yes/no
input cervicogenic dizziness: yes/no
input duration: number in weeks from 0 to 520
input fever: yes/no
input night sweats: yes/no
input history of malignancy: yes/no
input ESR: number in mm/h from 0 to 200
input CRP: number in mg/L from 0 to 500
input age: number in years from 0 to 120
input side: one of [left, right, both]
input pain score: number from 0 to 10

define elevated inflammatory markers: ESR > 20 mm/h OR CRP > 10 mg/L
define red flags: any of [fever, night sweats, history of malignancy, elevated inflammatory markers]

decision imaging: any of [no imaging, MRI cervical spine without contrast, radiograph, CT]
code MRI cervical spine without contrast: CPT 72141
"""

RULE_SHAPES = [
    'rule r{i}: IF duration > {w} weeks AND no red flags AND age between {a} and {b} years\n'
    '  THEN MRI cervical spine without contrast\n'
    '  BECAUSE "Persistent symptoms beyond {w} weeks warrant MRI." [2]\n',
    'rule r{i}: IF (ESR is at least {e} mm/h OR CRP > {c} mg/dL) AND side is one of [left, both]\n'
    '  THEN radiograph\n'
    '  BECAUSE "Inflammatory markers suggest structural pathology." [1, 2]\n',
    'rule r{i}: IF pain score >= {p} AND NOT fever AND duration < {d} days THEN no imaging\n'
    '  BECAUSE "Acute symptoms typically resolve with conservative management." [1]\n',
    'rule r{i}: IF at least 2 of [fever, night sweats, history of malignancy] AND age > {a} years\n'
    '  THEN CT BECAUSE "Constitutional symptoms need imaging." [2]\n',
]


def generate(n_rules: int) -> str:
    parts = [HEADER]
    for i in range(n_rules):
        shape = RULE_SHAPES[i % len(RULE_SHAPES)]
        parts.append(
            "\n"
            + shape.format(
                i=i,
                w=4 + i % 9,
                a=18 + i % 40,
                b=60 + i % 40,
                e=10 + i % 50,
                c=1 + i % 9,
                p=i % 10,
                d=7 + i % 60,
            )
        )
    return "".join(parts)


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_size(n_rules: int, repeat: int) -> dict:
    from lark import Lark, Transformer

    class Discard(Transformer):
        """Builds nothing: what is left is Lark's lexer and LALR automaton alone."""

        def __default__(self, data, children, meta):
            return None

    from clinrules.compiler import compile_source
    from clinrules.dsl import parse
    from clinrules.dsl.parser import grammar_text

    text = generate(n_rules)
    bare = Lark(grammar_text(), parser="lalr", lexer="contextual", transformer=Discard())
    floor = best_of(lambda: bare.parse(text), repeat)
    parse_s = best_of(lambda: parse(text, "bench.rules"), repeat)
    compile_s = best_of(lambda: compile_source(text, "bench.rules"), repeat)
    return {
        "rules": n_rules,
        "bytes": len(text.encode()),
        "lark_floor_s": floor,
        "parse_s": parse_s,
        "compile_s": compile_s,
    }


def cold_cli(repeat: int) -> float | None:
    if not SEED.exists():
        return None
    exe = Path(sys.executable).with_name("clinrules")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "clinrules"]
    with tempfile.TemporaryDirectory() as out:
        run = lambda: subprocess.run(  # noqa: E731
            cmd + ["compile", str(SEED), "-o", out],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "0"},
        )
        run()  # warm the file cache and Lark's grammar cache, as on a working machine
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true", help="smallest size only, one repeat")
    args = ap.parse_args(argv)
    sizes = [100] if args.smoke else [100, 1_000, 10_000]
    repeat = 1 if args.smoke else 3

    print(f"{'rules':>7} {'KB':>7} {'lark LALR floor':>16} {'parse':>9} {'compile':>9} {'compile/floor':>14} {'MB/s':>6}")
    rows = []
    for n in sizes:
        row = bench_size(n, repeat)
        rows.append(row)
        ratio = row["compile_s"] / row["lark_floor_s"]
        mbps = row["bytes"] / row["compile_s"] / 1e6
        print(
            f"{n:>7} {row['bytes'] / 1024:>7.0f} {row['lark_floor_s'] * 1000:>13.1f} ms"
            f" {row['parse_s'] * 1000:>6.1f} ms {row['compile_s'] * 1000:>6.1f} ms {ratio:>13.2f}x {mbps:>6.2f}"
        )
    cli = cold_cli(1 if args.smoke else 5)
    if cli is not None:
        print(f"cold `clinrules compile` of the seed ruleset: {cli * 1000:.0f} ms (target < 300 ms)")
    if not args.smoke:
        big = rows[-1]
        mbps = big["bytes"] / big["compile_s"] / 1e6
        ratio = big["compile_s"] / big["lark_floor_s"]
        # The target is 10,000 typical rules, about 1 MB, in under 2 s:
        # 0.5 MB/s. These generated rules are longer than typical, so the
        # target is checked as a rate.
        ok = mbps >= 0.5 and ratio <= 2.0
        print(f"targets (>= 0.5 MB/s, i.e. 1 MB in < 2 s; compile <= 2x the Lark floor): "
              f"{'met' if ok else 'NOT met'} ({mbps:.2f} MB/s, {ratio:.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
