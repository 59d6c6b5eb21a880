"""BibTeX text cut into bibtexparser blocks, fast for the entries exporters write.

bibtexparser's splitter steps through every comma, quote, brace and line break of a file
one by one; a Scopus or Web of Science entry with its abstract and reference list has
hundreds, which makes splitting the dearest part of loading such exports. Entries in the
plain shape exporters write (``@type{key,`` then ``name = {value}``, ``"value"`` or a bare
number or macro name, separated by commas) are split here by jumping from brace to brace.
Every other block (``@string``, ``@preamble``, ``@comment``, a ``#`` concatenation,
parentheses as delimiters, an unbalanced brace, text the shape does not allow) is handed to
bibtexparser's own splitter, so each block comes out as bibtexparser splits it: the same
keys, raw values, line numbers and failed blocks. (Fields of the entries split here carry
no line number of their own: nothing reads it, and counting it per field costs more than
the rest of the split.)

Blocks are cut where bibtexparser cuts them for sure: at an ``@type{`` or ``@type(`` that
opens a line, which ends any block still open. The caller's parse stack (bibtexparser
middlewares) then runs over the whole library, as :func:`bibtexparser.parse_string` runs
it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import bibtexparser
from bibtexparser import model
from bibtexparser.middlewares.middleware import Middleware
from bibtexparser.splitter import Splitter

#: A block start as bibtexparser marks it: it opens a block where it opens a line.
_ANY_START = re.compile(r"@\w*[ \t]*(?=[{(])")
#: Blocks bibtexparser treats apart (its test is a prefix of the lower-cased mark).
_SPECIAL = ("@comment", "@preamble", "@string")
#: ``@type{key,``: a key holding none of the characters that would make the splitter stop.
_HEAD = re.compile(r"@(\w*)[ \t]*\{([^{}\",=@\\]*),")
#: A field name: none of the characters that would make the splitter stop before ``=``.
_NAME = re.compile(r"[^{}\",=@\\]*")
_BARE = re.compile(r"[^\s{}\",=@#\\]+")
_SPACE = re.compile(r"\s*")


def parse(text: str, stack: Iterable[Middleware]) -> bibtexparser.Library:
    """The library bibtexparser builds from ``text`` with the parse ``stack``."""
    library = bibtexparser.Library()
    for block in split(text):
        library.add(block, fail_on_duplicate_key=False)
    for middleware in stack:
        library = middleware.transform(library)
    return library


def split(text: str) -> list[model.Block]:
    """The blocks of ``text`` (implicit comments left out), in file order."""
    marks = list(_line_starts(text))
    if not marks:
        return _slow(text, 0, len(text), 0)
    blocks: list[model.Block] = []
    line = _lines(text, 0, marks[0][0])
    if _ANY_START.search(text, 0, marks[0][0]):  # a block opening mid-line
        blocks.extend(_slow(text, 0, marks[0][1] + 1, 0, ahead=True))
    for (start, _), following in zip(marks, [*marks[1:], None], strict=True):
        end = following[0] if following else len(text)
        lines = _lines(text, start, end)
        try:
            block = _entry(text, start, end, line)
        except Exception:  # a surprise in the fast path: bibtexparser splits this block
            block = None
        if block is not None:
            blocks.append(block)
        elif following is None:
            blocks.extend(_slow(text, start, end, line))
        else:
            blocks.extend(_slow(text, start, following[1] + 1, line, ahead=True))
        line += lines
    return blocks


def _line_starts(text: str) -> Iterator[tuple[int, int]]:
    """``(start of line, end of mark)`` of every block start that opens a line (only
    white space before it), found by jumping from ``@`` to ``@``."""
    at = text.find("@")
    while at != -1:
        begin = at
        while begin > 0 and text[begin - 1] != "\n" and text[begin - 1].isspace():
            begin -= 1
        if (begin == 0 or text[begin - 1] == "\n") and (m := _ANY_START.match(text, at)):
            yield begin, m.end()
        at = text.find("@", at + 1)


def _slow(text: str, start: int, end: int, line: int, ahead: bool = False,
          ) -> list[model.Block]:
    """The blocks bibtexparser's splitter finds in ``text[start:end]``, which starts on
    ``line`` (0-based) of the file.

    With ``ahead``, the text ends with the start of the next block (``@type{``), so that a
    block left open is cut off by it with the message the whole file gives; the block the
    splitter opens there is left out: it belongs to the next segment.
    """
    splitter = Splitter(text[start:end])
    # The splitter counts lines from -1 (it reads a line break it put before the text);
    # starting it at the segment's line numbers the blocks as in the whole file.
    splitter._current_line = line - 1
    try:
        blocks = splitter.split().blocks
    except Exception as exc:  # the splitter gave up: this block fails, not the file
        return [model.ParsingFailedBlock(exc, line, text[start:end])]
    if ahead:
        blocks = blocks[:-1]
    return [b for b in blocks if not isinstance(b, model.ImplicitComment)]


def _lines(text: str, start: int, end: int) -> int:
    """Line breaks in ``text[start:end]`` as bibtexparser counts them: one after a backslash
    is escaped and not counted, so line numbers agree with the blocks it splits itself."""
    return text.count("\n", start, end) - text.count("\\\n", max(start - 1, 0), end)


def _entry(text: str, start: int, end: int, line: int) -> model.Block | None:
    """The entry in ``text[start:end]`` when it has the plain shape, else None."""
    at = text.index("@", start)
    head = _HEAD.match(text, at, end)
    if head is None or ("@" + head.group(1)).lower().startswith(_SPECIAL):
        return None
    fields: list[model.Field] = []
    names: set[str] = set()
    repeated: set[str] = set()
    pos = head.end()
    while True:
        name = _NAME.match(text, pos, end)
        after = name.end()
        if after < end and text[after] == "}" and not name.group().strip():
            pos = after + 1  # the entry closes (after a trailing comma)
            break
        if after >= end or text[after] != "=" or not (key := name.group().strip()):
            return None
        value_start = _SPACE.match(text, after + 1, end).end()
        value_end = _value_end(text, value_start, end)
        if value_end is None:
            return None
        close = _SPACE.match(text, value_end, end).end()
        if close >= end or text[close] not in ",}":
            return None
        if key in names:
            repeated.add(key)
        names.add(key)
        fields.append(model.Field(key, text[value_start:value_end]))
        pos = close + 1
        if text[close] == "}":
            break
    if _ANY_START.search(text, pos, end):  # another block opens on the closing line
        return None
    entry = model.Entry(head.group(1).lower().strip(), head.group(2).strip(), fields,
                        line, text[at:pos])
    return model.DuplicateFieldKeyBlock(repeated, entry) if repeated else entry


def _value_end(text: str, pos: int, end: int) -> int | None:
    """Where the value starting at ``pos`` ends: after its closing brace or quote, or after
    a bare word; None when it ends nowhere before ``end``.

    A brace or quote after a backslash does not count, as in bibtexparser's splitter.
    """
    if pos >= end:
        return None
    first = text[pos]
    if first == "{":
        return closing_brace(text, pos, end)
    if first == '"':
        i = text.find('"', pos + 1, end)
        while i != -1:
            if text[i - 1] == "\\" or (
                    text[i - 1] == "{" and i + 2 < len(text) and text[i + 1] == "}"):
                i = text.find('"', i + 1, end)  # escaped, or {"}: a quote in the value
                continue
            return i + 1
        return None
    bare = _BARE.match(text, pos, end)
    return bare.end() if bare else None


def closing_brace(text: str, pos: int, end: int) -> int | None:
    """Just after the brace that closes the one at ``pos``, jumping from brace to brace."""
    # the common cases first: one pair, or two (Web of Science), and no brace inside
    depth = 2 if text.startswith("{", pos + 1) else 1
    close = text.find("}", pos + depth, end)
    if (close > 0 and text[close - 1] != "\\" and text.find("{", pos + depth, close) < 0
            and (depth == 1 or text.startswith("}", close + 1, end))):
        return close + depth
    depth = 0
    i = pos
    next_open = text.find("{", i, end)
    next_close = text.find("}", i, end)
    while next_close != -1:
        if next_open != -1 and next_open < next_close:
            i = next_open
            next_open = text.find("{", i + 1, end)
            if i > 0 and text[i - 1] == "\\":
                continue
            depth += 1
        else:
            i = next_close
            next_close = text.find("}", i + 1, end)
            if text[i - 1] == "\\":
                continue
            depth -= 1
            if depth == 0:
                return i + 1
    return None
