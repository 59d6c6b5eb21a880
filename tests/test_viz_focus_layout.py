"""Result pages show the paper asked about; nodes without edges sit in a grid; the Python
API's progress falls back to text where Jupyter cannot draw widgets."""

from __future__ import annotations

import io
import os
from pathlib import Path

import networkx as nx
import pytest
from test_viz_left_out import page_data

from citegraph.graph import schema as S
from citegraph.graph.interactive import TqdmProgress, _bar_class, in_jupyter
from citegraph.graph.model import KnowledgeGraph
from citegraph.queries.cli_commands import query_paper
from citegraph.viz import layout


def _graph() -> KnowledgeGraph:
    g = KnowledgeGraph()
    asked = g.add_node(S.PAPER, "asked", title="The Paper Asked About", year=2024)
    other = g.add_node(S.PAPER, "other", title="A Similar Paper", year=2023)
    lora = g.add_node(S.METHOD, "lora", name="LoRA")
    g.add_edge(S.MENTIONS, asked, lora, count=1)
    g.add_edge(S.MENTIONS, other, lora, count=1)
    return g


def test_result_page_adds_and_highlights_the_paper_asked_about() -> None:
    kg = _graph()
    rows = [{"key": "other", "title": "A Similar Paper", "score": 0.9}]
    plain = kg.view(nodes=rows)
    focused = kg.view(nodes=rows, focus="The Paper Asked About")
    assert plain.counts["nodes"] == 1
    assert focused.counts["nodes"] == 2
    data = page_data(focused.html)
    assert data["focus"] == "Paper:asked"
    asked = next(n for n in data["nodes"] if n["id"] == "Paper:asked")
    other = next(n for n in data["nodes"] if n["id"] == "Paper:other")
    assert asked["borderWidth"] == 4 and asked["color"]["border"] == "#111111"
    assert "borderWidth" not in other and other["color"]["border"] != "#111111"
    assert "The Paper Asked About, the paper the query asked about" in data["note"]
    assert focused.left_out == []  # the remark is no left-out


def test_query_paper_is_the_paper_argument_of_paper_helpers() -> None:
    assert query_paper("similar_papers", ["NanoFlow", "limit=5"]) == "NanoFlow"
    assert query_paper("related", ["limit=3", "paper=X"]) == "X"
    assert query_paper("papers_per_year", []) is None


def test_isolated_nodes_form_a_grid_below_the_rest() -> None:
    graph = nx.Graph()
    graph.add_edge("a", "b", weight=1.0)
    graph.add_edge("b", "c", weight=1.0)
    lonely = [f"i{k}" for k in range(10)]
    graph.add_nodes_from(lonely)
    pos = layout.layout(graph, ["a", "b", "c", *lonely])
    xs = sorted({pos[n][0] for n in lonely})
    ys = sorted({pos[n][1] for n in lonely})
    assert len(xs) == 4 and len(ys) == 3  # ceil(sqrt(10)) columns, three rows
    assert all(round(b - a) == layout.SPACING for a, b in zip(xs, xs[1:], strict=False))
    assert min(ys) > max(pos[n][1] for n in "abc")  # below the connected part
    assert len({pos[n] for n in lonely}) == len(lonely)


def test_progress_outside_jupyter_is_text_on_the_given_stream() -> None:
    assert not in_jupyter()
    assert _bar_class().__module__ == "tqdm.std"
    out = io.StringIO()
    with TqdmProgress(file=out).stage("Entities", total=3) as stage:
        stage.advance(3)
    assert "Entities" in out.getvalue() and "3/3" in out.getvalue()


def test_build_summary_is_one_line_of_counts() -> None:
    from citegraph import build_summary

    kg = _graph()
    assert build_summary(kg) == "citegraph: 2 papers, 3 nodes, 2 edges"


@pytest.mark.browser
def test_result_page_draws_the_paper_asked_about_highlighted(tmp_path) -> None:
    from citegraph.viz.headless import Browser, find_chromium

    if not find_chromium():
        if os.environ.get("CITEGRAPH_REQUIRE_BROWSER") == "1":
            pytest.fail("CITEGRAPH_REQUIRE_BROWSER=1 but chromium is not installed")
        pytest.skip("chromium is not installed")
    page = _graph().view(nodes=[{"key": "other"}], focus="The Paper Asked About")
    path = page.save(tmp_path / "similar.html")
    with Browser(width=1000, height=700) as browser:
        browser.open(path)
        browser.wait_for("window.citegraphView && window.citegraphView.drawnAt", timeout=30)
        asked = browser.evaluate("citegraphView.nodes.get('Paper:asked')")
        other = browser.evaluate("citegraphView.nodes.get('Paper:other')")
        browser.screenshot(Path(__file__).resolve().parents[1] / "out" / "screenshots"
                           / "similar-focus.png")
        outside = [u for u in browser.report.requests if not u.startswith(("file:", "data:"))]
    assert asked is not None and other is not None
    assert asked["borderWidth"] == 4 and other.get("borderWidth", 1) < 4
    assert outside == [] and browser.report.exceptions == []


def test_cli_similar_papers_page_holds_the_paper_asked_about(tmp_path) -> None:
    from typer.testing import CliRunner

    from citegraph.cli import app

    kg = _graph()
    for i in range(3):
        near = kg.add_node(S.PAPER, f"near{i}", title=f"Near Paper {i}", year=2024)
        kg.add_edge(S.SIMILAR_TO, "Paper:asked", near, score=0.9 - i / 10)
    kg.save(tmp_path / "graph")
    out = tmp_path / "similar.html"
    ran = CliRunner().invoke(app, ["query", "similar_papers", "The Paper Asked About", "-g",
                                   str(tmp_path / "graph"), "--html", str(out)])
    assert ran.exit_code == 0, ran.output
    data = page_data(out.read_text(encoding="utf-8"))
    ids = {n["id"] for n in data["nodes"]}
    assert ids == {"Paper:asked", "Paper:near0", "Paper:near1", "Paper:near2"}
    assert data["focus"] == "Paper:asked"
    assert [n["borderWidth"] for n in data["nodes"] if n["id"] == "Paper:asked"] == [4]
