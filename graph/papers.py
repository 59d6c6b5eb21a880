"""Paper, author and explicit-citation nodes and edges from merged records.

This is the first build stage; entity extraction and relationship edges build on the paper
nodes it leaves.
"""

from __future__ import annotations

from typing import Any

from citegraph.graph import schema as S
from citegraph.graph.identity import PaperIndex
from citegraph.graph.model import KnowledgeGraph
from citegraph.loaders import names
from citegraph.loaders.records import PaperRecord, Provenance

#: Record identifier kinds and the paper properties that hold them.
ID_PROPERTY = {"doi": S.DOI, "arxiv": S.ARXIV_ID, "s2": S.S2_ID, "openalex": S.OPENALEX_ID,
               "pmid": S.PMID, "pmcid": S.PMCID, "eid": S.EID, "wos": S.WOS_UID}
#: Bibliometric record fields stored on Paper nodes under the same name.
BIBLIOMETRIC_FIELDS: dict[str, str] = {
    "keywords": S.KEYWORDS, "index_terms": S.INDEX_TERMS, "doc_type": S.DOC_TYPE,
    "language": S.LANGUAGE, "affiliations": S.AFFILIATIONS,
    "author_affiliations": S.AUTHOR_AFFILIATIONS, "countries": S.COUNTRIES,
    "cited_by_count": S.CITED_BY_COUNT, "cited_by_source": S.CITED_BY_SOURCE,
}


def paper_properties(record: PaperRecord) -> dict[str, Any]:
    """The node properties of a merged record (empty values are left out by the model)."""
    props: dict[str, Any] = {
        S.TITLE: record.title,
        S.ABSTRACT: record.abstract or None,
        S.AUTHORS: record.authors,
        S.AUTHORS_COUNT: record.authors_count,
        S.DATE: record.date,
        S.YEAR: record.year,
        S.ORGANIZATION: record.organization,
        S.ORGANIZATION_HANDLE: record.organization_handle,
        S.UPVOTES: record.upvotes,
        S.VENUE: record.venue,
        S.PROVENANCE: [str(p) for p in record.provenance],
        S.SOURCES: record.sources,
        S.STUB: True if record.stub else None,
    }
    for kind, prop in ID_PROPERTY.items():
        props[prop] = record.ids.get(kind)
    for name, prop in BIBLIOMETRIC_FIELDS.items():
        props[prop] = getattr(record, name) or None
    if record.cited_by_count == 0:
        props[S.CITED_BY_COUNT] = 0
    return props


def record_from_paper(props: dict[str, Any]) -> PaperRecord:
    """The record a paper node was made from, so a saved graph can be extended."""
    provenance = []
    for text in props.get(S.PROVENANCE, []):
        source, sep, location = text.rpartition(":")
        provenance.append(Provenance(source, location) if sep else Provenance(text))
    return PaperRecord(
        title=props.get(S.TITLE, ""),
        abstract=props.get(S.ABSTRACT, ""),
        authors=list(props.get(S.AUTHORS, [])),
        authors_count=props.get(S.AUTHORS_COUNT),
        date=props.get(S.DATE),
        year=props.get(S.YEAR),
        organization=props.get(S.ORGANIZATION),
        organization_handle=props.get(S.ORGANIZATION_HANDLE),
        upvotes=props.get(S.UPVOTES),
        venue=props.get(S.VENUE),
        ids={kind: props[prop] for kind, prop in ID_PROPERTY.items() if props.get(prop)},
        provenance=provenance,
        sources=list(props.get(S.SOURCES, [])),
        stub=bool(props.get(S.STUB, False)),
        **{name: (list(props[prop]) if isinstance(props[prop], list) else props[prop])
           for name, prop in BIBLIOMETRIC_FIELDS.items() if props.get(prop) is not None},
    )


def author_key(name: str) -> str:
    """The identity of an author name: "Smith, John A." and "John A. Smith" are one key.

    Order, LaTeX accents, mojibake, case, accents and punctuation are folded away
    (see :func:`citegraph.loaders.names.author_key`).
    """
    return names.author_key(name)


def add_papers(kg: KnowledgeGraph, index: PaperIndex) -> None:
    """Add a Paper node per merged record, its authors, and its explicit citations.

    A cited (or citing) work that is not in the corpus is a stub paper (``stub``: true)
    with whatever title and identifiers its references gave, so citation counts and
    co-citation see it.
    """
    from citegraph.graph.authors import add_authors

    ids = [S.node_id(S.PAPER, key) for key in index.keys]
    for record, key in zip(index.papers, index.keys, strict=True):
        kg.add_node(S.PAPER, key, **paper_properties(record))
    # a stub's authors are what a reference list abbreviated ("Ito M"): they help match the
    # cited work, but are not people of the corpus
    real = [i for i, record in enumerate(index.papers) if not record.stub]
    add_authors(kg, [index.papers[i] for i in real], [ids[i] for i in real])
    for citing, cited in zip(index.citing, index.cited, strict=True):
        start, end = ids[citing], ids[cited]
        if start != end:
            source = ",".join(index.papers[citing].sources or index.papers[cited].sources)
            kg.add_edge(S.CITES, start, end, **{S.INFERRED: False, S.SOURCE: source})
