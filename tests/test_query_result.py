"""Query results: a list of rows that reads well in a REPL, Jupyter, pandas and CSV."""

from __future__ import annotations

import csv
import io

import pytest

from citegraph.graph.model import KnowledgeGraph
from citegraph.queries import EmbeddedBackend, Queries, QueryResult

ROWS = [
    {"key": "a", "title": "<script>alert(1)</script> & more", "year": 2024,
     "authors": ["Ada", "Bo"]},
    {"key": "b", "title": "Plain", "year": None, "authors": []},
]


def test_is_a_list_of_rows_with_fixed_columns() -> None:
    result = QueryResult(ROWS, ("key", "title", "year", "authors"), "demo")
    assert isinstance(result, list) and result == ROWS and len(result) == 2
    assert result.columns == ["key", "title", "year", "authors"]
    assert QueryResult(ROWS).columns == ["key", "title", "year", "authors"]


def test_repr_is_a_table_and_says_what_is_cut() -> None:
    rows = [{"n": i, "text": "x" * 200} for i in range(25)]
    text = repr(QueryResult(rows, ("n", "text"), "long"))
    lines = text.splitlines()
    assert lines[0] == "long: 25 rows"
    assert lines[1].split() == ["n", "text"]
    assert lines[-1] == "… 5 more rows"
    assert max(len(line) for line in lines) < 100
    assert repr(QueryResult([], ("n",), "none")) == "none: 0 rows"


def test_html_table_escapes_every_value() -> None:
    page = QueryResult(ROWS, ("key", "title", "year", "authors"), "demo")._repr_html_()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in page
    assert page.count("<tr>") == 3 and "<th>authors</th>" in page and "Ada, Bo" in page


def test_to_pandas_keeps_columns_and_values() -> None:
    pytest.importorskip("pandas")
    frame = QueryResult(ROWS, ("key", "year")).to_pandas()
    assert list(frame.columns) == ["key", "year"]
    assert frame["key"].tolist() == ["a", "b"]


def test_to_csv_path_and_stream(tmp_path) -> None:
    result = QueryResult(ROWS, ("key", "title", "authors"))
    path = tmp_path / "sub" / "rows.csv"
    path.parent.mkdir()
    result.to_csv(path)
    buffer = io.StringIO()
    result.to_csv(buffer)
    assert path.read_text(encoding="utf-8") == buffer.getvalue()
    read = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert read[0] == {"key": "a", "title": ROWS[0]["title"], "authors": "Ada; Bo"}
    assert list(tmp_path.joinpath("sub").iterdir()) == [path]  # no temporary left behind


def test_helpers_return_query_results() -> None:
    q = Queries(EmbeddedBackend(KnowledgeGraph()))
    result = q.papers_per_year()
    assert isinstance(result, QueryResult) and result.name == "papers_per_year"
    assert result.columns == ["year", "papers"]
    assert repr(result) == "papers_per_year: 0 rows"
