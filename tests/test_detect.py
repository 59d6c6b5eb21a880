import pytest
from conftest import FIXTURES, load

from citegraph.loaders import InputError, iter_records
from citegraph.loaders.detect import detect_format

EXPECTED = {
    "library.bib": "bibtex",
    "export.ris": "ris",
    "scopus.csv": "csv",
    "wos.txt": "csv",
    "cross/query.atom": "arxiv-atom",
    "arxiv_snapshot.jsonl": "arxiv-json",
    "cross/s2.json": "s2",
    "s2_batch.json": "s2",
    "cross/works.json": "openalex",
    "openalex_works.jsonl": "openalex",
    "notes.txt": None,
}


@pytest.mark.parametrize(("name", "fmt"), EXPECTED.items())
def test_detected_from_content(name, fmt):
    assert detect_format(FIXTURES / name) == fmt


def test_content_wins_over_a_misleading_extension(tmp_path):
    mislabelled = tmp_path / "export.txt"
    mislabelled.write_bytes((FIXTURES / "cross" / "mine.bib").read_bytes())
    assert detect_format(mislabelled) == "bibtex"
    jsonl_named_json = tmp_path / "papers.json"
    jsonl_named_json.write_bytes((FIXTURES / "arxiv_snapshot.jsonl").read_bytes())
    assert detect_format(jsonl_named_json) == "arxiv-json"


def test_directory_mixes_formats_and_format_can_be_forced():
    records, report = load("cross")
    assert sorted(set(report.formats.values())) == ["arxiv-atom", "bibtex", "openalex", "s2"]
    assert len(records) == 5
    forced, report = load("cross/mine.bib", fmt="bibtex")
    assert len(forced) == 2
    with pytest.raises(InputError):
        list(iter_records([FIXTURES / "cross"], fmt="endnote"))


def test_glob_patterns(fixtures):
    records = list(iter_records([str(fixtures / "cross" / "*.json")]))
    assert {r.sources[0] for r in records} == {"s2", "openalex"}


def test_a_file_with_no_records_says_so(tmp_path):
    path = tmp_path / "only-comments.bib"
    path.write_text("% exported, but the library was empty\n")
    records, report = load(path)
    assert records == [] and "read as bibtex, but no records found" in str(report.warnings[0])
