"""Shared by the Neo4j tests: the server fixture and a sample graph with every kind.

The server is the real one started by ``scripts/neo4j start``. When it cannot be reached
the tests skip, unless ``CITEGRAPH_REQUIRE_NEO4J=1`` (as in CI), when they fail.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

import pytest

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.stores.neo4j_conn import Neo4jSettings, Neo4jUnavailable, connect

REPO = Path(__file__).resolve().parents[1]
from conftest import SEEDS  # noqa: E402  (the example corpus)

TEST_PASSWORD = "citegraph-test"


def test_settings() -> Neo4jSettings:
    return Neo4jSettings(
        uri=os.environ.get("NEO4J_URI", "bolt://127.0.0.1:7687"),
        user=os.environ.get("NEO4J_USERNAME", "neo4j"),
        password=os.environ.get("NEO4J_PASSWORD", TEST_PASSWORD),
        database=os.environ.get("NEO4J_DATABASE", "neo4j"),
    )


def wipe(driver, database: str) -> None:
    """Empty the database: community edition has one user database, so tests share it.

    Relationships go first, in batches, so a big graph left by a benchmark never puts a
    dense node's every relationship into one transaction.
    """
    with driver.session(database=database) as session:
        session.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS"
                    ).consume()
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
                    ).consume()


@pytest.fixture(scope="session")
def neo4j_config() -> Iterator[Neo4jSettings]:
    config = test_settings()
    try:
        driver = connect(config)
    except Neo4jUnavailable as exc:
        if os.environ.get("CITEGRAPH_REQUIRE_NEO4J") == "1":
            pytest.fail(f"Neo4j required but unavailable: {exc}")
        pytest.skip(f"Neo4j unavailable: {exc}")
    driver.close()
    yield config


@pytest.fixture()
def neo4j_driver(neo4j_config: Neo4jSettings):
    """A driver on an emptied database (emptied again afterwards)."""
    driver = connect(neo4j_config)
    wipe(driver, neo4j_config.database)
    yield driver
    wipe(driver, neo4j_config.database)
    driver.close()


def db_counts(driver, database: str) -> dict[str, dict[str, int]]:
    """Counts per schema label and type, shaped like ``KnowledgeGraph.stats()``."""
    with driver.session(database=database) as session:
        nodes = {
            label: session.run(f"MATCH (n:`{label}`) RETURN count(n) AS c").single()["c"]
            for label in S.LABELS
        }
        edges = {
            rel: session.run(f"MATCH ()-[r:`{rel}`]->() RETURN count(r) AS c").single()["c"]
            for rel in S.REL_TYPES
        }
    return {"nodes": nodes, "edges": edges}


# --- sample graph ------------------------------------------------------------------------

#: (label, key, name, aliases, cluster); clusters become CO_MENTIONED cliques.
ENTITIES = [
    (S.METHOD, "lora", "LoRA", ["Low-Rank Adaptation"], 0),
    (S.METHOD, "rlhf", "RLHF", ["reinforcement learning from human feedback"], 0),
    (S.METHOD, "dpo", "DPO", ["Direct Preference Optimization"], 0),
    (S.MODEL, "llama", "LLaMA", ["Llama"], 0),
    (S.MODEL, "gpt-4", "GPT-4", ["GPT4"], 0),
    (S.BENCHMARK, "mmlu", "MMLU", [], 0),
    (S.BENCHMARK, "gsm8k", "GSM8K", [], 0),
    (S.METHOD, "diffusion", "diffusion", ["diffusion model"], 1),
    (S.MODEL, "clip", "CLIP", [], 1),
    (S.MODEL, "stable-diffusion", "Stable Diffusion", ["SD"], 1),
    (S.BENCHMARK, "coco", "COCO", ["MS-COCO"], 1),
    (S.BENCHMARK, "imagenet", "ImageNet", [], 1),
    (S.METHOD, "transformer", "Transformer", ["transformers"], 2),
    (S.METHOD, "moe", "Mixture of Experts", ["MoE"], 2),
    (S.MODEL, "mistral", "Mistral", [], 2),
    (S.METHOD, "chain-of-thought", "Chain-of-Thought", ["CoT"], 2),
    (S.MODEL, "minicpm", "MiniCPM", [], 3),
]


def _mentions(text: str, names: list[str]) -> bool:
    low = text.lower()
    return any(re.search(r"(?<!\w)" + re.escape(n.lower()) + r"(?!\w)", low) for n in names)


def sample_graph(max_papers: int | None = None) -> KnowledgeGraph:
    """Papers of the example corpus plus entities, authors and an edge of every type."""
    from citegraph.graph.pipeline import BuildOptions, build_graph
    from citegraph.loaders import iter_records

    if not SEEDS.is_dir():
        pytest.skip(f"the example corpus ({SEEDS}) is not beside this checkout")
    # papers and authors only: the derived kinds are added by hand below, deterministically
    only_papers = BuildOptions(entities=False, similarity=False, co_mention=False,
                               citations=False)
    kg = build_graph(iter_records([SEEDS]), only_papers)
    papers = sorted(kg.nodes(S.PAPER), key=lambda item: item[0])
    if max_papers is not None:
        for nid, _ in papers[max_papers:]:
            kg.remove_node(nid)
        papers = papers[:max_papers]
    entity_ids = {}
    for label, key, name, aliases, _ in ENTITIES:
        entity_ids[key] = kg.add_node(label, key, **{
            S.NAME: name, S.ALIASES: aliases, S.ENTITY_TYPE: S.ENTITY_TYPES[label]})
    mentioned_in: dict[str, list[str]] = {k: [] for k in entity_ids}
    for pid, attrs in papers:
        text = f"{attrs.get(S.TITLE, '')} {attrs.get(S.ABSTRACT, '')}"
        for _label, key, name, aliases, _ in ENTITIES:
            if _mentions(text, [name, *aliases]):
                kg.add_edge(S.MENTIONS, pid, entity_ids[key], **{S.COUNT: 1, S.SOURCE: "abstract"})
                mentioned_in[key].append(pid)
    for key, pids in mentioned_in.items():
        kg.node(entity_ids[key])[S.PAPER_COUNT] = len(pids)
        name = kg.node(entity_ids[key])[S.NAME]
        introducers = [p for p in pids if _mentions(kg.node(p).get(S.TITLE, ""), [name])]
        if introducers:
            kg.add_edge(S.INTRODUCES, introducers[0], entity_ids[key],
                        **{S.EVIDENCE: ["named in the title"]})
            kg.node(entity_ids[key])[S.INTRODUCED] = True
    clusters: dict[int, list[str]] = {}
    for _, key, _, _, cluster in ENTITIES:
        clusters.setdefault(cluster, []).append(key)
    for members in clusters.values():
        for a, b in combinations(members, 2):
            shared = len(set(mentioned_in[a]) & set(mentioned_in[b]))
            kg.add_edge(S.CO_MENTIONED, entity_ids[a], entity_ids[b],
                        **{S.COUNT: shared + 1, S.STRENGTH: round(1 / (1 + len(members)), 4)})
    kg.add_edge(S.CO_MENTIONED, entity_ids["gpt-4"], entity_ids["clip"], **{S.COUNT: 1})
    for model in ("llama", "gpt-4", "mistral", "minicpm"):
        for bench in ("mmlu", "gsm8k"):
            kg.add_edge(S.EVALUATED_ON, entity_ids[model], entity_ids[bench], **{S.COUNT: 2})
    kg.add_edge(S.EVALUATED_ON, entity_ids["clip"], entity_ids["imagenet"], **{S.COUNT: 1})
    kg.add_edge(S.EVALUATED_ON, entity_ids["clip"], entity_ids["coco"], **{S.COUNT: 3})
    kg.add_edge(S.VARIANT_OF, entity_ids["mistral"], entity_ids["llama"],
                **{S.EVIDENCE: ["same architecture"]})
    for i in range(0, min(len(papers), 60) - 1, 2):
        a, b = papers[i][0], papers[i + 1][0]
        kg.add_edge(S.SIMILAR_TO, a, b, **{S.SCORE: round(0.5 + (i % 7) / 20, 3)})
        kg.add_edge(S.CITES, b, a, **{S.INFERRED: False, S.SOURCE: "test"})
    if len(papers) > 2:
        # two CITES between one pair, told apart by a discriminator
        a, b = papers[0][0], papers[2][0]
        kg.add_edge(S.CITES, a, b, **{S.INFERRED: False, S.SOURCE: "test"})
        kg.add_edge(S.CITES, a, b, discriminator="lora", **{S.INFERRED: True, S.VIA: "lora"})
    for i, (pid, _) in enumerate(papers[:40]):
        for position, name in enumerate((f"Author {i % 9}", f"Author {(i + 3) % 11}"), start=1):
            author = kg.add_node(S.AUTHOR, name.lower().replace(" ", "-"), **{S.NAME: name})
            kg.add_edge(S.AUTHORED, author, pid, **{S.POSITION: position})
    add_bibliometrics(kg, [pid for pid, _ in papers])
    return kg


#: Keywords given to the sample's papers, spelled differently on purpose (one node each).
SAMPLE_KEYWORDS = (["Large language models", "instruction-tuning"],
                   ["large language model", "Instruction Tuning", "agents"],
                   ["Agents", "reinforcement learning"])


def add_bibliometrics(kg: KnowledgeGraph, papers: list[str]) -> None:
    """Venues, countries, keywords and a small citation web over the first papers, then
    the build's own keyword, co-citation, coupling and co-authorship stages."""
    from citegraph.graph import bibliometrics as B

    dated = [p for p in papers if kg.node(p).get(S.DATE)]
    for i, pid in enumerate(dated[:45]):
        kg.node(pid)[S.VENUE] = ("ACL", "NeurIPS", "arXiv")[i % 3]
        kg.node(pid)[S.COUNTRIES] = [["China"], ["United States", "China"], ["France"]][i % 3]
        kg.node(pid)[S.KEYWORDS] = SAMPLE_KEYWORDS[i % 3]
        kg.node(pid)[S.CITED_BY_COUNT] = i * 3
    cited, citing = papers[:6], dated[10:40]
    for i, pid in enumerate(citing):
        for j in (i % 6, (i + 1) % 6, (i * 2) % 6):
            if pid != cited[j]:
                kg.add_edge(S.CITES, pid, cited[j], **{S.INFERRED: False, S.SOURCE: "test"})
    B.add_keywords(kg)
    B.add_keyword_co_occurrence_edges(kg, 2)
    B.add_co_citation_edges(kg, 2)
    B.add_coupling_edges(kg, 2)
    B.add_co_author_edges(kg, 1)


def borrow_vectors(kg: KnowledgeGraph, source: KnowledgeGraph) -> KnowledgeGraph:
    """Give ``kg`` the embeddings ``source`` made from the same texts, without the model.

    Papers whose text ``source`` never embedded get no vector (a subset is still a graph
    with embeddings; only the build decides which papers have one)."""
    from citegraph.graph.embed import embeddable_papers
    from citegraph.graph.vectors import PaperVectors, content_hash

    assert source.embeddings is not None
    known = source.embeddings.by_hash()
    rows = [(key, content_hash(text)) for key, text in embeddable_papers(kg)]
    rows = [(key, h) for key, h in rows if h in known]
    import numpy as np

    kg.embeddings = PaperVectors(source.embeddings.model, [k for k, _ in rows],
                                 [h for _, h in rows], np.stack([known[h] for _, h in rows]))
    return kg
