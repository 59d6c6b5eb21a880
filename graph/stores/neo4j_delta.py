"""Append to Neo4j: write only what an append changed, through the batched writer.

``kg.append(...)`` returns a graph whose ``base`` is the graph it extended. When the
database holds that base (written by :func:`~citegraph.graph.stores.neo4j_store.write_graph`
or a bulk import), the database becomes the appended graph by writing the difference:

1. edges the append dropped, and edges whose properties it changed, are deleted (a changed
   edge is written again whole, so a property it lost does not linger);
2. nodes it dropped are deleted with their relationships;
3. the nodes it added or changed, the endpoints of the edges it added or changed, and those
   edges go through the batched writer, as a small graph of their own;
4. the embeddings of papers that are new or whose text changed are written.

The cost follows the size of the change, not of the graph: the comparison walks the two
graphs in memory once, the database is only touched where they differ. A node is merged
as the batched writer merges it, so a property the append removed from a node that stays
is left in the database (appends add and update node properties; they do not remove
them). The base must be a separate graph: an append made in place (``in_place=True``, as
``citegraph build --append`` does) leaves no base to compare with.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from citegraph.errors import Neo4jStoreError
from citegraph.graph import schema as S
from citegraph.graph.stores.neo4j_conn import connect, describe, settings

if TYPE_CHECKING:
    from citegraph.graph.model import KnowledgeGraph
    from citegraph.graph.vectors import PaperVectors

Ident = tuple[str, str, str]

#: Rows per delete transaction.
DELETE_BATCH = 5_000


@dataclass
class Changes:
    """What turns ``base`` into ``new``: node ids and edge identities ``(start, end, key)``."""

    nodes_written: list[str] = field(default_factory=list)
    nodes_removed: list[str] = field(default_factory=list)
    edges_written: list[Ident] = field(default_factory=list)
    edges_removed: list[Ident] = field(default_factory=list)
    vectors_written: list[int] = field(default_factory=list)


def changes(new: KnowledgeGraph, base: KnowledgeGraph) -> Changes:
    """Compare two graphs in memory: what to delete from and write to a database that
    holds ``base`` so it holds ``new``."""
    out = Changes()
    old_nodes = base.g.nodes
    for nid, attrs in new.nodes():
        if nid not in old_nodes or dict(old_nodes[nid]) != dict(attrs):
            out.nodes_written.append(nid)
    new_nodes = new.g.nodes
    out.nodes_removed = [nid for nid, _ in base.nodes() if nid not in new_nodes]
    for u, v, k, _, attrs in new.keyed_edges():
        before = base.edge(u, v, k)
        if before is None:
            out.edges_written.append((u, v, k))
        elif dict(before) != dict(attrs):
            out.edges_written.append((u, v, k))
            out.edges_removed.append((u, v, k))  # written again whole
    for u, v, k, _, _ in base.keyed_edges():
        if not new.has_edge(u, v, k):
            out.edges_removed.append((u, v, k))
    out.vectors_written = _changed_vectors(new.embeddings, base.embeddings)
    return out


def _changed_vectors(new: PaperVectors | None, base: PaperVectors | None) -> list[int]:
    """Rows of ``new`` whose paper is not embedded in ``base`` with the same text hash."""
    if new is None:
        return []
    known = dict(zip(base.keys, base.hashes, strict=True)) if base is not None else {}
    if base is not None and base.model != new.model:
        known = {}
    return [i for i, (key, digest) in enumerate(zip(new.keys, new.hashes, strict=True))
            if known.get(key) != digest]


def _subgraph(new: KnowledgeGraph, found: Changes) -> KnowledgeGraph:
    """The nodes and edges to write, with their endpoints, as a graph of their own."""
    from citegraph.graph.model import KnowledgeGraph
    from citegraph.graph.vectors import PaperVectors

    sub = KnowledgeGraph()
    wanted = dict.fromkeys(found.nodes_written)
    for u, v, _ in found.edges_written:
        wanted[u] = None
        wanted[v] = None
    for nid in wanted:
        attrs = new.node(nid)
        sub.add_node(attrs[S.LABEL], attrs[S.KEY],
                     **{p: x for p, x in attrs.items() if p not in (S.LABEL, S.KEY)})
    for u, v, k in found.edges_written:
        attrs = new.edge(u, v, k)
        assert attrs is not None  # listed from ``new`` itself
        rel, discriminator = S.split_edge_key(k)
        sub.add_edge(rel, u, v, discriminator,
                     **{p: x for p, x in attrs.items() if p != S.TYPE})
    vectors = new.embeddings
    if vectors is not None and found.vectors_written:
        rows = found.vectors_written
        sub.embeddings = PaperVectors(vectors.model, [vectors.keys[i] for i in rows],
                                      [vectors.hashes[i] for i in rows], vectors.matrix[rows])
    return sub


def _edge_delete_groups(base: KnowledgeGraph, idents: list[Ident]
                        ) -> dict[tuple[str, str, str], list[list[Any]]]:
    """Edges to delete grouped by (type, start label, end label): ``[start key, end key,
    discriminator]`` rows (the discriminator ``None`` for a plain edge)."""
    groups: dict[tuple[str, str, str], list[list[Any]]] = defaultdict(list)
    for u, v, k in idents:
        rel, discriminator = S.split_edge_key(k)
        a, b = base.node(u), base.node(v)
        groups[(rel, a[S.LABEL], b[S.LABEL])].append(
            [a[S.KEY], b[S.KEY], discriminator or None])
    return groups


def edge_delete_statement(rel: str, start: str, end: str) -> str:
    """Delete the edges of one group named by ``[start key, end key, discriminator]``."""
    return (
        f"UNWIND $rows AS row MATCH (a:`{start}` {{`{S.KEY}`: row[0]}})"
        f"-[r:`{rel}`]->(b:`{end}` {{`{S.KEY}`: row[1]}})"
        f" WHERE r.`{S.DISCRIMINATOR}` IS NULL AND row[2] IS NULL"
        f" OR r.`{S.DISCRIMINATOR}` = row[2] DELETE r"
    )


def node_delete_statement(label: str) -> str:
    return (f"UNWIND $rows AS key MATCH (n:`{label}` {{`{S.KEY}`: key}})"
            " DETACH DELETE n")


def _chunks(rows: list[Any]) -> Iterator[list[Any]]:
    for i in range(0, len(rows), DELETE_BATCH):
        yield rows[i:i + DELETE_BATCH]


def _delete(driver, database: str, base: KnowledgeGraph, found: Changes) -> None:
    with driver.session(database=database) as session:
        for (rel, start, end), rows in sorted(
                _edge_delete_groups(base, found.edges_removed).items()):
            statement = edge_delete_statement(rel, start, end)
            for chunk in _chunks(rows):
                session.execute_write(lambda tx, s=statement, c=chunk: tx.run(s, rows=c).consume())
        by_label: dict[str, list[str]] = defaultdict(list)
        for nid in found.nodes_removed:
            attrs = base.node(nid)
            by_label[attrs[S.LABEL]].append(attrs[S.KEY])
        for label, keys in sorted(by_label.items()):
            statement = node_delete_statement(label)
            for chunk in _chunks(keys):
                session.execute_write(lambda tx, s=statement, c=chunk: tx.run(s, rows=c).consume())


def write_append(
    new: KnowledgeGraph, uri: str | None = None, auth: tuple[str, str] | None = None,
    database: str | None = None, *, base: KnowledgeGraph | None = None, **options: Any,
) -> dict[str, int]:
    """Make a database that holds ``base`` (default ``new.base``, the graph ``new`` was
    appended to) hold ``new``, writing only the difference; ``options`` go to
    :func:`~citegraph.graph.stores.neo4j_store.write_graph`. Returns what was written
    and deleted."""
    from neo4j.exceptions import DriverError
    from neo4j.exceptions import Neo4jError as DriverNeo4jError

    from citegraph.graph.stores.neo4j_store import write_graph

    base = base if base is not None else new.base
    if base is None:
        raise Neo4jStoreError("this graph was not appended to another: write it whole "
                              "with to_neo4j()")
    found = changes(new, base)
    config = settings(uri, auth, database)
    driver = connect(config)
    try:
        _delete(driver, config.database, base, found)
    except (DriverNeo4jError, DriverError) as exc:
        raise Neo4jStoreError(
            f"deleting from Neo4j at {config.shown_uri} failed: {describe(exc)}") from None
    finally:
        driver.close()
    done = write_graph(_subgraph(new, found), uri, auth, database, **options)
    return {**done, "nodes_deleted": len(found.nodes_removed),
            "relationships_deleted": len(found.edges_removed)}
