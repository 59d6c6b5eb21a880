"""The entity stage of the build: Method, Model and Benchmark nodes and their edges.

Runs the extractor over every paper twice — once to learn the names the corpus introduces,
once to extract — then resolves spellings corpus-wide so each entity is one node:

* a key folds case, spacing and punctuation (``LLaMA`` = ``Llama``);
* an acronym goes to the long form the corpus most often spells it out as
  (``DPO`` → ``direct preference optimization``), and every alias a paper pairs with a
  name goes to that name's node;
* a model variant gets a VARIANT_OF edge to its family (``Llama-3-8B`` → ``Llama 3``).

A model and a benchmark named in the same sentence of a paper give EVALUATED_ON.
"""

from __future__ import annotations

import pickle
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from citegraph.errors import GraphError
from citegraph.graph import schema as S
from citegraph.graph.entity_cache import (
    EntityCache,
    PaperEntities,
    Staleness,
    fingerprint,
    text_hash,
)
from citegraph.graph.entity_workers import (
    Paper,
    Setup,
    each_paper,
    extract_chunk,
    learn_chunk,
    run_pool,
    worker_count,
)
from citegraph.graph.extract import Entity, Extractor
from citegraph.graph.extract.extractor import Learnt, combine_learnt
from citegraph.graph.extract.resolve import entity_key
from citegraph.graph.extract.text import norm_key
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.progress import SILENT, Progress

MAX_EVIDENCE = 3
T = TypeVar("T")


@dataclass
class _Node:
    """What the corpus says about one resolved entity."""

    names: Counter[str] = field(default_factory=Counter)
    types: Counter[S.EntityType] = field(default_factory=Counter)
    aliases: set[str] = field(default_factory=set)
    papers: set[str] = field(default_factory=set)
    introduced: bool = False
    canonical: str | None = None
    family: str | None = None
    family_evidence: list[str] = field(default_factory=list)


class _Resolver:
    """Maps every spelling key to one node key (union-find, long forms win over acronyms)."""

    def __init__(self, acronyms: dict[str, str]) -> None:
        self.parent: dict[str, str] = {}
        self.acronyms = acronyms
        self.canonical: set[str] = set()  # gazetteer keys: they name the merged node

    def find(self, key: str) -> str:
        self.parent.setdefault(key, key)
        while self.parent[key] != key:
            self.parent[key] = self.parent[self.parent[key]]
            key = self.parent[key]
        return key

    def union(self, keep: str, other: str) -> None:
        a, b = self.find(keep), self.find(other)
        if a == b:
            return
        if (b in self.canonical, len(b)) > (a in self.canonical, len(a)):
            a, b = b, a  # a gazetteer key, else the longer (spelled-out) key, is the root
        self.parent[b] = a

    def add(self, ent: Entity) -> None:
        self.find(ent.key)
        for alias in ent.aliases:
            akey = norm_key(alias)
            if not akey:
                continue
            majority = self.acronyms.get(akey)
            if majority is None or entity_key(majority) == ent.key or ent.canonical:
                self.union(ent.key, akey)
        if ent.key in self.acronyms:  # an acronym used alone: its corpus long form
            self.union(entity_key(self.acronyms[ent.key]), ent.key)


def _type(types: Counter[S.EntityType]) -> S.EntityType:
    """The type most of an entity's mentions give it."""
    return types.most_common(1)[0][0]


def _entity_type(ent: Entity) -> S.EntityType:
    """The schema's type of an extracted entity (the extractor speaks the same strings)."""
    try:
        return S.EntityType(ent.type)
    except ValueError:
        raise GraphError(f"the extractor gave {ent.name!r} an unknown entity type "
                         f"{ent.type!r}") from None


def extraction_inputs(kg: KnowledgeGraph) -> list[tuple[str, str, str]]:
    """``(node id, title, abstract)`` of every paper entities are extracted from: stubs from
    reference lists carry a title at most and name no entities of their own."""
    return [(nid, p.get(S.TITLE, ""), p.get(S.ABSTRACT, ""))
            for nid, p in kg.nodes(S.PAPER) if not p.get(S.STUB)]


def add_entities(kg: KnowledgeGraph, progress: Progress = SILENT,
                 gazetteer: Sequence[str] = (), embeddings: bool = False,
                 model: str | None = None, device: str | None = None,
                 extractor_model: str | None = None,
                 cache: EntityCache | None = None, workers: int | None = 1) -> EntityCache | None:
    """Extract entities from every non-stub paper of ``kg`` and add nodes and edges.

    With ``embeddings``, a sentence-transformers model types names no signal could type
    and merges near-duplicate names (see :mod:`citegraph.graph.extract.embed`). ``cache``
    is what an earlier build of these papers found (:mod:`citegraph.graph.entity_cache`):
    papers whose result it still holds are not extracted again. ``workers`` processes run
    both passes (None = this machine's usable cores, 1 = this process; see
    :mod:`citegraph.graph.entity_workers`); the result does not depend on it. Returns the
    cache of this build (None with ``embeddings``, whose retyping is not kept per paper).
    """
    papers = [(p[S.KEY], p.get(S.TITLE, ""), p.get(S.ABSTRACT, ""))
              for _, p in kg.nodes(S.PAPER) if not p.get(S.STUB)]
    extractor = Extractor(extra_files=list(gazetteer), model=extractor_model)
    stamp = fingerprint(gazetteer, extractor_model)
    if embeddings or cache is None or cache.fingerprint != stamp:
        cache = EntityCache(stamp)
    hashes = [text_hash(title, abstract) for _, title, abstract in papers]
    hits = [cache.get(key, h) for (key, _, _), h in zip(papers, hashes, strict=True)]
    with progress.stage("Learning entity names", total=len(papers)) as stage:
        learnt: list[Learnt | None] = [hit.learnt if hit is not None else None for hit in hits]
        todo = [i for i, one in enumerate(learnt) if one is None]
        for i, one in zip(todo, _per_paper(
                [papers[i] for i in todo], extractor.learnt, learn_chunk, workers,
                lambda: (list(gazetteer), extractor_model, None), stage), strict=True):
            learnt[i] = one
        stage.advance(len(papers) - len(todo))
    before = cache.combined() if any(hits) else None
    extractor.adopt(learnt)
    stale = Staleness(before, combine_learnt(learnt)) if before is not None else None
    fresh = EntityCache(stamp)
    found: list[tuple[str, list[Entity]]] = []
    with progress.stage("Extracting entities", total=len(papers)) as stage:
        ents_of: list[list[Entity] | None] = [
            hit.found if hit is not None and not (stale and stale.stale(title, abstract))
            else None for hit, (_, title, abstract) in zip(hits, papers, strict=True)]
        todo = [i for i, ents in enumerate(ents_of) if ents is None]
        for i, ents in zip(todo, _per_paper(
                [papers[i] for i in todo], extractor.extract, extract_chunk, workers,
                lambda: (list(gazetteer), extractor_model, _learned(extractor)), stage),
                strict=True):
            ents_of[i] = ents
        stage.advance(len(papers) - len(todo))
        for (key, _, _), h, taught, ents in zip(papers, hashes, learnt, ents_of, strict=True):
            fresh.papers[key] = PaperEntities(h, taught, ents)
            found.append((S.node_id(S.PAPER, key), ents))
    add_extracted(kg, found, extractor.acronyms, progress, embeddings, model, device)
    return None if embeddings else fresh


def _per_paper(papers: list[Paper], run: Callable[[str, str], T],
               job: Callable[[Sequence[Paper]], list[T]], workers: int | None,
               setup: Callable[[], Setup], stage: Any) -> list[T]:
    """Each paper's ``run(title, abstract)`` in paper order: in this process, or with more
    than one worker, ``job`` over chunks of papers on workers started with ``setup()``
    (the same method of extractors built alike, see :mod:`citegraph.graph.entity_workers`)."""
    count = worker_count(workers, len(papers))
    if count > 1:
        return run_pool(papers, job, count, setup(), stage.advance)
    return each_paper(papers, run, stage.advance)


def _learned(extractor: Extractor) -> bytes:
    """What the corpus pass taught ``extractor``, as the bytes a worker starts from."""
    return pickle.dumps((extractor.corpus, extractor.acronyms), protocol=pickle.HIGHEST_PROTOCOL)


def add_extracted(kg: KnowledgeGraph, found: list[tuple[str, list[Entity]]],
                  acronyms: dict[str, str], progress: Progress = SILENT,
                  embeddings: bool = False, model: str | None = None,
                  device: str | None = None) -> None:
    """Resolve the entities extracted per paper (in paper order) corpus-wide and add their
    nodes and edges; the half of :func:`add_entities` that needs the whole corpus at once."""
    embedder = None
    if embeddings:
        from citegraph.graph.extract.embed import EntityEmbedder

        embedder = EntityEmbedder(model, device)
        with progress.stage("Typing unknown names", total=None):
            _retype(embedder, [e for _, ents in found for e in ents])
    _add_to_graph(kg, found, acronyms, embedder)


def _retype(embedder, entities: list[Entity]) -> None:
    """Give names whose type was only a default the type their context is closest to."""
    unsure = [e for e in entities if e.typed_by == "default"]
    types = embedder.type_of([f"{e.name}: {e.evidence[0] if e.evidence else e.name}"
                              for e in unsure])
    for ent, kind in zip(unsure, types, strict=True):
        ent.type, ent.typed_by = kind, "embedding"


def _merge_near_duplicates(embedder, resolver: _Resolver, found) -> None:
    """Union node keys whose names are near-duplicates by spelling and by meaning."""
    names: dict[str, str] = {}
    for _, ents in found:
        for ent in ents:
            names.setdefault(resolver.find(ent.key), ent.name)
    keys = list(names)
    for i, j in embedder.near_duplicates([names[k] for k in keys]):
        resolver.union(keys[i], keys[j])


def _add_to_graph(kg: KnowledgeGraph, found: list[tuple[str, list[Entity]]],
                  acronyms: dict[str, str], embedder=None) -> None:
    resolver = _Resolver(acronyms)
    resolver.canonical = {ent.key for _, ents in found for ent in ents if ent.canonical}
    for _, ents in found:
        for ent in ents:
            resolver.add(ent)
    if embedder is not None:
        _merge_near_duplicates(embedder, resolver, found)
    nodes: dict[str, _Node] = defaultdict(_Node)
    for paper, ents in found:
        for ent in ents:
            node = nodes[resolver.find(ent.key)]
            node.names[ent.canonical or ent.name] += 1
            node.types[_entity_type(ent)] += 1
            node.aliases.update([ent.name, *ent.aliases])
            node.papers.add(paper)
            node.introduced |= ent.introduced
            node.canonical = node.canonical or ent.canonical
            if ent.family and ent.type == S.EntityType.MODEL:
                node.family = node.family or ent.family
                if len(node.family_evidence) < MAX_EVIDENCE:  # only these many are kept
                    node.family_evidence.extend(ent.evidence[:1])
    ids: dict[str, str] = {}
    for key, node in nodes.items():
        name = node.canonical or node.names.most_common(1)[0][0]
        aliases = sorted(a for a in node.aliases if norm_key(a) != norm_key(name))
        kind = _type(node.types)
        ids[key] = kg.add_node(kind.label, key, **{
            S.NAME: name, S.ALIASES: aliases, S.ENTITY_TYPE: kind.value,
            S.INTRODUCED: node.introduced, S.PAPER_COUNT: len(node.papers)})
    for key, node in nodes.items():
        if not node.family or _type(node.types) is not S.EntityType.MODEL:
            continue
        fkey = resolver.find(entity_key(node.family))
        if fkey == key:
            continue
        if fkey not in ids:
            ids[fkey] = kg.add_node(S.MODEL, fkey, **{
                S.NAME: node.family, S.ENTITY_TYPE: S.EntityType.MODEL.value, S.INTRODUCED: False,
                S.PAPER_COUNT: 0})
        elif kg.node(ids[fkey])[S.LABEL] != S.MODEL:
            continue
        kg.add_edge(S.VARIANT_OF, ids[key], ids[fkey],
                    **{S.EVIDENCE: node.family_evidence[:MAX_EVIDENCE]})
    evaluated: dict[tuple[str, str], list] = defaultdict(lambda: [0, []])
    for paper, ents in found:
        mentioned: dict[str, Entity] = {}
        for ent in ents:
            mentioned.setdefault(resolver.find(ent.key), ent)
        for key, ent in mentioned.items():
            nid = ids[key]
            sources = ",".join(s for s in ("title", "abstract") if s in ent.sources)
            kg.add_edge(S.MENTIONS, paper, nid, **{S.COUNT: ent.count,
                        S.EVIDENCE: ent.evidence[:MAX_EVIDENCE], S.SOURCE: sources})
            if ent.introduced:
                kg.add_edge(S.INTRODUCES, paper, nid, **{S.EVIDENCE: ent.evidence[:1]})
        for mkey, model in mentioned.items():
            if kg.node(ids[mkey])[S.LABEL] != S.MODEL:
                continue
            for bkey, bench in mentioned.items():
                if kg.node(ids[bkey])[S.LABEL] != S.BENCHMARK:
                    continue
                shared = [s for s in model.evidence if s in bench.evidence]
                if shared:
                    slot = evaluated[(ids[mkey], ids[bkey])]
                    slot[0] += 1
                    for sentence in shared:  # a popular pair would grow a long list
                        if len(slot[1]) >= MAX_EVIDENCE:
                            break
                        if sentence not in slot[1]:
                            slot[1].append(sentence)
    for (model_id, bench_id), (count, evidence) in evaluated.items():
        kg.add_edge(S.EVALUATED_ON, model_id, bench_id,
                    **{S.COUNT: count, S.EVIDENCE: evidence[:MAX_EVIDENCE]})
