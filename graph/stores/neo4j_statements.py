"""The Cypher the Neo4j writer runs: one statement per node label and per edge group.

Labels, types and property names come from :mod:`citegraph.graph.schema`, never from
data; every value travels in the ``$rows`` parameter.

Rows are lists, not maps: a :class:`Layout` says which schema property sits at which
position, and a trailing map carries any property the schema does not name. Lists spare
packing and unpacking a key string per value on both sides of the wire. Node rows are
``[key, *values]``; edge rows ``[start element id, end element id, *values]``, where a
group whose edges carry a discriminator has it as the first value.

Node statements return every row's key with the node's ``elementId`` (one list in one
record); edge statements find their endpoints by those element ids
(``NodeByElementIdSeek``), which costs the server a third less than two key-index seeks
per relationship. Element ids are only used by the write that read them back.

``create`` statements serve a label or edge group the database holds nothing of yet; the
``merge`` ones match on identity (node key; edge start, end, type, discriminator) and only
add or update properties, so a missing value (``null`` in its column) keeps what is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from citegraph.graph import schema as S

EdgeGroup = tuple[str, str, str, bool]  # type, start label, end label, has discriminator

#: One record holding every (key, element id) pair: far cheaper than a record per node.
_RETURN_IDS = " RETURN collect([row[0], elementId(n)]) AS ids"
_ENDPOINTS = (
    "UNWIND $rows AS row "
    "MATCH (a) WHERE elementId(a) = row[0] "
    "MATCH (b) WHERE elementId(b) = row[1] "
)


@dataclass(frozen=True)
class Layout:
    """Where each value sits in a row: ``columns`` from position ``first``, then, if
    ``extra``, a map of the properties outside ``known`` (the schema's names and the
    model's own label or type entry)."""

    columns: tuple[str, ...]
    first: int
    extra: bool
    known: frozenset[str]

    def position(self, name: str) -> int:
        return self.first + self.columns.index(name)

    @property
    def extra_position(self) -> int:
        return self.first + len(self.columns)

    def extras(self, attrs: dict) -> dict:
        """The properties of ``attrs`` that travel in the trailing map."""
        return {k: v for k, v in attrs.items() if k not in self.known}


def node_layout(label: str, present: set[str]) -> Layout:
    """The layout of a label's rows, given the property names its nodes carry."""
    schema = S.NODE_KIND_BY_LABEL[label].properties
    known = frozenset((*schema, S.LABEL))
    columns = tuple(p for p in schema if p in present and p != S.KEY)
    return Layout(columns, 1, not present <= known, known)


def edge_layout(group: EdgeGroup, present: set[str]) -> Layout:
    """The layout of a group's rows, given the property names its edges carry; a
    discriminated group has the discriminator (from the edge key) as its first value."""
    schema = S.REL_KIND_BY_TYPE[group[0]].properties
    known = frozenset((*schema, S.TYPE))
    columns = tuple(p for p in schema if p in present)
    if group[3]:
        columns = (S.DISCRIMINATOR, *columns)
    return Layout(columns, 2, not present <= known, known)


def _sets(var: str, layout: Layout, keep: bool) -> str:
    """SET clauses of a row's values; ``keep`` leaves a stored value where the row has null."""
    parts = []
    for name in layout.columns:
        value = f"row[{layout.position(name)}]"
        parts.append(f"{var}.`{name}` = " + (f"coalesce({value}, {var}.`{name}`)" if keep
                                                 else value))
    sets = f" SET {', '.join(parts)}" if parts else ""
    # A map SET makes Cypher buffer every row first (Eager), so only rows that need it get it.
    return sets + (f" SET {var} += row[{layout.extra_position}]" if layout.extra else "")


def node_create_statement(label: str, layout: Layout) -> str:
    return (
        f"UNWIND $rows AS row CREATE (n:`{label}` {{`{S.KEY}`: row[0]}})"
        + _sets("n", layout, keep=False) + _RETURN_IDS
    )


def node_merge_statement(label: str, layout: Layout) -> str:
    return (
        f"UNWIND $rows AS row MERGE (n:`{label}` {{`{S.KEY}`: row[0]}})"
        + _sets("n", layout, keep=True) + _RETURN_IDS
    )


def _without_discriminator(layout: Layout) -> Layout:
    """The layout of the values set after the discriminator (which MERGE already matched)."""
    return replace(layout, columns=layout.columns[1:], first=layout.first + 1)


def edge_create_statement(group: EdgeGroup, layout: Layout) -> str:
    return _ENDPOINTS + f"CREATE (a)-[r:`{group[0]}`]->(b)" + _sets("r", layout, keep=False)


def edge_merge_statement(group: EdgeGroup, layout: Layout) -> str:
    """MERGE on (start, end, type, discriminator); a plain edge is one with no discriminator."""
    rel_type, _, _, has_disc = group
    if has_disc:
        return (
            _ENDPOINTS
            + f"MERGE (a)-[r:`{rel_type}` {{`{S.DISCRIMINATOR}`: row[2]}}]->(b)"
            + _sets("r", _without_discriminator(layout), keep=True)
        )
    # A plain MERGE would also match a discriminated edge of the same pair and type.
    return (
        _ENDPOINTS
        + f"OPTIONAL MATCH (a)-[old:`{rel_type}`]->(b) "
        f"WHERE old.`{S.DISCRIMINATOR}` IS NULL "
        "WITH a, b, row, old "
        "FOREACH (_ IN CASE WHEN old IS NULL THEN [1] ELSE [] END | "
        f"CREATE (a)-[r:`{rel_type}`]->(b){_sets('r', layout, keep=False)}) "
        + (f"FOREACH (_ IN CASE WHEN old IS NULL THEN [] ELSE [1] END |{update})"
           if (update := _sets("old", layout, keep=True)) else "")
    )


def label_exists_statement(label: str) -> str:
    return f"MATCH (n:`{label}`) RETURN 1 AS found LIMIT 1"


def group_exists_statement(group: EdgeGroup) -> str:
    rel_type, s_label, e_label, _ = group
    return f"MATCH (:`{s_label}`)-[r:`{rel_type}`]->(:`{e_label}`) RETURN 1 AS found LIMIT 1"
