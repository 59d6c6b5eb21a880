"""Paper embeddings with the real model: caching by content hash, appends, search, errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from citegraph import build
from citegraph.errors import CitegraphError
from citegraph.graph import schema as S
from citegraph.graph.embed import (
    DEFAULT_MODEL,
    encode_sorted,
    load_encoder,
    paper_text,
    resolve_model,
)
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.pipeline import BuildOptions
from citegraph.graph.search import search_similar


class Counting:
    """Wraps the loaded model's ``encode`` and counts the texts it is given."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, encoder) -> None:
        self.texts: list[str] = []
        original = encoder.model.encode

        def encode(sentences, *args, **kwargs):
            self.texts.extend([sentences] if isinstance(sentences, str) else sentences)
            return original(sentences, *args, **kwargs)

        monkeypatch.setattr(encoder.model, "encode", encode)


def test_paper_text_joins_title_and_abstract() -> None:
    assert paper_text({S.TITLE: "Graphs", S.ABSTRACT: "We study graphs."}) == \
        "Graphs. We study graphs."
    assert paper_text({S.TITLE: "Why graphs?", S.ABSTRACT: "Because."}) == "Why graphs? Because."
    assert paper_text({S.TITLE: "Only a title"}) == "Only a title"


def test_default_model_is_the_bundled_one(encoder) -> None:
    name, path = resolve_model(None)
    assert name == DEFAULT_MODEL and Path(path, "modules.json").exists()
    assert load_encoder() is encoder and load_encoder("all-MiniLM-L6-v2") is encoder
    assert encoder.dimension == 384


def test_missing_model_is_one_clear_error() -> None:
    with pytest.raises(CitegraphError, match="no such directory"):
        load_encoder("./no/such/model")
    with pytest.raises(CitegraphError, match="no-such-org/no-such-model.*downloads are off"):
        load_encoder("no-such-org/no-such-model")


def test_sorted_chunks_keep_input_order(encoder) -> None:
    texts = ["a short one", "a much longer text about graph neural networks " * 5, "mid text"]
    direct = encoder.encode(texts)
    assert np.allclose(encode_sorted(encoder, texts), direct, atol=1e-5)
    assert np.allclose(np.linalg.norm(direct, axis=1), 1.0, atol=1e-4)


@pytest.mark.slow
def test_append_embeds_only_the_new_papers(
    encoder, seed_files: list[Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = build(seed_files[:4])
    assert first.embeddings is not None and first.embeddings.model == DEFAULT_MODEL
    first.save(tmp_path)
    base = KnowledgeGraph.load(tmp_path)
    counting = Counting(monkeypatch, encoder)
    grown = build(seed_files[4:], base=base)
    old_hashes = set(first.embeddings.hashes)
    new_hashes = set(grown.embeddings.hashes) - old_hashes
    new_papers = {p[S.KEY] for p in grown.papers} - {p[S.KEY] for p in first.papers}
    assert 0 < len(new_papers) <= len(new_hashes) == len(counting.texts)
    assert len(counting.texts) < len(grown.embeddings) // 2
    assert {paper_text(grown.node(S.node_id(S.PAPER, k))) for k in new_papers} <= \
        set(counting.texts)
    for key in first.embeddings.keys[:20]:  # unchanged papers keep their vectors
        if key not in new_papers and grown.embeddings.row(key) is not None:
            assert np.array_equal(grown.embeddings.row(key), first.embeddings.row(key))

    # rebuilding the same output from scratch reuses the vectors saved there
    counting.texts.clear()
    again = build(seed_files, options=BuildOptions(vector_cache=grown.embeddings))
    assert counting.texts == []
    assert again.embeddings == grown.embeddings
    assert again.stats()["edges"][S.SIMILAR_TO] == grown.stats()["edges"][S.SIMILAR_TO] > 0

    # semantic search over the stored vectors finds a paper from its own title
    paper = grown.node(S.node_id(S.PAPER, new_papers.pop()))
    hits = search_similar(grown, paper[S.TITLE], k=3)
    assert hits[0][0] == paper[S.KEY] and len(hits) == 3
    assert hits[0][1] >= hits[1][1] >= hits[2][1]


def test_search_needs_embeddings() -> None:
    with pytest.raises(CitegraphError, match="no paper embeddings"):
        search_similar(KnowledgeGraph(), "graphs")


def test_cli_reports_a_missing_model_in_one_line(seed_files: list[Path], tmp_path: Path) -> None:
    import subprocess
    import sys

    run = subprocess.run(
        [sys.executable, "-m", "citegraph", "build", str(seed_files[0]), "--out",
         str(tmp_path / "g"), "--model", "./no/such/model", "-q"],
        capture_output=True, text=True, timeout=120,
    )
    assert run.returncode == 1
    assert run.stderr.strip() == "error: embedding model './no/such/model': no such directory"
    assert not (tmp_path / "g").exists()


def test_cli_similarity_options_and_rebuild_cache(
    encoder, seed_files: list[Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from citegraph.cli import app

    out = tmp_path / "g"
    common = ["build", str(seed_files[0]), "--out", str(out), "-q", "--no-entities"]
    first = CliRunner().invoke(app, [*common, "--similarity-threshold", "0.8",
                                     "--similarity-top-k", "2"])
    assert first.exit_code == 0, first.output
    strict = KnowledgeGraph.load(out)
    scores = [p[S.SCORE] for _, _, _, p in strict.edges(S.SIMILAR_TO)]
    papers = len(strict.embeddings)
    assert scores and min(scores) >= 0.8 and len(scores) <= 2 * papers

    counting = Counting(monkeypatch, encoder)  # the rebuild reuses the vectors in --out
    second = CliRunner().invoke(app, [*common, "--similarity-threshold", "0.3"])
    assert second.exit_code == 0, second.output
    assert counting.texts == []
    loose = KnowledgeGraph.load(out)
    assert loose.embeddings == strict.embeddings
    assert loose.stats()["edges"][S.SIMILAR_TO] > len(scores)
