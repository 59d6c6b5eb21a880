"""Appending papers to a saved graph against building the whole graph.

Writes a seeded synthetic corpus of ``--papers`` + ``--append`` papers
(:mod:`synthetic_corpus`) with precomputed vectors (no embedding model is loaded), then
times, each in a fresh process:

* **full**: ``citegraph.build`` of the first ``--papers`` papers and ``kg.save``;
* **append**: ``citegraph build NEW --out DIR --append`` on a copy of that graph, through
  its API ``citegraph.build(NEW, base=DIR)`` (the saved graph loaded and extended in
  place) and ``kg.save(DIR)`` (an append shard).

and prints both times and their ratio (target: the append costs at most 5 % of the full
build), with the stages of each. Peak memory of each process is printed too.
``--profile FILE`` writes a cProfile of the append phase (load, append and save).

    python bench/bench_append.py [--papers 100000] [--append 1000] [--workdir DIR]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = 0.05


class _Timer:
    """A progress sink that records the wall time of every stage."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}

    def stage(self, name: str, total: int | None = None):  # noqa: ANN201
        timer = self

        class _Stage:
            def advance(self, n: int = 1) -> None:
                pass

            def __enter__(self):  # noqa: ANN204
                self.start = time.perf_counter()
                return self

            def __exit__(self, *exc: object) -> None:
                timer.times[name] = timer.times.get(name, 0.0) + time.perf_counter() - self.start

        return _Stage()


def prepare(workdir: Path, papers: int, append: int, seed: int) -> None:
    """The corpus split into ``base.jsonl`` and ``new.jsonl``, and its vectors."""
    sys.path.insert(0, str(HERE))
    from synthetic_corpus import write_corpus, write_vectors

    workdir.mkdir(parents=True, exist_ok=True)
    stamp = workdir / "corpus.json"
    wanted = {"papers": papers, "append": append, "seed": seed}
    if stamp.exists() and json.loads(stamp.read_text()) == wanted:
        return
    whole = write_corpus(workdir / "all.jsonl", papers + append, seed)
    write_vectors(whole, workdir / "vectors", seed)
    lines = whole.read_text(encoding="utf-8").splitlines(keepends=True)
    cut = round(len(lines) * papers / (papers + append))
    (workdir / "base.jsonl").write_text("".join(lines[:cut]), encoding="utf-8")
    (workdir / "new.jsonl").write_text("".join(lines[cut:]), encoding="utf-8")
    stamp.write_text(json.dumps(wanted))


def run_phase(phase: str, workdir: Path, profile: Path | None = None) -> dict[str, object]:
    """One timed phase in this process."""
    sys.path.insert(0, str(HERE))
    from synthetic_corpus import read_vectors

    import citegraph
    from citegraph.graph.options import BuildOptions
    from citegraph.loaders import LoadReport

    timer = _Timer()
    options = BuildOptions(vector_cache=read_vectors(workdir / "vectors"))
    out = workdir / "graph"
    start = time.perf_counter()
    if phase == "full":
        kg = citegraph.build([workdir / "base.jsonl"], options=options, progress=timer,
                             report=LoadReport())
        built = time.perf_counter()
        kg.save(out, force=True)
    else:
        # as `citegraph build NEW --out DIR --append`: load DIR, append, save into DIR
        target = workdir / "appended"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(out, target)
        profiler = None
        if profile is not None:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        start = time.perf_counter()
        kg = citegraph.build([workdir / "new.jsonl"], base=target, options=options,
                             progress=timer, report=LoadReport())
        built = time.perf_counter()
        kg.save(target)
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
    done = time.perf_counter()
    timer.times["Saving"] = done - built
    return {"seconds": done - start, "papers": kg.stats()["nodes"]["Paper"],
            "stages": timer.times,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--append", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=Path("bench/out/append"))
    parser.add_argument("--profile", type=Path, help="write a cProfile of the append here")
    parser.add_argument("--phase", choices=("full", "append"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(run_phase(args.phase, args.workdir, args.profile)))
        return
    prepare(args.workdir, args.papers, args.append, args.seed)
    results = {}
    for phase in ("full", "append"):
        extra = ["--profile", str(args.profile)] if args.profile and phase == "append" else []
        proc = subprocess.run([sys.executable, __file__, "--phase", phase,
                               "--workdir", str(args.workdir), *extra],
                              check=True, capture_output=True, text=True)
        results[phase] = json.loads(proc.stdout.strip().splitlines()[-1])
        r = results[phase]
        print(f"{phase}: {r['seconds']:.1f} s, {r['papers']:,} papers, "
              f"peak RSS {r['peak_rss_mb']:.0f} MB")
        for name, seconds in sorted(r["stages"].items(), key=lambda kv: -kv[1]):
            print(f"    {name}: {seconds:.1f} s")
    ratio = results["append"]["seconds"] / results["full"]["seconds"]
    print(f"append {args.append:,} to {args.papers:,}: {results['append']['seconds']:.1f} s; "
          f"full build {results['full']['seconds']:.1f} s; ratio {ratio:.1%} "
          f"(target ≤ {TARGET:.0%})")


if __name__ == "__main__":
    main()
