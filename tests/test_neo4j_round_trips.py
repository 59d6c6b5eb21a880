"""Round trips through the real Neo4j server and RDF, by the commands users run.

graph → Neo4j → ``citegraph pull`` / ``from_neo4j`` gives the graph back, embeddings
included; that graph → RDF → ``citegraph import-rdf`` gives it back again; a database
holding what the schema does not allow is refused by the reader, naming the item; and
``citegraph neo4j-import`` bulk-loads a saved graph. Helpers answer ``ambiguous="all"``
the same on both backends.
"""

from __future__ import annotations

import neo4j_support
import pytest
from ambiguous_graph import ambiguous_graph
from neo4j_support import borrow_vectors, db_counts, sample_graph
from test_ambiguity import REFERRING, ambiguous_call
from typer.testing import CliRunner

import citegraph
from citegraph.errors import AmbiguousName, GraphError
from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.stores.neo4j_store import read_graph, write_graph

neo4j_config = neo4j_support.neo4j_config
neo4j_driver = neo4j_support.neo4j_driver

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def graph(built_graph) -> KnowledgeGraph:
    """The sample graph (every relationship type, a discriminated citation, keywords and
    co-citation) with real paper embeddings."""
    return borrow_vectors(sample_graph(max_papers=120), built_graph)


def _env(monkeypatch, config) -> None:
    for name, value in (("NEO4J_URI", config.uri), ("NEO4J_USERNAME", config.user),
                        ("NEO4J_PASSWORD", config.password),
                        ("NEO4J_DATABASE", config.database)):
        monkeypatch.setenv(name, value)


def _cli(*args: str):
    from citegraph.cli import app

    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def test_pull_gives_back_the_graph_written(graph, neo4j_config, neo4j_driver, tmp_path,
                                           monkeypatch):
    write_graph(graph, neo4j_config.uri, neo4j_config.auth, neo4j_config.database)
    _env(monkeypatch, neo4j_config)
    assert citegraph.from_neo4j().equals(graph, embeddings=True)
    _cli("pull", "--out", str(tmp_path / "pulled"))
    pulled = citegraph.load(tmp_path / "pulled")
    assert pulled.equals(graph, embeddings=True)
    assert pulled.stats()["edges"][S.CITES] == graph.stats()["edges"][S.CITES]


@pytest.mark.parametrize("suffix", ["ttl", "nt", "jsonld"])
def test_pulled_graph_through_rdf_and_import_rdf_is_equal(graph, neo4j_config, neo4j_driver,
                                                          tmp_path, monkeypatch, suffix):
    write_graph(graph, neo4j_config.uri, neo4j_config.auth, neo4j_config.database)
    _env(monkeypatch, neo4j_config)
    _cli("pull", "--out", str(tmp_path / "pulled"))
    _cli("export", str(tmp_path / "pulled"), "-o", str(tmp_path / f"g.{suffix}"))
    _cli("import-rdf", str(tmp_path / f"g.{suffix}"), "--out", str(tmp_path / "back"))
    back = citegraph.load(tmp_path / "back")
    assert back == graph and back.embeddings is None  # RDF carries no vectors


def _run(driver, database: str, statement: str, **params) -> None:
    with driver.session(database=database) as session:
        session.run(statement, **params).consume()


def test_the_neo4j_reader_refuses_what_the_schema_does_not_allow(neo4j_config, neo4j_driver):
    kg = ambiguous_graph()
    write_graph(kg, neo4j_config.uri, neo4j_config.auth, neo4j_config.database)
    db = neo4j_config.database
    # another application's data beside the graph is passed over
    _run(neo4j_driver, db, "MATCH (p:Paper {key: 'doi:10.1/c'}) "
         "CREATE (:Planet {name: 'Mars'})-[:MENTIONS]->(p)")
    assert read_graph(neo4j_config.uri, neo4j_config.auth, db) == kg
    # a relationship between citegraph nodes the type may not join is refused
    _run(neo4j_driver, db, "MATCH (a:Author {key: 'lee-ann'}), (p:Paper {key: 'doi:10.1/c'}) "
         "CREATE (a)-[:MENTIONS]->(p)")
    with pytest.raises(GraphError) as err:
        read_graph(neo4j_config.uri, neo4j_config.auth, db)
    assert str(err.value) == ("Neo4j MENTIONS edge 'Author:lee-ann' -> 'Paper:doi:10.1/c': a "
                              "MENTIONS edge cannot start at 'Author:lee-ann' (a Author)")
    _run(neo4j_driver, db, "MATCH (:Author)-[r:MENTIONS]->() DELETE r")
    # a node whose property no store can hold is refused
    _run(neo4j_driver, db, "CREATE (:Method {key: '', name: 'nameless'})")
    with pytest.raises(GraphError, match=r"Neo4j Method node '': malformed Method key ''"):
        read_graph(neo4j_config.uri, neo4j_config.auth, db)


@pytest.mark.slow
def test_neo4j_import_command_bulk_loads_a_saved_graph(graph, neo4j_config, neo4j_driver,
                                                       tmp_path, monkeypatch):
    from test_neo4j_import import _our_server

    if not _our_server(neo4j_config):
        pytest.skip("neo4j-import stops and starts the server, so it must be scripts/neo4j's")
    graph.save(tmp_path / "g")
    _env(monkeypatch, neo4j_config)
    shown = _cli("neo4j-import", str(tmp_path / "g")).output
    assert (f"{graph.number_of_nodes():,} nodes and {graph.number_of_edges():,} "
            "relationships") in " ".join(shown.split())
    assert db_counts(neo4j_driver, neo4j_config.database) == graph.stats()
    assert citegraph.from_neo4j().equals(graph, embeddings=True)


def test_ambiguous_all_answers_the_same_on_both_backends(neo4j_config, neo4j_driver):
    from citegraph.graph.stores.neo4j_conn import connect
    from citegraph.queries import EmbeddedBackend, Neo4jBackend, Queries

    kg = ambiguous_graph()
    write_graph(kg, neo4j_config.uri, neo4j_config.auth, neo4j_config.database)
    backend = Neo4jBackend(connect(neo4j_config), neo4j_config.database)
    try:
        mine, theirs = Queries(EmbeddedBackend(kg)), Queries(backend)
        for name in REFERRING:
            args, _ = ambiguous_call(name)
            with pytest.raises(AmbiguousName) as err:
                theirs.run(name, **args)
            with pytest.raises(AmbiguousName) as embedded_err:
                mine.run(name, **args)
            assert str(err.value) == str(embedded_err.value), name
            rows = theirs.run(name, **args, ambiguous="all")
            assert rows == mine.run(name, **args, ambiguous="all") != [], name
    finally:
        backend.close()
