"""Recall and time of the Ray engine's sharded IVF search against exact search.

For each size, synthetic clustered 384-dimension unit vectors (as in ``bench_knn.py``)
are searched for their top 10 by :func:`citegraph.graph.ray_knn.nearest_neighbours_distributed`
on a local Ray instance, and recall@10 against exact search is measured on a sample of
rows (:func:`citegraph.graph.ray_knn.recall`). Target: recall at least 0.95.

    python bench/bench_ray_knn.py [--rows 20000 100000] [--workers 2] [--sample 2000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_knn import K, synthetic  # noqa: E402

RECALL_TARGET = 0.95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample", type=int, default=2000)
    args = parser.parse_args()

    import ray

    from citegraph.graph import ray_knn
    from citegraph.graph.ray_engine import LOCAL_SYSTEM_CONFIG

    ray.init(num_cpus=args.workers, object_store_memory=1024**3, include_dashboard=False,
             log_to_driver=False, logging_level="warning", _system_config=LOCAL_SYSTEM_CONFIG)
    print(f"{'rows':>8} {'lists':>6} {'nprobe':>6} {'seconds':>8} {'recall@10':>9}")
    for n in args.rows:
        x = synthetic(n)
        start = time.perf_counter()
        indices, _ = ray_knn.nearest_neighbours_distributed(x, K)
        seconds = time.perf_counter() - start
        found = ray_knn.recall(x, indices, args.sample)
        lists = ray_knn._lists(n)
        verdict = "OK" if found >= RECALL_TARGET else "MISSED"
        print(f"{n:>8} {lists:>6} {min(lists, ray_knn.NPROBE):>6} {seconds:>8.1f} "
              f"{found:>9.4f} {verdict}", flush=True)
    ray.shutdown()


if __name__ == "__main__":
    main()
