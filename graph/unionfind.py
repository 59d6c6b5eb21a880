"""Disjoint sets (union-find) over record numbers, and over any hashable labels.

One helper for every grouping that is "these two are one": paper records joined by
matching, author name variants joined by shared co-authors or identifiers. Parents are kept
in a flat integer array (path halving on find), so a million elements cost a few megabytes
and no objects.
"""

from __future__ import annotations

from array import array
from collections.abc import Hashable, Iterable
from typing import Generic, TypeVar

import numpy as np

T = TypeVar("T", bound=Hashable)


class UnionFind:
    """Disjoint sets of the numbers ``0 .. n-1``; :meth:`union` keeps the lower root, so a
    set's root is its lowest member unless :meth:`link` chose otherwise."""

    def __init__(self, n: int = 0) -> None:
        self.parent = array("q", range(n))

    def __len__(self) -> int:
        return len(self.parent)

    def add(self) -> int:
        """A new singleton set; its number."""
        self.parent.append(len(self.parent))
        return len(self.parent) - 1

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, i: int, j: int) -> bool:
        """Join the sets of ``i`` and ``j`` under the lower root; False if already one."""
        a, b = self.find(i), self.find(j)
        if a == b:
            return False
        self.parent[max(a, b)] = min(a, b)
        return True

    def link(self, keep: int, other: int) -> bool:
        """Join the set of ``other`` into the set of ``keep``, whose root stays the root."""
        a, b = self.find(keep), self.find(other)
        if a == b:
            return False
        self.parent[b] = a
        return True

    def roots(self) -> np.ndarray:
        """The root of every element, as an array (one pass, no recursion)."""
        parent = np.frombuffer(self.parent, dtype=np.int64).copy()
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                return parent
            parent = grand


class LabelledSets(Generic[T]):
    """Disjoint sets of hashable labels (names, keys), numbered on first sight."""

    def __init__(self, labels: Iterable[T] = ()) -> None:
        self.sets = UnionFind()
        self.number: dict[T, int] = {}
        self.labels: list[T] = []
        for label in labels:
            self._id(label)

    def _id(self, label: T) -> int:
        i = self.number.get(label)
        if i is None:
            i = self.number[label] = self.sets.add()
            self.labels.append(label)
        return i

    def find(self, label: T) -> T:
        """The label that represents ``label``'s set (``label`` itself if unseen)."""
        return self.labels[self.sets.find(self._id(label))]

    def link(self, keep: T, other: T) -> bool:
        """Join ``other``'s set into ``keep``'s, whose representative stays."""
        return self.sets.link(self._id(keep), self._id(other))
