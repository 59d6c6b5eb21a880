"""SIMILAR_TO edges of an extended graph from the edges it had, without a corpus-wide search.

A SIMILAR_TO edge joins two papers when either is among the other's ``top_k`` most similar
papers (cosine at least ``threshold``). A paper's top list is recovered from its edges: the
list is a subset of its edges and holds the best of them, so the ``top_k`` best-scoring
edges (scored again from the vectors) are the list. This assumes the graph was built with
the same ``top_k`` and ``threshold``. When papers are added:

* a new paper (or one whose text changed) gets its list by an exact search over every row;
* an old paper's list is its old list merged with the new papers that score higher, found
  by one product of the old rows with the new rows;
* an old paper whose list named a paper that is gone or changed is searched again in full.

The edges are then the union of all lists, as in a full build. With the exact search (up to
:data:`citegraph.graph.knn.EXACT_MAX_ROWS` rows) the result is the full build's; above it
the full build is approximate (HNSW) and the update exact, so they may differ slightly.
"""

from __future__ import annotations

import heapq
from collections import defaultdict

import numpy as np

from citegraph.graph import schema as S
from citegraph.graph.in_place import Kept
from citegraph.graph.knn import top_rows
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.pairs_update import IndexedBase
from citegraph.graph.progress import SILENT, Progress
from citegraph.graph.similarity import add_scored_pairs
from citegraph.graph.vectors import PaperVectors

TopList = list[tuple[float, str]]  # (score, neighbour key), best first


def old_neighbours(base: KnowledgeGraph | IndexedBase) -> dict[str, list[str]]:
    """Each paper's SIMILAR_TO neighbours in ``base``, by paper key: its old top list is
    the best ``top_k`` of them. They are scored again from the vectors, because the
    edges keep scores rounded to 4 places and a tie there would not say which one the
    full search kept."""
    found: dict[str, list[str]] = defaultdict(list)
    for start, end, _, _ in base.edges(S.SIMILAR_TO):
        a, b = base.node(start)[S.KEY], base.node(end)[S.KEY]
        found[a].append(b)
        found[b].append(a)
    return found


def update_similarity_edges(
    kg: KnowledgeGraph,
    vectors: PaperVectors,
    base: KnowledgeGraph | IndexedBase,
    top_k: int = 10,
    threshold: float = 0.5,
    progress: Progress = SILENT,
    keep: Kept | None = None,
) -> int:
    """Add to ``kg`` the SIMILAR_TO edges a full build over ``vectors`` would give, reusing
    ``base``'s edges and vectors (see the module docstring); returns how many pairs. With
    ``keep`` (:mod:`citegraph.graph.in_place`) an old edge between two papers whose
    vectors did not change stays in ``base`` (its score is the same), an old edge no list
    holds now is dropped, and only the others are added to ``kg``."""
    present = [i for i, key in enumerate(vectors.keys) if kg.has_node(S.node_id(S.PAPER, key))]
    keys = [vectors.keys[i] for i in present]
    if len(keys) < 2 or top_k <= 0:
        return 0
    x = np.ascontiguousarray(vectors.matrix[present], dtype=np.float32)
    row_of = {key: n for n, key in enumerate(keys)}
    old_hash = dict(zip(base.embeddings.keys, base.embeddings.hashes, strict=True)) \
        if base.embeddings is not None else {}
    hashes = [vectors.hashes[i] for i in present]
    kept = {key for key, h in zip(keys, hashes, strict=True) if old_hash.get(key) == h}
    neighbours = old_neighbours(base)
    fresh = [n for n, key in enumerate(keys) if key not in kept]
    lists: dict[int, TopList] = {}
    redo = list(fresh)
    for n, key in enumerate(keys):
        if key in kept and not all(k in kept for k in neighbours.get(key, ())):
            redo.append(n)  # a neighbour left or changed: its successor is unknown
    with progress.stage("Finding similar papers", len(keys)) as stage:
        redo_rows = np.asarray(sorted(set(redo)), dtype=np.int64)
        found, scores = top_rows(x[redo_rows], x, top_k, redo_rows)
        for r, row in enumerate(redo_rows.tolist()):
            lists[row] = [(float(s), keys[j]) for j, s in zip(found[r].tolist(),
                                                              scores[r].tolist(), strict=True)
                          if j >= 0 and s >= threshold]
        stage.advance(len(redo_rows))
        new_rows = np.asarray(fresh, dtype=np.int64)
        rest = [n for n in range(len(keys)) if n not in lists]
        rest_rows = np.asarray(rest, dtype=np.int64)
        cand, cand_scores = top_rows(x[rest_rows], x[new_rows], top_k, None)
        for r, row in enumerate(rest):
            near = neighbours.get(keys[row], [])
            old_scores = x[[row_of[k] for k in near]] @ x[row] if near else []
            merged = [(float(s), k) for s, k in zip(old_scores, near, strict=True)]
            merged += [(float(s), keys[int(new_rows[j])]) for j, s in
                       zip(cand[r].tolist(), cand_scores[r].tolist(), strict=True)
                       if j >= 0 and s >= threshold]
            lists[row] = heapq.nsmallest(top_k, merged, key=lambda t: (-t[0], t[1]))
        stage.advance(len(rest))
    pairs = sorted({(min(row, row_of[other]), max(row, row_of[other]))
                    for row, top in lists.items() for _, other in top})
    if keep is not None:
        pairs = _keep_old(keep, base, keys, kept, pairs)
    rows = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    add_scored_pairs(kg, keys, x, rows[:, 0], rows[:, 1])
    return len(pairs)


def _keep_old(keep: Kept, base: KnowledgeGraph | IndexedBase, keys: list[str],
              kept: set[str], pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The pairs to add to the new graph when the old edges stay in place: those not
    already an edge between two unchanged papers; old edges outside ``pairs`` dropped."""
    ids = [S.node_id(S.PAPER, key) for key in keys]
    wanted = {(min(ids[i], ids[j]), max(ids[i], ids[j])) for i, j in pairs}
    old = set()
    for u, v, _, _ in base.edges(S.SIMILAR_TO):
        if (u, v) in wanted:
            old.add((u, v))
        else:
            keep.drop.append((u, v, S.SIMILAR_TO))
    return [(i, j) for i, j in pairs
            if keys[i] not in kept or keys[j] not in kept
            or (min(ids[i], ids[j]), max(ids[i], ids[j])) not in old]
