"""Views without a browser: selection, escaping, offline pages, the CLI command."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from typer.testing import CliRunner

from citegraph.errors import AmbiguousName
from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.viz import ViewError, nodes_from_rows, resolve_focus, samples, style
from citegraph.viz.page import script_json


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    """Three papers, two entities, a hostile title."""
    g = KnowledgeGraph()
    a = g.add_node(S.PAPER, "a", title="Low-Rank Adaptation of Models", year=2021,
                   abstract="We propose LoRA.")
    b = g.add_node(S.PAPER, "b", title="Another Paper", year=2023)
    bad = g.add_node(S.PAPER, "bad", title=samples.HOSTILE_TITLE,
                     abstract="x </script><!-- y \u2028 z")
    lora = g.add_node(S.METHOD, "lora", name="LoRA", aliases=["Low-Rank Adaptation"])
    g.add_node(S.MODEL, "twin", name="Twin")
    g.add_node(S.METHOD, "twin", name="twin")
    g.add_edge(S.INTRODUCES, a, lora, evidence=["We propose LoRA."])
    g.add_edge(S.MENTIONS, b, lora, count=2, evidence=["<script>alert(3)</script>"])
    g.add_edge(S.MENTIONS, bad, lora, count=1)
    return g


def test_every_schema_kind_has_a_style() -> None:
    assert set(style.node_styles()) == set(S.LABELS)
    assert set(style.edge_styles()) == set(S.REL_TYPES)


def test_script_json_cannot_leave_the_script_element() -> None:
    text = script_json({"t": "</script><!-- \u2028 & >"})
    for bad in ("</", "<!--", "\u2028", "&", ">"):
        assert bad not in text


def test_focus_matches_titles_names_and_aliases_case_insensitively(kg) -> None:
    assert resolve_focus(kg, "low-rank adaptation of models") == "Paper:a"
    assert resolve_focus(kg, "lora") == "Method:lora"
    assert resolve_focus(kg, "  LOW-RANK   adaptation ") == "Method:lora"
    assert resolve_focus(kg, "Method:lora") == "Method:lora"


def test_focus_errors_are_one_line(kg) -> None:
    with pytest.raises(AmbiguousName, match="ambiguous") as err:
        resolve_focus(kg, "TWIN")
    assert "\n" not in str(err.value)
    with pytest.raises(ViewError, match="no paper title or entity name matches"):
        resolve_focus(kg, "nothing like it")


def test_rows_of_a_query_name_nodes_by_key_or_id(kg) -> None:
    rows = [{"paper": "a", "method": "lora", "count": 3}, {"id": "Paper:b", "score": 0.5}]
    assert set(nodes_from_rows(kg, rows)) == {"Paper:a", "Method:lora", "Paper:b"}
    by_name = [{"method": "low-rank ADAPTATION", "paper": "Another Paper", "n": "7"}]
    assert set(nodes_from_rows(kg, by_name)) == {"Method:lora", "Paper:b"}


def test_page_is_offline_and_escaped(kg) -> None:
    page = kg.view().html
    assert "<img src=x" not in page and "alert(3)</script>" not in page
    assert not re.search(r"<(script|link|img|iframe)[^>]*\s(src|href)=", page, re.I)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//|@import", page, re.I)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert page.count("</script>") == 3  # vis-network, the data, the view script


def test_views_show_the_right_nodes(kg) -> None:
    hood = kg.view(focus="LoRA", depth=1)
    assert hood.counts == {"nodes": 4, "edges": 3}
    result = kg.view(nodes=[{"key": "a"}, {"key": "b"}])
    assert result.counts == {"nodes": 2, "edges": 0}
    assert kg.view(nodes=["Paper:a"], expand=1).counts["nodes"] == 2
    with pytest.raises(ViewError):
        kg.view(nodes=[{"n": 1}])


def test_overview_is_capped_with_a_note() -> None:
    big = samples.synthetic(300)
    page = big.view(max_nodes=100)
    assert page.counts["nodes"] == 100
    assert "Showing the 100 most central of 300 nodes" in page.note
    assert "left out:" in page.note


def test_big_views_get_positions_and_no_physics() -> None:
    from citegraph.viz import PHYSICS_LIMIT

    page = samples.synthetic(PHYSICS_LIMIT + 50).view()
    assert '"physics":false' in page.html
    assert re.search(r'"x":-?\d+,"y":-?\d+', page.html)


def test_jupyter_display_is_an_isolated_iframe(kg, tmp_path) -> None:
    page = kg.view()
    shown = page._repr_html_()
    assert shown.startswith("<iframe srcdoc=") and "<script" not in shown
    assert page.save(tmp_path / "v" / "page.html").read_text(encoding="utf-8") == page.html


def test_cli_view_writes_a_page_and_fails_in_one_line(kg, tmp_path) -> None:
    from citegraph.cli import app

    kg.save(tmp_path / "graph")
    runner = CliRunner()
    out = tmp_path / "lora.html"
    ok = runner.invoke(app, ["view", str(tmp_path / "graph"), "-o", str(out),
                             "--focus", "lora", "--depth", "2"])
    assert ok.exit_code == 0, ok.output
    assert "Method LoRA" in out.read_text(encoding="utf-8")
    bad = runner.invoke(app, ["view", str(tmp_path / "graph"), "-o", str(out),
                              "--focus", "twin"])
    assert bad.exit_code != 0
    assert isinstance(bad.exception, AmbiguousName)


def _two_topics(per_topic: int = 100) -> KnowledgeGraph:
    """Two topics (papers mentioning their own hub method) with similarity across them."""
    g = KnowledgeGraph()
    topics = []
    for t in range(2):
        hub = g.add_node(S.METHOD, f"hub{t}", name=f"Hub {t}")
        papers = [g.add_node(S.PAPER, f"p{t}-{i}", title=f"Topic {t} paper {i}")
                  for i in range(per_topic)]
        for i, p in enumerate(papers):
            g.add_edge(S.MENTIONS, p, hub, count=1)
            for step in (1, 3, 11, 29):  # a well-knit topic, no ring or chain
                g.add_edge(S.CITES, p, papers[(i + step) % per_topic])
        topics.append(papers)
    for i in range(per_topic):  # every paper similar to two of the other topic
        for j in (i, (i + 7) % per_topic):
            g.add_edge(S.SIMILAR_TO, topics[0][i], topics[1][j], score=0.8)
    return g


def test_overview_hides_similarity_and_says_so() -> None:
    page = _two_topics().view()
    data = json.loads(re.search(r'id="view-data" type="application/json">(.*?)</script>',
                                page.html, re.S).group(1))
    assert data["hidden"] == [S.SIMILAR_TO]
    assert "SIMILAR_TO (200) hidden" in page.note
    similar = next(r for r in data["legend"]["edges"] if r["kind"] == S.SIMILAR_TO)
    assert similar["count"] == 200  # still counted in the legend
    # the hubs are labelled before any paper
    best = max(data["nodes"], key=lambda n: n["lp"])
    assert best["kind"] == S.METHOD


def test_big_neighbourhood_hides_similarity_from_physics_too() -> None:
    page = _two_topics().view(focus="Hub 0", depth=3)
    data = json.loads(re.search(r'id="view-data" type="application/json">(.*?)</script>',
                                page.html, re.S).group(1))
    assert data["hidden"] == [S.SIMILAR_TO] and "hidden" in page.note
    similar = [e for e in data["edges"] if e["kind"] == S.SIMILAR_TO]
    assert similar and all(e["physics"] is False for e in similar)
    assert all("physics" not in e for e in data["edges"] if e["kind"] != S.SIMILAR_TO)


def test_layout_keeps_topics_apart_despite_similarity() -> None:
    from citegraph.viz import layout, select

    kg = _two_topics()
    graph = select.layout_graph(kg, [nid for nid, _ in kg.nodes()])
    groups = layout.communities(graph)
    assert len(groups) >= 2
    order = sorted(graph)
    pos = layout.layout(graph, order, groups=groups)
    a = np.array([pos[n] for n in graph if ":p0-" in n])
    b = np.array([pos[n] for n in graph if ":p1-" in n])
    # communities follow the topics, and almost every paper is nearer its own topic's centre
    pure = sum(max(sum(":p0-" in n for n in g), sum(":p1-" in n for n in g)) for g in groups)
    assert pure >= 0.9 * len(a) * 2
    ca, cb = a.mean(0), b.mean(0)
    own = (np.linalg.norm(a - ca, axis=1) < np.linalg.norm(a - cb, axis=1)).sum() + \
        (np.linalg.norm(b - cb, axis=1) < np.linalg.norm(b - ca, axis=1)).sum()
    assert own >= 0.9 * (len(a) + len(b))
    assert set(pos) == set(graph)
