"""A networkx MultiDiGraph whose edges cost about 60% of the memory, with the same API.

networkx keeps, for each edge of a multigraph, a key dict (edge key -> attributes) shared
by both adjacency directions, and an attribute dict. Both are plain dicts of 184 bytes
or more, though nearly every key dict holds one edge and every attribute dict a handful
of names that repeat across all edges of a type. Past a few million edges those two
dicts are most of the graph's memory.

:class:`CompactMultiDiGraph` swaps them, through the factories networkx reads, for two
slotted mappings that behave as dicts do for every reader and writer of the graph:

- :class:`EdgeAttrs`: the property names as one tuple shared by every edge with the same
  names (interned in a table), the values as a tuple in that order, itself shared when
  it holds only short immutable values (48 to about 100 bytes rather than 184 and more);
- :class:`EdgeKeys`: the key dict, holding one key and its attributes directly, or
  parallel tuples when a pair of nodes has edges of several types (48 bytes rather
  than 184).

Node attribute dicts and the adjacency dicts stay plain dicts: nodes are few next to
edges, and the adjacency maps node ids, which a dict does best. Measured on a saved
graph of 30,000 synthetic papers (``bench/bench_memory.py``): 550 bytes per edge as a
plain MultiDiGraph, 328 as this one, everything else included.
"""

from __future__ import annotations

from collections.abc import (
    ItemsView,
    Iterable,
    Iterator,
    Mapping,
    MutableMapping,
    ValuesView,
)
from itertools import chain
from typing import Any

import networkx as nx

#: Every distinct tuple of property names, once: edges of one type share their names.
_NAMES: dict[tuple[str, ...], tuple[str, ...]] = {}


def _names(names: tuple[str, ...]) -> tuple[str, ...]:
    shared = _NAMES.get(names)
    if shared is None:
        shared = _NAMES[names] = tuple(_NAMES.get((n,), (n,))[0] for n in names)
    return shared


_EMPTY: tuple[str, ...] = _names(())

#: Value tuples made only of short strings, booleans, small integers and None, once: many
#: edges of a type carry the same few such values (a source, a flag, a position). Keyed
#: with the value types too, as ``True == 1`` would otherwise merge a flag and a count.
_VALUES: dict[tuple[tuple[Any, ...], tuple[type, ...]], tuple[Any, ...]] = {}
_VALUES_MAX = 1 << 16
_SHARED_TYPES = frozenset({str, bool, int, type(None)})


def _values(values: tuple[Any, ...]) -> tuple[Any, ...]:
    kinds = tuple(map(type, values))
    if float in kinds or list in kinds:  # the common unshareable kinds, told at C speed
        return values
    for value, kind in zip(values, kinds, strict=True):
        if kind not in _SHARED_TYPES or (kind is str and len(value) > 40) or (
                kind is int and not -1000 < value < 1000):
            return values
    key = (values, kinds)
    shared = _VALUES.get(key)
    if shared is None:
        if len(_VALUES) >= _VALUES_MAX:
            return values
        shared = _VALUES[key] = values
    return shared


class EdgeAttrs(MutableMapping[str, Any]):
    """An edge's properties as a mapping: names in a shared tuple, values in a tuple.

    Reads cost a scan of a few names; a write rebuilds the small value tuple. Equal to
    any mapping with the same items, as a dict is; copies and pickles as itself.
    """

    __slots__ = ("_names", "_values")

    def __init__(self, data: Mapping[str, Any] | Iterable[tuple[str, Any]] = (),
                 **kwargs: Any) -> None:
        self._names = _EMPTY
        self._values: tuple[Any, ...] = ()
        if data or kwargs:
            self.update(data, **kwargs)

    @classmethod
    def _of(cls, names: tuple[str, ...], values: tuple[Any, ...]) -> EdgeAttrs:
        attrs = cls.__new__(cls)
        attrs._names, attrs._values = _names(names), _values(values)
        return attrs

    def __getitem__(self, name: str) -> Any:
        try:
            return self._values[self._names.index(name)]
        except ValueError:
            raise KeyError(name) from None

    def get(self, name: str, default: Any = None) -> Any:
        names = self._names
        return self._values[names.index(name)] if name in names else default

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __setitem__(self, name: str, value: Any) -> None:
        names = self._names
        if name in names:
            i = names.index(name)
            self._values = _values(self._values[:i] + (value,) + self._values[i + 1:])
        else:
            self._names = _names((*names, name))
            self._values = _values((*self._values, value))

    def __delitem__(self, name: str) -> None:
        names = self._names
        if name not in names:
            raise KeyError(name)
        i = names.index(name)
        self._names = _names(names[:i] + names[i + 1:])
        self._values = _values(self._values[:i] + self._values[i + 1:])

    def update(self, other: Any = (), /, **kwargs: Any) -> None:
        """As ``dict.update``, in one rebuild of the value tuple."""
        merged = dict(zip(self._names, self._values, strict=True))
        merged.update(other, **kwargs)
        if len(merged) != len(self._names) or tuple(merged) != self._names:
            self._names = _names(tuple(merged))
        self._values = _values(tuple(merged.values()))

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def _pairs(self) -> Iterator[tuple[str, Any]]:
        return zip(self._names, self._values, strict=True)

    def items(self) -> ItemsView[str, Any]:
        return _Items(self)

    def values(self) -> ValuesView[Any]:
        return _Values(self)

    def copy(self) -> EdgeAttrs:
        return EdgeAttrs._of(self._names, self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EdgeAttrs):
            if self._names is other._names:  # the same names in the same order
                return self._values == other._values
            return dict(self.items()) == dict(other.items())
        if isinstance(other, Mapping):
            return dict(self.items()) == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(dict(self.items()))

    def __reduce__(self) -> tuple[Any, ...]:
        return EdgeAttrs._of, (self._names, self._values)


class _Items(ItemsView[str, Any]):
    """``items()`` of the two mappings: a set-like view, iterated from their storage."""

    __slots__ = ()

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return self._mapping._pairs()  # type: ignore[attr-defined]  # noqa: SLF001


class _Values(ValuesView[Any]):
    """``values()`` of the two mappings, iterated from their storage."""

    __slots__ = ()

    def __iter__(self) -> Iterator[Any]:
        pairs = self._mapping._pairs()  # type: ignore[attr-defined]  # noqa: SLF001
        return (value for _, value in pairs)


class EdgeKeys(MutableMapping[str, Any]):
    """The edges between one ordered pair of nodes: edge key -> attributes.

    One edge (the usual case) is held in two slots, several in two parallel tuples.
    """

    __slots__ = ("_keys", "_attrs")

    def __init__(self, data: Mapping[str, Any] | Iterable[tuple[str, Any]] = ()) -> None:
        self._keys: str | tuple[str, ...] | None = None
        self._attrs: Any = None
        for key, attrs in dict(data).items():
            self[key] = attrs

    def _index(self, key: object) -> int:
        keys = self._keys
        if type(keys) is tuple:
            try:
                return keys.index(key)
            except ValueError:
                return -1
        return 0 if keys is not None and keys == key else -1

    def __getitem__(self, key: str) -> Any:
        keys = self._keys
        if type(keys) is tuple:
            try:
                return self._attrs[keys.index(key)]
            except ValueError:
                raise KeyError(key) from None
        if keys is None or keys != key:
            raise KeyError(key)
        return self._attrs

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key: object) -> bool:
        return self._index(key) >= 0

    def __setitem__(self, key: str, attrs: Any) -> None:
        i = self._index(key)
        keys = self._keys
        if keys is None:
            self._keys, self._attrs = key, attrs
        elif type(keys) is tuple:
            if i >= 0:
                self._attrs = self._attrs[:i] + (attrs,) + self._attrs[i + 1:]
            else:
                self._keys, self._attrs = (*keys, key), (*self._attrs, attrs)
        elif i == 0:
            self._attrs = attrs
        else:
            self._keys, self._attrs = (keys, key), (self._attrs, attrs)

    def __delitem__(self, key: str) -> None:
        i = self._index(key)
        if i < 0:
            raise KeyError(key)
        keys = self._keys
        if type(keys) is not tuple:
            self._keys = self._attrs = None
            return
        keys, attrs = keys[:i] + keys[i + 1:], self._attrs[:i] + self._attrs[i + 1:]
        self._keys, self._attrs = (keys[0], attrs[0]) if len(keys) == 1 else (keys, attrs)

    def __iter__(self) -> Iterator[str]:
        keys = self._keys
        if keys is None:
            return iter(())
        return iter(keys) if type(keys) is tuple else iter((keys,))

    def __len__(self) -> int:
        keys = self._keys
        return 0 if keys is None else len(keys) if type(keys) is tuple else 1

    def _pairs(self) -> Iterator[tuple[str, Any]]:
        keys = self._keys
        if keys is None:
            return iter(())
        if type(keys) is tuple:
            return zip(keys, self._attrs, strict=True)
        return iter(((keys, self._attrs),))

    def items(self) -> ItemsView[str, Any]:
        return _Items(self)

    def values(self) -> ValuesView[Any]:
        return _Values(self)

    def copy(self) -> dict[str, Any]:
        return dict(self._pairs())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self.items()) == dict(other.items())
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(dict(self.items()))

    def __reduce__(self) -> tuple[Any, ...]:
        return _edge_keys, (self._keys, self._attrs)


def _edge_keys(keys: Any, attrs: Any) -> EdgeKeys:
    out = EdgeKeys.__new__(EdgeKeys)
    out._keys, out._attrs = keys, attrs
    return out


def attach_edge(g: nx.MultiDiGraph, start: Any, end: Any, key: str, attrs: dict[str, Any]
                ) -> None:
    """Add an edge known to be new to ``g`` with the attributes ``attrs``: what
    ``add_edge`` does, without its per-call overhead, in the layout of ``g``'s class."""
    succ = g._succ  # noqa: SLF001 - the adjacency add_edge fills
    keydict = succ[start].get(end)
    if keydict is None:  # both directions share one key dict
        keydict = succ[start][end] = g._pred[end][start] = g.edge_key_dict_factory()  # noqa: SLF001
    keydict[key] = (EdgeAttrs._of(tuple(attrs), tuple(attrs.values()))  # noqa: SLF001
                    if g.edge_attr_dict_factory is EdgeAttrs else attrs)
    cache = getattr(g, "__networkx_cache__", None)
    if cache:
        cache.clear()


class CompactMultiDiGraph(nx.MultiDiGraph):
    """A networkx MultiDiGraph storing edge attributes and key dicts compactly (see the
    module docstring); every networkx reader and writer works on it unchanged."""

    edge_attr_dict_factory = EdgeAttrs
    edge_key_dict_factory = EdgeKeys

    def typed_edges(self, name: str, value: Any = None
                    ) -> Iterator[tuple[Any, Any, Any, Any, Any]]:
        """``(u, v, key, attrs[name], attrs)`` of every edge, or with ``value`` of every
        edge whose ``name`` is ``value``, read straight from the storage: the view
        ``edges(keys=True, data=True)`` makes several Python calls per edge, this a loop
        (about fifteen times faster over a saved graph). An edge without ``name`` raises
        ``KeyError``, as ``attrs[name]`` does."""
        for u, nbrs in self._succ.items():
            for v, keys in nbrs.items():
                if type(keys) is EdgeKeys:
                    ks = keys._keys  # noqa: SLF001
                    if ks is None:
                        continue
                    pairs = (zip(ks, keys._attrs, strict=True) if type(ks) is tuple  # noqa: SLF001
                             else ((ks, keys._attrs),))  # noqa: SLF001
                else:
                    pairs = keys.items()
                for k, attrs in pairs:
                    if type(attrs) is EdgeAttrs and attrs._names and attrs._names[0] == name:
                        found = attrs._values[0]  # where the model puts an edge's type
                    else:
                        found = attrs[name]
                    if value is None or found == value:
                        yield u, v, k, found, attrs

    def number_of_edges(self, u: Any = None, v: Any = None) -> int:
        """As networkx's; the count of every edge is a sum over the key mappings rather
        than over a degree view (which visits each node's neighbours through Python)."""
        succ = self._succ
        if u is None and v is None and type(succ) is dict:  # not a view's filtered adjacency
            return sum(map(len, chain.from_iterable(map(dict.values, succ.values()))))
        return super().number_of_edges(u, v)

    def to_plain(self) -> nx.MultiDiGraph:
        """A plain networkx MultiDiGraph with dict attributes, free to modify."""
        plain = nx.MultiDiGraph()
        plain.graph.update(self.graph)
        plain.add_nodes_from((n, dict(d)) for n, d in self._node.items())
        plain.add_edges_from((u, v, k, dict(d))
                             for u, v, k, d in self.edges(keys=True, data=True))
        return plain
