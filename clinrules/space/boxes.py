"""Unions of boxes over region choices, and the sweeps that reason over them.

A box maps an input's index to a bit mask of its allowed values (an input
it does not mention may take any value); a condition is a list of boxes
(their union, a DNF). Conflicts, gaps, masking and redundancy are all
questions about unions of boxes, answered without enumerating the product
of all inputs or all pairs of rules:

- `OverlapIndex` sweeps each input once over the boxes' boundaries (as in
  Calvanese et al.'s DMN analyser) and keeps, per segment of values, the
  set of boxes present as a Python integer used as a bit set; the boxes
  meeting a box are then a handful of big-integer ANDs.
- `Sweep` answers coverage (what no box covers: gaps, masking, redundancy)
  by splitting the space k-d tree style along the boxes' own boundaries.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Iterable, Sequence

from clinrules.space.regions import Dim

Box = dict  # input index -> bit mask of allowed values
TRUE: list[Box] = [{}]
FALSE: list[Box] = []


def intersect(a: Box, b: Box) -> Box | None:
    if len(a) < len(b):
        a, b = b, a
    out = dict(a)
    for d, m in b.items():
        if d in out:
            m = out[d] & m
            if not m:
                return None
        out[d] = m
    return out


def _subsumes(big: Box, small: Box) -> bool:
    for d, m in big.items():
        s = small.get(d)
        if s is None or s & ~m:
            return False
    return True


def simplify(boxes: list[Box]) -> list[Box]:
    """Drop duplicates and, for short lists, boxes inside another box."""
    seen = set()
    out = []
    for box in boxes:
        if not box:
            return [{}]
        key = tuple(sorted(box.items()))
        if key not in seen:
            seen.add(key)
            out.append(box)
    if 1 < len(out) <= 48:
        out.sort(key=len)
        kept: list[Box] = []
        for box in out:
            if not any(_subsumes(k, box) for k in kept):
                kept.append(box)
        out = kept
    return out


def and_dnf(a: list[Box], b: list[Box]) -> list[Box]:
    if not a or not b:
        return []
    if len(a) == 1 and len(b) == 1:
        z = intersect(a[0], b[0])
        return [] if z is None else [z]
    out = []
    for x in a:
        for y in b:
            z = intersect(x, y)
            if z is not None:
                out.append(z)
    return simplify(out)


def or_dnf(*parts: list[Box]) -> list[Box]:
    out: list[Box] = []
    for part in parts:
        out.extend(part)
    return simplify(out)


def restrict(boxes: Iterable[Box], space: Box, dims: Sequence[Dim]) -> list[Box]:
    """The boxes cut to `space`, empty ones dropped. An input whose mask is
    all that `space` allows is left out: read such a box inside `space`."""
    out = []
    for box in boxes:
        cut = {}
        ok = True
        for d, m in box.items():
            allowed = space.get(d, dims[d].full)
            m &= allowed
            if not m:
                ok = False
                break
            if m != allowed:
                cut[d] = m
        if ok:
            out.append(cut)
    return out


def runs(mask: int) -> list[tuple[int, int]]:
    """The maximal runs of set bits of `mask`, as (first, last) indices."""
    out = []
    while mask:
        low = (mask & -mask).bit_length() - 1
        shifted = mask >> low
        length = (~shifted & (shifted + 1)).bit_length() - 1
        out.append((low, low + length - 1))
        mask &= ~(((1 << length) - 1) << low)
    return out


def members(live: int) -> list[int]:
    out = []
    while live:
        low = live & -live
        out.append(low.bit_length() - 1)
        live ^= low
    return out


class Sweep:
    """Coverage questions over one union of boxes inside `space`.

    The space is split recursively, k-d tree style: at each step, among the
    boundaries (on any input) of the boxes still alive in the current
    region, the one cutting the fewest boxes is chosen, so a ruleset that
    partitions its inputs is taken apart along its own partition. A region
    that no live box touches is uncovered; one that a live box contains is
    covered. Only inputs some box constrains are ever split."""

    def __init__(self, boxes: Sequence[Box], space: Box, dims: Sequence[Dim]):
        self.dims = dims
        self.space = {d: m for d, m in space.items() if m != dims[d].full}
        self.boxes = restrict(boxes, self.space, dims)
        self.split_dims = sorted({d for box in self.boxes for d in box})

    def _root(self) -> dict[int, int]:
        return {d: self.space.get(d, self.dims[d].full) for d in self.split_dims}

    def _step(self, region: dict[int, int], live: list[int]):
        """None if a live box contains `region`; else (live boxes touching
        it, and the best split as (input, low mask, high mask) or None)."""
        boxes = self.boxes
        touching = []
        for j in live:
            box = boxes[j]
            inside = True
            meets = True
            for d, m in box.items():
                r = region[d]
                if not m & r:
                    meets = False
                    break
                if r & ~m:
                    inside = False
            if not meets:
                continue
            if inside:
                return None
            touching.append(j)
        if len(touching) <= 1:
            return touching, None
        best = None
        n = len(touching)
        for d in self.split_dims:
            r = region[d]
            if r & (r - 1) == 0:
                continue  # a single value: nothing to split
            if self.dims[d].type in ("one of", "yes/no", "presence"):
                best = self._mask_split(d, r, touching, n, best)
                continue
            rlo = (r & -r).bit_length() - 1
            rhi = r.bit_length()
            los, his = [], []
            cands = set()
            for j in touching:
                m = boxes[j].get(d)
                if m is None:
                    continue
                m &= r
                if m == r:
                    continue
                lo = (m & -m).bit_length() - 1
                hi = m.bit_length()  # one past the highest value
                los.append(lo)
                his.append(hi)
                cands.add(lo)
                cands.add(hi)
                if m & (m + (1 << lo)) != 0 and m != ((1 << hi) - (1 << lo)):
                    for first, last in runs(m):  # holes inside: their edges too
                        cands.add(first)
                        cands.add(last + 1)
            cands = {p for p in cands if rlo < p < rhi}
            if not cands:
                continue
            los.sort()
            his.sort()
            for p in cands:
                left = bisect_right(his, p)
                cut = bisect_left(los, p) - left
                key = (cut, abs(2 * left + cut - n), d, p)
                if best is None or key < best[0]:
                    low = r & ((1 << p) - 1)
                    best = (key, d, low, r & ~low)
        if best is None:
            raise RuntimeError("coverage sweep made no progress")  # unreachable: see above
        return touching, best[1:]

    def _mask_split(self, d: int, r: int, touching: list[int], n: int, best):
        """For options and yes/no, split by a box's own value set: a
        positional cut would cut `one of [left, both]` in two."""
        masks = []
        for j in touching:
            m = self.boxes[j].get(d)
            if m is not None and (m & r) != r:
                masks.append(m & r)
        for cand in set(masks):
            rest = r & ~cand
            cut = sum(1 for m in masks if m & cand and m & rest)
            left = sum(1 for m in masks if not m & rest)
            key = (cut, abs(2 * left + cut - n), d, cand)
            if best is None or key < best[0]:
                best = (key, d, cand, rest)
        return best

    def uncovered(self) -> list[Box]:
        """The part of `space` no box covers, merged into few boxes."""
        return merge_boxes([self._complete(b) for b in self._leftovers()], self.dims)

    def first_uncovered(self) -> Box | None:
        """One region of `space` no box covers, or None."""
        first = next(self._leftovers(), None)
        return None if first is None else self._complete(first)

    def _leftovers(self):
        """The uncovered parts of `space`, found lazily by splitting it along
        the boxes' own bounds: `first_uncovered` stops at the first."""
        stack = [(self._root(), list(range(len(self.boxes))))]
        while stack:
            region, live = stack.pop()
            step = self._step(region, live)
            if step is None:
                continue
            touching, split = step
            if split is None:
                yield from self._minus(region, touching)
                continue
            d, low, high = split
            for part in (high, low):
                sub = dict(region)
                sub[d] = part
                stack.append((sub, touching))

    def _minus(self, region: dict[int, int], touching: list[int]) -> list[Box]:
        """`region` minus the one box touching it, as disjoint boxes."""
        if not touching:
            return [dict(region)]
        (j,) = touching
        out = []
        rest = dict(region)
        for d, m in self.boxes[j].items():
            outside = rest[d] & ~m
            if outside:
                piece = dict(rest)
                piece[d] = outside
                out.append(piece)
                rest[d] &= m
        return out

    def _complete(self, box: Box) -> Box:
        out = dict(self.space)
        out.update(box)
        return {d: m for d, m in out.items() if m != self.dims[d].full}


def segments(boxes: Sequence[Box], d: int, size: int) -> tuple[list[int], list[list[int]]]:
    """The values of input d merged into segments on which every box
    agrees, each with the bit set of the boxes allowing it (`seg_of[v]`:
    value v's segment), and a sparse table over them: the boxes allowing
    some value in segments a..b are `range_or(table, a, b)`, two ORs."""
    events: dict[int, int] = {}
    constrained = 0
    for j, box in enumerate(boxes):
        mask = box.get(d)
        if mask is None:
            continue
        bit = 1 << j
        constrained |= bit
        for first, last in runs(mask):
            events[first] = events.get(first, 0) ^ bit
            events[last + 1] = events.get(last + 1, 0) ^ bit
    free = ((1 << len(boxes)) - 1) & ~constrained
    seg_of = [0] * size
    seg_bits: list[int] = []
    running = 0
    for v in range(size):
        if v in events:
            running ^= events[v]
        if not seg_bits or v in events:
            seg_bits.append(free | running)
        seg_of[v] = len(seg_bits) - 1
    table = [seg_bits]
    width = 1
    while width * 2 <= len(seg_bits):
        prev = table[-1]
        table.append([prev[i] | prev[i + width] for i in range(len(seg_bits) - 2 * width + 1)])
        width *= 2
    return seg_of, table


def range_or(table: list[list[int]], a: int, b: int) -> int:
    """The OR of segments a..b of a `segments` table."""
    k = (b - a + 1).bit_length() - 1
    return table[k][a] | table[k][b - (1 << k) + 1]


class OverlapIndex:
    """Which boxes meet which, without testing all pairs.

    Per input, the values are merged into segments on which every box
    agrees (one sweep over the boxes' boundaries), each segment holding the
    bit set of boxes present there; a sparse table answers "boxes present
    somewhere in segments a..b" in two big-integer ORs. The boxes meeting
    box j are the AND over inputs of those answers for j's runs."""

    def __init__(self, boxes: Sequence[Box], dims: Sequence[Dim]):
        self.boxes = list(boxes)
        self.dims = dims
        self.all = (1 << len(self.boxes)) - 1
        self.per_dim: dict[int, tuple] = {}
        for d in sorted({d for box in self.boxes for d in box}):
            self.per_dim[d] = self._index(d)

    def _index(self, d: int):
        seg_of, table = segments(self.boxes, d, self.dims[d].size)
        seg_runs = {j: [(seg_of[a], seg_of[b]) for a, b in runs(box[d])]
                    for j, box in enumerate(self.boxes) if d in box}
        return table, seg_runs

    def meeting(self, j: int) -> int:
        """Bit set of the boxes that share a point with box j (j included)."""
        out = self.all
        for d in self.boxes[j]:
            table, seg_runs = self.per_dim[d]
            hit = 0
            for a, b in seg_runs[j]:
                hit |= range_or(table, a, b)
            out &= hit
            if not out:
                break
        return out


def merge_boxes(boxes: list[Box], dims: Sequence[Dim]) -> list[Box]:
    """Merge boxes that agree on every input but one, until none do:
    fewer, larger regions describing the same set exactly."""
    boxes = simplify(boxes)
    changed = True
    while changed and len(boxes) > 1:
        changed = False
        for d in sorted({d for box in boxes for d in box}):
            groups: dict[tuple, Box] = {}
            for box in boxes:
                rest = tuple(sorted((k, m) for k, m in box.items() if k != d))
                if rest in groups:
                    target = groups[rest]
                    union = target.get(d, dims[d].full) | box.get(d, dims[d].full)
                    if union == dims[d].full:
                        target.pop(d, None)
                    else:
                        target[d] = union
                    changed = True
                else:
                    groups[rest] = dict(box)
            boxes = list(groups.values())
    return boxes


def complement(boxes: list[Box], space: Box, dims: Sequence[Dim]) -> list[Box]:
    """Everything in `space` outside the union of `boxes`."""
    return Sweep(boxes, space, dims).uncovered()
