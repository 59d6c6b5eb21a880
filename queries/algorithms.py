"""Graph algorithms in Python, shared by the embedded backend and the Neo4j fallback.

PageRank follows the formula of the Graph Data Science library (unnormalised:
``score(v) = (1 - d) + d * sum(score(u) / degree(u))`` over an undirected projection,
parallel edges counted), so the embedded answer matches what GDS computes on Neo4j.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np

DAMPING = 0.85
MAX_ITERATIONS = 100
TOLERANCE = 1e-9


def pagerank(
    nodes: Sequence[Hashable],
    edges: Sequence[tuple[Hashable, Hashable]],
    damping: float = DAMPING,
    max_iterations: int = MAX_ITERATIONS,
    tolerance: float = TOLERANCE,
) -> dict[Hashable, float]:
    """PageRank of an undirected multigraph given as a node list and an edge list."""
    index = {node: i for i, node in enumerate(nodes)}
    pairs = [(index[a], index[b]) for a, b in edges if a in index and b in index and a != b]
    n = len(nodes)
    if n == 0:
        return {}
    src = np.array([a for a, b in pairs] + [b for a, b in pairs], dtype=np.int64)
    dst = np.array([b for a, b in pairs] + [a for a, b in pairs], dtype=np.int64)
    degree = np.bincount(src, minlength=n).astype(np.float64)
    score = np.full(n, 1.0 - damping)
    for _ in range(max_iterations):
        share = score[src] / degree[src] if len(src) else np.zeros(0)
        new = (1.0 - damping) + damping * np.bincount(dst, weights=share, minlength=n)
        delta = float(np.max(np.abs(new - score)))
        score = new
        if delta < tolerance:
            break
    return {node: float(score[i]) for node, i in index.items()}


def louvain(
    nodes: Sequence[Hashable], edges: Sequence[tuple[Hashable, Hashable]], seed: int = 0
) -> dict[Hashable, int]:
    """Community number of every node by Louvain modularity optimisation (unweighted)."""
    import networkx as nx

    graph = nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from((a, b) for a, b in edges if a != b and a in graph and b in graph)
    found = nx.community.louvain_communities(graph, seed=seed)
    return {node: i for i, members in enumerate(found) for node in members}
