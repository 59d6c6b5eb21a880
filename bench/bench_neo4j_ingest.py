"""Relationships per second into Neo4j: batched writer vs one row per transaction vs bulk import.

Builds a synthetic graph (default ~102,000 relationships), then, in one run against the
server of ``scripts/neo4j``:

1. the batched writer (:func:`write_graph`) into an empty database: a few warm-up writes
   (shown, not counted), then the median of the measured ones, each timed from connecting
   to the last commit;
2. a one-row-per-transaction baseline with the same statements, on a sample of the
   relationships (its rate is extrapolated);
3. ``neo4j-admin database import full`` of the same graph (stops and restarts the server;
   the CSV writing is timed apart from the import itself).

Usage: ``python bench/bench_neo4j_ingest.py [--papers N] [--batch-size B] [--workers W]
[--warmup K] [--repeat R] [--sample S] [--skip-import]``
with ``NEO4J_URI``/``NEO4J_PASSWORD`` pointing at the project's server. It empties the
database.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.stores.neo4j_batches import DEFAULT_WORKERS
from citegraph.graph.stores.neo4j_conn import connect, settings
from citegraph.graph.stores.neo4j_import import import_arguments, project_script, write_import_csv
from citegraph.graph.stores.neo4j_schema import ensure_schema
from citegraph.graph.stores.neo4j_statements import edge_create_statement, node_create_statement
from citegraph.graph.stores.neo4j_store import (
    DEFAULT_BATCH_SIZE,
    batches,
    clear_graph,
    edge_group_layout,
    edge_groups,
    edge_rows,
    node_group_layout,
    node_groups,
    node_rows,
    run_batch,
    write_graph,
)

TARGET_RATE = 50_000
TARGET_VS_BASELINE = 20.0
TARGET_VS_IMPORT = 3.0


def synthetic_graph(papers: int, seed: int = 7) -> KnowledgeGraph:
    """Papers, authors and entities with MENTIONS, AUTHORED, CITES, CO_MENTIONED, ..."""
    rng = random.Random(seed)
    kg = KnowledgeGraph()
    entities = []
    for i in range(max(papers // 10, 30)):
        label = (S.METHOD, S.MODEL, S.BENCHMARK)[i % 3]
        entities.append(kg.add_node(label, f"entity-{i}", **{
            S.NAME: f"Entity {i}", S.ALIASES: [f"E{i}"], S.ENTITY_TYPE: S.ENTITY_TYPES[label]}))
    authors = [kg.add_node(S.AUTHOR, f"author-{i}", **{S.NAME: f"Author {i}"})
               for i in range(max(papers // 4, 10))]
    paper_ids = []
    for i in range(papers):
        paper_ids.append(kg.add_node(S.PAPER, f"paper-{i}", **{
            S.TITLE: f"Paper number {i} on things", S.ABSTRACT: "An abstract. " * 5,
            S.DATE: f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", S.YEAR: 2024,
            S.AUTHORS: [f"Author {i % 7}", f"Author {i % 11}"], S.UPVOTES: i % 50}))
    for i, pid in enumerate(paper_ids):
        for eid in rng.sample(entities, 4):
            kg.add_edge(S.MENTIONS, pid, eid, **{S.COUNT: 1 + i % 3, S.SOURCE: "abstract"})
        for position, aid in enumerate(rng.sample(authors, 2), start=1):
            kg.add_edge(S.AUTHORED, aid, pid, **{S.POSITION: position})
        if i > 10:
            for cited in rng.sample(paper_ids[:i], 2):
                kg.add_edge(S.CITES, pid, cited, **{S.INFERRED: False, S.SOURCE: "bench"})
    for _ in range(len(entities) * 5):
        a, b = rng.sample(entities, 2)
        kg.add_edge(S.CO_MENTIONED, a, b, **{S.COUNT: 2, S.STRENGTH: 0.5})
    return kg


def rel_count(driver, database: str) -> int:
    with driver.session(database=database) as session:
        return session.run("MATCH ()-[r]->() RETURN count(r) AS n").single()["n"]


def bench_batched(
    kg: KnowledgeGraph, config, driver, batch_size: int, workers: int
) -> dict[str, float]:
    clear_graph(driver, config.database)
    ensure_schema(driver, config.database)
    marks: list[tuple[int, float]] = []
    start = time.perf_counter()
    write_graph(kg, config.uri, config.auth, config.database, batch_size=batch_size,
                workers=workers,
                on_batch=lambda n: marks.append((n, time.perf_counter())))
    total = time.perf_counter() - start
    nodes_done = next(t for n, t in marks if n >= kg.number_of_nodes())
    rels = kg.number_of_edges()
    assert rel_count(driver, config.database) == rels
    return {"seconds": total, "rate": rels / total,
            "edge_phase_rate": rels / (marks[-1][1] - nodes_done)}


def bench_one_per_tx(kg: KnowledgeGraph, config, driver, sample: int) -> dict[str, float]:
    """The writer's statements, one row per transaction, on ``sample`` relationships.

    Nodes are loaded first in batches, so each sampled row is a new relationship written
    with the same CREATE statement the batched writer uses on a fresh database.
    """
    clear_graph(driver, config.database)
    ensure_schema(driver, config.database)
    element_ids: dict[str, str] = {}
    with driver.session(database=config.database) as session:
        for label, nodes in node_groups(kg).items():
            layout = node_group_layout(label, nodes)
            for chunk in batches(nodes, DEFAULT_BATCH_SIZE):
                _, _, returned = session.execute_write(
                    run_batch, node_create_statement(label, layout), node_rows(chunk, layout))
                element_ids.update((S.node_id(label, key), eid) for key, eid in returned)
        groups = sorted(edge_groups(kg).items())
        total_rows = sum(len(edges) for _, edges in groups)
        picked = [(group, layout, edge) for group, edges in groups
                  for layout in [edge_group_layout(group, edges)]
                  for edge in edges[: max(1, sample * len(edges) // total_rows)]]
        start = time.perf_counter()
        for group, layout, edge in picked:
            session.execute_write(run_batch, edge_create_statement(group, layout),
                                  edge_rows([edge], layout, element_ids))
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "rate": len(picked) / seconds, "sample": len(picked)}


def bench_import(kg: KnowledgeGraph, config) -> dict[str, float]:
    script = str(project_script())
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        files = write_import_csv(kg, Path(tmp))
        csv_seconds = time.perf_counter() - t0
        subprocess.run([script, "stop"], check=True, capture_output=True)
        try:
            t1 = time.perf_counter()
            proc = subprocess.run([script, "admin", *import_arguments(files, config.database)],
                                  capture_output=True, text=True)
            seconds = time.perf_counter() - t1
        finally:
            subprocess.run([script, "start"], check=True, capture_output=True)
    if proc.returncode != 0:
        sys.exit(f"import failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    rels = kg.number_of_edges()
    return {"seconds": seconds, "rate": rels / seconds, "csv_seconds": csv_seconds,
            "rate_with_csv": rels / (seconds + csv_seconds)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=12_000)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS,
                        help="sessions the batched writer writes on at once")
    parser.add_argument("--sample", type=int, default=2_000,
                        help="relationships written one per transaction")
    parser.add_argument("--warmup", type=int, default=8,
                        help="batched runs first, to warm the server's JIT (not counted)")
    parser.add_argument("--repeat", type=int, default=5,
                        help="measured batched runs; the median is reported")
    parser.add_argument("--skip-import", action="store_true")
    args = parser.parse_args(argv)

    kg = synthetic_graph(args.papers)
    rels = kg.number_of_edges()
    print(f"synthetic graph: {kg.number_of_nodes():,} nodes, {rels:,} relationships")
    config = settings()
    driver = connect(config)
    try:
        # A server that has run for a while has JIT-compiled its write path; a fresh one
        # takes a few writes to get there. Warm-up runs are shown, not counted.
        warmup = [bench_batched(kg, config, driver, args.batch_size, args.workers)
                  for _ in range(args.warmup)]
        if warmup:
            print("warm-up runs (rel/s): " + ", ".join(f"{r['rate']:,.0f}" for r in warmup))
        runs = [bench_batched(kg, config, driver, args.batch_size, args.workers)
                for _ in range(max(args.repeat, 1))]
        runs.sort(key=lambda r: r["rate"])
        batched = runs[len(runs) // 2]
        print("measured runs, slowest first (rel/s): "
              + ", ".join(f"{r['rate']:,.0f}" for r in runs) + "; the median is reported")
        baseline = bench_one_per_tx(kg, config, driver, args.sample)
        clear_graph(driver, config.database)
    finally:
        driver.close()
    imported = None if args.skip_import else bench_import(kg, config)

    rows = [
        ("batched writer (UNWIND, execute_write)", batched["seconds"], batched["rate"]),
        (f"one row per transaction ({baseline['sample']:,} sampled)", baseline["seconds"],
         baseline["rate"]),
    ]
    if imported:
        rows.append(("neo4j-admin import (import only)", imported["seconds"], imported["rate"]))
        rows.append(("neo4j-admin import (+ CSV writing)",
                     imported["seconds"] + imported["csv_seconds"], imported["rate_with_csv"]))
    print(f"\n{'method':<48}{'seconds':>10}{'rel/s':>12}")
    for name, seconds, rate in rows:
        print(f"{name:<48}{seconds:>10.2f}{rate:>12,.0f}")
    print(f"\nbatched relationship phase alone: {batched['edge_phase_rate']:,.0f} rel/s "
          f"(batch size {args.batch_size:,}, {args.workers} sessions)")
    vs_base = batched["rate"] / baseline["rate"]
    print(f"batched / one-per-transaction: {vs_base:.1f}x (target >= {TARGET_VS_BASELINE:.0f}x)")
    print(f"batched rate: {batched['rate']:,.0f} rel/s (target >= {TARGET_RATE:,})")
    ok = vs_base >= TARGET_VS_BASELINE and batched["rate"] >= TARGET_RATE
    if imported:
        vs_import = imported["rate"] / batched["rate"]
        print(f"bulk import / batched: {vs_import:.2f}x (target <= {TARGET_VS_IMPORT:.0f}x)")
        ok = ok and vs_import <= TARGET_VS_IMPORT
    print("targets met" if ok else "TARGETS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
