"""Interactive, offline HTML views of a knowledge graph (vis-network, as bundled by pyvis).

    from citegraph.viz import view
    view(kg).save("graph.html")                       # overview (capped when large)
    view(kg, focus="LoRA", depth=2).save("lora.html")  # a paper's or entity's neighbourhood
    view(kg, nodes=rows)                               # a query helper's result rows

Each page is one file with every script and style inlined; it makes no network request.
"""

from __future__ import annotations

from citegraph.viz.page import GraphView
from citegraph.viz.select import ViewError, nodes_from_rows, resolve_focus
from citegraph.viz.views import (
    MAX_NODES,
    PHYSICS_LIMIT,
    neighbourhood,
    nodes_view,
    overview,
    view,
)

__all__ = [
    "MAX_NODES",
    "PHYSICS_LIMIT",
    "GraphView",
    "ViewError",
    "neighbourhood",
    "nodes_from_rows",
    "nodes_view",
    "overview",
    "resolve_focus",
    "view",
]
