"""The missing-data benchmark runs (smoke mode: few patients, 150-rule table).

No timing is asserted: the figures are for full runs on a quiet machine.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_missing_data_benchmark_smoke():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "missing_data.py"), "--smoke"],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "seed ruleset: every red flag unknown" in done.stdout
    assert "cells indexed in" in done.stdout
    for missing in ("1 input unknown", "2 inputs unknown", "5 inputs unknown"):
        assert missing in done.stdout
