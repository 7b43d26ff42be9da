"""Hold every written condition to `clinrules.limits.MAX_NESTING` levels.

The parser itself reads any depth (it is not recursive), but the compiler,
the linter and the runtime walk conditions recursively: a condition nested
thousands of levels deep must be refused here, with its place, before any
of them runs out of stack. The walk is iterative for the same reason.
"""

from __future__ import annotations

from clinrules.dsl import ast
from clinrules.errors import Diagnostic, RulesError
from clinrules.limits import HINT, MAX_NESTING

_NESTED = (ast.And, ast.Or, ast.Not, ast.Group, ast.Count)


def check_nesting(header: ast.Header, statements, source: str, path: str) -> None:
    """Raise RulesError naming each statement whose condition nests too deeply."""
    roots = []
    if header.scope is not None:
        roots.append(header.scope)
    for stmt in statements:
        if isinstance(stmt, ast.Rule) and stmt.condition is not None:
            roots.append(stmt.condition)
        elif isinstance(stmt, ast.Define):
            if isinstance(stmt.body, ast.Score):
                roots.extend(item.condition for item in stmt.body.items)
            else:
                roots.append(stmt.body)
    lines = source.split("\n")
    problems = []
    for root in roots:
        deep = _first_too_deep(root)
        if deep is not None:
            loc = deep.loc
            problems.append(Diagnostic(
                "nested-too-deeply",
                f"this condition is nested more than {MAX_NESTING} levels deep",
                file=path,
                location=loc,
                hint=HINT,
                source_line=lines[loc.line - 1] if 0 < loc.line <= len(lines) else None,
            ))
    if problems:
        raise RulesError(problems)


def _first_too_deep(root):
    """The first node found below MAX_NESTING levels, or None."""
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, _NESTED):
            continue
        if depth > MAX_NESTING:
            return node
        children = node.args if isinstance(node, (ast.And, ast.Or, ast.Count)) else (node.arg,)
        stack.extend((child, depth + 1) for child in children)
    return None
