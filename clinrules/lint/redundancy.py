"""CR005 redundant-rule: another rule choosing the same options fires for
every patient this one fires for (missing inputs included), so removing it
changes nothing. Of two rules that cover each other, the later is reported.

Candidates are the rules whose boxes meet this rule's (from the overlap
index), so no pair of rules is tested blindly.
"""

from __future__ import annotations

from clinrules.lint.analysis import Analysis
from clinrules.lint.boxes import OverlapIndex, members
from clinrules.lint.dead import dead_rules
from clinrules.lint.findings import Finding, make


def redundant(an: Analysis, skip: set[str] | None = None) -> list[Finding]:
    out: list[Finding] = []
    skip = set(skip or ()) | dead_rules(an)
    rules = [r for r in an.doc.get("rules", []) if not r.get("otherwise")]
    groups: dict[tuple, list[dict]] = {}
    for rule in rules:
        sig = tuple(sorted((a["decision"], a["option"]) for a in rule.get("actions", [])))
        groups.setdefault(sig, []).append(rule)
    for group in groups.values():
        if len(group) < 2:
            continue
        yes = [an.conds.yes(r.get("condition")) for r in group]
        fire = [an.fires(r) for r in group]
        boxes, owner = [], []
        for j, sets in enumerate(yes):
            boxes.extend(sets)
            owner.extend([j] * len(sets))
        index = OverlapIndex(boxes, an.dims)
        meets: list[set[int]] = [set() for _ in group]
        for k in range(len(boxes)):
            for other in members(index.meeting(k)):
                if owner[other] != owner[k]:
                    meets[owner[k]].add(owner[other])
        for i, rule in enumerate(group):
            if rule["name"] in skip or not fire[i]:
                continue
            for j in sorted(meets[i]):
                if not all(an.covered(x, yes[j]) for x in fire[i]):
                    continue
                mutual = all(an.covered(x, yes[i]) for x in fire[j])
                if mutual and j > i:
                    continue
                other = group[j]
                message = (f"rule `{rule['name']}` is redundant: rule `{other['name']}` chooses the "
                           "same options and fires for every patient this rule fires for")
                out.append(make("redundant-rule", message, an.doc, rule.get("at"),
                                rules=[rule["name"], other["name"]], subjects=[rule]))
                break
    return out
