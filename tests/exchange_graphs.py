"""Graphs for the RDF and exchange-format tests: every node and edge kind, hostile text."""

from __future__ import annotations

from pathlib import Path

import citegraph
from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph

HOSTILE = "'}) DETACH DELETE n // \"quoted\" <b>&amp;</b>\nline two\r\tü ñ 中文 😀 \\ \x0b\u2028"


def related_graph(kg: KnowledgeGraph | None = None) -> KnowledgeGraph:
    """Papers (the given graph's first ones, or made here) with entities, authors and one
    edge of every kind, carrying every property type: str, int, float, bool, lists."""
    kg = kg if kg is not None else KnowledgeGraph()
    papers = [nid for nid, _ in kg.nodes(S.PAPER)][:4]
    extra = [("doi:10.1000/x<y>\"z\" w", {S.TITLE: HOSTILE, S.YEAR: 2023, S.DATE: "2023-05-01",
                                         S.AUTHORS: ["Ada", "Ada", HOSTILE], S.UPVOTES: 0,
                                         S.STUB: False, S.DOI: "10.1000/x<y>\"z\" w"}),
             ("arxiv:2401.00001", {S.TITLE: "Second", S.DATE: "2024-02", S.YEAR: 2024,
                                   S.PROVENANCE: ["a.txt:1", "b.txt:2"]}),
             ("title:ünïcode-/slash?#frag%20", {S.TITLE: "Third", S.DATE: "not a date",
                                                 S.STUB: True}),
             ("s2:4", {S.TITLE: "Fourth", S.ABSTRACT: ""})]
    for key, props in extra[: max(0, 4 - len(papers))]:
        papers.append(kg.add_node(S.PAPER, key, **props))
    p1, p2, p3, p4 = papers
    dpo = kg.add_node(S.METHOD, "dpo", **{S.NAME: "Direct Preference Optimization",
                                         S.ALIASES: ["DPO", HOSTILE, "DPO"],
                                         S.ENTITY_TYPE: "method", S.INTRODUCED: True,
                                         S.PAPER_COUNT: 3})
    llama = kg.add_node(S.MODEL, "llama", **{S.NAME: "LLaMA", S.ALIASES: ["Llama"],
                                            S.ENTITY_TYPE: "model", S.INTRODUCED: False})
    llama2 = kg.add_node(S.MODEL, "llama-2", **{S.NAME: "Llama 2", S.ENTITY_TYPE: "model"})
    mmlu = kg.add_node(S.BENCHMARK, "mmlu", **{S.NAME: "MMLU " + HOSTILE,
                                              S.ENTITY_TYPE: "benchmark"})
    same_key = kg.add_node(S.BENCHMARK, "dpo", **{S.NAME: "a benchmark keyed like a method"})
    ada = kg.add_node(S.AUTHOR, "ada lovelace", **{S.NAME: "Ada Lovelace"})
    bob = kg.add_node(S.AUTHOR, HOSTILE, **{S.NAME: HOSTILE})

    kg.add_edge(S.MENTIONS, p1, dpo, **{S.COUNT: 3, S.EVIDENCE: ["We use DPO.", HOSTILE],
                                       S.SOURCE: "abstract"})
    kg.add_edge(S.MENTIONS, p2, dpo, **{S.COUNT: 1, S.EVIDENCE: ["DPO again."],
                                       S.SOURCE: "title"})
    kg.add_edge(S.MENTIONS, p2, llama, **{S.COUNT: 2, S.SOURCE: "abstract"})
    kg.add_edge(S.MENTIONS, p3, mmlu, **{S.COUNT: 1})
    kg.add_edge(S.MENTIONS, p3, same_key, **{S.COUNT: 1})
    kg.add_edge(S.INTRODUCES, p1, dpo, **{S.EVIDENCE: ["we introduce DPO"]})
    kg.add_edge(S.INTRODUCES, p4, llama2)
    kg.add_edge(S.SIMILAR_TO, p1, p2, **{S.SCORE: 0.123456789123})
    kg.add_edge(S.SIMILAR_TO, p3, p2, **{S.SCORE: 1.0})
    kg.add_edge(S.CO_MENTIONED, dpo, llama, **{S.COUNT: 2, S.STRENGTH: 0.30000000000000004,
                                              S.EVIDENCE: [p1, p2]})
    kg.add_edge(S.CO_MENTIONED, mmlu, llama, **{S.COUNT: 5, S.STRENGTH: 0.75})
    kg.add_edge(S.CITES, p2, p1, **{S.INFERRED: False, S.SOURCE: "bibtex"})
    kg.add_edge(S.CITES, p2, p1, discriminator="inferred:dpo",
                **{S.INFERRED: True, S.VIA: "dpo", S.EVIDENCE: ["DPO " + HOSTILE]})
    kg.add_edge(S.CITES, p2, p1, discriminator="inferred:dpo-again",
                **{S.INFERRED: True, S.VIA: "dpo"})
    kg.add_edge(S.CITES, p3, p4, **{S.INFERRED: False})
    kg.add_edge(S.AUTHORED, ada, p1, **{S.POSITION: 1})
    kg.add_edge(S.AUTHORED, bob, p1, **{S.POSITION: 2})
    kg.add_edge(S.AUTHORED, ada, p4, **{S.POSITION: 1})
    kg.add_edge(S.VARIANT_OF, llama2, llama, **{S.EVIDENCE: HOSTILE})
    kg.add_edge(S.EVALUATED_ON, llama, mmlu, **{S.EVIDENCE: ["LLaMA scores 60 on MMLU"],
                                               S.COUNT: 2})
    kw = kg.add_node(S.KEYWORD, "large language model", **{
        S.NAME: "Large language models", S.ALIASES: ["LLM", HOSTILE],
        S.KEYWORD_KINDS: ["author", "index"], S.PAPER_COUNT: 2})
    kw2 = kg.add_node(S.KEYWORD, HOSTILE, **{S.NAME: HOSTILE, S.KEYWORD_KINDS: ["author"]})
    kg.add_edge(S.HAS_KEYWORD, p1, kw, **{S.SOURCE: "author,index"})
    kg.add_edge(S.HAS_KEYWORD, p1, kw2, **{S.SOURCE: "author"})
    kg.add_edge(S.CO_OCCURS, kw, kw2, **{S.COUNT: 1, S.STRENGTH: 0.7071, S.EVIDENCE: [p1]})
    kg.add_edge(S.CO_CITED, p1, p4, **{S.COUNT: 2, S.STRENGTH: 0.5,
                                      S.EVIDENCE: [HOSTILE, "arxiv:2401.00001"]})
    kg.add_edge(S.COUPLED, p2, p3, **{S.COUNT: 1, S.STRENGTH: 1.0, S.EVIDENCE: [HOSTILE]})
    kg.add_edge(S.CO_AUTHORED, ada, bob, **{S.COUNT: 1, S.EVIDENCE: [HOSTILE]})
    return kg


def find_seeds() -> Path | None:
    """The example corpus (see ``conftest.SEEDS``), or None when it is absent."""
    from conftest import SEEDS

    return SEEDS if SEEDS.is_dir() else None


def small_related_graph() -> KnowledgeGraph:
    """:func:`related_graph` on its own four synthetic papers."""
    return related_graph()


def seeds_related_graph(seeds_dir) -> KnowledgeGraph:
    """The example corpus's papers plus the entities, authors and edges of every kind."""
    from citegraph.graph.pipeline import BuildOptions

    options = BuildOptions(entities=False, similarity=False, co_mention=False, citations=False)
    return related_graph(citegraph.build([seeds_dir], options=options))
