"""Bulk import: the CSV writer's format, and a real ``neo4j-admin database import`` run."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import neo4j_support
import numpy as np
import pytest
from neo4j_support import borrow_vectors, db_counts, sample_graph

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.stores.neo4j_import import (
    ARRAY_DELIMITER,
    bulk_import,
    import_arguments,
    write_import_csv,
)
from citegraph.graph.stores.neo4j_schema import vector_index_name
from citegraph.graph.stores.neo4j_store import read_graph
from citegraph.graph.vectors import PaperVectors

neo4j_config = neo4j_support.neo4j_config
neo4j_driver = neo4j_support.neo4j_driver

ROOT = Path(__file__).resolve().parent.parent


def small_graph() -> KnowledgeGraph:
    kg = KnowledgeGraph()
    p = kg.add_node(S.PAPER, "p1", **{S.TITLE: 'A "quoted", comma title', S.YEAR: 2024,
                                      S.AUTHORS: ["Ann", "Bo, Jr."], S.STUB: True,
                                      S.ABSTRACT: "two\nlines"})
    q = kg.add_node(S.PAPER, "p2", **{S.TITLE: "", S.UPVOTES: np.int64(3)})
    m = kg.add_node(S.MODEL, "gpt-4", **{S.NAME: "GPT-4", S.ALIASES: ["GPT4"]})
    kg.add_edge(S.MENTIONS, p, m, **{S.COUNT: 2, S.EVIDENCE: ["x"]})
    kg.add_edge(S.CITES, p, q, **{S.INFERRED: False})
    kg.add_edge(S.CITES, p, q, discriminator="via-gpt-4", **{S.INFERRED: True, S.VIA: "gpt-4"})
    kg.add_edge(S.SIMILAR_TO, p, q, **{S.SCORE: np.float32(0.75)})
    return kg


def test_csv_files_use_the_admin_import_header_format(tmp_path):
    files = write_import_csv(small_graph(), tmp_path)
    papers = files.nodes[S.PAPER][0].read_text(encoding="utf-8")
    header = papers.splitlines()[0].split(",")
    assert header[:2] == [f"{S.KEY}:ID({S.PAPER})", ":LABEL"]
    assert f"{S.YEAR}:long" in header and f"{S.AUTHORS}:string[]" in header
    assert f"{S.STUB}:boolean" in header and f"{S.TITLE}:string" in header
    assert f"{S.UPVOTES}:long" in header  # a numpy integer
    assert f'"Ann{ARRAY_DELIMITER}Bo, Jr."' in papers
    assert '"A ""quoted"", comma title"' in papers
    cites = files.relationships[S.CITES][0].read_text(encoding="utf-8").splitlines()
    assert cites[0].split(",")[:3] == [f":START_ID({S.PAPER})", f":END_ID({S.PAPER})", ":TYPE"]
    assert f"{S.DISCRIMINATOR}:string" in cites[0] and len(cites) == 3
    similar = files.relationships[S.SIMILAR_TO][0].read_text(encoding="utf-8").splitlines()
    assert similar[0].endswith(f"{S.SCORE}:double") and similar[1].endswith(",0.75")
    args = import_arguments(files, "neo4j")
    assert args[:4] == ["database", "import", "full", "neo4j"]
    assert "--overwrite-destination=true" in args
    assert f"--report-file={tmp_path / 'import.report'}" in args  # never the working dir
    assert sum(a.startswith("--nodes=") for a in args) == 2
    assert sum(a.startswith("--relationships=") for a in args) == 3


def test_embeddings_become_float_array_columns(tmp_path):
    kg = small_graph()
    vector = np.array([0.6, 0.8, 0.0, 1 / 3], dtype=np.float32)
    kg.embeddings = PaperVectors("some-model", ["p1"], ["h1"], vector[None, :])
    files = write_import_csv(kg, tmp_path)
    with open(files.nodes[S.PAPER][0], encoding="utf-8", newline="") as fh:
        header, *rows = csv.reader(fh)
    assert f"{S.EMBEDDING}:float[]" in header
    assert f"{S.EMBEDDING_HASH}:string" in header and f"{S.EMBEDDING_MODEL}:string" in header
    cells = dict(zip(header, next(r for r in rows if r[0] == "p1"), strict=True))
    values = cells[f"{S.EMBEDDING}:float[]"].split(ARRAY_DELIMITER)
    assert np.array_equal(np.array(values, dtype=np.float64).astype(np.float32), vector)
    assert cells[f"{S.EMBEDDING_HASH}:string"] == "h1"
    assert cells[f"{S.EMBEDDING_MODEL}:string"] == "some-model"
    p2 = dict(zip(header, next(r for r in rows if r[0] == "p2"), strict=True))
    assert p2[f"{S.EMBEDDING}:float[]"] == ""  # no vector: the property stays absent


def _our_server(config) -> bool:
    home = Path(os.environ.get("CITEGRAPH_NEO4J_HOME", ROOT / ".neo4j"))
    try:
        pid = int((home / "run" / "neo4j.pid").read_text())
        return b"CommunityEntryPoint" in Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return False


@pytest.mark.neo4j
@pytest.mark.slow
def test_bulk_import_gives_the_same_graph(neo4j_config, neo4j_driver, built_graph):
    if not _our_server(neo4j_config):
        pytest.skip("bulk import stops and starts the server, so it must be scripts/neo4j's")
    kg = borrow_vectors(sample_graph(), built_graph)  # with real paper embeddings
    awkward = small_graph()  # quotes, commas, newlines, "", arrays, a discriminator
    kg.g.add_nodes_from(awkward.g.nodes(data=True))
    for start, end, key, attrs in awkward.g.edges(keys=True, data=True):
        kg.g.add_edge(start, end, key=key, **attrs)
    result = bulk_import(kg, neo4j_config.database, manage_server=True,
                         uri=neo4j_config.uri, auth=neo4j_config.auth)
    assert result == {"nodes": kg.g.number_of_nodes(), "relationships": kg.g.number_of_edges()}
    assert db_counts(neo4j_driver, neo4j_config.database) == kg.stats()
    back = read_graph(neo4j_config.uri, neo4j_config.auth, neo4j_config.database)
    assert back.equals(kg, embeddings=True)
    assert back.embeddings is not None and len(back.embeddings) == len(kg.embeddings) > 10
    with neo4j_driver.session(database=neo4j_config.database) as session:
        index = session.run("SHOW VECTOR INDEXES YIELD name, state, options "
                            "WHERE name = $name RETURN *", name=vector_index_name()).single()
    assert index is not None and index["state"] == "ONLINE"
    assert index["options"]["indexConfig"]["vector.dimensions"] == 384
