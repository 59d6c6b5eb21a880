"""A first load into an empty Neo4j database by whichever way is faster for its size.

The batched writer's cost grows with the rows it sends; a bulk import costs a fixed
part (stopping and starting the server, building the full-text and vector indexes) and a
small one per row. Measured on one machine (``bench/bench_neo4j_scale.py``, the same
synthetic graphs both ways): 73 thousand rows took 6 s batched against 53 s by import,
560 thousand rows 108 s both ways, and above that the import wins by more the larger the
graph. :data:`IMPORT_ABOVE_ROWS` is that crossover: below it the batched writer loads,
above it ``neo4j-admin database import`` does. Appends always go through the batched
writer (:mod:`~citegraph.graph.stores.neo4j_delta`): an import replaces the database.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from citegraph.errors import Neo4jStoreError
from citegraph.graph.stores.neo4j_conn import connect, settings

if TYPE_CHECKING:
    from citegraph.graph.model import KnowledgeGraph

#: Nodes plus relationships above which a first load goes through bulk import.
IMPORT_ABOVE_ROWS = 600_000


def prefers_import(kg: KnowledgeGraph) -> bool:
    """Whether a first load of ``kg`` is faster by bulk import than by batched writes."""
    return kg.number_of_nodes() + kg.number_of_edges() > IMPORT_ABOVE_ROWS


def first_load(kg: KnowledgeGraph, uri: str | None = None,
               auth: tuple[str, str] | None = None, database: str | None = None,
               **options: Any) -> dict[str, Any]:
    """Load ``kg`` into an empty database: by bulk import into the project's server
    (``scripts/neo4j``, stopped and restarted) above :data:`IMPORT_ABOVE_ROWS` rows, by
    the batched writer below. A database that holds nodes already is refused: it is not
    a first load (write to it with ``kg.to_neo4j()`` or append). Returns the counts
    written and ``method`` (``import`` or ``batched``)."""
    config = settings(uri, auth, database)
    driver = connect(config)
    try:
        with driver.session(database=config.database) as session:
            held = session.run("MATCH (n) RETURN count(n) AS n").single()["n"]
    finally:
        driver.close()
    if held:
        raise Neo4jStoreError(f"database {config.database!r} at {config.shown_uri} holds "
                              f"{held:,} nodes: a first load needs an empty one")
    if prefers_import(kg):
        from citegraph.graph.stores.neo4j_import import bulk_import

        done = bulk_import(kg, config.database, manage_server=True, uri=uri, auth=auth,
                           **options)
        return {**done, "method": "import"}
    from citegraph.graph.stores.neo4j_store import write_graph

    return {**write_graph(kg, uri, auth, database, **options), "method": "batched"}
