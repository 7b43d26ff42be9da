"""The lint benchmark's smallest size runs and finds every planted problem
(a smoke test: no timing is asserted)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).parents[2] / "benchmarks" / "lint.py"


def test_lint_benchmark_smoke(capsys):
    spec = importlib.util.spec_from_file_location("lint_benchmark", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--smoke", "--z3-budget", "0.5"]) == 0
    out = capsys.readouterr().out
    assert "found 5 conflicts (5 planted)" in out
    assert "all planted problems found" in out
