"""Small helpers the loaders share: years, dates and identifiers found in free text."""

from __future__ import annotations

import re
from typing import Any

from citegraph.loaders.records import normalize_id

_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_ARXIV_URL = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+)", re.IGNORECASE)
_DOI_IN_TEXT = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)


def year_of(value: Any) -> int | None:
    """The first plausible four-digit year in a value ("2020", "2020/05/01/", 2020)."""
    if isinstance(value, int):
        return value if 1500 <= value <= 2100 else None
    m = _YEAR.search(str(value or ""))
    return int(m.group(1)) if m else None


def iso_date(value: Any) -> str | None:
    """``yyyy-mm-dd`` when the value starts with a full ISO date."""
    m = _ISO_DATE.match(str(value or "").strip())
    return "-".join(m.groups()) if m else None


def arxiv_from_url(url: str | None) -> str | None:
    """The arXiv id in an arxiv.org abs/pdf link."""
    m = _ARXIV_URL.search(url or "")
    return normalize_id("arxiv", m.group(1)) if m else None


def doi_in_text(text: str | None) -> str | None:
    """The first DOI written anywhere in a string (URLs, reference strings)."""
    m = _DOI_IN_TEXT.search(text or "")
    return normalize_id("doi", m.group(1).rstrip(".,;)")) if m else None


def add_id(ids: dict[str, str], kind: str, value: Any) -> None:
    """Set ``ids[kind]`` to the normalised value, unless it is invalid or already set."""
    if value and kind not in ids and (norm := normalize_id(kind, str(value))):
        ids[kind] = norm


def arxiv_from_doi(doi: str | None) -> str | None:
    """arXiv's own DOIs (``10.48550/arxiv.2101.00001``) carry the arXiv id."""
    if doi and doi.startswith("10.48550/arxiv."):
        return normalize_id("arxiv", doi.removeprefix("10.48550/arxiv."))
    return None
