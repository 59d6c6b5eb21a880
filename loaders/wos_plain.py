"""Web of Science plain-text exports ("savedrecs.txt"): two-letter field tags.

A file opens with ``FN``/``VR`` header lines and closes with ``EF``; each record runs from
its first tag (``PT``) to an ``ER`` line. A field is a tag, a space and a value; each
further line of the field is indented by three spaces. In list fields (authors ``AU``/``AF``,
addresses ``C1``, cited references ``CR``) every line is one item; in text fields
(``TI``, ``AB``, keywords) the lines are one wrapped value.

Records are cut from the line stream one at a time, so a broken record costs only itself:
one without a title is reported and skipped, one cut short (no ``ER``) is read as far as
it goes with a warning, and a field that cannot be read is reported and left empty.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from citegraph.loaders.affiliations import countries_of
from citegraph.loaders.authorship import AuthorMatcher, is_placeholder, normalize_orcid
from citegraph.loaders.common import add_id, arxiv_from_doi, year_of
from citegraph.loaders.dates import month_number, ymd
from citegraph.loaders.names import display_name
from citegraph.loaders.problems import LoadReport
from citegraph.loaders.records import PaperRecord, Provenance, Reference, normalize_id
from citegraph.loaders.text import clean
from citegraph.loaders.textio import iter_lines

FORMAT = "wos"
_TAG = re.compile(r"^([A-Z][A-Z0-9])(?: (.*)|$)")
_FILE_TAGS = frozenset({"FN", "VR", "EF"})
#: Tags a record has once, near its start: seen twice, they begin the next record.
_OPENING_TAGS = frozenset({"AU", "AF", "TI", "UT"})
_C1_PAIR = re.compile(r"^\[([^\]]*)\]\s*(.*)$")
_REPRINT = re.compile(r"\((?:corresponding|reprint) author\),\s*", re.IGNORECASE)
_MONTH_DAY = re.compile(r"^([A-Z]{3})\s+(\d{1,2})$")
_REF_DOI = re.compile(r"\bDOI\s+(?:DOI\s+)*(\[[^\]]*\]?|\S+)", re.IGNORECASE)
_DOI_LABELS = re.compile(r"^(?:DOI\s+)+", re.IGNORECASE)
_YEAR = re.compile(r"\d{4}")

Fields = dict[str, list[str]]


def sniff(path: Path, head: str) -> bool:
    """The ``FN`` header line, or a record that opens with ``PT`` and tags that follow."""
    text = head.lstrip("\ufeff").lstrip()
    if re.match(r"FN [^\n]*\n\s*(?:VR |PT )", text):
        return True
    return bool(re.match(r"PT [A-Z]\s*\n(?:[A-Z][A-Z0-9] [^\n]*\n|   [^\n]*\n){2}", text))


def read(path: Path, report: LoadReport) -> Iterator[PaperRecord]:
    """Yield one record per ``PT`` … ``ER`` block; each block is read or reported."""
    for start, fields, closed in _blocks(path, report):
        location = f"line {start}"
        if not closed:
            report.warning(path, location, "record has no ER line (file cut short?); "
                           "read as far as it goes")
        record = _record(fields, path, location, report)
        if record is None:
            report.error(path, location, "record has no title (TI); skipped")
        else:
            yield record


def _blocks(path: Path, report: LoadReport) -> Iterator[tuple[int, Fields, bool]]:
    """``(first line, fields, ended by ER)`` for every record in the file."""
    fields: Fields = defaultdict(list)
    start: int | None = None
    seen: set[str] = set()  # tags that opened a field of the current record
    last_tag = ""
    for lineno, line in _lines(path, report):
        if not line.strip():
            continue
        if line[0] in " \t":
            if start is None:
                report.warning(path, f"line {lineno}", "indented line outside a record; "
                               "ignored")
            else:
                fields[last_tag].append(line.strip())
            continue
        m = _TAG.match(line)
        if m is None:
            report.warning(path, f"line {lineno}", f"not a field line ({line[:30]!r}); "
                           "ignored")
            continue
        tag, value = m.group(1), (m.group(2) or "").strip()
        if tag == "ER" or tag in _FILE_TAGS:
            if start is not None:
                yield start, fields, tag == "ER"
                fields, start = defaultdict(list), None
            elif tag == "ER":
                report.warning(path, f"line {lineno}", "ER line outside a record; ignored")
            continue
        if start is None:
            start, seen = lineno, set()
        elif tag == "PT" or tag in _OPENING_TAGS & seen:
            # a record's own tag again: the last record lost its ER (and maybe this one its
            # PT), so it ends here
            yield start, fields, False
            fields, start, seen = defaultdict(list), lineno, set()
        seen.add(tag)
        last_tag = tag
        if value:
            fields[tag].append(value)
        else:
            fields.setdefault(tag, [])
    if start is not None:
        yield start, fields, False


def _lines(path: Path, report: LoadReport) -> Iterator[tuple[int, str]]:
    """The file's lines, for files joined with ``cat`` too: each part keeps its BOM, and
    an export that ends without a newline glues its ``EF`` to the next one's ``FN``."""
    for lineno, line in iter_lines(path, report):
        if line.startswith("EF\ufeff"):
            yield lineno, "EF"
            line = line[2:]
        yield lineno, line.lstrip("\ufeff")


def _text(fields: Fields, tag: str) -> str:
    return clean(" ".join(fields.get(tag, ())))


def _semicolon_list(fields: Fields, tag: str) -> list[str]:
    seen: dict[str, None] = {}
    for part in _text(fields, tag).split(";"):
        if part.strip():
            seen.setdefault(part.strip())
    return list(seen)


def _count(fields: Fields, tag: str, path: Path, location: str,
           report: LoadReport) -> int | None:
    value = _text(fields, tag)
    if not value:
        return None
    if value.isdigit():
        return int(value)
    report.warning(path, location, f"{tag} {value!r} is not a count; left empty")
    return None


def _record(fields: Fields, path: Path, location: str,
            report: LoadReport) -> PaperRecord | None:
    title = _text(fields, "TI")
    if not title:
        return None
    authors = [display_name(a) for a in fields.get("AF") or fields.get("AU") or []
               if not is_placeholder(a)]
    ids: dict[str, str] = {}
    add_id(ids, "doi", _text(fields, "DI"))
    add_id(ids, "wos", _text(fields, "UT"))
    add_id(ids, "pmid", _text(fields, "PM"))
    add_id(ids, "arxiv", arxiv_from_doi(ids.get("doi")))
    year = year_of(_text(fields, "PY"))
    if _text(fields, "PY") and year is None:
        report.warning(path, location, f"PY {_text(fields, 'PY')!r} is not a year; left empty")
    affiliations, author_affiliations = _affiliations(fields, authors)
    cited = _count(fields, "TC", path, location, report)
    if cited is None:
        cited = _count(fields, "Z9", path, location, report)
    return PaperRecord(
        title=title,
        abstract=_text(fields, "AB"),
        authors=authors,
        date=_date(year, _text(fields, "PD")),
        year=year,
        venue=_text(fields, "SO") or None,
        ids=ids,
        references=[_reference(line) for line in fields.get("CR", ()) if line.strip()],
        provenance=[Provenance(str(path), location)],
        sources=[FORMAT],
        keywords=_semicolon_list(fields, "DE"),
        index_terms=_semicolon_list(fields, "ID"),
        doc_type=_text(fields, "DT") or None,
        language=_text(fields, "LA") or None,
        affiliations=affiliations,
        countries=countries_of(affiliations),
        author_affiliations=author_affiliations,
        cited_by_count=cited,
        cited_by_source="wos" if cited is not None else None,
        author_ids=_author_ids(fields, authors),
    )


def _date(year: int | None, published: str) -> str | None:
    """``yyyy-mm-dd`` when ``PD`` gives month and day ("MAY 15"); month-only dates stay out."""
    m = _MONTH_DAY.match(published.upper())
    return ymd(year, month_number(m.group(1)), int(m.group(2))) if m else None


def _affiliations(fields: Fields, authors: list[str]) -> tuple[list[str], list[str]]:
    """Addresses in order, and per author the addresses ``C1`` pairs with that author.

    ``C1`` lines read ``[Family, Given; Family, Given] Address``; older records give the
    address alone, which pairs with nobody. Without ``C1`` the reprint address (``RP``)
    is the only one known.
    """
    addresses: dict[str, None] = {}
    per_author: list[list[str]] = [[] for _ in authors]
    paired = False
    matcher: AuthorMatcher | None = None
    for line in fields.get("C1", ()):
        m = _C1_PAIR.match(line)
        names, address = (m.group(1).split(";"), m.group(2)) if m else ([], line)
        address = clean(address)
        if not address:
            continue
        addresses.setdefault(address)
        if names and matcher is None:
            matcher = AuthorMatcher(authors)
        for name in names:
            i = matcher.find(name.strip())
            if i is not None and address not in per_author[i]:
                per_author[i].append(address)
                paired = True
    if not addresses:
        for address in _reprint_addresses(_text(fields, "RP")):
            addresses.setdefault(address)
    return list(addresses), (["; ".join(a) for a in per_author] if paired else [])


def _reprint_addresses(text: str) -> list[str]:
    """Addresses of ``Name (corresponding author), Address.; Name (…), Address.``."""
    parts = _REPRINT.split(text)
    found = []
    for k, part in enumerate(parts[1:], start=1):
        address = part.rsplit("; ", 1)[0] if k < len(parts) - 1 else part
        if address.strip(" ;"):
            found.append(address.strip(" ;"))
    return found


def _author_ids(fields: Fields, authors: list[str]) -> list[dict[str, str]]:
    """ORCIDs (``OI``) and ResearcherIDs (``RI``), ``Family, Given/ID; …``, per author."""
    if not fields.get("OI") and not fields.get("RI"):
        return []
    found: list[dict[str, str]] = [{} for _ in authors]
    matcher = AuthorMatcher(authors)
    for tag, kind in (("OI", "orcid"), ("RI", "researcherid")):
        for entry in _text(fields, tag).split(";"):
            name, sep, value = entry.rpartition("/")
            i = matcher.find(name.strip()) if sep else None
            value = normalize_orcid(value) if kind == "orcid" else value.strip()
            if i is not None and value:
                found[i].setdefault(kind, value)
    return found if any(found) else []


def _reference(line: str) -> Reference:
    """A ``CR`` line (``Family I, 2019, SOURCE, V1, P2, DOI 10.…``): DOI, year, first author.

    The rest of the line is kept in ``raw`` for a full reference parser.
    """
    text = clean(line)
    parts = [p.strip() for p in text.split(",", 2)]
    year = None
    author = parts[0]
    if _YEAR.fullmatch(author):
        year, author = int(author), ""
    elif len(parts) > 1 and _YEAR.fullmatch(parts[1]):
        year = int(parts[1])
    doi = _reference_doi(text)
    return Reference(
        ids={"doi": doi} if doi else {},
        year=year,
        authors=[author] if author and not is_placeholder(author) else [],
        raw=text,
        raw_format=FORMAT,
    )


def _reference_doi(text: str) -> str | None:
    """The DOI after ``DOI``, also from the list form ``DOI [DOI 10.a, 10.b]`` (first valid)."""
    m = _REF_DOI.search(text) if "DOI" in text.upper() else None
    if m is None:
        return None
    value = m.group(1)
    candidates = value.strip("[]").split(",") if value.startswith("[") else [value]
    for candidate in candidates:
        candidate = _DOI_LABELS.sub("", candidate.strip())
        doi = normalize_id("doi", candidate.rstrip(".;"))
        if doi:
            return doi
    return None
