"""SPARQL over the RDF view: the example queries answer what the graph itself says."""

from __future__ import annotations

from collections import Counter

import pytest
from exchange_graphs import HOSTILE, find_seeds, seeds_related_graph, small_related_graph

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.stores.sparql import SparqlError
from citegraph.queries.common import find_entities
from citegraph.queries.sparql_examples import EXAMPLES, run_example


@pytest.fixture(scope="module", params=["small", "seeds"])
def kg(request) -> KnowledgeGraph:
    if request.param == "small":
        return small_related_graph()
    seeds = find_seeds()
    if seeds is None:
        pytest.skip("the example corpus (shared/seeds) is not beside this checkout")
    return seeds_related_graph(seeds)


def entity_ids(kg: KnowledgeGraph, ref: str) -> set[str]:
    """The entity nodes sharing the key ``ref`` resolves to (SPARQL matches by key)."""
    keys = {kg.node(n)[S.KEY] for n in find_entities(kg, ref, ambiguous="all")}
    return {S.node_id(label, key) for label in S.ENTITY_NODE_LABELS for key in keys} & set(kg.g)


def key_of(kg: KnowledgeGraph, nid: str) -> str:
    return kg.node(nid)[S.KEY]


@pytest.mark.parametrize("entity", ["dpo", "llama", "mmlu", "absent", HOSTILE])
def test_papers_mentioning_an_entity(kg, entity):
    ids = entity_ids(kg, entity)
    expected = sorted((key_of(kg, u), props.get(S.COUNT)) for u, v, _, props
                      in kg.edges(S.MENTIONS) if v in ids)
    rows = run_example(kg, "papers_mentioning", entity=entity)
    assert [(r["paper"], r["count"]) for r in rows] == expected


@pytest.mark.parametrize("entity", ["dpo", "llama-2", "mmlu"])
def test_paper_introducing_an_entity(kg, entity):
    ids = entity_ids(kg, entity)
    expected = sorted({key_of(kg, u) for u, v, _, _ in kg.edges(S.INTRODUCES) if v in ids})
    assert [r["paper"] for r in run_example(kg, "introducing_papers", entity=entity)] == expected


@pytest.mark.parametrize("entity", ["dpo", "llama", "mmlu"])
def test_entities_co_mentioned_with_an_entity(kg, entity):
    ids = entity_ids(kg, entity)
    expected = []
    for u, v, _, props in kg.edges(S.CO_MENTIONED):
        for this, other in ((u, v), (v, u)):
            if this in ids:
                expected.append((key_of(kg, other), props.get(S.STRENGTH), props.get(S.COUNT)))
    expected.sort(key=lambda row: (-(row[1] or 0), row[0]))
    rows = run_example(kg, "co_mentioned", entity=entity)
    assert [(r["other"], r["strength"], r["count"]) for r in rows] == expected


def test_citing_papers_count_explicit_and_inferred_apart(kg):
    cited = next(v for _, v, _, _ in kg.edges(S.CITES))
    expected = sorted((key_of(kg, u), props.get(S.INFERRED)) for u, v, _, props
                      in kg.edges(S.CITES) if v == cited)
    rows = run_example(kg, "citing_papers", paper=key_of(kg, cited))
    assert sorted((r["citing"], r["inferred"]) for r in rows) == expected
    assert len(rows) >= 2 or kg.number_of_nodes() > 20


def test_counts_and_most_mentioned(kg):
    stats = kg.stats()
    (row,) = run_example(kg, "counts")
    assert row == {
        "papers": stats["nodes"][S.PAPER], "authors": stats["nodes"][S.AUTHOR],
        "entities": sum(stats["nodes"][label] for label in S.ENTITY_NODE_LABELS),
        "citations": stats["edges"][S.CITES],
    }
    papers: Counter[tuple[str, str]] = Counter()
    for _, v in {(u, v) for u, v, _, _ in kg.edges(S.MENTIONS)}:
        papers[(key_of(kg, v), kg.node(v)[S.LABEL])] += 1
    expected = sorted(papers.items(), key=lambda item: (-item[1], item[0]))
    rows = run_example(kg, "most_mentioned", limit=3)
    assert [((r["entity"], r["label"]), r["papers"]) for r in rows] == expected[:3]


def test_every_example_is_documented_and_parameterised():
    for example in EXAMPLES.values():
        assert example.doc and example.query.strip().startswith("SELECT")
        for param in example.params:
            assert param == "limit" or f"?{param}" in example.query


def test_the_view_is_cached_and_rebuilt_after_a_change():
    kg = small_related_graph()
    assert kg.sparql("ASK { ?p a schema:ScholarlyArticle }") is True
    view = kg._rdf
    kg.sparql("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")
    assert kg._rdf is view
    kg.add_node(S.METHOD, "new", **{S.NAME: "New"})
    assert kg._rdf is None
    assert kg.sparql("ASK { ?e skos:prefLabel ?name }", name="New") is True


def test_a_broken_query_fails_clearly():
    with pytest.raises(SparqlError, match="SPARQL query failed"):
        small_related_graph().sparql("SELECT WHERE {")



def test_a_bound_parameter_plans_the_pattern_from_its_value():
    """rdflib orders a pattern's triples when it parses the query, before bindings are
    known; a bound value is put into the pattern so the plan starts from the triple it
    selects. Counted as triple lookups: linear in the mentions at worst, where a plan that
    starts from every entity reads every mention once per entity."""
    from rdflib import Graph

    from citegraph.graph.stores.sparql import run_sparql

    seeds = find_seeds()
    if seeds is None:
        pytest.skip("the example corpus (shared/seeds) is not beside this checkout")
    import citegraph
    from citegraph.graph.options import BuildOptions

    kg = citegraph.build([seeds], options=BuildOptions(similarity=False))

    class CountingGraph(Graph):
        lookups = 0

        def triples(self, pattern):  # type: ignore[override]
            CountingGraph.lookups += 1
            return super().triples(pattern)

    view = CountingGraph()
    for triple in kg.to_rdflib():
        view.add(triple)
    entities = {a[S.KEY] for _, a in kg.g.nodes(data=True) if a[S.LABEL] in S.ENTITY_NODE_LABELS}
    key = Counter(kg.node(e)[S.KEY] for _, e, _, _ in kg.edges(S.MENTIONS)).most_common(1)[0][0]
    rows = run_sparql(view, EXAMPLES["papers_mentioning"].query, entity=key)
    assert rows == run_example(kg, "papers_mentioning", entity=key)
    assert len(rows) > 2
    # at worst every mention node is read once; a plan that ignores the bound value
    # reads every mention again for each entity
    mentions = sum(1 for _ in kg.edges(S.MENTIONS))
    assert CountingGraph.lookups <= 2 * mentions + 4 * len(rows) + 10, (
        CountingGraph.lookups, mentions, len(rows), len(entities))
