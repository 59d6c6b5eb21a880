"""The nodes, edges and legend of a view as plain data for vis-network.

Text from papers never becomes markup here: tooltips are lists of ``[style, text]``
lines that the page turns into DOM nodes with ``textContent``, and labels are drawn on the
canvas, so a hostile title stays text.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.viz import style
from citegraph.viz.select import display_name

#: Longest label drawn on the canvas; the full text is in the tooltip.
LABEL_CHARS = 28
#: Longest abstract or evidence snippet in a tooltip.
SNIPPET_CHARS = 280
#: Evidence lines shown per edge.
EVIDENCE_SHOWN = 3

Tip = list[list[str]]


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word boundary with an ellipsis when too long."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,.;:") + "…"


def _authors(props: Mapping[str, Any]) -> str:
    names = list(props.get(S.AUTHORS, []))
    if names:
        return ", ".join(names[:3]) + (" et al." if len(names) > 3 else "")
    count = props.get(S.AUTHORS_COUNT)
    return f"{count} authors" if count else ""


def node_tip(props: Mapping[str, Any], degree: int) -> Tip:
    """Tooltip lines of a node: what it is, when, by whom, and a snippet of its text."""
    label = props[S.LABEL]
    tip: Tip = [["kind", label], ["title", display_name(props)]]
    if label == S.PAPER:
        meta = [str(v) for v in (props.get(S.YEAR), props.get(S.VENUE) or
                                 props.get(S.ORGANIZATION)) if v]
        if props.get(S.UPVOTES):
            meta.append(f"{props[S.UPVOTES]} upvotes")
        if meta:
            tip.append(["meta", " · ".join(meta)])
        if authors := _authors(props):
            tip.append(["meta", authors])
        if props.get(S.ABSTRACT):
            tip.append(["text", shorten(props[S.ABSTRACT], SNIPPET_CHARS)])
    else:
        if props.get(S.ALIASES):
            tip.append(["meta", "also: " + ", ".join(map(str, props[S.ALIASES][:6]))])
        if props.get(S.PAPER_COUNT):
            tip.append(["meta", f"in {props[S.PAPER_COUNT]} papers"])
        if props.get(S.INTRODUCED):
            tip.append(["meta", "introduced in this corpus"])
    tip.append(["foot", f"{degree} connection{'s' if degree != 1 else ''} · {props[S.KEY]}"])
    return tip


def edge_tip(rel: str, props: Mapping[str, Any], start: str, end: str) -> Tip:
    """Tooltip lines of an edge: its kind, the nodes it joins, its numbers and evidence."""
    tip: Tip = [["kind", rel], ["meta", f"{shorten(start, 60)} → {shorten(end, 60)}"]]
    numbers = [f"{name} {props[name]:.3g}" if isinstance(props[name], float)
               else f"{name} {props[name]}"
               for name in (S.SCORE, S.COUNT, S.STRENGTH, S.SOURCE, S.VIA) if name in props]
    if props.get(S.INFERRED):
        numbers.append("inferred")
    if numbers:
        tip.append(["meta", " · ".join(numbers)])
    evidence = props.get(S.EVIDENCE) or []
    if isinstance(evidence, str):
        evidence = [evidence]
    for line in evidence[:EVIDENCE_SHOWN]:
        tip.append(["text", "“" + shorten(line, SNIPPET_CHARS) + "”"])
    if len(evidence) > EVIDENCE_SHOWN:
        tip.append(["foot", f"and {len(evidence) - EVIDENCE_SHOWN} more"])
    return tip


def build_nodes(kg: KnowledgeGraph, nodes: Iterable[str], rank: Mapping[str, float],
                degree: Mapping[str, int], focus: str | None,
                positions: Mapping[str, tuple[int, int]] | None,
                labels: Mapping[str, float] | None = None) -> list[dict[str, Any]]:
    """vis-network node records: colour and shape by label, size by PageRank.

    The page labels, at each zoom, the nodes that fit on screen without overlapping, in
    the order of ``labels`` (``lp``, higher first; default PageRank).
    """
    styles = style.node_styles()
    top = max((rank.get(n, 0.0) for n in nodes), default=1.0) or 1.0
    out = []
    for nid in nodes:
        props = kg.node(nid)
        st = styles[props[S.LABEL]]
        name = display_name(props)
        record: dict[str, Any] = {
            "id": nid,
            "kind": props[S.LABEL],
            "name": name,
            "short": shorten(name, LABEL_CHARS),
            "value": round(rank.get(nid, 0.0) / top, 4),
            "lp": round(labels[nid], 4) if labels else round(rank.get(nid, 0.0) / top, 4),
            "shape": st.shape,
            "color": {"background": st.color, "border": st.border,
                      "highlight": {"background": st.color, "border": "#111111"},
                      "hover": {"background": st.color, "border": "#111111"}},
            "tip": node_tip(props, degree.get(nid, 0)),
        }
        if nid == focus:
            record["borderWidth"] = 4
            record["color"]["border"] = "#111111"
        if positions is not None:
            record["x"], record["y"] = positions[nid]
        out.append(record)
    return out


def build_edges(kg: KnowledgeGraph, sub: nx.MultiDiGraph, opacity: float = 0.75
                ) -> list[dict[str, Any]]:
    """vis-network edge records: colour, dashes and arrows by relationship type.

    Big views pass a lower ``opacity`` so thousands of edges stay a haze, not a wall.
    """
    styles = style.edge_styles()
    names = {nid: display_name(kg.node(nid)) for nid in sub}
    out = []
    for i, (u, v, props) in enumerate(sub.edges(data=True)):
        rel = props[S.TYPE]
        st = styles[rel]
        out.append({
            "id": i,
            "from": u,
            "to": v,
            "kind": rel,
            "color": {"color": st.color, "highlight": "#111111", "hover": "#111111",
                      "opacity": opacity},
            "dashes": st.dashes,
            "width": st.width,
            "arrows": {"to": {"enabled": st.arrow, "scaleFactor": 0.5}},
            "tip": edge_tip(rel, props, names[u], names[v]),
        })
    return out


def legend(nodes: list[dict[str, Any]], edges: list[dict[str, Any]]) -> dict[str, list]:
    """Legend rows (schema order) for the kinds present in the view, with counts."""
    node_counts = Counter(n["kind"] for n in nodes)
    edge_counts = Counter(e["kind"] for e in edges)
    node_rows = [{"kind": label, "count": node_counts[label], "color": st.color,
                  "border": st.border, "shape": st.shape}
                 for label, st in style.node_styles().items() if node_counts[label]]
    edge_rows = [{"kind": rel, "count": edge_counts[rel], "color": st.color,
                  "dashes": st.dashes, "width": st.width, "arrow": st.arrow}
                 for rel, st in style.edge_styles().items() if edge_counts[rel]]
    return {"nodes": node_rows, "edges": edge_rows}
