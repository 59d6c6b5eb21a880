"""RDF export: every file parses, round-trips to an equal graph, uses the vocabulary."""

from __future__ import annotations

import numpy as np
import pytest
from exchange_graphs import HOSTILE, find_seeds, seeds_related_graph, small_related_graph
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.stores import rdf_vocab as V
from citegraph.graph.stores.rdf import RdfError, read_rdf, write_rdf
from citegraph.graph.vectors import PaperVectors

FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}


@pytest.fixture(scope="module")
def seeds_graph() -> KnowledgeGraph:
    seeds = find_seeds()
    if seeds is None:
        pytest.skip("the example corpus (shared/seeds) is not beside this checkout")
    return seeds_related_graph(seeds)


def parsed(path, fmt) -> Graph:
    graph = Graph()
    graph.parse(path, format=FORMATS[fmt])
    return graph


COUNTS = """
SELECT ?papers ?entities ?citations WHERE {
  { SELECT (COUNT(?p) AS ?papers) WHERE { ?p a schema:ScholarlyArticle } }
  { SELECT (COUNT(?e) AS ?entities) WHERE { ?e a skos:Concept } }
  { SELECT (COUNT(?c) AS ?citations) WHERE { ?c a cito:Citation } }
}"""


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_round_trips_to_an_equal_graph(tmp_path, fmt):
    kg = small_related_graph()
    path = kg.to_rdf(tmp_path / f"g.{fmt}")
    again = KnowledgeGraph.from_rdf(path)
    assert again == kg
    assert again.stats() == kg.stats()


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_example_corpus_parses_counts_and_round_trips(tmp_path, seeds_graph, fmt):
    path = seeds_graph.to_rdf(tmp_path / f"g.{fmt}")
    graph = parsed(path, fmt)
    (row,) = graph.query(COUNTS, initNs=V.PREFIXES)
    stats = seeds_graph.stats()
    assert int(row.papers) == stats["nodes"][S.PAPER] >= 527
    assert int(row.entities) == sum(stats["nodes"][label] for label in S.ENTITY_NODE_LABELS)
    assert int(row.citations) == stats["edges"][S.CITES]
    assert read_rdf(graph) == seeds_graph


def test_values_keep_their_types(tmp_path):
    kg = KnowledgeGraph()
    a = kg.add_node(S.PAPER, "k", **{S.TITLE: "", S.YEAR: 1999, S.UPVOTES: 12345678901234567890,
                                     S.STUB: True, S.DATE: "1999-02-30", "custom_ratio": -0.0,
                                     "custom_list": [1, 2.5, True, "x", HOSTILE, [3, "y"]],
                                     "ünïcode prop": 1e-300})
    b = kg.add_node(S.PAPER, "k2", **{S.DATE: "2024", S.YEAR: 12})
    kg.add_edge(S.SIMILAR_TO, a, b, **{S.SCORE: 2 / 3})
    for fmt in FORMATS:
        again = KnowledgeGraph.from_rdf(kg.to_rdf(tmp_path / f"v.{fmt}"))
        assert again == kg, fmt
        props = again.node(a)
        assert isinstance(props[S.STUB], bool) and isinstance(props[S.YEAR], int)
        assert props["custom_list"][-1] == [3, "y"]


def test_embeddings_are_not_part_of_rdf(tmp_path):
    kg = small_related_graph()
    kg.embeddings = PaperVectors("m", ["s2:4"], ["h"], np.ones((1, 3), dtype=np.float32))
    again = KnowledgeGraph.from_rdf(kg.to_rdf(tmp_path / "g.nt"))
    assert again.embeddings is None
    kg.embeddings = None
    assert again == kg


def test_ntriples_are_one_line_each_and_deterministic(tmp_path):
    kg = small_related_graph()
    first = write_rdf(kg, tmp_path / "a.nt").read_bytes()
    second = write_rdf(kg, tmp_path / "b.nt").read_bytes()
    assert first == second
    lines = first.decode("utf-8").split("\n")
    assert lines[-1] == ""
    assert len(lines) - 1 == len(parsed(tmp_path / "a.nt", "nt"))
    assert all(line.endswith(" .") for line in lines[:-1])


def test_iris_are_stable_percent_encoded_and_distinct():
    keys = [HOSTILE, "doi:10.1/a b", "doi:10.1/a%20b", "title:a/b", "title:a%2Fb", "ü"]
    iris = [V.node_iri(V.DEFAULT_BASE, S.PAPER, key) for key in keys]
    assert len(set(iris)) == len(keys)
    for iri in iris:
        assert all(c.isascii() and c.isprintable() and c not in ' <>"{}|^`\\' for c in iri)
        assert iri.startswith(V.DEFAULT_BASE + "paper/")
    assert V.node_iri(V.DEFAULT_BASE, S.PAPER, "arxiv:2401.00001") == URIRef(
        "https://w3id.org/citegraph/id/paper/arxiv:2401.00001")


def test_standard_vocabularies_are_used(tmp_path):
    kg = small_related_graph()
    graph = parsed(kg.to_rdf(tmp_path / "g.ttl"), "ttl")
    paper = V.node_iri(V.DEFAULT_BASE, S.PAPER, "arxiv:2401.00001")
    cited = V.node_iri(V.DEFAULT_BASE, S.PAPER, 'doi:10.1000/x<y>"z" w')
    dpo = V.node_iri(V.DEFAULT_BASE, S.METHOD, "dpo")
    ada = V.node_iri(V.DEFAULT_BASE, S.AUTHOR, "ada lovelace")
    assert (paper, RDF.type, V.SCHEMA.ScholarlyArticle) in graph
    assert (paper, RDF.type, V.FABIO.ResearchPaper) in graph
    assert (paper, DCTERMS.title, Literal("Second")) in graph
    assert (paper, V.CITO.cites, cited) in graph
    assert (paper, V.CITO.usesMethodIn, cited) in graph  # inferred through DPO, introduced there
    assert (cited, DCTERMS.creator, ada) in graph
    assert (ada, RDF.type, V.FOAF.Person) in graph
    assert (dpo, SKOS.prefLabel, Literal("Direct Preference Optimization")) in graph
    assert {str(o) for o in graph.objects(dpo, SKOS.altLabel)} == {"DPO", HOSTILE}
    assert (dpo, RDF.type, V.CG.Method) in graph and (dpo, RDF.type, SKOS.Concept) in graph
    similarity = next(graph.subjects(RDF.type, V.CG.Similarity))
    assert isinstance(graph.value(similarity, V.CG.score).toPython(), float)


def test_a_kind_added_to_the_schema_exports_without_changes(tmp_path, monkeypatch):
    dataset = S.NodeKind("Dataset", (S.KEY, S.NAME))
    uses = S.RelKind("USES_DATASET", (S.PAPER,), ("Dataset",), (S.COUNT,))
    monkeypatch.setattr(S, "NODE_KINDS", (*S.NODE_KINDS, dataset))
    monkeypatch.setattr(S, "REL_KINDS", (*S.REL_KINDS, uses))
    monkeypatch.setitem(S.NODE_KIND_BY_LABEL, "Dataset", dataset)
    monkeypatch.setitem(S.REL_KIND_BY_TYPE, "USES_DATASET", uses)
    kg = small_related_graph()
    d = kg.add_node("Dataset", "c4", **{S.NAME: "C4"})
    kg.add_edge("USES_DATASET", next(iter(kg.g)), d, **{S.COUNT: 2})
    path = kg.to_rdf(tmp_path / "g.ttl")
    assert KnowledgeGraph.from_rdf(path) == kg
    graph = parsed(path, "ttl")
    assert (V.node_iri(V.DEFAULT_BASE, "Dataset", "c4"), RDF.type, V.CG.Dataset) in graph
    assert any(graph.subjects(RDF.type, V.CG.UsesDatasetRelation))


def test_reserved_edge_property_and_bad_input_fail_clearly(tmp_path):
    kg = small_related_graph()
    start, end, key = next(iter(kg.g.edges(keys=True)))
    kg.g.edges[start, end, key]["start"] = "x"
    with pytest.raises(RdfError, match="reserved"):
        kg.to_rdf(tmp_path / "g.nt")
    (tmp_path / "bad.ttl").write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(RdfError, match="not readable"):
        read_rdf(tmp_path / "bad.ttl")
    with pytest.raises(RdfError, match="unknown RDF format"):
        write_rdf(kg, tmp_path / "g.xyz")


def test_ntriples_export_memory_does_not_grow_with_the_graph():
    import io
    import sys
    import tracemalloc
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from bench_export_nt import synthetic_graph

    from citegraph.graph.stores.rdf import write_ntriples

    class Discard(io.TextIOBase):
        def write(self, text: str) -> int:
            return len(text)

    peaks = []
    for papers in (100, 1000):
        kg = synthetic_graph(papers)
        tracemalloc.start()
        try:
            triples = write_ntriples(kg, Discard())
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        assert triples > 50 * papers
    assert peaks[1] < 1.5 * peaks[0] + 64 * 1024, peaks


def test_every_cg_term_of_an_export_is_declared_in_the_vocabulary():
    from rdflib.namespace import RDFS

    declared = {s for s, p, _ in V.vocabulary_triples() if p == RDFS.comment}
    graph = small_related_graph().to_rdflib()
    used = {t for triple in graph for t in triple
            if isinstance(t, URIRef) and t.startswith(str(V.CG))}
    assert used and used <= declared, used - declared
