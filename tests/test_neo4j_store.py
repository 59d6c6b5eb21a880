"""The Neo4j store against the real server: idempotence, round trip, safety, failures."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import neo4j_support
import pytest
from neo4j_support import db_counts, sample_graph

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.stores.neo4j_conn import Neo4jSettings, Neo4jUnavailable, connect
from citegraph.graph.stores.neo4j_store import read_graph, write_graph

# fixtures shared with the other Neo4j test modules
neo4j_config = neo4j_support.neo4j_config
neo4j_driver = neo4j_support.neo4j_driver

needs_neo4j = pytest.mark.neo4j

ROOT = Path(__file__).resolve().parent.parent


def _write(kg: KnowledgeGraph, config: Neo4jSettings, **kw):
    return write_graph(kg, config.uri, config.auth, config.database, **kw)


def _read(config: Neo4jSettings) -> KnowledgeGraph:
    return read_graph(config.uri, config.auth, config.database)


def _total(driver, database: str) -> tuple[int, int, int]:
    """Every node, relationship and property of the database, whatever its label."""
    with driver.session(database=database) as session:
        nodes = session.run("MATCH (n) RETURN count(n) AS c, sum(size(keys(n))) AS p").single()
        rels = session.run("MATCH ()-[r]->() RETURN count(r) AS c, sum(size(keys(r))) AS p"
                           ).single()
    return nodes["c"], rels["c"], nodes["p"] + rels["p"]


@needs_neo4j
def test_write_twice_gives_the_in_memory_counts_and_changes_nothing(neo4j_config, neo4j_driver):
    kg = sample_graph()
    first = _write(kg, neo4j_config)
    assert first["nodes_created"] == kg.number_of_nodes()
    assert first["relationships_created"] == kg.number_of_edges()
    assert db_counts(neo4j_driver, neo4j_config.database) == kg.stats()
    before = _total(neo4j_driver, neo4j_config.database)
    second = _write(kg, neo4j_config)
    assert second["nodes_created"] == 0 and second["relationships_created"] == 0
    assert _total(neo4j_driver, neo4j_config.database) == before
    assert db_counts(neo4j_driver, neo4j_config.database) == kg.stats()


@needs_neo4j
def test_read_graph_returns_an_equal_graph(neo4j_config, neo4j_driver):
    kg = sample_graph()
    _write(kg, neo4j_config)
    back = _read(neo4j_config)
    assert back.equals(kg, embeddings=True)
    assert back.stats() == kg.stats()
    # the discriminated CITES edge and its plain twin both survive
    cites = [e for e in back.g.edges(keys=True) if e[2].startswith(S.CITES + "|")]
    assert len(cites) == 1


@needs_neo4j
def test_appending_adds_only_what_is_new(neo4j_config, neo4j_driver):
    full = sample_graph()
    part = full.copy()
    papers = sorted(nid for nid, _ in part.nodes(S.PAPER))
    part.remove_nodes(papers[::2])
    assert 0 < part.number_of_edges() < full.number_of_edges()
    _write(part, neo4j_config)
    assert _read(neo4j_config) == part
    appended = _write(full, neo4j_config)
    assert appended["nodes_created"] == full.number_of_nodes() - part.number_of_nodes()
    assert (appended["relationships_created"]
            == full.number_of_edges() - part.number_of_edges())
    assert _read(neo4j_config) == full


HOSTILE = [
    "'}) DETACH DELETE n //",
    "`) MATCH (m) DETACH DELETE m //`",
    'quote " and \\" and \\\' and `back`ticks`',
    "line\nbreak; $param {x: 1} /* c */ ",
]


@needs_neo4j
def test_hostile_strings_are_stored_verbatim_and_change_nothing_else(
    neo4j_config, neo4j_driver
):
    kg = sample_graph(max_papers=60)
    _write(kg, neo4j_config)
    before = db_counts(neo4j_driver, neo4j_config.database)
    hostile = kg.copy()
    paper = hostile.add_node(S.PAPER, HOSTILE[0], **{S.TITLE: HOSTILE[1],
                                                      S.ABSTRACT: HOSTILE[2],
                                                      S.AUTHORS: HOSTILE})
    method = hostile.add_node(S.METHOD, HOSTILE[3], **{S.NAME: HOSTILE[0],
                                                        S.ALIASES: HOSTILE[1:]})
    hostile.add_edge(S.MENTIONS, paper, method, discriminator=HOSTILE[2],
                     **{S.EVIDENCE: HOSTILE, S.SOURCE: HOSTILE[3]})
    _write(hostile, neo4j_config)
    after = db_counts(neo4j_driver, neo4j_config.database)
    before["nodes"][S.PAPER] += 1
    before["nodes"][S.METHOD] += 1
    before["edges"][S.MENTIONS] += 1
    assert after == before
    back = _read(neo4j_config)
    assert back == hostile
    assert back.node(paper)[S.TITLE] == HOSTILE[1]
    assert back.node(method)[S.ALIASES] == HOSTILE[1:]

    from citegraph.queries import EmbeddedBackend, Neo4jBackend, Queries

    backend = Neo4jBackend(connect(neo4j_config), neo4j_config.database)
    try:
        on_neo4j = Queries(backend).papers_mentioning(HOSTILE[1])  # by alias
        in_memory = Queries(EmbeddedBackend(hostile)).papers_mentioning(HOSTILE[1])
    finally:
        backend.close()
    assert on_neo4j == in_memory == [{"key": HOSTILE[0], "title": HOSTILE[1], "date": None}]


@needs_neo4j
def test_interrupted_write_then_rerun_equals_an_uninterrupted_write(neo4j_config, neo4j_driver):
    kg = sample_graph()

    class Abort(Exception):
        pass

    def stop_after_three(_rows: int) -> None:
        calls.append(_rows)
        if len(calls) == 3:
            raise Abort

    calls: list[int] = []
    with pytest.raises(Abort):
        _write(kg, neo4j_config, batch_size=50, on_batch=stop_after_three)
    partial = db_counts(neo4j_driver, neo4j_config.database)
    assert 0 < sum(partial["nodes"].values()) < kg.number_of_nodes()
    _write(kg, neo4j_config, batch_size=50)
    assert _read(neo4j_config) == kg


def _our_server_pid(config: Neo4jSettings) -> int | None:
    """The pid of the server scripts/neo4j runs, if the tests talk to that one."""
    pid_file = Path(os.environ.get("CITEGRAPH_NEO4J_HOME", ROOT / ".neo4j")) / "run" / "neo4j.pid"
    try:
        pid = int(pid_file.read_text())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return None
    return pid if b"CommunityEntryPoint" in cmdline else None


@needs_neo4j
@pytest.mark.slow
def test_server_killed_mid_ingest_then_rerun_equals_an_uninterrupted_write(
    neo4j_config, neo4j_driver
):
    pid = _our_server_pid(neo4j_config)
    if pid is None:
        pytest.skip("the server is not the one scripts/neo4j runs")
    kg = sample_graph()

    def kill_after_two(_rows: int) -> None:
        calls.append(_rows)
        if len(calls) == 2:
            os.kill(pid, signal.SIGKILL)
            while Path(f"/proc/{pid}").exists():
                time.sleep(0.1)

    calls: list[int] = []
    try:
        with pytest.raises(Neo4jUnavailable):
            _write(kg, neo4j_config, batch_size=100, on_batch=kill_after_two, retry_seconds=3)
    finally:
        subprocess.run([str(ROOT / "scripts" / "neo4j"), "start"], check=True)
    _write(kg, neo4j_config, batch_size=100)
    assert _read(neo4j_config) == kg


def test_down_server_raises_one_clear_error():
    config = Neo4jSettings(uri="bolt://127.0.0.1:9", password="secret-value")
    with pytest.raises(Neo4jUnavailable) as err:
        write_graph(KnowledgeGraph(), config.uri, config.auth)
    message = str(err.value)
    assert message.startswith("cannot reach Neo4j at bolt://127.0.0.1:9: ")
    assert "\n" not in message and "secret-value" not in message


@needs_neo4j
def test_wrong_password_raises_one_clear_error(neo4j_config):
    wrong = Neo4jSettings(neo4j_config.uri, neo4j_config.user, "not-the-password-xyz",
                          neo4j_config.database)
    with pytest.raises(Neo4jUnavailable) as err:
        read_graph(wrong.uri, wrong.auth, wrong.database)
    message = str(err.value)
    assert "refused the credentials" in message and neo4j_config.uri in message
    assert "not-the-password-xyz" not in message and "\n" not in message


def test_settings_come_from_the_environment_and_hide_the_password(monkeypatch):
    from citegraph.graph.stores.neo4j_conn import settings

    monkeypatch.setenv("NEO4J_URI", "bolt://example.invalid:7999")
    monkeypatch.setenv("NEO4J_USERNAME", "reader")
    monkeypatch.setenv("NEO4J_PASSWORD", "hunter2-secret")
    monkeypatch.setenv("NEO4J_DATABASE", "papers")
    config = settings()
    assert (config.uri, config.user, config.password, config.database) == (
        "bolt://example.invalid:7999", "reader", "hunter2-secret", "papers")
    assert "hunter2-secret" not in repr(config)


@needs_neo4j
def test_progress_advances_to_every_row_written(neo4j_config, neo4j_driver):
    from contextlib import contextmanager

    seen: list[tuple[str, int | None, int]] = []

    class Recorder:
        @contextmanager
        def stage(self, name: str, total: int | None = None):
            class Stage:
                def advance(self, n: int = 1) -> None:
                    seen.append((name, total, n))

            yield Stage()

    kg = sample_graph(max_papers=80)
    _write(kg, neo4j_config, batch_size=100, progress=Recorder())
    rows = kg.number_of_nodes() + kg.number_of_edges()
    assert {(name, total) for name, total, _ in seen} == {("Writing to Neo4j", rows)}
    assert sum(n for _, _, n in seen) == rows and len(seen) > 2


@needs_neo4j
def test_a_graph_built_by_the_pipeline_round_trips(neo4j_config, neo4j_driver):
    from neo4j_support import SEEDS

    from citegraph.graph.pipeline import BuildOptions, build_graph
    from citegraph.loaders import iter_records

    if not SEEDS.is_dir():
        pytest.skip(f"the example corpus ({SEEDS}) is not beside this checkout")
    kg = build_graph(iter_records([SEEDS]), BuildOptions(similarity=False))
    assert kg.number_of_edges() > 0
    _write(kg, neo4j_config)
    assert db_counts(neo4j_driver, neo4j_config.database) == kg.stats()
    assert _read(neo4j_config) == kg


@needs_neo4j
def test_many_sessions_and_small_batches_give_the_graph_one_session_gives(
    neo4j_config, neo4j_driver
):
    kg = sample_graph(max_papers=150)
    _write(kg, neo4j_config, workers=1)
    serial = _read(neo4j_config)
    neo4j_support.wipe(neo4j_driver, neo4j_config.database)
    result = _write(kg, neo4j_config, workers=4, batch_size=7)
    assert result["nodes_created"] == kg.number_of_nodes()
    assert result["relationships_created"] == kg.number_of_edges()
    assert _read(neo4j_config) == serial == kg


@needs_neo4j
def test_properties_the_schema_does_not_name_round_trip(neo4j_config, neo4j_driver):
    kg = sample_graph(max_papers=40)
    paper = sorted(nid for nid, _ in kg.nodes(S.PAPER))[0]
    start, end, key = next(iter(kg.g.edges(keys=True)))
    kg.node(paper)[HOSTILE[0]] = HOSTILE[1]
    kg.g.edges[start, end, key][HOSTILE[1]] = [1, 2]
    _write(kg, neo4j_config)
    assert _read(neo4j_config) == kg
    assert _write(kg, neo4j_config)["relationships_created"] == 0  # merge path too
    assert _read(neo4j_config) == kg


@needs_neo4j
def test_a_rewrite_missing_a_value_keeps_the_stored_one(neo4j_config, neo4j_driver):
    kg = sample_graph(max_papers=40)
    _write(kg, neo4j_config)
    thinner = kg.copy()
    paper = sorted(nid for nid, _ in thinner.nodes(S.PAPER))[0]
    del thinner.node(paper)[S.TITLE]
    start, end, key, attrs = next(
        edge for edge in thinner.g.edges(keys=True, data=True) if S.COUNT in edge[3])
    del thinner.g.edges[start, end, key][S.COUNT]
    _write(thinner, neo4j_config)
    assert _read(neo4j_config) == kg


@needs_neo4j
def test_the_drivers_debug_log_names_batches_by_size_not_by_their_rows(
    neo4j_config, neo4j_driver, caplog
):
    import logging

    kg = sample_graph(max_papers=20)
    title = next(attrs[S.TITLE] for _, attrs in kg.nodes(S.PAPER) if attrs.get(S.TITLE))
    with caplog.at_level(logging.DEBUG, logger="neo4j"):
        _write(kg, neo4j_config)
    runs = [r.getMessage() for r in caplog.records if " C: RUN " in r.getMessage()]
    assert any("rows>" in message for message in runs)
    assert not any(title in message for message in runs)


@needs_neo4j
def test_the_build_command_writes_to_neo4j_and_says_what_was_new(
    neo4j_config, neo4j_driver, tmp_path
):
    import sys

    from neo4j_support import SEEDS

    if not SEEDS.is_dir():
        pytest.skip(f"the example corpus ({SEEDS}) is not beside this checkout")
    env = {**os.environ, "NEO4J_PASSWORD": neo4j_config.password,
           "NEO4J_USERNAME": neo4j_config.user}
    command = [sys.executable, "-m", "citegraph", "build", str(SEEDS), "--out",
               str(tmp_path / "g"), "--quiet", "--no-entities", "--no-similarity",
               "--no-co-mention", "--no-citations", "--neo4j", neo4j_config.uri]
    first = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert first.returncode == 0, first.stderr
    assert "Neo4j: wrote 527 nodes (527 new) and 0 relationships (0 new)" in first.stderr
    again = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    assert "Neo4j: wrote 527 nodes (0 new)" in again.stderr
    assert db_counts(neo4j_driver, neo4j_config.database)["nodes"][S.PAPER] == 527
    assert neo4j_config.password not in first.stdout + first.stderr
