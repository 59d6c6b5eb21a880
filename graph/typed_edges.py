"""Edges of a few types, read without scanning every edge of the graph.

:meth:`KnowledgeGraph.edges` with a type walks every edge and reads its properties to
test the type, so a stage that reads one or two kinds pays for all the others too: in a
built graph most edges are citations, authorships and similar-paper links, which do not
grow with the mentions such a stage reads. Here only the out-edges of nodes with the given
labels are walked (a kind starts at the labels its entry in
:data:`citegraph.graph.schema.REL_KINDS` names), and an edge's type is read from its key,
which encodes it (:func:`schema.edge_key`: :meth:`KnowledgeGraph.add_edge` keys every edge
so, and every reader of a saved graph refuses an edge whose key does not match its type),
so no other edge's properties are read. The edges come in the order
:meth:`KnowledgeGraph.edges` gives them: nodes in graph order, each node's edges in
insertion order.
"""

from __future__ import annotations

from collections.abc import Collection

import networkx as nx

from citegraph.graph import schema as S
from citegraph.graph.compact import EdgeKeys

#: ``(start, end, properties)`` of one edge.
Edge = tuple[str, str, dict]


def edges_from(g: nx.MultiDiGraph, labels: Collection[str], rel_types: Collection[str]
               ) -> dict[str, list[Edge]]:
    """The edges of each type in ``rel_types`` that start at a node with one of
    ``labels``, by type, each list in graph order (see the module docstring). The
    columnar types are not in ``g`` (:attr:`KnowledgeGraph.pairs`): asking for one is
    a ``ValueError``."""
    columnar = set(rel_types) & S.COLUMNAR_TYPES
    if columnar:
        raise ValueError(f"{', '.join(sorted(columnar))} edges are held in columns, not in "
                         "the networkx graph")
    out: dict[str, list[Edge]] = {rel: [] for rel in rel_types}
    nodes, succ, sep = g._node, g._succ, S.EDGE_KEY_SEPARATOR  # noqa: SLF001

    def keep(start: str, end: str, key: str, attrs: dict) -> None:
        bucket = out.get(key.partition(sep)[0] if sep in key else key)
        if bucket is not None:
            bucket.append((start, end, attrs))

    for start, neighbours in succ.items():
        if nodes[start][S.LABEL] not in labels:
            continue
        for end, keydict in neighbours.items():
            if type(keydict) is EdgeKeys:
                # the compact layout read in place: one key and its attributes, or two
                # parallel tuples (see :class:`EdgeKeys`); no view object per edge
                keys, attrs = keydict._keys, keydict._attrs  # noqa: SLF001
                if type(keys) is str:
                    bucket = out.get(keys)
                    if bucket is not None:
                        bucket.append((start, end, attrs))
                    elif sep in keys:
                        keep(start, end, keys, attrs)
                elif keys is not None:
                    for key, one in zip(keys, attrs, strict=True):
                        keep(start, end, key, one)
            else:
                for key, one in keydict.items():
                    keep(start, end, key, one)
    return out
