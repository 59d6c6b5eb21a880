"""Semantic Scholar Graph API papers: single papers, batch lists, ``{"data": [...]}`` pages,
JSON lines.

``externalIds`` give DOI and arXiv id; ``references`` and ``citations`` may list papers
directly or wrapped as ``citedPaper`` / ``citingPaper`` (the per-paper endpoints). A batch
answer holds ``null`` for ids it did not find; those are reported.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from citegraph.loaders.common import add_id, arxiv_from_doi, iso_date, year_of
from citegraph.loaders.jsonio import has_keys, iter_json_items, looks_like_json
from citegraph.loaders.names import display_name
from citegraph.loaders.problems import LoadReport
from citegraph.loaders.records import PaperRecord, Provenance, Reference
from citegraph.loaders.text import clean

FORMAT = "s2"


def sniff(path: Path, head: str) -> bool:
    """Semantic Scholar papers carry ``paperId`` (and usually ``externalIds``)."""
    return looks_like_json(head) and (
        has_keys(head, "paperId") or has_keys(head, "citedPaper") or has_keys(head, "citingPaper")
    )


def ids_of(paper: dict[str, Any]) -> dict[str, str]:
    """Normalised identifiers of an S2 paper object."""
    ids: dict[str, str] = {}
    external = paper.get("externalIds") if isinstance(paper.get("externalIds"), dict) else {}
    add_id(ids, "doi", external.get("DOI"))
    add_id(ids, "arxiv", external.get("ArXiv") or arxiv_from_doi(ids.get("doi")))
    add_id(ids, "s2", paper.get("paperId"))
    return ids


def read(path: Path, report: LoadReport) -> Iterator[PaperRecord]:
    """Yield one record per paper; a paper without a title is reported and skipped."""
    for location, item in iter_json_items(path, report):
        paper = item.get("citedPaper") or item.get("citingPaper") or item
        title = clean(paper.get("title"))
        if not title:
            report.error(path, location, f"paper {paper.get('paperId') or ''} has no title; "
                         "skipped")
            continue
        ids = ids_of(paper)
        venue = paper.get("venue") or (paper.get("publicationVenue") or {}).get("name")
        yield PaperRecord(
            title=title,
            abstract=clean(paper.get("abstract")),
            authors=[display_name(a["name"]) for a in paper.get("authors") or []
                     if isinstance(a, dict) and a.get("name")],
            date=iso_date(paper.get("publicationDate")),
            year=year_of(paper.get("year")) or year_of(paper.get("publicationDate")),
            venue=clean(venue) or None,
            ids=ids,
            references=_linked(paper.get("references"), "citedPaper"),
            cited_by=_linked(paper.get("citations"), "citingPaper"),
            provenance=[Provenance(str(path), location or ids.get("s2", ""))],
            sources=[FORMAT],
        )


def _linked(items: Any, wrapper: str) -> list[Reference]:
    refs = []
    for item in items or []:
        if not isinstance(item, dict):
            continue
        other = item.get(wrapper) if isinstance(item.get(wrapper), dict) else item
        ref = Reference(ids=ids_of(other), title=clean(other.get("title")) or None,
                        year=year_of(other.get("year")))
        if ref.ids or ref.title:
            refs.append(ref)
    return refs
