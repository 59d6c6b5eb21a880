"""SIMILAR_TO edges: each paper joined to its most similar papers by embedding.

A paper keeps its ``top_k`` nearest neighbours whose cosine similarity is at least
``threshold``. The edge kind is symmetric, so a pair found from both ends is one edge
(stored from the smaller node id), carrying the cosine score rounded to 4 places.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from citegraph.graph import schema as S
from citegraph.graph.knn import Method, nearest_neighbours
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.progress import SILENT, Progress
from citegraph.graph.vectors import PaperVectors

#: A neighbour search: for a matrix of unit rows and ``k``, ``(indices, scores)`` as
#: :func:`citegraph.graph.knn.nearest_neighbours` returns them.
Search = Callable[[np.ndarray, int], tuple[np.ndarray, np.ndarray]]

#: Pairs scored at once by :func:`add_scored_pairs` (two float64 row blocks of this size).
_PAIR_BLOCK = 16_384


def add_similarity_edges(
    kg: KnowledgeGraph,
    vectors: PaperVectors,
    top_k: int = 10,
    threshold: float = 0.5,
    method: Method = "auto",
    progress: Progress = SILENT,
    search: Search | None = None,
) -> int:
    """Add SIMILAR_TO edges between the papers of ``vectors``; returns how many pairs.
    ``search`` finds the neighbours (default: :func:`nearest_neighbours` by ``method``;
    the Ray engine passes its sharded index search)."""
    present = [i for i, key in enumerate(vectors.keys) if kg.has_node(S.node_id(S.PAPER, key))]
    if len(present) < 2 or top_k <= 0:
        return 0
    keys = [vectors.keys[i] for i in present]
    with progress.stage("Finding similar papers", len(keys)) as stage:
        if search is None:
            indices, scores = nearest_neighbours(vectors.matrix[present], top_k, method)
        else:
            indices, scores = search(vectors.matrix[present], top_k)
        first, second = _pairs(indices, scores, threshold)
        stage.advance(len(keys))
    add_scored_pairs(kg, keys, vectors.matrix[present], first, second)
    return len(first)


def add_scored_pairs(kg: KnowledgeGraph, keys: list[str], matrix: np.ndarray,
                     first: np.ndarray, second: np.ndarray) -> None:
    """SIMILAR_TO edges for row pairs, scored by a float64 dot product of the two rows:
    the stored score then depends on the two papers alone, not on how a search blocked
    its products (a full build and an append store the same value)."""
    # pairs in blocks: the rows of every pair at once would be two float64 copies of the
    # matrix per neighbour (gigabytes at a million papers)
    for begin in range(0, len(first), _PAIR_BLOCK):
        rows, cols = first[begin:begin + _PAIR_BLOCK], second[begin:begin + _PAIR_BLOCK]
        scores = np.einsum("ij,ij->i", matrix[rows].astype(np.float64),
                           matrix[cols].astype(np.float64))
        kg.add_pair_edges(S.SIMILAR_TO, [S.node_id(S.PAPER, keys[i]) for i in rows.tolist()],
                          [S.node_id(S.PAPER, keys[j]) for j in cols.tolist()],
                          {S.SCORE: [round(x, 4) for x in scores.tolist()]})


def _pairs(indices: np.ndarray, scores: np.ndarray, threshold: float
           ) -> tuple[np.ndarray, np.ndarray]:
    """Each unordered pair of rows found at or above ``threshold`` once, in the order the
    pairs first occur row by row (vectorised: no loop over pairs); their scores are taken
    again from the vectors (:func:`add_scored_pairs`)."""
    n, k = indices.shape
    rows = np.repeat(np.arange(n, dtype=np.int64), k)
    cols = indices.reshape(-1).astype(np.int64)
    keep = (cols >= 0) & (scores.reshape(-1) >= threshold)
    rows, cols = rows[keep], cols[keep]
    low, high = np.minimum(rows, cols), np.maximum(rows, cols)
    _, first_seen = np.unique(low * n + high, return_index=True)
    order = np.sort(first_seen)
    return low[order], high[order]
