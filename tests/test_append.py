"""Appending to a graph gives the graph a full build of all the papers gives, at the cost
of the new papers: only they (and old papers naming what they introduce) are extracted."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest

from citegraph import build, load
from citegraph.graph import schema as S
from citegraph.graph.embed import DEFAULT_MODEL, embeddable_papers
from citegraph.graph.extract import extractor as X
from citegraph.graph.options import BuildOptions
from citegraph.graph.progress import SILENT
from citegraph.graph.vectors import PaperVectors, content_hash

FIXTURES = Path(__file__).parent / "fixtures"


def _differences(a, b) -> list[str]:
    """What differs between two graphs, for a readable failure."""
    na, ea = a._signature()
    nb, eb = b._signature()
    out = [f"node only in one: {n}" for n in sorted(set(na) ^ set(nb))[:5]]
    out += [f"node differs: {n}" for n in sorted(set(na) & set(nb)) if na[n] != nb[n]][:5]
    out += [f"edge only in one: {e}" for e in sorted(set(ea) ^ set(eb))[:5]]
    out += [f"edge differs: {e}" for e in sorted(set(ea) & set(eb)) if ea[e] != eb[e]][:5]
    return out


def _count_extractions(monkeypatch) -> dict[str, int]:
    calls = {"extract": 0}
    original = X.Extractor.extract

    def counted(self, *args, **kwargs):
        calls["extract"] += 1
        return original(self, *args, **kwargs)

    monkeypatch.setattr(X.Extractor, "extract", counted)
    return calls


def test_append_equals_full_build_on_the_example_corpus(seed_files, monkeypatch):
    first, second = seed_files[:3], seed_files[3:]
    options = lambda: BuildOptions(similarity=False)  # noqa: E731
    full = build(seed_files, options=options(), progress=SILENT)
    grown = build(first, options=options(), progress=SILENT)
    old_papers = len(grown.papers)
    calls = _count_extractions(monkeypatch)
    appended = grown.append(second, options=options(), progress=SILENT)
    assert appended.equals(full), _differences(appended, full)
    assert appended.stats()["edges"][S.MENTIONS] > 0
    # the new papers are extracted, and fewer old ones than there are
    new_papers = len(full.papers) - old_papers
    assert new_papers <= calls["extract"] < len(full.papers)


def _seeded_vectors(kg, dim: int = 16, seed: int = 0) -> PaperVectors:
    """Vectors for every paper text of ``kg`` around a few topic centres, as a cache."""
    rng = np.random.default_rng(seed)
    texts = sorted({content_hash(text) for _, text in embeddable_papers(kg)})
    centres = rng.standard_normal((5, dim))
    matrix = centres[rng.integers(0, 5, len(texts))] + 0.3 * rng.standard_normal(
        (len(texts), dim))
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    return PaperVectors(DEFAULT_MODEL, texts, texts, matrix.astype(np.float32))


def test_append_with_similarity_equals_full_build(seed_files):
    first, second = seed_files[:2], seed_files[2:]
    plain = BuildOptions(entities=False, similarity=False, co_mention=False, citations=False)
    vectors = _seeded_vectors(build(seed_files, options=plain, progress=SILENT))

    def options() -> BuildOptions:
        return BuildOptions(vector_cache=vectors, similarity_top_k=5,
                            similarity_threshold=0.3)

    full = build(seed_files, options=options(), progress=SILENT)
    appended = build(first, options=options(), progress=SILENT).append(
        second, options=options(), progress=SILENT)
    assert full.stats()["edges"][S.SIMILAR_TO] > 0
    assert appended.equals(full, embeddings=True), _differences(appended, full)


def _split_csv(source: Path, directory: Path) -> tuple[Path, Path]:
    """The rows of a CSV export in two files, each with the header."""
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8-sig"))))
    half = 1 + (len(rows) - 1) // 2
    out = []
    for name, part in (("a.csv", rows[1:half]), ("b.csv", rows[half:])):
        buffer = io.StringIO()
        csv.writer(buffer).writerows([rows[0], *part])
        path = directory / name
        path.write_text(buffer.getvalue(), encoding="utf-8")
        out.append(path)
    return out[0], out[1]


def test_append_of_an_export_with_references_equals_full_build(tmp_path):
    source = FIXTURES / "real" / "scopus" / "bibliometrix_scopus_sample.csv"
    a, b = _split_csv(source, tmp_path)
    options = lambda: BuildOptions(similarity=False)  # noqa: E731
    full = build([a, b], options=options(), progress=SILENT)
    appended = build(a, options=options(), progress=SILENT).append(
        b, options=options(), progress=SILENT)
    stats = full.stats()["edges"]
    assert stats[S.CITES] > 0 and stats[S.CO_CITED] + stats[S.COUPLED] > 0
    assert appended.equals(full), _differences(appended, full)


@pytest.mark.slow
def test_cli_append_to_a_saved_graph_equals_full_build(seed_files, tmp_path):
    from typer.testing import CliRunner

    from citegraph.cli import app

    def run(*args: str) -> None:
        result = CliRunner().invoke(app, list(args))
        assert result.exit_code == 0, result.output

    run("build", *map(str, seed_files[:3]), "--out", str(tmp_path / "g"), "--no-similarity",
        "-q")
    run("build", *map(str, seed_files[3:]), "--out", str(tmp_path / "g"), "--no-similarity",
        "--append", "-q")
    run("build", *map(str, seed_files), "--out", str(tmp_path / "full"), "--no-similarity",
        "-q")
    appended, full = load(tmp_path / "g"), load(tmp_path / "full")
    assert appended.entity_cache is not None
    assert appended.equals(full), _differences(appended, full)


def test_rebuild_reuses_saved_entity_results(seed_files, tmp_path, monkeypatch):
    options = lambda: BuildOptions(similarity=False)  # noqa: E731
    first = build(seed_files[:1], options=options(), progress=SILENT)
    first.save(tmp_path / "g")
    calls = _count_extractions(monkeypatch)
    again = build(seed_files[:1], options=options(), reuse=tmp_path / "g", progress=SILENT)
    assert calls["extract"] == 0
    assert again.equals(first)
    # an append to the saved directory reads the graph there
    grown = build(seed_files[1:2], options=options(), base=tmp_path / "g", progress=SILENT)
    new = len(grown.papers) - len(first.papers)
    assert 0 < new <= calls["extract"] < len(grown.papers)
