"""Node positions computed in Python, for views too big for the browser's live physics.

vis-network simulates every node pair while it stabilises, which stalls a page of a few
thousand nodes (see ``PHYSICS_LIMIT`` in :mod:`citegraph.viz.page`). Above that size the
page gets fixed positions from here and physics off. A full force layout of thousands of
nodes is slow in Python too, so this lays out the most important ``core`` nodes with a
vectorised force simulation, then places every other node beside the neighbours already
placed (breadth first), and puts what is unconnected to the core on a spiral around it.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence

import networkx as nx
import numpy as np

#: Nodes laid out by the force simulation; the rest are placed next to their neighbours.
CORE_SIZE = 500
#: Distance in screen pixels between neighbouring nodes at zoom 1.
SPACING = 60.0


def force_layout(graph: nx.Graph, nodes: Sequence[str], iterations: int = 60,
                 seed: int = 7) -> np.ndarray:
    """Fruchterman–Reingold positions of ``nodes`` in the unit square, all pairs at once."""
    n = len(nodes)
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2))
    if n < 2:
        return pos
    index = {nid: i for i, nid in enumerate(nodes)}
    adj = np.zeros((n, n), dtype=np.float32)
    for u, v in graph.subgraph(nodes).edges():
        adj[index[u], index[v]] = adj[index[v], index[u]] = 1.0
    k = np.float32(1.0 / math.sqrt(n))
    pos = pos.astype(np.float32)
    temperature = 0.1
    cooling = temperature / (iterations + 1)
    for _ in range(iterations):
        delta = pos[:, None, :] - pos[None, :, :]
        dist2 = np.einsum("ijk,ijk->ij", delta, delta)
        np.maximum(dist2, np.float32(1e-4), out=dist2)
        force = k * k / dist2 - adj * np.sqrt(dist2) / k
        disp = np.einsum("ijk,ij->ik", delta, force)
        length = np.linalg.norm(disp, axis=-1)
        np.maximum(length, np.float32(0.01), out=length)
        pos += disp * (np.float32(temperature) / length)[:, None]
        temperature -= cooling
    return pos


def _pull_in_outliers(pos: np.ndarray, quantile: float = 0.9, slack: float = 1.25
                      ) -> np.ndarray:
    """Move nodes far beyond most of the others (often a node hanging off one edge) in to
    ``slack`` times the ``quantile`` radius, so one outlier does not shrink the whole view."""
    if len(pos) < 10:
        return pos
    radius = np.linalg.norm(pos, axis=1)
    limit = float(np.quantile(radius, quantile)) * slack
    far = radius > limit
    pos[far] *= (limit / radius[far])[:, None]
    return pos


def _typical_gap(pos: np.ndarray) -> float:
    """The median distance from a node to its nearest neighbour."""
    if len(pos) < 2:
        return 1.0
    delta = pos[:, None, :] - pos[None, :, :]
    dist = np.sqrt(np.einsum("ijk,ijk->ij", delta, delta))
    np.fill_diagonal(dist, np.inf)
    return max(float(np.median(dist.min(axis=1))), 1e-9)


def layout(graph: nx.Graph, order: Sequence[str], seed: int = 7) -> dict[str, tuple[int, int]]:
    """Pixel positions for every node of ``graph``; ``order`` lists nodes by importance."""
    rng = np.random.default_rng(seed)
    connected = [nid for nid in order if graph.degree(nid) > 0]
    core = connected[:CORE_SIZE]
    pos: dict[str, np.ndarray] = {}
    if core:
        raw = force_layout(graph, core, seed=seed)
        raw -= raw.mean(axis=0)
        # between "nearest neighbours SPACING apart" (spreads dense centres, but lets
        # outliers fly far) and "the whole core in a disc of sqrt(n) * SPACING"
        by_gap = SPACING / _typical_gap(raw)
        by_extent = SPACING * math.sqrt(len(core)) / max(float(np.abs(raw).max()), 1e-9)
        scale = math.sqrt(by_gap * by_extent)
        raw = _pull_in_outliers(raw * scale)
        pos = {nid: raw[i] for i, nid in enumerate(core)}
    queue = deque(core)
    while queue:
        nid = queue.popleft()
        for other in graph.neighbors(nid):
            if other in pos:
                continue
            placed = [pos[m] for m in graph.neighbors(other) if m in pos]
            angle = rng.random() * 2 * math.pi
            offset = np.array([math.cos(angle), math.sin(angle)]) * SPACING * (0.6 + rng.random())
            pos[other] = np.mean(placed, axis=0) + offset
            queue.append(other)
    rest = [nid for nid in order if nid not in pos]
    if rest:
        pos.update(_spiral(rest, pos, graph))
    return {nid: (int(round(p[0])), int(round(p[1]))) for nid, p in pos.items()}


def _spiral(rest: Sequence[str], pos: dict[str, np.ndarray],
            graph: nx.Graph) -> dict[str, np.ndarray]:
    """Evenly spaced places (a sunflower spiral) outside the laid-out part, in ``rest`` order.

    Components not joined to the core keep their own nodes side by side along the spiral.
    """
    inner = max((float(np.linalg.norm(p)) for p in pos.values()), default=0.0)
    inner = inner + SPACING * 2 if pos else 0.0
    golden = math.pi * (3 - math.sqrt(5))
    taken = set(pos)
    ordered: list[str] = []
    for nid in rest:
        if nid in taken:
            continue
        for member in nx.node_connected_component(graph, nid) if graph.degree(nid) else [nid]:
            if member not in taken:
                taken.add(member)
                ordered.append(member)
    start = (inner / SPACING) ** 2  # the spiral index whose radius is ``inner``
    out: dict[str, np.ndarray] = {}
    for i, nid in enumerate(ordered):
        j = start + i
        radius = SPACING * math.sqrt(j)
        out[nid] = np.array([radius * math.cos(j * golden), radius * math.sin(j * golden)])
    return out
