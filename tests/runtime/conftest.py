import importlib.util
import textwrap
from pathlib import Path

import pytest

from clinrules.compiler import compile_source
from clinrules.runtime import load


def _build(text: str, path: str = "test.rules"):
    """A loaded ruleset from a `.rules` snippet (compiled by the real compiler)."""
    return load(compile_source(textwrap.dedent(text), path))


@pytest.fixture(scope="session")
def build():
    return _build


@pytest.fixture(scope="session")
def reference():
    """The brute-force Reference evaluator class (runtime_reference.py)."""
    spec = importlib.util.spec_from_file_location("runtime_reference", Path(__file__).with_name("runtime_reference.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.Reference
