"""The Daily Papers loader: three layouts, trailers, dates, and malformed input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ABSTRACT_1, ABSTRACT_2, ABSTRACT_3, listing

import citegraph
from citegraph.graph import schema as S
from citegraph.loaders import InputError, LoadReport, iter_records


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def load(*paths: Path) -> tuple[list, LoadReport]:
    report = LoadReport()
    return list(iter_records(paths, report=report)), report


def test_layout_a_blocks(tmp_path):
    path = write(tmp_path, "a.txt", listing("Scaling Small Models", ABSTRACT_1,
                                            "Routing: Retrieval or Reading?", ABSTRACT_2))
    records, report = load(path)
    assert [r.title for r in records] == ["Scaling Small Models", "Routing: Retrieval or Reading?"]
    assert [r.abstract for r in records] == [ABSTRACT_1, ABSTRACT_2]
    assert report.issues == []
    assert records[0].provenance[0].location == "11"  # line of the title
    assert records[0].date is None and records[0].upvotes is None


def test_layout_b_trailers(tmp_path):
    text = listing(
        "Scaling Small Models", ABSTRACT_1, "  • 9 authors\n·\nAug 21",
        "Routing: Retrieval or Reading?", ABSTRACT_2, "tencent Tencent\n·\nDec 27, 2023 4",
        "Pruning by Criterion", ABSTRACT_3, "·\nJun 3 2",
        listing_date="Mar 5",
    )
    records, report = load(write(tmp_path, "b.txt", text))
    assert report.issues == []
    first, second, third = records
    assert first.authors_count == 9 and first.organization is None
    # the latest full date is in 2023, so the page lists 2024; Aug 21 lies after Mar 5
    # and therefore belongs to the year before the listing
    assert first.date == "2023-08-21" and first.year == 2023
    assert second.organization == "Tencent" and second.organization_handle == "tencent"
    assert second.date == "2023-12-27" and second.upvotes == 4
    assert third.date == "2023-06-03" and third.upvotes == 2 and third.authors_count is None


def test_layout_b_yearless_date_before_listing_takes_listing_year(tmp_path):
    text = listing("Scaling Small Models", ABSTRACT_1, "  • 2 authors\n·\nFeb 2",
                   "Pruning by Criterion", ABSTRACT_3, "  • 1 authors\n·\nMay 30, 2023",
                   listing_date="Nov 5")
    records, _ = load(write(tmp_path, "b.txt", text))
    assert records[0].date == "2024-02-02"
    assert records[1].date == "2023-05-30" and records[1].authors_count == 1


def test_layout_c_dense_with_glued_header(tmp_path):
    text = (
        "Get trending papers in your email inbox once a day!\n"
        "Get trending papers in your email inbox!\n"
        f"SubscribeNGAME: Negative Mining\n{ABSTRACT_1}\n"
        f"Layer Normalization\n{ABSTRACT_2}\n"
    )
    records, report = load(write(tmp_path, "c.txt", text))
    assert [r.title for r in records] == ["NGAME: Negative Mining", "Layer Normalization"]
    assert records[1].abstract == ABSTRACT_2
    assert [r.provenance[0].location for r in records] == ["3", "5"]
    assert report.issues == []


def test_same_paper_in_two_files_and_twice_in_one_is_one_node(tmp_path):
    a = write(tmp_path, "a.txt", listing("Scaling Small Models", ABSTRACT_1,
                                         "Scaling Small Models", ABSTRACT_1))
    b = write(tmp_path, "b.txt", listing("Pruning by Criterion", ABSTRACT_3,
                                         "Scaling Small Models", ABSTRACT_1))
    kg = citegraph.build([a, b])
    papers = {p[S.TITLE]: p for p in kg.papers}
    assert len(papers) == 2
    assert papers["Scaling Small Models"][S.PROVENANCE] == [f"{a}:11", f"{a}:15", f"{b}:15"]


def test_truncated_block_is_reported_and_earlier_papers_kept(tmp_path):
    text = listing("Scaling Small Models", ABSTRACT_1, "Routing: Retrieval or Reading?")
    records, report = load(write(tmp_path, "t.txt", text))
    assert [r.title for r in records] == ["Scaling Small Models"]
    [issue] = report.errors
    assert issue.location == "line 15" and "no abstract" in issue.message
    assert report.total_skipped == 1


def test_stray_line_is_reported_not_merged(tmp_path):
    text = listing("Scaling Small Models", ABSTRACT_1, "Load more papers",
                   "Routing: Retrieval or Reading?", ABSTRACT_2)
    records, report = load(write(tmp_path, "s.txt", text))
    assert [(r.title, r.abstract) for r in records] == [
        ("Scaling Small Models", ABSTRACT_1), ("Routing: Retrieval or Reading?", ABSTRACT_2)]
    [issue] = report.errors
    assert issue.location == "line 15" and "Load more papers" in issue.message


def test_stray_line_in_dense_layout(tmp_path):
    text = ("Get trending papers in your email inbox!\n"
            f"SubscribeScaling Small Models\n{ABSTRACT_1}\nRouting: Retrieval or Reading?\n"
            f"advertisement\n{ABSTRACT_2}\n")
    records, report = load(write(tmp_path, "c.txt", text))
    assert [r.title for r in records] == ["Scaling Small Models", "Routing: Retrieval or Reading?"]
    assert [i.location for i in report.errors] == ["line 5"]


def test_abstract_without_title_is_reported(tmp_path):
    text = listing("Scaling Small Models", ABSTRACT_1, ABSTRACT_3,
                   "Routing: Retrieval or Reading?", ABSTRACT_2)
    records, report = load(write(tmp_path, "x.txt", text))
    assert len(records) == 2
    assert [i.location for i in report.errors] == ["line 15"]


def test_empty_file_reported_and_empty_corpus_is_an_error(tmp_path):
    empty = write(tmp_path, "empty.txt", "")
    records, report = load(empty)
    assert records == [] and report.files_skipped == [str(empty)]
    assert "empty" in report.issues[0].message
    with pytest.raises(InputError, match="no papers found"):
        citegraph.build([empty])


def test_non_utf8_bytes_warn_with_line_and_keep_the_record(tmp_path):
    text = listing("Caf\xe9 Models", ABSTRACT_1).encode("cp1252")
    records, report = load(write(tmp_path, "latin.txt", text))
    assert records[0].title == "Café Models"
    [warning] = report.warnings
    assert warning.location == "line 11" and "UTF-8" in warning.message


def test_directory_with_a_non_listing_file(tmp_path):
    write(tmp_path, "a.txt", listing("Scaling Small Models", ABSTRACT_1))
    write(tmp_path, "notes.md", "# my reading notes\n\nnothing to see\n")
    write(tmp_path, ".hidden", "ignored")
    records, report = load(tmp_path)
    assert len(records) == 1
    assert report.files_skipped == [str(tmp_path / "notes.md")]
    assert "not a recognised" in report.issues[0].message


def test_missing_path_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load(tmp_path / "nope.txt")


# --- the example corpus -------------------------------------------------------------

_TRAILER_DATE = re.compile(r"^[A-Z][a-z]{2} \d{1,2}(, \d{4})?( \d+)?$")


def test_example_corpus_nodes_are_byte_identical_to_the_files(seeds_dir):
    report = LoadReport()
    kg = citegraph.build([seeds_dir], report=report,
                         options=citegraph_options_papers_only())
    assert report.issues == []
    titles = [p[S.TITLE] for p in kg.papers]
    assert len(titles) == len(set(titles))  # each distinct paper once
    lines_of = {f: f.read_text(encoding="utf-8").split("\n") for f in seeds_dir.iterdir()}
    for paper in kg.papers:
        for prov in paper[S.PROVENANCE]:
            source, lineno = prov.rsplit(":", 1)
            lines = lines_of[Path(source)]
            title_line = lines[int(lineno) - 1].removeprefix("Subscribe")
            assert title_line == paper[S.TITLE]
            following = [line for line in lines[int(lineno):] if line][0]
            assert following == paper[S.ABSTRACT]
    # every title line of every file became a node: count blocks independently
    total = sum(len(p[S.PROVENANCE]) for p in kg.papers)
    assert total == report.total_read == 586


def test_example_corpus_trailers_are_all_on_nodes(seeds_dir):
    kg = citegraph.build([seeds_dir], options=citegraph_options_papers_only())
    text = (seeds_dir / "002_8952fd423edcbd4b.txt").read_text(encoding="utf-8")
    counts = [int(n) for n in re.findall(r"^  • (\d+) authors?$", text, re.M)]
    dates = [line for line in text.split("\n")[12:] if _TRAILER_DATE.match(line)]
    upvoted = [line for line in dates if re.search(r"(\d{4}|\d{1,2}) \d+$", line)]
    orgs = re.findall(r"^(\S+) (.+)\n·$", text, re.M)
    papers = [p for p in kg.papers if any("002_" in x for x in p[S.PROVENANCE])]
    assert sorted(p[S.AUTHORS_COUNT] for p in papers if S.AUTHORS_COUNT in p) == sorted(counts)
    assert sum(1 for p in papers if S.DATE in p) == len(dates)
    assert sum(1 for p in papers if S.UPVOTES in p) == len(upvoted)
    assert sorted((p[S.ORGANIZATION_HANDLE], p[S.ORGANIZATION]) for p in papers
                  if S.ORGANIZATION in p) == sorted(orgs)
    synth = next(p for p in papers if p[S.TITLE].startswith("SynthCoder"))
    assert synth[S.DATE] == "2025-08-21" and synth[S.AUTHORS_COUNT] == 9


def citegraph_options_papers_only():
    """Build options for tests that look at papers only (no models loaded)."""
    from citegraph.graph.pipeline import BuildOptions

    return BuildOptions(entities=False, similarity=False, co_mention=False, citations=False)
