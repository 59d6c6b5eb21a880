"""RIS files (EndNote, Zotero, Scopus, Web of Science, PubMed exports), parsed with rispy.

The file is cut into records at ``TY`` and ``ER`` lines and each record handed to rispy on
its own, so a broken record is reported with its line and the rest are read. Exporters
disagree on tags (``TI``/``T1``, ``AU``/``A1``, ``PY``/``Y1``/``DA``, ``AB``/``N2``,
``JO``/``T2``/``JF``); the first present wins.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import rispy
from citegraph.loaders.common import (
    Fields,
    SkipRecord,
    add_id,
    arxiv_from_doi,
    arxiv_from_url,
    doi_in_text,
    each_record,
    iso_date,
    year_of,
)
from citegraph.loaders.names import display_name
from citegraph.loaders.problems import LoadReport
from citegraph.loaders.records import PaperRecord, Provenance
from citegraph.loaders.text import clean
from citegraph.loaders.textio import iter_lines

FORMAT = "ris"
_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: |$)")
_TITLE = ("title", "primary_title", "translated_title", "short_title")
_AUTHORS = ("authors", "first_authors")
_YEAR = ("year", "publication_year", "date")
_ABSTRACT = ("abstract", "notes_abstract")
_VENUE = ("journal_name", "secondary_title", "alternate_title3", "alternate_title1",
          "alternate_title2")


def sniff(path: Path, head: str) -> bool:
    """RIS records start with a ``TY  - `` line."""
    return bool(re.search(r"^TY  - ", head, re.MULTILINE))


def read(path: Path, report: LoadReport) -> Iterator[PaperRecord]:
    """Yield one record per ``TY`` … ``ER`` block.

    A record starts only at a ``TY`` line: text between records is reported and ignored, and
    a ``TY`` line inside an open record (its ``ER`` line missing) ends that record there.
    """
    chunk: list[str] = []
    start = 0
    outside = False  # inside a run of text between records, already reported
    for lineno, line in iter_lines(path, report):
        if line.startswith("TY  -"):
            if chunk:
                report.warning(path, f"line {start}", "record has no ER line; it ends where "
                               f"the next record starts (line {lineno})")
                yield from _parse([*chunk, "ER  - "], start, path, report)
            chunk, start, outside = [line], lineno, False
        elif chunk:
            chunk.append(line)
            if line.startswith("ER  -"):
                yield from _parse(chunk, start, path, report)
                chunk = []
        elif line.strip() and not outside:
            outside = True
            report.warning(path, f"line {lineno}", "text outside a record (no TY line "
                           "before it); ignored up to the next record")
    if chunk:
        report.error(path, f"line {start}", "record has no ER line (truncated file?); skipped")


def _parse(chunk: list[str], start: int, path: Path, report: LoadReport) -> Iterator[PaperRecord]:
    location = f"line {start}"
    try:
        entries = rispy.loads("\n".join(chunk), skip_unknown_tags=True)
    except Exception as exc:  # rispy raises plain IOError/ValueError/KeyError on bad input
        report.error(path, location, f"record could not be parsed ({exc}); skipped")
        return
    yield from each_record(((location, e) for e in entries), _record, path, report)


def _first(entry: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if entry.get(key):
            return entry[key]
    return None


def _record(entry: dict[str, Any], f: Fields) -> PaperRecord:
    title = clean(_first(entry, _TITLE))
    if not title:
        raise SkipRecord("record has no title")
    ids: dict[str, str] = {}
    urls = entry.get("urls") or []
    add_id(ids, "doi", entry.get("doi") or next(filter(None, map(doi_in_text, urls)), None))
    add_id(ids, "arxiv", next(filter(None, map(arxiv_from_url, urls)), None)
           or arxiv_from_doi(ids.get("doi")))
    authors = _first(entry, _AUTHORS) or []
    date = iso_date(str(entry.get("date") or "").replace("/", "-"))
    return PaperRecord(
        title=title,
        abstract=clean(_first(entry, _ABSTRACT)),
        authors=[display_name(a) for a in authors if a and a.strip()],
        date=date,
        year=next(filter(None, (year_of(entry.get(k)) for k in _YEAR)), None),
        venue=clean(_first(entry, _VENUE)) or None,
        ids=ids,
        provenance=[Provenance(str(f.path), entry.get("id") and f"record {entry['id']}"
                               or f.location)],
        sources=[FORMAT],
    )
