"""Hugging Face "Daily Papers" listing pages saved as text.

Three layouts occur and are detected per file:

(a) page header, then blocks ``title / blank / abstract / blank``;
(b) as (a), each abstract followed by a trailer block: an attribution line
    (``  • 9 authors`` or ``handle Organisation``), a ``·`` line and a date line
    (``Aug 21``, ``Aug 2, 2023``, optionally followed by an upvote count);
(c) dense: title and abstract lines alternate with no blank lines, and the page header is
    glued to the first title (``SubscribeNGAME: …``).

Dates without a year take the listing page's year. The page shows only month and day for
its own year and a full date for earlier years, so the listing year is inferred as one
more than the latest full date on the page (or given explicitly); a yearless date that
would fall after the listing date belongs to the year before.

Every line that fits no layout is reported with its line number and skipped; it is never
merged into a neighbour.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from citegraph.loaders.problems import LoadReport
from citegraph.loaders.records import PaperRecord, Provenance
from citegraph.loaders.textio import iter_lines

FORMAT = "daily-papers"

_HEADER_LINES = {
    "new",
    "subscribe",
    "daily papers",
    "byak and the research community",
}
_HEADER_PREFIXES = ("get trending papers",)
_GLUED_PREFIX = "Subscribe"
_SNIFF_MARKERS = (
    "Get trending papers in your email inbox",
    "byAK and the research community",
)

_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    start=1,
)}
_DATE = re.compile(
    r"^(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (?P<day>\d{1,2})"
    r"(?:, (?P<year>\d{4}))?(?: (?P<upvotes>\d+))?$"
)
_AUTHOR_COUNT = re.compile(r"^\s*•\s*(?P<n>\d+)\s+authors?\s*$")
_ORGANIZATION = re.compile(r"^(?P<handle>[A-Za-z0-9][\w.\-]*)\s+(?P<name>\S.*)$")
_DOT = "·"

#: Titles on these pages are short and never end a sentence; abstracts are paragraphs.
_TITLE_MAX = 300
_ABSTRACT_MIN = 250


def sniff(path: Path, head: str) -> bool:
    """A Daily Papers page carries its subscription header near the top."""
    return any(marker in head[:2000] for marker in _SNIFF_MARKERS)


@dataclass
class _Unit:
    """A run of non-blank lines (layouts a, b) or one line (layout c), with its position."""

    lineno: int
    lines: list[str]

    @property
    def text(self) -> str:
        return self.lines[0]

    @property
    def is_trailer(self) -> bool:
        return _DOT in (line.strip() for line in self.lines)


@dataclass
class _Page:
    """What the header says about the page, and its units in order."""

    listing: tuple[int, int] | None = None  # (month, day)
    dense: bool = False
    units: list[_Unit] = field(default_factory=list)


def read(path: Path, report: LoadReport, listing_year: int | None = None) -> Iterator[PaperRecord]:
    """Yield every paper of one listing page; report what fits no layout."""
    page = _split(path, report)
    year = listing_year or _infer_listing_year(page, path, report)
    yield from _pair(page, path, report, year)


# --- splitting ----------------------------------------------------------------------


def _is_header(line: str) -> bool:
    low = line.strip().casefold()
    return low in _HEADER_LINES or low.startswith(_HEADER_PREFIXES)


def _split(path: Path, report: LoadReport) -> _Page:
    """Strip the page header and cut the body into units."""
    page = _Page()
    lines = list(iter_lines(path, report, whole_file=True))  # the year needs the whole page
    i = 0
    while i < len(lines):
        lineno, line = lines[i]
        if not line.strip() or _is_header(line):
            i += 1
            continue
        m = _DATE.match(line.strip())
        if m and page.listing is None and not m["year"]:
            page.listing = (_MONTHS[m["mon"]], int(m["day"]))
            i += 1
            continue
        if line.startswith(_GLUED_PREFIX) and len(line) > len(_GLUED_PREFIX):
            # layout (c): the header's last word is glued to the first title
            lines[i] = (lineno, line[len(_GLUED_PREFIX):])
            page.dense = True
        break
    body = lines[i:]
    if not page.dense:
        blanks = sum(1 for _, line in body if not line.strip())
        page.dense = len(body) > 2 and blanks == 0
    if page.dense:
        for lineno, line in body:
            if line.strip():
                page.units.append(_Unit(lineno, [line]))
        return page
    current: _Unit | None = None
    for lineno, line in body:
        if not line.strip():
            current = None
            continue
        if current is None:
            current = _Unit(lineno, [])
            page.units.append(current)
        current.lines.append(line)
    return page


def _infer_listing_year(page: _Page, path: Path, report: LoadReport) -> int | None:
    """One more than the latest full date on the page; else the file's year, with a warning."""
    years = [
        int(m["year"])
        for unit in page.units if unit.is_trailer
        for line in unit.lines
        if (m := _DATE.match(line.strip())) and m["year"]
    ]
    if years:
        return max(years) + 1
    yearless = any(
        (m := _DATE.match(line.strip())) and not m["year"]
        for unit in page.units if unit.is_trailer for line in unit.lines
    )
    if not yearless:
        return None
    year = dt.date.fromtimestamp(path.stat().st_mtime).year
    report.warning(path, "", f"listing year not shown on the page; assuming {year} (file date)")
    return year


# --- pairing titles with abstracts ----------------------------------------------------


def _title_like(text: str) -> bool:
    return len(text) <= _TITLE_MAX and not (text.rstrip().endswith(".") and len(text) > 120)


def _abstract_like(text: str) -> bool:
    return len(text) >= _ABSTRACT_MIN or (text.rstrip().endswith(".") and len(text) > 120)


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]{4,}", text.casefold())}


def _overlap(title: str, abstract: str) -> float:
    words = _words(title)
    return len(words & _words(abstract)) / len(words) if words else 0.0


def _pair(page: _Page, path: Path, report: LoadReport, year: int | None) -> Iterator[PaperRecord]:
    units = page.units
    i = 0
    while i < len(units):
        unit = units[i]
        if unit.is_trailer:
            report.error(path, f"line {unit.lineno}", "paper details with no paper above; skipped")
            i += 1
            continue
        if len(unit.lines) > 1:
            units[i : i + 1] = _explode(unit, path, report)
            continue
        nxt = units[i + 1] if i + 1 < len(units) else None
        if not _title_like(unit.text):
            report.error(path, f"line {unit.lineno}", "abstract with no title above it; skipped")
            i += 1
            continue
        if nxt is None:
            report.error(
                path, f"line {unit.lineno}", f"title {_quote(unit.text)} has no abstract "
                "(truncated listing?); skipped",
            )
            break
        if nxt.is_trailer:
            report.error(path, f"line {unit.lineno}", f"title {_quote(unit.text)} has no abstract; "
                         "skipped")
            i += 2
            continue
        if len(nxt.lines) > 1:
            units[i + 1 : i + 2] = _explode(nxt, path, report)
            continue
        if not _abstract_like(nxt.text) and i + 2 == len(units) and not page.dense:
            # the file ends inside an abstract: the paper is kept with what is left of it
            report.warning(path, f"line {nxt.lineno}", "abstract cut short at the end of the "
                           "file (truncated listing?); read as far as it goes")
        elif not _abstract_like(nxt.text):
            # two title-like lines in a row: one of them does not belong
            after = units[i + 2] if i + 2 < len(units) else None
            if after is not None and not after.is_trailer and len(after.lines) == 1 \
                    and _abstract_like(after.text):
                keep, stray = (unit, nxt) if _overlap(unit.text, after.text) >= _overlap(
                    nxt.text, after.text) else (nxt, unit)
                report.error(path, f"line {stray.lineno}",
                             f"line {_quote(stray.text)} fits no layout; skipped")
                del units[units.index(stray)]
                continue
            report.error(path, f"line {unit.lineno}", f"title {_quote(unit.text)} has no abstract; "
                         "skipped")
            i += 1
            continue
        record = PaperRecord(
            title=unit.text,
            abstract=nxt.text,
            provenance=[Provenance(str(path), str(unit.lineno))],
            sources=[FORMAT],
        )
        i += 2
        if i < len(units) and units[i].is_trailer:
            try:
                _apply_trailer(record, units[i], page, year, path, report)
            except Exception as exc:  # an odd trailer costs its details, never the paper
                report.warning(path, f"line {units[i].lineno}", "paper details could not be "
                               f"read ({type(exc).__name__}: {exc}); ignored")
            i += 1
        yield record


def _explode(unit: _Unit, path: Path, report: LoadReport) -> list[_Unit]:
    """Split a multi-line block (a missing blank line) into one unit per line, with a warning."""
    report.warning(path, f"line {unit.lineno}",
                   f"{len(unit.lines)} lines without a blank line between them; read one by one")
    return [_Unit(unit.lineno + k, [line]) for k, line in enumerate(unit.lines)]


def _apply_trailer(
    record: PaperRecord, unit: _Unit, page: _Page, year: int | None, path: Path,
    report: LoadReport,
) -> None:
    """Author count or organisation, date and upvotes from the lines after an abstract."""
    dot = next(k for k, line in enumerate(unit.lines) if line.strip() == _DOT)
    before, after = unit.lines[:dot], unit.lines[dot + 1:]
    for k, line in enumerate(before):
        lineno = f"line {unit.lineno + k}"
        if m := _AUTHOR_COUNT.match(line):
            record.authors_count = int(m["n"])
        elif (m := _ORGANIZATION.match(line.strip())) and k == len(before) - 1:
            record.organization_handle, record.organization = m["handle"], m["name"].strip()
        else:
            report.warning(path, lineno, f"unrecognised attribution {_quote(line)}; ignored")
    for k, line in enumerate(after):
        lineno = f"line {unit.lineno + dot + 1 + k}"
        m = _DATE.match(line.strip())
        if not m:
            report.warning(path, lineno, f"unrecognised date line {_quote(line)}; ignored")
            continue
        month, day = _MONTHS[m["mon"]], int(m["day"])
        paper_year = int(m["year"]) if m["year"] else year
        after_listing = page.listing is not None and (month, day) > page.listing
        if not m["year"] and paper_year is not None and after_listing:
            paper_year -= 1
        if m["upvotes"]:
            record.upvotes = int(m["upvotes"])
        if paper_year is None:
            report.warning(path, lineno, "date without a year and no listing year; date ignored")
            continue
        try:
            record.date = dt.date(paper_year, month, day).isoformat()
        except ValueError:
            report.warning(path, lineno, f"impossible date {_quote(line)}; ignored")
            continue
        record.year = paper_year


def _quote(text: str, width: int = 60) -> str:
    text = text.strip()
    return repr(text if len(text) <= width else text[: width - 1] + "…")
