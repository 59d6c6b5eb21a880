from conftest import by_title, load, messages


def test_fields_macros_and_latex():
    records, _ = load("library.bib")
    papers = by_title(records)
    attention = papers["Attention Is All You Need"]
    assert attention.venue == "Advances in Neural Information Processing Systems"  # @string
    assert attention.year == 2017
    assert attention.ids == {"doi": "10.5555/3295222.3295349"}
    assert attention.authors[:2] == ["Ashish Vaswani", "Noam Shazeer"]
    assert attention.abstract.startswith("The dominant") and "\n" not in attention.abstract
    cafe = papers["The Bayesian Café: Über-Priors for $\\alpha$-Divergences"]
    assert cafe.authors == ["Jörg Müller", "José García", "Søren Østergaard"]
    assert cafe.venue == "Journal of Machine Learning Research (Special Issue)"  # macro # text
    assert cafe.year == 2019  # a bare number


def test_crossref_and_name_parts():
    records, _ = load("library.bib")
    papers = by_title(records)
    child = papers["Graph Methods for Citation Analysis"]
    assert child.year == 2020 and child.venue == "Proceedings of the Workshop on Scholarly Graphs"
    assert child.authors == ["Min-Ji Lee", "Pieter van der Berg", "John Smith Jr."]
    assert "Proceedings of the Workshop on Scholarly Graphs" not in papers  # venue, not paper


def test_repeated_fields_duplicate_keys_and_bad_entries_are_reported():
    records, report = load("library.bib")
    papers = by_title(records)
    assert "First Title Wins" in papers and "Second Title Loses" not in papers
    assert papers["First Title Wins"].ids == {"arxiv": "2101.00001"}
    assert "Attention Is All You Need (duplicate key, same paper)" in papers
    text = "\n".join(messages(report))
    assert "record repeated2021 (line 36): warning: repeated field" in text
    assert "record vaswani2017attention" in text and "key used by an earlier entry" in text
    assert "record notitle2018 (line 50): error: entry has no title" in text
    assert "line 55: error: entry could not be parsed" in text  # the unclosed entry
    # two entries skipped for errors, and the crossref'd @proceedings passed over as a volume
    path = str(report.errors[0].path)
    assert report.records_skipped[path] == 3
    assert report.records_seen[path] == report.records_read[path] + 3
    assert "record ws2020 (line 29): info: @proceedings describes a volume" in text


def test_bom_and_latin1_bytes():
    records, report = load("bom_latin1.bib")
    assert records[0].title == "Straßenbahn Networks"
    assert records[0].authors == ["René Weiß"]
    assert any("not valid UTF-8" in str(w) and "line 2" in str(w) for w in report.warnings)


def test_empty_file_is_skipped_not_fatal():
    records, report = load("empty.bib")
    assert records == [] and report.files_skipped and "empty file" in messages(report)[0]
