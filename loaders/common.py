"""What the loaders share: years, dates and identifiers found in free text, and the guard
that reads one record at a time so a bad record or field costs only itself."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from pathlib import Path
from typing import Any, TypeVar

from citegraph.loaders.limits import Limits, current
from citegraph.loaders.problems import LoadReport
from citegraph.loaders.records import PaperRecord, normalize_id
from citegraph.loaders.text import clean

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


# --- one record at a time ------------------------------------------------------------


class SkipRecord(Exception):
    """Raised by a record parser: this record cannot be read; the message says why."""


def kind_of(value: Any) -> str:
    """How a value's type is named in a message: ``a number``, ``a list``, ``null``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list | tuple):
        return "a list"
    return f"a {type(value).__name__}"


@dataclass
class Fields:
    """Typed access to one record's fields, for loaders of loosely typed sources (JSON).

    A value of the wrong type is dropped, or coerced when the meaning is plain (a number
    where text is expected), and text over the field bound is cut; each with a warning that
    names the file, the record and the field. Nothing here raises, so a bad field degrades
    that field and never the rest of the record or file.
    """

    path: Path
    location: str
    report: LoadReport
    limits: Limits = field(default_factory=current)

    def warn(self, name: str, message: str) -> None:
        self.report.warning(self.path, self.location or "document", f"field {name!r}: {message}")

    def raw(self, obj: Any, key: str, name: str | None = None) -> str:
        """``obj[key]`` as a string (a number coerced, anything else dropped), cut to the
        field bound; '' when absent."""
        return self.coerce(obj.get(key) if isinstance(obj, dict) else None, name or key)

    def coerce(self, value: Any, name: str) -> str:
        """A value as a string (a number coerced, anything else dropped), cut to the field
        bound; '' when None."""
        if type(value) is str and len(value) <= self.limits.max_field:
            return value  # the common case, first
        if value is None or value == "":
            return ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.warn(name, "expected text, found a number; read as text")
            value = str(value)
        elif not isinstance(value, str):
            self.warn(name, f"expected text, found {kind_of(value)}; ignored")
            return ""
        if len(value) > self.limits.max_field:
            self.warn(name, f"{len(value):,} characters, over the {self.limits.max_field:,} "
                      "bound (CITEGRAPH_MAX_FIELD_CHARS); cut")
            value = value[: self.limits.max_field]
        return value

    def text(self, obj: Any, key: str, name: str | None = None, latex: bool = False) -> str:
        """``obj[key]`` as clean text (see :meth:`raw` and :func:`clean`)."""
        return clean(self.raw(obj, key, name), latex=latex)

    def mapping(self, obj: Any, key: str, name: str | None = None) -> dict[str, Any]:
        """``obj[key]`` when it is an object, else {} (with a warning unless absent)."""
        value = obj.get(key) if isinstance(obj, dict) else None
        if value is None or isinstance(value, dict):
            return value or {}
        self.warn(name or key, f"expected an object, found {kind_of(value)}; ignored")
        return {}

    def items(self, obj: Any, key: str, name: str | None = None) -> list[Any]:
        """``obj[key]`` when it is a list, else [] (with a warning unless absent)."""
        value = obj.get(key) if isinstance(obj, dict) else None
        if value is None or isinstance(value, list):
            return value or []
        self.warn(name or key, f"expected a list, found {kind_of(value)}; ignored")
        return []


T = TypeVar("T")


def each_record(
    items: Iterable[tuple[str, T]], parse: Callable[[T, Fields], PaperRecord],
    path: Path, report: LoadReport,
) -> Iterator[PaperRecord]:
    """Run ``parse`` on each ``(location, item)`` inside its own guard.

    A :class:`SkipRecord` or any other exception costs that record only: it is reported as
    skipped with its location, and the next item is read. So every item ends up either
    yielded or reported, and the counts of a file add up.
    """
    limits = current()
    for location, item in items:
        where = location or "document"
        try:
            record = parse(item, Fields(path, location, report, limits))
        except SkipRecord as exc:
            report.error(path, where, f"{exc}; skipped")
            continue
        except RecursionError:
            report.error(path, where, "record nested too deeply to read; skipped")
            continue
        except Exception as exc:  # a surprise in one record must not cost the next
            report.error(path, where, f"record could not be read ({type(exc).__name__}: "
                         f"{exc}); skipped")
            continue
        yield record


_TEXT_FIELDS = tuple(f.name for f in dataclass_fields(PaperRecord)
                     if f.type in ("str", "str | None"))
_LIST_FIELDS = ("authors", "keywords", "index_terms", "affiliations", "author_affiliations",
                "countries")


def bound_record(record: PaperRecord, path: Path, report: LoadReport, limits: Limits) -> None:
    """Cut any text field of a record over the field bound, with a warning naming it.

    Applied to every record a loader yields, so no format can carry a field past the bound
    into the graph (loaders of JSON cut earlier, before cleaning, through :class:`Fields`).
    """
    cap = limits.max_field
    values = vars(record)
    for name in _TEXT_FIELDS:
        value = values[name]
        if value and len(value) > cap:
            values[name] = value[:cap]
            report.warning(path, _where(record), f"field {name!r}: {len(value):,} characters, "
                           f"over the {cap:,} bound (CITEGRAPH_MAX_FIELD_CHARS); cut")
    for name in _LIST_FIELDS:
        items = values[name]
        if items and any(len(v) > cap for v in items if isinstance(v, str)):
            values[name] = [v[:cap] if isinstance(v, str) else v for v in items]
            report.warning(path, _where(record), f"field {name!r}: an item over {cap:,} "
                           "characters; cut")


def _where(record: PaperRecord) -> str:
    return record.provenance[0].location if record.provenance else ""
