"""The rule language's front end: `.rules` text to the syntax tree.

`parse(text, path)` raises RulesError (never anything else) at the first
syntax error; `parse_all(text, path)` is the same for a clean file and
reports every syntax error of a broken one (what the compiler uses).
"""

from clinrules.dsl.parser import parse
from clinrules.dsl.recovery import parse_all, syntax_errors

__all__ = ["parse", "parse_all", "syntax_errors"]
