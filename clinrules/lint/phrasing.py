"""Regions in the editor's own words: where a region, on the inputs a
condition definition reads, is exactly the set of patients for whom that
definition is yes (or no), say `red flags` (or `no red flags`) instead of
listing each input (`no fever, no history of malignancy, ESR at most 20
mm/h`).

Exact by construction: the region is a box, a product of one value set per
input, so its part on the definition's inputs S is itself a box B. The
replacement is made only when B equals the definition's yes (or no) set
over S with every input known: B lies inside that set (a coverage sweep)
and every box of that set lies inside B. Definitions reading more inputs
are tried first; inputs already phrased are not reused, and a definition
is used only when it replaces at least two input parts (for one input, the
input's own words are as short and more concrete).
"""

from __future__ import annotations

from clinrules.lint.analysis import Analysis
from clinrules.space.boxes import Box, restrict


class Phrasing:
    def __init__(self, an: Analysis):
        self.an = an
        by_key = {d.key: d.index for d in an.dims}
        self.candidates = []  # (support dims, name, yes boxes, no boxes)
        for definition in an.doc.get("definitions", []):
            if definition.get("kind") != "condition" or definition.get("condition") is None:
                continue
            condition = definition["condition"]
            support = frozenset(by_key[k] for k in an.conds.support(condition) if k in by_key)
            if len(support) < 2:
                continue
            self.candidates.append((support, definition["name"], condition))
        self.candidates.sort(key=lambda c: -len(c[0]))  # stable: declaration order among equals
        self._sets: dict[tuple[str, bool], list[Box]] = {}

    def _known(self, name: str, condition: dict, yes: bool) -> list[Box]:
        key = (name, yes)
        if key not in self._sets:
            boxes = self.an.conds.yes(condition) if yes else self.an.conds.no(condition)
            self._sets[key] = restrict(boxes, self.an.known, self.an.dims)
        return self._sets[key]

    def phrases(self, region: Box) -> list[tuple[frozenset, str]]:
        dims = self.an.dims
        out: list[tuple[frozenset, str]] = []
        used: set[int] = set()
        for support, name, condition in self.candidates:
            if support & used:
                continue
            part = {d: region.get(d, dims[d].full) & dims[d].known for d in support}
            constrained = [d for d in support if part[d] != dims[d].known]
            if len(constrained) < 2:
                continue
            for yes in (False, True):
                boxes = self._known(name, condition, yes)
                if self._equal(part, boxes):
                    out.append((support, name if yes else f"no {name}"))
                    used |= support
                    break
        return out

    def _equal(self, part: Box, boxes: list[Box]) -> bool:
        """The box `part` (over the support) is exactly the union `boxes`."""
        dims = self.an.dims
        for box in boxes:
            if any(d not in part for d in box):
                return False
            for d, m in part.items():
                if box.get(d, dims[d].known) & ~m:
                    return False
        return bool(boxes) and self.an.covered(part, boxes)
