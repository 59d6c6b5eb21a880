"""Python's cyclic garbage collector held off while a graph is put into memory or extended.

A graph is millions of small containers (adjacency dicts, edge mappings, tuples, lists)
and holds no reference cycles the collector must find. Every container made counts
toward the next collection, and every full collection walks all the objects tracked so
far, so loading a graph, or extending a loaded one, with the collector on spends about
as long again in collections that free nothing.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No collection while the block runs (for a load, which makes no garbage); the
    collector's state before is restored after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def heap_frozen() -> Iterator[None]:
    """The objects alive when the block starts (a loaded graph) left out of collections
    while it runs, which still collect what the block makes; they are tracked again
    after, so a graph dropped later is freed as usual. A process that froze objects
    itself is left as it is."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
