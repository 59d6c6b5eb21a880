"""Every node label, relationship type and property name of the citegraph graph.

Nothing else in the code base spells these strings: stores, exports, queries and views
import them from here, and iterate ``NODE_KINDS`` / ``REL_KINDS`` instead of listing kinds
again, so a new kind is one entry below.

Property values are kept to what every store can hold: strings, numbers, booleans and
lists of those (Neo4j has no nested maps), so the same graph round-trips through files,
Neo4j and RDF without translation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

SCHEMA_VERSION = 1

# --- node labels -------------------------------------------------------------------
PAPER = "Paper"
AUTHOR = "Author"
METHOD = "Method"
MODEL = "Model"
BENCHMARK = "Benchmark"
KEYWORD = "Keyword"  # an author keyword or index term, one node per folded spelling


class EntityType(str, Enum):
    """The kinds of entity the extractor finds in text, one node label each.

    A member is its stored string (``entity_type`` property, query rows, Neo4j data and
    saved graphs keep ``"method"``, ``"model"``, ``"benchmark"``), so it compares equal to
    that string and code that reads a saved graph needs no conversion.
    """

    METHOD = "method"
    MODEL = "model"
    BENCHMARK = "benchmark"

    def __str__(self) -> str:
        return self.value

    def __repr__(self) -> str:  # printed as the string it is stored as
        return repr(self.value)

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)

    @property
    def label(self) -> str:
        """The node label of entities of this type."""
        return ENTITY_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> EntityType | None:
        """The type a user names by its value or its label, any case (``model``,
        ``Model``); ``None`` when it names none."""
        wanted = text.strip().casefold()
        return next((kind for kind in cls
                     if wanted in (kind.value, ENTITY_LABELS[kind].casefold())), None)

    @classmethod
    def of_label(cls, label: str) -> EntityType | None:
        """The type of a node label, ``None`` for a label that is not an entity's."""
        return ENTITY_TYPES.get(label)


#: Labels of the entities extracted from text, by entity type (plain strings look up too).
ENTITY_LABELS: dict[EntityType, str] = {EntityType.METHOD: METHOD, EntityType.MODEL: MODEL,
                                        EntityType.BENCHMARK: BENCHMARK}
ENTITY_TYPES: dict[str, EntityType] = {label: kind for kind, label in ENTITY_LABELS.items()}

# --- relationship types ------------------------------------------------------------
MENTIONS = "MENTIONS"  # Paper -> entity
INTRODUCES = "INTRODUCES"  # Paper -> entity it presents as new
SIMILAR_TO = "SIMILAR_TO"  # Paper -> Paper, embedding similarity
CO_MENTIONED = "CO_MENTIONED"  # entity -> entity, named in the same papers
CITES = "CITES"  # Paper -> Paper, explicit or inferred
AUTHORED = "AUTHORED"  # Author -> Paper
VARIANT_OF = "VARIANT_OF"  # Model -> Model family
EVALUATED_ON = "EVALUATED_ON"  # Model -> Benchmark
HAS_KEYWORD = "HAS_KEYWORD"  # Paper -> Keyword
CO_CITED = "CO_CITED"  # Paper -- Paper, cited together by the same papers (explicitly)
COUPLED = "COUPLED"  # Paper -- Paper, sharing explicit references (bibliographic coupling)
CO_AUTHORED = "CO_AUTHORED"  # Author -- Author, joint papers
CO_OCCURS = "CO_OCCURS"  # Keyword -- Keyword, given to the same papers

# --- property names ----------------------------------------------------------------
# every node
KEY = "key"  # unique per label; the identity every store merges on
LABEL = "label"  # the node's label, kept on the networkx node
TYPE = "type"  # the relationship type, kept on the networkx edge

# papers
TITLE = "title"
ABSTRACT = "abstract"
AUTHORS = "authors"  # author names in order, as the source spells them
AUTHORS_COUNT = "authors_count"  # where a listing gives only a count
DATE = "date"  # ISO 8601, yyyy-mm-dd
YEAR = "year"
ORGANIZATION = "organization"
ORGANIZATION_HANDLE = "organization_handle"
UPVOTES = "upvotes"
VENUE = "venue"
DOI = "doi"
ARXIV_ID = "arxiv_id"
S2_ID = "s2_id"
OPENALEX_ID = "openalex_id"
PMID = "pmid"
PMCID = "pmcid"
EID = "eid"  # Scopus record id
WOS_UID = "wos_uid"  # Web of Science accession number (UT)
KEYWORDS = "keywords"  # the authors' keywords
INDEX_TERMS = "index_terms"  # indexer's terms: MeSH, Keywords Plus, Scopus index keywords
DOC_TYPE = "doc_type"
LANGUAGE = "language"
AFFILIATIONS = "affiliations"  # raw affiliation strings, in order
AUTHOR_AFFILIATIONS = "author_affiliations"  # parallel to authors: "; "-joined, "" unknown
COUNTRIES = "countries"  # ISO 3166 short names parsed from affiliations
CITED_BY_COUNT = "cited_by_count"  # the source's global count (not the corpus's)
CITED_BY_SOURCE = "cited_by_source"  # which source counted it
PROVENANCE = "provenance"  # ["file:line", ...] every place the paper was seen
SOURCES = "sources"  # loader format names that contributed
STUB = "stub"  # a cited work known only from a reference list

# paper embeddings: kept in ``KnowledgeGraph.embeddings`` in memory, never as node
# properties; only the Neo4j store writes them onto Paper nodes (with a vector index)
EMBEDDING = "embedding"  # list of floats, unit length
EMBEDDING_HASH = "embedding_hash"  # content hash of the text it was made from
EMBEDDING_MODEL = "embedding_model"  # the model that made it (as recorded by the build)
EMBEDDING_PROPERTIES: tuple[str, ...] = (EMBEDDING, EMBEDDING_HASH, EMBEDDING_MODEL)

# authors
NAME = "name"  # also the canonical name of an entity
ORCID = "orcid"
SCOPUS_AUTHOR_ID = "scopus_author_id"
S2_AUTHOR_ID = "s2_author_id"
OPENALEX_AUTHOR_ID = "openalex_author_id"
RESEARCHER_ID = "researcher_id"  # Web of Science ResearcherID (Publons)

# entities
ALIASES = "aliases"
ENTITY_TYPE = "entity_type"  # an EntityType value: method | model | benchmark
INTRODUCED = "introduced"  # True when some paper of the corpus introduces it
PAPER_COUNT = "paper_count"
KEYWORD_KINDS = "keyword_kinds"  # keywords: "author" and/or "index", where they came from

# edges
COUNT = "count"
EVIDENCE = "evidence"  # sentences or paper keys that justify the edge
SOURCE = "source"  # where the edge came from: "title", "abstract", a loader, ...
SCORE = "score"
STRENGTH = "strength"
INFERRED = "inferred"
POSITION = "position"  # author order, 1-based
VIA = "via"  # the entity key an inferred citation goes through
DISCRIMINATOR = "discriminator"  # tells apart edges of one type between one pair (stores)


@dataclass(frozen=True)
class NodeKind:
    """A node label with its key property and the properties its nodes may carry."""

    label: str
    properties: tuple[str, ...]
    fulltext: tuple[str, ...] = ()
    key: str = KEY


@dataclass(frozen=True)
class RelKind:
    """A relationship type, the labels it joins, and the properties it may carry.

    ``multi`` says whether two nodes may be joined by several edges of this type that
    differ in ``discriminator``; otherwise the pair holds at most one edge of the type.
    ``symmetric`` edges are stored once, from the smaller key to the larger.
    """

    type: str
    start: tuple[str, ...]
    end: tuple[str, ...]
    properties: tuple[str, ...] = field(default_factory=tuple)
    symmetric: bool = False


ENTITY_NODE_PROPERTIES = (KEY, NAME, ALIASES, ENTITY_TYPE, INTRODUCED, PAPER_COUNT)

NODE_KINDS: tuple[NodeKind, ...] = (
    NodeKind(
        PAPER,
        (
            KEY, TITLE, ABSTRACT, AUTHORS, AUTHORS_COUNT, DATE, YEAR, ORGANIZATION,
            ORGANIZATION_HANDLE, UPVOTES, VENUE, DOI, ARXIV_ID, S2_ID, OPENALEX_ID,
            PMID, PMCID, EID, WOS_UID, KEYWORDS, INDEX_TERMS, DOC_TYPE, LANGUAGE,
            AFFILIATIONS, AUTHOR_AFFILIATIONS, COUNTRIES, CITED_BY_COUNT, CITED_BY_SOURCE,
            PROVENANCE, SOURCES, STUB,
        ),
        fulltext=(TITLE, ABSTRACT),
    ),
    NodeKind(
        AUTHOR, (KEY, NAME, ORCID, SCOPUS_AUTHOR_ID, S2_AUTHOR_ID, OPENALEX_AUTHOR_ID,
                 RESEARCHER_ID),
        fulltext=(NAME,),
    ),
    NodeKind(METHOD, ENTITY_NODE_PROPERTIES, fulltext=(NAME,)),
    NodeKind(MODEL, ENTITY_NODE_PROPERTIES, fulltext=(NAME,)),
    NodeKind(BENCHMARK, ENTITY_NODE_PROPERTIES, fulltext=(NAME,)),
    NodeKind(KEYWORD, (KEY, NAME, ALIASES, KEYWORD_KINDS, PAPER_COUNT), fulltext=(NAME,)),
)

ENTITY_NODE_LABELS: tuple[str, ...] = tuple(ENTITY_LABELS.values())

REL_KINDS: tuple[RelKind, ...] = (
    RelKind(MENTIONS, (PAPER,), ENTITY_NODE_LABELS, (COUNT, EVIDENCE, SOURCE)),
    RelKind(INTRODUCES, (PAPER,), ENTITY_NODE_LABELS, (EVIDENCE,)),
    RelKind(SIMILAR_TO, (PAPER,), (PAPER,), (SCORE,), symmetric=True),
    RelKind(
        CO_MENTIONED, ENTITY_NODE_LABELS, ENTITY_NODE_LABELS, (COUNT, STRENGTH, EVIDENCE),
        symmetric=True,
    ),
    RelKind(CITES, (PAPER,), (PAPER,), (INFERRED, EVIDENCE, VIA, SOURCE)),
    RelKind(AUTHORED, (AUTHOR,), (PAPER,), (POSITION,)),
    RelKind(VARIANT_OF, (MODEL,), (MODEL,), (EVIDENCE,)),
    RelKind(EVALUATED_ON, (MODEL,), (BENCHMARK,), (EVIDENCE, COUNT)),
    RelKind(HAS_KEYWORD, (PAPER,), (KEYWORD,), (SOURCE,)),
    RelKind(CO_CITED, (PAPER,), (PAPER,), (COUNT, STRENGTH, EVIDENCE), symmetric=True),
    RelKind(COUPLED, (PAPER,), (PAPER,), (COUNT, STRENGTH, EVIDENCE), symmetric=True),
    RelKind(CO_AUTHORED, (AUTHOR,), (AUTHOR,), (COUNT, EVIDENCE), symmetric=True),
    RelKind(CO_OCCURS, (KEYWORD,), (KEYWORD,), (COUNT, STRENGTH, EVIDENCE), symmetric=True),
)

NODE_KIND_BY_LABEL: dict[str, NodeKind] = {k.label: k for k in NODE_KINDS}
REL_KIND_BY_TYPE: dict[str, RelKind] = {k.type: k for k in REL_KINDS}
LABELS: tuple[str, ...] = tuple(NODE_KIND_BY_LABEL)
REL_TYPES: tuple[str, ...] = tuple(REL_KIND_BY_TYPE)

#: The symmetric pair networks, held in columns (:mod:`citegraph.graph.pair_edges`)
#: rather than in the networkx graph: they are most of a graph's edges, each joins two
#: nodes with a count, a strength or score and evidence keys, and none is discriminated.
COLUMNAR_TYPES: frozenset[str] = frozenset(
    {SIMILAR_TO, CO_MENTIONED, CO_CITED, COUPLED, CO_AUTHORED, CO_OCCURS})


def node_id(label: str, key: str) -> str:
    """The networkx node id of a node: unique across labels, readable in dumps."""
    return f"{label}:{key}"


def split_node_id(nid: str) -> tuple[str, str]:
    """Inverse of :func:`node_id`."""
    label, _, key = nid.partition(":")
    return label, key


# --- edge identity --------------------------------------------------------------------
#: Joins a relationship type and a discriminator in an edge key; never part of a type.
EDGE_KEY_SEPARATOR = "|"


def edge_key(rel_type: str, discriminator: str = "") -> str:
    """The key of an edge among the edges joining one pair of nodes.

    An edge is identified by its start, end, type and discriminator; the networkx edge
    key, the saved ``key`` field, the RDF edge IRI and the Neo4j ``discriminator``
    property all come from this one encoding: ``TYPE``, or ``TYPE|discriminator`` when
    edges of one type between one pair must stay apart.
    """
    return f"{rel_type}{EDGE_KEY_SEPARATOR}{discriminator}" if discriminator else rel_type


def split_edge_key(key: str) -> tuple[str, str]:
    """Inverse of :func:`edge_key`: ``(type, discriminator)``, ``""`` when there is none."""
    rel_type, _, discriminator = key.partition(EDGE_KEY_SEPARATOR)
    return rel_type, discriminator


def edge_discriminator(key: str) -> str:
    """The discriminator of an edge key (``""`` for a plain edge)."""
    return split_edge_key(key)[1]
