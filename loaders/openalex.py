"""OpenAlex works: API responses (``{"results": [...]}``), single works, lists, JSON lines.

The abstract comes as an inverted index (word -> positions) and is rebuilt into text;
``referenced_works`` become references known by their OpenAlex id; authorships keep their
order. An arXiv id is taken from an arXiv location or arXiv's own DOI.
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
    arxiv_from_url,
    each_record,
    iso_date,
    kind_of,
    year_of,
)
from citegraph.loaders.jsonio import has_keys, iter_json_items, looks_like_json
from citegraph.loaders.names import display_name
from citegraph.loaders.problems import LoadReport
from citegraph.loaders.records import PaperRecord, Provenance, Reference
from citegraph.loaders.text import clean

FORMAT = "openalex"
#: Word positions past this are not an abstract's: a hostile index cannot make a huge one.
_MAX_WORDS = 1_000_000


def sniff(path: Path, head: str) -> bool:
    """An OpenAlex work names itself with an ``openalex.org/W…`` id."""
    return looks_like_json(head) and (
        "openalex.org/W" in head
        or has_keys(head, "abstract_inverted_index")
        or has_keys(head, "authorships")
        or has_keys(head, "referenced_works")
    )


def abstract_from_index(index: Any, fields: Fields | None = None) -> str:
    """Words placed at their positions: the abstract as it was before inversion.

    Positions that are not whole numbers, and words whose positions are not a list, are
    left out (with a warning through ``fields``); the rest of the abstract is kept.
    """
    if not index:
        return ""
    if not isinstance(index, dict):
        if fields is not None:
            fields.warn("abstract_inverted_index",
                        f"expected an object, found {kind_of(index)}; ignored")
        return ""
    slots: dict[int, str] = {}
    bad = 0
    for word, positions in index.items():
        if not isinstance(positions, list):
            bad += 1
            continue
        for pos in positions:
            if isinstance(pos, int) and not isinstance(pos, bool) and 0 <= pos < _MAX_WORDS:
                slots[pos] = word
            else:
                bad += 1
    if bad and fields is not None:
        fields.warn("abstract_inverted_index", f"{bad} position(s) that are not word "
                    "positions; left out")
    return " ".join(slots[p] for p in sorted(slots))


def read(path: Path, report: LoadReport) -> Iterator[PaperRecord]:
    """Yield one record per work. A work without a title but with an OpenAlex id and a
    reference list is kept as an identified stub (``stub``: true), so the citations it
    makes are not lost; any other work without a title is reported and skipped."""
    return each_record(iter_json_items(path, report), _record, path, report)


def _record(work: dict[str, Any], f: Fields) -> PaperRecord:
    ids: dict[str, str] = {}
    extra = f.mapping(work, "ids")
    add_id(ids, "openalex", f.raw(work, "id") or f.raw(extra, "openalex", "ids.openalex"))
    add_id(ids, "doi", f.raw(work, "doi") or f.raw(extra, "doi", "ids.doi"))
    add_id(ids, "arxiv", arxiv_from_doi(ids.get("doi")))
    for loc in f.items(work, "locations"):
        add_id(ids, "arxiv", arxiv_from_url(f.raw(loc, "landing_page_url",
                                                  "locations.landing_page_url")))
    references = [
        Reference(ids={"openalex": w})
        for ref in f.items(work, "referenced_works")
        if isinstance(ref, str) and (w := _openalex(ref))
    ]
    title = f.text(work, "title") or f.text(work, "display_name")
    stub = False
    if not title:
        if not (ids.get("openalex") and references):
            raise SkipRecord(f"work {f.raw(work, 'id')} has no title".replace("  ", " "))
        stub = True
        f.warn("title", "missing; the work is kept as a stub known by its id, for its "
               "references")
    authors = []
    for authorship in f.items(work, "authorships"):
        author = f.mapping(authorship, "author", "authorships.author")
        name = (f.text(author, "display_name", "authorships.author.display_name")
                or f.text(authorship, "raw_author_name", "authorships.raw_author_name"))
        if name:
            authors.append(display_name(name))
    return PaperRecord(
        title=title,
        abstract=clean(abstract_from_index(work.get("abstract_inverted_index"), f)),
        authors=authors,
        date=iso_date(f.raw(work, "publication_date")),
        year=year_of(work.get("publication_year")) or year_of(f.raw(work, "publication_date")),
        venue=_venue(work, f),
        ids=ids,
        references=references,
        provenance=[Provenance(str(f.path), f.location or ids.get("openalex", ""))],
        sources=[FORMAT],
        stub=stub,
    )


def _openalex(value: str) -> str | None:
    ids: dict[str, str] = {}
    add_id(ids, "openalex", value)
    return ids.get("openalex")


def _venue(work: dict[str, Any], f: Fields) -> str | None:
    for key in ("primary_location", "host_venue"):
        holder = f.mapping(work, key)
        source = holder.get("source") if "source" in holder else holder
        if name := f.text(source, "display_name", f"{key}.display_name"):
            return name
    return None
