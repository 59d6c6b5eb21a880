"""The build: records in, a complete knowledge graph out, stage by stage.

Stages run in a fixed order (papers, then what later stages derive from them); each can be
switched off in :class:`BuildOptions`. Building on top of a graph (an append) gives what a
build of the old and new papers together gives, redoing only what the new papers change:
new records are matched against the old papers (not the old papers among themselves),
entity results and embeddings are reused for papers whose text and context did not
change, and similarity lists are updated; the other corpus-wide edges are derived again
from the graph's edges.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain

from citegraph.errors import EngineError
from citegraph.graph import schema as S
from citegraph.graph.authors import author_ids_by_paper
from citegraph.graph.citations import add_inferred_citations
from citegraph.graph.comention import add_co_mention_edges
from citegraph.graph.embed import embed_papers
from citegraph.graph.identity import merge_records
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.options import BuildOptions
from citegraph.graph.papers import add_papers, record_from_paper
from citegraph.graph.similarity import add_similarity_edges
from citegraph.graph.similarity_update import update_similarity_edges
from citegraph.loaders.records import PaperRecord

#: Defined in :mod:`citegraph.graph.options` (light, read by the CLI for its defaults).
__all__ = ["BuildOptions", "build_graph"]


def build_graph(
    records: Iterable[PaperRecord],
    options: BuildOptions | None = None,
    base: KnowledgeGraph | None = None,
) -> KnowledgeGraph:
    """Build a graph from records, optionally on top of an existing graph (``base``,
    left unchanged; see the module docstring)."""
    options = options or BuildOptions()
    if options.engine != "local":
        return _build_on(options.engine, records, options, base)
    previous: list[PaperRecord] = []
    if base is not None:
        author_ids = author_ids_by_paper(base)
        # stubs too: a new paper, or a new reference, may be a work old papers cite
        for nid, props in base.nodes(S.PAPER):
            previous.append(record_from_paper(props))
            ids = author_ids.get(nid, [])
            if ids:  # parallel to the author list, as a loader gives them
                previous[-1].author_ids = (ids + [{}] * len(previous[-1].authors)
                                           )[:len(previous[-1].authors)]
    # ``records`` may be a lazy stream over large files: it is consumed once, never listed,
    # so only the merged papers stay in memory. A stream that knows its size in bytes
    # (:class:`citegraph.loaders.RecordStream`) drives the bar by bytes read.
    total = getattr(records, "total_bytes", None)
    name = "Reading files (bytes)" if total is not None else "Reading records"
    with options.progress.stage(name, total=total) as stage:
        if total is not None:
            records.on_bytes = stage.advance  # type: ignore[attr-defined]

        def counted(items: Iterable[PaperRecord]) -> Iterable[PaperRecord]:
            for item in items:
                stage.advance()
                yield item

        stream = records if total is not None else counted(records)
        index = merge_records(chain(previous, stream), fuzzy=options.fuzzy_identity,
                              known=len(previous))
    kg = KnowledgeGraph()
    if base is not None:
        for start, end, _, props in base.edges(S.CITES):
            if not props.get(S.INFERRED):
                for nid in (start, end):
                    if not kg.has_node(nid):
                        kg.g.add_node(nid, **base.node(nid))
                kg.add_edge(S.CITES, start, end, **{k: v for k, v in props.items() if k != S.TYPE})
    add_papers(kg, index)
    kg.merge_report = index.report
    # the merged records are in the graph now: dropped, not held through the later stages
    del index, previous
    if options.entities:
        from citegraph.graph.entities import add_entities

        kg.entity_cache = add_entities(
            kg, options.progress, options.gazetteer, embeddings=options.entity_embeddings,
            model=options.model, device=options.device,
            extractor_model=options.extractor_model,
            cache=base.entity_cache if base is not None else options.entity_cache)
    add_relationships(kg, options, base)
    return kg


def _build_on(engine: str, records: Iterable[PaperRecord], options: BuildOptions,
              base: KnowledgeGraph | None) -> KnowledgeGraph:
    """The same build on another engine (:mod:`citegraph.graph.ray_engine`)."""
    if engine != "ray":
        raise EngineError(f"unknown engine {engine!r}; engines: local, ray")
    from citegraph.graph import ray_engine

    return ray_engine.build_graph(records, options, base)


def add_relationships(
    kg: KnowledgeGraph, options: BuildOptions, base: KnowledgeGraph | None = None
) -> None:
    """The corpus-wide edge stages, after papers and entities: embeddings and SIMILAR_TO,
    CO_MENTIONED, inferred CITES. Switching similarity off skips the model entirely."""
    if options.similarity:
        caches = (base.embeddings if base is not None else None, options.vector_cache)
        kg.embeddings = embed_papers(kg, options.model, options.device, caches,
                                     options.progress)
        if base is not None and base.embeddings is not None and any(base.edges(S.SIMILAR_TO)):
            update_similarity_edges(kg, kg.embeddings, base, options.similarity_top_k,
                                    options.similarity_threshold, progress=options.progress)
        else:
            add_similarity_edges(kg, kg.embeddings, options.similarity_top_k,
                                 options.similarity_threshold, progress=options.progress)
    if options.co_mention:
        with options.progress.stage("Co-mentions") as stage:
            stage.advance(add_co_mention_edges(kg, options.min_co_mentions))
    if options.citations:
        with options.progress.stage("Inferring citations") as stage:
            stage.advance(add_inferred_citations(kg))
    add_bibliometric_edges(kg, options)


def add_bibliometric_edges(kg: KnowledgeGraph, options: BuildOptions) -> None:
    """Keywords and the co-occurrence networks of bibliometrics, each switchable; they
    count explicit citations only, so their order after inferred citations is free."""
    from citegraph.graph import bibliometrics as B

    stages = (
        (options.keywords, "Keywords", lambda: B.add_keywords(kg)
         + B.add_keyword_co_occurrence_edges(kg, options.min_co_occurrences)),
        (options.co_citation, "Co-citation",
         lambda: B.add_co_citation_edges(kg, options.min_co_citations)),
        (options.coupling, "Bibliographic coupling",
         lambda: B.add_coupling_edges(kg, options.min_coupling)),
        (options.co_authorship, "Co-authorship",
         lambda: B.add_co_author_edges(kg, options.min_co_authorships)),
    )
    for enabled, name, run in stages:
        if enabled:
            with options.progress.stage(name) as stage:
                stage.advance(run())
