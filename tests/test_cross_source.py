"""One paper in BibTeX, OpenAlex, arXiv and Semantic Scholar becomes one node."""

import pytest
from conftest import FIXTURES

import citegraph
from citegraph.graph import schema as S
from citegraph.graph.pipeline import BuildOptions
from citegraph.loaders import LoadReport

PAPER = S.node_id(S.PAPER, "doi:10.1234/jsd.2021.0042")
PAPERS_ONLY = BuildOptions(entities=False, similarity=False, co_mention=False, citations=False)


@pytest.fixture(scope="module")
def kg():
    return citegraph.build(FIXTURES / "cross", options=PAPERS_ONLY)


def test_one_node_with_every_identifier_and_provenance(kg):
    paper = kg.node(PAPER)
    assert paper[S.DOI] == "10.1234/jsd.2021.0042"
    assert paper[S.ARXIV_ID] == "2103.04567"
    assert paper[S.OPENALEX_ID] == "W3000000001"
    assert paper[S.S2_ID] == "5c5751d45e298cea054f32b392c12c61027d2fe7"
    assert sorted(paper[S.SOURCES]) == ["arxiv-atom", "bibtex", "openalex", "s2"]
    assert len(paper[S.PROVENANCE]) == 4
    assert paper[S.TITLE] == "Scalable Citation Graphs from Heterogeneous Sources"  # first wins
    assert paper[S.VENUE] == "Journal of Scholarly Data" and paper[S.YEAR] == 2021
    titles = [p[S.TITLE] for _, p in kg.nodes(S.PAPER) if not p.get(S.STUB)]
    assert sorted(titles) == ["Citation Indexing: Its Theory and Application",
                              "Scalable Citation Graphs from Heterogeneous Sources"]


def test_authors_are_nodes_with_positions(kg):
    authored = {(kg.node(a)[S.NAME], p[S.POSITION]) for a, end, _, p in kg.edges(S.AUTHORED)
                if end == PAPER}
    assert authored == {("Li Chen", 1), ("Ana Novak", 2)}  # "Ana Novák" is the same author


def test_references_become_cites_edges_and_stubs(kg):
    cites = {(start, end) for start, end, _, _ in kg.edges(S.CITES)}
    garfield = S.node_id(S.PAPER, "doi:10.1234/citation.indexing")
    assert (PAPER, garfield) in cites  # resolved into the corpus through its DOI
    assert not kg.node(garfield).get(S.STUB)
    assert kg.node(garfield)[S.S2_ID] == "aa11"  # the reference taught the paper its S2 id
    stubs = {nid: p for nid, p in kg.nodes(S.PAPER) if p.get(S.STUB)}
    assert set(stubs) == {
        "Paper:openalex:W1000000007", "Paper:openalex:W1000000008", "Paper:s2:bb22",
        "Paper:s2:cc33"}
    assert stubs["Paper:s2:bb22"][S.TITLE] == "A Work Nobody Loaded"
    assert ("Paper:s2:cc33", PAPER) in cites  # from S2 "citations": the citer cites us
    assert all((PAPER, s) in cites for s in stubs if s != "Paper:s2:cc33")


def test_a_stub_later_given_more_ids_keeps_one_node(tmp_path):
    (tmp_path / "a.json").write_text(
        '{"paperId": "p1", "title": "Citing One", "references": ['
        '{"paperId": null, "title": "The Cited Work"}]}')
    (tmp_path / "b.json").write_text(
        '{"paperId": "p2", "title": "Citing Two", "references": ['
        '{"paperId": "c9", "title": "The Cited Work", "externalIds": {"DOI": "10.9/c"}}]}')
    kg = citegraph.build(tmp_path, options=PAPERS_ONLY)
    stubs = [nid for nid, p in kg.nodes(S.PAPER) if p.get(S.STUB)]
    assert stubs == ["Paper:doi:10.9/c"]
    assert kg.node(stubs[0])[S.TITLE] == "The Cited Work"
    assert {s for s, e, _, _ in kg.edges(S.CITES) if e == stubs[0]} == {
        "Paper:s2:p1", "Paper:s2:p2"}


def test_bad_files_are_counted_not_fatal():
    report = LoadReport()
    kg = citegraph.build(FIXTURES, options=PAPERS_ONLY, report=report)
    assert kg.stats()["nodes"][S.PAPER] > 10
    assert report.total_skipped >= 10 and len(report.files_skipped) >= 3


def test_nothing_readable_is_an_error(fixtures):
    from citegraph.loaders import InputError

    with pytest.raises(InputError, match="no papers found.*empty file"):
        citegraph.build(fixtures / "empty.bib", options=PAPERS_ONLY)
