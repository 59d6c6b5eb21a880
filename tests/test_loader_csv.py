from conftest import load, messages

from citegraph.loaders.references import complete_reference


def parsed_ids(paper):
    """The identifiers of a record's references once their raw text is parsed (the build
    does this for every loader)."""
    return [complete_reference(r).ids for r in paper.references]


def test_scopus_layout_multiline_cells_and_references():
    records, report = load("scopus.csv")
    (paper,) = records
    assert paper.title == "Scalable citation graphs from heterogeneous sources"
    assert paper.authors == ["Li Chen", "Ana Novák"]  # "Author full names", ids dropped
    assert paper.venue == "Journal of Scholarly Data" and paper.year == 2021
    assert "second abstract line" in paper.abstract
    assert {r.raw_format for r in paper.references} == {"scopus"}
    assert parsed_ids(paper) == [{"doi": "10.1234/citation.indexing"}, {}]
    assert paper.references[1].title == "Networks of scientific papers"  # no DOI, still kept
    assert "scopus.csv:line 4: error: row has no title" in messages(report)[0]


def test_wos_tab_delimited_with_bom_and_quotes():
    records, _ = load("wos.txt")
    first, second = records
    assert first.authors == ["Li Chen", "Ana Novák"]  # AF preferred to AU
    assert first.abstract == 'We merge "records" from many sources.'  # quotes kept as text
    assert first.ids == {"doi": "10.1234/jsd.2021.0042", "wos": "WOS:000600000000001"}
    assert [ids["doi"] for ids in parsed_ids(first)] == [
        "10.1234/citation.indexing", "10.1126/science.149.3683.510"]
    assert second.authors == ["Jörg Müller"] and second.year == 2019


def test_ieee_springer_and_generic_layouts():
    (ieee,) = load("ieee.csv")[0]
    assert ieee.authors[0] == "K. He" and ieee.ids == {"doi": "10.1109/cvpr.2016.90"}
    assert ieee.venue.startswith("2016 IEEE Conference")
    (springer,) = load("springer.csv")[0]
    assert springer.authors == ["Li Chen", "Ana Novak", "Ronald McDonald"]
    assert springer.venue == "Scientometrics"
    (generic,) = load("generic_semicolon.csv")[0]
    assert generic.authors == ["Ada Lovelace", "Charles Babbage"] and generic.year == 1843


def test_wos_spreadsheet_columns_in_utf16():
    (paper,), report = load("wos_utf16.txt")
    assert report.formats[next(iter(report.formats))] == "csv"
    assert paper.title == "Scalable citation graphs from heterogeneous sources"
    assert paper.authors == ["Li Chen", "Ana Novák"] and paper.year == 2021
    assert parsed_ids(paper) == [{"doi": "10.1234/citation.indexing"}]


def test_unclosed_quote_ends_the_file_with_an_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text('title,year\nGood Row,2020\n"Unclosed,2021\n' + "x" * 100 + "\n")
    import csv

    limit = csv.field_size_limit(50)
    try:
        records, report = load(path)
    finally:
        csv.field_size_limit(limit)
    assert [r.title for r in records] == ["Good Row"]
    assert "bad.csv:line 3: error: CSV cannot be parsed" in messages(report)[0]
