"""Main path analysis: the search-path-count (SPC) main path of a citation network.

Knowledge flows from a cited paper to the papers citing it, so the network is taken with
edges cited → citing. Its strongly connected components (citation cycles, which happen
with preprints and simultaneous publications) are condensed to single nodes first, so the
network is a DAG. SPC (Batagelj 2003) weighs edge u → v by the number of source-to-sink
paths through it: N⁻(u) · N⁺(v), with N⁻(u) the paths from any source (no incoming edge)
to u and N⁺(v) the paths from v to any sink. The main path is the local forward search of
Hummon and Doreian: start on the heaviest edge leaving a source, then keep taking the
heaviest edge out of the node reached until a sink; ties go to the smaller key.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import networkx as nx


@dataclass(frozen=True)
class Step:
    """One node of the main path: its members (a citation cycle has several, sorted) and
    the SPC weight of the edge that led to it (None for the first)."""

    members: tuple[str, ...]
    spc: int | None


def main_path(citations: Iterable[tuple[str, str]]) -> list[Step]:
    """The SPC main path of ``(citing, cited)`` key pairs, oldest knowledge first."""
    flow = nx.DiGraph()
    flow.add_edges_from((cited, citing) for citing, cited in citations if citing != cited)
    if flow.number_of_edges() == 0:
        return []
    dag = nx.condensation(flow)
    members = {c: tuple(sorted(dag.nodes[c]["members"])) for c in dag}
    name = {c: members[c][0] for c in dag}
    order = list(nx.topological_sort(dag))
    before = {c: 0 for c in dag}  # paths from a source
    for c in order:
        preds = list(dag.predecessors(c))
        before[c] = 1 if not preds else sum(before[p] for p in preds)
    after = {c: 0 for c in dag}  # paths to a sink
    for c in reversed(order):
        succs = list(dag.successors(c))
        after[c] = 1 if not succs else sum(after[s] for s in succs)

    def spc(u: int, v: int) -> int:
        return before[u] * after[v]

    def best(edges: Iterable[tuple[int, int]]) -> tuple[int, int]:
        return min(edges, key=lambda e: (-spc(*e), name[e[0]], name[e[1]]))

    sources = [c for c in dag if dag.in_degree(c) == 0]
    u, v = best((s, t) for s in sources for t in dag.successors(s))
    path = [Step(members[u], None), Step(members[v], spc(u, v))]
    while dag.out_degree(v) > 0:
        u, v = best((v, t) for t in dag.successors(v))
        path.append(Step(members[v], spc(u, v)))
    return path
