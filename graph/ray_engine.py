"""The build on Ray (``BuildOptions(engine="ray")``, ``citegraph build --engine ray``).

The same stage functions as the local build, with the per-file, per-paper and per-pair work
spread over a Ray cluster (Ray Data pipelines and Ray tasks), and the decisions that depend
on one another taken on the driver:

* reading: one task per input file, or per byte range of a big JSON-lines file
  (:mod:`citegraph.graph.ray_reading`), records streamed back in input order;
* paper identity: blocking keys, candidate pairs per block and their decisions on workers,
  by a hash-partitioned shuffle of tasks (:mod:`citegraph.graph.ray_identity`); the driver
  joins the accepted pairs strongest first over record numbers (the joins depend on one
  another) and folds each group's records into a paper, as
  :func:`citegraph.graph.identity.merge_records` does; cited works are matched to papers
  the same way. Paper and author nodes are made on the driver;
* entities: both passes of the extractor run on workers (``map_batches``): the corpus pass
  computes each paper's rule entities, the driver learns the corpus names from them
  (:meth:`Extractor.learn_from`, in paper order), and an actor pool holding the learned
  extractor extracts every paper; resolution into nodes runs on the driver;
* embeddings: an actor pool, each actor holding the sentence-transformers model (one GPU
  per actor when the cluster has GPUs), encodes the texts in the same length-sorted chunks
  as the local build;
* SIMILAR_TO: a faiss IVF index trained on a sample on the driver, filled and searched
  shard by shard in tasks, the shards' top-k merged on the driver
  (:mod:`citegraph.graph.ray_knn`; approximate, recall@10 of at least 0.95);
* co-mention, keyword co-occurrence, co-citation, coupling, co-authorship: pairs, counts
  and evidence per range of first items in tasks (:mod:`citegraph.graph.ray_cooccurrence`),
  edges added on the driver;
* inferred citations, keyword nodes: on the driver, with the local stage functions.

Work is handed out in chunks whose order is kept, and results come back in the order the
local stage produces them, so the graph is the one the local engine builds from the same
input (same nodes, edges and properties), SIMILAR_TO edges within the index's recall.

Ray is an optional dependency (``pip install 'citegraph[ray]'``); it is imported only by
this module and the ``ray_*`` modules it calls, inside their functions.
Without an address a local Ray instance is started on this machine's cores and shut down
after the build; with one (``auto``, ``ray://host:10001``) the build joins that cluster.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import pickle
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

from citegraph.errors import EngineError, InputError
from citegraph.graph.options import BuildOptions
from citegraph.graph.ray_reading import blob

if TYPE_CHECKING:
    from citegraph.graph.extract import Entity
    from citegraph.graph.model import KnowledgeGraph
    from citegraph.loaders import LoadReport
    from citegraph.loaders.records import PaperRecord

#: Object store of a local instance: the chunks in flight, not the corpus, live there.
OBJECT_STORE_BYTES = 1536 * 1024 * 1024
#: Ray starts worker processes at niceness 15, behind every other process of the machine;
#: the build's workers do the build's work, so on a busy machine they keep its priority.
LOCAL_SYSTEM_CONFIG = {"worker_niceness": 0}
#: How long the build waits for a cluster address to answer.
CONNECT_SECONDS = 10


def _import_ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError:
        raise EngineError("--engine ray needs Ray: pip install 'citegraph[ray]'") from None
    return ray


@contextmanager
def session(options: BuildOptions) -> Iterator[Any]:
    """Ray for one build: the running one, the cluster at ``options.ray_address``, or a
    local instance on ``options.ray_cpus`` cores (all of them by default), shut down after."""
    ray = _import_ray()
    from ray.data import DataContext

    started = False
    if not ray.is_initialized():
        settings: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                    "logging_level": "warning", "configure_logging": False}
        try:
            if options.ray_address:
                _check_reachable(options.ray_address)
                ray.init(address=options.ray_address, **settings)
            else:
                ray.init(num_cpus=options.ray_cpus or os.cpu_count() or 1,
                         object_store_memory=OBJECT_STORE_BYTES,
                         _system_config=LOCAL_SYSTEM_CONFIG, **settings)
        except (ConnectionError, RuntimeError, ValueError) as exc:
            where = options.ray_address or "a local instance"
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise EngineError(f"cannot start Ray on {where}: {first}") from None
        started = True
    logging.getLogger("ray.data").setLevel(logging.WARNING)  # no per-dataset chatter
    context = DataContext.get_current()
    context.execution_options.preserve_order = True  # results come back in input order
    context.enable_progress_bars = False  # the build draws its own
    try:
        yield ray
    finally:
        if started:
            ray.shutdown()


def _check_reachable(address: str) -> None:
    """Fail in seconds on a cluster address nothing answers at: Ray itself retries for
    minutes. ``auto`` (the cluster this machine belongs to) is left to Ray."""
    import socket

    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not port.isdigit():
        return
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_SECONDS).close()
    except OSError as exc:
        raise EngineError(f"cannot reach Ray at {address}: {exc.strerror or exc}") from None


def workers() -> int:
    """CPU slots of the cluster: the size of each actor pool."""
    import ray

    return max(1, int(ray.cluster_resources().get("CPU", 1)))


def gpus() -> int:
    import ray

    return int(ray.cluster_resources().get("GPU", 0))


def _dataset(rows: Sequence[dict[str, Any]]) -> Any:
    """A dataset of one block per row, so every chunk can go to its own worker."""
    import ray

    return ray.data.from_items(list(rows), override_num_blocks=max(1, len(rows)))


# --- entities ----------------------------------------------------------------------------
class _RuleEntities:
    """The extractor's corpus pass on a worker: each paper's rule entities."""

    def __init__(self, gazetteer: list[str]) -> None:
        from citegraph.graph.extract import Extractor

        self.extractor = Extractor(extra_files=gazetteer, rules_only=True)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, Any]:
        papers = pickle.loads(batch["papers"][0])
        found = [self.extractor.rule_entities(title, abstract) for _, title, abstract in papers]
        return {"chunk": batch["chunk"], "entities": [blob(found)]}


class _Extract:
    """The extractor, with what the corpus pass learnt, on a worker: each paper's entities."""

    def __init__(self, gazetteer: list[str], model: str | None, learned: bytes) -> None:
        from citegraph.graph.extract import Extractor

        self.extractor = Extractor(extra_files=gazetteer, model=model)
        self.extractor.corpus, self.extractor.acronyms = pickle.loads(learned)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, Any]:
        papers = pickle.loads(batch["papers"][0])
        found = [self.extractor.extract(title, abstract) for _, title, abstract in papers]
        return {"chunk": batch["chunk"], "entities": [blob(found)]}


def _per_paper(dataset: Any, chunks: int, stage: Any) -> list[list[Entity]]:
    """Each paper's entities from a chunked pass, in paper order."""
    parts: dict[int, list[list[Entity]]] = {}
    for row in dataset.iter_rows():
        found = pickle.loads(row["entities"])
        parts[int(row["chunk"])] = found
        stage.advance(len(found))
    return [ents for k in range(chunks) for ents in parts[k]]


def add_entities_distributed(kg: KnowledgeGraph, options: BuildOptions) -> None:
    """:func:`citegraph.graph.entities.add_entities` with both extractor passes on workers."""
    from ray.data import ActorPoolStrategy

    from citegraph.graph.entities import add_extracted, extraction_inputs
    from citegraph.graph.entity_workers import chunked
    from citegraph.graph.extract import Extractor

    papers = extraction_inputs(kg)
    rows = [{"chunk": k, "papers": blob(part)} for k, part in enumerate(chunked(papers))]
    pool = ActorPoolStrategy(size=min(workers(), max(1, len(rows))))
    gazetteer = list(options.gazetteer)
    with options.progress.stage("Learning entity names", total=len(papers)) as stage:
        learning = _dataset(rows).map_batches(
            _RuleEntities, batch_size=1, compute=pool, batch_format="numpy",
            fn_constructor_kwargs={"gazetteer": gazetteer}) if rows else None
        learner = Extractor(extra_files=gazetteer, rules_only=True)
        learner.learn_from(_per_paper(learning, len(rows), stage) if rows else [])
    learned = blob((learner.corpus, learner.acronyms))
    with options.progress.stage("Extracting entities", total=len(papers)) as stage:
        extracting = _dataset(rows).map_batches(
            _Extract, batch_size=1, compute=pool, batch_format="numpy",
            fn_constructor_kwargs={"gazetteer": gazetteer, "model": options.extractor_model,
                                   "learned": learned}) if rows else None
        found = _per_paper(extracting, len(rows), stage) if rows else []
    add_extracted(kg, [(nid, ents) for (nid, _, _), ents in zip(papers, found, strict=True)],
                  learner.acronyms, options.progress, options.entity_embeddings,
                  options.model, options.device)


# --- embeddings --------------------------------------------------------------------------
class _Encode:
    """The sentence-transformers model on a worker: unit vectors for a chunk of texts."""

    def __init__(self, model: str | None, device: str | None) -> None:
        from citegraph.graph.embed import load_encoder

        self.encoder = load_encoder(model, device)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, Any]:
        texts = pickle.loads(batch["texts"][0])
        return {"chunk": batch["chunk"], "vectors": [blob(self.encoder.encode(texts))]}


def encode_distributed(texts: list[str], model: str | None, device: str | None) -> np.ndarray:
    """Vectors of ``texts`` (rows in input order) from an actor pool holding the model.

    Texts go out in the local build's length-sorted chunks, so each model call sees the
    same texts (and padding) as it would locally.
    """
    from ray.data import ActorPoolStrategy

    from citegraph.graph.embed import CHUNK_SIZE

    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    chunks = [order[start:start + CHUNK_SIZE] for start in range(0, len(order), CHUNK_SIZE)]
    rows = [{"chunk": k, "texts": blob([texts[i] for i in rows])}
            for k, rows in enumerate(chunks)]
    on_gpu = gpus() > 0 and device != "cpu"
    pool = ActorPoolStrategy(size=min(gpus() if on_gpu else workers(), len(rows)))
    dataset = _dataset(rows).map_batches(
        _Encode, batch_size=1, compute=pool, batch_format="numpy", num_gpus=1 if on_gpu else 0,
        fn_constructor_kwargs={"model": model, "device": device})
    matrix: np.ndarray | None = None
    for row in dataset.iter_rows():
        vectors = pickle.loads(row["vectors"])
        if matrix is None:
            matrix = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
        matrix[chunks[int(row["chunk"])]] = vectors
    assert matrix is not None
    return matrix


def add_similarity_distributed(kg: KnowledgeGraph, options: BuildOptions,
                               base: KnowledgeGraph | None) -> None:
    """Embeddings on the actor pool, then SIMILAR_TO edges as the local build adds them."""
    from citegraph.graph.embed import embed_papers
    from citegraph.graph.ray_knn import nearest_neighbours_distributed
    from citegraph.graph.similarity import add_similarity_edges

    caches = (base.embeddings if base is not None else None, options.vector_cache)
    kg.embeddings = embed_papers(
        kg, options.model, options.device, caches, options.progress,
        encode=lambda texts: encode_distributed(texts, options.model, options.device))
    add_similarity_edges(kg, kg.embeddings, options.similarity_top_k,
                         options.similarity_threshold, progress=options.progress,
                         search=nearest_neighbours_distributed)


# --- the build ---------------------------------------------------------------------------
def _nothing_read(report: LoadReport) -> InputError:
    problems = "; ".join(f"{i.path}: {i.message}" for i in report.errors[:3])
    return InputError("no papers found" + (f" ({problems})" if problems else ""))


def build_graph(records: Iterable[PaperRecord], options: BuildOptions,
                base: KnowledgeGraph | None = None) -> KnowledgeGraph:
    """The build of :func:`citegraph.graph.pipeline.build_graph` on Ray.

    A :class:`~citegraph.loaders.RecordStream` not yet read is read by Ray tasks, a file
    (or a range of a big JSON-lines file) each; any other iterable of records is read here,
    on the driver. A task that fails ends the build with one line.
    """
    with session(options) as ray:
        try:
            return _build(records, options, base)
        except ray.exceptions.RayError as exc:  # a worker died, or a task raised
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise EngineError(f"the build on Ray failed: {first}") from exc


def _build(records: Iterable[PaperRecord], options: BuildOptions,
           base: KnowledgeGraph | None) -> KnowledgeGraph:
    from citegraph.graph import pipeline
    from citegraph.graph.ray_reading import read_distributed
    from citegraph.loaders import RecordStream

    stream: Iterable[PaperRecord] = records
    report = None
    if isinstance(records, RecordStream):
        report = records.report
        stream = read_distributed(records)
    head = iter(stream)
    first = next(head, None)
    if first is None and base is None and report is not None:
        raise _nothing_read(report)
    # papers, authors, explicit citations and the merge report: the local stages
    local = dataclasses.replace(
        options, engine="local", entities=False, similarity=False, co_mention=False,
        citations=False, keywords=False, co_citation=False, coupling=False,
        co_authorship=False)
    from citegraph.graph.ray_identity import decided_pairs_distributed

    kg = pipeline.build_graph(_chain_first(first, head), local, base,
                              decisions=decided_pairs_distributed)
    if options.entities:
        add_entities_distributed(kg, options)
    if options.similarity:
        add_similarity_distributed(kg, options, base)
    from citegraph.graph.ray_cooccurrence import co_occurrence_distributed

    pipeline.add_relationships(kg, dataclasses.replace(options, similarity=False), base,
                               count_pairs=co_occurrence_distributed)
    return kg


def _chain_first(first: PaperRecord | None, rest: Iterator[PaperRecord]
                 ) -> Iterator[PaperRecord]:
    if first is not None:
        yield first
    yield from rest


__all__ = ["build_graph", "encode_distributed", "session"]
