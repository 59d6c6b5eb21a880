"""Top-10 neighbours of every row of 100,000 synthetic 384-dim embeddings, both ways.

Runs the build's similarity search (``method="auto"``, which picks the HNSW index at this
size) and the exact brute-force baseline on the same matrix in one run, and reports both
times and the index's recall@10 against the exact answer. ``--sweep`` times both methods
at several sizes: where the lines cross is ``knn.EXACT_MAX_ROWS``.

The synthetic vectors imitate sentence embeddings: unit vectors scattered around many
topic centres (n/100 of them), so every row has a handful of close neighbours.

    python bench/bench_knn.py [--rows 100000] [--sweep 5000,10000,20000,40000]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from citegraph.graph.knn import choose_method, nearest_neighbours

RESULTS = Path(__file__).parent / "results"
DIM = 384
K = 10


def synthetic(n: int, dim: int = DIM, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((max(1, n // 100), dim)).astype(np.float32)
    x = centres[rng.integers(0, len(centres), n)]
    x += 0.8 * rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def timed(x: np.ndarray, method: str) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    indices, _ = nearest_neighbours(x, K, method)  # type: ignore[arg-type]
    return time.perf_counter() - start, indices


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    hits = sum(len(set(a) & set(b)) for a, b in zip(found.tolist(), truth.tolist(), strict=True))
    return hits / truth.size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sweep", default="", help="comma-separated sizes to time both ways")
    args = parser.parse_args()
    results: dict = {"rows": args.rows, "dim": DIM, "k": K, "sweep": []}

    for n in [int(s) for s in args.sweep.split(",") if s]:
        x = synthetic(n)
        t_exact, truth = timed(x, "exact")
        t_index, found = timed(x, "approximate")
        results["sweep"].append({"rows": n, "exact_s": t_exact, "hnsw_s": t_index})
        print(f"sweep {n:>7} rows: exact {t_exact:7.2f} s   hnsw {t_index:7.2f} s   "
              f"recall {recall(found, truth):.4f}", flush=True)

    x = synthetic(args.rows)
    method = choose_method(args.rows)
    t_build, found = timed(x, "auto")
    print(f"build search ({method}): {t_build:.2f} s", flush=True)
    t_exact, truth = timed(x, "exact")
    print(f"brute-force baseline:    {t_exact:.2f} s", flush=True)
    rec = recall(found, truth)
    print(f"{args.rows} x {DIM}, top-{K}: build {t_build:.2f} s vs brute force {t_exact:.2f} s "
          f"({t_exact / t_build:.1f}x), recall@{K} {rec:.4f}; target <= 60 s")
    results.update(method=method, build_s=t_build, exact_s=t_exact, recall=rec)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_knn.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
