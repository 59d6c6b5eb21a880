"""Query results: the plain rows of a helper, shown well in a REPL, a notebook or a file.

:class:`QueryResult` is a ``list`` of row dicts, so every caller that treats results as a
list keeps working; it adds a readable ``repr``, an HTML table for Jupyter, a pandas frame
(pandas is imported only when asked for) and CSV through the one atomic-write helper.
"""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from citegraph.atomic import write_text_atomic

Row = dict[str, Any]

#: Rows shown by ``repr`` and the HTML table before "… N more rows"; a cell's characters.
SHOWN_ROWS = 20
CELL_CHARS = 80


def _cell(value: Any) -> str:
    """One value as text, cut to CELL_CHARS so one long abstract cannot swamp a table."""
    text = "" if value is None else ", ".join(map(str, value)) if isinstance(
        value, list | tuple) else str(value)
    return text if len(text) <= CELL_CHARS else text[:CELL_CHARS - 1] + "…"


class QueryResult(list):
    """Rows of one query, with fixed ``columns`` (the helper's, else the first row's keys)."""

    def __init__(self, rows: Iterable[Row] = (), columns: Sequence[str] | None = None,
                 name: str = "") -> None:
        super().__init__(rows)
        if columns is None:
            seen: dict[str, None] = {}
            for row in self:
                seen.update(dict.fromkeys(row))
            columns = list(seen)
        self.columns: list[str] = list(columns)
        self.name = name

    def _shown(self) -> tuple[list[Row], int]:
        return list(self[:SHOWN_ROWS]), max(0, len(self) - SHOWN_ROWS)

    def __repr__(self) -> str:
        head = f"{self.name or 'QueryResult'}: {len(self)} row{'s' * (len(self) != 1)}"
        if not self:
            return head
        rows, more = self._shown()
        table = [[_cell(c) for c in self.columns]]
        table += [[_cell(row.get(c)) for c in self.columns] for row in rows]
        widths = [max(len(line[i]) for line in table) for i in range(len(self.columns))]
        lines = ["  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip()
                 for line in table]
        lines.insert(1, "  ".join("-" * w for w in widths))
        if more:
            lines.append(f"… {more} more rows")
        return "\n".join([head, *lines])

    def _repr_html_(self) -> str:
        """An HTML table for Jupyter; every value is escaped."""
        rows, more = self._shown()
        head = "".join(f"<th>{html.escape(c)}</th>" for c in self.columns)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(_cell(row.get(c)))}</td>"
                             for c in self.columns) + "</tr>"
            for row in rows)
        caption = html.escape(f"{self.name or 'query'}: {len(self)} rows")
        tail = f"<p>… {more} more rows</p>" if more else ""
        return (f'<table class="citegraph-result"><caption>{caption}</caption>'
                f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{tail}")

    def to_pandas(self):
        """The rows as a ``pandas.DataFrame`` with the result's columns."""
        import pandas as pd

        return pd.DataFrame(list(self), columns=self.columns)

    def to_csv(self, path_or_buf: str | Path | IO[str]) -> None:
        """The rows as CSV (lists joined by ``; ``), to a path (written atomically) or an
        open text stream."""
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=self.columns, extrasaction="ignore",
                                lineterminator="\n")
        writer.writeheader()
        for row in self:
            writer.writerow({c: "; ".join(map(str, v)) if isinstance(v, list | tuple) else v
                             for c, v in row.items()})
        if isinstance(path_or_buf, str | Path):
            write_text_atomic(path_or_buf, buffer.getvalue())
        else:
            path_or_buf.write(buffer.getvalue())
