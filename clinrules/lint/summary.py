"""A set of patients said once, in the editor's terms, when it can be.

A gap found by the sweep is a list of boxes over the inputs: removing the
`CURB-65 = 3` rule leaves 16 of them (every way five items can add up to
3). The editor thinks in scores and definitions, so before listing boxes
the linter looks for a description of the whole set as a conjunction of
the editor's own terms:

- a set of values of a score (`CURB-65 = 3`, `CURB-65 at least 4`,
  `wells score is 4.5 or 5`),
- a definition's yes or no side (`red flags`, `no PERC negative`),
- and, to finish a description, one input's values (`age at least 65
  years`).

Exact by construction: each term is a union of boxes over the inputs
(every input known) that contains the whole set; the set is described by
the terms only when their intersection inside the space (scope, every
input known) holds no patient outside the set. Terms that are not needed
are dropped, inputs first, then definitions.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from clinrules.exact import decimal_text
from clinrules.exact import exact_str as exact_text
from clinrules.lint.analysis import Analysis
from clinrules.lint.witness import describe
from clinrules.space.boxes import Box, and_dnf, restrict
from clinrules.space.regions import exact

MAX_SCORE_VALUES = 64  # a score with more possible sums is not listed value by value


@dataclass(frozen=True)
class Term:
    rank: int  # 0 score, 1 definition, 2 input: the order terms are kept in
    text: str
    boxes: tuple  # the patients (every input known) for whom the term holds


def _number(value: Fraction) -> str:
    return decimal_text(value) or exact_text(value)


def _values_text(name: str, chosen: list[Fraction], possible: list[Fraction]) -> str:
    if len(chosen) == 1:
        return f"{name} = {_number(chosen[0])}"
    if chosen == [v for v in possible if v >= chosen[0]]:
        return f"{name} at least {_number(chosen[0])}"
    if chosen == [v for v in possible if v <= chosen[-1]]:
        return f"{name} at most {_number(chosen[-1])}"
    shown = [_number(v) for v in chosen]
    return f"{name} is {', '.join(shown[:-1])} or {shown[-1]}"


class Summary:
    """Describes unions of boxes of one analysis by its scores and definitions."""

    def __init__(self, an: Analysis):
        self.an = an
        self._scores: list | None = None  # (name, possible values, {value: boxes})
        self._definitions: list | None = None  # (name, yes boxes, no boxes)

    # -- the editor's terms ----------------------------------------------------

    def _known(self, boxes: list[Box]) -> list[Box]:
        return restrict(boxes, self.an.known, self.an.dims)

    def scores(self) -> list:
        if self._scores is None:
            self._scores = []
            for definition in self.an.doc.get("definitions", []):
                if definition.get("kind") != "score":
                    continue
                possible = {Fraction(0)}
                for item in definition.get("items", []):
                    points = exact(str(item["points"]))
                    possible |= {s + points for s in possible}
                    if len(possible) > MAX_SCORE_VALUES:
                        break
                if len(possible) > MAX_SCORE_VALUES:
                    continue
                by_value = {}
                for value in sorted(possible):
                    boxes = self._known(self.an.conds._score(definition["key"], "=", value, None))
                    if boxes:
                        by_value[value] = boxes
                self._scores.append((definition["name"], sorted(by_value), by_value))
        return self._scores

    def definitions(self) -> list:
        if self._definitions is None:
            self._definitions = []
            for definition in self.an.doc.get("definitions", []):
                condition = definition.get("condition")
                if definition.get("kind") != "condition" or condition is None:
                    continue
                self._definitions.append((definition["name"], self._known(self.an.conds.yes(condition)),
                                          self._known(self.an.conds.no(condition))))
        return self._definitions

    def _inside(self, part: list[Box], whole: list[Box]) -> bool:
        """Every patient of `part` (every input known) lies in `whole`."""
        an = self.an
        for box in part:
            region = {d: box.get(d, an.dims[d].full) & an.known.get(d, an.dims[d].full) for d in an.known}
            region.update({d: m for d, m in box.items() if d not in region})
            if not an.covered(region, whole):
                return False
        return True

    def _meets(self, a: list[Box], b: list[Box]) -> bool:
        return self.an.first_point(and_dnf(a, b)) is not None

    def terms(self, patients: list[Box]) -> list[Term]:
        """Every term that holds for all of `patients`, most telling first."""
        out: list[Term] = []
        for name, possible, by_value in self.scores():
            chosen = [v for v in possible if self._meets(by_value[v], patients)]
            if chosen and len(chosen) < len(possible):
                boxes = [b for v in chosen for b in by_value[v]]
                out.append(Term(0, _values_text(name, chosen, possible), tuple(boxes)))
        for name, yes, no in self.definitions():
            for side, text in ((yes, name), (no, f"no {name}")):
                if side and self._inside(patients, side):
                    out.append(Term(1, text, tuple(side)))
                    break
        for dim in self.an.dims:
            mask = 0
            for box in patients:
                mask |= box.get(dim.index, dim.full)
            mask &= dim.known
            if mask and mask != dim.known:
                out.append(Term(2, describe(dim, mask, self.an.words), ({dim.index: mask},)))
        return out

    # -- describing a set --------------------------------------------------------

    def describe(self, patients: list[Box], space: list[Box]) -> tuple[str, bool] | None:
        """The conjunction of terms that is exactly `patients` inside
        `space` (both every input known), and whether it names a score or a
        definition; None when no conjunction of terms is exact."""
        kept = self.conjunction(patients, space)
        if kept is None:
            return None
        return ", ".join(t.text for t in kept), any(t.rank < 2 for t in kept)

    def conjunction(self, patients: list[Box], space: list[Box]) -> list[Term] | None:
        """The fewest terms whose intersection inside `space` is exactly
        `patients`, scores first; None when there are none."""
        if not patients:
            return None
        terms = self.terms(patients)
        if not terms or not self._exact(terms, patients, space):
            return None
        kept = list(terms)
        for term in sorted(terms, key=lambda t: -t.rank):  # inputs first, then definitions
            trial = [t for t in kept if t is not term]
            if trial and self._exact(trial, patients, space):
                kept = trial
        return sorted(kept, key=lambda t: t.rank)

    def _exact(self, terms: list[Term], patients: list[Box], space: list[Box]) -> bool:
        both = list(space)
        for term in sorted(terms, key=lambda t: len(t.boxes)):
            both = and_dnf(both, list(term.boxes))
            if not both:
                return False
        return self._inside(both, patients)
