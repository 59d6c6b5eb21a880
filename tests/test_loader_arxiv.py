from conftest import FIXTURES, load, messages


def test_snapshot_lines():
    records, report = load("arxiv_snapshot.jsonl")
    new, old = records
    assert new.ids == {"arxiv": "2103.04567", "doi": "10.1234/jsd.2021.0042"}
    assert new.title == "Scalable Citation Graphs from Heterogeneous Sources"
    assert new.authors == ["Li Chen", "Ana Novák"]  # authors_parsed, LaTeX decoded
    assert new.date == "2021-03-08" and new.year == 2021  # first version
    assert new.venue == "J. Scholarly Data 12 (2021) 1-20"
    assert old.ids == {"arxiv": "hep-th/9901001"}
    assert old.authors == ["G. 't Hooft", "J. Müller", "K. Smith"]  # from the "authors" string
    assert old.title == "Old-Style Identifiers in the Early Archive"
    text = "\n".join(messages(report))
    assert "arxiv_snapshot.jsonl:line 3: error: not valid JSON" in text
    assert "line 4: error: record has no valid arXiv id" in text
    assert "line 6: error: expected an object, found list" in text
    assert not report.files_skipped


def test_atom_feed():
    records, _ = load("cross/query.atom")
    (paper,) = records
    assert paper.ids == {"arxiv": "2103.04567", "doi": "10.1234/jsd.2021.0042"}
    assert paper.title == "Scalable Citation Graphs from Heterogeneous Sources"
    assert paper.abstract.startswith("We merge records") and paper.date == "2021-03-08"
    assert paper.authors == ["Li Chen", "Ana Novak"]


def test_malformed_atom_is_repaired_and_reported():
    records, report = load("broken.atom")
    assert [r.title for r in records] == ["Readable Entry", "Broken Entry"]
    assert "broken.atom:line 5: warning: XML is not well-formed" in messages(report)[0]


def test_api_error_entry_is_reported():
    records, report = load("api_error.atom")
    assert records == [] and "arXiv API error: incorrect id format" in messages(report)[0]


def test_damaged_first_line_does_not_cost_the_file(tmp_path):
    lines = (FIXTURES / "arxiv_snapshot.jsonl").read_text().splitlines()
    damaged = tmp_path / "damaged.jsonl"
    damaged.write_text(lines[0][:80] + "\n" + lines[1] + "\n")
    records, report = load(damaged, fmt="arxiv-json")
    assert [r.ids["arxiv"] for r in records] == ["hep-th/9901001"]
    assert "damaged.jsonl:line 1: error: not valid JSON" in messages(report)[0]
