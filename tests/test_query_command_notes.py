"""What ``citegraph query`` says beside the rows: the undated papers a timeline leaves out,
and the paper a result page was asked about."""

from __future__ import annotations

import pytest
from ambiguous_graph import ambiguous_graph
from typer.testing import CliRunner


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    directory = tmp_path_factory.mktemp("graph") / "g"
    ambiguous_graph().save(directory)
    return directory


def _query(*args: str):
    from citegraph.cli import app

    result = CliRunner().invoke(app, ["query", *args])
    assert result.exit_code == 0, (result.output, result.exception)
    return result


def test_timeline_says_how_many_papers_have_no_date(saved):
    result = _query("timeline", "Direct Policy Optimization", "-g", str(saved))
    assert "2023-03" in result.stdout
    assert "note: 1 paper(s) left out of the months for lack of a date" in result.stderr
    dated = _query("timeline", "Direct Preference Optimization", "-g", str(saved))
    assert "note:" not in dated.stderr


def test_similar_papers_page_includes_the_paper_asked_about(saved, tmp_path):
    page = tmp_path / "similar.html"
    result = _query("similar_papers", "NanoFlow: Optimal Serving Throughput", "-g", str(saved),
                    "--html", str(page))
    assert "doi:10.1/c" in result.stdout and "doi:10.1/nanoflow-a" not in result.stdout
    html = page.read_text(encoding="utf-8")
    assert '"focus":"Paper:doi:10.1/nanoflow-a"' in html and "Paper:doi:10.1/c" in html


def test_a_page_for_every_candidate_has_no_single_focus(saved, tmp_path):
    page = tmp_path / "both.html"
    result = _query("similar_papers", "NanoFlow", "-g", str(saved), "--ambiguous", "all",
                    "--html", str(page))
    assert "doi:10.1/c" in result.stdout and "doi:10.1/d" in result.stdout
    assert '"focus":"Paper:' not in page.read_text(encoding="utf-8")
