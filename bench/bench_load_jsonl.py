"""Loading benchmark: a JSON-lines file of 250k, 500k and 1M records, streamed by the loader.

Each size is generated into a temporary directory and loaded in a fresh process, so the
peak resident memory measured (``ru_maxrss``, or tracemalloc's peak with ``--tracemalloc``)
belongs to that size alone. Flat peaks across sizes show the loading streams. The rate is
given per wall-clock second and per CPU second: on a machine whose cores are shared, only
the second is the loader's own speed.

    python bench/bench_load_jsonl.py                 # arXiv snapshot shape, 250k/500k/1M
    python bench/bench_load_jsonl.py --shape openalex --sizes 100000 200000
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from jsonl_shapes import SHAPES, write_jsonl  # noqa: E402

SIZES = (250_000, 500_000, 1_000_000)


def _rss_mib() -> float:
    """Peak resident memory of this process so far (ru_maxrss is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(path: Path, use_tracemalloc: bool) -> dict:
    """Load one file, discarding records as a streaming consumer would; measure."""
    import tracemalloc

    from citegraph.loaders import LoadReport, RecordStream

    report = LoadReport()
    stream = RecordStream([path], report=report)
    done = [0]
    stream.on_bytes = lambda n: done.__setitem__(0, done[0] + n)
    baseline = _rss_mib()
    if use_tracemalloc:
        tracemalloc.start()
    start, cpu_start = time.perf_counter(), time.process_time()
    count = sum(1 for _ in stream)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if use_tracemalloc else None
    return {
        "records": count, "seconds": seconds, "records_per_s": count / seconds,
        "records_per_cpu_s": count / cpu,
        "peak_rss_mib": _rss_mib(), "rss_before_load_mib": baseline,
        "tracemalloc_peak_mib": traced, "bytes_reported": done[0],
        "file_mib": path.stat().st_size / 2**20, "skipped": report.total_skipped,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=sorted(SHAPES), default="arxiv")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--tracemalloc", action="store_true", help="trace Python allocations")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.tracemalloc)))
        return
    print(f"{'records':>10} {'file MiB':>9} {'rec/s':>9} {'rec/CPU s':>10} {'seconds':>8} "
          f"{'peak RSS MiB':>13} "
          f"{'RSS before':>11} {'traced MiB':>11}")
    with tempfile.TemporaryDirectory(prefix="citegraph-bench-") as tmp:
        for n in args.sizes:
            path = write_jsonl(Path(tmp) / f"{args.shape}-{n}.jsonl", n, args.shape)
            cmd = [sys.executable, __file__, "--child", str(path)]
            if args.tracemalloc:
                cmd.append("--tracemalloc")
            result = json.loads(subprocess.run(cmd, check=True, capture_output=True,
                                               text=True).stdout)
            traced = result["tracemalloc_peak_mib"]
            print(f"{result['records']:>10,} {result['file_mib']:>9.0f} "
                  f"{result['records_per_s']:>9,.0f} {result['records_per_cpu_s']:>10,.0f} "
                  f"{result['seconds']:>8.1f} "
                  f"{result['peak_rss_mib']:>13.1f} {result['rss_before_load_mib']:>11.1f} "
                  f"{'-' if traced is None else f'{traced:.2f}':>11}", flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
