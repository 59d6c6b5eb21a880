"""Semantic search over the paper embeddings stored with a graph (embedded backend).

The query text is embedded with the model that made the stored vectors (recorded in
``kg.embeddings.model``), so scores are comparable cosine similarities. An exact scan: one
matrix-vector product is fast for any corpus that fits in memory.
"""

from __future__ import annotations

import numpy as np

from citegraph.errors import CitegraphError
from citegraph.graph.embed import load_encoder
from citegraph.graph.model import KnowledgeGraph

#: Decimals of the returned cosine scores; papers with equal rounded scores sort by key.
SCORE_DECIMALS = 4


def rank(keys: list[str], scores: np.ndarray, k: int) -> list[tuple[str, float]]:
    """The ``k`` best ``(key, rounded score)``: score descending, ties by key.

    Ranking on the rounded score makes the order independent of float noise in the last
    bits, so another backend computing the same cosines ranks the same way.
    """
    rounded = np.round(scores.astype(np.float64), SCORE_DECIMALS)
    k = min(k, len(rounded))
    if k <= 0:
        return []
    threshold = np.partition(-rounded, k - 1)[k - 1]
    candidates = np.flatnonzero(-rounded <= threshold)
    best = sorted(candidates, key=lambda i: (-rounded[i], keys[i]))[:k]
    return [(keys[i], float(rounded[i])) for i in best]


def search_similar(
    kg: KnowledgeGraph, text: str, k: int = 10, device: str | None = None
) -> list[tuple[str, float]]:
    """The ``k`` papers most similar to ``text``: ``(paper key, cosine score)``, best first.

    Scores are rounded to :data:`SCORE_DECIMALS`; ties are ordered by key. Raises
    :class:`CitegraphError` when the graph has no embeddings or the model that made them
    cannot be loaded.
    """
    vectors = kg.embeddings
    if vectors is None or len(vectors) == 0:
        raise CitegraphError("this graph has no paper embeddings (built without similarity?)")
    if not text.strip() or k <= 0:
        return []
    query = load_encoder(vectors.model, device).encode([text])[0]
    return rank(vectors.keys, vectors.matrix @ query, k)
