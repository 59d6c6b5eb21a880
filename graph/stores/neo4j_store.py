"""Write a :class:`KnowledgeGraph` into Neo4j and read it back.

Writes are batched ``UNWIND $rows AS row MERGE ...`` statements, one per (label) for nodes
and per (type, start label, end label) for edges, so every statement has static labels and
finds endpoints through the key constraints. Each batch is one transaction run through the
driver's retrying ``execute_write``. Because every statement merges on identity (node key;
edge start, end, type, discriminator), writing the same graph again changes nothing,
writing a larger graph adds only what is new, and re-running an interrupted write ends
with exactly the graph of an uninterrupted one.

Paper embeddings go onto the Paper nodes after the graph (see
:mod:`citegraph.graph.stores.neo4j_vectors`), with a cosine vector index over them.

Labels and types come from :mod:`citegraph.graph.schema`, never from data; every value
travels as a query parameter.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from typing import Any

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.progress import SILENT, Progress
from citegraph.graph.stores.neo4j_conn import (
    Neo4jSettings,
    Neo4jStoreError,
    Neo4jUnavailable,
    connect,
    describe,
    settings,
)
from citegraph.graph.stores.neo4j_schema import ensure_schema
from citegraph.graph.stores.neo4j_vectors import assemble, take_vector, write_vectors

#: Rows per transaction; large enough to amortise round trips, small enough for a 512m heap.
DEFAULT_BATCH_SIZE = 10_000

Row = dict[str, Any]
EdgeGroup = tuple[str, str, str, bool]  # type, start label, end label, has discriminator


def edge_discriminator(edge_key: str) -> str:
    """The discriminator inside a model edge key (``TYPE`` or ``TYPE|discriminator``)."""
    return edge_key.partition("|")[2]


def model_edge_key(rel_type: str, discriminator: str) -> str:
    """Inverse of :func:`edge_discriminator`, as :meth:`KnowledgeGraph.add_edge` keys edges."""
    return f"{rel_type}|{discriminator}" if discriminator else rel_type


# --- rows ------------------------------------------------------------------------------


def node_rows(kg: KnowledgeGraph) -> dict[str, list[Row]]:
    """``{label: [{"key", "props"}]}``; props hold every property but the label."""
    rows: dict[str, list[Row]] = defaultdict(list)
    for _, attrs in kg.nodes():
        props = {k: v for k, v in attrs.items() if k != S.LABEL}
        rows[attrs[S.LABEL]].append({"key": attrs[S.KEY], "props": props})
    return rows


def edge_rows(kg: KnowledgeGraph) -> dict[EdgeGroup, list[Row]]:
    """Edges grouped so each group's statement can name its labels and type statically."""
    rows: dict[EdgeGroup, list[Row]] = defaultdict(list)
    for start, end, ekey, attrs in kg.g.edges(keys=True, data=True):
        rel_type = attrs[S.TYPE]
        disc = edge_discriminator(ekey)
        props = {k: v for k, v in attrs.items() if k != S.TYPE}
        if disc:
            props[S.DISCRIMINATOR] = disc
        s_label, s_key = S.split_node_id(start)
        e_label, e_key = S.split_node_id(end)
        rows[(rel_type, s_label, e_label, bool(disc))].append(
            {"s": s_key, "e": e_key, "d": disc, "props": props}
        )
    return rows


# --- statements ------------------------------------------------------------------------


def node_statement(label: str) -> str:
    return (
        f"UNWIND $rows AS row MERGE (n:`{label}` {{`{S.KEY}`: row.key}}) SET n += row.props"
    )


def node_create_statement(label: str) -> str:
    """Plain CREATE, for a label with no node in the database yet."""
    return f"UNWIND $rows AS row CREATE (n:`{label}`) SET n = row.props"


def _label_is_new(tx, label: str) -> bool:
    return tx.run(f"MATCH (n:`{label}`) RETURN 1 AS found LIMIT 1").single() is None


def edge_statement(group: EdgeGroup) -> str:
    """MERGE on (start, end, type, discriminator); a plain edge is one with no discriminator."""
    rel_type, s_label, e_label, has_disc = group
    match = (
        f"UNWIND $rows AS row "
        f"MATCH (a:`{s_label}` {{`{S.KEY}`: row.s}}) "
        f"MATCH (b:`{e_label}` {{`{S.KEY}`: row.e}}) "
    )
    if has_disc:
        return (
            match + f"MERGE (a)-[r:`{rel_type}` {{`{S.DISCRIMINATOR}`: row.d}}]->(b) "
            "SET r += row.props"
        )
    # A plain MERGE would also match a discriminated edge of the same pair and type.
    return (
        match + f"OPTIONAL MATCH (a)-[old:`{rel_type}`]->(b) "
        f"WHERE old.`{S.DISCRIMINATOR}` IS NULL "
        "WITH a, b, row, old "
        "FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END | "
        f"CREATE (a)-[r:`{rel_type}`]->(b) SET r = row.props) "
        "FOREACH (_ IN CASE WHEN old IS NULL THEN [] ELSE [1] END | SET old += row.props)"
    )


def known_edge_properties(rel_type: str) -> tuple[str, ...]:
    """Edge properties named by the schema (plus the discriminator the store adds)."""
    return (*S.REL_KIND_BY_TYPE[rel_type].properties, S.DISCRIMINATOR)


def create_statement(group: EdgeGroup, extra: bool = False) -> str:
    """Plain CREATE, for a group none of whose edges can exist yet (see :func:`_group_is_new`).

    Schema properties are set one by one: a map SET could touch the ``key`` the endpoint
    lookups read, which makes Cypher buffer every row (Eager) first. Only a group with
    properties the schema does not name (``extra``) also gets the map SET.
    """
    rel_type, s_label, e_label, _ = group
    sets = ", ".join(f"r.`{p}` = row.props.`{p}`" for p in known_edge_properties(rel_type))
    return (
        f"UNWIND $rows AS row "
        f"MATCH (a:`{s_label}` {{`{S.KEY}`: row.s}}) "
        f"MATCH (b:`{e_label}` {{`{S.KEY}`: row.e}}) "
        f"CREATE (a)-[r:`{rel_type}`]->(b) SET {sets}"
        + (" SET r += row.props" if extra else "")
    )


def has_extra_properties(group: EdgeGroup, rows: list[Row]) -> bool:
    known = set(known_edge_properties(group[0]))
    return any(not known.issuperset(row["props"]) for row in rows)


def _group_is_new(tx, group: EdgeGroup) -> bool:
    rel_type, s_label, e_label, _ = group
    found = tx.run(
        f"MATCH (:`{s_label}`)-[r:`{rel_type}`]->(:`{e_label}`) RETURN 1 AS found LIMIT 1"
    ).single()
    return found is None


def batches(rows: list[Row], size: int) -> Iterator[list[Row]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _run_batch(tx, statement: str, rows: list[Row]) -> tuple[int, int]:
    """Run one batch; returns the nodes and relationships it created."""
    counters = tx.run(statement, rows=rows).consume().counters
    return counters.nodes_created, counters.relationships_created


# --- write / read ----------------------------------------------------------------------


def write_graph(
    kg: KnowledgeGraph,
    uri: str | None = None,
    auth: tuple[str, str] | None = None,
    database: str | None = None,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
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
    ``on_batch`` is called with the running row count after each committed batch;
    ``progress`` shows one "Writing to Neo4j" stage advancing by rows; ``retry_seconds``
    bounds the retries of one batch after transient failures (driver default: 30 s).
    """
    config = settings(uri, auth, database)
    driver = connect(config, retry_seconds)
    try:
        total = kg.g.number_of_nodes() + kg.g.number_of_edges()
        with progress.stage("Writing to Neo4j", total=total) as stage:
            shown = [0]

            def advance(rows: int) -> None:
                stage.advance(rows - shown[0])
                shown[0] = rows
                if on_batch is not None:
                    on_batch(rows)

            return _write(driver, config, kg, batch_size, clear, advance)
    finally:
        driver.close()


def _write(
    driver, config: Neo4jSettings, kg: KnowledgeGraph, batch_size: int, clear: bool,
    on_batch: Callable[[int], None] | None,
) -> dict[str, int]:
    from neo4j.exceptions import DriverError, ServiceUnavailable, SessionExpired
    from neo4j.exceptions import Neo4jError as DriverNeo4jError

    done = {"nodes": 0, "relationships": 0, "nodes_created": 0, "relationships_created": 0,
            "vectors": 0}

    def run(session, statement: str, chunk: list[Row], kind: str) -> int:
        nodes, rels = session.execute_write(_run_batch, statement, chunk)
        done[kind] += len(chunk)
        done["nodes_created"] += nodes
        done["relationships_created"] += rels
        return len(chunk)

    try:
        ensure_schema(driver, config.database)
        if clear:
            clear_graph(driver, config.database)
        with driver.session(database=config.database) as session:
            written = 0
            for label, rows in node_rows(kg).items():
                fresh = session.execute_read(_label_is_new, label)
                statement = node_create_statement(label) if fresh else node_statement(label)
                for chunk in batches(rows, batch_size):
                    written += run(session, statement, chunk, "nodes")
                    if on_batch:
                        on_batch(written)
            for group, rows in sorted(edge_rows(kg).items()):
                # When the database holds no edge of this (type, labels) yet, every row is
                # new (the model holds each edge once), so CREATE is safe and about twice
                # as fast as MERGE; a re-run after an interruption finds some and merges.
                # (Nodes likewise, per label.) This assumes one writer at a time.
                fresh = session.execute_read(_group_is_new, group)
                statement = (
                    create_statement(group, has_extra_properties(group, rows)) if fresh
                    else edge_statement(group)
                )
                for chunk in batches(rows, batch_size):
                    written += run(session, statement, chunk, "relationships")
                    if on_batch:
                        on_batch(written)
        done["vectors"] = write_vectors(driver, config.database, kg.embeddings, batch_size)
    except (ServiceUnavailable, SessionExpired) as exc:
        raise Neo4jUnavailable(f"lost Neo4j at {config.uri}: {describe(exc)}") from None
    except (DriverNeo4jError, DriverError) as exc:
        raise Neo4jStoreError(f"writing to Neo4j at {config.uri} failed: {describe(exc)}") from None
    return done


def clear_graph(driver, database: str) -> None:
    """Delete every node of a citegraph label (and its relationships), in batches."""
    labels = " OR ".join(f"n:`{label}`" for label in S.LABELS)
    with driver.session(database=database) as session:
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

    kg = KnowledgeGraph()
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
                    kg.g.add_node(S.node_id(label, row["key"]), **{S.LABEL: label}, **props)
            for kind in S.REL_KINDS:
                rows = session.execute_read(
                    _read_all,
                    f"MATCH (a)-[r:`{kind.type}`]->(b) "
                    f"RETURN labels(a) AS sl, a.`{S.KEY}` AS s, labels(b) AS el, "
                    f"b.`{S.KEY}` AS e, properties(r) AS props ORDER BY s, e",
                )
                for row in rows:
                    _add_read_edge(kg, kind, row)
        kg.embeddings = assemble(vectors)
    except (ServiceUnavailable, SessionExpired) as exc:
        raise Neo4jUnavailable(f"lost Neo4j at {uri}: {describe(exc)}") from None
    except (DriverNeo4jError, DriverError) as exc:
        raise Neo4jStoreError(f"reading from Neo4j at {uri} failed: {describe(exc)}") from None
    return kg


def _add_read_edge(kg: KnowledgeGraph, kind: S.RelKind, row: Row) -> None:
    s_label = next((lb for lb in row["sl"] if lb in kind.start), None)
    e_label = next((lb for lb in row["el"] if lb in kind.end), None)
    if s_label is None or e_label is None:
        return  # not a citegraph relationship
    start, end = S.node_id(s_label, row["s"]), S.node_id(e_label, row["e"])
    if start not in kg.g or end not in kg.g:
        return
    props = dict(row["props"])
    disc = props.pop(S.DISCRIMINATOR, "")
    kg.g.add_edge(start, end, key=model_edge_key(kind.type, disc), **{S.TYPE: kind.type},
                  **props)
