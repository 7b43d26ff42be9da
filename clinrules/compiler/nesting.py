"""Stage `nesting`: a condition, with the definitions it uses, nests at most
`clinrules.limits.MAX_NESTING` levels.

The parser holds each written condition to the limit; here a chain of
definitions each using the next is held to it too, so that every compiled
document can be linted and evaluated without running out of stack.
"""

from __future__ import annotations

from clinrules.compiler.state import Compilation
from clinrules.dsl import ast
from clinrules.errors import Location
from clinrules.limits import HINT, too_deep


def check_nesting(comp: Compilation) -> None:
    definitions = {
        key: (comp.symbols[key].display if key in comp.symbols else key, body)
        for key, body in comp.definitions.items()
    }
    rules = [
        (stmt.name.text if stmt.name is not None else f"rule {index + 1}", compiled["condition"])
        for index, (stmt, compiled) in enumerate(zip(comp.statements(ast.Rule), comp.rules))
    ]
    for problem in too_deep(comp.scope, definitions, rules, comp.nesting_bounds):
        if problem.cycle:
            continue  # stage `cycles` has reported it
        at = problem.at or {}
        loc = Location(at["line"], at["column"]) if "line" in at and "column" in at else None
        comp.error("nested-too-deeply", problem.message(), loc, hint=HINT)
