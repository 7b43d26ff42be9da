"""The rule language's front end: `.rules` text to the syntax tree.

`parse(text, path)` is the only entry point the compiler needs; it raises
RulesError (never anything else) on a syntax error.
"""

from clinrules.dsl.parser import parse

__all__ = ["parse"]
