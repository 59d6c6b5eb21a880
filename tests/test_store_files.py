"""The embedded store: save → load gives an equal graph; bad directories fail clearly."""

from __future__ import annotations

import json

import numpy as np
import pytest

import citegraph
from citegraph.graph import schema as S
from citegraph.graph.model import GraphError, KnowledgeGraph
from citegraph.graph.stores.files import StoreError
from citegraph.graph.vectors import PaperVectors, content_hash


def small_graph() -> KnowledgeGraph:
    kg = KnowledgeGraph()
    a = kg.add_node(S.PAPER, "arxiv:2401.00001", title="A <b>'}) DETACH DELETE n //",
                    abstract="Uses DPO.\nTwo lines, ünïcode, `ticks`.", year=2024,
                    authors=["Ada Lovelace", "Alan Turing"], upvotes=3, stub=None)
    b = kg.add_node(S.PAPER, "title:b", title="B", provenance=["x.txt:1", "y.txt:9"])
    dpo = kg.add_node(S.METHOD, "dpo", name="Direct Preference Optimization",
                      aliases=["DPO"], entity_type="method", introduced=False)
    kg.add_edge(S.MENTIONS, a, dpo, count=2, evidence=["Uses DPO."], source="abstract")
    kg.add_edge(S.SIMILAR_TO, b, a, score=0.8125)
    kg.add_edge(S.CITES, a, b, inferred=False)
    kg.add_edge(S.CITES, a, b, discriminator="inferred", inferred=True, via="dpo")
    kg.embeddings = PaperVectors(
        "test-model", ["arxiv:2401.00001", "title:b"], [content_hash("a"), content_hash("b")],
        np.arange(8, dtype=np.float32).reshape(2, 4),
    )
    return kg


def test_save_load_round_trip_is_equal(tmp_path):
    kg = small_graph()
    kg.save(tmp_path / "g")
    again = citegraph.load(tmp_path / "g")
    assert again.equals(kg, embeddings=True)
    assert again.stats() == kg.stats()
    assert again.stats()["edges"][S.CITES] == 2  # explicit and inferred kept apart


def test_round_trip_of_the_example_corpus(tmp_path, seeds_dir):
    from test_daily_papers import citegraph_options_papers_only

    kg = citegraph.build([seeds_dir], options=citegraph_options_papers_only())
    kg.save(tmp_path / "g")
    assert citegraph.load(tmp_path / "g").equals(kg, embeddings=True)


def test_inequality_is_detected(tmp_path):
    kg = small_graph()
    kg.save(tmp_path / "g")
    other = citegraph.load(tmp_path / "g")
    other.add_node(S.PAPER, "title:b", title="B changed")
    assert other != kg


def test_symmetric_edges_are_stored_once():
    kg = small_graph()
    a, b = S.node_id(S.PAPER, "arxiv:2401.00001"), S.node_id(S.PAPER, "title:b")
    kg.add_edge(S.SIMILAR_TO, a, b, score=0.5)
    assert kg.stats()["edges"][S.SIMILAR_TO] == 1
    [(_, _, _, props)] = kg.edges(S.SIMILAR_TO)
    assert props[S.SCORE] == 0.5


def test_saving_again_replaces_embeddings_files(tmp_path):
    kg = small_graph()
    kg.save(tmp_path / "g")
    kg.embeddings = None
    kg.save(tmp_path / "g")
    assert citegraph.load(tmp_path / "g").embeddings is None


def test_unknown_kinds_and_missing_nodes_are_refused():
    kg = KnowledgeGraph()
    with pytest.raises(GraphError, match="unknown node label"):
        kg.add_node("Planet", "x")
    with pytest.raises(GraphError, match="missing node"):
        kg.add_edge(S.CITES, "Paper:a", "Paper:b")


def test_unreadable_directories_fail_with_the_path(tmp_path):
    with pytest.raises(StoreError, match="no such graph directory"):
        citegraph.load(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(StoreError, match="not a citegraph graph directory"):
        citegraph.load(tmp_path / "empty")
    small_graph().save(tmp_path / "newer")
    manifest = json.loads((tmp_path / "newer" / "manifest.json").read_text())
    manifest["version"] = 99
    (tmp_path / "newer" / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(StoreError, match="newer citegraph"):
        citegraph.load(tmp_path / "newer")
    small_graph().save(tmp_path / "broken")
    (tmp_path / "broken" / "edges.jsonl").write_text("{not json\n")
    with pytest.raises(StoreError, match=r"edges.jsonl:1: not valid JSON"):
        citegraph.load(tmp_path / "broken")
