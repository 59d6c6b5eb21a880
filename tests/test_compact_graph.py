"""The compact multigraph behaves as a networkx MultiDiGraph and holds edges in less memory."""

from __future__ import annotations

import copy
import pickle
import random
import tracemalloc

import networkx as nx
import pytest

from citegraph.graph import schema as S
from citegraph.graph.compact import CompactMultiDiGraph, EdgeAttrs, EdgeKeys
from citegraph.graph.model import KnowledgeGraph


def test_edge_attrs_behave_as_a_dict() -> None:
    attrs = EdgeAttrs({"type": "CITES", "count": 2})
    plain = {"type": "CITES", "count": 2}
    assert attrs == plain and plain == attrs and dict(attrs) == plain
    attrs["count"] += 1
    attrs["evidence"] = ["a"]
    attrs["evidence"].append("b")
    attrs.update({"strength": 0.5}, source="x")
    assert dict(attrs) == {"type": "CITES", "count": 3, "evidence": ["a", "b"],
                           "strength": 0.5, "source": "x"}
    assert list(attrs) == ["type", "count", "evidence", "strength", "source"]
    assert attrs.get("missing", 7) == 7 and "count" in attrs and "nope" not in attrs
    del attrs["evidence"]
    assert attrs.pop("source") == "x"
    with pytest.raises(KeyError):
        attrs["evidence"]
    with pytest.raises(KeyError):
        del attrs["evidence"]
    assert attrs.setdefault("count", 9) == 3 and len(attrs) == 3
    twin = attrs.copy()
    twin["count"] = 10
    assert attrs["count"] == 3, "a copy is independent"
    assert pickle.loads(pickle.dumps(attrs)) == attrs
    assert copy.deepcopy(attrs) == attrs
    assert repr(attrs) == repr(dict(attrs))
    assert attrs.keys() - {"type"} == {"count", "strength"}
    assert attrs.items() == dict(attrs).items() and len(attrs.values()) == 3
    assert list(attrs.values()) == list(dict(attrs).values())


def test_edges_of_one_type_share_their_names() -> None:
    first, second = EdgeAttrs(type="SIMILAR_TO", score=0.5), EdgeAttrs(type="SIMILAR_TO",
                                                                     score=0.7)
    assert first._names is second._names  # noqa: SLF001 - the point of the layout


def test_short_value_tuples_are_shared_without_mixing_flags_and_counts() -> None:
    flag, count = EdgeAttrs(type="CITES", n=True), EdgeAttrs(type="CITES", n=1)
    again = EdgeAttrs(type="CITES", n=True)
    assert flag["n"] is True and count["n"] == 1 and type(count["n"]) is int
    assert again._values is flag._values  # noqa: SLF001 - the point of the layout
    scored = EdgeAttrs(type="SIMILAR_TO", score=0.5)
    assert scored == {"type": "SIMILAR_TO", "score": 0.5}


def test_edge_keys_grow_and_shrink() -> None:
    keys = EdgeKeys()
    assert len(keys) == 0 and list(keys) == [] and "CITES" not in keys
    keys["CITES"] = EdgeAttrs(type="CITES")
    keys["SIMILAR_TO"] = EdgeAttrs(type="SIMILAR_TO", score=0.9)
    keys["CITES"] = EdgeAttrs(type="CITES", inferred=True)
    assert list(keys) == ["CITES", "SIMILAR_TO"]
    assert keys["CITES"] == {"type": "CITES", "inferred": True}
    assert keys == {"CITES": {"type": "CITES", "inferred": True},
                    "SIMILAR_TO": {"type": "SIMILAR_TO", "score": 0.9}}
    del keys["CITES"]
    assert list(keys.items()) == [("SIMILAR_TO", {"type": "SIMILAR_TO", "score": 0.9})]
    assert list(keys.values()) == [{"type": "SIMILAR_TO", "score": 0.9}]
    assert keys.keys() & {"SIMILAR_TO", "CITES"} == {"SIMILAR_TO"}
    assert pickle.loads(pickle.dumps(keys)) == keys
    del keys["SIMILAR_TO"]
    assert len(keys) == 0
    with pytest.raises(KeyError):
        keys["SIMILAR_TO"]


def _random_edges(n: int, seed: int = 0) -> list[tuple[int, int, str, dict]]:
    rng = random.Random(seed)
    types = ("CITES", "SIMILAR_TO", "CO_CITED")
    return [(rng.randrange(200), rng.randrange(200), t,
             {"type": t, "score": rng.random(), "evidence": [str(rng.randrange(9))]})
            for _ in range(n) for t in (rng.choice(types),)]


def test_same_answers_as_a_plain_multidigraph() -> None:
    compact, plain = CompactMultiDiGraph(), nx.MultiDiGraph()
    for g in (compact, plain):
        for u, v, k, d in _random_edges(3000):
            g.add_edge(u, v, key=k, **d)
        g.remove_edge(*next(iter(g.edges(keys=True))))
        u, v, k = next(iter(g.edges(keys=True)))
        g.edges[u, v, k]["extra"] = 1
    assert sorted(compact.edges(keys=True, data="score")) == sorted(
        plain.edges(keys=True, data="score"))
    assert dict(compact.degree(weight="score")) == dict(plain.degree(weight="score"))
    assert nx.pagerank(compact, weight="score") == pytest.approx(
        nx.pagerank(plain, weight="score"))
    for view in (compact.copy(), compact.to_undirected(), compact.subgraph(range(50)),
                 compact.reverse(), pickle.loads(pickle.dumps(compact))):
        assert view.number_of_edges() > 0
    assert compact.number_of_edges() == plain.number_of_edges() == len(plain.edges)
    assert compact.subgraph(range(50)).number_of_edges() == plain.subgraph(
        range(50)).number_of_edges()
    assert nx.utils.graphs_equal(compact.copy(), compact)
    assert nx.utils.graphs_equal(compact.to_plain(), plain)
    assert type(compact.to_plain()) is nx.MultiDiGraph


def test_edges_take_well_under_the_plain_memory() -> None:
    edges = [(f"P:{u}", f"P:{v}", k, {"type": k, "score": d["score"]})
             for u, v, k, d in _random_edges(5000, seed=1)]

    def cost(graph_class: type[nx.MultiDiGraph]) -> int:
        g = graph_class()
        g.add_nodes_from(f"P:{i}" for i in range(200))
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        g.add_edges_from(edges)
        used = tracemalloc.get_traced_memory()[0] - before
        tracemalloc.stop()
        return used

    assert cost(CompactMultiDiGraph) < 2 / 3 * cost(nx.MultiDiGraph)


def test_the_model_builds_compact_and_exports_plain() -> None:
    kg = KnowledgeGraph()
    a = kg.add_node(S.PAPER, "arxiv:1", title="A")
    b = kg.add_node(S.PAPER, "arxiv:2", title="B")
    kg.add_edge(S.CITES, a, b)
    kg.add_edge(S.SIMILAR_TO, a, b, score=0.8)
    kg.add_edge(S.SIMILAR_TO, a, b, score=0.9)
    assert isinstance(kg.g, CompactMultiDiGraph)
    assert isinstance(kg.g._succ[a][b], EdgeKeys)  # noqa: SLF001 - the stored layout
    assert sorted((t, p.get(S.SCORE)) for _, _, t, p in kg.edges()) == [
        (S.CITES, None), (S.SIMILAR_TO, 0.9)]
    plain = kg.to_networkx()
    assert type(plain) is nx.MultiDiGraph and type(plain.edges[a, b, S.CITES]) is dict
    assert KnowledgeGraph(plain) == kg


def test_typed_edges_read_the_storage_as_the_view_does() -> None:
    kg = KnowledgeGraph()
    a, b = kg.add_node(S.PAPER, "a", title="A"), kg.add_node(S.PAPER, "b", title="B")
    kg.add_edge(S.CITES, a, b, inferred=False)
    kg.add_edge(S.CITES, a, b, "inferred", inferred=True, via=["x"])  # two keys, one pair
    kg.add_edge(S.SIMILAR_TO, a, b, score=0.5)
    kg.g.add_edge(b, a, key="odd", other=1, type=S.CITES)  # type not the first name
    expected = sorted((u, v, k, d[S.TYPE]) for u, v, k, d in kg.g.edges(keys=True, data=True))
    assert sorted((u, v, k, t) for u, v, k, t, _ in kg.g.typed_edges(S.TYPE)) == expected
    assert sorted(k for _, _, k, _, _ in kg.g.typed_edges(S.TYPE, S.CITES)) == [
        "CITES", "CITES|inferred", "odd"]
    assert [(u, v, t) for u, v, t, _ in kg.edges(S.SIMILAR_TO)] == [(a, b, S.SIMILAR_TO)]
    assert kg.stats()["edges"][S.CITES] == 3
