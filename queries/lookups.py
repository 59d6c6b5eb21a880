"""Neighbourhood helpers: which papers name an entity, what a paper names, who is near whom.

Each helper is registered with its Cypher text and its in-memory twin; rows are sorted the
same way on both backends (ties broken by key) so answers compare equal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from citegraph.graph import schema as S
from citegraph.queries.common import (
    ENTITY_LABELS,
    entity_match,
    entity_type,
    entity_type_labels,
    find_entities,
    find_papers,
    label_of,
    neighbours,
    paper_match,
)
from citegraph.queries.indexes import mention_index, ranking
from citegraph.queries.registry import Helper, Param, Row, optional, register
from citegraph.queries.resolve import Ambiguity, resolve

if TYPE_CHECKING:
    from citegraph.graph.model import KnowledgeGraph

P = f"`{S.PAPER}`"


def _limit(rows: list[Row], limit: int | None) -> list[Row]:
    return rows if limit is None else rows[: max(int(limit), 0)]


def _type_labels(values: dict[str, Any]) -> dict[str, Any]:
    return {"labels": list(entity_type_labels(values.get("type")))}


# --- papers mentioning an entity --------------------------------------------------------


def papers_mentioning(kg: KnowledgeGraph, entity: str, limit: int = 50,
                      ambiguous: Ambiguity = "error") -> list[Row]:
    index = mention_index(kg)
    ranks = index.ranks_of(find_entities(kg, entity, ambiguous=ambiguous))
    if limit is not None:
        ranks = ranks[: max(int(limit), 0)]
    rows = []
    for rank in ranks.tolist():
        a = kg.node(index.nids[rank])
        rows.append({"key": a[S.KEY], "title": a.get(S.TITLE), "date": a.get(S.DATE)})
    return rows


register(Helper(
    name="papers_mentioning",
    doc="Papers that mention an entity (given by key, name or alias, any case), newest first.",
    params=(Param("entity", "entity", "entity key, name or alias"),
            optional("limit", "int", "at most this many rows", 50)),
    columns=("key", "title", "date"),
    embedded=papers_mentioning,
    cypher=(
        entity_match("e", "entity")
        + f" MATCH (p:{P})-[:`{S.MENTIONS}`]->(e) WITH DISTINCT p"
        f" RETURN p.`{S.KEY}` AS key, p.`{S.TITLE}` AS title, p.`{S.DATE}` AS date"
        " ORDER BY coalesce(date, '') DESC, key LIMIT $limit"
    ),
))


# --- papers introducing an entity -------------------------------------------------------


def introducing(kg: KnowledgeGraph, entity: str, ambiguous: Ambiguity = "error") -> list[Row]:
    rows = set()
    for eid in find_entities(kg, entity, ambiguous=ambiguous):
        for pid, _ in neighbours(kg, eid, [S.INTRODUCES], "in"):
            a = kg.node(pid)
            rows.add((kg.node(eid)[S.KEY], a[S.KEY], a.get(S.TITLE), a.get(S.DATE)))
    out = [dict(zip(("entity", "key", "title", "date"), r, strict=True)) for r in rows]
    out.sort(key=lambda r: (r["date"] or "9999-99-99", r["key"], r["entity"]))
    return out


register(Helper(
    name="introducing",
    doc="The paper(s) that introduce an entity, earliest first.",
    params=(Param("entity", "entity", "entity key, name or alias"),),
    columns=("entity", "key", "title", "date"),
    embedded=introducing,
    cypher=(
        entity_match("e", "entity")
        + f" MATCH (p:{P})-[:`{S.INTRODUCES}`]->(e)"
        f" RETURN DISTINCT e.`{S.KEY}` AS entity, p.`{S.KEY}` AS key,"
        f" p.`{S.TITLE}` AS title, p.`{S.DATE}` AS date"
        " ORDER BY coalesce(date, '9999-99-99'), key, entity"
    ),
))


# --- a paper's entities -----------------------------------------------------------------


def paper_entities(kg: KnowledgeGraph, paper: str, type: str | None = None,
                   ambiguous: Ambiguity = "error") -> list[Row]:
    labels = set(entity_type_labels(type))
    found: dict[str, bool] = {}
    for pid in find_papers(kg, paper, ambiguous):
        for eid, attrs in neighbours(kg, pid, [S.MENTIONS, S.INTRODUCES], "out"):
            if kg.node(eid)[S.LABEL] in labels:
                found[eid] = found.get(eid, False) or attrs[S.TYPE] == S.INTRODUCES
    rows = []
    for eid, introduces in found.items():
        a = kg.node(eid)
        rows.append({"type": entity_type(a[S.LABEL]), "key": a[S.KEY], "name": a.get(S.NAME),
                     "introduces": introduces})
    rows.sort(key=lambda r: (r["type"], r["key"]))
    return rows


register(Helper(
    name="paper_entities",
    doc="The methods, models and benchmarks a paper (key or title) mentions or introduces.",
    params=(Param("paper", "paper", "paper key or exact title"),
            optional("type", "entity_type", "only this entity type (method, model, benchmark)")),
    columns=("type", "key", "name", "introduces"),
    embedded=paper_entities,
    extra_params=_type_labels,
    cypher=(
        paper_match("p", "paper")
        + f" MATCH (p)-[r:`{S.MENTIONS}`|`{S.INTRODUCES}`]->(e)"
        " WHERE any(l IN labels(e) WHERE l IN $labels)"
        " WITH e, collect(type(r)) AS kinds"
        f" WITH e, kinds, {label_of('e')} AS label"
        f" RETURN $entity_types[label] AS type, e.`{S.KEY}` AS key, e.`{S.NAME}` AS name,"
        f" '{S.INTRODUCES}' IN kinds AS introduces"
        " ORDER BY type, key"
    ),
))


# --- similar papers ---------------------------------------------------------------------


def similar_papers(kg: KnowledgeGraph, paper: str, limit: int = 10,
                   ambiguous: Ambiguity = "error") -> list[Row]:
    rows = []
    for pid in find_papers(kg, paper, ambiguous):
        for other, attrs in neighbours(kg, pid, [S.SIMILAR_TO]):
            if other != pid:
                a = kg.node(other)
                rows.append({"key": a[S.KEY], "title": a.get(S.TITLE),
                             "score": attrs.get(S.SCORE)})
    rows.sort(key=lambda r: r["key"])
    rows.sort(key=lambda r: r["score"] or 0.0, reverse=True)
    return _limit(rows, limit)


register(Helper(
    name="similar_papers",
    doc="Papers joined to a paper by SIMILAR_TO, most similar first.",
    params=(Param("paper", "paper", "paper key or exact title"),
            optional("limit", "int", "at most this many rows", 10)),
    columns=("key", "title", "score"),
    embedded=similar_papers,
    cypher=(
        paper_match("p", "paper")
        + f" MATCH (p)-[r:`{S.SIMILAR_TO}`]-(q:{P}) WHERE q <> p"
        f" RETURN q.`{S.KEY}` AS key, q.`{S.TITLE}` AS title, r.`{S.SCORE}` AS score"
        " ORDER BY coalesce(score, 0.0) DESC, key LIMIT $limit"
    ),
))


# --- co-mentioned entities --------------------------------------------------------------


def co_mentioned(kg: KnowledgeGraph, entity: str, limit: int = 20,
                 ambiguous: Ambiguity = "error") -> list[Row]:
    rows = []
    for eid in find_entities(kg, entity, ambiguous=ambiguous):
        for other, attrs in neighbours(kg, eid, [S.CO_MENTIONED]):
            if other != eid:
                a = kg.node(other)
                rows.append({"type": entity_type(a[S.LABEL]), "key": a[S.KEY],
                             "name": a.get(S.NAME), "count": attrs.get(S.COUNT),
                             "strength": attrs.get(S.STRENGTH)})
    rows.sort(key=lambda r: (r["key"], r["type"]))
    rows.sort(key=lambda r: r["count"] or 0, reverse=True)
    return _limit(rows, limit)


register(Helper(
    name="co_mentioned",
    doc="Entities named in the same papers as an entity (CO_MENTIONED), most often first.",
    params=(Param("entity", "entity", "entity key, name or alias"),
            optional("limit", "int", "at most this many rows", 20)),
    columns=("type", "key", "name", "count", "strength"),
    embedded=co_mentioned,
    cypher=(
        entity_match("e", "entity")
        + f" MATCH (e)-[r:`{S.CO_MENTIONED}`]-(o) WHERE o <> e"
        f" WITH o, r, {label_of('o')} AS label"
        f" RETURN $entity_types[label] AS type, o.`{S.KEY}` AS key, o.`{S.NAME}` AS name,"
        f" r.`{S.COUNT}` AS count, r.`{S.STRENGTH}` AS strength"
        " ORDER BY coalesce(count, 0) DESC, key, type LIMIT $limit"
    ),
))


# --- evaluations ------------------------------------------------------------------------


def _evaluations(kg: KnowledgeGraph, ref: str, own: str, direction: str,
                 ambiguous: Ambiguity) -> list[Row]:
    rows = []
    kind = S.EntityType.of_label(own)  # "model" or "benchmark", as Neo4j resolves it
    for nid in resolve(kg, ref, str(kind), ambiguous=ambiguous):
        for other, attrs in neighbours(kg, nid, [S.EVALUATED_ON], direction):
            a = kg.node(other)
            rows.append({"key": a[S.KEY], "name": a.get(S.NAME), "count": attrs.get(S.COUNT)})
    rows.sort(key=lambda r: (r["key"], r["count"] or 0))
    return rows


def models_evaluated_on(kg: KnowledgeGraph, benchmark: str,
                        ambiguous: Ambiguity = "error") -> list[Row]:
    return _evaluations(kg, benchmark, S.BENCHMARK, "in", ambiguous)


def benchmarks_for_model(kg: KnowledgeGraph, model: str,
                         ambiguous: Ambiguity = "error") -> list[Row]:
    return _evaluations(kg, model, S.MODEL, "out", ambiguous)


register(Helper(
    name="models_evaluated_on",
    doc="Models evaluated on a benchmark (EVALUATED_ON), by key.",
    params=(Param("benchmark", "benchmark", "benchmark key, name or alias"),),
    columns=("key", "name", "count"),
    embedded=models_evaluated_on,
    cypher=(
        entity_match("b", "benchmark", [S.BENCHMARK])
        + f" MATCH (m:`{S.MODEL}`)-[r:`{S.EVALUATED_ON}`]->(b)"
        f" RETURN m.`{S.KEY}` AS key, m.`{S.NAME}` AS name, r.`{S.COUNT}` AS count"
        " ORDER BY key, coalesce(count, 0)"
    ),
))

register(Helper(
    name="benchmarks_for_model",
    doc="Benchmarks a model is evaluated on (EVALUATED_ON), by key.",
    params=(Param("model", "model", "model key, name or alias"),),
    columns=("key", "name", "count"),
    embedded=benchmarks_for_model,
    cypher=(
        entity_match("m", "model", [S.MODEL])
        + f" MATCH (m)-[r:`{S.EVALUATED_ON}`]->(b:`{S.BENCHMARK}`)"
        f" RETURN b.`{S.KEY}` AS key, b.`{S.NAME}` AS name, r.`{S.COUNT}` AS count"
        " ORDER BY key, coalesce(count, 0)"
    ),
))


# --- timeline ---------------------------------------------------------------------------


def timeline(kg: KnowledgeGraph, entity: str, ambiguous: Ambiguity = "error") -> list[Row]:
    import numpy as np

    index = mention_index(kg)
    codes = index.month_of[index.ranks_of(find_entities(kg, entity, ambiguous=ambiguous))]
    found, counts = np.unique(codes, return_counts=True)
    rows: list[Row] = [{"month": index.month_names[m], "papers": n}
                       for m, n in zip(found.tolist(), counts.tolist(), strict=True) if m >= 0]
    undated = int(counts[0]) if len(found) and found[0] < 0 else 0
    return rows + ([{"month": None, "papers": undated}] if undated else [])


register(Helper(
    name="timeline",
    doc=("How many papers mention an entity, per month (yyyy-mm) of their date; a last row "
         "with no month counts the papers left out for lack of a date."),
    params=(Param("entity", "entity", "entity key, name or alias"),),
    columns=("month", "papers"),
    embedded=timeline,
    cypher=(
        entity_match("e", "entity")
        + f" MATCH (p:{P})-[:`{S.MENTIONS}`]->(e)"
        f" WITH DISTINCT p RETURN substring(p.`{S.DATE}`, 0, 7) AS month, count(*) AS papers"
        " ORDER BY month"
    ),
))


# --- top entities by paper count ----------------------------------------------------------


def _entity_ranking(kg: KnowledgeGraph) -> dict[tuple[str, ...], list[Row]]:
    """Every entity ranked by the papers that mention it, for all types and per type."""
    rows = []
    for nid, a in kg.nodes():
        if a[S.LABEL] in ENTITY_LABELS:
            papers = {p for p, _ in neighbours(kg, nid, [S.MENTIONS], "in")
                      if kg.node(p)[S.LABEL] == S.PAPER}
            rows.append({"type": entity_type(a[S.LABEL]), "key": a[S.KEY],
                         "name": a.get(S.NAME), "papers": len(papers), "label": a[S.LABEL]})
    rows.sort(key=lambda r: (-r["papers"], r["key"], r["type"]))
    ranked: dict[tuple[str, ...], list[Row]] = {ENTITY_LABELS: rows}
    for label in ENTITY_LABELS:
        ranked[(label,)] = [r for r in rows if r["label"] == label]
    return ranked


def top_entities(kg: KnowledgeGraph, type: str | None = None, limit: int = 10) -> list[Row]:
    labels = entity_type_labels(type)
    rows = ranking(kg, "top_entities", _entity_ranking)[labels]
    return [{k: v for k, v in r.items() if k != "label"} for r in _limit(rows, limit)]


register(Helper(
    name="top_entities",
    whole_graph=True,
    doc="Entities of a type (or all) ranked by how many papers mention them.",
    params=(optional("type", "entity_type", "method, model or benchmark; all when omitted"),
            optional("limit", "int", "at most this many rows", 10)),
    columns=("type", "key", "name", "papers"),
    embedded=top_entities,
    extra_params=_type_labels,
    cypher=(
        "MATCH (e) WHERE any(l IN labels(e) WHERE l IN $labels)"
        f" OPTIONAL MATCH (p:{P})-[:`{S.MENTIONS}`]->(e)"
        f" WITH e, count(DISTINCT p) AS papers, {label_of('e')} AS label"
        f" RETURN $entity_types[label] AS type, e.`{S.KEY}` AS key, e.`{S.NAME}` AS name,"
        " papers ORDER BY papers DESC, key, type LIMIT $limit"
    ),
))

