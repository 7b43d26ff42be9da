"""Pausing the cycle collector leaves it as it was found, nested or not,
and also when the work inside raises."""

from __future__ import annotations

import gc

import pytest

from clinrules.collector import paused


def test_paused_then_as_it_was():
    assert gc.isenabled()
    with paused():
        assert not gc.isenabled()
        with paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block does not turn it back on early
    assert gc.isenabled()


def test_left_off_when_the_caller_had_turned_it_off():
    gc.disable()
    try:
        with paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_back_on_after_an_error():
    with pytest.raises(RecursionError):
        with paused():
            raise RecursionError
    assert gc.isenabled()
