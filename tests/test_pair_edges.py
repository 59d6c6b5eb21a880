"""The columnar pair networks: what goes in reads back exactly, through every reader."""

from __future__ import annotations

import json
import pickle
import random

import networkx as nx
import pytest

from citegraph.errors import GraphError
from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.stores.files import EDGES


def authors(n: int) -> tuple[KnowledgeGraph, list[str]]:
    kg = KnowledgeGraph()
    ids = [kg.add_node(S.AUTHOR, f"a{i:05d}", name=f"Author {i}") for i in range(n)]
    return kg, ids


def listed(kg: KnowledgeGraph, rel: str) -> dict[tuple[str, str], dict]:
    return {(u, v): {k: x for k, x in p.items() if k != S.TYPE} for u, v, _, p in kg.edges(rel)}


def test_the_columnar_types_are_the_symmetric_pair_networks() -> None:
    assert {k.type for k in S.REL_KINDS if k.symmetric} >= S.COLUMNAR_TYPES
    for rel in S.COLUMNAR_TYPES:
        assert set(S.REL_KIND_BY_TYPE[rel].properties) <= {
            S.COUNT, S.STRENGTH, S.SCORE, S.EVIDENCE}


def test_random_adds_updates_and_removals_match_a_dict() -> None:
    """Enough operations to fold the recent pairs into the sorted index several times and
    to compact dead rows; the table must agree with a plain dict all along."""
    rng = random.Random(7)
    kg, ids = authors(300)
    model: dict[tuple[str, str], dict] = {}
    for step in range(30_000):
        a, b = rng.sample(ids, 2)
        pair = (min(a, b), max(a, b))
        if rng.random() < 0.25 and model:
            pair = rng.choice(list(model)) if rng.random() < 0.5 else pair
            assert kg.remove_edge(*pair, S.CO_AUTHORED) == (pair in model)
            model.pop(pair, None)
            continue
        props: dict = {S.COUNT: rng.randrange(1, 10**6)}
        if rng.random() < 0.7:
            props[S.EVIDENCE] = [f"paper{rng.randrange(500)}" for _ in range(rng.randrange(4))]
        kg.add_edge(S.CO_AUTHORED, b, a, **props)  # either order: stored smaller first
        model.setdefault(pair, {}).update({k: v for k, v in props.items() if v})
        if step % 5000 == 0:
            assert listed(kg, S.CO_AUTHORED) == model
    assert listed(kg, S.CO_AUTHORED) == model
    for pair, props in list(model.items())[:200]:
        assert kg.edge(*pair, S.CO_AUTHORED) == {S.TYPE: S.CO_AUTHORED, **props}
        assert kg.edge(pair[1], pair[0], S.CO_AUTHORED) is None  # only as stored
    assert kg.stats()["edges"][S.CO_AUTHORED] == len(model) == kg.number_of_edges()


def test_values_read_back_with_their_types_and_bits() -> None:
    kg = KnowledgeGraph()
    p, q = (kg.add_node(S.PAPER, k) for k in ("p", "q"))
    e, f = (kg.add_node(S.METHOD, k) for k in ("lora", "dpo"))
    kg.add_edge(S.SIMILAR_TO, p, q, score=0.1 + 0.2)
    kg.add_edge(S.CO_MENTIONED, e, f, count=2**62 + 1, strength=-1e-300,
                evidence=["ünïcode key", "arxiv:2401.00001", "not a node"])
    (_, _, _, sim), = kg.edges(S.SIMILAR_TO)
    assert sim == {S.TYPE: S.SIMILAR_TO, S.SCORE: 0.30000000000000004}
    (u, v, _, co), = kg.edges(S.CO_MENTIONED)
    assert (u, v) == (f, e)  # the smaller id first
    assert co[S.COUNT] == 2**62 + 1 and type(co[S.COUNT]) is int
    assert co[S.STRENGTH] == -1e-300 and type(co[S.STRENGTH]) is float
    assert co[S.EVIDENCE] == ["ünïcode key", "arxiv:2401.00001", "not a node"]
    kg.add_edge(S.CO_MENTIONED, e, f, strength=0.5)  # an update keeps what it leaves out
    assert kg.edge(f, e, S.CO_MENTIONED) == {**co, S.STRENGTH: 0.5}


@pytest.mark.parametrize("props, message", [
    ({S.SOURCE: "x"}, "cannot hold property 'source'"),
    ({S.COUNT: True}, "must be an integer"),
    ({S.COUNT: 1.5}, "must be an integer"),
    ({S.STRENGTH: float("nan")}, "NaN"),
    ({S.STRENGTH: "0.5"}, "must be a number"),
    ({S.EVIDENCE: [1, 2]}, "list of strings"),
])
def test_values_a_column_cannot_hold_are_refused(props: dict, message: str) -> None:
    kg = KnowledgeGraph()
    a, b = (kg.add_node(S.PAPER, k) for k in ("a", "b"))
    with pytest.raises(GraphError, match=message):
        kg.add_edge(S.CO_CITED, a, b, **props)
    assert kg.number_of_edges() == 0


def test_a_discriminator_is_refused() -> None:
    kg, (a, b) = authors(2)
    with pytest.raises(GraphError, match="no discriminator"):
        kg.add_edge(S.CO_AUTHORED, a, b, "second", count=1)


def test_a_removed_node_takes_its_pair_edges_and_can_come_back() -> None:
    kg, ids = authors(5)
    for i in range(5):
        for j in range(i + 1, 5):
            kg.add_edge(S.CO_AUTHORED, ids[i], ids[j], count=i + j, evidence=[f"p{i}{j}"])
    kg.remove_node(ids[2])
    assert all(ids[2] not in (u, v) for u, v, _, _ in kg.edges())
    assert kg.number_of_edges() == 6
    again = kg.add_node(S.AUTHOR, "a00002")
    assert list(kg.edges_at(again)) == []
    kg.add_edge(S.CO_AUTHORED, again, ids[0], count=9)
    assert [(u, v, k) for u, v, k, _, _ in kg.edges_at(again)] == [
        (ids[0], again, S.CO_AUTHORED)]


def test_neighbour_lookups_see_every_change() -> None:
    kg, ids = authors(50)
    rng = random.Random(3)
    for _ in range(400):
        a, b = rng.sample(ids, 2)
        kg.add_edge(S.CO_AUTHORED, a, b, count=1)
    for nid in ids[:10]:
        expected = sorted((u, v) for u, v, _, _ in kg.edges(S.CO_AUTHORED) if nid in (u, v))
        assert sorted((u, v) for u, v, *_ in kg.edges_at(nid)) == expected
        assert kg.degree(nid) == len(expected)
    u, v, _, _ = next(kg.edges(S.CO_AUTHORED))
    kg.remove_edge(u, v, S.CO_AUTHORED)  # after the index was built
    assert (u, v) not in {(a, b) for a, b, *_ in kg.edges_at(u)}
    kg.add_edge(S.CO_AUTHORED, u, v, count=4)
    assert kg.edge(u, v, S.CO_AUTHORED)[S.COUNT] == 4
    assert (u, v) in {(a, b) for a, b, *_ in kg.edges_at(v)}


def test_views_copies_and_pickles_carry_the_pair_edges() -> None:
    kg, ids = authors(4)
    p = kg.add_node(S.PAPER, "p")
    kg.add_edge(S.AUTHORED, ids[0], p, position=1)
    kg.add_edge(S.CO_AUTHORED, ids[0], ids[1], count=3, evidence=["p"])
    kg.add_edge(S.CO_AUTHORED, ids[1], ids[2], count=1)
    plain = kg.to_networkx()
    assert type(plain) is nx.MultiDiGraph and plain.number_of_edges() == 3
    assert plain.edges[ids[0], ids[1], S.CO_AUTHORED] == {
        S.TYPE: S.CO_AUTHORED, S.COUNT: 3, S.EVIDENCE: ["p"]}
    sub = kg.subgraph([ids[0], ids[1], p])
    assert sorted(k for _, _, k in sub.edges(keys=True)) == [S.AUTHORED, S.CO_AUTHORED]
    assert nx.has_path(kg.undirected(), p, ids[2])
    twin = kg.copy()
    twin.remove_edge(ids[0], ids[1], S.CO_AUTHORED)
    assert kg.has_edge(ids[0], ids[1], S.CO_AUTHORED) and twin != kg
    assert pickle.loads(pickle.dumps(kg)) == kg


def test_save_and_load_keep_them_in_the_same_edge_lines(tmp_path) -> None:
    kg, ids = authors(3)
    kg.add_edge(S.CO_AUTHORED, ids[2], ids[0], count=2, evidence=["k1", "k2"])
    kg.add_edge(S.CO_AUTHORED, ids[1], ids[2], count=1)
    kg.save(tmp_path / "g")
    rows = [json.loads(line) for line in (tmp_path / "g" / EDGES).read_text().splitlines()]
    assert {"start": ids[0], "end": ids[2], "key": S.CO_AUTHORED, "type": S.CO_AUTHORED,
            "properties": {S.COUNT: 2, S.EVIDENCE: ["k1", "k2"]}} in rows
    again = KnowledgeGraph.load(tmp_path / "g")
    assert again == kg and len(again.pairs) == 2 and again.g.number_of_edges() == 0


def test_records_with_a_pair_twice_are_refused_by_position() -> None:
    nodes = [{"label": S.AUTHOR, "key": k, "properties": {}} for k in ("a", "b")]
    edge = {"type": S.CO_AUTHORED, "start": "Author:a", "end": "Author:b",
            "properties": {S.COUNT: 1}}
    with pytest.raises(GraphError, match="edge 2: .*appears twice"):
        KnowledgeGraph.from_records(nodes, [edge, {**edge, "start": "Author:b",
                                                   "end": "Author:a"}])
    with pytest.raises(GraphError, match="edge 1: .*cannot hold property 'via'"):
        KnowledgeGraph.from_records(nodes, [{**edge, "properties": {S.VIA: "x"}}])


def test_a_built_graph_holds_its_networks_in_columns(built_graph) -> None:
    stats = built_graph.stats()["edges"]
    in_g = {a[S.TYPE] for _, _, a in built_graph.g.edges(data=True)}
    assert not in_g & S.COLUMNAR_TYPES
    assert len(built_graph.pairs) == sum(stats[rel] for rel in S.COLUMNAR_TYPES) > 0
    assert built_graph.to_networkx().number_of_edges() == built_graph.number_of_edges()


def test_bulk_adds_equal_one_by_one_adds() -> None:
    """Pairs new, already there, twice in the batch and given either way round."""
    rng = random.Random(11)
    one, ids = authors(60)
    bulk, _ = authors(60)
    for batch in range(6):
        starts, ends, counts, evidence = [], [], [], []
        for _ in range(rng.randrange(1, 900)):
            a, b = rng.sample(ids, 2)
            starts.append(a)
            ends.append(b)
            counts.append(rng.randrange(10**12))
            evidence.append([f"k{rng.randrange(99)}" for _ in range(rng.randrange(3))])
        for a, b, c, ev in zip(starts, ends, counts, evidence, strict=True):
            one.add_edge(S.CO_AUTHORED, a, b, count=c, evidence=ev)
        assert bulk.add_pair_edges(S.CO_AUTHORED, starts, ends, {S.COUNT: counts},
                                   evidence) == len(starts)
        assert listed(bulk, S.CO_AUTHORED) == listed(one, S.CO_AUTHORED), batch
        assert list(bulk.edges()) == list(one.edges())  # the same order too


@pytest.mark.parametrize("columns, message", [
    ({S.COUNT: [1.5]}, "must be an integer"),
    ({S.COUNT: [1, 2]}, "values of count for 1 edges"),
    ({S.STRENGTH: [0.1]}, "cannot hold property 'strength'"),
])
def test_bulk_columns_a_table_cannot_hold_are_refused(columns: dict, message: str) -> None:
    kg, (a, b) = authors(2)
    with pytest.raises(GraphError, match=message):
        kg.add_pair_edges(S.CO_AUTHORED, [a], [b], columns)
    with pytest.raises(GraphError, match="missing node"):
        kg.add_pair_edges(S.CO_AUTHORED, [a], ["Author:nobody"], {S.COUNT: [1]})
    assert kg.number_of_edges() == 0


def test_the_batched_reader_refuses_a_pair_twice_or_a_bad_value() -> None:
    from citegraph.graph.bulk import GraphLoader

    def loaded(*rows: dict) -> KnowledgeGraph:
        loader = GraphLoader(GraphError)
        for key in ("a", "b", "c"):
            loader.node(S.AUTHOR, key, {})
        loader.own_edges([list(rows[:1]), list(rows[1:])])  # across two batches
        return loader.kg

    row = {"type": S.CO_AUTHORED, "start": "Author:a", "end": "Author:b",
           "key": S.CO_AUTHORED, "properties": {S.COUNT: 2, S.EVIDENCE: ["p1"]}}
    other = {**row, "end": "Author:c", "properties": {}}
    kg = loaded(row, other)
    assert listed(kg, S.CO_AUTHORED) == {("Author:a", "Author:b"): row["properties"],
                                         ("Author:a", "Author:c"): {}}
    with pytest.raises(GraphError, match="appears twice"):
        loaded(row, other, row)
    with pytest.raises(GraphError, match="must be an integer"):
        loaded(row, {**other, "properties": {S.COUNT: "2"}})
    with pytest.raises(GraphError, match="cannot hold property 'score'"):
        loaded(row, {**other, "properties": {S.SCORE: 0.5}})


def test_a_networkx_graph_handed_in_has_its_pair_edges_moved_to_the_columns() -> None:
    kg, ids = authors(3)
    kg.add_edge(S.CO_AUTHORED, ids[0], ids[1], count=2, evidence=["p"])
    plain = kg.to_networkx()
    plain.add_edge(ids[2], ids[0], key=S.CO_AUTHORED, type=S.CO_AUTHORED, count=1)
    again = KnowledgeGraph(plain)
    assert again.g.number_of_edges() == 0
    assert listed(again, S.CO_AUTHORED) == {(ids[0], ids[1]): {S.COUNT: 2, S.EVIDENCE: ["p"]},
                                            (ids[0], ids[2]): {S.COUNT: 1}}
