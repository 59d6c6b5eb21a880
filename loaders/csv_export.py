"""Spreadsheet exports of search results: Scopus, Web of Science (tab-delimited field tags,
or the newer spreadsheet with full column names), IEEE Xplore, Springer Link,
OpenAlex's web export, and any CSV/TSV with recognisable column names (``title``,
``authors``, ``year``, ``doi``, …).

Each layout is a column mapping recognised by its header row; the delimiter (comma, tab,
semicolon) is sniffed from the header, and Web of Science's tab-delimited files are read
unquoted as they are written. Quoted cells may span lines. Rows with more cells than the
header are realigned (:mod:`~citegraph.loaders.csv_align`) with one warning per file.
Reference lists (Scopus ``References``, WoS ``CR``) become one raw reference each, parsed
by :mod:`citegraph.loaders.references`.

Bibliometric columns are read where the layout has them: author and index keywords,
affiliations (each author's too, where the export pairs them) and their countries,
document type, language, the source's citation count, record ids (EID, WoS UT, PubMed
id) and author ids (Scopus ``Author(s) ID``, WoS ``OI``/``RI``).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citegraph.loaders.affiliations import countries_of, country_from_code
from citegraph.loaders.common import add_id, arxiv_from_doi, iso_date, year_of
from citegraph.loaders.csv_align import Aligner
from citegraph.loaders.names import author_key, display_name, is_placeholder, split_names
from citegraph.loaders.problems import LoadReport
from citegraph.loaders.records import PaperRecord, Provenance, Reference
from citegraph.loaders.terms import scopus_terms
from citegraph.loaders.text import clean
from citegraph.loaders.textio import iter_lines

FORMAT = "csv"
csv.field_size_limit(1 << 24)  # reference lists and abstracts overflow the 128 KiB default

Getter = Callable[[tuple[str, ...]], str]

_SCOPUS_ID = re.compile(r"\s*\((\d+)\)\s*$")
_SPRINGER_GLUE = re.compile(r"(?<=[a-z\u00df-\u00ff.])(?=[A-Z\u00c0-\u00de][a-z\u00df-\u00ff])")
_SPRINGER_PREFIXES = re.compile(r"(?:Mc|Mac|De|Di|Du|La|Le|Van|Von|O')$")
_WOS_GROUP = re.compile(r"\[([^\]]*)\]\s*([^\[]*)")
_ORCID = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]")
_RESEARCHER_ID = re.compile(r"[A-Z]{1,3}-\d{4}-\d{4}")


def _split(sep: str) -> Callable[[str], list[str]]:
    return lambda text: [p.strip() for p in text.split(sep) if p.strip()]


def _scopus_authors(text: str) -> list[str]:
    """``Smith, John (123); Doe, A. (456)``, or the old ``Smith J., Doe A.B.``."""
    if ";" in text:
        return [_SCOPUS_ID.sub("", p).strip() for p in text.split(";") if p.strip()]
    return split_names(text)


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


def _terms(text: str) -> list[str]:
    return [t for t in (" ".join(p.split()) for p in text.split(";")) if t]


# --- per-author columns: each returns lists parallel to the authors ------------------

def _scopus_pairs(get: Getter, authors: list[str]) -> tuple[list[str], list[dict[str, str]]]:
    """Scopus ``Authors with affiliations`` ("Surname, I., Affiliation; …", one entry per
    author, in order) and ``Author(s) ID`` ("id;id;") or ids in ``Author full names``."""
    entries = _terms(get(("Authors with affiliations",)))
    by_author = []
    if len(entries) == len(authors):
        by_author = [",".join(e.split(",")[2:]).strip() for e in entries]
    ids = [i for i in (p.strip() for p in get(("Author(s) ID",)).split(";")) if i]
    if not ids:
        full = [p.strip() for p in get(("Author full names",)).split(";") if p.strip()]
        ids = [m.group(1) if (m := _SCOPUS_ID.search(p)) else "" for p in full]
    author_ids = [{"scopus": i} if i else {} for i in ids] if len(ids) == len(authors) else []
    return by_author, author_ids


def _wos_pairs(get: Getter, authors: list[str]) -> tuple[list[str], list[dict[str, str]]]:
    """WoS ``C1`` ("[Surname, Given; …] Affiliation; …") and ``OI``/``RI``
    ("Surname, Given/0000-…; …") matched to the authors by name."""
    keys = {author_key(a): i for i, a in enumerate(authors)}
    paired: list[list[str]] = [[] for _ in authors]
    for names, affiliation in _WOS_GROUP.findall(get(("C1", "Addresses"))):
        for name in names.split(";"):
            if (i := keys.get(author_key(name))) is not None:
                paired[i].append(affiliation.strip(" ;."))
    ids: list[dict[str, str]] = [{} for _ in authors]
    for column, kind, shape in ((("OI", "ORCIDs"), "orcid", _ORCID),
                                (("RI", "Researcher Ids"), "researcherid", _RESEARCHER_ID)):
        for item in get(column).split(";"):
            name, _, code = item.rpartition("/")
            i = keys.get(author_key(name.strip()))
            if i is not None and shape.fullmatch(code.strip()):
                ids[i][kind] = code.strip()
    return (["; ".join(p) for p in paired] if any(paired) else [],
            ids if any(ids) else [])


def _wos_affiliations(text: str) -> list[str]:
    """WoS ``C1``: the affiliations without their bracketed author groups."""
    groups = _WOS_GROUP.findall(text)
    if groups:
        return list(dict.fromkeys(a.strip(" ;.") for _, a in groups if a.strip(" ;.")))
    return [a.strip(" .") for a in text.split(";") if a.strip(" .")]


def _ieee_pairs(get: Getter, authors: list[str]) -> tuple[list[str], list[dict[str, str]]]:
    """IEEE ``Author Affiliations``: one per author, ``;``-separated, in order."""
    affiliations = [a.strip() for a in get(("Author Affiliations",)).split(";")]
    # IEEE writes "NA" for an author whose affiliation it lacks
    affiliations = ["" if is_placeholder(a) else a for a in affiliations]
    return (affiliations if len(affiliations) == len(authors) and any(affiliations) else []), []


def _openalex_pairs(get: Getter, authors: list[str]) -> tuple[list[str],
                                                                list[dict[str, str]]]:
    """OpenAlex ``authorships.author.id`` and ``.orcid``: ``|``-joined, one per author."""
    columns = (("openalex", "authorships.author.id"), ("orcid", "authorships.author.orcid"))
    ids: list[dict[str, str]] = [{} for _ in authors]
    for kind, column in columns:
        values = get((column,)).split("|")
        if len(values) == len(authors):
            for i, value in enumerate(values):
                if code := value.strip().rstrip("/").rpartition("/")[2]:
                    ids[i][kind] = code
    return [], ids if any(ids) else []


def _no_pairs(get: Getter, authors: list[str]) -> tuple[list[str], list[dict[str, str]]]:
    return [], []


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
    keywords: tuple[str, ...] = ()
    index_terms: tuple[str, ...] = ()
    split_index_terms: Callable[[str], list[str]] = _terms
    affiliations: tuple[str, ...] = ()
    split_affiliations: Callable[[str], list[str]] = field(default=_split(";"))
    doc_type: tuple[str, ...] = ()
    language: tuple[str, ...] = ()
    cited_by: tuple[str, ...] = ()
    cited_by_source: str | None = None
    eid: tuple[str, ...] = ()
    pmid: tuple[str, ...] = ()
    pmcid: tuple[str, ...] = ()
    wos: tuple[str, ...] = ()
    openalex: tuple[str, ...] = ()
    #: Countries given as ISO alpha-2 codes, ``|``-joined (else parsed from affiliations).
    country_codes: tuple[str, ...] = ()
    #: Each author's affiliations and ids, parallel to the authors ([] when unknown).
    per_author: Callable[[Getter, list[str]], tuple[list[str], list[dict[str, str]]]] = \
        _no_pairs


LAYOUTS: tuple[Layout, ...] = (
    Layout("scopus", ("Source title", "EID"), ("Title",),
           authors=("Author full names", "Authors"), split_authors=_scopus_authors,
           year=("Year",), venue=("Source title",), doi=("DOI",), abstract=("Abstract",),
           references=("References",), keywords=("Author Keywords",),
           index_terms=("Index Keywords",), split_index_terms=scopus_terms,
           affiliations=("Affiliations",),
           doc_type=("Document Type",), language=("Language of Original Document",),
           cited_by=("Cited by",), cited_by_source="scopus", eid=("EID",),
           pmid=("PubMed ID",), per_author=_scopus_pairs),
    Layout("wos", ("PT", "AU", "TI", "UT"), ("TI",), authors=("AF", "AU"),
           split_authors=_split(";"), year=("PY",), date=("EA", "PD"), venue=("SO",),
           doi=("DI",), abstract=("AB",), references=("CR",), keywords=("DE",),
           index_terms=("ID",), affiliations=("C1",), split_affiliations=_wos_affiliations,
           doc_type=("DT",), language=("LA",), cited_by=("TC", "Z9"), cited_by_source="wos",
           wos=("UT",), pmid=("PM",), per_author=_wos_pairs),
    Layout("wos-csv", ("Article Title", "UT (Unique WOS ID)"), ("Article Title",),
           authors=("Author Full Names", "Authors"), split_authors=_split(";"),
           year=("Publication Year",), venue=("Source Title",), doi=("DOI",),
           abstract=("Abstract",), references=("Cited References",),
           keywords=("Author Keywords",), index_terms=("Keywords Plus",),
           affiliations=("Addresses",), split_affiliations=_wos_affiliations,
           doc_type=("Document Type",), language=("Language",),
           cited_by=("Times Cited, WoS Core", "Times Cited, All Databases"),
           cited_by_source="wos", wos=("UT (Unique WOS ID)",), pmid=("Pubmed Id",),
           per_author=_wos_pairs),
    Layout("ieee", ("Document Title", "Publication Title"), ("Document Title",),
           authors=("Authors",), split_authors=_split(";"), year=("Publication Year",),
           venue=("Publication Title",), doi=("DOI",), abstract=("Abstract",),
           keywords=("Author Keywords",), index_terms=("IEEE Terms",),
           affiliations=("Author Affiliations",), doc_type=("Document Identifier",),
           cited_by=("Article Citation Count",), cited_by_source="ieee",
           per_author=_ieee_pairs),
    Layout("openalex-csv", ("display_name", "authorships.author.display_name"),
           ("display_name", "title"), authors=("authorships.author.display_name",),
           split_authors=_split("|"), year=("publication_year",), date=("publication_date",),
           venue=("primary_location.source.display_name",), doi=("doi",),
           abstract=("abstract",), affiliations=("authorships.institutions.display_name",),
           split_affiliations=_split("|"), doc_type=("type",), language=("language",),
           cited_by=("cited_by_count",), cited_by_source="openalex", openalex=("id",),
           pmid=("ids.pmid",), country_codes=("authorships.countries",),
           per_author=_openalex_pairs),
    Layout("springer", ("Item Title", "Item DOI"), ("Item Title",), authors=("Authors",),
           split_authors=_springer_authors, year=("Publication Year",),
           venue=("Publication Title", "Book Series Title"), doi=("Item DOI",),
           doc_type=("Content Type",)),
    Layout("generic", ("title",), ("title", "document title", "article title", "paper title"),
           authors=("authors", "author", "author names"), year=("year", "publication year"),
           date=("date", "publication date", "published"),
           venue=("venue", "journal", "source", "source title", "booktitle", "conference"),
           doi=("doi",), arxiv=("arxiv", "arxiv id", "arxiv_id", "eprint"),
           abstract=("abstract", "summary"), keywords=("keywords", "author keywords"),
           doc_type=("document type", "type"), language=("language",),
           affiliations=("affiliations",)),
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
    aligner = Aligner(columns)
    consumed = 0  # lines the reader has taken after the header
    for row in _rows(reader, path, report, first[0]):
        location = f"line {first[0] + consumed + 1}"
        consumed = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        report.saw(path)
        values = dict(enumerate(aligner.align(row, location)))

        def get(names: tuple[str, ...], values: dict[int, str] = values) -> str:
            for name in names:
                i = folded.get(name.casefold())
                if i is not None and values.get(i, "").strip():
                    return values[i]
            return ""

        try:
            record = _record(layout, get, path, location, report)
        except Exception as exc:  # a surprise in one row costs that row, not the file
            report.error(path, location, f"row could not be read ({type(exc).__name__}: "
                         f"{exc}); skipped")
            continue
        if record is None:
            report.error(path, location, "row has no title; skipped")
        else:
            yield record
    if aligner.rows:
        report.warning(path, aligner.first_location, aligner.summary())


def _rows(reader: Any, path: Path, report: LoadReport, header_line: int) -> Iterator[
        list[str]]:
    """The reader's rows; a row the csv module rejects (an unclosed quote) ends the file."""
    done = 0
    try:
        for row in reader:
            done = reader.line_num
            yield row
    except csv.Error as exc:
        report.saw(path)
        report.error(path, f"line {header_line + done + 1}", f"CSV cannot be parsed ({exc}); "
                     "rest of file skipped")


def _count(text: str) -> int | None:
    text = text.strip().replace(",", "")
    return int(text) if text.isdigit() else None


def _countries(layout: Layout, get: Getter, affiliations: list[str]) -> list[str]:
    codes = [c for c in get(layout.country_codes).replace(";", "|").split("|") if c.strip()]
    if codes:
        return list(dict.fromkeys(n for c in codes if (n := country_from_code(c))))
    return countries_of(affiliations)


def _record(layout: Layout, get: Getter, path: Path, location: str,
            report: LoadReport) -> PaperRecord | None:
    title = clean(get(layout.title))
    if not title:
        return None
    ids: dict[str, str] = {}
    add_id(ids, "doi", get(layout.doi))
    add_id(ids, "arxiv", get(layout.arxiv) or arxiv_from_doi(ids.get("doi")))
    for kind, columns in (("pmid", layout.pmid), ("eid", layout.eid), ("wos", layout.wos),
                          ("openalex", layout.openalex), ("pmcid", layout.pmcid)):
        add_id(ids, kind, get(columns))
    date = iso_date(get(layout.date))
    raw_format = "scopus" if layout.name == "scopus" else "wos"  # parsed centrally
    references = [Reference(raw=text, raw_format=raw_format)
                  for text in layout.split_references(get(layout.references))]
    names = [display_name(a) for a in layout.split_authors(clean(get(layout.authors)))]
    keep = [i for i, n in enumerate(names) if n and not is_placeholder(n)]
    authors = [names[i] for i in keep]
    by_author, author_ids = report.field(path, location, "per-author columns",
                                         layout.per_author, get, names, default=([], []))
    affiliations = [a for a in layout.split_affiliations(clean(get(layout.affiliations)))
                    if not is_placeholder(a)]  # "NA" (IEEE) is no affiliation
    cited_by = _count(get(layout.cited_by))
    return PaperRecord(
        title=title,
        abstract=clean(get(layout.abstract)),
        authors=authors,
        date=date,
        year=year_of(get(layout.year)) or year_of(date),
        venue=clean(get(layout.venue)) or None,
        ids=ids,
        references=references,
        provenance=[Provenance(str(path), location)],
        sources=[FORMAT],
        keywords=_terms(clean(get(layout.keywords))),
        index_terms=layout.split_index_terms(clean(get(layout.index_terms))),
        doc_type=clean(get(layout.doc_type)) or None,
        language=clean(get(layout.language)) or None,
        affiliations=affiliations,
        author_affiliations=[clean(by_author[i]) for i in keep] if by_author else [],
        countries=_countries(layout, get, affiliations),
        cited_by_count=cited_by,
        cited_by_source=layout.cited_by_source if cited_by is not None else None,
        author_ids=[author_ids[i] for i in keep] if author_ids else [],
    )
