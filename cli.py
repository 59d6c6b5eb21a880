"""The ``citegraph`` command: a thin layer over the Python API, one command per function.

Expected failures (:class:`CitegraphError`) print one line and exit with status 1; usage
errors exit with status 2 as usual.
"""

from __future__ import annotations

import re
import signal
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape

from citegraph import __version__
from citegraph.errors import CitegraphError, FileSystemError
from citegraph.graph.options import BuildOptions, engine_session
from citegraph.queries.cli_commands import query_command

if TYPE_CHECKING:
    from collections.abc import Iterator

    from citegraph.graph.identity import MergeReport
    from citegraph.graph.model import KnowledgeGraph
    from citegraph.graph.stores.neo4j_csv import ImportFiles
    from citegraph.loaders.problems import LoadReport

app = typer.Typer(
    name="citegraph",
    help="Turn paper listings into a citation and relationship knowledge graph.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
#: The build defaults, read from :class:`BuildOptions` so the CLI and the API agree.
DEFAULTS = BuildOptions()


def _version(value: bool) -> None:
    if value:
        typer.echo(f"citegraph {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="Show the version and exit.")]
    = False,
) -> None:
    """Turn paper listings into a citation and relationship knowledge graph."""
console = Console(stderr=True)
out = Console()

#: How many problems the build summary lists before counting the rest.
PROBLEMS_SHOWN = 8

# --- text from files, made safe to print ---------------------------------------------------
#: C0 and C1 controls (escape sequences, carriage returns, newlines) and the bidirectional
#: overrides that can reorder what a terminal shows.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def term(text: object) -> str:
    """User text (file names, record keys, messages) ready to echo: every control
    character shown as an escape (``\\x1b``), so a name cannot drive the terminal or
    break a one-line message, and rich markup escaped."""
    def shown(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return escape(_CONTROL.sub(shown, str(text)))


def print_error(message: object) -> None:
    """The one line an expected failure prints."""
    console.print(f"[bold red]error:[/] {term(message)}", highlight=False, soft_wrap=True)


def print_warning(message: object) -> None:
    """One warning line (the build goes on)."""
    console.print(f"[dim]warning[/] {term(message)}", highlight=False, soft_wrap=True)


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
        console.print(f"{tag} {term(where)}: {term(issue.message)}", highlight=False,
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


def print_file_totals(report: LoadReport) -> None:
    """One line per input file: its format and records seen, read and skipped, warnings."""
    for name in report.files():
        t = report.totals(name)
        if t["file_skipped"]:
            counts = "file skipped"
        else:
            counts = (f"{t['format']}: {t['seen']} seen, {t['read']} read, {t['skipped']} "
                      f"skipped, {t['warnings']} warnings")
        out.print(f"  {term(name)}  {counts}", highlight=False, soft_wrap=True)


def print_stats(kg: KnowledgeGraph, title: str) -> None:
    """Counts per node label and relationship type, side by side in one small table."""
    from itertools import zip_longest

    from rich.table import Table

    stats = kg.stats()
    out.print(term(title), highlight=False)
    table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2))
    for name, justify in (("nodes", "left"), ("", "right"), ("relationships", "left"),
                          (" ", "right")):
        table.add_column(name, justify=justify)
    rows = zip_longest(stats["nodes"].items(), stats["edges"].items(), fillvalue=("", ""))
    for (label, n), (rel, m) in rows:
        table.add_row(label, str(n), rel, str(m))
    out.print(table)


_MODEL_OPTION = typer.Option(
    help="Entity decision model from train-extractor (default: the shipped one).")


#: The merge report written beside a built graph: one JSON object per merged record.
MERGES_FILE = "merges.jsonl"


def print_merges(merges: MergeReport, report: LoadReport) -> None:
    """The merge summary, and per file: records read = papers created + merged + skipped."""
    out.print(merges.summary(), highlight=False, soft_wrap=True)
    rows = merges.file_counts(report)
    if len(rows) > 1:
        for row in rows[:PROBLEMS_SHOWN]:
            out.print(f"  {term(row['file'])}: {row['read']} read = {row['created']} created"
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
    keywords: Annotated[bool, typer.Option(help="Keyword nodes and their co-occurrence.")]
    = True,
    co_citation: Annotated[bool, typer.Option(help="Co-citation edges.")] = True,
    coupling: Annotated[bool, typer.Option(help="Bibliographic coupling edges.")] = True,
    co_authorship: Annotated[bool, typer.Option(help="Co-authorship edges.")] = True,
    model: Annotated[str | None, typer.Option(help="sentence-transformers model or path.")] = None,
    device: Annotated[str | None, typer.Option(help="Torch device, e.g. cuda or cpu.")] = None,
    top_k: Annotated[int, typer.Option(
        "--similarity-top-k", min=1, help="Similar papers kept per paper.")]
    = DEFAULTS.similarity_top_k,
    threshold: Annotated[float, typer.Option(
        "--similarity-threshold", min=-1.0, max=1.0, help="Least cosine similarity.")]
    = DEFAULTS.similarity_threshold,
    min_co_mentions: Annotated[int, typer.Option(
        min=1, help="Papers two entities must share for a co-mention edge.")]
    = DEFAULTS.min_co_mentions,
    min_co_citations: Annotated[int, typer.Option(
        min=1, help="Papers citing both works, for a co-citation edge.")]
    = DEFAULTS.min_co_citations,
    min_coupling: Annotated[int, typer.Option(
        min=1, help="Shared references, for a bibliographic coupling edge.")]
    = DEFAULTS.min_coupling,
    min_co_authorships: Annotated[int, typer.Option(
        min=1, help="Joint papers, for a co-authorship edge.")]
    = DEFAULTS.min_co_authorships,
    min_co_occurrences: Annotated[int, typer.Option(
        min=1, help="Papers sharing both keywords, for a co-occurrence edge.")]
    = DEFAULTS.min_co_occurrences,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bars.")] = False,
    gazetteer: Annotated[list[Path] | None, typer.Option(
        help="Extra gazetteer file of entity names (repeatable); see CITEGRAPH_GAZETTEER.",
    )] = None,
    entity_embeddings: Annotated[bool, typer.Option(
        help="Use the embedding model to type unknown entity names and merge near-duplicates.",
    )] = False,
    extractor_model: Annotated[Path | None, _MODEL_OPTION] = None,
    neo4j: Annotated[str | None, typer.Option(
        help="Also write the graph to this Neo4j URI (batched, idempotent; password from "
        "NEO4J_PASSWORD).")] = None,
    neo4j_import: Annotated[bool, typer.Option(
        help="Bulk-load into the local server's database with neo4j-admin import; "
        "REPLACES that database. With --engine ray the import files are written by Ray "
        "tasks in parallel.")] = False,
    import_dir: Annotated[Path | None, typer.Option(
        help="Also write the neo4j-admin import files (a header and parts per label and "
        "relationship type) into this directory; with --engine ray written by Ray tasks in "
        "parallel. With --neo4j-import, these files are the ones imported.")] = None,
    database: Annotated[str | None, typer.Option(help="Neo4j database (NEO4J_DATABASE).")] = None,
    force: Annotated[bool, typer.Option(
        help="Write into a non-empty --out that is not a citegraph graph (its other files "
        "are left alone).")] = False,
    fuzzy_identity: Annotated[bool, typer.Option(
        help="Match records by title, authors and year, not only by identifiers and equal "
        "titles.")] = True,
    engine: Annotated[str, typer.Option(
        help="Where reading, extraction and embedding run: local (this process) or ray "
        "(pip install 'citegraph[ray]').")] = DEFAULTS.engine,
    address: Annotated[str | None, typer.Option(
        help="With --engine ray: the Ray cluster to join (auto, ray://HOST:10001); "
        "default: a local instance on this machine's cores.")] = None,
    workers: Annotated[int | None, typer.Option(
        min=1, help="Processes for the local engine's entity extraction (1: the build's own "
        "process); default: this machine's usable cores. The graph does not depend on it.",
    )] = DEFAULTS.workers,
) -> None:
    """Read paper listings and build the knowledge graph into --out."""
    with interrupts_reported(out_dir):
        import citegraph
        from citegraph.graph.stores import graph_dir
        from citegraph.graph.stores.files import save_graph
        from citegraph.loaders import LoadReport
        from citegraph.loaders.problems import REPORT_FILE

        graph_dir.check_output(out_dir, force)
        check_gazetteers(gazetteer)
        report = LoadReport()
        options = BuildOptions(entities=entities, similarity=similarity, co_mention=co_mention,
                               citations=citations, model=model, device=device,
                               similarity_top_k=top_k, similarity_threshold=threshold,
                               min_co_mentions=min_co_mentions, keywords=keywords,
                               co_citation=co_citation, coupling=coupling,
                               co_authorship=co_authorship,
                               min_co_citations=min_co_citations, min_coupling=min_coupling,
                               min_co_authorships=min_co_authorships,
                               min_co_occurrences=min_co_occurrences,
                               gazetteer=[str(p) for p in gazetteer or []],
                               entity_embeddings=entity_embeddings,
                               extractor_model=str(extractor_model) if extractor_model
                               else None, fuzzy_identity=fuzzy_identity,
                               engine=engine, ray_address=address, workers=workers)
        # one Ray instance (with --engine ray) for the build and the import files after it
        with graph_dir.writer_lock(out_dir), engine_session(options):
            # --append extends the graph in --out; a rebuild reuses its embeddings and
            # entity results for papers whose text did not change
            kg = citegraph.build([str(p) for p in paths], format=fmt, options=options,
                                 base=out_dir if append else None,
                                 reuse=None if append else out_dir, report=report,
                                 progress=RichProgress(console, enabled=not quiet))
            save_graph(kg, out_dir, force=force, on_warning=print_warning)
            report_path = out_dir / REPORT_FILE
            report.write_jsonl(report_path)
            if kg.merge_report is not None:  # beside the graph, for whoever audits the merge
                kg.merge_report.write_jsonl(out_dir / MERGES_FILE)
            # the import files once the graph is saved, so a failure there costs no build
            written = _import_files(kg, import_dir, options)
            _after_save(kg, neo4j, neo4j_import, database, quiet, options, written)
        print_problems(report)
        print_file_totals(report)
        files = len(report.records_read)
        print_stats(kg, f"{report.total_read} records from {files} file(s) → {out_dir}")
        if kg.merge_report is not None:
            print_merges(kg.merge_report, report)
        if report.has_problems:
            console.print(f"{report.summary()}; every problem is listed in "
                          f"{term(report_path)}", highlight=False, soft_wrap=True)


def _import_files(kg: KnowledgeGraph, directory: Path | None,
                  options: BuildOptions) -> ImportFiles | None:
    """``build --import-dir``: the neo4j-admin import files, on Ray with ``--engine ray``."""
    if directory is None:
        return None
    from citegraph.graph.stores.neo4j_import import write_import_csv

    files = write_import_csv(kg, directory, options)
    console.print(f"Neo4j import files: {len(files.all_files())} files → {term(directory)}",
                  highlight=False, soft_wrap=True)
    return files


def _after_save(kg: KnowledgeGraph, neo4j: str | None, neo4j_import: bool,
                database: str | None, quiet: bool, options: BuildOptions,
                files: ImportFiles | None) -> None:
    """The optional Neo4j writes of a build, once the graph is saved."""
    if neo4j is not None:
        from citegraph.graph.stores.neo4j_store import write_graph

        done = write_graph(kg, neo4j, None, database, progress=RichProgress(
            console, enabled=not quiet))
        console.print(f"Neo4j: {_neo4j_summary(done)}", highlight=False)
    if neo4j_import:
        kg.to_neo4j_import(database, manage_server=True, options=options, files=files)
        console.print("Neo4j: database replaced by bulk import", highlight=False)


# --- safe builds: interrupts, gazetteer files ------------------------------------
class Interrupted(KeyboardInterrupt):
    """Ctrl-C or SIGTERM, raised by the command line's own handlers.

    A KeyboardInterrupt, so code that must clean up on Ctrl-C (a running Neo4j query is
    terminated on the server) does so for SIGTERM too; it carries the exit status and
    reaches :func:`interrupts_reported` or :func:`main`, which say what was kept.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.status = 128 + signum  # 130 for SIGINT, 143 for SIGTERM


def _raise_interrupted(signum: int, frame: object) -> None:
    raise Interrupted(signum)


@contextmanager
def _interrupt_handlers() -> Iterator[None]:
    """SIGINT (unless ignored, as under nohup) and SIGTERM raise :class:`Interrupted`
    while the command runs; the previous handlers are back afterwards (``main`` may be
    called in-process)."""
    previous = {n: signal.getsignal(n) for n in (signal.SIGINT, signal.SIGTERM)}
    for signum, handler in previous.items():
        if handler is not signal.SIG_IGN:
            signal.signal(signum, _raise_interrupted)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _manifest_fingerprint(directory: Path) -> bytes | None:
    """The current manifest's bytes (they change whenever a new graph is committed)."""
    from citegraph.graph.stores.graph_dir import read_current_manifest

    try:
        return read_current_manifest(directory)[1]
    except (OSError, CitegraphError):
        return None


#: ``(graph directory, its manifest before)`` of the build this process runs, if any.
_building: list[tuple[Path, bytes | None]] = []


def _kept(out_dir: Path, before: bytes | None) -> str:
    """What ``out_dir`` holds after an interrupt, compared with before the build."""
    after = _manifest_fingerprint(out_dir)
    if after is not None and after != before:
        kept = f"the new graph was saved in {out_dir}"
    elif before is not None:
        kept = f"the graph in {out_dir} is unchanged"
    else:
        kept = f"nothing was saved in {out_dir}"
    return f"interrupted; {term(kept)}"


@contextmanager
def interrupts_reported(out_dir: Path) -> Iterator[None]:
    """Ctrl-C (exit 130) or SIGTERM (exit 143) during a build: one line saying what the
    graph directory holds now. A save is committed whole or not at all, so it is either
    the graph it held before or the new one."""
    before = _manifest_fingerprint(out_dir)
    _building.append((out_dir, before))
    try:
        yield
    except KeyboardInterrupt as exc:  # Interrupted too
        console.print(_kept(out_dir, before), highlight=False, soft_wrap=True)
        raise typer.Exit(getattr(exc, "status", 130)) from None


def check_gazetteers(extra: list[Path] | None) -> None:
    """Every user gazetteer file (``--gazetteer`` and ``CITEGRAPH_GAZETTEER``) must be UTF-8
    text; anything else stops the build before it starts, in one line naming the file."""
    from citegraph.graph.extract.gazetteer import user_files

    for path in user_files(extra or []):
        try:
            path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CitegraphError(f"{path}: not a text gazetteer (byte 0x{exc.object[exc.start]:02x}"
                                 f" at offset {exc.start} is not UTF-8)") from None
        except OSError as exc:
            raise FileSystemError.from_os_error(exc, path, "cannot read gazetteer") from None


@app.command()
def extract(
    in_file: Annotated[Path, typer.Argument(help="JSON Lines with title and abstract.")],
    out_file: Annotated[Path, typer.Option("--out", "-o", help="JSON Lines to write.")],
    gazetteer: Annotated[list[Path] | None, typer.Option(
        help="Extra gazetteer file of entity names (repeatable); see CITEGRAPH_GAZETTEER.",
    )] = None,
    corpus: Annotated[bool, typer.Option(
        help="First learn the names the whole file introduces.")] = True,
    extractor_model: Annotated[Path | None, _MODEL_OPTION] = None,
) -> None:
    """Extract methods, models and benchmarks from each line's title and abstract."""
    from citegraph.graph.extract.jsonl import extract_jsonl

    check_gazetteers(gazetteer)
    result = extract_jsonl(in_file, out_file, gazetteer=[str(p) for p in gazetteer or []],
                           corpus=corpus, model=extractor_model)
    for lineno, message in result.problems[:PROBLEMS_SHOWN]:
        console.print(f"[yellow]skipped[/] {term(in_file)}:{lineno}: {term(message)}",
                      highlight=False, soft_wrap=True)
    if len(result.problems) > PROBLEMS_SHOWN:
        console.print(f"… and {len(result.problems) - PROBLEMS_SHOWN} more skipped")
    cut = f" ({result.truncated} cut to the matching limit)" if result.truncated else ""
    console.print(f"{result.papers} paper(s), {result.entities} entities{cut} → {term(out_file)}",
                  highlight=False)


@app.command("train-extractor")
def train_extractor(
    gold: Annotated[list[Path], typer.Argument(help="Gold JSON Lines (title, abstract, "
                                               "entities), as in shared/eval.")],
    out_file: Annotated[Path, typer.Option("--out", "-o", help="Model file (JSON) to write.")],
    gazetteer: Annotated[list[Path] | None, typer.Option(
        help="Extra gazetteer file of entity names (repeatable).")] = None,
    tagger: Annotated[bool, typer.Option(
        help="Also fit the sequence tagger (more recall, about half the speed).")] = False,
) -> None:
    """Fit the entity decision model on annotated papers (same files, same model)."""
    from citegraph.graph.extract.train import train_model

    model = train_model(gold, gazetteer=[str(p) for p in gazetteer or []], tagger=tagger)
    model.save(out_file)
    console.print(f"trained on {model.trained_on['papers']} paper(s) → {term(out_file)}",
                  highlight=False)


def _neo4j_summary(done: dict[str, int]) -> str:
    """What a write to Neo4j did, in the words of the result of ``write_graph``."""
    text = (f"wrote {done['nodes']:,} nodes ({done['nodes_created']:,} new) and "
            f"{done['relationships']:,} relationships ({done['relationships_created']:,} new)")
    return text + (f", with {done['vectors']:,} paper vectors" if done["vectors"] else "")


app.command("query")(query_command)


@app.command()
def sparql(
    directory: Annotated[Path, typer.Argument(help="A graph directory.")],
    query: Annotated[str, typer.Argument(
        help="SPARQL text, or the name of an example in queries/sparql_examples.py.")],
    params: Annotated[list[str] | None, typer.Argument(
        help="name=value bindings (?name bound to the value; entity= and paper= of an "
        "example accept a name, alias or title).")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, json or csv.")] = "table",
) -> None:
    """Run SPARQL (or a named example) over the RDF view of a saved graph."""
    import citegraph
    from citegraph.errors import BadArgument
    from citegraph.queries.cli_commands import FORMATS, format_rows
    from citegraph.queries.sparql_examples import EXAMPLES, run_example

    if fmt not in FORMATS:
        raise BadArgument(f"--format must be one of {', '.join(FORMATS)}")
    bound: dict[str, str] = {}
    for word in params or []:
        name, sep, value = word.partition("=")
        if not sep or not name:
            raise BadArgument(f"sparql bindings are name=value, not {word!r}")
        bound[name] = value
    kg = citegraph.load(directory)
    if query in EXAMPLES:
        limit = bound.pop("limit", None)
        rows = run_example(kg, query, **bound,
                           **({"limit": int(limit)} if limit is not None else {}))
    else:
        rows = kg.sparql(query, **bound)
    if isinstance(rows, bool):  # an ASK query
        typer.echo("yes" if rows else "no")
        return
    columns = list(rows[0]) if rows else []
    typer.echo(format_rows(rows, columns, fmt))


@app.command("import-rdf")
def import_rdf(
    source: Annotated[Path, typer.Argument(help="RDF file written by export or kg.to_rdf.")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Graph directory to write.")],
    fmt: Annotated[str | None, typer.Option(
        "--format", help="RDF syntax (ttl, nt, jsonld); default from the file name.")] = None,
    force: Annotated[bool, typer.Option(
        help="Write into a non-empty --out that is not a citegraph graph.")] = False,
) -> None:
    """Read an RDF export back into a saved graph directory."""
    import citegraph
    from citegraph.graph.stores.files import save_graph

    kg = citegraph.from_rdf(source, fmt)
    save_graph(kg, out_dir, force=force, on_warning=print_warning)
    print_stats(kg, f"{source} → {out_dir}")


@app.command()
def pull(
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="Graph directory to write.")],
    neo4j: Annotated[str | None, typer.Option(
        help="Neo4j URI (default NEO4J_URI); password from NEO4J_PASSWORD.")] = None,
    database: Annotated[str | None, typer.Option(help="Neo4j database (NEO4J_DATABASE).")] = None,
    force: Annotated[bool, typer.Option(
        help="Write into a non-empty --out that is not a citegraph graph.")] = False,
) -> None:
    """Read the whole graph back from Neo4j into a saved graph directory."""
    import citegraph
    from citegraph.graph.stores.files import save_graph

    kg = citegraph.from_neo4j(neo4j, None, database)
    save_graph(kg, out_dir, force=force, on_warning=print_warning)
    print_stats(kg, f"Neo4j → {out_dir}")


@app.command("neo4j-import")
def neo4j_import(
    directory: Annotated[Path, typer.Argument(help="A graph directory.")],
    database: Annotated[str | None, typer.Option(help="Neo4j database (NEO4J_DATABASE).")] = None,
    manage_server: Annotated[bool, typer.Option(
        help="Stop the local server (scripts/neo4j) before the import and start it after, "
        "then create constraints and indexes; --no-manage-server needs it stopped already.",
    )] = True,
) -> None:
    """Bulk-load a saved graph into Neo4j with neo4j-admin import: a fast first load that
    REPLACES the database."""
    import citegraph

    kg = citegraph.load(directory)
    done = kg.to_neo4j_import(database, manage_server=manage_server)
    console.print(f"{term(directory)} → Neo4j: database replaced by bulk import of "
                  f"{done['nodes']:,} nodes and {done['relationships']:,} relationships",
                  highlight=False, soft_wrap=True)


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
    authors: Annotated[bool, typer.Option(
        "--authors", help="Co-authorship network of the most productive authors.")] = False,
    co_citation: Annotated[bool, typer.Option(
        "--co-citation", help="Co-citation map of the most cited works.")] = False,
    coupling: Annotated[bool, typer.Option(
        "--coupling", help="Bibliographic coupling map.")] = False,
    keywords: Annotated[bool, typer.Option(
        "--keywords", help="Keyword co-occurrence map, clusters named by their top terms.",
    )] = False,
    overlay: Annotated[str | None, typer.Option(
        help="On a map: 'year' colours nodes by the mean year of their papers.")] = None,
    bursts: Annotated[bool, typer.Option(
        "--bursts", help="Papers per period and the strongest bursts (a chart page).")] = False,
    unit: Annotated[str, typer.Option(help="For --bursts: year or month.")] = "year",
    top: Annotated[int | None, typer.Option(
        min=1, help="On a map: how many of the largest nodes (default 100).")] = None,
) -> None:
    """Write an interactive, offline HTML view: the overview, a --focus neighbourhood, a
    bibliometric map (--authors, --co-citation, --coupling, --keywords) or --bursts."""
    import citegraph

    maps = [name for name, on in (("co-authorship", authors), ("co-citation", co_citation),
                                  ("coupling", coupling), ("keywords", keywords)) if on]
    if len(maps) + bursts > 1:
        raise CitegraphError("choose one of --authors, --co-citation, --coupling, --keywords, "
                             "--bursts")
    kg = citegraph.load(directory)
    if bursts:
        from citegraph.viz.bursts import bursts_page

        if unit not in ("year", "month"):
            raise CitegraphError(f"--unit must be year or month, not {unit!r}")
        page = bursts_page(kg, unit)
    elif maps:
        from citegraph.viz.maps import map_view

        page = map_view(kg, maps[0], top=top, overlay=overlay)
    else:
        page = kg.view(focus=focus, depth=depth, max_nodes=max_nodes)
    page.save(output)
    if page.note:
        console.print(term(page.note), highlight=False)
    shown = ", ".join(f"{n:,} {k}" for k, n in page.counts.items())
    console.print(f"{shown} → {term(output)}", highlight=False)


@app.command()
def export(
    directory: Annotated[Path, typer.Argument(help="A graph directory.")],
    out_path: Annotated[Path, typer.Option("--out", "-o", help="File to write (a directory "
                                            "for csv).")],
    fmt: Annotated[str | None, typer.Option(
        "--format", "-f", help="ttl, nt, jsonld, graphml, gexf, csv, vosviewer or pajek "
        "(default: by suffix).",
    )] = None,
    base: Annotated[str | None, typer.Option(help="IRI prefix of nodes and edges in RDF.")]
    = None,
    network: Annotated[str, typer.Option(
        help="For vosviewer and pajek: co-citation, coupling, co-authorship or keywords.",
    )] = "co-citation",
    top: Annotated[int | None, typer.Option(
        min=1, help="For vosviewer and pajek: keep the largest nodes only.")] = None,
) -> None:
    """Write a saved graph as RDF (Turtle, N-Triples, JSON-LD), GraphML, GEXF or Neo4j CSV,
    or one bibliometric network as VOSviewer map and network files or Pajek .net."""
    import citegraph

    kg = citegraph.load(directory)
    written = kg.export(out_path, fmt, base=base, network=network, top=top)
    what = (f"the {network} network" if fmt in ("vosviewer", "pajek") else
            f"{kg.number_of_nodes()} nodes, {kg.number_of_edges()} edges")
    console.print(f"{what} → {term(written)}", highlight=False)


@app.command()
def check(directory: Annotated[Path, typer.Argument(help="A graph directory.")]) -> None:
    """Verify a saved graph: schema, edges, counts and checksums; exit 1 on a problem."""
    from citegraph.graph.stores.files import check_graph

    found = check_graph(directory)
    verified = ("files match the manifest's checksums" if found.checksums
                else "format version 1: no checksums to compare")
    out.print(f"OK {term(directory)}: {found.nodes:,} nodes, {found.edges:,} edges, "
              f"{found.embeddings:,} embeddings; {verified}", highlight=False, soft_wrap=True)


def main() -> None:
    """Entry point: run the app, turning expected errors and filesystem errors into one
    line (exit 1); SIGTERM stops like Ctrl-C."""
    with _interrupt_handlers():
        try:
            app()
        except CitegraphError as exc:
            print_error(exc)
            sys.exit(1)
        except OSError as exc:  # permission denied, disk full, not a directory, …
            print_error(FileSystemError.from_os_error(exc))
            sys.exit(1)
        except KeyboardInterrupt as exc:  # outside a build's own report (Interrupted too)
            line = _kept(*_building[-1]) if _building else "interrupted; nothing was written"
            console.print(line, highlight=False, soft_wrap=True)
            sys.exit(getattr(exc, "status", 130))
