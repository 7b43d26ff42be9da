"""Stage `cycles`: a definition may use one declared later, never itself.

A definition that leads back to itself has no value for any patient; the
runtime would loop and the linter could not reason about it.
"""

from __future__ import annotations

from clinrules.compiler.state import Compilation


def check_cycles(comp: Compilation) -> None:
    order = list(comp.references)
    state: dict[str, str] = {}  # key -> "open" | "done"
    reported: set[frozenset[str]] = set()

    def visit(key: str, path: list[str]) -> None:
        state[key] = "open"
        path.append(key)
        for ref, loc in comp.references.get(key, ()):
            if ref not in comp.references:
                continue
            if state.get(ref) == "open":
                cycle = path[path.index(ref):]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    _report(comp, [cycle[-1], *cycle], loc)
            elif ref not in state:
                visit(ref, path)
        path.pop()
        state[key] = "done"

    for key in order:
        if key not in state:
            visit(key, [])


def _report(comp: Compilation, cycle: list[str], loc) -> None:
    shown = " -> ".join(f"`{comp.symbols[k].display}`" for k in cycle)
    first = comp.symbols[cycle[0]].display
    if len(cycle) == 2:
        message = f"`{first}` is defined in terms of itself"
    else:
        message = f"`{first}` is defined in terms of itself: {shown}"
    comp.error("definition-cycle", message, loc, hint="break the circle: a definition cannot depend on itself")
