"""BibTeX and BibLaTeX files, parsed with bibtexparser 2.

``@string`` macros are resolved by the parser; ``crossref`` is resolved here (a child takes
the fields it lacks from its parent, the parent's title as its venue). Titles, abstracts
and names are LaTeX-decoded; names are split by BibTeX's own rules (``von Last, Jr,
First``). Entries the parser rejects are reported with their line; an entry with a
repeated field keeps the first value and one with a repeated key is read with a warning.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import bibtexparser
from bibtexparser import model
from bibtexparser.library import Library
from bibtexparser.middlewares import SeparateCoAuthors, SplitNameParts
from bibtexparser.middlewares.middleware import Middleware
from bibtexparser.middlewares.parsestack import default_parse_stack
from citegraph.loaders.common import (
    add_id,
    arxiv_from_doi,
    arxiv_from_url,
    doi_in_text,
    iso_date,
    year_of,
)
from citegraph.loaders.names import join_name
from citegraph.loaders.problems import LoadReport
from citegraph.loaders.records import PaperRecord, Provenance
from citegraph.loaders.references import scopus_references
from citegraph.loaders.text import clean
from citegraph.loaders.textio import read_text

FORMAT = "bibtex"
_ENTRY = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
#: Parent entry types that describe a venue, not a paper: read only through ``crossref``.
_VENUE_TYPES = {"proceedings", "book", "collection", "mvproceedings", "mvbook"}
_VENUE_FIELDS = ("journal", "journaltitle", "booktitle", "series", "eventtitle")
_INHERITED = ("year", "date", "booktitle", "journal", "publisher", "series", "editor")

logging.getLogger("bibtexparser").setLevel(logging.ERROR)


def sniff(path: Path, head: str) -> bool:
    """A line that opens an ``@type{`` entry."""
    return bool(_ENTRY.search(head)) and not head.lstrip().startswith(("{", "[", "<"))


def read(path: Path, report: LoadReport) -> Iterator[PaperRecord]:
    """Yield one record per entry; rejected entries are reported and skipped."""
    library = bibtexparser.parse_string(read_text(path, report), parse_stack=_stack())
    strings = {s.key.casefold(): s.value for s in library.strings}
    entries: list[model.Entry] = list(library.entries)
    for block in library.failed_blocks:
        line = f"line {block.start_line + 1}"
        ignored = getattr(block, "ignore_error_block", None)
        if isinstance(block, model.DuplicateFieldKeyBlock) and isinstance(ignored, model.Entry):
            report.warning(path, f"record {ignored.key} ({line})",
                           "repeated field; the first value is kept")
            entries.append(_finish(_first_fields(ignored, block.raw), library))
        elif isinstance(block, model.DuplicateBlockKeyBlock) and isinstance(ignored, model.Entry):
            report.warning(path, f"record {ignored.key} ({line})",
                           "key used by an earlier entry too; read as a separate entry")
            entries.append(_finish(ignored, library))
        else:
            report.error(path, line, f"entry could not be parsed ({_reason(block)}); skipped")
    by_key = {e.key.casefold(): e for e in entries}
    parents = {_field(e, "crossref").casefold() for e in entries if _field(e, "crossref")}
    for entry in sorted(entries, key=lambda e: e.start_line):
        if entry.key.casefold() in parents and entry.entry_type.lower() in _VENUE_TYPES:
            continue
        record = _record(entry, by_key, strings, path, report)
        if record is not None:
            yield record


def _stack() -> list[Middleware]:
    return [*default_parse_stack(), SeparateCoAuthors(), SplitNameParts()]


def _finish(entry: model.Entry, library: Library) -> model.Entry:
    """Run the parse stack over an entry the parser set aside (it comes back raw)."""
    lib = Library([*library.strings, entry])
    for middleware in _stack():
        lib = middleware.transform(lib)
    return lib.entries[0]


def _reason(block: model.Block) -> str:
    error = getattr(block, "error", None)
    text = str(error) if error else type(block).__name__
    return text.splitlines()[0] if text else "syntax error"


def _first_fields(entry: model.Entry, raw: str) -> model.Entry:
    """The parser keeps the last of repeated fields; keep the first, as BibTeX does."""
    seen: dict[str, model.Field] = {}
    for f in entry.fields:
        seen.setdefault(f.key.lower(), f)
    return model.Entry(entry.entry_type, entry.key, list(seen.values()), entry.start_line, raw)


def _field(entry: model.Entry, name: str) -> str:
    for f in entry.fields:
        if f.key.lower() == name:
            return f.value if isinstance(f.value, str) else ""
    return ""


def _names(entry: model.Entry, parent: model.Entry | None) -> list[str]:
    for source in (entry, parent):
        if source is None:
            continue
        for f in source.fields:
            if f.key.lower() == "author" and isinstance(f.value, list):
                return [n for n in (_name(p) for p in f.value) if n]
    return []


def _name(parts: object) -> str:
    if isinstance(parts, str):
        return clean(parts, latex=True)
    first = " ".join(getattr(parts, "first", []))
    last = " ".join(getattr(parts, "von", []) + getattr(parts, "last", []))
    jr = " ".join(getattr(parts, "jr", []))
    return join_name(first, last, jr, latex=True)


def _concat(value: str, strings: dict[str, str]) -> str:
    """Resolve ``macro # {text} # "text"`` concatenations the parser leaves as written."""
    if "#" not in value:
        return value
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(value):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if ch == "#" and depth == 0:
            parts.append(value[start:i])
            start = i + 1
    parts.append(value[start:])
    out = []
    for part in (p.strip() for p in parts):
        if len(part) >= 2 and part[0] + part[-1] in ("{}", '""'):
            out.append(part[1:-1])
        else:
            out.append(strings.get(part.casefold(), part))
    return "".join(out)


def _record(
    entry: model.Entry, by_key: dict[str, model.Entry], strings: dict[str, str], path: Path,
    report: LoadReport,
) -> PaperRecord | None:
    location = f"record {entry.key}"
    parent = None
    if ref := _field(entry, "crossref"):
        parent = by_key.get(ref.casefold())
        if parent is None:
            report.warning(path, location, f"crossref {ref!r} names no entry in this file")

    def get(name: str) -> str:
        value = _field(entry, name)
        if not value and parent is not None and name in _INHERITED:
            value = _field(parent, name)
        return _concat(value, strings)

    title = clean(get("title"), latex=True)
    if not title:
        report.error(path, f"{location} (line {entry.start_line + 1})", "entry has no title; "
                     "skipped")
        return None
    venue = next((get(f) for f in _VENUE_FIELDS if get(f)), "")
    if not venue and parent is not None:
        venue = _field(parent, "title")
    ids: dict[str, str] = {}
    add_id(ids, "doi", get("doi") or doi_in_text(get("url")))
    eprint = get("eprint")
    if eprint and (get("archiveprefix") or get("eprinttype") or "arxiv").lower() == "arxiv":
        add_id(ids, "arxiv", eprint)
    add_id(ids, "arxiv", arxiv_from_url(get("url")) or arxiv_from_doi(ids.get("doi")))
    year = year_of(get("year")) or year_of(get("date"))
    return PaperRecord(
        title=title,
        abstract=clean(get("abstract"), latex=True),
        authors=_names(entry, parent),
        date=iso_date(get("date")),
        year=year,
        venue=clean(venue, latex=True) or None,
        ids=ids,
        references=scopus_references(get("references")),  # Scopus writes them here
        provenance=[Provenance(str(path), location)],
        sources=[FORMAT],
    )
