"""SIMILAR_TO neighbours on Ray: a faiss IVF index trained on the driver, searched by shard.

The driver trains the coarse quantizer of an inverted-file index (``IndexIVFFlat``, inner
product, about :data:`LISTS_PER_SQRT` · √n lists) on a sample of the vectors and shares the
trained, empty index and the vectors through the object store. Each Ray task fills a copy
with one shard of the rows and searches every row against it (``nprobe`` lists per
query); the driver merges the shards' lists into each row's top ``k`` (best score first)
and drops the row itself, giving what :func:`citegraph.graph.knn.nearest_neighbours`
gives. Only the shard's own rows are held in a task, so the corpus' vectors need not fit
one worker's index.

Approximate: a neighbour whose list is not among the ``nprobe`` closest to the query is
missed. :data:`NPROBE` is set so that recall@10 against exact search is at least 0.95
(measured by :func:`recall`; see ``docs/distributed.md``). Inputs of at most
:data:`NPROBE` lists are searched exhaustively, so small corpora get the exact lists.
Scores stored on the edges are recomputed from the two vectors either way.
"""

from __future__ import annotations

import math

import numpy as np

from citegraph.graph.knn import _drop_self, top_rows

#: Inverted lists per square root of the row count.
LISTS_PER_SQRT = 4
#: Training vectors per inverted list (faiss warns below 39).
TRAIN_PER_LIST = 64
#: Lists looked into per query; see the module docstring for the recall it gives.
NPROBE = 48
#: Rows per shard at most; shards are also at least one per CPU slot.
SHARD_ROWS = 250_000
#: Seed of the training sample, so a build is repeatable.
SEED = 0


def _lists(n: int) -> int:
    return max(1, min(int(LISTS_PER_SQRT * math.sqrt(n)), n // TRAIN_PER_LIST))


def train(x: np.ndarray) -> np.ndarray:
    """A trained, empty IVF index for rows like ``x``, serialised (bytes as uint8)."""
    import faiss

    n, dim = x.shape
    lists = _lists(n)
    sample = np.random.default_rng(SEED).choice(n, min(n, lists * TRAIN_PER_LIST),
                                                replace=False)
    index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, lists, faiss.METRIC_INNER_PRODUCT)
    index.cp.seed = SEED
    index.train(np.ascontiguousarray(x[np.sort(sample)]))
    return faiss.serialize_index(index)


def search_shard(trained: np.ndarray, x: np.ndarray, start: int, stop: int, k: int
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Every row's ``k`` best rows among ``x[start:stop]``: ``(scores, ids)``."""
    import faiss

    index = faiss.deserialize_index(trained)
    index.add_with_ids(x[start:stop], np.arange(start, stop, dtype=np.int64))
    index.nprobe = min(NPROBE, index.nlist)
    scores, ids = index.search(x, min(k, stop - start))
    return scores, ids


def merge(parts: list[tuple[np.ndarray, np.ndarray]], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``k + 1`` best across shards (best first; ties: earlier shard), then
    the row itself dropped: ``(indices, scores)`` as ``nearest_neighbours`` gives them."""
    scores = np.concatenate([s for s, _ in parts], axis=1)
    ids = np.concatenate([i for _, i in parts], axis=1)
    scores = np.where(ids >= 0, scores, -np.inf).astype(np.float32)
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k + 1]
    return _drop_self(np.take_along_axis(ids, order, axis=1),
                      np.take_along_axis(scores, order, axis=1), k)


def nearest_neighbours_distributed(matrix: np.ndarray, k: int
                                   ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`citegraph.graph.knn.nearest_neighbours` by the sharded IVF search on the
    running Ray instance (approximate; see the module docstring)."""
    import ray

    from citegraph.graph.ray_engine import workers

    x = np.ascontiguousarray(matrix, dtype=np.float32)
    n = x.shape[0]
    k = max(0, min(k, n - 1))
    if n == 0 or k == 0:
        return np.full((n, 0), -1, dtype=np.int64), np.zeros((n, 0), dtype=np.float32)
    shards = max(workers(), -(-n // SHARD_ROWS))
    bounds = np.linspace(0, n, shards + 1).astype(int)
    x_ref = ray.put(x)
    trained = ray.put(train(x))
    task = ray.remote(search_shard)
    parts = ray.get([task.remote(trained, x_ref, int(a), int(b), k + 1)
                     for a, b in zip(bounds, bounds[1:], strict=False) if b > a])
    return merge(parts, k)


def recall(matrix: np.ndarray, found: np.ndarray, sample: int = 2_000, seed: int = SEED
           ) -> float:
    """Share of the exact top-k neighbours ``found`` holds, over a sample of rows."""
    x = np.ascontiguousarray(matrix, dtype=np.float32)
    k = found.shape[1]
    rows = np.sort(np.random.default_rng(seed).choice(len(x), min(sample, len(x)),
                                                      replace=False))
    truth, _ = top_rows(x[rows], x, k, rows)
    hits = sum(len(set(a) & set(b)) for a, b in zip(found[rows].tolist(), truth.tolist(),
                                                   strict=True))
    return hits / max(1, truth.size)
