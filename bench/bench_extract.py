"""How many abstracts per second ``citegraph.extract`` handles on one core.

Runs the extractor over the example corpus (``shared/seeds`` beside the repository, or the
paths given) repeatedly for at least ``--seconds`` and prints the rate and the target.

    python bench/bench_extract.py [--seconds 5] [PATH ...]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

TARGET = 2000  # abstracts per second


SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"  # the example corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[str(SEEDS)])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()

    import citegraph
    from citegraph.loaders import iter_records

    papers = [(r.title, r.abstract) for r in iter_records(args.paths)]
    if not papers:
        raise SystemExit("no papers to run on")
    citegraph.extract("warm-up", "We load the gazetteer once.")  # build the automaton
    done, entities = 0, 0
    start, cpu_start = time.perf_counter(), time.process_time()
    while time.perf_counter() - start < args.seconds:
        for title, abstract in papers:
            entities += len(citegraph.extract(title, abstract))
        done += len(papers)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    # CPU time is what one core spends; wall time also counts waiting for a shared core
    rate, wall_rate = done / cpu, done / elapsed
    print(f"{done} abstracts ({len(papers)} distinct), {entities / done:.1f} entities each: "
          f"{rate:,.0f} abstracts/s of CPU time ({wall_rate:,.0f}/s wall clock); "
          f"target ≥ {TARGET:,}/s on one core: {'met' if rate >= TARGET else 'NOT met'}")


if __name__ == "__main__":
    main()
