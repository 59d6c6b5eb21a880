"""Network files for bibliometric mapping tools: VOSviewer map and network files, Pajek.

VOSviewer (its manual, "VOSviewer map file" / "VOSviewer network file") reads:

- a map file: tab-separated with a header row, columns ``id label x y cluster``, then
  ``weight<Links>``, ``weight<Total link strength>``, ``weight<NAME>`` (the node size) and
  ``score<Avg. pub. year>`` (the overlay score, empty when unknown);
- a network file: tab-separated, no header, ``id1 id2 strength`` per link.

Ids are integers from 1. Coordinates come from a seeded force layout and clusters from
Louvain communities weighted by link strength, so a map opens ready to read and the same
graph always gives the same files. Pajek ``.net``: ``*Vertices n`` with one quoted label a
line, then ``*Edges`` with ``i j weight``. Labels are one line of text (tabs, newlines and
double quotes in titles are replaced), since both formats are line- and tab-delimited.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from citegraph.atomic import write_text_atomic
from citegraph.graph.networks import Network

MAP_FILE = "map.txt"
NETWORK_FILE = "network.txt"


def _one_line(text: str) -> str:
    return " ".join(text.replace('"', "'").split())


def positions(network: Network, seed: int = 7) -> tuple[dict[str, tuple[float, float]],
                                                          dict[str, int]]:
    """Node coordinates and cluster numbers (1 = largest cluster)."""
    graph = nx.Graph()
    graph.add_nodes_from(m.id for m in network.nodes)
    graph.add_weighted_edges_from(network.edges)
    if graph.number_of_nodes() == 0:
        return {}, {}
    pos = nx.spring_layout(graph, seed=seed, weight="weight")
    groups = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    groups = sorted(groups, key=lambda g: (-len(g), min(g)))
    cluster = {n: i for i, g in enumerate(groups, start=1) for n in g}
    return {n: (float(x), float(y)) for n, (x, y) in pos.items()}, cluster


def write_vosviewer(network: Network, directory: Path) -> Path:
    """``map.txt`` and ``network.txt`` in ``directory``; returns the directory."""
    directory.mkdir(parents=True, exist_ok=True)
    pos, cluster = positions(network)
    number = {m.id: i for i, m in enumerate(network.nodes, start=1)}
    size = network.kind.size
    lines = ["\t".join(["id", "label", "x", "y", "cluster", "weight<Links>",
                        "weight<Total link strength>", f"weight<{size}>",
                        "score<Avg. pub. year>"])]
    for m in network.nodes:
        x, y = pos[m.id]
        year = "" if m.year is None else f"{m.year:g}"
        lines.append("\t".join([str(number[m.id]), _one_line(m.label), f"{x:.4f}", f"{y:.4f}",
                                str(cluster[m.id]), str(m.links), f"{m.strength:g}",
                                str(m.size), year]))
    write_text_atomic(directory / MAP_FILE, "\n".join(lines) + "\n")
    links = [f"{number[u]}\t{number[v]}\t{w:g}" for u, v, w in network.edges]
    write_text_atomic(directory / NETWORK_FILE, "\n".join(links) + ("\n" if links else ""))
    return directory


def write_pajek(network: Network, path: Path) -> Path:
    """A Pajek ``.net`` file of the network; returns its path."""
    number = {m.id: i for i, m in enumerate(network.nodes, start=1)}
    lines = [f"*Vertices {len(network.nodes)}"]
    lines += [f'{number[m.id]} "{_one_line(m.label)}"' for m in network.nodes]
    lines.append("*Edges")
    lines += [f"{number[u]} {number[v]} {w:g}" for u, v, w in network.edges]
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, "\n".join(lines) + "\n")
    return path
