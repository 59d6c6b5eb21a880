"""Paper embeddings kept beside the graph, keyed by paper key and by content hash.

The content hash lets a rebuild or an append reuse every vector whose text did not change,
so only new papers go through the model.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np

from citegraph.atomic import atomic_write
from citegraph.digest import FileDigest, HashingWriter
from citegraph.errors import CorruptGraphError

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

    def save(self, directory: Path) -> dict[str, FileDigest]:
        """Write ``embeddings.npy`` and ``embeddings.json`` into ``directory`` (each
        atomically); returns their digests for the manifest."""
        from numpy.lib.format import write_array

        with atomic_write(directory / VECTORS_FILE, "wb") as fh:
            npy = HashingWriter(fh)
            write_array(npy, np.ascontiguousarray(self.matrix, dtype=np.float32),
                        allow_pickle=False)
            npy_digest = npy.finish()
        index = {"model": self.model, "keys": self.keys, "hashes": self.hashes}
        with atomic_write(directory / VECTORS_INDEX_FILE, "wb") as fh:
            js = HashingWriter(fh)
            js.write(json.dumps(index).encode("ascii"))
            index_digest = js.finish()
        return {VECTORS_FILE: npy_digest, VECTORS_INDEX_FILE: index_digest}

    @classmethod
    def read(cls, npy: IO[bytes], npy_path: Path, index: IO[bytes],
             index_path: Path) -> PaperVectors:
        """The vectors in two open files, checked: a float32 matrix with one row per key,
        keys and hashes strings, one hash per key, no key twice. Problems raise
        :class:`CorruptGraphError` naming the file."""
        from numpy.lib.format import read_array

        try:
            data = json.loads(index.read())
        except ValueError as exc:
            raise CorruptGraphError(f"{index_path}: not valid JSON ({_first_line(exc)})") from None
        if (not isinstance(data, dict) or not isinstance(data.get("model"), str)
                or not _strings(data.get("keys")) or not _strings(data.get("hashes"))):
            raise CorruptGraphError(f"{index_path}: needs model, keys and hashes (strings)")
        keys, hashes = data["keys"], data["hashes"]
        if len(hashes) != len(keys) or len(set(keys)) != len(keys):
            raise CorruptGraphError(f"{index_path}: {len(keys)} keys ({len(set(keys))} "
                                    f"distinct) for {len(hashes)} hashes")
        try:
            matrix = read_array(npy, allow_pickle=False)
        except OSError:
            raise
        except Exception as exc:  # numpy raises ValueError, EOFError, SyntaxError, ...
            raise CorruptGraphError(
                f"{npy_path}: not a readable .npy matrix ({_first_line(exc)})") from None
        if matrix.dtype != np.float32 or matrix.ndim != 2:
            raise CorruptGraphError(f"{npy_path}: a {matrix.dtype} array of shape "
                                    f"{matrix.shape}, not a float32 matrix")
        if matrix.shape[0] != len(keys):
            raise CorruptGraphError(f"{npy_path}: {matrix.shape[0]} rows for {len(keys)} keys "
                                    f"in {index_path.name}")
        return cls(data["model"], keys, hashes, matrix)

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


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(x, str) for x in value)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
