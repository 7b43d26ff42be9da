"""Cutting a space into cells on which every rule is constant.

A decision's result is a function of which of its rules fire. Given each
rule's yes and no regions (unions of boxes that together fill the space:
in the space of completions every condition is yes or no), the space is
split, k-d tree style, along the boundaries of the boxes that cut the
current cell until every rule is constant on it; the result on that cell is
then one call of the decision's policy. The cells are disjoint and cover
the space, so:

- the results a patient can still get are the results of the cells (the
  runtime, deciding over every completion of a patient);
- an input is *needed* exactly when two cells with different results face
  each other across it (`dependent_dims`);
- "this result is possible" is the union of its cells (SQL backends, the
  semantic diff).

Nothing here enumerates values: a cell is a box of region masks.
"""

from __future__ import annotations

from typing import Callable, Hashable, Sequence

from clinrules.space.boxes import Box, Sweep, merge_boxes
from clinrules.space.regions import Dim

Item = tuple  # (yes boxes, no boxes) of one rule, both inside the space


def _meets(box: Box, cell: dict[int, int]) -> bool:
    for d, m in box.items():
        if not m & cell[d]:
            return False
    return True


def _cut(box: Box, cell: dict[int, int]) -> tuple[int, int] | None:
    """An input on which `box` (which meets `cell`) cuts it, and the part
    of the cell inside the box there; None when the box contains the cell."""
    for d, m in box.items():
        r = cell[d]
        if r & ~m:
            return d, r & m
    return None


def _balanced_cut(still: list, cell: dict[int, int], dims: Sequence[Dim]) -> tuple[int, int] | None:
    """A cut through the middle of the open rules' boundaries on the number
    line that holds most of them (k-d tree style): a table of disjoint
    cells is taken apart along its own grid in few steps, where cutting at
    the first boundary found would slice it into slivers. None when no
    numeric boundary lies inside the cell."""
    edges: dict[int, list[int]] = {}
    for _, yes, _ in still:
        for box in yes:
            for d, m in box.items():
                if dims[d].type not in ("number", "quantity"):
                    continue
                r = cell[d]
                m &= r
                if m == r:
                    continue
                rlo = (r & -r).bit_length() - 1
                rhi = r.bit_length()
                lo = (m & -m).bit_length() - 1
                hi = m.bit_length()
                if lo > rlo:
                    edges.setdefault(d, []).append(lo)
                if hi < rhi:
                    edges.setdefault(d, []).append(hi)
    if not edges:
        return None
    d = max(edges, key=lambda k: (len(edges[k]), -k))
    points = sorted(edges[d])
    p = points[len(points) // 2]
    r = cell[d]
    low = r & ((1 << p) - 1)
    if not low or low == r:
        return None
    return d, low


class TooManyCells(Exception):
    """The partition would exceed the cells a caller can afford."""


def partition(items: Sequence[Item], space: Box, dims: Sequence[Dim],
              outcome: Callable[[list[int], list[int]], Hashable | None],
              merge: bool = True, limit: int | None = None) -> list[tuple[Box, Hashable]]:
    """The cells of `space` with the result of each.

    `outcome(yes, still)` gets the items yes on a cell and the items not yet
    constant there, and returns the result when those cannot change it
    (None otherwise: the cell is split further). With `still` empty it must
    return a result. Stopping as soon as the result is settled keeps the
    cells few: a rule whose option is already chosen by another need not be
    pinned down. With `merge`, cells of equal result are merged into few
    boxes (for explanations). Boxes mention only the inputs on which they
    are narrower than `space` (read them inside `space`). More than `limit`
    cells raises TooManyCells."""
    split_dims = sorted({d for yes, no in items for part in (yes, no) for box in part for d in box})
    root = {d: space.get(d, dims[d].full) for d in split_dims}
    cells: dict[Hashable, list[Box]] = {}
    count = 0
    stack = [(root, [(i, yes, no) for i, (yes, no) in enumerate(items)], ())]
    while stack:
        cell, open_items, settled = stack.pop()
        still = []
        yes_now = list(settled)
        for i, yes, no in open_items:
            yes_meets = [b for b in yes if _meets(b, cell)]
            if not yes_meets:
                continue
            no_meets = [b for b in no if _meets(b, cell)]
            if not no_meets:
                yes_now.append(i)
                continue
            still.append((i, yes_meets, no_meets))
        key = outcome(sorted(yes_now), [i for i, _, _ in still])
        if key is not None:
            box = {d: m for d, m in cell.items() if m != root[d]}
            cells.setdefault(key, []).append(box)
            count += 1
            if limit is not None and count > limit:
                raise TooManyCells(limit)
            continue
        if not still:  # unreachable: `outcome` must settle a cell with nothing open
            raise RuntimeError("no result for a cell on which every rule is settled")
        cut = _balanced_cut(still, cell, dims)
        if cut is None:
            for box in still[0][1] + still[0][2]:
                cut = _cut(box, cell)
                if cut is not None:
                    break
        if cut is None:  # unreachable: a rule yes and no on the same point
            raise RuntimeError("a condition's yes and no regions overlap")
        d, inside = cut
        settled_now = tuple(yes_now)
        for part in (cell[d] & ~inside, inside):
            sub = dict(cell)
            sub[d] = part
            stack.append((sub, still, settled_now))
    out = []
    for key, boxes in cells.items():
        for box in (merge_boxes(boxes, _Within(dims, space)) if merge else boxes):
            out.append((box, key))
    return out


class _Within:
    """`dims` seen inside `space`: an input's full mask is what the space
    allows, so boxes merge back to "any value the patient may have"."""

    def __init__(self, dims: Sequence[Dim], space: Box):
        self.dims = dims
        self.space = space

    def __getitem__(self, d: int):
        return _Full(self.space.get(d, self.dims[d].full))


class _Full:
    __slots__ = ("full",)

    def __init__(self, full: int):
        self.full = full


def dependent_dims(cells: Sequence[tuple[Box, Hashable]], candidates: Sequence[int],
                   space: Box, dims: Sequence[Dim]) -> set[int]:
    """The inputs among `candidates` on which the result depends: for some
    values of the others, changing that input alone changes the result.
    Exactly when two cells of different results overlap once that input is
    ignored (a line along the input crosses both)."""
    out: set[int] = set()
    n = len(cells)
    full = {d: space.get(d, dims[d].full) for d in candidates}
    for a in range(n):
        box_a, res_a = cells[a]
        for b in range(a + 1, n):
            box_b, res_b = cells[b]
            if res_a == res_b:
                continue
            apart = []
            for d in set(box_a) | set(box_b):
                if not box_a.get(d, full.get(d, -1)) & box_b.get(d, full.get(d, -1)):
                    apart.append(d)
                    if len(apart) > 1:
                        break
            if len(apart) == 1 and apart[0] in full:
                out.add(apart[0])
            elif not apart:
                raise RuntimeError("cells of different results overlap")
        if len(out) == len(full):
            break
    return out


def widen(boxes: Sequence[Box], dims: Sequence[Dim]) -> list[Box]:
    """The same union as few, wide boxes: each box drops every input it
    can drop while staying inside the union (`fever` rather than `fever
    and ESR at most 20 mm/h`), and boxes inside another are left out. For
    explanations: the disjoint cells of a partition read as a list of
    cases, the widened boxes as the conditions a clinician would state."""
    out: list[Box] = []
    for box in boxes:
        wide = dict(box)
        for d in sorted(box):
            trial = {k: m for k, m in wide.items() if k != d}
            if Sweep(boxes, trial, dims).first_uncovered() is None:
                wide = trial
        out.append(wide)
    return simplify_all(out)


def simplify_all(boxes: list[Box]) -> list[Box]:
    """Drop duplicate boxes and boxes inside another one."""
    unique = {tuple(sorted(b.items())): b for b in boxes}
    ordered = sorted(unique.values(), key=lambda b: (len(b), sorted(b.items())))
    kept: list[Box] = []
    for box in ordered:
        if not any(all(d in box and not box[d] & ~m for d, m in k.items()) for k in kept):
            kept.append(box)
    return kept
