"""BibTeX and BibLaTeX files, parsed with bibtexparser 2.

``@string`` macros are resolved by the parser; ``crossref`` is resolved here (a child takes
the fields it lacks from its parent, the parent's title as its venue). Field names are
matched in any case (Web of Science writes ``Author``, ``DOI``) and values wrapped twice in
braces (``{{10.1000/x}}``) are unwrapped. Titles, abstracts and names are LaTeX-decoded;
names are split by BibTeX's own rules (``von Last, Jr, First``), and a list those rules
reject (Scopus's "Watrobski J., Salabun W.", a trailing comma) by
:func:`~citegraph.loaders.names.split_names`, with a warning.

Each entry is read on its own: a field that cannot be read costs that field, with a
warning naming the record; an entry the parser rejects is parsed once more with BibTeX's
own brace counting (``\\{`` counts as a brace) and otherwise reported with its line.

Scopus and Web of Science exports carry bibliometric fields, read here: author and index
keywords (``author_keywords``/``keywords``; ``Keywords``/``Keywords-Plus``),
affiliations (``affiliation(s)``), countries, document type, language, the source's
citation count (Scopus ``note = {cited By N}``, WoS ``Times-Cited``), cited works with a
DOI (WoS ``Cited-References``, Scopus ``references``), record ids (Scopus
EID, WoS ``Unique-ID``, PubMed ids) and author ids (WoS ``ORCID-Numbers``,
``ResearcherID-Numbers``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

import bibtexparser
from bibtexparser import model
from bibtexparser.middlewares.interpolate import ResolveStringReferencesMiddleware
from bibtexparser.middlewares.middleware import Middleware
from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)

from citegraph.loaders import bibtex_split
from citegraph.loaders.affiliations import countries_of
from citegraph.loaders.common import (
    add_id,
    arxiv_from_doi,
    arxiv_from_url,
    doi_in_text,
    iso_date,
    year_of,
)
from citegraph.loaders.names import (
    author_key,
    display_name,
    is_placeholder,
    split_names,
)
from citegraph.loaders.problems import LoadReport
from citegraph.loaders.records import PaperRecord, Provenance, Reference
from citegraph.loaders.references import scopus_references
from citegraph.loaders.terms import scopus_terms, split_terms
from citegraph.loaders.text import clean
from citegraph.loaders.textio import read_text

FORMAT = "bibtex"
_ENTRY = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
#: Parent entry types that describe a venue, not a paper: read only through ``crossref``.
_VENUE_TYPES = {"proceedings", "book", "collection", "mvproceedings", "mvbook"}
_VENUE_FIELDS = ("journal", "journaltitle", "booktitle", "series", "eventtitle")
_INHERITED = ("year", "date", "booktitle", "journal", "publisher", "series", "editor")
#: Control characters exporters leave between (and inside) entries; read as spaces.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_BRACE_OR_QUOTE = re.compile(r'(?<!\\)[{}"]')
#: A character escaped for LaTeX in a verbatim value (DOI, URL).
_TEX_ESCAPE = re.compile(r"\\([_%&#$~])")
_CITED_BY = re.compile(r"^\s*cited\s+by\s*:?\s*(\d+)", re.IGNORECASE)
_EID_IN_URL = re.compile(r"[?&]eid=(2-s2\.0-\d+)")
_ORCID = re.compile(r"\d{4}-\d{4}-\d{4}-\d{3}[\dX]")
_RESEARCHER_ID = re.compile(r"[A-Z]{1,3}-\d{4}-\d{4}")
_CORRESPONDING = re.compile(r"\((?:Corresponding|Reprint) Author\)", re.IGNORECASE)

#: Fields this loader reads: a repeated one is worth a warning (Scopus repeats
#: ``funding_details`` as a matter of course, which costs nothing).
_READ = {"title", "author", "year", "date", "doi", "url", "eprint", "archiveprefix",
         "eprinttype", "abstract", "crossref", "keywords", "author_keywords", "keywords-plus",
         "affiliation", "affiliations", "document_type", "type", "language", "note",
         "times-cited", "eid", "unique-id", "pmid", "pmcid", "pubmed_id", "pubmed-id",
         "orcid-numbers", "researcherid-numbers", "cited-references", "references",
         *_VENUE_FIELDS}

#: Fields a record is built from; the others (usage counts, funding texts, subject
#: categories) are never unwrapped.
_USED = frozenset({*_READ, "source"})

logging.getLogger("bibtexparser").setLevel(logging.ERROR)


def sniff(path: Path, head: str) -> bool:
    """A line that opens an ``@type{`` entry."""
    return bool(_ENTRY.search(head)) and not head.lstrip().startswith(("{", "[", "<"))


def read(path: Path, report: LoadReport) -> Iterator[PaperRecord]:
    """Yield one record per entry; entries that cannot be read are reported and skipped."""
    text = _CONTROL.sub(" ", read_text(path, report))
    library = bibtex_split.parse(text, _stack())
    strings = {s.key.casefold(): _unenclose(s.value.strip()) for s in library.strings}
    entries: list[model.Entry] = list(library.entries)
    for block in library.failed_blocks:
        report.saw(path)
        line = f"line {block.start_line + 1}"
        try:
            entry = _recover(block, library, path, line, report)
        except Exception as exc:  # a library's surprise costs this entry, not the file
            entry = None
            report.error(path, line, f"entry could not be read ({type(exc).__name__}: "
                         f"{exc}); skipped")
        if entry is not None:
            entries.append(entry)
    report.saw(path, len(library.entries))
    by_key: dict[str, model.Entry] = {}
    for e in entries:
        by_key.setdefault(e.key.casefold(), e)
    fields = {id(e): _fields(e, strings) for e in entries}
    parents = {f["crossref"].casefold() for f in fields.values() if f.get("crossref")}
    for entry in sorted(entries, key=lambda e: e.start_line):
        location = f"record {entry.key} (line {entry.start_line + 1})"
        own = fields[id(entry)]
        if entry.entry_type.lower() in _VENUE_TYPES and (
                entry.key.casefold() in parents or not own.get("title")):
            report.passed(path, location, f"@{entry.entry_type} describes a volume, not a "
                          "paper; not a record")
            continue
        try:
            record = _record(entry, own, by_key, fields, path, report)
        except Exception as exc:  # a library's surprise costs this entry, not the file
            report.error(path, location, "entry could not "
                         f"be read ({type(exc).__name__}: {exc}); skipped")
            continue
        if record is not None:
            yield record


def _recover(block: model.Block, library: bibtexparser.Library, path: Path, line: str,
             report: LoadReport) -> model.Entry | None:
    """The entry in a block the parser set aside, when it can be read after all."""
    ignored = getattr(block, "ignore_error_block", None)
    if isinstance(block, model.DuplicateFieldKeyBlock) and isinstance(ignored, model.Entry):
        if repeated := sorted(_repeated(ignored) & _READ):
            report.warning(path, f"record {ignored.key} ({line})",
                           f"repeated field {', '.join(repeated)}; the first value is kept")
        return _first_fields(ignored, block.raw, library)
    if isinstance(block, model.DuplicateBlockKeyBlock) and isinstance(ignored, model.Entry):
        report.warning(path, f"record {ignored.key} ({line})",
                       "key used by an earlier entry too; read as a separate entry")
        return ignored
    if (retried := _reparse(block)) is not None:
        report.warning(path, f"record {retried.key} ({line})", "braces balance only when "
                       "escaped braces are counted, as BibTeX does; read that way")
        return retried
    report.error(path, line, f"entry could not be parsed ({_reason(block)}); skipped")
    return None


def _stack() -> list[Middleware]:
    """bibtexparser's middlewares run here: ``@string`` macros resolved. Enclosing braces
    and quotes are removed by :func:`_fields`, which unwraps all levels in one pass."""
    return [ResolveStringReferencesMiddleware()]


def _repeated(entry: model.Entry) -> set[str]:
    """Field names (lower case) the entry gives more than once."""
    names = [f.key.lower() for f in entry.fields]
    return {n for n in names if names.count(n) > 1}


def _reparse(block: model.Block) -> model.Entry | None:
    """A rejected entry parsed again with ``\\{`` and ``\\}`` counted as braces."""
    raw = getattr(block, "raw", "") or ""
    if "\\{" not in raw and "\\}" not in raw:
        return None
    fixed = raw.replace("\\{", "{").replace("\\}", "}")
    # the parser stops at the error: the entry's own closing brace may be past the block
    fixed += "}" * max(0, fixed.count("{") - fixed.count("}"))
    try:
        library = bibtexparser.parse_string(fixed, parse_stack=_stack())
    except Exception:  # the block stays rejected, as first reported
        return None
    if len(library.entries) != 1 or library.failed_blocks:
        return None
    entry = library.entries[0]
    return model.Entry(entry.entry_type, entry.key, entry.fields, block.start_line, raw)


def _reason(block: model.Block) -> str:
    error = getattr(block, "error", None)
    text = str(error) if error else type(block).__name__
    return text.splitlines()[0] if text else "syntax error"


def _first_fields(entry: model.Entry, raw: str, library: bibtexparser.Library) -> model.Entry:
    """The parser keeps the last of repeated fields; keep the first, as BibTeX does.

    The parser sets such an entry aside before its middlewares run, so they are run here.
    """
    seen: dict[str, model.Field] = {}
    for f in entry.fields:
        seen.setdefault(f.key.lower(), f)
    first = model.Entry(entry.entry_type, entry.key, list(seen.values()), entry.start_line, raw)
    lib = bibtexparser.Library([*library.strings, first])
    for middleware in _stack():
        lib = middleware.transform(lib)
    return lib.entries[0]


def _unenclose(value: str) -> str:
    """A value without its enclosing quotes and every brace pair that wraps it whole
    (Web of Science wraps each value in one more pair: ``{{10.1000/x}}``)."""
    if len(value) >= 2 and value[0] == '"' == value[-1] and _quotes_enclose(value):
        value = value[1:-1]
    for depth in (1, 2):  # the common cases: one pair, or two, and no brace inside
        if (len(value) >= 2 * depth and value.startswith("{" * depth)
                and value.endswith("}" * depth) and value[-depth - 1] != "\\"
                and value.find("{", depth, -depth) < 0 and value.find("}", depth, -depth) < 0):
            return value[depth:-depth]
    while (len(value) >= 2 and value[0] == "{" and value[-1] == "}"
           and bibtex_split.closing_brace(value, 0, len(value)) == len(value)):
        value = value[1:-1]
    return value


def _quotes_enclose(value: str) -> bool:
    """True when the quote opening ``value`` closes at its very end: no other quote stands
    outside braces (``"a" # "b"`` is a concatenation, not one quoted value)."""
    if value.find('"', 1, len(value) - 1) < 0:
        return True
    depth = 0
    for m in _BRACE_OR_QUOTE.finditer(value, 1, len(value) - 1):
        char = m.group()
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            return False
    return True


def _fields(entry: model.Entry, strings: dict[str, str]) -> dict[str, str]:
    """Values of the fields records are built from (:data:`_USED`), by lower-cased name,
    unenclosed, or resolved when they are ``#`` concatenations; the first of repeated
    names wins."""
    out: dict[str, str] = {}
    for f in entry.fields:
        if isinstance(f.value, str):
            key = f.key.lower().strip()
            if key in _USED and key not in out:
                value = f.value.strip()
                out[key] = (_concat(value, strings) if "#" in value and not _enclosed(value)
                            else _unenclose(value))
    return out


def _enclosed(value: str) -> bool:
    """True when ``value`` is one braced or quoted value (a ``#`` inside it is text)."""
    if len(value) < 2:
        return False
    if value[0] == "{":
        return bibtex_split.closing_brace(value, 0, len(value)) == len(value)
    return value[0] == '"' == value[-1] and _quotes_enclose(value)


def _verbatim(value: str) -> str:
    """An identifier as written before LaTeX escaping: Web of Science writes the DOI
    ``10.1007/978-3-030-02312-6_11`` as ``10.1007/978-3-030-02312-6\\_11``."""
    if "\\" not in value and "{" not in value:
        return value
    return _TEX_ESCAPE.sub(r"\1", value).replace("{", "").replace("}", "")


def _concat(value: str, strings: dict[str, str]) -> str:
    """Resolve ``macro # {text} # "text"`` concatenations the parser leaves as written
    (a ``#`` inside braces or quotes is text)."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(value):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            quoted = not quoted
        elif ch == "#" and depth == 0 and not quoted:
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
    entry: model.Entry, own: dict[str, str], by_key: dict[str, model.Entry],
    fields: dict[int, dict[str, str]], path: Path,
    report: LoadReport,
) -> PaperRecord | None:
    location = f"record {entry.key} (line {entry.start_line + 1})"  # for the report
    parent: dict[str, str] = {}
    if ref := own.get("crossref"):
        found = by_key.get(ref.casefold())
        if found is None:
            report.warning(path, location, f"crossref {ref!r} names no entry in this file")
        else:
            parent = fields[id(found)]

    def get(name: str) -> str:
        value = own.get(name, "")
        if not value and name in _INHERITED:
            value = parent.get(name, "")
        return value

    def text(name: str, value: str | None = None) -> str:
        def warn(exc: Exception) -> None:
            report.warning(path, location, f"{name}: LaTeX could not be decoded "
                           f"({type(exc).__name__}); kept as cleaned text")
        return clean(get(name) if value is None else value, latex=True, on_error=warn)

    title = text("title")
    if not title:
        report.error(path, location, "entry has no title; skipped")
        return None
    venue = next((get(f) for f in _VENUE_FIELDS if get(f)), "") or parent.get("title", "")
    ids: dict[str, str] = {}
    add_id(ids, "doi", _verbatim(get("doi")) or doi_in_text(_verbatim(get("url"))))
    eprint = get("eprint")
    if eprint and (get("archiveprefix") or get("eprinttype") or "arxiv").lower() == "arxiv":
        add_id(ids, "arxiv", eprint)
    add_id(ids, "arxiv", arxiv_from_url(get("url")) or arxiv_from_doi(ids.get("doi")))
    for kind, names in (("pmid", ("pmid", "pubmed_id", "pubmed-id")), ("pmcid", ("pmcid",)),
                        ("wos", ("unique-id",))):
        add_id(ids, kind, next((get(n) for n in names if get(n)), None))
    eid = get("eid") or next(iter(_EID_IN_URL.findall(get("url"))), "")
    add_id(ids, "eid", eid)
    field = report.field
    raw_authors = get("author") or parent.get("author", "")
    authors = field(path, location, "author", _authors, raw_authors, path, location, report,
                    default=[])
    keywords, index_terms = _keywords(get)
    affiliations, by_author = field(path, location, "affiliation", _affiliations, get,
                                    authors, default=([], []))
    cited_by, cited_source = _cited_by(get)
    return PaperRecord(
        title=title,
        abstract=text("abstract"),
        authors=authors,
        date=iso_date(get("date")),
        year=year_of(get("year")) or year_of(get("date")),
        venue=text("venue", venue) or None,
        ids=ids,
        provenance=[Provenance(str(path), f"record {entry.key}")],
        sources=[FORMAT],
        keywords=[text("keywords", k) for k in keywords],
        index_terms=[text("keywords", k) for k in index_terms],
        doc_type=clean(get("document_type") or get("type")) or entry.entry_type.lower(),
        language=clean(get("language")) or None,
        affiliations=[text("affiliation", a) for a in affiliations],
        author_affiliations=[text("affiliation", a) for a in by_author],
        countries=countries_of(affiliations),
        references=_references(get),
        cited_by_count=cited_by,
        cited_by_source=cited_source,
        author_ids=field(path, location, "author ids", _author_ids, get, authors,
                         default=[]),
    )


def _authors(value: str, path: Path, location: str, report: LoadReport) -> list[str]:
    """Display names of an ``author`` field, placeholders left out.

    BibTeX's rules split and order the names; where they cannot (a trailing comma, more
    commas than a name has, Scopus's comma-joined "Surname I." list) the fallback
    splitter takes over and a warning says so.
    """
    if not value.strip():
        return []
    persons = split_multiple_persons_names(value)
    fallback = split_names(value) if len(persons) == 1 and "," in value else []
    if len(fallback) > 1:  # one "name" holding a comma-joined list
        report.warning(path, location, "author list is not joined by 'and'; split at "
                       "commas")
        return [n for n in (display_name(p, latex=True) for p in fallback)
                if not is_placeholder(n)]
    names, rejected = [], []
    for person in persons:
        found, why = _person(person)
        names.extend(found)
        if why is not None:
            rejected.append(f"{person!r} ({why})")
    if rejected:
        report.warning(path, location, f"author {', '.join(rejected)} does not split by "
                       "BibTeX's rules; split as written")
    return [n for n in names if n and not is_placeholder(n)]


@lru_cache(maxsize=1 << 16)
def _person(person: str) -> tuple[tuple[str, ...], str | None]:
    """One person of an author list as display names (one, or more when BibTeX's rules
    reject it and it is split as written), with why it was rejected; kept for the file's
    next mention of the same person."""
    try:
        parts = parse_single_name_into_parts(person)
    except Exception as exc:  # bibtexparser's InvalidNameError, or worse
        return tuple(display_name(p, latex=True) for p in split_names(person)), _short(exc)
    return (clean(" ".join(parts.first + parts.von + parts.last + parts.jr), latex=True),), None


def _short(exc: Exception) -> str:
    text = str(exc).split(":")[-1].strip() or type(exc).__name__
    return text[:80]


def _keywords(get: Callable[[str], str]) -> tuple[list[str], list[str]]:
    """Author keywords and indexer's terms: Scopus names them ``author_keywords`` and
    ``keywords`` (its index keywords, whose controlled and uncontrolled groups are joined
    by ", "), Web of Science ``Keywords`` and ``Keywords-Plus``, others ``keywords``."""
    if get("author_keywords") or get("source").strip().casefold() == "scopus":
        return split_terms(get("author_keywords")), scopus_terms(get("keywords"))
    return split_terms(get("keywords")), split_terms(get("keywords-plus"))


def _affiliations(get: Callable[[str], str], authors: list[str]) -> tuple[list[str], list[str]]:
    """Affiliation strings in order, and each author's (parallel to ``authors``) when the
    file pairs them.

    Web of Science writes an ``Affiliation`` line per address, led by the people there
    ("Surname, Given; Surname, Given, Address"), and may add ``Affiliations``, the bare
    organisation names; the addresses are read, since only they name the country. Scopus
    writes one ``affiliations`` line, addresses separated by ``;``.
    """
    raw = get("affiliation") or get("affiliations")
    if not raw:
        return [], []
    lines = [" ".join(x.split()) for x in raw.splitlines() if x.strip()]
    keys = {author_key(a): i for i, a in enumerate(authors)}
    paired: list[list[str]] = [[] for _ in authors]
    affiliations: list[str] = []
    reprint: list[str] = []  # the corresponding author's address: used when alone
    for line in lines:
        if m := _CORRESPONDING.search(line):
            reprint.append(line[m.end():].strip(" ,").rstrip("."))
            continue
        people, address = _people_and_address(line, keys)
        if people:
            for index in people:
                paired[index].append(address)
            affiliations.append(address)
        elif len(lines) == 1:
            affiliations.extend(split_terms(line) if ";" in line else [line])
        else:
            affiliations.append(line.rstrip("."))
    by_author = ["; ".join(p) for p in paired] if any(paired) else []
    return list(dict.fromkeys(affiliations or [r for r in reprint if r])), by_author


def _people_and_address(line: str, keys: dict[str, int]) -> tuple[list[int], str]:
    """The authors (their indexes) leading a Web of Science address line, and the address
    after them; no authors when the line does not start with names of this record's."""
    *others, last = line.split(";")
    parts = last.split(",")
    if len(parts) < 3:
        return [], line
    people = [keys.get(author_key(p.strip())) for p in [*others, ",".join(parts[:2])]]
    if any(i is None for i in people):
        return [], line
    return [i for i in people if i is not None], ",".join(parts[2:]).strip().rstrip(".")


def _references(get: Callable[[str], str]) -> list[Reference]:
    """Cited works as the source wrote them, parsed later by :mod:`~citegraph.loaders.
    references`: Web of Science ``Cited-References`` (a line each, LaTeX escapes such as
    ``\\_`` in DOIs undone), else Scopus ``references`` (``;``-separated)."""
    lines = [_TEX_ESCAPE.sub(r"\1", line) if "\\" in line else line
             for line in map(str.strip, get("cited-references").splitlines()) if line]
    if lines:
        return [Reference(raw=line, raw_format="wos") for line in lines]
    return scopus_references(get("references"))


def _cited_by(get: Callable[[str], str]) -> tuple[int | None, str | None]:
    """The source's own citation count: Scopus ``note = {cited By N}``, WoS ``Times-Cited``."""
    if m := _CITED_BY.match(get("note")):
        return int(m.group(1)), "scopus"
    times = get("times-cited").strip()
    if times.isdigit():
        return int(times), "wos"
    return None, None


def _author_ids(get: Callable[[str], str], authors: list[str]) -> list[dict[str, str]]:
    """Web of Science ``ORCID-Numbers`` and ``ResearcherID-Numbers`` ("Surname,
    Given/0000-…" per line or ``;``), matched to the authors by name."""
    if not authors or not (get("orcid-numbers") or get("researcherid-numbers")):
        return []
    keys = {author_key(a): i for i, a in enumerate(authors)}
    ids: list[dict[str, str]] = [{} for _ in authors]
    for name, kind, shape in (("orcid-numbers", "orcid", _ORCID),
                              ("researcherid-numbers", "researcherid", _RESEARCHER_ID)):
        for item in re.split(r"[\n;]", get(name)):
            person, _, code = item.rpartition("/")
            index = keys.get(author_key(person.strip()))
            if index is not None and (m := shape.search(code)):
                ids[index][kind] = m.group(0)
    return ids if any(ids) else []
