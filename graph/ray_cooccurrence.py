"""Co-occurrence networks on Ray: pair counts and evidence by column range, on workers.

CO_MENTIONED, CO_CITED, COUPLED, CO_AUTHORED and CO_OCCURS all count, for two columns of a
0/1 incidence matrix (papers × entities, citing × cited works, ...), the rows they share.
Here the pairs are grouped by their first column: the columns are cut into consecutive
ranges of about equal work (:func:`~citegraph.graph.bibliometrics.column_blocks`), and one
Ray task per range computes every pair starting in it, its count (the sparse product of
that range, :func:`~citegraph.graph.bibliometrics.block_co_occurrence`) and its evidence
rows. A pair lives in exactly one range, so the counts need no further summing and the
pairs, counts, cosines and evidence are those of the local stage; the driver only adds
the edges.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from citegraph.graph.bibliometrics import (
    BLOCK_WORK,
    Pairs,
    block_co_occurrence,
    co_occurrence_evidence,
    column_blocks,
    join_blocks,
    pair_evidence,
)

#: Matrices with fewer ones than this are counted on the driver: a task costs more.
#: (0 in tests, so the small fixtures go through the workers.)
LOCAL_BELOW = 200_000
#: Column ranges per CPU slot, so a slow range does not hold up the rest.
RANGES_PER_WORKER = 2


def _range_task(m: sparse.csr_matrix, start: int, end: int, min_count: int, limit: int
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The pairs whose first column is in ``start:end``, their counts, and their evidence
    rows as one flat array with per-pair lengths."""
    i, j, count = block_co_occurrence(m, m.T.tocsr(), start, end, min_count)
    shared = pair_evidence(m, i, j, limit)
    flat = np.concatenate(shared) if shared else np.zeros(0, dtype=np.int32)
    return i, j, count, flat, np.array([len(s) for s in shared], dtype=np.int64)


def co_occurrence_distributed(m: sparse.spmatrix, min_count: int, limit: int
                              ) -> tuple[Pairs, list[np.ndarray]]:
    """:func:`citegraph.graph.bibliometrics.co_occurrence_evidence` on the running Ray
    instance: the same pairs, in the same order, with the same evidence."""
    from citegraph.graph.ray_engine import workers

    m = sparse.csr_matrix(m, dtype=np.int32)
    if m.nnz < max(1, LOCAL_BELOW):
        return co_occurrence_evidence(m, min_count, limit)
    import ray

    mt = m.T.tocsr()
    work = int((np.asarray(mt @ np.diff(m.indptr).astype(np.int64)).ravel()).sum())
    ranges = column_blocks(m, min(BLOCK_WORK, max(1, -(-work // (
        workers() * RANGES_PER_WORKER)))))
    del mt
    m_ref = ray.put(m)
    task = ray.remote(num_returns=1)(_range_task)
    results = ray.get([task.remote(m_ref, start, end, min_count, limit)
                       for start, end in ranges])
    pairs = join_blocks(m, [(i, j, count) for i, j, count, _, _ in results])
    shared: list[np.ndarray] = []
    for *_, flat, lengths in results:
        if len(lengths):
            shared.extend(np.split(flat, np.cumsum(lengths)[:-1]))
    return pairs, shared
