"""The compile benchmark runs at its smallest size (a smoke test, not a timing)."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_compile_benchmark_smoke():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "compile.py", ), "--smoke"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split()[:3] == ["rules", "KB", "lark"]
    assert lines[1].split()[0] == "100"
    assert "cold `clinrules compile` of the seed ruleset" in done.stdout
