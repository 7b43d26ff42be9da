"""The evaluation benchmark runs (smoke mode: the 100-rule table only).

It also checks, on the way, that clinrules and zen-engine give the same
answer for every sampled patient of that table.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_evaluate_benchmark_smoke():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "evaluate.py"), "--smoke"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "clinrules evaluate" in done.stdout
    assert "zen-engine evaluate" in done.stdout
    assert "100 rules: median" in done.stdout
