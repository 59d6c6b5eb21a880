"""Lookup indexes the embedded helpers keep, so a call costs what its answer holds.

Each index is built from the whole graph in one linear pass (plus a sort) the first time
a helper needs it, and kept by :meth:`KnowledgeGraph.derived` until the graph changes;
later calls read only the part of the index their answer comes from. The indexes change
speed, never answers: each helper returns the rows, in the order, of a full scan.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from citegraph.graph import schema as S

if TYPE_CHECKING:
    import numpy as np

    from citegraph.graph.model import KnowledgeGraph

T = TypeVar("T")


class MentionIndex:
    """Which nodes mention each entity, newest first.

    Every source of a MENTIONS edge gets a rank in the helpers' answer order (date
    descending, undated last, then key); each entity keeps the sorted, distinct ranks of
    its sources. ``papers_mentioning`` then slices its first ``limit`` ranks, and
    ``timeline`` counts months over the ranks with numpy, without reading a node.
    """

    def __init__(self, kg: KnowledgeGraph) -> None:
        import numpy as np

        sources: dict[str, int] = {}
        entities: dict[str, int] = {}
        pairs_s: list[int] = []
        pairs_e: list[int] = []
        for start, end, _, _ in kg.edges(S.MENTIONS):
            pairs_s.append(sources.setdefault(start, len(sources)))
            pairs_e.append(entities.setdefault(end, len(entities)))
        nids = list(sources)
        props = [kg.node(n) for n in nids]
        order = sorted(range(len(nids)), key=lambda i: props[i][S.KEY])
        order.sort(key=lambda i: props[i].get(S.DATE) or "", reverse=True)
        rank = np.empty(len(nids), dtype=np.int64)
        rank[np.asarray(order, dtype=np.int64)] = np.arange(len(nids), dtype=np.int64)
        #: node ids in answer order
        self.nids: list[str] = [nids[i] for i in order]
        months = [props[i].get(S.DATE) for i in order]
        self.month_names: list[str] = sorted({m[:7] for m in months if m is not None})
        at = {m: i for i, m in enumerate(self.month_names)}
        #: per rank, the position of its month in ``month_names``; -1 when undated
        self.month_of = np.asarray([at[m[:7]] if m is not None else -1 for m in months],
                                   dtype=np.int32)
        ent = np.asarray(pairs_e, dtype=np.int64)
        ranks = rank[np.asarray(pairs_s, dtype=np.int64)] if pairs_s else ent
        combined = np.unique(ent * max(len(nids), 1) + ranks)  # sorted by entity, then rank
        by_entity = combined // max(len(nids), 1)
        self.ranks = combined % max(len(nids), 1)
        self.offsets = np.searchsorted(by_entity, np.arange(len(entities) + 1))
        self.entity_at = entities

    def ranks_of(self, eids: Iterable[str]) -> np.ndarray:
        """Sorted distinct ranks of the nodes mentioning any of ``eids``."""
        import numpy as np

        parts = []
        for eid in eids:
            at = self.entity_at.get(eid)
            if at is not None:
                parts.append(self.ranks[self.offsets[at]:self.offsets[at + 1]])
        if len(parts) == 1:
            return parts[0]
        return np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64)


def mention_index(kg: KnowledgeGraph) -> MentionIndex:
    return kg.derived("queries.mentions", MentionIndex)


def explicit_citation_counts(kg: KnowledgeGraph) -> Counter[str]:
    """Per cited node, how many distinct papers cite it explicitly (one pass over CITES)."""
    def build(kg: KnowledgeGraph) -> Counter[str]:
        pairs = {(u, v) for u, v, _, a in kg.edges(S.CITES) if not a.get(S.INFERRED)}
        return Counter(v for _, v in pairs)

    return kg.derived("queries.explicit_citations", build)


def ranking(kg: KnowledgeGraph, name: str, build: Callable[[KnowledgeGraph], T]) -> T:
    """A whole-graph ranking (every row a helper can return, in order), built once per
    graph state and argument set named by ``name``; a call then slices it."""
    return kg.derived(f"queries.ranking.{name}", build)


def keyword_index(kg: KnowledgeGraph) -> dict[str, list[str]]:
    """Keyword node ids by their lower-cased name (keys are looked up as node ids)."""
    def build(kg: KnowledgeGraph) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for kid, k in kg.nodes(S.KEYWORD):
            found.setdefault(str(k.get(S.NAME, "")).lower(), []).append(kid)
        return found

    return kg.derived("queries.keywords", build)


def rows_of(items: list[Any], limit: int | None, row: Callable[[Any], dict[str, Any]]
            ) -> list[dict[str, Any]]:
    """The rows of the first ``limit`` ranked items (all with ``None``)."""
    chosen = items if limit is None else items[: max(int(limit), 0)]
    return [row(item) for item in chosen]
