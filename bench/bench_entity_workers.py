"""The entity stage's two passes ("Learning entity names", "Extracting entities") with
one process and with a pool of worker processes, on the same papers in the same run.

Reads a corpus once (papers only, no derived stages), then runs the entity stage on the
same paper nodes for each worker count; prints per pass the wall seconds, the CPU seconds
of the build's process and of its workers (polled from ``/proc`` while they run), the
speed-up over one process, and checks that every run made the same entity nodes and edges.

    python bench/bench_entity_workers.py CORPUS [--workers 1 2]
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psutil

REPO = Path(__file__).resolve().parents[1]
STAGES = ("Learning entity names", "Extracting entities")


class WorkerCpu:
    """CPU seconds of this process's descendants (the pool's workers and their fork
    server), polled, since they are not this process's waited-for children."""

    def __init__(self, every: float = 0.1) -> None:
        self.seen: dict[int, float] = {}
        self.every = every
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            for child in me.children(recursive=True):
                try:
                    t = child.cpu_times()
                except psutil.Error:
                    continue
                self.seen[child.pid] = max(self.seen.get(child.pid, 0.0), t.user + t.system)
            time.sleep(self.every)

    def total(self) -> float:
        return sum(self.seen.values())

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


class Timings:
    """A progress hook: wall, own CPU and worker CPU seconds of the two entity passes."""

    def __init__(self, workers: WorkerCpu) -> None:
        self.rows: dict[str, dict[str, float]] = {}
        self.workers = workers

    @contextmanager
    def stage(self, name: str, total: int | None = None):  # noqa: ANN201 - the hook
        wall, cpu, theirs = time.perf_counter(), time.process_time(), self.workers.total()
        yield self
        time.sleep(2 * self.workers.every)  # the last poll of workers that just finished
        self.rows[name] = {"wall": time.perf_counter() - wall,
                           "cpu": time.process_time() - cpu,
                           "workers_cpu": self.workers.total() - theirs}

    def advance(self, n: int = 1) -> None:
        pass


def paper_nodes(corpus: Path) -> list[tuple[str, dict[str, Any]]]:
    """The corpus's paper nodes (what the entity stage reads), built once."""
    import citegraph
    from citegraph.graph import schema as S
    from citegraph.graph.options import BuildOptions

    off = dict(entities=False, similarity=False, co_mention=False, citations=False,
               keywords=False, co_citation=False, coupling=False, co_authorship=False)
    built = citegraph.build([str(corpus)], options=BuildOptions(**off))
    return [(nid, dict(props)) for nid, props in built.nodes(S.PAPER)]


def graph_of(nodes: list[tuple[str, dict[str, Any]]]) -> Any:
    """A fresh graph of these paper nodes alone."""
    from citegraph.graph.model import KnowledgeGraph

    kg = KnowledgeGraph()
    for nid, props in nodes:
        kg.g.add_node(nid, **props)
    return kg


def digest(kg: Any) -> str:
    """A digest of every node and edge the entity stage added (sorted lines)."""
    from citegraph.graph import schema as S

    lines = sorted(repr((nid, sorted(p.items()))) for nid, p in kg.nodes()
                   if p.get(S.LABEL) != S.PAPER)
    lines += sorted(repr((u, v, k, sorted(p.items()))) for u, v, k, _, p in kg.keyed_edges())
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    sys.path.insert(0, str(REPO.parent))
    from citegraph.graph.entities import add_entities

    began = time.perf_counter()
    nodes = paper_nodes(args.corpus)
    print(f"{args.corpus.name}: {len(nodes):,} paper nodes read in "
          f"{time.perf_counter() - began:.0f} s", flush=True)
    poller = WorkerCpu()
    results: dict[int, dict[str, dict[str, float]]] = {}
    digests = {}
    for workers in args.workers:
        kg = graph_of(nodes)
        timings = Timings(poller)
        add_entities(kg, timings, workers=workers)
        results[workers], digests[workers] = timings.rows, digest(kg)
        del kg
    poller.stop()
    one = results[args.workers[0]]
    print(f"{'stage':24} {'workers':>7} {'wall s':>8} {'cpu s':>7} {'workers cpu s':>13} "
          f"{'speed-up':>8}")
    for stage in STAGES:
        for workers, rows in results.items():
            r = rows[stage]
            print(f"{stage:24} {workers:>7} {r['wall']:>8.1f} {r['cpu']:>7.1f} "
                  f"{r['workers_cpu']:>13.1f} {one[stage]['wall'] / r['wall']:>7.2f}x")
    print(f"peak RSS of the build's process: "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    same = len(set(digests.values())) == 1
    print(f"entity nodes and edges equal across worker counts: {same} {digests}")
    if not same:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
