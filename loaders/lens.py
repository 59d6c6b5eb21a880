"""Lens.org scholarly search exports (CSV): one row per work, recognised by ``Lens ID``.

Authors come in display order separated by ``;``; abstracts may carry Crossref's JATS
markup; ``References`` lists the Lens ids of cited works. Lens ids are not identifiers
the graph can match on, so each reference keeps its id as ``raw`` text only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from citegraph.loaders.authorship import is_placeholder
from citegraph.loaders.common import add_id, arxiv_from_doi, iso_date, year_of
from citegraph.loaders.csv_rows import Row, count_cell, find_header, read_rows, split_cell
from citegraph.loaders.markup import strip_markup
from citegraph.loaders.names import display_name
from citegraph.loaders.problems import LoadReport
from citegraph.loaders.records import PaperRecord, Provenance, Reference
from citegraph.loaders.text import clean

FORMAT = "lens"
COLUMNS = frozenset({"Lens ID", "Title"})


def sniff(path: Path, head: str) -> bool:
    """A header row with Lens's ``Lens ID`` and ``Title`` columns."""
    return find_header(head.splitlines(), COLUMNS) is not None


def read(path: Path, report: LoadReport) -> Iterator[PaperRecord]:
    """Yield one record per row; a row without a title is reported and skipped."""
    for location, row in read_rows(path, report, COLUMNS):
        title = clean(row.get("Title"))
        if not title:
            report.error(path, location, f"row {row.get('Lens ID')} has no title; skipped")
            continue
        yield _record(row, title, path, location, report)


def _record(row: Row, title: str, path: Path, location: str,
            report: LoadReport) -> PaperRecord:
    ids: dict[str, str] = {}
    add_id(ids, "doi", row.get("DOI"))
    add_id(ids, "pmid", row.get("PMID"))
    add_id(ids, "pmcid", row.get("PMCID"))
    add_id(ids, "arxiv", arxiv_from_doi(ids.get("doi")))
    cited = count_cell(row.get("Citing Works Count"))
    if cited is None and row.get("Citing Works Count"):
        report.warning(path, location, f"Citing Works Count {row.get('Citing Works Count')!r}"
                       " is not a count; left empty")
    date = iso_date(row.get("Date Published"))
    return PaperRecord(
        title=title,
        abstract=strip_markup(row.get("Abstract")),
        authors=[display_name(a) for a in split_cell(row.get("Author/s"))
                 if not is_placeholder(a)],
        date=date,
        year=year_of(row.get("Publication Year")) or year_of(date),
        venue=clean(row.get("Source Title")) or None,
        ids=ids,
        references=[Reference(raw=lens_id, raw_format=FORMAT)
                    for lens_id in split_cell(row.get("References"))],
        provenance=[Provenance(str(path), location)],
        sources=[FORMAT],
        keywords=split_cell(clean(row.get("Keywords"))),
        index_terms=split_cell(clean(row.get("MeSH Terms"))),
        doc_type=clean(row.get("Publication Type")) or None,
        cited_by_count=cited,
        cited_by_source=FORMAT if cited is not None else None,
    )
