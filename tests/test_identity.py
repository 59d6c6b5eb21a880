"""The merge rule of graph/identity.py: who is the same paper, and whose field wins."""

from citegraph.graph.identity import merge_records
from citegraph.loaders.records import PaperRecord, Provenance, Reference


def rec(title="A Paper", source="s", **kw) -> PaperRecord:
    return PaperRecord(title=title, provenance=[Provenance(source)], sources=[source], **kw)


def test_title_first_then_doi_is_one_paper_keyed_by_doi():
    index = merge_records([rec(year=2020), rec(title="A paper.", year=2020,
                                               ids={"doi": "10.1/x"})])
    (paper,) = index.records
    assert paper.key == "doi:10.1/x" and paper.title == "A Paper"


def test_a_record_linking_two_papers_folds_them_in_any_order():
    a = rec(title="Journal Version", ids={"doi": "10.1/x"}, source="bib")
    b = rec(title="Preprint Title", ids={"arxiv": "2101.00001"}, source="arxiv")
    link = rec(title="Journal Version", ids={"doi": "10.1/x", "arxiv": "2101.00001"},
               source="s2")
    index = merge_records([a, b, link])
    (paper,) = index.records
    assert paper.ids == {"doi": "10.1/x", "arxiv": "2101.00001"}
    assert paper.sources == ["bib", "arxiv", "s2"]  # in order of first sight
    assert index.find({"arxiv": "2101.00001"}, None) == index.find({"doi": "10.1/x"}, None)


def test_conflicting_ids_block_a_title_match():
    index = merge_records([rec(ids={"doi": "10.1/a"}), rec(ids={"doi": "10.1/b"})])
    assert len(index.records) == 2


def test_years_a_year_apart_match_further_apart_do_not():
    assert len(merge_records([rec(year=2020), rec(year=2021)]).records) == 1
    assert len(merge_records([rec(year=2018), rec(year=2021)]).records) == 2


def test_conflict_rule():
    first = rec(abstract="short", authors=["A"], venue="First Venue", year=2020,
                ids={"doi": "10.1/a"}, upvotes=3)
    second = rec(abstract="a much longer abstract", authors=["A", "B"], venue="Other",
                 year=2020, ids={"doi": "10.1/a", "s2": "abc"}, upvotes=9,
                 references=[Reference(ids={"doi": "10.1/z"})])
    paper, cited = merge_records([first, second]).records
    assert cited.stub and cited.ids == {"doi": "10.1/z"}
    assert paper.venue == "First Venue"  # first source keeps a value
    assert paper.abstract == "a much longer abstract"  # longer abstract wins
    assert paper.authors == ["A", "B"]  # longer author list wins
    assert paper.upvotes == 9  # highest count wins
    assert paper.ids == {"doi": "10.1/a", "s2": "abc"}  # identifiers are a union
    assert len(paper.references) == 1


def test_a_real_record_replaces_a_stub():
    stub = PaperRecord(title="cited title", ids={"doi": "10.1/s"}, year=1999, stub=True)
    real = rec(title="Cited Title", ids={"doi": "10.1/s"}, year=2000, venue="V")
    (paper,) = merge_records([stub, real]).records
    assert not paper.stub and paper.title == "Cited Title" and paper.year == 2000


def test_a_stub_known_by_id_takes_a_later_title():
    first = PaperRecord(title="", ids={"openalex": "W1"}, stub=True)
    later = PaperRecord(title="Now Titled", ids={"openalex": "W1"}, stub=True)
    (paper,) = merge_records([first, later]).records
    assert paper.title == "Now Titled" and paper.stub


def test_references_saying_the_same_are_one_object_and_resolve_alike():
    cited = {"ids": {"doi": "10.1/w"}, "title": "The Cited Work", "year": 2019}
    a = rec(title="First Citing Paper", ids={"doi": "10.1/a"},
            references=[Reference(**cited), Reference(ids={"doi": "10.1/other"})])
    b = rec(title="Second Citing Paper", ids={"doi": "10.1/b"},
            references=[Reference(**cited)])
    assert a.references[0] is not b.references[0]
    index = merge_records([a, b])
    first, second = index.papers[:2]
    assert first.references[0] is second.references[0]  # one object for the same text
    assert first.references[0] == Reference(**cited)
    assert first.references[1].ids == {"doi": "10.1/other"}
    work = index.keys.index("doi:10.1/w")
    assert sorted(index.citations) == sorted([(0, work), (1, work),
                                              (0, index.keys.index("doi:10.1/other"))])
    assert index.report.references["total"] == 3 and index.report.references["stubs"] == 2


def test_a_paper_found_by_identifier_or_title_once_the_index_grows():
    index = merge_records([rec(title="Graph Paper", ids={"doi": "10.1/g"})])
    assert index.find({"doi": "10.1/g"}) == 0 and index.find({}, "graph paper") == 0
    slot = index._append(PaperRecord(title="Later Stub", ids={"arxiv": "2101.00002"},
                                     stub=True))
    assert index.find({"arxiv": "2101.00002"}) == slot
    assert index.find({"doi": "10.1/none"}, "Later Stub") == slot
    assert index.find({"doi": "10.1/none"}) is None
