"""CR001 conflict: two rules of a plain `one of` decision that can fire for
the same patient with different options.

An overlap index over the boxes of all the decision's rules (inside the
scope, every input known) gives, for each box, the boxes it meets in a few
big-integer operations: every overlapping pair of rules with different
options is found, with a patient for whom both fire, without testing all
pairs.

Where the patients for whom both fire are exactly a set of a score's values
or a definition's side (`CURB-65 = 3`), the message says so (`summary.py`).
"""

from __future__ import annotations

from clinrules.lint.analysis import Analysis
from clinrules.lint.summary import Summary
from clinrules.space.boxes import OverlapIndex, and_dnf, intersect, members, restrict
from clinrules.lint.findings import Finding, make
from clinrules.lint.gaps import uncovered_regions


def _options(doc: dict, decision: dict, keys) -> list[str]:
    names = {o["key"]: o["name"] for o in decision["options"]}
    order = [o["key"] for o in decision["options"]]
    return [names[k] for k in sorted(keys, key=lambda k: order.index(k) if k in order else len(order))]


def conflicts(an: Analysis) -> list[Finding]:
    out: list[Finding] = []
    doc = an.doc
    for decision in doc.get("decisions", []):
        if decision.get("kind") != "one of" or decision.get("policy"):
            continue
        rules_of = an.members[decision["key"]]
        regular = [m for m in rules_of if not m.rule.get("otherwise")]
        boxes, owner, klass = [], [], []
        class_ids: dict[frozenset, int] = {}
        for i, member in enumerate(regular):
            fire = an.fires_known(member.rule)
            if len(member.options) > 1 and fire:
                out.append(_finding(an, decision, [member], an.patient(fire[0])))
            for box in fire:
                boxes.append(box)
                owner.append(i)
                klass.append(class_ids.setdefault(member.options, len(class_ids)))
        found: dict[tuple[int, int], dict] = {}
        if len(class_ids) > 1:
            index = OverlapIndex(boxes, an.dims)
            same: dict[int, int] = {}
            for j, c in enumerate(klass):
                same[c] = same.get(c, 0) | (1 << j)
            for j in range(len(boxes)):
                later = index.meeting(j) & ~same[klass[j]] & ~((1 << (j + 1)) - 1)
                for k in members(later):
                    pair = (min(owner[j], owner[k]), max(owner[j], owner[k]))
                    if pair not in found:
                        found[pair] = intersect(boxes[j], boxes[k])
        for (i, j), point in sorted(found.items()):
            out.append(_finding(an, decision, [regular[i], regular[j]], an.patient(point),
                                _both(an, regular[i].rule, regular[j].rule)))
        # OTHERWISE rules fire together whenever no other rule decides
        defaults = [m for m in rules_of if m.rule.get("otherwise")]
        if len({m.options for m in defaults}) > 1:
            rest = uncovered_regions(an, decision, regular)
            if rest:
                for a in range(len(defaults)):
                    for b in range(a + 1, len(defaults)):
                        if defaults[a].options != defaults[b].options:
                            out.append(_finding(an, decision, [defaults[a], defaults[b]],
                                                an.patient(rest[0])))
    return out


def _both(an: Analysis, a: dict, b: dict) -> str | None:
    """The patients for whom both rules fire, in scores or definitions,
    when they are exactly such a set (and not one box of the inputs)."""
    both = restrict(and_dnf(an.fires_known(a), an.fires_known(b)), an.known, an.dims)
    if len(both) < 2:
        return None
    summary = an.cache.setdefault("summary", Summary(an))
    said = summary.describe(both, restrict(an.scope_yes, an.known, an.dims))
    return said[0] if said is not None and said[1] else None


def _finding(an: Analysis, decision: dict, members, witness: dict, region: str | None = None) -> Finding:
    doc = an.doc
    if len(members) == 1:
        m = members[0]
        opts = _options(doc, decision, m.options)
        message = (f"rule `{m.name}` chooses several options of `{decision['name']}` at once "
                   f"({', '.join(f'`{o}`' for o in opts)}), but `{decision['name']}` is `one of`")
    else:
        a, b = members
        message = (f"rules `{a.name}` and `{b.name}` can both fire for `{decision['name']}` with "
                   f"different options: `{' + '.join(_options(doc, decision, a.options))}` and "
                   f"`{' + '.join(_options(doc, decision, b.options))}`")
    later = members[-1].rule
    extra = {}
    if region is not None:
        message += f", for patients with {region}"
        extra["region"] = region
    return make("conflict", message, doc, later.get("at"), rules=[m.name for m in members],
                witness=witness, subjects=[m.rule for m in members] + [decision], **extra)
