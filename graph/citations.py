"""Inferred CITES edges: paper A names an entity that an earlier paper B introduced.

If B presents an entity as new (INTRODUCES) and A, which appeared no earlier than B,
names it (MENTIONS), A very likely builds on B, so the build adds
``A -[CITES {inferred: true}]-> B``. One inferred edge per pair of papers, under the
discriminator ``"inferred"``, so it never overwrites an explicit citation from a loader
(both may exist). It carries ``via`` (the keys of the entities that link the two, sorted)
and ``evidence`` (A's sentences naming them, then B's sentences introducing them; the
entity's name when the extraction kept no sentence).

"B is not later than A" is decided from the best evidence the two papers share, in order:

1. both have a full date (``date``, ISO): B's date <= A's date (same day counts);
2. both have arXiv identifiers: B's id sorts no later than A's (arXiv numbers papers in
   submission order: year and month, then a sequence number);
3. both have a year and the years differ: B's year is earlier;
4. the dates leave it open (one or both papers undated, or the same year without full
   dates): B's title names the entity as its subject (the title, or its head before a
   colon or dash, is the entity's name, give or take "technical report" or "algorithms"),
   and A's sentences spell that name out. B is then the entity's origin, and A, naming
   it, cannot predate it.

When the dates put B after A no edge is inferred, whatever the title says (B is then not
the origin: a reused name, or an introduction the extraction got wrong); when none of the
four applies no edge is inferred either: a missing edge is better than a wrong one. Only
about a fifth of the Daily Papers example corpus is dated, so rule 4 is what links most of
it; ``source`` records which rule held (``entities/dates``, ``entities/arxiv``,
``entities/years``, ``entities/title``).

A paper never cites itself, and a paper that introduces the entity too is not taken to
cite others for it (both claim it as new).

Only the earliest :data:`ORIGINS_PER_ENTITY` introducers of an entity are cited for it
(dated papers first, by their best date; undated ones after them, by node id). A name
claimed as new by many papers is a reused or misread name, and citing every claimant from
every paper that names it would make the edges grow with mentions x claimants, i.e. with
the square of the corpus for a popular name. With the bound they grow with the mentions.
Three keeps every inferred edge of the Daily Papers example corpus (no entity there has
more than two introducers) and 94% of those of a 10,000-paper synthetic corpus.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.names import fold_name
from citegraph.graph.typed_edges import edges_from

#: Discriminator of inferred CITES edges, beside the explicit ones (no discriminator).
INFERRED_DISCRIMINATOR = "inferred"

#: Sentences kept per paper and entity as evidence.
SENTENCES_PER_SIDE = 2

#: Introducing papers per entity an inferred citation may point to: the earliest ones.
ORIGINS_PER_ENTITY = 3

_NEW_ARXIV = re.compile(r"^(?:arxiv:)?(\d{2})(\d{2})\.(\d{4,5})(?:v\d+)?$", re.IGNORECASE)
_OLD_ARXIV = re.compile(r"^(?:arxiv:)?([a-z\-]+(?:\.[a-z]{2})?)/(\d{2})(\d{2})(\d{3})(?:v\d+)?$",
                        re.IGNORECASE)


def arxiv_order(arxiv_id: str | None) -> tuple[int, int, int, str] | None:
    """``(year, month, sequence, archive)`` of an arXiv identifier, or None.

    New-style ids (``2403.01234``) number every submission of a month in one sequence;
    old-style ids (``hep-th/9901001``) number them per archive, so two old-style ids of the
    same month compare only within one archive (see :func:`not_later`).
    """
    if not arxiv_id:
        return None
    text = arxiv_id.strip()
    m = _NEW_ARXIV.match(text)
    if m:
        yy, mm, seq = int(m[1]), int(m[2]), int(m[3])
        return 2000 + yy, mm, seq, ""
    m = _OLD_ARXIV.match(text)
    if m:
        yy, mm, seq = int(m[2]), int(m[3]), int(m[4])
        return (1900 + yy if yy >= 91 else 2000 + yy), mm, seq, m[1].lower()
    return None


def _year(props: dict[str, Any]) -> int | None:
    year = props.get(S.YEAR)
    if isinstance(year, int):
        return year
    date = props.get(S.DATE)
    if isinstance(date, str) and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None


def _full_date(props: dict[str, Any]) -> str | None:
    date = props.get(S.DATE)
    return date if isinstance(date, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", date) else None


class Dating(NamedTuple):
    """What the dating rules read of one paper: its full date, arXiv order and year."""

    date: str | None
    arxiv: tuple[int, int, int, str] | None
    year: int | None


def dating(props: dict[str, Any]) -> Dating:
    """The :class:`Dating` of a paper's properties."""
    return Dating(_full_date(props), arxiv_order(props.get(S.ARXIV_ID)), _year(props))


def dated_order(b: Dating, a: Dating) -> tuple[bool | None, str | None]:
    """Whether paper ``b`` appeared no later than paper ``a`` and by which rule (1-3 of
    the module docstring: ``dates``, ``arxiv``, ``years``); ``(None, None)`` when the
    dates leave it open."""
    if b.date and a.date:
        return b.date <= a.date, "dates"
    xb, xa = b.arxiv, a.arxiv
    if xb and xa:
        if xb[:2] != xa[:2]:
            return xb[:2] < xa[:2], "arxiv"
        if xb[3] == xa[3]:
            return xb[2] <= xa[2], "arxiv"
    if b.year is not None and a.year is not None and b.year != a.year:
        return b.year < a.year, "years"
    return None, None


def not_later(b: dict[str, Any], a: dict[str, Any]) -> bool | None:
    """Whether paper ``b`` appeared no later than paper ``a``; None when unknown."""
    return dated_order(dating(b), dating(a))[0]


#: Words a title may add after the entity's name and still be about that entity alone.
_TITLE_TAILS = ("technical report", "report", "algorithms", "algorithm")
_TITLE_HEAD = re.compile(r"\s*(?::|\s[-\u2013\u2014]\s)")
def title_names(title: str | None, names: list[str]) -> bool:
    """Whether a title is about one of ``names``: the whole title or its head (before a
    colon or dash) is the name, allowing a trailing "technical report" or "algorithms"."""
    if not title:
        return False
    head = _TITLE_HEAD.split(title, maxsplit=1)[0].strip()
    candidates = {head.casefold(), title.strip().casefold()}
    for tail in _TITLE_TAILS:
        candidates |= {c.removesuffix(tail).strip() for c in list(candidates)}
    folded = {fold_name(c) for c in candidates} - {""}
    return any(fold_name(name) in folded for name in names if name)


def _named_in_full(entity: dict[str, Any], b: dict[str, Any], sentences: list[str]) -> bool:
    """Rule 4: B's title is about the entity, by its canonical name (an alias may be a
    variant, "Orca 2" of "Orca"), and A's sentences, when kept, spell that name out (an
    alias such as "SQ" is too easily a different thing)."""
    name = entity.get(S.NAME) or ""
    if not title_names(b.get(S.TITLE), [name]):
        return False
    folded = fold_name(name)  # "batch-normalization" spells "Batch Normalization" out
    return not sentences or any(folded in fold_name(sentence) for sentence in sentences)


def _sentences(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list | tuple):
        return [s for s in value if isinstance(s, str) and s.strip()]
    return []


@dataclass
class _Link:
    """What joins one citing paper to one cited paper."""

    via: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    basis: str = ""  # which rule put the cited paper first

    def add(self, entity_key: str, sentences: list[str]) -> None:
        if entity_key not in self.via:
            self.via.append(entity_key)
        for sentence in sentences:
            if sentence not in self.evidence:
                self.evidence.append(sentence)


def _when(d: Dating) -> tuple[int, int, int, int] | None:
    """Where a paper sorts among the introducers of one entity: ``(year, month, day,
    arXiv sequence)`` from its best date, month and day 0 when unknown; None undated."""
    if d.date:
        return int(d.date[:4]), int(d.date[5:7]), int(d.date[8:10]), 0
    if d.arxiv:
        return d.arxiv[0], d.arxiv[1], 0, d.arxiv[2]
    return (d.year, 0, 0, 0) if d.year is not None else None


class _Datings(dict[str, Dating]):
    """Each paper's :class:`Dating`, worked out once, by node id (a paper is compared
    with many others: once per mention of what it introduces)."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        super().__init__()
        self._kg = kg

    def __missing__(self, nid: str) -> Dating:
        found = self[nid] = dating(self._kg.node(nid))
        return found


def origins(introducers: list[str], kg: KnowledgeGraph, limit: int,
            datings: dict[str, Dating] | None = None) -> list[str]:
    """The ``limit`` earliest of an entity's introducing papers (dated ones by date, then
    undated ones, each group by node id): the papers an inferred citation may point to."""
    if len(introducers) <= limit:
        return introducers
    datings = _Datings(kg) if datings is None else datings

    def key(nid: str) -> tuple[bool, tuple[int, int, int, int], str]:
        when = _when(datings[nid])
        return when is None, when or (0, 0, 0, 0), nid
    return sorted(introducers, key=key)[:limit]


def add_inferred_citations(kg: KnowledgeGraph,
                           origins_per_entity: int | None = None) -> int:
    """Add inferred CITES edges (see the module docstring); returns how many.

    One pass over the papers' MENTIONS and INTRODUCES edges (:mod:`.typed_edges`: the
    other edges are passed over unread); each mention is paired with at most
    ``origins_per_entity`` (default :data:`ORIGINS_PER_ENTITY`) introducers of its entity,
    so the work and the edges grow with the mentions, not with mentions x introducers.
    """
    limit = ORIGINS_PER_ENTITY if origins_per_entity is None else origins_per_entity
    found = edges_from(kg.g, (S.PAPER,), (S.INTRODUCES, S.MENTIONS))
    introduced: dict[str, dict[str, list[str]]] = defaultdict(dict)  # entity -> paper -> ev
    for paper, entity, props in found[S.INTRODUCES]:
        introduced[entity][paper] = _sentences(props.get(S.EVIDENCE))
    datings = _Datings(kg)
    cited_for = {entity: origins(list(papers), kg, limit, datings)
                 for entity, papers in introduced.items()}
    links: dict[tuple[str, str], _Link] = {}
    last, stub, when_a = None, False, None
    for citing, entity, props in found[S.MENTIONS]:
        by = introduced.get(entity)
        if not by or citing in by:
            continue
        if citing is not last:  # a paper's mentions come together
            last, stub, when_a = citing, kg.node(citing).get(S.STUB), datings[citing]
        if stub:
            continue
        ent = kg.node(entity)
        named = _sentences(props.get(S.EVIDENCE))
        for cited in cited_for[entity]:
            order, basis = dated_order(datings[cited], when_a)
            if order is False:
                continue
            if order is None:
                if not _named_in_full(ent, kg.node(cited), named):
                    continue
                basis = "title"
            evidence = (named[:SENTENCES_PER_SIDE] + by[cited][:SENTENCES_PER_SIDE]
                        or [ent.get(S.NAME) or ent[S.KEY]])
            link = links.get((citing, cited))
            if link is None:
                link = links[(citing, cited)] = _Link()
            link.add(ent[S.KEY], evidence)
            link.basis = basis
    for (citing, cited), link in links.items():
        kg.add_edge(S.CITES, citing, cited, INFERRED_DISCRIMINATOR, **{
            S.INFERRED: True,
            S.VIA: sorted(link.via),
            S.EVIDENCE: link.evidence,
            S.SOURCE: f"entities/{link.basis}",
        })
    return len(links)
