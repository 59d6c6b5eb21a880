"""Abstracts from corners of machine learning the dev gold does not cover.

Written for this test (vision, RL, speech, graphs, recommenders, theory, time series,
federated learning, biology): each lists the names it introduces and the other entities
it mentions, so the ways papers present contributions are checked beyond the dev set.
"""

from __future__ import annotations

import re

import pytest

from citegraph import extract

#: (title, abstract, introduced names, other entities)
CASES: list[tuple[str, str, set[str], set[str]]] = [
    ("FlowMatch-Seg: Rectified Flow Priors for Few-Shot Semantic Segmentation",
     "Few-shot semantic segmentation remains difficult when support masks are scarce. "
     "We propose FlowMatch-Seg, a novel segmentation framework that learns a rectified flow "
     "prior over mask embeddings. FlowMatch-Seg builds on a frozen DINOv2 backbone and a "
     "lightweight mask decoder. We further introduce boundary-aware flow distillation (BAFD), "
     "which transfers sharp object boundaries from a teacher to the student. Experiments on "
     "PASCAL-5i and COCO-20i show that FlowMatch-Seg outperforms HSNet and SegGPT by a large "
     "margin.",
     {"FlowMatch-Seg", "boundary-aware flow distillation"},
     {"Rectified Flow", "DINOv2", "PASCAL-5i", "COCO-20i", "HSNet", "SegGPT"}),
    ("Optimistic Replay for Sample-Efficient Offline-to-Online Reinforcement Learning",
     "Offline-to-online reinforcement learning suffers from a performance drop when the "
     "agent starts interacting with the environment. In this paper, we present Optimistic "
     "Replay (OR), a simple replay scheme that reweights offline transitions by an optimism "
     "bonus. Combined with Soft Actor-Critic (SAC) and Implicit Q-Learning (IQL), Optimistic "
     "Replay improves sample efficiency on the D4RL benchmark and on Atari. We also release "
     "a new benchmark, OffOn-Gym, with twelve tasks that stress the offline-to-online "
     "transition.",
     {"Optimistic Replay", "OffOn-Gym"},
     {"Soft Actor-Critic", "Implicit Q-Learning", "D4RL", "Atari"}),
    ("WhisperLite: Distilling Speech Recognition Models for On-Device Transcription",
     "We introduce WhisperLite, a family of compact speech recognition models distilled from "
     "Whisper large-v3. Our training recipe, termed progressive layer dropping, removes "
     "decoder layers in stages while matching the teacher's logits with knowledge "
     "distillation. WhisperLite-Tiny runs in real time on a smartphone CPU. On LibriSpeech "
     "and Common Voice, WhisperLite matches wav2vec 2.0 and Conformer baselines with ten "
     "times fewer parameters.",
     {"WhisperLite", "progressive layer dropping", "WhisperLite-Tiny"},
     {"Whisper large-v3", "knowledge distillation", "LibriSpeech", "Common Voice",
      "wav2vec 2.0", "Conformer"}),
    ("Spectral Rewiring Mitigates Oversquashing in Graph Neural Networks",
     "Message passing neural networks suffer from oversquashing on graphs with bottlenecks. "
     "We propose spectral edge rewiring (SER), a preprocessing step that adds edges to "
     "maximise the spectral gap of the graph Laplacian. SER is agnostic to the architecture "
     "and can be combined with GCN, GAT and GIN. On the Long Range Graph Benchmark and on "
     "OGBN-Arxiv, SER improves accuracy over DropEdge and SDRF.",
     {"spectral edge rewiring"},
     {"GCN", "GAT", "GIN", "Long Range Graph Benchmark", "OGBN-Arxiv", "DropEdge", "SDRF"}),
    ("SeqRec-MoE: Mixture of Sequence Experts for Session-Based Recommendation",
     "Session-based recommendation must model short, noisy click sequences. This paper "
     "introduces SeqRec-MoE, a mixture-of-experts recommender whose experts specialise in "
     "different session intents. A gating network routes each session, and a contrastive "
     "intent loss keeps experts diverse. On the Yoochoose and Diginetica datasets, "
     "SeqRec-MoE outperforms GRU4Rec, SASRec and BERT4Rec.",
     {"SeqRec-MoE"},
     {"mixture-of-experts", "Yoochoose", "Diginetica", "GRU4Rec", "SASRec", "BERT4Rec"}),
    ("Sharper Generalization Bounds for Stochastic Gradient Descent via Algorithmic Stability",
     "We study the generalization of stochastic gradient descent (SGD) for smooth convex "
     "losses. Building on uniform stability, we develop a new analysis technique, called "
     "trajectory-wise stability, which tracks the sensitivity of the whole optimization path. "
     "Our bounds improve on those of Hardt et al. and extend to Adam and to stochastic "
     "gradient Langevin dynamics (SGLD).",
     {"trajectory-wise stability"},
     {"stochastic gradient descent", "Adam", "stochastic gradient Langevin dynamics"}),
    ("MedVQA-Bench: A Benchmark for Medical Visual Question Answering",
     "Medical visual question answering lacks a standard evaluation. We construct "
     "MedVQA-Bench, a benchmark of 40,000 expert-verified question-answer pairs over "
     "radiology, pathology and dermatology images. We evaluate GPT-4V, LLaVA-Med and "
     "Med-Flamingo and find that all of them struggle with localisation questions. "
     "MedVQA-Bench and its evaluation harness are publicly available.",
     {"MedVQA-Bench"},
     {"GPT-4V", "LLaVA-Med", "Med-Flamingo"}),
    ("Token Merging for Efficient Video Diffusion Transformers",
     "Video diffusion transformers are expensive because attention scales quadratically with "
     "the number of spatio-temporal tokens. We present a training-free token merging method, "
     "dubbed temporal token merging, that merges redundant tokens across frames before each "
     "attention block. Applied to Latte and OpenSora, it reduces latency by 2x with no loss "
     "in FVD on UCF-101.",
     {"temporal token merging"},
     {"Latte", "OpenSora", "UCF-101"}),
    ("Calibrated Conformal Prediction under Distribution Shift",
     "Conformal prediction gives distribution-free coverage guarantees but breaks under "
     "covariate shift. We propose weighted adaptive conformal inference (WACI), which "
     "reweights calibration scores with estimated likelihood ratios and adapts the "
     "miscoverage level online. WACI retains the coverage guarantee of split conformal "
     "prediction under mild assumptions. Experiments on the ImageNet-C and WILDS benchmarks "
     "confirm the theory.",
     {"weighted adaptive conformal inference"},
     {"conformal prediction", "split conformal prediction", "ImageNet-C", "WILDS"}),
    ("Learning to Walk in Minutes with Model-Based Policy Optimization",
     "Legged robots require large amounts of interaction to learn locomotion. We present "
     "LocoDreamer, a model-based reinforcement learning agent that learns a latent world "
     "model from proprioception. Our method combines DreamerV3 with a novel curriculum, "
     "terrain-adaptive imagination, which samples imagined rollouts on increasingly difficult "
     "terrain. LocoDreamer learns to walk on a Unitree A1 robot in 20 minutes and "
     "outperforms PPO and SAC in simulation on Isaac Gym.",
     {"LocoDreamer", "terrain-adaptive imagination"},
     {"DreamerV3", "PPO", "SAC", "Isaac Gym"}),
    ("Sparse Autoencoders Reveal Monosemantic Features in Protein Language Models",
     "Protein language models such as ESM-2 learn rich representations whose features are "
     "hard to interpret. We train sparse autoencoders on the residual stream of ESM-2 and "
     "introduce a feature attribution procedure, termed contact-guided feature tracing, that "
     "links latent features to residue contacts. We also curate ProtFeat-1K, a new dataset "
     "of 1,000 manually labelled features. The features we find agree with annotations from "
     "UniProt and Pfam.",
     {"contact-guided feature tracing", "ProtFeat-1K"},
     {"ESM-2", "sparse autoencoders", "UniProt", "Pfam"}),
    ("KANformer: Kolmogorov-Arnold Attention for Time-Series Forecasting",
     "Long-horizon time-series forecasting needs models that capture both trends and "
     "seasonality. We propose KANformer, which replaces the feed-forward layers of the "
     "Transformer with Kolmogorov-Arnold Networks (KANs). KANformer consists of two "
     "components: (i) Spline attention. Attention weights are computed by learnable "
     "splines; (ii) Seasonal decomposition blocks. Each block separates trend and season. "
     "On the ETTh1, Weather and Electricity datasets, KANformer outperforms PatchTST, "
     "Informer and DLinear.",
     {"KANformer", "Spline attention", "Seasonal decomposition blocks"},
     {"Transformer", "Kolmogorov-Arnold Networks", "ETTh1", "Weather", "Electricity",
      "PatchTST", "Informer", "DLinear"}),
]


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _score() -> tuple[float, float]:
    """Entity and introduced F1 over all cases, matched by name or alias like the scorer."""
    tp = fp = fn = itp = ifp = ifn = 0
    for title, abstract, intro, others in CASES:
        gold = {_norm(name): name in intro for name in intro | others}
        found: set[str] = set()
        for ent in extract(title, abstract):
            keys = {_norm(ent.name)} | {_norm(a) for a in ent.aliases}
            hit = next((k for k in gold if k in keys and k not in found), None)
            if hit is None:
                fp += 1
                ifp += ent.introduced
                continue
            found.add(hit)
            tp += 1
            itp += gold[hit] and ent.introduced
            ifp += ent.introduced and not gold[hit]
            ifn += gold[hit] and not ent.introduced
        fn += len(gold) - len(found)
        ifn += sum(1 for k, new in gold.items() if new and k not in found)
    return 2 * tp / (2 * tp + fp + fn), 2 * itp / (2 * itp + ifp + ifn)


def test_other_fields_score_like_the_dev_set():
    entity_f1, introduced_f1 = _score()
    assert entity_f1 >= 0.90, entity_f1
    assert introduced_f1 >= 0.95, introduced_f1


@pytest.mark.parametrize("case", CASES, ids=[c[0][:40] for c in CASES])
def test_introduced_names_are_found_and_flagged(case):
    title, abstract, intro, _ = case
    flagged = set()
    for ent in extract(title, abstract):
        if ent.introduced:
            flagged |= {_norm(ent.name)} | {_norm(a) for a in ent.aliases}
    assert {_norm(n) for n in intro} <= flagged


#: (abstract sentence, the name it introduces, its type): the ways papers present
#: a contribution, one phrasing each.
PHRASINGS = [
    ("We construct a new benchmark MedBench that covers 20 specialties.", "MedBench",
     "benchmark"),
    ("We build a large-scale dataset called RoboSet for manipulation.", "RoboSet", "benchmark"),
    ("We curate a new benchmark, CodeTrap, with 500 problems.", "CodeTrap", "benchmark"),
    ("We introduce a new dataset, VidQA-Long, for long video question answering.",
     "VidQA-Long", "benchmark"),
    ("This paper introduces GraphSage++, a scalable inductive method.", "GraphSage++", "method"),
    ("We present Zephyrus: an agent that plans with tools.", "Zephyrus", "method"),
    ("Our method, DiffPrune, removes redundant channels.", "DiffPrune", "method"),
    ("We propose a new optimizer termed Lion-K that uses sign updates.", "Lion-K", "method"),
    ("We propose a simple yet effective method named PriorGuide to steer diffusion.",
     "PriorGuide", "method"),
    ("To this end, we propose Hierarchical Policy Distillation (HPD), which transfers skills.",
     "Hierarchical Policy Distillation", "method"),
    ("We propose contrastive policy shaping (CPS), a reward shaping method for sparse rewards.",
     "contrastive policy shaping", "method"),
    ("We propose variance-reduced policy gradient (VRPG), which achieves optimal complexity.",
     "variance-reduced policy gradient", "method"),
    ("We introduce a novel graph pooling operator, EdgePool, based on edge contraction.",
     "EdgePool", "method"),
    ("Our proposed approach, dubbed SwiftSpeech, achieves 3x faster synthesis.", "SwiftSpeech",
     "method"),
    ("We propose a framework, termed Self-Refine Loop, that iteratively improves outputs.",
     "Self-Refine Loop", "method"),
    ("We propose an algorithm called optimistic policy iteration, which achieves low regret.",
     "optimistic policy iteration", "method"),
    ("As a baseline, we introduce file-tuning, a simple recipe that trains on whole files.",
     "file-tuning", "method"),
    ("This leads to a new paradigm, termed prune first, then unlearn, which uses sparsity.",
     "prune first, then unlearn", "method"),
    ("We develop a sparsity-aware unlearning method that regularises the weights.",
     "sparsity-aware unlearning", "method"),
    ("SceneBench is a new benchmark for 3D scene understanding.", "SceneBench", "benchmark"),
    ("We use a graph network with edge features, which we refer to as EdgeGNN.", "EdgeGNN",
     "method"),
    ("We learn a reward model from pairwise feedback and call the resulting method PairRM.",
     "PairRM", "method"),
]


@pytest.mark.parametrize(("abstract", "name", "kind"), PHRASINGS,
                         ids=[p[1] for p in PHRASINGS])
def test_each_phrasing_introduces_its_name(abstract, name, kind):
    ents = {_norm(e.name): e for e in extract("A study", abstract)}
    ent = ents.get(_norm(name))
    assert ent is not None, sorted(ents)
    assert ent.introduced and ent.type == kind


@pytest.mark.parametrize("abstract", [
    "A predominant issue is the propensity of models to invent facts, a concern termed "
    "hallucination.",
    "We introduce self-invoking code generation, a new task that tests progressive reasoning.",
    "We design a novel model-based algorithmic framework for latent MDPs.",
    "We also report results for two models, called phi-3-small and phi-3-medium.",
    "We create a GPT-4 generated dataset of instructions.",
    "We propose a cross-modal retrieval framework that aligns text and images.",
    "Existing methods suffer from a problem termed over-smoothing in deep graph networks.",
    "We construct a ImageNet-scale benchmark for robustness.",
])
def test_described_things_are_not_introduced_names(abstract):
    assert not [e.name for e in extract("A study", abstract) if e.introduced]


@pytest.mark.parametrize(("title", "name"), [
    ("Power Scheduler: A Batch Size and Token Number Agnostic Learning Rate Scheduler",
     "Power Scheduler"),
    ("Fire Together Wire Together: A Dynamic Pruning Approach with Mask Prediction",
     "Fire Together Wire Together"),
])
def test_a_subtitle_saying_what_kind_makes_the_title_name_new(title, name):
    abstract = "We study how to schedule the learning rate when the batch size changes."
    ents = {e.name: e for e in extract(title, abstract)}
    assert name in ents and ents[name].introduced


def test_a_title_name_the_abstract_calls_a_problem_class_is_not_new():
    ents = extract("Constrained Bi-Level Optimization: Hessian-free Algorithms",
                   "We study constrained Bi-Level Optimization (BLO) problems in which the lower "
                   "level has coupled constraints.")
    assert not [e.name for e in ents if e.introduced]
