"""What a clinical editor sees when pointing at a name: its declaration as
written, its unit and range, its options, its codes, and the evidence cited
by the rules that use it (Markdown, for the language server and the workbench).
"""

from __future__ import annotations

from clinrules.dsl import ast
from clinrules.lsp.symbols import Index, Symbol

MAX_LINES = 8  # of a declaration shown in a hover


def hover_markdown(index: Index, sym: Symbol, lines: list[str]) -> str:
    parts = [f"**{sym.kind}** `{sym.name}`", _declaration(sym, lines)]
    facts = _facts(index, sym)
    if facts:
        parts.append("\n".join(f"- {f}" for f in facts))
    cited = _citations(index, sym)
    if cited:
        parts.append("**Cited**\n\n" + "\n".join(f"- [{n}] {text}" for n, text in cited))
    return "\n\n".join(p for p in parts if p)


def _declaration(sym: Symbol, lines: list[str]) -> str:
    span = sym.statement
    shown = lines[span.line:min(span.end_line + 1, span.line + MAX_LINES)]
    if span.end_line + 1 > span.line + MAX_LINES:
        shown.append("  ...")
    return "```clinrules\n" + "\n".join(shown) + "\n```" if shown else ""


def _facts(index: Index, sym: Symbol) -> list[str]:
    node = sym.node
    out = [f"declared on line {sym.span.line + 1}"]
    if sym.kind == "input":
        out += _input_facts(node)
    elif sym.kind == "decision":
        out.append(f"{node.kind}: " + ", ".join(f"`{o.text}`" for o in node.options))
    elif sym.kind == "option":
        out.append(f"an option of the decision `{node.name.text}` ({node.kind})")
        chosen = index.rules_choosing(sym)
        out.append("chosen by " + (", ".join(f"`{r.name}`" for r in chosen) if chosen else "no named rule"))
    elif sym.kind == "input option":
        out.append(f"a value of the input `{node.name.text}`")
    elif sym.kind == "rule":
        out.append("THEN " + ", ".join(_action(a) for a in node.actions))
        if node.because is not None:
            out.append(f"BECAUSE \"{node.because.text}\"")
    codes = [f"{c.system} {c.value}" for c in index.tree.statements
             if isinstance(c, ast.Code) and c.name.key == sym.key and sym.kind != "rule"]
    if codes:
        out.append("codes: " + ", ".join(codes))
    if sym.kind in ("input", "definition", "option", "input option"):
        out.append(f"used {len(sym.uses)} time{'' if len(sym.uses) == 1 else 's'}")
    return out


def _action(action: ast.Action) -> str:
    if action.decision is not None:
        return f"`{action.decision.text}`: `{action.option.text}`"
    return f"`{action.option.text}`"


def _input_facts(node: ast.Input) -> list[str]:
    t = node.type
    out = []
    if t.kind == "number" and t.unit:
        from clinrules.compiler.units import DIMENSIONS, lookup

        unit = lookup(t.unit)
        if unit is None:
            out.append(f"unit: `{t.unit}` (not a unit clinrules knows)")
        else:
            noun = DIMENSIONS[unit.dimension].noun if unit.dimension in DIMENSIONS else unit.dimension
            out.append(f"unit: `{t.unit}` ({noun}; UCUM `{unit.code}`)")
    elif t.kind == "number":
        out.append("a number without a unit")
    elif t.kind == "one of":
        out.append("one of: " + ", ".join(f"`{o.text}`" for o in t.options))
    else:
        out.append("yes/no")
    if t.low is not None or t.high is not None:
        low = f"{t.low.number}{' ' + t.low.unit if t.low and t.low.unit else ''}" if t.low else "any"
        high = f"{t.high.number}{' ' + t.high.unit if t.high and t.high.unit else ''}" if t.high else "any"
        out.append(f"range: from {low} to {high}")
    return out


def _citations(index: Index, sym: Symbol) -> list[tuple[int, str]]:
    """The sources a rule cites; for an option, those of the rules choosing it;
    for a source, itself."""
    if sym.kind == "source":
        return [(sym.node.number, sym.node.citation)]
    if sym.kind == "rule":
        rules = [sym]
    elif sym.kind == "option":
        rules = index.rules_choosing(sym)
    else:
        return []
    numbers = []
    for rule in rules:
        because = rule.node.because
        for cite in because.citations if because else ():
            if cite.number not in numbers:
                numbers.append(cite.number)
    out = []
    for n in sorted(numbers):
        source = index.sources.get(n)
        out.append((n, source.node.citation if source else "(no such source declared)"))
    return out
