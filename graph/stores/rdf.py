"""The graph as RDF: Turtle, N-Triples and JSON-LD out, and back in to an equal graph.

Every node is a resource ``<base><label>/<key>`` typed with its classes and described with
the predicates of :mod:`citegraph.graph.stores.rdf_vocab`. Every edge is written twice:

- a direct triple (``paper cito:cites paper``, ``paper cg:mentions entity``, ...) so
  queries can follow relationships in one step, and
- an edge node (the W3C n-ary relation pattern, no RDF-star) typed ``cg:Mention``,
  ``cito:Citation``, ``cg:Similarity``, ... with its start, end, discriminator and every
  property of the edge (``cg:score``, ``cg:count``, ``cg:evidence``, ...).

The reader takes the graph from the typed nodes and edge nodes only; direct triples and
the other extras (``skos:altLabel`` per alias, ``cito:usesMethodIn``) are for consumers.

Values: strings are plain literals, ints ``xsd:integer``, floats ``xsd:double``, booleans
``xsd:boolean``, lists RDF collections (ordered, duplicates kept), so every property comes
back with its type. ``date`` is ``xsd:date`` and ``year`` ``xsd:gYear`` when well formed.
Embeddings are not part of RDF: a graph read back has ``embeddings = None``.

N-Triples are streamed line by line from a generator of triples, never holding an rdflib
graph, so memory stays flat however large the graph is.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from numbers import Integral, Real
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import unquote

from rdflib.namespace import RDF, XSD
from rdflib.term import BNode, Literal, Node, URIRef

from citegraph.atomic import atomic_path
from citegraph.errors import RdfError  # noqa: F401  (old import path)
from citegraph.graph import schema as S
from citegraph.graph.bulk import GraphLoader
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.stores import rdf_vocab as V

if TYPE_CHECKING:
    from rdflib import Graph

Triple = tuple[Node, Node, Node]

#: Export format names and the rdflib parser/serializer names they stand for.
RDF_FORMATS: dict[str, str] = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
SUFFIXES: dict[str, str] = {".ttl": "ttl", ".nt": "nt", ".jsonld": "jsonld", ".json": "jsonld"}

_DATE_TYPES = {
    re.compile(r"\d{4}-\d{2}-\d{2}"): XSD.date,
    re.compile(r"\d{4}-\d{2}"): XSD.gYearMonth,
    re.compile(r"\d{4}"): XSD.gYear,
}
_INT_TYPES = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.nonNegativeInteger,
              XSD.positiveInteger}
_FLOAT_TYPES = {XSD.double, XSD.float, XSD.decimal}


# --- values -------------------------------------------------------------------------
_TYPE, _FIRST, _REST, _NIL = RDF.type, RDF.first, RDF.rest, RDF.nil


def _scalar(value: Any) -> Literal:
    if type(value) in (str, bool, int, float):
        return Literal(value)
    if isinstance(value, bool | str):
        return Literal(value)
    if isinstance(value, Integral):
        return Literal(int(value))
    if isinstance(value, Real):
        return Literal(float(value))
    if callable(getattr(value, "item", None)):  # a numpy scalar, e.g. a float32 score
        return _scalar(value.item())
    raise RdfError(f"cannot write a {type(value).__name__} property value as RDF: {value!r}")


def _special(prop: str, value: Any) -> Literal | None:
    """``date`` as an XSD date type and ``year`` as ``xsd:gYear``, when well formed."""
    if prop == S.DATE and isinstance(value, str):
        for pattern, datatype in _DATE_TYPES.items():
            if pattern.fullmatch(value):
                lit = Literal(value, datatype=datatype)
                return lit if str(lit) == value and lit.value is not None else None
    if prop == S.YEAR and isinstance(value, int) and not isinstance(value, bool) \
            and 1000 <= value <= 9999:
        return Literal(str(value), datatype=XSD.gYear)
    return None


def _decode_special(prop: str, lit: Literal) -> Any:
    if prop == S.DATE and lit.datatype in _DATE_TYPES.values():
        return str(lit)
    if prop == S.YEAR and lit.datatype == XSD.gYear:
        return int(str(lit))
    return _decode_scalar(lit)


def _decode_scalar(lit: Literal) -> Any:
    dt = lit.datatype
    text = str(lit)
    if dt is None or dt == XSD.string:
        return text
    if dt == XSD.boolean:
        return text.strip() in ("true", "1")
    if dt in _INT_TYPES:
        return int(text)
    if dt in _FLOAT_TYPES:
        return float(text)
    return text


class _TripleWriter:
    """Turns graph elements into triples; numbers blank nodes of lists per document."""

    def __init__(self, kg: KnowledgeGraph, base: str) -> None:
        self.kg = kg
        self.base = base
        self._bnodes = 0

    def value(self, prop: str, value: Any, out: list[Triple]) -> Node:
        """The object term of a property value; list cells are appended to ``out``."""
        if isinstance(value, list | tuple):
            head: Node = _NIL
            cells = [BNode(self._next()) for _ in value]
            for i, (cell, item) in enumerate(zip(cells, value, strict=True)):
                out.append((cell, _FIRST, self.value(prop, item, out)))
                out.append((cell, _REST, cells[i + 1] if i + 1 < len(cells) else _NIL))
            if cells:
                head = cells[0]
            return head
        return _special(prop, value) or _scalar(value)

    def _next(self) -> str:
        self._bnodes += 1
        return f"l{self._bnodes}"

    def node(self, nid: str, attrs: dict[str, Any]) -> list[Triple]:
        label = attrs[S.LABEL]
        subject = V.node_iri(self.base, label, attrs[S.KEY])
        terms = V.node_terms(label)
        out: list[Triple] = [(subject, _TYPE, cls) for cls in terms.classes]
        for prop, value in attrs.items():
            if prop == S.LABEL:
                continue
            out.append((subject, V.node_predicate(label, prop), self.value(prop, value, out)))
            if prop == S.ALIASES and label in S.ENTITY_NODE_LABELS:
                members = value if isinstance(value, list | tuple) else [value]
                out.extend((subject, V.ALIAS_MEMBER_PREDICATE, _scalar(m))
                           for m in dict.fromkeys(members))
        return out

    def iri(self, nid: str) -> URIRef:
        attrs = self.kg.g.nodes[nid]
        return V.node_iri(self.base, attrs[S.LABEL], attrs[S.KEY])

    def edge(self, start: str, end: str, key: str, attrs: dict[str, Any]) -> list[Triple]:
        rel_type = attrs[S.TYPE]
        terms = V.rel_terms(rel_type)
        s, o = self.iri(start), self.iri(end)
        node = V.edge_iri(self.base, start, end, key)
        out: list[Triple] = [(node, _TYPE, terms.cls), (node, terms.start, s),
                             (node, terms.end, o)]
        if self._first_of_type(start, end, key, rel_type):
            out.append((o, terms.predicate, s) if terms.reverse else (s, terms.predicate, o))
        if key != rel_type:
            key_type, disc = S.split_edge_key(key)
            if key_type == rel_type and S.edge_key(rel_type, disc) == key:
                out.append((node, V.DISCRIMINATOR, Literal(disc)))
            else:
                out.append((node, V.EDGE_KEY, Literal(key)))
        for prop, value in attrs.items():
            if prop == S.TYPE:
                continue
            if prop in V.RESERVED_EDGE_PROPERTIES:
                raise RdfError(f"edge property name {prop!r} is reserved in the RDF export")
            out.append((node, V.property_predicate(prop), self.value(prop, value, out)))
        if rel_type == S.CITES and self._uses_method(end, attrs):
            out.append((node, V.CITO.hasCitationCharacterization, V.CITO.usesMethodIn))
            if not any(self._uses_method(end, other) for other in self._earlier(start, end, key)):
                out.append((s, V.CITO.usesMethodIn, o))
        return out

    def _earlier(self, start: str, end: str, key: str) -> Iterator[dict[str, Any]]:
        """The properties of the pair's edges written before this one."""
        keys = self.kg.g._succ.get(start, {}).get(end, {})  # noqa: SLF001 - read only
        if key not in keys:  # a columnar edge: listed after these, and alone of its type
            return
        for other, attrs in keys.items():
            if other == key:
                return
            yield attrs

    def _first_of_type(self, start: str, end: str, key: str, rel_type: str) -> bool:
        """Whether this is the pair's first edge of its type: the direct triple of an
        explicit and an inferred citation between two papers is written once."""
        return not any(a[S.TYPE] == rel_type for a in self._earlier(start, end, key))

    def _uses_method(self, cited: str, attrs: dict[str, Any]) -> bool:
        """Whether a citation is inferred through a method the cited paper introduces:
        then the citing paper uses a method described in the cited one (cito:usesMethodIn)."""
        via = attrs.get(S.VIA)
        if attrs.get(S.TYPE) != S.CITES or not attrs.get(S.INFERRED) or not isinstance(via, str):
            return False
        method = S.node_id(S.METHOD, via)
        data = self.kg.g.get_edge_data(cited, method) if method in self.kg.g else None
        return bool(data) and any(d.get(S.TYPE) == S.INTRODUCES for d in data.values())


def iter_triples(kg: KnowledgeGraph, base: str = V.DEFAULT_BASE) -> Iterator[Triple]:
    """Every triple of the graph, node by node then edge by edge, generated lazily."""
    writer = _TripleWriter(kg, base)
    for nid, attrs in kg.g.nodes(data=True):
        yield from writer.node(nid, attrs)
    for start, end, key, _, attrs in kg.keyed_edges():
        yield from writer.edge(start, end, key, attrs)


# --- N-Triples, streamed ----------------------------------------------------------------
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f\x85\u2028\u2029]')


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{ord(char):04X}"


def nt_term(term: Node) -> str:
    """One term in N-Triples syntax.

    ``.n3()`` for IRIs, blank nodes and typed literals; strings are escaped here because
    ``.n3()`` writes Turtle's triple-quoted form for a string with a newline, which
    N-Triples forbids, and line-separator characters must not break a line either.
    """
    if isinstance(term, Literal) and term.datatype is None and term.language is None:
        return '"' + _NEEDS_ESCAPE.sub(_escape_char, str(term)) + '"'
    return term.n3()


def write_ntriples(kg: KnowledgeGraph, out: IO[str], base: str = V.DEFAULT_BASE) -> int:
    """Write the graph as N-Triples to a text stream; returns the number of triples."""
    count = 0
    known: dict[Node, str] = {}  # predicates and classes: a few dozen, whatever the size
    last_subject: Node | None = None
    subject = ""
    for s, p, o in iter_triples(kg, base):
        if s is not last_subject:  # a node's or edge node's triples come together
            last_subject, subject = s, nt_term(s)
        predicate = known.get(p)
        if predicate is None:
            predicate = known[p] = p.n3()
        if p is _TYPE or o is _NIL:
            obj = known.get(o)
            if obj is None:
                obj = known[o] = o.n3()
        else:
            obj = nt_term(o)
        out.write(f"{subject} {predicate} {obj} .\n")
        count += 1
    return count


# --- rdflib graph, Turtle, JSON-LD ------------------------------------------------------
def to_rdflib(kg: KnowledgeGraph, base: str = V.DEFAULT_BASE) -> Graph:
    """The graph as an rdflib Graph, with the prefixes bound (for Turtle, SPARQL, ...)."""
    from rdflib import Graph

    graph = Graph()
    for prefix, ns in V.PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    for triple in iter_triples(kg, base):
        graph.add(triple)
    return graph


def _check_finite(kg: KnowledgeGraph) -> None:
    """JSON has no NaN or infinity: refuse rather than write a file no parser reads."""
    for _, attrs in kg.g.nodes(data=True):
        _finite(attrs)
    for _, _, _, attrs in kg.edges():
        _finite(attrs)


def _finite(attrs: dict[str, Any]) -> None:
    for name, value in attrs.items():
        for v in value if isinstance(value, list | tuple) else [value]:
            if isinstance(v, float) and not math.isfinite(v):
                raise RdfError(f"property {name!r} is {v}, which JSON-LD cannot hold")


def write_rdf(kg: KnowledgeGraph, path: str | Path, fmt: str | None = None,
              base: str = V.DEFAULT_BASE) -> Path:
    """Write the graph to ``path`` as ``ttl``, ``nt`` or ``jsonld`` (default: by suffix)."""
    path = Path(path)
    fmt = fmt or SUFFIXES.get(path.suffix.lower())
    if fmt not in RDF_FORMATS:
        raise RdfError(f"unknown RDF format {fmt!r}; use one of {', '.join(RDF_FORMATS)}")
    with atomic_path(path) as tmp:
        _write(kg, tmp, fmt, base)
    return path


def _write(kg: KnowledgeGraph, tmp: Path, fmt: str, base: str) -> None:
    if fmt == "nt":
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            write_ntriples(kg, fh, base)
    elif fmt == "ttl":
        from citegraph.graph.stores.rdf_turtle import ExactTurtleSerializer

        with open(tmp, "wb") as fh:
            ExactTurtleSerializer(to_rdflib(kg, base)).serialize(fh, encoding="utf-8")
    else:
        _check_finite(kg)
        graph = to_rdflib(kg, base)
        graph.serialize(tmp, format="json-ld", context=dict(V.PREFIXES), auto_compact=True,
                        encoding="utf-8")


# --- reading ------------------------------------------------------------------------------
def read_rdf(source: str | Path | Graph, fmt: str | None = None) -> KnowledgeGraph:
    """The KnowledgeGraph an RDF file (or rdflib Graph) written by :func:`write_rdf` holds."""
    from rdflib import Graph

    if isinstance(source, Graph):
        graph = source
    else:
        path = Path(source)
        fmt = fmt or SUFFIXES.get(path.suffix.lower())
        if fmt not in RDF_FORMATS:
            raise RdfError(f"{path}: unknown RDF format {fmt!r}")
        graph = Graph()
        try:
            graph.parse(path, format=RDF_FORMATS[fmt])
        except Exception as exc:  # rdflib raises many types for malformed input
            raise RdfError(f"{path}: not readable as {fmt}: {exc}") from None
    return _Reader(graph).read()


class _Reader:
    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.ids: dict[Node, str] = {}

    def read(self) -> KnowledgeGraph:
        loader = GraphLoader(RdfError, nested_lists=True)
        for cls, label in V.label_by_class().items():
            predicates = V.node_properties_by_predicate(label)
            skip = {RDF.type, V.ALIAS_MEMBER_PREDICATE, V.CITO.usesMethodIn,
                    *(V.rel_terms(kind.type).predicate for kind in S.REL_KINDS)}
            for subject in self.graph.subjects(RDF.type, cls, unique=True):
                props = self._properties(subject, predicates, skip)
                key = props.get(S.KEY)
                if not isinstance(key, str) or not key:
                    raise RdfError(f"{subject}: a {label} without a dcterms:identifier key")
                self.ids[subject] = loader.node(label, key, props, where=str(subject))
        for cls, rel_type in V.type_by_class().items():
            terms = V.rel_terms(rel_type)
            skip = {RDF.type, terms.start, terms.end, V.DISCRIMINATOR, V.EDGE_KEY,
                    V.CITO.hasCitationCharacterization}
            for node in self.graph.subjects(RDF.type, cls, unique=True):
                start, end = self._endpoint(node, terms.start), self._endpoint(node, terms.end)
                key = self.graph.value(node, V.EDGE_KEY)
                disc = self.graph.value(node, V.DISCRIMINATOR)
                ekey = str(key) if key is not None else S.edge_key(
                    rel_type, str(disc) if disc is not None else "")
                props = self._properties(node, {}, skip)
                loader.edge(rel_type, start, end, props, key=ekey, where=str(node))
        return loader.kg

    def _endpoint(self, node: Node, predicate: URIRef) -> str:
        target = self.graph.value(node, predicate)
        if target not in self.ids:
            raise RdfError(f"{node}: its {predicate} is not a node of the graph")
        return self.ids[target]

    def _properties(self, subject: Node, predicates: dict[URIRef, str],
                    skip: set[URIRef]) -> dict[str, Any]:
        props: dict[str, Any] = {}
        for p, o in self.graph.predicate_objects(subject):
            if p in skip:
                continue
            name = predicates.get(p)  # type: ignore[call-overload]
            if name is None:
                if not str(p).startswith(str(V.CG)):
                    continue  # a consumer's own triple, not part of the graph
                name = unquote(str(p)[len(str(V.CG)):])
            if name in props:
                raise RdfError(f"{subject}: {p} has more than one value")
            props[name] = self._value(name, o)
        return props

    def _value(self, prop: str, term: Node) -> Any:
        if isinstance(term, Literal):
            return _decode_special(prop, term)
        if term == RDF.nil or isinstance(term, BNode):
            items = []
            while term != RDF.nil:
                first = self.graph.value(term, RDF.first)
                if first is None:
                    raise RdfError(f"{term}: a broken RDF list")
                items.append(self._value(prop, first))
                term = self.graph.value(term, RDF.rest)
                if term is None:
                    raise RdfError("an RDF list without rdf:rest")
            return items
        return str(term)
