"""PubMed / MEDLINE exports (``.nbib``, ``pubmed-*.txt``): four-character field tags.

Each line is a tag padded to four characters, ``- `` and a value (``PMID- 123``,
``TI  - …``); further lines of the value are indented by six spaces. Records start with
``PMID-`` and are separated by blank lines. Author fields come in MEDLINE order, so each
``AD`` (affiliation) and ``AUID`` (ORCID) belongs to the ``FAU``/``AU`` above it; an ``AD``
before any author (older records) is an affiliation of the paper only.

Records are cut from the line stream one at a time: one without a title (``TI``, or
``BTI`` for a book) is reported and skipped; a field that cannot be read is reported and
left empty; neither costs the records after it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from citegraph.loaders.affiliations import countries_of
from citegraph.loaders.authorship import is_placeholder, normalize_orcid
from citegraph.loaders.common import add_id, arxiv_from_doi, year_of
from citegraph.loaders.dates import month_number, ymd
from citegraph.loaders.markup import strip_markup
from citegraph.loaders.names import display_name
from citegraph.loaders.problems import LoadReport
from citegraph.loaders.records import PaperRecord, Provenance
from citegraph.loaders.text import clean
from citegraph.loaders.textio import iter_lines

FORMAT = "pubmed"
_TAG = re.compile(r"^([A-Z][A-Z0-9]{1,3}) {0,3}-(?: (.*)|$)")
_ID_SUFFIX = re.compile(r"^(.*?)\s*\[([a-z-]+)\]\s*$")
_DATE = re.compile(r"^(\d{4})(?:\s+([A-Za-z]{3})[a-z]*(?:\s+(\d{1,2}))?)?")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_SHORT_NAME = re.compile(r"^(.+?)\s+([A-Z]{1,4})$")  # MEDLINE "AU": "Family Initials"

Entry = tuple[str, str]  # (tag, value with continuation lines joined)


def sniff(path: Path, head: str) -> bool:
    """The first field of the file is ``PMID-`` with a number."""
    return bool(re.match(r"PMID- ?\d", head.lstrip("\ufeff").lstrip()))


def read(path: Path, report: LoadReport) -> Iterator[PaperRecord]:
    """Yield one record per ``PMID-`` block; each block is read or reported."""
    for start, entries in _blocks(path, report):
        location = f"line {start}"
        record = _record(entries, path, location, report)
        if record is None:
            report.error(path, location, "record has no title (TI or BTI); skipped")
        else:
            yield record


def _blocks(path: Path, report: LoadReport) -> Iterator[tuple[int, list[Entry]]]:
    """``(first line, fields in order)`` per record: a blank line or ``PMID-`` ends one."""
    entries: list[list[str]] = []
    start: int | None = None
    for lineno, line in iter_lines(path, report):
        line = line.lstrip("\ufeff")  # files joined with cat keep each one's BOM
        if not line.strip():
            if start is not None:
                yield start, _joined(entries)
                entries, start = [], None
            continue
        if line[0] in " \t":
            if entries:
                entries[-1].append(line.strip())
            else:
                report.warning(path, f"line {lineno}", "indented line outside a record; "
                               "ignored")
            continue
        m = _TAG.match(line)
        if m is None:
            report.warning(path, f"line {lineno}", f"not a field line ({line[:30]!r}); "
                           "ignored")
            continue
        if m.group(1) == "PMID" and start is not None:
            yield start, _joined(entries)
            entries, start = [], None
        if start is None:
            start = lineno
        entries.append([m.group(1), (m.group(2) or "").strip()])
    if start is not None:
        yield start, _joined(entries)


def _joined(entries: list[list[str]]) -> list[Entry]:
    return [(e[0], clean(" ".join(e[1:]))) for e in entries]


def _values(entries: list[Entry], tag: str) -> list[str]:
    return [v for t, v in entries if t == tag and v]


def _first(entries: list[Entry], *tags: str) -> str:
    for tag in tags:
        for value in _values(entries, tag):
            return value
    return ""


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _record(entries: list[Entry], path: Path, location: str,
            report: LoadReport) -> PaperRecord | None:
    title = _first(entries, "TI", "BTI")
    if not title:
        return None
    ids: dict[str, str] = {}
    add_id(ids, "pmid", _first(entries, "PMID"))
    for value in _values(entries, "LID") + _values(entries, "AID"):
        m = _ID_SUFFIX.match(value)
        if m and m.group(2) == "doi":
            add_id(ids, "doi", m.group(1))
    add_id(ids, "pmcid", _first(entries, "PMC"))
    add_id(ids, "arxiv", arxiv_from_doi(ids.get("doi")))
    authors, affiliations, per_author, author_ids = _authors(entries)
    year, date = _dates(entries, path, location, report)
    return PaperRecord(
        title=title,
        abstract=strip_markup(" ".join(_values(entries, "AB"))),
        authors=authors,
        date=date,
        year=year,
        venue=_first(entries, "JT", "TA") or None,
        ids=ids,
        provenance=[Provenance(str(path), location)],
        sources=[FORMAT],
        keywords=_unique(_values(entries, "OT")),
        index_terms=_unique([_mesh_descriptor(v) for v in _values(entries, "MH")]),
        doc_type="; ".join(_unique(_values(entries, "PT"))) or None,
        language="; ".join(_unique(_values(entries, "LA"))) or None,
        affiliations=affiliations,
        countries=countries_of(affiliations),
        author_affiliations=["; ".join(a) for a in per_author] if any(per_author) else [],
        author_ids=author_ids if any(author_ids) else [],
    )


def _authors(entries: list[Entry]) -> tuple[list[str], list[str], list[list[str]],
                                            list[dict[str, str]]]:
    """Authors in order with their affiliations and ORCIDs, walking the fields in order.

    ``FAU`` (full name) opens an author and the ``AU`` right after it is its short form;
    an ``AU`` with no ``FAU`` before it (older records) opens an author of its own.
    """
    authors: list[str] = []
    per_author: list[list[str]] = []
    author_ids: list[dict[str, str]] = []
    affiliations: list[str] = []
    current: int | None = None  # index of the author the following fields belong to
    short_pending = False
    for tag, value in entries:
        if tag == "FAU" or (tag == "AU" and not short_pending):
            short_pending = tag == "FAU"
            if is_placeholder(value):
                current = None
                continue
            authors.append(display_name(value) if tag == "FAU" else _short_name(value))
            per_author.append([])
            author_ids.append({})
            current = len(authors) - 1
            continue
        short_pending = False
        if tag == "AD" and value:
            affiliations.append(value)
            if current is not None and value not in per_author[current]:
                per_author[current].append(value)
        elif tag == "AUID" and current is not None and value.upper().startswith("ORCID"):
            orcid = normalize_orcid(value)
            if orcid:
                author_ids[current].setdefault("orcid", orcid)
    return authors, _unique(affiliations), per_author, author_ids


def _short_name(value: str) -> str:
    """MEDLINE's ``Family Initials`` ("Smith JA") in display order ("JA Smith")."""
    m = _SHORT_NAME.match(value.strip())
    return f"{m.group(2)} {m.group(1)}" if m else display_name(value)


def _mesh_descriptor(heading: str) -> str:
    """The descriptor of a MeSH heading, without major-topic stars and qualifiers."""
    return heading.split("/", 1)[0].strip(" *")


def _dates(entries: list[Entry], path: Path, location: str,
           report: LoadReport) -> tuple[int | None, str | None]:
    """Year and full date from ``DP`` ("2016 Jan 15"); when ``DP`` names no day, the
    e-publication date ``DEP`` of the same year."""
    published = _first(entries, "DP")
    m = _DATE.match(published)
    year = int(m.group(1)) if m else year_of(published)
    if published and year is None:
        report.warning(path, location, f"DP {published!r} is not a date; left empty")
    date = None
    if m and m.group(2) and m.group(3):
        date = ymd(year, month_number(m.group(2)), int(m.group(3)))
    if date is None:
        c = _COMPACT_DATE.match(_first(entries, "DEP"))
        if c and (year is None or int(c.group(1)) == year):
            date = ymd(int(c.group(1)), int(c.group(2)), int(c.group(3)))
    return year, date
