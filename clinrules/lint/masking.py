"""CR004 masked-rule: under `first match` (the first rule in writing order
wins) or `with priority` (the first-listed option wins), a rule that can
fire but can never decide (docs/masked-rule.md has the exact definition).

With the runtime's settlement (clinrules/runtime/decide.py), a yes rule r
decides for a patient unless a rule ahead of it is yes, or is unknown with
another outcome (the decision is then undecided). "Ahead": under `first
match`, written earlier; under priority, choosing an option listed before
r's. So r never decides exactly when every patient for whom it fires,
missing inputs included, lies in the union of those rules' yes (same
outcome) or yes-or-unknown (other outcome) sets: one coverage sweep.
"""

from __future__ import annotations

from clinrules.lint.analysis import Analysis
from clinrules.space.boxes import intersect
from clinrules.lint.dead import dead_rules, same_outcome
from clinrules.lint.findings import Finding, make


def masked(an: Analysis) -> list[Finding]:
    out: list[Finding] = []
    gone = dead_rules(an)
    for decision in an.doc.get("decisions", []):
        policy = decision.get("policy")
        if decision.get("kind") != "one of" or policy not in ("first match", "priority"):
            continue
        rank = {o["key"]: i for i, o in enumerate(decision["options"])}
        members = [m for m in an.members[decision["key"]] if not m.rule.get("otherwise")]
        for i, member in enumerate(members):
            if member.name in gone:
                continue
            if policy == "first match":
                ahead = members[:i]
            else:
                best = min(rank.get(o, len(rank)) for o in member.options)
                ahead = [m for m in members
                         if min(rank.get(o, len(rank)) for o in m.options) < best]
            fire = an.fires(member.rule)
            # an earlier rule with the same outcome stops this one only when
            # it fires; one with another outcome also when it is unknown
            covers = {m.name: (an.conds.yes(m.rule.get("condition"))
                               if same_outcome(decision, m.options, member.options)
                               else an.conds.not_no(m.rule.get("condition"))) for m in ahead}
            cover = [b for boxes in covers.values() for b in boxes]
            if not cover or not all(an.covered(x, cover) for x in fire):
                continue
            masking = [name for name, boxes in covers.items()
                       if any(intersect(x, y) is not None for x in fire for y in boxes)]
            why = ("an earlier rule" if policy == "first match"
                   else "a rule choosing an option listed before")
            message = (f"rule `{member.name}` can never decide `{decision['name']}`: whenever it "
                       f"fires, {why} already does (or might): "
                       + ", ".join(f"`{n}`" for n in masking))
            out.append(make("masked-rule", message, an.doc, member.rule.get("at"),
                            rules=[member.name] + masking, witness=an.any_patient(fire),
                            subjects=[member.rule, decision], masked_by=masking,
                            decision=decision["name"]))
    return out
