"""What every finding family shares: the region space of one document, the
box sets of its conditions, and which rules decide which decision."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from clinrules.space.boxes import FEW, Box, Sweep, and_dnf, covered_by_few, restrict
from clinrules.space.conditions import Conditions
from clinrules.space.regions import build_dims, walk
from clinrules.lint.witness import Words, patient, patient_or_missing


@dataclass(frozen=True)
class Member:
    """A rule as seen from one decision: the options it names there."""

    rule: dict
    options: frozenset

    @property
    def name(self) -> str:
        return self.rule["name"]


class Analysis:
    def __init__(self, doc: dict, extra_conditions: list[dict] | None = None):
        self.doc = doc
        self.dims = build_dims(doc, extra_conditions)
        self.conds = Conditions(doc, self.dims)
        self.words = Words(doc, self.dims)
        # every input known: the space of gaps, conflicts and witnesses
        self.known: Box = {d.index: d.known for d in self.dims if d.missing}
        self.cache: dict = {}  # results one family computes and another reuses
        self._bounds: dict[int, tuple[list, Box]] = {}
        self._fires: dict[int, tuple[dict, list[Box]]] = {}
        self._in_scope: dict[int, tuple[list, list[Box]]] = {}  # see `_per_list`
        self._known_only: dict[int, tuple[list, list[Box]]] = {}

    @cached_property
    def scope_yes(self) -> list[Box]:
        return self.conds.yes(self.doc.get("scope"))

    @cached_property
    def scope_no(self) -> list[Box]:
        return self.conds.no(self.doc.get("scope"))

    @cached_property
    def condition_nodes(self) -> list[tuple[dict | None, list[dict]]]:
        """Every condition root of the document (scope, definitions and
        score items, rules: `all_conditions` order) as its owner (None for
        the scope) and its nodes, parent first: walked once, for the
        families that read every node."""
        doc = self.doc
        owned: list[tuple[dict | None, dict]] = []
        if doc.get("scope") is not None:
            owned.append((None, doc["scope"]))
        for definition in doc.get("definitions", []):
            if definition.get("kind") == "score":
                owned.extend((definition, item["condition"]) for item in definition.get("items", []))
            elif definition.get("condition") is not None:
                owned.append((definition, definition["condition"]))
        for rule in doc.get("rules", []):
            if rule.get("condition") is not None:
                owned.append((rule, rule["condition"]))
        return [(owner, list(walk(root))) for owner, root in owned]

    @cached_property
    def members(self) -> dict[str, list[Member]]:
        """Decision key -> its rules in rule order."""
        out: dict[str, list[Member]] = {d["key"]: [] for d in self.doc.get("decisions", [])}
        for rule in self.doc.get("rules", []):
            chosen: dict[str, set] = {}
            for action in rule.get("actions", []):
                chosen.setdefault(action["decision"], set()).add(action["option"])
            for key, options in chosen.items():
                if key in out:
                    out[key].append(Member(rule, frozenset(options)))
        return out

    def fires(self, rule: dict) -> list[Box]:
        """Patients (possibly with missing inputs) for whom the rule's
        condition is yes inside the scope (kept: several families ask;
        callers only read it)."""
        got = self._fires.get(id(rule))
        if got is None or got[0] is not rule:
            yes = self.conds.yes(rule.get("condition"))
            fire = self._per_list(self._in_scope, yes, lambda: and_dnf(self.scope_yes, yes))
            got = self._fires[id(rule)] = (rule, fire)
        return got[1]

    def fires_known(self, rule: dict) -> list[Box]:
        """Patients with every input known for whom the rule fires (an
        input left out of a box may take any known value)."""
        fire = self.fires(rule)
        return self._per_list(self._known_only, fire, lambda: restrict(fire, self.known, self.dims))

    @staticmethod
    def _per_list(memo: dict, boxes: list[Box], make) -> list[Box]:
        """`make()`, kept in `memo` per list of boxes: rules with the same
        condition share its list (`Conditions`), and so what follows from it."""
        got = memo.get(id(boxes))
        if got is None or got[0] is not boxes:
            got = memo[id(boxes)] = (boxes, make())
        return got[1]

    def bound(self, boxes: list[Box]) -> Box | None:
        """The smallest box holding every box of `boxes` (an input it leaves
        out may take any value), None when there are none."""
        return self._bound(boxes) if boxes else None

    def patient(self, box: Box) -> dict:
        return patient(box, self.dims, self.words)

    def any_patient(self, boxes: list[Box]) -> dict | None:
        """A patient of the union of `boxes`: one with every input known if
        there is one, else one with the inputs the boxes need missing."""
        point = self.first_point(boxes)
        if point is not None:
            return self.patient(point)
        return patient_or_missing(boxes[0], self.dims, self.words) if boxes else None

    def first_point(self, boxes: list[Box], space: Box | None = None) -> Box | None:
        """A point of the union of `boxes` inside `space` (default: every
        input known), or None if it is empty."""
        space = self.known if space is None else space
        for box in boxes:
            cut = dict(box)
            ok = True
            for d, m in space.items():
                cut[d] = cut.get(d, m) & m
                if not cut[d]:
                    ok = False
                    break
            if ok:
                return cut
        return None

    def covered(self, region: Box, cover: list[Box]) -> bool:
        """Every patient of `region` lies in the union of `cover`.

        Most questions the families ask are settled without a sweep: an
        input on which `region` reaches past every box of `cover` (not
        covered), or one box containing `region` (covered)."""
        if not cover or not all(region.values()):
            return Sweep(cover, region, self.dims).first_uncovered() is None
        dims = self.dims
        for d, m in self._bound(cover).items():
            if region.get(d, dims[d].full) & ~m:
                return False
        for box in cover:
            for d, m in box.items():
                r = region.get(d)
                if r & ~m if r is not None else m != dims[d].full:
                    break
            else:
                return True
        if len(cover) <= FEW:
            settled = covered_by_few(region, cover, dims)
            if settled is not None:
                return settled
        return Sweep(cover, region, dims).first_uncovered() is None

    def _bound(self, cover: list[Box]) -> Box:
        """The smallest box holding every box of `cover` (kept per list:
        the families ask about the same memoised lists again and again)."""
        got = self._bounds.get(id(cover))
        if got is not None and got[0] is cover:
            return got[1]
        bound = dict(cover[0])
        for box in cover[1:]:
            for d in list(bound):
                m = box.get(d)
                if m is None:
                    del bound[d]
                else:
                    bound[d] |= m
        self._bounds[id(cover)] = (cover, bound)
        return bound
