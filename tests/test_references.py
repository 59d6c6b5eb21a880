"""Free-text references (Scopus, Web of Science) parsed, resolved and shared across formats.

The strings come from real exports (tests/fixtures/SOURCES.md): a Scopus BibTeX export and
the Web of Science record of the same article.
"""

from pathlib import Path

from citegraph.graph import schema as S
from citegraph.graph.identity import merge_records
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.papers import add_papers
from citegraph.loaders.records import PaperRecord, Provenance, Reference
from citegraph.loaders.references import locators, parse_scopus, parse_wos
from tests.conftest import load

FIXTURES = Path(__file__).parent / "fixtures"
WOS_LINES = (FIXTURES / "wos_cited_references.txt").read_text(encoding="utf-8").splitlines()


def test_scopus_article_reference():
    fields = parse_scopus("Amgoud, L., Prade, H., Using arguments for making and explaining "
                          "decisions (2009) Artificial Intelligence, 173 (3-4), pp. 413-436")
    assert fields == {"authors": ["L. Amgoud", "H. Prade"],
                      "title": "Using arguments for making and explaining decisions",
                      "year": 2009, "venue": "Artificial Intelligence", "volume": "173",
                      "page": "413"}


def test_scopus_variants_books_particles_and_dois():
    book = parse_scopus("Vincke, P., (1992) Multicriteria Decision-Aid, , John Wiley & Sons Ltd."
                        " ISBN: 0-471-93184-5")
    assert book["title"] == "Multicriteria Decision-Aid" and book["year"] == 1992
    assert book["authors"] == ["P. Vincke"]
    particle = parse_scopus("Mota, C.M.d.M., de Almeida, A.T., A multicriteria decision model "
                            "for assigning priority classes to activities in project "
                            "management (2012) Annals of Operations Research, 199, pp. 361-372")
    assert particle["authors"] == ["C.M.d.M. Mota", "A.T. de Almeida"]
    assert particle["volume"] == "199" and particle["page"] == "361"
    with_doi = parse_scopus("Li, J., Heap, A.D., A review of comparative studies of spatial "
                            "interpolation methods in environmental sciences: Performance and "
                            "impact factors (2011) Ecological Informatics, 6, pp. 228-241. , "
                            "doi: 10.1016/j.ecoinf.2010.12.003")
    assert with_doi["doi"] == "10.1016/j.ecoinf.2010.12.003" and with_doi["year"] == 2011
    no_author = parse_scopus("(2012) Benchmarking Supplier Risk: A Survey of the Supply Chain, "
                             ", http://www.ihs.com/info/sc/a/supplier-risk.aspx")
    assert "authors" not in no_author and no_author["title"].startswith("Benchmarking")


def test_wos_cited_references():
    assert parse_wos(WOS_LINES[0]) == {
        "doi": "10.1016/j.artint.2008.11.006", "authors": ["L Amgoud"], "year": 2009,
        "venue": "ARTIF INTELL", "volume": "173", "page": "413"}
    anonymous = parse_wos(WOS_LINES[1])  # "{[}Anonymous], 2000, B WORLD HEALTH ORGAN, ..."
    assert "authors" not in anonymous and anonymous["year"] == 2000
    doubled = next(line for line in WOS_LINES if "DOI DOI" in line)
    assert parse_wos(doubled)["doi"].startswith("10.")
    book = parse_wos(next(line for line in WOS_LINES if line.startswith("Roy B., 1996")))
    assert book == {"authors": ["B. Roy"], "year": 1996, "venue": "MULTICRITERIA METHOD"}


def test_the_locator_is_shared_by_both_formats():
    scopus = Reference(raw="Attardi, R., Cerreta, M., Sannicandro, V., Torre, C.M., Non-"
                       "compensatory composite indicators for the evaluation of urban planning "
                       "policy: The land-use policy efficiency index (LUPEI) (2018) European "
                       "Journal of Operational Research, 264 (2), pp. 491-507",
                       raw_format="scopus")
    wos = Reference(raw=next(x for x in WOS_LINES if x.startswith("Attardi")), raw_format="wos")
    assert locators(scopus) == locators(wos) == ("attardi|2018|264|491", "attardi|2018|p491")


def test_bibtex_scopus_references_become_raw_references():
    records, _ = load("scopus_references.bib")
    first = records[0]
    assert len(first.references) == 48  # as many as the entry lists
    assert {r.raw_format for r in first.references} == {"scopus"}
    assert first.references[0].raw.startswith("Amgoud, L., Prade, H.")


def _wos_version() -> PaperRecord:
    """The Web of Science record of the first fixture article, as the WoS loader gives it."""
    return PaperRecord(
        title="ELECTRE-SCORE : A first outranking based method for scoring actions",
        ids={"doi": "10.1016/j.ejor.2021.05.017"}, year=2022,
        authors=["Jose Rui Figueira", "Salvatore Greco", "Bernard Roy"],
        references=[Reference(raw=line, raw_format="wos") for line in WOS_LINES],
        provenance=[Provenance("savedrecs.txt", "record 1")], sources=["wos"])


def test_references_from_two_formats_share_stubs_and_reach_corpus_papers():
    records, _ = load("scopus_references.bib")
    citing = PaperRecord(  # cites the second fixture article, Scopus-style, without DOI
        title="A later paper", year=2023, authors=["A. Author"],
        references=[Reference(raw="de Araújo, M.C.B., Alencar, L.H., de Miranda Mota, C.M., "
                              "Classification model for bid/no-bid decision in construction "
                              "projects (2022) International Transactions in Operational "
                              "Research, 29 (2), pp. 1025-1047", raw_format="scopus")],
        provenance=[Provenance("later.bib", "record x")])
    index = merge_records([*records, _wos_version(), citing])
    kg = KnowledgeGraph()
    add_papers(kg, index)
    figueira = S.node_id(S.PAPER, "doi:10.1016/j.ejor.2021.05.017")
    assert len(kg.node(figueira)[S.PROVENANCE]) == 2  # Scopus and WoS records merged
    cited = {end for start, end, _, _ in kg.edges(S.CITES) if start == figueira}
    amgoud = S.node_id(S.PAPER, "doi:10.1016/j.artint.2008.11.006")
    assert amgoud in cited  # Scopus text and WoS line: one work, carrying both
    assert kg.node(amgoud)[S.TITLE] == "Using arguments for making and explaining decisions"
    assert kg.node(amgoud)[S.STUB] is True
    # 48 Scopus references and 47 WoS lines name about 48 works, not 95 (books, which WoS
    # cites by a clipped title and no page, and misprinted volumes stay apart)
    assert 45 <= len(cited) <= 52
    later = next(n for n, p in kg.g.nodes(data=True) if p.get(S.TITLE) == "A later paper")
    assert kg.g.has_edge(later, S.node_id(S.PAPER, "doi:10.1111/itor.13037"))
    refs = index.report.references
    assert refs["corpus"] >= 1 and refs["total"] == refs["corpus"] + refs["stub"]
