"""Top-k nearest neighbours of every row of a matrix of unit vectors (cosine = dot).

Two ways, one result shape:

- **exact** (default up to :data:`EXACT_MAX_ROWS` rows): blocked matrix products with
  numpy; every neighbour is the true one; time grows with n².
- **approximate** above that: a faiss HNSW graph index (inner product); time grows about
  with n·log n; recall@10 against exact search 0.97-1.0 in the benchmarks (table below).

Why the switch sits where it does (``bench/bench_knn.py`` on the 2-core project machine,
384 dimensions, top 10): exact search costs about 0.6 s at 5,000 rows, 1 s at 10,000 and
2.5-5.5 s at 20,000, so up to there it is fast enough and never misses a neighbour; beyond
it the n² term takes over (40,000 rows: 11-26 s; 100,000 rows: 164 s), while the index
grows about linearly (table below). Pass ``method`` to
force either. HNSW results may differ slightly between runs (multi-threaded inserts).

Growth above the switch (``bench/bench_stage_growth.py --knn``; one-thread CPU seconds on
the synthetic topic vectors, recall@10 against exact search on 1,000 sampled rows):

====================  ==========  ==========  ==========
M / efC / efSearch    20,000      40,000      100,000
====================  ==========  ==========  ==========
32 / 80 / 64          16 s, .991  42 s, .9998 117 s, 1.0
16 / 64 / 48 (used)   9 s, .976   23 s, .9995 58 s, .9997
16 / 40 / 32          6 s, .956   14 s, .994  34 s, .968
====================  ==========  ==========  ==========

The parameters below halve the cost of the wider graph at the same recall from 40,000
rows on (exponent 1.03 from 40,000 to 100,000 rows); the narrowest setting comes too close
to 0.95 to trust on real embeddings. The stage's steeper growth between 10,000 and 100,000
papers is the switch itself: exact search at 10,000 rows (3 s) is far cheaper than an
index would be, and at 40,000 rows the two cost about the same.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

#: Largest row count searched exactly when ``method="auto"``; see the module docstring.
EXACT_MAX_ROWS = 20_000

#: HNSW parameters: graph degree, build-time and query-time beam widths.
HNSW_M = 16
HNSW_EF_CONSTRUCTION = 64
HNSW_EF_SEARCH = 48

#: Scores per block of the exact search, to bound memory (float32: 4 bytes each).
_BLOCK_CELLS = 16_000_000

Method = Literal["auto", "exact", "approximate"]


def choose_method(n: int, method: Method = "auto") -> Literal["exact", "approximate"]:
    """Which search :func:`nearest_neighbours` runs for ``n`` rows."""
    if method != "auto":
        return method
    return "exact" if n <= EXACT_MAX_ROWS else "approximate"


def nearest_neighbours(
    matrix: np.ndarray, k: int, method: Method = "auto"
) -> tuple[np.ndarray, np.ndarray]:
    """``(indices, scores)``, both ``(n, k)``: each row's ``k`` most similar other rows,
    best first. Missing neighbours (fewer than ``k + 1`` rows) are index -1, score -inf."""
    x = np.ascontiguousarray(matrix, dtype=np.float32)
    n = x.shape[0]
    k = max(0, min(k, n - 1))
    if n == 0 or k == 0:
        return np.full((n, 0), -1, dtype=np.int64), np.zeros((n, 0), dtype=np.float32)
    if choose_method(n, method) == "exact":
        return top_rows(x, x, k, np.arange(n))
    return _hnsw(x, k)


def top_rows(query: np.ndarray, matrix: np.ndarray, k: int, exclude: np.ndarray | None
              ) -> tuple[np.ndarray, np.ndarray]:
    """For each query row, the ``k`` best rows of ``matrix`` (indices, scores), best first;
    ``exclude[i]`` is a row of ``matrix`` query ``i`` may not pick (itself), or -1."""
    n, m = query.shape[0], matrix.shape[0]
    k = max(0, min(k, m - (1 if exclude is not None else 0)))
    indices = np.full((n, k), -1, dtype=np.int64)
    scores = np.full((n, k), -np.inf, dtype=np.float32)
    if n == 0 or k == 0:
        return indices, scores
    block = max(1, _BLOCK_CELLS // max(m, 1))
    for start in range(0, n, block):
        stop = min(n, start + block)
        sims = query[start:stop] @ matrix.T
        if exclude is not None:
            rows = np.arange(stop - start)
            own = exclude[start:stop]
            sims[rows[own >= 0], own[own >= 0]] = -np.inf
        top = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        top_scores = np.take_along_axis(sims, top, axis=1)
        order = np.argsort(-top_scores, axis=1, kind="stable")
        indices[start:stop] = np.take_along_axis(top, order, axis=1)
        scores[start:stop] = np.take_along_axis(top_scores, order, axis=1)
    return indices, scores


def _hnsw(x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    import faiss

    index = faiss.IndexHNSWFlat(x.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    index.add(x)
    index.hnsw.efSearch = max(HNSW_EF_SEARCH, 2 * (k + 1))
    scores, found = index.search(x, k + 1)
    return _drop_self(found, scores, k)


def _drop_self(
    found: np.ndarray, scores: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """Remove each row from its own result list (wherever it landed) and keep ``k``."""
    keep = (found != np.arange(found.shape[0])[:, None]) & (found >= 0)
    order = np.argsort(~keep, axis=1, kind="stable")[:, :k]  # kept entries first, in order
    kept = np.take_along_axis(keep, order, axis=1)
    indices = np.where(kept, np.take_along_axis(found, order, axis=1), -1).astype(np.int64)
    out_scores = np.where(kept, np.take_along_axis(scores, order, axis=1), -np.inf)
    return indices, out_scores.astype(np.float32)
