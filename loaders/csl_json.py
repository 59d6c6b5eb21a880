"""CSL-JSON (Zotero, Mendeley, pandoc, citeproc) and the Crossref REST API's works.

CSL-JSON is a list of items (``title``, ``author`` with ``family``/``given`` or
``literal``, ``issued.date-parts``, ``container-title``, ``DOI``, …). The Crossref API
speaks the same vocabulary inside an envelope: ``{"message-type": "work-list",
"message": {"items": [...]}}`` for a search, ``{"message-type": "work", "message": {...}}``
for one work; there ``title`` and ``container-title`` are lists, abstracts are JATS and
``reference`` lists the works cited. Both shapes, and JSON lines of items, are read.

Told apart from the other JSON loaders by CSL's own keys (``date-parts``,
``container-title``, ``message-type``, ``family``); OpenAlex and Semantic Scholar are
asked first and recognise their own ids.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from citegraph.loaders.affiliations import countries_of
from citegraph.loaders.authorship import is_placeholder, normalize_orcid
from citegraph.loaders.common import (
    add_id,
    arxiv_from_doi,
    arxiv_from_url,
    doi_in_text,
    year_of,
)
from citegraph.loaders.dates import ymd
from citegraph.loaders.jsonio import has_keys, iter_json_items, looks_like_json
from citegraph.loaders.markup import strip_markup
from citegraph.loaders.names import display_name, join_name
from citegraph.loaders.problems import LoadReport
from citegraph.loaders.records import PaperRecord, Provenance, Reference
from citegraph.loaders.text import clean

FORMAT = "csl-json"
#: Date variables in the order they stand for "when it was published".
_DATES = ("issued", "published-print", "published-online", "published", "created")


def sniff(path: Path, head: str) -> bool:
    """JSON with CSL's or Crossref's own keys."""
    return looks_like_json(head) and (
        has_keys(head, "date-parts") or has_keys(head, "container-title")
        or has_keys(head, "message-type") or has_keys(head, "family")
    )


def read(path: Path, report: LoadReport) -> Iterator[PaperRecord]:
    """Yield one record per item; an item without a title is reported and skipped."""
    for location, obj in iter_json_items(path, report):
        for where, item in _items(obj, location, path, report):
            record = _record(item, path, where)
            if record is None:
                name = item.get("id") or item.get("DOI")
                report.error(path, where, f"item {name} has no title; skipped" if name
                             else "item has no title; skipped")
            else:
                yield record


def _items(obj: dict[str, Any], location: str, path: Path,
           report: LoadReport) -> Iterator[tuple[str, dict[str, Any]]]:
    """The works in a Crossref envelope, or the object itself when it is an item."""
    if "message" not in obj or ("message-type" not in obj and "status" not in obj):
        yield location or "item 1", obj
        return
    message = obj["message"]
    if obj.get("status", "ok") != "ok" or not isinstance(message, dict):
        report.error(path, location or "document", f"Crossref answered {obj.get('status')!r}"
                     f" ({str(message)[:80]}); no works in it")
        return
    items = message.get("items") if "items" in message else [message]
    if not isinstance(items, list):
        report.error(path, location or "document", "Crossref message has no list of items")
        return
    for k, item in enumerate(items, start=1):
        where = f"{location} item {k}".strip()
        if isinstance(item, dict):
            yield where, item
        else:
            report.error(path, where, f"expected an object, found {type(item).__name__}; "
                         "skipped")


def _text(value: Any) -> str:
    """A CSL string variable; Crossref gives some as lists (the first is the main one)."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    return strip_markup(value) if isinstance(value, str) else ""


def _record(item: dict[str, Any], path: Path, location: str) -> PaperRecord | None:
    title = _text(item.get("title"))
    if not title:
        return None
    ids: dict[str, str] = {}
    add_id(ids, "doi", item.get("DOI"))
    url = item.get("URL") if isinstance(item.get("URL"), str) else None
    # a short DOI ("10/fqd6hj", Zotero's Better CSL JSON) names no work across sources;
    # the link beside it carries the full one
    add_id(ids, "doi", doi_in_text(url))
    add_id(ids, "pmid", item.get("PMID"))
    add_id(ids, "pmcid", item.get("PMCID"))
    add_id(ids, "arxiv", arxiv_from_doi(ids.get("doi")) or arxiv_from_url(url)
           or _arxiv_number(item.get("number")))
    authors, affiliations, per_author, author_ids = _authors(item.get("author"))
    year, date = _issued(item)
    cited = item.get("is-referenced-by-count")
    cited = cited if isinstance(cited, int) and not isinstance(cited, bool) else None
    return PaperRecord(
        title=title,
        abstract=_text(item.get("abstract")),
        authors=authors,
        date=date,
        year=year,
        venue=_text(item.get("container-title")) or None,
        ids=ids,
        references=[r for r in map(_reference, item.get("reference") or [])
                    if r is not None],
        provenance=[Provenance(str(path), location)],
        sources=[FORMAT],
        keywords=_keywords(item.get("keyword")),
        doc_type=_text(item.get("type")) or None,
        language=_text(item.get("language")) or None,
        affiliations=affiliations,
        countries=countries_of(affiliations),
        author_affiliations=["; ".join(a) for a in per_author] if any(per_author) else [],
        cited_by_count=cited,
        cited_by_source="crossref" if cited is not None else None,
        author_ids=author_ids if any(author_ids) else [],
    )


def _arxiv_number(value: Any) -> str | None:
    text = str(value or "")
    return text.split(":", 1)[-1] if text.casefold().startswith("arxiv:") else None


def _authors(people: Any) -> tuple[list[str], list[str], list[list[str]],
                                   list[dict[str, str]]]:
    """Display names in order, with each author's affiliations and ORCID."""
    authors: list[str] = []
    per_author: list[list[str]] = []
    author_ids: list[dict[str, str]] = []
    affiliations: dict[str, None] = {}
    for person in people if isinstance(people, list) else []:
        if not isinstance(person, dict):
            continue
        name = _person_name(person)
        if is_placeholder(name):
            continue
        authors.append(name)
        places = []
        for aff in person.get("affiliation") or []:
            text = clean(aff.get("name") if isinstance(aff, dict) else aff)
            if text and text not in places:
                places.append(text)
                affiliations.setdefault(text)
        per_author.append(places)
        orcid = normalize_orcid(person.get("ORCID"))
        author_ids.append({"orcid": orcid} if orcid else {})
    return authors, list(affiliations), per_author, author_ids


def _person_name(person: dict[str, Any]) -> str:
    if person.get("literal") or person.get("name"):
        return display_name(str(person.get("literal") or person.get("name")))
    family = " ".join(str(person[k]) for k in ("non-dropping-particle", "family")
                      if person.get(k))
    given = " ".join(str(person[k]) for k in ("given", "dropping-particle") if person.get(k))
    return join_name(given, family, str(person.get("suffix") or ""))


def _issued(item: dict[str, Any]) -> tuple[int | None, str | None]:
    """Year and ``yyyy-mm-dd`` from the first date variable that has a year."""
    for key in _DATES:
        value = item.get(key)
        if not isinstance(value, dict):
            continue
        parts = value.get("date-parts")
        first = parts[0] if isinstance(parts, list) and parts and isinstance(
            parts[0], list) else []
        numbers = [_int(p) for p in first[:3]]
        year = numbers[0] if numbers else None
        if year is None:
            year = year_of(value.get("raw") or value.get("literal"))
        if year is not None:
            date = ymd(year, numbers[1], numbers[2]) if len(numbers) == 3 else None
            return year, date
    return None, None


def _int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.strip().isdigit() else None


def _keywords(value: Any) -> list[str]:
    """CSL ``keyword`` is one string ("a, b" or "a; b"); some exporters give a list."""
    if isinstance(value, str):
        value = value.split(";" if ";" in value else ",")
    if not isinstance(value, list):
        return []
    return list(dict.fromkeys(clean(v) for v in value if isinstance(v, str) and v.strip()))


def _reference(ref: Any) -> Reference | None:
    """A Crossref ``reference`` entry; ``unstructured`` text is kept as ``raw``."""
    if not isinstance(ref, dict):
        return None
    ids: dict[str, str] = {}
    add_id(ids, "doi", ref.get("DOI"))
    title = clean(ref.get("article-title") or ref.get("volume-title")) or None
    raw = clean(ref.get("unstructured")) or None
    if not ids and not title and not raw:
        return None
    author = clean(ref.get("author"))
    return Reference(
        ids=ids,
        title=title,
        year=year_of(ref.get("year")),
        authors=[author] if author and not is_placeholder(author) else [],
        venue=clean(ref.get("journal-title") or ref.get("series-title")) or None,
        raw=raw,
        raw_format="crossref" if raw else None,
    )
