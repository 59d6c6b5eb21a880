"""SIMILAR_TO edges: each paper joined to its most similar papers by embedding.

A paper keeps its ``top_k`` nearest neighbours whose cosine similarity is at least
``threshold``. The edge kind is symmetric, so a pair found from both ends is one edge
(stored from the smaller node id), carrying the cosine score rounded to 4 places.
"""

from __future__ import annotations

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
    for (i, j), score in pairs.items():
        kg.add_edge(S.SIMILAR_TO, S.node_id(S.PAPER, keys[i]), S.node_id(S.PAPER, keys[j]),
                    **{S.SCORE: round(score, 4)})
    return len(pairs)
