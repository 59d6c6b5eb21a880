"""The public surface: one name resolver, one error family, the API and the CLI in step.

Each test here pins a defect a user following the README met: names the build folds
together but queries did not, views and helpers disagreeing on ambiguity, missing exports,
commands without help or documentation.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import neo4j_support
import pytest
import typer
from typer.testing import CliRunner

import citegraph
from citegraph.errors import AmbiguousName, BadArgument, CitegraphError, QueryError
from citegraph.graph import schema as S
from citegraph.graph.names import fold_name
from citegraph.queries.cli_commands import format_rows
from citegraph.queries.sparql_examples import run_example
from citegraph.viz import resolve_focus

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture(scope="module")
def kg(seeds_dir):
    """The whole example corpus with entities and co-mentions (no embedding model)."""
    from citegraph.graph.pipeline import BuildOptions

    return citegraph.build([seeds_dir], options=BuildOptions(similarity=False))


def _keys(rows: list[dict]) -> list[str]:
    return [r["key"] for r in rows]


# --- one name resolver ------------------------------------------------------------------


def test_every_spelling_the_build_folds_finds_the_same_papers(kg) -> None:
    assert kg.has_node("Model:llama2")
    by_key = _keys(kg.query.papers_mentioning("llama2"))
    assert by_key
    for spelling in ("LLaMA-2", "Llama-2", "Llama 2", "LLAMA 2"):
        assert fold_name(spelling) == "llama2"
        assert _keys(kg.query.papers_mentioning(spelling)) == by_key, spelling


def test_an_alias_shared_by_two_entities_is_ambiguous_in_helpers_and_views(kg) -> None:
    with pytest.raises(AmbiguousName) as helper_err:
        kg.query.papers_mentioning("DPO")
    message = str(helper_err.value)
    assert "\n" not in message
    assert "Method:directpreferenceoptimization (Direct Preference Optimization)" in message
    assert "Method:directpolicyoptimization (Direct Policy Optimization)" in message
    with pytest.raises(AmbiguousName) as view_err:
        resolve_focus(kg, "DPO")
    assert str(view_err.value).split(" is ambiguous")[1] == message.split(" is ambiguous")[1]
    assert isinstance(helper_err.value, QueryError)
    both = kg.resolve("DPO", "entity", ambiguous="all")
    assert set(both) == {"Method:directpreferenceoptimization", "Method:directpolicyoptimization"}


def test_the_long_form_of_an_entity_is_unambiguous(kg) -> None:
    rows = kg.query.papers_mentioning("direct preference optimization")
    assert rows == kg.query.papers_mentioning("Method:directpreferenceoptimization")
    assert rows


def test_sparql_examples_take_a_name_or_alias(kg) -> None:
    by_key = run_example(kg, "papers_mentioning", entity="lowrankadaptation")
    assert by_key
    assert run_example(kg, "papers_mentioning", entity="lora") == by_key
    assert run_example(kg, "papers_mentioning", entity="Low-Rank Adaptation") == by_key
    with pytest.raises(AmbiguousName):
        run_example(kg, "papers_mentioning", entity="dpo")


def test_a_short_title_focuses_the_paper_not_the_method_it_introduces(kg) -> None:
    paper = "Paper:title:nanoflow-towards-optimal-large-language-model-serving-throughput"
    assert kg.has_node("Method:nanoflow")
    assert resolve_focus(kg, "NanoFlow") == paper
    view = kg.view(focus="NanoFlow", depth=1)
    assert "Towards Optimal Large Language Model Serving" in view.html
    assert sum(view.counts.values()) > 2, view.counts
    # entity-taking helpers still read the name as the entity
    assert kg.resolve("NanoFlow", "entity") == ["Method:nanoflow"]
    assert kg.resolve("NanoFlow", "paper") == [paper]


def test_search_finds_a_name_without_its_possessive(kg) -> None:
    rubik = "title:model-rubik-s-cube-twisting-resolution-depth-and-width-for-tinynets"
    assert rubik in _keys(kg.query.search("Rubik"))
    assert rubik in _keys(kg.query.search("rubik's cube"))


def test_author_names_resolve_by_the_same_folding() -> None:
    from citegraph.graph.model import KnowledgeGraph
    from citegraph.queries.bibliometrics import find_authors

    kg = KnowledgeGraph()
    aid = kg.add_node(S.AUTHOR, "jean-luc-picard", name="Jean-Luc Picard")
    assert find_authors(kg, "JEAN LUC PICARD") == [aid]
    assert kg.resolve("jean-luc-picard", "author") == [aid]


# --- errors -------------------------------------------------------------------------------


def test_bad_helper_arguments_are_query_errors(kg) -> None:
    with pytest.raises(BadArgument, match="unexpected argument 'nope'"):
        kg.query.papers_mentioning("lora", nope=1)
    with pytest.raises(BadArgument, match="needs the argument 'entity'"):
        kg.query.papers_mentioning()
    with pytest.raises(QueryError, match="unknown entity type"):
        kg.query.paper_entities("NanoFlow", type="gadget")
    with pytest.raises(BadArgument, match="papers_mentioning needs entity"):
        run_example(kg, "papers_mentioning")


def test_every_error_class_lives_in_errors_module() -> None:
    import citegraph.errors as errors
    from citegraph.graph import embed, networks
    from citegraph.graph.extract import gazetteer, learned
    from citegraph.graph.stores import exchange, neo4j_conn, rdf, sparql
    from citegraph.queries import backends

    for module in (embed, networks, gazetteer, learned, exchange, neo4j_conn, rdf, sparql,
                   backends):
        for name, value in vars(module).items():
            if inspect.isclass(value) and issubclass(value, CitegraphError):
                assert value.__module__ == "citegraph.errors", (module.__name__, name)
    assert errors.InputError is citegraph.InputError


# --- the API ------------------------------------------------------------------------------


def test_knowledge_graph_is_exported_and_equality_ignores_embeddings(tmp_path) -> None:
    from test_store_files import small_graph

    kg = small_graph()
    assert kg.embeddings is not None
    kg.to_rdf(tmp_path / "graph.ttl")
    kg2 = citegraph.KnowledgeGraph.from_rdf(tmp_path / "graph.ttl")
    assert kg2 == kg
    assert not kg2.equals(kg, embeddings=True)
    assert citegraph.from_rdf(tmp_path / "graph.ttl") == kg
    assert citegraph.BuildOptions().similarity_top_k > 0


def test_every_public_function_has_a_docstring() -> None:
    for name in citegraph.__all__:
        value = getattr(citegraph, name)
        if callable(value):
            assert inspect.getdoc(value), name


# --- the CLI ------------------------------------------------------------------------------


def _readme_code() -> str:
    return "\n".join(re.findall(r"```[a-z]*\n(.*?)```", README.read_text(encoding="utf-8"),
                                re.S))


def test_every_command_has_help_and_is_in_a_readme_code_block() -> None:
    from citegraph.cli import app

    code = _readme_code()
    click_app = typer.main.get_command(app)
    names = sorted(click_app.commands)  # type: ignore[attr-defined]
    assert {"sparql", "import-rdf", "pull", "query", "build"} <= set(names)
    runner = CliRunner()
    for name in names:
        assert click_app.commands[name].help, name  # type: ignore[attr-defined]
        shown = runner.invoke(app, [name, "-h"])
        assert shown.exit_code == 0 and "Usage" in shown.output, name
        assert re.search(rf"\bcitegraph {re.escape(name)}\b", code), name


def test_version_and_short_help() -> None:
    from citegraph.cli import app

    runner = CliRunner()
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0 and version.output.strip() == f"citegraph {citegraph.__version__}"
    assert runner.invoke(app, ["-h"]).exit_code == 0


def test_build_defaults_come_from_build_options() -> None:
    from citegraph.cli import build
    from citegraph.graph.pipeline import BuildOptions

    defaults = BuildOptions()
    params = inspect.signature(build).parameters
    assert params["top_k"].default == defaults.similarity_top_k
    assert params["threshold"].default == defaults.similarity_threshold
    for name in ("min_co_mentions", "min_co_citations", "min_coupling",
                 "min_co_authorships", "min_co_occurrences"):
        assert params[name].default == getattr(defaults, name), name


def test_query_without_graph_or_server_says_what_to_give(monkeypatch) -> None:
    from citegraph.cli import app

    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")  # nothing listens on port 9
    result = CliRunner().invoke(app, ["query", "papers_mentioning", "lora"])
    assert result.exit_code != 0
    message = str(result.exception)
    assert message.startswith("no graph given (--graph DIR) and no Neo4j server at "
                              "bolt://127.0.0.1:9: ")
    assert "\n" not in message


def test_query_table_wraps_and_never_cuts_a_key() -> None:
    key = "title:" + "-".join(["a-very-long-title-that-goes-on"] * 4)
    rows = [{"key": key, "title": "word " * 40}]
    table = format_rows(rows, ("key", "title"), "table")
    assert key in table
    assert " ".join(table.split()).count("word") == 40


def test_sparql_command_runs_an_example_by_name(tmp_path) -> None:
    from test_store_files import small_graph

    from citegraph.cli import app

    small_graph().save(tmp_path / "g")
    result = CliRunner().invoke(app, ["sparql", str(tmp_path / "g"), "papers_mentioning",
                                      "entity=direct preference optimization", "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines() == ["paper,title,count",
                                                  "arxiv:2401.00001,A <b>'}) DETACH DELETE n //,2"]


def test_import_rdf_command_writes_an_equal_graph(tmp_path) -> None:
    from test_store_files import small_graph

    from citegraph.cli import app

    kg = small_graph()
    kg.to_rdf(tmp_path / "graph.ttl")
    result = CliRunner().invoke(app, ["import-rdf", str(tmp_path / "graph.ttl"),
                                      "--out", str(tmp_path / "back")])
    assert result.exit_code == 0, result.output
    assert citegraph.load(tmp_path / "back") == kg


# --- Neo4j: the same names, the same nodes -------------------------------------------------

neo4j_config = neo4j_support.neo4j_config
neo4j_driver = neo4j_support.neo4j_driver


def _named_graph():
    from citegraph.graph.model import KnowledgeGraph

    kg = KnowledgeGraph()
    rubik = kg.add_node(S.PAPER, "title:rubik", title="Model Rubik's Cube: Twisting Depth")
    flow = kg.add_node(S.PAPER, "title:nanoflow",
                       title="NanoFlow: Towards Optimal Large Language Model Serving")
    llama = kg.add_node(S.MODEL, "llama2", name="Llama 2", aliases=["LLaMA-2"])
    dpo1 = kg.add_node(S.METHOD, "directpreferenceoptimization",
                       name="Direct Preference Optimization", aliases=["DPO"])
    dpo2 = kg.add_node(S.METHOD, "directpolicyoptimization", name="Direct Policy Optimization",
                       aliases=["DPO"])
    method = kg.add_node(S.METHOD, "nanoflow", name="NanoFlow")
    kg.add_edge(S.MENTIONS, rubik, llama, count=1)
    kg.add_edge(S.MENTIONS, rubik, dpo1, count=1)
    kg.add_edge(S.MENTIONS, flow, dpo2, count=1)
    kg.add_edge(S.INTRODUCES, flow, method)
    return kg


@pytest.mark.neo4j
def test_neo4j_resolves_names_like_the_embedded_backend(neo4j_config, neo4j_driver) -> None:
    from citegraph.graph.stores.neo4j_conn import connect
    from citegraph.graph.stores.neo4j_store import write_graph
    from citegraph.queries import EmbeddedBackend, Neo4jBackend, Queries

    kg = _named_graph()
    write_graph(kg, neo4j_config.uri, neo4j_config.auth, neo4j_config.database)
    backend = Neo4jBackend(connect(neo4j_config), neo4j_config.database)
    try:
        mine, theirs = Queries(EmbeddedBackend(kg)), Queries(backend)
        for spelling in ("LLaMA-2", "llama 2", "LLAMA2"):
            rows = mine.papers_mentioning(spelling)
            assert _keys(rows) == ["title:rubik"]
            assert theirs.papers_mentioning(spelling) == rows
        assert _keys(theirs.search("Rubik")) == _keys(mine.search("Rubik")) == ["title:rubik"]
        assert theirs.paper_entities("NanoFlow") == mine.paper_entities("NanoFlow") != []
        for q in (mine, theirs):
            with pytest.raises(AmbiguousName, match="Direct Policy Optimization"):
                q.papers_mentioning("dpo")
    finally:
        backend.close()
