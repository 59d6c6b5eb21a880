"""Scale benchmark: every build stage, save, load and query helpers at growing corpus sizes.

For each size a synthetic corpus (:mod:`synthetic_corpus`) and its precomputed embeddings
are written to a work directory (kept and reused across runs), then one fresh process
builds the graph with every stage on (the vectors handed in as ``vector_cache``, so no
model is loaded), saves it, loads it back and times query helpers on the loaded graph.
A fresh process per size keeps each peak resident memory its own.

Stages are timed through the build's progress hook (:mod:`citegraph.graph.progress`):
wall and CPU seconds per stage; work between two stages is reported as ``after <stage>``.
For each stage the growth exponent between consecutive sizes is
``log(t2 / t1) / log(n2 / n1)`` (1.0 = linear), on wall and on CPU seconds (CPU is the
steadier figure on a shared machine); stages under 0.5 s at the smaller size are too short
to fit and are shown as ``-``. Query helpers report their first call (which builds any
lookup index the graph keeps) apart from p50/p95 over the following calls.

    python bench/bench_scale.py                          # 10k and 100k papers
    python bench/bench_scale.py --sizes 10000 100000 1000000 --work /tmp/scale
    python bench/bench_scale.py --profile 10000          # cProfile one build instead
    python bench/bench_scale.py --report a.json b.json   # tables and exponents of saved runs
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from synthetic_corpus import read_vectors, write_corpus, write_vectors  # noqa: E402

QUERY_CALLS = 25


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


class Timings:
    """A progress hook that records wall and CPU seconds per stage, and the gaps."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self._last = ("start", time.perf_counter(), time.process_time())

    def _close_gap(self) -> None:
        name, wall, cpu = self._last
        now, now_cpu = time.perf_counter(), time.process_time()
        if now - wall > 0.01:
            self.rows.append({"stage": f"after {name}", "wall": now - wall,
                              "cpu": now_cpu - cpu, "rss": _rss_mib(), "peak": _peak_mib()})

    @contextmanager
    def stage(self, name: str, total: int | None = None):  # noqa: ANN201 - the hook
        self._close_gap()
        wall, cpu = time.perf_counter(), time.process_time()
        yield self
        self.rows.append({"stage": name, "wall": time.perf_counter() - wall,
                          "cpu": time.process_time() - cpu, "rss": _rss_mib(),
                          "peak": _peak_mib()})
        self._last = (name, time.perf_counter(), time.process_time())

    def advance(self, n: int = 1) -> None:
        pass

    @contextmanager
    def timed(self, name: str):  # noqa: ANN201
        with self.stage(name):
            yield

    def finish(self) -> None:
        self._close_gap()
        self._last = ("end", time.perf_counter(), time.process_time())


def _query_calls(kg: Any) -> dict[str, Any]:
    """Helpers a user runs on one paper or entity, each over ``QUERY_CALLS`` arguments."""
    import random

    from citegraph.graph import schema as S

    rng = random.Random(0)
    papers = [p[S.KEY] for p in kg.papers if not p.get(S.STUB) and p.get(S.TITLE)]
    mentioned = [e for _, e, _, _ in kg.edges(S.MENTIONS)]
    q = kg.query
    calls: dict[str, Any] = {
        "papers_mentioning": lambda: q.papers_mentioning(kg.node(rng.choice(mentioned))[S.KEY]),
        "paper_entities": lambda: q.paper_entities(rng.choice(papers)),
        "similar_papers": lambda: q.similar_papers(rng.choice(papers)),
        "related": lambda: q.related(rng.choice(papers)),
        "co_cited": lambda: q.co_cited(rng.choice(papers)),
        "search": lambda: q.search(kg.node(rng.choice(mentioned)).get(S.NAME) or "model"),
    }
    out = {}
    for name, call in calls.items():
        began = time.perf_counter()
        call()  # the first call builds whatever index the helper keeps; reported apart
        first = time.perf_counter() - began
        times = []
        for _ in range(QUERY_CALLS):
            began = time.perf_counter()
            call()
            times.append(time.perf_counter() - began)
        times.sort()
        out[name] = {"first_ms": 1000 * first, "p50_ms": 1000 * times[len(times) // 2],
                     "p95_ms": 1000 * times[math.ceil(0.95 * len(times)) - 1]}
    return out


def child(corpus: Path, vectors: Path, out: Path) -> dict[str, Any]:
    """Build, save, load and query one corpus in this process; measure."""
    import citegraph
    from citegraph.graph.options import BuildOptions
    from citegraph.graph.stores.files import load_graph, save_graph

    timings = Timings()
    with timings.timed("Reading vectors"):
        options = BuildOptions(vector_cache=read_vectors(vectors))
    kg = citegraph.build([corpus], options=options, progress=timings)
    timings.finish()
    build_peak = _peak_mib()
    stats = kg.stats()
    with timings.timed("Saving"):
        save_graph(kg, out, force=True)
    del kg, options
    with timings.timed("Loading"):
        kg = load_graph(out)
    queries = _query_calls(kg)
    return {"stages": timings.rows, "build_peak_mib": build_peak, "peak_mib": _peak_mib(),
            "queries": queries, "nodes": sum(stats["nodes"].values()),
            "edges": sum(stats["edges"].values()), "stats": stats}


def prepare(work: Path, n: int) -> tuple[Path, Path]:
    """The corpus and vectors of size ``n`` in ``work``, written once."""
    corpus, vectors = work / f"corpus_{n}.jsonl", work / f"vectors_{n}"
    if not corpus.exists():
        began = time.perf_counter()
        write_corpus(corpus.with_suffix(".tmp"), n).rename(corpus)
        print(f"  wrote {corpus} in {time.perf_counter() - began:.0f} s", flush=True)
    if not (vectors / "embeddings.json").exists():
        write_vectors(corpus, vectors)
    return corpus, vectors


def _exponent(n1: int, t1: float, n2: int, t2: float) -> str:
    if t1 < 0.5 or t2 <= 0:
        return "-"
    return f"{math.log(t2 / t1) / math.log(n2 / n1):.2f}"


def _seconds(result: dict[str, Any], stage: str, kind: str) -> float:
    return sum(row[kind] for row in result["stages"] if row["stage"] == stage)


def report(results: dict[int, dict[str, Any]], tables: bool = True) -> None:
    """Per-stage table per size, then exponents between consecutive sizes."""
    sizes = sorted(results)
    for n in sizes if tables else ():
        r = results[n]
        print(f"\n== {n:,} papers: {r['nodes']:,} nodes, {r['edges']:,} edges; peak RSS "
              f"build {r['build_peak_mib']:,.0f} MiB, with save/load/queries "
              f"{r['peak_mib']:,.0f} MiB")
        print(f"{'stage':42s} {'wall s':>9s} {'cpu s':>9s} {'rss MiB':>9s} {'peak MiB':>9s}")
        for row in r["stages"]:
            print(f"{row['stage'][:42]:42s} {row['wall']:9.2f} {row['cpu']:9.2f} "
                  f"{row['rss']:9.0f} {row['peak']:9.0f}")
        total = sum(row["wall"] for row in r["stages"] if row["stage"] not in ("Saving",
                                                                             "Loading"))
        print(f"{'build total':42s} {total:9.2f}")
        for name, q in r["queries"].items():
            print(f"  query {name:20s} first {q['first_ms']:8.1f} ms   p50 {q['p50_ms']:8.1f} "
                  f"ms   p95 {q['p95_ms']:8.1f} ms")
    for small, large in zip(sizes, sizes[1:], strict=False):
        print(f"\n== growth exponents {small:,} -> {large:,} (1.00 = linear)")
        print(f"{'stage':42s} {'wall':>6s} {'cpu':>6s}")
        for name in (row["stage"] for row in results[large]["stages"]):
            pair = [(_seconds(results[small], name, kind), _seconds(results[large], name, kind))
                    for kind in ("wall", "cpu")]
            print(f"{name[:42]:42s} " + " ".join(
                f"{_exponent(small, t1, large, t2):>6s}" for t1, t2 in pair))
        pa, pb = results[small]["build_peak_mib"], results[large]["build_peak_mib"]
        print(f"{'peak RSS':42s} {math.log(pb / pa) / math.log(large / small):6.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--work", type=Path,
                        default=Path(tempfile.gettempdir()) / "citegraph-scale")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--profile", type=int, metavar="N",
                        help="build N papers under cProfile and print the top functions")
    parser.add_argument("--report", type=Path, nargs="+", metavar="JSON",
                        help="print the tables and exponents of earlier --json files")
    parser.add_argument("--child", nargs=3, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    if args.report:
        report({int(n): r for path in args.report
                for n, r in json.loads(path.read_text()).items()})
        return
    args.work.mkdir(parents=True, exist_ok=True)
    if args.profile:
        import cProfile
        import pstats

        corpus, vectors = prepare(args.work, args.profile)
        cProfile.runctx("child(corpus, vectors, out)", globals(),
                        {"child": child, "corpus": corpus, "vectors": vectors,
                         "out": args.work / f"graph_{args.profile}"}, str(args.work / "prof"))
        pstats.Stats(str(args.work / "prof")).sort_stats("cumulative").print_stats(60)
        return
    results = {}
    for n in args.sizes:
        print(f"{n:,} papers ...", flush=True)
        corpus, vectors = prepare(args.work, n)
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(corpus), str(vectors),
             str(args.work / f"graph_{n}")], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.exit(f"build of {n} papers failed:\n{done.stderr[-3000:]}")
        results[n] = json.loads(done.stdout.strip().splitlines()[-1])
        if args.json:  # after each size, so a long run leaves what it finished
            args.json.write_text(json.dumps(results, indent=1))
        report({n: results[n]})
    if len(results) > 1:
        report(results, tables=False)


if __name__ == "__main__":
    main()
