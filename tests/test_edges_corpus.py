"""All three kinds of relationship edge on the example corpus, with real extraction.

Pins inferred citations checked by hand against the papers: each names an entity whose
origin paper is in the corpus, and the citing paper really builds on or compares with it.
"""

from __future__ import annotations

import pytest

from citegraph import build
from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph


@pytest.fixture(scope="module")
def corpus(encoder, seeds_dir) -> KnowledgeGraph:
    return build(seeds_dir)


def by_title(kg: KnowledgeGraph, prefix: str) -> str:
    found = [nid for nid, p in kg.nodes(S.PAPER) if p.get(S.TITLE, "").startswith(prefix)]
    assert len(found) == 1, (prefix, found)
    return found[0]


@pytest.mark.slow
def test_every_kind_of_relationship_edge_with_evidence(corpus: KnowledgeGraph) -> None:
    edges = corpus.stats()["edges"]
    assert edges[S.SIMILAR_TO] > 500 and edges[S.CO_MENTIONED] > 50 and edges[S.CITES] >= 5
    for _, _, _, props in corpus.edges(S.SIMILAR_TO):
        assert 0.5 <= props[S.SCORE] <= 1.0
    for _, _, _, props in corpus.edges(S.CO_MENTIONED):
        assert props[S.COUNT] >= 2 and len(props[S.EVIDENCE]) == props[S.COUNT]
        assert all(corpus.has_node(S.node_id(S.PAPER, key)) for key in props[S.EVIDENCE])
    for start, end, _, props in corpus.edges(S.CITES):
        assert props[S.INFERRED] and props[S.VIA] and props[S.EVIDENCE]
        introduced = {corpus.node(e)[S.KEY] for _, e, p in corpus.g.out_edges(end, data=True)
                      if p[S.TYPE] == S.INTRODUCES}
        mentioned = {corpus.node(e)[S.KEY] for _, e, p in corpus.g.out_edges(start, data=True)
                     if p[S.TYPE] == S.MENTIONS}
        assert set(props[S.VIA]) <= introduced & mentioned


@pytest.mark.slow
@pytest.mark.parametrize(
    ("citing", "cited", "via", "sentence"),
    [
        ("Layer Normalization", "Batch Normalization: Accelerating",
         "batchnormalization", "A recently introduced technique called batch normalization"),
        ("MiniCache: KV Cache Compression", "Phi-3 Technical Report",
         "phi3", "LLaMA-2, LLaMA-3, Phi-3, Mistral"),
        ("OpenBezoar: Small, Cost-Effective", "Orca: Progressive Learning",
         "orca", "and Orca (with the Flan Collection as a seed dataset)"),
        ("A Case Study of Web App Coding", "WebApp1K: A Practical",
         "webapp1k", "The o1 models deliver SOTA results for WebApp1K"),
        ("YOLOv4: Optimal Speed", "Batch Normalization: Accelerating",
         "batchnormalization", "such as batch-normalization and residual-connections"),
    ],
)
def test_true_inferred_citations(
    corpus: KnowledgeGraph, citing: str, cited: str, via: str, sentence: str
) -> None:
    a, b = by_title(corpus, citing), by_title(corpus, cited)
    props = corpus.g.edges[a, b, f"{S.CITES}|inferred"]
    assert props[S.INFERRED] is True
    assert via in props[S.VIA]
    assert any(sentence in evidence for evidence in props[S.EVIDENCE])
    assert not corpus.g.has_edge(b, a, f"{S.CITES}|inferred")  # never both ways
