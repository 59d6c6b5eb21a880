"""Writing a big graph's neo4j-admin import files: one process against Ray tasks.

Builds the graph of a seeded synthetic corpus (``bench/synthetic_corpus.py``, with made-up
vectors, so no model runs; built on Ray with ``--workers``) and saves it into ``--graph``
(kept, so later runs load it), then writes its import files four ways, in this order:

* ``local``: :func:`write_import_csv` in this process;
* ``driver share``: what the driver of the Ray write does alone (every header decided, the
  rows cut into parts and pickled, nothing formatted or written): the floor under the Ray
  write's wall time;
* ``ray``: the parts written by Ray tasks on a local instance of ``--workers`` CPUs (its
  start-up is timed apart: a build that writes import files has it running already);
* ``pool``: the same parts handed to a process pool of ``--workers`` processes, to see
  whether the local engine would gain from one.

Every way must write byte-identical files (checked by SHA-256); the ratios are against
``local`` in the same run.

    python bench/bench_import_files.py [--papers 100000] [--workers 2] [--graph DIR]
                                       [--entities] [--out DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _graph(args: argparse.Namespace):
    import citegraph
    from citegraph.graph.options import BuildOptions

    if (args.graph / "manifest.json").exists():
        return citegraph.load(args.graph)
    from synthetic_corpus import read_vectors, write_corpus, write_vectors

    with tempfile.TemporaryDirectory() as tmp:
        corpus, vectors = Path(tmp) / "corpus.jsonl", Path(tmp) / "vectors"
        write_corpus(corpus, args.papers, seed=0)
        write_vectors(corpus, vectors, seed=0)
        start = time.perf_counter()
        kg = citegraph.build([corpus], options=BuildOptions(
            vector_cache=read_vectors(vectors), entities=args.entities, engine="ray",
            ray_cpus=args.workers))
        print(f"built on Ray in {time.perf_counter() - start:.0f} s", flush=True)
    kg.save(args.graph)
    return kg


def _digests(directory: Path) -> dict[str, str]:
    found = {}
    for path in sorted(directory.iterdir()):
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
        found[path.name] = digest.hexdigest()
    return found


def _driver_share(kg) -> int:
    from citegraph.graph.ray_reading import blob
    from citegraph.graph.stores.neo4j_csv import iter_parts, plan_import

    return sum(len(blob(part.rows)) for part in iter_parts(kg, plan_import(kg)))


def _pool_write(kg, directory: Path, workers: int) -> None:
    from citegraph.graph.stores.neo4j_csv import (
        iter_parts,
        plan_import,
        remove_stale_parts,
        write_header,
        write_part,
    )

    plan = plan_import(kg)
    directory.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(workers) as pool:
        pending: set = set()
        for part in iter_parts(kg, plan):
            if len(pending) >= 2 * workers:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    future.result()
            pending.add(pool.submit(write_part, directory, part.group, part.index, part.rows))
        for future in pending:
            future.result()
    for group in plan.groups:
        write_header(directory, group)
    remove_stale_parts(directory, plan)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--graph", type=Path, required=True,
                        help="the saved graph: loaded when there, else built and saved")
    parser.add_argument("--entities", action="store_true", help="build with the entity stages")
    parser.add_argument("--out", type=Path, help="where to write the files (default: temporary)")
    args = parser.parse_args()

    import ray

    from citegraph.graph.options import BuildOptions
    from citegraph.graph.ray_engine import LOCAL_SYSTEM_CONFIG, OBJECT_STORE_BYTES
    from citegraph.graph.stores.neo4j_import import write_import_csv

    kg = _graph(args)
    stats = kg.stats()
    print(f"graph: {sum(stats['nodes'].values()):,} nodes, "
          f"{sum(stats['edges'].values()):,} edges, "
          f"{0 if kg.embeddings is None else len(kg.embeddings):,} embeddings", flush=True)
    base = args.out or Path(tempfile.mkdtemp(prefix="import-bench-"))
    times: dict[str, float] = {}
    digests: dict[str, dict[str, str]] = {}

    def timed(name: str, write) -> None:
        target = base / name
        start, cpu = time.perf_counter(), time.process_time()
        write(target)
        times[name] = time.perf_counter() - start
        size = sum(p.stat().st_size for p in target.iterdir())
        print(f"{name}: {times[name]:.1f} s wall, {time.process_time() - cpu:.1f} s CPU in "
              f"this process, {len(list(target.iterdir()))} files, {size / 1e6:,.0f} MB",
              flush=True)
        digests[name] = _digests(target)
        shutil.rmtree(target)

    timed("local", lambda d: write_import_csv(kg, d))
    start = time.perf_counter()
    pickled = _driver_share(kg)
    times["driver share"] = time.perf_counter() - start
    print(f"driver share: {times['driver share']:.1f} s ({pickled / 1e6:,.0f} MB pickled)",
          flush=True)
    start = time.perf_counter()
    ray.init(num_cpus=args.workers, object_store_memory=OBJECT_STORE_BYTES,
             include_dashboard=False, log_to_driver=False, logging_level="warning",
             _system_config=LOCAL_SYSTEM_CONFIG)
    print(f"Ray start: {time.perf_counter() - start:.1f} s", flush=True)
    timed("ray", lambda d: write_import_csv(kg, d, BuildOptions(engine="ray")))
    ray.shutdown()
    timed("pool", lambda d: _pool_write(kg, d, args.workers))
    if args.out is None:
        shutil.rmtree(base, ignore_errors=True)
    same = all(d == digests["local"] for d in digests.values())
    load = os.getloadavg()
    print(f"load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    for name in ("driver share", "ray", "pool"):
        print(f"{name}: {times['local'] / times[name]:.2f}x local's speed")
    print(f"{'OK    ' if same else 'DIFFER'} the files are byte-identical every way")
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
