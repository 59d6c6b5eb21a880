"""Inferred CITES edges of an extended graph from the edges it had, redoing only the pairs
the new papers touch.

An inferred edge from paper A to paper B depends only on A's and B's properties, A's
MENTIONS edges, whether A introduces the entity too, B's INTRODUCES edges, and the names
of the entities joining them (:mod:`citegraph.graph.citations`). So after an append:

* a *changed paper* is a paper whose properties, or MENTIONS or INTRODUCES edges (which
  entities, with what evidence), differ between the old and the new graph, or that is in
  only one; a *changed entity* one whose name differs, that is in only one, or that a
  changed paper introduces (which of its introducers are the earliest, the ones cited,
  may differ);
* the pairs to decide again are those with a changed paper at either end (A and what its
  mentions' introducers are, B and who mentions what it introduces), those an old
  inferred edge joined through a changed entity, and those a changed entity links now;
* every other old inferred edge is copied; the pairs to decide again are decided by the
  full rule, run on the part of the graph they read (their citing papers' mentions and
  the introducers of what those name, in the graph's order), and kept when they are
  among the pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from citegraph.graph import schema as S
from citegraph.graph.citations import INFERRED_DISCRIMINATOR, add_inferred_citations
from citegraph.graph.in_place import Kept
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.pairs_update import IndexedBase
from citegraph.graph.typed_edges import edges_from

Pair = tuple[str, str]
_INFERRED_KEY = S.edge_key(S.CITES, INFERRED_DISCRIMINATOR)


def _changed_nodes(old: KnowledgeGraph | IndexedBase, new: KnowledgeGraph,
                   labels: Iterable[str]
                   ) -> set[str]:
    out: set[str] = set()
    for label in labels:
        before = dict(old.nodes(label))
        for nid, props in new.nodes(label):
            if before.pop(nid, None) != props:
                out.add(nid)
        out.update(before)
    return out


def _edge_props(kg: KnowledgeGraph | IndexedBase, rel: str) -> dict[Pair, dict]:
    return {(u, v): props for u, v, _, props in kg.edges(rel)}


def changed_entities(old: KnowledgeGraph | IndexedBase, new: KnowledgeGraph) -> set[str]:
    """Entities whose name differs, or that are in one graph only (what the rule reads of
    an entity node besides its key)."""
    out: set[str] = set()
    for label in S.ENTITY_NODE_LABELS:
        before = {nid: props.get(S.NAME) for nid, props in old.nodes(label)}
        for nid, props in new.nodes(label):
            if nid not in before or before.pop(nid) != props.get(S.NAME):
                out.add(nid)
        out.update(before)
    return out


def changed_papers(old: KnowledgeGraph | IndexedBase, new: KnowledgeGraph) -> set[str]:
    """Papers whose properties, or MENTIONS or INTRODUCES edges, differ."""
    out = _changed_nodes(old, new, (S.PAPER,))
    for rel in (S.MENTIONS, S.INTRODUCES):
        before, after = _edge_props(old, rel), _edge_props(new, rel)
        out.update(p for (p, _) in before.keys() ^ after.keys())
        out.update(pair[0] for pair, props in after.items()
                   if pair in before and before[pair] != props)
    return out


def update_inferred_citations(kg: KnowledgeGraph, base: IndexedBase,
                              keep: Kept | None = None) -> int:
    """The inferred CITES edges of ``kg`` from ``base``'s (see the module docstring);
    returns how many. A base without inferred edges is decided in full (it may have been
    built without them). With ``keep`` the edges not decided again stay in ``base``
    (:mod:`citegraph.graph.in_place`) and the others are dropped there."""
    if not any(props.get(S.INFERRED) for _, _, _, props in base.edges(S.CITES)):
        return add_inferred_citations(kg)
    papers = changed_papers(base, kg)
    entities = changed_entities(base, kg)
    found = edges_from(kg.g, (S.PAPER,), (S.MENTIONS, S.INTRODUCES))
    mentioners: dict[str, list[str]] = defaultdict(list)
    for a, e, _ in found[S.MENTIONS]:
        mentioners[e].append(a)
    introducers: dict[str, list[str]] = defaultdict(list)
    for b, e, _ in found[S.INTRODUCES]:
        introducers[e].append(b)

    for e, by in introducers.items():
        if not papers.isdisjoint(by):
            entities.add(e)
    entities.update(e for b, e, _, _ in base.edges(S.INTRODUCES) if b in papers)
    entity_keys = {kg.node(e)[S.KEY] if kg.has_node(e) else base.node(e)[S.KEY]
                   for e in entities}

    redo: set[Pair] = set()
    copied = 0
    for a, b, _, props in base.edges(S.CITES):
        if not props.get(S.INFERRED):
            continue
        if a in papers or b in papers or entity_keys.intersection(props.get(S.VIA) or ()):
            redo.add((a, b))
            if keep is not None:
                keep.drop.append((a, b, _INFERRED_KEY))
            continue
        if keep is not None:
            continue
        kg.add_edge(S.CITES, a, b, INFERRED_DISCRIMINATOR,
                    **{k: x for k, x in props.items() if k != S.TYPE})
        copied += 1
    for e in entities:
        redo.update((a, b) for a in mentioners.get(e, ()) for b in introducers.get(e, ()))
    for a in papers:
        if kg.has_node(a):
            for e in _targets(kg, a, S.MENTIONS):
                redo.update((a, b) for b in introducers.get(e, ()))
            for e in _targets(kg, a, S.INTRODUCES):
                redo.update((m, a) for m in mentioners.get(e, ()))
    redo = {(a, b) for a, b in redo if a != b and kg.has_node(a) and kg.has_node(b)}
    return copied + _decide(kg, redo, introducers)


def _targets(kg: KnowledgeGraph, nid: str, rel: str) -> list[str]:
    """Ends of ``nid``'s ``rel`` edges, in the graph's order."""
    return [v for _, v, attrs in kg.g.out_edges(nid, data=True) if attrs[S.TYPE] == rel]


def _decide(kg: KnowledgeGraph, pairs: set[Pair], introducers: dict[str, list[str]]) -> int:
    """Run the full rule on the part of ``kg`` the pairs read and add the edges it infers
    for them."""
    if not pairs:
        return 0
    citing = {a for a, _ in pairs}
    part = KnowledgeGraph()
    order = {nid: n for n, nid in enumerate(kg.g)}

    needed: set[str] = set()
    for a in citing:
        needed.add(a)
        for e in _targets(kg, a, S.MENTIONS):
            needed.add(e)
            needed.update(introducers.get(e, ()))
    nodes = sorted(needed, key=order.__getitem__)  # the graph's node order
    for nid in nodes:
        part.g.add_node(nid, **kg.node(nid))
    entities = {e for e in needed if kg.node(e)[S.LABEL] in S.ENTITY_NODE_LABELS}
    for nid in nodes:  # each node's edges in the graph's order
        for _, v, key, attrs in kg.g.out_edges(nid, keys=True, data=True):
            rel = attrs[S.TYPE]
            if ((rel == S.MENTIONS and nid in citing)
                    or (rel == S.INTRODUCES and v in entities)):
                part.g.add_edge(nid, v, key=key, **attrs)
    add_inferred_citations(part)
    added = 0
    for a, b, key, attrs in part.g.edges(keys=True, data=True):
        if attrs[S.TYPE] == S.CITES and (a, b) in pairs:
            kg.add_edge(S.CITES, a, b, S.split_edge_key(key)[1],
                        **{k: x for k, x in attrs.items() if k != S.TYPE})
            added += 1
    return added
