"""The embedded helpers' lookup indexes change speed, never answers: each helper answers as
a plain scan of the whole graph does, and follows the graph when it changes."""

from __future__ import annotations

import random

import networkx as nx
import pytest

from citegraph import build
from citegraph.graph import schema as S
from citegraph.graph.options import BuildOptions
from citegraph.graph.progress import SILENT
from citegraph.queries.analytics import MAX_PATH_LENGTH, words
from citegraph.queries.common import neighbours


@pytest.fixture(scope="module")
def corpus(seed_files):
    """The whole example corpus with entities (no similarity: not needed here)."""
    return build(seed_files, options=BuildOptions(similarity=False), progress=SILENT)


def _mentioning_scan(kg, eid: str) -> list[dict]:
    papers = {p for p, _ in neighbours(kg, eid, [S.MENTIONS], "in")}
    rows = [{"key": a[S.KEY], "title": a.get(S.TITLE), "date": a.get(S.DATE)}
            for a in (kg.node(p) for p in papers)]
    rows.sort(key=lambda r: r["key"])
    rows.sort(key=lambda r: r["date"] or "", reverse=True)
    return rows


def test_papers_mentioning_and_timeline_equal_a_scan(corpus):
    mentioned = sorted({e for _, e, _, _ in corpus.edges(S.MENTIONS)})
    assert len(mentioned) > 50
    for eid in mentioned:
        key = corpus.node(eid)[S.KEY]
        expected = _mentioning_scan(corpus, eid)
        for limit in (1, 5, None):
            got = list(corpus.query.papers_mentioning(eid, limit=limit))
            assert got == (expected if limit is None else expected[:limit]), key
        months: dict = {}
        for r in expected:
            month = r["date"][:7] if r["date"] is not None else None
            months[month] = months.get(month, 0) + 1
        timeline = [dict(r) for r in corpus.query.timeline(eid)]
        undated = months.pop(None, 0)
        assert timeline[: len(months)] == [{"month": m, "papers": n}
                                          for m, n in sorted(months.items())]
        assert timeline[len(months):] == ([{"month": None, "papers": undated}]
                                          if undated else [])


def _search_scan(kg, text: str, label: str | None, limit: int) -> list[dict]:
    terms = set(words(text))
    rows = []
    for _, a in kg.nodes():
        kind = S.NODE_KIND_BY_LABEL[a[S.LABEL]]
        if not kind.fulltext or (label and a[S.LABEL] != label):
            continue
        found = set()
        for field in kind.fulltext:
            if isinstance(a.get(field), str):
                found.update(words(a[field]))
        if terms <= found:
            rows.append({"label": a[S.LABEL], "key": a[S.KEY],
                         "name": a.get(S.NAME, a.get(S.TITLE))})
    rows.sort(key=lambda r: (r["label"], r["key"]))
    return rows[:limit]


def test_search_equals_a_scan_for_rare_and_common_words(corpus):
    rng = random.Random(3)
    titles = [a[S.TITLE] for _, a in corpus.nodes(S.PAPER) if a.get(S.TITLE)]
    texts = ["model", "language model", "the", "diffusion", "no-such-word-here"]
    texts += [" ".join(rng.sample(t.split(), min(2, len(t.split())))) for t in
              rng.sample(titles, 15)]
    for text in texts:
        for label in (None, S.PAPER, S.METHOD, S.AUTHOR):
            for limit in (3, 20, 1000):
                got = [dict(r) for r in corpus.query.search(text, label=label, limit=limit)]
                assert got == _search_scan(corpus, text, label, limit), (text, label, limit)


def _path_scan(kg, s: str, t: str) -> list[str] | None:
    graph = kg.undirected()
    try:
        paths = list(nx.all_shortest_paths(graph, s, t))
    except nx.NetworkXNoPath:
        return None
    best = min(paths)
    return best if len(best) - 1 <= MAX_PATH_LENGTH else None


def test_shortest_path_is_the_smallest_of_the_shortest_paths(corpus):
    rng = random.Random(5)
    nodes = sorted(nid for nid, a in corpus.nodes() if a[S.LABEL] != S.KEYWORD)
    for _ in range(30):
        s, t = rng.sample(nodes, 2)
        expected = _path_scan(corpus, s, t)
        got = corpus.query.shortest_path(s, t)
        keys = [S.node_id(r["label"], r["key"]) for r in got]
        assert keys == (expected or []), (s, t)


def test_indexes_follow_the_graph_when_it_changes(seed_files):
    kg = build(seed_files[:1], options=BuildOptions(similarity=False), progress=SILENT)
    entity = next(e for _, e, _, _ in kg.edges(S.MENTIONS))
    before = list(kg.query.papers_mentioning(entity, limit=None))
    top = {r["key"]: r["papers"] for r in kg.query.top_entities(limit=None)}
    cited = next(p for p, _ in kg.nodes(S.PAPER))
    was_cited = {r["key"]: r["citations"] for r in kg.query.most_cited(limit=None)}
    kg.query.search("zyxwvut")

    paper = kg.add_node(S.PAPER, "p-new", title="Zyxwvut: a late paper", date="2099-01-01")
    kg.add_edge(S.MENTIONS, paper, entity)
    kg.add_edge(S.CITES, paper, cited)

    after = list(kg.query.papers_mentioning(entity, limit=None))
    assert after[0]["key"] == "p-new" and after[1:] == before
    key = kg.node(entity)[S.KEY]
    assert {r["key"]: r["papers"] for r in kg.query.top_entities(limit=None)}[key] \
        == top[key] + 1
    cited_key = kg.node(cited)[S.KEY]
    now = {r["key"]: r["citations"] for r in kg.query.most_cited(limit=None)}
    assert now[cited_key] == was_cited.get(cited_key, 0) + 1
    assert [r["key"] for r in kg.query.search("zyxwvut")] == ["p-new"]
