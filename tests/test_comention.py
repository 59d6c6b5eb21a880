"""CO_MENTIONED edges: counts, NPMI strength, evidence papers, minimum count, switching off."""

from __future__ import annotations

import math

import pytest

from citegraph.graph import schema as S
from citegraph.graph.comention import add_co_mention_edges, npmi
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.pipeline import BuildOptions, add_relationships


def corpus(named: dict[str, list[str]], introduced: dict[str, list[str]] | None = None):
    """Papers naming entities (all methods here); ``introduced`` adds INTRODUCES edges."""
    kg = KnowledgeGraph()
    for paper in {**named, **(introduced or {})}:
        p = kg.add_node(S.PAPER, paper, **{S.TITLE: paper})
        for entity in named.get(paper, []):
            e = kg.add_node(S.METHOD, entity, **{S.NAME: entity})
            kg.add_edge(S.MENTIONS, p, e, **{S.COUNT: 1, S.SOURCE: "abstract"})
        for entity in (introduced or {}).get(paper, []):
            e = kg.add_node(S.METHOD, entity, **{S.NAME: entity})
            kg.add_edge(S.INTRODUCES, p, e, **{S.EVIDENCE: f"We introduce {entity}."})
    return kg


def co(kg: KnowledgeGraph) -> dict[tuple[str, str], dict]:
    return {(S.split_node_id(u)[1], S.split_node_id(v)[1]): p
            for u, v, _, p in kg.edges(S.CO_MENTIONED)}


NAMED = {
    "p1": ["lora", "adam", "bert"],
    "p2": ["lora", "adam"],
    "p3": ["lora", "bert"],
    "p4": ["gpt"],
}


def test_counts_evidence_and_min_count() -> None:
    kg = corpus(NAMED)
    assert add_co_mention_edges(kg, min_count=2) == 2
    edges = co(kg)
    assert set(edges) == {("adam", "lora"), ("bert", "lora")}
    assert edges[("adam", "lora")][S.COUNT] == 2
    assert edges[("adam", "lora")][S.EVIDENCE] == ["p1", "p2"]
    kg1 = corpus(NAMED)
    add_co_mention_edges(kg1, min_count=1)
    assert set(co(kg1)) == {("adam", "lora"), ("bert", "lora"), ("adam", "bert")}
    assert co(kg1)[("adam", "bert")][S.EVIDENCE] == ["p1"]


def test_strength_is_npmi_over_papers_naming_entities() -> None:
    kg = corpus(NAMED)
    add_co_mention_edges(kg, min_count=2)
    # 4 papers name something; lora in 3, adam in 2, together in 2
    expected = math.log((2 / 4) / ((3 / 4) * (2 / 4))) / -math.log(2 / 4)
    assert co(kg)[("adam", "lora")][S.STRENGTH] == pytest.approx(expected, abs=1e-4)
    assert npmi(5, 5, 5, 10) == pytest.approx(1.0)  # always together
    assert npmi(1, 2, 5, 10) == pytest.approx(0.0)  # exactly as chance predicts
    assert npmi(1, 5, 5, 10) < 0  # less often than chance
    assert npmi(3, 3, 3, 3) == 1.0


def test_one_edge_per_pair_across_labels() -> None:
    kg = corpus({"p1": ["lora"], "p2": ["lora"]})
    for paper in ("p1", "p2"):
        m = kg.add_node(S.MODEL, "llama", **{S.NAME: "LLaMA"})
        kg.add_edge(S.MENTIONS, S.node_id(S.PAPER, paper), m)
    add_co_mention_edges(kg, min_count=2)
    edges = list(kg.edges(S.CO_MENTIONED))
    assert len(edges) == 1
    start, end, _, props = edges[0]
    assert (start, end) == ("Method:lora", "Model:llama")
    assert props[S.COUNT] == 2


def test_introducing_counts_as_naming() -> None:
    kg = corpus({"p1": ["adam"], "p2": ["adam", "lora"]}, introduced={"p1": ["lora"]})
    add_co_mention_edges(kg, min_count=2)
    assert co(kg)[("adam", "lora")][S.EVIDENCE] == ["p1", "p2"]


def test_switched_off() -> None:
    kg = corpus(NAMED)
    add_relationships(kg, BuildOptions(similarity=False, co_mention=False, citations=False))
    assert kg.stats()["edges"][S.CO_MENTIONED] == 0
    add_relationships(kg, BuildOptions(similarity=False, citations=False, min_co_mentions=3))
    assert kg.stats()["edges"][S.CO_MENTIONED] == 0  # no pair reaches three papers
    add_relationships(kg, BuildOptions(similarity=False, citations=False))
    assert kg.stats()["edges"][S.CO_MENTIONED] == 2
