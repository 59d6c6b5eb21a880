"""Where a query runs: the in-memory graph (embedded) or a Neo4j database.

Both backends answer the same helpers with the same rows; only :class:`Neo4jBackend` can
run arbitrary Cypher.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from citegraph.errors import CitegraphError
from citegraph.queries.registry import Row

if TYPE_CHECKING:
    from citegraph.graph.model import KnowledgeGraph


class NeedsNeo4j(CitegraphError):
    """A query that only a Neo4j database can answer (e.g. raw Cypher)."""


class QueryError(CitegraphError):
    """A query that cannot run as asked (bad Cypher, a server error, a bad argument)."""


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


class Neo4jBackend:
    """Queries answered by a Neo4j database through an open driver."""

    name = "neo4j"

    def __init__(self, driver, database: str = "neo4j") -> None:
        self.driver = driver
        self.database = database
        self._gds: bool | None = None

    @classmethod
    def connect(
        cls, uri: str | None = None, auth: tuple[str, str] | None = None,
        database: str | None = None,
    ) -> Neo4jBackend:
        """A backend on a new driver, settings from arguments or the NEO4J_* environment."""
        from citegraph.graph.stores.neo4j_conn import connect, settings

        config = settings(uri, auth, database)
        return cls(connect(config), config.database)

    def close(self) -> None:
        self.driver.close()

    def cypher(self, query: str, params: dict[str, Any]) -> list[Row]:
        """Rows of a read query as plain dicts (a write query is rejected by the session)."""
        from citegraph.graph.stores.neo4j_conn import Neo4jUnavailable, describe

        from neo4j import READ_ACCESS
        from neo4j.exceptions import DriverError, Neo4jError, ServiceUnavailable

        try:
            with self.driver.session(database=self.database,
                                     default_access_mode=READ_ACCESS) as session:
                return session.execute_read(_collect, query, params)
        except ServiceUnavailable as exc:
            raise Neo4jUnavailable(f"cannot reach Neo4j: {describe(exc)}") from None
        except (Neo4jError, DriverError) as exc:
            raise QueryError(f"Cypher query failed: {describe(exc)}") from None

    def write(self, query: str, params: dict[str, Any]) -> list[Row]:
        """Rows of a query allowed to write (GDS catalog calls need a write session)."""
        from citegraph.graph.stores.neo4j_conn import describe

        from neo4j.exceptions import DriverError, Neo4jError

        try:
            with self.driver.session(database=self.database) as session:
                return session.execute_write(_collect, query, params)
        except (Neo4jError, DriverError) as exc:
            raise QueryError(f"Cypher query failed: {describe(exc)}") from None

    def has_gds(self) -> bool:
        """Whether the Graph Data Science plugin is installed (checked once)."""
        if self._gds is None:
            try:
                self.cypher("RETURN gds.version() AS version", {})
                self._gds = True
            except QueryError:
                self._gds = False
        return self._gds


def _collect(tx, query: str, params: dict[str, Any]) -> list[Row]:
    return [record.data() for record in tx.run(query, params)]
