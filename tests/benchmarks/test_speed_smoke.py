"""The speed benchmark runs at its smallest sizes, this tree beside a baseline
(here the same tree: the smoke run checks the machinery, asserts no timing)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_speed_benchmark_smoke():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "speed.py"), "--smoke", "--baseline", str(ROOT)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("table: 100 rules, 5 inputs")
    assert lines[1].split()[:2] == ["figure", "baseline"]
    for label in ("CLI start-up", "`clinrules lint`, lark-cython", "`clinrules lint`, pure Lark",
                  "second `clinrules lint` (cache)", "compile 10,000 rules, lark-cython", "compile 10,000 rules, pure Lark",
                  "evaluate from unit strings, median",
                  "evaluate from plain numbers, p99", "evaluate validated facts"):
        (row,) = [line for line in lines if line.startswith(label)]
        assert " s " in row or "MB/s" in row or " us" in row, row


def test_speed_benchmark_measures_only_the_parts_asked_for():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "speed.py"), "--smoke", "--only", "eval", "--baseline", str(ROOT)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1].split()[:2] == ["figure", "baseline"]
    rows = lines[2:]
    assert [row.split(",")[0] for row in rows] == [
        "load the compiled table", "validate unit strings", "evaluate from unit strings", "evaluate from unit strings",
        "evaluate from plain numbers", "evaluate from plain numbers", "evaluate validated facts"]
    assert " s " in rows[0] and all(" us" in row for row in rows[1:])
    assert not any(line.startswith(("CLI start-up", "`clinrules lint`", "compile")) for line in lines)
