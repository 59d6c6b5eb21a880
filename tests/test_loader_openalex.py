import gzip
import shutil

from conftest import FIXTURES, load, messages

from citegraph.loaders.openalex import abstract_from_index


def test_api_response_with_inverted_abstract_and_references():
    (work,), _ = load("cross/works.json")
    assert work.ids == {"openalex": "W3000000001", "doi": "10.1234/jsd.2021.0042"}
    assert work.abstract == "We merge records from many sources: records become papers."
    assert work.authors == ["Li Chen", "Ana Novák"] and work.venue == "Journal of Scholarly Data"
    assert [r.ids for r in work.references] == [{"openalex": "W1000000007"},
                                                 {"openalex": "W1000000008"}]
    assert work.date == "2021-03-08" and work.year == 2021


def test_json_lines_gzipped(tmp_path):
    packed = tmp_path / "works.jsonl.gz"
    with open(FIXTURES / "openalex_works.jsonl", "rb") as src, gzip.open(packed, "wb") as dst:
        shutil.copyfileobj(src, dst)
    records, report = load(packed)
    (work,) = records
    assert report.formats[str(packed)] == "openalex"
    assert work.ids == {"openalex": "W2000000001", "arxiv": "2201.00001"}  # arXiv location
    assert work.authors == ["Jane Doe", "Raw Only"]
    # a work with neither a title nor references is reported, with its line, not kept
    assert "line 2: error: work https://openalex.org/W2000000002 has no title" \
        in messages(report)[0]
    assert report.records_skipped[str(packed)] == 1


def test_truncated_object_skips_the_file_with_a_reason():
    records, report = load("truncated_openalex.json")
    assert records == [] and report.files_skipped
    assert "not valid JSON" in messages(report)[0]


def test_abstract_rebuilt_in_position_order():
    assert abstract_from_index({"b": [1, 3], "a": [0], "c": [2]}) == "a b c b"
    assert abstract_from_index(None) == ""
