"""A partition indexed for patients: which cells a patient can be in.

The cells of a decision over the whole space are computed once; a patient
with missing data is then a box (known inputs fixed, unknown ones free),
and the cells it meets are a few big-integer ANDs: per input and value, the
bit set of the cells allowing that value. The results of those cells are
the results the patient can still get; the inputs it needs follow from the
cells that face each other across one input (`space.partition`,
`dependent_dims`), also as bit sets: per input and cell, the cells that
overlap it there.
"""

from __future__ import annotations

from typing import Hashable, Sequence

from clinrules.space.boxes import Box, range_or, runs, segments
from clinrules.space.regions import Dim


class CellIndex:
    def __init__(self, cells: Sequence[tuple[Box, Hashable]], dims: Sequence[Dim]):
        self.cells = list(cells)
        self.dims = dims
        n = len(self.cells)
        self.all = (1 << n) - 1
        self.results: list[Hashable] = []
        self.by_result: dict[Hashable, int] = {}
        self.result_of: list[Hashable] = []
        for j, (_, result) in enumerate(self.cells):
            if result not in self.by_result:
                self.results.append(result)
                self.by_result[result] = 0
            self.by_result[result] |= 1 << j
            self.result_of.append(result)
        self.split = sorted({d for box, _ in self.cells for d in box})
        # per input: its values merged into segments on which every cell
        # agrees, each with the bit set of the cells allowing it, and a
        # sparse table answering "cells allowing some value in a..b"
        self.per_dim: dict[int, tuple[list[int], list[list[int]]]] = {}
        for d in self.split:
            self.per_dim[d] = segments([box for box, _ in self.cells], d, dims[d].size)
        self._overlap: dict[int, list[int]] = {}

    def _allowing(self, d: int, mask: int) -> int:
        """The cells allowing some value of `mask` on input d."""
        seg_of, table = self.per_dim[d]
        hit = 0
        for first, last in runs(mask):
            hit |= range_or(table, seg_of[first], seg_of[last])
        return hit

    def meeting(self, patient: Box) -> int:
        """Bit set of the cells that share a completion with `patient`."""
        out = self.all
        for d, mask in patient.items():
            if d not in self.per_dim or mask == self.dims[d].full:
                continue
            out &= self._allowing(d, mask)
            if not out:
                break
        return out

    def results_in(self, cells: int) -> list[Hashable]:
        return [r for r in self.results if cells & self.by_result[r]]

    def overlap(self, d: int) -> list[int]:
        """Per cell, the cells whose values of input d meet its own."""
        got = self._overlap.get(d)
        if got is None:
            got = [self._allowing(d, box[d]) if d in box else self.all for box, _ in self.cells]
            self._overlap[d] = got
        return got

    def needs(self, cells: int, free: Sequence[int]) -> set[int]:
        """The inputs among `free` on which the result depends for a patient
        meeting `cells`: two of those cells of different results overlap
        on every free input but that one."""
        free = [d for d in free if d in self.per_dim]
        out: set[int] = set()
        overlaps = {d: self.overlap(d) for d in free}
        members = []
        rest = cells
        while rest:
            low = rest & -rest
            members.append(low.bit_length() - 1)
            rest ^= low
        for u in free:
            for a in members:
                others = cells & ~self.by_result[self.result_of[a]]
                for v in free:
                    if v != u and others:
                        others &= overlaps[v][a]
                if others:
                    out.add(u)
                    break
        return out

    def boxes(self, cells: int, patient: Box) -> list[tuple[Box, Hashable]]:
        """The cells meeting the patient, cut to the patient's box."""
        out = []
        rest = cells
        while rest:
            low = rest & -rest
            j = low.bit_length() - 1
            rest ^= low
            box, result = self.cells[j]
            cut = {}
            for d, m in box.items():
                allowed = patient.get(d, self.dims[d].full)
                if m & allowed != allowed:
                    cut[d] = m & allowed
            out.append((cut, result))
        return out
