"""Stage `codes`: attach terminology codes to what they name.

Codes travel with inputs, definitions, decisions and options into the
compiled output so downstream systems can map facts and results; a code on a
name nobody declared would silently go nowhere.
"""

from __future__ import annotations

from clinrules.compiler.names import closest, did_you_mean
from clinrules.compiler.state import Compilation
from clinrules.dsl import ast


def attach_codes(comp: Compilation) -> None:
    for stmt in comp.statements(ast.Code):
        sym = comp.symbol(stmt.name.key)
        if sym is None:
            close = closest(stmt.name.key, comp.names_of("input", "definition", "decision", "option"))
            message = f"`{stmt.name.text}` is not declared"
            if close:
                message += "; " + did_you_mean(close)
            comp.error("undeclared-name", message, stmt.name.loc,
                       hint="a code belongs to a declared input, definition, decision or option")
            continue
        comp.codes.setdefault((sym.kind, stmt.name.key), []).append({"system": stmt.system, "code": stmt.value})


def codes_of(comp: Compilation, kind: str, key: str) -> list[dict]:
    return list(comp.codes.get((kind, key), ()))
