"""The server's heap: what lives is frozen after each settlement, and a
cycle that dies frozen is still collected by the periodic full collection."""

from __future__ import annotations

import gc
import weakref

import pytest

from clinrules.lsp.heap import Heap


class _Node:
    def __init__(self) -> None:
        self.other = self


@pytest.fixture(autouse=True)
def _thawed():
    yield
    gc.unfreeze()


def test_what_lives_at_a_settlement_is_frozen():
    heap = Heap(full_every=4)
    kept = [_Node() for _ in range(10)]
    heap.settle()
    assert gc.get_freeze_count() >= len(kept)
    assert heap.full == 0


def test_a_cycle_that_dies_frozen_is_collected_by_the_full_collection():
    gc.unfreeze()
    heap = Heap(full_every=3)
    cycle = _Node()
    gone = weakref.ref(cycle)
    heap.settle()  # the cycle is frozen
    del cycle
    gc.collect()
    assert gone() is not None  # frozen: the collector does not look at it
    heap.settle()
    assert gone() is not None
    heap.settle()  # the third: a full collection first
    assert heap.full == 1
    assert gone() is None
