"""The one name resolver: which node(s) a user's reference means, on every backend.

Query helpers, views, the SPARQL examples and the CLI all turn a reference into nodes
here. A reference may be a node id (``Label:key``), a node key, an entity's name or alias,
an author's name or a paper's title, in any case and any spelling that
:func:`~citegraph.graph.names.fold_name` folds together (``LLaMA-2`` = ``Llama 2`` =
``llama2``). Rules, strongest first; the first rule that finds something decides:

1. the node id itself, or a node whose key is exactly the reference;
2. a name, alias or title equal to the reference ignoring case; a paper also answers to
   its short title (the part before a colon), so ``NanoFlow`` finds "NanoFlow: Towards …";
3. a name, alias, title, short title or key equal after folding.

Papers and entities compete only when a caller accepts both (views, paths). Then the
paper whose full or short title matches wins over entities of that name: the paper that
introduces an entity is the richer neighbourhood and contains the entity. Several nodes
left at the deciding rule raise :class:`~citegraph.errors.AmbiguousName`, unless the
caller passes ``ambiguous="all"``.

Neo4j resolves with one parameterised read of the candidate names of the wanted labels
and then applies these same rules in Python, so both backends find the same nodes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from citegraph.errors import AmbiguousName
from citegraph.graph import schema as S
from citegraph.graph.names import fold_name

if TYPE_CHECKING:
    from citegraph.graph.model import KnowledgeGraph

Ambiguity = Literal["error", "all"]

#: The labels each kind of reference may name.
KINDS: dict[str, tuple[str, ...]] = {
    "entity": S.ENTITY_NODE_LABELS,
    "paper": (S.PAPER,),
    "author": (S.AUTHOR,),
    "keyword": (S.KEYWORD,),
    "benchmark": (S.BENCHMARK,),
    "model": (S.MODEL,),
    "node": (S.PAPER, *S.ENTITY_NODE_LABELS, S.AUTHOR, S.KEYWORD),
}


@dataclass(frozen=True)
class Candidate:
    """What the resolver knows of one node: its id and the names it answers to."""

    nid: str
    label: str
    key: str
    display: str
    names: tuple[str, ...]
    short_title: str | None = None


def short_title(title: str) -> str | None:
    """The part of a title before its first colon, when there is one."""
    head, sep, _ = title.partition(":")
    return head.strip() or None if sep else None


def candidate(label: str, key: str, props: dict[str, Any]) -> Candidate:
    """A :class:`Candidate` from a node's label, key and properties."""
    title = props.get(S.TITLE)
    names = [props.get(S.NAME), title, *(props.get(S.ALIASES) or [])]
    display = str(title or props.get(S.NAME) or key)
    return Candidate(S.node_id(label, key), label, key, display,
                     tuple(str(n) for n in names if n),
                     short_title(title) if label == S.PAPER and title else None)


def kg_candidates(kg: KnowledgeGraph, labels: Iterable[str]) -> Iterator[Candidate]:
    """Every node of ``labels`` in an in-memory graph."""
    for label in labels:
        for _, props in kg.nodes(label):
            yield candidate(label, props[S.KEY], props)


def lookup_cypher() -> str:
    """The one parameterised Neo4j read that lists the candidates of ``$labels``."""
    return (
        "MATCH (n) WHERE any(l IN labels(n) WHERE l IN $labels)"
        " RETURN [l IN labels(n) WHERE l IN $labels][0] AS label,"
        f" n.`{S.KEY}` AS key, n.`{S.NAME}` AS name, n.`{S.TITLE}` AS title,"
        f" n.`{S.ALIASES}` AS aliases"
    )


def rows_candidates(rows: Iterable[dict[str, Any]]) -> Iterator[Candidate]:
    """Candidates from the rows of :func:`lookup_cypher`."""
    for r in rows:
        props = {S.NAME: r.get("name"), S.TITLE: r.get("title"), S.ALIASES: r.get("aliases")}
        yield candidate(r["label"], r["key"], props)


def _tiers(ref: str, cands: list[Candidate]) -> list[list[Candidate]]:
    lowered, folded = ref.casefold(), fold_name(ref)
    exact = [c for c in cands if ref in (c.nid, c.key)]
    nocase = [c for c in cands if any(n.casefold() == lowered for n in c.names)
              or (c.short_title is not None and c.short_title.casefold() == lowered)]
    fold = [c for c in cands if folded and (
        any(fold_name(n) == folded for n in (c.key, *c.names))
        or (c.short_title is not None and fold_name(c.short_title) == folded))]
    return [exact, nocase, fold]


def _prefer_papers(found: list[Candidate]) -> list[Candidate]:
    papers = [c for c in found if c.label == S.PAPER]
    return papers if papers and len(papers) < len(found) else found


def choose(ref: str, cands: Iterable[Candidate], *, ambiguous: Ambiguity = "error",
           what: str = "name") -> list[Candidate]:
    """The candidates ``ref`` means by the rules above; ``[]`` when none."""
    pool = list(cands)
    for found in _tiers(ref.strip(), pool):
        if not found:
            continue
        found = _prefer_papers(sorted(set(found), key=lambda c: c.nid))
        if len(found) > 1 and ambiguous != "all":
            raise ambiguity(ref, found, what)
        return found
    return []


def ambiguity(ref: str, found: list[Candidate], what: str = "name") -> AmbiguousName:
    """The one-line error listing each candidate with its type, key and long form."""
    def show(c: Candidate) -> str:
        typed = S.EntityType.of_label(c.label)
        kind = typed.value if typed is not None else c.label.lower()
        text = " ".join(c.display.split())
        text = text if len(text) <= 60 else text[:59].rstrip() + "…"
        return f"{kind} {c.nid} ({text})"

    shown = "; ".join(show(c) for c in found[:6])
    more = f" and {len(found) - 6} more" if len(found) > 6 else ""
    return AmbiguousName(
        f"{what} {ref!r} is ambiguous: it names {shown}{more}; pass one node id "
        "(Label:key) or ambiguous='all'",
        [(c.label, c.key, c.display) for c in found])


class NameIndex:
    """Which nodes answer to a name, without scanning the graph per reference.

    Every name, alias, title and short title of every node is entered twice, case-folded
    and :func:`fold_name`-folded, as a 64-bit string hash beside the node's position, in
    two sorted arrays. A lookup returns the nodes whose names hash like the reference: a
    superset of the nodes rules 2 and 3 can choose (rule 1 is a direct node lookup), which
    :func:`choose` then filters by the rules themselves, so the index changes speed, never
    answers. Hashes, not strings, keep it to 12 bytes an entry.
    """

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.nids: list[str] = []
        hashes: list[int] = []
        positions: list[int] = []
        for nid, props in kg.nodes():
            seen = name_hashes(candidate(props[S.LABEL], props[S.KEY], props))
            hashes.extend(seen)
            positions.extend([len(self.nids)] * len(seen))
            self.nids.append(nid)
        self._sort(hashes, positions)

    def _sort(self, hashes: list[int], positions: list[int]) -> None:
        import numpy as np

        order = np.argsort(np.asarray(hashes, dtype=np.int64), kind="stable")
        self.hashes = np.asarray(hashes, dtype=np.int64)[order]
        self.positions = np.asarray(positions, dtype=np.int32)[order]

    def lookup(self, ref: str) -> list[str]:
        """Node ids whose names may equal ``ref`` ignoring case or after folding."""
        found: list[str] = []
        folded = fold_name(ref)
        for key in (_key(0, ref.casefold()), *((_key(1, folded),) if folded else ())):
            lo = int(self.hashes.searchsorted(key, "left"))
            hi = int(self.hashes.searchsorted(key, "right"))
            found.extend(self.nids[p] for p in self.positions[lo:hi].tolist())
        return found


def _key(tier: int, text: str) -> int:
    return hash((tier, text))


def name_hashes(c: Candidate) -> set[int]:
    """The hashes a :class:`NameIndex` files a node under: each name case-folded, and
    each name and its key folded."""
    names = (*c.names, c.short_title) if c.short_title else c.names
    seen = {_key(0, n.casefold()) for n in names}
    seen.update(_key(1, fold_name(n)) for n in (c.key, *names))
    return seen


def name_index(kg: KnowledgeGraph) -> NameIndex:
    """The graph's :class:`NameIndex`, built on first use and kept until the graph changes."""
    return kg.derived("resolve.names", NameIndex)


def indexed_candidates(kg: KnowledgeGraph, ref: str, labels: Iterable[str]) -> list[Candidate]:
    """The nodes of ``labels`` that ``ref`` may name by any rule (a superset, from the
    index and direct node lookups); :func:`choose` applies the rules to them."""
    wanted = set(labels)
    ref = ref.strip()
    nids = [ref, *(S.node_id(label, ref) for label in wanted), *name_index(kg).lookup(ref)]
    out: dict[str, Candidate] = {}
    for nid in nids:
        if nid in out or not kg.has_node(nid):
            continue
        props = kg.node(nid)
        if props[S.LABEL] in wanted:
            out[nid] = candidate(props[S.LABEL], props[S.KEY], props)
    return list(out.values())


def resolve(kg: KnowledgeGraph, ref: str, kind: str = "node", *,
            labels: Iterable[str] | None = None, ambiguous: Ambiguity = "error") -> list[str]:
    """Node ids of the in-memory graph that ``ref`` means (see the module rules)."""
    wanted = tuple(labels) if labels is not None else KINDS[kind]
    return [c.nid for c in choose(ref, indexed_candidates(kg, ref, wanted),
                                  ambiguous=ambiguous, what=kind)]


def resolve_rows(rows: Iterable[dict[str, Any]], ref: str, kind: str = "node", *,
                 ambiguous: Ambiguity = "error") -> list[str]:
    """Node ids among Neo4j lookup rows that ``ref`` means, by the same rules."""
    return [c.nid for c in choose(ref, rows_candidates(rows), ambiguous=ambiguous, what=kind)]
