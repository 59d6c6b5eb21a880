"""The build: records in, a complete knowledge graph out, stage by stage.

Stages run in a fixed order (papers, then what later stages derive from them); each can be
switched off in :class:`BuildOptions`. Building on top of a graph (an append) gives what a
build of the old and new papers together gives, redoing only what the new papers change:
new records are matched against the old papers (not the old papers among themselves),
entity results and embeddings are reused for papers whose text and context did not
change, similarity lists are updated, and the co-occurrence networks and inferred
citations keep the old edges the new papers leave alone. An append may also change the
graph it extends into the result, leaving those old edges where they are
(:mod:`citegraph.graph.in_place`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import chain
from typing import Any

from citegraph.errors import EngineError
from citegraph.graph import schema as S
from citegraph.graph.authors import author_ids_by_paper
from citegraph.graph.bibliometrics import PairCounter, co_occurrence_evidence
from citegraph.graph.citations import INFERRED_DISCRIMINATOR, add_inferred_citations
from citegraph.graph.citations_update import update_inferred_citations
from citegraph.graph.comention import add_co_mention_edges
from citegraph.graph.embed import embed_papers
from citegraph.graph.identity import merge_records
from citegraph.graph.in_place import NETWORKS, Kept, transplant
from citegraph.graph.matching import PairDecisions, decided_pairs
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.options import BuildOptions
from citegraph.graph.pairs_update import IndexedBase, update_co_mentions, update_network
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
    decisions: PairDecisions = decided_pairs,
    in_place: bool = False,
) -> KnowledgeGraph:
    """Build a graph from records, optionally on top of an existing graph (``base``,
    left unchanged unless ``in_place``; see the module docstring). ``decisions`` decides
    the candidate pairs of paper identity (the Ray engine passes its distributed one).
    ``in_place`` changes ``base`` into the result and returns it
    (:mod:`citegraph.graph.in_place`): the derived edges the new papers leave alone stay
    where they are instead of being copied."""
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
                              known=len(previous), decisions=decisions)
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
            cache=base.entity_cache if base is not None else options.entity_cache,
            workers=options.workers)
    if in_place and base is not None:
        kept = Kept()
        add_relationships(kg, options, base, keep=kept)
        with options.progress.stage("Changing the graph in place"):
            return transplant(base, kg, kept)
    add_relationships(kg, options, base)
    kg.base = base
    return kg


def _build_on(engine: str, records: Iterable[PaperRecord], options: BuildOptions,
              base: KnowledgeGraph | None) -> KnowledgeGraph:
    """The same build on another engine (:mod:`citegraph.graph.ray_engine`)."""
    if engine != "ray":
        raise EngineError(f"unknown engine {engine!r}; engines: local, ray")
    from citegraph.graph import ray_engine

    return ray_engine.build_graph(records, options, base)


def add_relationships(
    kg: KnowledgeGraph, options: BuildOptions, base: KnowledgeGraph | None = None,
    count_pairs: PairCounter = co_occurrence_evidence, keep: Kept | None = None,
) -> None:
    """The corpus-wide edge stages, after papers and entities: embeddings and SIMILAR_TO,
    CO_MENTIONED, inferred CITES. Switching similarity off skips the model entirely.
    ``count_pairs`` counts the co-occurrence networks (the Ray engine's on workers).
    With ``keep`` the old derived edges stay in ``base`` rather than being copied, and
    ``keep`` says what to drop or change there (:mod:`citegraph.graph.in_place`)."""
    indexed = None
    if base is not None and (keep is not None or options.similarity or options.co_mention
                             or options.citations or options.keywords
                             or options.co_citation or options.coupling
                             or options.co_authorship):
        with options.progress.stage("Indexing the graph appended to"):
            indexed = IndexedBase(base, NETWORKS if keep is not None else frozenset())
        if keep is not None:
            keep.old_primary = indexed.primary
    if options.similarity:
        caches = (base.embeddings if base is not None else None, options.vector_cache)
        kg.embeddings = embed_papers(kg, options.model, options.device, caches,
                                     options.progress)
        if indexed is not None and base.embeddings is not None and indexed.has(S.SIMILAR_TO):
            update_similarity_edges(kg, kg.embeddings, indexed, options.similarity_top_k,
                                    options.similarity_threshold, progress=options.progress,
                                    keep=keep)
        else:
            _drop_all(keep, indexed, S.SIMILAR_TO)
            add_similarity_edges(kg, kg.embeddings, options.similarity_top_k,
                                 options.similarity_threshold, progress=options.progress)
    else:
        _drop_all(keep, indexed, S.SIMILAR_TO)
    if options.co_mention:
        with options.progress.stage("Co-mentions") as stage:
            stage.advance(add_co_mention_edges(kg, options.min_co_mentions, count_pairs)
                          if indexed is None
                          else update_co_mentions(kg, indexed, options.min_co_mentions, keep))
    else:
        _drop_all(keep, indexed, S.CO_MENTIONED)
    if options.citations:
        with options.progress.stage("Inferring citations") as stage:
            stage.advance(add_inferred_citations(kg) if indexed is None
                          else update_inferred_citations(kg, indexed, keep))
    elif keep is not None:
        inferred = S.edge_key(S.CITES, INFERRED_DISCRIMINATOR)
        keep.drop.extend((u, v, inferred) for u, v, _, p in indexed.edges(S.CITES)
                         if p.get(S.INFERRED))
    add_bibliometric_edges(kg, options, indexed, count_pairs, keep)


def _drop_all(keep: Kept | None, indexed: IndexedBase | None, rel: str) -> None:
    """In place, every old ``rel`` edge goes (its stage is off, or counted in full)."""
    if keep is not None and indexed is not None:
        keep.drop.extend((u, v, rel) for u, v, _, _ in indexed.edges(rel))


def add_bibliometric_edges(kg: KnowledgeGraph, options: BuildOptions,
                           base: IndexedBase | None = None,
                           count_pairs: PairCounter = co_occurrence_evidence,
                           keep: Kept | None = None) -> None:
    """Keywords and the co-occurrence networks of bibliometrics, each switchable; they
    count explicit citations only, so their order after inferred citations is free. On
    top of ``base`` only the pairs the new papers touch are counted again (with ``keep``,
    the old edges of the others stay in ``base``)."""
    from citegraph.graph import bibliometrics as B

    def network(rel: str, rows_of: Callable[[Any], B.Rows], min_count: int,
                strength: bool) -> int:
        if base is None:
            return B.add_network(kg, rel, rows_of(kg), min_count, strength, count_pairs)
        return update_network(kg, base, rel, rows_of, min_count, strength, keep)

    stages = (
        (options.keywords, "Keywords", lambda: B.add_keywords(kg) + network(
            S.CO_OCCURS, B.keyword_rows, options.min_co_occurrences, True)),
        (options.co_citation, "Co-citation", lambda: network(
            S.CO_CITED, B.co_citation_rows, options.min_co_citations, True)),
        (options.coupling, "Bibliographic coupling", lambda: network(
            S.COUPLED, B.coupling_rows, options.min_coupling, True)),
        (options.co_authorship, "Co-authorship", lambda: network(
            S.CO_AUTHORED, B.co_author_rows, options.min_co_authorships, False)),
    )
    for enabled, name, run in stages:
        if enabled:
            with options.progress.stage(name) as stage:
                stage.advance(run())
    if keep is not None:  # a network switched off: its old edges go
        # (with keywords off the keyword nodes go, and their edges with them)
        for enabled, rel in ((options.co_citation, S.CO_CITED), (options.coupling, S.COUPLED),
                             (options.co_authorship, S.CO_AUTHORED)):
            if not enabled and base is not None and base.has(rel):
                keep.drop_all.add(rel)
