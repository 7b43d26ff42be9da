"""The cohort benchmark runs at its smallest size (a smoke test, not a timing)."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_cohort_benchmark_smoke():
    pytest.importorskip("duckdb")
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "cohort.py"), "--smoke"],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:2] == ["ruleset", "rules"]
    row = lines[1].split()
    assert row[:3] == ["seed", "ruleset", "4"] and row[3] == "2000" and row[-1] == "0"
