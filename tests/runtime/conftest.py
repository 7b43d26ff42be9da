import textwrap

import pytest

from clinrules.compiler import compile_source
from clinrules.runtime import load


def build(text: str, path: str = "test.rules"):
    """A loaded ruleset from a `.rules` snippet (compiled by the real compiler)."""
    return load(compile_source(textwrap.dedent(text), path))


@pytest.fixture
def ruleset():
    return build
