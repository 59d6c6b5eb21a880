"""Neo4j at scale: first loads, an append, and every query helper beside the embedded ones.

For each saved graph given (smallest first), against the server of ``scripts/neo4j``
(``NEO4J_*`` and ``CITEGRAPH_NEO4J_HOME`` say which; its database is REPLACED):

1. **first load by the batched writer**: the database emptied, then ``kg.to_neo4j()``
   (skipped above ``--batched-max-edges``);
2. **first load by bulk import**: the ``neo4j-admin database import`` files written, then
   the import with the server stopped and restarted and its indexes built
   (``kg.to_neo4j_import(manage_server=True)``); node and relationship counts checked;
3. **query helpers** (:mod:`query_calls`: every helper with a node or type argument, the
   same varied arguments on both backends): first call, p50 and p95 of the following
   calls, embedded and on Neo4j, and how many answers differ between the two;
4. with ``--append-papers N``: N new synthetic papers appended in memory and the change
   written through the batched writer (``write_append``), timed, the database's counts
   per label and type then checked against the appended graph.

Prints a table per graph and, for two graphs or more, the growth exponent of each figure
between consecutive sizes. ``--json OUT`` keeps the results; ``--report A.json ...``
prints saved results again.

    python bench/bench_neo4j_scale.py GRAPH_DIR... [--append-papers 1000] [--calls 20] [--budget 60]
        [--batched-max-edges 6000000] [--workdir DIR] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from query_calls import argument_lists, time_helpers  # noqa: E402

#: The append's new papers get ids and DOIs no base paper has.
APPEND_ID_OFFSET = 10**8


def _counts(driver, database: str) -> tuple[int, int]:
    with driver.session(database=database) as session:
        nodes = session.run("MATCH (n) RETURN count(n) AS c").single()["c"]
        rels = session.run("MATCH ()-[r]->() RETURN count(r) AS c").single()["c"]
    return nodes, rels


def _driver():  # noqa: ANN202
    from citegraph.graph.stores.neo4j_conn import connect, settings

    config = settings()
    return connect(config), config.database


def batched_load(kg: Any) -> dict[str, Any]:
    """Empty the database, then time ``kg.to_neo4j()``."""
    from citegraph.graph.stores.neo4j_store import clear_graph

    driver, database = _driver()
    try:
        began = time.perf_counter()
        clear_graph(driver, database)
        cleared = time.perf_counter() - began
        began = time.perf_counter()
        kg.to_neo4j()
        seconds = time.perf_counter() - began
        nodes, rels = _counts(driver, database)
    finally:
        driver.close()
    return {"seconds": seconds, "clear_seconds": cleared, "rows_per_s":
            (nodes + rels) / seconds, "counts_ok": (nodes, rels) == _sizes(kg)}


def import_load(kg: Any, workdir: Path) -> dict[str, Any]:
    """The steps of ``kg.to_neo4j_import(manage_server=True)``, each timed: the import
    files, stopping the server, ``neo4j-admin database import full``, starting it, and
    building the constraints and indexes (full-text and vector ones included)."""
    import subprocess

    from citegraph.graph.stores.neo4j_import import (
        admin_command,
        import_arguments,
        project_script,
        write_import_csv,
    )
    from citegraph.graph.stores.neo4j_schema import ensure_schema
    from citegraph.graph.stores.neo4j_vectors import ensure_vector_index

    def server(action: str) -> None:
        subprocess.run([str(project_script()), action], check=True, capture_output=True)

    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        began = time.perf_counter()
        files = write_import_csv(kg, tmp)
        times["files_seconds"] = time.perf_counter() - began
        began = time.perf_counter()
        server("stop")
        times["stop_seconds"] = time.perf_counter() - began
        began = time.perf_counter()
        database = os.environ.get("NEO4J_DATABASE") or "neo4j"
        proc = subprocess.run([*admin_command(), *import_arguments(files, database)],
                              capture_output=True, text=True)
        times["admin_import_seconds"] = time.perf_counter() - began
        began = time.perf_counter()
        server("start")
        times["start_seconds"] = time.perf_counter() - began
    if proc.returncode != 0:
        raise SystemExit(f"neo4j-admin import failed: {proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    driver, database = _driver()
    try:
        began = time.perf_counter()
        ensure_schema(driver, database)
        if kg.embeddings is not None and len(kg.embeddings):
            with driver.session(database=database) as session:
                ensure_vector_index(session, int(kg.embeddings.matrix.shape[1]))
            with driver.session(database=database) as session:
                session.run("CALL db.awaitIndexes(3600)").consume()
        times["indexes_seconds"] = time.perf_counter() - began
        nodes, rels = _counts(driver, database)
    finally:
        driver.close()
    times["import_seconds"] = sum(v for k, v in times.items() if k != "files_seconds")
    return {**times, "seconds": times["files_seconds"] + times["import_seconds"],
            "counts_ok": (nodes, rels) == _sizes(kg)}


def _sizes(kg: Any) -> tuple[int, int]:
    return kg.g.number_of_nodes(), kg.g.number_of_edges()


def query_figures(kg: Any, calls: int, budget_s: float) -> dict[str, Any]:
    """Every helper on both backends with the same arguments."""
    from citegraph.queries import HELPERS, Neo4jBackend, Queries

    args = argument_lists(kg, calls)
    embedded = {name: (t, answers)
                for name, t, answers in time_helpers(kg.query, args, budget_s)}
    backend = Neo4jBackend.connect()
    try:
        neo = {name: (t, answers)
               for name, t, answers in time_helpers(Queries(backend), args, budget_s)}
    finally:
        backend.close()
    out = {}
    for name in args:
        (te, ae), (tn, an) = embedded[name], neo[name]
        n = min(len(ae), len(an))
        out[name] = {"embedded": te, "neo4j": tn, "compared": n, "argument_sets":
                     len({json.dumps(x, sort_keys=True) for x in args[name][:n]}),
                     "differ": sum(not _same(HELPERS[name], ae[i], an[i]) for i in range(n))}
    return out


def _same(helper: Any, a: Any, b: Any) -> bool:
    """Equal answers; the columns a helper declares approximate (scores computed by two
    implementations) within the parity test's relative tolerance, position by position."""
    from citegraph.queries.semantic import SCORE_TOLERANCE

    if not helper.approximate or not isinstance(a, list) or not isinstance(b, list):
        return a == b
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if {k: v for k, v in x.items() if k not in helper.approximate} != \
                {k: v for k, v in y.items() if k not in helper.approximate}:
            return False
        if not all(math.isclose(x[c], y[c], rel_tol=SCORE_TOLERANCE, abs_tol=1e-6)
                   for c in helper.approximate):
            return False
    return True


def append_corpus(workdir: Path, papers: int) -> tuple[Path, Path]:
    """``papers`` synthetic papers no saved corpus holds (other ids, arXiv numbers and
    DOIs; the same vocabulary, cited outside works and topic vectors), and their vectors."""
    from synthetic_corpus import _s2_id, write_corpus, write_vectors

    raw = write_corpus(workdir / "append_raw.jsonl", papers, seed=1)
    renamed = {}
    lines = []
    for i, line in enumerate(raw.read_text(encoding="utf-8").splitlines()):
        paper = json.loads(line)
        renamed[paper["paperId"]] = _s2_id(APPEND_ID_OFFSET + i)
        paper["paperId"] = renamed[paper["paperId"]]
        ext = paper.get("externalIds") or {}
        if "ArXiv" in ext:
            month, number = ext["ArXiv"].split(".")
            ext["ArXiv"] = f"{month}.{90000 + int(number) % 10000:05d}"
        if "DOI" in ext:
            ext["DOI"] = ext["DOI"].replace("10.5555/", "10.5556/")
        for ref in paper.get("references") or []:
            ref["paperId"] = renamed.get(ref["paperId"], ref["paperId"])
        lines.append(json.dumps(paper, ensure_ascii=False))
    corpus = workdir / "append.jsonl"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw.unlink()
    return corpus, write_vectors(corpus, workdir / "append_vectors", seed=0)


def append_figures(kg: Any, papers: int, workdir: Path) -> dict[str, Any]:
    """Append ``papers`` papers in memory, then time writing the change to Neo4j."""
    from synthetic_corpus import read_vectors

    from citegraph.graph.options import BuildOptions
    from citegraph.graph.stores.neo4j_delta import changes, write_append

    corpus, vectors = append_corpus(workdir, papers)
    began = time.perf_counter()
    grown = kg.append([corpus], options=BuildOptions(vector_cache=read_vectors(vectors)))
    in_memory = time.perf_counter() - began
    found = changes(grown, kg)
    began = time.perf_counter()
    done = write_append(grown)
    seconds = time.perf_counter() - began
    driver, database = _driver()
    try:
        with driver.session(database=database) as session:
            stats = grown.stats()
            wrong = []
            for label, n in stats["nodes"].items():
                got = session.run(f"MATCH (n:`{label}`) RETURN count(n) AS c").single()["c"]
                if got != n:
                    wrong.append(f"{label} {got} != {n}")
            for rel, n in stats["edges"].items():
                got = session.run(f"MATCH ()-[r:`{rel}`]->() RETURN count(r) AS c").single()["c"]
                if got != n:
                    wrong.append(f"{rel} {got} != {n}")
    finally:
        driver.close()
    return {"papers": papers, "append_in_memory_seconds": in_memory, "seconds": seconds,
            "nodes_written": len(found.nodes_written), "edges_written":
            len(found.edges_written), "edges_deleted": len(found.edges_removed),
            "nodes_deleted": len(found.nodes_removed), "vectors": done.get("vectors", 0),
            "counts_wrong": wrong}


def run(graph: Path, a: argparse.Namespace) -> dict[str, Any]:
    import citegraph

    began = time.perf_counter()
    kg = citegraph.load(graph)
    nodes, edges = _sizes(kg)
    papers = sum(1 for _ in kg.nodes("Paper"))
    result: dict[str, Any] = {"graph": str(graph), "nodes": nodes, "edges": edges,
                              "papers": papers, "load_seconds": time.perf_counter() - began}
    print(f"== {graph}: {papers:,} papers, {nodes:,} nodes, {edges:,} edges", flush=True)
    if edges <= a.batched_max_edges:
        result["batched"] = batched_load(kg)
        print(f"  batched writer first load {result['batched']['seconds']:8.1f} s", flush=True)
    result["import"] = import_load(kg, a.workdir)
    print(f"  bulk import first load    {result['import']['seconds']:8.1f} s", flush=True)
    result["queries"] = query_figures(kg, a.calls, a.budget)
    if a.append_papers:
        result["append"] = append_figures(kg, a.append_papers, a.workdir)
    return result


def _ms(t: dict[str, Any]) -> str:
    return f"{t['first_ms']:9.1f} {t['p50_ms']:8.2f} {t['p95_ms']:8.2f}"


def report(results: list[dict[str, Any]]) -> None:
    for r in results:
        print(f"\n== {r['papers']:,} papers, {r['nodes']:,} nodes, {r['edges']:,} edges")
        b, i = r.get("batched"), r["import"]
        if b:
            print(f"first load, batched writer: {b['seconds']:.1f} s "
                  f"({b['rows_per_s']:,.0f} rows/s), counts {'ok' if b['counts_ok'] else 'WRONG'}")
        print(f"first load, bulk import:    {i['seconds']:.1f} s (files {i['files_seconds']:.1f}"
              f" s, stop {i.get('stop_seconds', 0):.1f} s, neo4j-admin "
              f"{i.get('admin_import_seconds', 0):.1f} s, start {i.get('start_seconds', 0):.1f}"
              f" s, indexes {i.get('indexes_seconds', 0):.1f} s), counts "
              f"{'ok' if i['counts_ok'] else 'WRONG'}")
        if "append" in r:
            x = r["append"]
            print(f"append of {x['papers']:,} papers: {x['append_in_memory_seconds']:.1f} s in "
                  f"memory, {x['seconds']:.1f} s to Neo4j ({x['nodes_written']:,} nodes and "
                  f"{x['edges_written']:,} edges written, {x['edges_deleted']:,} edges "
                  f"deleted); counts {'ok' if not x['counts_wrong'] else x['counts_wrong']}")
        print(f"{'helper':22s} {'embedded first/p50/p95 ms':>28s}   "
              f"{'Neo4j first/p50/p95 ms':>28s}  differ  argument sets")
        for name, q in r["queries"].items():
            print(f"{name:22s} {_ms(q['embedded'])}   {_ms(q['neo4j'])}  "
                  f"{q['differ']}/{q['compared']}  {q.get('argument_sets', '-')}")
    for small, big in zip(results, results[1:], strict=False):
        ratio = math.log(big["papers"] / small["papers"])
        print(f"\ngrowth exponents {small['papers']:,} -> {big['papers']:,} papers "
              "(by papers; '-' below 1 ms)")
        for key in ("batched", "import"):
            if key in small and key in big:
                e = math.log(big[key]["seconds"] / small[key]["seconds"]) / ratio
                print(f"  first load {key:8s} {e:5.2f}")
        for name in small["queries"]:
            parts = []
            for side in ("embedded", "neo4j"):
                t1 = small["queries"][name][side]["p95_ms"]
                t2 = big["queries"][name][side]["p95_ms"]
                parts.append(f"{math.log(t2 / t1) / ratio:5.2f}" if min(t1, t2) >= 1 else "    -")
            print(f"  {name:22s} p95 embedded {parts[0]}  neo4j {parts[1]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graphs", nargs="*", type=Path)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--budget", type=float, default=60.0,
                        help="seconds of timed calls per helper and backend, at most")
    parser.add_argument("--append-papers", type=int, default=0)
    parser.add_argument("--batched-max-edges", type=int, default=6_000_000)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--report", type=Path, nargs="*")
    a = parser.parse_args()
    if a.report:
        report([r for path in a.report for r in json.loads(path.read_text())])
        return
    own = a.workdir is None
    a.workdir = Path(tempfile.mkdtemp(prefix="neo4j_scale_")) if own else a.workdir
    try:
        results = []
        for graph in a.graphs:
            results.append(run(graph, a))
            if a.json:
                from citegraph.atomic import write_text_atomic

                write_text_atomic(a.json, json.dumps(results, indent=1))
        report(results)
    finally:
        if own:
            shutil.rmtree(a.workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
