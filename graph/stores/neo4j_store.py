"""Write a :class:`KnowledgeGraph` into Neo4j and read it back.

Writes are batched ``UNWIND $rows`` statements (:mod:`~citegraph.graph.stores.neo4j_statements`),
one per label for nodes and per (type, start label, end label) for edges, run on a few
sessions at once (:mod:`~citegraph.graph.stores.neo4j_batches`). Each batch is one
transaction through the driver's retrying ``execute_write``. Every statement either merges
on identity (node key; edge start, end, type, discriminator) or, for a label or edge group
the database holds nothing of yet, creates: so writing the same graph again changes
nothing, writing a larger graph adds only what is new, and re-running an interrupted write
ends with exactly the graph of an uninterrupted one.

Nodes go first; their statements hand back element ids, by which the edge statements find
their endpoints. While the nodes are written, the edges are grouped on this side.

Paper embeddings go onto the Paper nodes after the graph (see
:mod:`citegraph.graph.stores.neo4j_vectors`), with a cosine vector index over them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from citegraph.graph import schema as S
from citegraph.graph.bulk import GraphLoader
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.progress import SILENT, Progress
from citegraph.graph.stores.neo4j_batches import DEFAULT_WORKERS, BatchPool, BatchRows
from citegraph.graph.stores.neo4j_conn import (
    Neo4jSettings,
    Neo4jStoreError,
    Neo4jUnavailable,
    connect,
    describe,
    settings,
    shown_uri,
)
from citegraph.graph.stores.neo4j_schema import ensure_schema
from citegraph.graph.stores.neo4j_statements import (
    EdgeGroup,
    Layout,
    edge_create_statement,
    edge_layout,
    edge_merge_statement,
    group_exists_statement,
    label_exists_statement,
    node_create_statement,
    node_layout,
    node_merge_statement,
)
from citegraph.graph.stores.neo4j_vectors import assemble, take_vector, write_vectors

#: Rows per transaction: small enough that two sessions overlap well and a 768m heap
#: holds every batch in flight, large enough to amortise the round trips.
DEFAULT_BATCH_SIZE = 5_000

Row = dict[str, Any]
#: One model edge waiting for its endpoints' element ids: start, end, discriminator and
#: the model's attribute map.
PendingEdge = tuple[str, str, str, Row]


# --- rows ------------------------------------------------------------------------------


def node_groups(kg: KnowledgeGraph) -> dict[str, list[Row]]:
    """The model's node attribute maps by label (the maps themselves, not copies)."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for _, attrs in kg.nodes():
        groups[attrs[S.LABEL]].append(attrs)
    return groups


def node_group_layout(label: str, nodes: list[Row]) -> Layout:
    return node_layout(label, set().union(*nodes))


def node_rows(nodes: list[Row], layout: Layout) -> list[list[Any]]:
    """Statement rows ``[key, *values, (extras)]`` of one label's nodes."""
    names = layout.columns
    if not layout.extra:
        return [[attrs[S.KEY], *[attrs.get(name) for name in names]] for attrs in nodes]
    return [[attrs[S.KEY], *[attrs.get(name) for name in names], layout.extras(attrs)]
            for attrs in nodes]


def edge_groups(kg: KnowledgeGraph) -> dict[EdgeGroup, list[PendingEdge]]:
    """Edges grouped so each group's statement can name its labels and type statically."""
    labels = {node: attrs[S.LABEL] for node, attrs in kg.nodes()}
    groups: dict[EdgeGroup, list[PendingEdge]] = defaultdict(list)
    for start, end, ekey, _, attrs in kg.keyed_edges():
        disc = S.edge_discriminator(ekey)
        groups[(attrs[S.TYPE], labels[start], labels[end], bool(disc))].append(
            (start, end, disc, attrs))
    return groups


def edge_group_layout(group: EdgeGroup, edges: list[PendingEdge]) -> Layout:
    return edge_layout(group, set().union(*(edge[3] for edge in edges)))


def edge_rows(
    edges: list[PendingEdge], layout: Layout, element_ids: dict[str, str]
) -> list[list[Any]]:
    """Statement rows ``[start id, end id, (discriminator), *values, (extras)]`` of edges,
    endpoints given by the element ids the node writes returned."""
    ids = element_ids
    with_disc = layout.columns[:1] == (S.DISCRIMINATOR,)
    names = layout.columns[1:] if with_disc else layout.columns
    rows = (
        [[ids[s], ids[e], disc, *[attrs.get(name) for name in names]]
         for s, e, disc, attrs in edges] if with_disc
        else [[ids[s], ids[e], *[attrs.get(name) for name in names]]
              for s, e, _, attrs in edges]
    )
    if layout.extra:
        for row, edge in zip(rows, edges, strict=True):
            row.append(layout.extras(edge[3]))
    return rows


def batches(rows: list, size: int) -> Iterator[list]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def run_batch(tx, statement: str, rows: list[list[Any]]) -> tuple[int, int, list[list[str]]]:
    """Run one batch: the nodes and relationships it created, and the [key, element id]
    pairs a node statement returns."""
    result = tx.run(statement, rows=BatchRows(rows))
    returned = [pair for record in result for pair in record[0]]
    counters = result.consume().counters
    return counters.nodes_created, counters.relationships_created, returned


def _absent(tx, statements: dict[Any, str]) -> set[Any]:
    """The keys of ``statements`` whose existence query finds nothing."""
    return {key for key, statement in statements.items() if tx.run(statement).single() is None}


# --- write / read ----------------------------------------------------------------------


def write_graph(
    kg: KnowledgeGraph,
    uri: str | None = None,
    auth: tuple[str, str] | None = None,
    database: str | None = None,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    workers: int = DEFAULT_WORKERS,
    clear: bool = False,
    on_batch: Callable[[int], None] | None = None,
    progress: Progress = SILENT,
    retry_seconds: float | None = None,
) -> dict[str, int]:
    """Merge ``kg`` into Neo4j; returns rows written and what was new.

    The result holds ``nodes`` and ``relationships`` (rows merged), ``nodes_created`` and
    ``relationships_created`` (what the database did not hold yet) and ``vectors`` (paper
    embeddings written, with the vector index created for their dimension).

    Additive: properties of existing nodes and edges are updated, nothing is removed
    unless ``clear`` is set, which first deletes every citegraph node of the database.
    ``workers`` sessions write at once. ``on_batch`` is called with the running row count
    after each committed batch, in order; ``progress`` shows one "Writing to Neo4j" stage
    advancing by rows; ``retry_seconds`` bounds the retries of one batch after transient
    failures (driver default: 30 s).
    """
    config = settings(uri, auth, database)
    driver = connect(config, retry_seconds)
    try:
        total = kg.number_of_nodes() + kg.number_of_edges()
        with progress.stage("Writing to Neo4j", total=total) as stage:
            shown = [0]

            def advance(rows: int) -> None:
                stage.advance(rows - shown[0])
                shown[0] = rows
                if on_batch is not None:
                    on_batch(rows)

            return _write(driver, config, kg, batch_size, workers, clear, advance)
    finally:
        driver.close()


def _write(
    driver, config: Neo4jSettings, kg: KnowledgeGraph, batch_size: int, workers: int,
    clear: bool, on_batch: Callable[[int], None],
) -> dict[str, int]:
    from neo4j.exceptions import DriverError, ServiceUnavailable, SessionExpired
    from neo4j.exceptions import Neo4jError as DriverNeo4jError

    done = {"nodes": 0, "relationships": 0, "nodes_created": 0, "relationships_created": 0,
            "vectors": 0}
    element_ids: dict[str, str] = {}

    def committed(kind: str, rows: int, label: str | None = None):
        def then(result: tuple[int, int, list[list[str]]]) -> None:
            nodes, rels, returned = result
            done[kind] += rows
            done["nodes_created"] += nodes
            done["relationships_created"] += rels
            if label is not None:
                for key, element_id in returned:
                    element_ids[S.node_id(label, key)] = element_id
            on_batch(done["nodes"] + done["relationships"])
        return then

    try:
        ensure_schema(driver, config.database)
        if clear:
            clear_graph(driver, config.database)
        nodes = node_groups(kg)
        with driver.session(database=config.database) as session:
            new_labels = session.execute_read(
                _absent, {label: label_exists_statement(label) for label in nodes})
        with BatchPool(driver, config.database, workers) as pool:
            for label, attrs in nodes.items():
                # A label the database holds no node of yet gets CREATE, about twice as
                # fast as MERGE; a re-run after an interruption finds some and merges.
                # (Edge groups likewise.) This assumes one writer at a time.
                layout = node_group_layout(label, attrs)
                statement = (node_create_statement if label in new_labels
                             else node_merge_statement)(label, layout)
                for chunk in batches(attrs, batch_size):
                    pool.submit(run_batch, statement, node_rows(chunk, layout), bounded=False,
                                then=committed("nodes", len(chunk), label))
            groups = edge_groups(kg)  # grouped while the nodes are written
            pool.wait()
            with driver.session(database=config.database) as session:
                new_groups = session.execute_read(
                    _absent, {group: group_exists_statement(group) for group in groups})
            for group, edges in sorted(groups.items()):
                layout = edge_group_layout(group, edges)
                statement = (edge_create_statement if group in new_groups
                             else edge_merge_statement)(group, layout)
                for chunk in batches(edges, batch_size):
                    pool.submit(run_batch, statement, edge_rows(chunk, layout, element_ids),
                                then=committed("relationships", len(chunk)))
            pool.wait()
        done["vectors"] = write_vectors(driver, config.database, kg.embeddings, batch_size,
                                        workers)
    except (ServiceUnavailable, SessionExpired) as exc:
        raise Neo4jUnavailable(f"lost Neo4j at {config.shown_uri}: {describe(exc)}") from None
    except (DriverNeo4jError, DriverError) as exc:
        raise Neo4jStoreError(
            f"writing to Neo4j at {config.shown_uri} failed: {describe(exc)}") from None
    return done


def clear_graph(driver, database: str) -> None:
    """Delete every node of a citegraph label and its relationships, in batches.

    Relationships go first, 10,000 per transaction: deleting nodes with their
    relationships in one go would put all of a batch's relationships (thousands for a
    much-mentioned entity) into one transaction and can exceed the server's memory limit.
    """
    labels = " OR ".join(f"n:`{label}`" for label in S.LABELS)
    with driver.session(database=database) as session:
        for pattern in ("(n)-[r]->()", "()-[r]->(n)"):
            session.run(
                f"MATCH {pattern} WHERE {labels} "
                "CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS"
            ).consume()
        session.run(
            f"MATCH (n) WHERE {labels} "
            "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
        ).consume()


def _read_all(tx, statement: str) -> list[Row]:
    return [record.data() for record in tx.run(statement)]


def read_graph(
    uri: str | None = None,
    auth: tuple[str, str] | None = None,
    database: str | None = None,
) -> KnowledgeGraph:
    """The citegraph nodes and relationships of a Neo4j database as a KnowledgeGraph.

    Paper embeddings come back as ``kg.embeddings`` (rows in paper key order), not as
    node properties; a database without them gives ``embeddings = None``.
    """
    config = settings(uri, auth, database)
    driver = connect(config)
    try:
        return read_with_driver(driver, config.database, uri=config.uri)
    finally:
        driver.close()


def read_with_driver(driver, database: str, uri: str = "") -> KnowledgeGraph:
    """:func:`read_graph` over an open driver (the query backend reuses its own)."""
    from neo4j.exceptions import DriverError, ServiceUnavailable, SessionExpired
    from neo4j.exceptions import Neo4jError as DriverNeo4jError

    loader = GraphLoader()
    vectors: list[tuple[str, list[float], str, str]] = []
    try:
        with driver.session(database=database) as session:
            for label in S.LABELS:
                rows = session.execute_read(
                    _read_all,
                    f"MATCH (n:`{label}`) WHERE n.`{S.KEY}` IS NOT NULL "
                    f"RETURN n.`{S.KEY}` AS key, properties(n) AS props ORDER BY key",
                )
                for row in rows:
                    props = row["props"]
                    if label == S.PAPER and (found := take_vector(props)) is not None:
                        vectors.append((row["key"], *found))
                    loader.node(label, row["key"], props,
                                where=f"Neo4j {label} node {row['key']!r}")
            for kind in S.REL_KINDS:
                rows = session.execute_read(
                    _read_all,
                    f"MATCH (a)-[r:`{kind.type}`]->(b) "
                    f"RETURN labels(a) AS sl, a.`{S.KEY}` AS s, labels(b) AS el, "
                    f"b.`{S.KEY}` AS e, properties(r) AS props ORDER BY s, e",
                )
                for row in rows:
                    _add_read_edge(loader, kind, row)
        loader.kg.embeddings = assemble(vectors)
    except (ServiceUnavailable, SessionExpired) as exc:
        raise Neo4jUnavailable(f"lost Neo4j at {shown_uri(uri)}: {describe(exc)}") from None
    except (DriverNeo4jError, DriverError) as exc:
        raise Neo4jStoreError(
            f"reading from Neo4j at {shown_uri(uri)} failed: {describe(exc)}") from None
    return loader.kg


def _add_read_edge(loader: GraphLoader, kind: S.RelKind, row: Row) -> None:
    """One relationship read back; one whose end is not a citegraph node (no schema label
    or no key) belongs to other data in the database and is passed over."""
    s_label = next((lb for lb in row["sl"] if lb in kind.start), _citegraph_label(row["sl"]))
    e_label = next((lb for lb in row["el"] if lb in kind.end), _citegraph_label(row["el"]))
    if s_label is None or e_label is None or row["s"] is None or row["e"] is None:
        return
    start, end = S.node_id(s_label, row["s"]), S.node_id(e_label, row["e"])
    props = dict(row["props"])
    disc = props.pop(S.DISCRIMINATOR, "")
    loader.edge(kind.type, start, end, props, discriminator=disc,
                where=f"Neo4j {kind.type} edge {start!r} -> {end!r}")


def _citegraph_label(labels: list[str]) -> str | None:
    return next((lb for lb in labels if lb in S.NODE_KIND_BY_LABEL), None)
