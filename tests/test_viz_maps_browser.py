"""Bibliometric map pages and the bursts page in headless Chromium: drawn, offline, and
hostile names stay text. Built from real Scopus and Web of Science exports plus a paper,
author and keyword made of markup. Screenshots go to ``out/screenshots/``."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_bibliometrics import EXPORTS
from test_viz_browser import (
    INKED,
    SHOTS,
    assert_labels_clear,
    assert_offline_and_harmless,
    browser,
    show,
)

from citegraph.graph import bibliometrics as B
from citegraph.graph import schema as S
from citegraph.graph.model import KnowledgeGraph
from citegraph.graph.pipeline import BuildOptions
from citegraph.viz.bursts import bursts_page
from citegraph.viz.maps import map_view
from citegraph.viz.samples import HOSTILE_TITLE

pytestmark = pytest.mark.browser
__all__ = ["browser"]  # the module-scoped Chromium fixture, shared


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    """The real exports, with a hostile author, keyword and co-cited work that are large
    enough to be on every map and burst in the last years."""
    import citegraph

    kg = citegraph.build([str(p) for p in EXPORTS], options=BuildOptions(
        entities=False, similarity=False, co_mention=False, citations=False))
    for label in (S.KEYWORD,):
        kg.remove_nodes([n for n, _ in kg.nodes(label)])
    papers = sorted(n for n, a in kg.nodes(S.PAPER) if not a.get(S.STUB) and a.get(S.YEAR))
    bad = kg.add_node(S.PAPER, "hostile", **{S.TITLE: HOSTILE_TITLE, S.YEAR: 1990})
    author = kg.add_node(S.AUTHOR, "hostile", **{S.NAME: HOSTILE_TITLE})
    late = sorted(papers, key=lambda p: -kg.node(p)[S.YEAR])[:12]
    for pid in late:
        kg.add_edge(S.AUTHORED, author, pid, **{S.POSITION: 9})
        kg.add_edge(S.CITES, pid, bad, **{S.INFERRED: False})
        kg.node(pid)[S.KEYWORDS] = [HOSTILE_TITLE, "bibliometrics"]
    for rel in (S.CO_CITED, S.COUPLED, S.CO_AUTHORED):
        for u, v, k in [(u, v, k) for u, v, k, t, _ in kg.keyed_edges() if t == rel]:
            kg.remove_edge(u, v, k)
    B.add_keywords(kg)
    B.add_keyword_co_occurrence_edges(kg, 2)
    B.add_co_citation_edges(kg, 2)
    B.add_coupling_edges(kg, 2)
    B.add_co_author_edges(kg, 1)
    return kg


def hostile_is_text(browser) -> None:
    names = browser.evaluate("citegraphView.nodes.get().map(n => n.name)")
    assert HOSTILE_TITLE in names
    assert_offline_and_harmless(browser)


@pytest.mark.parametrize("network, overlay, shot", [
    ("co-authorship", None, "map_authors.png"),
    ("co-citation", None, "map_cocitation.png"),
    ("keywords", None, "map_keywords.png"),
    ("co-citation", "year", "map_overlay_year.png"),
])
def test_map_pages_draw_offline(browser, kg, tmp_path, network, overlay, shot) -> None:
    page = map_view(kg, network, top=60, overlay=overlay)
    show(browser, page, tmp_path / f"{network}.html")
    assert browser.evaluate(INKED) > 500, "the canvas is blank"
    kinds = browser.evaluate("[...document.querySelectorAll('#node-kinds li')]"
                             ".map(li => li.textContent)")
    assert len(kinds) >= 2
    if overlay == "year":
        assert any(k[:4].isdigit() for k in kinds)
    browser.pump(0.3)
    browser.screenshot(SHOTS / shot)
    seen = assert_labels_clear(browser, at_least=5)
    assert seen["noteText"] == page.note and page.note.startswith(" ".join(page.left_out))
    assert seen["note"][3] <= seen["height"]  # on screen, above the long legend
    hostile_is_text(browser)


def test_bursts_page_is_drawn_offline_without_scripts(browser, kg, tmp_path: Path) -> None:
    page = bursts_page(kg, "year")
    path = page.save(tmp_path / "bursts.html")
    browser.open(path)
    browser.wait_for("document.readyState === 'complete'", timeout=30)
    assert browser.evaluate("document.querySelectorAll('svg rect.bar').length") > 10
    assert browser.evaluate("document.querySelectorAll('svg rect.on').length") >= 1
    assert browser.evaluate("document.scripts.length") == 0
    text = browser.evaluate("document.body.textContent")
    notes = browser.evaluate("[...document.querySelectorAll('[role=note]')]"
                             ".map(e => e.textContent)")
    assert notes == ([page.note] if page.left_out else [])
    undated = sum(1 for _, a in kg.nodes(S.PAPER)
                  if not a.get(S.STUB) and not a.get(S.YEAR) and not a.get(S.DATE))
    assert (f"{undated:,} paper{'s' if undated != 1 else ''} without a date" in page.note) \
        == bool(undated)
    assert HOSTILE_TITLE in text  # the hostile keyword bursts in the last years
    browser.pump(0.2)
    browser.screenshot(SHOTS / "bursts.png")
    assert_offline_and_harmless(browser)
