"""Query latency on Neo4j under concurrent clients, every helper including PageRank.

Writes a realistic graph (the example corpus as built by ``citegraph build``, saved at
``--graph``) into the server of ``scripts/neo4j`` (it REPLACES the database's citegraph
nodes), then:

1. baseline, one client: every helper a few times in turn; and PageRank "cold" (its GDS
   projection dropped and the process cache emptied before each call, i.e. what every
   call cost when each one projected the graph afresh);
2. ``--clients`` (20) clients, each a thread with its own driver, cycling through every
   helper of the registry for ``--seconds`` (60) after one warm-up pass each.

It prints count, errors and p50/p95/p99 per helper and overall, the load average before
and after (the machine may be shared), and whether the target holds: no errors and p95
at most ``--target-p95`` (500 ms) overall.

Usage: ``python bench/bench_query_concurrency.py --graph out/graph [--clients 20]
[--seconds 60]`` with ``NEO4J_URI``/``NEO4J_PASSWORD`` set (``out/graph`` from
``citegraph build ../shared/seeds --out out/graph``, with or without ``--no-similarity``).
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.stores.neo4j_conn import connect, settings
from citegraph.graph.stores.neo4j_store import write_graph
from citegraph.queries import HELPERS, Neo4jBackend, Queries, projections


def busiest(kg: KnowledgeGraph, rel_type: str, labels: tuple[str, ...]) -> str | None:
    """The node of the given labels with the most edges of a type."""
    degree: dict[str, int] = defaultdict(int)
    for u, v, _, _ in kg.edges(rel_type):
        for nid in (u, v):
            if S.split_node_id(nid)[0] in labels:
                degree[nid] += 1
    return min(degree, key=lambda n: (-degree[n], n)) if degree else None


def arguments(kg: KnowledgeGraph) -> dict[str, dict[str, Any]]:
    """Arguments per helper that hit the graph: its busiest entity, model, paper, ..."""
    def name(nid: str | None, default: str) -> str:
        return default if nid is None else kg.node(nid).get(S.NAME) or kg.node(nid)[S.KEY]

    entity = name(busiest(kg, S.CO_MENTIONED, S.ENTITY_NODE_LABELS), "LoRA")
    model = name(busiest(kg, S.EVALUATED_ON, (S.MODEL,)), "GPT-4")
    benchmark = name(busiest(kg, S.EVALUATED_ON, (S.BENCHMARK,)), "MMLU")
    paper_id = busiest(kg, S.SIMILAR_TO, (S.PAPER,)) or busiest(kg, S.MENTIONS, (S.PAPER,))
    paper = kg.node(paper_id)[S.KEY] if paper_id else "none"
    title = kg.node(paper_id).get(S.TITLE, "language model") if paper_id else "language model"
    by_kind = {"entity": entity, "model": model, "benchmark": benchmark, "paper": paper,
               "text": "language model"}
    out: dict[str, dict[str, Any]] = {}
    for helper in HELPERS.values():
        values = {p.name: by_kind[p.kind] for p in helper.params
                  if p.required and p.kind in by_kind}
        if helper.name == "shortest_path":
            values = {"source": f"{S.PAPER}:{paper}", "target": entity}
        elif helper.name == "search_similar":
            values = {"text": title}
        out[helper.name] = values
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(int(round(q / 100 * (len(ordered) - 1))), len(ordered) - 1)]


def connect_backend(scope: str) -> Neo4jBackend:
    config = settings()
    return Neo4jBackend(connect(config), config.database, scope=scope)


def timed(q: Queries, name: str, args: dict[str, Any]) -> float:
    started = time.perf_counter()
    q.run(name, **args)
    return time.perf_counter() - started


def baseline(args_by_helper: dict[str, dict[str, Any]], rounds: int) -> dict[str, float]:
    """Median seconds per helper with one client, after a warm-up pass."""
    q = Queries(connect_backend("baseline"))
    try:
        for name, args in args_by_helper.items():
            q.run(name, **args)
        times: dict[str, list[float]] = defaultdict(list)
        for _ in range(rounds):
            for name, args in args_by_helper.items():
                times[name].append(timed(q, name, args))
        return {name: percentile(t, 50) for name, t in times.items()}
    finally:
        q.backend.close()


def pagerank_cold(rounds: int) -> float:
    """Median seconds of PageRank when it must project the graph first."""
    q = Queries(connect_backend("cold"))
    try:
        times = []
        for _ in range(rounds):
            projections._CACHE.clear()
            q.backend.write("CALL gds.graph.list() YIELD graphName WITH graphName WHERE "
                            "graphName STARTS WITH $p CALL gds.graph.drop(graphName, false) "
                            "YIELD graphName AS g RETURN g", {"p": projections.PREFIX})
            times.append(timed(q, "top_entities_by_pagerank", {}))
        return percentile(times, 50)
    finally:
        q.backend.close()


def concurrent(args_by_helper: dict[str, dict[str, Any]], clients: int, seconds: float
               ) -> tuple[dict[str, list[float]], dict[str, list[str]]]:
    """Latencies and error messages per helper from ``clients`` threads."""
    names = list(args_by_helper)
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(i: int) -> None:
        q = Queries(connect_backend("bench"))  # one scope: the threads are one process
        try:
            for name in names:  # warm-up pass, not counted
                q.run(name, **args_by_helper[name])
            ready.wait()
            step = i
            while time.monotonic() < stop_at[0]:
                name = names[step % len(names)]
                step += 1
                started = time.perf_counter()
                try:
                    q.run(name, **args_by_helper[name])
                except Exception as exc:  # counted and reported
                    with lock:
                        errors[name].append(f"{type(exc).__name__}: {exc}")
                    continue
                elapsed = time.perf_counter() - started
                with lock:
                    latencies[name].append(elapsed)
        finally:
            q.backend.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    ready.wait()
    stop_at[0] = time.monotonic() + seconds
    for t in threads:
        t.join()
    return latencies, errors


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--graph", type=Path, required=True, help="a saved graph directory")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rounds", type=int, default=5, help="baseline rounds")
    parser.add_argument("--target-p95", type=float, default=500.0, help="milliseconds")
    parser.add_argument("--skip-write", action="store_true",
                        help="the database already holds this graph")
    opts = parser.parse_args()

    kg = KnowledgeGraph.load(opts.graph)
    if not opts.skip_write:
        write_graph(kg, clear=True)
    args_by_helper = arguments(kg)
    stats = kg.stats()
    print(f"graph: {sum(stats['nodes'].values())} nodes, {sum(stats['edges'].values())} "
          f"relationships; {len(args_by_helper)} helpers; {os.cpu_count()} CPUs")

    base = baseline(args_by_helper, opts.rounds)
    cold = pagerank_cold(3)
    load_before = os.getloadavg()
    latencies, errors = concurrent(args_by_helper, opts.clients, opts.seconds)
    load_after = os.getloadavg()

    print(f"\n{opts.clients} clients for {opts.seconds:g} s; load average "
          f"{'/'.join(f'{x:.2f}' for x in load_before)} before, "
          f"{'/'.join(f'{x:.2f}' for x in load_after)} after (1/5/15 min)")
    print(f"{'helper':<26}{'count':>7}{'errors':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"{'1-client ms':>12}")
    every: list[float] = []
    for name in args_by_helper:
        values = latencies.get(name, [])
        every.extend(values)
        print(f"{name:<26}{len(values):>7}{len(errors.get(name, [])):>7}"
              f"{ms(percentile(values, 50)):>9}{ms(percentile(values, 95)):>9}"
              f"{ms(percentile(values, 99)):>9}{ms(base[name]):>12}")
    failures = sum(len(v) for v in errors.values())
    p95 = percentile(every, 95) * 1000
    print(f"{'overall':<26}{len(every):>7}{failures:>7}{ms(percentile(every, 50)):>9}"
          f"{ms(percentile(every, 95)):>9}{ms(percentile(every, 99)):>9}")
    print(f"\nthroughput: {len(every) / opts.seconds:.1f} queries/s")
    print(f"PageRank with a fresh projection (as every call did before): {ms(cold).strip()} ms;"
          f" with the projection and result of the graph version reused: "
          f"{ms(base['top_entities_by_pagerank']).strip()} ms (one client)")
    for name, messages in errors.items():
        print(f"errors in {name}: {len(messages)}, first: {messages[0]}")
    met = failures == 0 and p95 <= opts.target_p95
    print(f"target (0 errors, p95 <= {opts.target_p95:g} ms overall): "
          f"{'met' if met else 'NOT met'} (p95 {p95:.0f} ms, {failures} errors)")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
