"""The evidence rows of co-occurrence pairs: found for all pairs at once, the same rows
as looked up pair by pair, whatever the matrix, the cap or the runs of rows."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import sparse

from citegraph.graph.bibliometrics import (
    co_occurrence,
    first_shared_rows,
    pair_evidence,
    shared_rows,
)


def one_by_one(m: sparse.csr_matrix, i: np.ndarray, j: np.ndarray, limit: int
               ) -> list[np.ndarray]:
    csc = m.tocsc()
    csc.sort_indices()
    return [shared_rows(csc, a, b, limit) for a, b in zip(i.tolist(), j.tolist(), strict=True)]


def random_incidence(rng: np.random.Generator, rows: int, cols: int) -> sparse.csr_matrix:
    """A 0/1 matrix with Zipf-like column frequencies and rows of 0 to 11 ones."""
    sizes = rng.integers(0, 12, rows)
    r = np.repeat(np.arange(rows), sizes)
    c = np.minimum(cols - 1, (cols * rng.random(len(r)) ** 3).astype(np.int64))
    m = sparse.csr_matrix((np.ones(len(r), dtype=np.int32), (r, c)), shape=(rows, cols))
    m.data[:] = 1
    return m


@pytest.mark.parametrize("seed", range(6))
def test_bulk_rows_equal_pair_by_pair(seed: int) -> None:
    rng = np.random.default_rng(seed)
    m = random_incidence(rng, int(rng.integers(1, 400)), int(rng.integers(2, 80)))
    pairs = co_occurrence(m, 1)
    assert len(pairs.i)
    for limit in (1, 2, 50, m.shape[0]):
        expected = one_by_one(m, pairs.i, pairs.j, limit)
        for most_work in (1, 13, 10**9):  # a run per row, a few rows, one run
            found = first_shared_rows(m, pairs.i, pairs.j, limit, most_work)
            assert len(found) == len(expected)
            for got, want in zip(found, expected, strict=True):
                assert got.dtype == want.dtype
                assert got.tolist() == want.tolist()


def test_a_subset_of_pairs_and_rows_without_pairs() -> None:
    m = sparse.csr_matrix(np.array([[1, 1, 1, 0], [0, 0, 0, 1], [0, 0, 0, 0], [1, 0, 1, 1],
                                    [1, 1, 0, 1]], dtype=np.int32))
    i, j = np.array([0, 2]), np.array([2, 3])
    assert [r.tolist() for r in first_shared_rows(m, i, j, 5)] == [[0, 3], [3]]
    assert [r.tolist() for r in first_shared_rows(m, i, j, 1)] == [[0], [3]]
    assert first_shared_rows(m, i[:0], j[:0], 5) == []


def test_pair_evidence_takes_either_way_with_the_same_result() -> None:
    rng = np.random.default_rng(11)
    short = random_incidence(rng, 3000, 400)  # a few ones a row: found in bulk
    pairs = co_occurrence(short, 2)
    got = pair_evidence(short, pairs.i, pairs.j, 50)
    assert [r.tolist() for r in got] == [r.tolist() for r in
                                         one_by_one(short, pairs.i, pairs.j, 50)]
    # one row holding every column: its pairs far outnumber the few pairs asked for
    wide = sparse.csr_matrix(np.vstack([np.ones((1, 300)), np.eye(300)[:4]]), dtype=np.int32)
    i, j = np.array([0, 1]), np.array([5, 7])
    assert [r.tolist() for r in pair_evidence(wide, i, j, 50)] == [[0], [0]]
