"""Example SPARQL queries over the RDF view of a graph (``kg.sparql``), one per question.

Each takes the parameters the corresponding query helper takes (``entity``: an entity
key, name or alias; ``paper``: a paper key or title; ``limit``), resolves names to keys
with the one name resolver (:mod:`citegraph.queries.resolve`) and binds them as values, so they
can be checked against the same helper on the in-memory graph or in Neo4j. Run one with
:func:`run_example`, or copy its text: the ``cg:``, ``cito:``, ``dcterms:``, ``skos:`` ...
prefixes are predeclared by ``kg.sparql``.

An entity is found by its key among every entity label (``skos:Concept``); a key that two
labels share (a Method and a Benchmark both keyed ``dpo``) answers for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from citegraph.errors import BadArgument
from citegraph.queries.resolve import KINDS, ambiguity, choose, kg_candidates

if TYPE_CHECKING:
    from citegraph.graph.model import KnowledgeGraph


@dataclass(frozen=True)
class SparqlExample:
    """A named query, what it answers, and the variables it expects bound."""

    name: str
    doc: str
    params: tuple[str, ...]
    query: str


EXAMPLES: dict[str, SparqlExample] = {
    e.name: e
    for e in (
        SparqlExample(
            "papers_mentioning",
            "Papers that mention an entity, with how often (cg:Mention edge nodes).",
            ("entity",),
            """
            SELECT ?paper ?title ?count WHERE {
              ?e a skos:Concept ; dcterms:identifier ?entity .
              ?m a cg:Mention ; cg:start ?p ; cg:end ?e .
              ?p dcterms:identifier ?paper .
              OPTIONAL { ?p dcterms:title ?title }
              OPTIONAL { ?m cg:count ?count }
            } ORDER BY ?paper
            """,
        ),
        SparqlExample(
            "introducing_papers",
            "The paper(s) that introduce an entity (the direct cg:introduces triple).",
            ("entity",),
            """
            SELECT DISTINCT ?paper ?title WHERE {
              ?e a skos:Concept ; dcterms:identifier ?entity .
              ?p cg:introduces ?e ; dcterms:identifier ?paper .
              OPTIONAL { ?p dcterms:title ?title }
            } ORDER BY ?paper
            """,
        ),
        SparqlExample(
            "co_mentioned",
            "Entities co-mentioned with an entity, strongest first. CO_MENTIONED is "
            "symmetric and stored once, so the entity may be either end.",
            ("entity",),
            """
            SELECT ?other ?name ?strength ?count WHERE {
              ?e a skos:Concept ; dcterms:identifier ?entity .
              ?c a cg:CoMention ; cg:start|cg:end ?e ; cg:start|cg:end ?o .
              FILTER (?o != ?e)
              ?o dcterms:identifier ?other .
              OPTIONAL { ?o skos:prefLabel ?name }
              OPTIONAL { ?c cg:strength ?strength }
              OPTIONAL { ?c cg:count ?count }
            } ORDER BY DESC(?strength) ?other
            """,
        ),
        SparqlExample(
            "citing_papers",
            "Papers citing a paper, explicit or inferred (one row per citation edge).",
            ("paper",),
            """
            SELECT ?citing ?inferred ?via WHERE {
              ?cited a schema:ScholarlyArticle ; dcterms:identifier ?paper .
              ?c a cito:Citation ; cito:hasCitedEntity ?cited ; cito:hasCitingEntity ?p .
              ?p dcterms:identifier ?citing .
              OPTIONAL { ?c cg:inferred ?inferred }
              OPTIONAL { ?c cg:via ?via }
            } ORDER BY ?citing ?inferred
            """,
        ),
        SparqlExample(
            "most_mentioned",
            "Entities (key and label) by the number of distinct papers mentioning them.",
            ("limit",),
            """
            SELECT ?entity ?label (COUNT(DISTINCT ?p) AS ?papers) WHERE {
              ?p cg:mentions ?e .
              ?e dcterms:identifier ?entity ; a ?class .
              FILTER (STRSTARTS(STR(?class), STR(cg:)))
              BIND (STRAFTER(STR(?class), STR(cg:)) AS ?label)
            } GROUP BY ?e ?entity ?label ORDER BY DESC(?papers) ?entity ?label
            """,
        ),
        SparqlExample(
            "counts",
            "How many papers, authors, entities and citation edges the graph holds.",
            (),
            """
            SELECT ?papers ?authors ?entities ?citations WHERE {
              { SELECT (COUNT(?p) AS ?papers) WHERE { ?p a schema:ScholarlyArticle } }
              { SELECT (COUNT(?a) AS ?authors) WHERE { ?a a foaf:Person } }
              { SELECT (COUNT(?e) AS ?entities) WHERE { ?e a skos:Concept } }
              { SELECT (COUNT(?c) AS ?citations) WHERE { ?c a cito:Citation } }
            }
            """,
        ),
    )
}


def _key(kg: KnowledgeGraph, ref: str, kind: str) -> str:
    """The key ``ref`` resolves to (an entity key that several labels share is one key);
    an unknown name stays as given and simply matches nothing."""
    found = choose(ref, kg_candidates(kg, KINDS[kind]), ambiguous="all", what=kind)
    keys = {c.key for c in found}
    if len(keys) > 1:
        raise ambiguity(ref, found, kind)
    return keys.pop() if keys else ref


def run_example(kg: KnowledgeGraph, name: str, **params: Any) -> list[dict[str, Any]]:
    """Rows of one example query; ``limit`` (when the example takes it) cuts the rows."""
    example = EXAMPLES.get(name)
    if example is None:
        raise BadArgument(f"no SPARQL example {name!r} (known: {', '.join(sorted(EXAMPLES))})")
    missing = [p for p in example.params if p != "limit" and p not in params]
    if missing:
        raise BadArgument(f"{name} needs {', '.join(missing)}")
    limit = params.pop("limit", None)
    for param, kind in (("entity", "entity"), ("paper", "paper")):
        if isinstance(params.get(param), str):
            params[param] = _key(kg, params[param], kind)
    rows = kg.sparql(example.query, **params)
    assert isinstance(rows, list)
    return rows[:limit] if limit is not None else rows
