"""The crafted-input corpus (tests/fixtures/crafted, written by make_crafted.py): every
file, however hostile, builds without an exception, loses no good record, accounts for
every record (read + skipped = total) and is done within its time limit.

The builds here leave out the entity stage (and embeddings): titles with a long run of
capitals are in the corpus (``long_capitalised_token`` in the manifest) for when the
extractor runs over it too.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import FIXTURES, REPO

from citegraph.graph import schema as S
from citegraph.loaders import InputError, LoadReport
from citegraph.loaders.records import normalize_title

CRAFTED = FIXTURES / "crafted"
MANIFEST = json.loads((CRAFTED / "expected.json").read_text(encoding="utf-8"))["files"]
#: The most one file may take, however hostile.
SECONDS_PER_FILE = 30
TITLE_KEPT = 300


@contextmanager
def time_limit(seconds: int):
    """Fail (rather than hang) when the block runs longer than ``seconds``."""

    def expire(signum, frame):
        raise TimeoutError(f"over {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _options():
    """Every stage but the embedding model (loading it per file would dominate): entity
    extraction, co-mention and inferred citations see every hostile title and abstract."""
    from citegraph.graph.pipeline import BuildOptions

    return BuildOptions(similarity=False)


def _found(expected: str, keys: set[str]) -> bool:
    key = normalize_title(expected)
    if len(expected) < TITLE_KEPT:
        return key in keys
    return any(k.startswith(key.rsplit("-", 1)[0]) for k in keys)  # kept by its start


def test_the_corpus_is_large_and_covers_every_format():
    formats = {entry["format"] for entry in MANIFEST.values()}
    assert len(MANIFEST) >= 200
    assert {"daily", "bibtex", "ris", "scopus", "wos", "ieee", "generic-csv", "atom",
            "arxiv-jsonl", "s2-json", "s2-jsonl", "openalex-json", "openalex-jsonl"} <= formats
    assert sorted(p.name for p in CRAFTED.iterdir() if p.name not in (
        "make_crafted.py", "expected.json", "__pycache__", ".gitattributes")) == sorted(MANIFEST)
    assert any(entry["long_capitalised_token"] for entry in MANIFEST.values())


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_crafted_file(name: str):
    import citegraph

    expected = MANIFEST[name]
    path = CRAFTED / name
    report = LoadReport()
    with time_limit(SECONDS_PER_FILE):
        try:
            kg = citegraph.build([path], options=_options(), report=report)
        except InputError:
            assert expected["good"] == 0, [str(i) for i in report.issues]
            kg = None
    read, skipped = report.records_read[str(path)], report.records_skipped[str(path)]
    problems = [str(i) for i in report.issues]
    assert not [p for p in problems if "unexpected error" in p], problems
    assert read + skipped == expected["total"], (read, skipped, problems)
    assert expected["good"] <= read <= expected["good"] + expected["may_read"], problems
    if kg is not None:
        keys = {normalize_title(p.get(S.TITLE) or "") for p in kg.papers}
        lost = [t for t in expected["titles"] if not _found(t, keys)]
        assert not lost, (lost, problems)


def test_the_whole_corpus_builds_from_the_command_line(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "citegraph", "build", str(CRAFTED), "--out", str(tmp_path / "g"),
         "--no-similarity", "--quiet"],
        capture_output=True, text=True, timeout=300, cwd=REPO.parent,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert "Traceback" not in output and "Aborted" not in output
    keys = set()
    with open(tmp_path / "g" / "nodes.jsonl", encoding="utf-8") as nodes:
        for line in nodes:
            node = json.loads(line)
            if node["label"] == "Paper":
                keys.add(normalize_title(node["properties"].get(S.TITLE) or ""))
    lost = [t for entry in MANIFEST.values() for t in entry["titles"] if not _found(t, keys)]
    assert not lost, lost


BOMB_CHILD = """
import json, resource, sys, time
from citegraph.loaders import LoadReport, iter_records
report = LoadReport()
start = time.perf_counter()
n = sum(1 for _ in iter_records(sys.argv[1:], report=report))
print(json.dumps({"records": n, "seconds": time.perf_counter() - start,
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "errors": [i.message for i in report.errors]}))
"""


def _load_in_child(*paths: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", BOMB_CHILD, *map(str, paths)],
                          capture_output=True, text=True, timeout=120, cwd=REPO.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


@pytest.mark.parametrize("bomb", ["bibtex-zeros", "daily-papers", "jsonl-one-line", "ris"])
def test_a_gzip_bomb_is_refused_in_bounded_memory_and_time(tmp_path, bomb):
    sys.path.insert(0, str(REPO / "bench"))
    from bombs import GIB, write_bomb

    path = write_bomb(tmp_path, bomb)  # expands to 1 GiB
    good = CRAFTED / "ris-baseline.ris"
    baseline = _load_in_child(good)
    got = _load_in_child(path, good)  # the file after the bomb is read too
    assert any("compression bomb" in e for e in got["errors"]), got["errors"]
    assert got["records"] >= baseline["records"] + 1  # the bomb's head, and the next file
    assert got["seconds"] < SECONDS_PER_FILE
    # a gigabyte was on offer; the reader's memory stayed within a small margin of a
    # process that read one small file
    assert got["peak_rss_mib"] < baseline["peak_rss_mib"] + 100, (got, baseline, GIB)
