"""Growth of single build stages with corpus size: CPU seconds and output size, fitted.

Where :mod:`bench_scale` times whole builds, this calls the stage functions themselves on
synthetic corpora (:mod:`synthetic_corpus`) of growing size, one fresh process per size:

* ``read+identity``: reading the records and merging them into papers
  (:func:`citegraph.graph.identity.merge_records` over a record stream);
* ``papers/authors``: paper, author and explicit citation nodes and edges
  (:func:`citegraph.graph.papers.add_papers`);
* ``entities``: extraction (the input of the next stage; reported, not a target here);
* ``inferred citations``: :func:`citegraph.graph.citations.add_inferred_citations`, with
  its output (edges, and edges per non-stub paper, which should stay flat).

``--derived`` instead times the three corpus-wide edge stages of the build, in the build's
order, on a graph of papers and entities (built and saved once per size in the work
directory, so the stages before them are not paid again for each run) with its
precomputed vectors:

* ``similar papers``: :func:`citegraph.graph.similarity.add_similarity_edges` (the search
  is also reported on its own, ``similar: search``);
* ``co-mentions``: :func:`citegraph.graph.comention.add_co_mention_edges`;
* ``inferred citations``: :func:`citegraph.graph.citations.add_inferred_citations`;

each with its output (edges, and edges per non-stub paper) and a SHA-256 of the edges it
made, so two versions of the code can be checked to build the same graph (the HNSW search
above the exact limit is multi-threaded, so its edges may differ slightly between runs).
``--profile`` adds a cProfile of the three stages per size (top functions by own time,
written beside the results) to compare per-function growth.

``--knn`` instead times the similarity search on each size's precomputed vectors: exact
search where the build runs it, HNSW above, and HNSW's recall@k against exact search on a
sample of rows (exact answers for the sample alone are cheap: one matrix product).

Exponents are ``log(t2 / t1) / log(n2 / n1)`` between consecutive sizes (1.00 = linear),
on CPU seconds, the steadier figure on a shared machine.

Measured on the shared 2-core machine (CPU exponents 10,000 -> 40,000 papers, before ->
after the changes these runs were made for): read+identity 1.09 -> 1.10 (unchanged; its
candidate pairs are bounded per record by the blocking window), papers/authors 1.33 ->
1.14 (author-variant comparisons were quadratic in a name group), inferred citations
output 1.38 -> 1.08 (edges per paper 0.59/0.71/1.00 -> 0.55/0.59/0.62, with the bound on
introducers per entity), entities 1.06 -> 1.08.

``--derived`` on the same machine, loaded by other jobs (CPU exponents 30,000 -> 100,000
papers, before -> after reading the typed edges by key, bulk co-mention evidence and
per-paper dates; output exponents in brackets): co-mentions 1.30 -> 1.00 (1.13), inferred
citations 1.36 -> 1.17 (1.12), similar papers 1.23 and 0.78 in two runs of the same code
(1.17); the edge digests are equal before and after at 10,000, 30,000 and 100,000 papers.

    python bench/bench_stage_growth.py --sizes 10000 20000 40000 --work /tmp/stages
    python bench/bench_stage_growth.py --knn --sizes 20000 40000 100000 --work /tmp/stages
    python bench/bench_stage_growth.py --derived --sizes 10000 30000 100000 --work /tmp/stages
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import resource
import subprocess
import sys
import time
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from synthetic_corpus import read_vectors, write_corpus, write_vectors  # noqa: E402

RECALL_SAMPLE = 2000
K = 10


def _timed(fn: Any) -> tuple[Any, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def stages_child(corpus: Path) -> dict[str, Any]:
    """Run the stages on one corpus in this process; their times and outputs."""
    from citegraph.graph import schema as S
    from citegraph.graph.citations import add_inferred_citations
    from citegraph.graph.entities import add_entities
    from citegraph.graph.identity import merge_records
    from citegraph.graph.model import KnowledgeGraph
    from citegraph.graph.papers import add_papers
    from citegraph.loaders import LoadReport, RecordStream

    rows: dict[str, Any] = {}
    index, wall, cpu = _timed(lambda: merge_records(RecordStream([corpus],
                                                                 report=LoadReport())))
    rows["read+identity"] = {"wall": wall, "cpu": cpu, "out": len(index.keys)}
    kg = KnowledgeGraph()
    _, wall, cpu = _timed(partial(add_papers, kg, index))
    rows["papers/authors"] = {"wall": wall, "cpu": cpu, "out": kg.number_of_edges()}
    del index
    _, wall, cpu = _timed(lambda: add_entities(kg))
    mentions = sum(1 for _ in kg.edges(S.MENTIONS))
    rows["entities"] = {"wall": wall, "cpu": cpu, "out": mentions}
    made, wall, cpu = _timed(lambda: add_inferred_citations(kg))
    papers = sum(1 for _, p in kg.nodes(S.PAPER) if not p.get(S.STUB))
    rows["inferred citations"] = {"wall": wall, "cpu": cpu, "out": made,
                                  "per_paper": made / max(papers, 1)}
    return {"stages": rows, "papers": papers,
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


class _SearchTime:
    """A progress hook that keeps the CPU seconds of the similarity search stage."""

    def __init__(self) -> None:
        self.cpu = 0.0

    @contextmanager
    def stage(self, name: str, total: int | None = None):  # noqa: ANN201 - the hook
        began = time.process_time()
        yield self
        if name == "Finding similar papers":
            self.cpu += time.process_time() - began

    def advance(self, n: int = 1) -> None:
        pass


def _digest(kg: Any, rel: str) -> str:
    """SHA-256 of the ``rel`` edges in graph order, properties included."""
    h = hashlib.sha256()
    for start, end, _, props in kg.edges(rel):
        h.update(json.dumps([start, end, dict(props)], sort_keys=True).encode())
    return h.hexdigest()[:16]


def derived_child(graph: Path, vectors: Path, profile: Path | None) -> dict[str, Any]:
    """Load a graph of papers and entities, then time the three edge stages on it."""
    import cProfile
    import pstats

    from citegraph.graph import schema as S
    from citegraph.graph.citations import add_inferred_citations
    from citegraph.graph.comention import add_co_mention_edges
    from citegraph.graph.embed import embed_papers
    from citegraph.graph.options import BuildOptions
    from citegraph.graph.similarity import add_similarity_edges
    from citegraph.graph.stores.files import load_graph

    kg = load_graph(graph)
    options = BuildOptions()
    kg.embeddings = embed_papers(kg, caches=(read_vectors(vectors),))
    papers = sum(1 for _, p in kg.nodes(S.PAPER) if not p.get(S.STUB))
    search = _SearchTime()
    stages = (
        ("similar papers", S.SIMILAR_TO, lambda: add_similarity_edges(
            kg, kg.embeddings, options.similarity_top_k, options.similarity_threshold,
            progress=search)),
        ("co-mentions", S.CO_MENTIONED,
         lambda: add_co_mention_edges(kg, options.min_co_mentions)),
        ("inferred citations", S.CITES, lambda: add_inferred_citations(kg)),
    )
    profiler = cProfile.Profile() if profile else None
    rows: dict[str, Any] = {}
    for name, rel, run in stages:
        if profiler:
            profiler.enable()
        made, wall, cpu = _timed(run)
        if profiler:
            profiler.disable()
        rows[name] = {"wall": wall, "cpu": cpu, "out": made, "per_paper": made / max(papers, 1),
                      "digest": _digest(kg, rel)}
        if name == "similar papers":
            rows["similar: search"] = {"wall": 0.0, "cpu": search.cpu, "out": made}
    if profiler and profile:
        with profile.open("w") as fh:
            pstats.Stats(profiler, stream=fh).sort_stats("tottime").print_stats(40)
    return {"stages": rows, "papers": papers,
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def entities_graph(work: Path, n: int, corpus: Path) -> Path:
    """A saved graph of the corpus's papers and entities, without the derived edges."""
    out = work / f"entities_{n}"
    if not (out / "manifest.json").exists():
        code = ("import sys, citegraph; from citegraph.graph.options import BuildOptions; "
                "kg = citegraph.build([sys.argv[1]], options=BuildOptions(similarity=False, "
                "co_mention=False, citations=False, keywords=False, co_citation=False, "
                "coupling=False, co_authorship=False)); kg.save(sys.argv[2], force=True)")
        subprocess.run([sys.executable, "-c", code, str(corpus), str(out)], check=True)
    return out


def knn_child(vectors: Path) -> dict[str, Any]:
    """Time the build's search and, above the exact limit, HNSW's recall on a sample."""
    import numpy as np

    from citegraph.graph.knn import choose_method, nearest_neighbours, top_rows

    x = np.ascontiguousarray(read_vectors(vectors).matrix, dtype=np.float32)
    n = x.shape[0]
    method = choose_method(n)
    (found, _), wall, cpu = _timed(lambda: nearest_neighbours(x, K))
    out: dict[str, Any] = {"method": method, "rows": n, "wall": wall, "cpu": cpu}
    if method == "approximate":
        rng = np.random.default_rng(0)
        sample = rng.choice(n, size=min(RECALL_SAMPLE, n), replace=False)
        truth, _ = top_rows(x[sample], x, K, sample)
        hits = sum(len(set(a) & set(b)) for a, b in
                   zip(found[sample].tolist(), truth.tolist(), strict=True))
        out["recall"] = hits / truth.size
    return out


def prepare(work: Path, n: int) -> tuple[Path, Path]:
    """The corpus and vectors of size ``n`` in ``work``, written once."""
    corpus, vectors = work / f"corpus_{n}.jsonl", work / f"vectors_{n}"
    if not corpus.exists():
        write_corpus(corpus.with_suffix(".tmp"), n).rename(corpus)
    if not (vectors / "embeddings.json").exists():
        write_vectors(corpus, vectors)
    return corpus, vectors


def exponent(n1: int, t1: float, n2: int, t2: float) -> float | None:
    """Growth exponent between two sizes; None when the smaller time is too short to fit."""
    if t1 < 0.2 or t2 <= 0:
        return None
    return math.log(t2 / t1) / math.log(n2 / n1)


def report(results: dict[int, dict[str, Any]]) -> None:
    sizes = sorted(results)
    names = list(results[sizes[0]]["stages"])
    print(f"{'stage':20s} " + " ".join(f"{n:>24,}" for n in sizes)
          + "   exponents cpu (out) between consecutive sizes")
    for name in names:
        cells, fits = [], []
        for small, n in zip([None, *sizes], sizes, strict=False):
            row = results[n]["stages"][name]
            extra = f" {row['per_paper']:.2f}/p" if "per_paper" in row else ""
            cells.append(f"{row['cpu']:7.1f}s {row['out']:>9,}{extra}")
            if small is not None:
                base = results[small]["stages"][name]
                e_cpu = exponent(small, base["cpu"], n, row["cpu"])
                e_out = exponent(small, max(base["out"], 1), n, max(row["out"], 1))
                fits.append(f"{e_cpu:.2f}" if e_cpu is not None else "-")
                fits[-1] += f" ({e_out:.2f})" if e_out is not None else ""
        print(f"{name:20s} " + " ".join(f"{c:>24s}" for c in cells) + "   " + "  ".join(fits))
    for n in sizes:
        digests = ", ".join(f"{name} {row['digest']}" for name, row in
                            results[n]["stages"].items() if "digest" in row)
        print(f"  {n:,}: {results[n]['papers']:,} papers, peak {results[n]['peak_mib']:,.0f} MiB"
              + (f"; edges {digests}" if digests else ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 20_000, 40_000])
    parser.add_argument("--work", type=Path, default=Path("/tmp/citegraph-stages"))
    parser.add_argument("--knn", action="store_true", help="time the similarity search")
    parser.add_argument("--derived", action="store_true",
                        help="time the similar-paper, co-mention and inferred-citation stages")
    parser.add_argument("--profile", action="store_true",
                        help="with --derived: also cProfile the stages per size")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, path, *more = args.child
        if kind == "derived":
            result = derived_child(Path(path), Path(more[0]),
                                   Path(more[1]) if len(more) > 1 else None)
        else:
            result = knn_child(Path(path)) if kind == "knn" else stages_child(Path(path))
        print(json.dumps(result))
        return
    args.work.mkdir(parents=True, exist_ok=True)
    results: dict[int, dict[str, Any]] = {}
    for n in args.sizes:
        corpus, vectors = prepare(args.work, n)
        target = ["knn", str(vectors)] if args.knn else ["stages", str(corpus)]
        if args.derived:
            target = ["derived", str(entities_graph(args.work, n, corpus)), str(vectors)]
            if args.profile:
                target.append(str((args.json or args.work / "derived.json").with_suffix(
                    f".prof{n}.txt")))
        done = subprocess.run([sys.executable, __file__, "--child", *target],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0:
            sys.exit(f"{n} papers failed:\n{done.stderr[-3000:]}")
        results[n] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"{n:,}: {json.dumps(results[n])}", flush=True)
        if args.json:
            args.json.write_text(json.dumps(results, indent=1))
    if args.knn:
        base = results[args.sizes[0]]
        for n in args.sizes:
            r = results[n]
            e = exponent(args.sizes[0], base["cpu"], n, r["cpu"]) if n != args.sizes[0] else None
            fit = f"  exponent cpu {e:.2f}" if e is not None else ""
            print(f"{n:>9,} rows {r['method']:11s} wall {r['wall']:7.1f} s cpu {r['cpu']:7.1f} s"
                  f"  recall@{K} {r.get('recall', 1.0):.4f}{fit}")
    else:
        report(results)


if __name__ == "__main__":
    main()
