"""Rows of a spreadsheet export whose header row names known columns, read one at a time.

Some exporters write a line of their own above the header (Dimensions: "About the data:
Exported on …"), so the header is looked for among the first few lines. The delimiter
(comma, tab or semicolon) is taken from the header line. Each data row comes with the line
it starts on (cells may span lines), so a problem names its row; a row that the csv module
cannot parse (an unclosed quote runs to the end of the file) ends the file with an error.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from citegraph.loaders.problems import LoadReport
from citegraph.loaders.textio import iter_lines

csv.field_size_limit(1 << 24)  # reference lists and abstracts overflow the 128 KiB default
#: Lines looked at for the header row.
HEADER_SEARCH_LINES = 3


def _cells(line: str) -> tuple[str, list[str]] | None:
    """The delimiter and cells of one line, when it has a delimiter at all."""
    counts = {d: line.count(d) for d in (",", "\t", ";")}
    delimiter = max(counts, key=counts.__getitem__)
    if not counts[delimiter]:
        return None
    row = next(csv.reader([line], delimiter=delimiter), [])
    return delimiter, [c.strip().strip('"').lstrip("\ufeff") for c in row]


def find_header(lines: list[str], required: frozenset[str]) -> tuple[int, str, list[str]] | None:
    """``(index in lines, delimiter, columns)`` of the first line naming every required
    column (compared case-insensitively), among the first :data:`HEADER_SEARCH_LINES`."""
    wanted = {r.casefold() for r in required}
    for k, line in enumerate(lines[:HEADER_SEARCH_LINES]):
        found = _cells(line.lstrip("\ufeff"))
        if found and wanted <= {c.casefold() for c in found[1]}:
            return k, found[0], found[1]
    return None


def split_cell(text: str, sep: str = ";") -> list[str]:
    """The non-blank items of a list cell ("a; b; c"), in order, without repeats."""
    return list(dict.fromkeys(p.strip() for p in text.split(sep) if p.strip()))


def count_cell(text: str) -> int | None:
    """A non-negative count written in a cell ("12", "12.0"); None when it is not one."""
    value = text.strip()
    if value.endswith(".0"):
        value = value[:-2]
    return int(value) if value.isdigit() else None


class Row:
    """One data row, read by column name (case-insensitive; the first equal name wins)."""

    def __init__(self, index: dict[str, int], cells: list[str]) -> None:
        self._index, self._cells = index, cells

    def get(self, *names: str) -> str:
        """The first non-blank cell among ``names`` ("" when none has a value)."""
        for name in names:
            i = self._index.get(name.casefold())
            if i is not None and i < len(self._cells) and self._cells[i].strip():
                return self._cells[i].strip()
        return ""


def read_rows(path: Path, report: LoadReport,
              required: frozenset[str]) -> Iterator[tuple[str, Row]]:
    """``(location, row)`` for every non-blank data row under the header."""
    lines = iter_lines(path, report)
    head: list[tuple[int, str]] = []
    for lineno, text in lines:
        if text.strip():
            head.append((lineno, text))
        if len(head) == HEADER_SEARCH_LINES:
            break
    found = find_header([text for _, text in head], required)
    if found is None:
        report.skip_file(path, f"no header row with the columns {', '.join(sorted(required))}"
                         "; file skipped")
        return
    k, delimiter, columns = found
    header_line = head[k][0]
    index = {c.casefold(): i for i, c in reversed(list(enumerate(columns)))}
    rest = head[k + 1:]

    def stream() -> Iterator[str]:
        last = header_line
        for lineno, text in [*rest, *lines]:
            # blank lines skipped while peeking for the header are given back
            yield from ("\n" for _ in range(lineno - last - 1))
            last = lineno
            yield text + "\n"

    reader = csv.reader(stream(), delimiter=delimiter)
    consumed = 0  # physical lines the reader has taken after the header
    try:
        for cells in reader:
            location = f"line {header_line + consumed + 1}"
            consumed = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns):]):
                report.warning(path, location, f"{len(cells)} cells for {len(columns)} "
                               "columns; extra cells ignored")
            yield location, Row(index, cells)
    except csv.Error as exc:
        report.error(path, f"line {header_line + consumed + 1}", f"CSV cannot be parsed "
                     f"({exc}); rest of file skipped")
