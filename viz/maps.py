"""Bibliometric map pages: co-authorship, co-citation and keyword networks, as the
mapping tools draw them.

A map shows one network (:mod:`citegraph.graph.networks`), its ``top`` largest nodes, sized
by what the network counts (papers, times cited, occurrences), laid out by a seeded force
layout and coloured by Louvain cluster; each cluster is named in the legend by its top
terms (its largest nodes' labels), and its legend row hides or shows it. ``overlay="year"``
colours nodes by the mean publication year of their papers instead, from dark blue (oldest)
to yellow (newest), with one legend row per year. The page machinery is the graph views'
(:mod:`citegraph.viz.page`): offline, under a content security policy, text kept as text.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import networkx as nx

from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.networks import Network, build_network
from citegraph.graph.stores.maps import positions
from citegraph.viz import data as D
from citegraph.viz import layout, style
from citegraph.viz.page import GraphView, render
from citegraph.viz.select import ViewError

#: Nodes a map shows unless told otherwise.
MAP_NODES = 100
#: Labels naming a cluster in the legend.
CLUSTER_TERMS = 3
#: Cluster colours (Tableau 10), reused in order past ten clusters.
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac")
#: Most legend rows of the year overlay: years are grouped into spans past this.
YEAR_ROWS = 8
#: The year overlay's scale (viridis stops), oldest to newest.
YEAR_SCALE = ("#440154", "#3b528b", "#21918c", "#5ec962", "#fde725")
UNCLUSTERED = "#bab0ac"
TITLES = {"co-authorship": "Co-authorship network", "co-citation": "Co-citation map",
          "keywords": "Keyword co-occurrence map", "coupling": "Bibliographic coupling map"}


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(c):02x}" for c in rgb)


def year_colour(t: float) -> str:
    """The overlay colour at ``t`` in [0, 1] (linear between the viridis stops)."""
    t = min(max(t, 0.0), 1.0) * (len(YEAR_SCALE) - 1)
    i = min(int(t), len(YEAR_SCALE) - 2)
    a = [int(YEAR_SCALE[i][k:k + 2], 16) for k in (1, 3, 5)]
    b = [int(YEAR_SCALE[i + 1][k:k + 2], 16) for k in (1, 3, 5)]
    f = t - i
    return _hex(tuple(x + (y - x) * f for x, y in zip(a, b, strict=True)))


def _darker(colour: str) -> str:
    return _hex(tuple(int(colour[k:k + 2], 16) * 0.65 for k in (1, 3, 5)))


def _cluster_names(network: Network, cluster: dict[str, int]) -> dict[int, str]:
    members: dict[int, list[str]] = defaultdict(list)
    for m in network.nodes:  # largest first
        members[cluster[m.id]].append(D.shorten(m.label, 20))
    return {c: f"{c}: " + ", ".join(labels[:CLUSTER_TERMS]) for c, labels in members.items()}


def _kinds(network: Network, cluster: dict[str, int], overlay: str | None
           ) -> tuple[dict[str, str], dict[str, str]]:
    """Each node's legend kind and colour: its cluster, or its year under the overlay."""
    kind, colour = {}, {}
    if overlay == "year":
        years = [m.year for m in network.nodes if m.year is not None]
        lo, hi = (min(years), max(years)) if years else (0.0, 0.0)
        first = math.floor(lo)
        width = max(1, math.ceil((math.floor(hi) - first + 1) / YEAR_ROWS))
        for m in network.nodes:
            if m.year is None:
                kind[m.id], colour[m.id] = "year unknown", UNCLUSTERED
            else:
                start = first + (math.floor(m.year) - first) // width * width
                kind[m.id] = f"{start}" if width == 1 else f"{start}–{start + width - 1}"
                colour[m.id] = year_colour((m.year - lo) / (hi - lo) if hi > lo else 1.0)
        return kind, colour
    names = _cluster_names(network, cluster)
    for m in network.nodes:
        c = cluster[m.id]
        kind[m.id] = names[c]
        colour[m.id] = PALETTE[(c - 1) % len(PALETTE)]
    return kind, colour


def _legend(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> dict[str, list]:
    rows: dict[str, dict[str, Any]] = {}
    for n in nodes:
        row = rows.setdefault(n["kind"], {"kind": n["kind"], "count": 0, "shape": "dot",
                                          "color": n["color"]["background"],
                                          "border": n["color"]["border"]})
        row["count"] += 1
    ordered = sorted(rows.values(), key=lambda r: (-r["count"], r["kind"]))
    if ordered and ordered[0]["kind"][:1].isdigit() and ":" not in ordered[0]["kind"]:
        ordered = sorted(rows.values(), key=lambda r: r["kind"])  # years in order
    return {"nodes": ordered, "edges": D.legend([], edges)["edges"]}


def map_view(kg: KnowledgeGraph, network: str, top: int | None = None,
             overlay: str | None = None, title: str | None = None) -> GraphView:
    """The page of one bibliometric network: ``top`` largest nodes (default
    :data:`MAP_NODES`), coloured by cluster or, with ``overlay="year"``, by mean year."""
    if overlay not in (None, "year"):
        raise ViewError(f"unknown overlay {overlay!r} (the one overlay is: year)")
    net = build_network(kg, network, top or MAP_NODES)
    if not net.nodes:
        raise ViewError(f"the graph has no {net.kind.rel} edges: build with the "
                        f"{network} stage on, from records with the fields it needs")
    _, cluster = positions(net)
    kind, colour = _kinds(net, cluster, overlay)
    graph = nx.Graph()
    graph.add_nodes_from(m.id for m in net.nodes)
    graph.add_weighted_edges_from(net.edges)
    groups: dict[int, set[str]] = defaultdict(set)
    for nid, c in cluster.items():
        groups[c].add(nid)
    pos = layout.layout(graph, [m.id for m in net.nodes], groups=list(groups.values()))
    top_size = max(m.size for m in net.nodes) or 1
    nodes = []
    for rank, m in enumerate(reversed(net.nodes)):  # largest drawn last, on top
        props = kg.node(m.id)
        tip = D.node_tip(props, m.links)
        year = "" if m.year is None else f" · mean year {m.year:g}"
        tip.insert(2, ["meta", f"{net.kind.size.lower()} {m.size} · links {m.links} · "
                               f"link strength {m.strength:g}{year}"])
        nodes.append({
            "id": m.id, "kind": kind[m.id], "name": m.label, "short": D.shorten(m.label,
                                                                                D.LABEL_CHARS),
            "value": round(m.size / top_size, 4), "lp": rank, "shape": "dot",
            "color": {"background": colour[m.id], "border": _darker(colour[m.id]),
                      "highlight": {"background": colour[m.id], "border": "#111111"},
                      "hover": {"background": colour[m.id], "border": "#111111"}},
            "tip": tip, "x": pos[m.id][0], "y": pos[m.id][1],
        })
    st = style.edge_styles()[net.kind.rel]
    top_w = max((w for _, _, w in net.edges), default=1.0)
    edges = []
    for i, (u, v, w) in enumerate(net.edges):
        props = kg.edge(u, v, net.kind.rel) or {}
        edges.append({
            "id": i, "from": u, "to": v, "kind": net.kind.rel,
            "color": {"color": st.color, "highlight": "#111111", "hover": "#111111",
                      "opacity": 0.45},
            "dashes": st.dashes, "width": round(0.5 + 3.5 * w / top_w, 2),
            "arrows": {"to": {"enabled": False}},
            "tip": D.edge_tip(net.kind.rel, props, kg.node(u).get("title") or
                              kg.node(u).get("name") or u,
                              kg.node(v).get("title") or kg.node(v).get("name") or v),
        })
    heading = title or TITLES.get(network, network) + (" — mean publication year"
                                                        if overlay == "year" else "")
    left_out = _left_out(kg, net)
    note = " ".join(left_out + ["colour: mean publication year." if overlay == "year"
                                else "colour: cluster (Louvain), named by its largest nodes."])
    payload = {"title": heading, "note": note,
               "sizeMeans": f"Size = {net.kind.size.lower()}; width = link strength.",
               "physics": False, "focus": None,
               "nodes": nodes, "edges": edges, "legend": _legend(nodes, edges), "hidden": []}
    return GraphView(title=heading, html=render(heading, payload), note=note,
                     counts={"nodes": len(nodes), "edges": len(edges)}, left_out=left_out)


def _left_out(kg: KnowledgeGraph, net: Network) -> list[str]:
    """What a map of the ``top`` largest nodes does not show: the smaller nodes of the
    network and its links that touch them, counted as :func:`build_network` counts them."""
    pairs = [(u, v) for u, v, _, _ in kg.edges(net.kind.rel)]
    total = len({n for pair in pairs for n in pair})
    if total <= len(net.nodes):
        return []
    size = net.kind.size.lower()
    return [f"Showing the {len(net.nodes):,} largest of {total:,} nodes (by {size}) and "
            f"{len(net.edges):,} of {len(pairs):,} links; left out: "
            f"{total - len(net.nodes):,} smaller nodes and the "
            f"{len(pairs) - len(net.edges):,} links that touch them."]
