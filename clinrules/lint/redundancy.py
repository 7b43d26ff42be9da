"""CR005 redundant-rule: another rule with exactly the same actions is yes
for every patient this one is yes for (inside the scope, missing inputs
included), so this rule adds nothing (docs/redundant-rule.md has the exact
definition). Of two rules that cover each other, the later is reported.

Missing inputs count because the runtime counts them: a rule that is yes
while its would-be cover is unknown is what makes the decision for that
patient. Under `first match`, order matters too: a rule written between
the two with another option could take over once this one is removed, so
it must be no wherever this rule is yes.

Candidates are the rules whose boxes meet this rule's (from the overlap
index), so no pair of rules is tested blindly.
"""

from __future__ import annotations

from clinrules.lint.analysis import Analysis
from clinrules.space.boxes import ContainIndex, OverlapIndex, members
from clinrules.lint.dead import dead_rules
from clinrules.lint.findings import Finding, make


def redundant(an: Analysis, skip: set[str] | None = None) -> list[Finding]:
    out: list[Finding] = []
    skip = set(skip or ()) | dead_rules(an)
    rules = [r for r in an.doc.get("rules", []) if not r.get("otherwise")]
    full = [d.full for d in an.dims]
    groups: dict[tuple, list[dict]] = {}
    for rule in rules:
        sig = tuple(sorted((a["decision"], a["option"]) for a in rule.get("actions", [])))
        groups.setdefault(sig, []).append(rule)
    for group in groups.values():
        if len(group) < 2:
            continue
        yes = [an.conds.yes(r.get("condition")) for r in group]
        fire = [an.fires(r) for r in group]
        hulls = [an.bound(boxes) for boxes in yes]
        reaches = [an.bound(boxes) for boxes in fire]
        boxes, owner = [], []
        for j, sets in enumerate(yes):
            boxes.extend(sets)
            owner.extend([j] * len(sets))
        index = OverlapIndex(boxes, an.dims)
        own = [0] * len(group)  # rule -> bit set of its boxes (consecutive bits)
        for k, j in enumerate(owner):
            own[j] |= 1 << k
        holding = None  # built on the first candidate: most rules of a table meet no other

        settled: dict[tuple[int, int], bool] = {}

        def inside(part: list, whole: list) -> bool:
            """Every patient of `part` lies in `whole` (kept per pair of
            lists: rules with the same condition share their lists)."""
            key = (id(part), id(whole))
            got = settled.get(key)
            if got is None:
                got = settled[key] = all(an.covered(x, whole) for x in part)
            return got

        def covers(j: int, i: int) -> bool:
            """Rule j is yes wherever rule i fires, and no rule in between
            under `first match` could take over there."""
            reach, hull = reaches[i], hulls[j]
            if reach is None or hull is None:
                return False  # rule i never fires, or rule j is never yes
            # quick no: on some input, rule i fires outside every box of rule j
            for d, m in hull.items():
                if reach.get(d, full[d]) & ~m:
                    return False
            if not inside(fire[i], yes[j]):
                return False
            return all(inside(fire[i], an.conds.no(m.get("condition")))
                       for m in _between(an, group[i], group[j]))

        for i, rule in enumerate(group):
            if rule["name"] in skip or reaches[i] is None:
                continue
            able = None
            for j in _meeting(index, own, owner, i):
                if able is None:
                    # rules whose hull holds this one's reach: the quick no of
                    # `covers` for all candidates at once (a rule never yes
                    # has no box to be met by, so its empty hull stands aside)
                    holding = holding or ContainIndex([hull or {} for hull in hulls], an.dims)
                    able = holding.containing(reaches[i])
                if not able >> j & 1 or not covers(j, i):
                    continue
                if j > i and covers(i, j):
                    continue  # they cover each other: the later one is reported
                other = group[j]
                message = (f"rule `{rule['name']}` is redundant: rule `{other['name']}` chooses the "
                           "same options and fires for every patient this rule fires for")
                out.append(make("redundant-rule", message, an.doc, rule.get("at"),
                                rules=[rule["name"], other["name"]], subjects=[rule]))
                break
    return out


def _meeting(index: OverlapIndex, own: list[int], owner: list[int], i: int):
    """The other rules with a box meeting one of rule i's, lowest first,
    found lazily: the search for a cover stops at the first that covers,
    and a large group of similar rules would otherwise cost every pair."""
    hits = 0
    for k in members(own[i]):
        hits |= index.meeting(k)
    hits &= ~own[i]
    while hits:
        j = owner[(hits & -hits).bit_length() - 1]
        yield j
        hits &= ~own[j]


def _between(an: Analysis, a: dict, b: dict) -> list[dict]:
    """Rules written strictly between `a` and `b` that choose another option
    of a `first match` decision both act on."""
    lo, hi = sorted((a["index"], b["index"]))
    out = []
    for decision in an.doc.get("decisions", []):
        if decision.get("policy") != "first match":
            continue
        mine = {x["option"] for x in a.get("actions", []) if x["decision"] == decision["key"]}
        if not mine:
            continue
        for member in an.members[decision["key"]]:
            rule = member.rule
            if not rule.get("otherwise") and lo < rule["index"] < hi and member.options != mine:
                out.append(rule)
    return out
