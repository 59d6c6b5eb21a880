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


def search_similar(
    kg: KnowledgeGraph, text: str, k: int = 10, device: str | None = None
) -> list[tuple[str, float]]:
    """The ``k`` papers most similar to ``text``: ``(paper key, cosine score)``, best first.

    Raises :class:`CitegraphError` when the graph has no embeddings or the model that made
    them cannot be loaded.
    """
    vectors = kg.embeddings
    if vectors is None or len(vectors) == 0:
        raise CitegraphError("this graph has no paper embeddings (built without similarity?)")
    if not text.strip() or k <= 0:
        return []
    query = load_encoder(vectors.model, device).encode([text])[0]
    scores = vectors.matrix @ query
    k = min(k, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return [(vectors.keys[i], round(float(scores[i]), 4)) for i in top]
