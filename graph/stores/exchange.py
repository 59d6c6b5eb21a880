"""Exchange formats for graph tools: GraphML and GEXF (Gephi, Cytoscape, networkx), the
Neo4j import CSV files, and the one ``export`` entry point over every format.

GraphML and GEXF get the same flat view of the graph, because both hold only scalar
attributes and both tools look for a ``label`` to show:

- node ``id`` is the citegraph node id (``Paper:arxiv:2401.00001``); attributes are
  ``kind`` (the citegraph label: Paper, Method, ...), ``label`` (what to display: title,
  name, else key), ``node_key`` (the citegraph key) and every other property;
- edge ids are ``e0``, ``e1``, ... (unique, as both formats want); attributes are
  ``rel_type`` (CITES, MENTIONS, ...), ``label`` (the same, for display), ``edge_key``
  (the citegraph edge key, ``CITES|inferred:dpo``), ``weight`` (``score``, else ``strength``,
  else ``count``, else 1.0: what layouts and filters use) and every property;
- strings, ints, floats and booleans keep their types; **lists are JSON-encoded strings**
  (``["a", "b"]``), since neither format can hold a list; the graph attribute
  ``list_encoding`` says so;
- characters XML 1.0 cannot carry (control characters other than tab, newline and
  carriage return) are replaced by U+FFFD.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import networkx as nx

from citegraph.atomic import atomic_path
from citegraph.errors import ExportError  # noqa: F401  (old import path)
from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph

#: Every export format, in the order the CLI lists them.
FORMATS: tuple[str, ...] = ("ttl", "nt", "jsonld", "graphml", "gexf", "csv", "vosviewer",
                             "pajek")
_SUFFIXES = {".ttl": "ttl", ".nt": "nt", ".jsonld": "jsonld", ".graphml": "graphml",
             ".gexf": "gexf", ".net": "pajek"}

LIST_ENCODING = "json"
_NODE_RESERVED = frozenset({"kind", "label", "node_key"})
_EDGE_RESERVED = frozenset({"rel_type", "label", "edge_key", "weight", "key", "id"})
_WEIGHT_FROM = (S.SCORE, S.STRENGTH, S.COUNT)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _attr(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return _xml(json.dumps(list(value), ensure_ascii=False))
    if isinstance(value, str):
        return _xml(value)
    if isinstance(value, bool | int | float):
        return value
    return _xml(str(value))


def _display(attrs: dict[str, Any]) -> str:
    for name in (S.TITLE, S.NAME, S.KEY):
        if isinstance(attrs.get(name), str) and attrs[name]:
            return attrs[name]
    return ""


def _weight(attrs: dict[str, Any]) -> float:
    for name in _WEIGHT_FROM:
        value = attrs.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    return 1.0


def exchange_view(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    """The flat, scalar-only graph GraphML and GEXF are written from (see module doc)."""
    view = nx.MultiDiGraph(list_encoding=LIST_ENCODING)
    ids: dict[str, str] = {}
    for nid, attrs in kg.g.nodes(data=True):
        xid = _xml(nid)
        if xid in view:
            raise ExportError(f"node ids {nid!r} and another differ only in control characters")
        ids[nid] = xid
        data = {"kind": attrs[S.LABEL], "label": _xml(_display(attrs)),
                "node_key": _xml(attrs[S.KEY])}
        for name, value in attrs.items():
            if name in (S.LABEL, S.KEY):
                continue
            if name in _NODE_RESERVED:
                raise ExportError(f"node property {name!r} is reserved in GraphML/GEXF")
            data[name] = _attr(value)
        view.add_node(xid, **data)
    for i, (start, end, key, _, attrs) in enumerate(kg.keyed_edges()):
        data = {"rel_type": attrs[S.TYPE], "label": attrs[S.TYPE], "edge_key": _xml(key),
                "weight": _weight(attrs)}
        for name, value in attrs.items():
            if name == S.TYPE:
                continue
            if name in _EDGE_RESERVED:
                raise ExportError(f"edge property {name!r} is reserved in GraphML/GEXF")
            data[name] = _attr(value)
        view.add_edges_from([(ids[start], ids[end], f"e{i}", data)])
    return view


def _atomic(path: Path, write) -> Path:
    """Write beside ``path`` and move into place, so a failure leaves no half file."""
    with atomic_path(path) as tmp:
        write(tmp)
    return path


def write_graphml(kg: KnowledgeGraph, path: Path) -> Path:
    """GraphML with typed attributes (``boolean``, ``long``, ``double``, ``string``)."""
    view = exchange_view(kg)
    return _atomic(path, lambda tmp: nx.write_graphml(view, tmp, encoding="utf-8",
                                                      infer_numeric_types=True))


def write_gexf(kg: KnowledgeGraph, path: Path) -> Path:
    """GEXF 1.2 with ``label`` and ``weight`` where Gephi looks for them."""
    view = exchange_view(kg)
    return _atomic(path, lambda tmp: nx.write_gexf(view, tmp, encoding="utf-8",
                                                   version="1.2draft"))


def write_csv(kg: KnowledgeGraph, directory: Path) -> Path:
    """Node and relationship CSV files for ``neo4j-admin database import``."""
    try:
        from citegraph.graph.stores.neo4j_import import write_import_csv
    except ModuleNotFoundError as exc:
        if exc.name != "citegraph.graph.stores.neo4j_import":
            raise
        raise ExportError("CSV export needs citegraph.graph.stores.neo4j_import, "
                          "which this installation lacks") from None
    directory.mkdir(parents=True, exist_ok=True)
    write_import_csv(kg, directory)
    return directory


def format_of(path: Path, fmt: str | None) -> str:
    """The export format asked for, else the one the path's suffix names."""
    fmt = fmt or _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise ExportError(f"{path}: say which format with --format ({', '.join(FORMATS)})")
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    return fmt


def export_graph(kg: KnowledgeGraph, path: Path, fmt: str | None = None,
                 base: str | None = None, network: str = "co-citation",
                 top: int | None = None) -> Path:
    """Write ``kg`` to ``path`` in ``fmt`` (a directory for ``csv`` and ``vosviewer``);
    returns the path. The mapping formats write one bibliometric ``network`` (see
    :data:`citegraph.graph.networks.NETWORKS`), its ``top`` largest nodes."""
    fmt = format_of(path, fmt)
    if fmt == "csv":
        return write_csv(kg, path)
    if fmt in ("vosviewer", "pajek"):
        from citegraph.graph.networks import build_network
        from citegraph.graph.stores.maps import write_pajek, write_vosviewer

        net = build_network(kg, network, top)
        return write_vosviewer(net, path) if fmt == "vosviewer" else write_pajek(net, path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "graphml":
        return write_graphml(kg, path)
    if fmt == "gexf":
        return write_gexf(kg, path)
    return kg.to_rdf(path, fmt, base=base)
