"""The indexed coverage sweep (`space.boxes._Indexed`, used from
`INDEXED_FROM` boxes on) must find exactly what the plain sweep finds: the
same uncovered regions, in the same order, by the same splits; so must the
sweeps that skip regions a few boxes cover. Coverage by subtraction and
`ContainIndex` are checked against the sweep and brute force. Random box
sets over numeric inputs (intervals, and masks with holes), options and
yes/no, with and without a missing value, inside random spaces."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinrules.space import boxes
from clinrules.space.regions import Dim, Region


@st.composite
def problems(draw):
    dims = []
    for i in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["number", "number", "one of", "yes/no"]))
        if kind == "number":
            values = tuple(Region(Fraction(k), Fraction(k), True) for k in range(draw(st.integers(1, 12))))
        elif kind == "one of":
            values = tuple(f"o{k}" for k in range(draw(st.integers(2, 5))))
        else:
            values = (True, False)
        dims.append(Dim(i, f"x{i}", f"x{i}", kind, values, draw(st.booleans()), {}))

    def mask(dim: Dim) -> int:
        if draw(st.integers(0, 4)):  # mostly intervals, as comparisons give
            a = draw(st.integers(0, dim.size - 1))
            b = draw(st.integers(a, dim.size - 1))
            return ((1 << (b + 1)) - 1) ^ ((1 << a) - 1)
        return draw(st.integers(1, dim.full))

    density = draw(st.sampled_from([0.3, 0.6, 0.9]))
    out = []
    for _ in range(draw(st.integers(1, 80))):
        box = {}
        for dim in dims:
            if draw(st.floats(0, 1)) < density:
                m = mask(dim)
                if m != dim.full:
                    box[dim.index] = m
        out.append(box)
    space = {dim.index: mask(dim) for dim in dims if draw(st.booleans())}
    return out, space, dims


def _leftovers(monkeypatch, threshold: int, found, space, dims):
    monkeypatch.setattr(boxes, "INDEXED_FROM", threshold)
    sweep = boxes.Sweep(found, space, dims)
    assert (sweep._indexed is not None) == (threshold <= len(sweep.boxes))
    return list(sweep._leftovers()), sweep.uncovered(), sweep.first_uncovered()


@settings(max_examples=150, deadline=None)
@given(problems())
def test_indexed_sweep_splits_as_the_plain_one(problem):
    found, space, dims = problem
    with pytest.MonkeyPatch.context() as mp:
        plain = _leftovers(mp, 10**9, found, space, dims)
        indexed = _leftovers(mp, 1, found, space, dims)
    assert indexed == plain


def test_a_large_partition_takes_the_indexed_path_and_finds_its_hole():
    dims = [Dim(i, f"x{i}", f"x{i}", "number",
                tuple(Region(Fraction(k), Fraction(k), True) for k in range(40)), False, {})
            for i in range(2)]
    cells = [{0: 1 << a, 1: 1 << b} for a in range(40) for b in range(40) if (a, b) != (7, 30)]
    sweep = boxes.Sweep(cells, {}, dims)
    assert sweep._indexed is not None
    assert sweep.uncovered() == [{0: 1 << 7, 1: 1 << 30}]


@settings(max_examples=150, deadline=None)
@given(problems())
def test_skipping_covered_regions_changes_no_leftover(problem):
    """Both sweeps skip a region a few live boxes cover (`covered_by_few`):
    the same regions, in the same order, as without skipping."""
    found, space, dims = problem
    for threshold in (10**9, 1):
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(boxes, "FEW", 0)
            unskipped = _leftovers(mp, threshold, found, space, dims)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(boxes, "PIECES", 10**9)
            assert _leftovers(mp, threshold, found, space, dims) == unskipped


@settings(max_examples=200, deadline=None)
@given(problems())
def test_coverage_by_subtraction_agrees_with_the_sweep(problem):
    found, space, dims = problem
    region = {d: m for d, m in space.items() if m}
    few = found[:boxes.FEW]
    by_sweep = boxes.Sweep(few, region, dims).first_uncovered() is None
    assert boxes.covered_by_few(region, few, dims) in (by_sweep, None)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(boxes, "PIECES", 10**9)
        assert boxes.covered_by_few(region, few, dims) == by_sweep


@settings(max_examples=150, deadline=None)
@given(problems())
def test_contain_index_finds_exactly_the_boxes_holding_a_region(problem):
    found, space, dims = problem
    expected = 0
    for j, box in enumerate(found):
        if all(not space.get(d, dims[d].full) & ~m for d, m in box.items()):
            expected |= 1 << j
    assert boxes.ContainIndex(found, dims).containing(space) == expected
