"""Lens.org scholarly CSV (a real export) and Dimensions CSV (the export's column layout)."""

import csv
import io

from conftest import FIXTURES, load, messages

from citegraph.loaders.detect import detect_format

LENS = FIXTURES / "real" / "lens" / "fmt_bibliometrix_lens_sample.csv"
#: No public Dimensions export was found; this file is laid out like one (see SOURCES.md).
DIMENSIONS = FIXTURES / "fmt_dimensions_constructed.csv"


def _rows(path, skip: int = 0) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text.split("\n", skip)[-1] if skip else text)))


def test_lens_export_every_row_and_its_fields():
    records, report = load(LENS)
    rows = _rows(LENS)
    assert detect_format(LENS) == "lens" and report.issues == []
    assert [r.title for r in records] == [row["Title"] for row in rows]
    first = records[0]
    assert first.authors[:3] == ["Petar Radanliev", "David De Roure", "Max Van Kleek"]
    assert (first.date, first.year) == ("2020-11-22", 2020)
    assert first.venue == "Environment systems & decisions"
    assert first.ids == {"doi": "10.1007/s10669-020-09792-x", "pmid": "33251087",
                         "pmcid": "PMC7680653"}
    assert first.keywords[:2] == ["Cyber risk regulations", "Cyber risk self-assessment"]
    assert (first.cited_by_count, first.cited_by_source) == (10, "lens")
    assert first.doc_type == "journal article"
    # cited works are Lens ids only: kept as raw text, not as identifiers to match on
    assert [r.raw for r in first.references] == rows[0]["References"].split("; ")
    assert all(r.ids == {} and r.raw_format == "lens" for r in first.references)
    # "NA" (no PubMed id) is no identifier
    assert "pmid" not in records[1].ids
    # a JATS abstract is flattened to text
    assert records[2].abstract.startswith("Worldwide scientific publications on the")
    assert "<jats:p>" not in records[2].abstract
    assert [r.provenance[0].location for r in records] == [
        f"line {n}" for n in range(2, 2 + len(rows))]


def test_a_broken_lens_row_costs_only_itself(tmp_path):
    rows = _rows(LENS)
    rows[1]["Title"] = ""
    rows[3]["Citing Works Count"] = "many"
    path = tmp_path / "lens-export.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), quoting=csv.QUOTE_ALL)
        writer.writeheader()
        writer.writerows(rows)
    records, report = load(path)
    assert len(records) + len(report.errors) == len(rows)
    assert [r.title for r in records] == [row["Title"] for row in rows if row["Title"]]
    text = "\n".join(messages(report))
    assert f"lens-export.csv:line 3: error: row {rows[1]['Lens ID']} has no title" in text
    assert "Citing Works Count 'many' is not a count" in text
    assert records[2].cited_by_count is None and records[2].ids["doi"]


def test_dimensions_export_under_its_about_line():
    records, report = load(DIMENSIONS)
    rows = _rows(DIMENSIONS, skip=1)
    assert detect_format(DIMENSIONS) == "dimensions" and report.issues == []
    assert [r.title for r in records] == [row["Title"] for row in rows]
    assert [r.provenance[0].location for r in records] == ["line 3", "line 4", "line 5"]
    scihub, workflows, rocks = records
    assert scihub.authors[:2] == ["Daniel S Himmelstein", "Ariel Rodriguez Romero"]
    assert scihub.ids == {"doi": "10.7554/elife.32822", "pmid": "29424689",
                          "pmcid": "PMC5832410"}
    assert (scihub.date, scihub.year, scihub.venue) == ("2018-03-01", 2018, "eLife")
    assert (scihub.cited_by_count, scihub.cited_by_source) == (200, "dimensions")
    assert scihub.doc_type == "Research Article"
    assert len(scihub.author_affiliations) == len(scihub.authors) == 7
    assert scihub.author_affiliations[1] == "Bidwise, Inc"  # a comma inside a name
    # parentheses inside an organisation's name do not end its author's list
    assert workflows.author_affiliations == [
        "University of Pennsylvania (Penn); Perelman School of Medicine",
        "University of Pennsylvania (Penn)"]
    assert workflows.index_terms == ["Computational Biology", "Gene Expression Profiling",
                                     "Machine Learning"]
    # without per-author affiliations, the standardised organisations are the paper's
    assert rocks.affiliations == ["University of Adelaide", "University of South Australia"]
    assert rocks.author_affiliations == [] and rocks.countries == ["Australia"]


def test_dimensions_without_about_line_and_with_a_broken_row(tmp_path):
    header, *rows = csv.reader(DIMENSIONS.read_text(encoding="utf-8-sig").splitlines()[1:])
    rows[1][header.index("Title")] = ""
    rows[2][header.index("Times cited")] = "n/a"
    path = tmp_path / "Dimensions-Publication.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh, quoting=csv.QUOTE_ALL).writerows([header, *rows])
    records, report = load(path)
    assert detect_format(path) == "dimensions"
    assert [r.ids["doi"] for r in records] == ["10.7554/elife.32822", "10.1093/gji/ggz376"]
    text = "\n".join(messages(report))
    assert "Dimensions-Publication.csv:line 3: error: row pub.1100000002 has no title" in text
    assert "Times cited 'n/a' is not a count" in text
    assert len(records) + len(report.errors) == len(rows)


def test_other_spreadsheets_still_go_to_the_csv_loader():
    for name in ("scopus.csv", "wos.txt", "ieee.csv", "springer.csv", "generic_semicolon.csv"):
        assert detect_format(FIXTURES / name) == "csv"
