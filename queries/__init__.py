"""Query helpers: one API whether the graph is in memory or in Neo4j.

``Queries(EmbeddedBackend(kg))`` and ``Queries(Neo4jBackend(driver, database))`` expose the
same methods, one per registered helper (see :data:`HELPERS`), and return the same plain
rows: lists of dicts with fixed columns in a deterministic order, as a
:class:`~citegraph.queries.result.QueryResult` (a ``list`` with a table ``repr``, an HTML
table for Jupyter, ``to_pandas()`` and ``to_csv()``)::

    q = Queries(EmbeddedBackend(kg))
    q.papers_mentioning("LoRA", limit=5)
    q.run("top_entities", type="model")
    q.cypher("MATCH (n) RETURN count(n) AS n")   # Neo4j backend only, read-only Cypher
"""

from __future__ import annotations

from typing import Any

from citegraph.queries import (  # noqa: F401  (registers helpers)
    analytics,
    bibliometrics,
    lookups,
    resolve,
    semantic,
)
from citegraph.queries.backends import (
    EmbeddedBackend,
    NeedsNeo4j,
    Neo4jBackend,
    QueryError,
)
from citegraph.queries.common import common_params
from citegraph.queries.neo4j_cache import whole_graph_rows
from citegraph.queries.neo4j_names import resolve_neo4j
from citegraph.queries.registry import HELPERS, Helper, Param, Row
from citegraph.queries.result import QueryResult


def run_helper(helper: Helper, backend: EmbeddedBackend | Neo4jBackend,
               values: dict) -> QueryResult:
    """Answer one helper on one backend with a complete parameter dict."""
    return QueryResult(_rows(helper, backend, values), helper.columns, helper.name)


def _rows(helper: Helper, backend: EmbeddedBackend | Neo4jBackend, values: dict) -> list[Row]:
    if isinstance(backend, EmbeddedBackend):
        return helper.embedded(backend.kg, **values)
    if helper.whole_graph and not any(values.get(p.name) is not None for p in helper.params
                                      if p.kind in ("term", *resolve.KINDS)):
        return whole_graph_rows(backend, helper, values,
                                lambda v: _neo4j_rows(helper, backend, v))
    return _neo4j_rows(helper, backend, values)


def _neo4j_rows(helper: Helper, backend: Neo4jBackend, values: dict) -> list[Row]:
    if helper.neo4j is not None:
        return helper.neo4j(backend, **values)
    params = {**common_params(), **values, **_resolved(helper, backend, values)}
    if helper.extra_params is not None:
        params.update(helper.extra_params(values))
    rows = backend.read(helper.cypher or "", params)
    return helper.post(rows, values) if helper.post is not None else rows


def _resolved(helper: Helper, backend: Neo4jBackend, values: dict) -> dict[str, list[str]]:
    """``<param>_eids``: the element ids of the nodes each name argument resolves to on
    Neo4j, through the database's name index and the rules of
    :mod:`~citegraph.queries.resolve`."""
    out: dict[str, list[str]] = {}
    for p in helper.params:
        kind = "entity" if p.kind == "term" else p.kind
        labels = resolve.KINDS.get(kind)
        ref = values.get(p.name)
        if labels is None:
            continue
        if not isinstance(ref, str):
            out[f"{p.name}_eids"] = []
            continue
        out[f"{p.name}_eids"] = resolve_neo4j(
            backend, ref, kind,
            ambiguous="all" if p.kind == "term" else values.get("ambiguous", "error"))
    return out


class Queries:
    """The named query helpers over one backend; ``kg.query`` is one of these."""

    def __init__(self, backend: EmbeddedBackend | Neo4jBackend) -> None:
        self.backend = backend

    @property
    def backend_name(self) -> str:
        return self.backend.name

    def run(self, name: str, *args: Any, **kwargs: Any) -> QueryResult:
        """Run the helper called ``name`` (see :data:`HELPERS`)."""
        helper = HELPERS.get(name)
        if helper is None:
            known = ", ".join(sorted(HELPERS))
            raise QueryError(f"no query helper {name!r} (known: {known}, cypher)")
        return run_helper(helper, self.backend, helper.bind(args, kwargs))

    def cypher(self, query: str, **params: Any) -> QueryResult:
        """Rows of a read-only Cypher query; values go in ``params``. Needs Neo4j.

        The query is refused before it is sent when it names a clause or procedure that
        writes, administers or reaches outside the database
        (:mod:`~citegraph.queries.cypher_guard`), and it runs in a read transaction with
        the backend's timeout."""
        return QueryResult(self.backend.cypher(query, params), name="cypher")

    def __repr__(self) -> str:
        return f"<Queries on {self.backend.name}>"


def connect(
    uri: str | None = None, auth: tuple[str, str] | None = None, database: str | None = None,
    timeout: float | None = None,
) -> Queries:
    """Helpers over a Neo4j database (settings default from the NEO4J_* environment;
    ``timeout`` in seconds per query, default CITEGRAPH_QUERY_TIMEOUT or 30).

    Close it with ``queries.backend.close()`` when done.
    """
    return Queries(Neo4jBackend.connect(uri, auth, database, timeout))


def _method(helper: Helper):
    def method(self: Queries, *args: Any, **kwargs: Any) -> QueryResult:
        return run_helper(helper, self.backend, helper.bind(args, kwargs))

    params = ", ".join(
        p.name if p.required else f"{p.name}={p.default!r}" for p in helper.params
    )
    method.__name__ = helper.name
    method.__qualname__ = f"Queries.{helper.name}"
    method.__doc__ = (
        f"{helper.doc}\n\n{helper.name}({params}) -> rows with columns "
        f"{', '.join(helper.columns)}"
    )
    return method


for _helper in HELPERS.values():
    setattr(Queries, _helper.name, _method(_helper))

__all__ = [
    "HELPERS", "EmbeddedBackend", "Helper", "NeedsNeo4j", "Neo4jBackend", "Param", "Queries",
    "QueryError", "QueryResult", "Row", "connect", "run_helper",
]
