"""CR002 gap: inside the scope and the input ranges, patients with every
input known for whom a `one of` decision gets no option.

The uncovered set is the complement of the union of the decision's rule
boxes and of the patients outside the scope, found by one sweep; regions
that differ in one input only are merged, so `< 6 weeks` / `> 6 weeks`
reports one region, `duration exactly 6 weeks`.

When the regions together are exactly a set of a score's values, a
definition's yes or no side, or a conjunction of such terms
(`summary.py`), the gap is one finding in those words (`CURB-65 = 3`)
with one witness; the regions behind it are kept in `regions`, for JSON
and `--verbose`.
"""

from __future__ import annotations

from clinrules.lint.analysis import Analysis, Member
from clinrules.space.boxes import Box, Sweep
from clinrules.lint.findings import Finding, make
from clinrules.lint.phrasing import Phrasing
from clinrules.lint.summary import Summary
from clinrules.space.boxes import restrict
from clinrules.lint.witness import describe_box

MAX_REGIONS = 20


def uncovered_regions(an: Analysis, decision: dict, regular: list[Member]) -> list[Box]:
    cover = list(an.scope_no)
    for member in regular:
        cover.extend(an.conds.yes(member.rule.get("condition")))
    regions = Sweep(cover, an.known, an.dims).uncovered()
    # in input order, lowest values first: the order an editor reads them
    return sorted(regions, key=lambda box: [(box.get(d.index, d.full) & -box.get(d.index, d.full),
                                             box.get(d.index, d.full)) for d in an.dims])


def gaps(an: Analysis) -> list[Finding]:
    out: list[Finding] = []
    scope_box = an.scope_yes[0] if len(an.scope_yes) == 1 else None
    phrasing = None
    summary = None
    for decision in an.doc.get("decisions", []):
        if decision.get("kind") != "one of":
            continue
        members = an.members[decision["key"]]
        if any(m.rule.get("otherwise") for m in members):
            continue
        regions = uncovered_regions(an, decision, [m for m in members if not m.rule.get("otherwise")])
        total = len(regions)
        if regions and phrasing is None:
            phrasing = Phrasing(an)
        if total > 1:
            summary = summary or Summary(an)
            said = summary.describe(regions, restrict(an.scope_yes, an.known, an.dims))
            if said is not None:
                listed = [{"region": describe_box(r, an.dims, an.words, skip=scope_box,
                                                  phrases=phrasing.phrases(r)),
                           "witness": an.patient(r)} for r in regions[:MAX_REGIONS]]
                out.append(make("gap", f"`{decision['name']}` gets no option for patients with {said[0]}",
                                an.doc, decision.get("at"), witness=an.patient(regions[0]),
                                subjects=[decision], region=said[0], regions_total=total, regions=listed))
                continue
        for n, region in enumerate(regions[:MAX_REGIONS], start=1):
            words = describe_box(region, an.dims, an.words, skip=scope_box,
                                 phrases=phrasing.phrases(region))
            message = f"`{decision['name']}` gets no option for patients with {words}"
            if total > 1:
                message += f" (region {n} of {total})"
            if n == MAX_REGIONS and total > MAX_REGIONS:
                message += f"; {total - MAX_REGIONS} more regions not listed"
            out.append(make("gap", message, an.doc, decision.get("at"),
                            witness=an.patient(region), subjects=[decision],
                            region=words, regions_total=total))
    return out
