"""Dimensions publication exports (CSV), recognised by ``Publication ID`` and ``Title``.

Dimensions writes a line of its own ("About the data: Exported on …") above the header.
``Authors`` reads ``Family, Given; Family, Given``; ``Authors Affiliations`` pairs each
author with their organisations as ``Family, Given (Org A; Org B); Family, Given (Org C)``,
so it is split on semicolons outside parentheses. Without it, the standardised research
organisations are the paper's affiliations.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from citegraph.loaders.affiliations import countries_of
from citegraph.loaders.authorship import AuthorMatcher, is_placeholder
from citegraph.loaders.common import add_id, arxiv_from_doi, iso_date, year_of
from citegraph.loaders.csv_rows import Row, count_cell, find_header, read_rows, split_cell
from citegraph.loaders.markup import strip_markup
from citegraph.loaders.names import display_name
from citegraph.loaders.problems import LoadReport
from citegraph.loaders.records import PaperRecord, Provenance
from citegraph.loaders.text import clean

FORMAT = "dimensions"
COLUMNS = frozenset({"Publication ID", "Title"})


def sniff(path: Path, head: str) -> bool:
    """A header row (under Dimensions' "About the data" line, if any) with its columns."""
    return find_header(head.splitlines(), COLUMNS) is not None


def read(path: Path, report: LoadReport) -> Iterator[PaperRecord]:
    """Yield one record per row; a row without a title is reported and skipped."""
    for location, row in read_rows(path, report, COLUMNS):
        title = clean(row.get("Title"))
        if not title:
            report.error(path, location, f"row {row.get('Publication ID')} has no title; "
                         "skipped")
            continue
        yield _record(row, title, path, location, report)


def _record(row: Row, title: str, path: Path, location: str,
            report: LoadReport) -> PaperRecord:
    ids: dict[str, str] = {}
    add_id(ids, "doi", row.get("DOI"))
    add_id(ids, "pmid", row.get("PMID"))
    add_id(ids, "pmcid", row.get("PMCID"))
    add_id(ids, "arxiv", arxiv_from_doi(ids.get("doi")))
    authors = [display_name(a) for a in split_cell(clean(row.get("Authors")))
               if not is_placeholder(a)]
    affiliations, per_author = _affiliations(row, authors)
    cited = count_cell(row.get("Times cited"))
    if cited is None and row.get("Times cited"):
        report.warning(path, location, f"Times cited {row.get('Times cited')!r} is not a "
                       "count; left empty")
    date = iso_date(row.get("Publication Date", "Publication Date (online)",
                            "Publication Date (print)"))
    return PaperRecord(
        title=title,
        abstract=strip_markup(row.get("Abstract")),
        authors=authors,
        date=date,
        year=year_of(row.get("PubYear")) or year_of(date),
        venue=clean(row.get("Source title", "Anthology title")) or None,
        ids=ids,
        provenance=[Provenance(str(path), location)],
        sources=[FORMAT],
        index_terms=split_cell(clean(row.get("MeSH terms"))),
        doc_type=clean(row.get("Document Type", "Publication Type")) or None,
        affiliations=affiliations,
        countries=countries_of(affiliations),
        author_affiliations=per_author,
        cited_by_count=cited,
        cited_by_source=FORMAT if cited is not None else None,
    )


def split_outside_parentheses(text: str, sep: str = ";") -> list[str]:
    """``text`` cut at ``sep`` where no parenthesis is open; parts stripped, blanks dropped."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(depth - 1, 0)
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _affiliations(row: Row, authors: list[str]) -> tuple[list[str], list[str]]:
    """Organisations in order, and per author those ``Authors Affiliations`` gives."""
    found: dict[str, None] = {}
    per_author: list[list[str]] = [[] for _ in authors]
    matcher = AuthorMatcher(authors)
    paired = False
    for entry in split_outside_parentheses(clean(row.get("Authors Affiliations"))):
        name, sep, rest = entry.partition("(")
        orgs = split_outside_parentheses(rest.rstrip().removesuffix(")")) if sep else []
        i = matcher.find(name.strip())
        for org in orgs:
            found.setdefault(org)
            if i is not None and org not in per_author[i]:
                per_author[i].append(org)
                paired = True
    if not found:
        for org in split_cell(clean(row.get("Research Organizations - standardized"))):
            found.setdefault(org)
    return list(found), (["; ".join(a) for a in per_author] if paired else [])
