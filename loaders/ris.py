"""RIS files (EndNote, Zotero, Scopus, Web of Science, IEEE Xplore, PubMed exports), parsed
with rispy.

The file is cut at ``ER`` lines and each record handed to rispy on its own, so a broken
record is reported with its line and the rest are read. Control characters exporters leave
at line starts (IEEE Xplore puts a ``\\r`` before every ``TY`` after the first) are
dropped, and tags are read in any case and with one space before the dash. Exporters
disagree on tags (``TI``/``T1``, ``AU``/``A1``, ``PY``/``Y1``/``DA``, ``AB``/``N2``,
``JO``/``T2``/``JF``); the first present wins.

Bibliometric fields: ``KW`` keywords, ``AD`` affiliations (and their countries), ``LA``
language, ``M3`` (else ``TY``) document type, Scopus's ``N1`` "Cited By: N" count and
``UR`` EID, ``AN`` accession numbers (a Web of Science UT, or a PubMed id when ``DB``
or ``DP`` names PubMed, MEDLINE or the NLM), and ids labelled ``[PMID]``, ``[PMCID]`` or
``[DOI]`` in the user fields ``U1``-``U5`` (Dimensions). Every ``AD`` line is an address
of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import rispy

from citegraph.loaders.affiliations import countries_of
from citegraph.loaders.common import (
    add_id,
    arxiv_from_doi,
    arxiv_from_url,
    doi_in_text,
    iso_date,
    year_of,
)
from citegraph.loaders.names import display_name, real_names
from citegraph.loaders.problems import LoadReport
from citegraph.loaders.records import PaperRecord, Provenance
from citegraph.loaders.text import clean
from citegraph.loaders.textio import iter_lines

FORMAT = "ris"
#: A tag line in any case, with one or two spaces before the dash.
_TAG_LINE = re.compile(r"^([A-Za-z][A-Za-z0-9]) {1,2}-(?: |$)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_TITLE = ("title", "primary_title", "translated_title", "short_title")
_AUTHORS = ("authors", "first_authors")
_YEAR = ("year", "publication_year", "date")
_ABSTRACT = ("abstract", "notes_abstract")
_VENUE = ("journal_name", "secondary_title", "alternate_title3", "alternate_title1",
          "alternate_title2")
#: Scopus's count, a note of its own: "Cited By :12" (references in other notes say
#: "cited by" too).
_CITED_BY = re.compile(r"^\s*cited\s+by\s*:?\s*(\d+)\s*$", re.IGNORECASE)
_EID_IN_URL = re.compile(r"[?&]eid=(2-s2\.0-\d+)")
#: Tags read beyond rispy's own: the user fields U1-U5 (where Dimensions writes
#: "35957633 [PMID]" and "PMC9359172 [PMCID]").
_MAPPING = {**rispy.TAG_KEY_MAPPING, **{f"U{i}": f"user{i}" for i in range(1, 6)}}
#: Tags that repeat in a record, each line a value of its own: rispy's list tags, ``AD``
#: (an address per line: Scopus, Web of Science, Ovid) and the user fields. rispy keeps
#: only the first line of any other repeated tag.
_LIST_TAGS = [*rispy.LIST_TYPE_TAGS, "AD", *(f"U{i}" for i in range(1, 6))]
#: An identifier labelled with its kind in a user field.
_LABELLED_ID = re.compile(r"^(\S+)\s*\[(PMID|PMCID|DOI)\]$", re.IGNORECASE)


def sniff(path: Path, head: str) -> bool:
    """RIS records start with a ``TY  - `` line (after stray control characters)."""
    return bool(re.search(r"^[\x00-\x1f]*TY {1,2}- ", head, re.MULTILINE))


def _tidy(line: str) -> str:
    """A line without control characters, its tag upper-cased and padded as rispy reads it."""
    # exporters leave control characters at line starts (IEEE's stray \r before TY); inside
    # a value one stands between words, so it becomes a space
    line = _CONTROL.sub(" ", line.lstrip("".join(map(chr, range(32)))))
    m = _TAG_LINE.match(line)
    if m and m.group(1).upper() in _MAPPING:
        return f"{m.group(1).upper()}  - {line[m.end():]}"
    return line


def read(path: Path, report: LoadReport) -> Iterator[PaperRecord]:
    """Yield one record per ``TY`` … ``ER`` block.

    Text between records (record numbers such as Ovid's "1.", trailers, links) is passed
    over, unless it carries a title: then it is a record without its ``TY`` line, reported.
    A ``TY`` line inside an open record (its ``ER`` line missing) ends that record there,
    with a warning, so two records never run together.
    """
    chunk: list[str] = []
    stray: list[tuple[int, str]] = []
    start = 0
    for lineno, raw in iter_lines(path, report):
        line = _tidy(raw)
        if chunk and line.startswith("TY  -"):
            report.warning(path, f"line {start}", "record has no ER line; it ends where the "
                           f"next record starts (line {lineno})")
            report.saw(path)
            yield from _parse([*chunk, "ER  - "], start, path, report)
            chunk = []
        if not chunk:
            if not line.startswith("TY  -"):
                if line.strip():
                    stray.append((lineno, line))
                continue
            _check_stray(stray, path, report)
            stray, start = [], lineno
        chunk.append(line)
        if line.startswith("ER  -"):
            report.saw(path)
            yield from _parse(chunk, start, path, report)
            chunk = []
    _check_stray(stray, path, report)
    if any(line.strip() for line in chunk):
        report.saw(path)
        report.error(path, f"line {start}", "record has no ER line (truncated file?); skipped")


def _check_stray(stray: list[tuple[int, str]], path: Path, report: LoadReport) -> None:
    """Lines met outside any record: reported as a record only if they carry a title."""
    if any(line.startswith(("TI  -", "T1  -")) for _, line in stray):
        report.saw(path)
        report.error(path, f"line {stray[0][0]}", "record does not start with a TY line; "
                     "skipped")


def _parse(chunk: list[str], start: int, path: Path, report: LoadReport) -> Iterator[PaperRecord]:
    location = f"line {start}"
    try:
        entries = rispy.loads("\n".join(chunk), skip_unknown_tags=True, mapping=_MAPPING,
                              list_tags=_LIST_TAGS)
        record = _record(entries[0], path, location, report) if entries else None
    except Exception as exc:  # rispy raises plain IOError/ValueError/KeyError on bad input
        report.error(path, location, f"record could not be parsed ({exc}); skipped")
        return
    if record is None:
        report.error(path, location, "record has no title; skipped")
    else:
        yield record


def _first(entry: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if entry.get(key):
            return entry[key]
    return None


def _strings(value: Any) -> list[str]:
    if not value:
        return []
    items = value if isinstance(value, list) else [value]
    return [s for s in (clean(str(v)) for v in items) if s]


def _record(entry: dict[str, Any], path: Path, location: str,
            report: LoadReport) -> PaperRecord | None:
    title = clean(_first(entry, _TITLE))
    if not title:
        return None
    where = entry.get("id") and f"record {entry['id']}" or location
    ids: dict[str, str] = {}
    urls = entry.get("urls") or []
    add_id(ids, "doi", entry.get("doi") or next(filter(None, map(doi_in_text, urls)), None))
    add_id(ids, "arxiv", next(filter(None, map(arxiv_from_url, urls)), None)
           or arxiv_from_doi(ids.get("doi")))
    add_id(ids, "eid", next((m.group(1) for u in urls if (m := _EID_IN_URL.search(u))), None))
    database = " ".join(_strings(entry.get("name_of_database"))
                        + _strings(entry.get("database_provider"))).casefold()
    for accession in _strings(entry.get("accession_number")):
        # an accession number is a WoS UT by its prefix, a PMID only in a PubMed export;
        # other databases number their records their own way
        if accession.upper().startswith("WOS:"):
            add_id(ids, "wos", accession)
        elif any(name in database for name in ("pubmed", "medline", "nlm")):
            add_id(ids, "pmid", accession)
    for value in (v for i in range(1, 6) for v in _strings(entry.get(f"user{i}"))):
        if m := _LABELLED_ID.match(value):
            add_id(ids, m.group(2).lower(), m.group(1))
    authors = real_names([display_name(a) for a in _first(entry, _AUTHORS) or [] if a])
    said = f"{where} ({location})" if where != location else location  # for the report
    date = report.field(path, said, "date", _date, entry.get("date"), default=None)
    affiliations = _strings(entry.get("author_address"))
    cited = next(filter(None, map(_CITED_BY.match, _strings(entry.get("notes")))), None)
    return PaperRecord(
        title=title,
        abstract=clean(_first(entry, _ABSTRACT)),
        authors=authors,
        date=date,
        year=next(filter(None, (year_of(entry.get(k)) for k in _YEAR)), None),
        venue=clean(_first(entry, _VENUE)) or None,
        ids=ids,
        provenance=[Provenance(str(path), where)],
        sources=[FORMAT],
        keywords=_strings(entry.get("keywords")),
        doc_type=clean(entry.get("type_of_work") or entry.get("type_of_reference")) or None,
        language=clean(entry.get("language")) or None,
        affiliations=affiliations,
        countries=countries_of(affiliations),
        cited_by_count=int(cited.group(1)) if cited else None,
        cited_by_source="scopus" if cited else None,
    )


def _date(value: Any) -> str | None:
    return iso_date(str(value or "").replace("/", "-"))
