"""arXiv API answers: Atom XML feeds of ``<entry>`` elements.

Entries are parsed one at a time (lxml ``iterparse``), so a feed cut off or broken half-way
still yields the entries before the damage, which is then reported with its line. The API
reports a bad query as an entry whose id is an ``api/errors`` URL; that is reported too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from citegraph.loaders.common import add_id, iso_date, year_of
from citegraph.loaders.problems import LoadReport
from citegraph.loaders.records import PaperRecord, Provenance
from citegraph.loaders.text import clean
from citegraph.loaders.textio import open_binary
from lxml import etree

FORMAT = "arxiv-atom"
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"


def sniff(path: Path, head: str) -> bool:
    """An Atom feed that talks about arXiv."""
    return "<feed" in head and "http://www.w3.org/2005/Atom" in head and "arxiv" in head.lower()


def read(path: Path, report: LoadReport) -> Iterator[PaperRecord]:
    """Yield one record per entry; report a malformed feed where it breaks."""
    k = 0
    with open_binary(path) as fh:
        try:
            for _, entry in etree.iterparse(fh, events=("end",), tag=f"{ATOM}entry",
                                            resolve_entities=False, no_network=True):
                k += 1
                record = _record(entry, path, k, report)
                entry.clear()
                if record is not None:
                    yield record
        except etree.XMLSyntaxError as exc:
            line = exc.position[0] if exc.position else "?"
            report.error(path, f"line {line}", f"XML is not well-formed ({exc.msg}); "
                         "rest of file skipped")


def _text(entry: etree._Element, tag: str) -> str:
    el = entry.find(tag)
    return clean(el.text) if el is not None and el.text else ""


def _record(entry: etree._Element, path: Path, k: int, report: LoadReport) -> PaperRecord | None:
    raw_id = _text(entry, f"{ATOM}id")
    location = f"entry {k} (line {entry.sourceline})"
    if "api/errors" in raw_id:
        report.error(path, location, f"arXiv API error: {_text(entry, f'{ATOM}summary')}")
        return None
    ids: dict[str, str] = {}
    add_id(ids, "arxiv", raw_id)
    add_id(ids, "doi", _text(entry, f"{ARXIV}doi"))
    title = _text(entry, f"{ATOM}title")
    if not title or not ids:
        report.error(path, location, "entry without a title or an arXiv id; skipped")
        return None
    date = iso_date(_text(entry, f"{ATOM}published"))
    return PaperRecord(
        title=title,
        abstract=_text(entry, f"{ATOM}summary"),
        authors=[clean(n.text) for n in entry.iterfind(f"{ATOM}author/{ATOM}name") if n.text],
        date=date,
        year=year_of(date),
        venue=_text(entry, f"{ARXIV}journal_ref") or None,
        ids=ids,
        provenance=[Provenance(str(path), f"entry {ids['arxiv']}")],
        sources=[FORMAT],
    )
