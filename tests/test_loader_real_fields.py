"""Bibliometric fields that real exports carry reach the records: affiliations, countries,
PubMed ids and DOIs, each checked against what the file itself says, read here without
citegraph's loaders."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from citegraph.loaders import LoadReport, PaperRecord, iter_records
from citegraph.loaders.affiliations import country_of

REAL = Path(__file__).parent / "fixtures" / "real"


def _records(path: Path) -> list[PaperRecord]:
    report = LoadReport()
    records = list(iter_records([path], report=report))
    assert not report.errors, [str(e) for e in report.errors]
    return records


def _ris_records(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8-sig")
    return [r for r in re.split(r"^ER  -.*$", text, flags=re.MULTILINE) if "TY  -" in r]


def test_every_ris_address_line_is_an_affiliation() -> None:
    """Scopus RIS writes one ``AD`` line per affiliation; each is read, with its country."""
    path = REAL / "scopus" / "revtools_restoration_scopus.ris"
    raw = _ris_records(path)
    records = _records(path)
    assert len(records) == len(raw)
    several = 0
    for text, record in zip(raw, records, strict=True):
        lines = [" ".join(ln[6:].split()) for ln in text.splitlines() if ln.startswith("AD  -")]
        assert record.affiliations == list(dict.fromkeys(lines))
        assert set(record.countries) == {c for c in map(country_of, lines) if c}
        several += len(lines) > 1
    assert several >= 10  # the file has records with two and more addresses
    assert sum(len(set(r.countries)) > 1 for r in records) >= 3


def test_dimensions_user_fields_give_pubmed_ids() -> None:
    path = REAL / "dimensions" / "citesource_dimensions.ris"
    raw = _ris_records(path)
    records = _records(path)
    for text, record in zip(raw, records, strict=True):
        pmid = re.search(r"^U\d  - (\d+) \[PMID\]", text, re.MULTILINE)
        pmcid = re.search(r"^U\d  - (PMC\d+) \[PMCID\]", text, re.MULTILINE)
        assert record.ids.get("pmid") == (pmid.group(1) if pmid else None)
        assert record.ids.get("pmcid") == (pmcid.group(1) if pmcid else None)
    assert sum("pmcid" in r.ids for r in records) >= 5


def test_wos_bibtex_addresses_give_countries_and_pair_with_authors() -> None:
    """``Affiliation`` lines ("Surname, Given; Surname, Given, Address") are read as
    addresses without the names, paired with those authors, and name the countries; the
    bare organisation names of ``Affiliations`` are not taken instead."""
    records = _records(REAL / "wos" / "pybibx_wos_mcda.bib")
    assert all(r.countries for r in records)
    adunlin = next(r for r in records if "Georges Adunlin" in r.authors)
    assert adunlin.countries == ["United States"]
    assert adunlin.affiliations[0].startswith("Florida A&M Univ, Coll Pharm")
    assert not any("Adunlin" in a or "Montero" in a for a in adunlin.affiliations)
    by_author = dict(zip(adunlin.authors, adunlin.author_affiliations, strict=True))
    assert by_author["Alberto J. Montero"].startswith("Cleveland Clin")
    assert by_author["Hong Xiao"].startswith("Florida A&M Univ")


def test_wos_bibtex_dois_lose_their_latex_escapes() -> None:
    path = REAL / "wos" / "pybibx_wos_mcda.bib"
    escaped = re.findall(r"^DOI = \{(.+)\},$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert any("\\_" in d for d in escaped)
    dois = {r.ids.get("doi") for r in _records(path)}
    for doi in escaped:
        assert doi.replace("\\_", "_").lower() in dois


def test_short_doi_gives_way_to_the_full_doi_of_the_link() -> None:
    path = REAL / "csl" / "bbt_better_csl_json.json"
    items = json.loads(path.read_text(encoding="utf-8"))
    by_title = {r.title: r for r in _records(path)}
    checked = 0
    for item in items:
        url = item.get("URL", "")
        if item.get("DOI", "").startswith("10/") and url.startswith("https://doi.org/"):
            assert by_title[item["title"]].ids["doi"] == url.removeprefix(
                "https://doi.org/").lower()
            checked += 1
    assert checked >= 10


def test_ieee_na_is_no_affiliation() -> None:
    records = _records(REAL / "ieee" / "lpwan_ieeexplore.csv")
    assert not any(a == "NA" for r in records for a in r.affiliations)
    assert not any(a == "NA" for r in records for a in r.author_affiliations)
    szabo = next(r for r in records if r.title.startswith("Smartphone Based HD Map"))
    assert szabo.countries == ["Hungary"]


@pytest.mark.parametrize(("affiliation", "country"), [
    ("2 Magyar Tudósok körútja, Budapest, Hungary H-1117", "Hungary"),
    ("Harvard Med Sch, Boston, MA 02115 USA.", "United States"),
    ("Univ Lisbon, P-1049 Lisbon, Portugal", "Portugal"),
])
def test_country_before_a_postcode(affiliation: str, country: str) -> None:
    assert country_of(affiliation) == country


def test_a_hash_inside_a_braced_value_is_text() -> None:
    """``#`` joins values only outside braces and quotes: "ECT #11" and an address's
    "#1204" stay as written, while a real concatenation is still resolved."""
    sciencedirect = _records(REAL / "sciencedirect" / "llminmde_sciencedirect.bib")
    assert any("By ECT #11, the patient" in r.abstract for r in sciencedirect)
    scopus = _records(REAL / "scopus" / "pybibx_scopus_m.bib")
    assert any("Chastain Rd., #1204, United States" in a for r in scopus for a in r.affiliations)


def test_concatenations_and_hashes_in_one_file(tmp_path: Path) -> None:
    path = tmp_path / "hash.bib"
    path.write_text('@string{j = "Journal"}\n'
                    '@article{a, title = {Learning C# in 21 days}, journal = j # " of X",\n'
                    '  abstract = "Tagged #data and C#.", year = 2020}\n'
                    '@article{b, title = "C#" # { and F#}, year = 2021}\n', encoding="utf-8")
    records = _records(path)
    assert [(r.title, r.venue) for r in records] == [
        ("Learning C# in 21 days", "Journal of X"), ("C# and F#", None)]
    assert records[0].abstract == "Tagged #data and C#."


def test_html_character_references_are_decoded() -> None:
    acm = _records(REAL / "acm" / "interop_acm.bib")
    raw = (REAL / "acm" / "interop_acm.bib").read_text(encoding="utf-8")
    assert "&\\#38;" in raw
    assert any(r.venue and "Mobile Computing & Multimedia" in r.venue for r in acm)
    assert not any("&#" in (r.venue or "") + r.title + r.abstract for r in acm)
    sciencedirect = _records(REAL / "sciencedirect" / "interop_sciencedirect.bib")
    assert any("future R&I (Research and Innovation)" in r.abstract for r in sciencedirect)
