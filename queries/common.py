"""Pieces shared by the helpers: Cypher fragments and the embedded lookups.

A name argument is resolved to node ids by :mod:`citegraph.queries.resolve` on both
backends (on Neo4j into the ``<param>_eids`` parameter); the Cypher fragments here only
match those ids, and are built from schema constants, so no value is pasted into Cypher.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from citegraph.errors import BadArgument
from citegraph.graph import schema as S
from citegraph.queries.resolve import Ambiguity, resolve

if TYPE_CHECKING:
    from citegraph.graph.model import KnowledgeGraph

ENTITY_LABELS: tuple[str, ...] = S.ENTITY_NODE_LABELS


def label_test(var: str, labels: Iterable[str]) -> str:
    """``(n:A OR n:B)`` for schema labels."""
    return "(" + " OR ".join(f"{var}:`{label}`" for label in labels) + ")"


def node_ids_test(var: str, param: str) -> str:
    """Cypher: ``var`` is one of the nodes the resolver (:mod:`citegraph.queries.resolve`)
    chose for the reference ``$<param>``, given by their element ids in ``$<param>_eids``
    so the planner seeks them by id rather than scanning a label."""
    return f"elementId({var}) IN ${param}_eids"


def entity_match(var: str, param: str, labels: Iterable[str] = ENTITY_LABELS) -> str:
    """Cypher: ``var`` is an entity the reference ``$param`` resolves to."""
    return f"MATCH ({var}) WHERE {label_test(var, labels)} AND {node_ids_test(var, param)}"


def paper_match(var: str, param: str) -> str:
    """Cypher: ``var`` is the paper the reference ``$param`` resolves to."""
    return f"MATCH ({var}:`{S.PAPER}`) WHERE {node_ids_test(var, param)}"


def label_of(var: str) -> str:
    """Cypher: the schema label of ``var`` (nodes carry exactly one)."""
    return f"[l IN labels({var}) WHERE l IN $schema_labels][0]"


def common_params() -> dict[str, Any]:
    """Parameters the fragments above rely on."""
    return {"schema_labels": list(S.LABELS),
            "entity_types": {label: kind.value for label, kind in S.ENTITY_TYPES.items()}}


def entity_type_labels(entity_type: str | None) -> tuple[str, ...]:
    """Entity labels selected by a type name (``method``/``Method``) or all of them."""
    if not entity_type:
        return ENTITY_LABELS
    kind = S.EntityType.parse(entity_type) if isinstance(entity_type, str) else None
    if kind is None:
        choices = ", ".join(k.value for k in S.EntityType)
        raise BadArgument(f"unknown entity type {entity_type!r} (one of: {choices})")
    return (kind.label,)


# --- embedded twins --------------------------------------------------------------------


def find_entities(
    kg: KnowledgeGraph, ref: str, labels: Iterable[str] = ENTITY_LABELS,
    ambiguous: Ambiguity = "error",
) -> list[str]:
    """Node ids of the entities ``ref`` names (rules: :mod:`citegraph.queries.resolve`)."""
    return resolve(kg, ref, "entity", labels=labels, ambiguous=ambiguous)


def find_papers(kg: KnowledgeGraph, ref: str, ambiguous: Ambiguity = "error") -> list[str]:
    """Node ids of the paper ``ref`` names: key, title or short title in any spelling."""
    return resolve(kg, ref, "paper", ambiguous=ambiguous)


def neighbours(
    kg: KnowledgeGraph, nid: str, rel_types: Iterable[str], direction: str = "both"
) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(other node id, edge properties)`` for each edge of the types at ``nid``.

    ``direction`` is ``out``, ``in`` or ``both``; a self-loop is reported once.
    """
    types = set(rel_types)
    listed = types - S.COLUMNAR_TYPES
    if listed and nid in kg.g:
        if direction in ("out", "both"):
            for _, other, attrs in kg.g.out_edges(nid, data=True):
                if attrs[S.TYPE] in listed:
                    yield other, attrs
        if direction in ("in", "both"):
            for other, _, attrs in kg.g.in_edges(nid, data=True):
                if attrs[S.TYPE] in listed and not (direction == "both" and other == nid):
                    yield other, attrs
    for rel in sorted(types & S.COLUMNAR_TYPES):  # stored from the smaller id
        for start, end, _, attrs in kg.pairs.at(nid, rel):
            if start == nid and direction in ("out", "both"):
                yield end, attrs
            elif end == nid and direction in ("in", "both") and not (
                    direction == "both" and start == nid):
                yield start, attrs


def entity_type(label: str) -> str:
    """The ``type`` column of a row: the entity type's string, else the label lowered."""
    kind = S.EntityType.of_label(label)
    return kind.value if kind is not None else label.lower()
