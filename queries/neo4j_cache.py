"""Whole-graph helpers on Neo4j, answered once per graph version.

A ranking such as ``most_cited`` or ``top_authors`` reads every paper or author whatever
its ``limit``; on a big database each call costs seconds. A helper registered with
``whole_graph=True`` is therefore run on Neo4j once per graph version
(:meth:`Neo4jBackend.graph_version`, which changes with every commit) and argument set,
with no effective limit, and kept in this process; calls then slice the kept rows to
their ``limit``. The rows are the ones the statement returns, so answers do not change.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from citegraph.queries.backends import Neo4jBackend
from citegraph.queries.registry import Helper, Row

#: Answers kept in a process (one per database, helper and arguments); the oldest goes.
CACHED_ANSWERS = 256
#: The limit a whole-graph statement runs with: every row.
EVERY_ROW = 2**62

_CACHE: OrderedDict[tuple[Any, ...], tuple[str, list[Row]]] = OrderedDict()
_LOCK = threading.Lock()


def whole_graph_rows(backend: Neo4jBackend, helper: Helper, values: dict[str, Any],
                     run: Callable[[dict[str, Any]], list[Row]]) -> list[Row]:
    """``run(values)`` through the cache: computed with every row at the current graph
    version, then cut to ``values["limit"]`` when the helper has a limit."""
    limited = "limit" in values
    unlimited = {**values, "limit": EVERY_ROW} if limited else values
    key = (backend.scope, helper.name, tuple(sorted((k, repr(v)) for k, v in
                                                    unlimited.items())))
    version = backend.graph_version()
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None and hit[0] == version:
            _CACHE.move_to_end(key)
            rows = hit[1]
        else:
            rows = None
    if rows is None:
        rows = run(unlimited)
        with _LOCK:
            _CACHE[key] = (version, rows)
            while len(_CACHE) > CACHED_ANSWERS:
                _CACHE.popitem(last=False)
    if limited and values["limit"] is not None:
        rows = rows[: max(int(values["limit"]), 0)]
    return [dict(r) for r in rows]
