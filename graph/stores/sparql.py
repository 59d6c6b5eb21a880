"""SPARQL over the RDF view of a graph, with plain Python rows out.

The view is the rdflib graph of :func:`citegraph.graph.stores.rdf.to_rdflib`; the
KnowledgeGraph builds it on the first query and keeps it until the graph changes. Query
parameters are bound as values (never pasted into the text), so a hostile key is just a
key. The vocabulary's prefixes are predeclared: queries may use ``cg:``, ``cito:``,
``dcterms:``, ``skos:`` ... without ``PREFIX`` lines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from citegraph.errors import SparqlError  # noqa: F401  (old import path)
from citegraph.graph.stores import rdf_vocab as V

if TYPE_CHECKING:
    from rdflib import Graph

Row = dict[str, Any]


def _term(value: Any):
    from rdflib.term import Identifier, Literal

    return value if isinstance(value, Identifier) else Literal(value)


def _python(term: Any) -> Any:
    """A result term as a Python value: IRIs and blank nodes as str, literals typed."""
    from rdflib.term import Literal

    from citegraph.graph.stores.rdf import _decode_scalar

    if term is None:
        return None
    if isinstance(term, Literal):
        return _decode_scalar(term)
    return str(term)


def _bind_in_patterns(prepared: Any, bindings: dict[str, Any]) -> None:
    """Put the bound values into the query's triple patterns and order each pattern's
    triples again. rdflib orders them when it parses the query, before any binding is
    known, so a pattern that one bound value makes selective would otherwise start from
    its least selective triples (every node of a type, joined with every other). The
    bindings are still passed to the query, so projections and filters read them."""
    from rdflib.plugins.sparql.algebra import reorderTriples, traverse
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import Variable

    values = {Variable(name): value for name, value in bindings.items()}

    def visit(node: Any) -> None:
        if isinstance(node, CompValue) and node.name == "BGP" and values:
            node["triples"] = reorderTriples(
                [tuple(values.get(term, term) for term in triple) for triple in node.triples])

    traverse(prepared.algebra, visitPost=visit)


def run_sparql(graph: Graph, query: str, **params: Any) -> list[Row] | bool:
    """Rows of a SELECT as ``{variable: value}``, a boolean for ASK.

    ``params`` bind query variables of the same name (``entity="dpo"`` binds ``?entity``)
    to literals, or to the rdflib term given.
    """
    from rdflib.plugins.sparql import prepareQuery

    bindings = {k: _term(v) for k, v in params.items()}
    try:
        prepared = prepareQuery(query, initNs=V.PREFIXES)
        _bind_in_patterns(prepared, bindings)
        result = graph.query(prepared, initBindings=bindings)
    except Exception as exc:  # pyparsing and rdflib raise many types
        raise SparqlError(f"SPARQL query failed: {exc}") from None
    if result.type == "ASK":
        return bool(result.askAnswer)
    if result.type != "SELECT":
        raise SparqlError(f"only SELECT and ASK queries are supported, not {result.type}")
    names = [str(v) for v in result.vars or []]
    return [{name: _python(row[name]) for name in names} for row in result]
