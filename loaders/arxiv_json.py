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

from citegraph.loaders.common import add_id, iso_date, year_of
from citegraph.loaders.jsonio import has_keys, iter_json_items, looks_like_json
from citegraph.loaders.names import display_name, join_name
from citegraph.loaders.problems import LoadReport
from citegraph.loaders.records import PaperRecord, Provenance
from citegraph.loaders.text import clean

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
    for location, item in iter_json_items(path, report):
        ids: dict[str, str] = {}
        add_id(ids, "arxiv", item.get("id"))
        title = clean(item.get("title"), latex=True)
        if not title or not ids:
            what = "no title" if ids else f"no valid arXiv id ({item.get('id')!r})"
            report.error(path, location, f"record has {what}; skipped")
            continue
        add_id(ids, "doi", (item.get("doi") or "").split()[0] if item.get("doi") else None)
        date = _first_version_date(item) or iso_date(item.get("update_date"))
        yield PaperRecord(
            title=title,
            abstract=clean(item.get("abstract"), latex=True),
            authors=_authors(item),
            date=date,
            year=year_of(date),
            venue=clean(item.get("journal-ref"), latex=True) or None,
            ids=ids,
            provenance=[Provenance(str(path), location)],
            sources=[FORMAT],
        )


def _first_version_date(item: dict[str, Any]) -> str | None:
    versions = item.get("versions")
    if not versions or not isinstance(versions[0], dict):
        return None
    try:
        return parsedate_to_datetime(versions[0].get("created", "")).date().isoformat()
    except (TypeError, ValueError):
        return None


def _authors(item: dict[str, Any]) -> list[str]:
    parsed = item.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        names = []
        for parts in parsed:
            if isinstance(parts, list) and parts:
                last, first, suffix = (list(parts) + ["", ""])[:3]
                names.append(join_name(first, last, suffix, latex=True))
        return [n for n in names if n]
    text = clean(item.get("authors"), latex=True)
    return [display_name(n) for n in _AND.split(text) if n.strip()]
