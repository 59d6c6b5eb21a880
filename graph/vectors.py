"""Paper embeddings kept beside the graph, keyed by paper key and by content hash.

The content hash lets a rebuild or an append reuse every vector whose text did not change,
so only new papers go through the model.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

VECTORS_FILE = "embeddings.npy"
VECTORS_INDEX_FILE = "embeddings.json"


def content_hash(text: str) -> str:
    """The identity of an embedded text: same text, same vector (for one model)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass
class PaperVectors:
    """Row ``i`` of ``matrix`` is the embedding of paper ``keys[i]``, whose text hashed to
    ``hashes[i]``, made by ``model``."""

    model: str
    keys: list[str] = field(default_factory=list)
    hashes: list[str] = field(default_factory=list)
    matrix: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))

    def __len__(self) -> int:
        return len(self.keys)

    def row(self, key: str) -> np.ndarray | None:
        """The vector of one paper, or None."""
        try:
            return self.matrix[self.keys.index(key)]
        except ValueError:
            return None

    def by_hash(self) -> dict[str, np.ndarray]:
        """Vectors by content hash, to reuse on a rebuild."""
        return {h: self.matrix[i] for i, h in enumerate(self.hashes)}

    def save(self, directory: Path) -> None:
        np.save(directory / VECTORS_FILE, self.matrix.astype(np.float32), allow_pickle=False)
        index = {"model": self.model, "keys": self.keys, "hashes": self.hashes}
        (directory / VECTORS_INDEX_FILE).write_text(json.dumps(index), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> PaperVectors | None:
        """The vectors saved in a graph directory, or None when it has none."""
        index_path = directory / VECTORS_INDEX_FILE
        if not index_path.exists():
            return None
        index = json.loads(index_path.read_text(encoding="utf-8"))
        matrix = np.load(directory / VECTORS_FILE, allow_pickle=False)
        return cls(index["model"], index["keys"], index["hashes"], matrix)

    def __eq__(self, other: object) -> bool:
        """Same model and, per paper key, the same hash and (allclose) vector.

        Row order is a storage detail (the build keeps insertion order, Neo4j reads back in
        key order), so rows are aligned by key before comparing.
        """
        if not isinstance(other, PaperVectors):
            return NotImplemented
        if (self.model != other.model or len(self.keys) != len(other.keys)
                or set(self.keys) != set(other.keys)
                or self.matrix.shape != other.matrix.shape):
            return False
        where = {key: i for i, key in enumerate(other.keys)}
        order = [where[key] for key in self.keys]
        return (
            self.hashes == [other.hashes[i] for i in order]
            and bool(np.allclose(self.matrix, other.matrix[order]))
        )
