"""Bulk import: the CSV writer's format, and a real ``neo4j-admin database import`` run."""

from __future__ import annotations

import os
from pathlib import Path

import neo4j_support
import numpy as np
import pytest
from import_files import directory_multisets, groups, read_group, row_multisets
from neo4j_support import borrow_vectors, db_counts, sample_graph

from citegraph.errors import Neo4jStoreError
from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.stores import neo4j_csv
from citegraph.graph.stores.neo4j_conn import connect
from citegraph.graph.stores.neo4j_import import (
    ARRAY_DELIMITER,
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


def _text(paths: list[Path]) -> tuple[str, str]:
    """A file group's header line and the text of its parts."""
    return (paths[0].read_text(encoding="utf-8"),
            "".join(p.read_text(encoding="utf-8") for p in paths[1:]))


def test_csv_files_use_the_admin_import_header_format(tmp_path):
    files = write_import_csv(small_graph(), tmp_path)
    header_line, papers = _text(files.nodes[S.PAPER][0])
    header = header_line.rstrip("\n").split(",")
    assert header[:2] == [f"{S.KEY}:ID({S.PAPER})", ":LABEL"]
    assert f"{S.YEAR}:long" in header and f"{S.AUTHORS}:string[]" in header
    assert f"{S.STUB}:boolean" in header and f"{S.TITLE}:string" in header
    assert f"{S.UPVOTES}:long" in header  # a numpy integer
    assert f'"Ann{ARRAY_DELIMITER}Bo, Jr."' in papers
    assert '"A ""quoted"", comma title"' in papers
    cites_header, cites = _text(files.relationships[S.CITES][0])
    assert cites_header.split(",")[:3] == [f":START_ID({S.PAPER})", f":END_ID({S.PAPER})",
                                           ":TYPE"]
    assert f"{S.DISCRIMINATOR}:string" in cites_header and len(cites.splitlines()) == 2
    similar_header, similar = _text(files.relationships[S.SIMILAR_TO][0])
    assert similar_header.rstrip().endswith(f"{S.SCORE}:double")
    assert similar.rstrip().endswith(",0.75")
    args = import_arguments(files, "neo4j")
    assert args[:4] == ["database", "import", "full", "neo4j"]
    assert "--overwrite-destination=true" in args
    assert f"--report-file={tmp_path / 'import.report'}" in args  # never the working dir
    assert f"--nodes={S.PAPER}={tmp_path / 'nodes_paper.header.csv'}," \
        f"{tmp_path / 'nodes_paper.part-00000.csv'}" in args
    assert sum(a.startswith("--nodes=") for a in args) == 2
    assert sum(a.startswith("--relationships=") for a in args) == 3


def citation_chain(papers: int) -> KnowledgeGraph:
    """Papers citing the one before, every other one with a list and a float."""
    kg = KnowledgeGraph()
    previous = None
    for n in range(papers):
        extra = {S.AUTHORS: [f"A{n}", "B, C"], S.SCORE: n / 3} if n % 2 else {S.YEAR: n}
        nid = kg.add_node(S.PAPER, f"p{n}", **{S.TITLE: f'T "{n}"', **extra})
        if previous is not None:
            kg.add_edge(S.CITES, nid, previous, **{S.INFERRED: n % 3 == 0})
        previous = nid
    return kg


def test_big_groups_are_written_as_bounded_parts_under_one_header(tmp_path, monkeypatch):
    """Parts of at most PART_ROWS rows hold together the rows one part holds, with one
    header decided over all of them (a column whose types differ between parts is typed
    for both), and neo4j-admin is given the header followed by every part."""
    kg = citation_chain(23)
    whole = groups(write_import_csv(kg, tmp_path / "whole"))
    monkeypatch.setattr(neo4j_csv, "PART_ROWS", 4)
    files = write_import_csv(kg, tmp_path / "parts")
    paper_files = files.nodes[S.PAPER][0]
    assert [p.name for p in paper_files] == ["nodes_paper.header.csv"] + [
        f"nodes_paper.part-{k:05d}.csv" for k in range(6)]
    assert all(len(p.read_text(encoding="utf-8").splitlines()) <= 4 for p in paper_files[1:])
    assert groups(files) == whole  # same headers, same rows in the same order
    header = whole["nodes_paper.header.csv"][0]
    assert f"{S.SCORE}:double" in header and f"{S.YEAR}:long" in header
    assert f"{S.AUTHORS}:string[]" in header
    args = files.arguments()
    assert f"--nodes={S.PAPER}=" + ",".join(map(str, paper_files)) in args
    assert len(files.relationships[S.CITES][0]) == 1 + 6  # 22 citations in parts of 4
    # a smaller graph written over it: the parts it no longer needs are gone
    monkeypatch.setattr(neo4j_csv, "PART_ROWS", 100)
    again = write_import_csv(citation_chain(5), tmp_path / "parts")
    assert sorted(p.name for p in (tmp_path / "parts").glob("nodes_paper*")) == [
        "nodes_paper.header.csv", "nodes_paper.part-00000.csv"]
    assert len(groups(again)["nodes_paper.header.csv"][1]) == 5


def test_a_failed_write_leaves_the_files_there_as_they_were(tmp_path, monkeypatch):
    """Files are renamed into place only once every one is written: a part that fails
    leaves the earlier write's files whole, and no staging folder behind."""
    from citegraph.graph.stores import neo4j_import

    monkeypatch.setattr(neo4j_csv, "PART_ROWS", 4)
    write_import_csv(citation_chain(9), tmp_path)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    real = neo4j_csv.write_part

    def failing(directory, group, index, rows):
        if index == 2:
            raise OSError(28, "No space left on device", str(directory / group.part_name(2)))
        return real(directory, group, index, rows)

    monkeypatch.setattr(neo4j_import, "write_part", failing)
    with pytest.raises(OSError, match="No space left"):
        write_import_csv(citation_chain(23), tmp_path)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_lone_surrogates_are_written_as_replacement_characters(tmp_path):
    kg = KnowledgeGraph()
    kg.add_node(S.PAPER, "p1", **{S.TITLE: "Broken \ud800 title",
                                  S.AUTHORS: ["Ada \udfff", "pair \ud83d\ude00 kept"]})
    _, rows = read_group(write_import_csv(kg, tmp_path).nodes[S.PAPER][0])
    assert rows[0][2:] == [f"Ada \ufffd{ARRAY_DELIMITER}pair \U0001F600 kept",
                           "Broken \ufffd title"]


def test_wide_rows_make_smaller_parts(tmp_path, monkeypatch):
    """An embedding counts a cell per dimension, so parts of papers with vectors hold
    fewer rows (at most PART_CELLS cells), and no part is empty."""
    kg = citation_chain(10)
    keys = [f"p{n}" for n in range(10)]
    kg.embeddings = PaperVectors("m", keys, [f"h{k}" for k in keys],
                                 np.eye(10, 16, dtype=np.float32))
    monkeypatch.setattr(neo4j_csv, "PART_CELLS", 72)  # 9 columns, 16 dimensions: 24 cells
    files = write_import_csv(kg, tmp_path)
    paper_files = files.nodes[S.PAPER][0]
    assert len(paper_files) == 1 + 4 and len(files.relationships[S.CITES][0]) == 1 + 1
    header, rows = groups(files)["nodes_paper.header.csv"]
    assert len(rows) == 10 and f"{S.EMBEDDING}:float[]" in header


def test_the_build_option_writes_the_import_files(seed_files, tmp_path):
    """``BuildOptions(import_dir=...)`` (``build --import-dir``) writes the graph's files."""
    import citegraph
    from citegraph.graph.options import BuildOptions
    from citegraph.graph.progress import SILENT

    kg = citegraph.build([seed_files[0]], progress=SILENT, options=BuildOptions(
        similarity=False, entities=False, import_dir=tmp_path / "import"))
    written = directory_multisets(tmp_path / "import")
    assert written == row_multisets(write_import_csv(kg, tmp_path / "again"))
    assert sum(written["nodes_paper.header.csv"][1].values()) == len(kg.papers) > 50


def test_a_comma_in_the_directory_is_refused(tmp_path):
    files = write_import_csv(small_graph(), tmp_path / "a,b")
    with pytest.raises(Neo4jStoreError, match="path with a comma"):
        import_arguments(files, "neo4j")


def test_embeddings_become_float_array_columns(tmp_path):
    kg = small_graph()
    vector = np.array([0.6, 0.8, 0.0, 1 / 3], dtype=np.float32)
    kg.embeddings = PaperVectors("some-model", ["p1"], ["h1"], vector[None, :])
    files = write_import_csv(kg, tmp_path)
    header, rows = read_group(files.nodes[S.PAPER][0])
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
def test_bulk_import_gives_the_same_graph(neo4j_config, neo4j_driver, built_graph,
                                         monkeypatch):
    """Through ``first_load``, made to choose the import (its batched branch is tested with
    the append); cached query answers follow the replaced database."""
    from citegraph.graph.stores import neo4j_first_load as F
    from citegraph.queries import Neo4jBackend, Queries

    if not _our_server(neo4j_config):
        pytest.skip("bulk import stops and starts the server, so it must be scripts/neo4j's")
    kg = borrow_vectors(sample_graph(), built_graph)  # with real paper embeddings
    awkward = small_graph()  # quotes, commas, newlines, "", arrays, a discriminator
    kg.g.add_nodes_from(awkward.g.nodes(data=True))
    for start, end, key, rel, attrs in awkward.keyed_edges():
        kg.add_edge(rel, start, end, S.edge_discriminator(key),
                    **{p: x for p, x in attrs.items() if p != S.TYPE})
    before = sample_graph(max_papers=12)
    neo4j_support.wipe(neo4j_driver, neo4j_config.database)
    F.first_load(before, neo4j_config.uri, neo4j_config.auth, neo4j_config.database)
    q = Queries(Neo4jBackend(connect(neo4j_config), neo4j_config.database))
    assert q.most_cited(limit=None) == before.query.most_cited(limit=None)  # now kept
    neo4j_support.wipe(neo4j_driver, neo4j_config.database)
    monkeypatch.setattr(F, "IMPORT_ABOVE_ROWS", 10)
    assert F.prefers_import(kg)
    result = F.first_load(kg, neo4j_config.uri, neo4j_config.auth, neo4j_config.database)
    assert result == {"nodes": kg.number_of_nodes(), "relationships": kg.number_of_edges(),
                      "method": "import"}
    try:  # the imported database is a new version: nothing kept from the one it replaced
        assert q.most_cited(limit=None) == kg.query.most_cited(limit=None)
    finally:
        q.backend.close()
    assert db_counts(neo4j_driver, neo4j_config.database) == kg.stats()
    back = read_graph(neo4j_config.uri, neo4j_config.auth, neo4j_config.database)
    assert back.equals(kg, embeddings=True)
    assert back.embeddings is not None and len(back.embeddings) == len(kg.embeddings) > 10
    with neo4j_driver.session(database=neo4j_config.database) as session:
        index = session.run("SHOW VECTOR INDEXES YIELD name, state, options "
                            "WHERE name = $name RETURN *", name=vector_index_name()).single()
    assert index is not None and index["state"] == "ONLINE"
    assert index["options"]["indexConfig"]["vector.dimensions"] == 384
