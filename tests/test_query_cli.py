"""``citegraph query``: the generic command over the helper registry, on both backends."""

from __future__ import annotations

import json

import neo4j_support
import pytest
import typer
from neo4j_support import sample_graph
from typer.testing import CliRunner

from citegraph.errors import CitegraphError
from citegraph.graph.stores.neo4j_store import write_graph
from citegraph.queries import HELPERS, QueryError
from citegraph.queries.cli_commands import parse_arguments, query_command, run_query

neo4j_config = neo4j_support.neo4j_config
neo4j_driver = neo4j_support.neo4j_driver


def make_app() -> typer.Typer:
    app = typer.Typer()
    app.command("query")(query_command)

    @app.command()
    def other() -> None:  # a second command keeps "query" a subcommand, as in the real CLI
        pass

    return app


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    kg = sample_graph(max_papers=120)
    directory = tmp_path_factory.mktemp("graph")
    kg.save(directory)
    return kg, directory


def test_arguments_by_position_and_by_name():
    helper = HELPERS["papers_mentioning"]
    assert parse_arguments(helper, ["LoRA", "limit=3"]) == {"entity": "LoRA", "limit": 3}
    assert parse_arguments(helper, ["limit=2", "x=y"]) == {"limit": 2, "entity": "x=y"}
    with pytest.raises(QueryError, match="missing entity"):
        parse_arguments(helper, ["limit=2"])
    with pytest.raises(QueryError, match="whole number"):
        parse_arguments(helper, ["LoRA", "limit=many"])


def test_query_command_on_a_saved_graph(saved):
    kg, directory = saved
    runner = CliRunner()
    result = runner.invoke(make_app(), ["query", "top_entities", "type=model", "limit=2",
                                        "--graph", str(directory), "--format", "json"])
    assert result.exit_code == 0, result.output
    expected = [dict(r) for r in run_query("top_entities", ["model", "2"], graph=directory)[0]]
    assert json.loads(result.output) == expected and len(expected) == 2
    listing = runner.invoke(make_app(), ["query", "--list"])
    assert all(name in listing.output for name in HELPERS)
    table = runner.invoke(make_app(), ["query", "benchmarks_for_model", "CLIP", "-g",
                                       str(directory)])
    assert table.exit_code == 0 and "imagenet" in table.output and "count" in table.output


def test_cypher_on_a_saved_graph_is_a_clear_error(saved):
    _, directory = saved
    with pytest.raises(CitegraphError, match="needs Neo4j"):
        run_query("cypher", ["RETURN 1 AS one"], graph=directory)


@pytest.mark.neo4j
def test_query_command_on_neo4j(saved, neo4j_config, neo4j_driver, monkeypatch):
    kg, directory = saved
    write_graph(kg, neo4j_config.uri, neo4j_config.auth, neo4j_config.database)
    monkeypatch.setenv("NEO4J_PASSWORD", neo4j_config.password)
    monkeypatch.setenv("NEO4J_USERNAME", neo4j_config.user)
    on_neo4j = run_query("co_mentioned", ["gpt-4"], neo4j=neo4j_config.uri)[0]
    in_memory = run_query("co_mentioned", ["gpt-4"], graph=directory)[0]
    assert on_neo4j == in_memory and on_neo4j
    rows, columns = run_query("cypher", ["MATCH (m:Model {key: $k}) RETURN m.name AS name",
                                         "k=clip"], neo4j=neo4j_config.uri)
    assert rows == [{"name": "CLIP"}] and columns == ["name"]


def test_query_on_a_down_server_is_one_clear_line():
    from citegraph.graph.stores.neo4j_conn import Neo4jUnavailable

    with pytest.raises(Neo4jUnavailable) as err:
        run_query("top_entities", [], neo4j="bolt://127.0.0.1:9")
    assert str(err.value).startswith("cannot reach Neo4j at bolt://127.0.0.1:9: ")
    assert "\n" not in str(err.value)
