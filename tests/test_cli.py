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


def test_build_writes_and_summarises_the_merge_report(tmp_path):
    fixtures = __import__("pathlib").Path(__file__).parent / "fixtures"
    out = tmp_path / "graph"
    # the same two articles exported by Scopus (BibTeX) and in a CSV listing, one with typos
    csv_path = tmp_path / "listing.csv"
    csv_path.write_text(
        "title,authors,year,venue\n"
        '"ELECTRE-SCORE: a first outranking-based method for scoring actions",'
        '"J.R. Figueira; S. Greco; B. Roy",2022,Eur J Oper Res\n'
        '"Clasification model for bid/no-bid decisions in construction projects",'
        '"M.C.B. de Araújo; L.H. Alencar",2022,Int Trans Oper Res\n'
        '"A paper only this listing has",A. Nobody,2020,\n', encoding="utf-8")
    result = run("build", str(fixtures / "scopus_references.bib"), str(csv_path), "--out",
                 str(out), "--no-entities", "--no-similarity", "--no-co-mention",
                 "--no-citations", "-q")
    assert result.returncode == 0, result.stderr
    assert "6 records → 4 papers; 2 merges: 2 by title+authors" in result.stdout
    assert f"{csv_path}: 3 read = 1 created + 2 merged + 0 skipped" in result.stdout
    merges = [json.loads(line) for line in (out / "merges.jsonl").read_text().splitlines()]
    assert {m["record"] for m in merges} == {f"{csv_path}:line 2", f"{csv_path}:line 3"}
    assert {m["paper"] for m in merges} == {"doi:10.1016/j.ejor.2021.05.017",
                                           "doi:10.1111/itor.13037"}
    assert all(m["by"] == "title+authors" and m["title_score"] > 90 for m in merges)
    exact = run("build", str(fixtures / "scopus_references.bib"), str(csv_path), "--out",
                str(tmp_path / "exact"), "--no-entities", "--no-similarity",
                "--no-co-mention", "--no-citations", "-q", "--no-fuzzy-identity")
    assert "6 records → 5 papers; 1 merges: 1 by title" in exact.stdout  # equal titles only
