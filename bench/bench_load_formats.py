"""Loading speed per format on one core, against the parsing library alone on the same file.

Each input is made by repeating real records (the BibTeX and RIS exports in
``tests/fixtures/real``) with a fresh key and a numbered title per copy, so no two records
are the same paper; JSON lines use the arXiv snapshot shape of ``jsonl_shapes``. In one run,
on one pinned core, the file is read by citegraph's loader and by the baseline:

- BibTeX: citegraph vs ``bibtexparser.parse_file`` (bibtexparser 2);
- RIS: citegraph vs ``rispy.load``;
- JSON lines: citegraph vs ``json.loads`` of every line (the floor any JSON loader pays).

    python bench/bench_load_formats.py                       # 10k BibTeX, 20k RIS, 200k JSONL
    python bench/bench_load_formats.py --bibtex 2000 --ris 5000 --jsonl 50000 --repeat 3
    python bench/bench_load_formats.py --flavours --bibtex 2000 --ris 0 --jsonl 0

The targets are records per second of citegraph's loader; the ratio column is citegraph's
rate over the baseline's (above 1 is faster than the library alone).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from jsonl_shapes import write_jsonl  # noqa: E402

REAL = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "real"
TARGETS = {"bibtex": 2_000, "ris": 2_000, "jsonl": 15_000}  # records per second
_BIB_START = re.compile(r"^[ \t]*@([A-Za-z]+)[ \t]*[{(][ \t]*([^,\s]*)", re.M)
_BIB_TITLE = re.compile(r"(?<![\w-])(title\s*=\s*[{\"]+)", re.I)


def pin_one_core() -> str:
    """Run this process on one core, so the rate is one core's; returns which."""
    if not hasattr(os, "sched_setaffinity"):
        return "unpinned"
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return f"core {core}"


def real_bibtex_entries(flavour: str | None = None) -> list[str]:
    """Every titled ``@type{`` entry of the real BibTeX exports (of one exporter's folder
    of ``tests/fixtures/real`` when ``flavour`` names it) that bibtexparser reads cleanly,
    as written."""
    entries = []
    for path in sorted((REAL / flavour if flavour else REAL).rglob("*.bib")):
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        starts = list(_BIB_START.finditer(text))
        for m, nxt in zip(starts, starts[1:] + [None], strict=True):
            if m.group(1).lower() in ("string", "comment", "preamble", "proceedings"):
                continue
            chunk = text[m.start():nxt.start() if nxt else len(text)].strip()
            if _BIB_TITLE.search(chunk) and _parses_alone(chunk):
                entries.append(chunk)
    return entries


def _parses_alone(entry: str) -> bool:
    """Whether bibtexparser reads the entry cleanly: the input measures speed, not the
    handling of entries that library rejects (duplicate fields and the like)."""
    import bibtexparser

    library = bibtexparser.parse_string(entry)
    return len(library.entries) == 1 and not library.failed_blocks


def real_ris_records() -> list[list[str]]:
    """Every record (its lines, ``TY`` to ``ER``) of the real RIS exports."""
    records = []
    for path in sorted(REAL.rglob("*")):
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        if not re.search(r"^TY  -", text, re.M):
            continue
        current: list[str] | None = None
        for line in text.splitlines():
            if line.startswith("TY  -"):
                current = [line]
            elif current is not None:
                current.append(line)
                if line.startswith("ER  -"):
                    if any(ln[:2] in ("TI", "T1") for ln in current):
                        records.append(current)
                    current = None
    return records


def bibtex_flavours() -> list[str]:
    """The exporters' folders of ``tests/fixtures/real`` that hold BibTeX files."""
    return sorted({p.parent.relative_to(REAL).parts[0] for p in REAL.rglob("*.bib")})


def write_bibtex(path: Path, n: int, flavour: str | None = None) -> Path:
    """``n`` real entries, repeated with keys ``cgN`` and titles prefixed ``Copy N:``."""
    entries = real_bibtex_entries(flavour)
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            entry = entries[i % len(entries)]
            m = _BIB_START.match(entry)
            entry = f"@{m.group(1)}{{cg{i}" + entry[m.end():]
            entry = _BIB_TITLE.sub(lambda t, i=i: f"{t.group(1)}Copy {i}: ", entry, count=1)
            fh.write(entry + "\n\n")
    return path


def write_ris(path: Path, n: int) -> Path:
    """``n`` real RIS records, repeated with titles prefixed ``Copy N:``."""
    records = real_ris_records()
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            done = False
            for line in records[i % len(records)]:
                if not done and line[:2] in ("TI", "T1"):
                    line = f"{line[:6]}Copy {i}: {line[6:]}"
                    done = True
                fh.write(line + "\n")
            fh.write("\n")
    return path


def citegraph_count(path: Path, fmt: str) -> tuple[int, int]:
    """Records citegraph's loader yields from ``path``, and records it reports skipped."""
    from citegraph.loaders import LoadReport, iter_records

    report = LoadReport()
    count = sum(1 for _ in iter_records([path], fmt=fmt, report=report))
    return count, report.total_skipped


def bibtexparser_count(path: Path) -> int:
    import bibtexparser

    return len(bibtexparser.parse_file(str(path)).entries)


def rispy_count(path: Path) -> int:
    import rispy

    return len(rispy.load(path, encoding="utf-8"))


def json_lines_count(path: Path) -> int:
    with open(path, encoding="utf-8") as fh:
        return sum(1 for line in fh if line.strip() and json.loads(line))


def timed(fn: Callable[[], object], repeat: int) -> tuple[object, float]:
    """The result of ``fn`` and its best CPU time over ``repeat`` runs.

    CPU time, not wall time: on a machine whose cores are shared, the wall clock counts the
    time other processes held the core, and the rate of one core is what is measured.
    """
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.process_time()
        result = fn()
        best = min(best, time.process_time() - start)
    return result, best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bibtex", type=int, default=10_000, help="BibTeX records")
    parser.add_argument("--ris", type=int, default=20_000, help="RIS records")
    parser.add_argument("--jsonl", type=int, default=200_000, help="JSON-lines records")
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs")
    parser.add_argument("--flavours", action="store_true",
                        help="also one BibTeX row per exporter (Scopus, Web of Science, ...)")
    args = parser.parse_args()
    where = pin_one_core()
    import bibtexparser  # noqa: F401  imported before timing, as the loaders are
    import rispy  # noqa: F401

    import citegraph.loaders.detect  # noqa: F401  every loader and its libraries

    rows = []
    with tempfile.TemporaryDirectory(prefix="citegraph-bench-") as tmp:
        cases = [
            ("bibtex", "bibtexparser 2", args.bibtex,
             lambda p, n: write_bibtex(p / "records.bib", n), bibtexparser_count),
            ("ris", "rispy", args.ris, lambda p, n: write_ris(p / "records.ris", n), rispy_count),
            ("jsonl", "json.loads", args.jsonl,
             lambda p, n: write_jsonl(p / "records.jsonl", n, "arxiv"), json_lines_count),
        ]
        if args.flavours and args.bibtex > 0:
            cases[1:1] = [
                (f"bibtex:{flavour}", "bibtexparser 2", args.bibtex,
                 lambda p, n, f=flavour: write_bibtex(p / f"{f}.bib", n, f), bibtexparser_count)
                for flavour in bibtex_flavours()]
        for fmt, baseline_name, n, make, baseline in cases:
            if n <= 0:
                continue
            path = make(Path(tmp), n)
            loader_fmt = {"jsonl": "arxiv-json"}.get(fmt, fmt.partition(":")[0])
            (ours, skipped), ours_s = timed(partial(citegraph_count, path, loader_fmt),
                                            args.repeat)
            theirs, theirs_s = timed(partial(baseline, path), args.repeat)
            rows.append((fmt, n, path.stat().st_size / 2**20, ours, skipped, ours / ours_s,
                         baseline_name, theirs, theirs / theirs_s,
                         TARGETS[fmt.partition(":")[0]]))
            path.unlink()

    print(f"one process pinned to {where}; CPU time, best of {args.repeat}")
    print(f"{'format':<20} {'records':>8} {'MiB':>6} {'read':>8} {'skipped':>7} "
          f"{'citegraph/s':>12} {'baseline':<15} {'read':>8} {'baseline/s':>11} "
          f"{'ratio':>6} {'target/s':>9} {'meets':>6}")
    for fmt, n, mib, ours, skipped, ours_rate, name, theirs, their_rate, target in rows:
        print(f"{fmt:<20} {n:>8,} {mib:>6.1f} {ours:>8,} {skipped:>7,} {ours_rate:>12,.0f} "
              f"{name:<15} {theirs:>8,} {their_rate:>11,.0f} {ours_rate / their_rate:>6.2f} "
              f"{target:>9,} {'yes' if ours_rate >= target else 'NO':>6}")


if __name__ == "__main__":
    main()
