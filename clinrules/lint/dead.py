"""CR003 dead-rule: a rule that can never fire.

A rule fires when the scope and its condition are both yes. Missing inputs
count here (`ESR is missing` can be true), so the analysis runs over every
value including `missing` for the inputs that `is known`/`is missing` read.
An `OTHERWISE` rule is dead when, for every patient, some other rule of its
decision is yes or unknown.
"""

from __future__ import annotations

from clinrules.lint.analysis import Analysis
from clinrules.lint.boxes import Sweep
from clinrules.lint.findings import Finding, make


def dead_rules(an: Analysis) -> set[str]:
    """Names of rules that can never fire (shared with masking/redundancy)."""
    return {f.rules[0] for f in dead(an)}


def dead(an: Analysis) -> list[Finding]:
    if "dead" in an.__dict__:
        return an.__dict__["dead"]
    out: list[Finding] = []
    doc = an.doc
    for rule in doc.get("rules", []):
        if rule.get("otherwise"):
            if not _otherwise_can_fire(an, rule):
                out.append(make(
                    "dead-rule",
                    f"`OTHERWISE` rule `{rule['name']}` can never fire: for every patient another "
                    "rule of its decision is yes or might be",
                    doc, rule.get("at"), rules=[rule["name"]], subjects=[rule]))
            continue
        if not an.fires(rule):
            text = (rule.get("condition") or {}).get("text", "")
            where = "inside the scope and the input ranges"
            out.append(make(
                "dead-rule",
                f"rule `{rule['name']}` can never fire: `{text}` is never true {where}",
                doc, rule.get("at"), rules=[rule["name"]], subjects=[rule]))
    an.__dict__["dead"] = out
    return out


def _otherwise_can_fire(an: Analysis, rule: dict) -> bool:
    decisions = {a["decision"] for a in rule.get("actions", [])}
    for key in decisions:
        others = [m.rule for m in an.members.get(key, []) if not m.rule.get("otherwise")]
        cover = []
        for other in others:
            cover.extend(an.conds.not_no(other.get("condition")))
        for scope_box in an.scope_yes:
            if Sweep(cover, scope_box, an.dims).first_uncovered() is not None:
                return True
    return False
