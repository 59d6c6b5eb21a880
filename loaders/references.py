"""Free-text cited references (Scopus, Web of Science) parsed into title, authors, year,
venue and DOI.

Loaders keep a reference as the source wrote it (``Reference.raw`` with ``raw_format``);
:func:`complete_reference` fills the structured fields from it, once, for every loader.
The layouts:

* Scopus: ``Surname, I., Surname, I.J., Title (Year) Venue, 12 (3), pp. 1-10``; books put
  the year first (``Surname, I., (Year) Title, , Publisher``); recent exports end with the
  year (``Surname I., Title, Venue, 12, 3, pp. 1-10, (Year)``).
* Web of Science: ``Surname IJ, Year, SOURCE ABBREV, V12, P1, DOI 10.x/y`` (no title).

A reference's *locators* (first author's family name, year, volume and first page) name a
cited work across formats when neither a DOI nor a title is shared.
"""

from __future__ import annotations

import re

from citegraph.loaders.common import doi_in_text
from citegraph.loaders.records import Reference, normalize_title

_YEAR_PAREN = re.compile(r"\s*\(((?:1[5-9]|20)\d{2})[a-z]?\)\s*")
_INITIALS = r"(?:[A-Z][A-Za-z]{0,2}\.(?:\s?-?\s?[A-Za-z]{1,2}\.)*)"
#: One Scopus author: "Surname, I.J.," with a particle or compound surname allowed.
_SCOPUS_AUTHOR = re.compile(rf"\s*([^,()]{{1,60}}?),\s*({_INITIALS})(?:,\s*|\s+(?=\())")
#: Recent Scopus layout: "Surname I.J.," authors without the comma before initials.
_SCOPUS_AUTHOR_NEW = re.compile(rf"\s*([^,()]{{1,60}}?\s{_INITIALS}),\s*")
_VOLUME = re.compile(r"^\s*(\d+)\s*(?:\([^)]*\))?\s*(?:,|$)")
_PAGES = re.compile(r"\bpp?\.\s*([A-Za-z]?\d+)")
_WOS_INITIALS = re.compile(r"^[A-Z][A-Z.\-]{0,5}$")
_WOS_YEAR = re.compile(r"^(?:1[5-9]|20)\d{2}$")
_NO_AUTHOR = re.compile(r"^\W*anonymous\W*$|^\W*no author", re.IGNORECASE)


def _year(text: str) -> int | None:
    return int(text) if text and text.isdigit() else None


def parse_scopus(raw: str) -> dict[str, object]:
    """The fields of one Scopus reference (keys: authors, title, year, venue, volume,
    page, doi); missing fields are left out."""
    text = raw.strip().rstrip(".")
    out: dict[str, object] = {}
    if doi := doi_in_text(text):
        out["doi"] = doi
    authors, pos = [], 0
    layout = _SCOPUS_AUTHOR
    if not _SCOPUS_AUTHOR.match(text) and _SCOPUS_AUTHOR_NEW.match(text):
        layout = _SCOPUS_AUTHOR_NEW
    while m := layout.match(text, pos):
        if layout is _SCOPUS_AUTHOR:
            authors.append(f"{m.group(2)} {m.group(1).strip()}")
        else:
            family, _, initials = m.group(1).strip().rpartition(" ")
            authors.append(f"{initials} {family}")
        pos = m.end()
    rest = text[pos:].strip()
    if authors:
        out["authors"] = authors
    years = list(_YEAR_PAREN.finditer(rest))
    if not years:
        if rest:
            out["title"] = rest.split(",")[0].strip() or None
        return {k: v for k, v in out.items() if v}
    first = years[0]
    if first.start() == 0:  # a book: (Year) Title, , Publisher
        out["year"] = _year(first.group(1))
        title, _, tail = rest[first.end():].partition(",")
        out["title"] = title.strip()
        out["venue"] = tail.strip(" ,") or None
    elif years[-1].end() >= len(rest) - 1 and layout is _SCOPUS_AUTHOR_NEW:
        out["year"] = _year(years[-1].group(1))  # recent: ..., Title, Venue, 12, 3, (Year)
        parts = [p.strip() for p in rest[:years[-1].start()].rstrip(" ,").split(",")]
        numeric = [i for i, p in enumerate(parts) if re.match(r"^(?:\d+|pp?\.)", p)]
        cut = numeric[0] if numeric else len(parts)
        head = parts[:cut]
        out["title"] = ", ".join(head[:-1]) if len(head) > 1 else (head[0] if head else "")
        out["venue"] = head[-1] if len(head) > 1 else None
        if numeric and parts[numeric[0]].isdigit():
            out["volume"] = parts[numeric[0]]
        if pm := _PAGES.search(rest):
            out["page"] = pm.group(1)
    else:
        out["title"] = rest[:first.start()].strip(" ,")
        out["year"] = _year(first.group(1))
        tail = rest[first.end():]
        venue, _, numbers = tail.partition(",")
        out["venue"] = venue.strip() or None
        if vm := _VOLUME.match(numbers):
            out["volume"] = vm.group(1)
        if pm := _PAGES.search(numbers):
            out["page"] = pm.group(1)
    return {k: v for k, v in out.items() if v}


def parse_wos(raw: str) -> dict[str, object]:
    """The fields of one Web of Science cited reference (keys: authors, year, venue,
    volume, page, doi); WoS gives no title."""
    text = raw.strip().rstrip(".")
    out: dict[str, object] = {}
    if doi := doi_in_text(text):
        out["doi"] = doi
    parts = [p.strip() for p in text.split(", ")]
    i = 0
    if parts and not _WOS_YEAR.match(parts[0]):
        author = parts[0].replace("{[}", "[").strip()
        if not _NO_AUTHOR.match(author.strip("[]")):
            words = author.split()
            if len(words) > 1 and _WOS_INITIALS.match(words[-1]):
                out["authors"] = [f"{words[-1]} {' '.join(words[:-1])}"]
            else:
                out["authors"] = [author]
        i = 1
    if i < len(parts) and _WOS_YEAR.match(parts[i]):
        out["year"] = int(parts[i])
        i += 1
    if i < len(parts) and not re.match(r"^(?:V\d|P\d|DOI\b)", parts[i]):
        out["venue"] = parts[i]
        i += 1
    for part in parts[i:]:
        if re.match(r"^V\d+$", part):
            out["volume"] = part[1:]
        elif re.match(r"^P[A-Za-z]?\d+$", part):
            out["page"] = part[1:]
    return out


PARSERS = {"scopus": parse_scopus, "wos": parse_wos}


def parse(ref: Reference) -> dict[str, object]:
    """The fields ``ref.raw`` gives in its format ({} for no raw text or an unknown one)."""
    parser = PARSERS.get(ref.raw_format or "")
    return parser(ref.raw) if parser and ref.raw else {}


def complete_reference(ref: Reference) -> Reference:
    """Fill the fields a reference lacks from its raw text (what the source gave wins)."""
    fields = parse(ref)
    if not fields:
        return ref
    if "doi" in fields:
        ref.ids.setdefault("doi", str(fields["doi"]))
    if ref.title is None and fields.get("title"):
        ref.title = str(fields["title"])
    if ref.year is None and fields.get("year"):
        ref.year = int(fields["year"])  # type: ignore[call-overload]
    if not ref.authors and fields.get("authors"):
        ref.authors = list(fields["authors"])  # type: ignore[call-overload]
    if ref.venue is None and fields.get("venue"):
        ref.venue = str(fields["venue"])
    return ref


def locators(ref: Reference) -> tuple[str, ...]:
    """Keys naming a cited work by where it was printed: ``family|year|volume|page`` and
    ``family|year|p page`` (a volume is often missing or misread in one of two sources),
    from the first author's family name, the year and the first page."""
    fields = parse(ref)
    authors = fields.get("authors") or ref.authors
    year = fields.get("year") or ref.year
    page = fields.get("page")
    if not (authors and year and page):
        return ()
    first = str(authors[0]).split()  # type: ignore[index]
    family = normalize_title(" ".join(first[1:]) if len(first) > 1 else first[0])
    keys = [f"{family}|{year}|p{page}"]
    if fields.get("volume"):
        keys.insert(0, f"{family}|{year}|{fields['volume']}|{page}")
    return tuple(keys)


def scopus_references(text: str | None) -> list[Reference]:
    """A Scopus reference list ("; "-separated) as one raw reference each."""
    return [Reference(raw=part.strip(), raw_format="scopus")
            for part in (text or "").split("; ") if part.strip()]
