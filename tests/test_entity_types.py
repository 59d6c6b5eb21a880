"""Entity types are one enum in the schema, stored as the same strings as before."""

from __future__ import annotations

import json

import pytest

import citegraph
from citegraph.errors import BadArgument
from citegraph.graph import schema as S
from citegraph.graph.entities import add_entities
from citegraph.graph.model import KnowledgeGraph

TITLE = "LoRA: Low-Rank Adaptation of Large Language Models"
ABSTRACT = ("We propose Low-Rank Adaptation (LoRA). We fine-tune Llama 2 7B with LoRA and "
            "evaluate it on MMLU and GSM8K.")


def test_each_type_is_its_stored_string_and_names_one_label():
    assert [k.value for k in S.EntityType] == ["method", "model", "benchmark"]
    assert {k.label for k in S.EntityType} == set(S.ENTITY_NODE_LABELS)
    for kind in S.EntityType:
        assert kind == kind.value and str(kind) == f"{kind}" == kind.value
        assert repr(kind) == repr(kind.value)
        assert json.dumps(kind) == json.dumps(kind.value)
        assert S.EntityType.of_label(kind.label) is kind
        assert S.EntityType.parse(kind.label.upper()) is kind
        assert S.ENTITY_LABELS[kind.value] == kind.label  # plain strings look up too
    assert S.EntityType.parse("keyword") is None and S.EntityType.of_label(S.PAPER) is None


def test_extractor_output_carries_the_enum():
    found = citegraph.extract(TITLE, ABSTRACT)
    assert found and all(isinstance(e.type, S.EntityType) for e in found)
    assert {e.type for e in found} <= set(S.EntityType)


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    kg = KnowledgeGraph()
    kg.add_node(S.PAPER, "arxiv:2106.09685", title=TITLE, abstract=ABSTRACT)
    kg.add_node(S.PAPER, "arxiv:2401.00002", title="Fine-tuning with LoRA on MMLU",
                abstract="We apply LoRA to Llama 2 7B and report MMLU accuracy.")
    add_entities(kg)
    return kg


def test_built_entities_store_plain_type_strings_matching_their_label(kg, tmp_path):
    entities = [(a[S.LABEL], a[S.ENTITY_TYPE]) for _, a in kg.nodes()
                if a[S.LABEL] in S.ENTITY_NODE_LABELS]
    assert {label for label, _ in entities} == {S.METHOD, S.MODEL, S.BENCHMARK}
    for label, kind in entities:
        assert type(kind) is str and S.EntityType(kind).label == label
    kg.save(tmp_path / "g")
    assert citegraph.load(tmp_path / "g") == kg


def test_query_type_arguments_take_the_value_or_the_label(kg):
    for spelling in ("model", "Model", " MODEL "):
        rows = kg.query.top_entities(type=spelling)
        assert rows and {r["type"] for r in rows} == {"model"}
        assert all(type(r["type"]) is str for r in rows)
    with pytest.raises(BadArgument, match="one of: method, model, benchmark"):
        kg.query.top_entities(type="dataset")
