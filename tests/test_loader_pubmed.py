"""PubMed / MEDLINE (.nbib, pubmed-*.txt) read from real exports."""

import re
from pathlib import Path

import pytest
from conftest import FIXTURES, load, messages

from citegraph.loaders.detect import detect_format

PUBMED = FIXTURES / "real" / "pubmed"
SAMPLES = sorted(PUBMED.glob("fmt_*"))


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8").replace("\r\n", "\n")


def _blocks(text: str) -> list[str]:
    return [b for b in re.split(r"(?m)^(?=PMID- )", text) if b.startswith("PMID- ")]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_every_record_of_a_real_export_is_read(path):
    records, report = load(path)
    assert detect_format(path) == "pubmed"
    text = _text(path)
    assert len(records) == len(re.findall(r"(?m)^PMID- ", text)) > 0
    assert report.issues == []
    assert [r.ids["pmid"] for r in records] == re.findall(r"(?m)^PMID- (\d+)", text)
    lines = text.split("\n")
    for record in records:  # provenance is the PMID line
        assert lines[int(record.provenance[0].location.removeprefix("line ")) - 1].startswith(
            "PMID- ")


def test_fields_of_a_known_record():
    (scihub, workflows), _ = load(PUBMED / "fmt_manubot_bibliography.nbib")
    assert scihub.title == "Sci-Hub provides access to nearly all scholarly literature."
    assert scihub.ids == {"pmid": "29424689", "doi": "10.7554/elife.32822",
                          "pmcid": "PMC5832410"}
    assert (scihub.date, scihub.year, scihub.venue) == ("2018-03-01", 2018, "eLife")
    assert scihub.authors[:2] == ["Daniel S Himmelstein", "Ariel Rodriguez Romero"]
    assert scihub.author_affiliations[1] == "Bidwise, Inc, Miami, United States."
    assert len(scihub.author_affiliations) == len(scihub.authors) == len(scihub.author_ids) == 7
    assert scihub.author_ids[0] == {"orcid": "0000-0002-3012-7446"}  # from the ORCID URL
    assert "Sci-Hub" in scihub.keywords and scihub.language == "eng"
    # the abstract's <ext-link> markup is stripped, its text kept
    assert "https://greenelab.github.io/scihu b</ext-link> allows" not in scihub.abstract
    assert "Our interactive browser at https://greenelab.github.io/scihu b allows" in \
        scihub.abstract
    # "AUID- ORCID: 0000-…" (bare) belongs to the FAU above it, the second author
    assert workflows.author_ids == [{}, {"orcid": "0000-0001-8713-9213"}]
    # MeSH headings without qualifiers and major-topic stars
    assert workflows.index_terms[:3] == ["Computational Biology", "Gene Expression Profiling",
                                         "Machine Learning"]
    assert workflows.doc_type == ("Journal Article; Research Support, Non-U.S. Gov't; "
                                  "Research Support, N.I.H., Extramural")
    # DP "2017 Apr" names no day: the e-publication date of that year is the date
    assert (workflows.year, workflows.date) == (2017, "2017-03-13")


def test_affiliations_follow_their_authors_in_a_larger_export():
    path = PUBMED / "fmt_pubmed_mcda.txt"
    records, _ = load(path)
    for record, block in zip(records, _blocks(_text(path)), strict=True):
        fau = re.findall(r"(?m)^FAU - ", block)
        assert len(record.authors) == len(fau)
        if re.search(r"(?m)^AD  - ", block) and fau:
            assert len(record.author_affiliations) == len(record.authors)
        orcids = re.findall(r"(?m)^AUID- ORCID: (?:https?://orcid.org/)?(\S+)", block)
        assert [d["orcid"] for d in record.author_ids if d] == orcids
        pmc = re.search(r"(?m)^PMC - (PMC\d+)", block)
        assert record.ids.get("pmcid") == (pmc.group(1) if pmc else None)


def test_a_book_has_its_title_in_bti():
    records, _ = load(PUBMED / "fmt_pubmed_mcda.txt")
    book = records[-1]
    assert book.title.startswith("The impact of home energy efficiency interventions and "
                                 "winter fuel payments on")
    assert book.doc_type == "Review; Book" and book.ids["doi"] == "10.3310/phr06110"


def test_older_medline_records():
    records, _ = load(PUBMED / "fmt_metaknowledge_medline.txt")
    first = records[0]
    assert first.title == "Bioinformatic survey of ABC transporters in dermatophytes."
    assert first.authors == ["Marek Gadzalski", "Anita Ciesielska", "Pawel Staczek"]
    assert (first.date, first.venue) == ("2016-01-15", "Gene")
    assert first.ids == {"pmid": "26524502", "doi": "10.1016/j.gene.2015.10.064"}
    assert first.keywords == ["ABC transporters", "Dermatophytes", "Drug resistance",
                              "Phylogenetics"]


def test_a_broken_record_costs_only_itself(tmp_path):
    blocks = _blocks(_text(PUBMED / "fmt_pubmed_mcda.txt"))
    broken = list(blocks)
    broken[2] = re.sub(r"(?m)^TI  - .*(?:\n {6}.*)*\n", "", broken[2])  # no title
    broken[4] = re.sub(r"(?m)^DP  - .*$", "DP  - unknown", broken[4])  # no year
    broken[6] = broken[6].replace("\nLA  - ", "\nthis line is no field\nLA  - ", 1)
    path = tmp_path / "pubmed-broken.txt"
    path.write_text("".join(broken), encoding="utf-8")
    records, report = load(path)
    assert len(records) + len(report.errors) == len(blocks)
    assert [r.ids["pmid"] for r in records] == [
        re.match(r"PMID- (\d+)", b).group(1) for k, b in enumerate(blocks) if k != 2]
    written = path.read_text()
    third = written[: written.index(broken[2])].count("\n") + 1
    text = "\n".join(messages(report))
    assert f"pubmed-broken.txt:line {third}: error: record has no title" in text
    assert "DP 'unknown' is not a date" in text and "not a field line" in text
    assert records[3].year is None and records[3].title  # the record with the bad DP


def test_placeholder_authors_are_not_people(tmp_path):
    block = _blocks(_text(PUBMED / "fmt_manubot_bibliography.nbib"))[1]
    block = re.sub(r"(?m)^FAU - Beaulieu-Jones, Brett K$", "FAU - [No author name available]",
                   block)
    path = tmp_path / "one.nbib"
    path.write_text(block)
    (record,), _ = load(path)
    assert record.authors == ["Casey S Greene"]
    assert record.author_ids == [{"orcid": "0000-0001-8713-9213"}]


def test_exports_joined_into_one_file(tmp_path):
    parts = [PUBMED / "fmt_manubot_bibliography.nbib", PUBMED / "fmt_pubmed_mcda.txt"]
    joined = tmp_path / "all.nbib"
    joined.write_bytes(b"\xef\xbb\xbf" + b"\n\xef\xbb\xbf".join(p.read_bytes() for p in parts))
    records, report = load(joined)
    assert len(records) == sum(len(load(p)[0]) for p in parts) and report.issues == []
