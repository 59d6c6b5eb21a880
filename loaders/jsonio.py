"""JSON and JSON lines, told apart by content and read so that one bad record costs one.

JSON lines stream line by line (bounded memory). A JSON document is parsed whole, except a
top-level array, whose items are decoded one at a time so a truncated file still yields
every complete item before the error. A line or item over the record bound, or nested
deeper than the decoder can follow, is reported and skipped. API responses wrap their
items (OpenAlex ``{"results": [...]}``, Semantic Scholar ``{"data": [...]}``); the wrapper
is unpacked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from citegraph.loaders.limits import current, size_text
from citegraph.loaders.problems import LoadReport
from citegraph.loaders.textio import iter_record_lines, read_text

#: Keys under which API responses list their items.
WRAPPER_KEYS = ("results", "data")
_DECODER = json.JSONDecoder()
_WS = re.compile(r"\s*")
_WRAPPED_LIST = re.compile(r'"(' + "|".join(WRAPPER_KEYS) + r')"\s*:\s*\[')


def looks_like_json(head: str) -> bool:
    """The file starts (after whitespace) with an object or an array."""
    return head.lstrip()[:1] in ("{", "[")


def has_keys(head: str, *keys: str) -> bool:
    """Every one of ``keys`` occurs as an object key in the first bytes of the file."""
    return all(re.search(rf'"{re.escape(k)}"\s*:', head) for k in keys)


def _unwrap(obj: Any) -> list[Any] | None:
    """The items of an API response wrapper, or None when ``obj`` is not a wrapper."""
    if isinstance(obj, dict):
        for key in WRAPPER_KEYS:
            if isinstance(obj.get(key), list) and len(obj) <= 4:
                return obj[key]
    return None


def iter_json_items(path: Path, report: LoadReport) -> Iterator[tuple[str, Any]]:
    """Yield ``(location, item)`` for each item of a JSON or JSON-lines file.

    A file whose first non-blank line is a complete JSON value is JSON lines (so is one whose
    damaged first line is followed by a complete value); anything else is one JSON document.
    Items that are not objects are reported and skipped.
    """
    lines = iter_record_lines(path, report)
    for lineno, line in lines:
        if line is None:
            break  # a first line over the record bound: one big (minified) document
        if not line.strip():
            continue
        try:
            first = json.loads(line)
        except (ValueError, RecursionError) as exc:
            # a document's first line ("{", "[") is no value; a damaged first JSON line is
            # told from it by the next line, which in JSON lines is a whole value
            if line.lstrip().startswith("[") or line.strip() == "{":
                break
            second = next(((n, text) for n, text in lines if text is None or text.strip()),
                          None)
            if second is None or second[1] is None or not _is_value(second[1]):
                break
            report.error(path, f"line {lineno}", f"not valid JSON ({_why(exc)}); skipped")
            lineno, first = second[0], json.loads(second[1])
        yield from _checked(_expand(first, f"line {lineno}"), path, report)
        yield from _checked(_json_lines(lines, path, report), path, report)
        return
    else:
        return
    lines.close()
    yield from _checked(_document(path, report), path, report)


def _is_value(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _why(exc: Exception) -> str:
    """A decoding failure as a message: the decoder's, or nesting past its depth."""
    return "nested too deeply" if isinstance(exc, RecursionError) else str(exc)


def _expand(obj: Any, location: str, lists: bool = True) -> Iterator[tuple[str, Any]]:
    items = _unwrap(obj)
    if items is None and lists and isinstance(obj, list):
        items = obj
    if items is None:
        yield location, obj
    else:
        for k, item in enumerate(items, start=1):
            yield f"{location} item {k}".lstrip(), item


def _json_lines(
    lines: Iterator[tuple[int, str | None]], path: Path, report: LoadReport
) -> Iterator[tuple[str, Any]]:
    max_record = current().max_record
    for lineno, line in lines:
        if line is None:
            report.error(path, f"line {lineno}", f"line longer than {size_text(max_record)} "
                         "(CITEGRAPH_MAX_RECORD_BYTES); skipped")
            continue
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError) as exc:
            report.error(path, f"line {lineno}", f"not valid JSON ({_why(exc)}); skipped")
            continue
        yield from _expand(obj, f"line {lineno}", lists=False)


def _document(path: Path, report: LoadReport) -> Iterator[tuple[str, Any]]:
    """One JSON document. Data after it is reported and ignored; a damaged API wrapper
    (``{"results": [...`` cut short) still yields the whole items of its list."""
    text = read_text(path, report)
    start = _WS.match(text).end()  # type: ignore[union-attr]
    if text.startswith("[", start):
        yield from _array_items(text, start + 1, path, report)
        return
    try:
        obj, end = _DECODER.raw_decode(text, start)
    except (ValueError, RecursionError) as exc:
        wrapped = _WRAPPED_LIST.search(text, start)
        if wrapped is None:
            report.skip_file(path, f"not valid JSON ({_why(exc)}); file skipped")
            return
        report.error(path, "", f"not valid JSON ({_why(exc)}); the items of its "
                     f"{wrapped.group(1)!r} list are read one by one")
        yield from _array_items(text, wrapped.end(), path, report)
        return
    if text[end:].strip():
        line = text.count("\n", 0, end) + 1
        report.error(path, "", f"data after the end of the JSON document (line {line}); "
                     "ignored")
    yield from _expand(obj, "")


def _array_items(text: str, pos: int, path: Path, report: LoadReport) -> Iterator[
        tuple[str, Any]]:
    """Items of a top-level array one by one, so a truncated array keeps its head."""
    k = 0
    max_record = current().max_record
    while True:
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        if text.startswith("]", pos):
            return
        k += 1
        try:
            item, end = _DECODER.raw_decode(text, pos)
        except (ValueError, RecursionError) as exc:
            report.error(path, f"item {k}", f"not valid JSON ({_why(exc)}); rest of file skipped")
            return
        pos, size = end, end - pos
        if size > max_record:
            report.error(path, f"item {k}", f"{size:,} characters, over the "
                         f"{size_text(max_record)} record bound (CITEGRAPH_MAX_RECORD_BYTES); "
                         "skipped")
        else:
            yield f"item {k}", item
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        if text.startswith(",", pos):
            pos += 1
        elif not text.startswith("]", pos):
            line = text.count("\n", 0, pos) + 1
            report.error(path, f"line {line}", "array not closed (truncated file?); "
                         "rest of file skipped")
            return


def _checked(items: Iterator[tuple[str, Any]], path: Path, report: LoadReport) -> Iterator[
        tuple[str, Any]]:
    for location, item in items:
        if isinstance(item, dict):
            yield location, item
        else:
            kind = "null" if item is None else type(item).__name__
            report.error(path, location or "document", f"expected an object, found {kind}; "
                         "skipped")
