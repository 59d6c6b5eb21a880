"""Raw Cypher against the real server: refused before sending, read-only at the server,
bounded by a timeout, stopped by Ctrl-C; credentials never printed; GDS projections
reused per graph version and renewed when the graph changes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

import neo4j_support
import pytest
from neo4j_support import sample_graph
from test_cypher_guard import REFUSED

from citegraph.errors import QueryError, QueryRefused, QueryTimeout
from citegraph.graph import schema as S
from citegraph.graph.stores.neo4j_conn import (
    Neo4jSettings,
    Neo4jUnavailable,
    connect,
    describe,
    settings,
    shown_uri,
)
from citegraph.graph.stores.neo4j_schema import fulltext_index_name
from citegraph.graph.stores.neo4j_store import write_graph
from citegraph.queries import Neo4jBackend, Queries, cypher_guard, projections
from citegraph.queries.cli_commands import run_query

neo4j_config = neo4j_support.neo4j_config
neo4j_driver = neo4j_support.neo4j_driver

#: Runs for minutes unless stopped: counting up to 10^10 with nothing to return early.
LONG_QUERY = "UNWIND range(1, 10000000000) AS x WITH x WHERE x < 0 RETURN count(x) AS {}"


def _running(driver, database: str, marker: str) -> list[str]:
    """Ids of the transactions (of any session) whose query contains ``marker``."""
    with driver.session(database=database) as session:
        return [r["id"] for r in session.run(
            "SHOW TRANSACTIONS YIELD transactionId AS id, currentQuery "
            "WHERE currentQuery CONTAINS $marker AND NOT currentQuery CONTAINS 'SHOW' "
            "RETURN id", marker=marker)]


def _wait_for(condition, seconds: float) -> bool:
    give_up = time.monotonic() + seconds
    while time.monotonic() < give_up:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture()
def backend(neo4j_config: Neo4jSettings, neo4j_driver):
    b = Neo4jBackend(connect(neo4j_config), neo4j_config.database)
    yield b
    b.close()


# --- refused before sending ------------------------------------------------------------


@pytest.mark.parametrize(("query", "named"), REFUSED)
def test_refusal_happens_before_any_connection(query: str, named: str):
    """A real driver aimed at a port nothing listens on: a query that got as far as the
    driver would fail as unreachable, so a refusal proves nothing was sent."""
    from neo4j import GraphDatabase

    driver = GraphDatabase.driver("bolt://127.0.0.1:9", auth=("neo4j", "x"))
    try:
        with pytest.raises(QueryRefused, match="Cypher refused"):
            Neo4jBackend(driver, "neo4j").cypher(query, {})
    finally:
        driver.close()


def test_cli_refuses_before_connecting():
    """Port 9 has no server: a refusal (not "cannot reach") proves no connection was made."""
    proc = subprocess.run(
        [sys.executable, "-m", "citegraph", "query", "cypher",
         "LOAD CSV FROM 'http://127.0.0.1:9/x' AS row RETURN row", "--neo4j",
         "bolt://127.0.0.1:9"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "error: Cypher refused (line 1, column 1): LOAD CSV reads files and URLs from the "
        "server; `query cypher` runs read-only queries"]


@pytest.mark.neo4j
def test_load_csv_is_refused_and_the_url_never_fetched(backend):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(1.0)
        port = listener.getsockname()[1]
        for url in (f"http://127.0.0.1:{port}/x", "http://127.0.0.1:9/x"):
            with pytest.raises(QueryRefused, match="LOAD CSV"):
                backend.cypher(f"LOAD CSV FROM '{url}' AS row RETURN row", {})
        with pytest.raises(TimeoutError):
            listener.accept()  # nobody called


@pytest.mark.neo4j
def test_refused_writes_leave_the_database_unchanged(backend, neo4j_config):
    count = "MATCH (n) RETURN count(n) AS n"
    before = backend.cypher(count, {})
    for query in ("CREATE (:Paper {key: 'x'})", "MERGE (:Paper {key: 'y'})",
                  "CALL { CREATE (:Paper {key: 'z'}) } IN TRANSACTIONS",
                  "CALL apoc.create.node(['Paper'], {key: 'a'})"):
        with pytest.raises(QueryRefused):
            backend.cypher(query, {})
    assert backend.cypher(count, {}) == before


@pytest.mark.neo4j
def test_hostile_but_read_only_queries_run(backend, neo4j_config):
    write_graph(sample_graph(max_papers=40), neo4j_config.uri, neo4j_config.auth,
                neo4j_config.database)
    text = "CREATE (n) DETACH DELETE n; LOAD CSV FROM 'http://x' // */"
    assert backend.cypher("RETURN $t AS t, 'LOAD CSV // not a comment' AS s", {"t": text}) \
        == [{"t": text, "s": "LOAD CSV // not a comment"}]
    rows = backend.cypher(
        "// DELETE everything\nMATCH (m:`Model` {key: 'clip'}) /* SET m.x = 1 */ "
        "RETURN {set: m.name, delete: m.`key`} AS m", {})
    assert rows == [{"m": {"set": "CLIP", "delete": "clip"}}]
    labels = {r["label"] for r in backend.cypher("CALL db.labels() YIELD label", {})}
    assert {S.PAPER, S.MODEL} <= labels
    assert backend.cypher("RETURN gds.version() AS v", {})[0]["v"]
    index = fulltext_index_name(S.MODEL)
    assert index in {r["name"] for r in backend.cypher("SHOW FULLTEXT INDEXES YIELD name", {})}
    found = backend.cypher(
        "CALL db.index.fulltext.queryNodes($ix, 'clip') YIELD node RETURN node.key AS key",
        {"ix": index})
    assert {"key": "clip"} in found
    assert backend.cypher("USE neo4j RETURN 1 AS one", {}) == [{"one": 1}]


@pytest.mark.neo4j
def test_a_write_that_slips_past_the_check_is_refused_by_the_server(backend, monkeypatch):
    before = backend.cypher("MATCH (n) RETURN count(n) AS n", {})
    # as if the allow-list had a hole: a procedure that writes, and a plain CREATE
    monkeypatch.setattr(cypher_guard, "ALLOWED_PROCEDURES",
                        cypher_guard.ALLOWED_PROCEDURES | {"db.createlabel"})
    with pytest.raises(QueryRefused, match="read-only transaction"):
        backend.cypher("CALL db.createLabel('Slipped')", {})
    monkeypatch.setattr("citegraph.queries.backends.check_read_only", lambda q, d=None: None)
    with pytest.raises(QueryRefused, match="read-only transaction"):
        backend.cypher("CREATE (:Paper {key: 'slipped'})", {})
    assert backend.cypher("MATCH (n) RETURN count(n) AS n", {}) == before


# --- timeout and Ctrl-C ----------------------------------------------------------------


@pytest.mark.neo4j
def test_timeout_stops_a_long_query_on_the_server(neo4j_config, neo4j_driver):
    marker = f"t{uuid.uuid4().hex[:12]}"
    backend = Neo4jBackend(connect(neo4j_config), neo4j_config.database, timeout=1.5)
    try:
        started = time.monotonic()
        with pytest.raises(QueryTimeout, match="longer than 1.5 s") as caught:
            backend.cypher(LONG_QUERY.format(marker), {})
        assert time.monotonic() - started < 15
        assert "\n" not in str(caught.value)
    finally:
        backend.close()
    assert _wait_for(lambda: not _running(neo4j_driver, neo4j_config.database, marker), 5)


@pytest.mark.neo4j
def test_cli_timeout_is_one_line(neo4j_config, neo4j_driver):
    marker = f"o{uuid.uuid4().hex[:12]}"
    proc = subprocess.run(
        [sys.executable, "-m", "citegraph", "query", "cypher", LONG_QUERY.format(marker),
         "--timeout", "1"],
        env=_cli_env(neo4j_config), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        "error: the query ran longer than 1 s and was stopped (--timeout or "
        "CITEGRAPH_QUERY_TIMEOUT sets the limit)"]
    assert _wait_for(lambda: not _running(neo4j_driver, neo4j_config.database, marker), 5)


def test_timeout_comes_from_the_environment_and_is_checked(monkeypatch):
    from citegraph.queries.backends import query_timeout

    monkeypatch.delenv("CITEGRAPH_QUERY_TIMEOUT", raising=False)
    assert query_timeout() == 30.0
    monkeypatch.setenv("CITEGRAPH_QUERY_TIMEOUT", "2.5")
    assert query_timeout() == 2.5 and query_timeout(7) == 7.0
    for bad in ("soon", "0", "-1", "inf"):
        monkeypatch.setenv("CITEGRAPH_QUERY_TIMEOUT", bad)
        with pytest.raises(QueryError, match="CITEGRAPH_QUERY_TIMEOUT must be"):
            query_timeout()


def _cli_env(config: Neo4jSettings) -> dict[str, str]:
    return {**os.environ, "NEO4J_URI": config.uri, "NEO4J_USERNAME": config.user,
            "NEO4J_PASSWORD": config.password, "NEO4J_DATABASE": config.database}


@pytest.mark.neo4j
def test_ctrl_c_stops_the_query_on_the_server_and_exits_130(neo4j_config, neo4j_driver):
    marker = f"c{uuid.uuid4().hex[:12]}"
    proc = subprocess.Popen(
        [sys.executable, "-m", "citegraph", "query", "cypher", LONG_QUERY.format(marker),
         "--timeout", "300"],
        env=_cli_env(neo4j_config), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        assert _wait_for(lambda: _running(neo4j_driver, neo4j_config.database, marker), 60), \
            "the query never started on the server"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=20)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    assert err.strip() == "cancelled: the query was stopped"
    # the admin session no longer sees it: stopped on the server, not just abandoned
    assert _wait_for(lambda: not _running(neo4j_driver, neo4j_config.database, marker), 3)


@pytest.mark.neo4j
def test_keyboard_interrupt_in_python_terminates_the_transaction(backend, neo4j_config,
                                                                 neo4j_driver):
    marker = f"k{uuid.uuid4().hex[:12]}"

    def interrupt() -> None:
        _wait_for(lambda: _running(neo4j_driver, neo4j_config.database, marker), 30)
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)

    threading.Thread(target=interrupt, daemon=True).start()
    with pytest.raises(KeyboardInterrupt):
        backend.cypher(LONG_QUERY.format(marker), {})
    assert _wait_for(lambda: not _running(neo4j_driver, neo4j_config.database, marker), 3)
    assert backend.cypher("RETURN 1 AS one", {}) == [{"one": 1}]  # still usable


# --- credentials -----------------------------------------------------------------------

SECRET = "pa55-w0rd-in-uri"


def test_shown_uri_removes_user_information():
    assert shown_uri(f"bolt://neo4j:{SECRET}@db.example:7687/x?a=1") \
        == "bolt://db.example:7687/x?a=1"
    assert shown_uri(f"neo4j+s://u:{SECRET}@h") == "neo4j+s://h"
    assert shown_uri("bolt://127.0.0.1:7687") == "bolt://127.0.0.1:7687"
    text = f"Given URI: 'bolt://u:{SECRET}@h:1'. and neo4j://a:b@c"
    assert describe(ValueError(text)) == "Given URI: 'bolt://h:1'. and neo4j://c"


def test_credentials_in_the_uri_become_the_login_and_leave_the_uri(monkeypatch):
    monkeypatch.setenv("NEO4J_URI", f"bolt://alice:{SECRET.replace('-', '%2D')}@h:7687")
    monkeypatch.setenv("NEO4J_PASSWORD", "from-env")
    config = settings()
    assert (config.uri, config.user, config.password) == ("bolt://h:7687", "alice", SECRET)
    assert SECRET not in repr(config)
    assert settings(auth=("bob", "explicit")).auth == ("bob", "explicit")


def test_no_password_in_any_error_message(monkeypatch, tmp_path):
    from neo4j import GraphDatabase

    kg = sample_graph(max_papers=3)
    uri = f"bolt://neo4j:{SECRET}@127.0.0.1:9"
    messages = []
    for call in (
        lambda: Neo4jBackend.connect(uri),
        lambda: run_query("cypher", ["RETURN 1"], neo4j=uri),
        lambda: write_graph(kg, uri),
        lambda: connect(Neo4jSettings(uri=uri, password=SECRET)),  # URI given to the driver
    ):
        with pytest.raises(Neo4jUnavailable) as caught:
            call()
        messages.append(str(caught.value))
    try:
        GraphDatabase.driver(uri, auth=("neo4j", SECRET))
    except Exception as exc:  # the driver quotes the URI, password included
        assert SECRET in str(exc)
        messages.append(describe(exc))
    proc = subprocess.run(
        [sys.executable, "-m", "citegraph", "query", "cypher", "RETURN 1", "--neo4j", uri],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1
    messages.append(proc.stdout + proc.stderr)
    for message in messages:
        assert SECRET not in message, message
        assert "127.0.0.1:9" in message or "Given URI" in message, message
    # a password in use is scrubbed from any driver text, URI or not
    assert describe(RuntimeError(f"auth {SECRET} rejected")) == "auth *** rejected"


@pytest.mark.neo4j
def test_wrong_password_in_the_uri_is_not_printed(neo4j_config):
    host = neo4j_config.uri.split("://", 1)[1]
    proc = subprocess.run(
        [sys.executable, "-m", "citegraph", "query", "cypher", "RETURN 1", "--neo4j",
         f"bolt://neo4j:{SECRET}@{host}"],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1 and "refused the credentials" in proc.stderr
    assert SECRET not in proc.stdout + proc.stderr
    good = f"bolt://{neo4j_config.user}:{neo4j_config.password}@{host}"
    rows, _ = run_query("cypher", ["RETURN 1 AS one"], neo4j=good)
    assert rows == [{"one": 1}]


# --- GDS projections per graph version ---------------------------------------------------


def _projections(driver, database: str) -> dict[str, object]:
    with driver.session(database=database) as session:
        return {r["name"]: r["created"] for r in session.run(
            "CALL gds.graph.list() YIELD graphName AS name, creationTime AS created "
            "WHERE name STARTS WITH $prefix RETURN name, created",
            prefix=projections.PREFIX)}


@pytest.mark.neo4j
def test_pagerank_projection_is_reused_and_renewed_after_a_write(neo4j_config,
                                                                 neo4j_driver):
    kg = sample_graph(max_papers=60)
    write_graph(kg, neo4j_config.uri, neo4j_config.auth, neo4j_config.database)
    first = Queries(Neo4jBackend(connect(neo4j_config), neo4j_config.database))
    other = Queries(Neo4jBackend(connect(neo4j_config), neo4j_config.database))
    try:
        before = first.top_entities_by_pagerank(type="model", limit=3)
        made = _projections(neo4j_driver, neo4j_config.database)
        rank = [name for name in made if name.startswith("citegraph_rank_")]
        assert len(rank) == 1
        # another client (its own cache empty) uses the same projection
        assert other.top_entities_by_pagerank(type="model", limit=3) == before
        assert _projections(neo4j_driver, neo4j_config.database) == made

        # a new model mentioned by every paper becomes the top model
        grown = sample_graph(max_papers=60)
        star = grown.add_node(S.MODEL, "star-model", **{S.NAME: "Star Model"})
        for pid, _ in list(grown.nodes(S.PAPER)):
            grown.add_edge(S.MENTIONS, pid, star, **{S.COUNT: 1})
        write_graph(grown, neo4j_config.uri, neo4j_config.auth, neo4j_config.database)
        after = first.top_entities_by_pagerank(type="model", limit=3)
        assert after[0]["key"] == "star-model" and after != before
        assert other.top_entities_by_pagerank(type="model", limit=3) == after
        now = [n for n in _projections(neo4j_driver, neo4j_config.database)
               if n.startswith("citegraph_rank_")]
        assert len(now) == 1 and now != rank  # the stale one was dropped
    finally:
        first.backend.close()
        other.backend.close()


@pytest.mark.neo4j
def test_concurrent_first_calls_all_succeed_with_one_answer(neo4j_config, neo4j_driver):
    write_graph(sample_graph(max_papers=60), neo4j_config.uri, neo4j_config.auth,
                neo4j_config.database)
    backends = [Neo4jBackend(connect(neo4j_config), neo4j_config.database, scope=f"c{i}")
                for i in range(6)]  # separate scopes: like six processes
    answers: dict[int, object] = {}
    start = threading.Barrier(len(backends))

    def call(i: int) -> None:
        start.wait()
        try:
            answers[i] = Queries(backends[i]).communities(min_size=2)
        except Exception as exc:  # reported below
            answers[i] = exc

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(backends))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for b in backends:
        b.close()
    results = list(answers.values())
    assert len(results) == len(backends)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert all(r == results[0] for r in results) and results[0]
    names = [n for n in _projections(neo4j_driver, neo4j_config.database)
             if n.startswith("citegraph_communities_")]
    assert len(names) == 1
