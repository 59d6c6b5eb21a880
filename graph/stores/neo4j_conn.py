"""Connecting to Neo4j: settings from the environment and one clear error when it fails.

Every Neo4j entry point (store, bulk import, query backend) goes through :func:`connect`, so
a down server or refused credentials always surface as :class:`Neo4jUnavailable` with the
URI and user named and the password never shown.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from citegraph.errors import CitegraphError

if TYPE_CHECKING:
    from neo4j import Driver

DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_USER = "neo4j"
DEFAULT_DATABASE = "neo4j"


class Neo4jUnavailable(CitegraphError):
    """The Neo4j server cannot be reached or refuses the credentials."""


class Neo4jStoreError(CitegraphError):
    """A Neo4j operation failed after the connection was made."""


@dataclass(frozen=True)
class Neo4jSettings:
    """Where the graph lives; ``repr`` hides the password so logs never show it."""

    uri: str = DEFAULT_URI
    user: str = DEFAULT_USER
    password: str = field(default="", repr=False)
    database: str = DEFAULT_DATABASE

    @property
    def auth(self) -> tuple[str, str]:
        return (self.user, self.password)


def settings(
    uri: str | None = None,
    auth: tuple[str, str] | None = None,
    database: str | None = None,
) -> Neo4jSettings:
    """Explicit values first, then ``NEO4J_URI``/``NEO4J_USERNAME``/``NEO4J_PASSWORD``/
    ``NEO4J_DATABASE``, then the defaults of a local server."""
    user, password = auth if auth is not None else (
        os.environ.get("NEO4J_USERNAME", DEFAULT_USER),
        os.environ.get("NEO4J_PASSWORD", ""),
    )
    return Neo4jSettings(
        uri=uri or os.environ.get("NEO4J_URI", DEFAULT_URI),
        user=user,
        password=password,
        database=database or os.environ.get("NEO4J_DATABASE", DEFAULT_DATABASE),
    )


def describe(exc: BaseException) -> str:
    """A one-line reason from a driver exception."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def connect(config: Neo4jSettings, retry_seconds: float | None = None) -> Driver:
    """An open driver whose server answered and accepted the credentials.

    ``retry_seconds`` bounds how long a transaction function is retried after transient
    failures (a lost server, a deadlock); the driver's default is 30 seconds.
    """
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, DriverError
    from neo4j.exceptions import Neo4jError as DriverNeo4jError

    try:
        options = {} if retry_seconds is None else {"max_transaction_retry_time": retry_seconds}
        driver = GraphDatabase.driver(config.uri, auth=config.auth, **options)
    except (ValueError, DriverError) as exc:
        raise Neo4jUnavailable(f"cannot reach Neo4j at {config.uri}: {describe(exc)}") from None
    try:
        driver.verify_connectivity()
    except AuthError:
        driver.close()
        raise Neo4jUnavailable(
            f"Neo4j at {config.uri} refused the credentials of user {config.user!r} "
            "(check NEO4J_USERNAME / NEO4J_PASSWORD)"
        ) from None
    except (DriverError, DriverNeo4jError, OSError) as exc:
        driver.close()
        raise Neo4jUnavailable(f"cannot reach Neo4j at {config.uri}: {describe(exc)}") from None
    return driver
