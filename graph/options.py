"""What a build does: which stages run and their thresholds, defined once.

:class:`BuildOptions` is the single home of the build defaults; the ``citegraph build``
options read their defaults from its fields, so the command and the API cannot drift.
This module imports nothing heavy, so the CLI can read it before any command runs.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from citegraph.graph.progress import SILENT, Progress

if TYPE_CHECKING:
    from citegraph.graph.entity_cache import EntityCache
    from citegraph.graph.vectors import PaperVectors


@dataclass
class BuildOptions:
    """What the build computes; every derived kind of node and edge can be switched off."""

    entities: bool = True
    similarity: bool = True
    co_mention: bool = True
    citations: bool = True
    keywords: bool = True  # Keyword nodes, HAS_KEYWORD and CO_OCCURS
    co_citation: bool = True
    coupling: bool = True
    co_authorship: bool = True
    model: str | None = None  # sentence-transformers name or path; None = the default
    device: str | None = None
    similarity_top_k: int = 10
    similarity_threshold: float = 0.5
    min_co_mentions: int = 2
    min_co_citations: int = 2  # papers citing both works, for a CO_CITED edge
    min_coupling: int = 2  # shared references, for a COUPLED edge
    min_co_authorships: int = 1  # joint papers, for a CO_AUTHORED edge
    min_co_occurrences: int = 2  # papers with both keywords, for a CO_OCCURS edge
    gazetteer: list[str] = field(default_factory=list)  # user gazetteer files for entities
    extractor_model: str | None = None  # entity decision model file; None = the shipped one
    entity_embeddings: bool = False  # type unknown names / merge near-duplicates with `model`
    #: Match records by title, authors and year beyond identifiers and equal titles.
    fuzzy_identity: bool = True
    #: Vectors of an earlier build of the same output (not extended, rebuilt): reused by
    #: content hash like the vectors of ``base``, so a rebuild embeds only changed papers.
    vector_cache: PaperVectors | None = field(default=None, repr=False)
    #: What the entity stage of an earlier build found per paper, reused the same way.
    entity_cache: EntityCache | None = field(default=None, repr=False)
    #: Where the per-file and per-paper stages run: ``local`` (this process) or ``ray``
    #: (Ray Data pipelines; needs ``pip install 'citegraph[ray]'``).
    engine: str = "local"
    #: Processes of the local engine's per-paper entity work (both extractor passes):
    #: None = this machine's usable cores, 1 = the build's own process. The graph does not
    #: depend on it; a corpus too small to share runs in the build's own process.
    workers: int | None = None
    ray_address: str | None = None  # an existing Ray cluster; None = a local instance
    ray_cpus: int | None = None  # cores of the local instance; None = all of this machine's
    #: Also write the ``neo4j-admin database import`` files of the built graph into this
    #: directory (header and part files; with ``engine="ray"`` the parts are written by Ray
    #: tasks in parallel). None = no import files.
    import_dir: str | Path | None = None
    progress: Progress = field(default=SILENT, repr=False)


def engine_session(options: BuildOptions) -> AbstractContextManager[Any]:
    """The engine for a build and the writes that follow it: with ``engine="ray"`` one Ray
    instance (joined or started, see :func:`citegraph.graph.ray_engine.session`) that the
    build and the parallel import-file writer both use; nothing for the local engine."""
    if options.engine != "ray":
        return nullcontext()
    from citegraph.graph.ray_engine import session

    return session(options)
