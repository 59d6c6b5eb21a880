"""The entity stage on a pool of worker processes gives the graph one process gives.

The pool normally runs only for corpora of thousands of papers; these tests lower that
bar so the small example corpus and real exports go through real worker processes.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from citegraph.errors import EngineError, GraphError
from citegraph.graph import entity_workers as W
from citegraph.graph import schema as S
from citegraph.graph.entities import add_entities
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.options import BuildOptions

FIXTURES = Path(__file__).parent / "fixtures"
ONLY_ENTITIES = dict(similarity=False, co_mention=False, citations=False, keywords=False,
                     co_citation=False, coupling=False, co_authorship=False)


@pytest.fixture
def small_pools(monkeypatch: pytest.MonkeyPatch) -> None:
    """Share even a handful of papers between workers, in chunks of a few papers."""
    monkeypatch.setattr(W, "MIN_PAPERS_PER_WORKER", 1)
    monkeypatch.setattr(W, "CHUNK", 7)


def _build(paths: list[Path], workers: int) -> KnowledgeGraph:
    import citegraph

    return citegraph.build([str(p) for p in paths],
                           options=BuildOptions(workers=workers, **ONLY_ENTITIES))


def _entity_edges(kg: KnowledgeGraph) -> int:
    edges = kg.stats()["edges"]
    return edges.get(S.MENTIONS, 0) + edges.get(S.INTRODUCES, 0)


def test_seeds_same_graph_with_two_workers(seed_files: list[Path], small_pools: None) -> None:
    assert W.worker_count(2, 100) == 2  # the two-worker build below really uses the pool
    one, two = _build(seed_files, 1), _build(seed_files, 2)
    assert _entity_edges(one) > 1000
    assert one == two
    assert one.entity_cache.papers == two.entity_cache.papers


def test_real_exports_same_graph_with_two_workers(small_pools: None) -> None:
    paths = [FIXTURES / "real" / "pubmed", FIXTURES / "real" / "scopus"]
    one, two = _build(paths, 1), _build(paths, 2)
    assert _entity_edges(one) > 500
    assert one == two


def test_append_with_workers_equals_full_build(seed_files: list[Path],
                                                small_pools: None) -> None:
    """Old papers keep their cached results, the new ones go to the workers; the graph is
    the one a full build in one process makes."""
    import citegraph

    options = BuildOptions(workers=2, **ONLY_ENTITIES)
    base = citegraph.build([str(p) for p in seed_files[:2]], options=options)
    appended = citegraph.build([str(p) for p in seed_files[2:]], options=options, base=base)
    assert appended == _build(seed_files, 1)


def _graph_with_bad_abstract() -> KnowledgeGraph:
    """Papers as a hand-edited saved graph may hold them: one abstract is a number."""
    kg = KnowledgeGraph()
    for i in range(20):
        kg.add_node(S.PAPER, f"arxiv:2401.{i:05d}", **{
            S.TITLE: f"LoRA-{i}: Low-Rank Adaptation evaluated on GSM8K",
            S.ABSTRACT: "We fine-tune Llama 3 with LoRA and report results on MMLU."})
    kg.add_node(S.PAPER, "arxiv:2401.99999", **{S.TITLE: "Scaling laws", S.ABSTRACT: 42})
    return kg


@pytest.mark.parametrize("workers", [1, 2])
def test_bad_record_names_the_paper(workers: int, small_pools: None) -> None:
    with pytest.raises(GraphError, match=r"^paper arxiv:2401\.99999: entity extraction failed"
                       r" \(TypeError: .*\)$"):
        add_entities(_graph_with_bad_abstract(), workers=workers)


def die(papers: list[W.Paper]) -> list[None]:
    """A job whose worker process dies, as one killed for memory does."""
    os._exit(1)


def test_worker_crash_is_one_line_error_not_a_hang() -> None:
    papers = [(f"p{i}", "A title", "An abstract.") for i in range(50)]
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            W.run_pool(papers, die, 2, ([], None, None), lambda n: None)
        except BaseException as exc:  # noqa: BLE001 - what the build's caller would see
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(120)
    assert not thread.is_alive(), "the build hung after a worker died"
    assert len(outcome) == 1 and isinstance(outcome[0], GraphError)
    assert "worker stopped" in str(outcome[0]) and "\n" not in str(outcome[0])


@pytest.mark.parametrize("bad", [0, -2, 1.5, True])
def test_worker_count_must_be_a_positive_whole_number(bad: object) -> None:
    with pytest.raises(EngineError, match="workers must be"):
        W.worker_count(bad, 10_000)  # type: ignore[arg-type]


def test_small_corpus_stays_in_the_build_process() -> None:
    assert W.worker_count(None, W.MIN_PAPERS_PER_WORKER - 1) == 1
    assert W.worker_count(8, 3 * W.MIN_PAPERS_PER_WORKER) == 3
    assert W.worker_count(1, 10**6) == 1


def test_cli_workers_option(seed_files: list[Path], tmp_path: Path, small_pools: None) -> None:
    from typer.testing import CliRunner

    from citegraph.cli import app

    args = ["build", str(seed_files[0]), "--out", str(tmp_path / "g"), "--no-similarity",
            "--quiet"]
    runner = CliRunner()
    assert runner.invoke(app, [*args, "--workers", "0"]).exit_code != 0
    result = runner.invoke(app, [*args, "--workers", "2"])
    assert result.exit_code == 0, result.output
    built = KnowledgeGraph.load(tmp_path / "g")
    assert built == _build_full_one(seed_files[0])


def _build_full_one(path: Path) -> KnowledgeGraph:
    import citegraph

    return citegraph.build([str(path)], options=BuildOptions(workers=1, similarity=False))


def test_script_without_main_guard_builds_once(seed_files: list[Path], tmp_path: Path) -> None:
    """A script that builds at top level is not run again by the workers it starts."""
    import subprocess
    import sys

    script = tmp_path / "build_seeds.py"
    script.write_text(
        "import citegraph\n"
        "from citegraph.graph import entity_workers\n"
        "from citegraph.graph.options import BuildOptions\n"
        "entity_workers.MIN_PAPERS_PER_WORKER = 1\n"
        "print('building', flush=True)\n"
        f"kg = citegraph.build([{str(seed_files[0])!r}], options=BuildOptions(workers=2, "
        "similarity=False))\n"
        "print(kg.stats()['edges']['MENTIONS'] > 100)\n", encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["building", "True"]
