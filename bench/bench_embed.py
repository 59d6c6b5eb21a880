"""Embedding cost of the build vs the model's own ``encode``, side by side in one run.

Both sides embed the same texts (every paper of the corpus, title + abstract) with the same
loaded model, after a warm-up; runs alternate (model, build, build, model, ...) so drift in
machine load hits both alike. Wall-clock and process CPU time are both reported: on a shared
machine the CPU time is the steadier measure of the work each side does. The build side is
the whole embedding stage of the pipeline
(:func:`citegraph.graph.embed.embed_papers`: texts, hashes, length-sorted chunks, progress,
assembly) with no cache, so every paper goes through the model.

    python bench/bench_embed.py [CORPUS] [--rounds N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import citegraph
from citegraph.graph.embed import embed_papers, embeddable_papers, load_encoder
from citegraph.graph.pipeline import BuildOptions

RESULTS = Path(__file__).parent / "results"
#: The example corpus, beside the checkout.
SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(SEEDS))
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    kg = citegraph.build(args.corpus, options=BuildOptions(similarity=False))
    texts = [text for _, text in embeddable_papers(kg)]
    encoder = load_encoder()
    encoder.model.encode(texts[:64])  # warm-up: first calls pay for lazy initialisation
    embed_papers(kg)

    runs = {"model.encode": lambda: encoder.model.encode(texts),
            "build stage": lambda: embed_papers(kg)}
    wall: dict[str, list[float]] = {name: [] for name in runs}
    cpu: dict[str, list[float]] = {name: [] for name in runs}
    for r in range(args.rounds):
        order = list(runs) if r % 2 == 0 else list(reversed(runs))
        for name in order:
            w0, c0 = time.perf_counter(), time.process_time()
            runs[name]()
            wall[name].append(time.perf_counter() - w0)
            cpu[name].append(time.process_time() - c0)
            print(f"round {r + 1}: {name:<13} wall {wall[name][-1]:7.2f} s   "
                  f"cpu {cpu[name][-1]:7.2f} s", flush=True)
    med_wall = {name: statistics.median(ts) for name, ts in wall.items()}
    med_cpu = {name: statistics.median(ts) for name, ts in cpu.items()}
    ratio_wall = med_wall["build stage"] / med_wall["model.encode"]
    ratio_cpu = med_cpu["build stage"] / med_cpu["model.encode"]
    print(f"{len(texts)} papers, {args.rounds} runs each, medians:")
    for name in runs:
        print(f"  {name:<13} wall {med_wall[name]:7.2f} s ({len(texts) / med_wall[name]:5.1f} "
              f"papers/s)   cpu {med_cpu[name]:7.2f} s")
    print(f"  ratio build/model: wall {ratio_wall:.3f}, cpu {ratio_cpu:.3f}  (target <= 1.10)")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "bench_embed.json").write_text(json.dumps(
        {"papers": len(texts), "wall": wall, "cpu": cpu, "ratio_wall": ratio_wall,
         "ratio_cpu": ratio_cpu}, indent=2))


if __name__ == "__main__":
    main()
