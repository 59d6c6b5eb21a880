"""An append that changes the graph it extends, rather than building a new graph beside it.

An append (:func:`citegraph.graph.pipeline.build_graph` with a base) builds the new
graph's papers, authors, explicit citations, entities and keywords from the merged
records (the *primary* part; small next to the derived edges), and the derived edges
(similar papers, co-mentions, inferred citations, co-citation, coupling, co-authorship,
keyword co-occurrence) from the base's edges, counting again only what the new papers
touch. Copying every derived edge the append leaves alone into the new graph costs
about as much as the full build spent making it, and holds two graphs in memory.

In place, the update functions leave those edges where they are and say instead which
old derived edges to drop and which to give new properties (:class:`Kept`). The base is
then brought to the new graph (:func:`transplant`): nodes and primary edges as the new
graph has them, the dropped derived edges removed, the new and recounted ones added.
The result has exactly the nodes, edges and properties the copying append gives (the
same functions decide every edge), so it equals a full build as that one does.

The base is changed, so only a caller that owns it appends in place: ``build(NEW,
base=DIR)`` and ``--append`` (which load it for the purpose), or ``kg.append(...,
in_place=True)``. While it changes, the base logs the edges touched (:class:`EdgeLog`),
so that saving it back to the directory it was loaded from writes only those edges as an
append shard (:mod:`citegraph.graph.stores.files`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from citegraph.graph import schema as S

if TYPE_CHECKING:
    from citegraph.graph.model import KnowledgeGraph

Ident = tuple[str, str, str]  # (start, end, edge key), as stored

#: Keys of the derived edges: every other edge is primary, made again by an append.
DERIVED_KEYS = frozenset({
    S.SIMILAR_TO, S.CO_MENTIONED, S.CO_CITED, S.COUPLED, S.CO_AUTHORED, S.CO_OCCURS,
    S.edge_key(S.CITES, "inferred"),
})
#: Derived kinds with many edges, which an in-place append reads only around changed
#: nodes (never listed whole).
NETWORKS = frozenset({S.CO_CITED, S.COUPLED, S.CO_AUTHORED, S.CO_OCCURS})


@dataclass
class Kept:
    """What an in-place append does to the base's derived edges, as the update functions
    decide it: edges to drop (with every edge of the kinds in ``drop_all``), and new
    properties for edges that stay."""

    drop: list[Ident] = field(default_factory=list)
    drop_all: set[str] = field(default_factory=set)
    updates: list[tuple[Ident, dict[str, Any]]] = field(default_factory=list)
    #: The base's primary edges, listed when it was indexed: the new graph may lack some.
    old_primary: list[Ident] = field(default_factory=list)

    def drop_around(self, kg: KnowledgeGraph, nodes: set[str], key: str) -> None:
        """Drop the ``key`` edges at any of ``nodes`` (read from the adjacency of those
        nodes only)."""
        if key in S.COLUMNAR_TYPES:
            self.drop.extend((u, v, key) for n in nodes for u, v, _, _ in kg.pairs.at(n, key))
            return
        succ, pred = kg.g._succ, kg.g._pred  # noqa: SLF001 - read only
        for n in nodes:
            if n not in succ:
                continue
            self.drop.extend((n, v, key) for v, keys in succ[n].items() if key in keys)
            self.drop.extend((u, n, key) for u, keys in pred[n].items() if key in keys)


class EdgeLog:
    """The edges an in-place append touched, each with its properties before (None when
    it was not in the graph), so a save writes only those that differ; ``origin`` is
    where the graph was loaded from (its ``saved_at``) when it was unchanged since, and
    ``stamp`` its change stamp when the append ended."""

    def __init__(self, origin: tuple[str, str, tuple[int, int, int]] | None) -> None:
        self.origin = origin
        self.stamp: tuple[int, int, int] | None = None
        self.before: dict[Ident, Any] = {}

    def touch(self, start: str, end: str, key: str, props: Any) -> None:
        """Note an edge about to change; ``props`` is what it holds now (None: nothing),
        kept as it is (a copy when the edge's mapping will be changed in place)."""
        ident = (start, end, key)
        if ident not in self.before:
            self.before[ident] = props


def transplant(base: KnowledgeGraph, new: KnowledgeGraph, kept: Kept) -> KnowledgeGraph:
    """Turn ``base`` into the graph the copying append would have made: ``new`` holds its
    primary part and the derived edges counted again, ``kept`` what happens to the old
    derived edges. Returns ``base``; ``new`` is read only (the caller drops it).

    Everything before this step (reading, matching, extraction, the edge updates) reads
    ``base`` and writes ``new``, so an error there leaves ``base`` as it was."""
    from citegraph.graph.stores.files import change_stamp

    unchanged = base.saved_at is not None and base.saved_at[2] == change_stamp(base)
    log = base.edge_log = EdgeLog(base.saved_at if unchanged else None)
    _sync_nodes(base, new)
    for ident in kept.drop:
        base.remove_edge(*ident)
    if kept.drop_all:
        doomed = [(u, v, k) for u, v, k, rel, _ in base.keyed_edges()
                  if rel in kept.drop_all and k in DERIVED_KEYS]
        for ident in doomed:
            base.remove_edge(*ident)
    _sync_edges(base, new, kept.old_primary)
    for (u, v, k), props in kept.updates:
        if base.has_edge(u, v, k):
            rel, discriminator = S.split_edge_key(k)
            base.add_edge(rel, u, v, discriminator, **props)
    _order_as(base, new)
    base.embeddings = new.embeddings
    base.entity_cache = new.entity_cache
    base.merge_report = new.merge_report
    base.base = None
    base.refresh_rdf()
    log.stamp = change_stamp(base)
    return base


def _sync_nodes(base: KnowledgeGraph, new: KnowledgeGraph) -> None:
    """``base``'s nodes as ``new`` has them: the ones it lacks removed (with their edges),
    changed ones given ``new``'s properties, new ones added (at the end)."""
    wanted = new.g._node  # noqa: SLF001 - read only
    base.remove_nodes([nid for nid in base.g if nid not in wanted])
    have = base.g._node  # noqa: SLF001
    for nid, attrs in wanted.items():
        mine = have.get(nid)
        if mine is None:
            base.add_node(attrs[S.LABEL], attrs[S.KEY], **{
                k: v for k, v in attrs.items() if k not in (S.LABEL, S.KEY)})
        elif mine != attrs:
            base.set_properties(nid, attrs)


def _order_as(base: KnowledgeGraph, new: KnowledgeGraph) -> None:
    """``base``'s nodes (and the adjacency, which edges are listed by) in ``new``'s order,
    as the copying append leaves them: a later append reads the graph's papers, and the
    works they cite, in that order. The dicts are reordered in place (views of them
    stay valid)."""
    order = list(new.g._node)  # noqa: SLF001
    g = base.g
    for table in (g._node, g._succ, g._pred):  # noqa: SLF001
        entries = [(nid, table.pop(nid)) for nid in order]
        table.update(entries)


def _sync_edges(base: KnowledgeGraph, new: KnowledgeGraph, old_primary: list[Ident]) -> None:
    """``base``'s primary edges (``old_primary``) as ``new`` has them (made again from
    the records, so replaced whole), and ``new``'s derived edges added, or set on an old
    edge that stays, as the copying append sets them on the copy."""
    old_succ = base.g._succ  # noqa: SLF001
    new_succ = new.g._succ  # noqa: SLF001
    empty: dict[str, Any] = {}
    for u, v, k in old_primary:  # primary edges the new graph lacks
        if k not in new_succ.get(u, empty).get(v, ()):
            base.remove_edge(u, v, k)
    movable = type(base.g) is type(new.g)  # the same edge layout: an edge moves as it is
    ids = base._ids  # noqa: SLF001 - the base's one string per node id
    log = base.edge_log
    for u, nbrs in new_succ.items():
        mine = old_succ[u]
        for v, keys in nbrs.items():
            have = mine.get(v)
            for k, attrs in keys.items():
                if have is not None and k in have:
                    if have[k] == attrs:
                        continue
                    if k in DERIVED_KEYS or not movable:  # as the copy sets it on its edge
                        rel, discriminator = S.split_edge_key(k)
                        base.add_edge(rel, u, v, discriminator,
                                      **{p: x for p, x in attrs.items() if p != S.TYPE})
                        continue
                    base.remove_edge(u, v, k)
                    have = mine.get(v)
                if not movable:
                    rel, discriminator = S.split_edge_key(k)
                    base.add_edge(rel, u, v, discriminator,
                                  **{p: x for p, x in attrs.items() if p != S.TYPE})
                    continue
                # checked when it was added to the new graph, which is dropped after
                if have is None:
                    start, end = ids.get(u, u), ids.get(v, v)
                    have = old_succ[start][end] = base.g._pred[end][start] = (  # noqa: SLF001
                        base.g.edge_key_dict_factory())
                if log is not None:
                    log.touch(u, v, k, None)
                have[k] = attrs
    for u, v, rel, attrs in new.pairs.edges():  # all derived: set as the copy sets them
        if base.edge(u, v, rel) != attrs:
            base.add_edge(rel, u, v, **{p: x for p, x in attrs.items() if p != S.TYPE})
    base._changes += 1  # noqa: SLF001 - edges moved in without add_edge
