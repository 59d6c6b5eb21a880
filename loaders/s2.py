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

from citegraph.loaders.common import (
    Fields,
    SkipRecord,
    add_id,
    arxiv_from_doi,
    each_record,
    iso_date,
    year_of,
)
from citegraph.loaders.jsonio import has_keys, iter_json_items, looks_like_json
from citegraph.loaders.names import display_name
from citegraph.loaders.problems import LoadReport
from citegraph.loaders.records import PaperRecord, Provenance, Reference

FORMAT = "s2"


def sniff(path: Path, head: str) -> bool:
    """Semantic Scholar papers carry ``paperId`` (and usually ``externalIds``)."""
    return looks_like_json(head) and (
        has_keys(head, "paperId") or has_keys(head, "citedPaper") or has_keys(head, "citingPaper")
    )


def ids_of(paper: Any, f: Fields) -> dict[str, str]:
    """Normalised identifiers of an S2 paper object."""
    ids: dict[str, str] = {}
    external = f.mapping(paper, "externalIds")
    add_id(ids, "doi", f.raw(external, "DOI", "externalIds.DOI"))
    add_id(ids, "arxiv", f.raw(external, "ArXiv", "externalIds.ArXiv")
           or arxiv_from_doi(ids.get("doi")))
    add_id(ids, "s2", f.raw(paper, "paperId"))
    return ids


def read(path: Path, report: LoadReport) -> Iterator[PaperRecord]:
    """Yield one record per paper; a paper without a title is reported and skipped."""
    return each_record(iter_json_items(path, report), _record, path, report)


def _record(item: dict[str, Any], f: Fields) -> PaperRecord:
    paper = (f.mapping(item, "citedPaper") or f.mapping(item, "citingPaper")
             or item)
    title = f.text(paper, "title")
    if not title:
        raise SkipRecord(f"paper {f.raw(paper, 'paperId')} has no title".replace("  ", " "))
    ids = ids_of(paper, f)
    venue = f.text(paper, "venue") or f.text(f.mapping(paper, "publicationVenue"), "name",
                                             "publicationVenue.name")
    return PaperRecord(
        title=title,
        abstract=f.text(paper, "abstract"),
        authors=[display_name(name) for a in f.items(paper, "authors")
                 if (name := f.text(a, "name", "authors.name"))],
        date=iso_date(f.raw(paper, "publicationDate")),
        year=year_of(paper.get("year")) or year_of(f.raw(paper, "publicationDate")),
        venue=venue or None,
        ids=ids,
        references=_linked(f.items(paper, "references"), "citedPaper", f),
        cited_by=_linked(f.items(paper, "citations"), "citingPaper", f),
        provenance=[Provenance(str(f.path), f.location or ids.get("s2", ""))],
        sources=[FORMAT],
    )


def _linked(items: list[Any], wrapper: str, f: Fields) -> list[Reference]:
    refs = []
    for item in items:
        if not isinstance(item, dict):
            continue
        other = f.mapping(item, wrapper) or item
        ref = Reference(ids=ids_of(other, f), title=f.text(other, "title") or None,
                        year=year_of(other.get("year")))
        if ref.ids or ref.title:
            refs.append(ref)
    return refs
