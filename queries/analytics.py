"""Whole-graph helpers: PageRank, communities, shortest paths and full-text search.

On Neo4j, PageRank and communities run in the Graph Data Science plugin when it is
installed (``scripts/neo4j install`` adds it) and otherwise in Python over the nodes and
relationships read from the database, once per graph version
(:mod:`~citegraph.queries.projections`); the embedded backend runs the same Python code.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from citegraph.errors import BadArgument
from citegraph.graph import schema as S
from citegraph.graph.names import APOSTROPHES, strip_possessive
from citegraph.queries import algorithms, projections
from citegraph.queries.backends import Neo4jBackend
from citegraph.queries.common import (
    ENTITY_LABELS,
    entity_type,
    entity_type_labels,
    node_ids_test,
)
from citegraph.queries.indexes import ranking
from citegraph.queries.registry import Helper, Param, Row, optional, register
from citegraph.queries.resolve import Ambiguity, resolve

if TYPE_CHECKING:
    import numpy as np

    from citegraph.graph.model import KnowledgeGraph

#: PageRank runs over papers and entities joined by mentions and co-mentions, undirected.
RANK_LABELS: tuple[str, ...] = (S.PAPER, *ENTITY_LABELS)
RANK_TYPES: tuple[str, ...] = (S.MENTIONS, S.CO_MENTIONED)
#: Communities are found among entities joined by co-mentions.
COMMUNITY_LABELS: tuple[str, ...] = ENTITY_LABELS
COMMUNITY_TYPES: tuple[str, ...] = (S.CO_MENTIONED,)
#: Longest path ``shortest_path`` looks for (hops).
MAX_PATH_LENGTH = 12
#: Decimals PageRank scores are rounded to, so near-equal scores tie and sort by key.
SCORE_DECIMALS = 6


# --- reading a projection ------------------------------------------------------------


def _embedded_projection(
    kg: KnowledgeGraph, labels: tuple[str, ...], types: tuple[str, ...]
) -> tuple[list[str], list[tuple[str, str]], dict[str, Any]]:
    nodes, names = [], {}
    for nid, a in kg.nodes():
        if a[S.LABEL] in labels:
            nodes.append(nid)
            names[nid] = a.get(S.NAME, a.get(S.TITLE))
    edges = [(u, v) for u, v, t, _ in kg.edges() if t in types]
    return nodes, edges, names


# --- PageRank --------------------------------------------------------------------------


def _rank_rows(
    scores: dict[str, float], names: dict[str, Any], type: str | None, limit: int | None
) -> list[Row]:
    labels = set(entity_type_labels(type))
    rows = []
    for nid, score in scores.items():
        label, key = S.split_node_id(nid)
        if label in labels:
            rows.append({"type": entity_type(label), "key": key, "name": names.get(nid),
                         "score": round(score, SCORE_DECIMALS)})
    rows.sort(key=lambda r: (-r["score"], r["key"], r["type"]))
    return rows if limit is None else rows[: max(int(limit), 0)]


def top_entities_by_pagerank(
    kg: KnowledgeGraph, type: str | None = None, limit: int = 10
) -> list[Row]:
    labels = entity_type_labels(type)

    def values(kg: KnowledgeGraph) -> tuple[dict[str, float], dict[str, Any]]:
        nodes, edges, names = _embedded_projection(kg, RANK_LABELS, RANK_TYPES)
        return algorithms.pagerank(nodes, edges), names

    def rank(kg: KnowledgeGraph) -> list[Row]:
        return _rank_rows(*ranking(kg, "pagerank", values), type, None)

    rows = ranking(kg, f"pagerank:{labels}", rank)
    return [dict(r) for r in (rows if limit is None else rows[: max(int(limit), 0)])]


RANK = projections.Algorithm(
    "rank", RANK_LABELS, RANK_TYPES, "gds.pageRank.stream", "score", algorithms.pagerank,
    {"dampingFactor": algorithms.DAMPING, "maxIterations": algorithms.MAX_ITERATIONS,
     "tolerance": algorithms.TOLERANCE},
)


def _pagerank_neo4j(backend: Neo4jBackend, type: str | None = None, limit: int = 10) -> list[Row]:
    entity_type_labels(type)  # reject a bad type before any work
    scores, names = projections.values(backend, RANK)
    return _rank_rows(scores, names, type, limit)


register(Helper(
    name="top_entities_by_pagerank",
    whole_graph=True,
    doc=(
        "Entities of a type (or all) ranked by PageRank over papers and entities joined by "
        "MENTIONS and CO_MENTIONED (undirected, damping 0.85; GDS scale, not normalised)."
    ),
    params=(optional("type", "entity_type", "method, model or benchmark; all when omitted"),
            optional("limit", "int", "at most this many rows", 10)),
    columns=("type", "key", "name", "score"),
    embedded=top_entities_by_pagerank,
    neo4j=_pagerank_neo4j,
    approximate=("score",),
))


# --- communities -----------------------------------------------------------------------


def _community_rows(
    assignment: dict[str, Any], names: dict[str, Any], type: str | None, min_size: int
) -> list[Row]:
    groups: dict[Any, list[str]] = defaultdict(list)
    for nid, community in assignment.items():
        groups[community].append(nid)
    ordered = sorted(groups.values(), key=lambda members: (-len(members), min(members)))
    labels = set(entity_type_labels(type))
    rows = []
    for number, members in enumerate(ordered, start=1):
        if len(members) < max(int(min_size), 1):
            continue
        for nid in sorted(members):
            label, key = S.split_node_id(nid)
            if label in labels:
                rows.append({"community": number, "size": len(members),
                             "type": entity_type(label), "key": key, "name": names.get(nid)})
    return rows


def communities(kg: KnowledgeGraph, type: str | None = None, min_size: int = 2) -> list[Row]:
    def values(kg: KnowledgeGraph) -> tuple[dict[str, Any], dict[str, Any]]:
        nodes, edges, names = _embedded_projection(kg, COMMUNITY_LABELS, COMMUNITY_TYPES)
        return algorithms.louvain(nodes, edges), names

    assignment, names = ranking(kg, "communities", values)
    return _community_rows(assignment, names, type, min_size)


COMMUNITIES = projections.Algorithm(
    "communities", COMMUNITY_LABELS, COMMUNITY_TYPES, "gds.louvain.stream", "communityId",
    algorithms.louvain,
)


def _communities_neo4j(
    backend: Neo4jBackend, type: str | None = None, min_size: int = 2
) -> list[Row]:
    entity_type_labels(type)
    assignment, names = projections.values(backend, COMMUNITIES)
    return _community_rows(assignment, names, type, min_size)


register(Helper(
    name="communities",
    whole_graph=True,
    doc=(
        "Communities of entities (Louvain over CO_MENTIONED), largest first; numbered from 1, "
        "communities smaller than min_size left out."
    ),
    params=(optional("type", "entity_type", "only list entities of this type"),
            optional("min_size", "int", "smallest community listed", 2)),
    columns=("community", "size", "type", "key", "name"),
    embedded=communities,
    neo4j=_communities_neo4j,
))


# --- shortest path ---------------------------------------------------------------------


def _find_nodes(kg: KnowledgeGraph, ref: str, ambiguous: Ambiguity) -> list[str]:
    return resolve(kg, ref, "node", ambiguous=ambiguous)


def _path_rows(steps: list[list[Any]]) -> list[Row]:
    return [{"step": i, "label": label, "key": key, "name": name}
            for i, (label, key, name) in enumerate(steps)]


def _around(kg: KnowledgeGraph, nid: str) -> set[str]:
    """Nodes joined to ``nid`` by an edge either way (the graph taken as undirected)."""
    return kg.neighbours(nid) - {nid}


def _layers(kg: KnowledgeGraph, s: str, t: str) -> tuple[int, list[set[str]]] | None:
    """The length of a shortest path from ``s`` to ``t`` (at most MAX_PATH_LENGTH) and,
    per position along it, the nodes that some shortest path passes there.

    Breadth-first from both ends, growing the smaller frontier, so a search reads the
    neighbourhoods between the two nodes, not the graph."""
    sides = [([{s}], {s: 0}), ([{t}], {t: 0})]
    while True:
        (layers_s, _), (layers_t, _) = sides
        if len(layers_s) + len(layers_t) - 1 > MAX_PATH_LENGTH:
            return None  # every path left is longer than the limit
        grow = 0 if len(layers_s[-1]) <= len(layers_t[-1]) else 1
        layers, seen = sides[grow]
        other_seen = sides[1 - grow][1]
        depth = len(layers)
        new = {m for n in layers[-1] for m in _around(kg, n) if m not in seen}
        if not new:
            return None
        layers.append(new)
        seen.update(dict.fromkeys(new, depth))
        met = [m for m in new if m in other_seen]
        if met:
            break
    through = min(other_seen[m] for m in met)
    meet = {m for m in met if other_seen[m] == through}
    (layers_s, _), (layers_t, _) = sides
    length = depth + through
    at = depth if grow == 0 else through  # position of the meeting nodes from s
    on: list[set[str]] = [set() for _ in range(length + 1)]
    on[at] = meet
    for k in range(at - 1, -1, -1):
        on[k] = {n for n in layers_s[k] if _around(kg, n) & on[k + 1]}
    for k in range(at + 1, length + 1):
        on[k] = {n for n in layers_t[length - k] if _around(kg, n) & on[k - 1]}
    return length, on


def _smallest_path(kg: KnowledgeGraph, s: str, t: str) -> list[str] | None:
    """Among the shortest paths from ``s`` to ``t``, the one whose node ids are smallest,
    position by position (the first position that differs decides)."""
    found = _layers(kg, s, t)
    if found is None:
        return None
    length, on = found
    path = [s]
    for k in range(1, length + 1):
        path.append(min(_around(kg, path[-1]) & on[k]))
    return path


def shortest_path(kg: KnowledgeGraph, source: str, target: str,
                  ambiguous: Ambiguity = "error") -> list[Row]:
    best: tuple[int, list[str]] | None = None
    for s in _find_nodes(kg, source, ambiguous):
        for t in _find_nodes(kg, target, ambiguous):
            if s == t:
                continue
            path = _smallest_path(kg, s, t)
            if path is not None and (best is None or (len(path), path) < best):
                best = (len(path), path)
    if best is None:
        return []
    steps = []
    for nid in best[1]:
        a = kg.node(nid)
        steps.append([a[S.LABEL], a[S.KEY], a.get(S.NAME, a.get(S.TITLE))])
    return _path_rows(steps)


register(Helper(
    name="shortest_path",
    doc=(
        "A shortest path between two nodes over every relationship, either direction "
        f"(up to {MAX_PATH_LENGTH} hops). Nodes are given as Label:key or by key, name, title "
        "or alias; among equally short paths the one with the smallest node ids is returned."
    ),
    params=(Param("source", "node", "Label:key, or a key, name, title or alias"),
            Param("target", "node", "Label:key, or a key, name, title or alias")),
    columns=("step", "label", "key", "name"),
    embedded=shortest_path,
    cypher=(
        f"MATCH (a) WHERE {node_ids_test('a', 'source')}"
        f" MATCH (b) WHERE {node_ids_test('b', 'target')}"
        + f" WITH a, b WHERE a <> b MATCH p = allShortestPaths((a)-[*..{MAX_PATH_LENGTH}]-(b))"
        " WITH p, [n IN nodes(p) | [[l IN labels(n) WHERE l IN $schema_labels][0],"
        f" n.`{S.KEY}`, coalesce(n.`{S.NAME}`, n.`{S.TITLE}`)]] AS steps"
        " RETURN steps ORDER BY length(p), [s IN steps | s[0] + ':' + s[1]] LIMIT 1"
    ),
    post=lambda rows, values: _path_rows(rows[0]["steps"]) if rows else [],
))


# --- full-text search ------------------------------------------------------------------

#: Words as the Lucene standard analyzer sees them (letters/digits, joined by . or ').
_WORD = re.compile(r"\w+(?:[.'’]\w+)*")


def words(text: str) -> list[str]:
    """Search words: lower-cased, possessive ``'s`` dropped (``Rubik's`` is ``rubik``)."""
    return _WORD.findall(strip_possessive(text).lower())


def _lucene_term(word: str) -> str:
    """One required Lucene clause matching ``word`` with or without a possessive, as the
    index keeps ``rubik's`` as one token."""
    return "+(" + " ".join([word, *(f"{word}{a}s" for a in APOSTROPHES)]) + ")"


def _search_labels(label: str | None) -> tuple[str, ...]:
    kinds = [k for k in S.NODE_KINDS if k.fulltext]
    if not label:
        return tuple(k.label for k in kinds)
    for kind in kinds:
        typed = S.EntityType.parse(label)
        if label.strip().lower() == kind.label.lower() or (typed and typed.label == kind.label):
            return (kind.label,)
    choices = ", ".join(k.label for k in kinds)
    raise BadArgument(f"no full-text index for {label!r} (one of: {choices})")


def _node_words(props: dict[str, Any], fields: tuple[str, ...]) -> set[str]:
    found: set[str] = set()
    for field in fields:
        value = props.get(field)
        if isinstance(value, str):
            found.update(words(value))
    return found


class WordIndex:
    """Which nodes hold each search word, so a search does not tokenise every node.

    Nodes with full-text fields are numbered in the answer order of ``search`` (label,
    then key); each distinct word of a node is one entry: the word's 64-bit string hash
    and the node's number, in arrays sorted by hash, then number. The nodes holding every
    word of a query are read in answer order from the shortest word's entries, kept when
    the other words' entries hold them too (binary search), so a search touches the
    entries of its rarest word and stops at its limit. Each node is still checked against
    its own text before it is returned, so the index changes speed, not answers.
    """

    _CHUNK = 1 << 20  # entries gathered in Python before they move into numpy

    def __init__(self, kg: KnowledgeGraph) -> None:
        import numpy as np

        fulltext = {kind.label: kind.fulltext for kind in S.NODE_KINDS if kind.fulltext}
        found = sorted((props[S.LABEL], props[S.KEY], nid) for nid, props in kg.nodes()
                       if props[S.LABEL] in fulltext)
        self.nids: list[str] = [nid for _, _, nid in found]
        labels = [label for label, _, _ in found]
        #: the numbers of each label's nodes: ``[start, end)``
        self.spans: dict[str, tuple[int, int]] = {}
        for at, label in enumerate(labels):
            start, _ = self.spans.get(label, (at, at))
            self.spans[label] = (start, at + 1)
        parts_h: list[np.ndarray] = []
        parts_p: list[np.ndarray] = []
        hashes: list[int] = []
        positions: list[int] = []
        for at, nid in enumerate(self.nids):
            seen = {hash(w) for w in _node_words(kg.node(nid), fulltext[labels[at]])}
            hashes.extend(seen)
            positions.extend([at] * len(seen))
            if len(hashes) >= self._CHUNK:
                parts_h.append(np.asarray(hashes, dtype=np.int64))
                parts_p.append(np.asarray(positions, dtype=np.int32))
                hashes, positions = [], []
        parts_h.append(np.asarray(hashes, dtype=np.int64))
        parts_p.append(np.asarray(positions, dtype=np.int32))
        all_h = np.concatenate(parts_h)
        order = np.argsort(all_h, kind="stable")  # numbers stay ascending per word
        self.hashes = all_h[order]
        self.positions = np.concatenate(parts_p)[order]

    def _entries(self, term: str) -> np.ndarray:
        key = hash(term)
        lo = int(self.hashes.searchsorted(key, "left"))
        hi = int(self.hashes.searchsorted(key, "right"))
        return self.positions[lo:hi]

    def holding(self, terms: set[str], labels: Iterable[str]) -> Iterator[str]:
        """Node ids of ``labels`` whose words may include every term (by hash), in answer
        order, found as they are read."""
        entries = sorted((self._entries(t) for t in terms), key=len)
        spans = sorted(self.spans[label] for label in labels if label in self.spans)
        base, others = entries[0], entries[1:]
        for start, end in spans:
            part = base[base.searchsorted(start):base.searchsorted(end)]
            for other in others:
                if not len(part):
                    break
                at = other.searchsorted(part).clip(max=max(len(other) - 1, 0))
                part = part[other[at] == part] if len(other) else part[:0]
            for p in part.tolist():
                yield self.nids[p]


def search(kg: KnowledgeGraph, text: str, label: str | None = None, limit: int = 20) -> list[Row]:
    terms = set(words(text))
    if not terms:
        return []
    wanted = _search_labels(label)
    limit = max(int(limit), 0)
    rows: list[Row] = []
    if not limit:
        return rows
    for nid in kg.derived("search.words", WordIndex).holding(terms, wanted):
        a = kg.node(nid)
        lab = a[S.LABEL]
        if terms <= _node_words(a, S.NODE_KIND_BY_LABEL[lab].fulltext):
            rows.append({"label": lab, "key": a[S.KEY], "name": a.get(S.NAME, a.get(S.TITLE))})
            if len(rows) >= limit:
                break
    return rows


def _search_params(values: dict[str, Any]) -> dict[str, Any]:
    from citegraph.graph.stores.neo4j_schema import fulltext_index_name

    terms = sorted(set(words(values["text"])))
    return {
        "lucene": " ".join(_lucene_term(term) for term in terms),
        "indexes": [{"label": lab, "name": fulltext_index_name(lab)}
                    for lab in _search_labels(values.get("label"))],
    }


register(Helper(
    name="search",
    doc=(
        "Full-text search of paper titles and abstracts and of entity and author names: "
        "nodes containing every word of the text, by label and key."
    ),
    params=(Param("text", "text", "words that must all occur"),
            optional("label", "text", "only this label (Paper, Author, Method, Model, ...)"),
            optional("limit", "int", "at most this many rows", 20)),
    columns=("label", "key", "name"),
    embedded=search,
    extra_params=_search_params,
    cypher=(
        "UNWIND $indexes AS ix WITH ix WHERE $lucene <> ''"
        " CALL db.index.fulltext.queryNodes(ix.name, $lucene) YIELD node"
        f" RETURN ix.label AS label, node.`{S.KEY}` AS key,"
        f" coalesce(node.`{S.NAME}`, node.`{S.TITLE}`) AS name"
        " ORDER BY label, key LIMIT $limit"
    ),
))
