"""Spreadsheet exports of search results: Scopus, Web of Science (tab-delimited field tags,
or the newer spreadsheet with full column names), IEEE Xplore, Springer Link, and any
CSV/TSV with recognisable column names (``title``, ``authors``, ``year``, ``doi``, …).

Each layout is a column mapping recognised by its header row; the delimiter (comma, tab,
semicolon) is sniffed from the header, and Web of Science's tab-delimited files are read
unquoted as they are written. Reference lists (Scopus ``References``, WoS ``CR``) become
one raw reference each, parsed by :mod:`citegraph.loaders.references`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citegraph.loaders.common import add_id, arxiv_from_doi, iso_date, year_of
from citegraph.loaders.names import display_name
from citegraph.loaders.problems import LoadReport
from citegraph.loaders.records import PaperRecord, Provenance, Reference
from citegraph.loaders.text import clean
from citegraph.loaders.textio import iter_lines

FORMAT = "csv"
csv.field_size_limit(1 << 24)  # reference lists and abstracts overflow the 128 KiB default

_SCOPUS_ID = re.compile(r"\s*\(\d+\)\s*$")
_SPRINGER_GLUE = re.compile(r"(?<=[a-z\u00df-\u00ff.])(?=[A-Z\u00c0-\u00de][a-z\u00df-\u00ff])")
_SPRINGER_PREFIXES = re.compile(r"(?:Mc|Mac|De|Di|Du|La|Le|Van|Von|O')$")


def _split(sep: str) -> Callable[[str], list[str]]:
    return lambda text: [p.strip() for p in text.split(sep) if p.strip()]


def _scopus_authors(text: str) -> list[str]:
    """``Smith, John (123); Doe, A. (456)``, or the old ``Smith J., Doe A.B.``."""
    if ";" in text:
        return [_SCOPUS_ID.sub("", p).strip() for p in text.split(";") if p.strip()]
    return [p.strip() for p in text.split(".,") if p.strip()]


def _springer_authors(text: str) -> list[str]:
    """Springer glues names together ("John SmithAlice Doe"); cut at lower→Upper joins."""
    names, start = [], 0
    for m in _SPRINGER_GLUE.finditer(text):
        if _SPRINGER_PREFIXES.search(text[start : m.start()].split(" ")[-1]):
            continue
        names.append(text[start : m.start()])
        start = m.start()
    names.append(text[start:])
    return [n.strip() for n in names if n.strip()]


def _generic_authors(text: str) -> list[str]:
    sep = ";" if ";" in text else " and " if " and " in text else "|"
    return [p.strip() for p in text.split(sep) if p.strip()]


@dataclass(frozen=True)
class Layout:
    """How one exporter names its columns; ``signature`` columns identify it."""

    name: str
    signature: tuple[str, ...]
    title: tuple[str, ...]
    authors: tuple[str, ...] = ()
    split_authors: Callable[[str], list[str]] = _generic_authors
    year: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    venue: tuple[str, ...] = ()
    doi: tuple[str, ...] = ()
    arxiv: tuple[str, ...] = ()
    abstract: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    split_references: Callable[[str], list[str]] = field(default=_split(";"))


LAYOUTS: tuple[Layout, ...] = (
    Layout("scopus", ("Source title", "EID"), ("Title",),
           authors=("Author full names", "Authors"), split_authors=_scopus_authors,
           year=("Year",), venue=("Source title",), doi=("DOI",), abstract=("Abstract",),
           references=("References",)),
    Layout("wos", ("PT", "AU", "TI", "UT"), ("TI",), authors=("AF", "AU"),
           split_authors=_split(";"), year=("PY",), date=("EA", "PD"), venue=("SO",),
           doi=("DI",), abstract=("AB",), references=("CR",)),
    Layout("wos-csv", ("Article Title", "UT (Unique WOS ID)"), ("Article Title",),
           authors=("Author Full Names", "Authors"), split_authors=_split(";"),
           year=("Publication Year",), venue=("Source Title",), doi=("DOI",),
           abstract=("Abstract",), references=("Cited References",)),
    Layout("ieee", ("Document Title", "Publication Title"), ("Document Title",),
           authors=("Authors",), split_authors=_split(";"), year=("Publication Year",),
           venue=("Publication Title",), doi=("DOI",), abstract=("Abstract",)),
    Layout("springer", ("Item Title", "Item DOI"), ("Item Title",), authors=("Authors",),
           split_authors=_springer_authors, year=("Publication Year",),
           venue=("Publication Title", "Book Series Title"), doi=("Item DOI",)),
    Layout("generic", ("title",), ("title", "document title", "article title", "paper title"),
           authors=("authors", "author", "author names"), year=("year", "publication year"),
           date=("date", "publication date", "published"),
           venue=("venue", "journal", "source", "source title", "booktitle", "conference"),
           doi=("doi",), arxiv=("arxiv", "arxiv id", "arxiv_id", "eprint"),
           abstract=("abstract", "summary")),
)


def _header(head: str) -> tuple[str, list[str]] | None:
    """The delimiter and the column names of the first line, if it looks like a header."""
    first = head.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    delimiter = max(counts, key=counts.__getitem__)
    if not counts[delimiter]:
        return None
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    row = next(csv.reader([first], delimiter=delimiter, quoting=quoting), [])
    return delimiter, [c.strip().strip('"') for c in row]


def _layout(columns: list[str]) -> Layout | None:
    exact = set(columns)
    folded = {c.casefold() for c in columns}
    for layout in LAYOUTS:
        if layout.name == "generic":
            if folded & {t.casefold() for t in layout.title}:
                return layout
        elif all(s in exact for s in layout.signature):
            return layout
    return None


def sniff(path: Path, head: str) -> bool:
    """A header row that matches one of :data:`LAYOUTS`."""
    found = _header(head)
    return found is not None and _layout(found[1]) is not None


def read(path: Path, report: LoadReport) -> Iterator[PaperRecord]:
    """Yield one record per data row; rows without a title are reported and skipped."""
    lines = iter_lines(path, report)
    first = next(((n, text) for n, text in lines if text.strip()), None)
    found = _header(first[1]) if first else None
    layout = _layout(found[1]) if found else None
    if found is None or layout is None:
        report.skip_file(path, "no recognised header row; file skipped")
        return
    delimiter, columns = found
    quoting = csv.QUOTE_NONE if delimiter == "\t" else csv.QUOTE_MINIMAL
    folded = {c.casefold(): i for i, c in reversed(list(enumerate(columns)))}
    reader = csv.reader((text + "\n" for _, text in lines), delimiter=delimiter,
                        quoting=quoting)
    consumed = 0  # lines the reader has taken after the header
    for row in _rows(reader, path, report, first[0]):
        location = f"line {first[0] + consumed + 1}"
        consumed = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(columns) and any(c.strip() for c in row[len(columns):]):
            report.warning(path, location, f"{len(row)} cells for {len(columns)} columns; "
                           "extra cells ignored")
        values = dict(enumerate(row))

        def get(names: tuple[str, ...], values: dict[int, str] = values) -> str:
            for name in names:
                i = folded.get(name.casefold())
                if i is not None and values.get(i, "").strip():
                    return values[i]
            return ""

        record = _record(layout, get, path, location)
        if record is None:
            report.error(path, location, "row has no title; skipped")
        else:
            yield record


def _rows(reader: Any, path: Path, report: LoadReport, header_line: int) -> Iterator[
        list[str]]:
    """The reader's rows; a row the csv module rejects (an unclosed quote) ends the file."""
    done = 0
    try:
        for row in reader:
            done = reader.line_num
            yield row
    except csv.Error as exc:
        report.error(path, f"line {header_line + done + 1}", f"CSV cannot be parsed ({exc}); "
                     "rest of file skipped")


def _record(layout: Layout, get: Callable[[tuple[str, ...]], str], path: Path,
            location: str) -> PaperRecord | None:
    title = clean(get(layout.title))
    if not title:
        return None
    ids: dict[str, str] = {}
    add_id(ids, "doi", get(layout.doi))
    add_id(ids, "arxiv", get(layout.arxiv) or arxiv_from_doi(ids.get("doi")))
    date = iso_date(get(layout.date))
    raw_format = "scopus" if layout.name == "scopus" else "wos"  # parsed centrally
    references = [Reference(raw=text, raw_format=raw_format)
                  for text in layout.split_references(get(layout.references))]
    return PaperRecord(
        title=title,
        abstract=clean(get(layout.abstract)),
        authors=[display_name(a) for a in layout.split_authors(clean(get(layout.authors)))],
        date=date,
        year=year_of(get(layout.year)) or year_of(date),
        venue=clean(get(layout.venue)) or None,
        ids=ids,
        references=references,
        provenance=[Provenance(str(path), location)],
        sources=[FORMAT],
    )
