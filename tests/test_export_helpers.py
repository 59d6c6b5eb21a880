"""The helpers behind export loading: name lists, placeholders, countries, wide CSV rows."""

from __future__ import annotations

import pytest
from conftest import load

from citegraph.loaders.affiliations import countries_of, country_from_code, country_of
from citegraph.loaders.csv_align import Aligner
from citegraph.loaders.names import display_name, is_placeholder, split_names
from citegraph.loaders.terms import scopus_terms, split_terms


@pytest.mark.parametrize("text, names", [
    ("Watrobski J., Salabun W., Howlett R.J., Jain L.C.",
     ["J. Watrobski", "W. Salabun", "R.J. Howlett", "L.C. Jain"]),
    ("Buhai, Rares-Darius,", ["Rares-Darius Buhai"]),
    ("Steurer, David and Buhai, Rares-Darius,", ["David Steurer", "Rares-Darius Buhai"]),
    ("Kalé, L., Skeel, R., Bhandarkar, M.", ["L. Kalé", "R. Skeel", "M. Bhandarkar"]),
    ("Smith, John; Doe, Jane", ["John Smith", "Jane Doe"]),
    ("A. Smith AND B. Jones", ["A. Smith", "B. Jones"]),
    ("Smith, Jr, John", ["John Smith Jr"]),
])
def test_name_lists_split_by_their_own_convention(text, names):
    assert [display_name(n) for n in split_names(text)] == names


@pytest.mark.parametrize("name", ["[No author name available]", "Anonymous", "et al.",
                                  "", "  ", "[Anonymous]", "others"])
def test_placeholders(name):
    assert is_placeholder(name)


@pytest.mark.parametrize("name", ["Anon Smith", "Al Khalili", "J. Doe", "Etal"])
def test_real_names_are_not_placeholders(name):
    assert not is_placeholder(name)


@pytest.mark.parametrize("affiliation, country", [
    ("Univ Jaen, Dept Comp Sci, Jaen 23071, Spain.", "Spain"),
    ("MIT, Cambridge, MA 02139 USA", "United States"),
    ("Stanford University, Stanford, CA, United States", "United States"),
    ("Dept CS, Univ Illinois, Urbana, IL 61801, U.S.A.", "United States"),
    ("Tsinghua Univ, Beijing 100084, Peoples R China", "China"),
    ("KAIST, Daejeon, Korea, Republic of", "Korea, Republic of"),
    ("Seoul National University, Seoul, South Korea", "Korea, Republic of"),
    ("Imperial Coll London, London SW7 2AZ, England", "United Kingdom"),
    ("University of Oxford, Oxford, UK", "United Kingdom"),
    ("Politechnika Poznańska, Poznań, Poland", "Poland"),
    ("Some Laboratory", None),
])
def test_countries_from_affiliations(affiliation, country):
    assert country_of(affiliation) == country


def test_countries_in_order_once_and_from_codes():
    assert countries_of(["A, Paris, France", "B, Lyon, France", "C, Tokyo, Japan"]) == [
        "France", "Japan"]
    assert country_from_code("it") == "Italy" and country_from_code("XX") is None


def test_keyword_lists():
    assert split_terms("graph;  citation ; graph") == ["graph", "citation"]
    assert split_terms("graph, citation") == ["graph", "citation"]
    assert scopus_terms("Sensitivity analysis, Consequence modeling; Losses") == [
        "Sensitivity analysis", "Consequence modeling", "Losses"]


def test_extra_cells_at_the_end_leave_columns_in_place():
    aligner = Aligner(["Title", "Year", "DOI", "EID"])
    row = ["A title", "2020", "10.1/x", "2-s2.0-1", "unlabelled", ""]
    assert aligner.align(row, "line 2") == row[:4]
    assert "at the end" in aligner.summary() and aligner.rows == 1


def test_extra_cell_in_the_middle_is_found_by_the_cells_around_it():
    aligner = Aligner(["Title", "Year", "Funding Text 1", "DOI", "EID"])
    row = ["A title", "2020", "first funder", "second funder", "10.1/x", "2-s2.0-1"]
    assert aligner.align(row, "line 2") == ["A title", "2020", "first funder", "10.1/x",
                                            "2-s2.0-1"]


def test_semicolon_csv_with_bom_and_multiline_cells(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes("\ufefftitle;authors;year;keywords\n"
                     "\"A title\nover two lines\";\"Doe, Jane; Roe, Ray\";2020;\"graphs; "
                     "citations\"\n"
                     "Second;[No author name available];2021;\n".encode())
    records, report = load(path)
    assert [r.title for r in records] == ["A title over two lines", "Second"]
    assert records[0].authors == ["Jane Doe", "Ray Roe"] and records[0].year == 2020
    assert records[0].keywords == ["graphs", "citations"]
    assert records[1].authors == [] and records[1].year == 2021
    assert report.records_seen[str(path)] == 2
