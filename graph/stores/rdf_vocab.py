"""How the graph's labels, relationship types and properties are spelled in RDF.

One table, read by the writer and by the reader, so export and import cannot drift apart.
Standard vocabularies are used where a term means the same thing (FaBiO, schema.org,
DCTERMS, PRISM, BIBO, CiTO, FOAF, SKOS); everything else is a term of the small
``citegraph:`` vocabulary (prefix ``cg:``, documented in the README). Labels and types
added to :mod:`citegraph.graph.schema` later get ``cg:`` terms derived from their names,
so they export and round-trip without a change here.

Only ``rdflib.term``/``rdflib.namespace`` are imported: both are light, and this module
loads only when an RDF export or SPARQL query runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote

from rdflib.namespace import DCTERMS, FOAF, RDF, SKOS, XSD, Namespace
from rdflib.term import URIRef

from citegraph.graph import schema as S

CG = Namespace("https://w3id.org/citegraph/vocab#")
DEFAULT_BASE = "https://w3id.org/citegraph/id/"

FABIO = Namespace("http://purl.org/spar/fabio/")
CITO = Namespace("http://purl.org/spar/cito/")
PRISM = Namespace("http://prismstandard.org/namespaces/basic/2.0/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
SCHEMA = Namespace("https://schema.org/")

PREFIXES: dict[str, str] = {
    "cg": str(CG), "fabio": str(FABIO), "cito": str(CITO), "prism": str(PRISM),
    "bibo": str(BIBO), "schema": str(SCHEMA), "dcterms": str(DCTERMS), "foaf": str(FOAF),
    "skos": str(SKOS), "rdf": str(RDF), "xsd": str(XSD),
}

# Characters kept as they are in IRI path segments; everything else is percent-encoded
# (UTF-8), so any key - slashes, spaces, quotes, angle brackets, unicode - gives a valid,
# stable IRI and two different keys never give the same one.
_SAFE = "-._~:"

# --- structural terms of edge nodes (never property names: those are snake_case) -------
START = CG.start
END = CG.end
DISCRIMINATOR = CG.discriminator
EDGE_KEY = CG.edgeKey  # only for an edge key that is neither TYPE nor TYPE|discriminator

#: Property names an edge cannot carry because its RDF node uses them for structure.
RESERVED_EDGE_PROPERTIES = frozenset({"start", "end", "discriminator", "edgeKey"})


def _camel(name: str, upper: bool) -> str:
    words = name.lower().split("_")
    text = words[0] + "".join(w.capitalize() for w in words[1:])
    return text[:1].upper() + text[1:] if upper else text


@dataclass(frozen=True)
class NodeTerms:
    """The classes of a node label: ``classes[0]`` identifies the label when reading."""

    classes: tuple[URIRef, ...]
    #: property name -> predicate, where it is not ``cg:<property name>``
    predicates: dict[str, URIRef] = field(default_factory=dict)


@dataclass(frozen=True)
class RelTerms:
    """How one relationship type is written.

    ``predicate`` is the direct triple, a shortcut for queries (from the edge's start to
    its end, or end to start when ``reverse``). ``cls`` types the edge node (the n-ary
    pattern) that carries the edge's identity and properties; the reader reads only that.
    """

    predicate: URIRef
    cls: URIRef
    reverse: bool = False
    start: URIRef = START
    end: URIRef = END


_ENTITY_PREDICATES = {S.NAME: SKOS.prefLabel}

_NODE_TERMS: dict[str, NodeTerms] = {
    S.PAPER: NodeTerms(
        (SCHEMA.ScholarlyArticle, FABIO.ResearchPaper),
        {
            S.TITLE: DCTERMS.title, S.ABSTRACT: DCTERMS.abstract, S.DATE: DCTERMS.date,
            S.AUTHORS: BIBO.authorList, S.YEAR: FABIO.hasPublicationYear,
            S.VENUE: PRISM.publicationName, S.DOI: PRISM.doi,
        },
    ),
    S.AUTHOR: NodeTerms((FOAF.Person, SCHEMA.Person), {S.NAME: FOAF.name}),
}

_REL_TERMS: dict[str, RelTerms] = {
    S.MENTIONS: RelTerms(CG.mentions, CG.Mention),
    S.INTRODUCES: RelTerms(CG.introduces, CG.Introduction),
    S.SIMILAR_TO: RelTerms(CG.similarTo, CG.Similarity),
    S.CO_MENTIONED: RelTerms(CG.coMentionedWith, CG.CoMention),
    S.CITES: RelTerms(CITO.cites, CITO.Citation, start=CITO.hasCitingEntity,
                      end=CITO.hasCitedEntity),
    S.AUTHORED: RelTerms(DCTERMS.creator, CG.Authorship, reverse=True),
    S.VARIANT_OF: RelTerms(CG.variantOf, CG.Variation),
    S.EVALUATED_ON: RelTerms(CG.evaluatedOn, CG.Evaluation),
}

#: Every predicate a node's key is written with (all labels).
KEY_PREDICATE = DCTERMS.identifier
#: The entity aliases are also written one ``skos:altLabel`` each, for SKOS tools; the
#: ordered list under ``cg:aliases`` is the value the reader takes.
ALIAS_MEMBER_PREDICATE = SKOS.altLabel


def node_terms(label: str) -> NodeTerms:
    """Classes and predicates of a label (``cg:<Label>`` for labels without a mapping)."""
    terms = _NODE_TERMS.get(label)
    if terms is not None:
        return terms
    if S.EntityType.of_label(label) is not None:
        return NodeTerms((CG[label], SKOS.Concept), _ENTITY_PREDICATES)
    return NodeTerms((CG[label],))


@lru_cache(maxsize=4096)
def node_predicate(label: str, prop: str) -> URIRef:
    """The predicate a node property is written with."""
    if prop == S.KEY:
        return KEY_PREDICATE
    return node_terms(label).predicates.get(prop) or property_predicate(prop)


@lru_cache(maxsize=4096)
def property_predicate(prop: str) -> URIRef:
    """``cg:<property name>``: the schema's own name, so every property maps back."""
    return CG[quote(prop, safe="_")]


def rel_terms(rel_type: str) -> RelTerms:
    """How a relationship type is written (``cg:`` terms derived from unmapped names)."""
    terms = _REL_TERMS.get(rel_type)
    if terms is not None:
        return terms
    return RelTerms(CG[_camel(rel_type, upper=False)],
                    CG[_camel(rel_type, upper=True) + "Relation"])


def node_iri(base: str, label: str, key: str) -> URIRef:
    """``<base><label>/<percent-encoded key>``, e.g. ``…/id/paper/arxiv:2401.00001``."""
    return URIRef(f"{base}{label.lower()}/{quote(key, safe=_SAFE)}")


def edge_iri(base: str, start: str, end: str, key: str) -> URIRef:
    """``<base>rel/<edge key>/<start node id>/<end node id>``, each segment encoded."""
    parts = "/".join(quote(x, safe=_SAFE) for x in (key, start, end))
    return URIRef(f"{base}rel/{parts}")


def label_by_class() -> dict[URIRef, str]:
    """Reader's map from a node's identifying class to its label (every schema label)."""
    return {node_terms(kind.label).classes[0]: kind.label for kind in S.NODE_KINDS}


def type_by_class() -> dict[URIRef, str]:
    """Reader's map from an edge node's class to its relationship type."""
    return {rel_terms(kind.type).cls: kind.type for kind in S.REL_KINDS}


def node_properties_by_predicate(label: str) -> dict[URIRef, str]:
    """Reader's map from predicate to property name for one label's nodes."""
    kind = S.NODE_KIND_BY_LABEL.get(label)
    names = {S.KEY, *(kind.properties if kind else ()), *node_terms(label).predicates}
    return {node_predicate(label, name): name for name in names}


# --- the cg: vocabulary described in RDFS ----------------------------------------------
_CLASS_COMMENTS = {
    S.MENTIONS: "A paper mentions an entity (cg:count, cg:evidence, cg:source).",
    S.INTRODUCES: "A paper introduces an entity as new (cg:evidence).",
    S.SIMILAR_TO: "Two papers are similar by embedding (cg:score); symmetric.",
    S.CO_MENTIONED: "Two entities are named in the same papers (cg:count, cg:strength, "
                    "cg:evidence); symmetric.",
    S.AUTHORED: "An author wrote a paper (cg:position, 1-based).",
    S.VARIANT_OF: "A model is a variant of a model family (cg:evidence).",
    S.EVALUATED_ON: "A model is evaluated on a benchmark (cg:evidence, cg:count).",
    S.HAS_KEYWORD: "A paper carries a keyword (cg:source: author or index).",
    S.CO_CITED: "Two papers are cited together by the same papers (cg:count, cg:strength "
                "as Salton's cosine, cg:evidence the citing papers); symmetric.",
    S.COUPLED: "Two papers share references (cg:count, cg:strength as Salton's cosine, "
               "cg:evidence the shared references); symmetric.",
    S.CO_AUTHORED: "Two authors wrote papers together (cg:count, cg:evidence); symmetric.",
    S.CO_OCCURS: "Two keywords are given to the same papers (cg:count, cg:strength as "
                 "Salton's cosine, cg:evidence); symmetric.",
}
_STRUCTURE_COMMENTS = {
    START: "The start node of an edge node.",
    END: "The end node of an edge node.",
    DISCRIMINATOR: "Tells apart edges of one type between the same two nodes.",
    EDGE_KEY: "The citegraph edge key, when it is neither TYPE nor TYPE|discriminator.",
}


def vocabulary_triples() -> list[tuple[URIRef, URIRef, object]]:
    """Every ``cg:`` term the exports use, declared with ``rdfs:label``/``rdfs:comment``
    (classes of labels, edge-node classes, direct predicates, structural and property
    predicates), derived from the schema so that new kinds are declared too."""
    from rdflib.namespace import OWL, RDFS
    from rdflib.term import Literal

    out: list[tuple[URIRef, URIRef, object]] = []

    def declare(term: URIRef, kind: URIRef, comment: str) -> None:
        if str(term).startswith(str(CG)) and (term, RDF.type, kind) not in out:
            out.append((term, RDF.type, kind))
            out.append((term, RDFS.label, Literal(str(term)[len(str(CG)):])))
            out.append((term, RDFS.comment, Literal(comment)))

    for kind in S.NODE_KINDS:
        declare(node_terms(kind.label).classes[0], RDFS.Class, f"A {kind.label} node.")
        for prop in kind.properties:
            declare(node_predicate(kind.label, prop), RDF.Property,
                    f"The {prop!r} property of citegraph nodes.")
    for kind in S.REL_KINDS:
        terms = rel_terms(kind.type)
        comment = _CLASS_COMMENTS.get(kind.type, f"A {kind.type} relationship.")
        declare(terms.cls, RDFS.Class, "Edge node: " + comment)
        declare(terms.predicate, OWL.SymmetricProperty if kind.symmetric else RDF.Property,
                f"Direct {kind.type} triple: " + comment)
        for prop in kind.properties:
            declare(property_predicate(prop), RDF.Property,
                    f"The {prop!r} property of citegraph relationships.")
    for term, comment in _STRUCTURE_COMMENTS.items():
        declare(term, RDF.Property, comment)
    declare(CG.aliases, RDF.Property, "Entity aliases in order (an RDF list); each is also "
            "a skos:altLabel.")
    return out
