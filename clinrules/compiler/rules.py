"""Stage `rules`: name every rule and resolve what it chooses and cites.

A rule must choose options that exist, say which decision an option shared
by two decisions belongs to, and never pick two options of one `one of`
decision at once (that would be a conflict written by hand). Each decision
has at most one OTHERWISE rule, or its default would be ambiguous.
"""

from __future__ import annotations

from clinrules.compiler.names import KIND_WORDS, closest, did_you_mean
from clinrules.compiler.state import Compilation
from clinrules.dsl import ast


def check_rules(comp: Compilation) -> None:
    names: dict[str, tuple[str, ast.Rule]] = {}
    otherwise: dict[str, tuple[str, ast.Rule]] = {}
    for index, rule in enumerate(comp.statements(ast.Rule)):
        name = rule.name.text if rule.name is not None else f"rule {index + 1}"
        key = rule.name.key if rule.name is not None else name
        where = rule.name.loc if rule.name is not None else rule.loc
        if key in names:
            first_name, first = names[key]
            comp.error(
                "duplicate-rule-name",
                f"rule `{name}` is declared twice (first on line {first.loc.line})",
                where,
                hint="give each rule its own name" + (
                    "; bare rules are named `rule N` by position" if first.name is None or rule.name is None else ""),
            )
        else:
            names[key] = (name, rule)
        actions = _actions(comp, rule, name)
        if rule.otherwise:
            for decision in dict.fromkeys(a["decision"] for a in actions):
                if decision in otherwise:
                    first_name, first = otherwise[decision]
                    comp.error(
                        "duplicate-otherwise",
                        f"`{comp.symbols[decision].display}` already has an OTHERWISE rule "
                        f"(`{first_name}`, line {first.loc.line})",
                        where,
                        hint="keep one OTHERWISE rule per decision",
                    )
                else:
                    otherwise[decision] = (name, rule)
        record = comp.rules[index]
        record.update(
            name=name,
            key=key,
            named=rule.name is not None,
            index=index,
            otherwise=rule.otherwise,
            actions=actions,
            because=_because(comp, rule.because),
            at=rule.loc.as_dict(),
            suppressions=suppressions(rule.suppressions),
        )


def suppressions(items) -> list[dict]:
    return [{"codes": list(s.codes), "reason": s.reason, "at": s.loc.as_dict()} for s in items]


def _actions(comp: Compilation, rule: ast.Rule, rule_name: str) -> list[dict]:
    out: list[dict] = []
    chosen: dict[str, ast.Action] = {}  # decision key -> first action choosing it
    for action in rule.actions:
        decision = _resolve(comp, action)
        if decision is None:
            continue
        pair = {"decision": decision, "option": action.option.key}
        if pair in out:
            comp.error(
                "duplicate-action",
                f"rule `{rule_name}` chooses `{action.option.text}` twice",
                action.loc,
                hint="name each option once",
            )
            continue
        first = chosen.get(decision)
        node = comp.symbols[decision].node
        if first is not None and node.kind == "one of":
            comp.error(
                "one-of-two-options",
                f"rule `{rule_name}` chooses both `{first.option.text}` and `{action.option.text}` "
                f"for `{node.name.text}`, which takes only one option",
                action.loc,
                hint=f"split it into two rules, or make `{node.name.text}` an `any of` decision",
            )
        chosen.setdefault(decision, action)
        out.append(pair)
    return out


def _resolve(comp: Compilation, action: ast.Action) -> str | None:
    """The key of the decision this action chooses for, or None after reporting why not."""
    option = action.option
    if action.decision is not None:
        dsym = comp.symbol(action.decision.key)
        if dsym is None or dsym.kind != "decision":
            what = f"is {KIND_WORDS[dsym.kind]}, not a decision" if dsym else "is not declared"
            close = closest(action.decision.key, comp.names_of("decision"))
            message = f"`{action.decision.text}` {what}"
            if close:
                message += "; " + did_you_mean(close)
            comp.error("undeclared-name" if dsym is None else "not-a-decision", message, action.decision.loc,
                       hint="qualify an option with its decision: `DECISION: OPTION`")
            return None
        options = {o.key: o.text for o in dsym.node.options}
        if option.key not in options:
            close = closest(option.key, options)
            message = f"`{option.text}` is not an option of `{dsym.display}`"
            if close:
                message += "; " + did_you_mean(close)
            comp.error("unknown-option", message, option.loc,
                       hint="its options are: " + ", ".join(options.values()))
            return None
        return dsym.name.key
    sym = comp.symbol(option.key)
    if sym is not None and sym.kind == "option":
        if len(sym.decisions) == 1:
            return sym.decisions[0]
        shown = [comp.symbols[d].display for d in sym.decisions]
        comp.error(
            "ambiguous-option",
            f"`{sym.display}` is an option of both " + " and ".join(f"`{d}`" for d in shown)
            + "; say which decision it is for",
            option.loc,
            hint=" or ".join(f"`{d}: {sym.display}`" for d in shown),
        )
        return None
    close = closest(option.key, comp.names_of("option"))
    if sym is not None:
        message = f"`{sym.display}` is {KIND_WORDS[sym.kind]}, not an option of any decision"
    else:
        message = f"`{option.text}` is not an option of any decision"
    if close:
        message += "; " + did_you_mean(close)
    declared = list(comp.names_of("option").values())
    hint = "a rule's THEN names options listed in a `decision` statement"
    if declared and len(declared) <= 12:
        hint += ": " + ", ".join(declared)
    comp.error("unknown-option", message, option.loc, hint=hint)
    return None


def _because(comp: Compilation, because: ast.Because | None) -> dict | None:
    if because is None:
        return None
    for citation in because.citations:
        if citation.number not in comp.sources:
            declared = ", ".join(str(n) for n in sorted(comp.sources)) or "none"
            comp.error(
                "unknown-source",
                f"source {citation.number} is not declared",
                citation.loc,
                hint=f"add `source {citation.number}: \"...\"` (declared sources: {declared})",
            )
    return {"text": because.text, "citations": [c.number for c in because.citations]}
