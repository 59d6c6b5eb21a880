"""Pieces shared by the helpers: resolving an entity or paper reference on both backends.

The Cypher fragments are built from schema constants only; the reference itself is always
a query parameter. The Python twins implement exactly the same matching rule, so both
backends find the same nodes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph

ENTITY_LABELS: tuple[str, ...] = S.ENTITY_NODE_LABELS


def label_test(var: str, labels: Iterable[str]) -> str:
    """``(n:A OR n:B)`` for schema labels."""
    return "(" + " OR ".join(f"{var}:`{label}`" for label in labels) + ")"


def entity_match(var: str, param: str, labels: Iterable[str] = ENTITY_LABELS) -> str:
    """Cypher: ``var`` is an entity whose key, name or an alias equals ``$param``, any case."""
    return (
        f"MATCH ({var}) WHERE {label_test(var, labels)} AND ("
        f"toLower({var}.`{S.KEY}`) = toLower(${param}) "
        f"OR toLower({var}.`{S.NAME}`) = toLower(${param}) "
        f"OR any(alias IN coalesce({var}.`{S.ALIASES}`, []) "
        f"WHERE toLower(alias) = toLower(${param})))"
    )


def paper_match(var: str, param: str) -> str:
    """Cypher: ``var`` is the paper with key ``$param`` or with that title (any case)."""
    return (
        f"MATCH ({var}:`{S.PAPER}`) WHERE {var}.`{S.KEY}` = ${param} "
        f"OR toLower({var}.`{S.TITLE}`) = toLower(${param})"
    )


def label_of(var: str) -> str:
    """Cypher: the schema label of ``var`` (nodes carry exactly one)."""
    return f"[l IN labels({var}) WHERE l IN $schema_labels][0]"


def common_params() -> dict[str, Any]:
    """Parameters the fragments above rely on."""
    return {"schema_labels": list(S.LABELS), "entity_types": dict(S.ENTITY_TYPES)}


def entity_type_labels(entity_type: str | None) -> tuple[str, ...]:
    """Entity labels selected by a type name (``method``/``Method``) or all of them."""
    if not entity_type:
        return ENTITY_LABELS
    wanted = entity_type.strip().lower()
    for label in ENTITY_LABELS:
        if wanted in (label.lower(), S.ENTITY_TYPES[label]):
            return (label,)
    from citegraph.queries.backends import QueryError

    choices = ", ".join(S.ENTITY_TYPES[label] for label in ENTITY_LABELS)
    raise QueryError(f"unknown entity type {entity_type!r} (one of: {choices})")


# --- embedded twins --------------------------------------------------------------------


def _lower(value: Any) -> str | None:
    return value.lower() if isinstance(value, str) else None


def find_entities(
    kg: KnowledgeGraph, ref: str, labels: Iterable[str] = ENTITY_LABELS
) -> list[str]:
    """Node ids of the entities whose key, name or an alias equals ``ref``, any case."""
    wanted = ref.lower()
    labels = set(labels)
    found = []
    for nid, attrs in kg.nodes():
        if attrs[S.LABEL] not in labels:
            continue
        names = [attrs.get(S.KEY), attrs.get(S.NAME), *attrs.get(S.ALIASES, [])]
        if any(_lower(n) == wanted for n in names):
            found.append(nid)
    return found


def find_papers(kg: KnowledgeGraph, ref: str) -> list[str]:
    """Node ids of the papers with key ``ref`` or with that title, any case."""
    wanted = ref.lower()
    return [
        nid for nid, attrs in kg.nodes(S.PAPER)
        if attrs.get(S.KEY) == ref or _lower(attrs.get(S.TITLE)) == wanted
    ]


def neighbours(
    kg: KnowledgeGraph, nid: str, rel_types: Iterable[str], direction: str = "both"
) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(other node id, edge properties)`` for each edge of the types at ``nid``.

    ``direction`` is ``out``, ``in`` or ``both``; a self-loop is reported once.
    """
    types = set(rel_types)
    if direction in ("out", "both"):
        for _, other, attrs in kg.g.out_edges(nid, data=True):
            if attrs[S.TYPE] in types:
                yield other, attrs
    if direction in ("in", "both"):
        for other, _, attrs in kg.g.in_edges(nid, data=True):
            if attrs[S.TYPE] in types and not (direction == "both" and other == nid):
                yield other, attrs


def entity_type(label: str) -> str:
    return S.ENTITY_TYPES.get(label, label.lower())
