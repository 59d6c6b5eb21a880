"""The views themselves: overview, a node's neighbourhood, and a set of nodes from a query.

Each picks node ids (:mod:`citegraph.viz.select`), keeps the edges between them, decides
between live physics and a precomputed layout by size, and renders one page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

import networkx as nx

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.viz import data as D
from citegraph.viz import layout, select
from citegraph.viz.page import GraphView, render
from citegraph.viz.select import ViewError, display_name

#: Largest view drawn with vis-network's live physics; bigger views get a Python layout.
#: Measured with ``bench/bench_view.py`` on a shared 2-core machine (three runs, varying
#: load): physics stabilisation took 0.9-1.2 s at 250 nodes, 1.5-2.6 s at 500,
#: 3.3-6.6 s at 1,000 and 9-19 s at 2,000, while precomputed positions draw 1,000 nodes in
#: 0.6-0.7 s and 5,000 in 1.2-1.8 s. 500 keeps physics views within about 2.5 s.
PHYSICS_LIMIT = 500
#: Most nodes one page shows; the rest are left out, most important kept, with a note.
MAX_NODES = 5000
#: Most nodes the overview shows by default: past a few hundred, nodes and labels of a
#: real corpus run together at the size of a screen (``--max-nodes`` shows more).
OVERVIEW_NODES = 400
#: Overviews bigger than this get the community layout instead of live physics.
OVERVIEW_PHYSICS_LIMIT = 150
#: Relationships hidden until their legend box is ticked in the overview: similarity
#: links most papers to most others, and drawn it buries every other edge.
OVERVIEW_HIDDEN = (S.SIMILAR_TO,)


def _counts(kg: KnowledgeGraph, nodes: Iterable[str]) -> str:
    counts = Counter(kg.node(n)[S.LABEL] for n in nodes)
    return ", ".join(f"{counts[k.label]:,} {k.label}" for k in S.NODE_KINDS if counts[k.label])


def _cap(kg: KnowledgeGraph, chosen: list[str], rank: dict[str, float], limit: int,
         keep: str | None = None) -> tuple[list[str], list[str]]:
    """At most ``limit`` of ``chosen`` (most important first, ``keep`` always), and what
    the cap left out: the nodes by label and the edges that touch them."""
    if len(chosen) <= limit:
        return chosen, []
    ordered = select.top_nodes({n: rank.get(n, 0.0) for n in chosen}, len(chosen))
    if keep is not None:
        ordered = [keep, *[n for n in ordered if n != keep]]
    kept, left = ordered[:limit], ordered[limit:]
    edges = kg.subgraph(chosen).number_of_edges()
    shown = kg.subgraph(kept).number_of_edges()
    said = (f"Showing the {len(kept):,} most central of {len(chosen):,} nodes (by PageRank) "
            f"and {shown:,} of {edges:,} edges; left out: {_counts(kg, left)}"
            f" and the {edges - shown:,} edges that touch them.")
    return kept, [said]


def _label_priority(kg: KnowledgeGraph, order: list[str], groups: list[set[str]] | None,
                    ) -> dict[str, float]:
    """Which nodes get a label first: the main entity of each community (it names the
    topic), then entities before papers (short names, the hubs people look for)."""
    score = {nid: float(len(order) - i) / len(order) for i, nid in enumerate(order)}
    for nid in order:
        if kg.node(nid)[S.LABEL] != S.PAPER:
            score[nid] += 1.0
    rank = {nid: i for i, nid in enumerate(order)}
    for group in groups or []:
        if len(group) < 5:
            continue
        entities = [n for n in group if kg.node(n)[S.LABEL] != S.PAPER] or list(group)
        score[min(entities, key=rank.__getitem__)] += 2.0
    return score


def _hide_similarity(kg: KnowledgeGraph, nodes: list[str]) -> tuple[tuple[str, ...], list[str]]:
    """``OVERVIEW_HIDDEN`` for a view past ``OVERVIEW_PHYSICS_LIMIT`` nodes, and the
    sentence saying so: at that size similarity edges outnumber the rest and hide the
    structure."""
    if len(nodes) <= OVERVIEW_PHYSICS_LIMIT:
        return (), []
    total = sum(1 for _, _, t in kg.subgraph(nodes).edges(data=S.TYPE)
                if t in OVERVIEW_HIDDEN)
    if not total:
        return (), []
    return OVERVIEW_HIDDEN, [f"{', '.join(OVERVIEW_HIDDEN)} ({total:,}) hidden: tick it in "
                             "the legend to show."]


def render_view(kg: KnowledgeGraph, nodes: list[str], title: str,
                left_out: list[str] | None = None, remarks: list[str] | None = None,
                focus: str | None = None, rank: dict[str, float] | None = None,
                graph: nx.Graph | None = None, physics: bool | None = None,
                hidden: tuple[str, ...] = ()) -> GraphView:
    """A page showing ``nodes`` and every edge between them.

    ``physics`` forces live physics on or off; by default it is on up to ``PHYSICS_LIMIT``
    nodes, and bigger views get positions from :mod:`citegraph.viz.layout`. ``hidden``
    relationship types start unticked in the legend (still counted there). ``left_out``
    says what the view does not show and ``remarks`` anything else worth knowing; the page
    shows both in its note.
    """
    left_out = list(left_out or [])
    note = " ".join(left_out + list(remarks or []))
    graph = graph if graph is not None else select.simple_graph(kg)
    rank = rank if rank is not None else select.importance(kg, graph)
    sub = kg.subgraph(nodes)
    degree = dict(graph.degree(nodes))
    order = select.top_nodes({n: rank.get(n, 0.0) for n in nodes}, len(nodes))
    big = len(nodes) > PHYSICS_LIMIT if physics is None else not physics
    positions = groups = None
    if big:
        weighted = select.layout_graph(kg, nodes)
        groups = layout.communities(weighted)
        positions = layout.layout(weighted, order, groups=groups)
    labels = _label_priority(kg, order, groups)
    # least important first: vis-network draws in order, so hubs end up on top
    vis_nodes = D.build_nodes(kg, order[::-1], rank, degree, focus, positions, labels)
    vis_edges = D.build_edges(kg, sub, opacity=0.35 if big else 0.75)
    for edge in vis_edges:
        if edge["kind"] in hidden:  # hidden edges still pull in live physics otherwise
            edge["physics"] = False
    payload: dict[str, Any] = {
        "title": title,
        "note": note,
        "physics": not big,
        "focus": focus,
        "nodes": vis_nodes,
        "edges": vis_edges,
        "legend": D.legend(vis_nodes, vis_edges),
        "hidden": [rel for rel in hidden if any(e["kind"] == rel for e in vis_edges)],
    }
    counts = {"nodes": len(vis_nodes), "edges": len(vis_edges)}
    return GraphView(title=title, html=render(title, payload), note=note, counts=counts,
                     left_out=left_out)


def overview(kg: KnowledgeGraph, max_nodes: int | None = None, title: str | None = None,
             physics: bool | None = None) -> GraphView:
    """The whole graph, or its ``max_nodes`` (default ``OVERVIEW_NODES``) most central
    nodes, laid out by community, with similarity edges hidden until asked for."""
    graph = select.simple_graph(kg)
    rank = select.importance(kg, graph)
    nodes, left_out = _cap(kg, list(graph), rank, max_nodes or OVERVIEW_NODES)
    if physics is None:
        physics = len(nodes) <= OVERVIEW_PHYSICS_LIMIT
    hidden, said = _hide_similarity(kg, nodes)
    return render_view(kg, nodes, title or "citegraph overview", left_out + said, rank=rank,
                       graph=graph, physics=physics, hidden=hidden)


def neighbourhood(kg: KnowledgeGraph, focus: str, depth: int = 1,
                  max_nodes: int | None = None, title: str | None = None) -> GraphView:
    """Everything within ``depth`` hops of a paper or entity (a name or a node id)."""
    nid = select.resolve_focus(kg, focus)
    graph = select.simple_graph(kg)
    rank = select.importance(kg, graph)
    chosen = sorted(select.neighbourhood(graph, nid, depth))
    nodes, left_out = _cap(kg, chosen, rank, max_nodes or MAX_NODES, keep=nid)
    hidden, said = _hide_similarity(kg, nodes)
    props = kg.node(nid)
    heading = title or (f"{props[S.LABEL]} {D.shorten(display_name(props), 80)} "
                        f"— {depth} hop{'s' if depth != 1 else ''}")
    return render_view(kg, nodes, heading, left_out + said, focus=nid, rank=rank,
                       graph=graph, hidden=hidden)


def nodes_view(kg: KnowledgeGraph, rows: Iterable[Any], expand: int = 0,
               max_nodes: int | None = None, title: str | None = None,
               focus: str | None = None) -> GraphView:
    """The nodes named in query rows (or given as ids) with the edges that join them.

    ``expand`` adds their neighbours up to that many hops, to show the context of a result;
    ``focus`` (a name or node id, e.g. the paper a similarity query asked about) is added,
    always kept and highlighted, since the answers mean little without it.
    """
    per_row = select.nodes_of_rows(kg, rows)
    found = list(dict.fromkeys(nid for row in per_row for nid in row))
    if not found:
        raise ViewError("the result names no node of the graph; nothing to show")
    graph = select.simple_graph(kg)
    rank = select.importance(kg, graph)
    chosen: set[str] = set(found)
    nid = select.resolve_focus(kg, focus) if focus is not None else None
    if nid is not None:
        chosen.add(nid)
    if expand:
        for node in found:
            chosen |= select.neighbourhood(graph, node, expand)
    nodes, left_out = _cap(kg, sorted(chosen), rank, max_nodes or MAX_NODES, keep=nid)
    unnamed = sum(1 for row in per_row if not row)
    if unnamed:
        left_out.insert(0, f"{unnamed:,} of {len(per_row):,} result rows name no node of "
                           "the graph and are not shown.")
    heading = f"query result — {len(found):,} node{'s' if len(found) != 1 else ''}"
    remarks = []
    if nid is not None:
        name = D.shorten(display_name(kg.node(nid)), 60)
        heading += f", with {name}"
        remarks.append(f"Thick black border: {name}, the {kg.node(nid)[S.LABEL].lower()} "
                       "the query asked about.")
    return render_view(kg, nodes, title or heading, left_out, remarks, focus=nid, rank=rank,
                       graph=graph)


def view(kg: KnowledgeGraph, focus: str | None = None, depth: int = 1,
         nodes: Iterable[Any] | None = None, expand: int = 0, max_nodes: int | None = None,
         title: str | None = None) -> GraphView:
    """One entry point: ``nodes`` (ids or query rows, with ``focus`` added and highlighted),
    else ``focus`` and its neighbourhood, else the overview."""
    if nodes is not None:
        return nodes_view(kg, nodes, expand=expand, max_nodes=max_nodes, title=title,
                          focus=focus)
    if focus is not None:
        return neighbourhood(kg, focus, depth, max_nodes=max_nodes, title=title)
    return overview(kg, max_nodes=max_nodes, title=title)
