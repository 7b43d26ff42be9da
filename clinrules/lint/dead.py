"""CR003 dead-rule: a rule that can never fire.

A rule fires when the scope and its condition are both yes. Missing inputs
count here (`ESR is missing` can be true), so the analysis runs over every
value including `missing` for the inputs that `is known`/`is missing` read.
An `OTHERWISE` rule is dead when, for every patient, some other rule of its
decision is yes, or unknown with another option (an unknown rule choosing
the `OTHERWISE` option anyway does not stop it, as the runtime reads it).
"""

from __future__ import annotations

from clinrules.lint.analysis import Analysis
from clinrules.space.boxes import Sweep
from clinrules.lint.findings import Finding, make


def dead_rules(an: Analysis) -> set[str]:
    """Names of rules that can never fire (shared with masking/redundancy)."""
    return {f.rules[0] for f in dead(an)}


def dead(an: Analysis) -> list[Finding]:
    if "dead" in an.cache:
        return an.cache["dead"]
    out: list[Finding] = []
    doc = an.doc
    for rule in doc.get("rules", []):
        if rule.get("otherwise"):
            if not _otherwise_can_fire(an, rule):
                out.append(make(
                    "dead-rule",
                    f"`OTHERWISE` rule `{rule['name']}` can never fire: for every patient another "
                    "rule of its decision fires, or might fire with another option",
                    doc, rule.get("at"), rules=[rule["name"]], subjects=[rule]))
            continue
        if not an.fires(rule):
            text = (rule.get("condition") or {}).get("text", "")
            where = "inside the scope and the input ranges"
            out.append(make(
                "dead-rule",
                f"rule `{rule['name']}` can never fire: `{text}` is never true {where}",
                doc, rule.get("at"), rules=[rule["name"]], subjects=[rule]))
    an.cache["dead"] = out
    return out


def _otherwise_can_fire(an: Analysis, rule: dict) -> bool:
    """Some patient inside the scope for whom no other rule of a decision
    is yes, and every rule that is unknown would choose what the
    `OTHERWISE` rules choose anyway (so it cannot change the result)."""
    for decision in an.doc.get("decisions", []):
        members = an.members.get(decision["key"], [])
        if not any(m.rule is rule for m in members):
            continue
        fallback = frozenset().union(*(m.options for m in members if m.rule.get("otherwise")))
        cover = []
        for member in members:
            if member.rule.get("otherwise"):
                continue
            condition = member.rule.get("condition")
            if same_outcome(decision, member.options, fallback):
                cover.extend(an.conds.yes(condition))
            else:
                cover.extend(an.conds.not_no(condition))
        for scope_box in an.scope_yes:
            if Sweep(cover, scope_box, an.dims).first_uncovered() is not None:
                return True
    return False


def same_outcome(decision: dict, options: frozenset, other: frozenset) -> bool:
    """Whether a rule choosing `options` would give the same result as
    `other`: then its being unknown leaves the decision made."""
    if decision.get("kind") == "any of":
        return options == other
    if decision.get("policy") == "priority":
        rank = {o["key"]: i for i, o in enumerate(decision["options"])}
        best = lambda opts: min((rank.get(o, len(rank)) for o in opts), default=None)  # noqa: E731
        return best(options) == best(other)
    return options == other and len(options) == 1
