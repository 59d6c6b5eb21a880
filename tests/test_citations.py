"""Inferred CITES edges: the date rule, evidence, and coexistence with explicit citations."""

from __future__ import annotations

import pytest

from citegraph.graph import schema as S
from citegraph.graph.citations import (
    INFERRED_DISCRIMINATOR,
    ORIGINS_PER_ENTITY,
    add_inferred_citations,
    arxiv_order,
    not_later,
    title_names,
)
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.pipeline import BuildOptions, add_relationships


def paper(date: str | None = None, year: int | None = None, arxiv: str | None = None) -> dict:
    props = {S.DATE: date, S.YEAR: year, S.ARXIV_ID: arxiv}
    return {k: v for k, v in props.items() if v is not None}


@pytest.mark.parametrize(
    ("b", "a", "expected"),
    [
        (paper("2023-05-01"), paper("2024-01-02"), True),
        (paper("2024-01-02"), paper("2023-05-01"), False),
        (paper("2024-01-02"), paper("2024-01-02"), True),  # same day is not later
        (paper("2024-03-01", 2024, "2405.00001"), paper("2024-04-01", 2024, "2403.00001"),
         True),  # full dates win over arXiv ids
        (paper(arxiv="2401.01234"), paper(arxiv="2401.05678v2"), True),
        (paper(arxiv="2401.05678"), paper(arxiv="2401.01234"), False),
        (paper(arxiv="2312.99999"), paper(arxiv="2401.00001"), True),
        (paper(arxiv="hep-th/9901001"), paper(arxiv="1501.00001"), True),
        (paper(arxiv="hep-th/9901002"), paper(arxiv="astro-ph/9901001"), None),
        (paper(year=2022), paper("2023-01-01"), True),
        (paper(year=2023), paper("2023-06-01"), None),  # same year, one day unknown
        (paper(year=2024), paper(year=2023), False),
        (paper(), paper("2023-01-01"), None),
        (paper("2023-01-01"), paper(), None),
    ],
)
def test_not_later(b: dict, a: dict, expected: bool | None) -> None:
    assert not_later(b, a) is expected


def test_arxiv_order_parses_both_styles() -> None:
    assert arxiv_order("2403.01234v3") == (2024, 3, 1234, "")
    assert arxiv_order("arXiv:0704.0001") == (2007, 4, 1, "")
    assert arxiv_order("math.GT/0309136") == (2003, 9, 136, "math.gt")
    assert arxiv_order("not-an-id") is None


def build(papers: dict[str, dict], mentions: dict[str, list[str]],
          introduces: dict[str, list[str]]) -> KnowledgeGraph:
    kg = KnowledgeGraph()
    for key, props in papers.items():
        kg.add_node(S.PAPER, key, **{S.TITLE: key.upper()}, **props)
    for rel, table in ((S.MENTIONS, mentions), (S.INTRODUCES, introduces)):
        for key, entities in table.items():
            for entity in entities:
                e = kg.add_node(S.METHOD, entity, **{S.NAME: entity.upper()})
                verb = "uses" if rel == S.MENTIONS else "introduces"
                kg.add_edge(rel, S.node_id(S.PAPER, key), e,
                            **{S.EVIDENCE: [f"{key} {verb} {entity}."]})
    return kg


def cites(kg: KnowledgeGraph) -> dict[tuple[str, str], dict]:
    return {(S.split_node_id(u)[1], S.split_node_id(v)[1]): p
            for u, v, _, p in kg.edges(S.CITES) if p.get(S.INFERRED)}


PAPERS = {
    "old": paper("2023-01-10"),
    "new": paper("2024-02-01"),
    "older": paper("2022-05-05"),
    "undated": paper(),
}


def test_mentioning_a_later_introduced_entity_is_cited_with_evidence() -> None:
    kg = build(PAPERS,
               mentions={"new": ["lora", "adam"], "older": ["lora"], "undated": ["lora"]},
               introduces={"old": ["lora", "adam"]})
    assert add_inferred_citations(kg) == 1
    edges = cites(kg)
    assert list(edges) == [("new", "old")]  # older precedes old; undated is unknown
    props = edges[("new", "old")]
    assert props[S.VIA] == ["adam", "lora"]
    assert props[S.EVIDENCE] == ["new uses lora.", "old introduces lora.",
                                 "new uses adam.", "old introduces adam."]


def test_no_self_citation_and_no_citation_between_two_introducers() -> None:
    kg = build(PAPERS, mentions={"new": ["lora"], "old": ["lora"]},
               introduces={"old": ["lora"], "new": ["lora"]})
    assert add_inferred_citations(kg) == 0


def test_entity_name_is_the_evidence_when_no_sentence_was_kept() -> None:
    kg = KnowledgeGraph()
    a = kg.add_node(S.PAPER, "a", **{S.DATE: "2024-01-01"})
    b = kg.add_node(S.PAPER, "b", **{S.DATE: "2023-01-01"})
    e = kg.add_node(S.MODEL, "phi-2", **{S.NAME: "Phi-2"})
    kg.add_edge(S.MENTIONS, a, e, **{S.COUNT: 1})
    kg.add_edge(S.INTRODUCES, b, e)
    add_inferred_citations(kg)
    assert cites(kg)[("a", "b")][S.EVIDENCE] == ["Phi-2"]


def test_inferred_edge_sits_beside_an_explicit_one() -> None:
    kg = build(PAPERS, mentions={"new": ["lora"]}, introduces={"old": ["lora"]})
    new, old = S.node_id(S.PAPER, "new"), S.node_id(S.PAPER, "old")
    kg.add_edge(S.CITES, new, old, **{S.INFERRED: False, S.SOURCE: "bibtex"})
    add_inferred_citations(kg)
    keys = {k: p[S.INFERRED] for _, _, k, p in kg.g.out_edges(new, keys=True, data=True)
            if p[S.TYPE] == S.CITES}
    assert keys == {S.CITES: False, f"{S.CITES}|{INFERRED_DISCRIMINATOR}": True}
    assert kg.g.edges[new, old, S.CITES][S.SOURCE] == "bibtex"


def test_switched_off() -> None:
    kg = build(PAPERS, mentions={"new": ["lora"]}, introduces={"old": ["lora"]})
    add_relationships(kg, BuildOptions(similarity=False, co_mention=False, citations=False))
    assert kg.stats()["edges"][S.CITES] == 0
    add_relationships(kg, BuildOptions(similarity=False, co_mention=False))
    assert kg.stats()["edges"][S.CITES] == 1


@pytest.mark.parametrize(
    ("title", "names", "expected"),
    [
        ("Batch Normalization: Accelerating Deep Network Training", ["Batch Normalization"], True),
        ("Phi-3 Technical Report: A Highly Capable Language Model", ["Phi-3"], True),
        ("Proximal Policy Optimization Algorithms", ["Proximal Policy Optimization"], True),
        ("WebApp1K - A Practical Code-Generation Benchmark", ["webapp1k"], True),
        ("Orca 2: Teaching Small Language Models How to Reason", ["Orca"], False),
        ("Distilling Step-by-Step! Outperforming Larger Models", ["Distilling"], False),
        ("LaRA: Benchmarking Retrieval and Long-Context", ["long context"], False),
        ("", ["Orca"], False),
    ],
)
def test_title_names(title: str, names: list[str], expected: bool) -> None:
    assert title_names(title, names) is expected


def undated_corpus(mention: str, b_title: str, b_date: str | None = None,
                   a_date: str | None = None) -> KnowledgeGraph:
    kg = KnowledgeGraph()
    a = kg.add_node(S.PAPER, "a", **{S.TITLE: "Some later work", S.DATE: a_date})
    b = kg.add_node(S.PAPER, "b", **{S.TITLE: b_title, S.DATE: b_date})
    e = kg.add_node(S.METHOD, "batchnormalization",
                    **{S.NAME: "Batch Normalization", S.ALIASES: ["BN"]})
    kg.add_edge(S.INTRODUCES, b, e, **{S.EVIDENCE: [b_title]})
    kg.add_edge(S.MENTIONS, a, e, **{S.EVIDENCE: [mention]})
    return kg


def test_undated_papers_are_ordered_by_the_title_that_names_the_entity() -> None:
    kg = undated_corpus("We add batch-normalization to every layer.",
                        "Batch Normalization: Accelerating Deep Network Training")
    assert add_inferred_citations(kg) == 1
    props = cites(kg)[("a", "b")]
    assert props[S.SOURCE] == "entities/title"
    assert props[S.VIA] == ["batchnormalization"]
    assert props[S.EVIDENCE] == ["We add batch-normalization to every layer.",
                                 "Batch Normalization: Accelerating Deep Network Training"]


def test_title_rule_needs_the_name_in_a_title_and_spelled_out_by_the_citing_paper() -> None:
    assert add_inferred_citations(undated_corpus(
        "We add batch normalization.", "Training deep networks faster")) == 0
    assert add_inferred_citations(undated_corpus(
        "A recent SQ lower bound for BN.", "Batch Normalization: Accelerating Training")) == 0


def test_dates_overrule_the_title() -> None:
    kg = undated_corpus("We add batch normalization.", "Batch Normalization: A Method",
                        b_date="2024-05-01", a_date="2023-01-01")
    assert add_inferred_citations(kg) == 0
    kg = undated_corpus("We add batch normalization.", "Training deep networks faster",
                        b_date="2015-02-11", a_date="2016-07-21")
    assert add_inferred_citations(kg) == 1
    assert cites(kg)[("a", "b")][S.SOURCE] == "entities/dates"


def test_only_the_earliest_introducers_are_cited() -> None:
    # five papers claim one name as new; a later paper naming it cites the first three
    claims = {f"c{i}": paper(f"202{i}-03-01") for i in range(5)}
    claims["undated"] = paper()
    claims["arxiv"] = paper(year=2020, arxiv="2001.00001")  # January 2020: the earliest
    kg = build({**claims, "user": paper("2025-01-01")}, mentions={"user": ["lora"]},
               introduces={key: ["lora"] for key in claims})
    assert add_inferred_citations(kg) == ORIGINS_PER_ENTITY == 3
    assert sorted(cites(kg)) == [("user", "arxiv"), ("user", "c0"), ("user", "c1")]


def test_a_wider_bound_cites_more_introducers_and_undated_ones_last() -> None:
    claims = {"b": paper(year=2021), "a": paper(), "c": paper("2020-06-01")}
    kg = build({**claims, "user": paper("2025-01-01")}, mentions={"user": ["lora"]},
               introduces={key: ["lora"] for key in claims})
    assert add_inferred_citations(kg, origins_per_entity=2) == 2
    assert sorted(cites(kg)) == [("user", "b"), ("user", "c")]


def test_edges_per_paper_stay_flat_as_one_name_is_claimed_again_and_again() -> None:
    # a popular name that every tenth paper claims anew: without a bound each naming
    # paper would cite every earlier claim, so edges would grow with the square
    def corpus(n: int) -> KnowledgeGraph:
        papers = {f"p{i:04d}": paper(f"{2000 + i // 300}-{1 + i // 25 % 12:02d}-01")
                  for i in range(n)}
        claims = {key: ["lora"] for i, key in enumerate(papers) if i % 10 == 0}
        return build(papers, mentions={k: ["lora"] for k in papers if k not in claims},
                     introduces=claims)
    small, large = corpus(200), corpus(800)
    per_small = add_inferred_citations(small) / 200
    per_large = add_inferred_citations(large) / 800
    assert per_small == pytest.approx(per_large) == pytest.approx(0.9 * ORIGINS_PER_ENTITY)
    unbounded = add_inferred_citations(corpus(800), origins_per_entity=800) / 800
    assert unbounded > 10 * per_large


def test_an_append_whose_paper_claims_a_name_earlier_moves_the_citations_to_it() -> None:
    # three papers claim a name; an appended, earlier claim pushes the latest one out of
    # the cited three, so the old edge to it must go, as in a full build
    from citegraph.graph.citations_update import update_inferred_citations
    from citegraph.graph.pairs_update import IndexedBase

    claims = {f"c{i}": paper(f"202{i}-03-01") for i in range(1, 4)}
    old = {**claims, "user": paper("2025-01-01")}
    mentions, introduces = {"user": ["lora"]}, {key: ["lora"] for key in claims}
    base = build(old, mentions, introduces)
    add_inferred_citations(base)
    assert ("user", "c3") in cites(base)

    grown = {**old, "first": paper("2019-03-01")}
    claimed = {**introduces, "first": ["lora"]}
    appended = build(grown, mentions, claimed)
    update_inferred_citations(appended, IndexedBase(base))
    full = build(grown, mentions, claimed)
    add_inferred_citations(full)
    assert cites(appended) == cites(full)
    assert sorted(cites(full)) == [("user", "c1"), ("user", "c2"), ("user", "first")]
