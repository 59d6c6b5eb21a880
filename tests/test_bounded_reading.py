"""Reading stays per file and bounded: line splitting, encodings, gzip damage, the field
and record bounds, and the per-record guard, each on small inputs written here."""

from __future__ import annotations

import gzip
import json
import re

import pytest

from citegraph.loaders import LoadReport, iter_records
from citegraph.loaders.common import Fields, SkipRecord, each_record
from citegraph.loaders.textio import _split_lines, iter_lines

ARXIV = ('{{"id": "2101.{n:05d}", "title": "Paper {n}", "abstract": "", '
         '"update_date": "2021-01-01"}}')


def _lines(data: bytes, chunk: int, max_len: int = 100) -> list[bytes | None]:
    pieces = (data[k : k + chunk] for k in range(0, len(data), chunk))
    return list(_split_lines(pieces, max_len))


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 1000])
def test_line_endings_are_universal_wherever_chunks_are_cut(chunk):
    data = b"a\r\nb\rc\n\r\nd\re"
    assert _lines(data, chunk) == [b"a", b"b", b"c", b"", b"d", b"e"]


@pytest.mark.parametrize("chunk", [3, 50, 1000])
def test_an_overlong_line_is_dropped_as_it_streams(chunk):
    data = b"short\n" + b"x" * 500 + b"\nafter\n"
    assert _lines(data, chunk) == [b"short", None, b"after"]


@pytest.mark.parametrize("codec,bom", [("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"),
                                       ("utf-16-le", b""), ("utf-16-be", b"")])
def test_utf16_with_or_without_bom(tmp_path, codec, bom):
    path = tmp_path / "t.txt"
    path.write_bytes(bom + "first Zürich\r\nsecond\r\n".encode(codec))
    assert list(iter_lines(path)) == [(1, "first Zürich"), (2, "second")]


def test_nul_bytes_are_dropped_with_a_warning_naming_the_line(tmp_path):
    path = tmp_path / "t.txt"
    path.write_bytes(b"one\ntw\x00o\n")
    report = LoadReport()
    assert list(iter_lines(path, report)) == [(1, "one"), (2, "two")]
    assert [str(i) for i in report.issues] == [f"{path}:line 2: warning: NUL bytes removed"]


def _gz_lines(n: int) -> bytes:
    return gzip.compress("".join(ARXIV.format(n=k) + "\n" for k in range(1, n + 1)).encode(),
                         mtime=0)


def test_truncated_gzip_keeps_the_records_before_the_cut(tmp_path):
    data = _gz_lines(2000)
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    report = LoadReport()
    records = list(iter_records([path], report=report))
    assert len(records) > 100
    assert report.records_read[str(path)] + report.records_skipped[str(path)] == \
        len(records) + 1  # the line the cut went through is reported, not lost
    assert any("truncated gzip file" in i.message for i in report.errors)


def test_a_corrupt_gzip_does_not_stop_the_next_file(tmp_path):
    bad, good = tmp_path / "a.jsonl.gz", tmp_path / "b.jsonl"
    data = bytearray(_gz_lines(50))
    data[2] = 7  # unknown compression method
    bad.write_bytes(bytes(data))
    good.write_text(ARXIV.format(n=1) + "\n")
    report = LoadReport()
    assert [r.title for r in iter_records([bad, good], report=report)] == ["Paper 1"]
    assert report.files_skipped == [str(bad)]


def test_record_bound_skips_a_long_line_and_counts_it(tmp_path, monkeypatch):
    monkeypatch.setenv("CITEGRAPH_MAX_RECORD_BYTES", "500")
    path = tmp_path / "x.jsonl"
    long = json.loads(ARXIV.format(n=2))
    long["abstract"] = "y" * 1000
    path.write_text("\n".join([ARXIV.format(n=1), json.dumps(long), ARXIV.format(n=3)]) + "\n")
    report = LoadReport()
    assert [r.title for r in iter_records([path], report=report)] == ["Paper 1", "Paper 3"]
    assert report.records_skipped[str(path)] == 1
    assert "line 2: error: line longer than 500 bytes" in str(report.errors[0])


def test_field_bound_cuts_with_a_warning_naming_the_field(tmp_path, monkeypatch):
    monkeypatch.setenv("CITEGRAPH_MAX_FIELD_CHARS", "100")
    path = tmp_path / "x.jsonl"
    obj = json.loads(ARXIV.format(n=1))
    obj["abstract"] = "word " * 100
    path.write_text(json.dumps(obj) + "\n")
    report = LoadReport()
    (record,) = iter_records([path], report=report)
    assert len(record.abstract) <= 100
    assert "line 1: warning: field 'abstract': 500 characters, over the 100 bound" in str(
        report.warnings[0])


def test_whole_file_bound_reads_up_to_it_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("CITEGRAPH_MAX_WHOLE_FILE_BYTES", "2000")
    path = tmp_path / "x.bib"
    path.write_text("".join(f"@article{{k{n}, title = {{Entry {n}}}}}\n" for n in range(200)))
    report = LoadReport()
    titles = [r.title for r in iter_records([path], report=report)]
    assert 10 < len(titles) < 200 and titles[0] == "Entry 0"
    assert any("CITEGRAPH_MAX_WHOLE_FILE_BYTES" in i.message for i in report.errors)


def test_each_record_turns_any_failure_into_a_located_skip(tmp_path):
    report = LoadReport()

    def parse(item: object, f: Fields) -> str:
        if item == "skip":
            raise SkipRecord("no title")
        if item == "boom":
            raise KeyError("surprise")
        return f.text({"t": item}, "t")

    items = [("line 1", "a"), ("line 2", "skip"), ("line 3", "boom"), ("line 4", 5)]
    assert list(each_record(items, parse, tmp_path / "f", report)) == ["a", "5"]
    messages = [str(i).split(": ", 1)[1] for i in report.issues]
    assert messages == ["error: no title; skipped",
                        "error: record could not be read (KeyError: 'surprise'); skipped",
                        "warning: field 't': expected text, found a number; read as text"]
    assert report.records_skipped[str(tmp_path / "f")] == 2


@pytest.mark.parametrize("value,kept", [(12345, "12345"), (["a"], ""), ({"a": 1}, ""),
                                        (True, ""), (None, "")])
def test_wrongly_typed_title_degrades_that_field_only(tmp_path, value, kept):
    path = tmp_path / "w.jsonl"
    lines = [{"paperId": "a1", "title": "Before"}, {"paperId": "b2", "title": value,
                                                    "abstract": "Kept abstract"},
             {"paperId": "c3", "title": "After"}]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    report = LoadReport()
    titles = [r.title for r in iter_records([path], report=report)]
    assert titles == ["Before", *([kept] if kept else []), "After"]
    assert report.records_read[str(path)] + report.records_skipped[str(path)] == 3


def test_terminal_escapes_in_messages_are_shown_escaped(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": "bad\\u001b[2J", "title": "x", "update_date": "2021-01-01", '
                    '"abstract": ""}\n' + ARXIV.format(n=1) + "\n")
    report = LoadReport()
    list(iter_records([path], report=report))
    assert not any(re.search(r"[\x00-\x1f]", str(i)) for i in report.issues)
    assert "\\x1b[2J" in str(report.errors[0])


def test_gzip_members_and_zero_padding_read_as_one_stream(tmp_path):
    path = tmp_path / "multi.jsonl.gz"
    path.write_bytes(gzip.compress((ARXIV.format(n=1) + "\n").encode()) + b"\0" * 5
                     + gzip.compress((ARXIV.format(n=2) + "\n").encode()) + b"\0" * 9)
    report = LoadReport()
    assert [r.title for r in iter_records([path], report=report)] == ["Paper 1", "Paper 2"]
    assert not report.issues


def test_a_bib_file_quoting_a_ris_line_is_read_as_bibtex(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text("% exported notes:\n% TY  - JOUR\n\n@article{a, title = {Kept}}\n")
    report = LoadReport()
    assert [r.title for r in iter_records([path], report=report)] == ["Kept"]
    assert report.formats[str(path)] == "bibtex"


def test_ris_text_between_records_and_a_missing_er_cost_no_record(tmp_path):
    path = tmp_path / "x.ris"
    path.write_text("1.\nTY  - JOUR\nTI  - First\nER  - \n\n2.\nTY  - JOUR\nTI  - Second\n\n"
                    "TY  - JOUR\nTI  - Third\nER  - \n")
    report = LoadReport()
    assert [r.title for r in iter_records([path], report=report)] == ["First", "Second",
                                                                       "Third"]
    # record numbers between records are passed over; the record missing its ER is warned of
    assert [(i.severity, i.location) for i in report.issues] == [("warning", "line 7")]


def _s2_items(n: int) -> list[str]:
    return [json.dumps({"paperId": f"p{k}", "title": f"Array paper {k}", "abstract": "a" * 200})
            for k in range(n)]


def test_a_json_array_streams_past_the_whole_file_bound(tmp_path, monkeypatch):
    monkeypatch.setenv("CITEGRAPH_MAX_WHOLE_FILE_BYTES", "5000")
    path = tmp_path / "big.json"
    path.write_text("[\n" + ",\n".join(_s2_items(300)) + "\n]\n")
    report = LoadReport()
    assert len(list(iter_records([path], report=report))) == 300
    assert not report.issues


def test_an_api_page_over_the_bound_is_read_item_by_item(tmp_path, monkeypatch):
    monkeypatch.setenv("CITEGRAPH_MAX_WHOLE_FILE_BYTES", "5000")
    path = tmp_path / "page.json"
    path.write_text('{"total": 300, "data": [\n' + ",\n".join(_s2_items(300)) + "\n]}\n")
    report = LoadReport()
    assert len(list(iter_records([path], report=report))) == 300
    assert "the items of its 'data' list are read one by one" in report.errors[0].message


def test_json_array_memory_does_not_grow_with_the_file(tmp_path):
    import tracemalloc

    def peak(n: int) -> int:
        path = tmp_path / f"a{n}.json"
        path.write_text("[\n" + ",\n".join(_s2_items(n)) + "\n]\n")
        tracemalloc.start()
        assert sum(1 for _ in iter_records([path], report=LoadReport())) == n
        top = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return top

    peak(200)  # warm caches
    assert peak(6000) < peak(600) * 1.5 + 256 * 1024
