"""Bibliometric edges and helpers on a real Scopus + Web of Science export set, checked
against figures computed here independently (networkx, plain Python, and a reference
Kleinberg burst detector written from the paper's definition)."""

from __future__ import annotations

import csv
import itertools
import math
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

import networkx as nx
import pytest

from citegraph.graph import bibliometrics as B
from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.names import fold_keyword
from citegraph.graph.pipeline import BuildOptions
from citegraph.queries import kleinberg
from citegraph.queries.mainpath import main_path

REAL = Path(__file__).parent / "fixtures" / "real"
#: A Scopus CSV and three Web of Science plain-text exports (cited references in CR).
EXPORTS = [REAL / "scopus" / "bibliometrix_scopus_sample.csv",
           REAL / "wos" / "bibliometrix_wos_sample.txt",
           REAL / "wos" / "wosfile_plaintext.txt",
           REAL / "wos" / "metaknowledge_savedrecs.txt"]
ONLY_BIBLIOMETRICS = dict(entities=False, similarity=False, co_mention=False, citations=False)


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    import citegraph

    return citegraph.build([str(p) for p in EXPORTS], options=BuildOptions(
        **ONLY_BIBLIOMETRICS, min_co_citations=2, min_coupling=2))


def explicit(kg: KnowledgeGraph) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_edges_from((u, v) for u, v, _, p in kg.edges(S.CITES) if p.get(S.INFERRED) is False)
    return g


def edge_map(kg: KnowledgeGraph, rel: str) -> dict[frozenset, dict]:
    return {frozenset((u, v)): p for u, v, _, p in kg.edges(rel)}


# --- networks against pairwise counts ---------------------------------------------------


def test_both_exports_load_with_references_and_keywords(kg):
    sources = Counter(s for p in kg.papers for s in p.get(S.SOURCES, []))
    assert sources["wos"] >= 60 and sources["csv"] >= 8
    assert kg.stats()["edges"][S.CITES] > 1000
    assert kg.stats()["nodes"][S.KEYWORD] > 100


def test_co_citation_matches_pairwise_counts(kg):
    g = explicit(kg)
    citers = {n: set(g.predecessors(n)) for n in g if g.in_degree(n)}
    expected = {}
    for a, b in itertools.combinations(sorted(citers), 2):
        both = citers[a] & citers[b]
        if len(both) >= 2:
            expected[frozenset((a, b))] = (len(both), len(both) / math.sqrt(
                len(citers[a]) * len(citers[b])), both)
    found = edge_map(kg, S.CO_CITED)
    assert len(expected) > 50 and found.keys() == expected.keys()
    for pair, (count, cosine, both) in expected.items():
        assert found[pair][S.COUNT] == count
        assert found[pair][S.STRENGTH] == pytest.approx(cosine, abs=5e-5)
        keys = sorted(kg.node(n)[S.KEY] for n in both)
        assert found[pair][S.EVIDENCE] == keys[:B.EVIDENCE_LIMIT]


def test_coupling_matches_pairwise_counts(kg):
    g = explicit(kg)
    refs = {n: set(g.successors(n)) for n in g if g.out_degree(n)}
    expected = {}
    for a, b in itertools.combinations(sorted(refs), 2):
        shared = refs[a] & refs[b]
        if len(shared) >= 2:
            expected[frozenset((a, b))] = (len(shared), len(shared) / math.sqrt(
                len(refs[a]) * len(refs[b])))
    found = edge_map(kg, S.COUPLED)
    assert len(expected) > 10 and found.keys() == expected.keys()
    for pair, (count, cosine) in expected.items():
        assert found[pair][S.COUNT] == count
        assert found[pair][S.STRENGTH] == pytest.approx(cosine, abs=5e-5)


def test_co_authorship_matches_joint_papers(kg):
    by_paper = defaultdict(set)
    for a, p, _, _ in kg.edges(S.AUTHORED):
        by_paper[p].add(a)
    joint = Counter()
    for authors in by_paper.values():
        if len(authors) <= B.MAX_AUTHORS_FOR_PAIRS:
            joint.update(frozenset(pair) for pair in itertools.combinations(sorted(authors), 2))
    found = edge_map(kg, S.CO_AUTHORED)
    assert len(joint) > 500 and found.keys() == set(joint)
    assert all(found[pair][S.COUNT] == n for pair, n in joint.items())


def test_keywords_fold_spellings_into_one_node():
    assert fold_keyword("Neural-Networks") == fold_keyword("neural network") == "neural network"
    assert fold_keyword("Bibliometrics") == "bibliometrics"  # not a plural
    assert fold_keyword("Meta-analysis") == fold_keyword("meta analysis")
    kg = KnowledgeGraph()
    kg.add_node(S.PAPER, "a", **{S.TITLE: "A", S.KEYWORDS: ["Large Language Models", "RAG"]})
    kg.add_node(S.PAPER, "b", **{S.TITLE: "B", S.INDEX_TERMS: ["large-language model", "rag"]})
    B.add_keywords(kg)
    B.add_keyword_co_occurrence_edges(kg, 2)
    keywords = dict(kg.nodes(S.KEYWORD))
    assert sorted(keywords) == ["Keyword:large language model", "Keyword:rag"]
    llm = keywords["Keyword:large language model"]
    assert llm[S.PAPER_COUNT] == 2 and llm[S.KEYWORD_KINDS] == ["author", "index"]
    (_, _, _, edge), = kg.edges(S.CO_OCCURS)
    assert edge[S.COUNT] == 2 and edge[S.STRENGTH] == 1.0 and edge[S.EVIDENCE] == ["a", "b"]


def test_inferred_citations_never_count():
    kg = KnowledgeGraph()
    ids = [kg.add_node(S.PAPER, k, **{S.TITLE: k}) for k in "abcd"]
    a, b, c, d = ids
    for citing in (a, b):
        kg.add_edge(S.CITES, citing, c, **{S.INFERRED: False})
        kg.add_edge(S.CITES, citing, d, discriminator="x", **{S.INFERRED: True})
    assert B.add_co_citation_edges(kg, 1) == 0  # c and d are co-cited only by inference
    assert B.add_coupling_edges(kg, 1) == 1  # a and b share c
    assert kg.query.most_cited()[0] == {"key": "c", "title": "c", "year": None,
                                        "citations": 2, "cited_by_count": None}
    assert [r["key"] for r in kg.query.most_cited()] == ["c"]


def test_each_stage_switches_off():
    import citegraph

    off = citegraph.build([str(p) for p in EXPORTS[1:2]], options=BuildOptions(
        **ONLY_BIBLIOMETRICS, keywords=False, co_citation=False, coupling=False,
        co_authorship=False))
    counts = off.stats()
    assert counts["nodes"][S.KEYWORD] == 0
    assert all(counts["edges"][r] == 0 for r in (S.CO_CITED, S.COUPLED, S.CO_AUTHORED,
                                                 S.HAS_KEYWORD, S.CO_OCCURS))


# --- helpers against independent figures -----------------------------------------------


def test_most_cited_counts_local_explicit_citations(kg):
    g = explicit(kg)
    rows = kg.query.most_cited(limit=15)
    assert rows[0]["citations"] == max(d for _, d in g.in_degree())
    for r in rows:
        nid = S.node_id(S.PAPER, r["key"])
        assert r["citations"] == g.in_degree(nid)
        assert r["cited_by_count"] == kg.node(nid).get(S.CITED_BY_COUNT)
    assert any(r["cited_by_count"] for r in kg.query.most_cited(limit=None))


def h(counts):
    counts = sorted(counts, reverse=True)
    return max([i for i in range(1, len(counts) + 1) if counts[i - 1] >= i], default=0)


def test_top_authors_with_h_index(kg):
    g = explicit(kg)
    papers = defaultdict(list)
    for a, p, _, _ in kg.edges(S.AUTHORED):
        papers[a].append(g.in_degree(p) if p in g else 0)
    rows = kg.query.top_authors(limit=None)
    assert len(rows) == len(papers)
    for r in rows:
        cites = papers[S.node_id(S.AUTHOR, r["key"])]
        assert (r["papers"], r["citations"], r["h_index"]) == (len(cites), sum(cites), h(cites))
    assert rows[0]["papers"] == max(len(c) for c in papers.values())
    assert any(r["h_index"] >= 2 for r in rows)


def test_co_authors_and_venues(kg):
    top = kg.query.top_authors(limit=1)[0]
    rows = kg.query.co_authors(top["name"].upper())
    assert rows and all(r["count"] >= 1 and r["papers"] for r in rows)
    venues = kg.query.top_venues(limit=None)
    corpus = Counter(p[S.VENUE] for p in kg.papers if p.get(S.VENUE) and not p.get(S.STUB))
    assert {r["venue"]: r["papers"] for r in venues} == dict(corpus)
    countries = Counter(c for p in kg.papers if not p.get(S.STUB)
                        for c in set(p.get(S.COUNTRIES) or []))
    rows = kg.query.top_countries(limit=None)
    assert rows and {r["country"]: r["papers"] for r in rows} == dict(countries)


# --- Kleinberg bursts ----------------------------------------------------------------


def reference_bursts(r, d, s=2.0, gamma=1.0):
    """Kleinberg (2002), section 4, written out plainly: binomial state costs, Viterbi over
    two states with γ·ln n to go up, bursts as maximal runs of state 1 with their weight
    (cost saved against the base state), trimmed to periods that have documents."""
    n = len(r)
    p = [sum(r) / sum(d)]
    p.append(min(s * p[0], 1 - 1e-9))

    def cost(i, t):
        lb = math.lgamma(d[t] + 1) - math.lgamma(r[t] + 1) - math.lgamma(d[t] - r[t] + 1)
        return -(lb + r[t] * math.log(p[i]) + (d[t] - r[t]) * math.log(1 - p[i]))

    up = gamma * math.log(n)
    best = {0: (0.0, []), 1: (math.inf, [])}
    for t in range(n):
        new = {}
        for j in (0, 1):
            options = [(best[i][0] + (up if j > i else 0.0), best[i][1]) for i in (0, 1)]
            c, path = min(options, key=lambda o: o[0])
            new[j] = (c + cost(j, t), path + [j])
        best = new
    states = min(best.values(), key=lambda o: o[0])[1]
    out = []
    for state, run in itertools.groupby(range(n), key=lambda t: states[t]):
        run = list(run)
        if state == 1:
            weight = sum(cost(0, t) - cost(1, t) for t in run)
            dated = [t for t in run if d[t] > 0] or run
            out.append((dated[0], dated[-1], weight))
    return out


def brute_force_states(r, d, s=2.0, gamma=1.0):
    """The cheapest of all 2^n state sequences, to check the Viterbi on short series."""
    costs = kleinberg.state_costs(r, d, s)
    up = gamma * math.log(len(r))
    best = None
    for states in itertools.product((0, 1), repeat=len(r)):
        total, prev = 0.0, 0
        for t, q in enumerate(states):
            total += costs[q, t] + (up if q > prev else 0.0)
            prev = q
        if best is None or total < best[0] - 1e-12:
            best = (total, states)
    return list(best[1])


@pytest.mark.parametrize("r, d", [
    ([0, 1, 0, 6, 7, 1, 0, 0], [10, 10, 10, 10, 10, 10, 10, 10]),
    ([1, 0, 2, 0, 0, 5, 0, 3, 0], [4, 3, 6, 2, 0, 7, 5, 4, 3]),
    ([2, 2, 2, 2, 2], [9, 9, 9, 9, 9]),
])
def test_viterbi_is_the_cheapest_state_sequence(r, d):
    import numpy as np

    states = kleinberg.viterbi(kleinberg.state_costs(r, d), math.log(len(r)))
    assert list(states) == brute_force_states(r, d)
    got = [(b.start, b.end, pytest.approx(b.weight)) for b in kleinberg.bursts(np.array(r), d)]
    assert got == reference_bursts(r, d)


def test_reference_bursts_match_the_reference_detector(kg):
    """Cited references' bursts over the citing papers' years, recomputed from the
    graph's explicit citations with the reference detector above."""
    years = {nid: a.get(S.YEAR) for nid, a in kg.nodes(S.PAPER)}
    cites = {(u, v) for u, v, _, p in kg.edges(S.CITES) if p.get(S.INFERRED) is False}
    citing_years = Counter(years[u] for u in {u for u, _ in cites} if years[u])
    axis = sorted(citing_years)  # the years that have citing papers are the batches
    d = [citing_years.get(y, 0) for y in axis]
    per_ref = defaultdict(lambda: [0] * len(axis))
    for u, v in cites:
        if years[u]:
            per_ref[v][axis.index(years[u])] += 1
    expected = []
    for ref, r in per_ref.items():
        for start, end, weight in reference_bursts(r, d):
            expected.append((kg.node(ref)[S.KEY], str(axis[start]), str(axis[end]), weight))
    expected.sort(key=lambda e: (-round(e[3], 4), e[1], e[0]))
    rows = kg.query.bursts(kind="reference", unit="year", limit=None)
    assert len(expected) >= 2
    assert [(r["key"], r["start"], r["end"]) for r in rows] == [e[:3] for e in expected]
    assert [r["weight"] for r in rows] == pytest.approx([e[3] for e in expected], abs=1e-4)


# --- main path, related, timeline ----------------------------------------------------


def test_main_path_follows_the_largest_search_path_counts():
    # Hummon & Doreian style toy network, as (citing, cited): knowledge flows a → … → f
    cites = [("b", "a"), ("c", "a"), ("d", "b"), ("d", "c"), ("e", "c"), ("f", "d"),
             ("f", "e"), ("g", "e")]
    steps = main_path(cites)
    # sources: a; sinks: f, g. Paths a→c→e→f, a→c→e→g, a→c→d→f, a→b→d→f: SPC(a,c) = 3
    assert [s.members[0] for s in steps] == ["a", "c", "e", "f"]
    assert [s.spc for s in steps] == [None, 3, 2, 1]
    cyclic = main_path([("b", "a"), ("a", "b"), ("c", "b"), ("d", "c")])
    assert [s.members for s in cyclic] == [("a", "b"), ("c",), ("d",)]


def test_main_path_on_the_real_exports(kg):
    rows = kg.query.main_path()
    g = explicit(kg)
    assert len(rows) >= 3 and rows[0]["spc"] is None
    for a, b in itertools.pairwise(rows):  # each step cites the one before it
        assert g.has_edge(S.node_id(S.PAPER, b["key"]), S.node_id(S.PAPER, a["key"]))


def test_related_names_each_reason(kg):
    pair = max(kg.edges(S.COUPLED), key=lambda e: (e[3][S.COUNT], e[0]))
    key = kg.node(pair[0])[S.KEY]
    rows = kg.query.related(key)
    other = kg.node(pair[1])[S.KEY]
    row = next(r for r in rows if r["key"] == other)
    assert f"{pair[3][S.COUNT]} shared reference(s)" in row["reasons"]
    assert row["score"] == pytest.approx(pair[3][S.STRENGTH] / 3, abs=1e-4)
    assert rows == sorted(rows, key=lambda r: (-r["score"], r["key"]))


def test_timeline_counts_undated_papers():
    kg = KnowledgeGraph()
    lora = kg.add_node(S.METHOD, "lora", **{S.NAME: "LoRA"})
    for key, date in (("a", "2024-01-03"), ("b", None), ("c", None)):
        kg.add_edge(S.MENTIONS, kg.add_node(S.PAPER, key, **{S.TITLE: key, S.DATE: date}), lora)
    assert kg.query.timeline("lora") == [{"month": "2024-01", "papers": 1},
                                         {"month": None, "papers": 2}]


# --- exports and the command line ----------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "citegraph", *args], capture_output=True,
                          text=True, timeout=600)


def test_vosviewer_and_pajek_files(kg, tmp_path):
    out = kg.export(tmp_path / "vos", "vosviewer", network="co-citation")
    with open(out / "map.txt", encoding="utf-8", newline="") as f:
        table = list(csv.reader(f, delimiter="\t"))
    assert table[0][:5] == ["id", "label", "x", "y", "cluster"]
    assert table[0][5:] == ["weight<Links>", "weight<Total link strength>",
                            "weight<Citations>", "score<Avg. pub. year>"]
    rows = table[1:]
    assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))
    links = [line.split("\t") for line in (out / "network.txt").read_text().splitlines()]
    assert len(links) == kg.stats()["edges"][S.CO_CITED]
    strength = Counter()
    for a, b, w in links:
        strength[a] += float(w)
        strength[b] += float(w)
    assert all(float(r[6]) == strength[r[0]] for r in rows)
    pajek = nx.read_pajek(kg.export(tmp_path / "co.net", network="co-authorship"))
    assert pajek.number_of_edges() == kg.stats()["edges"][S.CO_AUTHORED]


def test_cli_switches_exports_and_csv(tmp_path):
    graph = tmp_path / "g"
    result = run("build", str(EXPORTS[1]), "--out", str(graph), "-q", "--no-similarity",
                 "--no-entities", "--no-co-citation", "--min-coupling", "3")
    assert result.returncode == 0, result.stderr
    kg = KnowledgeGraph.load(graph)
    assert kg.stats()["edges"][S.CO_CITED] == 0
    assert all(p[S.COUNT] >= 3 for _, _, _, p in kg.edges(S.COUPLED))
    result = run("query", "top_authors", "limit=3", "-g", str(graph), "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(result.stdout.splitlines()))
    assert [r["key"] for r in rows] == [r["key"] for r in kg.query.top_authors(limit=3)]
    result = run("export", str(graph), "--format", "pajek", "--network", "keywords", "-o",
                 str(tmp_path / "k.net"))
    assert result.returncode == 0 and (tmp_path / "k.net").read_text().startswith("*Vertices")
    result = run("export", str(graph), "--format", "vosviewer", "--network", "nonsense", "-o",
                 str(tmp_path / "v"))
    assert result.returncode == 1 and "unknown network" in result.stderr
