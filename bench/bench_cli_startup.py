"""How fast `citegraph --help` and `citegraph stats` answer, against bare Python start-up.

Target: `citegraph --help` under one second. Run: `.venv/bin/python bench/bench_cli_startup.py`.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RUNS = 7


def timed(args: list[str]) -> float:
    """Median wall time of a command over RUNS runs."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run(args, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    baseline = timed([sys.executable, "-c", "pass"])
    help_time = timed([sys.executable, "-m", "citegraph", "--help"])
    with tempfile.TemporaryDirectory() as tmp:
        from citegraph.graph import schema as S
        from citegraph.graph.model import KnowledgeGraph

        kg = KnowledgeGraph()
        kg.add_node(S.PAPER, "title:x", title="x")
        kg.save(Path(tmp))
        stats_time = timed([sys.executable, "-m", "citegraph", "stats", tmp])
    print(f"python start-up     {baseline * 1000:7.0f} ms")
    print(f"citegraph --help    {help_time * 1000:7.0f} ms  ({help_time / baseline:.1f}x python; "
          f"target < 1000 ms: {'met' if help_time < 1 else 'MISSED'})")
    print(f"citegraph stats     {stats_time * 1000:7.0f} ms  ({stats_time / baseline:.1f}x python)")


if __name__ == "__main__":
    main()
