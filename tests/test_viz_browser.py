"""Generated pages in headless Chromium: drawn, offline, and hostile text stays text.

Skipped when Chromium is missing, unless ``CITEGRAPH_REQUIRE_BROWSER=1`` (CI) makes that a
failure. Screenshots go to ``out/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import SEEDS as CORPUS

from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.viz import samples
from citegraph.viz.headless import Browser, find_chromium

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
    return max(entities, key=kg.degree)


def show(browser: Browser, page, path: Path) -> None:
    """Save the page, open it, wait until the network is drawn."""
    page.save(path)
    browser.open(path)
    browser.wait_for("window.citegraphView && window.citegraphView.drawnAt", timeout=30)


#: What the labels look like after drawing: the boxes the page reports, the panel's box,
#: where the visible nodes are, how many labels vis-network itself would draw, and the
#: dark pixels (label text is #1d1d1f; no node or edge is that dark) inside each box and
#: outside every box (the focus node's black border excepted).
LABELS = """(() => {
  const v = citegraphView, net = v.network;
  const rect = el => { const r = el.getBoundingClientRect();
                       return [r.left, r.top, r.right, r.bottom]; };
  const ids = v.nodes.getIds({filter: n => !n.hidden});
  const pos = net.getPositions(ids);
  const nodes = ids.map(id => { const p = net.canvasToDOM(pos[id]); return [id, p.x, p.y]; });
  const boxes = v.labels.map(l => l.box);
  const c = document.querySelector('#graph canvas'), ratio = c.width / c.clientWidth;
  const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const focus = v.focus ? net.canvasToDOM(net.getPosition(v.focus)) : null;
  const inside = boxes.map(() => 0);
  let outside = 0;
  for (let y = 0; y < c.height; y += 1)
    for (let x = 0; x < c.width; x += 1) {
      const i = (y * c.width + x) * 4;
      if (px[i + 3] < 200 || Math.max(px[i], px[i + 1], px[i + 2]) > 45) continue;
      const X = x / ratio, Y = y / ratio;
      const k = boxes.findIndex(b => X >= b[0] - 1 && X <= b[2] + 1
                                     && Y >= b[1] - 1 && Y <= b[3] + 1);
      if (k >= 0) inside[k] += 1;
      else if (!focus || Math.hypot(X - focus.x, Y - focus.y) > 50) outside += 1;
    }
  return {labels: v.labels, panel: rect(document.getElementById('panel')),
          note: rect(document.getElementById('note')),
          noteText: document.getElementById('note').textContent,
          width: innerWidth, height: innerHeight, nodes: nodes, inside: inside,
          outside: outside, visLabels: v.nodes.get().filter(n => n.label).length};
})()"""


def intersects(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]


def assert_labels_clear(browser: Browser, at_least: int, nodes_clear: bool = True) -> dict:
    """Labels overlap neither each other nor the panel, stay on the page and are drawn where
    the page says; with ``nodes_clear`` no node sits under the panel either."""
    seen = browser.evaluate(LABELS)
    boxes = [label["box"] for label in seen["labels"]]
    assert len(boxes) >= at_least, seen["labels"]
    assert seen["visLabels"] == 0  # vis-network draws no label of its own
    for i, a in enumerate(boxes):
        assert not intersects(a, seen["panel"]), seen["labels"][i]
        assert a[0] >= 0 and a[1] >= 0 and a[2] <= seen["width"] and a[3] <= seen["height"]
        for b in boxes[i + 1:]:
            assert not intersects(a, b), (a, b)
    assert all(n >= 5 for n in seen["inside"]), "a reported label was not drawn"
    assert seen["outside"] < 20, "text was drawn outside the reported label boxes"
    if nodes_clear:
        panel = seen["panel"]
        under = [n for n in seen["nodes"]
                 if panel[0] <= n[1] <= panel[2] and panel[1] <= n[2] <= panel[3]]
        assert under == [], "nodes sit under the panel"
    return seen


def assert_offline_and_harmless(browser: Browser) -> None:
    outside = [u for u in browser.report.requests if not u.startswith(("file:", "data:"))]
    assert outside == [], f"the page made network requests: {outside}"
    assert browser.evaluate("window.__dialogs") == []
    assert browser.evaluate("document.querySelectorAll('img, iframe, object').length") == 0
    assert browser.report.exceptions == []


def test_overview_draws_offline_and_hostile_title_stays_text(browser, graph, tmp_path) -> None:
    # every node, so the hostile paper is on the page whatever its rank
    show(browser, graph.view(max_nodes=graph.number_of_nodes()), tmp_path / "overview.html")
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


@pytest.mark.parametrize("kind", ["overview", "neighbourhood", "similar"])
def test_labels_clear_of_each_other_and_the_panel(browser, graph, tmp_path, kind) -> None:
    if kind == "overview":
        page = graph.view()
    elif kind == "neighbourhood":
        page = graph.view(focus=busiest_entity(graph), depth=1)
    else:
        if not any(True for _ in graph.edges(S.SIMILAR_TO)):
            pytest.skip("the made-up corpus (no example corpus here) has no similar papers")
        asked = max((n for n, _ in graph.nodes(S.PAPER)), key=graph.degree)
        page = graph.view(nodes=graph.query.similar_papers(asked, limit=8), focus=asked)
    show(browser, page, tmp_path / f"{kind}.html")
    browser.pump(0.3)
    seen = assert_labels_clear(browser, at_least=8 if kind == "overview" else 4)
    browser.screenshot(SHOTS / f"labels-{kind}.png")
    # the note says what was left out, on screen
    assert seen["noteText"] == page.note
    if page.note:
        note = seen["note"]
        assert note[3] - note[1] > 10 and note[3] <= seen["height"]
    if kind == "similar":  # the paper asked about is labelled
        assert browser.evaluate("citegraphView.focus") in {b["id"] for b in seen["labels"]}

    # hovering an unlabelled node labels it, and the labels stay apart
    labelled = {b["id"] for b in seen["labels"]}
    bare = next(((n[1], n[2], n[0]) for n in reversed(seen["nodes"])
                 if n[0] not in labelled and 320 < n[1] < seen["width"] - 40
                 and 40 < n[2] < seen["height"] - 40), None)
    if bare is None:  # every node is labelled already
        assert kind == "similar" and len(labelled) == len(seen["nodes"])
        assert_offline_and_harmless(browser)
        return
    x, y, hid = bare
    browser.call("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y)
    browser.wait_for(f"citegraphView.labels.some(l => l.id === {hid!r})", timeout=5)
    boxes = [label["box"] for label in browser.evaluate("citegraphView.labels")]
    assert not any(intersects(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    browser.call("Input.dispatchMouseEvent", type="mouseMoved", x=5, y=seen["height"] - 5)
    assert_offline_and_harmless(browser)


def test_isolated_nodes_of_a_physics_view_form_a_grid_below(browser, tmp_path) -> None:
    kg = KnowledgeGraph()
    hub = kg.add_node(S.METHOD, "lora", name="LoRA")
    for i in range(8):
        kg.add_edge(S.MENTIONS, kg.add_node(S.PAPER, f"p{i}", title=f"Paper {i}"), hub, count=1)
    lonely = [kg.add_node(S.PAPER, f"alone{i}", title=f"Alone {i}") for i in range(7)]
    page = kg.view()
    assert '"physics":true' in page.html
    show(browser, page, tmp_path / "lonely.html")
    pos = browser.evaluate("citegraphView.network.getPositions()")
    xs = sorted({round(pos[n]["x"]) for n in lonely})
    ys = sorted({round(pos[n]["y"]) for n in lonely})
    assert len(xs) == 3 and len(ys) == 3  # ceil(sqrt(7)) columns, three rows
    assert {b - a for a, b in zip(xs, xs[1:], strict=False)} == {60}
    assert {b - a for a, b in zip(ys, ys[1:], strict=False)} == {60}
    linked = [p for nid, p in pos.items() if nid not in lonely]
    assert min(ys) > max(p["y"] for p in linked)
    browser.pump(0.3)
    browser.screenshot(SHOTS / "isolated-grid.png")
    assert_labels_clear(browser, at_least=3)


def test_big_view_draws_from_precomputed_positions(browser, tmp_path) -> None:
    from citegraph.viz import PHYSICS_LIMIT

    kg = samples.synthetic(PHYSICS_LIMIT + 200)
    show(browser, kg.view(), tmp_path / "big.html")
    assert browser.evaluate("citegraphView.network.physics.options.enabled") is False
    assert browser.evaluate(INKED) > 2000, "the canvas is blank"
    browser.pump(0.3)
    browser.screenshot(SHOTS / "big.png")
    assert_offline_and_harmless(browser)
