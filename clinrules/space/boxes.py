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
from itertools import accumulate
from operator import or_
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


def intersect_all(boxes: Iterable[Box]) -> Box | None:
    """The intersection of `boxes` (None when empty): the yes set of a
    table row's conjunction of bounds."""
    out: Box | None = {}
    for box in boxes:
        out = intersect(out, box)
        if out is None:
            return None
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
    covered, and so is one that at most `FEW` live boxes fill together
    (`covered_by_few`: nothing below it would be uncovered, so skipping it
    changes neither the regions found nor their order). Only inputs some
    box constrains are ever split."""

    def __init__(self, boxes: Sequence[Box], space: Box, dims: Sequence[Dim]):
        self.dims = dims
        self.space = {d: m for d, m in space.items() if m != dims[d].full}
        self.boxes = restrict(boxes, self.space, dims)
        self.split_dims = sorted({d for box in self.boxes for d in box})
        # many boxes: the same splits, found with per-input indexes (_Indexed)
        self._indexed = _Indexed(self) if len(self.boxes) >= INDEXED_FROM else None

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
            best = self._numeric_split(d, r, touching, n, best)
        if best is None:
            raise RuntimeError("coverage sweep made no progress")  # unreachable: see above
        return touching, best[1:]

    def _numeric_split(self, d: int, r: int, touching: list[int], n: int, best):
        """The best cut of a numeric input among the touching boxes' bounds
        (and the edges of their holes), as `_step` chooses it."""
        boxes = self.boxes
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
            return best
        los.sort()
        his.sort()
        for p in cands:
            left = bisect_right(his, p)
            cut = bisect_left(los, p) - left
            key = (cut, abs(2 * left + cut - n), d, p)
            if best is None or key < best[0]:
                low = r & ((1 << p) - 1)
                best = (key, d, low, r & ~low)
        return best

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
        if self._indexed is not None:
            yield from self._indexed.leftovers()
            return
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
            if len(touching) <= FEW and covered_by_few(region, [self.boxes[j] for j in touching], self.dims):
                continue  # nothing below is uncovered: skipping it changes no leftover
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
        return minus(region, self.boxes[j], self.dims)

    def _complete(self, box: Box) -> Box:
        out = dict(self.space)
        out.update(box)
        return {d: m for d, m in out.items() if m != self.dims[d].full}


def minus(region: Box, box: Box, dims: Sequence[Dim]) -> list[Box]:
    """`region` minus `box` (which meets it), as disjoint boxes: the part
    outside the box on its first input, then on the next within the first,
    and so on."""
    out = []
    rest = dict(region)
    for d, m in box.items():
        r = rest.get(d, dims[d].full)
        outside = r & ~m
        if outside:
            piece = dict(rest)
            piece[d] = outside
            out.append(piece)
            rest[d] = r & m
    return out


FEW = 8  # boxes: up to here a coverage question is settled by subtraction (`covered_by_few`)


def covered_by_few(region: Box, boxes: Sequence[Box], dims: Sequence[Dim]) -> bool | None:
    """Whether the union of a few `boxes` holds every patient of the
    non-empty `region`: the region minus each box in turn, without the
    set-up of a `Sweep` (which pays off from a handful of boxes on).
    None when the pieces left outgrow `PIECES` (boxes crossing each
    other in many inputs): then a sweep is the better tool."""
    left = [region]
    for box in boxes:
        rest = []
        for piece in left:
            for d, m in box.items():
                if not piece.get(d, dims[d].full) & m:
                    rest.append(piece)  # the box misses this piece
                    break
            else:
                rest.extend(minus(piece, box, dims))
        if len(rest) > PIECES:
            return None
        left = rest
        if not left:
            return True
    return False


PIECES = 64  # pieces left: past this `covered_by_few` leaves the question to a sweep


INDEXED_FROM = 64  # boxes: from here a sweep indexes them per input (`_Indexed`)
_BY_MASK = ("one of", "yes/no", "presence")


class _Indexed:
    """`Sweep._leftovers` for many boxes: the same regions in the same
    order, by the same choice of splits, for a fraction of the work.

    The plain sweep re-tests every live box on every input at every step.
    Here the live boxes of a region are kept twice, as a list and as a bit
    set, and each input is indexed once: a numeric input whose boxes are
    all intervals by each box's bounds and bit sets of the boxes with a
    bound at most / at least each value (which boxes contain the region,
    which meet each side of a cut, how many a cut leaves whole); an input
    of options by the bit set of the boxes allowing each value. Numeric
    inputs with holes (`!=`, `outside`) fall back to `_numeric_split`."""

    def __init__(self, sweep: "Sweep"):
        self.sweep = sweep
        boxes = sweep.boxes
        dims = sweep.dims
        self.all = (1 << len(boxes)) - 1
        self.kind: dict[int, str] = {}
        self.bounds: dict[int, tuple] = {}  # interval: (LO, HI, lo_le, hi_ge)
        self.values: dict[int, list[int]] = {}  # by value: boxes allowing each value
        self.masks: dict[int, list[int]] = {}  # each box's mask (full when free)
        for d in sweep.split_dims:
            full = dims[d].full
            root = sweep.space.get(d, full)
            masks = [box.get(d, full) for box in boxes]
            self.masks[d] = masks
            if dims[d].type in _BY_MASK:
                self.kind[d] = "mask"
                self.values[d] = [sum(1 << j for j, m in enumerate(masks) if m >> v & 1)
                                  for v in range(dims[d].size)]
            elif _interval(root) and all(_interval(box[d]) for box in boxes if d in box):
                self.kind[d] = "interval"
                self.bounds[d] = interval_bounds(d, boxes, dims[d].size)
            else:
                self.kind[d] = "generic"

    def leftovers(self):
        sweep = self.sweep
        split_dims = sweep.split_dims
        kind = self.kind
        stack = [(sweep._root(), list(range(len(sweep.boxes))), self.all)]
        while stack:
            region, live, bits = stack.pop()
            inside = bits
            contains: dict[int, int] = {}
            for d in split_dims:
                r = region[d]
                k = kind[d]
                if k == "interval":
                    _, _, lo_le, hi_ge = self.bounds[d]
                    c = lo_le[(r & -r).bit_length() - 1] & hi_ge[r.bit_length()]
                elif k == "mask":
                    c = bits
                    values = self.values[d]
                    while r and c:
                        low = r & -r
                        c &= values[low.bit_length() - 1]
                        r ^= low
                else:
                    masks = self.masks[d]
                    c = 0
                    for j in live:
                        if not r & ~masks[j]:
                            c |= 1 << j
                contains[d] = c
                inside &= c
            if inside:
                continue  # a live box contains the region
            if len(live) <= 1:
                yield from sweep._minus(region, live)
                continue
            if len(live) <= FEW and covered_by_few(region, [sweep.boxes[j] for j in live], sweep.dims):
                continue  # nothing below is uncovered: skipping it changes no leftover
            d, low, high = self._best(region, live, bits, contains)
            if kind[d] == "interval":
                lows, highs, lo_le, hi_ge = self.bounds[d]
                p = (high & -high).bit_length() - 1  # the cut: low below p, high from p
                children = (
                    (high, [j for j in live if highs[j] > p], bits & hi_ge[p + 1]),
                    (low, [j for j in live if lows[j] < p], bits & lo_le[p - 1]),
                )
            else:
                masks = self.masks[d]
                children = []
                for part in (high, low):
                    sub_live = [j for j in live if masks[j] & part]
                    sub_bits = 0
                    for j in sub_live:
                        sub_bits |= 1 << j
                    children.append((part, sub_live, sub_bits))
            for part, sub_live, sub_bits in children:
                sub = dict(region)
                sub[d] = part
                stack.append((sub, sub_live, sub_bits))

    def _best(self, region: dict[int, int], live: list[int], bits: int, contains: dict[int, int]):
        """The split `Sweep._step` would choose: (input, low mask, high mask)."""
        sweep = self.sweep
        best = None
        n = len(live)
        for d in sweep.split_dims:
            r = region[d]
            if r & (r - 1) == 0:
                continue  # a single value: nothing to split
            k = self.kind[d]
            if k == "mask":
                best = sweep._mask_split(d, r, live, n, best)
                continue
            if k == "generic":
                best = sweep._numeric_split(d, r, live, n, best)
                continue
            whole = (bits & contains[d]).bit_count()
            if whole == n:
                continue  # every live box spans the region here: no bound inside
            lows, highs, _, _ = self.bounds[d]
            rlo = (r & -r).bit_length() - 1
            rhi = r.bit_length()
            los = sorted(map(lows.__getitem__, live))
            his = sorted(map(highs.__getitem__, live))
            # boxes whole on this input (free, or containing r here) are in
            # neither list of the plain sweep: every cut here "cuts" them
            cands = set(los[bisect_right(los, rlo):])
            cands.update(his[:bisect_left(his, rhi)])
            most = n if best is None else best[0][0]  # a cut that cuts more boxes loses
            for p in cands:
                left = bisect_right(his, p)
                cut = bisect_left(los, p) - left - whole
                if cut > most:
                    continue
                key = (cut, abs(2 * left + cut - n), d, p)
                if best is None or key < best[0]:
                    low = r & ((1 << p) - 1)
                    best = (key, d, low, r & ~low)
                    most = cut
        if best is None:
            raise RuntimeError("coverage sweep made no progress")  # unreachable: see Sweep._step
        return best[1:]


def interval_bounds(d: int, boxes: Sequence[Box], size: int) -> tuple:
    """For an input on which every box is an interval: each box's bounds
    LO and HI (one past its last value; a free box reaches past both
    ends), and bit sets of the boxes with LO <= x (`lo_le[x]`) and with
    HI >= x (`hi_ge[x]`)."""
    lows, highs = [], []
    by_lo = [0] * (size + 1)  # index LO + 1
    by_hi = [0] * (size + 2)  # index HI
    for j, box in enumerate(boxes):
        m = box.get(d)
        if m is None:
            lo, hi = -1, size + 1  # free: contains every region
        else:
            lo, hi = (m & -m).bit_length() - 1, m.bit_length()
        lows.append(lo)
        highs.append(hi)
        by_lo[lo + 1] |= 1 << j
        by_hi[hi] |= 1 << j
    below = list(accumulate(by_lo, or_))  # below[i]: boxes with LO < i
    lo_le = below[1:] + below[-1:]  # lo_le[x]: boxes with LO <= x, x in 0..size
    hi_ge = list(accumulate(reversed(by_hi), or_))[::-1]  # hi_ge[x]: boxes with HI >= x, x in 0..size+1
    return lows, highs, lo_le, hi_ge


def _interval(mask: int) -> bool:
    """The set bits of `mask` are one run."""
    low = mask & -mask
    return mask != 0 and (mask + low) & mask == 0


def segments(boxes: Sequence[Box], d: int, size: int,
             box_runs: dict[int, list[tuple[int, int]]] | None = None) -> tuple[list[int], list[list[int]]]:
    """The values of input d merged into segments on which every box
    agrees, each with the bit set of the boxes allowing it (`seg_of[v]`:
    value v's segment), and a sparse table over them: the boxes allowing
    some value in segments a..b are `range_or(table, a, b)`, two ORs.
    `box_runs`, when given, is filled with each constrained box's runs."""
    events: dict[int, int] = {}
    constrained = 0
    known_runs: dict[int, list[tuple[int, int]]] = {}  # boxes of a table share their masks
    for j, box in enumerate(boxes):
        mask = box.get(d)
        if mask is None:
            continue
        bit = 1 << j
        constrained |= bit
        spans = known_runs.get(mask)
        if spans is None:
            spans = known_runs[mask] = runs(mask)
        if box_runs is not None:
            box_runs[j] = spans
        for first, last in spans:
            events[first] = events.get(first, 0) ^ bit
            events[last + 1] = events.get(last + 1, 0) ^ bit
    free = ((1 << len(boxes)) - 1) & ~constrained
    # a segment starts at 0 and at every event inside the values
    starts = sorted(v for v in events if 0 < v < size)
    seg_of: list[int] = []
    seg_bits: list[int] = []
    running = 0
    for start, end in zip([0] + starts, starts + [size]):
        running ^= events.get(start, 0)
        seg_of.extend([len(seg_bits)] * (end - start))
        seg_bits.append(free | running)
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
    box j are the AND over inputs of those answers for j's runs. An input
    on which every box is an interval (a table's bounds) needs less: the
    bit sets of boxes starting at most / ending at least each value."""

    def __init__(self, boxes: Sequence[Box], dims: Sequence[Dim]):
        self.boxes = list(boxes)
        self.dims = dims
        self.all = (1 << len(self.boxes)) - 1
        self.per_dim: dict[int, tuple] = {}
        for d in sorted({d for box in self.boxes for d in box}):
            self.per_dim[d] = self._index(d)

    def _index(self, d: int):
        """An input on which every box is an interval is indexed by the
        boxes' bounds (`interval_bounds`: box k meets box j there when
        LO_k < HI_j and HI_k > LO_j, one AND); any other by segments."""
        size = self.dims[d].size
        if all(_interval(box[d]) for box in self.boxes if d in box):
            return None, interval_bounds(d, self.boxes, size)
        box_runs: dict[int, list[tuple[int, int]]] = {}
        seg_of, table = segments(self.boxes, d, size, box_runs)
        seg_runs = {j: [(seg_of[a], seg_of[b]) for a, b in spans] for j, spans in box_runs.items()}
        return table, seg_runs

    def meeting(self, j: int) -> int:
        """Bit set of the boxes that share a point with box j (j included)."""
        out = self.all
        for d in self.boxes[j]:
            table, index = self.per_dim[d]
            if table is None:
                lows, highs, lo_le, hi_ge = index
                out &= lo_le[highs[j] - 1] & hi_ge[lows[j] + 1]
            else:
                hit = 0
                for a, b in index[j]:
                    hit |= range_or(table, a, b)
                out &= hit
            if not out:
                break
        return out


class ContainIndex:
    """Which boxes contain a region, as a bit set, without testing each.

    Per input some box constrains: if every box is an interval there, the
    bit sets of boxes starting at most / ending at least each value
    (`interval_bounds`: box j contains the region's values when LO_j is at
    most their lowest and HI_j past their highest); else the bit set of
    the boxes allowing each value. A box that leaves an input free
    contains any region there."""

    def __init__(self, boxes: Sequence[Box], dims: Sequence[Dim]):
        self.dims = dims
        self.all = (1 << len(boxes)) - 1
        self.per_dim: dict[int, tuple] = {}
        for d in sorted({d for box in boxes for d in box}):
            size = dims[d].size
            if all(_interval(box[d]) for box in boxes if d in box):
                _, _, lo_le, hi_ge = interval_bounds(d, boxes, size)
                self.per_dim[d] = (lo_le, hi_ge)
                continue
            allowing = [0] * size
            for j, box in enumerate(boxes):
                m = box.get(d, dims[d].full)
                for v in members(m):
                    allowing[v] |= 1 << j
            self.per_dim[d] = (None, allowing)

    def containing(self, region: Box) -> int:
        """Bit set of the boxes holding every point of `region`."""
        out = self.all
        for d, (lo_le, index) in self.per_dim.items():
            r = region.get(d, self.dims[d].full)
            if not r:
                continue  # an empty region: inside every box
            if lo_le is not None:
                out &= lo_le[(r & -r).bit_length() - 1] & index[r.bit_length()]
            else:
                for v in members(r):
                    out &= index[v]
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
