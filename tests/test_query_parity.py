"""Every registered query helper answers the same on both backends.

Two graphs: the hand-made sample (an edge of every type) and a real build of one listing
(SIMILAR_TO and CO_MENTIONED from the edge builders); both carry real paper embeddings.
Arguments are chosen by parameter kind from the graph, so a helper added to the registry
is covered here without touching this file.
"""

from __future__ import annotations

import math
from itertools import product

import neo4j_support
import pytest
from neo4j_support import borrow_vectors, sample_graph

from citegraph.errors import BadArgument
from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.stores.neo4j_conn import connect
from citegraph.graph.stores.neo4j_store import write_graph
from citegraph.queries import (
    HELPERS,
    EmbeddedBackend,
    Helper,
    NeedsNeo4j,
    Neo4jBackend,
    Queries,
    QueryError,
)
from citegraph.queries.semantic import SCORE_TOLERANCE as SIMILARITY_TOLERANCE

# fixtures shared with the other Neo4j test modules
neo4j_config = neo4j_support.neo4j_config
neo4j_driver = neo4j_support.neo4j_driver

#: PageRank runs in GDS on Neo4j and in numpy in memory; scores agree to this (relative).
SCORE_TOLERANCE = 1e-4
#: Absolute tolerance per helper: cosine scores are rounded to 4 decimals and may be 0.
ABS_TOLERANCE = {"search_similar": SIMILARITY_TOLERANCE}
#: Helpers that must answer on the built graph: the ones over the derived edges and vectors.
BUILT_MUST_ANSWER = {"similar_papers", "co_mentioned", "search_similar", "papers_mentioning"}


def _busiest(kg: KnowledgeGraph, rel_type: str, labels: tuple[str, ...]) -> list[str]:
    """Node ids of the given labels with the most edges of a type, busiest first."""
    degree: dict[str, int] = {}
    for u, v, _, _ in kg.edges(rel_type):
        for nid in (u, v):
            if S.split_node_id(nid)[0] in labels:
                degree[nid] = degree.get(nid, 0) + 1
    return sorted(degree, key=lambda n: (-degree[n], n))


def derived(kg: KnowledgeGraph) -> dict[str, list]:
    """Hits taken from the graph itself, so a built graph's helpers answer too."""
    entities = _busiest(kg, S.CO_MENTIONED, S.ENTITY_NODE_LABELS)[:2]
    models = _busiest(kg, S.EVALUATED_ON, (S.MODEL,))[:1]
    benchmarks = _busiest(kg, S.EVALUATED_ON, (S.BENCHMARK,))[:1]
    similar = _busiest(kg, S.SIMILAR_TO, (S.PAPER,))[:1]
    names = [kg.node(n).get(S.NAME, "") for n in entities]
    co_cited = _busiest(kg, S.CO_CITED, (S.PAPER,))[:1]
    coupled = _busiest(kg, S.COUPLED, (S.PAPER,))[:1]
    authors = _busiest(kg, S.CO_AUTHORED, (S.AUTHOR,))[:1]
    keywords = _busiest(kg, S.CO_OCCURS, (S.KEYWORD,))[:1]
    return {
        "entity": [n.upper() for n in names] + [kg.node(n)[S.KEY] for n in entities],
        "model": [kg.node(n)[S.NAME] for n in models],
        "benchmark": [kg.node(n)[S.NAME].lower() for n in benchmarks],
        "paper": [kg.node(n)[S.KEY] for n in similar + co_cited + coupled]
                 + [kg.node(n)[S.TITLE].upper() for n in similar],
        "author": [kg.node(n)[S.NAME].upper() for n in authors]
                  + [kg.node(n)[S.KEY] for n in authors],
        "term": [kg.node(n)[S.NAME].upper() for n in keywords] + names[:1],
        "node": similar + names[:1],
    }


def candidates(kg: KnowledgeGraph) -> dict[str, list]:
    """Argument values per parameter kind: hits in several spellings, and misses."""
    papers = sorted(nid for nid, _ in kg.nodes(S.PAPER))
    linked = [p for p in papers if kg.degree(p) > 0]
    similar = sorted({u for u, _, t, _ in kg.edges(S.SIMILAR_TO)})
    first = kg.node(linked[0])
    extra = derived(kg)
    fixed = {
        "entity": ["lora", "LLaMA", "gpt4", "MOE", "transformer", "ImageNet", "minicpm",
                   "no such entity", "Llama-2", "LLaMA 2", "low rank  ADAPTATION"],
        "model": ["llama", "CLIP", "GPT4", "mmlu"],
        "benchmark": ["MMLU", "coco", "ms-coco", "clip"],
        "paper": [kg.node(linked[0])[S.KEY], first[S.TITLE].upper(),
                  first[S.TITLE].replace(" ", "-").lower(), first[S.TITLE].split(":")[0],
                  kg.node(similar[0])[S.KEY], kg.node(linked[-1])[S.KEY], "no-such-paper"],
        "node": ["LoRA", "ImageNet", f"{S.PAPER}:{kg.node(similar[0])[S.KEY]}",
                 "Author:author-1", "Mistral", "nothing at all"],
        "text": ["language model", "diffusion", "LLaMA", "Mixture of Experts", "zzqx",
                 "Rubik", "model's"],
        "entity_type": [None, "model", "Method", "benchmark"],
        "author": ["author 1", "Author-3", "nobody"],
        "term": [None, "LLaMA", "large-language-models", "agent", "no such term"],
        "burst_kind": [None, "keyword", "reference", "entity"],
        "time_unit": [None, "month", "year"],
        "int": [None, 3, 1000],
        "ambiguity": [None, "all"],
    }
    return {kind: list(dict.fromkeys(values + extra.get(kind, [])))
            for kind, values in fixed.items()}


def argument_sets(helper: Helper, values: dict[str, list]) -> list[dict]:
    """Required parameters crossed over their candidates; optional ones varied one at a time."""
    required = [p for p in helper.params if p.required]
    optional = [p for p in helper.params if not p.required]
    pools = [values[p.kind] for p in required]
    if len(required) > 1:  # pairs of distinct values, not the full cross product
        base = [dict(zip([p.name for p in required], combo, strict=True))
                for combo in product(*pools) if len(set(combo)) == len(combo)][:12]
    else:
        base = [dict(zip([p.name for p in required], combo, strict=True))
                for combo in product(*pools)]
    sets = list(base)
    for p in optional:
        pool = values[p.kind] if p.name != "label" else [None, "Paper", "model", "Method"]
        for value in pool:
            if value is not None:
                sets.extend({**b, p.name: value} for b in base[:3])
    return sets


def same_rows(helper: Helper, a: list[dict], b: list[dict]) -> bool:
    if not helper.approximate:
        return a == b
    if len(a) != len(b):
        return False

    def exact(row: dict) -> dict:
        return {k: v for k, v in row.items() if k not in helper.approximate}

    def close(x: float, y: float) -> bool:
        return math.isclose(x, y, rel_tol=SCORE_TOLERANCE,
                            abs_tol=ABS_TOLERANCE.get(helper.name, 0.0))

    by_key_a = {tuple(sorted(exact(r).items(), key=str)): r for r in a}
    by_key_b = {tuple(sorted(exact(r).items(), key=str)): r for r in b}
    if by_key_a.keys() != by_key_b.keys():
        return False
    # position by position too: rows may only trade places where their scores tie
    return all(
        close(by_key_a[k][c], by_key_b[k][c]) for k in by_key_a for c in helper.approximate
    ) and all(close(x[c], y[c]) for x, y in zip(a, b, strict=True) for c in helper.approximate)


@pytest.fixture(params=["sample", "built"])
def both(request, neo4j_config, neo4j_driver, built_graph):
    sample = request.param == "sample"
    kg = borrow_vectors(sample_graph(), built_graph) if sample else built_graph
    assert kg.embeddings is not None and len(kg.embeddings) > 10
    write_graph(kg, neo4j_config.uri, neo4j_config.auth, neo4j_config.database)
    backend = Neo4jBackend(connect(neo4j_config), neo4j_config.database)
    yield kg, Queries(EmbeddedBackend(kg)), Queries(backend)
    backend.close()


@pytest.mark.neo4j
def test_every_helper_answers_the_same_on_both_backends(both, request):
    kg, embedded, neo4j = both
    values = candidates(kg)
    checked, non_empty = 0, set()
    for name, helper in sorted(HELPERS.items()):
        for args in argument_sets(helper, values):
            mine = embedded.run(name, **args)
            theirs = neo4j.run(name, **args)
            assert same_rows(helper, mine, theirs), (name, args, mine[:5], theirs[:5])
            for row in mine:
                assert tuple(row) == helper.columns, (name, row)
            checked += 1
            if mine:
                non_empty.add(name)
    if "sample" in request.node.callspec.id:
        assert non_empty == set(HELPERS), f"never answered: {set(HELPERS) - non_empty}"
    else:  # the build's own SIMILAR_TO and CO_MENTIONED edges, and its vectors
        missing = BUILT_MUST_ANSWER - non_empty
        assert not missing, f"never answered: {missing}"
    assert checked > 3 * len(HELPERS)


@pytest.mark.neo4j
def test_python_fallback_without_gds_matches_gds(both):
    kg, embedded, neo4j = both
    without = Neo4jBackend(neo4j.backend.driver, neo4j.backend.database)
    without._gds = False
    assert neo4j.backend.has_gds(), "scripts/neo4j install puts GDS into plugins/"
    for name in ("top_entities_by_pagerank", "communities"):
        helper = HELPERS[name]
        assert same_rows(helper, Queries(without).run(name), neo4j.run(name))
        assert same_rows(helper, embedded.run(name), neo4j.run(name))


@pytest.mark.neo4j
def test_cypher_passes_values_as_parameters(both):
    kg, _, neo4j = both
    hostile = "x' OR 1=1 //"
    assert neo4j.cypher("RETURN $v AS v", v=hostile) == [{"v": hostile}]
    n = neo4j.cypher(f"MATCH (p:`{S.PAPER}`) RETURN count(p) AS n")[0]["n"]
    assert n == kg.stats()["nodes"][S.PAPER]
    with pytest.raises(QueryError):
        neo4j.cypher("MATCH (n) DETACH DELETE n")  # refused before it is sent
    assert neo4j.cypher(f"MATCH (p:`{S.PAPER}`) RETURN count(p) AS n")[0]["n"] == n


def test_embedded_cypher_says_it_needs_neo4j():
    q = Queries(EmbeddedBackend(KnowledgeGraph()))
    with pytest.raises(NeedsNeo4j, match="needs Neo4j"):
        q.cypher("RETURN 1")


def test_helpers_have_docs_columns_and_both_implementations():
    assert len(HELPERS) >= 13
    for helper in HELPERS.values():
        assert helper.doc and helper.columns
        assert helper.embedded is not None
        assert (helper.cypher is None) != (helper.neo4j is None), helper.name
        assert hasattr(Queries, helper.name)


def test_bad_arguments_are_clear_errors():
    q = Queries(EmbeddedBackend(sample_graph(max_papers=20)))
    with pytest.raises(QueryError, match="unknown entity type"):
        q.top_entities(type="gadget")
    with pytest.raises(BadArgument, match="needs the argument 'entity'"):
        q.papers_mentioning()
    with pytest.raises(QueryError, match="no query helper"):
        q.run("no_such_helper")


def test_embedded_answers_on_a_hand_built_graph():
    kg = KnowledgeGraph()
    p1 = kg.add_node(S.PAPER, "p1", **{S.TITLE: "LoRA for all", S.DATE: "2024-01-05"})
    p2 = kg.add_node(S.PAPER, "p2", **{S.TITLE: "More adapters", S.DATE: "2024-03-01"})
    lora = kg.add_node(S.METHOD, "lora", **{S.NAME: "LoRA", S.ALIASES: ["low-rank adaptation"]})
    kg.add_edge(S.MENTIONS, p1, lora)
    kg.add_edge(S.MENTIONS, p2, lora)
    kg.add_edge(S.INTRODUCES, p1, lora)
    q = Queries(EmbeddedBackend(kg))
    assert [r["key"] for r in q.papers_mentioning("LOW-RANK ADAPTATION")] == ["p2", "p1"]
    assert [r["key"] for r in q.introducing("lora")] == ["p1"]
    assert q.timeline("LoRA") == [{"month": "2024-01", "papers": 1},
                                  {"month": "2024-03", "papers": 1}]
    assert q.shortest_path("p1", "p2") == [
        {"step": 0, "label": S.PAPER, "key": "p1", "name": "LoRA for all"},
        {"step": 1, "label": S.METHOD, "key": "lora", "name": "LoRA"},
        {"step": 2, "label": S.PAPER, "key": "p2", "name": "More adapters"},
    ]
    assert [r["key"] for r in q.search("lora")] == ["lora", "p1"]
