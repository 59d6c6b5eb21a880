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

The pairs are one sparse product over the papers × entities incidence matrix
(:func:`citegraph.graph.bibliometrics.co_occurrence`), thresholded block by block, so time
and memory follow the pairs kept, not a Python dictionary of every pair ever seen.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from citegraph.graph import schema as S
from citegraph.graph.bibliometrics import Network, PairCounter, Pairs, co_occurrence_evidence
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.typed_edges import edges_from

#: Paper keys kept as evidence on one edge; popular pairs would otherwise list thousands.
EVIDENCE_LIMIT = 50


def entities_by_paper(kg: KnowledgeGraph) -> dict[str, set[str]]:
    """Entity node ids each paper names (mentions or introduces), by paper key. Only the
    papers' edges of those two types are read (:mod:`.typed_edges`), not every edge."""
    named: dict[str, set[str]] = defaultdict(set)
    for edges in edges_from(kg.g, (S.PAPER,), (S.MENTIONS, S.INTRODUCES)).values():
        last, found = None, set()
        for start, end, _ in edges:  # a paper's edges come together
            if start is not last:
                last, found = start, named[kg.node(start)[S.KEY]]
            found.add(end)
    return named


def npmi(pair: int, x: int, y: int, total: int) -> float:
    """Normalised PMI of two events from their joint and single counts out of ``total``."""
    if pair <= 0 or total <= 0:
        return -1.0
    p_xy = pair / total
    if p_xy >= 1.0:
        return 1.0
    return math.log(p_xy / ((x / total) * (y / total))) / -math.log(p_xy)


def add_co_mention_edges(kg: KnowledgeGraph, min_count: int = 2,
                         count_pairs: PairCounter = co_occurrence_evidence) -> int:
    """Add CO_MENTIONED edges for entity pairs named together in ``min_count`` papers or
    more; returns how many edges. ``count_pairs`` computes the pairs (here or on
    workers)."""
    named = entities_by_paper(kg)
    if not named:
        return 0
    # rows in paper-key order, so the first shared rows of a pair are its smallest keys;
    # columns in node-id order, so a pair (i < j) is stored from the smaller id
    net = Network.of({p: frozenset(found) for p, found in named.items()})
    del named
    pairs, shared = count_pairs(net.m, max(1, min_count), EVIDENCE_LIMIT)
    return add_pairs(kg, net, pairs, shared)


def add_pairs(kg: KnowledgeGraph, net: Network, pairs: Pairs,
              shared: Sequence[np.ndarray]) -> int:
    """One CO_MENTIONED edge per pair of ``net``'s columns (entities; rows are paper
    keys): count, NPMI over the rows, and the first paper keys naming both (``shared``,
    the pair's first rows)."""
    singles = np.diff(net.m.tocsc().indptr).tolist()
    total, papers, entities = len(net.rows), net.rows, net.columns
    first, second, counts = pairs.i.tolist(), pairs.j.tolist(), pairs.count.tolist()
    strengths = [round(npmi(count, singles[a], singles[b], total), 4)
                 for a, b, count in zip(first, second, counts, strict=True)]
    return kg.add_pair_edges(
        S.CO_MENTIONED, [entities[a] for a in first], [entities[b] for b in second],
        {S.COUNT: counts, S.STRENGTH: strengths},
        [[papers[r] for r in rows.tolist()] for rows in shared])
