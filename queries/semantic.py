"""Semantic search: the papers whose embeddings are nearest to a text, on both backends.

The text is embedded with the model that made the stored vectors (``kg.embeddings.model``
in memory, the ``embedding_model`` of the papers in Neo4j). The embedded backend scans
the matrix exactly (:mod:`citegraph.graph.search`); Neo4j asks its vector index for
candidates (every paper up to :data:`EXACT_LIMIT`: the index is approximate) and
re-scores them exactly with ``vector.similarity.cosine``. Neo4j reports
cosine similarity normalised to [0, 1] as ``(1 + cos) / 2``; it is turned back into the
cosine, so both backends return the same number.

Scores are rounded to 4 decimals and agree within :data:`SCORE_TOLERANCE`; rows are
ordered by score, then key, so both backends list the same papers in the same order
(two rows whose scores straddle a rounding boundary may trade places).

torch, sentence-transformers and numpy are imported only when a search runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from citegraph.graph import schema as S
from citegraph.queries.backends import Neo4jBackend, QueryError
from citegraph.queries.registry import Helper, Param, Row, optional, register

if TYPE_CHECKING:
    from citegraph.graph.model import KnowledgeGraph

#: How far the two backends' scores may differ: one unit in the last (4th) decimal, as a
#: float32 difference in the last bits can round either way.
SCORE_TOLERANCE = 1e-4

#: Up to this many papers the vector index is asked for all of them, so the exact
#: re-scoring sees every paper and the answer equals the embedded one. The index is an
#: approximate (HNSW) one: on the 527 papers of the example corpus, asked for 110
#: candidates, it missed the 2nd best match of an outlying text (found from 200 up).
EXACT_LIMIT = 10_000
#: Beyond it, ``max(FACTOR * k, k + MARGIN)`` candidates: fast, but a paper the index
#: misses can be missing from the answer.
CANDIDATE_FACTOR = 4
CANDIDATE_MARGIN = 100

SIMILAR_CYPHER = (
    "CALL db.index.vector.queryNodes($index, $candidates, $vector) YIELD node, score"
    f" RETURN node.`{S.KEY}` AS key, node.`{S.TITLE}` AS title,"
    f" vector.similarity.cosine(node.`{S.EMBEDDING}`, $vector) AS similarity"
)


def _rows(keys: list[str], scores: Any, titles: dict[str, Any], k: int) -> list[Row]:
    from citegraph.graph.search import rank

    return [{"key": key, "title": titles.get(key), "score": score}
            for key, score in rank(keys, scores, k)]


def search_similar(kg: KnowledgeGraph, text: str, k: int = 10) -> list[Row]:
    from citegraph.graph.search import search_similar as scan

    rows = []
    for key, score in scan(kg, text, int(k)):
        nid = S.node_id(S.PAPER, key)
        title = kg.node(nid).get(S.TITLE) if kg.has_node(nid) else None
        rows.append({"key": key, "title": title, "score": score})
    return rows


def stored_model(backend: Neo4jBackend) -> str:
    """The model recorded with the database's paper vectors; QueryError when none."""
    rows = backend.read(
        f"MATCH (p:`{S.PAPER}`) WHERE p.`{S.EMBEDDING_MODEL}` IS NOT NULL "
        f"RETURN DISTINCT p.`{S.EMBEDDING_MODEL}` AS model LIMIT 2",
        {},
    )
    if not rows:
        raise QueryError("this database has no paper embeddings (written without them?)")
    if len(rows) > 1:
        raise QueryError("this database holds paper vectors of several models")
    return rows[0]["model"]


def _search_similar_neo4j(backend: Neo4jBackend, text: str, k: int = 10) -> list[Row]:
    import numpy as np

    from citegraph.graph.embed import load_encoder
    from citegraph.graph.stores.neo4j_schema import vector_index_name

    model = stored_model(backend)
    k = int(k)
    if not text.strip() or k <= 0:
        return []
    vector = [float(x) for x in load_encoder(model).encode([text])[0]]
    papers = backend.read(f"MATCH (p:`{S.PAPER}`) RETURN count(p) AS n", {})[0]["n"]
    candidates = (papers if papers <= EXACT_LIMIT
                  else max(CANDIDATE_FACTOR * k, k + CANDIDATE_MARGIN))
    found = backend.read(SIMILAR_CYPHER, {
        "index": vector_index_name(), "candidates": max(candidates, 1), "vector": vector,
    })
    keys = [r["key"] for r in found]
    cosines = 2.0 * np.asarray([r["similarity"] for r in found], dtype=np.float64) - 1.0
    return _rows(keys, cosines, {r["key"]: r["title"] for r in found}, k)


register(Helper(
    name="search_similar",
    doc=(
        "Papers whose embeddings are nearest to a text (cosine similarity, rounded to 4 "
        "decimals; ties by key), embedded with the model that made the graph's vectors."
    ),
    params=(Param("text", "text", "any text: a question, a title, an abstract"),
            optional("k", "int", "at most this many papers", 10)),
    columns=("key", "title", "score"),
    embedded=search_similar,
    neo4j=_search_similar_neo4j,
    approximate=("score",),
))
