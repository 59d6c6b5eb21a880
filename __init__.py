"""citegraph: paper listings in, a citation and relationship knowledge graph out.

The Python API mirrors the ``citegraph`` command one to one::

    import citegraph
    kg = citegraph.build(["papers/"])      # load, merge, extract, relate
    kg.stats(); kg.save("out/graph")
    kg = citegraph.load("out/graph")

Heavy libraries (torch, sentence-transformers, rdflib, pyvis) load only when a function
that needs them runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from citegraph.errors import (
    AmbiguousName,
    BadArgument,
    CitegraphError,
    GraphError,
    InputError,
    Neo4jUnavailable,
    QueryError,
    StoreError,
    ViewError,
)

if TYPE_CHECKING:
    from citegraph.graph.extract import Entity
    from citegraph.graph.model import KnowledgeGraph
    from citegraph.graph.pipeline import BuildOptions
    from citegraph.graph.progress import Progress
    from citegraph.loaders.problems import LoadReport

__version__ = "0.1.0"


def build(
    paths: Iterable[str | Path] | str | Path,
    *,
    format: str | None = None,
    options: BuildOptions | None = None,
    base: KnowledgeGraph | str | Path | None = None,
    reuse: str | Path | None = None,
    report: LoadReport | None = None,
    progress: Progress | None = None,
    in_place: bool = False,
) -> KnowledgeGraph:
    """Read every paper under ``paths`` and build the knowledge graph.

    ``format`` forces one loader; ``options`` switches stages on and off; ``report``
    collects what could not be read. The report is also ``kg.load_report``; without
    ``report``, a load that met problems says so in one line on standard error. Without
    ``progress``, a build someone watches (Jupyter, a terminal) draws progress bars and ends
    with one line of counts; ``progress=SILENT`` (:mod:`citegraph.graph.progress`) keeps it
    quiet. Raises :class:`CitegraphError` when nothing could be read.

    ``base`` is a graph to extend, or the directory of a saved one (a new or empty
    directory extends nothing; graph files without a manifest are refused): its papers are
    kept, only the new records are matched against them, and only new or changed papers
    are extracted and embedded (see :meth:`KnowledgeGraph.append`). ``reuse`` is the
    directory of an earlier build of the same output that is rebuilt rather than extended:
    its embeddings and entity results are reused for papers whose text did not change.
    A saved ``base`` is loaded for the build alone, so the build changes it into the new
    graph rather than building a second one beside it (see
    :mod:`citegraph.graph.in_place`); ``in_place`` does the same to a graph given as
    ``base``, which then becomes the result. ``options.import_dir`` also writes the
    graph's ``neo4j-admin database import`` files there (in parallel on Ray with
    ``options.engine == "ray"``).
    """
    from contextlib import nullcontext

    from citegraph.graph.collector import heap_frozen
    from citegraph.graph.interactive import api_progress, is_interactive
    from citegraph.graph.options import engine_session
    from citegraph.graph.pipeline import BuildOptions, build_graph
    from citegraph.graph.progress import SILENT
    from citegraph.graph.stores.files import load_base, load_build_caches
    from citegraph.loaders import InputError, LoadReport, RecordStream

    if isinstance(paths, str | Path):
        paths = [paths]
    options = options or BuildOptions()
    if progress is not None:
        options.progress = progress
    elif options.progress is SILENT:
        options.progress = api_progress()
    if isinstance(base, str | Path):
        with options.progress.stage("Loading the saved graph"):
            base = load_base(Path(base))
        in_place = True
    if reuse is not None and base is None:
        vectors, entities = load_build_caches(Path(reuse))
        options.vector_cache = options.vector_cache or vectors
        options.entity_cache = options.entity_cache or entities
    announce = report is None
    report = report if report is not None else LoadReport()
    # streamed, not listed: a large file never sits in memory as records and merged papers
    records = RecordStream(paths, fmt=format, report=report)
    # another engine reads the files itself (and says when nothing was found)
    if options.engine == "local" and base is None and records.peek() is None:
        problems = "; ".join(f"{i.path}: {i.message}" for i in report.errors[:3])
        raise InputError("no papers found" + (f" ({problems})" if problems else ""))
    # the graph extended is millions of objects: left out of collections while it grows
    with engine_session(options), heap_frozen() if base is not None else nullcontext():
        kg = build_graph(records, options, base=base, in_place=in_place)
        kg.load_report = report
        if options.import_dir is not None:
            from citegraph.graph.stores.neo4j_import import write_import_csv

            write_import_csv(kg, options.import_dir, options)
    if announce and report.has_problems:
        import sys

        print(f"citegraph: {report.summary()}; see kg.load_report", file=sys.stderr)
    if is_interactive():
        print(build_summary(kg))
    return kg


def build_summary(kg: KnowledgeGraph) -> str:
    """One line: papers, nodes, edges and what the load skipped."""
    stats = kg.stats()
    nodes = sum(stats["nodes"].values())
    edges = sum(stats["edges"].values())
    papers = stats["nodes"].get("Paper", 0)
    report = kg.load_report
    skipped = f"; {report.summary()}, see kg.load_report" if report is not None else ""
    return f"citegraph: {papers} papers, {nodes} nodes, {edges} edges{skipped}"


def extract(title: str, abstract: str = "",
            gazetteer: Iterable[str | Path] = ()) -> list[Entity]:
    """The methods, models and benchmarks a title and abstract name (see GUIDELINES).

    Each :class:`~citegraph.graph.extract.Entity` has ``name``, ``type`` (a
    :class:`~citegraph.graph.schema.EntityType`, equal to its string), ``aliases``,
    ``introduced`` and ``evidence``; ``gazetteer`` adds user gazetteer files.
    """
    from citegraph.graph import schema as S
    from citegraph.graph.extract import extract as _extract

    found = _extract(title, abstract, gazetteer=list(gazetteer))
    for entity in found:
        entity.type = S.EntityType(entity.type)
    return found


def load(directory: str | Path) -> KnowledgeGraph:
    """Read a graph saved with ``kg.save(directory)`` or ``citegraph build --out``."""
    from citegraph.graph.model import KnowledgeGraph

    return KnowledgeGraph.load(directory)


def from_rdf(source: str | Path, format: str | None = None) -> KnowledgeGraph:
    """Read a graph written with ``kg.to_rdf`` (or ``citegraph export --format ttl``);
    ``format`` is guessed from the file name when not given."""
    from citegraph.graph.model import KnowledgeGraph

    return KnowledgeGraph.from_rdf(source, format)


def from_neo4j(
    uri: str | None = None, auth: tuple[str, str] | None = None, database: str | None = None
) -> KnowledgeGraph:
    """Read the whole graph back from Neo4j, paper embeddings included (settings default
    from the NEO4J_* variables)."""
    from citegraph.graph.stores.neo4j_store import read_graph

    return read_graph(uri, auth, database)


def __getattr__(name: str) -> object:
    """``KnowledgeGraph`` and ``BuildOptions`` on first use, so ``import citegraph`` stays
    light (networkx and the build pipeline load only when a graph is made)."""
    if name == "KnowledgeGraph":
        from citegraph.graph.model import KnowledgeGraph

        return KnowledgeGraph
    if name == "BuildOptions":
        from citegraph.graph.options import BuildOptions

        return BuildOptions
    raise AttributeError(f"module 'citegraph' has no attribute {name!r}")


__all__ = [
    "AmbiguousName", "BadArgument", "BuildOptions", "CitegraphError", "GraphError",
    "InputError", "KnowledgeGraph", "Neo4jUnavailable", "QueryError", "StoreError",
    "ViewError", "__version__", "build", "extract", "from_neo4j", "from_rdf", "load",
]
