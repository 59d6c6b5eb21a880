"""Compression bombs: peak memory and time of loading a 1 GiB-expanding gzip file of each
format, against loading one small file in the same kind of fresh process.

Each load runs in its own process so its peak resident memory (``ru_maxrss``) is its own;
the baseline is the same process reading a one-record file. Bounded reading shows as a
small difference from the baseline and a report that names the bomb.

    python bench/bench_bomb.py
    python bench/bench_bomb.py --bombs bibtex-zeros daily-papers
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bombs import BOMBS, write_bomb  # noqa: E402

CHILD = """
import json, resource, sys, time
from citegraph.loaders import LoadReport, iter_records
report = LoadReport()
start = time.perf_counter()
n = sum(1 for _ in iter_records([sys.argv[1]], report=report))
print(json.dumps({"records": n, "seconds": time.perf_counter() - start,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "issues": [str(i) for i in report.issues if i.severity == "error"][-2:]}))
"""


def measure(path: Path) -> dict:
    """Load ``path`` in a fresh process; its records, time, peak RSS and last errors."""
    done = subprocess.run([sys.executable, "-c", CHILD, str(path)], capture_output=True,
                          text=True, check=True, timeout=600)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bombs", nargs="*", default=sorted(BOMBS), choices=sorted(BOMBS))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "one.jsonl"
        small.write_text('{"id": "2101.00001", "title": "One", "abstract": "", '
                         '"update_date": "2021-01-01", "authors_parsed": []}\n')
        base = measure(small)
        print(f"baseline (one record): peak RSS {base['peak_rss_mib']:.0f} MiB")
        print(f"{'bomb':16} {'stored':>9} {'records':>8} {'seconds':>8} {'peak RSS':>9} "
              f"{'over baseline':>14}  report")
        for name in args.bombs:
            path = write_bomb(Path(tmp), name)
            got = measure(path)
            extra = got["peak_rss_mib"] - base["peak_rss_mib"]
            print(f"{name:16} {path.stat().st_size / 2**20:8.1f}M {got['records']:8} "
                  f"{got['seconds']:8.1f} {got['peak_rss_mib']:8.0f}M {extra:13.0f}M  "
                  f"{(got['issues'] or ['-'])[-1].split(': ', 1)[-1][:90]}")
            path.unlink()


if __name__ == "__main__":
    main()
