"""CO_MENTIONED edges: two entities named in the same papers.

A paper names an entity when it has a MENTIONS or an INTRODUCES edge to it. For every pair
of entities named together in at least ``min_count`` papers the edge carries:

- ``count``: the number of papers naming both;
- ``strength``: normalised pointwise mutual information, NPMI = log(p(x,y) / p(x)p(y)) /
  -log p(x,y), with probabilities over the papers that name at least one entity. It is 1
  when the two always occur together, 0 when they co-occur as often as chance predicts and
  negative when less; unlike the count it does not favour entities every paper names;
- ``evidence``: the keys of the papers naming both (sorted; at most :data:`EVIDENCE_LIMIT`,
  ``count`` always holds the full number).
"""

from __future__ import annotations

import math
from collections import defaultdict
from itertools import combinations

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph

#: Paper keys kept as evidence on one edge; popular pairs would otherwise list thousands.
EVIDENCE_LIMIT = 50


def entities_by_paper(kg: KnowledgeGraph) -> dict[str, set[str]]:
    """Entity node ids each paper names (mentions or introduces), by paper key."""
    named: dict[str, set[str]] = defaultdict(set)
    for rel in (S.MENTIONS, S.INTRODUCES):
        for start, end, _, _ in kg.edges(rel):
            named[kg.node(start)[S.KEY]].add(end)
    return named


def npmi(pair: int, x: int, y: int, total: int) -> float:
    """Normalised PMI of two events from their joint and single counts out of ``total``."""
    if pair <= 0 or total <= 0:
        return -1.0
    p_xy = pair / total
    if p_xy >= 1.0:
        return 1.0
    return math.log(p_xy / ((x / total) * (y / total))) / -math.log(p_xy)


def add_co_mention_edges(kg: KnowledgeGraph, min_count: int = 2) -> int:
    """Add CO_MENTIONED edges for entity pairs named together in ``min_count`` papers or
    more; returns how many edges."""
    named = entities_by_paper(kg)
    singles: dict[str, int] = defaultdict(int)
    together: dict[tuple[str, str], list[str]] = defaultdict(list)
    for paper, entities in named.items():
        for entity in entities:
            singles[entity] += 1
        for a, b in combinations(sorted(entities), 2):
            together[(a, b)].append(paper)
    total = len(named)
    added = 0
    for (a, b), papers in together.items():
        if len(papers) < max(1, min_count):
            continue
        strength = npmi(len(papers), singles[a], singles[b], total)
        kg.add_edge(S.CO_MENTIONED, a, b, **{
            S.COUNT: len(papers),
            S.STRENGTH: round(strength, 4),
            S.EVIDENCE: sorted(papers)[:EVIDENCE_LIMIT],
        })
        added += 1
    return added
