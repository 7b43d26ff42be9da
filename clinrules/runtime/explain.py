"""Explanations for clinicians: which rule decided, and why, in their words.

`duration 7 weeks >= 6 weeks: yes; no red flags: yes (fever no, history of
malignancy no, ESR 10 mm/h)` reads the trace the evaluation recorded; nothing
here evaluates anything again.
"""

from __future__ import annotations

from clinrules.runtime.conditions import NAMES
from clinrules.runtime.result import Result, TraceStep


def trace_steps(ruleset, root, R: dict, facts) -> list[TraceStep]:
    """The top-level conditions of a fired rule with what they saw."""
    if root is None:
        return []
    parts = root.children if root.op == "and" else (root,)
    steps = []
    for node in parts:
        value = NAMES[R[node.id]]
        saw = tuple((ruleset.inputs[i].name, ruleset.shown(i, facts)) for i in sorted(node.reads))
        steps.append(TraceStep(node.text, value, saw, _why(node, value, saw, ruleset)))
    return steps


def _why(node, value: str, saw: tuple, ruleset) -> str:
    if node.input is not None and len(saw) == 1:
        name, shown = saw[0]
        if node.op == "input":
            return f"{node.text}: {shown}"
        if node.op in ("compare", "between") and node.text.casefold().startswith(name.casefold()):
            return f"{node.text[:len(name)]} {shown}{node.text[len(name):]}: {value}"
        return f"{node.text} ({name} {shown}): {value}"
    if not saw:
        return f"{node.text}: {value}"
    return f"{node.text}: {value} (" + ", ".join(f"{n} {s}" for n, s in saw) + ")"


def explain_text(result: Result) -> str:
    ruleset = result.ruleset
    rules = {r.name: r for r in ruleset.rules}
    lines = []
    title = ruleset.title or "ruleset"
    if ruleset.version:
        title += f" (version {ruleset.version})"
    lines.append(title)
    if result.applicable is False:
        lines.append("Does not apply to this patient: " + _scope_text(ruleset) + " is no.")
    elif result.applicable is None:
        lines.append("Not known whether it applies: " + _scope_text(ruleset) + " is unknown.")
    for name, d in result.decisions.items():
        lines.append("")
        verdict = _verdict(d)
        if d.regardless and d.status != "undecided":
            verdict += f", whatever {_and(d.regardless)} {'is' if len(d.regardless) == 1 else 'are'}"
        lines.append(f"{name}: {verdict}")
        if d.needs:
            lines.append("  needs: " + ", ".join(d.needs))
        if d.status == "undecided" and d.needs:
            open_rules = _unknown_rules(ruleset, result, name)
            if open_rules:
                lines.append("  unknown whether they fire: " + ", ".join(f"`{r}`" for r in open_rules))
        for score in d.scores:
            lines.append(f"  {score.text()}")
        for p in d.possible:
            lines.append(f"  {_possible_verdict(p)} if " + "; or if ".join(p.when))
        for rule_name in d.fired:
            rule = rules[rule_name]
            lines.append(f"  rule `{rule_name}` fired")
            if rule.otherwise:
                lines.append("    OTHERWISE: no other rule decided it")
                for other, text in _others(ruleset, result, rule):
                    lines.append(f"      rule `{other}` did not fire: {text}")
            else:
                lines.append(f"    IF {ruleset.plan.rule_roots[rule.index].text}")
            if result.trace is not None and rule_name in result.trace:
                whys = [step.why for step in result.trace[rule_name]]
                if whys:
                    lines.append("    why: " + "; ".join(whys))
            if rule.because:
                cites = f" [{', '.join(str(n) for n in rule.citations)}]" if rule.citations else ""
                lines.append(f"    because: {rule.because}{cites}")
    citations = result.citations
    if citations:
        lines.append("")
        lines.append("Sources:")
        for c in citations:
            lines.append(f"  [{c['number']}] {c['citation']}")
    return "\n".join(lines) + "\n"


def _and(names) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _unknown_rules(ruleset, result, decision_name: str) -> list[str]:
    """The rules of a decision whose condition Kleene logic leaves unknown."""
    if result.rule_values is None:
        return []
    index = next(d.index for d in ruleset.decision_specs if d.name == decision_name)
    return [r.name for r in ruleset.rules
            if not r.otherwise and any(d == index for d, _ in r.actions)
            and result.rule_values.get(r.name) == "unknown"]


def _others(ruleset, result, otherwise_rule) -> list[tuple[str, str]]:
    """The other rules of the OTHERWISE rule's decisions, with why each did
    not fire: its condition and the value it had."""
    if result.rule_values is None:
        return []
    decisions = {d for d, _ in otherwise_rule.actions}
    out = []
    for rule in ruleset.rules:
        if rule.otherwise or not decisions & {d for d, _ in rule.actions}:
            continue
        root = ruleset.plan.rule_roots[rule.index]
        value = result.rule_values.get(rule.name, "no")
        out.append((rule.name, f"{root.text}: {value}"))
    return out


def _verdict(d) -> str:
    if d.status == "decided":
        if isinstance(d.value, list):
            return ", ".join(d.value) if d.value else "nothing chosen"
        return d.value
    if d.status == "conflict":
        return "CONFLICT between " + " and ".join(d.conflicting)
    if d.status == "undecided" and not d.needs:
        return "undecided: no rule covers this patient"
    return d.status


def _possible_verdict(p) -> str:
    """A result an undecided decision can still get: an option, none, a
    conflict or not applicable."""
    if p.status == "undecided":
        return "no option (no rule covers it)"
    return _verdict(p) if p.status in ("decided", "conflict") else p.status


def _scope_text(ruleset) -> str:
    scope = ruleset.plan.scope
    return f"applies when {scope.text}" if scope is not None else "its scope"
