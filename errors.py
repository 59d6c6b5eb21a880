"""The one exception family the CLI turns into a single clear line and a non-zero exit."""


class CitegraphError(Exception):
    """A problem the user can act on, with a message that names the file, record or server."""


class QueryError(CitegraphError):
    """A query that cannot run as asked (bad Cypher, a server error, a bad argument)."""


class QueryRefused(QueryError):
    """Raw Cypher refused before it is sent: it names a clause or procedure that writes,
    administers the server or reaches outside the database."""


class QueryTimeout(QueryError):
    """A query the server stopped because it ran longer than the query timeout."""
