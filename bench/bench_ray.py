"""The build on Ray against the local build: per-stage times, speed-up and overhead.

Writes a seeded synthetic corpus (``bench/synthetic_corpus.py``, Semantic Scholar JSON
lines, 100,000 papers by default) with made-up vectors for every paper text, then builds it
once per configuration, each in a fresh process: the local engine, and Ray on a local
instance with 1 and 2 workers. The builds are handed the vectors
(``BuildOptions.vector_cache``), so no build embeds; embedding is measured on its own on a
sample of real paper texts with the packaged model (all-MiniLM-L6-v2 on CPU is far too slow
to embed the whole corpus here) and extrapolated to the corpus: start-up (pool start and
model load, from the engine's own run over the sample) plus texts over the steady rate of
warm workers.

The run starts and ends by timing two processes against one on a pure-Python loop: on a
shared machine that is the ceiling of any speed-up at the time. Targets, measured in the
same run: extraction + embedding at 2 workers at least 1.6x as
fast as at 1 worker; Ray at 1 worker at most 15 % slower than the local engine. The local
engine's model runs on one thread here, as a Ray worker's does (a worker gets one core);
its rate on every core is printed for reference with ``BENCH_RAY_ALL_THREADS=1``.

    python bench/bench_ray.py [--papers 100000] [--embed-sample 2000] [--workers 1 2]
                              [--dir DIR] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SPEEDUP_TARGET = 1.6
OVERHEAD_TARGET = 0.15
EXTRACTION = ("Learning entity names", "Extracting entities")


class StageClock:
    """A build progress that records the wall time of each stage (summed by name)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    @contextmanager
    def stage(self, name: str, total: int | None = None):
        class _Stage:
            def advance(self, n: int = 1) -> None:
                pass

        start = time.perf_counter()
        try:
            yield _Stage()
        finally:
            self.seconds[name] += time.perf_counter() - start


def _texts(corpus: Path, n: int) -> list[str]:
    from citegraph.graph.embed import paper_text
    from citegraph.loaders import LoadReport, iter_records

    texts = []
    for record in iter_records([corpus], report=LoadReport()):
        text = paper_text({"title": record.title, "abstract": record.abstract})
        if text:
            texts.append(text)
        if len(texts) >= n:
            break
    return texts


def _embed_local(texts: list[str], threads: int) -> dict[str, float]:
    import torch

    from citegraph.graph.embed import encode_sorted, load_encoder

    torch.set_num_threads(threads)
    start = time.perf_counter()
    encoder = load_encoder()
    load = time.perf_counter() - start
    encoder.encode(texts[:8])
    start = time.perf_counter()
    encode_sorted(encoder, texts)
    elapsed = time.perf_counter() - start
    return {"load_s": load, "texts_per_s": len(texts) / elapsed, "sample_s": load + elapsed}


def _embed_ray(texts: list[str], workers: int) -> dict[str, float]:
    """The engine's own embedding of the sample end to end (pool start, model load and
    all), and the steady rate of ``workers`` warm actors, for the extrapolation."""
    import ray

    from citegraph.graph.embed import CHUNK_SIZE
    from citegraph.graph.ray_engine import encode_distributed

    start = time.perf_counter()
    encode_distributed(texts, None, None)
    whole = time.perf_counter() - start

    @ray.remote(num_cpus=1)
    class Warm:
        def __init__(self) -> None:
            from citegraph.graph.embed import load_encoder

            self.encoder = load_encoder()

        def encode(self, chunk: list[str]) -> int:
            return len(self.encoder.encode(chunk))

    actors = [Warm.remote() for _ in range(workers)]
    ray.get([actor.encode.remote(texts[:8]) for actor in actors])
    order = sorted(texts, key=len, reverse=True)
    chunks = [order[i:i + CHUNK_SIZE] for i in range(0, len(order), CHUNK_SIZE)]
    start = time.perf_counter()
    ray.get([actors[k % workers].encode.remote(chunk) for k, chunk in enumerate(chunks)])
    rate = len(texts) / (time.perf_counter() - start)
    return {"load_s": max(whole - len(texts) / rate, 0.0), "texts_per_s": rate,
            "sample_s": whole}


def run_one(engine: str, workers: int, corpus: Path, vectors: Path, sample: int) -> dict:
    """One configuration, in this process: the build's stage times and the embedding rate."""
    sys.path.insert(0, str(HERE))
    from synthetic_corpus import read_vectors

    import citegraph
    from citegraph.graph.options import BuildOptions

    texts = _texts(corpus, sample)
    cache = read_vectors(vectors)
    clock = StageClock()
    result: dict[str, Any] = {"engine": engine, "workers": workers}
    if engine == "ray":
        import ray

        from citegraph.graph.ray_engine import LOCAL_SYSTEM_CONFIG, OBJECT_STORE_BYTES

        start = time.perf_counter()
        ray.init(num_cpus=workers, object_store_memory=OBJECT_STORE_BYTES,
                 include_dashboard=False, log_to_driver=False, logging_level="warning",
                 _system_config=LOCAL_SYSTEM_CONFIG)
        result["ray_start_s"] = time.perf_counter() - start
    options = BuildOptions(engine=engine, vector_cache=cache, progress=clock)
    start = time.perf_counter()
    kg = citegraph.build([corpus], options=options, progress=clock)
    result["build_s"] = time.perf_counter() - start
    result["stages_s"] = dict(clock.seconds)
    result["papers"] = len(kg.papers)
    result["nodes"], result["edges"] = kg.number_of_nodes(), kg.number_of_edges()
    del kg
    if engine == "ray":
        result["embed"] = _embed_ray(texts, workers)
        import ray

        ray.shutdown()
    else:
        result["embed"] = _embed_local(texts, threads=1)
        if os.environ.get("BENCH_RAY_ALL_THREADS") == "1":  # a reference: the model on every core
            result["embed_all_threads"] = _embed_local(texts, threads=os.cpu_count() or 1)
    return result


def _estimate(result: dict, papers: int) -> float:
    """Extraction (measured) plus embedding of every paper (extrapolated), in seconds."""
    extraction = sum(result["stages_s"].get(name, 0.0) for name in EXTRACTION)
    embed = result["embed"]
    return extraction + embed["load_s"] + papers / embed["texts_per_s"]


def _burn(n: int) -> None:
    total = 0
    for i in range(n):
        total += i * i


def core_scaling(workers: int = 2, n: int = 20_000_000) -> float:
    """How much faster ``workers`` processes do ``workers`` times a pure-Python loop than
    one process does it once: the ceiling this machine puts on any speed-up right now (on
    a shared machine it is well below ``workers``)."""
    import multiprocessing

    start = time.perf_counter()
    _burn(n)
    one = time.perf_counter() - start
    with multiprocessing.Pool(workers) as pool:
        start = time.perf_counter()
        pool.map(_burn, [n] * workers)
        many = time.perf_counter() - start
    return workers * one / many


def _load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--embed-sample", type=int, default=2000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--dir", type=Path, help="keep the corpus here (default: temporary)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--one", nargs=2, metavar=("ENGINE", "WORKERS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.dir or Path(tmp)
        corpus, vectors = folder / f"corpus{args.papers}.jsonl", folder / f"vectors{args.papers}"
        if args.one:
            engine, workers = args.one[0], int(args.one[1])
            print(json.dumps(run_one(engine, workers, corpus, vectors, args.embed_sample)))
            return
        sys.path.insert(0, str(HERE))
        from synthetic_corpus import write_corpus, write_vectors

        if not corpus.exists() or not vectors.exists():
            write_corpus(corpus, args.papers, seed=0)
            write_vectors(corpus, vectors, seed=0)
        ceiling = core_scaling()
        print(f"this machine now: 2 processes do 2x the work {ceiling:.2f}x as fast as 1 "
              f"(load average {_load_average()})")
        results = []
        for engine, workers in [("local", 1), *(("ray", w) for w in args.workers)]:
            before = _load_average()
            done = subprocess.run(
                [sys.executable, __file__, "--papers", str(args.papers), "--dir", str(folder),
                 "--embed-sample", str(args.embed_sample), "--one", engine, str(workers)],
                capture_output=True, text=True, check=False)
            if done.returncode != 0:
                sys.exit(f"{engine} x{workers} failed:\n{done.stderr[-3000:]}")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            result["load_average_before"], result["load_average_after"] = before, _load_average()
            results.append(result)
            _print_one(result, args.papers)
    ceiling_after = core_scaling()
    print(f"\nthis machine after: 2 processes {ceiling_after:.2f}x as fast as 1")
    _print_summary(results, args.papers)
    if args.json:
        args.json.write_text(json.dumps({"core_scaling": [ceiling, ceiling_after],
                                         "runs": results}, indent=2))


def _print_one(result: dict, papers: int) -> None:
    name = "local" if result["engine"] == "local" else f"ray x{result['workers']}"
    print(f"\n== {name}: build {result['build_s']:.1f} s ({result['papers']} papers, "
          f"{result['nodes']} nodes, {result['edges']} edges); load average "
          f"{result['load_average_before']} -> {result['load_average_after']}")
    if "ray_start_s" in result:
        print(f"   ray start                  {result['ray_start_s']:8.1f} s")
    for stage, seconds in result["stages_s"].items():
        print(f"   {stage:<26} {seconds:8.1f} s")
    embed = result["embed"]
    print(f"   embedding                  {embed['texts_per_s']:8.1f} texts/s "
          f"(start {embed['load_s']:.1f} s) -> {papers} papers ~ "
          f"{embed['load_s'] + papers / embed['texts_per_s']:.0f} s (extrapolated)")
    if "embed_all_threads" in result:
        print(f"   embedding, every core      {result['embed_all_threads']['texts_per_s']:8.1f}"
              " texts/s (reference)")


def _print_summary(results: list[dict], papers: int) -> None:
    by = {("local" if r["engine"] == "local" else r["workers"]): r for r in results}
    print("\n== extraction + embedding (embedding extrapolated from the sample)")
    for key, result in by.items():
        print(f"   {str(key):<6} {_estimate(result, papers):8.1f} s   "
              f"build {result['build_s']:.1f} s")
    if 1 in by and 2 in by:
        speedup = _estimate(by[1], papers) / _estimate(by[2], papers)
        print(f"speed-up at 2 workers: {speedup:.2f}x (target >= {SPEEDUP_TARGET}x) "
              f"{'OK' if speedup >= SPEEDUP_TARGET else 'MISSED'}")
    if 1 in by and "local" in by:
        overhead = _estimate(by[1], papers) / _estimate(by["local"], papers) - 1
        build = by[1]["build_s"] / by["local"]["build_s"] - 1
        verdict = "OK" if overhead <= OVERHEAD_TARGET else "MISSED"
        print(f"overhead of Ray at 1 worker: {overhead:+.1%} on extraction + embedding "
              f"(target <= {OVERHEAD_TARGET:.0%}) {verdict}; {build:+.1%} on the whole build")


if __name__ == "__main__":
    main()
