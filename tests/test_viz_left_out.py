"""Every page says what it left out: on the page, in ``GraphView.left_out``, on the CLI."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from typer.testing import CliRunner

from citegraph.graph import bibliometrics as B
from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.viz import samples
from citegraph.viz.bursts import bursts_page, timeline_page
from citegraph.viz.maps import map_view


def page_data(html: str) -> dict:
    """The data a graph page draws (nodes, edges, note), as the page reads it."""
    return json.loads(re.search(r'id="view-data" type="application/json">(.*?)</script>',
                                html, re.S).group(1))


class _Notes(HTMLParser):
    """Text of the elements with ``role="note"`` in a chart page."""

    def __init__(self) -> None:
        super().__init__()
        self.notes: list[str] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs) -> None:
        if self._depth:
            self._depth += 1
        elif ("role", "note") in attrs:
            self._depth = 1
            self.notes.append("")

    def handle_endtag(self, tag) -> None:
        if self._depth:
            self._depth -= 1

    def handle_data(self, data) -> None:
        if self._depth:
            self.notes[-1] += data


def chart_notes(html: str) -> list[str]:
    parser = _Notes()
    parser.feed(html)
    return parser.notes


def test_capped_overview_counts_the_nodes_and_edges_left_out() -> None:
    kg = samples.synthetic(300)
    page = kg.view(max_nodes=100)
    total_edges = kg.number_of_edges()
    shown = page.counts["edges"]
    assert page.counts["nodes"] == 100
    [said] = page.left_out
    assert f"Showing the 100 most central of 300 nodes (by PageRank) and {shown:,} of " \
           f"{total_edges:,} edges" in said
    assert f"the {total_edges - shown:,} edges that touch them" in said
    # the left-out nodes by label add up to the 200 not shown
    counted = sum(int(n.replace(",", "")) for n in re.findall(r"([\d,]+) (?:Paper|Method|Model|"
                                                              r"Benchmark)\b", said))
    assert counted == 200
    assert page_data(page.html)["note"] == page.note and said in page.note


def test_a_view_that_shows_everything_leaves_nothing_out() -> None:
    kg = samples.synthetic(60)
    page = kg.view()
    assert page.left_out == [] and page_data(page.html)["note"] == ""
    assert page.counts == {"nodes": 60, "edges": kg.number_of_edges()}


def test_capped_neighbourhood_keeps_its_centre_and_says_what_it_cut() -> None:
    kg = samples.synthetic(300)
    hub = max((n for n, _ in kg.nodes(S.METHOD)), key=kg.degree)
    around = kg.degree(hub)
    page = kg.view(focus=hub, depth=1, max_nodes=10)
    data = page_data(page.html)
    assert hub in {n["id"] for n in data["nodes"]} and page.counts["nodes"] == 10
    assert page.left_out and f"most central of {around + 1:,} nodes" in page.left_out[0]


def test_result_page_says_which_rows_name_no_node() -> None:
    kg = samples.synthetic(60)
    rows = [{"key": "p1", "score": 0.9}, {"key": "p2", "score": 0.8},
            {"key": "no-such-paper", "score": 0.7}]
    page = kg.view(nodes=rows)
    assert page.counts["nodes"] == 2
    assert page.left_out == ["1 of 3 result rows name no node of the graph and are not shown."]
    assert page.left_out[0] in page_data(page.html)["note"]


def test_hidden_similarity_is_listed_as_left_out() -> None:
    kg = samples.synthetic(400)
    papers = [n for n, _ in kg.nodes(S.PAPER)]
    for a, b in zip(papers, papers[1:], strict=False):
        kg.add_edge(S.SIMILAR_TO, a, b, score=0.8)
    page = kg.view(max_nodes=200)
    assert any(s.startswith("SIMILAR_TO (") and "hidden" in s for s in page.left_out)


def _co_authors(n_papers: int = 12) -> KnowledgeGraph:
    """Papers by overlapping groups of authors, so co-authorship links many of them."""
    kg = KnowledgeGraph()
    authors = [kg.add_node(S.AUTHOR, f"a{i}", name=f"Author {i}") for i in range(10)]
    for i in range(n_papers):
        paper = kg.add_node(S.PAPER, f"p{i}", title=f"Paper {i}", year=2020 + i % 4)
        for k, author in enumerate(authors[i % 7: i % 7 + 3 + i % 2]):
            kg.add_edge(S.AUTHORED, author, paper, **{S.POSITION: k + 1})
    B.add_co_author_edges(kg, 1)
    return kg


def test_map_of_the_largest_nodes_counts_the_rest() -> None:
    kg = _co_authors()
    everything = map_view(kg, "co-authorship")
    assert everything.left_out == []
    links = sum(1 for _ in kg.edges(S.CO_AUTHORED))
    linked = len({n for u, v, _, _ in kg.edges(S.CO_AUTHORED) for n in (u, v)})
    top = map_view(kg, "co-authorship", top=4)
    [said] = top.left_out
    assert f"Showing the 4 largest of {linked} nodes (by documents) and " \
           f"{top.counts['edges']} of {links} links" in said
    assert f"left out: {linked - 4} smaller nodes and the {links - top.counts['edges']} links" \
        in said
    assert said in page_data(top.html)["note"]


def test_trends_page_says_how_many_papers_have_no_date() -> None:
    kg = _co_authors()
    for i in range(3):
        kg.add_node(S.PAPER, f"undated{i}", title=f"Undated {i}")
    page = bursts_page(kg)
    assert page.left_out[0] == "3 papers without a date are not shown."
    assert chart_notes(page.html) == [" ".join(page.left_out)]


def test_trends_page_says_how_many_bursts_it_cut() -> None:
    kg = KnowledgeGraph()
    # eight terms, each in one paper a year and ten in its own year: eight bursts
    for t in range(8):
        term = kg.add_node(S.METHOD, f"m{t}", name=f"Method {t}")
        for year in range(2010, 2020):
            for i in range(12):
                paper = kg.add_node(S.PAPER, f"p{t}-{year}-{i}", title="x", year=year)
                if i < (10 if year == 2011 + t else 1):
                    kg.add_edge(S.MENTIONS, paper, term, count=1)
    every = bursts_page(kg, limit=100).counts["bursts"]
    assert every == 8
    page = bursts_page(kg, limit=2)
    assert f"Methods, models and benchmarks: the 2 strongest of {every} bursts are shown." \
        in page.left_out


def test_timeline_page_leaves_out_undated_papers_and_says_so() -> None:
    rows = [{"month": "2024-01", "papers": 2}, {"month": "2024-04", "papers": 1},
            {"month": "2023", "papers": 1}, {"month": None, "papers": 12}]
    page = timeline_page(rows, "timeline LoRA")
    assert page.left_out == ["12 papers without a date are not shown.",
                             "1 paper dated without a month is not shown."]
    assert page.counts == {"periods": 4, "papers": 3}  # 2024-01 … 2024-04, empty months too
    assert chart_notes(page.html) == [" ".join(page.left_out)]
    dated = timeline_page(rows[:2])
    assert dated.left_out == [] and chart_notes(dated.html) == []


def test_cli_prints_what_each_page_left_out(tmp_path) -> None:
    from citegraph.cli import app

    kg = samples.synthetic(300)
    lora = kg.add_node(S.METHOD, "lora", name="LoRA")
    for i, year in enumerate((2023, 2023, None, None)):
        paper = kg.add_node(S.PAPER, f"t{i}", title=f"Tuned {i}",
                            **({S.DATE: f"{year}-05-01", S.YEAR: year} if year else {}))
        kg.add_edge(S.MENTIONS, paper, lora, count=1)
    kg.save(tmp_path / "graph")
    runner = CliRunner()
    graph = str(tmp_path / "graph")
    view = runner.invoke(app, ["view", graph, "-o", str(tmp_path / "o.html"), "--max-nodes",
                               "50"])
    assert view.exit_code == 0, view.output
    assert "Showing the 50 most central of 305 nodes" in " ".join(view.output.split())
    timeline = runner.invoke(app, ["query", "timeline", "LoRA", "-g", graph, "--html",
                                   str(tmp_path / "t.html")])
    assert timeline.exit_code == 0, timeline.output
    assert timeline.output.count("2 papers without a date are not shown.") == 1
    assert chart_notes((tmp_path / "t.html").read_text(encoding="utf-8")) == [
        "2 papers without a date are not shown."]
    result = runner.invoke(app, ["query", "papers_mentioning", "LoRA", "-g", graph, "--html",
                                 str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.output
    assert "note:" not in result.output  # every row names a paper: nothing left out
