"""Patients and regions in the editor's words.

A witness is a whole patient in the form `clinrules eval --facts` accepts:
quantities as `"6 weeks"` in the unit the input was declared with (or, when
the exact value has no terminating decimal there, another accepted unit in
which it has: `"10.5 days"`), yes/no as true/false, options by name,
numbers as JSON integers or exact decimal strings.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Sequence

from clinrules.space.boxes import Box
from clinrules.space.regions import Dim
from clinrules.space.words import Words, describe, target

__all__ = ["Words", "describe", "describe_box", "patient", "patient_or_missing", "prefer", "target"]


def prefer(dim: Dim, mask: int) -> int:
    """Which value of `mask` a witness shows: no over yes, the first
    option; for numbers an open interval over a boundary point, the one
    whose shown value is nearest the input's typical value."""
    mask &= dim.known
    indices = list(dim.value_bits(mask))
    if not indices:
        raise ValueError(f"no known value left for {dim.name}")
    if dim.type == "yes/no":
        return 1 if 1 in indices else indices[0]
    if dim.type in ("number", "quantity"):
        open_ = [i for i in indices if not dim.values[i].point]
        near = target(dim)
        if open_ and near is None:
            return open_[0]
        choices = open_ or indices
        if near is not None:
            # regions are in value order: only the last one starting below
            # `near` (it holds it, or is the nearest on the left) and the
            # next one (the nearest on the right) can show the nearest value
            values = dim.values
            p = bisect_left(choices, True, key=lambda i: values[i].lo is not None and values[i].lo >= near)
            nearby = choices[max(p - 1, 0):p + 1]
            return min(nearby, key=lambda i: abs(values[i].nice(near) - near))
    return indices[0]


def patient(box: Box, dims: Sequence[Dim], words: Words) -> dict:
    """A whole patient (every input known) inside `box`."""
    out = {}
    for dim in dims:
        out[dim.name] = words.value(dim, prefer(dim, box.get(dim.index, dim.full)))
    return out


def patient_or_missing(box: Box, dims: Sequence[Dim], words: Words) -> dict:
    """A patient inside `box`, where the box may require inputs to be
    missing: those are given as None (unknown, as `eval --facts` reads
    null); every other input gets a known value."""
    out = {}
    for dim in dims:
        mask = box.get(dim.index, dim.full)
        out[dim.name] = words.value(dim, prefer(dim, mask)) if mask & dim.known else None
    return out


def describe_box(box: Box, dims: Sequence[Dim], words: Words, skip: Box | None = None,
                 phrases: Sequence[tuple[frozenset, str]] = ()) -> str:
    """A region in words; inputs whose part equals `skip` (the scope) are
    left out, since every region reported lies inside the scope anyway.
    `phrases` replace the parts of some inputs by one phrase (a definition
    the region matches exactly there), shown where its first input stands."""
    replaced = {min(ds): text for ds, text in phrases}
    hidden = {d for ds, _ in phrases for d in ds}
    parts = []
    for dim in dims:
        if dim.index in replaced:
            parts.append(replaced[dim.index])
        if dim.index in hidden:
            continue
        mask = box.get(dim.index, dim.full) & dim.known
        if mask == dim.known:
            continue
        if skip is not None and (skip.get(dim.index, dim.full) & dim.known) == mask:
            continue
        parts.append(describe(dim, mask, words))
    return ", ".join(parts) if parts else "every patient"
