from conftest import load, messages


def test_single_paper_with_references_and_citations():
    (paper,), _ = load("cross/s2.json")
    assert paper.ids == {"doi": "10.1234/jsd.2021.0042", "arxiv": "2103.04567",
                         "s2": "5c5751d45e298cea054f32b392c12c61027d2fe7"}
    assert paper.abstract == ""  # null abstract
    assert [r.title for r in paper.references] == [
        "Citation Indexing: Its Theory and Application", "A Work Nobody Loaded"]  # empty dropped
    assert paper.references[0].ids == {"doi": "10.1234/citation.indexing", "s2": "aa11"}
    assert [r.title for r in paper.cited_by] == ["A Later Survey of Citation Graphs"]


def test_batch_list_with_null_and_untitled():
    records, report = load("s2_batch.json")
    assert [r.ids["s2"] for r in records] == ["649def34f8be52c8b66281af98ae884c09aef38b"]
    text = "\n".join(messages(report))
    assert "s2_batch.json:item 2: error: expected an object, found null" in text
    assert "item 3: error: paper deadbeef has no title" in text


def test_endpoint_wrapper_and_truncated_list():
    (cited,), _ = load("s2_refs_endpoint.json")
    assert cited.ids == {"arxiv": "1706.03762", "s2": "f1"}
    records, report = load("truncated_s2.json")
    assert [r.title for r in records] == ["Complete Before the Cut"]
    assert "truncated_s2.json:item 2: error: not valid JSON" in messages(report)[0]


def test_pretty_printed_array_one_item_per_line(tmp_path):
    path = tmp_path / "batch.json"
    path.write_text('[\n{"paperId": "a", "title": "One"}\n,\n{"paperId": "b", "title": "Two"}\n]\n')
    records, report = load(path)
    assert [r.title for r in records] == ["One", "Two"] and not report.issues
