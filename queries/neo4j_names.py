"""Name resolution on Neo4j at the cost of the names that match, not of the database.

Reading every candidate node's names on every call (what :func:`resolve.lookup_cypher`
does) costs the size of the database per helper call. Instead the names of every node are
read once per graph version (:meth:`Neo4jBackend.graph_version`) into a
:class:`~citegraph.queries.resolve.NameIndex` (hashes of case-folded and folded names,
about 12 bytes a name, kept in this process); a call then looks the reference up there,
reads only the nodes it may name through the key constraints' indexes, and applies
:func:`~citegraph.queries.resolve.choose` to them: the rules, and so the answers, of the
embedded backend.
"""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict

from citegraph.graph import schema as S
from citegraph.queries.backends import Neo4jBackend
from citegraph.queries.resolve import (
    KINDS,
    Ambiguity,
    NameIndex,
    lookup_cypher,
    name_hashes,
    resolve_rows,
    rows_candidates,
)

#: Name indexes kept in a process (one per database and graph version); the oldest goes.
CACHED_SCOPES = 8
_CACHE: OrderedDict[str, tuple[str, NameIndex]] = OrderedDict()
_LOCK = threading.Lock()


class RowsNameIndex(NameIndex):
    """A :class:`NameIndex` over the rows of :func:`lookup_cypher` (every labelled node)."""

    def __init__(self, backend: Neo4jBackend) -> None:
        self.nids: list[str] = []
        hashes: list[int] = []
        positions: list[int] = []
        rows = backend.read(lookup_cypher(), {"labels": list(S.LABELS)})
        for c in rows_candidates(rows):
            seen = name_hashes(c)
            hashes.extend(seen)
            positions.extend([len(self.nids)] * len(seen))
            self.nids.append(c.nid)
        del rows
        self._sort(hashes, positions)


def name_index(backend: Neo4jBackend) -> NameIndex:
    """The database's name index at its current graph version (read on first use)."""
    version = backend.graph_version()
    with _LOCK:
        hit = _CACHE.get(backend.scope)
        if hit is not None and hit[0] == version:
            _CACHE.move_to_end(backend.scope)
            return hit[1]
        index = RowsNameIndex(backend)
        _CACHE[backend.scope] = (version, index)
        while len(_CACHE) > CACHED_SCOPES:
            _CACHE.popitem(last=False)
        return index


def candidates_cypher(label: str) -> str:
    """The lookup columns of the nodes of a schema label whose keys are in ``$keys``, read
    through the label's key index (the label is a schema constant, never a value)."""
    return (
        f"MATCH (n:`{label}`) WHERE n.`{S.KEY}` IN $keys"
        f" RETURN $label AS label, n.`{S.KEY}` AS key, n.`{S.NAME}` AS name,"
        f" n.`{S.TITLE}` AS title, n.`{S.ALIASES}` AS aliases, elementId(n) AS eid"
    )


def resolve_neo4j(backend: Neo4jBackend, ref: str, kind: str = "node", *,
                  ambiguous: Ambiguity = "error") -> list[str]:
    """Element ids of the database's nodes that ``ref`` means (the rules of
    :mod:`resolve`)."""
    labels = KINDS[kind]
    ref = ref.strip()
    nids = {ref, *(S.node_id(label, ref) for label in labels),
            *name_index(backend).lookup(ref)}
    keys: dict[str, list[str]] = defaultdict(list)
    for nid in nids:
        label, key = S.split_node_id(nid)
        if label in labels and key:
            keys[label].append(key)
    rows = []
    for label, wanted in sorted(keys.items()):
        rows.extend(backend.read(candidates_cypher(label),
                                 {"label": label, "keys": sorted(wanted)}))
    element = {S.node_id(r["label"], r["key"]): r["eid"] for r in rows}
    return [element[nid] for nid in resolve_rows(rows, ref, kind, ambiguous=ambiguous)]
