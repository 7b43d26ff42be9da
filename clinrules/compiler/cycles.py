"""Stage `cycles`: a definition may use one declared later, never itself.

A definition that leads back to itself has no value for any patient; the
runtime would loop and the linter could not reason about it.
"""

from __future__ import annotations

from clinrules.compiler.state import Compilation


def check_cycles(comp: Compilation) -> None:
    # Depth-first, with an explicit stack: a chain of thousands of
    # definitions must not exhaust Python's own stack.
    state: dict[str, str] = {}  # key -> "open" | "done"
    reported: set[frozenset[str]] = set()
    for start in list(comp.references):
        if start in state:
            continue
        state[start] = "open"
        path = [start]
        stack = [iter(comp.references.get(start, ()))]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                stack.pop()
                state[path.pop()] = "done"
                continue
            ref, loc = step
            if ref not in comp.references:
                continue
            if state.get(ref) == "open":
                cycle = path[path.index(ref):]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    _report(comp, [cycle[-1], *cycle], loc)
            elif ref not in state:
                state[ref] = "open"
                path.append(ref)
                stack.append(iter(comp.references.get(ref, ())))


def _report(comp: Compilation, cycle: list[str], loc) -> None:
    shown = " -> ".join(f"`{comp.symbols[k].display}`" for k in cycle)
    first = comp.symbols[cycle[0]].display
    if len(cycle) == 2:
        message = f"`{first}` is defined in terms of itself"
    else:
        message = f"`{first}` is defined in terms of itself: {shown}"
    comp.error("definition-cycle", message, loc, hint="break the circle: a definition cannot depend on itself")
