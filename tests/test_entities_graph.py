"""The entity build stage: one node per entity however it is spelled, and its edges."""

from __future__ import annotations

import pytest

from citegraph.graph import schema as S
from citegraph.graph.pipeline import BuildOptions, build_graph
from citegraph.loaders.records import PaperRecord

OPTIONS = dict(similarity=False, co_mention=False, citations=False)


def build(*papers: tuple[str, str], **extra):
    records = [PaperRecord(title=t, abstract=a, ids={"arxiv": f"2401.{i:05d}"})
               for i, (t, a) in enumerate(papers)]
    return build_graph(records, BuildOptions(**OPTIONS, **extra))


def entity_nodes(kg):
    return {p[S.KEY]: (nid, p) for label in S.ENTITY_NODE_LABELS for nid, p in kg.nodes(label)}


def test_spelling_variants_are_one_node():
    kg = build(
        ("Aligning with preferences", "We fine-tune LLaMA with direct preference "
         "optimization (DPO) on HH-RLHF."),
        ("Preference tuning at scale", "DPO and PPO are compared on Llama models."),
        ("Direct Preference Optimization for code", "We apply Direct Preference "
         "Optimization to Llama."),
    )
    nodes = entity_nodes(kg)
    dpo = [p for _, p in nodes.values() if "DPO" in p.get(S.ALIASES, []) or p[S.NAME] == "DPO"]
    assert len(dpo) == 1 and dpo[0][S.PAPER_COUNT] == 3
    llama = [p for _, p in nodes.values() if p[S.NAME].lower() == "llama"]
    assert len(llama) == 1 and llama[0][S.PAPER_COUNT] == 3
    assert llama[0][S.LABEL] == S.MODEL and dpo[0][S.LABEL] == S.METHOD


def test_ambiguous_acronym_keeps_its_long_forms_apart():
    kg = build(
        ("Tuning", "We use supervised fine-tuning (SFT) for chat models."),
        ("Sparse updates", "We study sparse fine-tuning (SFT) of large models."),
    )
    names = {p[S.NAME].lower() for _, p in entity_nodes(kg).values()}
    assert {"supervised fine-tuning", "sparse fine-tuning"} <= names


def test_variant_of_links_model_to_family():
    kg = build(("Small models", "We fine-tune Llama-3-8B and Qwen-2.5-32B on GSM8K."))
    variants = {(kg.node(a)[S.NAME], kg.node(b)[S.NAME]) for a, b, _, _ in kg.edges(S.VARIANT_OF)}
    keys = {(kg.node(a)[S.KEY], kg.node(b)[S.KEY]) for a, b, _, _ in kg.edges(S.VARIANT_OF)}
    assert ("llama38b", "llama3") in keys, variants
    assert ("qwen2532b", "qwen25") in keys, variants


def test_mentions_introduces_and_evaluated_on():
    kg = build(("Zorp-Net: Fast Vision", "We propose Zorp-Net. Zorp-Net with ResNet-50 "
                "reaches 80% on ImageNet."))
    paper = next(nid for nid, _ in kg.nodes(S.PAPER))
    mentions = {kg.node(b)[S.NAME]: p for a, b, _, p in kg.edges(S.MENTIONS) if a == paper}
    assert mentions["Zorp-Net"][S.SOURCE] == "title,abstract"
    assert mentions["Zorp-Net"][S.COUNT] == 3
    assert mentions["ImageNet"][S.SOURCE] == "abstract"
    introduced = [kg.node(b)[S.NAME] for _, b, _, _ in kg.edges(S.INTRODUCES)]
    assert introduced == ["Zorp-Net"]
    evaluated = {(kg.node(a)[S.NAME], kg.node(b)[S.NAME]): p
                 for a, b, _, p in kg.edges(S.EVALUATED_ON)}
    assert evaluated[("ResNet-50", "ImageNet")][S.EVIDENCE] == [
        "Zorp-Net with ResNet-50 reaches 80% on ImageNet."]


def test_entities_off_adds_no_entity_nodes():
    kg = build(("Zorp-Net: Fast Vision", "We propose Zorp-Net on ImageNet."), entities=False)
    assert entity_nodes(kg) == {}


def test_user_gazetteer_reaches_the_build(tmp_path):
    path = tmp_path / "g.txt"
    path.write_text("[method]\nwobble pooling\n", encoding="utf-8")
    kg = build(("Pooling", "We use wobble pooling."), gazetteer=[str(path)])
    assert [p[S.NAME] for _, p in entity_nodes(kg).values()] == ["wobble pooling"]


@pytest.mark.slow
def test_seeds_corpus_resolves_spelling_variants():
    from conftest import SEEDS

    if not SEEDS.is_dir():
        pytest.skip("no shared/seeds beside the repository")
    from citegraph.loaders import iter_records

    records = list(iter_records([SEEDS]))
    kg = build_graph(records, BuildOptions(**OPTIONS))
    nodes = [p for _, (_, p) in entity_nodes(kg).items()]
    by_surface: dict[str, list] = {}
    for p in nodes:
        for surface in [p[S.NAME], *p.get(S.ALIASES, [])]:
            by_surface.setdefault(surface.lower(), []).append(p[S.KEY])
    # both spellings occur in the corpus and land on one node; no node is named "DPO"
    (dpo_key,) = set(by_surface["direct preference optimization"])
    assert dpo_key in by_surface["dpo"]
    assert not any(p[S.NAME] == "DPO" for p in nodes)
    llama = [p for p in nodes if p[S.NAME].lower() == "llama"]
    assert len(llama) == 1 and llama[0][S.PAPER_COUNT] >= 5
    assert any(kg.node(b)[S.KEY] == "llama3"
               for _, b, _, _ in kg.edges(S.VARIANT_OF))


def test_fuzzy_pairs_keep_versions_apart():
    from citegraph.graph.extract.embed import fuzzy_pairs

    names = ["GPT-4", "GPT-4o", "TinyNet", "TinyNets", "Llama 2", "Llama 3"]
    assert fuzzy_pairs(names) == [(2, 3)]


@pytest.mark.slow
def test_embeddings_type_unknown_names_and_merge_duplicates():
    from citegraph.graph.extract.embed import EntityEmbedder

    embedder = EntityEmbedder()
    kinds = embedder.type_of([
        "Quorvex: we release the Quorvex 7B checkpoints, a chat language model.",
        "Plimset: a benchmark dataset of 10k questions to evaluate reasoning models.",
        "Drumfire: a loss function and optimization algorithm for faster training."])
    assert kinds == ["model", "benchmark", "method"]
    assert embedder.near_duplicates(["TinyNet", "TinyNets", "GPT-4", "GPT-4o"]) == [(0, 1)]
