"""Co-occurrence edges of an extended graph from the edges it had, redoing only the pairs
the new papers touch.

A co-occurrence network (co-citation, coupling, co-authorship, keyword co-occurrence,
co-mention) pairs the columns of an incidence matrix: rows are the evidence (citing
papers, cited works, papers), columns the items paired. A pair's count and evidence are
the rows holding both, and its strength is taken from the two column totals. So when the
rows change (an append adds rows and may change old ones):

* a *changed column* is one that joined or left a row between the old and the new graph
  (a new row, a row gone, a paper citing one more work: only the columns that moved);
* a pair of two unchanged columns is held by exactly the rows that held it (no row gained
  or lost either), and each column keeps its total: its edge is the old edge, copied;
* every pair with a changed column is counted again, from one product of the changed
  columns with the whole new matrix, thresholded as in the full build.

Co-mention strength (NPMI) also depends on the number of rows, which an append changes,
so a copied co-mention edge has its strength computed again from its count and totals.
The result equals a full build of the new graph, provided the old graph was built with
the same thresholds (the same assumption as :mod:`citegraph.graph.similarity_update`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from scipy import sparse

from citegraph.graph import bibliometrics as B
from citegraph.graph import comention as C
from citegraph.graph import schema as S
from citegraph.graph.in_place import DERIVED_KEYS, Kept
from citegraph.graph.model import KnowledgeGraph


class IndexedBase:
    """The graph an append extends, read only, with its edges listed per type: the update
    functions read several types of it, and each :meth:`KnowledgeGraph.edges` call would
    scan every edge. Types in ``unlisted`` are only counted (an in-place append reads
    those around changed nodes, see :class:`~citegraph.graph.in_place.Kept`)."""

    def __init__(self, kg: KnowledgeGraph, unlisted: frozenset[str] = frozenset()) -> None:
        self.kg = kg
        self.g = kg.g
        self.embeddings = kg.embeddings
        self._by_type: dict[str, list[tuple[str, str, str, dict]]] = defaultdict(list)
        self._counts: dict[str, int] = defaultdict(int)
        #: With ``unlisted`` (an in-place append): ``(start, end, key)`` of every primary
        #: edge (:data:`~citegraph.graph.in_place.DERIVED_KEYS`), to compare with the new
        #: graph's.
        self.primary: list[tuple[str, str, str]] = []
        by_type, counts, primary = self._by_type, self._counts, self.primary
        derived = DERIVED_KEYS if unlisted else None
        counts.update(kg.pairs.counts())  # listed on demand from their columns
        for u, v, k, rel, attrs in kg.keyed_edges(pairs=False):
            counts[rel] += 1
            if rel not in unlisted:
                by_type[rel].append((u, v, rel, attrs))
            if derived is not None and k not in derived:
                primary.append((u, v, k))
        self.unlisted = unlisted

    def edges(self, rel_type: str) -> Iterator[tuple[str, str, str, dict]]:
        if rel_type in self.unlisted:
            raise ValueError(f"{rel_type} edges are counted, not listed")
        if rel_type in S.COLUMNAR_TYPES:
            return self.kg.edges(rel_type)
        return iter(self._by_type.get(rel_type, ()))

    def has(self, rel_type: str) -> bool:
        """Whether the graph has an edge of ``rel_type``."""
        return self._counts.get(rel_type, 0) > 0

    def node(self, nid: str) -> dict:
        return self.kg.node(nid)

    def nodes(self, label: str | None = None) -> Iterator[tuple[str, dict]]:
        return self.kg.nodes(label)

    def has_node(self, nid: str) -> bool:
        return nid in self.g


def changed_columns(old: B.Rows, new: B.Rows) -> set[str]:
    """Columns that joined or left a row (a row new or gone counts as all its columns)."""
    out: set[str] = set()
    empty: frozenset[str] = frozenset()
    for row in old.keys() | new.keys():
        before, after = old.get(row, empty), new.get(row, empty)
        if before != after:
            out.update(before ^ after)
    return out


def pairs_touching(m: sparse.spmatrix, cols: np.ndarray, min_count: int) -> B.Pairs:
    """The pairs (i < j) of ``m``'s columns sharing at least ``min_count`` rows with at
    least one end in ``cols`` (sorted column indices), with counts and cosine, in the
    order :func:`citegraph.graph.bibliometrics.co_occurrence` gives them."""
    m = m.tocsc().astype(np.int32)
    product = (m[:, cols].T.tocsr() @ m.tocsr()).tocoo()
    i = cols[product.row].astype(np.int64)
    j = product.col.astype(np.int64)
    count = product.data
    dirty = np.zeros(m.shape[1], dtype=bool)
    dirty[cols] = True
    # a pair of two changed columns appears twice: kept from its smaller end
    keep = (count >= max(1, min_count)) & (i != j) & (~dirty[j] | (i < j))
    i, j, count = i[keep], j[keep], count[keep]
    a, b = np.minimum(i, j), np.maximum(i, j)
    order = np.lexsort((b, a))
    a, b, count = a[order], b[order], count[order]
    totals = np.asarray(m.sum(axis=0)).ravel().astype(np.float64)
    return B.Pairs(a, b, count, count / np.sqrt(totals[a] * totals[b]))


def _copy_clean(kg: KnowledgeGraph, base: IndexedBase, rel: str, changed: set[str],
                refresh: Callable[[str, str, dict], dict] | None = None,
                keep: Kept | None = None) -> int:
    """Copy ``base``'s ``rel`` edges whose ends are both unchanged; ``refresh`` gives
    properties to set again on each. With ``keep`` (an in-place append) nothing is
    copied: the edges at a changed end are dropped and the refreshed properties noted."""
    if keep is not None and refresh is None:
        keep.drop_around(base.kg, changed, rel)
        return 0
    copied = 0
    for u, v, _, props in base.edges(rel):
        if u in changed or v in changed:
            if keep is not None:
                keep.drop.append((u, v, rel))
            continue
        if keep is not None and refresh is not None:
            again = refresh(u, v, props)
            if any(props.get(k) != x for k, x in again.items()):
                keep.updates.append(((u, v, rel), again))
            continue
        values = {k: x for k, x in props.items() if k != S.TYPE}
        if refresh is not None:
            values.update(refresh(u, v, values))
        kg.add_edge(rel, u, v, **values)
        copied += 1
    return copied


def update_network(kg: KnowledgeGraph, base: IndexedBase, rel: str,
                   rows_of: Callable[[Any], B.Rows], min_count: int,
                   strength: bool, keep: Kept | None = None) -> int:
    """The ``rel`` edges of ``kg`` from ``base``'s (see the module docstring); returns
    how many. A base without such edges is counted in full (it may have been built
    without them). With ``keep`` the unchanged pairs' edges stay in ``base``
    (:mod:`citegraph.graph.in_place`)."""
    new_rows = rows_of(kg)
    if not base.has(rel):
        return B.add_network(kg, rel, new_rows, min_count, strength)
    changed = changed_columns(rows_of(base), new_rows)
    copied = _copy_clean(kg, base, rel, changed, keep=keep)
    if not new_rows or not changed:
        return copied
    net = B.Network.of(new_rows)
    cols = np.array(sorted(n for n, c in enumerate(net.columns) if c in changed),
                    dtype=np.int64)
    if not len(cols):
        return copied
    pairs = pairs_touching(net.m, cols, min_count)
    shared = B.pair_evidence(net.m, pairs.i, pairs.j, len(net.rows))
    return copied + B.add_pairs(kg, rel, pairs, shared, net, strength)


def update_co_mentions(kg: KnowledgeGraph, base: IndexedBase, min_count: int,
                       keep: Kept | None = None) -> int:
    """CO_MENTIONED edges of ``kg`` from ``base``'s: pairs with a changed entity counted
    again, the others copied with their NPMI computed again for the new paper total
    (with ``keep``, left in ``base`` with the new NPMI noted)."""
    if not base.has(S.CO_MENTIONED):
        return C.add_co_mention_edges(kg, min_count)
    new_rows = _frozen(C.entities_by_paper(kg))
    changed = changed_columns(_frozen(C.entities_by_paper(base)), new_rows)
    if not new_rows:
        if keep is not None:
            keep.drop.extend((u, v, S.CO_MENTIONED) for u, v, _, _ in base.edges(S.CO_MENTIONED))
        return 0
    net = B.Network.of(new_rows)
    singles = dict(zip(net.columns, np.diff(net.m.tocsc().indptr).tolist(), strict=True))
    total = len(net.rows)

    def refresh(u: str, v: str, props: dict) -> dict:
        return {S.STRENGTH: round(C.npmi(props[S.COUNT], singles[u], singles[v], total), 4)}

    copied = _copy_clean(kg, base, S.CO_MENTIONED, changed, refresh, keep)
    cols = np.array(sorted(n for n, c in enumerate(net.columns) if c in changed),
                    dtype=np.int64)
    if not len(cols):
        return copied
    pairs = pairs_touching(net.m, cols, min_count)
    shared = B.pair_evidence(net.m, pairs.i, pairs.j, C.EVIDENCE_LIMIT)
    return copied + C.add_pairs(kg, net, pairs, shared)


def _frozen(rows: dict[str, set[str]]) -> B.Rows:
    return {r: frozenset(c) for r, c in rows.items()}
