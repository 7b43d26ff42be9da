"""clinrules: clinical decision rules, compiled, linted, tested and run.

`__version__` is pyproject.toml's version (a test holds them equal); caches
key their entries by it without paying for importlib.metadata at start-up.
"""

__version__ = "0.1.0"
