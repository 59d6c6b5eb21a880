"""Author identity: identifiers decide, name variants need a shared co-author."""

from citegraph.graph import schema as S
from citegraph.graph.identity import merge_records
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.papers import add_papers
from citegraph.loaders.records import PaperRecord, Provenance


def paper(title, authors, author_ids=(), source="s.csv"):
    return PaperRecord(title=title, authors=list(authors), author_ids=list(author_ids),
                       year=2020, provenance=[Provenance(source, title[:8])])


def authors_of(records) -> dict[str, set[str]]:
    """Each author node's key and the titles of its papers."""
    kg = KnowledgeGraph()
    add_papers(kg, merge_records(records))
    out: dict[str, set[str]] = {}
    for start, end, _, _ in kg.edges(S.AUTHORED):
        out.setdefault(kg.node(start)[S.KEY], set()).add(kg.node(end)[S.TITLE])
    return out


def test_an_identifier_joins_spellings_and_separates_namesakes():
    records = [
        paper("Graph mining at scale", ["Wei Wang", "Ana Novak"],
              [{"orcid": "0000-0001-0000-0001"}, {}]),
        paper("Streams of citations", ["W. Wang"], [{"orcid": "0000-0001-0000-0001",
                                                     "scopus": "57190000001"}]),
        paper("Soil chemistry today", ["Wei Wang"], [{"orcid": "0000-0009-9999-9999"}]),
        paper("Scopus only record", ["Wang W."], [{"scopus": "57190000001"}]),
    ]
    people = authors_of(records)
    assert people["orcid:0000-0001-0000-0001"] == {
        "Graph mining at scale", "Streams of citations", "Scopus only record"}
    assert people["orcid:0000-0009-9999-9999"] == {"Soil chemistry today"}


def test_name_variants_merge_only_with_a_shared_coauthor():
    together = authors_of([paper("First paper on topic models", ["John Smith", "Ana Novak"]),
                           paper("Topic models for citation graphs", ["J. Smith", "A. Novak"])])
    assert together["john-smith"] == {"First paper on topic models",
                                      "Topic models for citation graphs"}
    assert "j-smith" not in together
    apart = authors_of([paper("First paper on topic models", ["John Smith", "Ana Novak"]),
                        paper("An unrelated chemistry paper", ["J. Smith", "Bo Chen"])])
    assert apart["john-smith"] == {"First paper on topic models"}
    assert apart["j-smith"] == {"An unrelated chemistry paper"}


def test_ambiguous_initials_join_no_one():
    records = [
        paper("Sampling large citation graphs", ["John Smith", "Ana Novak"]),
        paper("Protein folding with lattice models", ["Jane Smith", "Ana Novak"]),
        paper("A survey of bibliometric indicators", ["J. Smith", "Ana Novak"]),
    ]
    people = authors_of(records)
    assert people["j-smith"] == {"A survey of bibliometric indicators"}
    assert people["john-smith"] == {"Sampling large citation graphs"}
    assert people["jane-smith"] == {"Protein folding with lattice models"}


def test_placeholder_is_never_an_author():
    records = [paper("A paper with no listed author", ["[No author name available]"])]
    assert authors_of(records) == {}
