"""arXiv metadata as JSON lines, in the layout of the public arXiv metadata snapshot.

Each line: ``id``, ``authors`` (one LaTeX string), ``authors_parsed`` (``[last, first,
suffix]`` triples), ``title``, ``abstract``, ``doi``, ``journal-ref``, ``versions``
(``created`` dates) and ``update_date``. Names come from ``authors_parsed`` when present;
the year is that of the first version, else of ``update_date``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from citegraph.loaders.common import Fields, SkipRecord, add_id, each_record, iso_date, year_of
from citegraph.loaders.jsonio import has_keys, iter_json_items, looks_like_json
from citegraph.loaders.names import display_name, join_name
from citegraph.loaders.problems import LoadReport
from citegraph.loaders.records import PaperRecord, Provenance

FORMAT = "arxiv-json"
_AND = re.compile(r",\s*(?:and\s+)?|\s+and\s+")


def sniff(path: Path, head: str) -> bool:
    """Snapshot lines have ``authors_parsed``, or ``id`` with ``versions``/``update_date``."""
    return looks_like_json(head) and (
        has_keys(head, "authors_parsed")
        or (has_keys(head, "id", "update_date") and has_keys(head, "abstract"))
    )


def read(path: Path, report: LoadReport) -> Iterator[PaperRecord]:
    """Yield one record per line; a line without an id or a title is reported and skipped."""
    return each_record(iter_json_items(path, report), _record, path, report)


def _record(item: dict[str, Any], f: Fields) -> PaperRecord:
    ids: dict[str, str] = {}
    add_id(ids, "arxiv", f.raw(item, "id"))
    title = f.text(item, "title", latex=True)
    if not title or not ids:
        raise SkipRecord("record has " + (
            "no title" if ids else f"no valid arXiv id ({item.get('id')!r})"))
    doi = f.raw(item, "doi").split()
    add_id(ids, "doi", doi[0] if doi else None)
    date = _first_version_date(item, f) or iso_date(f.raw(item, "update_date"))
    return PaperRecord(
        title=title,
        abstract=f.text(item, "abstract", latex=True),
        authors=_authors(item, f),
        date=date,
        year=year_of(date),
        venue=f.text(item, "journal-ref", latex=True) or None,
        ids=ids,
        provenance=[Provenance(str(f.path), f.location)],
        sources=[FORMAT],
    )


def _first_version_date(item: dict[str, Any], f: Fields) -> str | None:
    versions = f.items(item, "versions")
    if not versions:
        return None
    created = f.raw(versions[0], "created", "versions.created")
    try:
        return parsedate_to_datetime(created).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def _authors(item: dict[str, Any], f: Fields) -> list[str]:
    parsed = f.items(item, "authors_parsed")
    if parsed:
        names = []
        for parts in parsed:
            if isinstance(parts, list) and parts:
                last, first, suffix = (
                    [p if isinstance(p, str) else "" for p in parts] + ["", ""])[:3]
                names.append(join_name(first, last, suffix, latex=True))
        return [n for n in names if n]
    text = f.text(item, "authors", latex=True)
    return [display_name(n) for n in _AND.split(text) if n.strip()]
