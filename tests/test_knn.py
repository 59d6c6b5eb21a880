"""Nearest-neighbour search: exact results, HNSW recall, the switch between them."""

from __future__ import annotations

import numpy as np
import pytest

from citegraph.graph import knn


def unit_rows(n: int, d: int = 16, seed: int = 0, clusters: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d)).astype(np.float32)
    if clusters:
        centres = rng.standard_normal((clusters, d)).astype(np.float32) * 2
        x += centres[rng.integers(0, clusters, n)]
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def brute_force(x: np.ndarray, k: int) -> np.ndarray:
    sims = x @ x.T
    np.fill_diagonal(sims, -np.inf)
    return np.argsort(-sims, axis=1, kind="stable")[:, :k]


def test_exact_matches_brute_force_and_excludes_self() -> None:
    x = unit_rows(300)
    indices, scores = knn.nearest_neighbours(x, 5, "exact")
    assert indices.shape == scores.shape == (300, 5)
    assert (indices == brute_force(x, 5)).all()
    assert not (indices == np.arange(300)[:, None]).any()
    assert np.allclose(scores, np.take_along_axis(x @ x.T, indices, axis=1), atol=1e-5)
    assert (np.diff(scores, axis=1) <= 1e-6).all()  # best first


def test_exact_blocks_give_the_same_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    x = unit_rows(200, seed=3)
    whole = knn.nearest_neighbours(x, 4, "exact")[0]
    monkeypatch.setattr(knn, "_BLOCK_CELLS", 200 * 7)  # seven rows per block
    assert (knn.nearest_neighbours(x, 4, "exact")[0] == whole).all()


def test_k_larger_than_the_corpus_is_cut_to_the_other_rows() -> None:
    x = unit_rows(4)
    for method in ("exact", "approximate"):
        indices, _ = knn.nearest_neighbours(x, 10, method)
        assert indices.shape == (4, 3)
        assert all(set(row) == set(range(4)) - {i} for i, row in enumerate(indices.tolist()))
    assert knn.nearest_neighbours(x[:1], 10)[0].shape == (1, 0)


def test_approximate_recall_on_clustered_data() -> None:
    x = unit_rows(3000, d=64, seed=1, clusters=30)
    exact = knn.nearest_neighbours(x, 10, "exact")[0]
    approx, scores = knn.nearest_neighbours(x, 10, "approximate")
    assert not (approx == np.arange(3000)[:, None]).any()
    recall = np.mean([len(set(a) & set(e)) / 10 for a, e in zip(approx, exact, strict=True)])
    assert recall >= 0.95
    assert (np.diff(scores, axis=1) <= 1e-5).all()


def test_auto_switches_to_the_index_above_the_measured_size() -> None:
    assert knn.choose_method(knn.EXACT_MAX_ROWS) == "exact"
    assert knn.choose_method(knn.EXACT_MAX_ROWS + 1) == "approximate"
    assert knn.choose_method(10, "approximate") == "approximate"


def test_drop_self_keeps_order_wherever_self_lands() -> None:
    found = np.array([[1, 0, 2], [1, 0, 2], [2, 0, -1]])
    scores = np.array([[0.9, 0.8, 0.7], [1.0, 0.9, 0.8], [1.0, 0.5, -1.0]], dtype=np.float32)
    idx, sc = knn._drop_self(found, scores, 2)
    assert idx.tolist() == [[1, 2], [0, 2], [0, -1]]
    assert sc[0].tolist() == pytest.approx([0.9, 0.7])
    assert sc[2, 1] == -np.inf
