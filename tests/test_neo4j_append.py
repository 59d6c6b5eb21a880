"""Appending to Neo4j writes only what changed, and leaves the database equal to the
appended graph: new papers and edges added, changed edges rewritten, dropped ones deleted."""

from __future__ import annotations

import neo4j_support
import pytest
from neo4j_support import db_counts, sample_graph

from citegraph import build
from citegraph.graph import schema as S
from citegraph.graph.options import BuildOptions
from citegraph.graph.progress import SILENT
from citegraph.graph.stores.neo4j_conn import connect
from citegraph.graph.stores.neo4j_delta import changes, write_append
from citegraph.graph.stores.neo4j_store import read_graph, write_graph

neo4j_config = neo4j_support.neo4j_config
neo4j_driver = neo4j_support.neo4j_driver

pytestmark = pytest.mark.neo4j


def _args(config) -> tuple:
    return config.uri, config.auth, config.database


def test_append_of_listings_leaves_the_appended_graph(seed_files, neo4j_config, neo4j_driver):
    options = lambda: BuildOptions(similarity=False)  # noqa: E731
    base = build(seed_files[:3], options=options(), progress=SILENT)
    appended = base.append(seed_files[3:], options=options(), progress=SILENT)
    write_graph(base, *_args(neo4j_config))

    found = changes(appended, base)
    done = write_append(appended, *_args(neo4j_config))

    assert read_graph(*_args(neo4j_config)).equals(appended)
    assert db_counts(neo4j_driver, neo4j_config.database) == appended.stats()
    # only the difference went over the wire: fewer rows than the whole graph
    whole = appended.number_of_nodes() + appended.number_of_edges()
    assert 0 < done["nodes"] + done["relationships"] < whole
    assert done["relationships"] == len(found.edges_written)


def test_changed_and_dropped_edges_and_nodes_are_rewritten_and_deleted(neo4j_config,
                                                                      neo4j_driver):
    base = sample_graph(max_papers=40)
    write_graph(base, *_args(neo4j_config))
    new = sample_graph(max_papers=40)
    mention = next((u, v, k) for u, v, k, rel, _ in new.keyed_edges() if rel == S.MENTIONS)
    cite = next((u, v, k) for u, v, k, rel, a in new.keyed_edges()
                if rel == S.CITES and S.split_edge_key(k)[1])
    new.remove_edge(*cite)  # a discriminated edge dropped
    rel, disc = S.split_edge_key(mention[2])
    attrs = {p: x for p, x in new.edge(*mention).items()
             if p not in (S.TYPE, S.COUNT)}
    new.remove_edge(*mention)
    new.add_edge(rel, mention[0], mention[1], disc, **attrs)  # a property lost
    author = next(nid for nid, _ in new.nodes(S.AUTHOR))
    new.remove_node(author)
    new.add_node(S.PAPER, "fresh-paper", title="A paper the append brought")

    found = changes(new, base)
    assert cite in found.edges_removed and mention in found.edges_removed
    assert mention in found.edges_written and found.nodes_removed == [author]
    done = write_append(new, *_args(neo4j_config), base=base)

    assert done["nodes_deleted"] == 1
    assert read_graph(*_args(neo4j_config)).equals(new)


def test_helpers_on_neo4j_see_an_append(neo4j_config, neo4j_driver):
    """Names and whole-graph answers kept per graph version are read again after a write."""
    from citegraph.queries import Neo4jBackend, Queries

    base = sample_graph(max_papers=40)
    write_graph(base, *_args(neo4j_config))
    q = Queries(Neo4jBackend(connect(neo4j_config), neo4j_config.database))
    try:
        cited = next(p for p, _ in base.nodes(S.PAPER))
        key = base.node(cited)[S.KEY]
        before = {r["key"]: r["citations"] for r in q.most_cited(limit=None)}
        assert q.search("Zyxwvut") == []
        assert q.run("shortest_path", "Zyxwvut", key) == []
        new = sample_graph(max_papers=40)
        paper = new.add_node(S.PAPER, "p-new", title="Zyxwvut: a late paper")
        new.add_edge(S.CITES, paper, cited)
        write_append(new, *_args(neo4j_config), base=base)

        after = {r["key"]: r["citations"] for r in q.most_cited(limit=None)}
        assert after[key] == before.get(key, 0) + 1
        path = q.run("shortest_path", "Zyxwvut", key)  # the new paper's short title
        assert [path[0]["key"], path[-1]["key"]] == ["p-new", key]
    finally:
        q.backend.close()


def test_first_load_writes_a_small_graph_in_batches(neo4j_config, neo4j_driver):
    from citegraph.errors import Neo4jStoreError
    from citegraph.graph.stores import neo4j_first_load as F

    kg = sample_graph(max_papers=30)
    assert not F.prefers_import(kg)  # a few hundred rows: batched is faster
    done = F.first_load(kg, *_args(neo4j_config))
    assert done["method"] == "batched"
    assert db_counts(neo4j_driver, neo4j_config.database) == kg.stats()
    with pytest.raises(Neo4jStoreError, match="first load needs an empty one"):
        F.first_load(kg, *_args(neo4j_config))

    from citegraph.queries import Neo4jBackend, Queries

    q = Queries(Neo4jBackend(connect(neo4j_config), neo4j_config.database))
    assert q.most_cited(limit=None) == kg.query.most_cited(limit=None)  # kept per version
    q.backend.close()  # the import branch: tests/test_neo4j_import.py
