"""SIMILAR_TO edges: each paper joined to its most similar papers by embedding.

A paper keeps its ``top_k`` nearest neighbours whose cosine similarity is at least
``threshold``. The edge kind is symmetric, so a pair found from both ends is one edge
(stored from the smaller node id), carrying the cosine score rounded to 4 places.
"""

from __future__ import annotations

import numpy as np
from citegraph.graph import schema as S
from citegraph.graph.knn import Method, nearest_neighbours
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.progress import SILENT, Progress
from citegraph.graph.vectors import PaperVectors


def add_similarity_edges(
    kg: KnowledgeGraph,
    vectors: PaperVectors,
    top_k: int = 10,
    threshold: float = 0.5,
    method: Method = "auto",
    progress: Progress = SILENT,
) -> int:
    """Add SIMILAR_TO edges between the papers of ``vectors``; returns how many pairs."""
    present = [i for i, key in enumerate(vectors.keys) if kg.has_node(S.node_id(S.PAPER, key))]
    if len(present) < 2 or top_k <= 0:
        return 0
    keys = [vectors.keys[i] for i in present]
    with progress.stage("Finding similar papers", len(keys)) as stage:
        indices, scores = nearest_neighbours(vectors.matrix[present], top_k, method)
        pairs: dict[tuple[int, int], float] = {}
        for i in range(len(keys)):
            for j, score in zip(indices[i], scores[i], strict=True):
                if j < 0 or score < threshold:
                    continue
                pair = (min(i, int(j)), max(i, int(j)))
                pairs[pair] = max(pairs.get(pair, float(score)), float(score))
            stage.advance()
    add_scored_pairs(kg, keys, vectors.matrix[present], list(pairs))
    return len(pairs)


def add_scored_pairs(kg: KnowledgeGraph, keys: list[str], matrix: np.ndarray,
                     pairs: list[tuple[int, int]]) -> None:
    """SIMILAR_TO edges for row pairs, scored by a float64 dot product of the two rows:
    the stored score then depends on the two papers alone, not on how a search blocked
    its products (a full build and an append store the same value)."""
    if not pairs:
        return
    rows = np.asarray(pairs, dtype=np.int64)
    x = np.asarray(matrix, dtype=np.float64)
    scores = np.einsum("ij,ij->i", x[rows[:, 0]], x[rows[:, 1]])
    for (i, j), score in zip(pairs, scores.tolist(), strict=True):
        kg.add_edge(S.SIMILAR_TO, S.node_id(S.PAPER, keys[i]), S.node_id(S.PAPER, keys[j]),
                    **{S.SCORE: round(score, 4)})
