"""The learned decision: its file format, training, and choosing a model."""

from __future__ import annotations

import json

import pytest

from citegraph.errors import CitegraphError
from citegraph.graph.extract.extractor import Extractor
from citegraph.graph.extract.learned import ExtractorModel, ModelError, load_model
from citegraph.graph.extract.train import read_gold, train_on

PAPERS = [
    {"title": "Zorbnet: Sparse Routing for Language Models",
     "abstract": ("We propose Zorbnet, a routing method trained with Adam and dropout. It "
                  "beats Llama 2 on GSM8K and MMLU with Stochastic Weight Averaging."),
     "entities": [{"name": "Zorbnet", "type": "method", "introduced": True},
                  {"name": "Llama 2", "type": "model", "introduced": False},
                  {"name": "GSM8K", "type": "benchmark", "introduced": False},
                  {"name": "MMLU", "type": "benchmark", "introduced": False}]},
    {"title": "QuillBench: A Benchmark for Code Review",
     "abstract": "We introduce QuillBench, a new benchmark. GPT-4o and Mistral 7B are "
                 "evaluated with direct preference optimization (DPO) as a baseline.",
     "entities": [{"name": "QuillBench", "type": "benchmark", "introduced": True},
                  {"name": "GPT-4o", "type": "model", "introduced": False},
                  {"name": "Mistral 7B", "type": "model", "introduced": False},
                  {"name": "direct preference optimization", "aliases": ["DPO"],
                   "type": "method", "introduced": False}]},
] * 3


def test_shipped_model_loads_and_is_json():
    model = load_model()
    data = model.to_json()
    # the shipped model has no sequence tagger, so it stays a version 1 file
    assert data["format"] == "citegraph-extractor-model" and data["version"] == 1
    assert model.tagger is None and "tagger" not in data
    assert data["keep"]["weights"][0] and set(data["type"]["classes"]) == {
        "method", "model", "benchmark"}


def test_model_round_trips_through_its_file(tmp_path):
    model = train_on(PAPERS)
    path = tmp_path / "m.json"
    model.save(path)
    again = load_model(path)
    assert again.to_json() == json.loads(path.read_text(encoding="utf-8"))
    ents = Extractor(model=path).extract(PAPERS[0]["title"], PAPERS[0]["abstract"])
    assert "Zorbnet" in {e.name for e in ents}


def test_training_is_deterministic():
    assert train_on(PAPERS).to_json() == train_on(PAPERS).to_json()


@pytest.mark.parametrize("text", ["{not json", json.dumps({"format": "other"}),
                                  json.dumps({"format": "citegraph-extractor-model",
                                              "version": 99})])
def test_bad_model_files_are_one_line_errors(tmp_path, text):
    path = tmp_path / "bad.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ModelError, match="bad.json"):
        load_model(path)
    with pytest.raises(CitegraphError):
        load_model(tmp_path / "missing.json")


def test_bad_gold_line_names_file_and_line(tmp_path):
    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(PAPERS[0]) + "\n[1, 2]\n", encoding="utf-8")
    with pytest.raises(CitegraphError, match="gold.jsonl:2"):
        read_gold([path])


def test_a_model_that_keeps_nothing_is_honoured():
    data = train_on(PAPERS).to_json()
    data["keep_threshold"] = data["rule_keep_threshold"] = 1.01
    model = ExtractorModel.from_json(data)
    assert Extractor(model=model).extract(PAPERS[0]["title"], PAPERS[0]["abstract"]) == []


def test_build_uses_the_chosen_model(tmp_path):
    from citegraph.graph import schema as S
    from citegraph.graph.pipeline import BuildOptions, build_graph
    from citegraph.loaders.records import PaperRecord

    data = train_on(PAPERS).to_json()
    data["keep_threshold"] = data["rule_keep_threshold"] = 1.01
    path = tmp_path / "none.json"
    ExtractorModel.from_json(data).save(path)
    records = [PaperRecord(title=p["title"], abstract=p["abstract"]) for p in PAPERS[:2]]
    opts = dict(similarity=False, co_mention=False, citations=False)
    kg = build_graph(records, BuildOptions(**opts))
    assert any(True for _ in kg.nodes(S.BENCHMARK))
    kg = build_graph(records, BuildOptions(extractor_model=str(path), **opts))
    assert not any(True for _ in kg.nodes(S.BENCHMARK))


def test_corpus_pass_learns_the_same_names_in_any_order():
    papers = [(f"Zorb{i}Net: Sparse Routing", f"We propose Zorb{i}Net, a routing method. "
               f"It improves over Zorb{(i + 1) % 5}Net on GSM8K.") for i in range(5)]
    forward, backward = Extractor(), Extractor()
    assert forward.learn(papers) == backward.learn(papers[::-1]) == 5
    assert sorted(forward.corpus.by_key) == sorted(backward.corpus.by_key)
    # a name another paper introduced is recognised where it is only used
    names = {e.name for e in forward.extract(*papers[0])}
    assert {"Zorb0Net", "Zorb1Net"} <= names
