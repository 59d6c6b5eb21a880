"""The bibliometric networks as plain node and edge lists, for maps, pages and exports.

A network is one symmetric relationship over one label: co-citation (CO_CITED between
cited works), bibliographic coupling (COUPLED between citing papers), co-authorship
(CO_AUTHORED) and keyword co-occurrence (CO_OCCURS). Each node carries what the maps of
bibliometric tools show: a size (times cited, papers, ...), its number of links, total link
strength and the mean publication year of its papers (for a time overlay). ``top`` keeps the
largest nodes only, so a map of a big corpus stays readable.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from citegraph.errors import (
    NetworkError,  # noqa: F401  (old import path)
)
from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph


@dataclass(frozen=True)
class NetworkKind:
    """Which relationship joins which label, and what a node's size counts."""

    name: str
    rel: str
    label: str
    size: str  # the name of the size measure, as the maps' weight column


NETWORKS: dict[str, NetworkKind] = {
    "co-citation": NetworkKind("co-citation", S.CO_CITED, S.PAPER, "Citations"),
    "coupling": NetworkKind("coupling", S.COUPLED, S.PAPER, "Documents"),
    "co-authorship": NetworkKind("co-authorship", S.CO_AUTHORED, S.AUTHOR, "Documents"),
    "keywords": NetworkKind("keywords", S.CO_OCCURS, S.KEYWORD, "Occurrences"),
}


@dataclass
class MapNode:
    """One node of a network map."""

    id: str
    label: str
    size: int
    year: float | None
    links: int = 0
    strength: float = 0.0


@dataclass
class Network:
    kind: NetworkKind
    nodes: list[MapNode]
    edges: list[tuple[str, str, float]]  # node ids and link strength (the count)


def network_kind(name: str) -> NetworkKind:
    kind = NETWORKS.get(name)
    if kind is None:
        raise NetworkError(f"unknown network {name!r} (one of: {', '.join(NETWORKS)})")
    return kind


def _label(attrs: dict) -> str:
    text = attrs.get(S.NAME) or attrs.get(S.TITLE) or attrs[S.KEY]
    return " ".join(str(text).split())


def _papers_of(kg: KnowledgeGraph, kind: NetworkKind) -> dict[str, set[str]]:
    """The papers behind each node: its citers (co-citation), itself (coupling), the
    papers written (authors) or given the keyword."""
    out: dict[str, set[str]] = defaultdict(set)
    if kind.rel == S.CO_CITED:
        for u, v, _, e in kg.edges(S.CITES):
            if not e.get(S.INFERRED):
                out[v].add(u)
    elif kind.rel == S.COUPLED:
        for nid, _ in kg.nodes(S.PAPER):
            out[nid].add(nid)
    elif kind.rel == S.CO_AUTHORED:
        for u, v, _, _ in kg.edges(S.AUTHORED):
            out[u].add(v)
    else:
        for u, v, _, _ in kg.edges(S.HAS_KEYWORD):
            out[v].add(u)
    return out


def _year(kg: KnowledgeGraph, nid: str, kind: NetworkKind, papers: set[str]) -> float | None:
    own = kg.node(nid).get(S.YEAR) if kind.label == S.PAPER else None
    if isinstance(own, int):
        return float(own)
    years = [kg.node(p).get(S.YEAR) for p in papers]
    years = [y for y in years if isinstance(y, int)]
    return round(sum(years) / len(years), 2) if years else None


def build_network(kg: KnowledgeGraph, name: str, top: int | None = None) -> Network:
    """The network called ``name``, its ``top`` largest nodes (all when None) and the
    edges among them; nodes sorted by size, then id."""
    kind = network_kind(name)
    edges = [(u, v, float(e.get(S.COUNT) or 1)) for u, v, _, e in kg.edges(kind.rel)]
    papers = _papers_of(kg, kind)
    ids = {n for u, v, _ in edges for n in (u, v)}
    nodes = [MapNode(n, _label(kg.node(n)), len(papers.get(n, ())),
                     _year(kg, n, kind, papers.get(n, set()))) for n in ids]
    nodes.sort(key=lambda m: (-m.size, m.id))
    if top is not None:
        nodes = nodes[: max(int(top), 0)]
    kept = {m.id: m for m in nodes}
    edges = sorted((u, v, w) for u, v, w in edges if u in kept and v in kept)
    for u, v, w in edges:
        for n in (u, v):
            kept[n].links += 1
            kept[n].strength += w
    return Network(kind, nodes, edges)
