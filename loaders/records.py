"""The paper record every loader yields, and the identifiers that make two records one paper.

A record is source-neutral: loaders fill what their format has and leave the rest empty.
Identity is decided here, not in the loaders, so that "same paper from two sources = one
record" holds whatever the formats.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

#: Identifier kinds a record can carry, strongest first: the first one present is the key.
#: ``pmid``/``pmcid`` are PubMed's, ``eid`` Scopus's record id, ``wos`` Web of Science's UT.
ID_KINDS: tuple[str, ...] = ("doi", "arxiv", "pmid", "s2", "openalex", "eid", "wos", "pmcid")


@dataclass(frozen=True)
class Provenance:
    """One place a record was read from: the file and the line (or record key) in it."""

    source: str
    location: str = ""

    def __str__(self) -> str:
        return f"{self.source}:{self.location}" if self.location else self.source


@dataclass(slots=True)
class Reference:
    """A work a record cites, known by whatever identifiers and title the source gives.

    ``raw`` keeps a free-text reference as the source wrote it (Scopus ``References``,
    Web of Science ``CR``) so a parser can recover the rest later; ``authors`` and
    ``venue`` are what the source or that parser found. Slotted: a corpus holds
    millions of them while its papers are merged.
    """

    ids: dict[str, str] = field(default_factory=dict)
    title: str | None = None
    year: int | None = None
    authors: list[str] = field(default_factory=list)
    venue: str | None = None
    raw: str | None = None
    raw_format: str | None = None  # how ``raw`` is laid out: "scopus", "wos", ...


@dataclass
class PaperRecord:
    """A paper as a loader read it.

    ``title`` and ``abstract`` hold the text the source means: LaTeX decoded, mojibake
    repaired, runs of whitespace squashed, and nothing else (case and punctuation are kept);
    folding for identity happens only in keys. ``authors`` are display names in "Given
    Family" order. ``ids`` maps an :data:`ID_KINDS` name to a normalised identifier.
    ``references`` are works this one cites; ``cited_by`` works that cite it (Semantic
    Scholar lists both).
    """

    title: str
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    authors_count: int | None = None
    date: str | None = None  # ISO yyyy-mm-dd
    year: int | None = None
    organization: str | None = None
    organization_handle: str | None = None
    upvotes: int | None = None
    venue: str | None = None
    ids: dict[str, str] = field(default_factory=dict)
    references: list[Reference] = field(default_factory=list)
    cited_by: list[Reference] = field(default_factory=list)  # works citing this one
    provenance: list[Provenance] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # loader format names
    stub: bool = False
    # bibliometric fields of exports (Scopus, Web of Science, PubMed, OpenAlex, ...)
    keywords: list[str] = field(default_factory=list)  # the authors' keywords
    index_terms: list[str] = field(default_factory=list)  # indexer's terms (MeSH, Keywords Plus)
    doc_type: str | None = None  # as the source names it: "Article", "Conference Paper", ...
    language: str | None = None
    affiliations: list[str] = field(default_factory=list)  # raw affiliation strings, in order
    #: Parallel to ``authors`` where the source pairs them: that author's affiliations
    #: joined by "; " ("" when unknown). Empty when the source does not pair them.
    author_affiliations: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)  # ISO 3166 short names, in order
    cited_by_count: int | None = None  # the source's own global citation count
    cited_by_source: str | None = None  # which source counted it: "scopus", "wos", ...
    #: Parallel to ``authors`` where known: identifiers of that author, e.g.
    #: ``{"orcid": "0000-0002-1825-0097", "scopus": "57193487301"}`` ({} when unknown).
    author_ids: list[dict[str, str]] = field(default_factory=list)

    @property
    def key(self) -> str:
        """A stable key: the strongest real identifier, else the normalised title with
        year and first author (see :func:`paper_key`)."""
        return paper_key(self.ids, self.title, self.year, self.authors[:1])


# --- identifiers ---------------------------------------------------------------------

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_ARXIV_PREFIX = re.compile(r"^(?:https?://arxiv\.org/(?:abs|pdf)/|arxiv:\s*)", re.IGNORECASE)
_ARXIV_VERSION = re.compile(r"v\d+$")
_ARXIV_NEW = re.compile(r"^\d{4}\.\d{4,5}$")
_ARXIV_OLD = re.compile(r"^[a-z\-]+(?:\.[A-Z]{2})?/\d{7}$", re.IGNORECASE)
_OPENALEX_PREFIX = re.compile(r"^(?:https?://openalex\.org/)", re.IGNORECASE)
_OPENALEX_WORK = re.compile(r"W\d+")


def normalize_doi(doi: str) -> str | None:
    """Lower-cased DOI without resolver prefix; None when it is not a DOI."""
    value = _DOI_PREFIX.sub("", doi.strip()).strip().rstrip(".").lower()
    return value if value.startswith("10.") and "/" in value else None


def normalize_arxiv(arxiv_id: str) -> str | None:
    """arXiv id without URL prefix, '.pdf' and version suffix; None when not an arXiv id."""
    value = _ARXIV_PREFIX.sub("", arxiv_id.strip()).strip()
    value = value.removesuffix(".pdf")
    value = _ARXIV_VERSION.sub("", value)
    if _ARXIV_NEW.match(value) or _ARXIV_OLD.match(value):
        return value
    return None


def normalize_openalex(openalex_id: str) -> str | None:
    """OpenAlex work id (``W123``) without URL prefix."""
    value = _OPENALEX_PREFIX.sub("", openalex_id.strip()).strip().upper()
    return value if _OPENALEX_WORK.fullmatch(value) else None


_PMID = re.compile(r"^(?:pmid:?\s*)?(\d{1,9})$", re.IGNORECASE)
_PMCID = re.compile(r"^(?:pmcid:?\s*)?(?:PMC)?(\d{1,9})$", re.IGNORECASE)
_EID = re.compile(r"^2-s2\.0-\d+$")
_WOS = re.compile(r"^(?:WOS:)?([A-Z]*[0-9][0-9A-Z]{5,})$", re.IGNORECASE)


def normalize_pmid(value: str) -> str | None:
    """PubMed id as its digits."""
    m = _PMID.match(value.strip())
    return m.group(1).lstrip("0") or None if m else None


def normalize_pmcid(value: str) -> str | None:
    """PubMed Central id as ``PMC`` and its digits."""
    m = _PMCID.match(value.strip())
    return f"PMC{m.group(1)}" if m else None


def normalize_wos(value: str) -> str | None:
    """Web of Science UT (accession number) as ``WOS:`` and its upper-cased code."""
    m = _WOS.match(value.strip())
    return f"WOS:{m.group(1).upper()}" if m else None


def normalize_id(kind: str, value: str) -> str | None:
    """Normalise an identifier of one of :data:`ID_KINDS`; None when it is not valid."""
    if not value or not value.strip():
        return None
    if kind == "doi":
        return normalize_doi(value)
    if kind == "arxiv":
        return normalize_arxiv(value)
    if kind == "openalex":
        return normalize_openalex(value)
    if kind == "pmid":
        return normalize_pmid(value)
    if kind == "pmcid":
        return normalize_pmcid(value)
    if kind == "eid":
        value = value.strip()
        return value if _EID.match(value) else None
    if kind == "wos":
        return normalize_wos(value)
    return value.strip()


_TITLE_WORD = re.compile(r"\w+")


def normalize_title(title: str) -> str:
    """Case-, accent- and punctuation-folded title words joined by '-': a title's identity."""
    if title.isascii():
        return "-".join(_TITLE_WORD.findall(title.casefold()))
    text = unicodedata.normalize("NFKD", title)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return "-".join(_TITLE_WORD.findall(text))


def paper_key(ids: dict[str, str], title: str, year: int | None = None,
              authors: list[str] | tuple[str, ...] = ()) -> str:
    """The key of a paper: ``doi:…``, ``arxiv:…``, … or ``title:…~year~surname``.

    A title alone does not name one paper (many papers are called "Editorial"), so title
    keys carry the year and the first author's family name where known; papers that still
    share such a key are told apart by the merge (:mod:`citegraph.graph.identity`).
    """
    for kind in ID_KINDS:
        if ids.get(kind):
            return f"{kind}:{ids[kind]}"
    key = f"title:{normalize_title(title)}"
    if year:
        key += f"~{year}"
    if authors and (family := normalize_title(authors[0]).rsplit("-", 1)[-1]):
        key += f"~{family}"
    return key
