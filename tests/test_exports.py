"""Real exports that used to lose data: each loads whole, with its bibliometric fields.

Fixtures under ``fixtures/exports`` and ``fixtures/real`` are exports copied from public
repositories (see ``fixtures/SOURCES.md``); expected values are checked against the raw
file read another way (the csv module, rispy over the whole file, the text itself).
"""

from __future__ import annotations

import csv
import json
import re

import rispy
from conftest import FIXTURES, by_title, load, messages

import citegraph
from citegraph.graph import schema as S
from citegraph.graph.pipeline import BuildOptions
from citegraph.loaders import LoadReport, iter_records
from citegraph.loaders.references import complete_reference

BARE = BuildOptions(entities=False, similarity=False, co_mention=False, citations=False)


def located(records):
    return {r.provenance[0].location: r for r in records}


# --- Scopus BibTeX ------------------------------------------------------------------

def test_scopus_bibtex_with_scopus_style_editor_lists_loads_every_entry():
    records, report = load("exports/scopus_editors.bib")
    raw = (FIXTURES / "exports/scopus_editors.bib").read_text(encoding="utf-8")
    assert len(records) == len(re.findall(r"(?m)^@", raw)) == 5
    assert not report.errors
    becker = located(records)["record Becker20213740"]  # its editors are "Watrobski J., …"
    assert becker.authors == ["J. Becker", "A. Becker"]
    assert becker.ids == {"doi": "10.1016/j.procs.2021.09.148", "eid": "2-s2.0-85116902240"}
    assert becker.doc_type == "Conference Paper" and becker.language == "English"
    assert (becker.cited_by_count, becker.cited_by_source) == (0, "scopus")
    assert becker.countries == ["Poland"]
    assert "Decision-making dashboard" in becker.keywords
    assert "Artificial intelligence" in becker.index_terms
    costa = located(records)["record Costa2020470"]
    assert costa.cited_by_count == 3 and costa.keywords == []  # no author keywords
    assert {"Scales (weighing instruments)", "Compensatory effects"} <= set(costa.index_terms)


def test_scopus_bibtex_entry_without_authors_makes_no_author():
    records, _ = load("exports/scopus_editors.bib")
    assert located(records)["record NoAuthor2018"].authors == []


# --- Web of Science BibTeX ----------------------------------------------------------

def test_wos_bibtex_capitalised_and_double_braced_fields():
    path = FIXTURES / "real/wos/pybibx_wos.bib"
    records, report = load(path)
    raw = path.read_text(encoding="utf-8")
    assert len(records) == len(re.findall(r"(?m)^@", raw)) and not report.errors
    assert all(r.authors for r in records)
    assert sum("doi" in r.ids for r in records) == len(re.findall(r"(?m)^DOI = ", raw))
    assert all(r.ids["wos"].startswith("WOS:") for r in records)
    paper = by_title(records)["Multiple-criteria decision-making sorting methods: A survey"]
    assert paper.authors == ["Pavel Anselmo Alvarez", "Alessio Ishizaka", "Luis Martinez"]
    assert paper.ids == {"doi": "10.1016/j.eswa.2021.115368", "wos": "WOS:000692076300008"}
    assert (paper.doc_type, paper.language) == ("Review", "English")
    assert (paper.cited_by_count, paper.cited_by_source) == (2, "wos")
    assert paper.keywords[:2] == ["Multi-criteria decision-making", "Sorting"]
    assert paper.index_terms[0] == "DATA ENVELOPMENT ANALYSIS"
    assert paper.countries == ["Mexico", "France", "Spain"]
    assert paper.author_affiliations[2] == "Univ Jaen, Dept Comp Sci, Jaen 23071, Spain"
    assert paper.author_ids == [
        {}, {"orcid": "0000-0002-2531-292X"},
        {"orcid": "0000-0003-4245-8813", "researcherid": "A-1746-2009"}]
    entry = raw[raw.index("WOS:000692076300008,"):]
    cited = entry[entry.index("Cited-References = "):entry.index("Number-of-Cited-References")]
    with_doi = [x for x in cited.splitlines() if re.search(r"\b10\.\d{4,9}/", x)]
    lines = [x for x in cited.splitlines() if x.strip()]
    # every cited reference is kept as written, and parsed centrally into its DOI
    assert len(paper.references) == len(lines) and all(r.raw_format == "wos"
                                                       for r in paper.references)
    parsed = [complete_reference(r) for r in paper.references]
    assert sum(bool(r.ids.get("doi")) for r in parsed) == len(with_doi) == 179
    assert parsed[0].ids == {"doi": "10.1016/j.ejor.2011.09.047"}


def test_author_ids_reach_author_nodes():
    kg = citegraph.build([FIXTURES / "real/wos/pybibx_wos.bib"], options=BARE)
    (author,) = [a for _, a in kg.nodes(S.AUTHOR) if a[S.NAME] == "Luis Martinez"]
    assert author[S.KEY] == "orcid:0000-0003-4245-8813"  # an identifier keys the person
    assert author[S.ORCID] == "0000-0003-4245-8813"
    assert author[S.RESEARCHER_ID] == "A-1746-2009"


# --- PMLR BibTeX --------------------------------------------------------------------

def test_pmlr_escaped_braces_and_undecodable_latex_cost_nothing():
    records, report = load("exports/pmlr_colt25.bib")
    papers = located(records)
    assert set(papers) == {"record hintze25", "record hoegsgaard25", "record huang25",
                           "record krishnamurthy25"}
    # "H\{o}gsgaard" balances only when "\{" counts as a brace, as it does for BibTeX
    assert papers["record hoegsgaard25"].abstract.endswith("realizable prediction model.")
    assert papers["record hoegsgaard25"].authors == ["Mikael Høgsgaard Møller",
                                                     "Kasper Green Larsen"]
    # "\href{url}" without its text: the abstract is kept, with the link
    abstract = papers["record krishnamurthy25"].abstract
    assert "https://arxiv.org/abs/2504.05405" in abstract and len(abstract) > 500
    text = "\n".join(messages(report))
    assert "record krishnamurthy25 (line 39): warning: abstract: LaTeX could not be decoded" in text
    assert "record hoegsgaard25 (line 10): warning: braces balance only" in text


def test_author_lists_with_trailing_commas_keep_their_entries():
    # COLT 2024 writes "Buhai, Rares-Darius, and Ding, Jingqiu, and Tiegel, Stefan"
    path = FIXTURES / "exports/pmlr_colt24.bib"
    records, report = load(path)
    papers = located(records)
    assert len(records) == len(re.findall(r"(?m)^@", path.read_text(encoding="utf-8"))) == 6
    assert papers["record buhai24"].authors == ["Rares-Darius Buhai", "Jingqiu Ding",
                                                "Stefan Tiegel"]
    assert papers["record pour24"].authors == ["Alireza F. Pour", "Hassan Ashtiani",
                                               "Shahab Asoodeh"]
    assert papers["record wan24"].authors == ["Yuanyu Wan", "Tong Wei", "Mingli Song",
                                              "Lijun Zhang"]
    warnings = [i for i in report.warnings if "does not split" in i.message]
    assert len(warnings) == 5  # one per entry, naming it
    assert warnings[0].location == "record buhai24 (line 10)"
    assert "'Buhai, Rares-Darius,'" in warnings[0].message


# --- IEEE Xplore RIS ----------------------------------------------------------------

def test_ieee_ris_with_carriage_returns_before_records_loads_every_record():
    path = FIXTURES / "real/ieee/litstudy_example.ris"
    expected = rispy.loads(path.read_text(encoding="utf-8"))  # rispy reads it whole
    records, report = load(path)
    assert [r.title for r in records] == [e["title"] for e in expected]
    assert len(records) == 25 and not report.issues
    first = records[0]
    assert first.keywords[:2] == ["Exascale computing", "Industries"]
    assert first.doc_type == "JOUR" and first.ids == {"doi": "10.1109/mcse.2018.2884139"}


def test_scopus_and_pubmed_ris_fields():
    path = FIXTURES / "real/scopus/asreview_scopus.ris"
    raw = path.read_text(encoding="utf-8-sig")
    records, _ = load(path)
    eids = re.findall(r"(?m)^UR  - \S*eid=(2-s2\.0-\d+)", raw)
    assert [r.ids["eid"] for r in records if "eid" in r.ids] == eids
    assert sorted(r.cited_by_count for r in records if r.cited_by_count is not None) == sorted(
        int(n) for n in re.findall(r"(?m)^N1  - Cited By ?:\s*(\d+)", raw))
    first = records[0]
    assert (first.doc_type, first.language, first.countries) == ("Review", "English",
                                                                 ["Germany"])
    pubmed, _ = load("real/pubmed/asreview_pubmed_endnote.txt")  # "DP  - NLM"
    assert pubmed[0].ids["pmid"] == "21553931"
    zotero, _ = load("real/zotero/asreview_zotero.ris")  # accession numbers of other kinds
    assert not any("pmid" in r.ids for r in zotero)


# --- Scopus CSV ---------------------------------------------------------------------

def test_scopus_csv_with_an_unlabelled_funding_column_reads_columns_in_place():
    path = FIXTURES / "real/scopus/litstudy_scopus.csv"
    with open(path, encoding="utf-8-sig", newline="") as fh:
        header, *rows = list(csv.reader(fh))
    wide = [r for r in rows if len(r) > len(header)]
    assert wide  # the fixture has them
    records, report = load(path)
    assert len(records) == len(rows) and not report.errors
    # EID is the last cell of every row however wide: nothing after the gap shifted
    assert [r.ids["eid"] for r in records] == [row[-1] for row in rows]
    assert [r.doc_type for r in records] == [row[-5] for row in rows]
    assert [r.language for r in records] == [row[-7] for row in rows]
    warnings = [i for i in report.warnings]
    assert len(warnings) == 1  # one per file, not one per row
    assert f"{len(wide)} row(s) have more cells than the header's 45 columns" in \
        warnings[0].message
    assert "after column 'Funding Text 1'" in warnings[0].message


def test_scopus_csv_fields_and_placeholder_author():
    records, _ = load("real/scopus/litstudy_scopus.csv")
    placeholder = [r for r in records if r.title.startswith("11th International Conference")]
    assert placeholder and placeholder[0].authors == []  # "[No author name available]"
    paper = next(r for r in records if r.ids.get("pmid") == "35994517")
    assert paper.authors[:2] == ["L.K. Amstein", "J. Ackermann"]
    assert paper.author_ids[0] == {"scopus": "55893768400"}
    assert len(paper.author_affiliations) == len(paper.authors)
    assert paper.countries == ["Germany"]
    assert (paper.cited_by_count, paper.cited_by_source) == (1, "scopus")
    assert "Cell death" in paper.index_terms


def test_placeholder_names_never_become_authors():
    kg = citegraph.build([FIXTURES / "real/scopus/litstudy_scopus.csv"], options=BARE)
    names = {a[S.NAME] for a in kg.g.nodes.values() if a[S.LABEL] == S.AUTHOR}
    assert not any("author name available" in n.casefold() for n in names)
    scopus_ids = [a.get(S.SCOPUS_AUTHOR_ID) for a in kg.g.nodes.values()
                  if a[S.LABEL] == S.AUTHOR]
    assert sum(1 for i in scopus_ids if i) > 0.9 * len(scopus_ids)


# --- OpenAlex -----------------------------------------------------------------------

def test_openalex_work_without_title_is_kept_with_its_references(tmp_path):
    refs = [f"https://openalex.org/W{4000000000 + i}" for i in range(49)]
    work = {"id": "https://openalex.org/W3999999999", "doi": None, "title": None,
            "display_name": None, "publication_year": 2021, "referenced_works": refs,
            "authorships": []}
    titled = {"id": "https://openalex.org/W3999999998", "title": "A titled work",
              "referenced_works": refs[:2]}
    path = tmp_path / "works.jsonl"
    path.write_text(json.dumps(work) + "\n" + json.dumps(titled) + "\n")
    records, report = load(path)
    stub = next(r for r in records if r.ids["openalex"] == "W3999999999")
    assert stub.stub and len(stub.references) == 49
    kg = citegraph.build([path], options=BARE)
    cites = [(u, v) for u, v, d in kg.g.edges(data=True) if d[S.TYPE] == S.CITES]
    assert sum(1 for u, _ in cites if u == S.node_id(S.PAPER, "openalex:W3999999999")) == 49


# --- the kept load report -----------------------------------------------------------

def _fixture_files():
    return sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.name != "SOURCES.md")


def test_every_fixture_counts_exactly():
    for path in _fixture_files():
        report = LoadReport()
        read = sum(1 for _ in iter_records([path], report=report))
        name = str(path)
        assert read == report.records_read[name]
        fmt = report.formats.get(name)
        if fmt in ("bibtex", "ris", "csv") and name not in report.files_skipped:
            # these loaders count what they meet: each record is read or skipped
            assert report.records_seen[name] == read + report.records_skipped[name], name
        totals = report.totals(name)
        assert totals["seen"] == totals["read"] + totals["skipped"], name


def test_build_writes_the_load_report_beside_the_graph(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "graph"
    files = [FIXTURES / "export.ris", FIXTURES / "real/scopus/litstudy_scopus.csv"]
    result = subprocess.run(
        [sys.executable, "-m", "citegraph", "build", *map(str, files), "--out", str(out),
         "--no-entities", "--no-similarity", "--no-co-mention", "--no-citations", "-q"],
        capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(x) for x in (out / "load_report.jsonl").read_text().splitlines()]
    issues = [x for x in lines if x["kind"] == "issue"]
    totals = {x["file"]: x for x in lines if x["kind"] == "file"}
    assert {"file", "location", "severity", "reason"} <= set(issues[0])
    ris = totals[str(files[0])]
    assert (ris["seen"], ris["read"], ris["skipped"]) == (5, 3, 2)
    assert [x["location"] for x in issues if x["file"] == str(files[0])] == ["line 22",
                                                                           "line 33"]
    assert totals[str(files[1])]["warnings"] == 1
    assert "every problem is listed in" in result.stderr
    assert "export.ris  ris: 5 seen, 3 read, 2 skipped, 0 warnings" in result.stdout


def test_python_build_keeps_the_report_and_says_so(capsys):
    kg = citegraph.build([FIXTURES / "export.ris"], options=BARE)
    assert kg.load_report.total_read == 3 and kg.load_report.total_skipped == 2
    assert "3 records read, 2 skipped" in capsys.readouterr().err
    report = LoadReport()
    kg = citegraph.build([FIXTURES / "export.ris"], options=BARE, report=report)
    assert kg.load_report is report and capsys.readouterr().err == ""
