"""How many abstracts per second ``citegraph.extract`` handles on one core, against the
hand-weighted extractor it replaced, measured in the same run.

Runs the extractor over the example corpus (``shared/seeds`` beside the repository, or the
paths given) repeatedly for at least ``--seconds`` and prints the rate and the target. The
baseline is the ``graph/extract`` package of git revision ``--baseline``, checked out into
a temporary directory for this run only.

    python bench/bench_extract.py [--seconds 5] [--baseline REV] [--model FILE] [PATH ...]
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TARGET = 1000  # abstracts per second of CPU time
ROUNDS = 3  # alternating timing rounds per extractor
REPO = Path(__file__).resolve().parents[1]
#: the last revision with the hand-weighted extractor (before the learned decision)
BASELINE = "855b12c"
SEEDS = next((d / "shared" / "seeds" for d in REPO.parents if (d / "shared" / "seeds").is_dir()),
             REPO / "shared" / "seeds")


def rate(extract: Callable[[str, str], list], papers: list[tuple[str, str]],
         seconds: float) -> tuple[float, float, float]:
    """``(abstracts/s of CPU time, abstracts/s wall clock, entities per abstract)``."""
    extract("warm-up", "We load the gazetteer once.")  # build the automaton
    done, entities = 0, 0
    start, cpu_start = time.perf_counter(), time.process_time()
    while time.perf_counter() - start < seconds:
        for title, abstract in papers:
            entities += len(extract(title, abstract))
        done += len(papers)
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    return done / cpu, done / elapsed, entities / done


def baseline_extract(rev: str, workdir: Path) -> Callable[[str, str], list]:
    """The ``extract`` of ``graph/extract`` at ``rev``, imported as a separate package."""
    names = subprocess.run(["git", "-C", str(REPO), "ls-tree", "--name-only", rev,
                            "graph/extract/", "graph/extract/data/"], check=True,
                           capture_output=True, text=True).stdout.split()
    pkg = workdir / "baseline_extract"
    (pkg / "data").mkdir(parents=True)
    for name in names:
        if not name.endswith((".py", ".txt", ".json")):
            continue
        text = subprocess.run(["git", "-C", str(REPO), "show", f"{rev}:{name}"], check=True,
                              capture_output=True, text=True).stdout
        text = text.replace("citegraph.graph.extract", "baseline_extract")
        (pkg / name[len("graph/extract/"):]).write_text(text, encoding="utf-8")
    sys.path.insert(0, str(workdir))
    module = importlib.import_module("baseline_extract")
    return module.extract


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", default=[str(SEEDS)])
    parser.add_argument("--seconds", type=float, default=6.0,
                        help="timing per extractor, split into alternating rounds")
    parser.add_argument("--baseline", default=BASELINE, help="git revision to compare with")
    parser.add_argument("--model", action="append", default=[], type=Path,
                        help="also time the extractor with this model file (repeatable)")
    args = parser.parse_args()

    import citegraph
    from citegraph.loaders import iter_records

    papers = [(r.title, r.abstract) for r in iter_records(args.paths)]
    if not papers:
        raise SystemExit("no papers to run on")
    with tempfile.TemporaryDirectory() as tmp:
        runs = {f"baseline ({args.baseline})": baseline_extract(args.baseline, Path(tmp)),
                "learned": citegraph.extract}
        for path in args.model:
            from citegraph.graph.extract.extractor import Extractor

            runs[f"model {path.name}"] = Extractor(model=path).extract
        # rounds alternate between the extractors and each keeps its best round: whichever
        # runs first or second in a process is otherwise favoured by some 10%
        results: dict[str, tuple[float, float, float]] = {}
        for _ in range(ROUNDS):
            for name, fn in runs.items():
                got = rate(fn, papers, args.seconds / ROUNDS)
                if name not in results or got[0] > results[name][0]:
                    results[name] = got
    for name, (cpu_rate, wall_rate, per) in results.items():
        print(f"{name:20s} {cpu_rate:7,.0f} abstracts/s of CPU time ({wall_rate:,.0f}/s wall "
              f"clock), {per:.1f} entities each")
    learned = results["learned"][0]
    base = next(iter(results.values()))[0]
    print(f"learned / baseline: {learned / base:.2f}; target ≥ {TARGET:,}/s on one core: "
          f"{'met' if learned >= TARGET else 'NOT met'}")


if __name__ == "__main__":
    main()
