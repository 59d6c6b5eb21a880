"""Lookup indexes the queries keep, and the shared strings of a loaded graph.

Name resolution and search read indexes built once per graph; they must answer exactly as
a scan would, including after the graph changes, and a loaded graph must hold one string
per node id rather than one per edge end.
"""

from __future__ import annotations

import pytest

import citegraph
from citegraph.errors import AmbiguousName
from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph


def _graph() -> KnowledgeGraph:
    kg = KnowledgeGraph()
    nano = kg.add_node(S.PAPER, "arxiv:2408.12757",
                       title="NanoFlow: Towards Optimal Large Language Model Serving Throughput",
                       abstract="We serve Llama-2 models with nano-batching.")
    other = kg.add_node(S.PAPER, "arxiv:2401.00001", title="Rubik's Cube Solving with LLaMA 2")
    llama = kg.add_node(S.MODEL, "llama2", name="Llama 2", aliases=["LLaMA-2"])
    kg.add_edge(S.MENTIONS, nano, llama, count=1)
    kg.add_edge(S.MENTIONS, other, llama, count=1)
    kg.add_edge(S.CITES, other, nano, inferred=False)
    return kg


def test_names_resolve_by_every_rule() -> None:
    kg = _graph()
    assert kg.resolve("Model:llama2") == ["Model:llama2"]
    assert kg.resolve("llama2", "entity") == ["Model:llama2"]
    assert kg.resolve("LLAMA 2", "entity") == ["Model:llama2"]  # case
    assert kg.resolve("llama-2", "entity") == ["Model:llama2"]  # folded
    assert kg.resolve("nanoflow", "paper") == ["Paper:arxiv:2408.12757"]  # short title
    assert kg.resolve("no such thing") == []


def test_name_index_follows_changes_to_the_graph() -> None:
    kg = _graph()
    assert kg.resolve("Orca 2", "entity") == []  # builds the index
    kg.add_node(S.MODEL, "orca2", name="Orca 2")
    assert kg.resolve("orca-2", "entity") == ["Model:orca2"]
    kg.add_node(S.METHOD, "orca-2-method", name="ORCA 2")
    with pytest.raises(AmbiguousName):
        kg.resolve("orca 2", "entity")
    assert sorted(kg.resolve("orca 2", "entity", ambiguous="all")) == [
        "Method:orca-2-method", "Model:orca2"]


def test_search_index_answers_as_the_text_says_and_follows_changes() -> None:
    kg = _graph()
    keys = [r["key"] for r in kg.query.search("rubik")]
    assert keys == ["arxiv:2401.00001"]  # the possessive is folded away
    assert [r["key"] for r in kg.query.search("nano-batching llama")] == ["arxiv:2408.12757"]
    assert kg.query.search("llama rubik nanoflow") == []  # every word must occur
    kg.add_node(S.PAPER, "title:rubik", title="Rubik solvers compared")
    assert [r["key"] for r in kg.query.search("Rubik", label="Paper")] == [
        "arxiv:2401.00001", "title:rubik"]
    assert [r["key"] for r in kg.query.search("Rubik", limit=1)] == ["arxiv:2401.00001"]


def test_a_loaded_graph_holds_one_string_per_node_id(tmp_path) -> None:
    kg = _graph()
    kg.save(tmp_path / "g")
    again = citegraph.load(tmp_path / "g")
    assert again.equals(kg)
    ids = {nid: nid for nid in again.g.nodes}
    for start, end, _ in again.g.edges(keys=True):
        assert start is ids[start] and end is ids[end]
    names = {id(name) for _, _, attrs in again.g.edges(data=True) for name in attrs}
    assert len(names) == len({name for _, _, a in again.g.edges(data=True) for name in a})
