"""Rows and statements of the Neo4j writer, without a server: positions, extras, safety."""

from __future__ import annotations

import re

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.stores.neo4j_statements import (
    edge_create_statement,
    edge_merge_statement,
    node_create_statement,
    node_merge_statement,
)
from citegraph.graph.stores.neo4j_store import (
    edge_group_layout,
    edge_groups,
    edge_rows,
    node_group_layout,
    node_groups,
    node_rows,
)

HOSTILE_NAME = "x`]->() DETACH DELETE a //"


def small_graph() -> KnowledgeGraph:
    kg = KnowledgeGraph()
    p1 = kg.add_node(S.PAPER, "p1", **{S.TITLE: "One", S.YEAR: 2024})
    p2 = kg.add_node(S.PAPER, "p2", **{S.TITLE: "Two", HOSTILE_NAME: "kept"})
    m = kg.add_node(S.METHOD, "m", **{S.NAME: "M"})
    kg.add_edge(S.MENTIONS, p1, m, **{S.COUNT: 2})
    kg.add_edge(S.MENTIONS, p2, m, **{S.COUNT: 1, S.SOURCE: "title"})
    kg.add_edge(S.CITES, p2, p1, discriminator="doi", **{S.INFERRED: False})
    kg.add_edge(S.CITES, p1, p2, **{S.INFERRED: True, HOSTILE_NAME: 1})
    return kg


def identifiers(statement: str) -> set[str]:
    """Every backquoted name a statement spells."""
    return set(re.findall(r"`([^`]*)`", statement))


def test_node_rows_put_the_key_first_and_schema_values_by_position():
    kg = small_graph()
    papers = node_groups(kg)[S.PAPER]
    layout = node_group_layout(S.PAPER, papers)
    assert layout.columns == (S.TITLE, S.YEAR)  # schema order, key apart
    assert layout.extra
    rows = {row[0]: row for row in node_rows(papers, layout)}
    assert rows["p1"] == ["p1", "One", 2024, {}]
    assert rows["p2"] == ["p2", "Two", None, {HOSTILE_NAME: "kept"}]


def test_edge_rows_carry_element_ids_the_discriminator_and_extras():
    kg = small_graph()
    ids = {nid: f"eid-{nid}" for nid in kg.g.nodes}
    groups = edge_groups(kg)
    assert set(groups) == {
        (S.MENTIONS, S.PAPER, S.METHOD, False),
        (S.CITES, S.PAPER, S.PAPER, True),
        (S.CITES, S.PAPER, S.PAPER, False),
    }
    mentions = (S.MENTIONS, S.PAPER, S.METHOD, False)
    layout = edge_group_layout(mentions, groups[mentions])
    assert layout.columns == (S.COUNT, S.SOURCE) and not layout.extra
    assert sorted(edge_rows(groups[mentions], layout, ids)) == [
        ["eid-Paper:p1", "eid-Method:m", 2, None],
        ["eid-Paper:p2", "eid-Method:m", 1, "title"],
    ]
    cited = (S.CITES, S.PAPER, S.PAPER, True)
    layout = edge_group_layout(cited, groups[cited])
    assert layout.columns == (S.DISCRIMINATOR, S.INFERRED)
    assert edge_rows(groups[cited], layout, ids) == [["eid-Paper:p2", "eid-Paper:p1", "doi", False]]
    plain = (S.CITES, S.PAPER, S.PAPER, False)
    layout = edge_group_layout(plain, groups[plain])
    assert edge_rows(groups[plain], layout, ids) == [
        ["eid-Paper:p1", "eid-Paper:p2", True, {HOSTILE_NAME: 1}]]


def test_statements_spell_only_schema_names_and_take_values_from_rows():
    kg = small_graph()
    allowed = {*S.LABELS, *S.REL_TYPES, S.DISCRIMINATOR,
               *(p for kind in S.NODE_KINDS for p in kind.properties),
               *(p for kind in S.REL_KINDS for p in kind.properties)}
    statements = []
    for label, nodes in node_groups(kg).items():
        layout = node_group_layout(label, nodes)
        statements += [node_create_statement(label, layout), node_merge_statement(label, layout)]
    for group, edges in edge_groups(kg).items():
        layout = edge_group_layout(group, edges)
        statements += [edge_create_statement(group, layout), edge_merge_statement(group, layout)]
    for statement in statements:
        assert identifiers(statement) <= allowed, statement
        assert not any(value in statement for value in ("kept", "One", "Two", "doi"))
        assert "$rows" in statement


def test_merge_statements_keep_stored_values_where_a_row_has_none():
    kg = small_graph()
    papers = node_groups(kg)[S.PAPER]
    merge = node_merge_statement(S.PAPER, node_group_layout(S.PAPER, papers))
    assert f"n.`{S.TITLE}` = coalesce(row[1], n.`{S.TITLE}`)" in merge
    create = node_create_statement(S.PAPER, node_group_layout(S.PAPER, papers))
    assert "coalesce" not in create
    # only the group with extras pays for the map SET (it makes Cypher buffer every row)
    groups = edge_groups(kg)
    mentions = (S.MENTIONS, S.PAPER, S.METHOD, False)
    assert "+=" not in edge_create_statement(
        mentions, edge_group_layout(mentions, groups[mentions]))
    plain = (S.CITES, S.PAPER, S.PAPER, False)
    assert "SET r += row[3]" in edge_create_statement(
        plain, edge_group_layout(plain, groups[plain]))
