"""Memory and CPU of the reading stage: records streamed from files, merged into papers
(:func:`citegraph.graph.identity.merge_records`), and the papers added to a graph
(:func:`citegraph.graph.papers.add_papers`).

Each run is a fresh process, so its peak resident memory is its own:

* default: CPU seconds and peak RSS of the merge, RSS after it, CPU seconds and RSS after
  ``add_papers``, RSS once the merged records are dropped, and a SHA-256 of the merge's
  whole result (papers with every field, keys, citations, merge report), so two versions
  of the code can be checked to merge alike; ``--vectors DIR`` first reads a corpus's
  precomputed vectors and holds them, as ``bench_scale.py``'s build does before this stage,
  so the peak compares with its figure;
* ``--phases``: the merge under ``tracemalloc``, with the traced memory at the end of each
  phase and the peak within it (records cleaned and their features, candidate pairs,
  decisions, grouping, merging, cited works and their features, their candidate pairs and
  decisions, citations, keys), and the lines holding most at the largest boundary;
* ``--build``: a SHA-256 of the sorted nodes and edges of a build without entities and
  similarity (every other stage on), to check a change gives the same graph.

    python bench/bench_identity_memory.py /tmp/scale_tmp/corpus_10000.jsonl
    python bench/bench_identity_memory.py --phases /tmp/scale_tmp/corpus_30000.jsonl
    python bench/bench_identity_memory.py --build /tmp/scale_tmp/corpus_30000.jsonl
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import hashlib
import json
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
from synthetic_corpus import read_vectors  # noqa: E402


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mib() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize() / 2**20


def index_digest(index: Any) -> str:
    """SHA-256 of everything a merge gives: each paper's fields, keys, citations, report."""
    h = hashlib.sha256()
    for key, paper in zip(index.keys, index.papers, strict=True):
        h.update(key.encode())
        h.update(repr(dataclasses.astuple(paper)).encode())
    h.update(repr(index.citations).encode())
    report = index.report
    h.update(json.dumps(report.merges, sort_keys=True, default=str).encode())
    h.update(repr(sorted((f, sorted(c.items())) for f, c in report.per_file.items())).encode())
    h.update(repr(sorted(report.references.items())).encode())
    h.update(repr((report.records, report.papers)).encode())
    return h.hexdigest()


def run_merge(corpus: Path, vectors: Path | None) -> dict[str, Any]:
    """The reading stage in this process: times, memory and the merge's digest."""
    from citegraph.graph.identity import merge_records
    from citegraph.graph.model import KnowledgeGraph
    from citegraph.graph.papers import add_papers
    from citegraph.loaders import LoadReport, RecordStream

    held = read_vectors(vectors) if vectors else None  # noqa: F841 - held, as a build does
    start_rss = _rss_mib()
    cpu = time.process_time()
    index = merge_records(RecordStream([corpus], report=LoadReport()))
    merge_cpu = time.process_time() - cpu
    merge_peak, after_merge = _peak_mib(), _rss_mib()
    digest = index_digest(index)
    kg = KnowledgeGraph()
    cpu = time.process_time()
    add_papers(kg, index)
    papers_cpu = time.process_time() - cpu
    after_papers = _rss_mib()
    papers = len(index.papers)
    del index
    gc.collect()
    return {"corpus": str(corpus), "papers": papers, "start_rss_mib": start_rss,
            "merge_cpu": merge_cpu, "merge_peak_mib": merge_peak,
            "rss_after_merge_mib": after_merge, "add_papers_cpu": papers_cpu,
            "rss_after_add_papers_mib": after_papers, "rss_graph_only_mib": _rss_mib(),
            "peak_mib": _peak_mib(), "digest": digest}


class _Phases:
    """Traced memory at phase boundaries: current, and the peak since the last one."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []
        self.snapshots: dict[str, Any] = {}

    def mark(self, name: str, snapshot: bool = False) -> None:
        current, peak = tracemalloc.get_traced_memory()
        self.rows.append({"phase": name, "current_mb": current / 1e6, "peak_mb": peak / 1e6})
        if snapshot:
            self.snapshots[name] = tracemalloc.take_snapshot()
        tracemalloc.reset_peak()


def run_phases(corpus: Path, top: int) -> dict[str, Any]:
    """The merge under tracemalloc, marked at each phase boundary."""
    from citegraph.graph import identity, matching
    from citegraph.graph.model import KnowledgeGraph
    from citegraph.graph.papers import add_papers
    from citegraph.loaders import LoadReport, RecordStream

    phases = _Phases()
    calls = {"n": 0}

    def decisions(feats, fuzzy, known):  # noqa: ANN001, ANN202 - wraps PairDecisions
        calls["n"] += 1
        what = "records" if calls["n"] == 1 else "cited works"
        phases.mark(f"{what}: cleaned + features" if calls["n"] == 1
                    else "cited works + features", snapshot=calls["n"] == 2)
        first = True
        for item in matching.decided_pairs(feats, fuzzy, known):
            if first:
                phases.mark(f"{what}: candidate pairs", snapshot=calls["n"] == 1)
                first = False
            yield item
        if first:
            phases.mark(f"{what}: candidate pairs")
        phases.mark(f"{what}: decisions")

    group, resolve = identity._group, identity._resolve_references

    def grouped(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        out = group(*args, **kwargs)
        phases.mark("grouping (joins)")
        return out

    def resolved(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        phases.mark("merging + report")
        out = resolve(*args, **kwargs)
        phases.mark("citations")
        return out

    identity._group, identity._resolve_references = grouped, resolved
    tracemalloc.start()
    stream = RecordStream([corpus], report=LoadReport())
    index = identity.merge_records(stream, decisions=decisions)
    phases.mark("keys", snapshot=True)
    kg = KnowledgeGraph()
    add_papers(kg, index)
    phases.mark("papers in the graph")
    del index, stream
    gc.collect()
    phases.mark("records dropped")
    largest = max(phases.snapshots, key=lambda k: sum(
        s.size for s in phases.snapshots[k].statistics("filename")))
    lines = [{"line": str(s.traceback[0]), "mb": s.size / 1e6, "blocks": s.count}
             for s in phases.snapshots[largest].statistics("lineno")[:top]]
    tracemalloc.stop()
    return {"corpus": str(corpus), "phases": phases.rows, "largest": largest, "top": lines,
            "peak_mib": _peak_mib()}


def run_build(corpus: Path) -> dict[str, Any]:
    """A build without entities and similarity; SHA-256 of its sorted nodes and edges."""
    from citegraph.graph.pipeline import BuildOptions, build_graph
    from citegraph.loaders import LoadReport, RecordStream

    cpu = time.process_time()
    kg = build_graph(RecordStream([corpus], report=LoadReport()),
                     BuildOptions(entities=False, similarity=False))
    cpu = time.process_time() - cpu
    h = hashlib.sha256()
    for nid, props in sorted(kg.g.nodes(data=True), key=lambda t: str(t[0])):
        h.update(repr((nid, sorted((k, repr(v)) for k, v in props.items()))).encode())
    edges = sorted(repr((u, v, sorted((k, repr(x)) for k, x in d.items())))
                   for u, v, _, d in kg.g.edges(keys=True, data=True))
    for e in edges:
        h.update(e.encode())
    return {"corpus": str(corpus), "cpu": cpu, "stats": kg.stats(), "digest": h.hexdigest(),
            "peak_mib": _peak_mib()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--phases", action="store_true")
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--vectors", type=Path, help="precomputed vectors to hold first")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help="also write the result as JSON here")
    args = parser.parse_args()
    if not args.child:  # a fresh process, so peak RSS is this run's alone
        cmd = [sys.executable, __file__, "--child", str(args.corpus), "--top", str(args.top)]
        cmd += ["--phases"] * args.phases + ["--build"] * args.build
        cmd += ["--vectors", str(args.vectors)] if args.vectors else []
        result = json.loads(subprocess.run(cmd, check=True, capture_output=True,
                                           text=True).stdout)
        print(json.dumps(result, indent=1))
        if args.out:
            args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
        return
    if args.phases:
        result = run_phases(args.corpus, args.top)
    elif args.build:
        result = run_build(args.corpus)
    else:
        result = run_merge(args.corpus, args.vectors)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
