"""arXiv API answers: Atom XML feeds of ``<entry>`` elements.

Entries are parsed one at a time (lxml ``iterparse`` in recovering mode), so a feed cut
off or broken half-way still yields its entries, and each repair is reported with its
line. The API reports a bad query as an entry whose id is an ``api/errors`` URL; that is
reported too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lxml import etree

from citegraph.loaders.common import Fields, SkipRecord, add_id, each_record, iso_date, year_of
from citegraph.loaders.problems import LoadReport
from citegraph.loaders.records import PaperRecord, Provenance
from citegraph.loaders.text import clean
from citegraph.loaders.textio import head, iter_lines, open_binary

FORMAT = "arxiv-atom"
ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"
#: Repairs of a damaged feed listed one by one; past this only the first are shown.
_REPAIRS_SHOWN = 20
_DECLARED = re.compile(r"""\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_ENCODING_ATTR = re.compile(r"""(<\?xml[^>]*?)\sencoding\s*=\s*["'][A-Za-z0-9._-]+["']""")
_UNICODE = {"utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "utf16", "ucs-2"}
_CONTROL_TO_SPACE = bytes.maketrans(
    bytes(c for c in range(32) if c not in (9, 10, 13)), b" " * 29)
_PIECE = 1 << 16


def sniff(path: Path, head: str) -> bool:
    """An Atom feed that talks about arXiv."""
    return "<feed" in head and "http://www.w3.org/2005/Atom" in head and "arxiv" in head.lower()


def read(path: Path, report: LoadReport) -> Iterator[PaperRecord]:
    """Yield one record per entry; report where the feed is damaged and what was repaired."""
    return each_record(_entries(path, report), _record, path, report)


def _entries(path: Path, report: LoadReport) -> Iterator[tuple[str, etree._Element]]:
    """Each entry with its location. The parser recovers from damage (a bad byte, a broken
    tag, a cut-off end) so entries after it are still read; each repair is reported."""
    k = 0
    with _xml_source(path, report) as fh:
        events = etree.iterparse(fh, events=("end",), tag=f"{ATOM}entry", recover=True,
                                 resolve_entities=False, no_network=True)
        try:
            for _, entry in events:
                k += 1
                yield f"entry {k} (line {entry.sourceline})", entry
                entry.clear()
        except etree.XMLSyntaxError as exc:
            line = exc.position[0] if exc.position else "?"
            report.error(path, "", f"XML cannot be read past line {line} ({exc.msg}); "
                         "rest of file skipped")
        for error in list(events.error_log)[:_REPAIRS_SHOWN]:
            report.warning(path, f"line {error.line}", f"XML is not well-formed "
                           f"({error.message.strip()}); repaired as well as the parser can")


def _xml_source(path: Path, report: LoadReport) -> Any:
    """The feed as bytes for the parser, with control characters (illegal in XML) as
    spaces. A feed declared in a legacy encoding goes to the parser as it is; any other is
    read as text like every other format (UTF-16, a stray non-UTF-8 byte, NUL bytes, odd
    line endings) and handed over as UTF-8, its declaration's encoding dropped."""
    declared = _DECLARED.match(head(path, 512))
    if declared and declared.group(1).lower().replace("_", "-") not in _UNICODE:
        return _Translated(open_binary(path).read)
    lines = iter_lines(path, report)

    def read() -> bytes:
        for lineno, line in lines:
            if lineno == 1:
                line = _ENCODING_ATTR.sub(r"\1", line, count=1)
            return (line + "\n").encode("utf-8")
        return b""

    return _Translated(read, lines.close)


class _Translated:
    """A file-like ``read`` over a source of byte pieces, control bytes made spaces."""

    def __init__(self, source: Callable[..., bytes], close: Callable[[], None] | None = None
                 ) -> None:
        self._source, self._close, self._buffer = source, close, b""

    def read(self, size: int = -1) -> bytes:
        pieces, got = [self._buffer], len(self._buffer)
        while size < 0 or got < size:
            piece = self._source(_PIECE) if self._close is None else self._source()
            if not piece:
                break
            pieces.append(piece.translate(_CONTROL_TO_SPACE))
            got += len(piece)
        data = b"".join(pieces)
        size = len(data) if size < 0 else size
        out, self._buffer = data[:size], data[size:]
        return out

    def __enter__(self) -> _Translated:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._close is not None:
            self._close()
        else:
            closer = getattr(self._source, "__self__", None)
            if closer is not None:
                closer.close()


def _text(entry: etree._Element, tag: str, f: Fields) -> str:
    el = entry.find(tag)
    if el is None:
        return ""
    return clean(f.coerce("".join(el.itertext()), tag.rpartition("}")[2]))


def _record(entry: etree._Element, f: Fields) -> PaperRecord:
    raw_id = _text(entry, f"{ATOM}id", f)
    if "api/errors" in raw_id:
        raise SkipRecord(f"arXiv API error: {_text(entry, f'{ATOM}summary', f)}")
    ids: dict[str, str] = {}
    add_id(ids, "arxiv", raw_id)
    add_id(ids, "doi", _text(entry, f"{ARXIV}doi", f))
    title = _text(entry, f"{ATOM}title", f)
    if not title or not ids:
        raise SkipRecord("entry without a title or an arXiv id")
    date = iso_date(_text(entry, f"{ATOM}published", f))
    return PaperRecord(
        title=title,
        abstract=_text(entry, f"{ATOM}summary", f),
        authors=[name for n in entry.iterfind(f"{ATOM}author/{ATOM}name")
                 if (name := clean(f.coerce(n.text, "author")))],
        date=date,
        year=year_of(date),
        venue=_text(entry, f"{ARXIV}journal_ref", f) or None,
        ids=ids,
        provenance=[Provenance(str(f.path), f"entry {ids['arxiv']}")],
        sources=[FORMAT],
    )
