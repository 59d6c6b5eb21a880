"""Bibliometric helpers: impact, productivity, collaboration, related work, bursts, main path.

Citation counts here are local: the explicit citations (``inferred`` false) from papers of
the graph. An inferred citation is a guess from shared entities and never counts. The
source's own global count is reported beside it as ``cited_by_count``. Rankings break
ties by key, so both backends return the same rows in the same order.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from citegraph.graph import schema as S
from citegraph.graph.names import fold_keyword
from citegraph.queries.backends import Neo4jBackend, QueryError
from citegraph.queries.common import (
    find_entities,
    find_papers,
    label_test,
    neighbours,
    node_ids_test,
    paper_match,
)
from citegraph.queries.indexes import (
    explicit_citation_counts,
    keyword_index,
    mention_index,
    ranking,
    rows_of,
)
from citegraph.queries.registry import Helper, Param, Row, optional, register
from citegraph.queries.resolve import Ambiguity, resolve

if TYPE_CHECKING:
    from citegraph.graph.model import KnowledgeGraph

P = f"`{S.PAPER}`"
#: Cypher: ``r`` is an explicit citation (an edge without the flag counts as explicit).
EXPLICIT = f"coalesce(r.`{S.INFERRED}`, false) = false"
CORPUS = f"coalesce(p.`{S.STUB}`, false) = false"
#: How ``related`` mixes its three signals (each in [0, 1]) into one score.
RELATED_WEIGHTS = {S.SIMILAR_TO: 1 / 3, S.CO_CITED: 1 / 3, S.COUPLED: 1 / 3}
BURST_KINDS = ("entity", "keyword", "reference")
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
UNITS = ("year", "month")


def _limit(rows: list[Row], limit: int | None) -> list[Row]:
    return rows if limit is None else rows[: max(int(limit), 0)]


def h_index(counts: Iterable[int]) -> int:
    """The largest h such that h of the counts are at least h."""
    ranked = sorted(counts, reverse=True)
    return sum(1 for i, c in enumerate(ranked, start=1) if c >= i)


def _corpus(a: dict[str, Any]) -> bool:
    return not a.get(S.STUB)


# --- most cited ------------------------------------------------------------------------


def most_cited(kg: KnowledgeGraph, limit: int = 10) -> list[Row]:
    def rank(kg: KnowledgeGraph) -> list[tuple[str, int]]:
        counts = explicit_citation_counts(kg)
        found = []
        for pid, a in kg.nodes(S.PAPER):
            n = counts.get(pid, 0)
            if n > 0 or (a.get(S.CITED_BY_COUNT) or 0) > 0:
                found.append((-n, -(a.get(S.CITED_BY_COUNT) or 0), a[S.KEY], pid, n))
        found.sort()
        return [(pid, n) for *_, pid, n in found]

    def row(item: tuple[str, int]) -> Row:
        a = kg.node(item[0])
        return {"key": a[S.KEY], "title": a.get(S.TITLE), "year": a.get(S.YEAR),
                "citations": item[1], "cited_by_count": a.get(S.CITED_BY_COUNT)}

    return rows_of(ranking(kg, "most_cited", rank), limit, row)


register(Helper(
    name="most_cited",
    whole_graph=True,
    doc=("Papers (cited references too) by local citations: explicit citations from papers of "
         "the graph; cited_by_count is the source's global count."),
    params=(optional("limit", "int", "at most this many rows", 10),),
    columns=("key", "title", "year", "citations", "cited_by_count"),
    embedded=most_cited,
    cypher=(
        f"MATCH (p:{P}) OPTIONAL MATCH (c:{P})-[r:`{S.CITES}`]->(p) WHERE {EXPLICIT}"
        " WITH p, count(DISTINCT c) AS citations"
        f" WHERE citations > 0 OR coalesce(p.`{S.CITED_BY_COUNT}`, 0) > 0"
        f" RETURN p.`{S.KEY}` AS key, p.`{S.TITLE}` AS title, p.`{S.YEAR}` AS year, citations,"
        f" p.`{S.CITED_BY_COUNT}` AS cited_by_count"
        " ORDER BY citations DESC, coalesce(cited_by_count, 0) DESC, key LIMIT $limit"
    ),
))


# --- authors ---------------------------------------------------------------------------


def top_authors(kg: KnowledgeGraph, limit: int = 10) -> list[Row]:
    def rank(kg: KnowledgeGraph) -> list[tuple[str, int, int, int]]:
        counts = explicit_citation_counts(kg)
        found = []
        for aid, a in kg.nodes(S.AUTHOR):
            cites = [counts.get(p, 0) for p, _ in neighbours(kg, aid, [S.AUTHORED], "out")]
            if cites:
                found.append((-len(cites), -sum(cites), a[S.KEY], aid, h_index(cites)))
        found.sort()
        return [(aid, -papers, -citations, h) for papers, citations, _, aid, h in found]

    def row(item: tuple[str, int, int, int]) -> Row:
        aid, papers, citations, h = item
        a = kg.node(aid)
        return {"key": a[S.KEY], "name": a.get(S.NAME), "papers": papers,
                "citations": citations, "h_index": h}

    return rows_of(ranking(kg, "top_authors", rank), limit, row)


register(Helper(
    name="top_authors",
    whole_graph=True,
    doc=("Most productive authors: papers in the graph, local citations of those papers and "
         "the h-index over them."),
    params=(optional("limit", "int", "at most this many rows", 10),),
    columns=("key", "name", "papers", "citations", "h_index"),
    embedded=top_authors,
    cypher=(
        f"MATCH (a:`{S.AUTHOR}`)-[:`{S.AUTHORED}`]->(p:{P})"
        f" OPTIONAL MATCH (c:{P})-[r:`{S.CITES}`]->(p) WHERE {EXPLICIT}"
        " WITH a, p, count(DISTINCT c) AS cites ORDER BY cites DESC"
        " WITH a, collect(cites) AS cs"
        f" RETURN a.`{S.KEY}` AS key, a.`{S.NAME}` AS name, size(cs) AS papers,"
        " reduce(s = 0, x IN cs | s + x) AS citations,"
        " size([i IN range(0, size(cs) - 1) WHERE cs[i] >= i + 1]) AS h_index"
        " ORDER BY papers DESC, citations DESC, key LIMIT $limit"
    ),
))


def find_authors(kg: KnowledgeGraph, ref: str, ambiguous: Ambiguity = "error") -> list[str]:
    """Author node ids ``ref`` names: key or name in any spelling the resolver folds."""
    return resolve(kg, ref, "author", ambiguous=ambiguous)


def co_authors(kg: KnowledgeGraph, author: str, limit: int = 20,
               ambiguous: Ambiguity = "error") -> list[Row]:
    rows = []
    for aid in find_authors(kg, author, ambiguous):
        for other, e in neighbours(kg, aid, [S.CO_AUTHORED]):
            if other != aid:
                o = kg.node(other)
                rows.append({"key": o[S.KEY], "name": o.get(S.NAME), "count": e.get(S.COUNT),
                             "papers": e.get(S.EVIDENCE)})
    rows.sort(key=lambda r: (-(r["count"] or 0), r["key"]))
    return _limit(rows, limit)


register(Helper(
    name="co_authors",
    doc="An author's co-authors (CO_AUTHORED), most joint papers first, with those papers.",
    params=(Param("author", "author", "author key or name (any case)"),
            optional("limit", "int", "at most this many rows", 20)),
    columns=("key", "name", "count", "papers"),
    embedded=co_authors,
    cypher=(
        f"MATCH (a:`{S.AUTHOR}`) WHERE {node_ids_test('a', 'author')}"
        f" MATCH (a)-[r:`{S.CO_AUTHORED}`]-(o:`{S.AUTHOR}`) WHERE o <> a"
        f" RETURN o.`{S.KEY}` AS key, o.`{S.NAME}` AS name, r.`{S.COUNT}` AS count,"
        f" r.`{S.EVIDENCE}` AS papers ORDER BY coalesce(count, 0) DESC, key LIMIT $limit"
    ),
))


# --- venues and countries --------------------------------------------------------------


def _grouped(kg: KnowledgeGraph, values, column: str, limit: int) -> list[Row]:
    def rank(kg: KnowledgeGraph) -> list[Row]:
        counts = explicit_citation_counts(kg)
        papers: Counter[str] = Counter()
        citations: Counter[str] = Counter()
        for pid, a in kg.nodes(S.PAPER):
            if _corpus(a):
                for value in values(a):
                    papers[value] += 1
                    citations[value] += counts.get(pid, 0)
        rows = [{column: v, "papers": papers[v], "citations": citations[v]} for v in papers]
        rows.sort(key=lambda r: (-r["papers"], -r["citations"], r[column]))
        return rows

    return [dict(r) for r in _limit(ranking(kg, f"grouped:{column}", rank), limit)]


def top_venues(kg: KnowledgeGraph, limit: int = 10) -> list[Row]:
    return _grouped(kg, lambda a: {a[S.VENUE]} if a.get(S.VENUE) else set(), "venue", limit)


def top_countries(kg: KnowledgeGraph, limit: int = 10) -> list[Row]:
    return _grouped(kg, lambda a: set(a.get(S.COUNTRIES) or []), "country", limit)


_CITES_OF_P = (f" OPTIONAL MATCH (c:{P})-[r:`{S.CITES}`]->(p) WHERE {EXPLICIT}"
               " WITH p, count(DISTINCT c) AS cites")

register(Helper(
    name="top_venues",
    whole_graph=True,
    doc="Venues by papers of the graph (cited references left out), then local citations.",
    params=(optional("limit", "int", "at most this many rows", 10),),
    columns=("venue", "papers", "citations"),
    embedded=top_venues,
    cypher=(
        f"MATCH (p:{P}) WHERE p.`{S.VENUE}` IS NOT NULL AND {CORPUS}" + _CITES_OF_P
        + f" RETURN p.`{S.VENUE}` AS venue, count(p) AS papers, sum(cites) AS citations"
        " ORDER BY papers DESC, citations DESC, venue LIMIT $limit"
    ),
))

register(Helper(
    name="top_countries",
    whole_graph=True,
    doc="Countries of the authors' affiliations by papers (a paper counts once per country), "
        "then local citations.",
    params=(optional("limit", "int", "at most this many rows", 10),),
    columns=("country", "papers", "citations"),
    embedded=top_countries,
    cypher=(
        f"MATCH (p:{P}) WHERE {CORPUS}" + _CITES_OF_P
        + f" UNWIND coalesce(p.`{S.COUNTRIES}`, []) AS country"
        " WITH DISTINCT p, cites, country"
        " RETURN country, count(p) AS papers, sum(cites) AS citations"
        " ORDER BY papers DESC, citations DESC, country LIMIT $limit"
    ),
))


# --- papers per year -------------------------------------------------------------------


def _papers_with_term(kg: KnowledgeGraph, term: str) -> set[str]:
    index = mention_index(kg)
    ranks = index.ranks_of(find_entities(kg, term, ambiguous="all"))
    papers = {index.nids[r] for r in ranks.tolist()}
    wanted, folded = term.lower(), fold_keyword(term)
    by_key = S.node_id(S.KEYWORD, folded)
    keywords = set(keyword_index(kg).get(wanted, ()))
    if kg.has_node(by_key) and kg.node(by_key)[S.LABEL] == S.KEYWORD:
        keywords.add(by_key)
    for kid in keywords:
        papers.update(p for p, _ in neighbours(kg, kid, [S.HAS_KEYWORD], "in"))
    return papers


def _years(kg: KnowledgeGraph, pids: Iterable[str]) -> list[Row]:
    years = Counter(y for y in (kg.node(p).get(S.YEAR) for p in pids) if y is not None)
    return [{"year": y, "papers": n} for y, n in sorted(years.items())]


def papers_per_year(kg: KnowledgeGraph, of: str | None = None) -> list[Row]:
    if of is not None:
        return _years(kg, _papers_with_term(kg, of))
    every = ranking(kg, "papers_per_year", lambda kg: _years(
        kg, (pid for pid, a in kg.nodes(S.PAPER) if _corpus(a))))
    return [dict(r) for r in every]


_ENTITY_TEST = f"{label_test('e', S.ENTITY_NODE_LABELS)} AND {node_ids_test('e', 'of')}"

register(Helper(
    name="papers_per_year",
    whole_graph=True,
    doc=("Papers of the graph per publication year; with `of`, only the papers mentioning "
         "that entity or carrying that keyword (any spelling that folds to it)."),
    params=(optional("of", "term", "an entity (key, name, alias) or a keyword"),),
    columns=("year", "papers"),
    embedded=papers_per_year,
    extra_params=lambda v: {"of_key": fold_keyword(v["of"]) if v.get("of") else None},
    # One branch per source of papers, so a call with `of` reads that entity's and that
    # keyword's papers through their relationships instead of testing every paper; the
    # UNWIND over an empty list skips the branch a call does not use.
    cypher=(
        "CALL () {"
        f" UNWIND CASE WHEN $of IS NULL THEN [1] ELSE [] END AS every"
        f" MATCH (p:{P}) WHERE {CORPUS} RETURN p"
        f" UNION MATCH (e) WHERE {_ENTITY_TEST}"
        f" MATCH (p:{P})-[:`{S.MENTIONS}`]->(e) RETURN p"
        f" UNION MATCH (k:`{S.KEYWORD}`) WHERE k.`{S.KEY}` = $of_key"
        f" MATCH (p:{P})-[:`{S.HAS_KEYWORD}`]->(k) RETURN p"
        f" UNION UNWIND CASE WHEN $of IS NULL THEN [] ELSE [1] END AS named"
        f" MATCH (k:`{S.KEYWORD}`) WHERE toLower(k.`{S.NAME}`) = toLower($of)"
        f" MATCH (p:{P})-[:`{S.HAS_KEYWORD}`]->(k) RETURN p"
        "}"
        f" WITH p WHERE p.`{S.YEAR}` IS NOT NULL"
        f" RETURN p.`{S.YEAR}` AS year, count(*) AS papers ORDER BY year"
    ),
))


# --- co-citation, coupling, related ------------------------------------------------------


def _pair_neighbours(kg: KnowledgeGraph, paper: str, rel: str, limit: int,
                     ambiguous: Ambiguity) -> list[Row]:
    rows = []
    for pid in find_papers(kg, paper, ambiguous):
        for other, e in neighbours(kg, pid, [rel]):
            if other != pid:
                o = kg.node(other)
                rows.append({"key": o[S.KEY], "title": o.get(S.TITLE), "count": e.get(S.COUNT),
                             "strength": e.get(S.STRENGTH)})
    rows.sort(key=lambda r: (-(r["count"] or 0), -(r["strength"] or 0.0), r["key"]))
    return _limit(rows, limit)


def co_cited(kg: KnowledgeGraph, paper: str, limit: int = 20,
             ambiguous: Ambiguity = "error") -> list[Row]:
    return _pair_neighbours(kg, paper, S.CO_CITED, limit, ambiguous)


def coupled(kg: KnowledgeGraph, paper: str, limit: int = 20,
            ambiguous: Ambiguity = "error") -> list[Row]:
    return _pair_neighbours(kg, paper, S.COUPLED, limit, ambiguous)


def _pair_cypher(rel: str) -> str:
    return (
        paper_match("p", "paper")
        + f" MATCH (p)-[r:`{rel}`]-(q:{P}) WHERE q <> p"
        f" RETURN q.`{S.KEY}` AS key, q.`{S.TITLE}` AS title, r.`{S.COUNT}` AS count,"
        f" r.`{S.STRENGTH}` AS strength"
        " ORDER BY coalesce(count, 0) DESC, coalesce(strength, 0.0) DESC, key LIMIT $limit"
    )


register(Helper(
    name="co_cited",
    doc=("Works cited together with a paper (CO_CITED): how many papers cite both, and "
         "Salton's cosine."),
    params=(Param("paper", "paper", "paper key or exact title"),
            optional("limit", "int", "at most this many rows", 20)),
    columns=("key", "title", "count", "strength"),
    embedded=co_cited,
    cypher=_pair_cypher(S.CO_CITED),
))

register(Helper(
    name="coupled",
    doc=("Papers sharing references with a paper (COUPLED): how many, and Salton's cosine."),
    params=(Param("paper", "paper", "paper key or exact title"),
            optional("limit", "int", "at most this many rows", 20)),
    columns=("key", "title", "count", "strength"),
    embedded=coupled,
    cypher=_pair_cypher(S.COUPLED),
))


def _reason(rel: str, count: Any, value: float) -> str:
    if rel == S.SIMILAR_TO:
        return f"similar text (cosine {value:.2f})"
    if rel == S.CO_CITED:
        return f"co-cited by {count} paper(s) (cosine {value:.2f})"
    return f"{count} shared reference(s) (cosine {value:.2f})"


def combine_related(edges: Iterable[Row], limit: int | None) -> list[Row]:
    """Rows of ``related`` from ``key, title, type, value, count`` edge rows: each
    signal's best value per paper, weighted into one score, with a reason per signal."""
    best: dict[str, dict[str, tuple[float, Any]]] = defaultdict(dict)
    titles: dict[str, Any] = {}
    for e in edges:
        value = float(e["value"] or 0.0)
        signals = best[e["key"]]
        titles[e["key"]] = e["title"]
        if e["type"] not in signals or value > signals[e["type"]][0]:
            signals[e["type"]] = (value, e["count"])
    rows = []
    for key, signals in best.items():
        score = sum(RELATED_WEIGHTS[t] * v for t, (v, _) in signals.items())
        reasons = [_reason(t, c, v) for t in RELATED_WEIGHTS if t in signals
                   for v, c in [signals[t]]]
        rows.append({"key": key, "title": titles[key], "score": round(score, 4),
                     "reasons": "; ".join(reasons)})
    rows.sort(key=lambda r: (-r["score"], r["key"]))
    return _limit(rows, limit)


def related(kg: KnowledgeGraph, paper: str, limit: int = 10,
            ambiguous: Ambiguity = "error") -> list[Row]:
    edges = []
    for pid in find_papers(kg, paper, ambiguous):
        for other, e in neighbours(kg, pid, list(RELATED_WEIGHTS)):
            if other != pid:
                value = e.get(S.SCORE) if e[S.TYPE] == S.SIMILAR_TO else e.get(S.STRENGTH)
                edges.append({"key": kg.node(other)[S.KEY], "title": kg.node(other).get(S.TITLE),
                              "type": e[S.TYPE], "value": value, "count": e.get(S.COUNT)})
    return combine_related(edges, limit)


register(Helper(
    name="related",
    doc=("Papers related to a paper by a mix of text similarity (SIMILAR_TO cosine), "
         "co-citation and bibliographic coupling (Salton's cosine), weighted equally, with "
         "the reason each signal contributed."),
    params=(Param("paper", "paper", "paper key or exact title"),
            optional("limit", "int", "at most this many rows", 10)),
    columns=("key", "title", "score", "reasons"),
    embedded=related,
    cypher=(
        paper_match("p", "paper")
        + f" MATCH (p)-[r:`{S.SIMILAR_TO}`|`{S.CO_CITED}`|`{S.COUPLED}`]-(q:{P}) WHERE q <> p"
        f" RETURN q.`{S.KEY}` AS key, q.`{S.TITLE}` AS title, type(r) AS type,"
        f" coalesce(r.`{S.SCORE}`, r.`{S.STRENGTH}`) AS value, r.`{S.COUNT}` AS count"
    ),
    post=lambda rows, values: combine_related(rows, values["limit"]),
))


# --- bursts ----------------------------------------------------------------------------


def _check_burst_args(kind: str | None, unit: str | None) -> tuple[str, str]:
    kind, unit = (kind or "entity").lower(), (unit or "year").lower()
    if kind not in BURST_KINDS:
        raise QueryError(f"unknown burst kind {kind!r} (one of: {', '.join(BURST_KINDS)})")
    if unit not in UNITS:
        raise QueryError(f"unknown time unit {unit!r} (one of: {', '.join(UNITS)})")
    return kind, unit


def period(year: Any, date: Any, unit: str) -> str | None:
    """A paper's period: ``yyyy`` for years (its year, else its date's), ``yyyy-mm`` for
    months (its date, when it names a month); None when it has none."""
    text = date if isinstance(date, str) else ""
    if unit == "month":
        return text[:7] if _MONTH.match(text) else None
    if isinstance(year, int) and 0 <= year <= 9999:
        return f"{year:04d}"
    return text[:4] if _MONTH.match(text) or (len(text) == 4 and text.isdigit()) else None


def periods_between(first: str, last: str, unit: str) -> list[str]:
    if unit == "year":
        return [f"{y:04d}" for y in range(int(first), int(last) + 1)]
    (y, m), (y2, m2) = (map(int, first.split("-")), map(int, last.split("-")))
    out = []
    while (y, m) <= (y2, m2):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def burst_rows(events: Iterable[Row], totals: Row, limit: int | None) -> list[Row]:
    """Rows of ``bursts`` from ``key, name, period`` events (one per paper and term) and
    the number of papers per period."""
    import numpy as np

    from citegraph.queries import kleinberg

    totals = {p: n for p, n in totals.items() if p is not None and n}
    if not totals:
        return []
    # the batches are the periods that have papers: an empty period says nothing of a
    # term's rate, and counting it would only raise the cost of entering a burst
    axis = sorted(totals)
    at = {p: i for i, p in enumerate(axis)}
    d = np.array([totals.get(p, 0) for p in axis], dtype=np.float64)
    counts: dict[str, Any] = {}
    names: dict[str, Any] = {}
    for e in events:
        if e["period"] in at:
            counts.setdefault(e["key"], np.zeros(len(axis)))[at[e["period"]]] += 1
            names[e["key"]] = e["name"]
    rows = []
    for key, r in counts.items():
        for b in kleinberg.bursts(np.minimum(r, d), d):
            rows.append({"key": key, "name": names[key], "start": axis[b.start],
                         "end": axis[b.end], "weight": round(b.weight, 4)})
    rows.sort(key=lambda r: (-r["weight"], r["start"], r["key"]))
    return _limit(rows, limit)


def _paper_period(a: dict[str, Any], unit: str) -> str | None:
    return period(a.get(S.YEAR), a.get(S.DATE), unit)


def bursts(kg: KnowledgeGraph, kind: str | None = "entity", unit: str | None = "year",
           limit: int = 20) -> list[Row]:
    kind, unit = _check_burst_args(kind, unit)
    rows = ranking(kg, f"bursts:{kind}:{unit}", lambda kg: _bursts(kg, kind, unit))
    return [dict(r) for r in _limit(rows, limit)]


def _bursts(kg: KnowledgeGraph, kind: str, unit: str) -> list[Row]:
    events, totals = [], Counter()
    if kind == "reference":
        seen = set()
        for u, v, _, e in kg.edges(S.CITES):
            if not e.get(S.INFERRED) and (u, v) not in seen:
                seen.add((u, v))
                cited = kg.node(v)
                events.append({"key": cited[S.KEY], "name": cited.get(S.TITLE),
                               "period": _paper_period(kg.node(u), unit)})
        citing = {u for u, _ in seen}
        totals.update(_paper_period(kg.node(u), unit) for u in citing)
    else:
        rel, labels = ((S.MENTIONS, S.ENTITY_NODE_LABELS) if kind == "entity"
                       else (S.HAS_KEYWORD, (S.KEYWORD,)))
        for u, v in sorted({(u, v) for u, v, _, _ in kg.edges(rel)}):
            term = kg.node(v)
            if term[S.LABEL] in labels:
                events.append({"key": term[S.KEY], "name": term.get(S.NAME),
                               "period": _paper_period(kg.node(u), unit)})
        totals.update(_paper_period(a, unit) for _, a in kg.nodes(S.PAPER) if _corpus(a))
    return burst_rows(events, dict(totals), None)


def _period_cypher(var: str) -> str:
    """Cypher twin of :func:`period`."""
    date, year = f"coalesce({var}.`{S.DATE}`, '')", f"{var}.`{S.YEAR}`"
    month = f"{date} =~ '[0-9]{{4}}-(0[1-9]|1[0-2]).*'"
    return (f"CASE WHEN $unit = 'month' THEN CASE WHEN {month} THEN substring({date}, 0, 7)"
            f" END WHEN {year} >= 0 AND {year} <= 9999 THEN"
            f" right('000' + toString({year}), 4)"
            f" WHEN {month} OR {date} =~ '[0-9]{{4}}' THEN substring({date}, 0, 4) END")


def _bursts_neo4j(backend: Neo4jBackend, kind: str | None = "entity",
                  unit: str | None = "year", limit: int = 20) -> list[Row]:
    kind, unit = _check_burst_args(kind, unit)
    params = {"unit": unit, "labels": list(S.ENTITY_NODE_LABELS)}
    if kind == "reference":
        events = backend.cypher(
            f"MATCH (p:{P})-[r:`{S.CITES}`]->(q:{P}) WHERE {EXPLICIT}"
            f" WITH DISTINCT p, q RETURN q.`{S.KEY}` AS key, q.`{S.TITLE}` AS name,"
            f" {_period_cypher('p')} AS period", params)
        total_rows = backend.cypher(
            f"MATCH (p:{P})-[r:`{S.CITES}`]->(:{P}) WHERE {EXPLICIT} WITH DISTINCT p"
            f" RETURN {_period_cypher('p')} AS period, count(*) AS n", params)
    else:
        match = (f"(p:{P})-[:`{S.MENTIONS}`]->(t) WHERE any(l IN labels(t) WHERE l IN $labels)"
                 if kind == "entity" else f"(p:{P})-[:`{S.HAS_KEYWORD}`]->(t:`{S.KEYWORD}`)")
        events = backend.cypher(
            f"MATCH {match} WITH DISTINCT p, t RETURN t.`{S.KEY}` AS key, t.`{S.NAME}` AS name,"
            f" {_period_cypher('p')} AS period", params)
        total_rows = backend.cypher(
            f"MATCH (p:{P}) WHERE {CORPUS} RETURN {_period_cypher('p')} AS period,"
            " count(*) AS n", params)
    return burst_rows(events, {r["period"]: r["n"] for r in total_rows}, limit)


register(Helper(
    name="bursts",
    whole_graph=True,
    doc=("Bursts (Kleinberg's two-state automaton, s = 2, γ = 1) of entities, keywords or "
         "cited references over the years or months (those with papers) of the papers naming "
         "or citing them: first and last period of each burst and its weight, strongest "
         "first."),
    params=(optional("kind", "burst_kind", "entity, keyword or reference", "entity"),
            optional("unit", "time_unit", "year or month", "year"),
            optional("limit", "int", "at most this many rows", 20)),
    columns=("key", "name", "start", "end", "weight"),
    embedded=bursts,
    neo4j=_bursts_neo4j,
    approximate=("weight",),
))


# --- main path -------------------------------------------------------------------------


def _main_path_rows(edges: list[Row]) -> list[Row]:
    from citegraph.queries.mainpath import main_path as spc_main_path

    info = {}
    for e in edges:
        info[e["citing"]] = (e["citing_title"], e["citing_year"])
        info[e["cited"]] = (e["cited_title"], e["cited_year"])
    steps = spc_main_path((e["citing"], e["cited"]) for e in edges)
    rows = []
    for n, step in enumerate(steps):
        key = step.members[0]
        rows.append({"step": n, "key": key, "title": info[key][0], "year": info[key][1],
                     "papers": len(step.members), "spc": step.spc})
    return rows


def main_path(kg: KnowledgeGraph) -> list[Row]:
    return [dict(r) for r in ranking(kg, "main_path", _main_path)]


def _main_path(kg: KnowledgeGraph) -> list[Row]:
    edges = []
    for u, v, _, e in kg.edges(S.CITES):
        if not e.get(S.INFERRED):
            a, b = kg.node(u), kg.node(v)
            edges.append({"citing": a[S.KEY], "citing_title": a.get(S.TITLE),
                          "citing_year": a.get(S.YEAR), "cited": b[S.KEY],
                          "cited_title": b.get(S.TITLE), "cited_year": b.get(S.YEAR)})
    return _main_path_rows(edges)


register(Helper(
    name="main_path",
    whole_graph=True,
    doc=("The search-path-count main path through the explicit citations, oldest first "
         "(citation cycles condensed: `papers` > 1 names the smallest key of the cycle); "
         "spc is the weight of the edge into each step."),
    params=(),
    columns=("step", "key", "title", "year", "papers", "spc"),
    embedded=main_path,
    cypher=(
        f"MATCH (p:{P})-[r:`{S.CITES}`]->(q:{P}) WHERE {EXPLICIT} WITH DISTINCT p, q"
        f" RETURN p.`{S.KEY}` AS citing, p.`{S.TITLE}` AS citing_title,"
        f" p.`{S.YEAR}` AS citing_year, q.`{S.KEY}` AS cited, q.`{S.TITLE}` AS cited_title,"
        f" q.`{S.YEAR}` AS cited_year"
    ),
    post=lambda rows, values: _main_path_rows(rows),
))
