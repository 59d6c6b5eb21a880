"""docs/tour.ipynb runs offline on the example corpus and renders to a page that Chromium
draws without a network request."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import REPO

NOTEBOOK = REPO / "docs" / "tour.ipynb"

pytest.importorskip("nbclient")
pytest.importorskip("nbconvert")


def _text(output) -> str:
    data = output.get("data", {})
    return output.get("text", "") + data.get("text/plain", "") + data.get("text/html", "")


@pytest.fixture(scope="module")
def executed(seeds_dir: Path):
    """The notebook run top to bottom in a fresh kernel, from docs/."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    os.environ["CITEGRAPH_SEEDS"] = str(seeds_dir)
    try:
        # coalesced streams: progress bars redrawn with "\r" keep their last state, as on
        # screen, instead of one stored line per redraw
        NotebookClient(notebook, timeout=900, kernel_name="python3", coalesce_streams=True,
                       resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    finally:
        del os.environ["CITEGRAPH_SEEDS"]
    return notebook


def test_committed_without_outputs() -> None:
    """Outputs hold the whole pages; they stay out of git (the test makes them)."""
    import nbformat

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")


@pytest.mark.slow
def test_runs_and_shows_tables_and_views(executed) -> None:
    code = [cell for cell in executed.cells if cell.cell_type == "code"]
    outputs = [[_text(o) for o in cell.outputs] for cell in code]
    everything = "\n".join("\n".join(o) for o in outputs)
    assert "Error" not in "".join(o.get("output_type", "") for c in code for o in c.outputs)
    assert "IProgress not found" not in everything and "TqdmWarning" not in everything
    assert "citegraph: 527 papers" in everything  # the one-line summary
    tables = [o for cell in code for o in cell.outputs
              if 'class="citegraph-result"' in o.get("data", {}).get("text/html", "")]
    assert len(tables) == 5
    frames = [o for cell in code for o in cell.outputs
              if "<iframe srcdoc=" in o.get("data", {}).get("text/html", "")]
    assert len(frames) == 2


@pytest.mark.slow
@pytest.mark.browser
def test_rendered_html_in_chromium(executed, tmp_path) -> None:
    from nbconvert import HTMLExporter

    from citegraph.viz.headless import Browser, find_chromium

    if not find_chromium():
        if os.environ.get("CITEGRAPH_REQUIRE_BROWSER") == "1":
            pytest.fail("CITEGRAPH_REQUIRE_BROWSER=1 but chromium is not installed")
        pytest.skip("chromium is not installed")
    # the "basic" template is the notebook's body alone: no CDN scripts or fonts
    body, _ = HTMLExporter(template_name="basic").from_notebook_node(executed)
    page = tmp_path / "tour.html"
    page.write_text(f"<!doctype html><html><head><meta charset='utf-8'></head>"
                    f"<body>{body}</body></html>", encoding="utf-8")
    with Browser(width=1280, height=900) as browser:
        browser.open(page)
        browser.wait_for("document.readyState === 'complete'")
        browser.pump(3)
        tables = browser.evaluate("document.querySelectorAll('table.citegraph-result').length")
        frames = browser.evaluate(
            "[...document.querySelectorAll('iframe')].map(f => f.srcdoc.length)")
        text = browser.evaluate("document.body.innerText.length")
        shot = browser.screenshot(REPO / "out" / "screenshots" / "tour.png")
        browser.evaluate("document.querySelectorAll('iframe')[0].scrollIntoView()")
        browser.pump(2)
        browser.screenshot(REPO / "out" / "screenshots" / "tour-view.png")
        requests = [u for u in browser.report.requests
                    if not u.startswith(("file:", "about:", "data:"))]
    assert tables == 5
    assert len(frames) == 2 and all(n > 10_000 for n in frames)
    assert text > 1_000
    assert shot.stat().st_size > 10_000
    assert requests == []
