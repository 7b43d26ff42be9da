"""The compile identity check (benchmarks/compile_identity.py) runs at its
smallest size, and writes the same outcomes twice: two runs of one tree
must compare equal, or the check could not tell two trees apart."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(out: Path) -> list[str]:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "compile_identity.py"), str(out), "--smoke"],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert " texts, " in done.stderr and " compile errors" in done.stderr
    return out.read_text(encoding="utf-8").splitlines()


def test_compile_identity_smoke(tmp_path):
    first = _run(tmp_path / "first.txt")
    assert first == _run(tmp_path / "second.txt")
    names = [line.split("\t")[0] for line in first]
    assert any(name.startswith("rulesets/") and "~" not in name for name in names)
    assert any("~" in name for name in names)  # mutants
    assert all(len(line.split("\t")[1]) == 64 for line in first)  # digests
