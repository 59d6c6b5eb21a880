"""Node positions computed in Python, for views too big for the browser's live physics.

vis-network simulates every node pair while it stabilises, which stalls a page of a few
thousand nodes (see ``PHYSICS_LIMIT`` in :mod:`citegraph.viz.views`). Above that size the
page gets fixed positions from here and physics off.

Each connected component is laid out on its own. Inside a component, each community
(Louvain over the edge weights) gets a vectorised force simulation for up to ``CORE_SIZE``
of its most important nodes, the rest placed beside neighbours already placed (breadth
first); the communities are then arranged by a force layout of the graph between them
and pushed apart until they no longer overlap, so topics show as separate clusters instead
of one hairball. Components are packed, biggest first, outwards along a spiral, so a paper
and its few entities stay together instead of being strewn apart; nodes without an edge go
in a grid below them.

Edges carry a ``weight`` (see :func:`citegraph.viz.select.layout_graph`): embedding
similarity, which links almost everything, pulls weakly, so it does not decide the shape.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence

import networkx as nx
import numpy as np

#: Nodes of one component laid out by the force simulation; the rest go beside neighbours.
CORE_SIZE = 500
#: Distance in screen pixels between neighbouring nodes at zoom 1.
SPACING = 60.0


def force_layout(graph: nx.Graph, nodes: Sequence[str], iterations: int = 60,
                 seed: int = 7) -> np.ndarray:
    """Fruchterman–Reingold positions of ``nodes`` in the unit square, all pairs at once."""
    n = len(nodes)
    rng = np.random.default_rng(seed)
    pos = rng.random((n, 2)).astype(np.float32)
    if n < 2:
        return pos
    index = {nid: i for i, nid in enumerate(nodes)}
    adj = np.zeros((n, n), dtype=np.float32)
    for u, v, w in graph.subgraph(nodes).edges(data="weight", default=1.0):
        adj[index[u], index[v]] = adj[index[v], index[u]] = w
    k = np.float32(1.0 / math.sqrt(n))
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


def _spread(pos: np.ndarray, min_gap: float = SPACING / 2, rounds: int = 60,
            seed: int = 7) -> np.ndarray:
    """Push apart nodes closer than ``min_gap`` pixels, so crowded centres stay legible
    and every node can be hovered. Near pairs come from a k-d tree: O(n log n) a round."""
    try:
        from scipy.spatial import cKDTree
    except ImportError:  # scipy comes with networkx' PageRank; without it, skip this polish
        return pos
    rng = np.random.default_rng(seed)
    pos = pos.astype(np.float64, copy=True)
    for _ in range(rounds):
        pairs = cKDTree(pos).query_pairs(min_gap, output_type="ndarray")
        if not len(pairs):
            break
        i, j = pairs[:, 0], pairs[:, 1]
        delta = pos[i] - pos[j]
        dist = np.linalg.norm(delta, axis=1)
        same = dist < 1e-6
        delta[same] = rng.normal(size=(int(same.sum()), 2))
        dist[same] = np.linalg.norm(delta[same], axis=1)
        move = delta / dist[:, None] * ((min_gap - dist) / 3)[:, None]
        np.add.at(pos, i, move)
        np.add.at(pos, j, -move)
    return pos


def _typical_gap(pos: np.ndarray) -> float:
    """The median distance from a node to its nearest neighbour."""
    delta = pos[:, None, :] - pos[None, :, :]
    dist = np.sqrt(np.einsum("ijk,ijk->ij", delta, delta))
    np.fill_diagonal(dist, np.inf)
    return max(float(np.median(dist.min(axis=1))), 1e-9)


def component_layout(graph: nx.Graph, order: Sequence[str], seed: int = 7) -> np.ndarray:
    """Pixel positions, centred on 0, of one connected component (``order``: by importance)."""
    n = len(order)
    if n == 1:
        return np.zeros((1, 2))
    if n == 2:
        return np.array([[-SPACING / 2, 0.0], [SPACING / 2, 0.0]])
    core = list(order[:CORE_SIZE])
    raw = force_layout(graph, core, seed=seed).astype(np.float64)
    raw -= raw.mean(axis=0)
    # between "nearest neighbours SPACING apart" (spreads dense centres, but lets outliers
    # fly far) and "the whole core in a disc of sqrt(n) * SPACING"
    by_gap = SPACING / _typical_gap(raw)
    by_extent = SPACING * math.sqrt(len(core)) / max(float(np.abs(raw).max()), 1e-9)
    raw = _pull_in_outliers(raw * math.sqrt(by_gap * by_extent))
    pos = {nid: raw[i] for i, nid in enumerate(core)}
    rng = np.random.default_rng(seed)
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
    if len(pos) < n:  # a community need not be connected: the rest go in a ring outside
        rest = [nid for nid in order if nid not in pos]
        ring = max(float(np.linalg.norm(raw, axis=1).max()), SPACING) + SPACING
        for i, nid in enumerate(rest):
            angle = 2 * math.pi * i / len(rest)
            pos[nid] = np.array([math.cos(angle), math.sin(angle)]) * ring
    out = _spread(np.array([pos[nid] for nid in order]))
    return out - out.mean(axis=0)


def communities(graph: nx.Graph, seed: int = 7) -> list[set[str]]:
    """Louvain communities over the edge weights: the topic clusters a layout keeps apart."""
    if graph.number_of_edges() == 0:
        return [{n} for n in graph]
    return nx.community.louvain_communities(graph, weight="weight", seed=seed)


def _separate(centres: np.ndarray, radii: np.ndarray, gap: float = SPACING,
              rounds: int = 400) -> np.ndarray:
    """Push circles apart until none overlaps (``gap`` between them), keeping the
    arrangement: each round moves every overlapping pair apart along the line joining it."""
    k = len(centres)
    need = radii[:, None] + radii[None, :] + gap
    np.fill_diagonal(need, 0.0)
    rng = np.random.default_rng(7)
    for _ in range(rounds):
        delta = centres[:, None, :] - centres[None, :, :]
        dist = np.linalg.norm(delta, axis=-1)
        over = need - dist
        np.fill_diagonal(over, 0.0)
        if (over <= 1e-6).all():
            break
        same = (dist < 1e-6) & ~np.eye(k, dtype=bool)
        delta[same] = rng.normal(size=(int(same.sum()), 2))
        dist[same] = 1.0
        np.fill_diagonal(dist, 1.0)
        push = delta / dist[..., None] * (np.maximum(over, 0.0) / 2)[..., None]
        centres = centres + push.sum(axis=1) * 0.5
    return centres


def grouped_layout(graph: nx.Graph, order: Sequence[str], groups: Sequence[set[str]],
                   seed: int = 7) -> np.ndarray:
    """Pixel positions, centred on 0, of one component split into ``groups`` (communities):
    each laid out alone, then placed near the groups it links to, without overlap."""
    if len(groups) < 2:
        return component_layout(graph, order, seed=seed)
    rank = {nid: i for i, nid in enumerate(order)}
    members = [sorted(g, key=rank.__getitem__) for g in groups]
    members.sort(key=lambda m: (-len(m), rank[m[0]]))
    shapes = [component_layout(graph.subgraph(m), m, seed=seed) for m in members]
    radii = np.array([float(np.linalg.norm(s, axis=1).max()) + SPACING / 4 for s in shapes])
    group_of = {nid: i for i, m in enumerate(members) for nid in m}
    between: dict[tuple[int, int], float] = {}
    for u, v, w in graph.edges(data="weight", default=1.0):
        a, b = sorted((group_of[u], group_of[v]))
        if a != b:
            between[(a, b)] = between.get((a, b), 0.0) + w
    quotient = nx.Graph()
    quotient.add_nodes_from(range(len(members)))
    quotient.add_weighted_edges_from((a, b, math.log1p(w)) for (a, b), w in between.items())
    raw = force_layout(quotient, list(range(len(members))), iterations=100, seed=seed)
    raw = raw.astype(np.float64) - raw.mean(axis=0)
    extent = max(float(np.abs(raw).max()), 1e-9)
    centres = _separate(raw / extent * math.sqrt(float((radii ** 2).sum())), radii)
    out = np.zeros((len(order), 2))
    for m, shape, centre in zip(members, shapes, centres, strict=True):
        for nid, p in zip(m, shape + centre, strict=True):
            out[rank[nid]] = p
    return out - out.mean(axis=0)


def _pack(radii: Sequence[float]) -> np.ndarray:
    """Centres for circles of ``radii`` (biggest first): the first at 0, each next one at
    the first free place further out along a spiral, so the result stays round and dense."""
    centres = np.zeros((len(radii), 2))
    if not radii:
        return centres
    step = SPACING / 2
    theta = 0.0
    placed_r = np.array([radii[0]])
    for i in range(1, len(radii)):
        r = radii[i]
        while True:
            # Archimedean spiral whose turns are SPACING apart, walked in ~step long arcs
            radius = SPACING * theta / (2 * math.pi)
            point = np.array([radius * math.cos(theta), radius * math.sin(theta)])
            gaps = np.linalg.norm(centres[:i] - point, axis=1) - placed_r - r
            if (gaps >= SPACING * 0.5).all():
                break
            theta += step / max(radius, step)
        centres[i] = point
        placed_r = np.append(placed_r, r)
    return centres


def layout(graph: nx.Graph, order: Sequence[str], seed: int = 7,
           groups: Sequence[set[str]] | None = None) -> dict[str, tuple[int, int]]:
    """Pixel positions for every node of ``graph``; ``order`` lists nodes by importance.

    ``groups`` (default: :func:`communities`) are kept together and apart from each other.
    """
    rank = {nid: i for i, nid in enumerate(order)}
    groups = communities(graph, seed) if groups is None else groups
    components = [sorted(c, key=rank.__getitem__) for c in nx.connected_components(graph)]
    components.sort(key=lambda c: (-len(c), rank[c[0]]))
    isolated = [c[0] for c in components if len(c) == 1]
    components = [c for c in components if len(c) > 1]
    shapes = []
    for comp in components:
        inside = set(comp)
        parts = [g & inside for g in groups if not g.isdisjoint(inside)]
        shapes.append(grouped_layout(graph.subgraph(comp), comp, parts, seed=seed))
    radii = [float(np.linalg.norm(s, axis=1).max()) + SPACING / 4 for s in shapes]
    centres = _pack(radii)
    out: dict[str, tuple[int, int]] = {}
    for comp, shape, centre in zip(components, shapes, centres, strict=True):
        for nid, p in zip(comp, shape + centre, strict=True):
            out[nid] = (int(round(p[0])), int(round(p[1])))
    out.update(_grid(isolated, out))
    return out


def _grid(nodes: Sequence[str], placed: dict[str, tuple[int, int]]
          ) -> dict[str, tuple[int, int]]:
    """Nodes without an edge in rows of a square-ish grid, SPACING apart, below what is
    placed (in ``nodes`` order, so the most important come first): a spiral or a line of
    unrelated nodes reads as structure that is not there."""
    if not nodes:
        return {}
    columns = math.ceil(math.sqrt(len(nodes)))
    if placed:
        xs = [p[0] for p in placed.values()]
        top = max(p[1] for p in placed.values()) + 2 * SPACING
        left = (min(xs) + max(xs)) / 2 - (columns - 1) * SPACING / 2
    else:
        top = -(math.ceil(len(nodes) / columns) - 1) * SPACING / 2
        left = -(columns - 1) * SPACING / 2
    return {nid: (int(round(left + (i % columns) * SPACING)),
                  int(round(top + (i // columns) * SPACING)))
            for i, nid in enumerate(nodes)}
