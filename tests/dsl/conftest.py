"""Makes the parser tests' shared helpers (dsl_helpers.py) importable.

The suite runs with `--import-mode=importlib`, which puts no test directory
on sys.path; this directory holds only uniquely named helper modules.
"""

import sys
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
