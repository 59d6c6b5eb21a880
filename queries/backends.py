"""Where a query runs: the in-memory graph (embedded) or a Neo4j database.

Both backends answer the same helpers with the same rows; only :class:`Neo4jBackend` can
run raw Cypher, and only what :mod:`~citegraph.queries.cypher_guard` allows.

Every statement on Neo4j runs in a transaction of the access mode it needs (read, unless
it manages GDS projections) with a server-side timeout (:func:`query_timeout`) and a
metadata tag. It runs on a worker thread while the calling thread waits, so Ctrl-C
reaches the caller at once: the transaction is then terminated on the server by its tag
before ``KeyboardInterrupt`` is raised again.
"""

from __future__ import annotations

import hashlib
import os
import signal
import threading
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from citegraph.errors import (
    CitegraphError,
    NeedsNeo4j,  # noqa: F401  (old import path)
    QueryError,
    QueryRefused,
    QueryTimeout,
)
from citegraph.queries.cypher_guard import check_read_only
from citegraph.queries.registry import Row

if TYPE_CHECKING:
    from citegraph.graph.model import KnowledgeGraph

#: Seconds a query may run on the server unless ``--timeout`` / CITEGRAPH_QUERY_TIMEOUT
#: say otherwise.
DEFAULT_TIMEOUT = 30.0
TIMEOUT_ENV = "CITEGRAPH_QUERY_TIMEOUT"
#: Raw Cypher returning more rows than this is stopped (add a LIMIT): the rows are held
#: in memory.
MAX_ROWS = 200_000
#: Transaction metadata key that tags each statement, so it can be found and terminated.
TAG_KEY = "citegraph_query"
#: Seconds the client waits beyond the server timeout before it gives up on an answer.
CLIENT_GRACE = 10.0
#: Seconds a cancellation keeps looking for the transaction to terminate.
CANCEL_WAIT = 3.0


def query_timeout(seconds: float | None = None) -> float:
    """The query timeout: ``seconds`` if given, else CITEGRAPH_QUERY_TIMEOUT, else 30 s."""
    raw: Any = seconds if seconds is not None else os.environ.get(TIMEOUT_ENV)
    if raw is None or raw == "":
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0 or value == float("inf"):
        source = "--timeout" if seconds is not None else TIMEOUT_ENV
        raise QueryError(f"{source} must be a number of seconds above 0, not {raw!r}")
    return value


class EmbeddedBackend:
    """Queries answered over the networkx graph of a :class:`KnowledgeGraph`."""

    name = "embedded"

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.kg = kg

    def cypher(self, query: str, params: dict[str, Any]) -> list[Row]:
        raise NeedsNeo4j(
            "raw Cypher needs Neo4j: write the graph with kg.to_neo4j() (or "
            "`citegraph build --neo4j URI`) and query it there"
        )


#: The identity of the database's store: a new one for a database created or imported anew.
STORE_CYPHER = ("CALL db.info() YIELD id, creationDate"
                " RETURN id + '@' + toString(creationDate) AS store")


class Neo4jBackend:
    """Queries answered by a Neo4j database through an open driver.

    ``scope`` names the database for caches shared between backends (the GDS results of
    :mod:`~citegraph.queries.projections`); ``timeout`` is :func:`query_timeout`'s.
    """

    name = "neo4j"

    def __init__(self, driver, database: str = "neo4j", timeout: float | None = None,
                 scope: str | None = None) -> None:
        self.driver = driver
        self.database = database
        self.timeout = query_timeout(timeout)
        self.scope = f"{scope or id(driver)}/{database}"
        self._gds: bool | None = None

    @classmethod
    def connect(
        cls, uri: str | None = None, auth: tuple[str, str] | None = None,
        database: str | None = None, timeout: float | None = None,
    ) -> Neo4jBackend:
        """A backend on a new driver, settings from arguments or the NEO4J_* environment."""
        from citegraph.graph.stores.neo4j_conn import connect, settings

        config = settings(uri, auth, database)
        limit = query_timeout(timeout)  # a bad value fails before connecting
        return cls(connect(config), config.database, limit, scope=config.shown_uri)

    def close(self) -> None:
        self.driver.close()

    def cypher(self, query: str, params: dict[str, Any]) -> list[Row]:
        """Rows of raw read-only Cypher: checked by the allow-list before it is sent, then
        run in a read transaction (the server refuses a write that got past the check)."""
        check_read_only(query, self.database)
        return self.read(query, params, max_rows=MAX_ROWS)

    def read(self, query: str, params: dict[str, Any], max_rows: int | None = None
             ) -> list[Row]:
        """Rows of a statement in a read transaction, unchecked: the helpers' own
        statements (raw Cypher goes through :meth:`cypher`)."""
        from neo4j import READ_ACCESS

        return self._run(READ_ACCESS, lambda session, work: session.execute_read(
            work, query, params, max_rows))

    def write(self, query: str, params: dict[str, Any]) -> list[Row]:
        """Rows of a helper statement that needs write access (GDS catalog calls)."""
        from neo4j import WRITE_ACCESS

        return self._run(WRITE_ACCESS, lambda session, work: session.execute_write(
            work, query, params, None))

    def graph_version(self) -> str:
        """A token that changes whenever the database commits a transaction or is
        replaced.

        It is the bookmark the server hands back for a read transaction, which names the
        last committed transaction it saw, with the store's id and creation time: a
        database replaced by a bulk import starts its transaction numbers again, so the
        bookmark alone could repeat one of the database it replaced. A server that
        returns no bookmark is fingerprinted by its node and relationship counts instead
        (which misses a write that keeps both counts).
        """
        from neo4j import READ_ACCESS

        def bookmark(session, work) -> list[str]:
            rows = session.execute_read(work, STORE_CYPHER, {}, None)
            return [str(rows[0]["store"]) if rows else "",
                    *sorted(session.last_bookmarks().raw_values)]

        store, *marks = self._run(READ_ACCESS, bookmark)
        if not marks:
            nodes = self.read("MATCH (n) RETURN count(n) AS n", {})[0]["n"]
            relationships = self.read("MATCH ()-[r]->() RETURN count(r) AS n", {})[0]["n"]
            marks = [f"counts:{nodes}/{relationships}"]
        return hashlib.sha1("|".join([store, *marks]).encode()).hexdigest()[:16]

    def has_gds(self) -> bool:
        """Whether the Graph Data Science plugin is installed (checked once)."""
        if self._gds is None:
            try:
                self.read("RETURN gds.version() AS version", {})
                self._gds = True
            except QueryError:
                self._gds = False
        return self._gds

    # --- running a statement ----------------------------------------------------------

    def _run(self, access: str, call: Callable[[Any, Any], Any]) -> Any:
        """``call(session, work)`` on a worker thread; ``work`` is the tagged, timed
        transaction function. Ctrl-C terminates the transaction on the server."""
        from neo4j import unit_of_work

        tag = uuid.uuid4().hex

        @unit_of_work(timeout=self.timeout, metadata={TAG_KEY: tag})
        def work(tx, *args: Any) -> list[Row]:  # a new function: the decorator sets attributes
            return _collect(tx, *args)

        outcome: dict[str, Any] = {}
        # An Event, not Thread.join/is_alive: a join interrupted by Ctrl-C can leave
        # is_alive() reporting a running thread as finished.
        done = threading.Event()

        def target() -> None:
            if hasattr(signal, "pthread_sigmask"):
                signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})  # the caller's
            try:
                with self.driver.session(database=self.database,
                                         default_access_mode=access) as session:
                    outcome["value"] = call(session, work)
            except BaseException as exc:  # handed to the waiting thread
                outcome["error"] = exc
            finally:
                done.set()

        threading.Thread(target=target, name=f"citegraph-query-{tag[:8]}",
                         daemon=True).start()
        deadline = time.monotonic() + self.timeout + CLIENT_GRACE
        try:
            while not done.wait(0.2):
                if time.monotonic() > deadline:
                    self.cancel(tag, done)
                    raise QueryTimeout(self._timeout_message())
        except KeyboardInterrupt:
            self.cancel(tag, done)
            raise
        if "error" in outcome:
            raise self._error(outcome["error"]) from None
        return outcome["value"]

    def cancel(self, tag: str, done: threading.Event | None = None) -> None:
        """Terminate the server-side transaction tagged ``tag`` (one's own transactions
        may always be terminated) and wait briefly until its thread sets ``done``."""
        from neo4j.exceptions import DriverError, Neo4jError

        give_up = time.monotonic() + CANCEL_WAIT
        try:
            with self.driver.session(database=self.database) as session:
                while time.monotonic() < give_up:
                    ids = [r["id"] for r in session.run(
                        "SHOW TRANSACTIONS YIELD transactionId AS id, metaData "
                        f"WHERE metaData.{TAG_KEY} = $tag RETURN id", tag=tag)]
                    if ids:
                        session.run("TERMINATE TRANSACTIONS $ids", ids=ids).consume()
                        break
                    if done is None or done.is_set():
                        break
                    time.sleep(0.05)
        except (Neo4jError, DriverError, OSError):
            pass  # the connection closing with the process ends the transaction too
        if done is not None:
            done.wait(max(give_up - time.monotonic(), 0.5))

    def _timeout_message(self) -> str:
        return (f"the query ran longer than {self.timeout:g} s and was stopped "
                f"(--timeout or {TIMEOUT_ENV} sets the limit)")

    def _error(self, exc: BaseException) -> BaseException:
        """The citegraph error a driver exception stands for."""
        from neo4j.exceptions import DriverError, Neo4jError, ServiceUnavailable

        from citegraph.graph.stores.neo4j_conn import Neo4jUnavailable, describe

        if isinstance(exc, CitegraphError):
            return exc
        if isinstance(exc, ServiceUnavailable):
            return Neo4jUnavailable(f"cannot reach Neo4j: {describe(exc)}")
        code = getattr(exc, "code", None) or ""
        if "TransactionTimedOut" in code:
            return QueryTimeout(self._timeout_message())
        if code == "Neo.ClientError.Statement.AccessMode":
            return QueryRefused(f"the server refused a write in a read-only transaction: "
                                f"{describe(exc)}")
        if isinstance(exc, (Neo4jError, DriverError)):
            return QueryError(f"Cypher query failed: {describe(exc)}")
        return exc


def _collect(tx, query: str, params: dict[str, Any], max_rows: int | None) -> list[Row]:
    rows = []
    for record in tx.run(query, params):
        if max_rows is not None and len(rows) >= max_rows:
            raise QueryError(f"the query returned more than {max_rows:,} rows; add a LIMIT")
        rows.append(record.data())
    return rows
