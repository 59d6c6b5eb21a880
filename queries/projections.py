"""PageRank and communities on Neo4j, computed once per graph version.

Projecting the graph into GDS reads the whole database; doing it on every call made
PageRank and communities the slowest helpers by far under concurrent use. So:

* the graph version is :meth:`Neo4jBackend.graph_version` (it changes with every commit);
* each algorithm has one named GDS projection per version,
  ``citegraph_<algorithm>_<version>``, created by whichever client asks first and reused
  by every later call and every other process; when a new one is made, the algorithm's
  projections of other versions are dropped;
* the computed values are kept in this process per backend scope, algorithm and GDS
  availability with the version they were computed at, and reused while the version
  stands (for at most :data:`CACHED_SCOPES` scopes).

Concurrency: threads of one process asking for the same algorithm wait on one lock, so
one of them computes. Two processes may both try to project the same version: the second
finds the name taken and uses the first's projection. A projection dropped by another
client (seeing a newer version) while this one streams it makes this call start over
with the version of that moment.

Without GDS (or when the database lacks the projected labels and types) the values are
computed in Python over the nodes and relationships read from Neo4j, cached the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from citegraph.errors import QueryError
from citegraph.graph import schema as S
from citegraph.queries.backends import Neo4jBackend

#: Every projection this module makes starts with this.
PREFIX = "citegraph_"
#: How often a call starts over after its projection was dropped under it.
ATTEMPTS = 3
#: Cached results kept in a process; the oldest entry goes first.
CACHED_SCOPES = 32

Values = dict[str, Any]


@dataclass(frozen=True)
class Algorithm:
    """A GDS stream procedure over an undirected projection, and its Python twin.

    ``python(nodes, edges)`` returns a value per node id, as ``procedure`` yields
    ``column`` per node.
    """

    name: str
    labels: tuple[str, ...]
    types: tuple[str, ...]
    procedure: str
    column: str
    python: Callable[..., dict[Any, Any]]
    config: dict[str, Any] = field(default_factory=dict)

    def projection(self, version: str) -> str:
        return f"{PREFIX}{self.name}_{version}"


class _ProjectionGone(Exception):
    """The projection was dropped by another client between creation and streaming."""


CacheKey = tuple[str, str, bool]
_CACHE: dict[CacheKey, tuple[str, Values, Values]] = {}
_LOCKS: dict[CacheKey, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _lock(key: CacheKey) -> threading.Lock:
    with _LOCKS_GUARD:
        return _LOCKS.setdefault(key, threading.Lock())


def values(backend: Neo4jBackend, algorithm: Algorithm) -> tuple[Values, Values]:
    """Value and display name by node id, for the database's current graph version."""
    key = (backend.scope, algorithm.name, backend.has_gds())
    for _ in range(ATTEMPTS):
        version = backend.graph_version()
        with _lock(key):
            cached = _CACHE.get(key)
            if cached is not None and cached[0] == version:
                return cached[1], cached[2]
            try:
                found = _compute(backend, algorithm, version)
            except _ProjectionGone:
                continue
            _CACHE[key] = (version, *found)
            while len(_CACHE) > CACHED_SCOPES:
                del _CACHE[next(iter(_CACHE))]
            return found
    raise QueryError(f"{algorithm.name}: the graph kept changing while it was projected; "
                     "try again")


def _compute(backend: Neo4jBackend, algorithm: Algorithm, version: str
             ) -> tuple[Values, Values]:
    rows = _gds_rows(backend, algorithm, version)
    if rows is None:
        nodes, edges, names = read_projection(backend, algorithm.labels, algorithm.types)
        return algorithm.python(nodes, edges), names
    found = {S.node_id(r["label"], r["key"]): r for r in rows}
    return ({nid: r["value"] for nid, r in found.items()},
            {nid: r["name"] for nid, r in found.items()})


def read_projection(
    backend: Neo4jBackend, labels: tuple[str, ...], types: tuple[str, ...]
) -> tuple[list[str], list[tuple[str, str]], dict[str, Any]]:
    """Node ids, edges and display names of the given kinds, read from Neo4j."""
    params = {"labels": list(labels), "types": list(types)}
    node_rows = backend.read(
        "MATCH (n) WHERE any(l IN labels(n) WHERE l IN $labels)"
        " RETURN [l IN labels(n) WHERE l IN $labels][0] AS label,"
        f" n.`{S.KEY}` AS key, coalesce(n.`{S.NAME}`, n.`{S.TITLE}`) AS name",
        params,
    )
    names = {S.node_id(r["label"], r["key"]): r["name"] for r in node_rows}
    edge_rows = backend.read(
        "MATCH (a)-[r]->(b) WHERE type(r) IN $types"
        " AND any(l IN labels(a) WHERE l IN $labels) AND any(l IN labels(b) WHERE l IN $labels)"
        " RETURN [l IN labels(a) WHERE l IN $labels][0] AS sl, a.`" + S.KEY + "` AS s,"
        " [l IN labels(b) WHERE l IN $labels][0] AS el, b.`" + S.KEY + "` AS e",
        params,
    )
    edges = [(S.node_id(r["sl"], r["s"]), S.node_id(r["el"], r["e"])) for r in edge_rows]
    return list(names), edges, names


def _gds_rows(backend: Neo4jBackend, algorithm: Algorithm, version: str
              ) -> list[dict[str, Any]] | None:
    """``label, key, name, value`` per node from GDS, or None without GDS or without the
    projected kinds in the database."""
    if not backend.has_gds():
        return None
    present = {r["label"] for r in backend.read("CALL db.labels() YIELD label", {})}
    rels = {r["t"] for r in backend.read(
        "CALL db.relationshipTypes() YIELD relationshipType AS t", {})}
    labels = [label for label in algorithm.labels if label in present]
    rel_projection = {t: {"orientation": "UNDIRECTED"} for t in algorithm.types if t in rels}
    if not labels or not rel_projection:
        return None
    name = algorithm.projection(version)
    _ensure_projection(backend, algorithm, name, labels, rel_projection)
    try:
        return backend.read(
            f"CALL {algorithm.procedure}($name, $config) YIELD nodeId, {algorithm.column}"
            f" WITH gds.util.asNode(nodeId) AS n, {algorithm.column} AS value"
            " RETURN [l IN labels(n) WHERE l IN $labels][0] AS label,"
            f" n.`{S.KEY}` AS key, coalesce(n.`{S.NAME}`, n.`{S.TITLE}`) AS name, value",
            {"name": name, "config": algorithm.config, "labels": labels},
        )
    except QueryError:
        if not _exists(backend, name):
            raise _ProjectionGone from None
        raise


def _ensure_projection(backend: Neo4jBackend, algorithm: Algorithm, name: str,
                       labels: list[str], rels: dict[str, Any]) -> None:
    """Project ``name`` unless it exists; then drop the algorithm's other versions."""
    if _exists(backend, name):
        return
    try:
        backend.write("CALL gds.graph.project($name, $labels, $rels) YIELD graphName "
                      "RETURN graphName", {"name": name, "labels": labels, "rels": rels})
    except QueryError:
        if not _exists(backend, name):
            raise
        return  # another client projected it meanwhile: use theirs
    backend.write(
        "CALL gds.graph.list() YIELD graphName WITH graphName"
        " WHERE graphName STARTS WITH $prefix AND graphName <> $name"
        " CALL gds.graph.drop(graphName, false) YIELD graphName AS dropped RETURN dropped",
        {"prefix": f"{PREFIX}{algorithm.name}_", "name": name},
    )


def _exists(backend: Neo4jBackend, name: str) -> bool:
    rows = backend.read("CALL gds.graph.exists($name) YIELD exists RETURN exists",
                        {"name": name})
    return bool(rows and rows[0]["exists"])
