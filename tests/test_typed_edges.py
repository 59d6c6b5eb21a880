"""Edges of a few types read through their keys: the same edges, in the same order, as a
scan of every edge gives."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.typed_edges import edges_from


def mixed_graph(graph: nx.MultiDiGraph | None = None) -> KnowledgeGraph:
    """Papers and entities joined by every kind a built graph has between them, several
    kinds between one pair, discriminated keys, and edges added out of node order."""
    rng = random.Random(7)
    kg = KnowledgeGraph(graph)
    papers = [kg.add_node(S.PAPER, f"p{i}", **{S.TITLE: f"Paper {i}"}) for i in range(40)]
    entities = [kg.add_node(label, f"e{i}", **{S.NAME: f"E{i}"})
                for i, label in enumerate([S.METHOD, S.MODEL, S.BENCHMARK] * 5)]
    author = kg.add_node(S.AUTHOR, "smith", **{S.NAME: "Smith"})
    for _ in range(400):
        p, q, e = rng.choice(papers), rng.choice(papers), rng.choice(entities)
        kind = rng.randrange(6)
        if kind == 0:
            kg.add_edge(S.MENTIONS, p, e, **{S.COUNT: rng.randrange(1, 4)})
        elif kind == 1:
            kg.add_edge(S.INTRODUCES, p, e, **{S.EVIDENCE: ["We introduce it."]})
        elif kind == 2 and p != q:
            kg.add_edge(S.CITES, p, q)
        elif kind == 3 and p != q:  # beside an explicit citation: a discriminated key
            kg.add_edge(S.CITES, p, q, "inferred", **{S.INFERRED: True})
        elif kind == 4 and p != q:
            kg.add_edge(S.SIMILAR_TO, p, q, **{S.SCORE: 0.5})
        else:
            kg.add_edge(S.AUTHORED, author, p)
    return kg


@pytest.mark.parametrize("graph", [None, nx.MultiDiGraph()], ids=["compact", "plain"])
def test_the_edges_and_order_of_a_full_scan(graph: nx.MultiDiGraph | None) -> None:
    kg = mixed_graph(graph)
    types = (S.MENTIONS, S.INTRODUCES, S.CITES)
    found = edges_from(kg.g, (S.PAPER,), types)
    for rel in types:
        expected = [(u, v, props) for u, v, _, props in kg.edges(rel)]
        assert found[rel] == expected
        assert all(found[rel][n][2] is expected[n][2] for n in range(len(expected)))
    assert any(props.get(S.INFERRED) for *_, props in kg.edges(S.CITES))


def test_columnar_types_are_refused() -> None:
    kg = mixed_graph()
    assert sum(1 for _ in kg.edges(S.SIMILAR_TO)) > 0
    with pytest.raises(ValueError, match="SIMILAR_TO"):
        edges_from(kg.g, (S.PAPER,), (S.CITES, S.SIMILAR_TO))


def test_only_edges_from_the_labels_asked() -> None:
    kg = mixed_graph()
    assert edges_from(kg.g, (S.PAPER,), (S.AUTHORED,)) == {S.AUTHORED: []}
    authored = edges_from(kg.g, (S.AUTHOR,), (S.AUTHORED,))[S.AUTHORED]
    assert authored == [(u, v, p) for u, v, _, p in kg.edges(S.AUTHORED)] != []
