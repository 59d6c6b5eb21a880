"""Paper identity at scale: 100k, 300k and 1M synthetic records with injected duplicates.

Each size is merged twice in a fresh process, by the fuzzy matcher (the default) and by the
exact rule (identifiers and equal normalised titles, ``fuzzy=False``), recording wall time
and peak resident memory. A fitted exponent (slope of log time over log size) near 1 means
near-linear growth. The records are made here, deterministically: distinct papers with
titles from a large vocabulary, and for a fifth of them a second record with a typo, a
truncated title, the author names run onto the title, or only the DOI in common.

Usage: ``python bench/bench_identity_scale.py [--sizes 100000 300000 1000000] [--json OUT]``
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "pe", "do", "gra", "tri", "ph",
             "an", "el", "or", "us", "is", "en", "ix"]
STOP = ["of", "for", "the", "and", "in", "with", "a", "on"]


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def make_records(n: int, seed: int = 7) -> list:
    """``n`` records: about 83% distinct papers, the rest noisy second copies of them."""
    from citegraph.loaders.records import PaperRecord, Provenance

    rng = random.Random(seed)
    vocab = _vocabulary(rng, 60_000)
    given = _vocabulary(rng, 3_000)
    family = _vocabulary(rng, 40_000)
    venues = [" ".join(rng.choice(vocab).title() for _ in range(3)) for _ in range(2_000)]
    records: list[PaperRecord] = []
    papers = int(n / 1.2)
    for i in range(papers):
        words = [rng.choice(vocab) if rng.random() > 0.25 else rng.choice(STOP)
                 for _ in range(rng.randint(6, 12))]
        authors = [f"{rng.choice(given).title()} {rng.choice(family).title()}"
                   for _ in range(rng.randint(1, 5))]
        ids = {"doi": f"10.{1000 + i % 9000}/p{i}"} if rng.random() < 0.3 else {}
        records.append(PaperRecord(
            title=" ".join(words).capitalize(), authors=authors, year=rng.randint(1990, 2024),
            venue=rng.choice(venues), ids=ids, provenance=[Provenance("a.jsonl", str(i))]))
    for j in range(n - papers):
        base = records[rng.randrange(papers)]
        words = base.title.split()
        kind = rng.randrange(4)
        authors, title, ids = list(base.authors), base.title, {}
        if kind == 0:  # a typo in one word
            k = rng.randrange(len(words))
            w = words[k]
            if len(w) > 3:
                p = rng.randrange(1, len(w) - 1)
                words[k] = w[:p] + w[p + 1:]
            title = " ".join(words)
        elif kind == 1:  # truncated
            title = " ".join(words[: max(4, int(len(words) * 0.7))])
        elif kind == 2:  # author names run onto the title, authors field empty
            title = base.title + " " + ", ".join(base.authors)
            authors = []
        else:  # another source with the same DOI and its own title casing
            title, ids = base.title.upper(), dict(base.ids)
        records.append(PaperRecord(
            title=title, authors=authors, year=base.year, venue=base.venue, ids=ids,
            provenance=[Provenance("b.jsonl", str(j))]))
    rng.shuffle(records)
    return records


def measure(n: int, fuzzy: bool) -> dict:
    """Merge ``n`` records in this process; time and peak RSS of the merge."""
    from citegraph.graph.identity import merge_records

    records = make_records(n)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    index = merge_records(records, fuzzy=fuzzy)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"records": n, "fuzzy": fuzzy, "seconds": round(seconds, 1),
            "papers": len(index.papers), "peak_rss_mb": round(peak / 1024),
            "merge_rss_growth_mb": round((peak - before) / 1024)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)  # SIZE fuzzy|exact
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(int(args.one[0]), args.one[1] == "fuzzy")))
        return
    import numpy as np

    results = []
    for mode in ("exact", "fuzzy"):
        for n in args.sizes:
            run = subprocess.run([sys.executable, __file__, "--one", str(n), mode],
                                 capture_output=True, text=True, check=True)
            res = json.loads(run.stdout.strip().splitlines()[-1])
            results.append(res)
            print(f"{mode:6} {n:>9,} records → {res['papers']:>9,} papers in "
                  f"{res['seconds']:>7.1f} s, peak RSS {res['peak_rss_mb']:,} MB "
                  f"(merge +{res['merge_rss_growth_mb']:,} MB)", flush=True)
        rows = [r for r in results if r["fuzzy"] == (mode == "fuzzy")]
        if len(rows) > 1:
            x = np.log([r["records"] for r in rows])
            t = np.polyfit(x, np.log([r["seconds"] for r in rows]), 1)[0]
            m = np.polyfit(x, np.log([max(r["merge_rss_growth_mb"], 1) for r in rows]), 1)[0]
            print(f"{mode:6} fitted exponent: time {t:.2f}, memory {m:.2f}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
