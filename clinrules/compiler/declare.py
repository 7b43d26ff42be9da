"""Stage `declare`: build the one namespace and the source list.

Runs first so every later stage can resolve names; a name declared twice
keeps its first meaning, so later errors stay about the editor's real text.
"""

from __future__ import annotations

from clinrules.compiler.names import KIND_WORDS, Symbol
from clinrules.compiler.state import Compilation
from clinrules.dsl import ast


def declare(comp: Compilation) -> None:
    for stmt in comp.file.statements:
        if isinstance(stmt, ast.Source):
            _source(comp, stmt)
        elif isinstance(stmt, ast.Input):
            _name(comp, Symbol("input", stmt.name, stmt))
            _unique_list(comp, stmt.type.options, f"`{stmt.name.text}`")
        elif isinstance(stmt, ast.Define):
            _name(comp, Symbol("definition", stmt.name, stmt))
        elif isinstance(stmt, ast.Decision):
            _decision(comp, stmt)


def _source(comp: Compilation, stmt: ast.Source) -> None:
    first = comp.sources.get(stmt.number)
    if first is not None:
        comp.error(
            "declared-twice",
            f"source {stmt.number} is declared twice (first on line {first.loc.line})",
            stmt.loc,
            hint="give each source its own number",
        )
        return
    comp.sources[stmt.number] = stmt


def _name(comp: Compilation, sym: Symbol) -> None:
    first = comp.symbols.get(sym.name.key)
    if first is None:
        comp.symbols[sym.name.key] = sym
        return
    comp.error(
        "declared-twice",
        f"`{sym.display}` is declared twice: it is already {KIND_WORDS[first.kind]} "
        f"(line {first.name.loc.line})",
        sym.name.loc,
        hint="every input, definition, decision and option needs its own name; "
        "names match ignoring case and spacing",
    )


def _unique_list(comp: Compilation, options: tuple[ast.Name, ...], owner: str) -> None:
    seen: dict[str, ast.Name] = {}
    for option in options:
        first = seen.setdefault(option.key, option)
        if first is not option:
            comp.error(
                "declared-twice",
                f"`{option.text}` is listed twice in {owner} (first on line {first.loc.line}, "
                f"column {first.loc.column})",
                option.loc,
                hint="list each option once",
            )


def _decision(comp: Compilation, stmt: ast.Decision) -> None:
    _name(comp, Symbol("decision", stmt.name, stmt))
    if stmt.kind == "any of" and stmt.policy is not None:
        comp.error(
            "policy-on-any-of",
            f"`{stmt.name.text}` is an `any of` decision, so `{_policy_words(stmt.policy)}` "
            "has no meaning: every fired option is chosen",
            stmt.loc,
            hint=f"remove `{_policy_words(stmt.policy)}`, or make it `one of [...]`",
        )
    _unique_list(comp, stmt.options, f"decision `{stmt.name.text}`")
    seen: set[str] = set()
    for option in stmt.options:
        if option.key in seen:
            continue
        seen.add(option.key)
        first = comp.symbols.get(option.key)
        if first is not None and first.kind == "option":
            first.decisions.append(stmt.name.key)
            continue
        sym = Symbol("option", option, stmt, [stmt.name.key])
        _name(comp, sym)


def _policy_words(policy: str) -> str:
    return "with priority" if policy == "priority" else policy
