"""``citegraph query HELPER ARGS...``: every registered helper from the command line.

The command is generic over :data:`~citegraph.queries.HELPERS`: arguments are given in
parameter order or as ``name=value``, converted by parameter kind, and the rows printed as
a table, JSON or CSV. ``--graph DIR`` queries a saved graph in memory; otherwise (or with
``--neo4j URI``) the Neo4j database from the NEO4J_* environment. ``cypher`` runs raw
read-only Cypher on Neo4j with ``name=value`` parameters (see
:mod:`~citegraph.queries.cypher_guard` for what is refused). ``--timeout`` bounds every
Neo4j query; Ctrl-C stops the query on the server and exits with status 130.

Register with ``app.command("query")(query_command)``.
"""

from __future__ import annotations

import csv
import io
import json
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from citegraph.errors import BadArgument, CitegraphError, QueryError
from citegraph.queries.registry import HELPERS, Helper, Row

if TYPE_CHECKING:
    from citegraph.graph.model import KnowledgeGraph

FORMATS = ("table", "json", "csv")


def parse_arguments(helper: Helper, raw: list[str]) -> dict[str, Any]:
    """Positional and ``name=value`` command-line words as helper arguments."""
    by_name = {p.name: p for p in helper.params}
    given: dict[str, str] = {}
    positional: list[str] = []
    for word in raw:
        name, sep, text = word.partition("=")
        if sep and name in by_name:
            given[name] = text
        else:
            positional.append(word)
    free = [p.name for p in helper.params if p.name not in given]
    if len(positional) > len(free):
        raise QueryError(f"{helper.name}: too many arguments (usage: {usage(helper)})")
    given.update(zip(free, positional, strict=False))
    values: dict[str, Any] = {}
    for name, text in given.items():
        values[name] = by_name[name].convert(text)
    missing = [p.name for p in helper.params if p.required and p.name not in values]
    if missing:
        raise QueryError(f"{helper.name}: missing {', '.join(missing)} "
                         f"(usage: {usage(helper)})")
    return values


def helper_arguments(helper: Helper, raw: list[str], ambiguous: str | None) -> dict[str, Any]:
    """:func:`parse_arguments` plus the ``--ambiguous`` option, refused for a helper that
    takes no name to resolve."""
    values = parse_arguments(helper, raw)
    if ambiguous is None:
        return values
    param = next((p for p in helper.params if p.name == "ambiguous"), None)
    if param is None:
        raise BadArgument(f"{helper.name} takes no name to resolve: --ambiguous does not apply")
    if values.get("ambiguous", ambiguous) != ambiguous:
        raise BadArgument(f"{helper.name}: ambiguous= and --ambiguous disagree")
    values["ambiguous"] = param.convert(ambiguous)
    return values


def parse_cypher_parameters(raw: list[str]) -> dict[str, Any]:
    """``name=value`` words; values are read as JSON when they parse, else as text."""
    params: dict[str, Any] = {}
    for word in raw:
        name, sep, text = word.partition("=")
        if not sep or not name:
            raise QueryError(f"cypher parameters are name=value, not {word!r}")
        try:
            params[name] = json.loads(text)
        except ValueError:
            params[name] = text
    return params


def usage(helper: Helper) -> str:
    words = [p.name.upper() if p.required else f"[{p.name}=…]" for p in helper.params]
    return " ".join([helper.name, *words])


def helper_list() -> str:
    """One line per helper: usage and what it answers."""
    lines = [f"{usage(h):<48} {h.doc}" for _, h in sorted(HELPERS.items())]
    lines.append(f"{'cypher QUERY [name=value…]':<48} Read-only Cypher (Neo4j only; writes, "
                 "administration and LOAD CSV are refused).")
    return "\n".join(lines)


def format_rows(rows: list[Row], columns: tuple[str, ...] | list[str], fmt: str) -> str:
    """Rows as ``table`` (aligned text), ``json`` (a list) or ``csv`` (with header)."""
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2, default=str)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        return buffer.getvalue().rstrip("\n")
    if not rows:
        return "(no rows)"
    return _table([[_text(row.get(c)) for c in columns] for row in rows], list(columns))


#: The widest a table column grows before its cells wrap onto more lines.
TABLE_WIDTH = 60


def _table(cells: list[list[str]], columns: list[str]) -> str:
    """Aligned text columns; a long cell wraps at spaces onto more lines instead of being
    cut, and a word longer than the column (a key, a URL) is never split, so every value
    can be copied whole."""
    widths = [min(max(len(c), *(len(r[i]) for r in cells)), TABLE_WIDTH)
              for i, c in enumerate(columns)]
    wrapped = [[textwrap.wrap(v, w, break_long_words=False, break_on_hyphens=False) or [""]
                for v, w in zip(r, widths, strict=True)] for r in cells]
    widths = [max(w, *(len(line) for r in wrapped for line in r[i]))
              for i, w in enumerate(widths)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for r in wrapped:
        for k in range(max(len(parts) for parts in r)):
            lines.append("  ".join((parts[k] if k < len(parts) else "").ljust(w)
                                   for parts, w in zip(r, widths, strict=True)))
    return "\n".join(line.rstrip() for line in lines)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return " ".join(str(value).split())


def run_query(
    name: str,
    raw: list[str],
    graph: Path | KnowledgeGraph | None = None,
    neo4j: str | None = None,
    database: str | None = None,
    timeout: float | None = None,
    ambiguous: str | None = None,
) -> tuple[list[Row], tuple[str, ...] | list[str]]:
    """Run helper ``name`` (or ``cypher``) with command-line words; rows and their columns.

    ``graph`` is a saved graph directory or a graph already in memory; ``timeout`` is
    the Neo4j query timeout in seconds (default CITEGRAPH_QUERY_TIMEOUT, else 30);
    ``ambiguous`` is the helper's ``ambiguous`` argument (``--ambiguous``).
    """
    from citegraph.queries import EmbeddedBackend, Neo4jBackend, Queries

    if name != "cypher" and name not in HELPERS:
        raise QueryError(f"no query helper {name!r}; `citegraph query --list` shows them")
    if isinstance(graph, Path) and neo4j is None:
        from citegraph.graph.model import KnowledgeGraph

        graph = KnowledgeGraph.load(graph)
    if name == "cypher" and not raw:
        raise QueryError("cypher needs a query")
    values = {} if name == "cypher" else helper_arguments(HELPERS[name], raw, ambiguous)
    if graph is not None and neo4j is None:
        backend: Any = EmbeddedBackend(graph)
    else:
        if name == "cypher":  # refused before even connecting
            from citegraph.graph.stores.neo4j_conn import settings
            from citegraph.queries.cypher_guard import check_read_only

            check_read_only(raw[0], settings(neo4j, None, database).database)
        backend = _connect(neo4j, database, timeout, hint=graph is None and neo4j is None)
    try:
        queries = Queries(backend)
        if name == "cypher":
            rows = queries.cypher(raw[0], **parse_cypher_parameters(raw[1:]))
            columns: tuple[str, ...] | list[str] = list(rows[0]) if rows else []
            return rows, columns
        return queries.run(name, **values), HELPERS[name].columns
    finally:
        if isinstance(backend, Neo4jBackend):
            backend.close()


def _connect(neo4j: str | None, database: str | None, timeout: float | None,
             hint: bool) -> Any:
    """A Neo4j backend; with ``hint`` (no --graph, no --neo4j) an unreachable server is
    reported as the missing choice it is, in one line."""
    from citegraph.errors import Neo4jUnavailable
    from citegraph.graph.stores.neo4j_conn import settings
    from citegraph.queries import Neo4jBackend

    try:
        return Neo4jBackend.connect(neo4j, None, database, timeout)
    except Neo4jUnavailable as exc:
        if not hint:
            raise
        shown = settings(neo4j, None, database).shown_uri
        reason = str(exc).split(": ", 1)[-1]
        raise Neo4jUnavailable(f"no graph given (--graph DIR) and no Neo4j server at "
                               f"{shown}: {reason}") from None


def query_command(
    helper: Annotated[str | None, typer.Argument(help="Helper name; --list shows them.")] = None,
    args: Annotated[list[str] | None, typer.Argument(
        help="Helper arguments, in order or as name=value.")] = None,
    graph: Annotated[Path | None, typer.Option(
        "--graph", "-g", help="Query a saved graph directory in memory.")] = None,
    neo4j: Annotated[str | None, typer.Option(
        "--neo4j", help="Query this Neo4j URI (default NEO4J_URI); password from "
        "NEO4J_PASSWORD.")] = None,
    database: Annotated[str | None, typer.Option(help="Neo4j database.")] = None,
    timeout: Annotated[float | None, typer.Option(
        help="Seconds a Neo4j query may run (default CITEGRAPH_QUERY_TIMEOUT, else 30).",
        show_default=False)] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")] = "table",
    list_helpers: Annotated[bool, typer.Option("--list", help="List the helpers.")] = False,
    html: Annotated[Path | None, typer.Option(
        "--html", help="Also write an interactive page of the result's nodes.")] = None,
    ambiguous: Annotated[str | None, typer.Option(
        "--ambiguous", help="A name that fits several nodes: 'error' (the default) lists "
        "them and stops; 'all' answers for every one.", show_default=False)] = None,
) -> None:
    """Run a named query helper (or raw Cypher) on a saved graph or on Neo4j."""
    if list_helpers or helper is None:
        typer.echo(helper_list())
        return
    if fmt not in FORMATS:
        raise QueryError(f"--format must be one of {', '.join(FORMATS)}")
    loaded: Any = graph
    if graph is not None and neo4j is None:
        from citegraph.graph.model import KnowledgeGraph

        loaded = KnowledgeGraph.load(graph)  # once, for the query and the page
    try:
        rows, columns = run_query(helper, list(args or []), loaded, neo4j, database, timeout,
                                  ambiguous)
    except KeyboardInterrupt:  # the query was already terminated on the server
        typer.echo("cancelled: the query was stopped", err=True)
        raise typer.Exit(130) from None
    typer.echo(format_rows(rows, columns, fmt))
    undated = sum(r["papers"] for r in rows if helper == "timeline" and r.get("month") is None)
    if undated and html is None:  # else the page's note says it
        typer.echo(f"note: {undated} paper(s) left out of the months for lack of a date "
                   "(the row without a month)", err=True)
    if html is not None:
        focus = None if ambiguous == "all" else query_paper(helper, list(args or []))
        write_result_page(rows, html, f"{helper} {' '.join(args or [])}".strip(), loaded, neo4j,
                          database, focus=focus, chart=helper == "timeline")


def query_paper(helper: str, raw: list[str]) -> str | None:
    """The paper a helper was asked about (``similar_papers``, ``related``, …), if any: the
    result page shows it among its answers, highlighted."""
    found = HELPERS.get(helper)
    if found is None or not any(p.name == "paper" for p in found.params):
        return None
    values = parse_arguments(found, raw)
    paper = values.get("paper")
    return str(paper) if paper and values.get("ambiguous") != "all" else None


def write_result_page(
    rows: list[Row], path: Path, title: str, graph: Any, neo4j: str | None,
    database: str | None, focus: str | None = None, chart: bool = False,
) -> None:
    """The nodes a query returned, with the edges between them, as an offline page;
    ``focus`` (the paper asked about) is added and highlighted. ``chart``: the rows are
    a timeline, drawn as papers per month. What the page leaves out is printed as a note.

    ``graph`` is the graph queried in memory; without it the graph is read from Neo4j.
    """
    if chart:
        from citegraph.viz.bursts import timeline_page

        page = timeline_page(rows, title)
    else:
        if graph is not None and neo4j is None:
            kg = graph
        else:
            from citegraph.graph.stores.neo4j_store import read_graph

            kg = read_graph(neo4j, None, database)
        page = kg.view(nodes=rows, focus=focus, title=title)
    page.save(path)
    if page.left_out:
        typer.echo(f"note: {' '.join(page.left_out)}", err=True)
    typer.echo(f"page: {path}", err=True)


__all__ = ["CitegraphError", "format_rows", "helper_list", "parse_arguments", "query_command",
           "run_query"]
