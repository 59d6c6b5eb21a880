"""The command line: clear one-line errors, fast help, build and stats end to end."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("torch", "sentence_transformers", "rdflib", "pyvis", "neo4j", "networkx", "numpy")


def run(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "citegraph", *args], capture_output=True,
                          text=True, timeout=600, **kwargs)


def test_help_imports_no_heavy_library():
    code = (
        "import sys\nfrom citegraph.cli import app\n"
        "try:\n    app(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "build" in result.stdout
    assert result.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize("args, message", [
    (["build", "/no/such/dir", "--out", "{tmp}/g"], "no such file or directory"),
    (["stats", "{tmp}"], "not a citegraph graph directory"),
    (["build", "{tmp}/empty.txt", "--out", "{tmp}/g"], "no papers found"),
])
def test_errors_are_one_line_without_traceback(tmp_path, args, message):
    (tmp_path / "empty.txt").write_text("")
    result = run(*[a.format(tmp=tmp_path) for a in args])
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_build_and_stats_on_the_example_corpus(tmp_path, seeds_dir):
    out = tmp_path / "graph"
    result = run("build", str(seeds_dir), "--out", str(out), "--no-entities", "--no-similarity",
                 "--no-co-mention", "--no-citations")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["nodes"]["Paper"] == 527
    stats = run("stats", str(out))
    assert stats.returncode == 0 and "527" in stats.stdout
