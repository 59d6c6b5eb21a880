"""The garbage-collector holds of loads and appends leave the collector as they found it."""

from __future__ import annotations

import gc

import pytest

from citegraph.graph.collector import collector_paused, heap_frozen


def test_a_paused_collector_is_enabled_again_even_after_an_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        assert not gc.isenabled()
        raise RuntimeError("stop")
    assert gc.isenabled()


def test_a_disabled_collector_stays_disabled():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_frozen_heap_is_tracked_again_after():
    assert gc.get_freeze_count() == 0
    with heap_frozen():
        assert gc.get_freeze_count() > 0
        made = [[n] for n in range(10)]  # made inside: collected as usual
        assert all(gc.is_tracked(x) for x in made)
    assert gc.get_freeze_count() == 0


def test_a_heap_frozen_by_the_caller_is_left_frozen():
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with heap_frozen():
            pass
        assert gc.get_freeze_count() == before
    finally:
        gc.unfreeze()
