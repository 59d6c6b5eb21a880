"""The one validated way a reader puts a whole graph into memory.

The saved-file reader, the Neo4j reader and the RDF reader all hand their nodes and
edges to :class:`GraphLoader` (and :meth:`KnowledgeGraph.from_records` does for callers),
so a graph read from any store is checked by the same rules before anyone queries it:

- a node's label is in the schema, its key a non-empty string, and its id (when the
  store keeps one) is the ``Label:key`` the schema makes of them; a node id appears once;
- an edge's type is in the schema, its ends are nodes of the graph read so far with
  labels the type may join, its key is the schema's encoding of type and discriminator
  (:func:`~citegraph.graph.schema.edge_key`); an edge identity appears once (a symmetric
  edge is stored from the smaller node id to the larger, as the model stores it);
- property values are what every store holds: strings, numbers, booleans, ``None`` and
  flat lists of those; ``label`` (nodes) and ``type`` (edges) are reserved names.

The first problem raises the reader's error class (a :class:`~citegraph.errors.GraphError`)
with one line naming the item: the reader's location (``file:line``, an IRI, ...) and
the offending value. Nothing is half-added: an item that fails adds nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from citegraph.errors import GraphError
from citegraph.graph import schema as S
from citegraph.graph.compact import EdgeAttrs, attach_edge
from citegraph.graph.model import KnowledgeGraph

#: Types of the values every store holds: scalars, and flat lists of them.
_SCALARS = frozenset({str, int, float, bool, type(None)})


def short(value: Any, limit: int = 80) -> str:
    """A value for a one-line message: its repr, cut at ``limit`` characters."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


class GraphLoader:
    """Adds nodes, then edges, to a new graph, each checked against the schema.

    ``error`` is the class raised for a problem (a subclass of ``GraphError``); ``where``
    given to :meth:`node` and :meth:`edge` opens its message (``nodes.jsonl:12``).
    ``nested_lists`` lets list values hold lists: RDF collections nest, so an RDF file
    carries such a value of a graph edited by hand back unchanged.
    """

    def __init__(self, error: type[GraphError] = GraphError, *,
                 nested_lists: bool = False) -> None:
        self.kg = KnowledgeGraph()
        self.error = error
        self.nested_lists = nested_lists
        # One string object per distinct node id, property name, short value and list
        # item: each decoded row brings fresh copies of the same text (an edge's end ids,
        # every property name), which would otherwise all stay in memory.
        self._pool: dict[str, str] = {}

    #: Longer string values (titles, abstracts) are rarely repeated: not pooled.
    SHORT = 64

    def _shared(self, props: Mapping[str, Any]) -> dict[str, Any]:
        pool = self._pool.setdefault
        out: dict[str, Any] = {}
        for name, value in props.items():
            kind = type(value)
            if kind is str:
                if len(value) <= self.SHORT:
                    value = pool(value, value)
            elif kind is list:
                value = [pool(x, x) if type(x) is str else x for x in value]
            out[pool(name, name)] = value
        return out

    def fail(self, where: str, message: str) -> GraphError:
        return self.error(f"{where}: {message}" if where else message)

    def node(self, label: Any, key: Any, props: Any, *, nid: Any = None,
             where: str = "") -> str:
        """Add one node; ``props`` may repeat ``key`` (it must then agree)."""
        if type(label) is not str or label not in S.NODE_KIND_BY_LABEL:
            raise self.fail(where, f"unknown node label {short(label)} (not in this "
                                   "citegraph's schema)")
        if type(props) is not dict and not isinstance(props, Mapping):
            raise self.fail(where, f"the properties of a {label} node are not a map")
        if type(key) is not str or not key or props.get(S.KEY, key) != key:
            raise self.fail(where, f"malformed {label} key {short(key)}")
        made = S.node_id(label, key)
        if nid is not None and nid != made:
            raise self.fail(where, f"node id {short(nid)} does not match its label and key "
                                   f"{short(key)}")
        self._check_properties(props, S.LABEL, where)
        g = self.kg.g
        if made in g:
            raise self.fail(where, f"node {short(made)} appears twice")
        g.add_node(made)
        g.nodes[made].update({S.LABEL: self._pool.setdefault(label, label),
                              **self._shared(props), S.KEY: key})
        self.kg._ids[made] = made  # noqa: SLF001 - the model's one string per node id
        return made

    def edge(self, rel_type: Any, start: Any, end: Any, props: Any, *, key: Any = None,
             discriminator: Any = "", where: str = "") -> tuple[str, str, str]:
        """Add one edge between nodes already added; ``key`` (the stored edge key) or
        ``discriminator`` tells apart edges of one type between one pair."""
        kind = S.REL_KIND_BY_TYPE.get(rel_type) if type(rel_type) is str else None
        if kind is None:
            raise self.fail(where, f"unknown relationship type {short(rel_type)} (not in "
                                   "this citegraph's schema)")
        if type(props) is not dict and not isinstance(props, Mapping):
            raise self.fail(where, f"the properties of a {rel_type} edge are not a map")
        if key is None:
            if type(discriminator) is not str:
                raise self.fail(where, f"malformed discriminator {short(discriminator)}")
            key = S.edge_key(rel_type, discriminator)
        elif key != rel_type:  # a plain edge's key is its type: the common case, done fast
            self._check_key(key, rel_type, where)
        nodes = self.kg.g._node  # node id -> attributes: one dict lookup per end
        if kind.symmetric and type(start) is str and type(end) is str and end < start:
            start, end = end, start  # stored once, from the smaller node id to the larger
        start_attrs = nodes.get(start) if type(start) is str else None
        end_attrs = nodes.get(end) if type(end) is str else None
        start_label = start_attrs[S.LABEL] if start_attrs is not None else None
        end_label = end_attrs[S.LABEL] if end_attrs is not None else None
        if start_label is None or end_label is None:
            end_name, nid = ("start", start) if start_label is None else ("end", end)
            raise self.fail(where, f"dangling edge: its {end_name} node {short(nid)} is not "
                                   "in the graph")
        if start_label not in kind.start or end_label not in kind.end:
            end_name, nid, label = (("start", start, start_label)
                                    if start_label not in kind.start else ("end", end, end_label))
            raise self.fail(where, f"a {rel_type} edge cannot {end_name} at {short(nid)} "
                                   f"(a {label})")
        self._check_properties(props, S.TYPE, where)
        ids = self.kg._ids  # noqa: SLF001
        if rel_type in S.COLUMNAR_TYPES:
            if key != rel_type:
                raise self.fail(where, f"{rel_type} edges take no discriminator (one per pair)")
            return self._pair(rel_type, ids.get(start, start), ids.get(end, end), props, where)
        g = self.kg.g
        keydict = g._succ[start].get(end)  # noqa: SLF001 - one lookup, not has_edge's three
        if keydict is not None and key in keydict:
            raise self.fail(where, f"edge {short(key)} from {short(start)} to {short(end)} "
                                   "appears twice")
        start, end = ids.get(start, start), ids.get(end, end)
        key = self._pool.setdefault(key, key)
        attach_edge(g, start, end, key, {S.TYPE: self._pool.setdefault(rel_type, rel_type),
                                         **self._shared(props)})
        return start, end, key

    def _pair(self, rel_type: str, start: str, end: str, props: Mapping[str, Any],
              where: str) -> tuple[str, str, str]:
        """Add one edge of a columnar type (ends and labels already checked)."""
        try:
            existed, _ = self.kg.pairs.put(rel_type, start, end, dict(props))
        except GraphError as exc:
            raise self.fail(where, str(exc)) from None
        if existed:
            raise self.fail(where, f"edge {short(rel_type)} from {short(start)} to "
                                   f"{short(end)} appears twice")
        return start, end, rel_type

    def own_edges(self, batches: Iterable[list[Any]]) -> None:
        """Add the edge rows (``{"start", "end", "key", "type", "properties"}``) of a
        saved file as this tool writes them, by the rules :meth:`edge` checks, in one
        loop over batches of rows: what depends only on the type and the two labels is
        decided once per combination, not once per edge.

        Unlike :meth:`edge` it says only that a row is wrong, not where, and a problem
        (whatever exception the row causes) may leave the graph half-built: the caller
        drops it and reads the file again through :meth:`edge`, which names the row.
        A symmetric edge stored the other way round counts as a problem too (the writer
        never stores one so)."""
        g = self.kg.g
        nodes, succ, pred = g._node, g._succ, g._pred  # noqa: SLF001
        pool = self._pool.setdefault
        ids = self.kg._ids  # noqa: SLF001
        new_keys = g.edge_key_dict_factory
        compact = g.edge_attr_dict_factory is EdgeAttrs
        joins: dict[tuple[str, str, str], bool] = {}  # (type, start label, end label)
        keys: dict[tuple[str, str], bool] = {}  # (edge key, type)
        type_name, label, scalars, only_str = S.TYPE, S.LABEL, _SCALARS, {str}
        columnar = S.COLUMNAR_TYPES
        pair_rows: dict[str, list[tuple[str, str, Any]]] = defaultdict(list)
        for rows in batches:
            for row in rows:
                rel, start, end, key = row["type"], row["start"], row["end"], row["key"]
                props = row["properties"]
                start_attrs, end_attrs = nodes[start], nodes[end]
                ends = (rel, start_attrs[label], end_attrs[label])
                ok = joins.get(ends)
                if ok is None:
                    ok = joins[ends] = _joins(*ends)
                if key is not rel and key != rel:
                    valid = keys.get((key, rel))
                    if valid is None:
                        valid = keys[(key, rel)] = _key_of(key, rel)
                    ok = ok and valid
                if not ok or (ends[0] in _SYMMETRIC and end < start):
                    raise self.fail("", f"edge {short(key)} from {short(start)} to "
                                        f"{short(end)} is not one this tool writes")
                if rel in columnar:
                    if key != rel:
                        raise self.fail("", f"{rel} edges take no discriminator")
                    pair_rows[rel].append((ids[start], ids[end], props))
                    continue
                keydict = succ[start].get(end)
                if keydict is None:
                    start, end = ids[start], ids[end]
                    keydict = succ[start][end] = pred[end][start] = new_keys()
                elif key in keydict:
                    raise self.fail("", f"edge {short(key)} from {short(start)} to "
                                        f"{short(end)} appears twice")
                if type_name in props:
                    raise self.fail("", f"property {type_name!r} is reserved")
                names = [type_name]
                values = [pool(rel, rel)]
                for name, value in props.items():
                    kind = type(value)
                    if kind is str:
                        if len(value) <= self.SHORT:
                            value = pool(value, value)
                    elif kind is list:
                        kinds = set(map(type, value))
                        if kinds == only_str:  # the usual list (evidence keys): pooled in C
                            value = list(map(pool, value, value))
                        elif kinds <= scalars:
                            value = [pool(x, x) if type(x) is str else x for x in value]
                        else:
                            raise self.fail("", f"property {short(name)} holds a nested list")
                    elif kind not in scalars:
                        raise self.fail("", f"property {short(name)} holds a {kind.__name__}")
                    names.append(pool(name, name))
                    values.append(value)
                keydict[pool(key, key)] = (
                    EdgeAttrs._of(tuple(names), tuple(values)) if compact  # noqa: SLF001
                    else dict(zip(names, values, strict=True)))
            for rel, pairs in pair_rows.items():  # a batch's rows into the columns at once
                try:
                    self.kg.pairs.extend_rows(rel, pairs)
                except GraphError as exc:
                    raise self.fail("", str(exc)) from None
            pair_rows.clear()
        cache = getattr(g, "__networkx_cache__", None)
        if cache:
            cache.clear()

    def _check_key(self, key: Any, rel_type: str, where: str) -> None:
        """A stored edge key other than the bare type: the codec's ``TYPE|discriminator``."""
        if type(key) is not str or S.edge_key(*S.split_edge_key(key)) != key:
            raise self.fail(where, f"malformed edge key {short(key)}")
        if S.split_edge_key(key)[0] != rel_type:
            raise self.fail(where, f"edge key {short(key)} does not match its type {rel_type}")

    def _check_properties(self, props: Mapping[str, Any], reserved: str, where: str) -> None:
        if reserved in props:
            raise self.fail(where, f"property {reserved!r} is reserved")
        scalars = _SCALARS
        for name, value in props.items():
            kind = type(value)
            if kind in scalars or (kind is list and all(type(x) in scalars for x in value)):
                continue
            if self.nested_lists and _nested_list(value):
                continue
            raise self.fail(where, f"property {short(name)} holds a {kind.__name__} no store "
                                   "can hold")


_SYMMETRIC = frozenset(kind.type for kind in S.REL_KINDS if kind.symmetric)


def _joins(rel_type: str, start_label: str, end_label: str) -> bool:
    """Whether a ``rel_type`` edge may go from a ``start_label`` to an ``end_label`` node."""
    kind = S.REL_KIND_BY_TYPE.get(rel_type) if type(rel_type) is str else None
    return kind is not None and start_label in kind.start and end_label in kind.end


def _key_of(key: Any, rel_type: str) -> bool:
    """Whether ``key`` is the codec's ``TYPE|discriminator`` key of a ``rel_type`` edge."""
    return (type(key) is str and S.edge_key(*S.split_edge_key(key)) == key
            and S.split_edge_key(key)[0] == rel_type)


def _nested_list(value: Any) -> bool:
    """A list of scalars and lists of them, at any depth."""
    return type(value) is list and all(
        type(x) in _SCALARS or _nested_list(x) for x in value)


def from_records(nodes: Iterable[Mapping[str, Any]], edges: Iterable[Mapping[str, Any]],
                 *, error: type[GraphError] = GraphError) -> KnowledgeGraph:
    """A graph from plain records, validated (see the module rules).

    A node record is ``{"label", "key", "properties"}`` (``"id"`` optional, checked); an
    edge record ``{"type", "start", "end", "properties"}`` with an optional
    ``"discriminator"`` or stored ``"key"``; ``start`` and ``end`` are node ids. A problem
    names the record by its position (``node 3``, ``edge 7``).
    """
    loader = GraphLoader(error)
    for i, row in enumerate(nodes, 1):
        where = f"node {i}"
        if not isinstance(row, Mapping):
            raise loader.fail(where, "not a map")
        props = row.get("properties", {})
        loader.node(row.get("label"), row.get("key", _get(props, S.KEY)), props,
                    nid=row.get("id"), where=where)
    for i, row in enumerate(edges, 1):
        where = f"edge {i}"
        if not isinstance(row, Mapping):
            raise loader.fail(where, "not a map")
        loader.edge(row.get("type"), row.get("start"), row.get("end"),
                    row.get("properties", {}), key=row.get("key"),
                    discriminator=row.get("discriminator", ""), where=where)
    return loader.kg


def _get(props: Any, name: str) -> Any:
    return props.get(name) if isinstance(props, Mapping) else None
