"""SIMILAR_TO edges from stored vectors: top-k, threshold, one edge per pair, switching off."""

from __future__ import annotations

import numpy as np
import pytest

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.pipeline import BuildOptions, add_relationships, build_graph
from citegraph.graph.similarity import add_similarity_edges
from citegraph.graph.vectors import PaperVectors
from citegraph.loaders.records import PaperRecord


def graph_with_vectors(vectors: dict[str, list[float]]) -> tuple[KnowledgeGraph, PaperVectors]:
    kg = KnowledgeGraph()
    for key in vectors:
        kg.add_node(S.PAPER, key, **{S.TITLE: key})
    m = np.array(list(vectors.values()), dtype=np.float32)
    m /= np.linalg.norm(m, axis=1, keepdims=True)
    return kg, PaperVectors("test", list(vectors), [f"h{i}" for i in range(len(m))], m)


def similar(kg: KnowledgeGraph) -> dict[tuple[str, str], float]:
    return {(S.split_node_id(u)[1], S.split_node_id(v)[1]): p[S.SCORE]
            for u, v, _, p in kg.edges(S.SIMILAR_TO)}


VECS = {
    "a": [1.0, 0.0, 0.0],
    "b": [0.9, 0.1, 0.0],
    "c": [0.8, 0.3, 0.0],
    "d": [0.1, 0.5, 1.0],
}


def test_threshold_and_scores() -> None:
    kg, vectors = graph_with_vectors(VECS)
    assert add_similarity_edges(kg, vectors, top_k=3, threshold=0.5) == 3
    edges = similar(kg)
    assert set(edges) == {("a", "b"), ("a", "c"), ("b", "c")}  # d is far from all
    m = vectors.matrix
    assert edges[("a", "c")] == pytest.approx(float(m[0] @ m[2]), abs=1e-4)
    kg2, vectors2 = graph_with_vectors(VECS)
    add_similarity_edges(kg2, vectors2, top_k=3, threshold=0.99)
    assert set(similar(kg2)) == {("a", "b")}


def test_top_k_per_paper_and_one_edge_per_pair() -> None:
    kg, vectors = graph_with_vectors(VECS)
    add_similarity_edges(kg, vectors, top_k=1, threshold=0.0)
    edges = similar(kg)
    # a's best is b, b's best is a (one edge for both), c's best is b, d's best is c
    assert set(edges) == {("a", "b"), ("b", "c"), ("c", "d")}
    assert kg.number_of_edges() == 3
    for u, v, _, _ in kg.edges(S.SIMILAR_TO):
        assert u < v  # stored once, from the smaller node id


def test_papers_missing_from_the_graph_are_skipped() -> None:
    kg, vectors = graph_with_vectors(VECS)
    kg.remove_node(S.node_id(S.PAPER, "b"))
    add_similarity_edges(kg, vectors, top_k=3, threshold=0.5)
    assert set(similar(kg)) == {("a", "c")}


def test_switched_off_never_loads_a_model() -> None:
    records = [PaperRecord(title="Paper one", abstract="About graphs."),
               PaperRecord(title="Paper two", abstract="About graphs too.")]
    options = BuildOptions(similarity=False, model="/no/such/model/dir")
    kg = build_graph(records, options)
    assert kg.embeddings is None
    assert kg.stats()["edges"][S.SIMILAR_TO] == 0
    add_relationships(kg, options)
    assert kg.embeddings is None
