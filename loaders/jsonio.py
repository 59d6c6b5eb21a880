"""JSON and JSON lines, told apart by content and read so that one bad record costs one.

JSON lines stream line by line (bounded memory). A top-level array is decoded an item at a
time as it is read, so a huge array streams and a truncated one still yields every complete
item before the damage. Any other document is parsed whole up to the whole-file bound;
API responses wrap their items (OpenAlex ``{"results": [...]}``, Semantic Scholar
``{"data": [...]}``), the wrapper is unpacked, and a wrapper too large or too damaged to
parse whole has its list read item by item. A line or item over the record bound, or
nested deeper than the decoder can follow, is reported and skipped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from citegraph.loaders.limits import current, size_text
from citegraph.loaders.problems import LoadReport
from citegraph.loaders.textio import iter_record_lines

#: Keys under which API responses list their items.
WRAPPER_KEYS = ("results", "data")
_DECODER = json.JSONDecoder()
_WS = re.compile(r"\s*")
_WRAPPED_LIST = re.compile(r'"(' + "|".join(WRAPPER_KEYS) + r')"\s*:\s*\[')
#: Characters a document window grows by at a time.
_FILL = 1 << 16


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


class _Cursor:
    """A window on a JSON document's text, filled a line at a time, so a large document is
    decoded item by item without holding all of it."""

    def __init__(self, lines: Iterator[tuple[int, str | None]], path: Path,
                 report: LoadReport) -> None:
        self.lines, self.path, self.report = lines, path, report
        self.text, self.pos, self.lines_before, self.done = "", 0, 0, False

    def more(self, at_least: int = _FILL) -> bool:
        """Append at least ``at_least`` characters (fewer at the end); False at the end."""
        if self.done:
            return False
        if self.pos > _FILL:  # drop what has been decoded
            self.lines_before += self.text.count("\n", 0, self.pos)
            self.text, self.pos = self.text[self.pos :], 0
        pieces, got = [self.text], 0
        for lineno, line in self.lines:
            if line is None:
                self.report.error(self.path, "", f"line {lineno} is longer than the "
                                  f"{size_text(current().max_whole_file)} bound of a JSON "
                                  "document's line (CITEGRAPH_MAX_WHOLE_FILE_BYTES); the "
                                  "rest is refused")
                break
            pieces.append(line + "\n")
            got += len(line) + 1
            if got >= at_least:
                self.text = "".join(pieces)
                return True
        self.done = True
        self.text = "".join(pieces)
        return got > 0

    def skip_space(self) -> bool:
        """Move past whitespace; False when the document ends first."""
        while True:
            self.pos = _WS.match(self.text, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.text):
                return True
            if not self.more():
                return False

    def line(self) -> int:
        return self.lines_before + self.text.count("\n", 0, self.pos) + 1


def _document(path: Path, report: LoadReport) -> Iterator[tuple[str, Any]]:
    """One JSON document. A top-level array is decoded item by item as it is read; an
    object is read whole up to the whole-file bound, and past it (or when it is damaged)
    the items of its API list (``{"results": [...`` ) are. Data after the document is
    reported and ignored."""
    limits = current()
    cur = _Cursor(iter_record_lines(path, report, max_line=limits.max_whole_file), path,
                  report)
    if not cur.skip_space():
        return
    if cur.text.startswith("[", cur.pos):
        cur.pos += 1
        yield from _array_items(cur, path, report)
        return
    while len(cur.text) - cur.pos <= limits.max_whole_file and cur.more(1 << 20):
        pass
    whole = cur.done and len(cur.text) - cur.pos <= limits.max_whole_file
    if whole:
        try:
            obj, end = _DECODER.raw_decode(cur.text, cur.pos)
        except (ValueError, RecursionError) as exc:
            why = f"not valid JSON ({_why(exc)})"
        else:
            if cur.text[end:].strip():
                report.error(path, "", "data after the end of the JSON document (line "
                             f"{cur.lines_before + cur.text.count(chr(10), 0, end) + 1}); "
                             "ignored")
            yield from _expand(obj, "")
            return
    else:
        why = f"a JSON object over {size_text(limits.max_whole_file)} " \
              "(CITEGRAPH_MAX_WHOLE_FILE_BYTES)"
    wrapped = _WRAPPED_LIST.search(cur.text, cur.pos)
    if wrapped is None:
        report.skip_file(path, f"{why}; file skipped")
        return
    report.error(path, "", f"{why}; the items of its {wrapped.group(1)!r} list are read "
                 "one by one")
    cur.pos = wrapped.end()
    yield from _array_items(cur, path, report)


def _array_items(cur: _Cursor, path: Path, report: LoadReport) -> Iterator[tuple[str, Any]]:
    """Items of an array one by one (the cursor is past its ``[``), so a truncated or huge
    array keeps every whole item; an item over the record bound is skipped."""
    k = 0
    max_record = current().max_record
    while True:
        if not cur.skip_space():
            report.error(path, f"line {cur.line()}", "array not closed (truncated file?); "
                         "rest of file skipped")
            return
        if cur.text.startswith("]", cur.pos):
            return
        k += 1
        want = _FILL
        while True:
            try:
                item, end = _DECODER.raw_decode(cur.text, cur.pos)
                if end < len(cur.text) or cur.done:
                    break  # a value that runs to the end of the window may go on
            except (ValueError, RecursionError) as exc:
                if len(cur.text) - cur.pos > max_record:
                    report.error(path, f"item {k}", "not valid JSON within the "
                                 f"{size_text(max_record)} record bound "
                                 "(CITEGRAPH_MAX_RECORD_BYTES); rest of file skipped")
                    return
                if cur.done:
                    report.error(path, f"item {k}", f"not valid JSON ({_why(exc)}); "
                                 "rest of file skipped")
                    return
            want = 2 * want
            cur.more(want)
        size, cur.pos = end - cur.pos, end
        if size > max_record:
            report.error(path, f"item {k}", f"{size:,} characters, over the "
                         f"{size_text(max_record)} record bound (CITEGRAPH_MAX_RECORD_BYTES); "
                         "skipped")
        else:
            yield f"item {k}", item
        if not cur.skip_space():
            continue  # reported as not closed at the top of the loop
        if cur.text.startswith(",", cur.pos):
            cur.pos += 1
        elif not cur.text.startswith("]", cur.pos):
            report.error(path, f"line {cur.line()}", "array not closed (truncated file?); "
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
