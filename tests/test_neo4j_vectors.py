"""Paper embeddings in Neo4j: written, indexed, read back, searched like the embedded graph.

The graph is a real build of one listing (real model, real vectors), shared by the session.
"""

from __future__ import annotations

import copy

import neo4j_support
import numpy as np
import pytest
from neo4j_support import sample_graph

from citegraph.errors import CitegraphError
from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.stores.neo4j_conn import Neo4jStoreError, connect
from citegraph.graph.stores.neo4j_schema import vector_index_name
from citegraph.graph.stores.neo4j_store import read_graph, write_graph
from citegraph.graph.vectors import PaperVectors
from citegraph.queries import EmbeddedBackend, Neo4jBackend, Queries, QueryError
from citegraph.queries.semantic import SCORE_TOLERANCE

neo4j_config = neo4j_support.neo4j_config
neo4j_driver = neo4j_support.neo4j_driver

pytestmark = pytest.mark.neo4j


def _write(kg: KnowledgeGraph, config, **kw) -> dict[str, int]:
    return write_graph(kg, config.uri, config.auth, config.database, **kw)


def _read(config) -> KnowledgeGraph:
    return read_graph(config.uri, config.auth, config.database)


def _everything(driver, database: str) -> list[dict]:
    """Every node with all its properties, to see that a second write changed nothing."""
    with driver.session(database=database) as session:
        return session.run(
            "MATCH (n) RETURN labels(n) AS labels, properties(n) AS props "
            "ORDER BY labels[0], n.key").data()


def test_round_trip_includes_embeddings(neo4j_config, neo4j_driver, built_graph):
    kg = built_graph
    assert kg.embeddings is not None and len(kg.embeddings) > 50
    assert kg.stats()["edges"][S.SIMILAR_TO] and kg.stats()["edges"][S.CO_MENTIONED]
    result = _write(kg, neo4j_config)
    assert result["vectors"] == len(kg.embeddings)
    back = _read(neo4j_config)
    assert back == kg  # nodes, edges and embeddings (aligned by key, np.allclose)
    assert back.embeddings.model == kg.embeddings.model
    assert back.embeddings.keys == sorted(kg.embeddings.keys)  # deterministic: key order
    assert back.embeddings.matrix.dtype == np.float32
    assert np.array_equal(back.embeddings.matrix[0], kg.embeddings.row(back.embeddings.keys[0]))
    for _, attrs in back.nodes(S.PAPER):  # vectors live in kg.embeddings, not on nodes
        assert not set(S.EMBEDDING_PROPERTIES) & set(attrs)


def test_vector_index_is_created_for_the_vectors_width(neo4j_config, neo4j_driver,
                                                       built_graph):
    _write(built_graph, neo4j_config)
    with neo4j_driver.session(database=neo4j_config.database) as session:
        index = session.run(
            "SHOW VECTOR INDEXES YIELD name, state, labelsOrTypes, properties, options "
            "WHERE name = $name RETURN *", name=vector_index_name()).single()
        stored = session.run(
            f"MATCH (p:`{S.PAPER}`) WHERE p.`{S.EMBEDDING}` IS NOT NULL "
            f"RETURN count(p) AS n, collect(DISTINCT p.`{S.EMBEDDING_MODEL}`) AS models"
        ).single()
    assert index is not None and index["state"] == "ONLINE"
    assert index["labelsOrTypes"] == [S.PAPER] and index["properties"] == [S.EMBEDDING]
    config = index["options"]["indexConfig"]
    assert config["vector.dimensions"] == built_graph.embeddings.matrix.shape[1] == 384
    assert config["vector.similarity_function"] == "COSINE"
    assert stored["n"] == len(built_graph.embeddings)
    assert stored["models"] == [built_graph.embeddings.model]


def test_writing_twice_changes_nothing(neo4j_config, neo4j_driver, built_graph):
    _write(built_graph, neo4j_config)
    before = _everything(neo4j_driver, neo4j_config.database)
    second = _write(built_graph, neo4j_config)
    assert second["nodes_created"] == 0 and second["relationships_created"] == 0
    assert _everything(neo4j_driver, neo4j_config.database) == before
    assert _read(neo4j_config).equals(built_graph, embeddings=True)


def test_search_similar_agrees_and_finds_a_paper_by_its_title(neo4j_config, neo4j_driver,
                                                               built_graph):
    _write(built_graph, neo4j_config)
    embedded = Queries(EmbeddedBackend(built_graph))
    backend = Neo4jBackend(connect(neo4j_config), neo4j_config.database)
    try:
        neo4j = Queries(backend)
        key = built_graph.embeddings.keys[7]
        title = built_graph.node(S.node_id(S.PAPER, key))[S.TITLE]
        mine, theirs = embedded.search_similar(title, k=5), neo4j.search_similar(title, k=5)
        assert mine[0]["key"] == theirs[0]["key"] == key
        assert [r["key"] for r in mine] == [r["key"] for r in theirs]
        for a, b in zip(mine, theirs, strict=True):
            assert abs(a["score"] - b["score"]) <= SCORE_TOLERANCE
            assert -1.0 <= b["score"] <= 1.0  # a cosine, not Neo4j's (1 + cos) / 2
        scores = [r["score"] for r in theirs]
        assert scores == sorted(scores, reverse=True)
        everything = neo4j.search_similar("language models", k=1000)
        assert len(everything) == len(built_graph.embeddings)
        for a, b in zip(embedded.search_similar("language models", k=1000), everything,
                        strict=True):
            assert abs(a["score"] - b["score"]) <= SCORE_TOLERANCE
        assert neo4j.search_similar("   ") == [] == embedded.search_similar("   ")
        hostile = "x' }) MATCH (n) DETACH DELETE n //"
        assert len(neo4j.search_similar(hostile, k=3)) == 3  # a parameter, never Cypher
    finally:
        backend.close()


def test_search_needs_embeddings_on_both_backends(neo4j_config, neo4j_driver):
    kg = sample_graph(max_papers=20)
    _write(kg, neo4j_config)
    with pytest.raises(CitegraphError, match="no paper embeddings"):
        Queries(EmbeddedBackend(kg)).search_similar("anything")
    backend = Neo4jBackend(connect(neo4j_config), neo4j_config.database)
    try:
        with pytest.raises(QueryError, match="no paper embeddings"):
            Queries(backend).search_similar("anything")
    finally:
        backend.close()


def test_vectors_of_another_width_are_refused(neo4j_config, neo4j_driver, built_graph):
    _write(built_graph, neo4j_config)
    other = copy.copy(built_graph)
    vectors = built_graph.embeddings
    other.embeddings = PaperVectors("another-model", vectors.keys, vectors.hashes,
                                    vectors.matrix[:, :128].copy())
    with pytest.raises(Neo4jStoreError, match="384-dimensional"):
        _write(other, neo4j_config)
    _write(other, neo4j_config, clear=True)  # no 384-wide vector left: the index is rebuilt
    with neo4j_driver.session(database=neo4j_config.database) as session:
        options = session.run("SHOW VECTOR INDEXES YIELD name, options WHERE name = $name "
                              "RETURN options", name=vector_index_name()).single()["options"]
    assert options["indexConfig"]["vector.dimensions"] == 128
    assert _read(neo4j_config).embeddings == other.embeddings
