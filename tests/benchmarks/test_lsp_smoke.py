"""The editor-latency benchmark runs at its smallest size (a smoke test, not a timing)."""

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")

ROOT = Path(__file__).resolve().parents[2]


def test_lsp_benchmark_smoke():
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "lsp.py"), "--smoke"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("rules 100,")
    rows = {line.split()[0]: line.split() for line in lines[3:7]}
    assert sorted(rows) == ["fix", "misspell", "new", "threshold"]
    # the misspelling is reported as an error, the other edits leave the file clean
    errors = {k: "yes" if "yes" in row else "no" if "no" in row else None for k, row in rows.items()}
    assert errors == {"misspell": "yes", "threshold": "no", "new": "no", "fix": "no"}
    assert "after an edit: errors shown in" in done.stdout and "an error cleared in" in done.stdout
    assert "peer: one whole compile_source in process" in done.stdout
