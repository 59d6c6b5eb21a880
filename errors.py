"""The one exception family the CLI turns into a single clear line and a non-zero exit.

::

    CitegraphError                  a problem the user can act on (CLI: one line, exit 1)
    ├── FileSystemError             an operating-system error on a named path
    ├── GraphError                  a graph operation that cannot be done as asked
    │   └── StoreError              a graph directory that cannot be read or written
    │       ├── CorruptGraphError   a saved graph whose files fail verification
    │       ├── NotAGraphError      --out names a directory holding something else
    │       └── GraphLockedError    another process is writing the same graph
    ├── ViewError                   a view that cannot be drawn as asked
    └── QueryError                  a query that cannot run as asked
        ├── QueryRefused            raw Cypher that writes or reaches outside the database
        ├── QueryTimeout            a query the server stopped for running too long
        ├── BadArgument             a query helper called with a wrong or missing argument
        └── AmbiguousName           a name that names several nodes (lists them)

Leaves of the other stages, also here: ``InputError``, ``GazetteerError``, ``ModelError``,
``NetworkError``, ``Neo4jUnavailable``, ``Neo4jStoreError``, ``NeedsNeo4j`` under
``CitegraphError``; ``RdfError``, ``SparqlError``, ``ExportError`` under ``GraphError``.
Every class the code raises for a user-facing failure is defined in this module.
"""

from __future__ import annotations


class CitegraphError(Exception):
    """A problem the user can act on, with a message that names the file, record or server."""


class FileSystemError(CitegraphError):
    """Permission denied, disk full, not a directory, …: the message names the path."""

    @classmethod
    def from_os_error(cls, exc: OSError, path: object = None, doing: str = "") -> FileSystemError:
        """One line from an :class:`OSError`: ``path: [doing: ]reason``."""
        where = exc.filename if exc.filename is not None else path
        reason = exc.strerror or str(exc) or type(exc).__name__
        if exc.filename2 is not None:
            reason += f" (and {exc.filename2})"
        prefix = f"{where}: " if where is not None else ""
        return cls(f"{prefix}{doing + ': ' if doing else ''}{reason}")


class GraphError(CitegraphError):
    """A graph operation that cannot be done as asked (unknown label, missing node, …)."""


class StoreError(GraphError):
    """A graph directory that cannot be read (missing, another format, a newer version)."""


class CorruptGraphError(StoreError):
    """A saved graph that fails verification: the message names the file and the line."""


class NotAGraphError(StoreError):
    """A non-empty directory that is not a citegraph graph, refused as output without force."""


class GraphLockedError(StoreError):
    """Another process holds the writer lock of the graph directory."""


class QueryError(CitegraphError):
    """A query that cannot run as asked (bad Cypher, a server error, a bad argument)."""


class QueryRefused(QueryError):
    """Raw Cypher refused before it is sent: it names a clause or procedure that writes,
    administers the server or reaches outside the database."""


class QueryTimeout(QueryError):
    """A query the server stopped because it ran longer than the query timeout."""


class BadArgument(QueryError):
    """A query helper called with an unknown, missing, doubled or ill-typed argument."""


class AmbiguousName(QueryError):
    """A name, alias or title that names several nodes of the kinds asked for.

    ``candidates`` holds ``(label, key, display name)`` per node; the message lists them
    on one line so the caller can pass a node id (``Label:key``) instead."""

    def __init__(self, message: str, candidates: list[tuple[str, str, str]]) -> None:
        super().__init__(message)
        self.candidates = candidates


class ViewError(CitegraphError):
    """A view that cannot be drawn as asked (no such focus, a bad depth, …)."""


# --- leaves of the stores, loaders, extractor and queries ------------------------------


class InputError(CitegraphError):
    """A path the user gave cannot be read at all (missing, unreadable, unknown format)."""


class GazetteerError(CitegraphError):
    """A gazetteer file that cannot be read or parsed."""


class ModelError(CitegraphError):
    """A model that cannot be found, read or loaded (the embedding model, an extractor
    model file of an unknown format)."""


class EngineError(CitegraphError):
    """A build engine that cannot run: Ray not installed, a cluster that does not answer."""


class NetworkError(CitegraphError):
    """A bibliometric network that does not exist."""


class RdfError(GraphError):
    """A graph that cannot be written as RDF, or RDF that is not a citegraph graph."""


class SparqlError(GraphError):
    """A SPARQL query that does not parse or cannot run."""


class ExportError(GraphError):
    """An export that cannot be written (unknown format, a property name in the way)."""


class Neo4jUnavailable(CitegraphError):
    """The Neo4j server cannot be reached or refuses the credentials."""


class Neo4jStoreError(CitegraphError):
    """A Neo4j operation failed after the connection was made."""


class NeedsNeo4j(CitegraphError):
    """A query that only a Neo4j database can answer (e.g. raw Cypher)."""
