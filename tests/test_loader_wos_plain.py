"""Web of Science plain text ("savedrecs.txt") read from real exports."""

import re
from pathlib import Path

import pytest
from conftest import FIXTURES, load, messages

from citegraph.loaders.detect import detect_format

WOS = FIXTURES / "real" / "wos"
SAMPLES = sorted(WOS.glob("fmt_*.txt"))


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_every_record_of_a_real_export_is_read(path):
    records, report = load(path)
    assert detect_format(path) == "wos"
    assert len(records) == len(re.findall(r"(?m)^ER$", _text(path))) > 0
    assert report.issues == []
    # each record's provenance is the line of its PT tag
    lines = _text(path).split("\n")
    for record in records:
        lineno = int(record.provenance[0].location.removeprefix("line "))
        assert lines[lineno - 1].startswith("PT ")


def test_fields_of_a_known_record():
    records, _ = load(WOS / "fmt_savedrecs_kth.txt")
    first = records[0]
    assert first.title == ("Circular economy metrics for batteries: Enhancing sustainability "
                           "in energy storage systems")
    assert first.authors == ["Xin Bin", "Jagruti Thakur"]  # AF full names
    assert (first.year, first.venue) == (2025, "SUSTAINABLE PRODUCTION AND CONSUMPTION")
    assert first.ids == {"doi": "10.1016/j.spc.2025.02.014", "wos": "WOS:001450006600001"}
    assert (first.doc_type, first.language) == ("Article", "English")
    assert first.keywords[:3] == ["Circularity Indicators", "Circular Economy",
                                  "Electric Vehicles (EVs) battery"]  # wrapped DE lines
    assert first.index_terms == ["TECHNOLOGIES", "INDICATORS", "STRATEGIES"]
    address = "KTH Royal Inst Technol, Dept Energy Technol, Stockholm, Sweden."
    assert first.affiliations == [address]
    assert first.author_affiliations == [address, address]
    assert (first.cited_by_count, first.cited_by_source) == (0, "wos")
    assert first.abstract.startswith("The transition to a circular economy (CE) is critical")
    assert first.countries == ["Sweden"]
    # AU spells "Björnson", AF "Bjornson, Emil": the full AF name wins
    assert records[1].authors[-1] == "Emil Bjornson"


def test_orcids_researcher_ids_and_pubmed_ids():
    records, _ = load(WOS / "fmt_savedrecs_video.txt")
    by_title = {r.title: r for r in records}
    video = by_title["Incremental Multimodal Query Construction for Video Search"]
    chang = video.authors.index("Xiaojun Chang")
    assert len(video.author_ids) == len(video.authors)
    assert video.author_ids[chang] == {"orcid": "0000-0002-7778-8807",
                                       "researcherid": "A-2055-2015"}
    # RI wraps inside an entry ("Chang,\n   Xiaojun/A-2055-2015") and is still matched
    assert video.author_ids[video.authors.index("Shoou-I Yu")] == {"researcherid": "Z-4199-2019"}
    pmids = {r.ids["pmid"] for r in records if "pmid" in r.ids}
    assert pmids == set(re.findall(r"(?m)^PM (\d+)$", _text(WOS / "fmt_savedrecs_video.txt")))


def test_cited_references_carry_doi_year_and_first_author():
    path = WOS / "fmt_bibliometrix_wos_sample.txt"
    records, _ = load(path)
    blocks = re.split(r"(?m)^ER$", _text(path))[:-1]
    for record, block in zip(records, blocks, strict=True):
        cr = re.search(r"(?m)^CR (.*(?:\n   .*)*)", block)
        lines = [" ".join(line.split()) for line in cr.group(1).split("\n")] if cr else []
        assert [r.raw for r in record.references] == lines  # whitespace runs squashed
        assert sum(1 for r in record.references if "doi" in r.ids) == sum(
            1 for line in lines if re.search(r"\bDOI \[?(?:DOI )*10\.", line))
        assert all(r.raw_format == "wos" for r in record.references)
    refs = [r for record in records for r in record.references]
    anselin = next(r for r in refs if r.raw.startswith("Anselin L, 2006"))
    assert (anselin.ids, anselin.year, anselin.authors) == (
        {"doi": "10.1111/j.0016-7363.2005.00671.x"}, 2006, ["Anselin L"])
    # the list form: "DOI [DOI 10.X, 10.x]" gives the first DOI, normalised
    bock = next(r for r in refs if r.raw.startswith("Bock R.D., 1997"))
    assert bock.ids == {"doi": "10.1111/j.1745-3992.1997.tb00605.x"}
    # "DOI DOI 1458990/FILE/..." is a broken link, not a DOI
    assert not any(r.ids for r in refs if r.raw.startswith("Persson O., 2009"))
    anonymous = next(r for r in refs if r.raw.startswith("[Anonymous], 2016, R: A Language"))
    assert (anonymous.authors, anonymous.year, anonymous.ids) == ([], 2016, {})


def test_addresses_without_author_brackets_pair_with_nobody():
    records, _ = load(WOS / "fmt_savedrecs_video.txt")
    first = records[0]
    assert first.affiliations == ["Tsing Hua Univ, Dept Elect Engn, Beijing 100084, "
                                  "Peoples R China."]
    assert first.author_affiliations == []


def _records_of(text: str) -> list[str]:
    return re.findall(r"(?ms)^PT .*?^ER$", text)


def test_a_broken_record_costs_only_itself(tmp_path):
    text = _text(WOS / "fmt_savedrecs_kth.txt")
    originals = _records_of(text)
    broken = list(originals)
    broken[1] = re.sub(r"(?m)^TI .*(?:\n   .*)*\n", "", broken[1])  # no title
    broken[2] = re.sub(r"(?m)^TC \d+$", "TC many", broken[2])  # unreadable count
    broken[3] = broken[3].removesuffix("ER")  # no ER: the next PT closes it
    path = tmp_path / "savedrecs.txt"
    path.write_text("FN Clarivate Analytics Web of Science\nVR 1.0\n"
                    + "\n\n".join(broken) + "\n\nEF\n", encoding="utf-8")
    records, report = load(path)
    assert len(records) + len(report.errors) == len(originals)
    assert len(records) == len(originals) - 1
    expected = _titles(originals)
    assert [r.title for r in records] == expected[:1] + expected[2:]
    written = path.read_text()
    second_pt = written[: written.index(broken[1])].count("\n") + 1
    text = "\n".join(messages(report))
    assert f"savedrecs.txt:line {second_pt}: error: record has no title" in text
    assert "TC 'many' is not a count" in text and "record has no ER line" in text
    z9 = int(re.search(r"(?m)^Z9 (\d+)$", broken[2]).group(1))
    assert records[1].cited_by_count == z9 and records[1].authors  # Z9 stands in for TC


def _titles(records: list[str]) -> list[str]:
    found = []
    for block in records:
        m = re.search(r"(?m)^TI (.*(?:\n   .*)*)", block)
        found.append(" ".join(part.strip() for part in m.group(1).split("\n")))
    return found


def test_placeholder_authors_are_not_people(tmp_path):
    block = _records_of(_text(WOS / "fmt_savedrecs_kth.txt"))[0]
    block = re.sub(r"(?m)^(AU|AF) .*(?:\n   .*)*", r"\1 [Anonymous]", block)
    path = tmp_path / "anonymous.txt"
    path.write_text(f"FN Clarivate Analytics Web of Science\nVR 1.0\n{block}\n\nEF\n")
    (record,), _ = load(path)
    assert record.authors == [] and record.author_affiliations == []


def test_exports_joined_into_one_file(tmp_path):
    parts = [WOS / "fmt_savedrecs_kth.txt", WOS / "fmt_savedrecs_video.txt"]
    joined = tmp_path / "all.txt"
    # as exported: no newline after EF; the second file starts with a BOM
    joined.write_bytes(b"".join(p.read_bytes().rstrip(b"\n") for p in parts))
    records, report = load(joined)
    assert len(records) == sum(len(load(p)[0]) for p in parts) and report.issues == []


def test_cited_references_with_dois_become_citations_in_the_graph():
    import citegraph
    from citegraph.graph import schema as S
    from citegraph.graph.pipeline import BuildOptions

    path = WOS / "fmt_savedrecs_video.txt"
    records, _ = load(path)
    options = BuildOptions(entities=False, similarity=False, co_mention=False, citations=False)
    kg = citegraph.build([path], options=options)
    cited = {(r.ids.get("doi") or r.ids.get("wos"), ref.ids["doi"])
             for r in records for ref in r.references if "doi" in ref.ids}
    edges = {(kg.node(a).get(S.DOI) or kg.node(a).get(S.WOS_UID), kg.node(b).get(S.DOI))
             for a, b, _, _ in kg.edges(S.CITES)}
    assert cited <= edges  # every reference with a DOI cites that DOI's paper
    # references without a DOI cite a stub known by author, year, volume and page; no
    # reference makes more than one edge
    lines = sum(len(r.references) for r in records)
    assert len(cited) < kg.stats()["edges"]["CITES"] <= lines
    stubs = [p for p in kg.papers if p.get(S.STUB)]
    assert {p["doi"] for p in stubs if p.get("doi")} <= {doi for _, doi in cited}


def test_a_record_that_lost_er_and_the_next_its_pt(tmp_path):
    originals = _records_of(_text(WOS / "fmt_savedrecs_kth.txt"))[:4]
    broken = list(originals)
    broken[1] = broken[1].removesuffix("ER")
    broken[2] = broken[2].split("\n", 1)[1]  # starts at its AU line
    path = tmp_path / "savedrecs.txt"
    path.write_text("FN Clarivate Analytics Web of Science\nVR 1.0\n"
                    + "\n".join(broken) + "\nEF\n")
    records, report = load(path)
    assert [r.title for r in records] == _titles(originals)
    assert [r.authors for r in records] == [r.authors for r in load(
        WOS / "fmt_savedrecs_kth.txt")[0][:4]]
    assert "record has no ER line" in messages(report)[0]
