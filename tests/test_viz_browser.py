"""Generated pages in headless Chromium: drawn, offline, and hostile text stays text.

Skipped when Chromium is missing, unless ``CITEGRAPH_REQUIRE_BROWSER=1`` (CI) makes that a
failure. Screenshots go to ``out/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.viz import samples
from citegraph.viz.headless import Browser, find_chromium
from conftest import SEEDS as CORPUS

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "out" / "screenshots"
SEEDS = CORPUS if CORPUS.is_dir() else None

#: Installed before any page script: records dialogs instead of showing them.
TRAP = """
window.__dialogs = [];
["alert", "confirm", "prompt", "print"].forEach(function (name) {
  window[name] = function (m) { window.__dialogs.push(name + ":" + String(m)); };
});
"""

#: How many canvas pixels something was drawn on (sampling every 4th pixel each way).
INKED = """(() => {
  const c = document.querySelector('#graph canvas');
  const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let y = 0; y < c.height; y += 4)
    for (let x = 0; x < c.width; x += 4) if (px[(y * c.width + x) * 4 + 3] > 0) n++;
  return n;
})()"""


@pytest.fixture(scope="module")
def browser():
    if not find_chromium():
        if os.environ.get("CITEGRAPH_REQUIRE_BROWSER") == "1":
            pytest.fail("CITEGRAPH_REQUIRE_BROWSER=1 but chromium is not installed")
        pytest.skip("chromium is not installed")
    with Browser(width=1280, height=800) as b:
        b.before_load(TRAP)
        yield b


@pytest.fixture(scope="module")
def graph() -> KnowledgeGraph:
    """The example corpus (or a made-up one) with entities and a hostile paper title."""
    if SEEDS is not None:
        import citegraph

        kg = citegraph.build(SEEDS)
    else:
        kg = samples.synthetic(400)
    if not any(True for label in S.ENTITY_NODE_LABELS for _ in kg.nodes(label)):
        samples.with_entities(kg, hostile=False)
    samples.add_hostile_paper(kg)
    return kg


def busiest_entity(kg: KnowledgeGraph) -> str:
    """The node id of the entity with most connections."""
    entities = [nid for label in S.ENTITY_NODE_LABELS for nid, _ in kg.nodes(label)]
    return max(entities, key=kg.g.degree)


def show(browser: Browser, page, path: Path) -> None:
    """Save the page, open it, wait until the network is drawn."""
    page.save(path)
    browser.open(path)
    browser.wait_for("window.citegraphView && window.citegraphView.drawnAt", timeout=30)


def assert_offline_and_harmless(browser: Browser) -> None:
    outside = [u for u in browser.report.requests if not u.startswith(("file:", "data:"))]
    assert outside == [], f"the page made network requests: {outside}"
    assert browser.evaluate("window.__dialogs") == []
    assert browser.evaluate("document.querySelectorAll('img, iframe, object').length") == 0
    assert browser.report.exceptions == []


def test_overview_draws_offline_and_hostile_title_stays_text(browser, graph, tmp_path) -> None:
    # every node, so the hostile paper is on the page whatever its rank
    show(browser, graph.view(max_nodes=graph.g.number_of_nodes()), tmp_path / "overview.html")
    assert browser.evaluate(INKED) > 2000, "the canvas is blank"
    browser.pump(0.3)
    browser.screenshot(SHOTS / "overview.png")

    # Hover the hostile paper: vis-network shows its tooltip, which must be plain text.
    x, y = browser.evaluate("""(() => {
      const net = citegraphView.network;
      net.focus('Paper:hostile', {scale: 4, animation: false});
      const p = net.canvasToDOM(net.getPosition('Paper:hostile'));
      return [p.x, p.y];
    })()""")
    browser.pump(0.2)
    for dx in (0, 1, 2):
        browser.call("Input.dispatchMouseEvent", type="mouseMoved", x=x + dx, y=y)
        browser.pump(0.15)
    tip = browser.wait_for("""(() => {
      const t = document.querySelector('div.vis-tooltip');
      return t && t.style.visibility !== 'hidden' && t.textContent;
    })()""", timeout=5)
    assert samples.HOSTILE_TITLE in tip
    browser.pump(0.3)
    browser.screenshot(SHOTS / "tooltip.png")
    assert_offline_and_harmless(browser)


def test_neighbourhood_and_filters(browser, graph, tmp_path) -> None:
    show(browser, graph.view(focus=busiest_entity(graph), depth=1), tmp_path / "entity.html")
    assert browser.evaluate(INKED) > 500, "the canvas is blank"
    kinds = browser.evaluate("[...document.querySelectorAll('#node-kinds li')]"
                             ".map(li => li.textContent)")
    assert any(k.startswith("Paper") for k in kinds) and len(kinds) >= 2
    browser.pump(0.3)
    browser.screenshot(SHOTS / "neighbourhood.png")
    # Unticking "Paper" hides every paper node.
    browser.evaluate("document.querySelector('#node-kinds input').click()")
    hidden = browser.evaluate("citegraphView.nodes.get({filter: n => n.kind === 'Paper'})"
                              ".every(n => n.hidden)")
    assert hidden
    assert_offline_and_harmless(browser)


def test_big_view_draws_from_precomputed_positions(browser, tmp_path) -> None:
    from citegraph.viz import PHYSICS_LIMIT

    kg = samples.synthetic(PHYSICS_LIMIT + 200)
    show(browser, kg.view(), tmp_path / "big.html")
    assert browser.evaluate("citegraphView.network.physics.options.enabled") is False
    assert browser.evaluate(INKED) > 2000, "the canvas is blank"
    browser.pump(0.3)
    browser.screenshot(SHOTS / "big.png")
    assert_offline_and_harmless(browser)
