"""Which nodes a view shows: the most important part, a neighbourhood, or a query result.

Every function returns node ids of the :class:`KnowledgeGraph`; edges are whatever joins
the chosen nodes, so all views share one way of turning a node set into a page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from citegraph.errors import ViewError
from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.names import fold_name
from citegraph.queries.resolve import KINDS, choose, kg_candidates, resolve


def simple_graph(kg: KnowledgeGraph) -> nx.Graph:
    """The graph without direction or parallel edges: what "near" and "central" mean here."""
    return kg.undirected()


#: How strongly each relationship pulls its nodes together in a precomputed layout.
#: Embedding similarity joins most papers to many others; at full weight it pulls every
#: topic into one ball, so it only nudges. Unlisted types weigh 1.
LAYOUT_WEIGHTS: dict[str, float] = {S.SIMILAR_TO: 0.15, S.CO_MENTIONED: 0.3}


def layout_graph(kg: KnowledgeGraph, nodes: Iterable[str]) -> nx.Graph:
    """The undirected graph between ``nodes`` with a ``weight`` per pair: the strongest
    of the relationships joining it (:data:`LAYOUT_WEIGHTS`), for layout and communities."""
    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    for u, v, rel in kg.subgraph(graph.nodes).edges(data=S.TYPE):
        w = LAYOUT_WEIGHTS.get(rel, 1.0)
        if u != v and w > graph.get_edge_data(u, v, {}).get("weight", 0.0):
            graph.add_edge(u, v, weight=w)
    return graph


def importance(kg: KnowledgeGraph, graph: nx.Graph | None = None) -> dict[str, float]:
    """PageRank of every node, so hubs are drawn large and kept first when the view is capped.

    Edges weigh as in :data:`LAYOUT_WEIGHTS`, so papers that are merely similar to many
    others do not crowd out the methods, models and benchmarks they share. Ties (common
    when a corpus has few edges) are broken by upvotes and then degree, so the kept part
    of a sparse graph is still the part people care about.
    """
    graph = graph if graph is not None else simple_graph(kg)
    if graph.number_of_nodes() == 0:
        return {}
    if graph.number_of_edges():
        weighted = layout_graph(kg, graph.nodes)
        rank = nx.pagerank(weighted, weight="weight", tol=1e-6, max_iter=200)
    else:
        rank = dict.fromkeys(graph, 1.0 / graph.number_of_nodes())
    n = graph.number_of_nodes()
    for nid in rank:
        upvotes = kg.g.nodes[nid].get(S.UPVOTES) or 0
        rank[nid] += (1e-3 * min(upvotes, 1000) / 1000 + 1e-4 * graph.degree(nid)) / n
    return rank


def top_nodes(rank: Mapping[str, float], limit: int) -> list[str]:
    """The ``limit`` most important node ids, most important first."""
    return sorted(rank, key=lambda nid: (-rank[nid], nid))[:limit]


def neighbourhood(graph: nx.Graph, center: str, depth: int) -> set[str]:
    """Every node within ``depth`` hops of ``center``, ignoring edge direction."""
    if depth < 0:
        raise ViewError("depth must be 0 or more")
    return set(nx.single_source_shortest_path_length(graph, center, cutoff=depth))


def _short(text: str, limit: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def display_name(props: Mapping[str, Any]) -> str:
    """The human name of a node: a paper's title, anything else's name, or its key."""
    return str(props.get(S.TITLE) or props.get(S.NAME) or props.get(S.KEY) or "")


def resolve_focus(kg: KnowledgeGraph, name: str) -> str:
    """The one node ``name`` means, by the rules of :mod:`citegraph.queries.resolve`:
    a node id, key, paper title (or short title), entity name or alias, author name.

    A paper whose title or short title matches wins over an entity of that name (the
    paper's neighbourhood contains the entities it introduces). Several matches raise
    :class:`~citegraph.errors.AmbiguousName`; none raises :class:`ViewError` with hints.
    """
    if not name.strip():
        raise ViewError("--focus needs a paper title or an entity name")
    found = resolve(kg, name, "node")
    if found:
        return found[0]
    wanted = fold_name(name)
    hints = [_short(display_name(p)) for _, p in kg.nodes()
             if wanted and wanted in fold_name(display_name(p))][:3]
    hint = f"; did you mean {' / '.join(repr(h) for h in hints)}?" if hints else ""
    raise ViewError(f"no paper title or entity name matches {name!r}{hint}")


def _values(row: Any) -> Iterable[Any]:
    if isinstance(row, Mapping):
        for value in row.values():
            yield from _values(value)
    elif isinstance(row, list | tuple | set | frozenset):
        for value in row:
            yield from _values(value)
    else:
        yield row


def nodes_of_rows(kg: KnowledgeGraph, rows: Iterable[Any]) -> list[list[str]]:
    """The node ids each of ``rows`` names (a row that is not a dict or list is one value).

    A string counts when it is a node id, the key of a node under any label, or else
    a paper title or an entity/author name or alias as the name resolver reads it; other
    values (counts, scores, years) are ignored, so a helper's rows can be passed unchanged.
    """
    cands = list(kg_candidates(kg, KINDS["node"]))
    out = []
    for row in rows:
        found: dict[str, None] = {}
        for value in _values(row):
            if isinstance(value, str) and value.strip():
                found.update(dict.fromkeys(c.nid for c in choose(value, cands,
                                                                 ambiguous="all")))
        out.append(list(found))
    return out


def nodes_from_rows(kg: KnowledgeGraph, rows: Iterable[Any]) -> list[str]:
    """The node ids named anywhere in query rows (dicts, lists) or given directly, in
    order and once each (see :func:`nodes_of_rows`)."""
    return list(dict.fromkeys(nid for row in nodes_of_rows(kg, rows) for nid in row))
