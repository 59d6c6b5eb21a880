"""OpenAlex works: API responses (``{"results": [...]}``), single works, lists, JSON lines.

The abstract comes as an inverted index (word -> positions) and is rebuilt into text;
``referenced_works`` become references known by their OpenAlex id; authorships keep their
order. An arXiv id is taken from an arXiv location or arXiv's own DOI.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from citegraph.loaders.common import add_id, arxiv_from_doi, arxiv_from_url, iso_date, year_of
from citegraph.loaders.jsonio import has_keys, iter_json_items, looks_like_json
from citegraph.loaders.names import display_name
from citegraph.loaders.problems import LoadReport
from citegraph.loaders.records import PaperRecord, Provenance, Reference
from citegraph.loaders.text import clean

FORMAT = "openalex"


def sniff(path: Path, head: str) -> bool:
    """An OpenAlex work names itself with an ``openalex.org/W…`` id."""
    return looks_like_json(head) and (
        "openalex.org/W" in head
        or has_keys(head, "abstract_inverted_index")
        or has_keys(head, "authorships")
        or has_keys(head, "referenced_works")
    )


def abstract_from_index(index: dict[str, list[int]] | None) -> str:
    """Words placed at their positions: the abstract as it was before inversion."""
    if not index:
        return ""
    slots: dict[int, str] = {}
    for word, positions in index.items():
        for pos in positions or ():
            slots[int(pos)] = word
    return " ".join(slots[p] for p in sorted(slots))


def read(path: Path, report: LoadReport) -> Iterator[PaperRecord]:
    """Yield one record per work.

    A work without a title but with an identifier is kept as a stub (``stub``: true) with
    its ids and references, so the citations it makes are not lost; a work with neither
    is reported and skipped.
    """
    for location, work in iter_json_items(path, report):
        record = _record(work, path, location)
        if record is None:
            report.error(path, location, f"work {work.get('id', '')!s} has no title and no "
                         "identifier; skipped")
            continue
        if record.stub:
            report.warning(path, location, f"work {work.get('id', '')!s} has no title; kept "
                           f"as a stub with its ids and {len(record.references)} references")
        yield record


def _record(work: dict[str, Any], path: Path, location: str) -> PaperRecord | None:
    title = clean(work.get("title") or work.get("display_name"))
    ids: dict[str, str] = {}
    extra = work.get("ids") if isinstance(work.get("ids"), dict) else {}
    add_id(ids, "openalex", work.get("id") or extra.get("openalex"))
    add_id(ids, "doi", work.get("doi") or extra.get("doi"))
    add_id(ids, "arxiv", arxiv_from_doi(ids.get("doi")))
    if not title and not ids:
        return None
    for loc in work.get("locations") or []:
        if isinstance(loc, dict):
            add_id(ids, "arxiv", arxiv_from_url(loc.get("landing_page_url")))
    authors = []
    for authorship in work.get("authorships") or []:
        if not isinstance(authorship, dict):
            continue
        author = authorship.get("author") or {}
        name = author.get("display_name") or authorship.get("raw_author_name")
        if name:
            authors.append(display_name(name))
    references = [
        Reference(ids={"openalex": w})
        for ref in work.get("referenced_works") or []
        if isinstance(ref, str) and (w := _openalex(ref))
    ]
    return PaperRecord(
        title=title,
        abstract=clean(abstract_from_index(work.get("abstract_inverted_index"))),
        authors=authors,
        date=iso_date(work.get("publication_date")),
        year=year_of(work.get("publication_year")) or year_of(work.get("publication_date")),
        venue=_venue(work),
        ids=ids,
        references=references,
        provenance=[Provenance(str(path), location or ids.get("openalex", ""))],
        sources=[FORMAT],
        stub=not title,
    )


def _openalex(value: str) -> str | None:
    ids: dict[str, str] = {}
    add_id(ids, "openalex", value)
    return ids.get("openalex")


def _venue(work: dict[str, Any]) -> str | None:
    for holder in (work.get("primary_location"), work.get("host_venue")):
        if isinstance(holder, dict):
            source = holder.get("source") if "source" in holder else holder
            if isinstance(source, dict) and source.get("display_name"):
                return clean(source["display_name"])
    return None
