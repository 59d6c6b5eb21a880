"""Connecting to Neo4j: settings from the environment and one clear error when it fails.

Every Neo4j entry point (store, bulk import, query backend) goes through :func:`connect`, so
a down server or refused credentials always surface as :class:`Neo4jUnavailable` with the
URI and user named and the password never shown.

Credentials never reach a message: a URI is always shown through :func:`shown_uri` (user
information removed), and :func:`describe` scrubs driver exception text, which may quote
the URI it was given or a password, before it becomes part of an error.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit, urlunsplit

from citegraph.errors import CitegraphError, Neo4jStoreError, Neo4jUnavailable  # noqa: F401  (old import path)

if TYPE_CHECKING:
    from neo4j import Driver

DEFAULT_URI = "bolt://127.0.0.1:7687"
DEFAULT_USER = "neo4j"
DEFAULT_DATABASE = "neo4j"


#: ``scheme://user:password@`` anywhere in a text (the user information of a URI).
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)[^/?#\s'\"]*@")
#: Passwords :func:`connect` has used in this process, scrubbed from every message.
_SECRETS: set[str] = set()
#: Shorter passwords are not searched for in free text (they would mask ordinary words).
MIN_SCRUBBED_LENGTH = 4


def shown_uri(uri: str) -> str:
    """``uri`` as it may be printed: any ``user:password@`` part removed.

    Every message and log line that names a Neo4j URI goes through this function.
    """
    return _USERINFO.sub(lambda m: m.group("scheme"), uri)


def scrub(text: str) -> str:
    """``text`` with URI user information and every password in use replaced."""
    text = shown_uri(text)
    for secret in sorted(_SECRETS, key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def split_userinfo(uri: str) -> tuple[str, tuple[str, str] | None]:
    """The URI without user information, and the ``(user, password)`` it carried, if any.

    The driver refuses user information in a URI (and quotes the URI, password included,
    in its error), so it is taken out here and used as the credentials.
    """
    parts = urlsplit(uri)
    if "@" not in parts.netloc:
        return uri, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    clean = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return clean, (unquote(user), unquote(password))


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

    @property
    def shown_uri(self) -> str:
        """The URI as messages show it (no user information)."""
        return shown_uri(self.uri)


def settings(
    uri: str | None = None,
    auth: tuple[str, str] | None = None,
    database: str | None = None,
) -> Neo4jSettings:
    """Explicit values first, then ``NEO4J_URI``/``NEO4J_USERNAME``/``NEO4J_PASSWORD``/
    ``NEO4J_DATABASE``, then the defaults of a local server.

    Credentials written into the URI (``bolt://user:password@host``) are taken out of it
    and used unless ``auth`` is given; the settings keep the URI without them.
    """
    address, from_uri = split_userinfo(uri or os.environ.get("NEO4J_URI", DEFAULT_URI))
    user, password = auth or from_uri or (
        os.environ.get("NEO4J_USERNAME", DEFAULT_USER),
        os.environ.get("NEO4J_PASSWORD", ""),
    )
    return Neo4jSettings(
        uri=address,
        user=user,
        password=password,
        database=database or os.environ.get("NEO4J_DATABASE", DEFAULT_DATABASE),
    )


def describe(exc: BaseException) -> str:
    """A one-line reason from a driver exception, credentials scrubbed."""
    text = scrub(" ".join(str(exc).split())) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."


def connect(config: Neo4jSettings, retry_seconds: float | None = None) -> Driver:
    """An open driver whose server answered and accepted the credentials.

    ``retry_seconds`` bounds how long a transaction function is retried after transient
    failures (a lost server, a deadlock); the driver's default is 30 seconds.
    """
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError, DriverError
    from neo4j.exceptions import Neo4jError as DriverNeo4jError

    if len(config.password) >= MIN_SCRUBBED_LENGTH:
        _SECRETS.add(config.password)
    try:
        options = {} if retry_seconds is None else {"max_transaction_retry_time": retry_seconds}
        driver = GraphDatabase.driver(config.uri, auth=config.auth, **options)
    except (ValueError, DriverError) as exc:
        raise Neo4jUnavailable(
            f"cannot reach Neo4j at {config.shown_uri}: {describe(exc)}") from None
    try:
        driver.verify_connectivity()
    except AuthError:
        driver.close()
        raise Neo4jUnavailable(
            f"Neo4j at {config.shown_uri} refused the credentials of user {config.user!r} "
            "(check NEO4J_USERNAME / NEO4J_PASSWORD)"
        ) from None
    except (DriverError, DriverNeo4jError, OSError) as exc:
        driver.close()
        raise Neo4jUnavailable(
            f"cannot reach Neo4j at {config.shown_uri}: {describe(exc)}") from None
    return driver
