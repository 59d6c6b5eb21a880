"""N-Triples export of synthetic graphs: throughput and peak memory as the graph grows.

The writer streams triples line by line, so the memory the export itself allocates should
not depend on the graph's size. This benchmark builds graphs of 1,000 to 100,000 papers
(each with authors, provenance, mentions, citations and similarity edges), exports each
to N-Triples and reports:

- triples/s and MB/s of the streamed export (timed without tracing),
- the export's peak Python allocation (tracemalloc, started after the graph is built, so
  the graph itself is not counted) and the process's peak RSS growth (psutil),
- the baseline measured in the same run: building an rdflib Graph and serialising it, at
  the small sizes only (its memory grows with the graph).

Usage: ``python bench/bench_export_nt.py [--sizes 1000 10000 100000] [--out DIR]``
(without ``--out`` the triples go to the null device). Results also go to
``bench/results/export_nt.json``.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import threading
import time
import tracemalloc
from pathlib import Path

import psutil

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.stores.rdf import write_ntriples

RESULTS = Path(__file__).resolve().parent / "results" / "export_nt.json"
WORDS = ("sparse", "attention", "retrieval", "diffusion", "alignment", "scaling", "reasoning",
         "pruning", "distillation", "benchmark", "robotics", "tokenizer", "vision", "graph")


def synthetic_graph(papers: int, seed: int = 7) -> KnowledgeGraph:
    """``papers`` papers with 3 authors each, one entity per 50 papers, 2 mentions, 1-2
    citations and 1 similarity edge per paper: about 60 triples per paper."""
    rng = random.Random(seed)
    kg = KnowledgeGraph()
    labels = S.ENTITY_NODE_LABELS
    entities = [kg.add_node(labels[i % len(labels)], f"entity-{i}",
                            **{S.NAME: f"Entity {i}", S.ALIASES: [f"E{i}", f"ent {i}"],
                               S.ENTITY_TYPE: S.ENTITY_TYPES[labels[i % len(labels)]]})
                for i in range(max(10, papers // 50))]
    ids = []
    for i in range(papers):
        title = " ".join(rng.choices(WORDS, k=8)).capitalize()
        ids.append(kg.add_node(
            S.PAPER, f"arxiv:{2400 + i // 10000}.{i % 10000:05d}",
            **{S.TITLE: title, S.ABSTRACT: f"We study {title.lower()}.\n" * 3,
               S.YEAR: 2024, S.DATE: f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
               S.AUTHORS: [f"Author {rng.randrange(papers)}" for _ in range(3)],
               S.UPVOTES: rng.randrange(100), S.PROVENANCE: [f"listing-{i % 97}.txt:{i}"],
               S.SOURCES: ["daily-papers"]}))
    for i, paper in enumerate(ids):
        for entity in rng.sample(entities, 2):
            kg.add_edge(S.MENTIONS, paper, entity, **{S.COUNT: rng.randint(1, 5),
                        S.EVIDENCE: [f"sentence {i}"], S.SOURCE: "abstract"})
        if i:
            for cited in {ids[rng.randrange(i)] for _ in range(rng.randint(1, 2))}:
                kg.add_edge(S.CITES, paper, cited, **{S.INFERRED: False, S.SOURCE: "bibtex"})
            kg.add_edge(S.SIMILAR_TO, paper, ids[rng.randrange(i)], **{S.SCORE: rng.random()})
    return kg


class _RssPeak:
    """Samples the process's resident set size in a thread; ``growth`` is peak - start."""

    def __init__(self, every: float = 0.02) -> None:
        self.proc = psutil.Process()
        self.every = every
        self.start = self.peak = self.proc.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(self.every)

    def __enter__(self) -> _RssPeak:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)

    @property
    def growth(self) -> int:
        return self.peak - self.start


class _Counting:
    """A text sink that counts what passes through on its way to the real file."""

    def __init__(self, fh) -> None:
        self.fh, self.chars = fh, 0

    def write(self, text: str) -> int:
        self.chars += len(text)
        return self.fh.write(text)


def export_once(kg: KnowledgeGraph, path: str) -> tuple[int, int, float]:
    with open(path, "w", encoding="utf-8") as fh:
        sink = _Counting(fh)
        t0 = time.perf_counter()
        triples = write_ntriples(kg, sink)  # type: ignore[arg-type]
        return triples, sink.chars, time.perf_counter() - t0


def traced_peak(fn) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def rdflib_baseline(kg: KnowledgeGraph, path: str) -> dict:
    """Build an rdflib Graph and serialise it: what streaming avoids."""
    from citegraph.graph.stores.rdf import to_rdflib

    t0 = time.perf_counter()
    peak = traced_peak(lambda: to_rdflib(kg).serialize(path, format="nt", encoding="utf-8"))
    return {"seconds_traced": round(time.perf_counter() - t0, 2),
            "peak_mb": round(peak / 2**20, 1)}


def run(sizes: list[int], out: Path | None, baseline_max: int) -> list[dict]:
    rows = []
    for n in sizes:
        t0 = time.perf_counter()
        kg = synthetic_graph(n)
        built = time.perf_counter() - t0
        path = str(out / f"synthetic-{n}.nt") if out else os.devnull
        gc.collect()
        with _RssPeak() as rss:
            triples, chars, seconds = export_once(kg, path)
        peak = traced_peak(lambda kg=kg, path=path: export_once(kg, path))
        row = {
            "papers": n, "nodes": kg.number_of_nodes(), "edges": kg.number_of_edges(),
            "build_s": round(built, 1), "triples": triples, "export_s": round(seconds, 2),
            "triples_per_s": round(triples / seconds), "mb_per_s": round(chars / seconds / 1e6, 1),
            "export_peak_traced_kb": round(peak / 1024, 1),
            "export_rss_growth_mb": round(rss.growth / 2**20, 1),
        }
        if n <= baseline_max:
            row["rdflib_graph_baseline"] = rdflib_baseline(kg, os.devnull)
        rows.append(row)
        print(json.dumps(row), flush=True)
        del kg
        gc.collect()
    first, last = rows[0], rows[-1]
    print(f"\n{'papers':>8} {'triples':>10} {'triples/s':>10} {'MB/s':>6} "
          f"{'peak traced KB':>15} {'RSS growth MB':>14}")
    for r in rows:
        print(f"{r['papers']:>8} {r['triples']:>10} {r['triples_per_s']:>10} "
              f"{r['mb_per_s']:>6} {r['export_peak_traced_kb']:>15} "
              f"{r['export_rss_growth_mb']:>14}")
    print(f"\ntriples x{last['triples'] / first['triples']:.0f}, export peak memory "
          f"x{last['export_peak_traced_kb'] / first['export_peak_traced_kb']:.2f} "
          f"({first['papers']} -> {last['papers']} papers)")
    for r in rows:
        if "rdflib_graph_baseline" in r:
            b = r["rdflib_graph_baseline"]
            print(f"baseline at {r['papers']} papers: an rdflib Graph peaks at {b['peak_mb']} MB, "
                  f"x{b['peak_mb'] * 1024 / r['export_peak_traced_kb']:.0f} the streamed export")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--out", type=Path, help="write the .nt files here (default: discard)")
    parser.add_argument("--baseline-max", type=int, default=10000,
                        help="run the rdflib Graph baseline up to this many papers")
    args = parser.parse_args()
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
    rows = run(args.sizes, args.out, args.baseline_max)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
