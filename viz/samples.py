"""Small made-up graphs for trying views, the browser tests and the draw-time benchmark.

``with_entities`` adds Method/Model/Benchmark nodes to real papers by spotting a few
well-known names in their text, a stand-in for the real extractor so views can be tried
on a corpus before entities exist; ``synthetic`` makes a graph of any size.
"""

from __future__ import annotations

import random
import re

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph

#: A few names per entity label, with the text that finds them.
KNOWN: dict[str, dict[str, str]] = {
    S.METHOD: {"LoRA": r"\bLoRA\b", "RLHF": r"\bRLHF\b", "DPO": r"\bDPO\b",
               "Chain-of-Thought": r"chain[- ]of[- ]thought", "Mixture of Experts":
               r"mixture[- ]of[- ]experts|\bMoE\b", "Diffusion": r"\bdiffusion\b",
               "Quantization": r"\bquantiz", "Retrieval-Augmented Generation":
               r"retrieval[- ]augmented|\bRAG\b", "Instruction Tuning": r"instruction[- ]tun",
               "Distillation": r"distill", "Speculative Decoding": r"speculative decoding"},
    S.MODEL: {"GPT-4": r"\bGPT-4", "LLaMA": r"\bLLaMA|\bLlama", "Mistral": r"\bMistral\b",
              "CLIP": r"\bCLIP\b", "BERT": r"\bBERT\b", "Stable Diffusion": r"stable diffusion",
              "Gemini": r"\bGemini\b", "Qwen": r"\bQwen", "Mamba": r"\bMamba\b",
              "ViT": r"\bViT\b"},
    S.BENCHMARK: {"MMLU": r"\bMMLU\b", "GSM8K": r"\bGSM8K\b", "HumanEval": r"\bHumanEval\b",
                  "ImageNet": r"\bImageNet\b", "MT-Bench": r"\bMT-Bench\b",
                  "HellaSwag": r"\bHellaSwag\b", "COCO": r"\bCOCO\b"},
}

HOSTILE_TITLE = "<img src=x onerror=alert(1)> </script><script>alert(2)</script>"


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def with_entities(kg: KnowledgeGraph, hostile: bool = True) -> KnowledgeGraph:
    """Add entities named in the papers' text, MENTIONS/INTRODUCES/CO_MENTIONED edges,
    SIMILAR_TO between papers sharing entities, and (optionally) a paper with a hostile title.

    For graphs built before entity extraction existed; real builds have their own.
    """
    mentioned: dict[str, list[str]] = {}
    papers = list(kg.nodes(S.PAPER))
    for nid, props in papers:
        text = f"{props.get(S.TITLE, '')} {props.get(S.ABSTRACT, '')}"
        for label, names in KNOWN.items():
            for name, pattern in names.items():
                match = re.search(pattern, text, re.IGNORECASE if label == S.METHOD else 0)
                if not match:
                    continue
                entity = kg.add_node(label, _key(name), **{
                    S.NAME: name, S.ENTITY_TYPE: S.ENTITY_TYPES[label]})
                sentence = next((s for s in re.split(r"(?<=[.!?])\s+", text)
                                 if re.search(pattern, s, re.IGNORECASE)), match.group(0))
                kg.add_edge(S.MENTIONS, nid, entity, count=1, evidence=[sentence])
                mentioned.setdefault(entity, []).append(nid)
    for entity, nids in mentioned.items():
        kg.node(entity)[S.PAPER_COUNT] = len(nids)
        kg.add_edge(S.INTRODUCES, nids[0], entity, evidence=["we introduce it"])
    entities = sorted(mentioned)
    for i, a in enumerate(entities):
        for b in entities[i + 1:]:
            shared = set(mentioned[a]) & set(mentioned[b])
            if len(shared) >= 2:
                kg.add_edge(S.CO_MENTIONED, a, b, count=len(shared),
                            strength=round(len(shared) / len(mentioned[a]), 3))
    for nids in mentioned.values():
        for a, b in zip(nids, nids[1:4], strict=False):
            if a != b:
                kg.add_edge(S.SIMILAR_TO, a, b, score=0.71)
    if hostile:
        add_hostile_paper(kg)
    return kg


def add_hostile_paper(kg: KnowledgeGraph) -> str:
    """A paper whose title, abstract and edge evidence are markup and script, joined to
    the three most mentioned entities (if any): what a view must show as plain text."""
    bad = kg.add_node(S.PAPER, "hostile", **{
        S.TITLE: HOSTILE_TITLE, S.YEAR: 2024, S.UPVOTES: 999,
        S.ABSTRACT: "An abstract with <b>markup</b> & <!-- a comment --> and \u2028."})
    entities = [nid for label in S.ENTITY_NODE_LABELS for nid, _ in kg.nodes(label)]
    entities.sort(key=lambda nid: -kg.degree(nid))
    for entity in entities[:3]:
        kg.add_edge(S.MENTIONS, bad, entity, count=1,
                    evidence=["<script>alert(3)</script> in evidence"])
    return bad


def synthetic(n_nodes: int = 5000, seed: int = 1) -> KnowledgeGraph:
    """A random graph shaped like a real one: mostly papers, hub entities, ~3 edges a node."""
    rng = random.Random(seed)
    kg = KnowledgeGraph()
    n_entities = max(3, n_nodes // 5)
    labels = [S.METHOD, S.MODEL, S.BENCHMARK]
    entities = [kg.add_node(labels[i % 3], f"e{i}", **{S.NAME: f"Entity {i}"})
                for i in range(n_entities)]
    papers = [kg.add_node(S.PAPER, f"p{i}", **{
        S.TITLE: f"Paper {i}: a study of things number {i}", S.YEAR: 2015 + i % 10,
        S.ABSTRACT: "Lorem ipsum " * 20}) for i in range(n_nodes - n_entities)]
    weights = [1.0 / (i + 1) for i in range(n_entities)]  # a few entities are hubs
    for i, paper in enumerate(papers):
        for entity in set(rng.choices(entities, weights, k=2)):
            kg.add_edge(S.MENTIONS, paper, entity, count=1, evidence=["synthetic"])
        if i:
            kg.add_edge(S.CITES, paper, papers[rng.randrange(i)])
    return kg
