"""Speed where users feel it: lint and compile of large files, evaluation from raw facts.

Run: `python benchmarks/speed.py` (full sizes), `--smoke` (tiny sizes, one
repeat: checks that the benchmark runs), `--only eval` (the evaluation
figures alone; also `cli` and `compile`, repeatable), `--baseline DIR` (also
measure an earlier clinrules source tree, e.g. `git archive OLD | tar -x -C
DIR`, in the same run, and print its figures next to these).

Figures, on the 1,490-rule, 5-input table of benchmarks/table.py:
- CLI start-up (`clinrules --version`), and beyond it: `clinrules check`,
  `clinrules lint` with lark-cython, with pure Lark (CLINRULES_PURE_LARK=1),
  both with the cache off (CLINRULES_NO_CACHE=1), and a second `clinrules
  lint` of the unchanged file with the cache on;
- compile of 10,000 generated rules (benchmarks/compile.py) in MB/s, both
  engines, and with the fast reader off (`CLINRULES_FAST_READER=0`: Lark
  reads every text, as before the reader);
- loading the compiled table (`clinrules.runtime.load` of the document, as
  a service does at start-up), CPU seconds;
- evaluation per patient from unit strings (`"12.5 mg/L"`), from plain
  numbers (validation included), and of already validated facts: median and
  p99.
Every process runs with `python -S` and the code tree first on PYTHONPATH,
so the baseline and this tree are measured the same way. Times are CPU time
(user + system) of the measured process: on a shared machine the wall clock
also counts other processes' turns, on an idle one the two agree. Targets (issue 10)
are printed beside the figures; nothing here is asserted by the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import table  # noqa: E402

# Figures recorded in issue 10 (before this work), for runs without --baseline.
ISSUE = {
    "lint_fast": 0.8, "lint_pure": 0.8, "check": 0.85, "eval_strings": 46.0, "eval_validated": 7.0,
    "validate_strings": 39.0,
}
TARGETS = {
    "lint_fast": ("< 0.5 s", lambda v: v < 0.5),
    "lint_pure": ("< 0.8 s", lambda v: v < 0.8),
    "lint_cached": ("< 0.15 s", lambda v: v < 0.15),
    "compile_fast_mbps": (">= 1.5 MB/s", lambda v: v >= 1.5),
    "eval_strings": ("median < 15 us", lambda v: v < 15),
    "eval_strings_p99": ("p99 < 50 us", lambda v: v < 50),
    "eval_numbers": ("median < 10 us", lambda v: v < 10),
    "eval_numbers_p99": ("p99 < 50 us", lambda v: v < 50),
}
LABELS = [
    ("startup", "CLI start-up (`clinrules --version`)", "s"),
    ("check", "`clinrules check`, beyond start-up", "s"),
    ("lint_fast", "`clinrules lint`, lark-cython, no cache, beyond start-up", "s"),
    ("lint_pure", "`clinrules lint`, pure Lark, no cache, beyond start-up", "s"),
    ("lint_cached", "second `clinrules lint` (cache), beyond start-up", "s"),
    ("compile_fast_mbps", "compile 10,000 rules, lark-cython", "MB/s"),
    ("compile_pure_mbps", "compile 10,000 rules, pure Lark", "MB/s"),
    ("compile_lark_mbps", "compile 10,000 rules, fast reader off (lark-cython)", "MB/s"),
    ("load", "load the compiled table, `runtime.load`", "s"),
    ("validate_strings", "validate unit strings, median", "us"),
    ("eval_strings", "evaluate from unit strings, median", "us"),
    ("eval_strings_p99", "evaluate from unit strings, p99", "us"),
    ("eval_numbers", "evaluate from plain numbers, median", "us"),
    ("eval_numbers_p99", "evaluate from plain numbers, p99", "us"),
    ("eval_validated", "evaluate validated facts, median", "us"),
]


def _env(code_root: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CLINRULES_PURE_LARK", "CLINRULES_NO_CACHE", "CLINRULES_FAST_READER")}
    # the packages of the interpreter that started the benchmark (a venv's, even under -S)
    packages = os.environ.get("SPEED_PACKAGES") or sysconfig.get_paths()["purelib"]
    env["PYTHONPATH"] = os.pathsep.join([str(code_root), packages])
    env["SPEED_PACKAGES"] = packages
    env.update(extra)
    return env


def _median_run(cmd: list[str], env: dict, repeat: int, warm: bool = True) -> float:
    """Median CPU seconds (user + system) of the command's process.

    CPU time, not wall time: on a shared machine the wall clock also counts
    the time other processes held the cores; on an idle one they agree.
    """
    if warm:
        _run(cmd, env)  # warm the file cache and the grammar tables
    times = []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        _run(cmd, env)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times)


def _run(cmd: list[str], env: dict) -> None:
    # run from a neutral folder: `python -m` puts the working directory first on sys.path
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, cwd=tempfile.gettempdir())
    if done.returncode not in (0, 1):  # 1: lint findings, as planted
        raise SystemExit(f"`{' '.join(cmd[3:])}` failed ({done.returncode}):\n{done.stderr}")


def cli_figures(code_root: Path, rules_file: Path, repeat: int, smoke: bool = False) -> dict:
    cli = [sys.executable, "-S", "-m", "clinrules"]
    with tempfile.TemporaryDirectory() as cache:
        base = {"CLINRULES_CACHE_DIR": cache}
        off = {**base, "CLINRULES_NO_CACHE": "1"}
        startup = _median_run(cli + ["--version"], _env(code_root, **base), repeat)
        out = {"startup": startup}
        runs = {
            "check": (["check", str(rules_file)], off),
            "lint_fast": (["lint", str(rules_file)], off),
            "lint_pure": (["lint", str(rules_file)], {**off, "CLINRULES_PURE_LARK": "1"}),
            "lint_cached": (["lint", str(rules_file)], base),  # the warm-up run fills the cache
        }
        for name, (args, extra) in runs.items():
            warm = not smoke or name == "lint_cached"  # the smoke run only checks that all of it works
            out[name] = max(0.0, _median_run(cli + args, _env(code_root, **extra), repeat, warm) - startup)
    return out


def compile_figures(rules: int, repeat: int) -> dict:
    import compile as compile_bench

    from clinrules.compiler import compile_source

    text = compile_bench.generate(rules)
    size = len(text.encode())
    out = {}
    runs = (("compile_fast_mbps", "", ""), ("compile_pure_mbps", "1", ""), ("compile_lark_mbps", "", "0"))
    for name, pure, reader in runs:
        os.environ["CLINRULES_PURE_LARK"] = pure
        os.environ["CLINRULES_FAST_READER"] = reader
        try:
            compile_source(text[:2000].rsplit("\nrule", 1)[0], "warm.rules")
            best = min(_timed(lambda: compile_source(text, "bench.rules")) for _ in range(repeat))
        finally:
            os.environ.pop("CLINRULES_PURE_LARK", None)
            os.environ.pop("CLINRULES_FAST_READER", None)
        out[name] = size / best / 1e6
    return out


def _timed(fn) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def _per_call(fn, items, repeat: int) -> tuple[float, float]:
    """(median, p99) in µs of CPU time per call, from the pass with the lowest median."""
    clock = time.process_time_ns
    best = None
    for _ in range(repeat):
        times = []
        for item in items:
            t0 = clock()
            fn(item)
            times.append(clock() - t0)
        times.sort()
        figures = (statistics.median(times) / 1000, times[min(len(times) - 1, int(len(times) * 0.99))] / 1000)
        if best is None or figures[0] < best[0]:
            best = figures
    return best


def eval_figures(text: str, patients: int, repeat: int) -> dict:
    from clinrules.compiler import compile_source
    from clinrules.runtime import load

    doc = compile_source(text, "table.rules")
    loads = []
    for _ in range(repeat):
        started = time.process_time()
        rs = load(doc)
        loads.append(time.process_time() - started)
    strings = table.patients(patients, as_strings=True)
    numbers = table.patients(patients, as_strings=False)
    validated = [rs.validate_facts(f) for f in strings]
    out = {"load": statistics.median(loads)}
    out["validate_strings"], _ = _per_call(rs.validate_facts, strings, repeat)
    out["eval_strings"], out["eval_strings_p99"] = _per_call(rs.evaluate, strings, repeat)
    out["eval_numbers"], out["eval_numbers_p99"] = _per_call(rs.evaluate, numbers, repeat)
    out["eval_validated"], _ = _per_call(rs.evaluate_validated, validated, repeat)
    return out


PARTS = ("cli", "compile", "eval")


def measure(code_root: Path, smoke: bool, parts: tuple[str, ...] = PARTS) -> dict:
    n_rules = 100 if smoke else table.RULES
    repeat = 1 if smoke else 5
    text = table.generate(n_rules)
    figures = {}
    if "cli" in parts:
        with tempfile.TemporaryDirectory() as folder:
            rules_file = Path(folder) / "table.rules"
            rules_file.write_text(text, "utf-8")
            figures.update(cli_figures(code_root, rules_file, repeat, smoke))
    if "compile" in parts:
        figures.update(compile_figures(200 if smoke else 10_000, 1 if smoke else 3))
    if "eval" in parts:
        figures.update(eval_figures(text, 200 if smoke else 5000, 1 if smoke else 3))
    figures["rules"] = n_rules
    figures["kb"] = len(text.encode()) / 1024
    return figures


def _shown(value, unit: str) -> str:
    if value is None:
        return "-"
    return f"{value:.3f} s" if unit == "s" else f"{value:.2f} {unit}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true", help="tiny sizes, one repeat")
    ap.add_argument("--baseline", type=Path, help="an earlier clinrules source tree to measure beside this one")
    ap.add_argument("--only", choices=PARTS, action="append",
                    help="measure only this part (repeatable): `--only eval` is the evaluation figures alone")
    ap.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # one tree's figures, for --baseline
    args = ap.parse_args(argv)
    parts = tuple(args.only or PARTS)
    code_root = Path(os.environ.get("SPEED_CODE_ROOT", ROOT))
    if args.json:
        print(json.dumps(measure(code_root, args.smoke, parts)))
        return 0
    before, before_label = ISSUE, "issue 10"
    if args.baseline is not None:
        cmd = [sys.executable, "-S", str(Path(__file__).resolve()), "--json"] + (["--smoke"] if args.smoke else [])
        cmd += [f"--only={part}" for part in parts]
        done = subprocess.run(cmd, env=_env(args.baseline.resolve(), SPEED_CODE_ROOT=str(args.baseline.resolve())),
                              capture_output=True, text=True)
        if done.returncode != 0:
            print(f"the baseline could not be measured:\n{done.stderr}", file=sys.stderr)
            return 2
        before, before_label = json.loads(done.stdout.strip().splitlines()[-1]), f"baseline {args.baseline.name}"
    now = measure(code_root, args.smoke, parts)
    print(f"table: {now['rules']} rules, 5 inputs, {now['kb']:.0f} KB of .rules"
          + (" (smoke sizes)" if args.smoke else ""))
    print(f"{'figure':<58} {before_label:>14} {'now':>12}  target")
    for key, label, unit in LABELS:
        if key not in now:  # a part not measured (--only)
            continue
        target, ok = TARGETS.get(key, ("", None))
        verdict = "" if ok is None else (" met" if ok(now[key]) else " NOT met")
        print(f"{label:<58} {_shown(before.get(key), unit):>14} {_shown(now.get(key), unit):>12}  {target}{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
