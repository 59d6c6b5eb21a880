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

Other modules add leaves for their own failures (``InputError`` in ``loaders``,
``RdfError`` and ``ExportError`` under ``GraphError``, the Neo4j and query errors, …).
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
