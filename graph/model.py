"""The knowledge graph in memory: a networkx multigraph, the pair networks in columns
(:mod:`citegraph.graph.pair_edges`, the types in ``schema.COLUMNAR_TYPES``) and the paper
embeddings. Readers go through the methods here (``edges``, ``keyed_edges``, ``edge``,
``edges_at``, ``subgraph``, ``to_networkx``, ...), which see both edge stores; ``g`` alone
holds only the other types.

Every store reads and writes this one model, so it is the single place where node ids and
edge identities are decided: a node is ``Label:key``; an edge is identified by its start,
end, type and an optional discriminator (two CITES edges between one pair would be one).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import networkx as nx

from citegraph.errors import GraphError
from citegraph.graph import schema as S
from citegraph.graph.compact import CompactMultiDiGraph, attach_edge
from citegraph.graph.pair_edges import PairEdges
from citegraph.graph.vectors import PaperVectors

if TYPE_CHECKING:
    from rdflib import Graph as RdfGraph

    from citegraph.graph.entity_cache import EntityCache
    from citegraph.graph.identity import MergeReport
    from citegraph.graph.in_place import EdgeLog
    from citegraph.graph.options import BuildOptions
    from citegraph.graph.progress import Progress
    from citegraph.loaders.problems import LoadReport
    from citegraph.queries import Queries
    from citegraph.viz import GraphView

Props = dict[str, Any]
T = TypeVar("T")


def _clean(props: Props) -> Props:
    """Drop empty values and turn tuples into lists, so equal graphs compare equal."""
    out: Props = {}
    for name, value in props.items():
        if value is None or (isinstance(value, list | tuple | set | frozenset) and not value):
            continue
        out[name] = list(value) if isinstance(value, tuple | set | frozenset) else value
    return out


class KnowledgeGraph:
    """Papers, entities and authors with their relationships; see :mod:`citegraph.graph.schema`."""

    def __init__(self, graph: nx.MultiDiGraph | None = None) -> None:
        #: The graph itself; by default a :class:`CompactMultiDiGraph` (the networkx API,
        #: with each edge in about 60% of a plain MultiDiGraph's memory).
        self.g: nx.MultiDiGraph = graph if graph is not None else CompactMultiDiGraph()
        #: The edges of the columnar types (``schema.COLUMNAR_TYPES``): not in ``g``;
        #: read them through :meth:`edges`, :meth:`edge`, :meth:`edges_at` and the rest.
        self.pairs = PairEdges()
        self.embeddings: PaperVectors | None = None
        self._query: Queries | None = None
        self._rdf: RdfGraph | None = None  # the SPARQL view, built on first use
        #: What reading the input files met (set by ``citegraph.build``; not saved).
        self.load_report: LoadReport | None = None
        #: Which records became which paper, and why (set by the build; not saved).
        self.merge_report: MergeReport | None = None
        #: What the entity stage found per paper, so an append extracts only what changed
        #: (set by the build, saved with the graph; see :mod:`citegraph.graph.entity_cache`).
        self.entity_cache: EntityCache | None = None
        #: Where this graph was last loaded from or saved to: (real path, manifest SHA-256,
        #: change stamp then), so a save can tell the directory still holds this graph.
        self.saved_at: tuple[str, str, tuple[int, int, int]] | None = None
        #: The graph an append extended, until this one is saved: a save into the base's
        #: directory then writes only what changed (see :mod:`.stores.files`).
        self.base: KnowledgeGraph | None = None
        #: Each node id string once: edges added with an equal but separate string (built
        #: again from label and key) store this one, not a copy per edge end.
        self._ids: dict[str, str] = {}
        #: While an append changes this graph in place: the edges it touched, so a save
        #: writes only those (see :mod:`citegraph.graph.in_place`).
        self.edge_log: EdgeLog | None = None
        self._changes = 0  # bumped by every add_node/add_edge: derived indexes go stale
        self._derived: dict[str, tuple[tuple[int, int], Any]] = {}
        if graph is not None:
            self._adopt_pairs()

    def _adopt_pairs(self) -> None:
        """Move the columnar types' edges of a networkx graph handed in (a plain export,
        say) into :attr:`pairs`, where every reader looks for them."""
        g = self.g
        moved = [(u, v, k, a) for u, v, k, a in g.edges(keys=True, data=True)
                 if a.get(S.TYPE) in S.COLUMNAR_TYPES]
        for u, v, k, attrs in moved:
            rel = attrs[S.TYPE]
            if k != rel:
                raise GraphError(f"{rel} edges take no discriminator (edge {k!r} from {u!r} "
                                 f"to {v!r})")
            g.remove_edge(u, v, k)
            start, end = (u, v) if u <= v else (v, u)
            self.pairs.put(rel, start, end, _clean({p: x for p, x in attrs.items()
                                                    if p != S.TYPE}))

    # --- building -----------------------------------------------------------------
    def add_node(self, label: str, key: str, **props: Any) -> str:
        """Add a node or update its properties; returns its id."""
        if label not in S.NODE_KIND_BY_LABEL:
            raise GraphError(f"unknown node label {label!r}")
        if not key:
            raise GraphError(f"a {label} node needs a non-empty key")
        nid = S.node_id(label, key)
        attrs = self.g.nodes[nid] if nid in self.g else None
        if attrs is None:
            self.g.add_node(nid, **{S.LABEL: label, S.KEY: key})
            attrs = self.g.nodes[nid]
            self._ids[nid] = nid
        attrs.update(_clean(props))
        self._rdf = None
        self._changes += 1
        return self._ids.get(nid, nid)

    def add_edge(
        self, rel_type: str, start: str, end: str, discriminator: str = "", **props: Any
    ) -> tuple[str, str, str]:
        """Add an edge or update its properties; returns ``(start, end, edge key)``.

        Symmetric kinds are stored once, from the smaller node id to the larger.
        """
        kind = S.REL_KIND_BY_TYPE.get(rel_type)
        if kind is None:
            raise GraphError(f"unknown relationship type {rel_type!r}")
        succ = self.g._succ  # noqa: SLF001 - the adjacency networkx's add_edge fills
        start, end = self._ids.get(start, start), self._ids.get(end, end)
        for nid in (start, end):
            if nid not in succ:
                raise GraphError(f"{rel_type} edge names a missing node {nid!r}")
        if kind.symmetric and end < start:
            start, end = end, start
        if rel_type in S.COLUMNAR_TYPES:
            return self._add_pair(rel_type, start, end, discriminator, props)
        # one shared key string per discriminated type, not one per edge
        ekey = sys.intern(S.edge_key(rel_type, discriminator))
        keydict = succ[start].get(end)
        existed = keydict is not None and ekey in keydict
        if self.edge_log is not None:  # its properties before, kept apart from the update
            self.edge_log.touch(start, end, ekey, dict(keydict[ekey]) if existed else None)
        if existed:
            keydict[ekey].update(_clean(props))
        else:
            attach_edge(self.g, start, end, ekey, {S.TYPE: rel_type, **_clean(props)})
        self._rdf = None
        self._changes += 1
        return start, end, ekey

    def _add_pair(self, rel_type: str, start: str, end: str, discriminator: str,
                  props: Props) -> tuple[str, str, str]:
        """:meth:`add_edge` of a columnar type: into :attr:`pairs`."""
        if discriminator:
            raise GraphError(f"{rel_type} edges take no discriminator (one per pair)")
        existed, before = self.pairs.put(rel_type, start, end, _clean(props))
        if self.edge_log is not None:
            self.edge_log.touch(start, end, rel_type, before if existed else None)
        self._rdf = None
        self._changes += 1
        return start, end, rel_type

    def add_pair_edges(self, rel_type: str, starts: list[str], ends: list[str],
                       columns: dict[str, Any], evidence: Any = None) -> int:
        """Add many edges of one columnar type at once, as many :meth:`add_edge` calls
        would (a pair already there is updated, either end order is taken), in a few
        array operations: ``columns`` holds one sequence per property (``count``,
        ``strength`` or ``score``), ``evidence`` one list of strings per edge. Returns
        how many edges were given."""
        if rel_type not in S.COLUMNAR_TYPES:
            raise GraphError(f"{rel_type} is not a columnar relationship type")
        if len(starts) != len(ends):
            raise GraphError(f"{rel_type}: {len(starts)} starts for {len(ends)} ends")
        if self.edge_log is not None:  # each edge's properties before are logged
            for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
                props = {name: values[i] for name, values in columns.items()}
                if evidence is not None:
                    props[S.EVIDENCE] = evidence[i]
                self.add_edge(rel_type, start, end, **props)
            return len(starts)
        succ, ids = self.g._succ, self._ids  # noqa: SLF001
        first, second = [], []
        for start, end in zip(starts, ends, strict=True):
            start, end = ids.get(start, start), ids.get(end, end)
            if start not in succ or end not in succ:
                missing = start if start not in succ else end
                raise GraphError(f"{rel_type} edge names a missing node {missing!r}")
            if end < start:
                start, end = end, start
            first.append(start)
            second.append(end)
        self.pairs.extend(rel_type, first, second, columns, evidence)
        self._rdf = None
        self._changes += 1
        return len(starts)

    def remove_edge(self, start: str, end: str, key: str) -> bool:
        """Remove the edge ``key`` from ``start`` to ``end`` (as stored: a symmetric kind
        from the smaller id); returns whether there was one."""
        if key in S.COLUMNAR_TYPES:
            before = self.pairs.remove(key, start, end)
            if before is None:
                return False
            if self.edge_log is not None:
                self.edge_log.touch(start, end, key, before)
            self._rdf = None
            self._changes += 1
            return True
        keydict = self.g._succ.get(start, {}).get(end)  # noqa: SLF001
        if keydict is None or key not in keydict:
            return False
        if self.edge_log is not None:
            self.edge_log.touch(start, end, key, keydict[key])
        self.g.remove_edge(start, end, key)
        self._rdf = None
        self._changes += 1
        return True

    def remove_node(self, nid: str) -> None:
        """Remove a node and every edge at it."""
        self.remove_nodes([nid])

    def remove_nodes(self, nids: Iterable[str]) -> None:
        """Remove nodes and every edge at them (the columnar edges in one pass)."""
        g = self.g
        nids = [nid for nid in nids if nid in g]
        for nid in nids:
            if self.edge_log is not None:
                for u, v, k, props in (*g.out_edges(nid, keys=True, data=True),
                                       *g.in_edges(nid, keys=True, data=True)):
                    self.edge_log.touch(u, v, k, props)
            g.remove_node(nid)
            self._ids.pop(nid, None)
        for u, v, rel, props in self.pairs.remove_nodes(nids):
            if self.edge_log is not None:
                self.edge_log.touch(u, v, rel, props)
        self._rdf = None
        self._changes += 1

    def set_properties(self, nid: str, props: Props) -> None:
        """Replace a node's properties (its label and key stay)."""
        attrs = self.node(nid)
        kept = {S.LABEL: attrs[S.LABEL], S.KEY: attrs[S.KEY]}
        attrs.clear()
        attrs.update(kept)
        attrs.update(_clean({k: v for k, v in props.items() if k not in kept}))
        self._rdf = None
        self._changes += 1

    def derived(self, name: str, build: Callable[[KnowledgeGraph], T]) -> T:
        """A structure derived from the whole graph (a lookup index), built on first use
        and kept until the graph changes through :meth:`add_node` or :meth:`add_edge` (or
        gains or loses nodes), so repeated queries do not rescan every node."""
        stamp = (self._changes, len(self.g))
        hit = self._derived.get(name)
        if hit is None or hit[0] != stamp:
            hit = (stamp, build(self))
            self._derived[name] = hit
        return hit[1]

    # --- reading ------------------------------------------------------------------
    def has_node(self, nid: str) -> bool:
        return nid in self.g

    def node(self, nid: str) -> Props:
        """The properties of one node (its label under ``schema.LABEL``)."""
        try:
            return self.g.nodes[nid]
        except KeyError:
            raise GraphError(f"no node {nid!r}") from None

    def nodes(self, label: str | None = None) -> Iterator[tuple[str, Props]]:
        """``(node id, properties)`` of every node, or of every node with one label."""
        for nid, attrs in self.g.nodes(data=True):
            if label is None or attrs[S.LABEL] == label:
                yield nid, attrs

    def edges(self, rel_type: str | None = None) -> Iterator[tuple[str, str, str, Props]]:
        """``(start, end, type, properties)`` of every edge, or of one type.

        The properties of a columnar edge are a fresh dict: change an edge through
        :meth:`add_edge`, never by writing into what this gives."""
        if rel_type in S.COLUMNAR_TYPES:
            yield from self.pairs.edges(rel_type)
            return
        g = self.g
        if isinstance(g, CompactMultiDiGraph):
            for start, end, _, rel, attrs in g.typed_edges(S.TYPE, rel_type):
                yield start, end, rel, attrs
        else:
            for start, end, attrs in g.edges(data=True):
                if rel_type is None or attrs[S.TYPE] == rel_type:
                    yield start, end, attrs[S.TYPE], attrs
        if rel_type is None:
            yield from self.pairs.edges()

    def keyed_edges(self, *, pairs: bool = True) -> Iterator[tuple[str, str, str, str, Props]]:
        """``(start, end, edge key, type, properties)`` of every edge (with
        ``pairs=False``, of every edge but the columnar types')."""
        g = self.g
        if isinstance(g, CompactMultiDiGraph):
            listed = g.typed_edges(S.TYPE)
        else:
            listed = ((u, v, k, a[S.TYPE], a) for u, v, k, a in g.edges(keys=True, data=True))
        if not pairs:
            return listed
        return chain(listed, ((u, v, rel, rel, a) for u, v, rel, a in self.pairs.edges()))

    def edge(self, start: str, end: str, key: str) -> Props | None:
        """The properties of the edge ``key`` from ``start`` to ``end`` as stored (a
        symmetric kind from the smaller id), or None."""
        if key in S.COLUMNAR_TYPES:
            return self.pairs.get(key, start, end)
        keydict = self.g._succ.get(start, {}).get(end)  # noqa: SLF001
        return keydict.get(key) if keydict is not None else None

    def has_edge(self, start: str, end: str, key: str) -> bool:
        """Whether the edge ``key`` from ``start`` to ``end`` (as stored) exists."""
        return self.edge(start, end, key) is not None

    def edges_at(self, nid: str) -> Iterator[tuple[str, str, str, str, Props]]:
        """``(start, end, edge key, type, properties)`` of every edge at ``nid``, out and
        in (a loop once)."""
        g = self.g
        if nid in g:
            for _, v, k, a in g.out_edges(nid, keys=True, data=True):
                yield nid, v, k, a[S.TYPE], a
            for u, _, k, a in g.in_edges(nid, keys=True, data=True):
                if u != nid:
                    yield u, nid, k, a[S.TYPE], a
        for u, v, rel, a in self.pairs.at(nid):
            yield u, v, rel, rel, a

    def neighbours(self, nid: str) -> set[str]:
        """The nodes an edge of any type joins to ``nid``, either way (``nid`` itself when
        an edge loops)."""
        g = self.g
        found = set(g._succ[nid]) | set(g._pred[nid]) if nid in g else set()  # noqa: SLF001
        return found | self.pairs.neighbours(nid)

    def degree(self, nid: str) -> int:
        """How many edges have ``nid`` at an end (a loop in ``g`` counts twice, as in
        networkx)."""
        return self.g.degree(nid) + self.pairs.degree(nid)

    def subgraph(self, nids: Iterable[str]) -> nx.MultiDiGraph:
        """A plain networkx MultiDiGraph of the nodes ``nids`` (in the graph's node order,
        with their properties) and every edge between them, free to modify."""
        chosen = set(nids)
        g = self.g
        sub = nx.MultiDiGraph()
        order = [n for n in g if n in chosen]
        sub.add_nodes_from((n, g._node[n]) for n in order)  # noqa: SLF001
        succ = g._succ  # noqa: SLF001
        sub.add_edges_from((u, v, k, a) for u in order for v, keys in succ[u].items()
                           if v in chosen for k, a in keys.items())
        sub.add_edges_from((u, v, rel, a) for n in order for u, v, rel, a in self.pairs.at(n)
                           if u == n and v in chosen)
        return sub

    def undirected(self) -> nx.Graph:
        """Every node (with its properties) and one undirected edge per joined pair:
        what "near" and "central" mean for paths and views."""
        graph = nx.Graph(self.g)
        graph.add_edges_from((u, v) for u, v, _ in self.pairs.ends())
        return graph

    def number_of_nodes(self) -> int:
        return self.g.number_of_nodes()

    def number_of_edges(self) -> int:
        """Every edge, the columnar ones included."""
        return self.g.number_of_edges() + len(self.pairs)

    @property
    def papers(self) -> list[Props]:
        """Every paper node's properties, in insertion order."""
        return [attrs for _, attrs in self.nodes(S.PAPER)]

    def stats(self) -> dict[str, dict[str, int]]:
        """Node counts per label and edge counts per type (every schema kind, zeros too)."""
        labels = Counter(attrs[S.LABEL] for _, attrs in self.g.nodes(data=True))
        types = Counter(rel for _, _, _, rel, _ in self.keyed_edges(pairs=False))
        types.update(self.pairs.counts())
        return {
            "nodes": {label: labels.get(label, 0) for label in S.LABELS},
            "edges": {rel: types.get(rel, 0) for rel in S.REL_TYPES},
        }

    def copy(self) -> KnowledgeGraph:
        """An independent copy of the nodes and edges (the embeddings shared: they are
        never changed in place)."""
        import copy

        out = KnowledgeGraph(self.g.copy())
        out.pairs = copy.deepcopy(self.pairs)
        out._ids = {nid: nid for nid in out.g}
        out.embeddings = self.embeddings
        return out

    def to_networkx(self) -> nx.MultiDiGraph:
        """A copy of the graph as a plain networkx MultiDiGraph (dict attributes), free
        to modify."""
        g = self.g
        plain = g.to_plain() if isinstance(g, CompactMultiDiGraph) else g.copy()
        plain.add_edges_from((u, v, rel, a) for u, v, rel, a in self.pairs.edges())
        return plain

    def append(
        self,
        paths: Iterable[str | Path] | str | Path,
        *,
        format: str | None = None,
        options: BuildOptions | None = None,
        report: LoadReport | None = None,
        progress: Progress | None = None,
        in_place: bool = False,
    ) -> KnowledgeGraph:
        """A new graph: this one extended with the papers under ``paths`` (this one is
        left as it is). The same as a build of this graph's papers and the new ones, at
        the cost of the new ones: only new records are matched against the papers, only
        new or changed papers (and old ones naming what the new ones introduce) are
        extracted and embedded, and similarity lists are updated rather than searched
        again; see :func:`citegraph.build` for the arguments.

        ``in_place=True`` changes this graph into the extended one and returns it: the
        derived edges the new papers leave alone stay where they are rather than being
        copied into a second graph. Saved back to the directory it was loaded from, only
        the edges the append changed are written."""
        import citegraph

        return citegraph.build(paths, format=format, options=options, base=self,
                               report=report, progress=progress, in_place=in_place)

    # --- persistence ----------------------------------------------------------------
    def save(self, directory: str | Path, *, force: bool = False) -> Path:
        """Write the graph to a directory in the versioned citegraph format.

        The previous graph there stays readable until the new one is complete. A non-empty
        directory that is not a citegraph graph is refused unless ``force``.
        """
        from citegraph.graph.stores.files import save_graph

        return save_graph(self, Path(directory), force=force)

    @classmethod
    def load(cls, directory: str | Path) -> KnowledgeGraph:
        """Read a graph written by :meth:`save`."""
        from citegraph.graph.stores.files import load_graph

        return load_graph(Path(directory))

    @classmethod
    def from_records(cls, nodes: Iterable[Props], edges: Iterable[Props]) -> KnowledgeGraph:
        """A graph from node and edge records, each checked against the schema (the path
        every store reader takes); the first problem raises :class:`GraphError` naming the
        record. Record fields: :func:`citegraph.graph.bulk.from_records`."""
        from citegraph.graph.bulk import from_records

        return from_records(nodes, edges)

    # --- querying and Neo4j -----------------------------------------------------------
    @property
    def query(self) -> Queries:
        """The named query helpers over this graph in memory (``kg.query.<helper>(...)``).

        The same :class:`~citegraph.queries.Queries` type answers over Neo4j, from
        ``citegraph.queries.connect(...)``.
        """
        if self._query is None:
            from citegraph.queries import EmbeddedBackend, Queries

            self._query = Queries(EmbeddedBackend(self))
        return self._query

    def to_neo4j(
        self,
        uri: str | None = None,
        auth: tuple[str, str] | None = None,
        database: str | None = None,
        **options: Any,
    ) -> dict[str, int]:
        """Write the graph into Neo4j with batched, idempotent MERGEs; returns what was new.

        Paper embeddings go onto the Paper nodes, with a cosine vector index over them.

        Settings default from NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD, NEO4J_DATABASE.
        """
        from citegraph.graph.stores.neo4j_store import write_graph

        return write_graph(self, uri, auth, database, **options)

    def to_neo4j_import(self, database: str | None = None, *, manage_server: bool = False,
                        **options: Any) -> dict[str, int]:
        """Replace a Neo4j database with this graph through ``neo4j-admin database import``:
        a first load, much faster than :meth:`to_neo4j`, into a **stopped** server (with
        ``manage_server`` the project's ``scripts/neo4j`` stops and restarts it). Returns
        the node and relationship counts imported."""
        from citegraph.graph.stores.neo4j_import import bulk_import

        return bulk_import(self, database, manage_server=manage_server, **options)

    # --- viewing --------------------------------------------------------------------
    def view(
        self,
        focus: str | None = None,
        depth: int = 1,
        nodes: Iterable[Any] | None = None,
        expand: int = 0,
        max_nodes: int | None = None,
        title: str | None = None,
    ) -> GraphView:
        """An interactive offline HTML view; shows inline in Jupyter, ``.save(path)`` writes it.

        No arguments: the overview. ``focus``: a paper title, entity name/alias or node id,
        with everything ``depth`` hops around it. ``nodes``: node ids or a query helper's
        rows, with the edges between them (and ``expand`` hops of context).
        """
        from citegraph.viz import view

        return view(self, focus=focus, depth=depth, nodes=nodes, expand=expand,
                    max_nodes=max_nodes, title=title)

    # --- linked data and exchange formats -------------------------------------------
    def to_rdf(self, path: str | Path, format: str | None = None, *,
               base: str | None = None) -> Path:
        """Write the graph as RDF: ``ttl``, ``nt`` or ``jsonld`` (default: by suffix).

        ``base`` is the IRI prefix of nodes and edges. Embeddings are not written.
        """
        from citegraph.graph.stores.rdf import write_rdf
        from citegraph.graph.stores.rdf_vocab import DEFAULT_BASE

        return write_rdf(self, path, format, base or DEFAULT_BASE)

    def to_rdflib(self, base: str | None = None) -> RdfGraph:
        """A new rdflib Graph of the whole graph (see :mod:`citegraph.graph.stores.rdf`)."""
        from citegraph.graph.stores.rdf import to_rdflib
        from citegraph.graph.stores.rdf_vocab import DEFAULT_BASE

        return to_rdflib(self, base or DEFAULT_BASE)

    @classmethod
    def from_rdf(cls, source: str | Path | RdfGraph, format: str | None = None) -> KnowledgeGraph:
        """Read a graph written by :meth:`to_rdf` (a file, or an rdflib Graph)."""
        from citegraph.graph.stores.rdf import read_rdf

        return read_rdf(source, format)

    def sparql(self, query: str, **params: Any) -> list[dict[str, Any]] | bool:
        """Run SPARQL over the RDF view; ``params`` bind ``?name`` variables to values.

        The view is built on the first query and rebuilt after :meth:`add_node` or
        :meth:`add_edge`; call :meth:`refresh_rdf` after changing ``self.g`` directly.
        """
        from citegraph.graph.stores.sparql import run_sparql

        if self._rdf is None:
            self._rdf = self.to_rdflib()
        return run_sparql(self._rdf, query, **params)

    def refresh_rdf(self) -> None:
        """Forget the cached SPARQL view and lookup indexes (needed only after editing
        ``self.g`` directly)."""
        self._rdf = None
        self._derived.clear()

    def to_graphml(self, path: str | Path) -> Path:
        """Write GraphML for Gephi, Cytoscape and networkx (lists JSON-encoded)."""
        from citegraph.graph.stores.exchange import write_graphml

        return write_graphml(self, Path(path))

    def to_gexf(self, path: str | Path) -> Path:
        """Write GEXF 1.2 for Gephi (lists JSON-encoded)."""
        from citegraph.graph.stores.exchange import write_gexf

        return write_gexf(self, Path(path))

    def to_csv(self, directory: str | Path) -> Path:
        """Write ``neo4j-admin database import`` CSV files into a directory."""
        from citegraph.graph.stores.exchange import write_csv

        return write_csv(self, Path(directory))

    def export(self, path: str | Path, format: str | None = None, *,
               base: str | None = None, network: str = "co-citation",
               top: int | None = None) -> Path:
        """Write the graph in any export format (``ttl nt jsonld graphml gexf csv``), or one
        bibliometric network for mapping tools (``vosviewer pajek``)."""
        from citegraph.graph.stores.exchange import export_graph

        return export_graph(self, Path(path), format, base, network, top)

    # --- comparison -------------------------------------------------------------------
    def _signature(self) -> tuple[dict[str, Props], dict[tuple[str, str, str], Props]]:
        nodes = {nid: dict(attrs) for nid, attrs in self.g.nodes(data=True)}
        edges = {(u, v, k): dict(attrs) for u, v, k, _, attrs in self.keyed_edges()}
        return nodes, edges

    def equals(self, other: KnowledgeGraph, *, embeddings: bool = False) -> bool:
        """Same nodes, edges and properties; with ``embeddings=True`` also the same paper
        vectors. ``==`` leaves vectors out: RDF and Neo4j round trips need not carry them."""
        same = self._signature() == other._signature()
        return same and (not embeddings or self.embeddings == other.embeddings)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, KnowledgeGraph):
            return NotImplemented
        return self.equals(other)

    def resolve(self, ref: str, kind: str = "node", *, ambiguous: str = "error") -> list[str]:
        """Node ids ``ref`` names (a node id, key, name, alias or title in any spelling the
        build folds together); ``kind`` is ``node``, ``entity``, ``paper``, ``author`` or
        ``keyword``. Rules and tie-breaks: :mod:`citegraph.queries.resolve`."""
        from citegraph.queries.resolve import resolve

        return resolve(self, ref, kind, ambiguous=ambiguous)  # type: ignore[arg-type]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return (
            f"<KnowledgeGraph {self.number_of_nodes()} nodes, "
            f"{self.number_of_edges()} edges>"
        )
