"""Optional sentence-transformer help for the corpus-level entity pass.

Two jobs where a model earns its cost, both run once per corpus, never per abstract:

* **typing** — a name no signal could type (no gazetteer entry, no cue word) gets the type
  whose prototype sentences its evidence sentence is closest to;
* **merging** — names that rapidfuzz finds nearly equal (``Sarathi Serve`` /
  ``SarathiServe`` / ``Sarathi-Serve v2``) are merged when their embeddings agree too.

The model is the one the paper embeddings use (:func:`citegraph.graph.embed.load_encoder`:
all-MiniLM-L6-v2 by default, always offline), loaded once per process and only when needed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rapidfuzz import fuzz, process

from citegraph.graph.extract.text import norm_key

#: Sentences that say what each kind of entity is, to compare an unknown name's context to.
PROTOTYPES: dict[str, list[str]] = {
    "method": [
        "We propose a new training method and algorithm for optimization.",
        "The framework uses a novel loss, regularization and attention mechanism.",
        "An efficient inference technique for decoding and scheduling.",
    ],
    "model": [
        "We release a 7B parameter language model and its checkpoints.",
        "The pretrained network family of models outperforms GPT-4 and Llama.",
        "An open-weight multimodal assistant model fine-tuned for chat.",
    ],
    "benchmark": [
        "We introduce a new benchmark dataset to evaluate models.",
        "Accuracy on the test set of this evaluation suite and leaderboard.",
        "A corpus of annotated questions collected for evaluation.",
    ],
}


class EntityEmbedder:
    """Lazily loads the build's sentence-transformers model; see the module docstring."""

    def __init__(self, model: str | None = None, device: str | None = None) -> None:
        self.model_name = model
        self.device = device
        self._encoder: Any = None
        self._prototypes: Any = None

    def encode(self, texts: Sequence[str]) -> Any:
        """Unit-length vectors from the same offline loader the paper embeddings use."""
        if self._encoder is None:
            from citegraph.graph.embed import load_encoder

            self._encoder = load_encoder(self.model_name, self.device)
        return self._encoder.encode(list(texts))

    def type_of(self, contexts: Sequence[str]) -> list[str]:
        """The closest entity type for each context (``name: evidence sentence``)."""
        if not contexts:
            return []
        kinds = list(PROTOTYPES)
        if self._prototypes is None:
            self._prototypes = [self.encode(PROTOTYPES[k]).mean(axis=0) for k in kinds]
        import numpy as np

        protos = np.stack(self._prototypes)
        scores = self.encode(contexts) @ protos.T
        return [kinds[int(i)] for i in scores.argmax(axis=1)]

    def near_duplicates(self, names: Sequence[str], fuzzy: float = 90.0,
                        cosine: float = 0.8) -> list[tuple[int, int]]:
        """Index pairs of names that are spelled almost alike *and* embed alike."""
        candidates = fuzzy_pairs(names, fuzzy)
        if not candidates:
            return []
        vectors = self.encode(names)
        return [(i, j) for i, j in candidates if float(vectors[i] @ vectors[j]) >= cosine]


def fuzzy_pairs(names: Sequence[str], threshold: float = 90.0) -> list[tuple[int, int]]:
    """Index pairs ``i < j`` whose names rapidfuzz rates at least ``threshold`` alike."""
    lowered = [n.casefold() for n in names]
    matrix = process.cdist(lowered, lowered, scorer=fuzz.ratio, score_cutoff=threshold,
                           workers=1)
    pairs = []
    for i, row in enumerate(matrix):
        for j in row.nonzero()[0]:
            if i < int(j) and same_version(names[i], names[int(j)]):
                pairs.append((i, int(j)))
    return pairs


def same_version(a: str, b: str) -> bool:
    """Whether two near-equal names can be one entity: same numbers, no version suffix.

    ``GPT-4`` / ``GPT-4o`` and ``Llama 2`` / ``Llama 3`` are different models;
    ``TinyNet`` / ``TinyNets`` are not.
    """
    if re.findall(r"\d+", a) != re.findall(r"\d+", b):
        return False
    ka, kb = sorted((norm_key(a), norm_key(b)), key=len)
    if kb.startswith(ka) and kb[len(ka):] not in ("", "s", "es"):
        return len(kb) - len(ka) > 2
    return True
