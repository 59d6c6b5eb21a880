"""The ``citegraph`` command: a thin layer over the Python API, one command per function.

Expected failures (:class:`CitegraphError`) print one line and exit with status 1; usage
errors exit with status 2 as usual.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from citegraph.errors import CitegraphError
from citegraph.queries.cli_commands import query_command
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from collections.abc import Iterator

    from citegraph.graph.identity import MergeReport
    from citegraph.graph.model import KnowledgeGraph
    from citegraph.loaders.problems import LoadReport

app = typer.Typer(
    name="citegraph",
    help="Turn paper listings into a citation and relationship knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)
out = Console()

#: How many problems the build summary lists before counting the rest.
PROBLEMS_SHOWN = 8


class RichProgress:
    """Progress bars on stderr, one per build stage."""

    def __init__(self, console: Console, enabled: bool = True) -> None:
        self.console = console
        self.enabled = enabled

    @contextmanager
    def stage(self, name: str, total: int | None = None) -> Iterator[_RichStage]:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        columns = [SpinnerColumn(), TextColumn("{task.description:<22}"), BarColumn(),
                   MofNCompleteColumn(), TimeElapsedColumn()]
        with Progress(*columns, console=self.console, transient=False,
                      disable=not self.enabled) as bar:
            task = bar.add_task(name, total=total)
            yield _RichStage(bar, task)
            if total is None:
                bar.update(task, total=bar.tasks[0].completed)


class _RichStage:
    def __init__(self, bar, task) -> None:
        self.bar, self.task = bar, task

    def advance(self, n: int = 1) -> None:
        self.bar.advance(self.task, n)


def _print_issues(issues: list, tag: str, more: str) -> None:
    """The first PROBLEMS_SHOWN issues with their file and record, then a count."""
    for issue in issues[:PROBLEMS_SHOWN]:
        where = f"{issue.path}:{issue.location}" if issue.location else issue.path
        console.print(f"{tag} {escape(where)}: {escape(issue.message)}", highlight=False,
                      soft_wrap=True)
    if len(issues) > PROBLEMS_SHOWN:
        console.print(f"… and {len(issues) - PROBLEMS_SHOWN} more {more}")


def print_problems(report: LoadReport) -> None:
    """Every skipped file and record, briefly; warnings counted."""
    _print_issues(report.errors, "[yellow]skipped[/]", "skipped")
    _print_issues(report.warnings, "[dim]warning[/]", "warnings")
    not_kept = sum(report.issues_not_kept.values())
    if not_kept:
        console.print(f"… and {not_kept} more problems in files with too many to list")


def print_stats(kg: KnowledgeGraph, title: str) -> None:
    """Counts per node label and relationship type, side by side in one small table."""
    from itertools import zip_longest

    from rich.table import Table

    stats = kg.stats()
    out.print(title, highlight=False)
    table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2))
    for name, justify in (("nodes", "left"), ("", "right"), ("relationships", "left"),
                          (" ", "right")):
        table.add_column(name, justify=justify)
    rows = zip_longest(stats["nodes"].items(), stats["edges"].items(), fillvalue=("", ""))
    for (label, n), (rel, m) in rows:
        table.add_row(label, str(n), rel, str(m))
    out.print(table)


#: The merge report written beside a built graph: one JSON object per merged record.
MERGES_FILE = "merges.jsonl"


def print_merges(merges: MergeReport, report: LoadReport) -> None:
    """The merge summary, and per file: records read = papers created + merged + skipped."""
    out.print(merges.summary(), highlight=False, soft_wrap=True)
    rows = merges.file_counts(report)
    if len(rows) > 1:
        for row in rows[:PROBLEMS_SHOWN]:
            out.print(f"  {escape(row['file'])}: {row['read']} read = {row['created']} created"
                      f" + {row['merged']} merged + {row['skipped']} skipped", highlight=False,
                      soft_wrap=True)
        if len(rows) > PROBLEMS_SHOWN:
            out.print(f"  … and {len(rows) - PROBLEMS_SHOWN} more files")


@app.command()
def build(
    paths: Annotated[list[Path], typer.Argument(help="Files, directories or glob patterns.")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Graph directory to write.")],
    fmt: Annotated[str | None, typer.Option("--format", help="Force one input format.")] = None,
    append: Annotated[bool, typer.Option(help="Extend the graph already in --out.")] = False,
    entities: Annotated[bool, typer.Option(help="Extract methods, models, benchmarks.")] = True,
    similarity: Annotated[bool, typer.Option(help="Embedding similarity edges.")] = True,
    co_mention: Annotated[bool, typer.Option(help="Entity co-mention edges.")] = True,
    citations: Annotated[bool, typer.Option(help="Inferred citation edges.")] = True,
    model: Annotated[str | None, typer.Option(help="sentence-transformers model or path.")] = None,
    device: Annotated[str | None, typer.Option(help="Torch device, e.g. cuda or cpu.")] = None,
    top_k: Annotated[int, typer.Option(
        "--similarity-top-k", min=1, help="Similar papers kept per paper.")] = 10,
    threshold: Annotated[float, typer.Option(
        "--similarity-threshold", min=-1.0, max=1.0, help="Least cosine similarity.")] = 0.5,
    min_co_mentions: Annotated[int, typer.Option(
        min=1, help="Papers two entities must share for a co-mention edge.")] = 2,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
    gazetteer: Annotated[list[Path] | None, typer.Option(
        help="Extra gazetteer file of entity names (repeatable); see CITEGRAPH_GAZETTEER.",
    )] = None,
    entity_embeddings: Annotated[bool, typer.Option(
        help="Use the embedding model to type unknown entity names and merge near-duplicates.",
    )] = False,
    neo4j: Annotated[str | None, typer.Option(
        help="Also write the graph to this Neo4j URI (batched, idempotent; password from "
        "NEO4J_PASSWORD).")] = None,
    neo4j_import: Annotated[bool, typer.Option(
        help="Bulk-load into the local server's database with neo4j-admin import; "
        "REPLACES that database.")] = False,
    database: Annotated[str | None, typer.Option(help="Neo4j database (NEO4J_DATABASE).")] = None,
    fuzzy_identity: Annotated[bool, typer.Option(
        help="Match records by title, authors and year, not only by identifiers and equal "
        "titles.")] = True,
) -> None:
    """Read paper listings and build the knowledge graph into --out."""
    import citegraph
    from citegraph.graph.pipeline import BuildOptions
    from citegraph.loaders import LoadReport

    report = LoadReport()
    options = BuildOptions(entities=entities, similarity=similarity, co_mention=co_mention,
                           citations=citations, model=model, device=device,
                           similarity_top_k=top_k, similarity_threshold=threshold,
                           min_co_mentions=min_co_mentions,
                           gazetteer=[str(p) for p in gazetteer or []],
                           entity_embeddings=entity_embeddings,
                           fuzzy_identity=fuzzy_identity)
    base = citegraph.load(out_dir) if append and (out_dir / "manifest.json").exists() else None
    if base is None and out_dir.is_dir():
        from citegraph.graph.vectors import PaperVectors

        options.vector_cache = PaperVectors.load(out_dir)  # a rebuild embeds only changes
    kg = citegraph.build([str(p) for p in paths], format=fmt, options=options, base=base,
                         report=report, progress=RichProgress(console, enabled=not quiet))
    kg.save(out_dir)
    if kg.merge_report is not None:  # beside the graph, for whoever audits the merge
        kg.merge_report.write_jsonl(out_dir / MERGES_FILE)
    if neo4j is not None:
        from citegraph.graph.stores.neo4j_store import write_graph

        done = write_graph(kg, neo4j, None, database, progress=RichProgress(
            console, enabled=not quiet))
        console.print(f"Neo4j: {_neo4j_summary(done)}", highlight=False)
    if neo4j_import:
        from citegraph.graph.stores.neo4j_import import bulk_import

        bulk_import(kg, database=database or "neo4j", manage_server=True)
        console.print("Neo4j: database replaced by bulk import", highlight=False)
    print_problems(report)
    files = len(report.records_read)
    print_stats(kg, f"{report.total_read} records from {files} file(s) → {out_dir}")
    if kg.merge_report is not None:
        print_merges(kg.merge_report, report)
    if report.total_skipped or report.files_skipped:
        console.print(f"{report.total_skipped} record(s) and {len(report.files_skipped)} "
                      "file(s) skipped; see above.")


@app.command()
def extract(
    in_file: Annotated[Path, typer.Argument(help="JSON Lines with title and abstract.")],
    out_file: Annotated[Path, typer.Option("--out", "-o", help="JSON Lines to write.")],
    gazetteer: Annotated[list[Path] | None, typer.Option(
        help="Extra gazetteer file of entity names (repeatable); see CITEGRAPH_GAZETTEER.",
    )] = None,
    corpus: Annotated[bool, typer.Option(
        help="First learn the names the whole file introduces.")] = True,
) -> None:
    """Extract methods, models and benchmarks from each line's title and abstract."""
    from citegraph.graph.extract.jsonl import extract_jsonl

    result = extract_jsonl(in_file, out_file, gazetteer=[str(p) for p in gazetteer or []],
                           corpus=corpus)
    for lineno, message in result.problems[:PROBLEMS_SHOWN]:
        console.print(f"[yellow]skipped[/] {escape(str(in_file))}:{lineno}: {escape(message)}",
                      highlight=False, soft_wrap=True)
    if len(result.problems) > PROBLEMS_SHOWN:
        console.print(f"… and {len(result.problems) - PROBLEMS_SHOWN} more skipped")
    console.print(f"{result.papers} paper(s), {result.entities} entities → {out_file}",
                  highlight=False)


def _neo4j_summary(done: dict[str, int]) -> str:
    """What a write to Neo4j did, in the words of the result of ``write_graph``."""
    text = (f"wrote {done['nodes']:,} nodes ({done['nodes_created']:,} new) and "
            f"{done['relationships']:,} relationships ({done['relationships_created']:,} new)")
    return text + (f", with {done['vectors']:,} paper vectors" if done["vectors"] else "")


app.command("query")(query_command)


@app.command()
def stats(directory: Annotated[Path, typer.Argument(help="A graph directory.")]) -> None:
    """Counts of nodes and relationships in a saved graph."""
    import citegraph

    print_stats(citegraph.load(directory), str(directory))


@app.command()
def view(
    directory: Annotated[Path, typer.Argument(help="A graph directory.")],
    output: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")],
    focus: Annotated[str | None, typer.Option(
        help="Paper title, entity name or alias (case-insensitive), or a node id.")] = None,
    depth: Annotated[int, typer.Option(min=0, help="Hops around --focus.")] = 1,
    max_nodes: Annotated[int | None, typer.Option(
        min=1, help="Most nodes shown (overview: 400, else 5,000); most central kept.",
    )] = None,
) -> None:
    """Write an interactive, offline HTML view: the overview or a --focus neighbourhood."""
    import citegraph

    page = citegraph.load(directory).view(focus=focus, depth=depth, max_nodes=max_nodes)
    page.save(output)
    if page.note:
        console.print(escape(page.note), highlight=False)
    console.print(f"{page.counts['nodes']:,} nodes, {page.counts['edges']:,} edges → "
                  f"{escape(str(output))}", highlight=False)


@app.command()
def export(
    directory: Annotated[Path, typer.Argument(help="A graph directory.")],
    out_path: Annotated[Path, typer.Option("--out", "-o", help="File to write (a directory "
                                            "for csv).")],
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f", help="ttl, nt, jsonld, graphml, gexf or csv (default: by suffix).",
    )] = None,
    base: Annotated[str | None, typer.Option(help="IRI prefix of nodes and edges in RDF.")]
    = None,
) -> None:
    """Write a saved graph as RDF (Turtle, N-Triples, JSON-LD), GraphML, GEXF or Neo4j CSV."""
    import citegraph

    kg = citegraph.load(directory)
    written = kg.export(out_path, fmt, base=base)
    console.print(f"{kg.g.number_of_nodes()} nodes, {kg.g.number_of_edges()} edges → "
                  f"{escape(str(written))}", highlight=False)


def main() -> None:
    """Entry point: run the app, turning expected errors into one line."""
    try:
        app()
    except CitegraphError as exc:
        console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        sys.exit(1)
