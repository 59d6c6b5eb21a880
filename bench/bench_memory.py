"""Where a graph's bytes go: a saved graph loaded, its memory accounted part by part.

Every object reachable from the graph is counted once (by identity) with
``sys.getsizeof``, under the first part that reaches it: the node table and node
attribute dicts, node property values (titles and abstracts apart), node id strings,
the adjacency dicts, the edge key dicts, the edge attribute mappings and their value
tuples per relationship type, edge property values (numbers apart from strings and
lists), then the columnar pair networks (:mod:`citegraph.graph.pair_edges`: their
arrays per type, the node index table and the evidence strings); the paper embeddings
are reported apart. Objects shared with the interpreter
(small integers, interned names) cost nothing here, as they cost nothing more per graph.

With ``--plain`` the same graph is then copied into a plain networkx MultiDiGraph (dict
attributes, every edge in it: the layout before :mod:`citegraph.graph.compact` and the
columns) and accounted again, so one run gives the bytes per edge of both layouts on
the same data.

    python bench/bench_memory.py GRAPH_DIR [--plain]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.pair_edges import PairEdges

_TEXT = frozenset({S.TITLE, S.ABSTRACT})


class Ledger:
    """Bytes per part, each object counted once."""

    def __init__(self) -> None:
        self.parts: Counter[str] = Counter()
        self._seen: set[int] = set()

    def add(self, obj: Any, part: str) -> None:
        if id(obj) not in self._seen:
            self._seen.add(id(obj))
            self.parts[part] += sys.getsizeof(obj)

    def value(self, value: Any, part: str) -> None:
        """A property value with what it holds (list items)."""
        if type(value) is list:
            self.add(value, part)
            for item in value:
                self.value(item, part)
        elif type(value) in (str, float) or (type(value) is int and not -5 <= value <= 256):
            self.add(value, part)


def account(g: nx.MultiDiGraph, embeddings: Any = None, pairs: PairEdges | None = None
            ) -> Counter[str]:
    """Bytes of ``g`` (and of ``embeddings`` and the columnar ``pairs``) per part; see
    the module docstring."""
    ledger = Ledger()
    ledger.add(g._node, "node table")  # noqa: SLF001 - the storage measured
    for outer in (g._succ, g._pred):  # noqa: SLF001
        ledger.add(outer, "adjacency")
    for nid, attrs in g._node.items():  # noqa: SLF001
        ledger.add(nid, "node id strings")
        ledger.add(attrs, "node attribute dicts")
        for name, value in attrs.items():
            ledger.value(value, "node text (title, abstract)" if name in _TEXT
                         else f"node values {attrs[S.LABEL]}")
    for outer in (g._succ, g._pred):  # noqa: SLF001
        for nbrs in outer.values():
            ledger.add(nbrs, "adjacency")
    for nbrs in g._succ.values():  # noqa: SLF001
        for keydict in nbrs.values():
            ledger.add(keydict, "edge key dicts")
            for key, attrs in keydict.items():
                ledger.add(key, "edge keys")
                rel = attrs[S.TYPE]
                ledger.add(attrs, f"edge attributes {rel}")
                for inner in getattr(type(attrs), "__slots__", ()):
                    ledger.add(getattr(attrs, inner), f"edge attributes {rel}")
                for name, value in attrs.items():
                    if name != S.TYPE:
                        kind = "numbers" if type(value) in (int, float, bool) else "strings"
                        ledger.value(value, f"edge values {kind} {rel}")
    if pairs is not None:
        for rel, pair_table in pairs.tables.items():
            if len(pair_table):
                ledger.parts[f"pair columns {rel}"] += pair_table.nbytes()
        ledger.parts["pair node index"] += pairs.nodes.nbytes(strings=False)
        ledger.parts["pair evidence strings"] += pairs.strings.nbytes()
    if embeddings is not None:
        for value in vars(embeddings).values():
            if isinstance(value, np.ndarray):
                ledger.parts["embeddings"] += value.nbytes
            elif isinstance(value, list | dict):
                ledger.add(value, "embeddings index")
                for item in value:
                    ledger.value(item, "embeddings index")
    return ledger.parts


def table(title: str, parts: Counter[str], edges: int, papers: int) -> int:
    """Print the parts, largest first; returns the total."""
    total = sum(parts.values())
    print(f"\n== {title}: {total / 2**20:,.1f} MiB; {total / max(edges, 1):,.0f} B per edge, "
          f"{total / max(papers, 1):,.0f} B per paper")
    for part, size in parts.most_common():
        print(f"{part:44s} {size / 2**20:10.1f} MiB {100 * size / total:6.1f} %")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("graph", type=Path, help="a directory written by KnowledgeGraph.save")
    parser.add_argument("--plain", action="store_true",
                        help="also account the graph as a plain networkx MultiDiGraph")
    args = parser.parse_args()
    kg = KnowledgeGraph.load(args.graph)
    edges = kg.number_of_edges()
    papers = sum(1 for _ in kg.nodes(S.PAPER))
    print(f"{args.graph}: {len(kg.g):,} nodes, {edges:,} edges, {papers:,} papers")
    in_columns = len(kg.pairs)
    print(f"{in_columns:,} of the edges in columns, {edges - in_columns:,} in networkx")
    compact = table(f"as loaded ({type(kg.g).__name__} and columns)",
                    account(kg.g, pairs=kg.pairs), edges, papers)
    vectors = account(nx.MultiDiGraph(), kg.embeddings)
    print(f"{'paper embeddings and their index':44s} "
          f"{sum(vectors.values()) / 2**20:10.1f} MiB (apart from the graph)")
    if args.plain:
        plain = kg.to_networkx()
        before = table("as a plain networkx MultiDiGraph", account(plain), edges, papers)
        print(f"\ncompact / plain: {compact / before:.2f}")

if __name__ == "__main__":
    main()
