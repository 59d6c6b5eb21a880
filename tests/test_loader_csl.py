"""CSL-JSON and Crossref API works read from real files."""

import json

import pytest
from conftest import FIXTURES, load, messages

from citegraph.loaders.detect import detect_format

CSL = FIXTURES / "real" / "csl"
#: A Crossref API answer for one work (an envelope, not a CSL list: kept out of ``real/``,
#: whose files are counted as lists of items).
GJI = FIXTURES / "api" / "fmt_crossref_work_gji.json"
DEEP = CSL / "fmt_manubot_crossref_deep_review.json"  # Crossref's CSL, with references
PANDOC = CSL / "fmt_manubot_bibliography.json"  # a pandoc/Zotero CSL bibliography


def _items(path) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [data["message"]] if "message" in data else data


@pytest.mark.parametrize("path", [*sorted(CSL.glob("fmt_*.json")), GJI], ids=lambda p: p.name)
def test_every_item_of_a_real_file_is_read(path):
    records, report = load(path)
    assert detect_format(path) == "csl-json"
    assert len(records) == len(_items(path)) and report.issues == []
    assert [r.provenance[0].location for r in records] == [
        f"item {k}" for k in range(1, len(records) + 1)]


def test_a_crossref_work_with_jats_abstract_affiliations_and_orcid():
    (work,), _ = load(GJI)
    assert work.title == ("A new compositionally based thermal conductivity model for "
                          "plutonic rocks")
    assert work.authors == ["S Jennings", "D Hasterok", "J Payne"]
    assert work.author_ids == [{"orcid": "0000-0003-3762-7336"}, {}, {}]
    adelaide = ("Department of Earth Sciences, University of Adelaide, North Terrace, SA 5005, "
                "Australia")
    assert work.author_affiliations[0] == adelaide
    assert work.author_affiliations[1] == (
        f"{adelaide}; Mawson Centre for Geoscience, University of Adelaide, North Terrace, "
        "SA 5005, Australia")
    assert work.affiliations[0] == adelaide and len(set(work.affiliations)) == len(
        work.affiliations) == 3
    assert (work.year, work.date, work.venue) == (2019, "2019-08-16",
                                                  "Geophysical Journal International")
    assert (work.doc_type, work.language) == ("journal-article", "en")
    assert (work.cited_by_count, work.cited_by_source) == (12, "crossref")
    assert work.ids == {"doi": "10.1093/gji/ggz376"}
    # JATS: tags gone, paragraphs separated, the bare "SUMMARY" heading dropped
    assert work.abstract.startswith("Thermal conductivity is a physical parameter")
    assert "<jats" not in work.abstract and "</jats:p>" not in work.abstract
    assert "broadly applicable empirical relationships between composition and thermal " \
           "conductivity." in work.abstract


def test_crossref_references_keep_doi_title_and_unstructured_text():
    (work,), _ = load(DEEP)
    refs = _items(DEEP)[0]["reference"]
    described = [r for r in refs if {"DOI", "unstructured", "article-title", "volume-title"}
                 & set(r)]
    assert len(work.references) == len(described)
    assert sum(1 for r in work.references if "doi" in r.ids) == sum(
        1 for r in refs if "DOI" in r)
    raw = [r for r in work.references if r.raw]
    assert len(raw) == sum(1 for r in refs if r.get("unstructured"))
    assert all(r.raw_format == "crossref" for r in raw)
    third = work.references[2]
    assert (third.ids, third.title, third.year, third.authors, third.venue) == (
        {"doi": "10.1038/ncomms5308"},
        "Searching for exotic particles in high-energy physics with deep learning",
        2014, ["Baldi"], "Nat. Comm.")
    assert (work.year, work.date) == (2018, None)  # issued names a month only
    assert work.ids == {"doi": "10.1098/rsif.2017.0387", "pmid": "29618526",
                        "pmcid": "PMC5938574"}
    assert work.author_ids[0] == {"orcid": "0000-0002-5577-3516"}


def test_a_pandoc_bibliography_mixes_articles_and_web_pages():
    (scihub, page), _ = load(PANDOC)
    assert scihub.title == "Sci-Hub provides access to nearly all scholarly literature"
    assert scihub.authors[-1] == "Casey S Greene" and len(scihub.authors) == 7
    assert scihub.ids == {"doi": "10.7554/elife.32822", "pmid": "29424689",
                          "pmcid": "PMC5832410"}
    assert scihub.abstract.startswith("The website Sci-Hub enables users")
    assert page.doc_type == "webpage" and page.authors == []


def test_a_crossref_work_list_and_its_broken_items(tmp_path):
    items = [_items(GJI)[0], {"DOI": "10.1000/no-title", "type": "journal-article"},
             "not an object", _items(DEEP)[0]]
    path = tmp_path / "crossref-search.json"
    path.write_text(json.dumps({"status": "ok", "message-type": "work-list",
                                "message-version": "1.0.0",
                                "message": {"total-results": 4, "items": items}}))
    records, report = load(path)
    assert detect_format(path) == "csl-json"
    assert len(records) + len(report.errors) == len(items)
    assert [r.ids["doi"] for r in records] == ["10.1093/gji/ggz376", "10.1098/rsif.2017.0387"]
    # saved as the API sends it, on one line: items are named by that line and their place
    text = "\n".join(messages(report))
    assert "crossref-search.json:line 1 item 2: error: item 10.1000/no-title has no title" \
        in text
    assert "crossref-search.json:line 1 item 3: error: expected an object, found str" in text
    assert [r.provenance[0].location for r in records] == ["line 1 item 1", "line 1 item 4"]


def test_a_failed_crossref_answer_is_reported(tmp_path):
    path = tmp_path / "failed.json"
    path.write_text(json.dumps({"status": "failed", "message-type": "validation-failure",
                                "message": [{"type": "parameter-not-allowed"}]}))
    records, report = load(path)
    assert records == [] and "Crossref answered 'failed'" in messages(report)[0]


def test_json_lines_of_items_and_placeholder_authors(tmp_path):
    first, second = _items(PANDOC)[0], _items(GJI)[0]
    first = {**first, "author": [{"literal": "Anonymous"}, *first["author"]]}
    path = tmp_path / "items.jsonl"
    path.write_text(json.dumps(first) + "\n{broken\n" + json.dumps(second) + "\n")
    records, report = load(path)
    assert [r.title for r in records] == [
        "Sci-Hub provides access to nearly all scholarly literature",
        "A new compositionally based thermal conductivity model for plutonic rocks"]
    assert records[0].authors[0] == "Daniel S Himmelstein"  # the placeholder is no author
    assert "items.jsonl:line 2: error: not valid JSON" in messages(report)[0]
