"""The CDS Hooks load test runs at its smallest size against the real
service (a smoke test: it checks no request failed, and asserts no timing)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_cds_hooks_benchmark_smoke():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "cds_hooks.py"), "--smoke"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert "200 requests from 4 concurrent clients" in done.stdout
    assert "errors 0" in done.stdout
    assert "runtime alone" in done.stdout
    assert "peer: the same client against an endpoint that does nothing" in done.stdout
